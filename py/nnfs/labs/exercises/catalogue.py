'''"Write it yourself": the exercises, in the book's order.

Each ``Exercise`` has a statement, a starting stub (signature and docstring),
hints to reveal one at a time, a solution (``nnfs.labs.exercises.solutions``), the
functions it is given ready-made (the solutions of earlier exercises: a slip in one
does not spoil the next), an example that the Run button shows, and a hidden check
(``nnfs.labs.exercises.checks``, ``network_checks`` and ``conv_checks``). How Run and Check run the
learner's code is ``nnfs.labs.exercises.marking``.
'''

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from nnfs.labs.exercises import checks, conv_checks, network_checks, solutions


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    functions: tuple[str, ...]  # what the learner writes
    statement: str  # paragraphs separated by blank lines; `code` in backticks
    stub: str
    hints: tuple[str, ...]
    solution: str
    given: tuple[str, ...]  # keys of earlier exercises whose solutions are provided
    example: tuple[str, ...]  # expressions the Run button evaluates and shows
    check: Callable[[checks.Context], str]  # raises checks.Fail, or says what passed


_NET_EXAMPLE = (
    "weights = [np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1.0, -2.0]])]",
    "biases = [np.array([0.0, -1.0]), np.array([0.5])]",
    "x = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])",
)

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "perceptron",
        "1 · A perceptron",
        ("perceptron_output",),
        "A perceptron multiplies each input by its weight, adds them up with the bias, and "
        "fires if the sum is positive: output 1 if `w·x + b > 0`, else 0.\n\n"
        "Write `perceptron_output(x, w, b)`. `x` and `w` are lists of numbers of the same "
        "length, `b` is a number. A sum of exactly 0 gives 0.",
        '''def perceptron_output(x, w, b):
    """1 if w·x + b > 0, else 0.  x and w are lists of numbers, b a number."""
    # your code here
''',
        (
            "w·x is the sum of x[i] * w[i] over i: `sum(xi * wi for xi, wi in zip(x, w))`.",
            "Add b to that sum and call the result z.",
            "Return 1 when z > 0 — strictly greater: `z >= 0` would fire on a sum of exactly 0.",
        ),
        solutions.PERCEPTRON,
        (),
        ("perceptron_output([1, 0], [2, 2], -1)", "perceptron_output([1, 1], [1, 1], -2)"),
        checks.check_perceptron_output,
    ),
    Exercise(
        "nand",
        "2 · NAND from a perceptron",
        ("nand",),
        "NAND outputs 0 only when both inputs are 1. Nielsen's perceptron with weights −2, −2 "
        "and bias 3 computes it, and NAND is universal: every circuit can be built from it.\n\n"
        "Write `nand(x1, x2)` with one call of `perceptron_output` (given: it is the "
        "solution of exercise 1).",
        '''def nand(x1, x2):
    """NAND of two bits, computed by one perceptron with w = (-2, -2), b = 3."""
    # your code here
''',
        (
            "The inputs of the perceptron are the list [x1, x2].",
            "`perceptron_output([x1, x2], [-2, -2], 3)`: check the four rows by hand — "
            "only 1, 1 gives −2 − 2 + 3 = −1 ≤ 0.",
        ),
        solutions.NAND,
        ("perceptron",),
        ("nand(0, 0)", "nand(1, 1)"),
        checks.check_nand,
    ),
    Exercise(
        "xor",
        "3 · XOR from NAND only",
        ("xor",),
        "XOR is 1 when exactly one input is 1. No single perceptron computes it, but four "
        "NAND gates do.\n\n"
        "Write `xor(x1, x2)` using only calls of `nand` (given) — no operators, no `if`.",
        '''def xor(x1, x2):
    """XOR of two bits, from NAND gates only."""
    # your code here
''',
        (
            "Start with n = nand(x1, x2): it is 0 only when both inputs are 1.",
            "nand(x1, n) is 1 unless x1 is 1 and x2 is 0 … and similarly nand(x2, n).",
            "A last NAND of those two: `nand(nand(x1, n), nand(x2, n))`.",
        ),
        solutions.XOR,
        ("perceptron", "nand"),
        ("xor(0, 1)", "xor(1, 1)"),
        checks.check_xor,
    ),
    Exercise(
        "half_adder",
        "4 · A half adder",
        ("half_adder",),
        "Adding two bits gives a sum bit and a carry bit: 1 + 1 = 10 in binary, sum 0, carry 1.\n\n"
        "Write `half_adder(x1, x2)` returning the pair `(sum, carry)`, from `nand` and `xor` "
        "(both given) only.",
        '''def half_adder(x1, x2):
    """(sum, carry) of two bits."""
    # your code here
''',
        (
            "The sum bit is x1 XOR x2.",
            "The carry is x1 AND x2, and AND is NOT NAND.",
            "NOT a is nand(a, a), so the carry is nand(nand(x1, x2), nand(x1, x2)).",
        ),
        solutions.HALF,
        ("perceptron", "nand", "xor"),
        ("half_adder(1, 1)",),
        checks.check_half_adder,
    ),
    Exercise(
        "adder",
        "5 · An n-bit adder",
        ("full_adder", "add"),
        "A full adder adds two bits and a carry coming in; a chain of them adds numbers of any "
        "length, carrying from each bit into the next, as you do by hand.\n\n"
        "Write `full_adder(x1, x2, carry_in)` returning `(sum, carry)` from gate calls only "
        "(`nand`, `xor`, `half_adder` are given), then `add(a, b)`: `a` and `b` are lists of "
        "n bits, **least significant bit first**, and the answer is the n + 1 bits of a + b, "
        "also least significant first.",
        '''def full_adder(x1, x2, carry_in):
    """(sum, carry) of two bits and a carry in, from gates only."""
    # your code here


def add(a, b):
    """a + b for two lists of n bits, least significant bit first; n + 1 bits back."""
    # your code here
''',
        (
            "A full adder is two half adders: add x1 and x2, then add carry_in to that sum.",
            "The carry out is 1 if either half adder carried: c1 OR c2 = nand(NOT c1, NOT c2).",
            "In add, start with carry = 0 and walk the bits from the first (least significant); "
            "the final carry is the last bit of the answer.",
        ),
        solutions.ADDER,
        ("perceptron", "nand", "xor", "half_adder"),
        ("full_adder(1, 1, 1)", "add([1, 0, 1], [1, 1, 0])   # 5 + 3"),
        checks.check_adder,
    ),
    Exercise(
        "sigmoid",
        "6 · A stable sigmoid",
        ("sigmoid",),
        "The sigmoid neuron's output is σ(z) = 1 / (1 + e^(−z)). Computed naively, `np.exp(-z)` "
        "overflows for z below about −709 and numpy prints a warning.\n\n"
        "Write `sigmoid(z)` for a number or a numpy array of any shape, exact to rounding and "
        "with no warning for any |z| up to 10⁴.",
        '''import numpy as np


def sigmoid(z):
    """1 / (1 + e^-z) for a number or an array, without overflow for any z."""
    # your code here
''',
        (
            "Use numpy (np.exp), not math.exp: it must work on whole arrays.",
            "For z < 0, σ(z) = e^z / (1 + e^z): the exponent is then never positive.",
            "`np.where(z >= 0, 1 / (1 + np.exp(-z)), …)` still computes both branches for every z "
            "and overflows: compute e = np.exp(-np.abs(z)) once, and use it in both.",
        ),
        solutions.SIGMOID,
        (),
        ("sigmoid(0.0)", "sigmoid(np.array([-1e4, -1.0, 0.0, 1.0, 1e4]))"),
        checks.check_sigmoid,
    ),
    Exercise(
        "feedforward",
        "7 · Feedforward, a whole batch",
        ("feedforward",),
        "A network's layer l has weights w of shape (n_out, n_in) and biases b of shape "
        "(n_out,). A batch `x` holds one example per row, shape (N, n_in).\n\n"
        "Write `feedforward(weights, biases, x)` returning the output layer's activations for "
        "the whole batch, shape (N, n_out), with σ in every layer (`sigmoid` is given). "
        "No loop over the examples: one matrix product per layer.",
        '''import numpy as np


def feedforward(weights, biases, x):
    """The network's outputs for a batch x of shape (N, n_in): shape (N, n_out)."""
    # your code here
''',
        (
            "Start with a = x; for each (w, b) pair, replace a by the next layer's activations.",
            "With examples as rows, z = a @ w.T + b: (N, n_in) @ (n_in, n_out) gives (N, n_out), "
            "and b is added to every row.",
            "a = sigmoid(a @ w.T + b) in a loop over zip(weights, biases).",
        ),
        solutions.FEEDFORWARD,
        ("sigmoid",),
        (*_NET_EXAMPLE, "feedforward(weights, biases, x)"),
        network_checks.check_feedforward,
    ),
    Exercise(
        "backprop",
        "8 · Backpropagation",
        ("backprop",),
        "For the quadratic cost C = (1/N) Σₓ ½‖a(x) − y(x)‖² over a batch, backpropagation "
        "gives every gradient in one backward pass:\n\n"
        "BP1 δᴸ = (aᴸ − y) ⊙ σ′(zᴸ);  BP2 δˡ = (δˡ⁺¹ wˡ⁺¹) ⊙ σ′(zˡ);  "
        "BP3 ∂C/∂bˡ = mean of δˡ over the batch;  BP4 ∂C/∂wˡ = (δˡ)ᵀ aˡ⁻¹ / N.\n\n"
        "Write `backprop(weights, biases, x, y)`: x has shape (N, n_in), y the targets "
        "(N, n_out). Return `(nabla_b, nabla_w)`, lists shaped like biases and weights. "
        "`sigmoid` and `sigmoid_prime` are given.",
        '''import numpy as np


def backprop(weights, biases, x, y):
    """(nabla_b, nabla_w): the gradient of the mean quadratic cost over the batch."""
    # your code here
''',
        (
            "Go forward first, keeping every z and every activation (the input x is activation 0).",
            "BP1 at the output, then walk the layers backwards; nabla_b[l] = delta.sum(axis=0) / N "
            "— the sum runs over the examples (axis 0), not over the neurons.",
            "nabla_w[l] = delta.T @ activations[l] / N has the shape of weights[l]; then "
            "delta = (delta @ weights[l]) * sigmoid_prime(zs[l - 1]) for the layer below.",
        ),
        solutions.BACKPROP,
        ("sigmoid",),
        (*_NET_EXAMPLE, "y = np.array([[1.0], [0.0], [1.0]])", "backprop(weights, biases, x, y)"),
        network_checks.check_backprop,
    ),
    Exercise(
        "sgd",
        "9 · Gradient descent learns XOR",
        ("sgd_step",),
        "One step of gradient descent moves every weight and bias a little against its "
        "gradient: w → w − η ∂C/∂w, b → b − η ∂C/∂b.\n\n"
        "Write `sgd_step(weights, biases, x, y, eta)` returning the new `(weights, biases)`, "
        "using `backprop` (given: it already averages over the batch). The check then trains a "
        f"{network_checks.XOR_SIZES} network on XOR with {network_checks.XOR_STEPS} of your steps.",
        '''def sgd_step(weights, biases, x, y, eta):
    """One step of gradient descent on the mini-batch (x, y): the new (weights, biases)."""
    # your code here
''',
        (
            "nabla_b, nabla_w = backprop(weights, biases, x, y).",
            "A new list of weights: [w - eta * nw for w, nw in zip(weights, nabla_w)]; the same for biases.",
            "backprop's gradient is already the mean over the batch: do not divide by len(x) again.",
        ),
        solutions.SGD,
        ("sigmoid", "feedforward", "backprop"),
        (*_NET_EXAMPLE, "y = np.array([[1.0], [0.0], [1.0]])", "sgd_step(weights, biases, x, y, 0.5)"),
        network_checks.check_sgd_step,
    ),
    Exercise(
        "conv",
        "10 · Convolution and max-pooling",
        ("convolve", "max_pool"),
        "Chapter 6's convolutional layer slides a small filter — a k × k array of weights, the "
        "book's local receptive field — over the image: wherever it fits wholly, it multiplies the "
        "pixels under it by its weights and adds them up. A max-pooling layer then shrinks that "
        "feature map, keeping the largest value of each block.\n\n"
        "Write `convolve(image, kernel)`: `image` is a 2-D numpy array of shape (H, W), `kernel` one of "
        "shape (k, k) with k ≤ H and k ≤ W. Return the **valid** convolution, shape (H − k + 1, W − k + 1): "
        "`out[i, j]` is the sum of `image[i + a, j + b] * kernel[a, b]` over a and b from 0 to k − 1. The "
        "filter is not flipped (as in the book's network3.py); exact to rounding.\n\n"
        "Then write `max_pool(feature_map, size)`: the largest value of each non-overlapping size × size "
        "block, shape (H // size, W // size). Rows and columns at the edge that do not fill a whole block "
        "are dropped. Return numpy arrays (lists of lists will do) and leave the inputs unchanged.",
        '''import numpy as np


def convolve(image, kernel):
    """The valid convolution of a 2-D image with a k x k kernel (not flipped): shape (H - k + 1, W - k + 1)."""
    # your code here


def max_pool(feature_map, size):
    """The largest value of each size x size block: shape (H // size, W // size), partial blocks dropped."""
    # your code here
''',
        (
            "The filter's top-left corner goes from row 0 to row H − k, so the answer has H − k + 1 rows "
            "(and W − k + 1 columns): start with `out = np.zeros((H - k + 1, W - k + 1))`.",
            "In two loops over i and j, the window is `image[i:i + k, j:j + k]`, and "
            "`out[i, j] = np.sum(window * kernel)`: multiply element by element, then add up — no flip.",
            "For max_pool, block (i, j) is `feature_map[i * size:(i + 1) * size, j * size:(j + 1) * size]` "
            "for i in range(H // size): the integer division drops the partial blocks. Keep `block.max()`.",
        ),
        solutions.CONV,
        (),
        (
            "image = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])",
            "convolve(image, np.array([[1.0, 0.0], [0.0, -1.0]]))",
            "max_pool(np.array([[1.0, 3.0, 2.0, 0.0], [4.0, -1.0, 5.0, 6.0], [0.0, 0.0, -2.0, -3.0]]), 2)",
        ),
        conv_checks.check_conv,
    ),
)

BY_KEY = {e.key: e for e in EXERCISES}
_GIVEN_EXTRA = {"sigmoid": solutions.SIGMOID_PRIME}  # helpers that come with a solution when it is given
_given_cache: dict[tuple[str, ...], dict[str, Any]] = {}


def get(key: str) -> Exercise:
    if key not in BY_KEY:
        raise ValueError(f"no exercise {key!r}; there are {', '.join(BY_KEY)}")
    return BY_KEY[key]


def given(key: str) -> dict[str, Any]:
    """The ready-made functions exercise ``key`` may call: earlier solutions, run once."""
    keys = get(key).given
    if keys not in _given_cache:
        ns: dict[str, Any] = {"np": np}
        for k in keys:
            exec(get(k).solution + _GIVEN_EXTRA.get(k, ""), ns)  # noqa: S102 - our own solutions
        _given_cache[keys] = {n: v for n, v in ns.items() if callable(v) and not n.startswith("_")}
    return dict(_given_cache[keys])


def catalogue() -> list[dict]:
    """Every exercise's texts for the page (the checks stay in the worker)."""
    return [
        {
            "key": e.key,
            "title": e.title,
            "functions": list(e.functions),
            "statement": e.statement,
            "stub": e.stub,
            "hints": list(e.hints),
            "solution": e.solution,
            "given": sorted(given(e.key)),
        }
        for e in EXERCISES
    ]
