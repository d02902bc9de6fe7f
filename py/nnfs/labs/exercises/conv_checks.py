"""The hidden check of exercise 10: ``convolve`` and ``max_pool``, chapter 6's two building blocks.

Both are compared with the core, ``nnfs.maths.conv.conv_forward`` and ``pool_forward`` called
on a batch of one image of one channel (``core_convolve``, ``core_max_pool``): first on
hand-made cases whose answers are written here as integers (exact arithmetic: any correct
order of the sums gives them exactly), then on many random shapes — non-square images, every
filter size k from 1 to min(H, W), odd and even, pool sizes that leave rows and columns over.

A random convolution is right when it is within ``CONV_RTOL`` of the core's relative to the
sum of the absolute values of its products: that is what "exact to rounding" means for a sum
(a different order of additions moves the result by a few units in the last place of the
largest term, which can be a large *relative* error on a result that cancels to nearly 0).
Max-pooling picks one of its inputs, so it must be exact.

A wrong answer names the first wrong case and, where the check can tell, the likely mistake:
a flipped or transposed filter (the answer is the core's for the flipped or transposed
filter), a mean instead of a sum, a "same" or "full" output instead of the valid one, an
off-by-one in the loop's range (by the shape), pooling that keeps partial blocks, overlaps
its windows, averages, takes the smallest, or starts its maximum at 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.labs.exercises.checks import Context, Fail, fmt, fmt_pair
from nnfs.maths.conv import conv_forward, pool_forward

Array = NDArray[np.float64]
CONV_RTOL = 1e-12  # relative to the sum of |image x kernel| over the window: rounding, nothing more
RANDOM_CASES = 80  # of each function, after the hand-made ones


def core_convolve(image: Any, kernel: Any) -> Array:
    """The valid convolution of one 2-D image with one 2-D filter, by the core (no flip)."""
    x = np.asarray(image, dtype=np.float64)[None, None]
    w = np.asarray(kernel, dtype=np.float64)[None, None]
    return conv_forward(x, w, np.zeros(1))[0, 0]


def core_max_pool(feature_map: Any, size: int) -> Array:
    """The largest value of each size x size block of a 2-D map, partial blocks dropped, by the core."""
    return pool_forward(np.asarray(feature_map, dtype=np.float64)[None, None], size)[0][0, 0]


def _a(rows: list[list[int]]) -> Array:
    return np.array(rows, dtype=np.float64)


# (image, kernel, the answer worked out by hand). An asymmetric filter first: its flip gives +4.
HAND_CONVOLUTIONS: list[tuple[Array, Array, Array]] = [
    (_a([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), _a([[1, 0], [0, -1]]), _a([[-4, -4], [-4, -4]])),
    (_a([[1, 2, 3, 4], [5, 6, 7, 8]]), _a([[1, 2], [3, 4]]), _a([[44, 54, 64]])),
    (_a([[1, -2, 3], [0, 5, -1]]), _a([[3]]), _a([[3, -6, 9], [0, 15, -3]])),
    (_a([[1, 2], [3, 4]]), _a([[5, 6], [7, 8]]), _a([[70]])),
    (_a([[1, 0, 2, 1], [0, 1, 0, 3], [2, 1, 1, 0]]), _a([[1, 2, 0], [0, 1, 0], [-1, 0, 1]]), _a([[1, 3]])),
]
# (map, size, the answer by hand): an all-negative block; the largest values in rows and
# columns that do not fill a block (they must be dropped); size 1; one block of the whole map.
HAND_POOLS: list[tuple[Array, int, Array]] = [
    (_a([[1, 3, 2, 0], [4, -1, 5, 6], [0, 0, -2, -3], [7, 1, -4, -1]]), 2, _a([[4, 6], [7, -1]])),
    (_a([[1, 2, 3, 4, 9], [0, 1, 2, 1, 9], [9, 9, 9, 9, 9]]), 2, _a([[2, 4]])),
    (_a([[-1, 2, -3], [4, -5, 6]]), 1, _a([[-1, 2, -3], [4, -5, 6]])),
    (_a([[-5, -2, -9], [-4, -7, -3], [-8, -6, -1]]), 3, _a([[-1]])),
]
# Shapes every run tries before the random ones: (H, W, k) and (H, W, size).
CONV_SHAPES = [(1, 1, 1), (5, 3, 1), (5, 3, 3), (4, 7, 2), (4, 7, 4), (6, 6, 5), (9, 4, 4), (8, 11, 3), (12, 10, 6)]
POOL_SHAPES = [(1, 1, 1), (5, 7, 2), (7, 5, 3), (4, 4, 4), (6, 9, 4), (9, 6, 2), (13, 8, 5)]


def _shape_of(value: Any) -> tuple[int, ...] | str:  # Any: whatever the learner returned
    try:
        return tuple(np.shape(value))
    except Exception:  # noqa: BLE001 - a ragged list has no shape
        return "no shape (a ragged list?)"


def _numbers(value: Any, said: str) -> Array:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Fail(f"{said} returned {fmt(value)}: not an array of numbers.") from None


def _typed(a: Array) -> str:
    """A hand-made (integer) array as the learner would type it."""
    return f"np.array({a.astype(int).tolist()})"


def _size(a: Array) -> str:
    return f"{a.shape[0]} × {a.shape[1]}"


def _where(k: tuple[Any, ...]) -> str:
    return "[" + ", ".join(str(int(i)) for i in k) + "]"


def _finite(got: Array, said: str) -> None:
    bad = np.flatnonzero(~np.isfinite(got))
    if bad.size:
        k = np.unravel_index(bad[0], got.shape)
        raise Fail(
            f"{said} returned {fmt(float(got[k]))} at {_where(k)}: every answer must be a finite number "
            "(the inputs here are all finite)."
        )


def _unchanged(before: Array, after: Array, what: str, said: str) -> None:
    if not np.array_equal(before, after):
        raise Fail(f"{said} changed the {what} it was given: work on a copy (a lab passes you its own arrays).")


# ------------------------------------------------------------------ convolve


def _conv_shape(got: Any, h: int, w: int, k: int, said: str) -> None:
    want = (h - k + 1, w - k + 1)
    shape = _shape_of(got)
    if shape == want:
        return
    why = ""
    if shape == (h, w) and k > 1:
        why = ": the same size as the image, as a 'same' (padded) convolution gives"
    elif shape == (h + k - 1, w + k - 1) and k > 1:
        why = ": the size of a 'full' convolution, with the filter hanging over the edges"
    elif shape == (want[0] - 1, want[1] - 1):
        why = (
            ": one row and one column short — the filter's last position is row H − k and column "
            "W − k, so the loops run over range(H − k + 1) and range(W − k + 1)"
        )
    elif shape == (want[0] + 1, want[1] + 1):
        why = ": one row and one column too many — the filter must fit wholly inside the image"
    elif shape == want[::-1]:
        why = ": rows and columns swapped — the image has H rows (axis 0) and W columns (axis 1)"
    elif isinstance(shape, tuple) and len(shape) == 1:
        why = ": one dimension — the answer is a 2-D array (np.convolve works on 1-D sequences, and flips the filter)"
    raise Fail(
        f"{said} returned shape {shape}, expected {want}{why}. A valid convolution puts the k × k "
        f"filter only where it fits wholly: (H − k + 1) × (W − k + 1) = ({h} − {k} + 1) × ({w} − {k} + 1)."
    )


def _conv_values(got: Array, want: Array, image: Array, kernel: Array, call: str, about: str, exact: bool) -> None:
    scale = core_convolve(np.abs(image), np.abs(kernel))

    def right(a: Array, b: Array) -> Any:
        return a == b if exact else np.abs(a - b) <= CONV_RTOL * scale + 1e-300

    wrong = ~right(got, want)
    if not wrong.any():
        return
    k = np.unravel_index(int(np.flatnonzero(wrong)[0]), want.shape)
    n = kernel.shape[0]
    why = ""
    flipped = core_convolve(image, kernel[::-1, ::-1])
    if np.all(right(got, flipped)):
        why = (
            " — it is the convolution with the filter flipped (turned by 180°), as maths books define it; "
            "here, as in the book's network3.py, the filter is not flipped: kernel[0, 0] multiplies image[i, j]"
        )
    elif np.all(right(got, core_convolve(image, kernel.T))):
        why = " — it is the convolution with the filter transposed: kernel[a, b] multiplies image[i + a, j + b]"
    elif n > 1 and np.all(right(got * n * n, want)):
        why = f" — {n * n} times too small: it is the mean of the window's products, not their sum"
    shown, expected = fmt_pair(float(got[k]), float(want[k]))
    raise Fail(
        f"{call}{_where(k)} is {shown}, expected {expected}{about}: the sum of "
        f"image × kernel over the {n} × {n} window at rows {k[0]}..{k[0] + n - 1}, columns "
        f"{k[1]}..{k[1] + n - 1}{why}."
    )


def _check_convolve(ctx: Context) -> int:
    f = ctx.fn("convolve")
    cases: list[tuple[Array, Array, Array | None]] = [(i, k, w) for i, k, w in HAND_CONVOLUTIONS]
    shapes = list(CONV_SHAPES)
    for _ in range(RANDOM_CASES - len(shapes)):
        h, w = (int(v) for v in ctx.rng.integers(1, 13, 2))
        shapes.append((h, w, int(ctx.rng.integers(1, min(h, w) + 1))))
    cases += [(ctx.rng.normal(0, 1, (h, w)), ctx.rng.normal(0, 1, (k, k)), None) for h, w, k in shapes]
    for image, kernel, by_hand in cases:
        h, w, k = *image.shape, kernel.shape[0]
        call, about = f"convolve({_typed(image)}, {_typed(kernel)})", ""
        if by_hand is None:
            call, about = "convolve(image, kernel)", f" for a random {_size(image)} image and {_size(kernel)} kernel"
        said = call + about
        x, y = image.copy(), kernel.copy()
        got = ctx.call(f, (x, y), said)
        _unchanged(image, x, "image", said)
        _unchanged(kernel, y, "kernel", said)
        _conv_shape(got, h, w, k, said)
        got = _numbers(got, said)
        _finite(got, said)
        want = core_convolve(image, kernel) if by_hand is None else by_hand
        _conv_values(got, want, image, kernel, call, about, exact=by_hand is not None)
    return len(cases)


# ------------------------------------------------------------------ max_pool


def _pool_shape(got: Any, h: int, w: int, p: int, said: str) -> None:
    want = (h // p, w // p)
    shape = _shape_of(got)
    if shape == want:
        return
    why = ""
    if shape == (-(-h // p), -(-w // p)):
        why = (
            ": it kept the partial blocks at the edges — rows and columns that do not fill a whole "
            f"{p} × {p} block are dropped (as Theano's ignore_border=True in the book's network3.py)"
        )
    elif shape == (h - p + 1, w - p + 1):
        why = (
            f": one answer per position of the window — pooling takes non-overlapping blocks, moving "
            f"{p} rows or columns at a time"
        )
    elif shape == (h, w) and p > 1:
        why = ": the size of the map itself — pooling keeps one value per block"
    elif shape == want[::-1]:
        why = ": rows and columns swapped"
    raise Fail(f"{said} returned shape {shape}, expected {want} = ({h} // {p}, {w} // {p}){why}.")


def _blocks(m: Array, p: int) -> Array:
    h, w = m.shape[0] // p, m.shape[1] // p
    return m[: h * p, : w * p].reshape(h, p, w, p).transpose(0, 2, 1, 3).reshape(h, w, p * p)


def _pool_values(got: Array, want: Array, m: Array, p: int, call: str, about: str) -> None:
    wrong = got != want
    if not wrong.any():
        return
    k = np.unravel_index(int(np.flatnonzero(wrong)[0]), want.shape)
    blocks = _blocks(m, p)
    why = ""
    if np.allclose(got, blocks.mean(axis=-1), rtol=1e-12, atol=1e-300):
        why = " — it is the mean of each block (average pooling); max-pooling keeps the largest value"
    elif np.array_equal(got, blocks.min(axis=-1)):
        why = " — it is the smallest value of each block, not the largest"
    elif np.array_equal(got, np.maximum(want, 0)):
        why = (
            " — never below 0: the largest was looked for starting from 0, but all the values of a block "
            "can be negative; start from the block's first value (or use .max())"
        )
    r, c = k[0] * p, k[1] * p
    shown, expected = fmt_pair(float(got[k]), float(want[k]))
    raise Fail(
        f"{call}{_where(k)} is {shown}, expected {expected}{about}: the largest value of "
        f"rows {r}..{r + p - 1}, columns {c}..{c + p - 1}{why}."
    )


def _check_max_pool(ctx: Context) -> int:
    f = ctx.fn("max_pool")
    cases: list[tuple[Array, int, Array | None]] = [(m, p, w) for m, p, w in HAND_POOLS]
    shapes = list(POOL_SHAPES)
    for _ in range(RANDOM_CASES - len(shapes)):
        h, w = (int(v) for v in ctx.rng.integers(1, 14, 2))
        shapes.append((h, w, int(ctx.rng.integers(1, min(h, w) + 1))))
    cases += [(ctx.rng.normal(0, 1, (h, w)), p, None) for h, w, p in shapes]
    for m, p, by_hand in cases:
        h, w = m.shape
        call, about = f"max_pool({_typed(m)}, {p})", ""
        if by_hand is None:
            call, about = f"max_pool(feature_map, {p})", f" for a random {_size(m)} feature map"
        said = call + about
        x = m.copy()
        got = ctx.call(f, (x, p), said)
        _unchanged(m, x, "feature map", said)
        _pool_shape(got, h, w, p, said)
        got = _numbers(got, said)
        _finite(got, said)
        want = core_max_pool(m, p) if by_hand is None else by_hand
        _pool_values(got, want, m, p, call, about)
    return len(cases)


def check_conv(ctx: Context) -> str:
    n_conv = _check_convolve(ctx)
    n_pool = _check_max_pool(ctx)
    return (
        f"convolve is right on {n_conv} cases ({len(HAND_CONVOLUTIONS)} worked by hand, the rest random shapes, "
        f"filters from 1 × 1 to the whole image) and max_pool on {n_pool} (partial blocks dropped)."
    )
