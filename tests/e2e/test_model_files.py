"""Hostile and huge model files through the Digits lab's Load button (issue 8, item 5).

Each file is chosen as a person would (the Load button, then the file chooser),
and each must end in a message where the user looks, within a time that shows
the reading is linear: once a 200 KB file of escaped quotes froze the tab for
218 s, a valid model padded to 49.9 MB failed with a bare MemoryError, and a
model whose outputs overflow became active and then failed on every digit.
The times are printed (run with -s to see them); the bounds asserted are loose
on purpose, since the machine may be shared.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from nnfs.maths.network import Network
from nnfs.models import model_io

from .conftest import DIGITS_LOADED, NO_SERVICE_WORKER, open_app

MAX_MODEL_BYTES = 50_000_000  # the Digits lab's stated limit
BIG = 49_900_000
LOAD_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def page(browser, server):
    """A page of its own: 50 MB files should not weigh on the page other tests share."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    app = open_app(context, server.url)
    app.goto_lab("digits")
    # Wait until the test set is in and the pretrained model scored, so the times
    # below are the file's alone.
    app.page.wait_for_function(DIGITS_LOADED, timeout=120_000)
    yield app
    context.close()


def digit_model(**changes) -> dict:
    d = json.loads(model_io.to_json(Network([784, 16, 10], cost="cross-entropy", seed=1)))
    d.update(changes)
    return d


def choose(app, path) -> float:
    """Choose ``path`` with the Load button; seconds until the message names the file."""
    page = app.page
    page.evaluate("document.getElementById('dg-model-message').textContent = ''")
    t = time.perf_counter()
    with page.expect_file_chooser() as chooser:
        page.click("#dg-load")
    chooser.value.set_files(str(path))
    page.wait_for_function(
        f"document.getElementById('dg-model-message').textContent.includes({json.dumps(path.name)})",
        timeout=LOAD_TIMEOUT_MS,
        polling=50,
    )
    return time.perf_counter() - t


def message(app) -> tuple[str, str]:
    el = "document.getElementById('dg-model-message')"
    return app.page.evaluate(f"[{el}.dataset.kind, {el}.textContent]")


def using(app) -> str:
    return app.page.get_attribute("#dg-using", "data-model")


def test_an_unterminated_string_of_escaped_quotes_is_rejected_quickly(page, tmp_path):
    path = tmp_path / "quotes.json"
    path.write_text('"' + '\\"' * 100_000)  # 200 KB: froze the tab for 218 s
    before = using(page)
    seconds = choose(page, path)
    kind, text = message(page)
    print(f"\n200 KB file of escaped quotes rejected in the page in {seconds:.2f} s")
    assert kind == "bad" and "not valid JSON: Unterminated string" in text and "unchanged" in text, text
    assert using(page) == before
    assert seconds < 60
    assert not page.console_errors


def test_a_model_padded_to_49_9_mb_with_values_is_refused_with_a_message(page, tmp_path):
    # 25 million zeros in meta: parsed, ~1 GB of Python objects. Refused before parsing.
    head = json.dumps(digit_model())[:-1] + ', "meta": {"pad": ['
    n = (BIG - len(head) - 4) // 2
    path = tmp_path / "padded_values.json"
    path.write_text(head + "0," * n + "0]}}")
    assert path.stat().st_size <= MAX_MODEL_BYTES
    before = using(page)
    seconds = choose(page, path)
    kind, text = message(page)
    print(f"\n{path.stat().st_size / 1e6:.1f} MB model padded with zeros rejected in the page in {seconds:.2f} s")
    assert kind == "bad" and "more than 5,000,000 values" in text and "unchanged" in text, text
    assert using(page) == before
    assert seconds < 120
    assert not page.console_errors


@pytest.mark.parametrize("padding", ["string", "spaces"])
def test_a_valid_model_padded_to_49_9_mb_loads(page, tmp_path, padding):
    # A 49.9 MB string in meta once needed 6.8 GB in the nesting check (MemoryError);
    # spaces are what a pretty-printer adds. Both are valid models under the limit.
    d = digit_model()
    if padding == "string":
        d["meta"] = {"note": ""}
        text = json.dumps(d)
        text = text.replace('"note": ""', '"note": "' + "x" * (BIG - len(text)) + '"')
    else:
        text = json.dumps(d)
        text = text[:-1] + " " * (BIG - len(text)) + "}"
    path = tmp_path / f"padded_{padding}.json"
    path.write_text(text)
    assert path.stat().st_size == BIG
    seconds = choose(page, path)
    kind, text = message(page)
    print(f"\n49.9 MB valid model padded with {padding} loaded in the page in {seconds:.2f} s")
    assert kind == "good" and text.startswith(f"Loaded {path.name}: [784, 16, 10]"), text
    assert using(page) == "file"
    assert seconds < 120
    assert not page.console_errors


def test_a_model_whose_outputs_overflow_is_refused_and_the_old_one_keeps_reading(page, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(digit_model()))
    choose(page, good)
    assert message(page)[0] == "good" and using(page) == "file"
    page.page.fill("#dg-image", "3")
    page.page.dispatch_event("#dg-image", "change")
    page.page.click("#dg-read-test")
    outputs = page.page.get_attribute("#dg-answer", "data-outputs")
    assert outputs

    d = digit_model(output_activation="linear", cost="quadratic")
    w = np.array(d["weights"][0])
    w[:, :8] = 1e308  # every hidden sum overflows
    d["weights"][0] = w.tolist()
    huge = tmp_path / "huge_weights.json"
    huge.write_text(json.dumps(d))
    choose(page, huge)
    kind, text = message(page)
    assert kind == "bad" and "weights are too large" in text and "unchanged" in text, text
    assert page.page.get_attribute("#dg-using", "data-model") == "file"
    page.page.click("#dg-read-test")
    assert page.page.get_attribute("#dg-answer", "data-outputs") == outputs
    assert not page.console_errors


def test_a_model_with_a_utf8_byte_order_mark_loads(page, tmp_path):
    path = tmp_path / "with_bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(digit_model()).encode())
    choose(page, path)
    kind, text = message(page)
    assert kind == "good" and text.startswith(f"Loaded {path.name}"), text
    assert not page.console_errors


def test_a_file_over_the_limit_is_refused_before_it_is_read(page, tmp_path):
    path = tmp_path / "too_big.json"
    with open(path, "wb") as f:
        f.truncate(MAX_MODEL_BYTES + 400_000)  # sparse: no 50 MB written to disk
    choose(page, path)
    kind, text = message(page)
    # (The Digits glue prefixes "the file was not loaded: ", as it does not know the name yet.)
    assert kind == "bad" and f"{path.name} is 50.4 MB; at most 50 MB is read" in text, text
    assert not page.console_errors
