"""The book's network, done the book's way: the benchmark's reference.

Michael A. Nielsen, *Neural Networks and Deep Learning*, Determination Press,
2015, chapter 1 ("Implementing our network to classify digits") and chapter 2
("The code for backpropagation"), http://neuralnetworksanddeeplearning.com/.
Its ``network.py`` trains by mini-batch SGD with backpropagation **one
example at a time**: every input is a column vector (784, 1), and a
mini-batch's gradient is the sum of the per-example gradients returned by
``backprop(x, y)``, which is then averaged into the step

    w -> w - (eta / m) sum_x dC_x/dw,     b -> b - (eta / m) sum_x dC_x/db.

This module re-implements that approach from the algorithm (written afresh
for this project, not copied): sigmoid neurons, quadratic cost
C_x = ||a^L - y||^2 / 2, N(0, 1) initial weights and biases, biases as (n, 1)
columns, weights[l] of shape (n_out, n_in), training data as a list of
(x, y) pairs of column vectors with y one-hot, shuffled in place each epoch.
It exists so the benchmark can compare our core, which does the same
arithmetic vectorised over the whole mini-batch (``nnfs.maths.network``), and the
page against the approach the book teaches, on equal work
(``tests/unit/bench/test_book_network.py`` checks that both take the same step).
"""

from __future__ import annotations

import random

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


class BookNetwork:
    """A sigmoid network with quadratic cost, trained example by example."""

    def __init__(self, sizes, seed=None):
        self.sizes = list(sizes)
        self.num_layers = len(self.sizes)
        rng = np.random.default_rng(seed)
        self.biases = [rng.standard_normal((n, 1)) for n in self.sizes[1:]]
        self.weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.shuffler = random.Random(seed)

    @classmethod
    def from_arrays(cls, weights, biases, seed=None):
        """A copy of given parameters (biases may be flat (n,) arrays, as in our core)."""
        sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
        net = cls(sizes, seed=seed)
        net.weights = [np.array(w, dtype=np.float64) for w in weights]
        net.biases = [np.array(b, dtype=np.float64).reshape(-1, 1) for b in biases]
        return net

    def feedforward(self, a):
        """The output for an input column a (784, 1); a matrix of columns works too."""
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta):
        """Shuffle, cut into mini-batches, take one step per mini-batch; ``epochs`` times."""
        n = len(training_data)
        for _ in range(epochs):
            self.shuffler.shuffle(training_data)
            for k in range(0, n, mini_batch_size):
                self.update_mini_batch(training_data[k : k + mini_batch_size], eta)

    def update_mini_batch(self, mini_batch, eta):
        """One gradient step: sum the per-example gradients, then move by eta/m times the sum."""
        sum_b = [np.zeros(b.shape) for b in self.biases]
        sum_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            grad_b, grad_w = self.backprop(x, y)
            sum_b = [s + g for s, g in zip(sum_b, grad_b)]
            sum_w = [s + g for s, g in zip(sum_w, grad_w)]
        step = eta / len(mini_batch)
        self.weights = [w - step * s for w, s in zip(self.weights, sum_w)]
        self.biases = [b - step * s for b, s in zip(self.biases, sum_b)]

    def backprop(self, x, y):
        """(dC_x/db, dC_x/dw) for one example: x (n_in, 1), y (n_out, 1)."""
        # Forward, remembering every weighted input z and activation a.
        a, activations, zs = x, [x], []
        for w, b in zip(self.weights, self.biases):
            z = w @ a + b
            a = sigmoid(z)
            zs.append(z)
            activations.append(a)
        grad_b = [None] * len(self.biases)
        grad_w = [None] * len(self.weights)
        # Output error (BP1) for the quadratic cost: (a - y) * sigma'(z).
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        for l in range(len(self.weights) - 1, -1, -1):
            grad_b[l] = delta  # BP3
            grad_w[l] = delta @ activations[l].T  # BP4
            if l > 0:  # BP2
                delta = (self.weights[l].T @ delta) * sigmoid_prime(zs[l - 1])
        return grad_b, grad_w

    def evaluate(self, test_data):
        """How many of the (x, label) pairs the network gets right."""
        return sum(int(np.argmax(self.feedforward(x)) == label) for x, label in test_data)


def column_data(images, labels, scale=1.0 / 255.0, one_hot=True):
    """The book's data layout: a list of (x, y) with x a (784, 1) float64 column and
    y a one-hot (10, 1) column (training) or the integer label (evaluation)."""
    X = (np.asarray(images, dtype=np.float64) * scale).reshape(len(images), -1, 1)
    if not one_hot:
        return [(x, int(label)) for x, label in zip(X, labels)]
    eye = np.eye(10).reshape(10, 10, 1)
    return [(x, eye[int(label)]) for x, label in zip(X, labels)]
