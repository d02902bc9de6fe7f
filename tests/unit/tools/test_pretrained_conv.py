"""The pretrained convnet (static/models/pretrained-conv.json, made by tools/train_pretrained_conv.py)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import train_pretrained
import train_pretrained_conv as tpc

from nnfs.data.mnist import SCALE, load_npz
from nnfs.labs.chapter6 import ladder
from nnfs.labs.chapter6.session import read
from nnfs.models.convnet_io import check_digit_convnet, from_json, layer_dict
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / "static" / "models" / "pretrained-conv.json"
TEST_DATA = ROOT / "static" / "data" / "mnist-test.npz"
README = ROOT / "README.md"
# The shipped net's score on the 10,000 test images, as recorded when it was made (meta.test_accuracy)
# and as the README states it: the issue asks for at least 99.2 %.
RECORDED_CORRECT = 9926


@pytest.fixture(scope="module")
def net():
    assert MODEL.exists(), "static/models/pretrained-conv.json is missing: run tools/train_pretrained_conv.py"
    return check_digit_convnet(from_json(MODEL.read_bytes()))


def test_it_is_the_expanded_rung_of_the_ladder(net):
    rung = ladder.LADDER[tpc.RUNG]
    assert rung.expanded and [layer_dict(x) for x in net.layers] == [layer_dict(x) for x in rung.layers]
    meta = net.meta
    assert meta["recipe"] == tpc.recipe(meta["epochs"], meta["seed"])
    assert meta["recipe"]["settings"] == read(
        {"rung": "expanded", "images": 50_000, "epochs": meta["epochs"], "eta": 0.03, "l2": 0.1, "batch": 10,
         "seed": meta["seed"], "scored": 10_000}
    )  # fmt: skip
    assert meta["command"] == tpc.command(meta["epochs"], meta["seed"])
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", json.dumps(meta))  # no date: reproducible


def test_if_missing_accepts_the_shipped_file_and_no_other_recipe(net):
    ok, why = train_pretrained.existing_matches(MODEL, tpc.recipe(tpc.DEFAULT_EPOCHS, tpc.DEFAULT_SEED), load=from_json)
    assert ok, why
    ok, _ = train_pretrained.existing_matches(
        MODEL, tpc.recipe(tpc.DEFAULT_EPOCHS + 1, tpc.DEFAULT_SEED), load=from_json
    )
    assert not ok


def test_small_and_rounded_to_7_significant_digits(net):
    assert MODEL.stat().st_size <= 1_200_000
    for a in net.weights + net.biases:
        assert all(float(f"{x:.7g}") == x for x in a.ravel()[:300].tolist())


def test_test_accuracy_is_the_recorded_figure_and_at_least_99_2_percent(net):
    """The figure itself, by the project's own forward pass on the 10,000 test images."""
    need(TEST_DATA.exists(), "MNIST data not prepared (tools/prepare_mnist.py)")
    X, y = load_npz(TEST_DATA)
    correct = int(np.sum(net.predict(X, scale=SCALE) == y))
    assert correct == RECORDED_CORRECT >= 9920
    assert net.meta["test_accuracy"] == RECORDED_CORRECT / 10_000


def test_readme_states_the_recorded_figure():
    text = " ".join(README.read_text().split())
    assert f"{RECORDED_CORRECT / 100:.2f} % of the 10,000 test images" in text
