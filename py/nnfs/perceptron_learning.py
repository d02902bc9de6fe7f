"""Rosenblatt's perceptron learning rule, one step at a time.

Show the perceptron each row (x, t) of a truth table in turn. With output
y = 1 if w . x + b > 0 else 0 and error e = t - y, update

    w <- w + eta * e * x
    b <- b + eta * e

so nothing changes when the answer is right (e = 0), and a wrong answer
moves the weighted sum w . x + b towards the right side of 0. One pass over
the table is an epoch. If some line separates the 1s from the 0s (the table
is linearly separable: AND, OR, NAND, NOT), the perceptron convergence
theorem says the rule gets every row right after finitely many updates. XOR
has no such line, so the rule never settles; here it is caught cycling.

`PerceptronLearner` exposes every step as a `Step` record so a page can
replay training one row at a time.
"""

import math
import numbers
from dataclasses import dataclass

from nnfs.perceptron import Perceptron

# The named target tables: rows (inputs, target) in binary counting order.
TABLES = {
    "AND": (((0, 0), 0), ((0, 1), 0), ((1, 0), 0), ((1, 1), 1)),
    "OR": (((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 1)),
    "NAND": (((0, 0), 1), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)),
    "NOT": (((0,), 1), ((1,), 0)),
    "XOR": (((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)),
}


@dataclass(frozen=True)
class Step:
    """What one step of the rule saw and did."""

    epoch: int  # which pass over the table, counting from 1
    row: int  # index of the row in the table
    x: tuple  # the inputs
    target: int  # t
    prediction: int  # y, from the weights before this step
    error: int  # e = t - y: -1, 0 or +1
    delta_w: tuple  # eta * e * x
    delta_b: float  # eta * e
    weights: tuple  # w after the update
    bias: float  # b after the update


def _count(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _bit(value, what):
    if isinstance(value, numbers.Real) and value in (0, 1):
        return int(value)
    raise ValueError(f"{what} must be 0 or 1; got {value!r}")


def _rows(table):
    """A table name or a sequence of (inputs, target) rows -> tuple of validated rows."""
    if isinstance(table, str):
        key = table.strip().upper()
        if key not in TABLES:
            raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
        return TABLES[key]
    try:
        given = list(table)
    except TypeError:
        raise ValueError(f"table must be a name or a sequence of (inputs, target) rows; got {table!r}") from None
    rows = []
    for i, row in enumerate(given):
        try:
            x, t = row
            x = tuple(x)
        except (TypeError, ValueError):
            raise ValueError(f"row {i} must be a pair (inputs, target); got {row!r}") from None
        x = tuple(_bit(v, f"row {i}: each input") for v in x)
        if rows and len(x) != len(rows[0][0]):
            raise ValueError(f"row {i} has {_count(len(x), 'input')} but row 0 has {len(rows[0][0])}")
        rows.append((x, _bit(t, f"row {i}: target")))
    if not rows or not rows[0][0]:
        raise ValueError("the table needs at least one row with at least one input")
    return tuple(rows)


def _finite(value, what):
    if not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number; got {value!r}")
    return float(value)


class PerceptronLearner:
    """Trains a perceptron on a truth table with Rosenblatt's rule, step by step.

    table:          "AND", "OR", "NAND", "NOT", "XOR" or a sequence of
                    (inputs, target) rows with 0/1 entries.
    learning_rate:  eta > 0.
    weights, bias:  where to start; zeros by default, so runs are repeatable.

    Rows are visited in table order, every epoch.
    """

    def __init__(self, table, learning_rate=1.0, weights=None, bias=0.0):
        self.rows = _rows(table)
        n = len(self.rows[0][0])
        self.learning_rate = _finite(learning_rate, "learning rate")
        if self.learning_rate <= 0:
            raise ValueError(f"learning rate must be positive; got {learning_rate!r}")
        self._w0 = (0.0,) * n if weights is None else tuple(_finite(w, "each weight") for w in weights)
        if len(self._w0) != n:
            raise ValueError(f"expected {n} starting weights, one per input; got {len(self._w0)}")
        self._b0 = _finite(bias, "bias")
        # Every update adds eta * (+-1) * x with x a 0/1 vector, so
        #   w = w0 + eta * k_w,   b = b0 + eta * k_b
        # for integer vectors k. Keeping k instead of summing floats makes the
        # state exact: no rounding drift, and a repeated state is really the same.
        self._k_w = [0] * n
        self._k_b = 0
        self.epoch = 0  # epochs completed
        self._row = 0  # next row to show
        self._seen = {self._state(): 0}  # state at an epoch boundary -> epochs completed then
        self._cycle = None  # (earlier epoch, later epoch) with the same state, once found
        # (epochs completed, rows into the next epoch) when every row first came out right.
        self._converged_at = (0, 0) if self.converged else None

    # --- the current perceptron ---------------------------------------------

    def _state(self):
        return (*self._k_w, self._k_b)

    @property
    def weights(self):
        return tuple(w0 + self.learning_rate * k for w0, k in zip(self._w0, self._k_w))

    @property
    def bias(self):
        return self._b0 + self.learning_rate * self._k_b

    @property
    def perceptron(self):
        return Perceptron(self.weights, self.bias)

    @property
    def next_row(self):
        """Index of the row the next step will show."""
        return self._row

    @property
    def misclassified(self):
        """How many rows the current weights get wrong."""
        p = self.perceptron
        return sum(p.output(x) != t for x, t in self.rows)

    @property
    def converged(self):
        """True when the current weights get every row right, so no step will change them."""
        return self.misclassified == 0

    @property
    def cycling(self):
        """True once the weights at the end of an epoch repeat an earlier epoch's."""
        return self._cycle is not None

    @property
    def done(self):
        return self.converged or self.cycling

    # --- learning -------------------------------------------------------------

    def step(self):
        """Show the perceptron the next row, apply the rule, return the Step."""
        x, t = self.rows[self._row]
        y = self.perceptron.output(x)
        e = t - y
        self._k_w = [k + e * xi for k, xi in zip(self._k_w, x)]
        self._k_b += e
        eta = self.learning_rate
        record = Step(
            epoch=self.epoch + 1, row=self._row, x=x, target=t, prediction=y, error=e,
            # + 0.0 turns the -0.0 of -1 * 0 into a plain 0.0 for display.
            delta_w=tuple(eta * e * xi + 0.0 for xi in x), delta_b=eta * e + 0.0,
            weights=self.weights, bias=self.bias,
        )
        self._row += 1
        if self._row == len(self.rows):
            self._end_epoch()
        if self._converged_at is None and e != 0 and self.converged:
            self._converged_at = (self.epoch, self._row)
        return record

    def _end_epoch(self):
        self._row = 0
        self.epoch += 1
        if self.done:
            return
        # The rule is deterministic and visits rows in a fixed order, so the
        # state at the start of an epoch decides everything after it. Seeing a
        # state again (while still wrong) means the same epochs repeat forever.
        state = self._state()
        if state in self._seen:
            self._cycle = (self._seen[state], self.epoch)
        else:
            self._seen[state] = self.epoch

    def run_epoch(self):
        """Step to the end of the current epoch; return its Steps."""
        steps = [self.step()]
        while self._row != 0:
            steps.append(self.step())
        return steps

    def run(self, max_epochs=100):
        """Run whole epochs until converged, cycling, or `max_epochs` epochs completed in all.

        Returns the Steps taken.
        """
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, numbers.Integral) or max_epochs < 1:
            raise ValueError(f"max_epochs must be a whole number >= 1; got {max_epochs!r}")
        steps = []
        if self._row != 0:  # finish an epoch begun by step()
            steps += self.run_epoch()
        while not self.done and self.epoch < max_epochs:
            steps += self.run_epoch()
        return steps

    # --- reporting --------------------------------------------------------------

    @property
    def status(self):
        """'converged', 'cycling' or 'running'."""
        if self.converged:
            return "converged"
        return "cycling" if self.cycling else "running"

    @property
    def message(self):
        """One human-readable sentence or two on where training stands."""
        w = ", ".join(f"{v:g}" for v in self.weights)
        where = f"w = ({w}), b = {self.bias:g}"
        n = len(self.rows)
        if self.converged:
            # Said as of the step that got there: steps after it change nothing.
            epochs, rows = self._converged_at
            when = (f"after {_count(epochs, 'epoch')}" if rows == 0 else
                    f"in epoch {epochs + 1}, at row {rows} of {n}")
            return f"Converged {when}: {where} gets all {n} rows right."
        if self.cycling:
            first, again = self._cycle
            earlier = "at the start" if first == 0 else f"after epoch {first}"
            return (
                f"Cycling: after epoch {again}, {where} is exactly what it was {earlier}, "
                f"so the same {_count(again - first, 'epoch')} will repeat forever. "
                "The rule would converge if any line separated the 1s from the 0s, "
                "so none does: this table is not linearly separable."
            )
        return (
            f"Not converged after {_count(self.epoch, 'epoch')}: "
            f"{where} gets {self.misclassified} of {n} rows wrong."
        )
