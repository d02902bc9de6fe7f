"""The pretrained network the Digits lab ships (static/models/pretrained.json,
made by tools/train_pretrained.py)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import train_pretrained
from nnfs.mnist import SCALE, load_npz
from nnfs.model_io import from_json

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "static" / "models" / "pretrained.json"
TEST_DATA = ROOT / "static" / "data" / "mnist-test.npz"


@pytest.fixture(scope="module")
def net():
    assert MODEL.exists(), "static/models/pretrained.json is missing: run tools/train_pretrained.py"
    return from_json(MODEL.read_bytes())


def test_loads_with_mnist_sizes(net):
    assert net.sizes[0] == 784 and net.sizes[-1] == 10 and len(net.sizes) >= 3
    assert (net.activation, net.output_activation, net.cost) == ("sigmoid", "sigmoid", "cross-entropy")


def test_meta_describes_the_recipe(net):
    meta = net.meta
    assert meta["recipe"] == train_pretrained.recipe(meta["epochs"], meta["seed"])
    assert meta["recipe"]["sizes"] == net.sizes
    assert meta["preset"] == train_pretrained.PRESET
    assert meta["command"] == train_pretrained.command(meta["epochs"], meta["seed"])
    assert 0.97 <= meta["test_accuracy"] <= 1 and 0.97 <= meta["validation_accuracy"] <= 1
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", json.dumps(meta))  # no date: reproducible


def test_small_and_rounded_to_7_significant_digits(net):
    assert MODEL.stat().st_size <= 1_100_000
    for a in net.weights + net.biases:
        flat = a.ravel()[:500]
        assert all(float(f"{x:.7g}") == x for x in flat.tolist())


def test_if_missing_accepts_the_shipped_file(net):
    ok, why = train_pretrained.existing_matches(
        MODEL, train_pretrained.recipe(train_pretrained.DEFAULT_EPOCHS, train_pretrained.DEFAULT_SEED))
    assert ok, why
    ok, _ = train_pretrained.existing_matches(
        MODEL, train_pretrained.recipe(train_pretrained.DEFAULT_EPOCHS + 1, train_pretrained.DEFAULT_SEED))
    assert not ok


def test_if_missing_rejects_other_files(tmp_path):
    want = train_pretrained.recipe(30, 0)
    assert not train_pretrained.existing_matches(tmp_path / "none.json", want)[0]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    ok, why = train_pretrained.existing_matches(bad, want)
    assert not ok and "does not load" in why


def test_round_significant():
    a = np.array([[0.123456789, -1.0e-5 / 3], [12345678.9, 0.0]])
    r = train_pretrained.round_significant(a)
    assert r.shape == a.shape
    assert r.tolist() == [[0.1234568, -3.333333e-06], [12345680.0, 0.0]]


@pytest.mark.skipif(not TEST_DATA.exists(), reason="MNIST data not prepared (tools/prepare_mnist.py)")
def test_test_accuracy_is_at_least_97_percent_and_as_recorded(net):
    X, y = load_npz(TEST_DATA)
    accuracy = net.accuracy(X, y, scale=SCALE)
    assert accuracy >= 0.97
    assert accuracy == pytest.approx(net.meta["test_accuracy"], abs=1e-12)


def test_recipe_is_the_digits_labs_ch3_preset():
    """The lab's "ch3" preset with the same seed and epochs is the run that made the file."""
    training = pytest.importorskip("nnfs.digits_training")
    preset = training.PRESETS[train_pretrained.PRESET].config
    r = train_pretrained.recipe(30, 0)
    assert [784, *preset.hidden, 10] == r["sizes"]
    assert (preset.activation, preset.cost, preset.init) == (r["activation"], r["cost"], r["init"])
    assert (preset.eta, preset.mini_batch_size, preset.lmbda) == (r["eta"], r["mini_batch_size"], r["lmbda"])
