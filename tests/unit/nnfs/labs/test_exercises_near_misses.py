"""Near misses: for every check of "Write it yourself", answers that are right except in one
plausible way (off by one, clipped, a mean for a sum, a sign, a missing σ', a flipped filter)
must fail, with a message that says what is wrong (nnfs.labs.exercises.checks, .network_checks,
.conv_checks). A check that let one through would teach the learner their mistake is right.

The plain wrong answers (a missing return, an operator in a gate) are in test_exercises.py;
the convolution's own in test_exercises_conv.py.
"""

import re

import numpy as np
import pytest

from nnfs.labs.exercises import catalogue as ex
from nnfs.labs.exercises import marking
from nnfs.maths.activations import sigmoid


def _swap(code, old, new):
    assert old in code, old
    return code.replace(old, new)


P, N, X, H, A = (ex.get(k).solution for k in ("perceptron", "nand", "xor", "half_adder", "adder"))
S, F, B, G, C = (ex.get(k).solution for k in ("sigmoid", "feedforward", "backprop", "sgd", "conv"))
WINDOW = "np.sum(image[i:i + k, j:j + k] * kernel)"
BLOCK = "m[i * size:(i + 1) * size, j * size:(j + 1) * size].max()"

# (exercise, what is near about it, the code, a regular expression the message must match)
NEAR_MISSES = [
    (
        "perceptron",
        "sigmoid's threshold 0.5 instead of 0 (right on every integer input)",
        _swap(P, "z > 0", "z > 0.5"),
        r"perceptron_output\(\[0\.5\], \[0\.5\], 0\) returned 0, expected 1 \(w·x \+ b = 0\.25: the threshold is 0",
    ),
    (
        "perceptron",
        "off by one: the last input left out",
        _swap(P, "zip(x, w)", "zip(x[:-1], w[:-1])"),
        r"perceptron_output\(\[1, 1\], \[1, 1\], -1\) returned 0, expected 1 \(w·x \+ b = 1\)",
    ),
    (
        "perceptron",
        "the bias subtracted",
        _swap(P, ") + b", ") - b"),
        r"perceptron_output\(\[1, 1\], \[1, 1\], -2\) returned 1, expected 0 \(w·x \+ b = 0",
    ),
    ("nand", "bias off by one", _swap(N, "[-2, -2], 3", "[-2, -2], 2"), r"nand\(0, 1\) returned 0, expected 1\."),
    (
        "nand",
        "bias with the wrong sign",
        _swap(N, "[-2, -2], 3", "[-2, -2], -3"),
        r"nand\(0, 0\) returned 0, expected 1",
    ),
    ("nand", "x1 typed twice", _swap(N, "[x1, x2]", "[x1, x1]"), r"nand\(1, 0\) returned 0, expected 1\."),
    (
        "xor",
        "three NANDs: the last one's inputs mixed up",
        _swap(X, "nand(nand(x1, n), nand(x2, n))", "nand(nand(x1, n), n)"),
        r"xor\(\d, \d\) returned \d, expected \d\.",
    ),
    (
        "xor",
        "OR wired instead of XOR",
        "def xor(x1, x2):\n    return nand(nand(x1, x1), nand(x2, x2))\n",
        r"xor\(1, 1\) returned 1, expected 0\.",
    ),
    (
        "half_adder",
        "the carry is OR, not AND",
        _swap(H, "nand(nand(x1, x2), nand(x1, x2))", "nand(nand(x1, x1), nand(x2, x2))"),
        r"half_adder\(0, 1\) returned \(1, 1\), expected \(1, 0\) as \(sum, carry\)",
    ),
    (
        "half_adder",
        "sum and carry swapped",
        _swap(
            H,
            "return xor(x1, x2), nand(nand(x1, x2), nand(x1, x2))",
            "return nand(nand(x1, x2), nand(x1, x2)), xor(x1, x2)",
        ),
        r"half_adder\(0, 1\) returned \(0, 1\), expected \(1, 0\)",
    ),
    (
        "adder",
        "full adder's carry out forgets the first half adder's carry",
        _swap(A, "return s, nand(nand(c1, c1), nand(c2, c2))  # c1 OR c2", "return s, c2"),
        r"full_adder\(0, 1, 1\)|full_adder\(1, 1, 0\) returned \(0, 0\), expected \(0, 1\)",
    ),
    (
        "adder",
        "off by one: the last bit pair left out",
        _swap(A, "zip(a, b)", "zip(a[:-1], b[:-1])"),
        r"add\(\[0\], \[0\]\) returned \[0\], expected \[0, 0\]: 0 \+ 0 = 0, 2 bits",
    ),
    (
        "adder",
        "the carry in of the first bit is 1",
        _swap(A, "bits, carry = [], 0", "bits, carry = [], 1"),
        r"add\(\[0\], \[0\]\) returned \[1, 0\], expected \[0, 0\]",
    ),
    (
        "sigmoid",
        "z clipped to ±30 (within 1e-10 of the truth everywhere)",
        _swap(S, "z = np.asarray(z, dtype=float)", "z = np.clip(np.asarray(z, dtype=float), -30, 30)"),
        r"sigmoid\(-40\.0\) returned 9\.35762e-14, expected 4\.24835e-18: a relative error of 2e\+04 — it is σ\(-30\.0\): "
        r"did you clip z to ±30\? “Exact to rounding” means within 1e-12 of σ\(z\) relatively",
    ),
    (
        "sigmoid",
        "z clipped to ±500 (to keep exp quiet)",
        _swap(S, "z = np.asarray(z, dtype=float)", "z = np.clip(np.asarray(z, dtype=float), -500, 500)"),
        r"sigmoid\(-709\.0\) returned 7\.12458e-218, expected 1\.21678e-308: .* did you clip z to ±500\?",
    ),
    (
        "sigmoid",
        "1 − σ(−z) for negative z: cancels",
        _swap(S, "e / (1 + e)", "1 - 1 / (1 + e)"),
        r"sigmoid\(-30\.0\) returned 9\.34808e-14, expected 9\.35762e-14: a relative error of 0\.001 — it is 1 − σ\(−z\)",
    ),
    (
        "sigmoid",
        "the tanh form: no overflow, but it cancels far out",
        "import numpy as np\n\ndef sigmoid(z):\n    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))\n",
        r"sigmoid\(-30\.0\) returned .*: a relative error of 0\.0002 — digits lost to rounding\?",
    ),
    (
        "sigmoid",
        "single precision",
        _swap(S, "z = np.asarray(z, dtype=float)", "z = np.asarray(z, dtype=np.float32)"),
        r"sigmoid\(1\.0\) returned 0\.731059, expected 0\.731059 \(to 17 digits, 0\.7310585975646972\d* and "
        r"0\.731058578630004\d*\): a relative error of 3e-08\.",
    ),
    (
        "feedforward",
        "no sigmoid on the output layer",
        _swap(
            F,
            "    for w, b in zip(weights, biases):\n        a = sigmoid(a @ w.T + b)    # each row of a is one example\n",
            "    for w, b in zip(weights[:-1], biases[:-1]):\n        a = sigmoid(a @ w.T + b)\n"
            "    a = a @ weights[-1].T + biases[-1]\n",
        ),
        r"the output\[0, 0\] is 1\.1657, expected .* \(sizes \[2, 3, 1\], a batch of 1 example\) — outside \(0, 1\), "
        r"where σ's outputs always are: apply sigmoid in every layer, the last one too\.",
    ),
    (
        "feedforward",
        "the bias subtracted",
        _swap(F, "a @ w.T + b", "a @ w.T - b"),
        r"the output\[0, 0\] is .*, expected .* \(sizes \[2, 3, 1\]",
    ),
    (
        "feedforward",
        "off by one: the last layer left out",
        _swap(F, "zip(weights, biases)", "zip(weights[:-1], biases[:-1])"),
        r"the output has shape \(\d, 3\), expected \(\d, 1\) \(sizes \[2, 3, 1\]",
    ),
    (
        "backprop",
        "σ' missing in BP2",
        _swap(B, "(delta @ weights[l]) * sigmoid_prime(zs[l - 1])", "(delta @ weights[l])"),
        r"nabla_b\[0\]\[0\] is .*, expected .* \(sizes \[2, 3, 1\], a batch of 2 examples\)\. The output layer's "
        r"gradients are right, so BP1 is: look at BP2, .* — it is missing σ′\(zˡ\)\.",
    ),
    (
        "backprop",
        "off by one: σ'(zˡ⁺¹) in BP2",
        _swap(B, "sigmoid_prime(zs[l - 1])", "sigmoid_prime(zs[l])"),
        r"nabla_b\[0\]\[0\] is .*\. The output layer's gradients are right, so BP1 is: look at BP2, .* — it takes "
        r"σ′ of the layer above's z",
    ),
    (
        "backprop",
        "off by one: nabla_w from the layer's own activations",
        _swap(B, "delta.T @ activations[l] / n", "delta.T @ activations[l + 1] / n"),
        r"nabla_w\[1\] has shape \(1, 1\), expected \(1, 3\) .*\. nabla_b\[1\] is right, so δ is right in this "
        r"layer: the slip is in BP4",
    ),
    (
        "backprop",
        "the sum over the batch, not the mean, in nabla_w only",
        _swap(B, "delta.T @ activations[l] / n", "delta.T @ activations[l]"),
        r"nabla_w\[1\]\[0, 0\] is .* — 2 times too big: that is the batch size.*\. nabla_b\[1\] is right, so δ is "
        r"right in this layer: the slip is in BP4, ∂C/∂wˡ = \(δˡ\)ᵀ aˡ⁻¹ / N",
    ),
    (
        "backprop",
        "σ' missing in BP1 (δᴸ = aᴸ − y)",
        _swap(B, "(activations[-1] - y) * sigmoid_prime(zs[-1])", "(activations[-1] - y)"),
        r"^nabla_b\[1\]\[0\] is .*, expected .* \(sizes \[2, 3, 1\], a batch of 2 examples\)\. Both of the output "
        r"layer's gradients are off by exactly the factor σ′\(zᴸ\): BP1 is missing it, δᴸ = \(aᴸ − y\) ⊙ σ′\(zᴸ\)\.$",
    ),
    (
        "backprop",
        "σ'(aᴸ) for σ'(zᴸ) in BP1",
        _swap(B, "sigmoid_prime(zs[-1])", "sigmoid_prime(activations[-1])"),
        r"^nabla_b\[1\]\[0\] is .*\. BP1 takes σ′ of aᴸ where it needs σ′ of zᴸ",
    ),
    (
        "backprop",
        "y − a in BP1",
        _swap(B, "(activations[-1] - y)", "(y - activations[-1])"),
        r"^nabla_b\[1\]\[0\] is .* — the sign is wrong\. BP1 has y − aᴸ where it needs aᴸ − y",
    ),
    (
        "backprop",
        "σ'(aˡ) for σ'(zˡ) in BP2",
        _swap(B, "sigmoid_prime(zs[l - 1])", "sigmoid_prime(activations[l])"),
        r"^nabla_b\[0\]\[0\] is .*\. The output layer's gradients are right, so BP1 is: look at BP2, .* — it takes σ′ "
        r"of the layer's activations",
    ),
    (
        "backprop",
        "the sum over the batch in nabla_b only (BP3)",
        _swap(B, "delta.sum(axis=0) / n", "delta.sum(axis=0)"),
        r"^nabla_b\[1\]\[0\] is .* — 2 times too big: .*\. nabla_w\[1\] is right, so δ is right in this layer: the "
        r"slip is in BP3, ∂C/∂bˡ = the mean of δˡ over the batch",
    ),
    (
        "backprop",
        "the sum over the batch in both (BP3 and BP4)",
        _swap(
            _swap(B, "delta.sum(axis=0) / n", "delta.sum(axis=0)"),
            "delta.T @ activations[l] / n",
            "delta.T @ activations[l]",
        ),
        r"^nabla_b\[1\]\[0\] is .*\. Both nabla_b\[1\] and nabla_w\[1\] are N = 2 times too big: BP3 and BP4 take "
        r"the mean",
    ),
    (
        "sgd",
        "eta forgotten for the biases",
        _swap(G, "b - eta * nb", "b - nb"),
        r"biases\[0\]\[0\] is .*, expected .*eta = 1\.09\) — the step is η = 1\.09 times too small: it is missing η\.",
    ),
    (
        "sgd",
        "the mean taken twice (divided by the batch size again)",
        _swap(G, "w - eta * nw", "w - eta * nw / len(x)"),
        r"weights\[0\]\[0, 0\] is .*, expected .* — the step is 2 times too small: backprop already averages",
    ),
    (
        "sgd",
        "the gradient added",
        _swap(G, "b - eta * nb", "b + eta * nb"),
        r"biases\[0\]\[0\] is .*, expected .* — the step goes the wrong way: w − η ∂C/∂w, against the gradient\.$",
    ),
    (
        "sgd",
        "the gradient added to the weights: the step goes uphill",
        _swap(G, "w - eta * nw", "w + eta * nw"),
        r"^weights\[0\]\[0, 0\] is 0\.502025, expected 0\.506564 \(.*\) — the step goes the wrong way: .*\. Your step "
        r"went uphill: the cost on this batch rose from 0\.00960805 to 0\.00962363, where the right step lowers it to "
        r"0\.00892296\.$",
    ),
    (
        "conv",
        "the filter flipped (the maths books' convolution)",
        _swap(C, WINDOW, "np.sum(image[i:i + k, j:j + k] * kernel[::-1, ::-1])"),
        r"\[0, 0\] is 4\.0, expected -4\.0: .* — it is the convolution with the filter flipped",
    ),
    (
        "conv",
        "off by one: range(H − k)",
        _swap(C, "image.shape[0] - k + 1, image.shape[1] - k + 1", "image.shape[0] - k, image.shape[1] - k"),
        r"returned shape \(1, 1\), expected \(2, 2\): one row and one column short",
    ),
    (
        "conv",
        "the mean of the window, not the sum",
        _swap(C, WINDOW, "np.mean(image[i:i + k, j:j + k] * kernel)"),
        r"is -1\.0, expected -4\.0: .* — 4 times too small: it is the mean of the window's products",
    ),
    (
        "conv",
        "max-pooling that keeps the partial blocks",
        _swap(C, "m.shape[0] // size, m.shape[1] // size", "-(-m.shape[0] // size), -(-m.shape[1] // size)"),
        r"max_pool\(np\.array\(\[\[1, 2, 3, 4, 9\], .*\), 2\) returned shape \(2, 3\), expected \(1, 2\) = "
        r"\(3 // 2, 5 // 2\): it kept the partial blocks",
    ),
    (
        "conv",
        "max-pooling whose maximum starts at 0",
        _swap(C, BLOCK, "max(0.0, " + BLOCK + ")"),
        r"max_pool\(.*\)\[1, 1\] is 0\.0, expected -1\.0: .* — never below 0",
    ),
    (
        "conv",
        "max-pooling one row and column too wide",
        _swap(C, BLOCK, "m[i * size:(i + 1) * size + 1, j * size:(j + 1) * size + 1].max()"),
        r"max_pool\(.*\)\[0, 0\] is 5\.0, expected 4\.0: the largest value of rows 0\.\.1, columns 0\.\.1\.",
    ),
]


@pytest.mark.parametrize("key, what, code, message", NEAR_MISSES, ids=[f"{k}: {w}" for k, w, _, _ in NEAR_MISSES])
def test_a_near_miss_fails_and_says_what_is_wrong(key, what, code, message):
    verdict = marking.check(key, code)
    assert not verdict["passed"], f"{what} passed: {verdict['message']}"
    assert re.search(message, verdict["message"], re.S), verdict["message"]


def test_every_check_has_near_misses():
    counts = {k: sum(1 for m in NEAR_MISSES if m[0] == k) for k in ex.BY_KEY}
    assert min(counts.values()) >= 2, counts


def test_the_clipped_sigmoid_is_within_the_old_absolute_tolerance_everywhere():
    """Why the comparison had to become relative: the ±30 clip is off by less than 1e-10 at
    every z, so an absolute 1e-10 could never catch it (an independent sweep, not the check)."""
    z = np.concatenate([np.linspace(-1e4, 1e4, 20001), np.linspace(-50, 50, 10001)])
    clipped = sigmoid(np.clip(z, -30, 30))
    assert np.max(np.abs(clipped - sigmoid(z))) < 1e-10
    far = z < -40
    assert np.min(clipped[far] / np.maximum(sigmoid(z[far]), 1e-300)) > 1e4  # relatively, orders of magnitude


def test_a_correct_sigmoid_by_another_formula_passes():
    """The relative tolerance is fair: e^-log(1 + e^-z) by logaddexp is exact to a few ulps."""
    code = "import numpy as np\n\ndef sigmoid(z):\n    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))\n"
    verdict = marking.check("sigmoid", code)
    assert verdict["passed"], verdict["message"]
