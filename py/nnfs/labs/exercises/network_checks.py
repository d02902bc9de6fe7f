"""The hidden checks of the network exercises, 7-9: feedforward, backprop and sgd_step.

Each compares the learner's function with ``Network.feedforward``/``backprop``/
``update_mini_batch`` on random networks and batches, shape first, then number by
number, and names the first wrong entry in plain words (a sum over the batch where the
mean was meant, a wrong sign), then what it points to (``network_slips``): for backprop the
equation, BP1-BP4, that holds the slip; for sgd_step whether the step went uphill. sgd_step
must then also teach a small network XOR.
What a check works with (``Context``, ``Fail``, ``fmt``) is ``nnfs.labs.exercises.checks``'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.labs.exercises.checks import Context, Fail, close, fmt
from nnfs.labs.exercises.network_slips import backprop_slip, uphill
from nnfs.maths.activations import sigmoid as ref_sigmoid
from nnfs.maths.network import Network


def _random_net(
    rng: np.random.Generator, sizes: list[int] | None = None
) -> tuple[Network, list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    """A Network with random sizes (2-4 layers of 1-5 neurons) and its weights and biases as lists."""
    if sizes is None:
        sizes = [int(s) for s in rng.integers(1, 6, int(rng.integers(2, 5)))]
    net = Network(sizes, cost="quadratic", seed=int(rng.integers(2**31)))
    return net, [w.copy() for w in net.weights], [b.copy() for b in net.biases]


def _shape_of(value: Any) -> tuple[int, ...] | str:  # Any: whatever the learner returned
    try:
        return np.shape(value)
    except Exception:  # noqa: BLE001 - a ragged list has no shape
        return "no shape (a ragged list?)"


def _compare(
    ctx: Context,
    got: object,
    want: NDArray[np.float64],
    what: str,
    context: str,
    before: NDArray[np.float64] | None = None,
    eta: float = 0.0,
) -> None:
    """An array the learner returned against the reference; Fail naming the first wrong entry."""
    wrong = _mismatch(got, want, what, context, before, eta)
    if wrong:
        raise Fail(wrong + ".")


def _mismatch(
    got: object,
    want: NDArray[np.float64],
    what: str,
    context: str,
    before: NDArray[np.float64] | None = None,
    eta: float = 0.0,
) -> str:
    """ "" if ``got`` is ``want``; else the first wrong case in words: the shape, or the first
    wrong number with the likely mistake where the numbers tell it: a sum over the batch for
    the mean, a wrong sign, an output outside sigmoid's (0, 1); with ``before`` (the value
    before an SGD step), a step that is η, the batch size or −1 times what it should be."""
    if _shape_of(got) != want.shape:
        return f"{what} has shape {_shape_of(got)}, expected {want.shape} ({context})"
    got = _finite(got, what, context)
    bad = np.flatnonzero(~close(got, want).ravel())
    if not bad.size:
        return ""
    k = np.unravel_index(bad[0], want.shape)
    index = ", ".join(map(str, k))
    ratio = got[k] / want[k] if want[k] != 0 else np.nan
    note = ""
    m = re_batch(context)
    if before is not None and want[k] != before[k]:
        note = _step_note(float((got[k] - before[k]) / (want[k] - before[k])), eta, m)
    elif m and np.isclose(ratio, m) and m > 1:
        note = (
            f" — {m:g} times too big: that is the batch size, so it looks like a sum over the batch instead of the mean"
        )
    elif np.isclose(ratio, -1):
        note = " — the sign is wrong"
    elif what == "the output" and not np.all((got > 0) & (got < 1)):
        note = " — outside (0, 1), where σ's outputs always are: apply sigmoid in every layer, the last one too"
    return f"{what}[{index}] is {fmt(got[k])}, expected {fmt(want[k])} ({context}){note}"


def _step_note(ratio: float, eta: float, m: int) -> str:
    """What a step ``ratio`` times the right one (w_new − w over what it should be) suggests."""
    if np.isclose(ratio, -1):
        return " — the step goes the wrong way: w − η ∂C/∂w, against the gradient"
    if eta and np.isclose(ratio, 1 / eta):
        return f" — the step is η = {eta:g} times too small: it is missing η"
    if m > 1 and np.isclose(ratio, 1 / m):
        return f" — the step is {m} times too small: backprop already averages over the batch; do not divide again"
    if m > 1 and np.isclose(ratio, m):
        return f" — the step is {m} times too big, the batch size: the gradient is the mean, not the sum"
    return ""


def _finite(got: object, what: str, context: str) -> NDArray[np.float64]:
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Fail(f"{what} is {fmt(got)}: not an array of numbers ({context}).") from None
    if not np.all(np.isfinite(arr)):
        k = np.unravel_index(int(np.flatnonzero(~np.isfinite(arr))[0]), arr.shape)
        index = ", ".join(map(str, k))
        raise Fail(f"{what}[{index}] is {fmt(arr[k])}: every answer must be a finite number ({context}).")
    return arr


def re_batch(context: str) -> int:
    """The batch size written in a context sentence ("… a batch of 4 …"), 0 if none."""
    marker = "a batch of "
    if marker not in context:
        return 0
    return int(context.split(marker, 1)[1].split()[0])


def _lists(ctx: Context, got: object, count: int, name: str, context: str) -> None:
    if not isinstance(got, (list, tuple)) or len(got) != count:
        n = len(got) if isinstance(got, (list, tuple)) else fmt(type(got).__name__)
        raise Fail(f"{name} should be a list of {count} arrays, one per layer of weights; got {n} ({context}).")


def check_feedforward(ctx: Context) -> str:
    f = ctx.fn("feedforward")
    trials = 40
    for t in range(trials):
        net, ws, bs = _random_net(ctx.rng, [2, 3, 1] if t == 0 else None)
        X = ctx.rng.normal(0, 2, (int(ctx.rng.integers(1, 7)), net.sizes[0]))
        context = f"sizes {net.sizes}, a batch of {_examples(len(X))}"
        got = ctx.call(f, (ws, bs, X.copy()), f"feedforward(weights, biases, x) for {context}")
        _compare(ctx, got, net.feedforward(X), "the output", context)
    return f"Right on {trials} random networks and batches."


def check_backprop(ctx: Context) -> str:
    f = ctx.fn("backprop")
    trials = 40
    for t in range(trials):
        net, ws, bs = _random_net(ctx.rng, [2, 3, 1] if t == 0 else None)
        N = int(ctx.rng.integers(2, 6))
        X, Y = ctx.rng.normal(0, 1, (N, net.sizes[0])), ctx.rng.uniform(0, 1, (N, net.sizes[-1]))
        context = f"sizes {net.sizes}, a batch of {_examples(N)}"
        got = ctx.call(f, (ws, bs, X.copy(), Y.copy()), f"backprop(weights, biases, x, y) for {context}")
        if not isinstance(got, (list, tuple)) or len(got) != 2:
            raise Fail(f"backprop should return (nabla_b, nabla_w); it returned {fmt(type(got).__name__)} ({context}).")
        nabla_b, nabla_w = net.backprop(X, Y)
        _lists(ctx, got[0], len(bs), "nabla_b", context)
        _lists(ctx, got[1], len(ws), "nabla_w", context)
        for l in range(len(ws) - 1, -1, -1):  # the output layer first: BP1 before BP2
            wrong_b = _mismatch(got[0][l], nabla_b[l], f"nabla_b[{l}]", context)
            wrong_w = _mismatch(got[1][l], nabla_w[l], f"nabla_w[{l}]", context)
            if wrong_b or wrong_w:  # the first wrong case, then the equation it points to
                equation = backprop_slip(got[0][l], got[1][l], ws, bs, X, Y, l, bool(wrong_b), bool(wrong_w))
                raise Fail(f"{wrong_b or wrong_w}. {equation}")
    return f"The gradients are right on {trials} random networks and batches."


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_SIZES, XOR_SEED, XOR_ETA, XOR_STEPS = [2, 3, 1], 3, 4.0, 1500


def check_sgd_step(ctx: Context) -> str:
    f = ctx.fn("sgd_step")
    trials = 30
    for t in range(trials):
        net, ws, bs = _random_net(ctx.rng, [2, 3, 1] if t == 0 else None)
        ws0, bs0 = [w.copy() for w in ws], [b.copy() for b in bs]  # before the step (theirs may change ws)
        N = int(ctx.rng.integers(2, 6))
        X, Y = ctx.rng.normal(0, 1, (N, net.sizes[0])), ctx.rng.uniform(0, 1, (N, net.sizes[-1]))
        eta = float(np.round(ctx.rng.uniform(0.1, 3.0), 2))
        context = f"sizes {net.sizes}, a batch of {_examples(N)}, eta = {eta:g}"
        got = ctx.call(f, (ws, bs, X.copy(), Y.copy(), eta), f"sgd_step(weights, biases, x, y, {eta:g}) for {context}")
        if not isinstance(got, (list, tuple)) or len(got) != 2:
            raise Fail(f"sgd_step should return (weights, biases); it returned {fmt(type(got).__name__)} ({context}).")
        net.update_mini_batch(X, Y, eta)
        _lists(ctx, got[0], len(ws), "the new weights", context)
        _lists(ctx, got[1], len(bs), "the new biases", context)
        wrong = ""
        for l in range(len(ws)):
            wrong = (
                wrong
                or _mismatch(got[0][l], net.weights[l], f"weights[{l}]", context, before=ws0[l], eta=eta)
                or _mismatch(got[1][l], net.biases[l], f"biases[{l}]", context, before=bs0[l], eta=eta)
            )
        if wrong:  # the first wrong case, then whether the step went uphill
            raise Fail(f"{wrong}.{uphill(got[0], got[1], ws0, bs0, net.weights, net.biases, X, Y)}")
    # Then the proof: their step, repeated, learns XOR.
    net, ws, bs = _random_net(np.random.default_rng(XOR_SEED), XOR_SIZES)
    for _ in range(XOR_STEPS):
        ws, bs = ctx.call(f, (ws, bs, XOR_X, XOR_Y, XOR_ETA), "sgd_step while training on XOR")
    out = np.asarray(ctx.ns.get("feedforward", _ref_feedforward)(ws, bs, XOR_X), dtype=float).ravel()
    if not np.array_equal(out > 0.5, XOR_Y.ravel() > 0.5):
        raise Fail(
            f"Each step is right, but {XOR_STEPS} steps on XOR (sizes {XOR_SIZES}, eta = {XOR_ETA:g}) "
            f"gave outputs {fmt(out)} for the inputs 00, 01, 10, 11, not 0, 1, 1, 0."
        )
    return (
        f"Each step is right on {trials} random cases, and {XOR_STEPS} of your steps taught a "
        f"{XOR_SIZES} network XOR: outputs {', '.join(f'{o:.2f}' for o in out)} for 00, 01, 10, 11."
    )


def _ref_feedforward(weights: Sequence[ArrayLike], biases: Sequence[ArrayLike], x: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(x, dtype=float)
    for w, b in zip(weights, biases):
        a = ref_sigmoid(a @ np.asarray(w).T + b)
    return a


def _examples(n: int) -> str:
    return f"{n} example" + ("" if n == 1 else "s")
