"""The Chapter 3 lab, driven like a person: each experiment run from its button (shortened
through its own controls) and what the page shows checked against CPython for the same settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.labs.chapter3 import view
from nnfs.data.mnist import load_npz
from nnfs.labs.chapter3 import SLOWDOWN_COSTS, slowdown
from nnfs.maths.activations import softmax

from ..conftest import need

DATA = Path(__file__).resolve().parents[2] / "static" / "data"


def open_lab(app, state: str = ""):
    app.goto_lab("chapter3", state)
    return app.page


def fill(page, name: str, value) -> None:
    page.fill(f"#c3-{name}", str(value))
    page.press(f"#c3-{name}", "Enter")


def test_the_slowdown_curves_equal_the_cores_to_1e_12(app):
    page = open_lab(app)
    for w2, epochs in ((2.0, 300), (3.0, 60)):
        fill(page, "sd_w2", w2)
        fill(page, "sd_epochs", epochs)
        page.click("#c3-sd-run")
        page.wait_for_function("document.getElementById('c3-sd-chart').dataset.state === 'done'")
        curves = json.loads(page.get_attribute("#c3-sd-chart", "data-curves"))
        assert len(curves) == 4
        want = {}
        for key, (w, b) in (("A", (0.6, 0.9)), ("B", (w2, 2.0))):
            for cost in SLOWDOWN_COSTS:
                want[f"{cost}, start {key} (w = {w:g}, b = {b:g})"] = slowdown(w, b, cost, 0.15, epochs)["cost"]
        assert curves.keys() == want.keys()
        for label, costs in want.items():
            assert len(curves[label]) == epochs + 1
            assert np.max(np.abs(np.array(curves[label]) - costs)) < 1e-12, label
        series = json.loads(page.get_attribute("#c3-sd-chart", "data-series"))["series"]
        assert [s["points"] for s in series] == [epochs + 1] * 4
    assert "quadratic, start A (w = 0.6, b = 0.9): 7 epochs" in page.inner_text("#c3-sd-measured")
    fill(page, "sd_w2", 2)
    fill(page, "sd_epochs", 300)
    page.click("#c3-sd-run")
    page.wait_for_function("document.getElementById('c3-sd-chart').dataset.state === 'done'")
    assert "quadratic, start B (w = 2, b = 2): 152 epochs" in page.inner_text("#c3-sd-measured")


def test_softmax_bars_are_the_cores_softmax_and_sum_to_one(app):
    page = open_lab(app)
    page.click("#c3-sm-reset")
    before = json.loads(page.get_attribute("#c3-sm-bars", "data-a"))
    assert before == pytest.approx(softmax(np.array([2.5, -1.0, 3.2, 0.5])).tolist(), rel=1e-12)
    fill(page, "sm_z1", 5)
    page.wait_for_function("JSON.parse(document.getElementById('c3-sm-bars').dataset.a)[0] > 0.8")
    after = json.loads(page.get_attribute("#c3-sm-bars", "data-a"))
    assert after == pytest.approx(softmax(np.array([5.0, -1.0, 3.2, 0.5])).tolist(), rel=1e-12)
    assert all(a < b for a, b in zip(after[1:], before[1:]))  # raising z1 lowered every other output
    assert float(page.get_attribute("#c3-sm-bars", "data-sum")) == pytest.approx(1.0, abs=1e-12)
    assert page.inner_text("#c3-sm-sum") == "1.000000"
    page.click("#c3-sm-reset")


def run_experiment(page, prefix: str) -> list[dict]:
    panel = f"document.getElementById('c3-{prefix}-panel').dataset"
    launches = int(page.evaluate(f"{panel}.launches || 0"))
    page.click(f"#c3-{prefix}-run")
    page.wait_for_function(
        f"{panel}.launches === '{launches + 1}' && ['done', 'failed'].includes({panel}.state)", timeout=180_000
    )
    assert page.get_attribute(f"#c3-{prefix}-panel", "data-state") == "done", page.inner_text(f"#c3-{prefix}-status")
    return json.loads(page.get_attribute(f"#c3-{prefix}-panel", "data-runs"))


def cpython_runs(name: str, values: dict) -> list:
    train, test = load_npz(DATA / "mnist-train.npz"), load_npz(DATA / "mnist-test.npz")
    out = []
    for config in view.experiment_configs(name, values):
        session = config.build_session(train, test)
        while session.run(10.0) is None or session.stop is None:
            pass
        out.append((config, session))
    return out


def same_curves(page_runs: list[dict], cpython: list, keys) -> None:
    assert len(page_runs) == len(cpython)
    for got, (config, session) in zip(page_runs, cpython):
        assert got["config"] == config.to_dict()
        assert got["ended"]["kind"] == "epochs"
        for key in keys:
            # The page's numpy has no BLAS: sums round in another order (RUNTIME.md), so not bit for bit.
            assert np.allclose(got["history"][key], session.history[key], rtol=1e-9, atol=1e-12), key
        if session.final is not None:
            assert got["final"]["test_acc"] == pytest.approx(session.final["test_acc"], abs=1e-12)


@pytest.mark.parametrize(
    "name, prefix, state, keys",
    [
        ("overfitting", "of", "of_epochs=3&of_test=300&of_seed=7", ("train_cost", "train_acc", "test_acc")),
        ("init", "wi", "wi_epochs=2&wi_subset=500", ("test_acc", "test_loss")),
        ("eta", "lr", "lr_epochs=2&lr_subset=300&lr_eta2=1", ("train_cost", "train_loss")),
    ],
)
def test_an_experiment_run_in_the_worker_draws_cpythons_curves(app, name, prefix, state, keys):
    need((DATA / "mnist-train.npz").exists(), f"{DATA} has no MNIST data (./run setup)")
    page = open_lab(app, state)
    runs = run_experiment(page, prefix)
    values = view.SETTINGS.defaults() | view.SETTINGS.from_hash(state)[0]
    same_curves(runs, cpython_runs(name, values), keys)
    charts = [kind for kind, _ in view.CHARTS[name]]
    for kind in charts:
        drawn = json.loads(page.get_attribute(f"#c3-{prefix}-{kind}", "data-series"))["series"]
        first = 1  # costs, and accuracies zoomed to the data (the default), are drawn from epoch 1
        assert {s["points"] for s in drawn} == {len(runs[0]["history"]["epoch"]) - first}
    assert page.inner_text(f"#c3-{prefix}-measured").startswith("Measured here: ")
    assert page.inner_text(f"#c3-{prefix}-book").startswith("The book: ")
    assert float(page.get_attribute(f"#c3-{prefix}-panel", "data-wall-seconds")) > 0


def test_a_rerun_from_the_same_seed_draws_identical_curves_and_stop_keeps_them(app):
    need((DATA / "mnist-train.npz").exists(), f"{DATA} has no MNIST data (./run setup)")
    page = open_lab(app, "of_epochs=2&of_test=200&of_subset=200")
    first = run_experiment(page, "of")
    again = run_experiment(page, "of")
    for a, b in zip(first, again):
        curves = set(a["history"]) - {"seconds"}  # (the time each epoch took differs, of course)
        assert curves >= {"train_cost", "train_acc", "test_acc", "test_loss", "minibatch_loss"}
        assert all(a["history"][k] == b["history"][k] for k in curves) and a["final"] == b["final"]
    fill(page, "of_seed", 1)
    other = run_experiment(page, "of")
    assert other[0]["history"]["train_cost"] != first[0]["history"]["train_cost"]
    # Stop in the middle: the button says Run again and the curves so far stay.
    fill(page, "of_epochs", 200)
    page.click("#c3-of-run")
    page.wait_for_function(
        "JSON.parse(document.getElementById('c3-of-panel').dataset.runs || '[]')"
        ".every(r => (r.history.epoch || []).length > 2)"
    )
    page.click("#c3-of-run")
    page.wait_for_function("document.getElementById('c3-of-panel').dataset.state === 'stopped'")
    assert page.inner_text("#c3-of-run") == "Run"
    kept = json.loads(page.get_attribute("#c3-of-panel", "data-runs"))
    assert all(len(r["history"]["epoch"]) > 2 for r in kept)
    assert page.inner_text("#c3-of-status").startswith("Stopped")


def test_a_bad_setting_is_said_beside_its_field_and_runs_nothing(app):
    page = open_lab(app)
    page.fill("#c3-of_eta", "-1")
    page.press("#c3-of_eta", "Enter")
    assert "at least" in page.inner_text("#c3-of_eta-error")
    fill(page, "of_eta", 0.5)


def test_the_labs_are_numbered_in_order(app):
    page = app.page
    texts = page.eval_on_selector_all("#nav a", "els => els.map(e => e.textContent)")
    numbered = [t for t in texts if "·" in t]
    assert [int(t.split("·")[0]) for t in numbered] == list(range(1, len(numbered) + 1))
    assert "7 · Chapter 3" in texts and "8 · Universality" in texts
    assert page.text_content("#c3-title").startswith("7 · ") and page.text_content("#un-title").startswith("8 · ")


def chart(page, canvas: str) -> dict:
    return json.loads(page.get_attribute(f"#{canvas}", "data-series"))


def test_the_books_curves_stand_beside_the_pages_on_one_zoomable_axis(fresh):
    """Issue 22, item 5: the book's own curves under the page's, accuracy axes zoomed to the
    data with a button back to 0-100 %, and the two runs' training curves told apart where they
    coincide at 100 %. The book's numbers are checked against its JSON files (read again here:
    fig/overfitting.json, fig/regularized.json, fig/weight_initialization_30.json, fig/multiple_eta.json)."""
    w = fresh("#chapter3")  # a page of its own: no runs yet, so the axes are the book's data alone
    page = w.page
    page.wait_for_function("document.documentElement.dataset.lab === 'chapter3'")
    # Before any run: the book's curves are there, labelled and captioned with their source.
    books = {p: chart(page, f"c3-{p}-{k}-book") for p, k in (("of", "acc"), ("wi", "acc"), ("lr", "cost"))}
    last = {s["label"]: (s["points"], s["last"]) for s in books["of"]["series"]}
    assert last == {
        "λ = 0, training": (400, 1.0),
        "λ = 0, test": (400, 0.8223),
        "λ = 0.1, training": (400, 1.0),
        "λ = 0.1, test": (400, 0.8695),
    }
    assert {s["label"]: s["last"] for s in books["wi"]["series"]} == {"N(0, 1)": 0.9637, "N(0, 1/n_in)": 0.965}
    assert [s["points"] for s in books["lr"]["series"]] == [30, 30, 30]
    assert books["lr"]["series"][2]["last"] == pytest.approx(0.86068501713490919, rel=1e-12)
    assert "fig/weight_initialization_30.json" in page.inner_text("#c3-wi-book-caption")
    assert "fig/overfitting.json" in page.inner_text("#c3-of-book-caption")
    # The initialisation chart is zoomed as the book's figure is: 85-100 %, not 0-100 %.
    assert books["wi"]["y_range"] == [0.85, 1.0]
    assert page.get_attribute("#c3-wi-panel", "data-zoom") == "data"
    page.click("#c3-wi-zoom")
    assert page.get_attribute("#c3-wi-panel", "data-zoom") == "full"
    assert chart(page, "c3-wi-acc-book")["y_range"] == [0.0, 1.0] == chart(page, "c3-wi-acc")["y_range"]
    assert page.inner_text("#c3-wi-zoom") == "Zoom to the data"
    page.click("#c3-wi-zoom")
    assert chart(page, "c3-wi-acc-book")["y_range"] == [0.85, 1.0]
    assert page.inner_text("#c3-wi-zoom").startswith("Show the full range")
    # The two training curves at 100 %: the same dash, the second run's shifted by one dash,
    # so they alternate colours instead of one hiding the other.
    train = [s for s in books["of"]["series"] if s["label"].endswith("training")]
    assert train[0]["dash"] == train[1]["dash"] == [6, 6] and [s["dash_offset"] for s in train] == [0, 6]
    assert train[0]["colour"] != train[1]["colour"]
    assert not w.console_errors, w.console_errors


def test_a_run_is_drawn_zoomed_on_the_books_axis_and_the_full_range_shows_epoch_0(app):
    need((DATA / "mnist-train.npz").exists(), f"{DATA} has no MNIST data (./run setup)")
    page = open_lab(app, "of_epochs=3&of_test=300&of_seed=7")
    runs = run_experiment(page, "of")
    mine, book = chart(page, "c3-of-acc"), chart(page, "c3-of-acc-book")
    assert mine["y_range"] == book["y_range"]  # one value axis: the two figures compare
    low, high = mine["y_range"]
    values = [v for r in runs for k in ("train_acc", "test_acc") for v in r["history"][k][1:]]
    values += [0.5887, 0.8695, 1.0]  # the book's lowest and highest (fig/overfitting.json, fig/regularized.json)
    assert 0 < low <= min(values) and max(values) <= high <= 1
    assert {s["points"] for s in mine["series"]} == {3}  # epochs 1-3
    train = [s for s in mine["series"] if s["label"].endswith("training")]
    assert [(s["dash"], s["dash_offset"]) for s in train] == [([6, 6], 0), ([6, 6], 6)]
    page.click("#c3-of-zoom")
    full = chart(page, "c3-of-acc")
    assert full["y_range"] == [0.0, 1.0] and {s["points"] for s in full["series"]} == {4}  # with epoch 0
    page.click("#c3-of-zoom")
    assert chart(page, "c3-of-acc")["y_range"] == [low, high]
