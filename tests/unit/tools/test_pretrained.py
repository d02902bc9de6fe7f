"""The pretrained network the Digits lab ships (static/models/pretrained.json,
made by tools/train_pretrained.py)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import train_pretrained

from nnfs.data.mnist import SCALE, load_npz
from nnfs.labs import digits as digits_training
from nnfs.models.model_io import from_json
from tests.conftest import in_ci, need

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / "static" / "models" / "pretrained.json"
TEST_DATA = ROOT / "static" / "data" / "mnist-test.npz"
README = ROOT / "README.md"
# The shipped model's score on the 10,000 test images, as recorded when it was made
# (meta.test_accuracy 0.9784) and as the README states it (97.84 %).
RECORDED_CORRECT = 9784


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
        MODEL, train_pretrained.recipe(train_pretrained.DEFAULT_EPOCHS, train_pretrained.DEFAULT_SEED)
    )
    assert ok, why
    ok, _ = train_pretrained.existing_matches(
        MODEL, train_pretrained.recipe(train_pretrained.DEFAULT_EPOCHS + 1, train_pretrained.DEFAULT_SEED)
    )
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


def test_test_accuracy_is_the_recorded_9784_of_10000(net):
    """The figure itself, not ">= 97 %" against what the same code computed: the file
    reads exactly 9,784 of the 10,000 test digits right, and its meta says so."""
    need(TEST_DATA.exists(), "MNIST data not prepared (tools/prepare_mnist.py)")
    X, y = load_npz(TEST_DATA)
    assert len(y) == 10_000
    correct = int(np.sum(net.predict(X, scale=SCALE) == y))
    assert correct == RECORDED_CORRECT
    assert net.meta["test_accuracy"] == RECORDED_CORRECT / 10_000 == 0.9784
    assert net.meta["history"][-1]["test_accuracy"] == 0.9784


def test_readme_states_the_recorded_figure():
    text = " ".join(README.read_text().split())
    stated = re.findall(r"pretrained [^.%]*?(\d+\.\d+) ?%", text)
    assert stated, "the README no longer states the pretrained model's test accuracy"
    assert set(stated) == {f"{RECORDED_CORRECT / 100:.2f}"}, stated


def test_need_skips_locally_and_fails_under_ci(monkeypatch):
    """The helper every data- or runtime-dependent test uses: a skip in CI would hide a
    broken set-up."""
    need(True, "never")  # a met need does nothing
    monkeypatch.setenv("CI", "false")
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match="data missing"):
        need(False, "data missing")
    monkeypatch.setenv("CI", "true")
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="data missing .CI=true"):
        need(False, "data missing")


def test_recipe_is_the_digits_labs_ch3_preset():
    """The lab's "ch3" preset with the same seed and epochs is the run that made the file."""
    preset = digits_training.PRESETS[train_pretrained.PRESET].config
    r = train_pretrained.recipe(30, 0)
    assert [784, *preset.hidden, 10] == r["sizes"]
    assert (preset.activation, preset.cost, preset.init) == (r["activation"], r["cost"], r["init"])
    assert (preset.eta, preset.mini_batch_size, preset.lmbda) == (r["eta"], r["mini_batch_size"], r["lmbda"])
