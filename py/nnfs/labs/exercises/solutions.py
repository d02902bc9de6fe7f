"""The reference solutions of the "Write it yourself" exercises (``nnfs.labs.exercises.catalogue``).

Each is the code the page shows under "Show solution" and the code run, once, for the
later exercises that are given it ready-made (a slip in one exercise does not spoil the
next). Every one passes its own check (tests/unit/nnfs/labs/test_exercises.py).
"""

PERCEPTRON = '''def perceptron_output(x, w, b):
    """1 if w·x + b > 0, else 0.  x and w are lists of numbers, b a number."""
    z = sum(xi * wi for xi, wi in zip(x, w)) + b
    return 1 if z > 0 else 0
'''

NAND = '''def nand(x1, x2):
    """NAND of two bits, computed by one perceptron with w = (-2, -2), b = 3."""
    return perceptron_output([x1, x2], [-2, -2], 3)
'''

XOR = '''def xor(x1, x2):
    """XOR of two bits, from four NAND gates."""
    n = nand(x1, x2)
    return nand(nand(x1, n), nand(x2, n))
'''

HALF = '''def half_adder(x1, x2):
    """(sum, carry) of two bits."""
    return xor(x1, x2), nand(nand(x1, x2), nand(x1, x2))
'''

ADDER = '''def full_adder(x1, x2, carry_in):
    """(sum, carry) of two bits and a carry in."""
    s1, c1 = half_adder(x1, x2)
    s, c2 = half_adder(s1, carry_in)
    return s, nand(nand(c1, c1), nand(c2, c2))  # c1 OR c2


def add(a, b):
    """a + b for two lists of n bits, least significant bit first; n + 1 bits back."""
    bits, carry = [], 0
    for x1, x2 in zip(a, b):
        s, carry = full_adder(x1, x2, carry)
        bits.append(s)
    return bits + [carry]
'''

SIGMOID = '''import numpy as np


def sigmoid(z):
    """1 / (1 + e^-z) for a number or an array, without overflow for any z."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))          # never more than 1
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return s[()]                    # a number for a number, an array for an array
'''

FEEDFORWARD = '''import numpy as np


def feedforward(weights, biases, x):
    """The network's outputs for a batch x of shape (N, n_in): shape (N, n_out)."""
    a = np.asarray(x, dtype=float)
    for w, b in zip(weights, biases):
        a = sigmoid(a @ w.T + b)    # each row of a is one example
    return a
'''

SIGMOID_PRIME = '''

def sigmoid_prime(z):
    """The derivative of sigmoid: sigmoid(z) * (1 - sigmoid(z))."""
    s = sigmoid(z)
    return s * (1 - s)
'''

BACKPROP = '''import numpy as np


def backprop(weights, biases, x, y):
    """(nabla_b, nabla_w): the gradient of the mean quadratic cost over the batch."""
    n = len(x)
    activations, zs = [np.asarray(x, dtype=float)], []
    for w, b in zip(weights, biases):
        zs.append(activations[-1] @ w.T + b)
        activations.append(sigmoid(zs[-1]))
    nabla_b, nabla_w = [None] * len(weights), [None] * len(weights)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])           # BP1
    for l in range(len(weights) - 1, -1, -1):
        nabla_b[l] = delta.sum(axis=0) / n                          # BP3
        nabla_w[l] = delta.T @ activations[l] / n                   # BP4
        if l > 0:
            delta = (delta @ weights[l]) * sigmoid_prime(zs[l - 1])  # BP2
    return nabla_b, nabla_w
'''

SGD = '''def sgd_step(weights, biases, x, y, eta):
    """One step of gradient descent on the mini-batch (x, y): the new (weights, biases)."""
    nabla_b, nabla_w = backprop(weights, biases, x, y)
    new_weights = [w - eta * nw for w, nw in zip(weights, nabla_w)]
    new_biases = [b - eta * nb for b, nb in zip(biases, nabla_b)]
    return new_weights, new_biases
'''

CONV = '''import numpy as np


def convolve(image, kernel):
    """The valid convolution of a 2-D image with a k x k kernel (not flipped): shape (H - k + 1, W - k + 1)."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    k = kernel.shape[0]
    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)   # the window at (i, j), times the filter
    return out


def max_pool(feature_map, size):
    """The largest value of each size x size block: shape (H // size, W // size), partial blocks dropped."""
    m = np.asarray(feature_map, dtype=float)
    rows, cols = m.shape[0] // size, m.shape[1] // size   # // drops the rows and columns left over
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = m[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out
'''
