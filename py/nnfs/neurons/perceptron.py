"""Perceptrons: the artificial neuron of Nielsen's chapter 1.

A perceptron takes inputs x1, ..., xn, weighs them and compares the sum with
a threshold:

    output = 1  if  w . x > threshold
             0  otherwise

Writing the bias b = -threshold gives the form used everywhere else:

    output = 1  if  w . x + b > 0   else 0.

This module holds the `Perceptron` itself, the logic-gate presets NAND, AND,
OR and NOT, `truth_table`, `decision_line` (the line w1*x1 + w2*x2 + b = 0
clipped to a box, for drawing). `parse_finite` is kept here as an alias of
the one number parser, `nnfs.settings.table.parse_number`.

The step is strict (a sum of exactly 0 gives 0), and "exactly 0" means 0 up
to floating-point rounding (`snap_to_zero`): in binary, 0.1 + 0.2 - 0.3 is
5.55e-17, not 0, and a perceptron with w = (0.1, 0.2), b = -0.3 must still
say 0 for x = (1, 1), as the arithmetic on the page does.
"""

import math
import numbers
from collections.abc import Iterable
from itertools import product

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths import checks
from nnfs.settings.table import parse_number

# A truth table has 2**n rows; past this it is no longer something to show.
MAX_TRUTH_TABLE_INPUTS = 12

# A sum of terms of total size S is rounded by at most a few eps * S; a
# result that small is rounding left over from an exact 0 (see snap_to_zero).
ROUNDING = 16 * float(np.finfo(np.float64).eps)  # about 3.6e-15


def snap_to_zero(z: float, scale: float) -> float:
    """`z`, or 0.0 when |z| is within rounding error of 0 for a sum whose terms
    have absolute values adding up to `scale` (e.g. |w1 x1| + |w2 x2| + |b|).

    Decimals such as 0.1 are not exact in binary, so a weighted sum that is 0
    on paper can come out as +-5.55e-17; that must not flip a strict step.
    A genuinely non-zero sum of numbers typed with up to 15 significant digits
    is far larger than this tolerance.
    """
    return 0.0 if abs(z) <= ROUNDING * scale else z


def parse_finite(
    text: str, name: str = "value", *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """Parse user-typed `text` into a finite float, or raise ValueError.

    Kept for the callers that import it from here; the one number parser is
    `nnfs.settings.table.parse_number` (same messages, same rules).
    """
    return float(parse_number(text, name, minimum, maximum))


def _describe(value: object) -> str:
    """How a bad value is shown in a message: nan and inf bare, others repr'd."""
    if isinstance(value, numbers.Real) and not math.isfinite(value):
        return str(float(value))
    return repr(value)


def _finite_number(value: object, what: str, where: str = "") -> float:
    """`value` as a float; `what` names it in the error ("bias must be ...")."""
    if not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what}; got {_describe(value)}{where}")
    return float(value)


def _finite_vector(values: Iterable[object], name: str) -> NDArray[np.float64]:
    """`values` (a sequence of real numbers) as a float numpy vector."""
    items = checks.sequence(values, name, "a sequence of numbers")
    return np.array(
        [_finite_number(v, f"{name} must be finite numbers", f" at position {i}") for i, v in enumerate(items)],
        dtype=float,
    )


class Perceptron:
    """A perceptron with weights w and bias b: output(x) = 1 if w . x + b > 0 else 0.

    Inputs may be any real numbers, not only 0 and 1. A Perceptron does not
    change after it is made (its weights array is read-only), so the presets
    below can be shared safely.
    """

    def __init__(self, weights: Iterable[float], bias: float) -> None:
        w = _finite_vector(weights, "weights")
        if w.size == 0:
            raise ValueError("weights must have at least one entry (one per input)")
        w.flags.writeable = False
        self._weights = w
        self._bias = _finite_number(bias, "bias must be a finite number")

    @classmethod
    def from_threshold(cls, weights: Iterable[float], threshold: float) -> "Perceptron":
        """The perceptron that outputs 1 when w . x > threshold, i.e. b = -threshold."""
        return cls(weights, -_finite_number(threshold, "threshold must be a finite number"))

    @property
    def weights(self) -> NDArray[np.float64]:
        return self._weights

    @property
    def bias(self) -> float:
        return self._bias

    @property
    def threshold(self) -> float:
        """Nielsen's original form: the output is 1 when w . x exceeds -b."""
        return -self._bias

    @property
    def n_inputs(self) -> int:
        return self._weights.size

    def weighted_input(self, x: Iterable[float]) -> float:
        """z = w . x + b, after checking x has one finite number per weight.

        A sum within rounding error of 0 is returned as 0.0 (`snap_to_zero`).
        """
        x = _finite_vector(x, "inputs")
        if x.size != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} inputs; got {x.size}")
        z = float(np.dot(self._weights, x) + self._bias)
        return snap_to_zero(z, float(np.dot(np.abs(self._weights), np.abs(x)) + abs(self._bias)))

    def output(self, x: Iterable[float]) -> int:
        """1 if w . x + b > 0, else 0. A sum of exactly 0 gives 0: the step is strict."""
        return 1 if self.weighted_input(x) > 0 else 0

    def outputs(self, points: ArrayLike) -> NDArray[np.int8]:
        """The output for many inputs at once: an (N, n) array of rows -> N ints 0/1.

        The same rule as `output`, vectorised with numpy, for pictures such
        as the shaded half-plane where the output is 1 (one row per pixel).
        """
        xs = np.asarray(points, dtype=float)
        if xs.ndim != 2 or xs.shape[1] != self.n_inputs:
            raise ValueError(f"expected an (N, {self.n_inputs}) array of inputs; got shape {xs.shape}")
        if not np.all(np.isfinite(xs)):
            raise ValueError("inputs must be finite numbers")
        z = xs @ self._weights + self._bias
        scale = np.abs(xs) @ np.abs(self._weights) + abs(self._bias)
        return (z > ROUNDING * scale).astype(np.int8)  # > 0 after snap_to_zero

    def __repr__(self) -> str:
        return f"Perceptron(weights={self._weights.tolist()}, bias={self._bias:g})"


# Nielsen's NAND gate: weights -2, -2 and bias 3. Only (1, 1) brings the sum
# down to 3 - 4 = -1 <= 0; every other input leaves it positive.
NAND = Perceptron([-2, -2], 3)
# AND fires only when both inputs are on: 1 + 1 - 1.5 > 0, but 1 - 1.5 is not.
AND = Perceptron([1, 1], -1.5)
# OR fires when at least one input is on: 1 - 0.5 > 0, but 0 - 0.5 is not.
OR = Perceptron([1, 1], -0.5)
# NOT is a one-input NAND: -2 * 0 + 1 > 0, -2 * 1 + 1 is not.
NOT = Perceptron([-2], 1)

PRESETS = {"nand": NAND, "and": AND, "or": OR, "not": NOT}


def truth_table(perceptron: Perceptron) -> list[tuple[tuple[int, ...], int]]:
    """Every 0/1 input row with the perceptron's output, in binary counting order.

    Returns [(x, output), ...] where x is a tuple of n ints, e.g. for NAND:
    [((0, 0), 1), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)].
    """
    n = perceptron.n_inputs
    if n > MAX_TRUTH_TABLE_INPUTS:
        raise ValueError(
            f"a truth table for {n} inputs would have {2**n} rows; the limit is {MAX_TRUTH_TABLE_INPUTS} inputs"
        )
    return [(x, perceptron.output(x)) for x in product((0, 1), repeat=n)]


def decision_line(
    weights: Iterable[float], bias: float, box: Iterable[float] = (0.0, 1.0, 0.0, 1.0)
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the line w1*x1 + w2*x2 + b = 0 inside `box`, for drawing.

    `box` is (x1_min, x1_max, x2_min, x2_max). Returns the segment's two end
    points ((x1, x2), (x1, x2)), ordered left to right, or None when there is
    nothing to draw: w = 0 (then w . x + b is the constant b and there is no
    line) or the line misses the box. The perceptron outputs 1 on the side
    the vector w points to.
    """
    w = _finite_vector(weights, "weights")
    if w.size != 2:
        raise ValueError(f"a decision line needs exactly 2 weights; got {w.size}")
    w1, w2 = w
    b = _finite_number(bias, "bias must be a finite number")
    edges = _finite_vector(box, "box")
    if edges.size != 4 or not (edges[0] < edges[1] and edges[2] < edges[3]):
        raise ValueError(f"box must be (x1_min, x1_max, x2_min, x2_max) with min < max; got {box!r}")
    x_lo, x_hi, y_lo, y_hi = edges
    if w1 == 0 and w2 == 0:
        return None

    # Where the line crosses each side of the box. A small tolerance keeps a
    # corner hit that rounding pushed just outside; clamping then puts it back.
    tol = 1e-12 * max(1.0, abs(x_hi - x_lo), abs(y_hi - y_lo))
    hits = []
    if w2 != 0:  # crosses the vertical sides x1 = x_lo and x1 = x_hi
        for x in (x_lo, x_hi):
            y = -(w1 * x + b) / w2
            if y_lo - tol <= y <= y_hi + tol:
                hits.append((x, min(max(y, y_lo), y_hi)))
    if w1 != 0:  # crosses the horizontal sides x2 = y_lo and x2 = y_hi
        for y in (y_lo, y_hi):
            x = -(w2 * y + b) / w1
            if x_lo - tol <= x <= x_hi + tol:
                hits.append((min(max(x, x_lo), x_hi), y))
    # Plain floats for the page; adding 0.0 turns a -0.0 from the division into 0.0.
    hits = [(float(x) + 0.0, float(y) + 0.0) for x, y in hits]
    if len(hits) < 2:
        return None
    # A line through a corner hits two sides there; the ends are the extremes.
    hits.sort()
    start, end = hits[0], hits[-1]
    if math.dist(start, end) <= tol:
        return None  # it only touches a corner
    return start, end
