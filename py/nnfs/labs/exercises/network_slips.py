"""What a wrong backprop or sgd_step points to: the equation (BP1-BP4) that holds the slip, or a step uphill.

A number alone ("nabla_b[1][0] is 0.31, expected 0.067") does not tell a learner
where to look. The check (``network_checks``) knows more than the number: which of
a layer's two gradients is wrong, and whether the layer above is right. From that:

- nabla_b right, nabla_w wrong: δ is right there, so the slip is in BP4;
- nabla_w right, nabla_b wrong: δ is right, so it is in BP3;
- both wrong at the output layer: δᴸ is wrong, BP1; in a hidden layer whose layer
  above is right: BP2.

For the slips learners make most, it says which exactly, by recomputing backprop
with that one slip (``slipped_backprop``) and comparing the learner's answer with
it: σ′ left out of BP1 or BP2 (off by exactly σ′(z)), σ′ of a where z is meant,
y − a for a − y, σ′ of the wrong layer, a sum over the batch for the mean. And for
sgd_step, ``uphill`` says when the learner's step raised the cost on the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.labs.exercises.checks import close, fmt
from nnfs.maths.activations import sigmoid

Arrays = Sequence[NDArray[np.float64]]

BP1 = "δᴸ = (aᴸ − y) ⊙ σ′(zᴸ)"
BP2 = "δˡ = (δˡ⁺¹ wˡ⁺¹) ⊙ σ′(zˡ)"


def _sigmoid_prime(z: NDArray[np.float64]) -> NDArray[np.float64]:
    s = sigmoid(z)
    return s * (1 - s)


def slipped_backprop(
    ws: Arrays,
    bs: Arrays,
    X: NDArray[np.float64],
    Y: NDArray[np.float64],
    bp1: str = "",
    bp2: str = "",
    mean: bool = True,
) -> tuple[list[Any], list[Any]]:
    """The exercise's backprop (quadratic cost, mean over the batch) with one deliberate slip:
    ``bp1`` in "no σ′", "σ′(a)", "y − a"; ``bp2`` in "no σ′", "σ′(a)", "σ′ above"; ``mean=False``
    for the sum over the batch. With no slip it equals ``Network.backprop`` (a test holds it to that).
    A slip whose arrays do not fit the network's sizes raises ValueError."""
    if bp1 not in ("", "no σ′", "σ′(a)", "y − a") or bp2 not in ("", "no σ′", "σ′(a)", "σ′ above"):
        raise LookupError(f"no such slip: {bp1 or bp2!r}")  # not a ValueError: a typo must not pass as "no match"
    activations, zs = [np.asarray(X, dtype=float)], []
    for w, b in zip(ws, bs):
        zs.append(activations[-1] @ w.T + b)
        activations.append(sigmoid(zs[-1]))
    a, n = activations[-1], (len(X) if mean else 1)
    error = Y - a if bp1 == "y − a" else a - Y
    delta = error if bp1 == "no σ′" else error * _sigmoid_prime(a if bp1 == "σ′(a)" else zs[-1])
    nabla_b: list[Any] = [None] * len(ws)
    nabla_w: list[Any] = [None] * len(ws)
    for l in range(len(ws) - 1, -1, -1):
        nabla_b[l] = delta.sum(axis=0) / n
        nabla_w[l] = delta.T @ activations[l] / n
        if l > 0:
            back = delta @ ws[l]
            prime = {  # σ′ as BP2 takes it: of zˡ, or by the slip of aˡ, of the layer above's z, or not at all
                "": zs[l - 1],
                "σ′(a)": activations[l],
                "σ′ above": zs[l],  # broadcasts only where the sizes allow
            }
            delta = back if bp2 == "no σ′" else back * _sigmoid_prime(prime[bp2])
            if delta.shape != back.shape:
                raise ValueError("this slip does not fit these sizes")
    return nabla_b, nabla_w


def _same(got: object, want: NDArray[np.float64]) -> bool:
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.shape == want.shape and bool(np.all(close(arr, want)))


# (the slip, what it looks like): checked in this order, the first that matches is said.
_OUTPUT_SLIPS = (
    (
        {"bp1": "no σ′"},
        f"both of the output layer's gradients are off by exactly the factor σ′(zᴸ): BP1 is missing it, {BP1}",
    ),
    ({"bp1": "σ′(a)"}, f"BP1 takes σ′ of aᴸ where it needs σ′ of zᴸ: {BP1}, sigmoid_prime(zs[-1])"),
    ({"bp1": "y − a"}, f"BP1 has y − aᴸ where it needs aᴸ − y, so every gradient points the wrong way: {BP1}"),
)
_HIDDEN_SLIPS = (
    ({"bp2": "no σ′"}, "it is missing σ′(zˡ)"),
    ({"bp2": "σ′(a)"}, "it takes σ′ of the layer's activations aˡ where it needs σ′ of zˡ"),
    ({"bp2": "σ′ above"}, "it takes σ′ of the layer above's z; it needs the z of the layer δ is for, zs[l - 1]"),
)


def backprop_slip(
    got_b: object,
    got_w: object,
    ws: Arrays,
    bs: Arrays,
    X: NDArray[np.float64],
    Y: NDArray[np.float64],
    l: int,
    wrong_b: bool,
    wrong_w: bool,
) -> str:
    """The sentence naming the equation that holds the slip in layer ``l`` of the learner's
    backprop (``got_b``, ``got_w`` are their nabla_b[l] and nabla_w[l]; the layers above are right)."""
    if not wrong_b:
        return (
            f"nabla_b[{l}] is right, so δ is right in this layer: the slip is in BP4, ∂C/∂wˡ = (δˡ)ᵀ aˡ⁻¹ / N — "
            "δ times the activations of the layer below (the input x for nabla_w[0]), averaged over the batch."
        )
    if not wrong_w:
        return (
            f"nabla_w[{l}] is right, so δ is right in this layer: the slip is in BP3, ∂C/∂bˡ = the mean of δˡ "
            "over the batch — delta.sum(axis=0) / N, a sum over the examples (axis 0), not over the neurons."
        )

    def fits(slip: dict[str, Any]) -> bool:
        try:
            slipped_b, slipped_w = slipped_backprop(ws, bs, X, Y, **slip)
        except ValueError:
            return False
        return _same(got_b, slipped_b[l]) and _same(got_w, slipped_w[l])

    if fits({"mean": False}):
        return (
            f"Both nabla_b[{l}] and nabla_w[{l}] are N = {len(X)} times too big: BP3 and BP4 take the mean "
            "over the batch, so divide the sums by N = len(x)."
        )
    if l == len(ws) - 1:
        for slip, says in _OUTPUT_SLIPS:
            if fits(slip):
                return says[0].upper() + says[1:] + "."
        return f"Both of the output layer's gradients are wrong, so its δ is: look at BP1, {BP1}."
    above = (
        "The output layer's gradients are right, so BP1 is"
        if l + 1 == len(ws) - 1
        else f"nabla_b[{l + 1}] and nabla_w[{l + 1}] are right, so δ is right there"
    )
    says = f"{above}: look at BP2, which carries δ back one layer, {BP2} with the z of the layer below"
    for slip, which in _HIDDEN_SLIPS:
        if fits(slip):
            return f"{says} — {which}."
    return says + "."


def _cost(ws: Arrays, bs: Arrays, X: NDArray[np.float64], Y: NDArray[np.float64]) -> float:
    """The exercise's cost, C = (1/N) Σₓ ½‖a(x) − y(x)‖², of a network given as lists of arrays."""
    a = np.asarray(X, dtype=float)
    for w, b in zip(ws, bs):
        a = sigmoid(a @ np.asarray(w, dtype=float).T + np.asarray(b, dtype=float))
    return float(0.5 * np.sum((a - Y) ** 2) / len(X))


def uphill(
    got_ws: Sequence[object],
    got_bs: Sequence[object],
    ws: Arrays,
    bs: Arrays,
    right_ws: Arrays,
    right_bs: Arrays,
    X: NDArray[np.float64],
    Y: NDArray[np.float64],
) -> str:
    """ " Your step went uphill: …" when the learner's new weights and biases have a higher cost
    on the batch than before the step, else "" (also when their arrays cannot be a network)."""
    try:
        theirs = [np.asarray(w, dtype=float) for w in got_ws], [np.asarray(b, dtype=float) for b in got_bs]
    except (TypeError, ValueError):
        return ""
    shapes_fit = all(t.shape == r.shape for t, r in zip([*theirs[0], *theirs[1]], [*right_ws, *right_bs]))
    if not shapes_fit or not all(np.all(np.isfinite(t)) for t in [*theirs[0], *theirs[1]]):
        return ""
    before, after, right = _cost(ws, bs, X, Y), _cost(*theirs, X, Y), _cost(right_ws, right_bs, X, Y)
    if not after > before:
        return ""
    goes = "lowers it to" if right < before else "takes it to"
    return (
        f" Your step went uphill: the cost on this batch rose from {fmt(before)} to {fmt(after)}, "
        f"where the right step {goes} {fmt(right)}."
    )
