"""Exercise 10, convolve and max_pool (nnfs.labs.exercises.conv_checks): the check's references
against answers worked by hand and a plain loop written here, the shapes it tries, what it
accepts (other correct ways, lists of lists) and what it refuses (non-finite numbers, ragged
lists, changed inputs, errors beyond rounding). Its near misses are in test_exercises_near_misses.py."""

import re

import numpy as np
import pytest

from nnfs.labs.exercises import catalogue as ex
from nnfs.labs.exercises import conv_checks, marking
from nnfs.labs.exercises.checks import Context, Fail
from nnfs.labs.exercises.learner_code import run_code

C = ex.get("conv").solution


def _swap(code, old, new):
    assert old in code, old
    return code.replace(old, new)


def loop_convolve(image, kernel):
    """The definition, one product at a time, in Python integers/floats (independent of numpy's sums)."""
    h, w, k = len(image), len(image[0]), len(kernel)
    return [
        [sum(image[i + a][j + b] * kernel[a][b] for a in range(k) for b in range(k)) for j in range(w - k + 1)]
        for i in range(h - k + 1)
    ]


def loop_max_pool(m, p):
    return [
        [max(m[i * p + a][j * p + b] for a in range(p) for b in range(p)) for j in range(len(m[0]) // p)]
        for i in range(len(m) // p)
    ]


@pytest.mark.parametrize("case", range(len(conv_checks.HAND_CONVOLUTIONS)))
def test_the_hand_worked_convolutions_are_the_definition_and_the_core(case):
    image, kernel, by_hand = conv_checks.HAND_CONVOLUTIONS[case]
    as_ints = loop_convolve(image.astype(int).tolist(), kernel.astype(int).tolist())
    assert as_ints == by_hand.astype(int).tolist()
    assert np.array_equal(conv_checks.core_convolve(image, kernel), by_hand)


@pytest.mark.parametrize("case", range(len(conv_checks.HAND_POOLS)))
def test_the_hand_worked_pools_are_the_definition_and_the_core(case):
    m, p, by_hand = conv_checks.HAND_POOLS[case]
    assert loop_max_pool(m.astype(int).tolist(), p) == by_hand.astype(int).tolist()
    assert np.array_equal(conv_checks.core_max_pool(m, p), by_hand)


def test_the_core_reference_is_the_definition_on_random_shapes():
    rng = np.random.default_rng(5)
    for _ in range(50):
        h, w = rng.integers(1, 10, 2)
        k = int(rng.integers(1, min(h, w) + 1))
        image, kernel = rng.integers(-9, 10, (h, w)), rng.integers(-9, 10, (k, k))
        assert conv_checks.core_convolve(image, kernel).tolist() == loop_convolve(image.tolist(), kernel.tolist())
        p = int(rng.integers(1, min(h, w) + 1))
        assert conv_checks.core_max_pool(image, p).tolist() == loop_max_pool(image.tolist(), p)


SPY = """import numpy as np

def convolve(image, kernel):
    seen_conv.append((image.shape, kernel.shape[0]))
    return CONV(image, kernel)

def max_pool(feature_map, size):
    seen_pool.append((feature_map.shape, size))
    return POOL(feature_map, size)
"""


def _spied():
    solved = run_code(C).namespace
    seen_conv, seen_pool = [], []
    given = {"seen_conv": seen_conv, "seen_pool": seen_pool, "CONV": solved["convolve"], "POOL": solved["max_pool"]}
    ran = run_code(SPY, given)
    said = conv_checks.check_conv(Context(SPY, ran, np.random.default_rng(marking.CHECK_SEED)))
    return said, seen_conv, seen_pool


def test_the_check_tries_every_kind_of_shape():
    said, seen_conv, seen_pool = _spied()
    assert len(seen_conv) >= 80 and len(seen_pool) >= 80
    assert "right on" in said
    ks = {k for (_, k) in seen_conv}
    assert {1, 2, 3, 4, 5} <= ks  # odd and even filters
    assert any(h != w for (h, w), _ in seen_conv)  # non-square images
    assert any(k == min(h, w) > 1 for (h, w), k in seen_conv)  # the filter as large as the image allows
    assert any(k == h == w for (h, w), k in seen_conv)  # one output only
    assert any(h % p and w % p for (h, w), p in seen_pool)  # rows and columns left over
    assert any(p == 1 for _, p in seen_pool) and any(p >= 4 for _, p in seen_pool)


def _check(code):
    return marking.check("conv", code)


def test_other_correct_ways_and_lists_of_lists_pass():
    offsets = _swap(  # a different order of additions: whole shifted images, one per filter weight
        C,
        "    for i in range(rows):\n        for j in range(cols):\n            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)"
        "   # the window at (i, j), times the filter\n",
        "    for a in range(k):\n        for b in range(k):\n            out += kernel[a, b] * image[a:a + rows, b:b + cols]\n",
    )
    vectorised = (
        "import numpy as np\nfrom numpy.lib.stride_tricks import sliding_window_view\n\n"
        "def convolve(image, kernel):\n"
        "    return np.einsum('ijab,ab->ij', sliding_window_view(image, kernel.shape), kernel)\n\n"
        "def max_pool(feature_map, size):\n"
        "    h, w = feature_map.shape[0] // size, feature_map.shape[1] // size\n"
        "    return feature_map[:h * size, :w * size].reshape(h, size, w, size).max(axis=(1, 3))\n"
    )
    lists = _swap(C, "    return out\n\n\ndef max_pool", "    return out.tolist()\n\n\ndef max_pool")
    lists = _swap(lists, "    return out\n", "    return [list(row) for row in out]\n")
    for code in (offsets, vectorised, lists):
        verdict = _check(code)
        assert verdict["passed"], verdict["message"]


def test_an_error_beyond_rounding_fails_on_a_random_case():
    # Off by 1e-9 relatively where the answer is not a whole number: the hand-made cases pass.
    code = _swap(
        C, "    return out\n\n\ndef max_pool", "    return out * (1 + 1e-9 * (out != np.round(out)))\n\n\ndef max_pool"
    )
    verdict = _check(code)
    assert not verdict["passed"]
    assert re.match(
        r"convolve\(image, kernel\)\[0, 0\] is .*, expected .* for a random \d+ × \d+ image and \d+ × \d+ kernel: the sum",
        verdict["message"],
    ), verdict["message"]


def test_an_integer_case_must_be_exact():
    code = _swap(C, "    return out\n\n\ndef max_pool", "    return out + 1e-12\n\n\ndef max_pool")
    verdict = _check(code)
    assert not verdict["passed"]
    assert verdict["message"].startswith(
        "convolve(np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), np.array([[1, 0], [0, -1]]))[0, 0] is -3.999999999999, "
        "expected -4.0: the sum"
    )


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "    return out\n\n\ndef max_pool",
            "    out[out > 50] = np.inf\n    return out\n\n\ndef max_pool",
            r"convolve\(np\.array\(\[\[1, 2, 3, 4\], \[5, 6, 7, 8\]\]\), np\.array\(\[\[1, 2\], \[3, 4\]\]\)\) returned inf at \[0, 1\]: "
            r"every answer must be a finite number",
        ),
        (
            "            out[i, j] = m[i * size:(i + 1) * size, j * size:(j + 1) * size].max()",
            "            out[i, j] = m[i * size:(i + 1) * size, j * size:(j + 1) * size].max() if i + j else np.nan",
            r"max_pool\(np\.array\(.*\), 2\) returned nan at \[0, 0\]: every answer must be a finite number",
        ),
        (
            "    return out\n\n\ndef max_pool",
            "    return [[1.0, 2.0], [3.0]]\n\n\ndef max_pool",
            r"returned shape no shape \(a ragged list\?\), expected \(2, 2\)",
        ),
        (
            "    return out\n\n\ndef max_pool",
            "    return 'answer'\n\n\ndef max_pool",
            r"returned shape \(\), expected \(2, 2\)",
        ),
        (
            "    m = np.asarray(feature_map, dtype=float)\n",
            "    m = np.asarray(feature_map, dtype=float)\n    m[0, 0] = -99.0\n",
            r"max_pool\(np\.array\(.*\), 2\) changed the feature map it was given: work on a copy",
        ),
        (
            "m.shape[0] // size, m.shape[1] // size   # // drops the rows and columns left over\n    out = np.zeros((rows, cols))\n"
            "    for i in range(rows):\n        for j in range(cols):\n"
            "            out[i, j] = m[i * size:(i + 1) * size, j * size:(j + 1) * size].max()",
            "m.shape[0] - size + 1, m.shape[1] - size + 1\n    out = np.zeros((rows, cols))\n"
            "    for i in range(rows):\n        for j in range(cols):\n            out[i, j] = m[i:i + size, j:j + size].max()",
            r"returned shape \(3, 3\), expected \(2, 2\) = \(4 // 2, 4 // 2\): one answer per position of the window — "
            r"pooling takes non-overlapping blocks",
        ),
        (
            "].max()",
            "].min()",
            r"\[0, 0\] is -1\.0, expected 4\.0: .* — it is the smallest value of each block, not the largest\.",
        ),
        (
            "    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1\n    out = np.zeros((rows, cols))",
            "    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1\n    out = np.zeros((rows + 2 * k - 2, cols + 2 * k - 2))",
            r"returned shape \(4, 4\), expected \(2, 2\): the size of a 'full' convolution",
        ),
    ],
)
def test_what_the_check_refuses_and_why(old, new, message):
    verdict = _check(_swap(C, old, new))
    assert not verdict["passed"]
    assert re.search(message, verdict["message"]), verdict["message"]


def test_a_missing_function_is_named():
    verdict = _check("import numpy as np\n\ndef convolve(image, kernel):\n    return image\n")
    assert not verdict["passed"]
    assert "does not define a function called `max_pool`" in verdict["message"] or "convolve(" in verdict["message"]
    only_conv = _swap(C, "def max_pool(feature_map, size):", "def maxpool(feature_map, size):")
    assert "does not define a function called `max_pool`" in _check(only_conv)["message"]


def test_fail_is_raised_by_the_check_itself():
    ran = run_code("def convolve(image, kernel):\n    return None\n\ndef max_pool(m, p):\n    return m\n")
    with pytest.raises(Fail, match="returned None"):
        conv_checks.check_conv(Context("", ran, np.random.default_rng(0)))
