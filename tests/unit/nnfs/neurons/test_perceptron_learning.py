"""Rosenblatt's rule: step records, convergence, cycling on XOR, bad input.

The truth here is independent of the code under test: hand-traced first
steps, a re-implementation of the rule in plain Python run alongside,
hand-written truth tables, and the perceptron convergence theorem's bound
(Novikoff): from w = 0, the number of updates is at most (R / gamma)^2.
"""

import math
from fractions import Fraction
from itertools import product

import pytest

from nnfs.neurons.perceptron_learning import TABLES, PerceptronLearner, Step

HAND_TABLES = {
    "AND": {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1},
    "OR": {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 1},
    "NAND": {(0, 0): 1, (0, 1): 1, (1, 0): 1, (1, 1): 0},
    "NOT": {(0,): 1, (1,): 0},
    "XOR": {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0},
}

# A separating (w, b) for each separable table, picked by hand.
SEPARATORS = {"AND": ((1, 1), -1.5), "OR": ((1, 1), -0.5), "NAND": ((-2, -2), 3), "NOT": ((-2,), 1)}

# Stated bound: from zero weights with rows in table order, each of these
# converges within this many epochs (the Novikoff bound below is looser).
MAX_EPOCHS_SEPARABLE = 10


def novikoff_bound(name):
    """(R / gamma)^2 for the augmented inputs (x, 1) and the hand-picked separator."""
    w, b = SEPARATORS[name]
    u = (*w, b)
    norm = math.sqrt(sum(v * v for v in u))
    gamma = min(
        (1 if t else -1) * (sum(wi * xi for wi, xi in zip(w, x)) + b) / norm for x, t in HAND_TABLES[name].items()
    )
    radius = max(math.sqrt(sum(xi * xi for xi in x) + 1) for x in HAND_TABLES[name])
    assert gamma > 0  # the separator really separates
    return (radius / gamma) ** 2


def predict(w, b, x):
    return 1 if sum(wi * xi for wi, xi in zip(w, x)) + b > 0 else 0


def test_tables_match_hand_written():
    for name, table in TABLES.items():
        assert dict(table) == HAND_TABLES[name]


@pytest.mark.parametrize("name", ["AND", "OR", "NAND", "NOT"])
@pytest.mark.parametrize("eta", [1.0, 0.5, 0.1])
def test_converges_on_separable_tables(name, eta):
    learner = PerceptronLearner(name, learning_rate=eta)
    steps = learner.run(max_epochs=100)
    assert learner.converged and learner.status == "converged"
    assert learner.epoch <= MAX_EPOCHS_SEPARABLE
    assert learner.misclassified == 0
    for x, t in HAND_TABLES[name].items():
        assert predict(learner.weights, learner.bias, x) == t
        assert learner.perceptron.output(x) == t
    updates = sum(s.error != 0 for s in steps)
    assert updates <= novikoff_bound(name)
    # run() finishes the epoch in which every row first came out right.
    assert learner.message.startswith(
        (f"Converged after {learner.epoch} epoch", f"Converged in epoch {learner.epoch}, at row ")
    )


@pytest.mark.parametrize("name", ["AND", "OR", "NAND", "NOT", "XOR"])
def test_learning_rate_only_scales_weights_from_zero(name):
    # From w = 0, b = 0 every weight is eta times an integer count, and the
    # sign of w . x + b does not depend on eta: same steps, scaled weights.
    one = PerceptronLearner(name, 1.0).run(20)
    tenth = PerceptronLearner(name, 0.1).run(20)
    assert [(s.epoch, s.row, s.prediction, s.error) for s in one] == [
        (s.epoch, s.row, s.prediction, s.error) for s in tenth
    ]
    for s1, s2 in zip(one, tenth):
        assert [0.1 * w for w in s1.weights] == pytest.approx(s2.weights)


def test_first_steps_of_and_traced_by_hand():
    learner = PerceptronLearner("AND")
    steps = [learner.step() for _ in range(8)]
    # Epoch 1: with w = 0, b = 0 every sum is 0, so every output is 0; only
    # (1, 1) is wrong: w += (1, 1), b += 1.
    assert steps[3] == Step(
        epoch=1,
        row=3,
        x=(1, 1),
        target=1,
        prediction=0,
        error=1,
        delta_w=(1.0, 1.0),
        delta_b=1.0,
        weights=(1.0, 1.0),
        bias=1.0,
    )
    assert all(s.error == 0 for s in steps[:3])
    assert learner.epoch == 2 and learner.next_row == 0  # two whole epochs done
    # Epoch 2: (0,0): z = 1 -> 1, wrong, b = 0. (0,1): z = 1 -> 1, wrong,
    # w = (1, 0), b = -1. (1,0): z = 0 -> 0, right. (1,1): z = 0 -> 0, wrong,
    # w = (2, 1), b = 0.
    assert [(s.epoch, s.row, s.prediction, s.error, s.weights, s.bias) for s in steps[4:]] == [
        (2, 0, 1, -1, (1.0, 1.0), 0.0),
        (2, 1, 1, -1, (1.0, 0.0), -1.0),
        (2, 2, 0, 0, (1.0, 0.0), -1.0),
        (2, 3, 0, 1, (2.0, 1.0), 0.0),
    ]
    assert steps[5].delta_w == (0.0, -1.0) and steps[5].delta_b == -1.0


@pytest.mark.parametrize("name", list(TABLES))
def test_every_step_follows_the_rule(name):
    # Re-run the rule alongside in plain Python (eta = 0.5 keeps floats exact).
    eta = 0.5
    learner = PerceptronLearner(name, learning_rate=eta, weights=[0.25] * len(TABLES[name][0][0]), bias=-0.75)
    w, b = [0.25] * len(TABLES[name][0][0]), -0.75
    for k in range(40):
        s = learner.step()
        x, t = TABLES[name][k % len(TABLES[name])]
        y = predict(w, b, x)
        assert (s.epoch, s.row, s.x, s.target, s.prediction, s.error) == (
            k // len(TABLES[name]) + 1,
            k % len(TABLES[name]),
            x,
            t,
            y,
            t - y,
        )
        assert s.delta_w == tuple(eta * (t - y) * xi for xi in x)
        assert s.delta_b == eta * (t - y)
        w = [wi + dw for wi, dw in zip(w, s.delta_w)]
        b += s.delta_b
        assert s.weights == tuple(w) and s.bias == b


def test_stepping_and_running_agree():
    by_step = PerceptronLearner("NAND")
    records = []
    while not (by_step.converged and by_step.next_row == 0):
        records.append(by_step.step())
    by_run = PerceptronLearner("NAND")
    assert by_run.run(100) == records
    assert by_run.epoch == by_step.epoch


def test_converged_learner_stays_put():
    learner = PerceptronLearner("OR")
    learner.run(100)
    w, b, epoch = learner.weights, learner.bias, learner.epoch
    assert learner.run(100) == []
    s = learner.step()
    assert s.error == 0 and s.delta_w == (0.0, 0.0) and s.delta_b == 0.0
    assert (learner.weights, learner.bias) == (w, b)
    assert learner.epoch == epoch


def test_xor_does_not_converge_and_is_caught_cycling():
    learner = PerceptronLearner("XOR")
    learner.run(max_epochs=1000)
    assert not learner.converged
    assert learner.cycling and learner.status == "cycling"
    assert learner.epoch < 20  # stopped by the cycle, not by max_epochs
    assert learner.misclassified > 0
    assert "not linearly separable" in learner.message
    assert "will repeat forever" in learner.message


def test_xor_cycle_really_repeats_and_never_gets_all_rows_right():
    learner = PerceptronLearner("XOR")
    ends = []
    for _ in range(30):  # keep stepping past the detection
        steps = learner.run_epoch()
        ends.append((learner.weights, learner.bias))
        for s in steps:
            wrong = sum(predict(s.weights, s.bias, x) != t for x, t in HAND_TABLES["XOR"].items())
            assert wrong > 0
    # From some epoch on, the end-of-epoch state is periodic.
    assert ends[-1] in ends[:-1]


def test_xor_with_too_few_epochs_reports_running():
    learner = PerceptronLearner("XOR")
    learner.run(max_epochs=1)
    assert learner.epoch == 1
    assert learner.status == "running"
    assert learner.message.startswith("Not converged after 1 epoch:")


def test_custom_tables():
    majority = [(x, 1 if sum(x) >= 2 else 0) for x in product((0, 1), repeat=3)]
    learner = PerceptronLearner(majority)
    learner.run(100)
    assert learner.converged
    parity = [(x, sum(x) % 2) for x in product((0, 1), repeat=3)]
    learner = PerceptronLearner(parity)
    learner.run(1000)
    assert learner.cycling and not learner.converged


def test_table_names_are_case_insensitive():
    assert PerceptronLearner(" and ").rows == TABLES["AND"]


@pytest.mark.parametrize(
    "table, message",
    [
        ("XNOR", "unknown table 'XNOR'; choose one of AND, OR, NAND, NOT, XOR"),
        ([((0, 0), 2)], "row 0: target must be 0 or 1; got 2"),
        ([((0, 0.5), 1)], "row 0: each input must be 0 or 1; got 0.5"),
        ([((0, "1"), 1)], "row 0: each input must be 0 or 1; got '1'"),
        ([((0, 0), 1), ((0,), 1)], "row 1 has 1 input but row 0 has 2"),
        ([(1, 2, 3)], r"row 0 must be a pair \(inputs, target\)"),
        ([(1, 0)], r"row 0 must be a pair \(inputs, target\)"),
        (5, "table must be a name or a sequence"),
        ([], "the table needs at least one row"),
    ],
)
def test_bad_tables(table, message):
    with pytest.raises(ValueError, match=message):
        PerceptronLearner(table)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"learning_rate": 0}, "learning rate must be positive; got 0"),
        ({"learning_rate": -1}, "learning rate must be positive"),
        ({"learning_rate": math.nan}, "learning rate must be a finite number; got nan"),
        ({"learning_rate": "1"}, "learning rate must be a finite number; got '1'"),
        ({"weights": [1]}, "expected 2 starting weights, one per input; got 1"),
        ({"weights": [1, math.inf]}, "each weight must be a finite number; got inf"),
        ({"bias": None}, "bias must be a finite number; got None"),
    ],
)
def test_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PerceptronLearner("AND", **kwargs)


@pytest.mark.parametrize("max_epochs", [0, -3, 2.5, "10", None])
def test_bad_max_epochs(max_epochs):
    with pytest.raises(ValueError, match="max_epochs must be a whole number >= 1"):
        PerceptronLearner("AND").run(max_epochs)


def test_the_message_says_when_it_converged_even_after_more_steps():
    # From w = 0 with eta = 1, AND is first right in epoch 5, at its second row
    # (traced by the plain-Python rule below); a page that stops there says so.
    learner = PerceptronLearner("AND")
    while not learner.converged:
        last = learner.step()
    assert (last.epoch, last.row) == (5, 1) and learner.epoch == 4
    expected = "Converged in epoch 5, at row 2 of 4: w = (2, 1), b = -2 gets all 4 rows right."
    assert learner.message == expected
    for _ in range(10):  # more steps change nothing, and the message stays true
        assert learner.step().error == 0
    assert learner.epoch == 7 and learner.message == expected
    # Converging on an epoch's last row is "after" that epoch; right from the start, after 0.
    assert PerceptronLearner("OR", weights=(1, 1), bias=-0.5).message.startswith("Converged after 0 epochs")


@pytest.mark.parametrize("table", ["AND", "OR", "NAND", "XOR"])
@pytest.mark.parametrize(
    "eta, w0, b0",
    [
        ("0.1", ("0.3", "0.1"), "0.2"),
        ("0.3", ("0.3", "0.1"), "0.2"),
        ("0.1", ("1", "1"), "-1.5"),
        ("0.2", ("0.3", "0.1"), "0.2"),
        ("0.01", ("0.3", "0.1"), "0.2"),
        ("0.1", ("-2", "-2"), "3"),
    ],
)
def test_decisions_match_exact_arithmetic_on_the_decimals(table, eta, w0, b0):
    """Decimal rates and weights are not exact in binary; the learner still decides
    every row as exact arithmetic on the numbers it shows would (z = 0 gives 0)."""
    from fractions import Fraction as F

    learner = PerceptronLearner(table, float(eta), tuple(float(w) for w in w0), float(b0))
    w, b, e_ = [F(v) for v in w0], F(b0), F(eta)
    rows = TABLES[table]
    for i in range(200):
        x, t = rows[i % len(rows)]
        y = 1 if sum(wi * xi for wi, xi in zip(w, x)) + b > 0 else 0
        assert learner.step().prediction == y, (i, x)
        w = [wi + e_ * (t - y) * xi for wi, xi in zip(w, x)]
        b += e_ * (t - y)


# --- exact arithmetic against an independent reference (issue 8, item 1) ----------------


def decimal_rule(rows, eta, w, b, max_epochs):
    """Rosenblatt's rule re-done on decimal.Decimal, which adds and multiplies these
    short decimals exactly. Returns (steps, status, (epoch, row) first all right).

    Independent of the learner: no integer counts, no Fractions; a cycle is an
    end-of-epoch (w, b) seen before, compared as exact decimals."""
    from decimal import Decimal as D
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 60  # far more digits than any sum here needs: every result is exact
        w, b, eta = [D(v) for v in w], D(b), D(eta)

        def out(x):
            return 1 if sum((wi * xi for wi, xi in zip(w, x)), D(0)) + b > 0 else 0

        def all_right():
            return all(out(x) == t for x, t in rows)

        steps, seen, epoch = [], {(tuple(w), b)}, 0
        first_right = (0, 0) if all_right() else None
        status = "converged" if first_right else "running"
        while status == "running" and epoch < max_epochs:
            for i, (x, t) in enumerate(rows):
                y = out(x)
                e = t - y
                w = [wi + eta * e * xi for wi, xi in zip(w, x)]
                b = b + eta * e
                steps.append((epoch + 1, i, y, e, tuple(float(v) for v in w), float(b)))
                if first_right is None and e != 0 and all_right():
                    first_right = (epoch, i + 1) if i + 1 < len(rows) else (epoch + 1, 0)
            epoch += 1
            if all_right():
                status = "converged"
            elif (tuple(w), b) in seen:
                status = "cycling"
            else:
                seen.add((tuple(w), b))
        return steps, status, first_right, epoch


def random_decimal(rng, low, high, places):
    """A decimal string on a grid of 10**-places in [low, high]."""
    scale = 10**places
    n = rng.randint(int(low * scale), int(high * scale))
    sign = "-" if n < 0 else ""
    whole, frac = divmod(abs(n), scale)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def test_learner_matches_exact_decimal_rule_over_random_starts():
    """Hundreds of random decimal rates and starts, every named table and random
    3-input tables: the learner's every step, its shown weights and its verdict
    are those of the rule done exactly on the decimals typed."""
    import random

    rng = random.Random(20240808)
    tables = [*TABLES.values()]
    mismatches = []
    cases = 0
    for case in range(700):
        if case % 7 == 6:
            corners = list(product((0, 1), repeat=3))
            rows = tuple((x, rng.randint(0, 1)) for x in corners)
        else:
            rows = tables[case % len(tables)]
        n = len(rows[0][0])
        places = rng.choice((1, 1, 2, 3))
        eta = random_decimal(rng, 0.01, 2, places)
        if float(eta) <= 0:
            eta = "0.1"
        # Starts on the rate's grid make exact ties (w.x + b = 0) common: the hard case.
        w0 = [random_decimal(rng, -2, 2, rng.choice((1, places))) for _ in range(n)]
        b0 = random_decimal(rng, -2, 2, rng.choice((1, places)))
        want, status, first_right, epochs = decimal_rule(rows, eta, w0, b0, max_epochs=60)
        learner = PerceptronLearner(rows, float(eta), [float(v) for v in w0], float(b0))
        got = learner.run(60)
        cases += 1
        got_t = [(s.epoch, s.row, s.prediction, s.error, s.weights, s.bias) for s in got]
        if (
            got_t != want
            or learner.status != status
            or learner.epoch != epochs
            or (status == "converged" and learner._converged_at != first_right)
        ):
            mismatches.append((rows, eta, w0, b0))
    assert cases == 700
    assert mismatches == [], f"{len(mismatches)} of {cases} differ, e.g. {mismatches[:3]}"


def test_or_from_bias_0_9_at_rate_0_3_is_exact():
    # On paper: three updates of -0.3 take b = 0.9 to exactly 0, and with
    # w = (0.3, 0.3) OR is right from epoch 5 (traced with the decimal rule above).
    learner = PerceptronLearner("OR", learning_rate=0.3, bias=0.9)
    steps = learner.run(100)
    assert [s.bias for s in steps if s.error != 0][:3] == [0.6, 0.3, 0.0]
    assert steps[8].bias == 0.0 and steps[8].weights == (0.0, 0.0)
    # Step 10 sees x = (0, 1) with w = (0, 0), b = 0: z = 0 exactly, so output 0.
    assert steps[9].x == (0, 1) and steps[9].prediction == 0
    assert learner.converged and learner.epoch == 5
    assert learner.message == "Converged in epoch 5, at row 1 of 4: w = (0.3, 0.3), b = 0 gets all 4 rows right."


def test_not_does_not_declare_convergence_early():
    learner = PerceptronLearner("NOT", learning_rate=0.1, weights=[-0.19], bias=-1.2)
    steps = learner.run(100)
    want, status, first_right, epochs = decimal_rule(TABLES["NOT"], "0.1", ["-0.19"], "-1.2", 100)
    assert status == "converged" and first_right == (12, 1)
    assert len(steps) == len(want) == 26
    assert learner.exact_bias == Fraction(1, 10) and learner.bias == 0.1
    assert learner.message.startswith("Converged in epoch 13, at row 1 of 2:")


def test_settings_given_as_fractions_or_decimals_are_taken_exactly():
    from decimal import Decimal

    a = PerceptronLearner("OR", learning_rate=Decimal("0.3"), bias=Fraction(9, 10))
    b = PerceptronLearner("OR", learning_rate=0.3, bias=0.9)
    assert a.run(100) == b.run(100)
    assert a.exact_weights == (Fraction(3, 10), Fraction(3, 10)) and a.exact_bias == 0
    with pytest.raises(ValueError, match="bias must be a finite number"):
        PerceptronLearner("OR", bias=Decimal("NaN"))
