"""The book's chapter 3 curves (nnfs.labs.chapter3.book) against numbers read again from the
book's JSON files in mnielsen/neural-networks-and-deep-learning (the commits the module cites):
a transcription check at the first, last and best epochs, and the shapes the chapter describes."""

from __future__ import annotations

import pytest

from nnfs.labs.chapter3 import EXPERIMENTS
from nnfs.labs.chapter3.book import BOOK_CURVES


def curve(name: str, key: str, **run):
    (found,) = [c for c in BOOK_CURVES[name] if c.key == key and c.run == run]
    return found


def test_overfitting_curves_are_the_books_400_epochs():
    # fig/overfitting.json (λ = 0): test accuracy 5887 after epoch 1, 8223 after epoch 400, best 8227.
    test0 = curve("overfitting", "test_acc", lmbda=0.0)
    assert len(test0.values) == 400 and test0.epochs[0] == 1 and test0.epochs[-1] == 400
    assert test0.values[0] == 0.5887 and test0.values[-1] == 0.8223 and max(test0.values) == 0.8227
    assert test0.values[99] == 0.8173  # epoch 100
    # fig/regularized.json (λ = 0.1): 5898, then 8695 after epoch 400, best 8710.
    test1 = curve("overfitting", "test_acc", lmbda=0.1)
    assert test1.values[0] == 0.5898 and test1.values[-1] == 0.8695 and max(test1.values) == 0.8710
    # Training accuracy: 690 of 1,000 after epoch 1; every image right from epoch 74 (λ = 0) and 73 (λ = 0.1).
    for lmbda, first_full in ((0.0, 74), (0.1, 73)):
        train = curve("overfitting", "train_acc", lmbda=lmbda)
        assert len(train.values) == 400 and train.values[0] == 0.69
        assert train.values[first_full - 2] == 0.999 and set(train.values[first_full - 1 :]) == {1.0}
    assert curve("overfitting", "train_acc", lmbda=0.0).values[:4] == (0.69, 0.749, 0.812, 0.848)
    assert curve("overfitting", "train_acc", lmbda=0.1).values[:4] == (0.69, 0.749, 0.81, 0.849)


def test_initialisation_and_learning_rate_curves_are_the_books():
    # fig/weight_initialization_30.json: validation accuracy (of 10,000) per epoch 1..30.
    new, old = curve("init", "test_acc", init="scaled"), curve("init", "test_acc", init="normal")
    assert (new.values[0], new.values[-1], old.values[0], old.values[-1]) == (0.927, 0.965, 0.8643, 0.9637)
    assert new.scored_on == old.scored_on == "validation" and len(new.values) == len(old.values) == 30
    # fig/multiple_eta.json: the training cost per epoch 1..30.
    slow, fast, wild = (curve("eta", "train_cost", eta=e) for e in (0.025, 0.25, 2.5))
    assert slow.values[0] == pytest.approx(0.87809508908377998, rel=1e-15)
    assert fast.values[-1] == pytest.approx(0.33879633130932685, rel=1e-15)
    assert wild.values[5] == pytest.approx(1.1365919079387048, rel=1e-15)  # epoch 6: the big jump
    assert all(len(c.values) == 30 for c in (slow, fast, wild))


def test_the_curves_say_what_the_experiments_book_text_says():
    assert "82 %" in EXPERIMENTS["overfitting"].book and "87 %" in EXPERIMENTS["overfitting"].book
    assert round(100 * curve("overfitting", "test_acc", lmbda=0.0).values[-1]) == 82
    assert round(100 * curve("overfitting", "test_acc", lmbda=0.1).values[-1]) == 87
    # Each curve's run is one of the experiment's own runs (so the page can pair them).
    for name, curves in BOOK_CURVES.items():
        runs = EXPERIMENTS[name].runs
        assert all(c.run in runs for c in curves), name
