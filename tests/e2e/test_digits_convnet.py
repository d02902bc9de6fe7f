"""The Digits pad with chapter 6's pretrained convnet beside the chosen network: both answers, each
with how sure it is, and the convnet's the core's own for the same 784 pixels."""

from __future__ import annotations

import numpy as np

from nnfs.data.mnist import SCALE, load_npz
from nnfs.models.convnet_io import from_json

from .test_digits import PRETRAINED, ROOT, answer, digits, set_field, stroke  # noqa: F401 - digits: the fixture

CONVNET = ROOT / "static" / "models" / "pretrained-conv.json"
TEST_NPZ = ROOT / "static" / "data" / "mnist-test.npz"


def test_the_convnet_answers_beside_the_chosen_network_as_cpython_does(digits):  # noqa: F811 - the fixture
    page = digits.page
    page.wait_for_function(
        "document.getElementById('dg-conv-note').textContent.includes('convolutional')", timeout=60_000
    )
    assert PRETRAINED.exists()
    net = from_json(CONVNET.read_bytes())
    images, labels = load_npz(TEST_NPZ)
    for index in (0, 18, 247):
        set_field(page, "#dg-image", str(index))
        page.click("#dg-read-test")
        want = net.feedforward(images[index : index + 1], scale=SCALE)[0]
        got = np.array([float(v) for v in page.get_attribute("#dg-conv-answer", "data-outputs").split(",")])
        assert np.max(np.abs(got - want)) < 1e-12
        digit = int(np.argmax(want))
        assert page.get_attribute("#dg-conv-answer", "data-digit") == str(digit)
        assert f"{digit} ({100 * want[digit]:.1f} % sure)" == page.inner_text("#dg-conv-answer")
        agrees = "agrees with" if answer(page) == str(digit) else "differs from"
        assert agrees in page.inner_text("#dg-conv-note")
    page.click("#dg-clear")
    assert page.get_attribute("#dg-conv-answer", "data-digit") == ""
    stroke(page, [(140, 40 + 10 * i) for i in range(21)])
    assert page.get_attribute("#dg-conv-answer", "data-digit") == "1"
    page.click("#dg-clear")
