"""One neuron on its own, for the "Sigmoid neuron" lab (chapter 1 of the book).

A neuron with weights w and bias b, given inputs x, computes z = w . x + b:

    perceptron        output = 1 if z > 0 else 0
    sigmoid neuron    output = sigma(z) = 1 / (1 + e^-z)

x and w may be numbers or equal-length vectors. The lab shows two things:

* Sharpening. Scaling w and b by c > 0 leaves the threshold -b/w where it is
  (for one input), but makes the sigmoid steeper; as c -> infinity the sigmoid
  neuron behaves like the perceptron.

* Small changes. A small change in the weights and bias gives a small change
  in a sigmoid neuron's output, to first order

      Delta output ~= sum_j (d output / d w_j) Delta w_j + (d output / d b) Delta b
                    = sigma'(z) (x . Delta w + Delta b),

  while a perceptron's output either stays put or flips by +-1.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths.activations import sigmoid, sigmoid_prime
from nnfs.neurons.perceptron import snap_to_zero


def _vector(v: ArrayLike, name: str) -> NDArray[np.float64]:
    """v as a float64 array (0-d for a number, 1-d for a vector), all finite."""
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or a list of numbers, got {v!r}") from None
    if a.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-D vector, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {v!r}")
    return a


def _number(v: ArrayLike, name: str) -> float:
    a = _vector(v, name)
    if a.ndim != 0:
        raise ValueError(f"{name} must be a single number, got {v!r}")
    return float(a)


def weighted_input(x: ArrayLike, w: ArrayLike, b: float) -> float:
    """z = w . x + b (the product w x for a single input).

    A sum within rounding error of 0 is returned as 0.0, as in ``nnfs.neurons.perceptron``:
    x = 0.1, w = 3, b = -0.3 is z = 0, where the perceptron says 0 and sigma 1/2.
    """
    x, w, b = _vector(x, "x"), _vector(w, "w"), _number(b, "b")
    if x.shape != w.shape:
        raise ValueError(f"x and w must have the same length, got {x.size} and {w.size}")
    return snap_to_zero(float(np.dot(x, w) + b), float(np.dot(np.abs(x), np.abs(w)) + abs(b)))


def sigmoid_neuron(x: ArrayLike, w: ArrayLike, b: float) -> float:
    """sigma(w . x + b)."""
    return float(sigmoid(weighted_input(x, w, b)))


def step_neuron(x: ArrayLike, w: ArrayLike, b: float) -> int:
    """The perceptron: 1 if w . x + b > 0, else 0."""
    return int(weighted_input(x, w, b) > 0)


def curve(w: float, b: float, xs: ArrayLike, kind: str = "sigmoid") -> NDArray[np.float64]:
    """Output of a one-input neuron at each of the inputs ``xs``, for plotting.

    kind='sigmoid': sigma(w x + b); kind='step': the perceptron's 0/1.
    """
    w, b = _number(w, "w"), _number(b, "b")
    xs = _vector(xs, "xs")
    z = w * xs + b
    if kind == "sigmoid":
        return np.asarray(sigmoid(z), dtype=np.float64)
    if kind == "step":
        return (z > 0).astype(np.float64)
    raise ValueError(f"unknown kind {kind!r}; expected 'sigmoid' or 'step'")


def threshold(w: float, b: float) -> float:
    """The input x = -b/w where a one-input neuron's z = w x + b crosses 0
    (where the sigmoid is 1/2 and the perceptron switches)."""
    w, b = _number(w, "w"), _number(b, "b")
    if w == 0:
        raise ValueError("w = 0: the output does not depend on x, so there is no threshold")
    return -b / w


def sharpen(w: ArrayLike, b: float, c: float) -> tuple[float | NDArray[np.float64], float]:
    """(c w, c b) for c > 0: same threshold -b/w (z = 0 stays where it is),
    but z = c (w x + b) grows c times faster, so the sigmoid is c times steeper
    there (slope c w / 4 at the threshold)."""
    c = _number(c, "c")
    if c <= 0:
        raise ValueError(f"c must be > 0 (c <= 0 would flip or flatten the neuron), got {c!r}")
    w = _vector(w, "w")
    b = _number(b, "b")
    cw = c * w
    return (float(cw) if cw.ndim == 0 else cw), c * b


def step_gap(w: float, b: float, x_range: Iterable[float], margin: float) -> float:
    """The largest |sigma(w x + b) - step(w x + b)| for x in ``x_range`` = (lo, hi)
    at least ``margin`` away from the threshold -b/w: how far a one-input
    sigmoid neuron is from the perceptron with the same w and b, away from the
    one place (z = 0) where they can never agree.

    For z != 0 the gap is sigma(-|z|) (1 - sigma(z) above 0, sigma(z) below),
    which shrinks as |z| = |w| |x - threshold| grows; so the largest gap is at
    the admissible x nearest the threshold, and it is found exactly, not on a
    grid. With w = 0 the output is the constant sigma(b), so the gap is
    sigma(-|b|) everywhere. Returns nan when no x in the range qualifies.
    """
    w, b, margin = _number(w, "w"), _number(b, "b"), _number(margin, "margin")
    lo, hi = (_number(v, "x_range") for v in x_range)
    if lo > hi or margin < 0:
        raise ValueError(f"need lo <= hi and margin >= 0, got x_range={x_range!r}, margin={margin!r}")
    if w == 0:
        return float(sigmoid(-abs(b)))
    t = -b / w
    candidates = [x for x in (lo, hi, t - margin, t + margin) if lo <= x <= hi and abs(x - t) >= margin * (1 - 1e-12)]
    if not candidates:
        return float("nan")
    nearest = min(abs(x - t) for x in candidates)
    return float(sigmoid(-abs(w) * nearest))


def small_change(x: ArrayLike, w: ArrayLike, b: float, dw: ArrayLike, db: float = 0.0) -> dict[str, float]:
    """What the change (w, b) -> (w + dw, b + db) does to each neuron's output.

    Returns a dict of floats:
        z, output            before: z = w . x + b, sigma(z)
        new_output           sigma((w + dw) . x + b + db)
        actual               new_output - output
        linear               sigma'(z) (x . dw + db), the first-order estimate
        error                actual - linear (second order in the change)
        perceptron           the perceptron's change: 0, +1 or -1
    """
    x, w, dw = _vector(x, "x"), _vector(w, "w"), _vector(dw, "dw")
    if dw.shape != w.shape:
        raise ValueError(f"dw must have the same length as w, got {dw.size} and {w.size}")
    b, db = _number(b, "b"), _number(db, "db")
    z = weighted_input(x, w, b)
    z_new = weighted_input(x, w + dw, b + db)
    output, new_output = float(sigmoid(z)), float(sigmoid(z_new))
    # d output / d w_j = sigma'(z) x_j and d output / d b = sigma'(z).
    linear = float(sigmoid_prime(z)) * (float(np.dot(x, dw)) + db)
    actual = new_output - output
    return {
        "z": z,
        "output": output,
        "new_output": new_output,
        "actual": actual,
        "linear": linear,
        "error": actual - linear,
        "perceptron": int(z_new > 0) - int(z > 0),
    }
