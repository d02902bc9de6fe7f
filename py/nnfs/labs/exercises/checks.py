"""The hidden checks of the "Write it yourself" exercises (texts in nnfs.labs.exercises.catalogue):
what every check works with (``Context``, ``Fail``, ``fmt``), and the checks of exercises 1-6
(the perceptron, the gates and adders, sigmoid); 7-9 (the network) are in
``nnfs.labs.exercises.network_checks``, 10 (convolve, max_pool) in ``conv_checks``.

Each check calls the learner's function on many inputs — every row where the
inputs are finite (truth tables, all adders up to 4 bits), random ones
otherwise — and compares it with this project's own reference: the
``Perceptron`` NAND preset, ``circuits.reference``, ``activations.sigmoid``,
``Network.feedforward``/``backprop``/``update_mini_batch``. It stops at the
first wrong case and says what it was in plain words, e.g.
"nand(1, 1) returned 1, expected 0", and where the numbers tell it, the likely
mistake ("did you clip z to ±30?"). A check raises ``Fail``; it returns a
sentence saying what passed.

Floating-point answers are compared with ``close`` (a fair tolerance for another
order of sums), except where the statement promises "exact to rounding": there
``exact`` compares relatively, however small the true answer (sigmoid far out).
tests/unit/nnfs/labs/test_exercises_near_misses.py holds, for every check,
answers right but for one plausible slip, each of which must fail.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.labs.exercises.learner_code import LearnerError, Ran, call, gates_only
from nnfs.maths.activations import sigmoid as ref_sigmoid
from nnfs.neurons.circuits import reference as circuit_reference
from nnfs.neurons.perceptron import NAND, Perceptron

RTOL, ATOL = 1e-7, 1e-10  # floating-point answers: a fair tolerance for a different order of sums
# Where a statement promises "exact to rounding" (sigmoid): relative, since far out the true
# answer is tiny (sigma(-40) = 4.2e-18) and an absolute 1e-10 would accept anything there,
# a clipped z or an answer of 0. The absolute part is the smallest normal number: below it
# (denormals, sigma(z) for z < -708) the floats themselves have fewer digits than this asks.
EXACT_RTOL, EXACT_ATOL = 1e-12, float(np.finfo(np.float64).tiny)


class Fail(Exception):
    """A check found a wrong answer; the message says which."""


class Context:
    """What a check works with: the learner's code, namespace and parsed tree."""

    def __init__(self, code: str, ran: Ran, rng: np.random.Generator) -> None:
        self.code, self.ns, self.tree, self.rng = code, ran.namespace, ran.tree, rng
        self.output = io.StringIO()

    def fn(self, name: str) -> Callable[..., Any]:
        f = self.ns.get(name)
        if not callable(f):
            raise Fail(
                f"Your code does not define a function called `{name}`: "
                f"keep the line `def {name}(...)` from the starting code."
            )
        return f

    def call(self, f: Callable[..., Any], args: tuple[Any, ...], described: str) -> Any:
        try:
            got = call(self.code, f, args, described, self.output)
        except LearnerError as exc:
            raise Fail(exc.text) from None
        if got is None:
            raise Fail(
                f"{described} returned None: the function needs a `return` statement that gives back its answer."
            )
        return got

    def gates_only(self, name: str) -> None:
        problem = gates_only(self.code, self.tree, name)
        if problem:
            raise Fail(f"{name} must be wired from gate calls only, but {problem}. Use only calls such as nand(a, b).")

    def counting(self, name: str) -> list[int]:
        """Replace the learner's global ``name`` by a wrapper that counts its calls."""
        inner = self.ns[name]
        box = [0]

        def counted(*args: Any) -> Any:
            box[0] += 1
            return inner(*args)

        self.ns[name] = counted
        return box


def fmt(value: object) -> str:
    """A value as a learner would write it: lists, short floats, shapes of arrays."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return fmt(value[()])
        return np.array2string(value, separator=", ", threshold=12, formatter={"float_kind": lambda v: fmt(float(v))})
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        # 709.0 stays a float on the page (an int 709 would be a different call in Python).
        return f"{value:.1f}" if value.is_integer() and abs(value) < 1e6 else f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(fmt(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    return repr(value)


def fmt_pair(got: float, want: float) -> tuple[str, str]:
    """Two numbers as ``fmt`` shows them, or in full when that would show them equal ("is -4, expected -4.0")."""
    a, b = fmt(got), fmt(want)
    return (repr(float(got)), repr(float(want))) if float(a) == float(b) else (a, b)


def is_bit(value: Any) -> bool:  # Any: whatever the learner's function returned
    try:
        return not isinstance(value, (str, bytes)) and np.ndim(value) == 0 and value in (0, 1)
    except Exception:  # noqa: BLE001 - an odd object is simply not a bit
        return False


def _bits(n: int) -> list[tuple[int, ...]]:
    """Every tuple of n bits, counting in binary (00, 01, 10, 11 for n = 2)."""
    return [tuple((k >> (n - 1 - i)) & 1 for i in range(n)) for k in range(2**n)]


# ------------------------------------------------------------------ 1. perceptron


def check_perceptron_output(ctx: Context) -> str:
    f = ctx.fn("perceptron_output")
    cases: list[tuple[list[float], list[float], float]] = [
        ([1, 1], [1, 1], -1),
        ([0, 1], [2, 2], -1),
        ([1, 1], [-2, -2], 3),
        ([1, 1], [1, 1], -2),
        ([1, 0, 1], [3, 1, -1], -2),
        ([0, 0], [5, 5], 0),
        ([0.5], [0.5], 0),  # z = 0.25: a threshold of 0.5 (sigmoid's) instead of 0 would say 0
        ([0.5, 1], [1, 0.25], -0.75),  # z = 0 exactly, in fractions
    ]
    for _ in range(300):
        n = int(ctx.rng.integers(1, 5))
        cases.append(
            (ctx.rng.integers(-3, 4, n).tolist(), ctx.rng.integers(-3, 4, n).tolist(), int(ctx.rng.integers(-4, 5)))
        )
    for _ in range(100):  # quarters: every sum is exact in binary, so 0 is exactly 0
        n = int(ctx.rng.integers(1, 5))
        x, w = (ctx.rng.integers(-8, 9, n) / 4).tolist(), (ctx.rng.integers(-8, 9, n) / 4).tolist()
        cases.append((x, w, float(ctx.rng.integers(-8, 9)) / 4))
    for x, w, b in cases:
        expected = Perceptron(w, b).output(x)
        said = f"perceptron_output({fmt(x)}, {fmt(w)}, {fmt(b)})"
        got = ctx.call(f, (list(x), list(w), b), said)
        z = sum(xi * wi for xi, wi in zip(x, w)) + b
        if not is_bit(got):
            raise Fail(f"{said} returned {fmt(got)}; it should return 0 or 1 (here w·x + b = {z}).")
        if got != expected:
            raise Fail(
                f"{said} returned {fmt(got)}, expected {expected} (w·x + b = {z}"
                + (": a sum of exactly 0 gives 0" if z == 0 else "")
                + (
                    ": the threshold is 0 — 0.5 is where a sigmoid neuron crosses, not a perceptron"
                    if 0 < z <= 0.5
                    else ""
                )
                + ")."
            )
    return f"All {len(cases)} cases are right, including sums of exactly 0 and fractions."


# ------------------------------------------------------------------ 2-5. gates


def check_nand(ctx: Context) -> str:
    f = ctx.fn("nand")
    calls = ctx.counting("perceptron_output") if callable(ctx.ns.get("perceptron_output")) else [0]
    for x1, x2 in _bits(2):
        before = calls[0]
        said = f"nand({x1}, {x2})"
        got = ctx.call(f, (x1, x2), said)
        expected = NAND.output([x1, x2])
        if not is_bit(got) or got != expected:
            raise Fail(f"{said} returned {fmt(got)}, expected {expected}.")
        if calls[0] == before:
            raise Fail(
                f"{said} is right but never called perceptron_output: make nand one "
                "perceptron, with weights (−2, −2) and bias 3."
            )
    return "All 4 rows of NAND's truth table are right, each from one perceptron."


def _gate_table(ctx: Context, name: str, n_in: int, ref_name: str, outputs: list[str], uses: list[str]) -> str:
    """Check function ``name`` on every row of its truth table against circuits.reference."""
    f = ctx.fn(name)
    ctx.gates_only(name)
    counts = [ctx.counting(u) for u in uses if callable(ctx.ns.get(u))]
    ref = circuit_reference(ref_name)
    inputs = ["a", "b", "cin"][:n_in]
    for row in _bits(n_in):
        before = sum(c[0] for c in counts)
        said = f"{name}({', '.join(map(str, row))})"
        got = ctx.call(f, row, said)
        want = ref(dict(zip(inputs, row)))
        expected: Any = tuple(want[o] for o in outputs)  # Any: the tuple of bits, or its one bit (below)
        if len(outputs) == 1:
            expected, shown = expected[0], str(expected[0])
            ok = is_bit(got) and got == expected
        else:
            shown = "(" + ", ".join(map(str, expected)) + ")"
            ok = (
                isinstance(got, (tuple, list))
                and len(got) == len(outputs)
                and all(is_bit(g) and g == e for g, e in zip(got, expected))
            )
        if not ok:
            what = " as (sum, carry)" if len(outputs) == 2 else ""
            raise Fail(f"{said} returned {fmt(got)}, expected {shown}{what}.")
        if sum(c[0] for c in counts) == before:
            raise Fail(f"{said} is right but called none of {', '.join(uses)}: wire it from gates.")
    return f"All {2**n_in} rows of the truth table are right, wired from gates only."


def check_xor(ctx: Context) -> str:
    return _gate_table(ctx, "xor", 2, "xor", ["out"], ["nand"])


def check_half_adder(ctx: Context) -> str:
    return _gate_table(ctx, "half_adder", 2, "half_adder", ["sum", "carry"], ["nand", "xor"])


def check_adder(ctx: Context) -> str:
    _gate_table(ctx, "full_adder", 3, "full_adder", ["sum", "carry"], ["nand", "xor", "half_adder"])
    f = ctx.fn("add")
    cases = []
    for n in range(1, 5):  # every pair of numbers up to 4 bits: 340 sums
        cases += [(n, a, b) for a in range(2**n) for b in range(2**n)]
    cases += [(8, int(ctx.rng.integers(256)), int(ctx.rng.integers(256))) for _ in range(100)]
    cases.append((8, 255, 255))
    for n, a, b in cases:
        ref = circuit_reference("adder", n)
        bits_a, bits_b = [(a >> i) & 1 for i in range(n)], [(b >> i) & 1 for i in range(n)]
        want = ref({**{f"a{i}": bits_a[i] for i in range(n)}, **{f"b{i}": bits_b[i] for i in range(n)}})
        expected = [want[f"s{i}"] for i in range(n)] + [want["carry"]]
        said = f"add({fmt(bits_a)}, {fmt(bits_b)})"
        got = ctx.call(f, (list(bits_a), list(bits_b)), said)
        ok = (
            isinstance(got, (list, tuple))
            and len(got) == n + 1
            and all(is_bit(g) and g == e for g, e in zip(got, expected))
        )
        if not ok:
            raise Fail(
                f"{said} returned {fmt(got)}, expected {fmt(expected)}: {a} + {b} = {a + b}, "
                f"{n + 1} bits, least significant first."
            )
    return f"full_adder's 8 rows are right, and add is right on all {len(cases)} sums tried (1 to 8 bits)."


# ------------------------------------------------------------------ 6. sigmoid


def close(
    got: float | NDArray[np.float64], want: float | NDArray[np.float64]
) -> Any:  # a numpy bool, or an array of them
    return np.abs(got - want) <= ATOL + RTOL * np.abs(want)


def exact(
    got: float | NDArray[np.float64], want: float | NDArray[np.float64]
) -> Any:  # a numpy bool, or an array of them
    """Equal to rounding, relatively: within EXACT_RTOL of ``want`` however small it is."""
    return np.abs(got - want) <= EXACT_ATOL + EXACT_RTOL * np.abs(want)


def _sigmoid_miss(z: float, got: float, want: float) -> str:
    """Why sigmoid's answer ``got`` at ``z`` is wrong when it is a near miss (else ""): the
    numbers to 17 digits if they look equal, the relative error, and the likely cause."""
    error = abs(got - want)
    if not (np.isfinite(got) and 0 <= got <= 1) or error > 1e-6:
        return ""  # wrong outright: the numbers say it
    digits = f" (to 17 digits, {got:.17g} and {want:.17g})" if fmt(got) == fmt(want) else ""
    rel = f"a relative error of {error / want:.1g}" if want else "σ(z) rounds to exactly 0 here"
    why = ""
    clipped = float(np.log(got) - np.log1p(-got)) if 0 < got < 1 else 0.0  # the z whose σ they gave
    if 0 < got < 1 and abs(clipped) < abs(z) - 0.5 and np.sign(clipped) == np.sign(z):
        if abs(clipped - round(clipped)) < 1e-3:
            why = f" — it is σ({fmt(float(round(clipped)))}): did you clip z to ±{round(abs(clipped))}?"
    elif z < 0 and (got == 0 or got == 1 - ref_sigmoid(-z)):
        why = (
            " — it is 1 − σ(−z), and that subtraction loses the digits of a tiny σ(z) to rounding: "
            "compute e^z / (1 + e^z) for z < 0"
        )
    elif z < 0:
        why = " — digits lost to rounding? Subtracting from 1 (as 1 + tanh(z/2) does) cancels when σ(z) is tiny"
    end = "" if why.endswith("?") else "."
    exact_means = f"“Exact to rounding” means within {EXACT_RTOL:.0e} of σ(z) relatively, however small σ(z) is"
    return f"{digits}: {rel}{why}{end} {exact_means}"


EXP_MAX = float(np.log(np.finfo(np.float64).max))  # 709.78…: e to anything larger overflows


class _WatchedExp:
    """np.exp, noting when it is asked for e^x with x > EXP_MAX.

    Needed in the browser: WebAssembly has no floating-point exception flags,
    so Pyodide's numpy never warns about overflow; np.exp(1e4) quietly gives
    inf, and 1 / (1 + inf) the right 0.0. Watching the arguments catches the
    overflow the same way in CPython and in the page."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real, self.overflowed = real, False

    def __call__(self, x: ArrayLike, *args: Any, **kwargs: Any) -> Any:
        try:
            big: object = np.any(np.asarray(x, dtype=float) > EXP_MAX)
        except (TypeError, ValueError):
            big = False
        self.overflowed = self.overflowed or bool(big)
        return self.real(x, *args, **kwargs)


def _quietly(ctx: Context, f: Callable[..., Any], args: tuple[Any, ...], said: str) -> Any:
    """Call f, turning an overflow in exp or any numpy or Python warning into a failure that names it."""
    watched = _WatchedExp(np.exp)
    mine = [k for k, v in ctx.ns.items() if v is np.exp]  # from numpy import exp
    np.exp = watched  # type: ignore[assignment]  # the learner's code must call the watched exp
    for k in mine:
        ctx.ns[k] = watched
    # Underflow (e^-745 rounding to 0) is harmless and not reported; overflow and nan are.
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"),
        ):
            warnings.simplefilter("always")
            got = ctx.call(f, args, said)
    finally:
        np.exp = watched.real  # type: ignore[assignment]  # numpy's own exp, put back
        for k in mine:
            ctx.ns[k] = watched.real
    problem = "overflow encountered in exp" if watched.overflowed else (str(caught[0].message) if caught else "")
    if problem:
        raise Fail(
            f"{said} printed a warning: \"{problem}\". It must be quiet for "
            "every z: no exponential of a large positive number, even in a branch you "
            "do not use (np.where computes both)."
        )
    return got


def check_sigmoid(ctx: Context) -> str:
    f = ctx.fn("sigmoid")
    z: Any  # a number in the first loop, an array in the second
    scalars = [0.0, 1.0, -1.0, 2.5, -4.0, 30.0, -30.0, 40.0, -40.0, 100.0, -100.0]
    scalars += [500.0, -500.0, 709.0, -709.0, 745.0, -745.0, 1e4, -1e4]
    for z in scalars:
        said = f"sigmoid({fmt(z)})"
        got = _quietly(ctx, f, (z,), said)
        want = ref_sigmoid(z)
        if np.ndim(got) != 0 or not np.isfinite(np.asarray(got, dtype=float)) or not exact(float(got), want):
            miss = _sigmoid_miss(z, float(got), want) if np.ndim(got) == 0 else ""
            raise Fail(f"{said} returned {fmt(got)}, expected {fmt(want)}{miss}.")
    arrays = [np.array([-1e4, -50.0, 0.0, 50.0, 1e4]), ctx.rng.uniform(-10, 10, (3, 4))]
    arrays += [ctx.rng.uniform(-800, 800, int(ctx.rng.integers(1, 40))) for _ in range(10)]
    arrays += [ctx.rng.uniform(-1e4, 1e4, int(ctx.rng.integers(1, 40))) for _ in range(10)]
    for z in arrays:
        said = f"sigmoid(np.array({fmt(z)}))"
        got = _quietly(ctx, f, (z.copy(),), said)
        want = ref_sigmoid(z)
        if np.shape(got) != z.shape:
            raise Fail(
                f"{said} returned shape {np.shape(got)}, expected {z.shape}: "
                "work on a whole array at once (numpy functions, not math)."
            )
        got = np.asarray(got, dtype=float)
        bad = np.flatnonzero(~exact(got, want).ravel())
        if bad.size:
            k = np.unravel_index(bad[0], z.shape)
            miss = _sigmoid_miss(float(z[k]), float(got[k]), float(want[k]))
            raise Fail(f"sigmoid({fmt(z[k])}) inside an array gave {fmt(got[k])}, expected {fmt(want[k])}{miss}.")
    return f"Right to rounding and quiet for {len(scalars)} numbers and {len(arrays)} arrays, |z| up to 10⁴."
