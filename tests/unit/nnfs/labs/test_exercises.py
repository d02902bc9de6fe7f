"""The "Write it yourself" checks: every reference solution passes, typical wrong answers fail
with the message a learner needs (nnfs.labs.exercises.catalogue, .marking, .checks, .network_checks,
.learner_code)."""

import re

import numpy as np
import pytest

from nnfs.labs.exercises import catalogue as ex
from nnfs.labs.exercises import marking
from nnfs.labs.exercises.learner_code import gates_only, run_code


@pytest.mark.parametrize("key", list(ex.BY_KEY))
def test_the_solution_passes_and_the_stub_does_not(key):
    exercise = ex.get(key)
    verdict = marking.check(key, exercise.solution)
    assert verdict["passed"], verdict["message"]
    stub = marking.check(key, exercise.stub)
    assert not stub["passed"]
    assert "returned None" in stub["message"] and "return" in stub["message"]


@pytest.mark.parametrize("key", list(ex.BY_KEY))
def test_run_shows_the_examples(key):
    result = marking.run(key, ex.get(key).solution)
    assert result["ok"], result
    assert result["output"].count(">>> ") == len(ex.get(key).example)


def _swap(code, old, new):
    assert old in code, old
    return code.replace(old, new)


P, N, X, H, A = (ex.get(k).solution for k in ("perceptron", "nand", "xor", "half_adder", "adder"))
S, F, B, G, C = (ex.get(k).solution for k in ("sigmoid", "feedforward", "backprop", "sgd", "conv"))

# (exercise, wrong code, a regular expression the message must match)
WRONG = [
    (
        "perceptron",
        _swap(P, "z > 0", "z >= 0"),
        r"perceptron_output\(\[1, 1\], \[1, 1\], -2\) returned 1, expected 0 \(w·x \+ b = 0: a sum of exactly 0 gives 0\)",
    ),
    (
        "perceptron",
        _swap(P, ") + b", ")"),
        r"perceptron_output\(\[1, 1\], \[1, 1\], -2\) returned 1, expected 0 \(w·x \+ b = 0",
    ),
    (
        "perceptron",
        _swap(P, "return 1 if z > 0 else 0", "return z"),
        r"perceptron_output\(\[1, 1\], \[-2, -2\], 3\) returned -1; it should return 0 or 1 \(here w·x \+ b = -1\)",
    ),
    ("perceptron", _swap(P, "xi * wi", "xi + wi"), r"returned \d, expected \d"),
    ("nand", _swap(N, "[-2, -2], 3", "[-2, -2], 1"), r"nand\(0, 1\) returned 0, expected 1\."),
    ("nand", _swap(N, "[-2, -2], 3", "[2, 2], -3"), r"nand\(0, 0\) returned 0, expected 1\."),
    (
        "nand",
        "def nand(x1, x2):\n    return 0 if x1 and x2 else 1\n",
        r"nand\(0, 0\) is right but never called perceptron_output",
    ),
    ("xor", "def xor(x1, x2):\n    return x1 ^ x2\n", r"line 2: `x1 \^ x2` uses an arithmetic or bitwise operator"),
    (
        "xor",
        "def xor(x1, x2):\n    return nand(nand(x1, x2), nand(x1, x2))\n",
        r"xor\(0, 0\) returned 1, expected 0\.|xor\(0, 1\) returned 0, expected 1\.",
    ),
    (
        "xor",
        "def xor(x1, x2):\n    n = nand(x1, x2)\n    return nand(nand(x1, n), nand(x1, n))\n",
        r"xor\(0, 1\) returned 0, expected 1\.",
    ),
    (
        "xor",
        "def xor(x1, x2):\n    if x1 == x2:\n        return 0\n    return 1\n",
        r"uses an if statement|uses a comparison",
    ),
    (
        "half_adder",
        _swap(
            H,
            "return xor(x1, x2), nand(nand(x1, x2), nand(x1, x2))",
            "return nand(nand(x1, x2), nand(x1, x2)), xor(x1, x2)",
        ),
        r"half_adder\(0, 1\) returned \(0, 1\), expected \(1, 0\) as \(sum, carry\)",
    ),
    (
        "half_adder",
        _swap(H, "nand(nand(x1, x2), nand(x1, x2))", "nand(x1, x2)"),
        r"half_adder\(0, 0\) returned \(0, 1\), expected \(0, 0\)",
    ),
    ("half_adder", "def half_adder(x1, x2):\n    return (x1 + x2) % 2, x1 * x2\n", r"uses an arithmetic"),
    (
        "adder",
        _swap(A, "return bits + [carry]", "return bits"),
        r"add\(\[0\], \[0\]\) returned \[0\], expected \[0, 0\]: 0 \+ 0 = 0, 2 bits, least significant first",
    ),
    (
        "adder",
        _swap(A, "s, carry = full_adder(x1, x2, carry)", "s, carry = full_adder(x1, x2, 0)"),
        r"add\(\[1, 0\], \[1, 0\]\) returned \[0, 0, 0\], expected \[0, 1, 0\]: 1 \+ 1 = 2, 3 bits",
    ),
    (
        "adder",
        _swap(A, "return bits + [carry]", "return [carry] + bits[::-1]"),
        r"add\(\[0\], \[1\]\) returned \[0, 1\], expected \[1, 0\]",
    ),
    (
        "adder",
        _swap(A, "nand(nand(c1, c1), nand(c2, c2))", "nand(c1, c2)"),
        r"full_adder\(0, 0, 0\) returned \(0, 1\), expected \(0, 0\)",
    ),
    (
        "sigmoid",
        "import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
        r"sigmoid\(-745\.0\) printed a warning: \"overflow encountered in exp\"",
    ),
    (
        "sigmoid",
        "import numpy as np\n\ndef sigmoid(z):\n    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n",
        r"sigmoid\(745\.0\) printed a warning: \"overflow encountered in exp\"",
    ),
    (
        "sigmoid",
        "import math\n\ndef sigmoid(z):\n    if z >= 0:\n        return 1 / (1 + math.exp(-z))\n"
        "    return math.exp(z) / (1 + math.exp(z))\n",
        r"sigmoid\(np\.array\(\[-10000\.0, -50\.0, 0\.0, 50\.0, 10000\.0\]\)\) raised an exception\.\n\nTraceback \(your code only\):\n  line 4, in sigmoid\n    if z >= 0:\nValueError",
    ),
    (
        "sigmoid",
        _swap(S, "np.exp(-np.abs(z))", "np.exp(np.abs(z))"),
        r"sigmoid\(1\.0\) returned 0\.268941, expected 0\.731059\.",
    ),
    (
        "sigmoid",
        _swap(S, "1 / (1 + e), e / (1 + e)", "e / (1 + e), 1 / (1 + e)"),
        r"sigmoid\(1\.0\) returned 0\.268941, expected 0\.731059\.",
    ),
    (
        "feedforward",
        _swap(F, "a @ w.T + b", "a @ w + b"),
        r"raised an exception\.\n\nTraceback \(your code only\):\n  line 8, in feedforward\n    a = sigmoid\(a @ w \+ b\)",
    ),
    (
        "feedforward",
        _swap(F, "a @ w.T + b", "a @ w.T"),
        r"the output\[0, 0\] is .*, expected .* \(sizes \[2, 3, 1\], a batch of \d examples?\)\.$",
    ),
    ("feedforward", _swap(F, "a = sigmoid(a @ w.T + b)", "a = (a @ w.T + b)"), r"the output\[0, 0\] is"),
    (
        "feedforward",
        _swap(F, "return a", "return a.T"),
        r"the output has shape \(3, 1\), expected \(1, 3\) \(sizes \[1, 4, 4, 3\], a batch of 1 example\)",
    ),
    (
        "backprop",
        _swap(B, "* sigmoid_prime(zs[-1])           # BP1", "# BP1 without sigma'"),
        r"nabla_b\[1\]\[0\] is .*, expected .* \(sizes \[2, 3, 1\], a batch of 2 examples\)\.",
    ),
    (
        "backprop",
        _swap(B, "delta.sum(axis=0) / n", "delta.sum(axis=0)"),
        r"nabla_b\[1\]\[0\] is .* — 2 times too big: that is the batch size, so it looks like a sum over the batch instead of the mean\.",
    ),
    (
        "backprop",
        _swap(B, "delta.sum(axis=0) / n", "delta.mean(axis=1)"),
        r"nabla_b\[1\] has shape \(2,\), expected \(1,\)",
    ),
    (
        "backprop",
        _swap(B, "delta.T @ activations[l] / n", "activations[l].T @ delta / n"),
        r"nabla_w\[1\] has shape \(3, 1\), expected \(1, 3\)",
    ),
    (
        "backprop",
        _swap(B, "(activations[-1] - y)", "(y - activations[-1])"),
        r"nabla_b\[1\]\[0\] is .* — the sign is wrong\.",
    ),
    ("sgd", _swap(G, "w - eta * nw", "w + eta * nw"), r"weights\[0\]\[0, 0\] is .*eta = 1\.09\)"),
    ("sgd", _swap(G, "b - eta * nb", "b"), r"biases\[0\]\[0\] is .*, expected"),
    ("sgd", _swap(G, "w - eta * nw", "w - eta * nw / len(x)"), r"weights\[0\]\[0, 0\] is"),
    (
        "sgd",
        _swap(G, "return new_weights, new_biases", "return new_biases, new_weights"),
        r"the new weights should be a list of 2 arrays|weights\[0\] has shape",
    ),
    (
        "conv",
        _swap(
            C,
            "out = np.zeros((rows, cols))\n    for i in range(rows):\n        for j in range(cols):\n            out[i, j] = np.sum(",
            "out = np.zeros(image.shape)\n    for i in range(rows):\n        for j in range(cols):\n            out[i, j] = np.sum(",
        ),
        r"convolve\(np\.array\(\[\[1, 2, 3\], \[4, 5, 6\], \[7, 8, 9\]\]\), np\.array\(\[\[1, 0\], \[0, -1\]\]\)\) "
        r"returned shape \(3, 3\), expected \(2, 2\): the same size as the image, as a 'same' \(padded\) convolution gives",
    ),
    (
        "conv",
        "import numpy as np\n\ndef convolve(image, kernel):\n    return np.convolve(image.ravel(), kernel.ravel(), 'valid')\n\n"
        "def max_pool(feature_map, size):\n    return feature_map\n",
        r"returned shape \(6,\), expected \(2, 2\): one dimension — the answer is a 2-D array \(np\.convolve",
    ),
    (
        "conv",
        _swap(C, "np.sum(image[i:i + k, j:j + k] * kernel)", "np.sum(image[i:i + k, j:j + k] * kernel.T)"),
        r"convolve\(np\.array\(\[\[1, 2, 3, 4\], \[5, 6, 7, 8\]\]\), np\.array\(\[\[1, 2\], \[3, 4\]\]\)\)\[0, 0\] is 41\.0, "
        r"expected 44\.0: .* — it is the convolution with the filter transposed",
    ),
    (
        "conv",
        _swap(C, "].max()", "].mean()"),
        r"max_pool\(.*, 2\)\[0, 0\] is 1\.75, expected 4\.0: the largest value of rows 0\.\.1, columns 0\.\.1 — it is the mean "
        r"of each block \(average pooling\)",
    ),
]


@pytest.mark.parametrize("key, code, message", WRONG, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(WRONG)])
def test_a_typical_wrong_answer_fails_with_its_message(key, code, message):
    verdict = marking.check(key, code)
    assert not verdict["passed"]
    assert re.search(message, verdict["message"], re.S), verdict["message"]


def test_each_exercise_has_at_least_three_wrong_answers_tested():
    counts = {k: sum(1 for w in WRONG if w[0] == k) for k in ex.BY_KEY}
    assert min(counts.values()) >= 3, counts


def test_a_traceback_shows_the_learners_lines_only():
    code = "def nand(x1, x2):\n    y = helper(x1)\n    return y\n\ndef helper(a):\n    return a / 0\n"
    verdict = marking.check("nand", code)
    assert verdict["message"] == (
        "nand(0, 0) raised an exception.\n\nTraceback (your code only):\n"
        "  line 2, in nand\n    y = helper(x1)\n  line 6, in helper\n    return a / 0\n"
        "ZeroDivisionError: division by zero"
    )


def test_a_syntax_error_points_at_the_line():
    verdict = marking.check("nand", "def nand(x1, x2):\n    return (x1\n")
    assert not verdict["passed"]
    assert "stopped with an error before it could be checked" in verdict["message"]
    assert "Line 2:" in verdict["message"] and "return (x1" in verdict["message"]


def test_an_error_at_the_top_level_and_printed_output():
    ran = run_code("print('hi')\nx = [1][3]\n")
    assert ran.output == "hi\n"
    assert ran.error.endswith("IndexError: list index out of range")
    assert "line 2, at the top level\n    x = [1][3]" in ran.error


def test_missing_function_is_named():
    verdict = marking.check("xor", "def exclusive_or(a, b):\n    return nand(a, b)\n")
    assert "does not define a function called `xor`" in verdict["message"]


def test_printed_output_is_capped():
    ran = run_code("for i in range(100000):\n    print(i)\n")
    assert len(ran.output) < 21_000 and "more output cut" in ran.output


def test_gates_only_allows_calls_and_names_the_first_operator():
    code = "def f(a, b):\n    n = nand(a, b)\n    return nand(n, n)\n\ndef g(a, b):\n    return not a\n"
    tree = run_code(code).tree
    assert gates_only(code, tree, "f") == ""
    assert gates_only(code, tree, "g") == "line 6: `not a` uses 'not' or a sign"


def test_given_functions_are_the_earlier_solutions():
    given = ex.given("sgd")
    assert set(given) >= {"sigmoid", "sigmoid_prime", "feedforward", "backprop"}
    # Independent of the checks' reference: sigma'(0) = 1/4 exactly, feedforward of zeros is 1/2.
    assert given["sigmoid_prime"](0.0) == 0.25
    assert np.all(given["feedforward"]([np.zeros((2, 3))], [np.zeros(2)], np.ones((4, 3))) == 0.5)


def test_the_backprop_solution_agrees_with_finite_differences():
    """The reference the learner's sgd_step gets is itself checked independently."""
    bp = ex.given("sgd")["backprop"]
    ff = ex.given("sgd")["feedforward"]
    rng = np.random.default_rng(1)
    ws = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
    bs = [rng.normal(size=3), rng.normal(size=1)]
    x, y = rng.normal(size=(4, 2)), rng.uniform(size=(4, 1))
    cost = lambda: 0.5 * np.sum((ff(ws, bs, x) - y) ** 2) / len(x)  # noqa: E731
    nb, nw = bp(ws, bs, x, y)
    h = 1e-6
    for arr, grad in zip(ws + bs, nw + nb):
        for i in np.ndindex(arr.shape):
            old = arr[i]
            arr[i] = old + h
            up = cost()
            arr[i] = old - h
            down = cost()
            arr[i] = old
            assert abs((up - down) / (2 * h) - grad[i]) < 1e-7


def test_catalogue_has_the_page_texts():
    cat = ex.catalogue()
    assert [c["key"] for c in cat] == list(ex.BY_KEY)
    assert all(c["hints"] and c["stub"] and c["solution"] for c in cat)
    assert cat[1]["given"] == ["perceptron_output"]


@pytest.mark.parametrize(
    "code",
    [
        # numpy's own warning silenced: as in the browser, where WebAssembly has no floating-point flags
        "import numpy as np\n\ndef sigmoid(z):\n    with np.errstate(all='ignore'):\n        return 1 / (1 + np.exp(-z))\n",
        "from numpy import exp, errstate\n\ndef sigmoid(z):\n    with errstate(all='ignore'):\n        return 1 / (1 + exp(-z))\n",
    ],
)
def test_an_overflow_in_exp_is_caught_even_without_numpys_warning(code):
    import numpy

    real = numpy.exp
    verdict = marking.check("sigmoid", code)
    assert not verdict["passed"]
    assert 'printed a warning: "overflow encountered in exp"' in verdict["message"], verdict["message"]
    assert numpy.exp is real  # put back after the check


def test_a_passing_nand_records_its_answers_from_the_learners_function():
    result = marking.check("nand", ex.get("nand").solution)
    assert result["passed"] and result["table"] == {"00": 1, "01": 1, "10": 1, "11": 0}
    assert "table" not in marking.check("xor", ex.get("xor").solution)
    assert "table" not in marking.check("nand", "def nand(x1, x2):\n    return 1\n")


def test_recording_the_answers_calls_the_learners_function_on_each_input():
    seen = []
    ran = run_code("def nand(x1, x2):\n    seen.append((x1, x2))\n    return 1 - x1 * x2\n", {"seen": seen})
    assert marking.tabulate(ran.namespace["nand"], "") == {"00": 1, "01": 1, "10": 1, "11": 0}
    assert seen == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_within_stops_an_endless_loop_at_its_deadline_and_lets_the_rest_through():
    import sys
    import time

    from nnfs.labs.exercises.learner_code import TooSlow, within

    ran = run_code(
        "def rule(x, w, b):\n"
        "    while w[0] == -1.5:\n"
        "        pass\n"
        "    try:\n"
        "        return 1 if sum(a * c for a, c in zip(x, w)) + b > 0 else 0\n"
        "    except Exception:\n"
        "        return 0\n"
    )
    rule = ran.namespace["rule"]
    before = sys.gettrace()  # (a coverage tool's, or None)
    t0 = time.perf_counter()
    guarded = within(rule, t0 + 0.3)
    assert guarded([1, 1], [-2, -2], 3) == 0 and guarded([0, 0], [-2, -2], 3) == 1
    with pytest.raises(TooSlow):
        guarded([1, 1], [-1.5, -2], 3)
    assert 0.25 < time.perf_counter() - t0 < 2.0
    assert sys.gettrace() is before  # the trace is only on while their function runs
    with pytest.raises(TooSlow):  # past the deadline, no call starts
        guarded([0, 0], [-2, -2], 3)
    with pytest.raises(ZeroDivisionError):  # their exceptions pass through
        within(run_code("def f():\n    return 1 / 0\n").namespace["f"], time.perf_counter() + 1)()


def test_an_indentation_error_draws_the_spaces_the_line_starts_with():
    """Quoted under the message, a line at column 0 used to look indented (issue 22): the
    line and the one above are shown after a gutter with their leading whitespace drawn."""
    ran = run_code("def f(x):\nreturn x\n")
    assert ran.error == (
        "Line 2: expected an indented block after function definition on line 1\n"
        "  1 | def f(x):\n"
        "  2 | return x\n"
        "Line 2 has no indentation: it starts at column 0. The lines of a block start 4 spaces further in "
        "than the line ending in “:” above them."
    )
    ran = run_code("def f(x):\n    a = 1\n\n  return a\n")  # a blank line between: the code line above is shown
    assert ran.error == (
        "Line 4: unindent does not match any outer indentation level\n"
        "  2 | ····a = 1\n"
        "  4 | ··return a\n"
        "Line 4 starts with 2 spaces (· is a space, → a tab)."
    )
    ran = run_code("def f():\n\tif 1:\n        return 1\n")
    assert ran.error.endswith(
        "  2 | →if 1:\n  3 | ········return 1\nLine 3 starts with 8 spaces (· is a space, → a tab). "
        "Tabs and spaces mixed confuse Python: indent with spaces only, 4 per level."
    ), ran.error
