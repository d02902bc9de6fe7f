"""The shared chart of several runs (app.runs.chart_view): axes, ticks, curves, legend (pure, no browser)."""

import math

import numpy as np
import pytest

from app.runs import chart_view as rv


def _series(label, epochs, values, colour="#000000"):
    return rv.Series(label, colour, epochs, values)


def test_loss_axis_runs_from_zero_to_a_round_number_above_the_largest_value():
    chart = rv.layout([_series("a", [0, 1, 2], [0.9, 0.5, 0.3]), _series("b", [0, 1], [1.3, 0.2])], "loss", 400, 200)
    assert chart.y_range == (0.0, 1.5)
    assert chart.x_range == (0.0, 2.0)
    assert [text for _, text in chart.y_ticks] == ["0", "0.5", "1", "1.5"]


def test_accuracy_axis_is_zero_to_a_hundred_percent():
    chart = rv.layout([_series("a", [0, 1], [0.4, 0.8])], "test_acc", 400, 200)
    assert chart.y_range == (0.0, 1.0)
    assert [text for _, text in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]


def test_points_are_placed_exactly_in_the_plot_box():
    chart = rv.layout([_series("a", [0, 5, 10], [0.0, 0.5, 1.0])], "acc", 300, 140)
    x, y, w, h = chart.box
    line = chart.lines[0]
    assert np.allclose(line.xs, [x, x + w / 2, x + w])
    assert np.allclose(line.ys, [y + h, y + h / 2, y])
    assert (x, y, w, h) == (rv.MARGIN_LEFT, rv.MARGIN_TOP, 300 - rv.MARGIN_LEFT - rv.MARGIN_RIGHT, 140 - 50)


def test_fixed_axes_and_values_beyond_them_stay_near_the_edge():
    chart = rv.layout([_series("a", [0, 1], [0.5, 9.0])], "loss", 300, 140, x_max=30, y_range=(0.0, 1.0))
    assert chart.x_range == (0.0, 30.0) and chart.y_range == (0.0, 1.0)
    _, y, _, h = chart.box
    assert chart.lines[0].ys[1] == pytest.approx(y + h - 1.02 * h)
    with pytest.raises(ValueError, match="low < high"):
        rv.layout([], "loss", 300, 140, y_range=(1.0, 1.0))


def test_non_finite_values_break_the_line_and_last_is_the_last_finite():
    s = _series("a", [0, 1, 2, 3], [1.0, float("nan"), 0.5, None])
    line = rv.layout([s], "loss", 300, 140).lines[0]
    assert line.last == 0.5 and line.last_epoch == 2.0 and line.points == 4
    assert line.path().count("M") == 2  # two pieces: before and after the gap


def test_hooks_publish_each_series_last_value():
    chart = rv.layout([_series("x", [0, 1], [0.2, 0.7], "#111111"), _series("y", [0], [0.1])], "test_acc", 300, 140)
    hooks = chart.hooks()
    assert hooks["metric"] == "test_acc"
    assert [(s["label"], s["last"], s["points"]) for s in hooks["series"]] == [("x", 0.7, 2), ("y", 0.1, 1)]


def test_long_curves_are_thinned_keeping_both_ends():
    n = 5000
    line = rv.layout([_series("a", range(n), np.linspace(1, 0, n))], "loss", 300, 140).lines[0]
    assert len(line.xs) <= rv.MAX_POINTS
    x, _, w, _ = rv.layout([_series("a", [0, n - 1], [1, 0])], "loss", 300, 140).box
    assert line.xs[0] == pytest.approx(x) and line.xs[-1] == pytest.approx(x + w)
    assert line.last == 0.0 and line.points == n


def test_unequal_lengths_are_refused():
    with pytest.raises(ValueError, match="2 epochs but 3 values"):
        rv.layout([_series("a", [0, 1], [1, 2, 3])], "loss", 300, 140)


def test_legend_sits_away_from_the_curves():
    loss = rv.layout([_series("a", [0, 1], [1, 0]), _series("b", [0, 1], [1, 0])], "loss", 400, 200)
    acc = rv.layout([_series("a", [0, 1], [0, 1]), _series("b", [0, 1], [0, 1])], "acc", 400, 200)
    _, y, _, h = loss.box
    assert all(ly < y + h / 2 for *_, ly in loss.legend)  # losses fall: legend at the top
    assert all(ly > y + h / 2 for *_, ly in acc.legend)  # accuracies rise: legend at the bottom
    assert [ly for *_, ly in loss.legend] == [y + 10, y + 10 + rv.LEGEND_LINE]


def test_ticks_are_round_and_inside_the_range():
    assert rv.ticks(0, 1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert rv.ticks(0, 300) == [0, 100, 200, 300]
    assert rv.ticks(0, 30) == [0, 10, 20, 30]
    assert rv.ticks(0, 12) == [0, 2.5, 5, 7.5, 10] and rv.ticks(0, 12, whole=True) == [0, 2, 4, 6, 8, 10, 12]
    assert rv.ticks(0, 3, whole=True) == [0, 1, 2, 3]
    assert rv.ticks(0.78, 0.9, 4) == pytest.approx([0.8, 0.85, 0.9])
    assert rv.round_top(0.3) == 0.3 and rv.round_top(0.31) == 0.4 and rv.round_top(0) == 1.0
    assert rv.format_value("loss", math.nan) == "–"


def test_differences_names_only_what_differs():
    a = {"eta": 0.5, "lmbda": 0.0, "hidden": [4, 2]}
    b = {"eta": 0.5, "lmbda": 0.1, "hidden": [4, 2]}
    assert rv.differences([a, b]) == ["lmbda = 0", "lmbda = 0.1"]
    assert rv.differences([a, b], labels={"lmbda": "λ"}) == ["λ = 0", "λ = 0.1"]


def test_differences_of_several_settings_joined_in_key_order():
    a = {"eta": 0.5, "lmbda": 0.0, "hidden": [4, 2], "act": "tanh"}
    b = {"eta": 1.0, "lmbda": 0.1, "hidden": [4, 2], "act": "tanh"}
    c = {"eta": 1.0, "lmbda": 0.1, "hidden": [8], "act": "tanh"}
    assert rv.differences([a, b, c]) == [
        "eta = 0.5 · lmbda = 0 · hidden = 4-2",
        "eta = 1 · lmbda = 0.1 · hidden = 4-2",
        "eta = 1 · lmbda = 0.1 · hidden = 8",
    ]


def test_identical_settings_are_told_apart_by_name_or_number():
    s = {"eta": 0.5}
    assert rv.differences([s, dict(s)]) == ["run 1", "run 2"]
    assert rv.differences([s, dict(s)], names=["first", "second"]) == ["first", "second"]
    assert rv.differences([s]) == ["run 1"]
    assert rv.differences([]) == []


def test_equal_among_differing_runs_get_their_names_added():
    a, b = {"eta": 0.5}, {"eta": 2.0}
    assert rv.differences([a, b, dict(a)], names=["A", "B", "C"]) == ["eta = 0.5 (A)", "eta = 2", "eta = 0.5 (C)"]


def test_a_missing_key_reads_none_and_booleans_read_on_off():
    assert rv.differences([{"eta": 0.5}, {"eta": 0.5, "seed": 3}]) == ["seed = none", "seed = 3"]
    assert rv.differences([{"noise": True}, {"noise": False}]) == ["noise = on", "noise = off"]
    # 1 and 1.0 are equal settings (a number read from JSON may come back either way)
    assert rv.differences([{"eta": 1}, {"eta": 1.0}]) == ["run 1", "run 2"]


def test_long_values_are_cut_short_in_the_legend():
    long = "0.1,0.2,1;" * 10
    assert rv.value_text(long) == long[:23] + "…"
    assert rv.differences([{"pts": ""}, {"pts": long}]) == ["pts = ", "pts = " + long[:23] + "…"]


def test_metric_labels():
    assert rv.metric_label("test_acc") == "test accuracy"
    assert rv.metric_label("train_loss") == "training cost"
    assert rv.metric_label("validation_acc") == "validation accuracy"
    assert rv.metric_label("cost") == "cost"


def test_fit_range_zooms_to_the_values_after_the_untrained_network():
    # The book's initialisation figure: 86.43 % to 96.53 % after epochs 1..30; the untrained
    # network's 10 % at epoch 0 is left out, so the axis is the book's own 85-100 %.
    s = rv.Series("a", "#000", [0, 1, 2, 30], [0.1, 0.8643, 0.92, 0.9653])
    assert rv.fit_range([s], "test_acc") == (0.85, 1.0)
    assert rv.fit_range([s], "test_acc", from_epoch=0) == (0.0, 1.0)
    # Round ends beyond the values, at least two steps apart, never past 100 %.
    assert rv.fit_range([rv.Series("b", "#000", [1, 2], [1.0, 1.0])], "train_acc") == (0.995, 1.0)
    assert rv.fit_range([rv.Series("c", "#000", [1, 2], [0.34, 0.87])], "train_cost") == (0.2, 1.0)
    assert rv.fit_range([rv.Series("d", "#000", [0], [0.5])], "test_acc") is None
    lo, hi = rv.fit_range([s, rv.Series("e", "#000", [1, 2], [0.5887, 0.8223])], "test_acc")
    assert lo <= 0.5887 and hi >= 0.9653 and (lo, hi) == (0.5, 1.0)


def test_a_dash_offset_is_kept_for_the_canvas_and_published():
    a = rv.Series("λ = 0, training", "#111", [1, 2], [1.0, 1.0], (6, 6))
    b = rv.Series("λ = 0.1, training", "#222", [1, 2], [1.0, 1.0], (6, 6), 6)
    chart = rv.layout([a, b], "train_acc", 300, 140)
    assert [ln.dash_offset for ln in chart.lines] == [0.0, 6.0]
    assert [(s["dash"], s["dash_offset"]) for s in chart.hooks()["series"]] == [([6, 6], 0.0), ([6, 6], 6.0)]
    # Other charts keep solid lines at offset 0 (the default).
    assert rv.layout([rv.Series("x", "#333", [0], [0.5])], "loss", 300, 140).lines[0].dash_offset == 0.0


def test_a_larger_text_scale_keeps_room_for_the_text():
    """On a phone the chart's text is drawn about twice as large (app.ui.canvas): the margins and
    legend rows grow by the same factor, and the plot box shrinks by exactly that room."""
    from app.runs import chart_view as cv

    series = [cv.Series("a", "#000", [0, 1, 2], [0.5, 0.6, 0.7]), cv.Series("b", "#111", [0, 1, 2], [0.4, 0.5, 0.9])]
    one = cv.layout(series, "test_acc", 640, 260)
    two = cv.layout(series, "test_acc", 640, 260, scale=2.0)
    assert one.box == (
        cv.MARGIN_LEFT,
        cv.MARGIN_TOP,
        640 - cv.MARGIN_LEFT - cv.MARGIN_RIGHT,
        260 - cv.MARGIN_TOP - cv.MARGIN_BOTTOM,
    )
    assert two.box == (
        2 * cv.MARGIN_LEFT,
        2 * cv.MARGIN_TOP,
        640 - 2 * (cv.MARGIN_LEFT + cv.MARGIN_RIGHT),
        260 - 2 * (cv.MARGIN_TOP + cv.MARGIN_BOTTOM),
    )
    assert two.legend[1][4] - two.legend[0][4] == 2 * cv.LEGEND_LINE
