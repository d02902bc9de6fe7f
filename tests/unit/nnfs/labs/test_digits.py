"""The Digits lab's bookkeeping: presets, settings, confusion matrix, pacing, formatting
(TrainingConfig, the metrics, the model checks and the page's formatting live in the shared
core and the glue's app.ui.text now; their tests stay together here)."""

import math

import numpy as np
import pytest

from app.ui.text import format_duration, format_megabytes
from nnfs.labs.digits import (
    PRESETS,
    TRAINING_SETTINGS,
    EpochRecord,
    confidence_note,
    confidences,
    curve_range,
    epoch_rate,
    eval_rows,
    matching_preset,
    preset_values,
    run_seconds_left,
)
from nnfs.maths.metrics import CostMeter, accuracy_of, confusion_matrix, misclassified
from nnfs.maths.network import Network
from nnfs.maths.pacing import ChunkPlanner
from nnfs.models import model_io
from nnfs.models.model_io import check_digit_model
from nnfs.settings.table import Table
from nnfs.settings.training import MAX_STEP_WORK, TrainingConfig, config_from_values, n_weights

LAYERS = Table("dg", TRAINING_SETTINGS)["layers"]


def parse_hidden_sizes(text):
    """The form's hidden layers field, as the page reads it."""
    return LAYERS.parse(text)


# -- presets ----------------------------------------------------------------------------


def test_chapter_1_preset_is_the_books_network_py_run():
    c = PRESETS["ch1"].config
    assert c.sizes == [784, 30, 10]
    assert (c.activation, c.cost, c.init) == ("sigmoid", "quadratic", "normal")
    assert (c.eta, c.mini_batch_size, c.lmbda) == (3.0, 10, 0.0)
    assert c.output_activation == "sigmoid"


def test_chapter_3_preset_is_the_books_network2_py_run():
    c = PRESETS["ch3"].config
    assert c.sizes == [784, 100, 10]
    assert (c.activation, c.cost, c.init) == ("sigmoid", "cross-entropy", "scaled")
    assert (c.eta, c.mini_batch_size, c.lmbda) == (0.5, 10, 5.0)


def test_build_network_follows_the_settings_and_the_seed():
    c = PRESETS["ch3"].config
    a, b = c.build_network(), c.build_network()
    assert a.sizes == [784, 100, 10] and a.cost == "cross-entropy" and a.output_activation == "sigmoid"
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    # scaled init: weights ~ N(0, 1/784), so their spread is about 1/28
    assert 0.03 < a.weights[0].std() < 0.04
    assert 0.9 < PRESETS["ch1"].config.build_network().weights[0].std() < 1.1


def test_log_likelihood_gets_a_softmax_output():
    c = TrainingConfig(hidden=(20,), cost="log-likelihood", eta=0.1)
    assert c.output_activation == "softmax"
    assert c.build_network().output_activation == "softmax"


def test_matching_preset_ignores_seed_epochs_and_subset():
    c = PRESETS["ch1"].config
    same = TrainingConfig(**{**c.__dict__, "seed": 7, "epochs": 3, "subset": 1000})
    assert matching_preset(same) == "ch1"
    assert matching_preset(TrainingConfig(**{**c.__dict__, "eta": 2.0})) == "custom"
    assert matching_preset(PRESETS["ch3"].config) == "ch3"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"hidden": (0,)}, "1 to 1000"),
        ({"hidden": (10,) * 5}, "at most 4"),
        ({"activation": "softmax"}, "unknown activation"),
        ({"cost": "hinge"}, "unknown cost"),
        ({"init": "zeros"}, "unknown init"),
        ({"eta": 0.0}, "η"),
        ({"eta": float("nan")}, "η"),
        ({"lmbda": -1.0}, "λ"),
        ({"mini_batch_size": 0}, "mini-batch"),
        ({"subset": 50}, "training images"),
        ({"subset": 60_000}, "training images"),
        ({"epochs": 1.5}, "epochs"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**changes)


def test_meta_is_json_ready():
    import json

    meta = PRESETS["ch1"].config.meta()
    assert json.loads(json.dumps(meta))["sizes"] == [784, 30, 10]


@pytest.mark.parametrize(
    "text, sizes",
    [
        ("30", (30,)),
        (" 100, 30 ", (100, 30)),
        ("100 30", (100, 30)),
        ("", ()),
        ("none", ()),
    ],
)
def test_parse_hidden_sizes(text, sizes):
    assert parse_hidden_sizes(text) == sizes


@pytest.mark.parametrize(
    "text, words",
    [
        ("abc", "neurons in a hidden layer: 'abc' is not a number"),
        ("30,x", "'x' is not a number"),
        ("0", "must be at least 1; got 0"),
        ("1001", "must be at most 1000; got 1001"),
        ("1.5", "must be a whole number; got '1.5'"),
        ("1,2,3,4,5", "at most 4 hidden layers; got 5"),
        ("30,,10", "missing between commas"),
        (",30", "missing between commas"),
        (",", "missing between commas"),
    ],
)
def test_parse_hidden_sizes_refuses_nonsense(text, words):
    with pytest.raises(ValueError, match="hidden layer") as e:
        parse_hidden_sizes(text)
    assert words in str(e.value)


def test_parse_hidden_sizes_says_a_size_is_missing_between_commas():
    # '30,,10' is not [30, 10]: the learner meant a size there, or typed a comma too many.
    with pytest.raises(ValueError, match="missing between commas"):
        parse_hidden_sizes("30,,10")
    assert parse_hidden_sizes("100,") == (100,)  # half-typed "100,30"


def test_one_step_must_stay_short_enough_for_the_page_to_answer():
    assert n_weights([784, 30, 10]) == 784 * 30 + 30 * 10
    TrainingConfig(hidden=(30,), mini_batch_size=2000)
    with pytest.raises(ValueError, match="at most 2,099"):
        TrainingConfig(hidden=(30,), mini_batch_size=10_000)  # 1.6 s a step in the page
    with pytest.raises(ValueError, match="mini-batch"):
        TrainingConfig(hidden=(1000,) * 4, mini_batch_size=100)
    # what counts is the mini-batch actually used: never more than the training images
    TrainingConfig(hidden=(30,), mini_batch_size=10_000, subset=1000)
    for preset in PRESETS.values():
        assert preset.config.mini_batch_size * n_weights(preset.config.sizes) < MAX_STEP_WORK


def test_eval_rows_shrink_for_big_networks():
    assert eval_rows(n_weights([784, 100, 10])) == 500
    assert eval_rows(n_weights([784, 1000, 1000, 1000, 1000, 10])) == 10
    assert eval_rows(10**12) == 1


def test_hidden_sizes_round_trip_through_the_field_and_the_link():
    for sizes, text in [((30,), "30"), ((100, 30), "100,30"), ((), "")]:
        assert LAYERS.format(sizes) == LAYERS.encode(sizes) == text
        assert parse_hidden_sizes(text) == sizes


def test_the_form_maps_onto_training_config_field_by_field():
    values = Table("dg", TRAINING_SETTINGS).defaults()
    assert config_from_values(values) == TrainingConfig(epochs=3)  # the chapter 1 preset, 3 epochs
    values.update(layers=(100, 30), act="relu", cost="log-likelihood", init="scaled", eta=0.25)
    values.update(batch=20, l2=5.0, seed=7, epochs=2, subset=1000)
    c = config_from_values(values)
    assert (c.hidden, c.activation, c.cost, c.init, c.eta) == ((100, 30), "relu", "log-likelihood", "scaled", 0.25)
    assert (c.mini_batch_size, c.lmbda, c.seed, c.epochs, c.subset) == (20, 5.0, 7, 2, 1000)
    with pytest.raises(ValueError, match="too much work"):
        config_from_values({**values, "layers": (1000,), "batch": 10_000})
    for name, preset in PRESETS.items():
        assert config_from_values({**values, **preset_values(name)}).describe() == preset.config.describe()
        assert matching_preset(config_from_values({**values, **preset_values(name)})) == name


# -- results ----------------------------------------------------------------------------


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    labels = np.array([0, 0, 1, 2, 2, 2], dtype=np.uint8)
    preds = np.array([0, 1, 1, 2, 0, 2])
    m = confusion_matrix(labels, preds, n_classes=3)
    np.testing.assert_array_equal(m, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert m.sum() == 6 and np.trace(m) / m.sum() == accuracy_of(labels, preds)


def test_confusion_matrix_matches_a_plain_loop():
    rng = np.random.default_rng(0)
    labels, preds = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    expected = np.zeros((10, 10), int)
    for t, p in zip(labels, preds):
        expected[t, p] += 1
    np.testing.assert_array_equal(confusion_matrix(labels, preds), expected)


def test_confusion_matrix_refuses_bad_input():
    with pytest.raises(ValueError):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError):
        confusion_matrix([0, 10], [0, 1])


def test_misclassified_lists_wrong_answers_in_order():
    labels = np.array([3, 1, 4, 1, 5, 9])
    preds = np.array([3, 7, 4, 2, 5, 8])
    np.testing.assert_array_equal(misclassified(labels, preds), [1, 3, 5])
    np.testing.assert_array_equal(misclassified(labels, preds, limit=2), [1, 3])
    assert len(misclassified(labels, labels)) == 0


def test_confidences_pass_softmax_through_and_normalise_sigmoid():
    p = np.array([0.1, 0.7, 0.2])
    np.testing.assert_array_equal(confidences(p, "softmax"), p)
    s = confidences(np.array([0.9, 0.9, 0.0]), "sigmoid")
    np.testing.assert_allclose(s, [0.5, 0.5, 0.0])
    np.testing.assert_allclose(confidences(np.zeros(4), "sigmoid"), 0.25)
    assert "softmax" in confidence_note("softmax") and "sum" in confidence_note("sigmoid")
    # A loaded model's output layer may be tanh or linear: the note names what the bars really are.
    for name in ("tanh", "linear", "relu"):
        assert name in confidence_note(name) and "sigmoid" not in confidence_note(name)
    with pytest.raises(ValueError):
        confidences(np.array([np.nan, 1.0]), "sigmoid")


def test_check_digit_model():
    assert check_digit_model(Network([784, 5, 10], seed=0)).sizes == [784, 5, 10]
    with pytest.raises(ValueError, match="784 inputs"):
        check_digit_model(Network([2, 3, 1], seed=0))
    net = model_io.from_json(model_io.to_json(Network([784, 10], seed=1)))
    assert check_digit_model(net) is net


# -- pacing -----------------------------------------------------------------------------


def test_chunk_planner_converges_on_the_target_time():
    planner = ChunkPlanner(target=0.03, first=1)
    per_batch = 0.0005  # 0.5 ms a mini-batch: about 60 fit in 30 ms
    for _ in range(30):
        n = planner.next_size()
        planner.record(n, n * per_batch)
    assert 55 <= planner.next_size() <= 60


def test_chunk_planner_grows_gradually_and_shrinks_at_once():
    planner = ChunkPlanner(target=0.03, first=1, max_growth=2.0)
    planner.record(1, 0.00001)
    assert planner.next_size() == 2  # no jump to 3000 on one measurement
    planner.record(2, 0.00002)
    assert planner.next_size() == 4
    planner = ChunkPlanner(target=0.03, first=100, smoothing=1.0)
    planner.record(100, 1.0)  # 10 ms a batch: the machine is busy
    assert planner.next_size() == 3


def test_chunk_planner_respects_what_is_left_of_the_epoch():
    planner = ChunkPlanner(first=50)
    assert planner.next_size(remaining=7) == 7
    assert planner.next_size(remaining=0) == 1
    assert planner.next_size() == 50


def test_cost_meter_and_epoch_record():
    meter = CostMeter()
    meter.add([1.0, 2.0])
    meter.add([3.0])
    assert meter.close_epoch() == 2.0
    assert math.isnan(meter.close_epoch())
    rec = EpochRecord(1, 2.0, 50_000, 0.1, 0.9, 0.91)
    assert rec.images_per_second == 25_000


def test_epoch_rate():
    assert epoch_rate(1000, 2.0, 3000) == (500.0, 6.0)
    rate, left = epoch_rate(0, 0.0, 10)
    assert math.isnan(rate) and math.isnan(left)


def test_run_seconds_left_counts_the_scoring_after_each_epoch():
    # 1,000 images/s, 4,000 images left in this epoch, 2 more epochs of 10,000, scoring 1.5 s each:
    # 4 + 20 s of training and 3 scorings (this epoch's included).
    assert run_seconds_left(1000.0, 4000, 2, 10_000, scoring_seconds=1.5) == 24 + 4.5
    # Before any scoring has been timed: 20,000 forward passes at twice the training rate.
    assert run_seconds_left(1000.0, 0, 0, 10_000) == 10.0
    assert math.isnan(run_seconds_left(float("nan"), 10, 1, 100))


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0.84, "0.8 s"),
        (42.2, "42 s"),
        (185, "3 min 05 s"),
        (3 * 3600 + 60, "3 h 01 min"),
        (float("nan"), "–"),
        (None, "–"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_megabytes():
    assert format_megabytes(1_639_238) == "1.6 MB"
    assert format_megabytes(0) == "0.0 MB"


def test_curve_range_starts_below_the_lowest_accuracy():
    assert curve_range([]) == (0.8, 1.0)
    low, high = curve_range([0.91, 0.95])
    assert high == 1.0 and low <= 0.91 and low == pytest.approx(0.9)
    assert curve_range([0.1])[0] == pytest.approx(0.0)
    assert curve_range([0.999])[0] <= 0.95


def test_the_output_layer_rule_lives_once_in_the_core():
    from nnfs.labs.playground.config import Config
    from nnfs.maths.costs import output_activation_for
    from nnfs.maths.network import Network

    assert output_activation_for("log-likelihood") == "softmax"
    assert output_activation_for("cross-entropy") == output_activation_for("quadratic") == "sigmoid"
    for cost in ("quadratic", "cross-entropy", "log-likelihood"):
        want = output_activation_for(cost)
        assert TrainingConfig(cost=cost).output_activation == want
        assert Config(cost=cost).output_activation == want
        assert Network([2, 3], cost=cost).output_activation == want


def test_a_config_round_trips_through_its_meta_and_builds_an_engine_session():
    config = TrainingConfig(hidden=(7,), cost="log-likelihood", eta=0.1, epochs=2, subset=100, seed=5)
    assert TrainingConfig.from_dict(config.meta()) == config
    with pytest.raises(ValueError, match="unknown digits settings: colour"):
        TrainingConfig.from_dict({"colour": 1})
    rng = np.random.default_rng(0)
    split = (rng.integers(0, 256, (120, 784)).astype(np.uint8), rng.integers(0, 10, 120).astype(np.uint8))
    session = config.build_session(split, split, split)
    assert session.network.sizes == [784, 7, 10] and session.network.output_activation == "softmax"
    assert session.trainer.n == 100 and session.max_epochs == 2
    assert set(session.eval_sets) == {"validation", "test"}


def test_a_diverged_network_is_not_usable_even_with_finite_weights():
    from nnfs.models.model_io import usable

    net = Network([784, 3, 10], seed=0)
    assert usable(net)
    net.meta = {"diverged": "Training diverged in epoch 1: a weight reached 1e+20"}
    assert not usable(net)
    net.meta = {}
    net.weights[0][0, 0] = np.nan
    assert not usable(net)
