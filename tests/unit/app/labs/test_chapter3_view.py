"""The Chapter 3 lab's settings -> runs, and its sentences (app.labs.chapter3.view, pure)."""

from __future__ import annotations

from app.labs.chapter3 import view


def test_the_default_settings_give_the_books_runs():
    values = view.SETTINGS.defaults()
    over = view.experiment_configs("overfitting", values)
    assert [(c.training.lmbda, c.training.eta, c.training.epochs, c.training.subset, c.test_rows) for c in over] == [
        (0.0, 0.5, 400, 1000, 1000),
        (0.1, 0.5, 400, 1000, 1000),
    ]
    assert [view.run_label("overfitting", c) for c in over] == ["λ = 0", "λ = 0.1"]
    init = view.experiment_configs("init", values)
    assert [view.run_label("init", c) for c in init] == ["N(0, 1)", "N(0, 1/n_in)"]
    assert {(c.training.eta, c.training.lmbda, c.training.subset) for c in init} == {(0.1, 5.0, 10_000)}
    eta = view.experiment_configs("eta", values)
    assert [view.run_label("eta", c) for c in eta] == ["η = 0.025", "η = 0.25", "η = 2.5"]


def test_the_learners_settings_reach_every_run():
    values = view.SETTINGS.defaults() | {"of_lmbda": 5.0, "of_epochs": 3, "lr_eta2": 1.0, "wi_subset": 500}
    assert [c.training.lmbda for c in view.experiment_configs("overfitting", values)] == [0.0, 5.0]
    assert {c.training.epochs for c in view.experiment_configs("overfitting", values)} == {3}
    assert [c.training.eta for c in view.experiment_configs("eta", values)] == [0.025, 1.0, 2.5]
    assert {c.training.subset for c in view.experiment_configs("init", values)} == {500}


def test_measured_text_states_peak_final_and_first_epoch_figures():
    run = {
        "label": "λ = 0",
        "test_rows": 1000,
        "final": {"test_acc": 0.8281},
        "history": {"epoch": [0.0, 1.0, 2.0], "test_acc": [0.1, 0.82, 0.81], "train_acc": [0.1, 0.9, 1.0]},
    }
    text = view.measured_text("overfitting", [run])
    assert text == (
        "Measured here: λ = 0: test accuracy peaked at 82.00 % (epoch 1, 1,000 images), "
        "82.81 % on all 10,000 after epoch 2; training accuracy 100.00 %."
    )
    run = {"label": "N(0, 1)", "history": {"epoch": [0, 1, 2], "test_acc": [0.1, 0.5, None]}}
    assert view.measured_text("init", [run]) == "Measured here: N(0, 1): 50.00 % after epoch 1, – after epoch 2."
    assert view.measured_text("eta", [{"label": "x", "history": {"epoch": []}}]) == ""
    assert view.slowdown_text({"q": [1.0, 0.95, 0.8], "c": [1.0, 1.0]}) == (
        "Epochs until the cost has fallen by a tenth — q: 2 epochs; c: not within these epochs."
    )


def test_overlapping_training_curves_alternate_their_dashes():
    # Run 1's dashes fill run 2's gaps: two training curves at 100 % show both colours.
    (d1, o1), (d2, o2) = view.line_style(0, "train_acc"), view.line_style(1, "train_acc")
    assert d1 == d2 and len(d1) == 2 and d1[0] == d1[1] and o2 - o1 == d1[0]
    assert view.line_style(1, "test_acc") == ((), 0.0) and view.line_style(2, "train_cost") == ((), 0.0)


def test_the_books_curves_take_their_runs_colours_and_labels():
    of = view.book_curves("overfitting")
    assert [(i, label) for i, label, _ in of] == [
        (0, "λ = 0, training"),
        (0, "λ = 0, test"),
        (1, "λ = 0.1, training"),
        (1, "λ = 0.1, test"),
    ]
    assert [(i, label) for i, label, _ in view.book_curves("init")] == [(0, "N(0, 1)"), (1, "N(0, 1/n_in)")]
    assert [label for _, label, _ in view.book_curves("eta")] == ["η = 0.025", "η = 0.25", "η = 2.5"]
    assert "fig/weight_initialization_30.json" in view.book_caption("init")
    assert "validation accuracy" in view.book_caption("init")
    assert "test and training accuracy" in view.book_caption("overfitting")
    assert view.zoom_text(True).startswith("Show the full range") and view.zoom_text(False) == "Zoom to the data"
