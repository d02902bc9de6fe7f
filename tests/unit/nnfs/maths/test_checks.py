"""The core's argument checks (nnfs.maths.checks): one wording for every caller."""

import numpy as np
import pytest

from nnfs.maths import checks
from nnfs.neurons.circuits import build
from nnfs.neurons.perceptron import Perceptron
from nnfs.neurons.perceptron_learning import PerceptronLearner


@pytest.mark.parametrize("value", [0, 1, True, False, 1.0, np.int8(1), np.float64(0.0)])
def test_a_bit_is_anything_equal_to_0_or_1(value):
    assert checks.bit(value, "x") == int(value)
    assert type(checks.bit(value, "x")) is int


@pytest.mark.parametrize("value", [2, -1, 0.5, "1", None, float("nan")])
def test_anything_else_is_not_a_bit(value):
    with pytest.raises(ValueError, match=f"^x must be 0 or 1; got {value!r}$"):
        checks.bit(value, "x")


@pytest.mark.parametrize("values", [[1, 2], (1, 2), range(1, 3), iter([1, 2]), np.array([1, 2])])
def test_a_sequence_is_anything_that_iterates(values):
    assert [int(v) for v in checks.sequence(values, "xs", "numbers")] == [1, 2]


@pytest.mark.parametrize("values", ["12", b"12", 5, None])
def test_text_and_single_things_are_not_sequences(values):
    with pytest.raises(ValueError, match=f"^xs must be numbers; got {values!r}$"):
        checks.sequence(values, "xs", "numbers")


def test_the_neurons_say_it_in_the_same_words():
    """The circuits, the perceptron and its learner refuse their inputs with the one wording."""
    with pytest.raises(ValueError, match="^input b must be 0 or 1; got 2$"):
        build("and").evaluate({"a": 1, "b": 2})
    with pytest.raises(ValueError, match=r"^row 0: target must be 0 or 1; got 2$"):
        PerceptronLearner([((0, 0), 2)])
    with pytest.raises(ValueError, match="^inputs must be a dict or a sequence of 0/1 bits; got '10'$"):
        build("and").evaluate("10")
    with pytest.raises(ValueError, match="^weights must be a sequence of numbers; got '12'$"):
        Perceptron("12", 0)


@pytest.mark.parametrize("value", [0, 7, np.int64(3)])
def test_a_whole_number_in_range(value):
    assert checks.whole_number(value, "a", 0, 7) == int(value)


@pytest.mark.parametrize("value", [-1, 8, 2.0, True, "3", None])
def test_anything_else_is_not_a_whole_number_in_range(value):
    with pytest.raises(ValueError, match=f"^a must be a whole number from 0 to 7; got {value!r}$"):
        checks.whole_number(value, "a", 0, 7)
