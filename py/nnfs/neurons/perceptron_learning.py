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

The rule is run in exact arithmetic on the decimals typed. Its state is
always w0 + eta * k for integer counts k, and in binary floating point
0.9 + 0.3 * (-3) is 1.1e-16, not 0: a perceptron that should sit exactly on
its threshold (and say 0) would fire. So a float given as a setting is read
as the shortest decimal that prints as it (0.3 -> 3/10, what was typed),
every decision is taken on `fractions.Fraction`s, and the floats shown are
the exact values rounded once (0, not 1.1e-16).
"""

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from nnfs.maths import checks
from nnfs.neurons.perceptron import Perceptron

# A validated table: rows (inputs, target), every entry 0 or 1.
Rows = tuple[tuple[tuple[int, ...], int], ...]

# The named target tables: rows (inputs, target) in binary counting order.
TABLES: dict[str, Rows] = {
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
    x: tuple[int, ...]  # the inputs
    target: int  # t
    prediction: int  # y, from the weights before this step
    error: int  # e = t - y: -1, 0 or +1
    delta_w: tuple[float, ...]  # eta * e * x
    delta_b: float  # eta * e
    weights: tuple[float, ...]  # w after the update
    bias: float  # b after the update


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _rows(table: str | Iterable[Any]) -> Rows:
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
    rows: list[tuple[tuple[int, ...], int]] = []
    for i, row in enumerate(given):
        try:
            x, t = row
            x = tuple(x)
        except (TypeError, ValueError):
            raise ValueError(f"row {i} must be a pair (inputs, target); got {row!r}") from None
        x = tuple(checks.bit(v, f"row {i}: each input") for v in x)
        if rows and len(x) != len(rows[0][0]):
            raise ValueError(f"row {i} has {_count(len(x), 'input')} but row 0 has {len(rows[0][0])}")
        rows.append((x, checks.bit(t, f"row {i}: target")))
    if not rows or not rows[0][0]:
        raise ValueError("the table needs at least one row with at least one input")
    return tuple(rows)


def _exact(value: object, what: str) -> Fraction:
    """`value` as the exact number it stands for, a Fraction.

    A float stands for the decimal that was typed to make it: the shortest
    decimal that rounds to it (repr), so 0.1 is 1/10, not 0.1000000000000000055...
    Integers, Fractions and Decimals are taken as they are.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be a finite number; got {value!r}")
        return Fraction(value)
    if not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number; got {value!r}")
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    return Fraction(repr(float(value)))


class PerceptronLearner:
    """Trains a perceptron on a truth table with Rosenblatt's rule, step by step.

    table:          "AND", "OR", "NAND", "NOT", "XOR" or a sequence of
                    (inputs, target) rows with 0/1 entries.
    learning_rate:  eta > 0.
    weights, bias:  where to start; zeros by default, so runs are repeatable.

    Numbers may be floats (read as the decimals they print as), ints,
    Fractions or Decimals; the rule runs exactly on them (see the module
    docstring). `weights`, `bias` and the Steps give floats for display;
    `exact_weights` and `exact_bias` the Fractions.

    Rows are visited in table order, every epoch.
    """

    def __init__(
        self,
        table: str | Iterable[Any],
        learning_rate: object = 1.0,
        weights: Iterable[object] | None = None,
        bias: object = 0.0,
    ) -> None:
        self.rows = _rows(table)
        n = len(self.rows[0][0])
        self._eta = _exact(learning_rate, "learning rate")
        if self._eta <= 0:
            raise ValueError(f"learning rate must be positive; got {learning_rate!r}")
        self.learning_rate = float(self._eta)
        self._w0 = (Fraction(0),) * n if weights is None else tuple(_exact(w, "each weight") for w in weights)
        if len(self._w0) != n:
            raise ValueError(f"expected {n} starting weights, one per input; got {len(self._w0)}")
        self._b0 = _exact(bias, "bias")
        # Every update adds eta * (+-1) * x with x a 0/1 vector, so
        #   w = w0 + eta * k_w,   b = b0 + eta * k_b
        # for integer vectors k. Keeping k makes the state's identity exact (a
        # repeated state is really the same), and the Fractions above make
        # every value computed from it exact too.
        self._k_w = [0] * n
        self._k_b = 0
        self.epoch = 0  # epochs completed
        self._row = 0  # next row to show
        self._seen = {self._state(): 0}  # state at an epoch boundary -> epochs completed then
        self._cycle: tuple[int, int] | None = None  # (earlier epoch, later epoch) with the same state, once found
        # (epochs completed, rows into the next epoch) when every row first came out right.
        self._converged_at: tuple[int, int] | None = (0, 0) if self.converged else None

    # --- the current perceptron ---------------------------------------------

    def _state(self) -> tuple[int, ...]:
        return (*self._k_w, self._k_b)

    @property
    def exact_weights(self) -> tuple[Fraction, ...]:
        """The current weights as Fractions."""
        return tuple(w0 + self._eta * k for w0, k in zip(self._w0, self._k_w))

    @property
    def exact_bias(self) -> Fraction:
        """The current bias as a Fraction."""
        return self._b0 + self._eta * self._k_b

    @property
    def weights(self) -> tuple[float, ...]:
        """The current weights as floats, each the exact value rounded once (+ 0.0: never -0.0)."""
        return tuple(float(w) + 0.0 for w in self.exact_weights)

    @property
    def bias(self) -> float:
        return float(self.exact_bias) + 0.0

    @property
    def perceptron(self) -> Perceptron:
        """A float `Perceptron` with the current weights, for drawing and display."""
        return Perceptron(self.weights, self.bias)

    def output(self, x: Iterable[int]) -> int:
        """The current perceptron's output for the 0/1 inputs `x`, decided exactly."""
        z = sum(w * xi for w, xi in zip(self.exact_weights, x)) + self.exact_bias
        return 1 if z > 0 else 0

    @property
    def next_row(self) -> int:
        """Index of the row the next step will show."""
        return self._row

    @property
    def misclassified(self) -> int:
        """How many rows the current weights get wrong."""
        w, b = self.exact_weights, self.exact_bias
        return sum((1 if sum(wi * xi for wi, xi in zip(w, x)) + b > 0 else 0) != t for x, t in self.rows)

    @property
    def converged(self) -> bool:
        """True when the current weights get every row right, so no step will change them."""
        return self.misclassified == 0

    @property
    def cycling(self) -> bool:
        """True once the weights at the end of an epoch repeat an earlier epoch's."""
        return self._cycle is not None

    @property
    def done(self) -> bool:
        return self.converged or self.cycling

    # --- learning -------------------------------------------------------------

    def step(self) -> Step:
        """Show the perceptron the next row, apply the rule, return the Step."""
        x, t = self.rows[self._row]
        y = self.output(x)
        e = t - y
        self._k_w = [k + e * xi for k, xi in zip(self._k_w, x)]
        self._k_b += e
        eta = self._eta
        record = Step(
            epoch=self.epoch + 1,
            row=self._row,
            x=x,
            target=t,
            prediction=y,
            error=e,
            # float(Fraction 0) is 0.0, never -0.0, so a zero shows as "0".
            delta_w=tuple(float(eta * e * xi) for xi in x),
            delta_b=float(eta * e),
            weights=self.weights,
            bias=self.bias,
        )
        self._row += 1
        if self._row == len(self.rows):
            self._end_epoch()
        if self._converged_at is None and e != 0 and self.converged:
            self._converged_at = (self.epoch, self._row)
        return record

    def _end_epoch(self) -> None:
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

    def run_epoch(self) -> list[Step]:
        """Step to the end of the current epoch; return its Steps."""
        steps = [self.step()]
        while self._row != 0:
            steps.append(self.step())
        return steps

    def run(self, max_epochs: int = 100) -> list[Step]:
        """Run whole epochs until converged, cycling, or `max_epochs` epochs completed in all.

        Returns the Steps taken.
        """
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, numbers.Integral) or max_epochs < 1:
            raise ValueError(f"max_epochs must be a whole number >= 1; got {max_epochs!r}")
        steps: list[Step] = []
        if self._row != 0:  # finish an epoch begun by step()
            steps += self.run_epoch()
        while not self.done and self.epoch < max_epochs:
            steps += self.run_epoch()
        return steps

    # --- reporting --------------------------------------------------------------

    @property
    def status(self) -> str:
        """'converged', 'cycling' or 'running'."""
        if self.converged:
            return "converged"
        return "cycling" if self.cycling else "running"

    @property
    def message(self) -> str:
        """One human-readable sentence or two on where training stands."""
        w = ", ".join(f"{v:g}" for v in self.weights)
        where = f"w = ({w}), b = {self.bias:g}"
        n = len(self.rows)
        if self.converged:
            # Said as of the step that got there: steps after it change nothing.
            assert self._converged_at is not None  # set by the step that made every row right
            epochs, rows = self._converged_at
            when = f"after {_count(epochs, 'epoch')}" if rows == 0 else f"in epoch {epochs + 1}, at row {rows} of {n}"
            return f"Converged {when}: {where} gets all {n} rows right."
        if self.cycling:
            assert self._cycle is not None  # cycling means the cycle was found
            first, again = self._cycle
            earlier = "at the start" if first == 0 else f"after epoch {first}"
            return (
                f"Cycling: after epoch {again}, {where} is exactly what it was {earlier}, "
                f"so the same {_count(again - first, 'epoch')} will repeat forever. "
                "The rule would converge if any line separated the 1s from the 0s, "
                "so none does: this table is not linearly separable."
            )
        return (
            f"Not converged after {_count(self.epoch, 'epoch')}: {where} gets {self.misclassified} of {n} rows wrong."
        )
