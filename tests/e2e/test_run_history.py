"""The run history under the Playground's curves: runs kept, pinned, overlaid, rerun, stored, exported, imported.

Each test starts in its own browser context, so its storage (where the history
lives) starts empty and no other test's runs show up.
"""

from __future__ import annotations

import json

from .conftest import NO_SERVICE_WORKER, open_app

STATE = "data=xor&eta=3&epochs=10"  # XOR is learnt at η = 3 and 5 (no "got nowhere" stop)
KEY = "nnfs-runs-playground"


def _train(page) -> None:
    page.click("#pg-train")
    page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'done'", timeout=180_000)


def _count(page) -> int:
    return int(page.get_attribute("#pg-runs", "data-count"))


def _wait_count(page, n: int) -> None:
    page.wait_for_function(f"document.getElementById('pg-runs').dataset.count === '{n}'", timeout=30_000)


def _stored(page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))


def _series(page, which: str) -> dict:
    return json.loads(page.get_attribute(f"#pg-runs-{which}", "data-series"))


def _set_eta(page, text: str) -> None:
    page.fill("#pg-eta", text)
    page.press("#pg-eta", "Enter")


def _two_runs(app) -> object:
    app.goto_lab("playground", STATE)
    page = app.page
    page.select_option("#pg-pace", "max")
    page.click("#pg-reset")
    _train(page)
    _wait_count(page, 1)
    _set_eta(page, "5")
    page.click("#pg-reset")
    _train(page)
    _wait_count(page, 2)
    return page


def test_two_runs_pinned_overlay_with_their_difference_and_survive_a_reload(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        app = open_app(context, server.url)
        page = _two_runs(app)
        # The newest run is listed first; both are kept with their settings and seeds.
        runs = _stored(page)["runs"]
        assert [r["settings"]["eta"] for r in runs] == ["3", "5"]
        assert [r["ended"] for r in runs] == ["limit", "limit"]
        assert [r["curves"]["epoch"][-1] for r in runs] == [10, 10]
        assert page.get_attribute("#pg-runs-loss", "data-series") and _series(page, "loss")["series"] == []
        for run_id in (1, 2):
            page.click(f"#pg-runs-list button[data-run='{run_id}'][data-action='pin']")
        page.wait_for_function("document.getElementById('pg-runs').dataset.pinned === '[1,2]'")
        assert page.get_attribute("#pg-runs-list button[data-run='1'][data-action='pin']", "aria-pressed") == "true"
        for which, metric in (("loss", "test_loss"), ("acc", "test_acc")):
            chart = _series(page, which)
            assert chart["metric"] == metric
            assert [s["label"] for s in chart["series"]] == ["η = 3", "η = 5"]  # only what differs
            for s, run_id in zip(chart["series"], (1, 2)):
                last = json.loads(page.get_attribute(f"#pg-runs-list tr[data-run-id='{run_id}']", "data-last"))
                assert s["last"] == last[metric] and s["last_epoch"] == 10 and s["points"] == 11
        # The second run is the one the lab shows: its last test accuracy is the page's figure.
        shown = float(page.get_attribute("#pg-stats", "data-test-acc"))  # written with 6 decimals
        assert abs(_series(page, "acc")["series"][1]["last"] - shown) <= 5e-7
        # The training set's curves on request.
        page.select_option("#pg-runs-set", "train")
        assert _series(page, "loss")["metric"] == "train_loss"
        # Rename, then a reload keeps names, pins and curves.
        page.fill("#pg-runs-list input[data-run='2']", "slow")
        page.press("#pg-runs-list input[data-run='2']", "Enter")
        page.wait_for_function("localStorage.getItem('nnfs-runs-playground').includes('\"slow\"')")
        before = _stored(page)
        page.reload()
        page.wait_for_function("document.documentElement.dataset.labsReady", timeout=90_000)
        assert _count(page) == 2
        assert page.get_attribute("#pg-runs", "data-pinned") == "[1,2]"
        assert page.input_value("#pg-runs-list input[data-run='2']") == "slow"
        assert _stored(page) == before
    finally:
        context.close()


def test_a_rerun_from_the_same_seed_gives_identical_curves(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        app = open_app(context, server.url)
        page = _two_runs(app)
        page.click("#pg-runs-list button[data-run='1'][data-action='rerun']")
        assert "same initial weights" in page.inner_text("#pg-runs-message")
        assert page.input_value("#pg-eta") == "3"  # run 1's settings are back in the controls
        _train(page)
        _wait_count(page, 3)
        first, _, again = _stored(page)["runs"]
        assert again["settings"] == first["settings"] and again["seed"] == first["seed"]
        for metric, values in first["curves"].items():
            if metric != "seconds":  # (wall time differs, of course)
                assert again["curves"][metric] == values, metric
    finally:
        context.close()


def test_export_then_import_in_a_fresh_context_and_bad_files_change_nothing(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    other = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        app = open_app(context, server.url)
        page = _two_runs(app)
        page.click("#pg-runs-list button[data-run='2'][data-action='pin']")
        with page.expect_download() as info:
            page.click("#pg-runs-export")
        path = tmp_path / "runs.json"
        info.value.save_as(path)
        exported = json.loads(path.read_text())
        assert exported == _stored(page)

        fresh = open_app(other, server.url)
        page2 = fresh.page
        fresh.goto_lab("playground")
        assert _count(page2) == 0
        page2.set_input_files("#pg-runs-file", str(path))
        _wait_count(page2, 2)
        assert "Imported 2 runs" in page2.inner_text("#pg-runs-message")
        assert page2.get_attribute("#pg-runs", "data-pinned") == "[2]"
        assert [r["curves"] for r in _stored(page2)["runs"]] == [r["curves"] for r in exported["runs"]]
        # The same file again adds nothing.
        page2.set_input_files("#pg-runs-file", str(path))
        page2.wait_for_function("document.getElementById('pg-runs-message').textContent.includes('already here')")
        assert _count(page2) == 2

        stored = page2.evaluate(f"localStorage.getItem('{KEY}')")
        bad = dict(exported)
        bad["runs"] = [dict(exported["runs"][0], seed=-4)]
        for name, content, says in [
            ("broken.json", b"{", "not valid JSON"),
            ("hostile.json", json.dumps(bad).encode(), "seed must be a whole number"),
            ("model.json", b'{"format": "nnfs-network"}', "missing"),
        ]:
            page2.set_input_files(
                "#pg-runs-file", files=[{"name": name, "mimeType": "application/json", "buffer": content}]
            )
            page2.wait_for_function(
                f"document.getElementById('pg-runs-message').textContent.includes({json.dumps(name)})"
            )
            message = page2.inner_text("#pg-runs-message")
            assert says in message and "unchanged" in message, message
            assert "bad" in page2.get_attribute("#pg-runs-message", "class")
            assert _count(page2) == 2
            assert page2.evaluate(f"localStorage.getItem('{KEY}')") == stored
    finally:
        context.close()
        other.close()


def test_corrupt_storage_gets_a_message_and_the_page_still_works(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        context.add_init_script(f"localStorage.setItem('{KEY}', '{{\"format\": \"nnfs-runs\", \"version\": 9}}')")
        app = open_app(context, server.url)
        page = app.page
        app.goto_lab("playground", STATE)
        assert "could not be read" in page.inner_text("#pg-runs-message")
        assert _count(page) == 0
        page.select_option("#pg-pace", "max")
        _train(page)
        _wait_count(page, 1)
        assert _stored(page)["version"] == 1  # the next run replaced the unreadable copy
    finally:
        context.close()


def test_digits_runs_are_kept_overlaid_and_rerun_from_the_same_seed(browser, server):
    """The Digits lab keeps its runs the same way: two short runs that differ in η, overlaid
    with that difference as the legend, the shown run's last test accuracy the epoch log's,
    and Rerun of the first gives its curves again exactly (same seed, same initial weights)."""
    from .conftest import DIGITS_LOADED

    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        app = open_app(
            context, server.url, "#digits/layers=20&cost=cross-entropy&init=scaled&eta=0.5&epochs=1&subset=1000"
        )
        page = app.page
        page.wait_for_function(DIGITS_LOADED, timeout=180_000)
        assert page.get_attribute("#dg-runs", "data-count") == "0"

        def train(n: int) -> None:
            page.click("#dg-train")
            page.wait_for_function("document.getElementById('dg-run').dataset.state === 'done'", timeout=240_000)
            page.wait_for_function(f"document.getElementById('dg-runs').dataset.count === '{n}'", timeout=30_000)

        train(1)
        page.fill("#dg-eta", "1")
        page.dispatch_event("#dg-eta", "change")
        train(2)
        runs = json.loads(page.evaluate("localStorage.getItem('nnfs-runs-digits')"))["runs"]
        assert [r["settings"]["eta"] for r in runs] == ["0.5", "1"]
        assert [r["ended"] for r in runs] == ["limit", "limit"]
        for run_id in (1, 2):
            page.click(f"#dg-runs-list button[data-run='{run_id}'][data-action='pin']")
        page.wait_for_function("document.getElementById('dg-runs').dataset.pinned === '[1,2]'")
        chart = json.loads(page.get_attribute("#dg-runs-acc", "data-series"))
        assert chart["metric"] == "test_acc"
        assert [s["label"] for s in chart["series"]] == ["η = 0.5", "η = 1"]  # only what differs
        logged = float(page.get_attribute("#dg-epoch-log tr[data-epoch='1']", "data-test-accuracy"))
        assert abs(chart["series"][1]["last"] - logged) <= 1e-9
        # Rerun the first: its settings come back into the form, and the same seed gives the same curves.
        page.click("#dg-runs-list button[data-run='1'][data-action='rerun']")
        assert page.input_value("#dg-eta") == "0.5"
        train(3)
        first, _, again = json.loads(page.evaluate("localStorage.getItem('nnfs-runs-digits')"))["runs"]
        assert again["settings"] == first["settings"]
        for metric, values in first["curves"].items():
            if metric != "seconds":
                assert again["curves"][metric] == values, metric
        assert not app.console_errors, app.console_errors
    finally:
        context.close()


# --- a reload mid-run (issue 22, item 3) ---------------------------------------------------

IN_PROGRESS = "nnfs-run-in-progress-"


def _saved(page, lab: str):
    """The run in progress the page keeps in the browser, read by the core's own checked reader."""
    from nnfs.runs import in_progress

    text = page.evaluate(f"localStorage.getItem('{IN_PROGRESS}{lab}')")
    return None if text is None else in_progress.read(text, lab)


def _reload_expecting(page, dialogs: list, expect: bool) -> None:
    """Reload as a person would; the browser's "Leave site?" is accepted when it comes."""
    before = len(dialogs)
    page.reload()
    page.wait_for_function("document.documentElement.dataset.labsReady", timeout=90_000)
    came = [d for d in dialogs[before:]]
    assert came == (["beforeunload"] if expect else []), came


def _errors(app) -> list:
    """Console errors, less the 404 of a model file this copy may not have yet (the Chapter 6
    lab's pretrained convnet is made by ``./run setup``; its absence is explained in that lab)."""
    return [e for e in app.console_errors if "status of 404" not in e]


def _accepting(page) -> list:
    dialogs: list = []

    def on_dialog(d):
        dialogs.append(d.type)
        d.accept()

    page.on("dialog", on_dialog)
    return dialogs


def test_playground_reload_mid_run_asks_first_keeps_it_as_interrupted_and_continue_goes_on(browser, server):
    """A Playground run reloaded mid-way: the browser asks first; after the reload the run is in
    "Your runs" as interrupted with the curves it had, and Continue puts its network back (the
    weights the page saved, bit for bit) and trains on to the end, as an uninterrupted run does."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        app = open_app(context, server.url)
        page = app.page
        dialogs = _accepting(page)
        app.goto_lab("playground", "data=xor&eta=3&epochs=300&layers=5")
        assert page.evaluate("document.documentElement.dataset.leaveGuard || 'off'") == "off"
        _reload_expecting(page, dialogs, expect=False)  # idle: no question
        app.goto_lab("playground", "data=xor&eta=3&epochs=300&layers=5")
        page.select_option("#pg-pace", "30")
        page.click("#pg-train")
        page.wait_for_function("document.documentElement.dataset.leaveGuard === 'on'")
        page.wait_for_function(
            f"(localStorage.getItem('{IN_PROGRESS}playground') || '').includes('\"epoch\":') "
            "&& +document.getElementById('pg-stats').dataset.epoch >= 20",
            timeout=60_000,
        )
        assert page.get_attribute("#pg-stats", "data-state") == "running"
        saved = _saved(page, "playground")
        assert saved.record.ended == "interrupted" and 1 <= saved.epoch < 300
        _reload_expecting(page, dialogs, expect=True)  # training: the browser asks first

        app.goto_lab("playground")
        assert page.evaluate("document.documentElement.dataset.leaveGuard") != "on"
        offer = page.locator("#pg-resume-offer")
        assert offer.is_visible()
        assert page.get_attribute("#pg-resume", "data-state") == "offer"
        text = page.inner_text("#pg-resume-text")
        assert f"cut off at epoch {saved.epoch}" in text and "Continue training" in text
        # Kept in Your runs as interrupted, with the curves it had.
        assert _count(page) == 1
        (run,) = _stored(page)["runs"]
        assert run["ended"] == "interrupted" and run["curves"]["epoch"][-1] == saved.epoch
        assert page.inner_text("#pg-runs-list tr[data-run-id='1'] td[data-label='ended']") == "interrupted"
        stored_again = _saved(page, "playground")
        assert stored_again.run_id == 1 and stored_again.weights == saved.weights

        page.select_option("#pg-pace", "max")
        page.click("#pg-resume-continue")
        # The network and its picture are back at once: the model shown holds the saved weights.
        shown = json.loads(page.text_content("#pg-model-json"))
        flat = [x for layer in shown["weights"] for row in layer for x in row] + [
            x for layer in shown["biases"] for x in layer
        ]
        assert flat == list(saved.parameters())
        assert page.get_attribute("#pg-resume", "data-state") == "none"
        page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'done'", timeout=180_000)
        assert _count(page) == 1  # the same run, updated
        (run,) = _stored(page)["runs"]
        assert run["ended"] == "limit" and run["curves"]["epoch"][-1] == 300
        assert page.evaluate(f"localStorage.getItem('{IN_PROGRESS}playground')") is None  # it ended
        assert page.evaluate("document.documentElement.dataset.leaveGuard") == "off"

        # The same settings and seed, never interrupted, give the same curves (time aside; the
        # mean mini-batch cost of the epoch it was saved in counts only the batches after it).
        page.click("#pg-runs-list button[data-run='1'][data-action='rerun']")
        _train(page)
        _wait_count(page, 2)
        resumed, whole = _stored(page)["runs"]
        for metric in ("train_loss", "train_acc", "test_loss", "test_acc", "epoch"):
            assert resumed["curves"][metric] == whole["curves"][metric], metric
        _reload_expecting(page, dialogs, expect=False)  # idle again: no question
        assert not _errors(app), _errors(app)
    finally:
        context.close()


def test_dismiss_and_bad_stored_runs_in_progress_get_a_message_and_are_discarded(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        context.add_init_script(
            "if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1');"
            f"localStorage.setItem('{IN_PROGRESS}playground', '{{\"format\": \"nnfs-run-in-progress\", \"version\": 7}}');"
            f"localStorage.setItem('{IN_PROGRESS}digits', '{{not json'); }}"
        )
        app = open_app(context, server.url)
        page = app.page
        app.goto_lab("playground", STATE)
        message = page.inner_text("#pg-resume-message")
        assert "could not be read" in message and "another version" in message and "discarded" in message
        assert page.get_attribute("#pg-resume", "data-state") == "none"
        assert _count(page) == 0
        app.goto_lab("digits")
        assert "could not be read" in page.inner_text("#dg-resume-message")
        for lab in ("playground", "digits"):
            assert page.evaluate(f"localStorage.getItem('{IN_PROGRESS}{lab}')") is None

        # A good one: offered; Dismiss forgets the weights, the run stays in Your runs.
        app.goto_lab("playground", STATE + "&epochs=400&pace=30")
        dialogs = _accepting(page)
        page.click("#pg-train")
        page.wait_for_function(f"localStorage.getItem('{IN_PROGRESS}playground') !== null", timeout=60_000)
        _reload_expecting(page, dialogs, expect=True)
        app.goto_lab("playground")
        assert page.get_attribute("#pg-resume", "data-state") == "offer"
        page.click("#pg-resume-dismiss")
        assert page.get_attribute("#pg-resume", "data-state") == "none"
        assert "stays in" in page.inner_text("#pg-resume-message")
        assert page.evaluate(f"localStorage.getItem('{IN_PROGRESS}playground')") is None
        assert _count(page) == 1
        _reload_expecting(page, dialogs, expect=False)
        app.goto_lab("playground")
        assert page.get_attribute("#pg-resume", "data-state") == "none" and _count(page) == 1
    finally:
        context.close()


def test_digits_reload_mid_run_keeps_it_and_continue_reads_with_its_weights_then_trains_on(browser, server):
    """A Digits run reloaded after its second epoch: kept as interrupted with its two epochs;
    Continue makes its saved weights "your network" (the pad's answer to a test image is the
    one CPython computes from those weights) and trains on to the last epoch, with the
    accuracies an uninterrupted run of the same seed gives."""
    import numpy as np

    from nnfs.data import mnist
    from nnfs.maths.network import Network
    from nnfs.runs.remote import unpack_into

    from .conftest import DIGITS_LOADED, ROOT

    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    state = "#digits/layers=20&cost=cross-entropy&init=scaled&eta=0.5&epochs=8&subset=3000&seed=4"
    try:
        app = open_app(context, server.url, state)
        page = app.page
        dialogs = _accepting(page)
        page.wait_for_function(DIGITS_LOADED, timeout=180_000)
        page.click("#dg-train")
        # Kept in the browser at each epoch's end (after its row is written): wait for epoch 2's.
        page.wait_for_function(
            f"(JSON.parse(localStorage.getItem('{IN_PROGRESS}digits')) || {{}}).epoch >= 2", timeout=240_000
        )
        assert page.get_attribute("#dg-run", "data-state") in ("training", "scoring")
        saved = _saved(page, "digits")
        assert saved is not None and saved.epoch >= 2 and saved.sizes == (784, 20, 10)
        _reload_expecting(page, dialogs, expect=True)

        app.goto_lab("digits")
        page.wait_for_function(DIGITS_LOADED, timeout=180_000)
        assert page.get_attribute("#dg-resume", "data-state") == "offer"
        assert f"cut off at epoch {saved.epoch}" in page.inner_text("#dg-resume-text")
        assert page.get_attribute("#dg-runs", "data-count") == "1"
        (run,) = json.loads(page.evaluate("localStorage.getItem('nnfs-runs-digits')"))["runs"]
        assert run["ended"] == "interrupted" and run["curves"]["epoch"] == list(range(saved.epoch + 1))
        assert "none yet" in page.inner_text("#dg-model option[value='trained']")  # not restored before Continue

        page.click("#dg-resume-continue")
        page.wait_for_function("document.getElementById('dg-using').dataset.model === 'trained'")
        assert page.get_attribute("#dg-run", "data-state") == "loading"  # the worker loads the images first
        page.fill("#dg-image", "0")
        page.dispatch_event("#dg-image", "change")
        page.click("#dg-read-test")
        outputs = [float(v) for v in page.get_attribute("#dg-answer", "data-outputs").split(",")]
        assert page.get_attribute("#dg-run", "data-state") == "loading"  # no training since: the saved weights
        images, _ = mnist.load_npz(ROOT / "static" / "data" / "mnist-test.npz")
        net = unpack_into(Network([784, 20, 10], cost="cross-entropy"), saved.weights)
        want = net.feedforward(images[0].astype(np.float64) * mnist.SCALE)
        assert np.allclose(outputs, np.ravel(want), rtol=1e-7, atol=1e-9)
        assert "your network" in page.inner_text("#dg-model option[value='trained']")

        page.wait_for_function("document.getElementById('dg-run').dataset.state === 'done'", timeout=240_000)
        assert page.eval_on_selector_all("#dg-epoch-log tr", "els => els.length") == 8  # the saved epochs too
        assert page.get_attribute("#dg-runs", "data-count") == "1"  # the same run, updated
        (run,) = json.loads(page.evaluate("localStorage.getItem('nnfs-runs-digits')"))["runs"]
        assert run["ended"] == "limit" and run["curves"]["epoch"][-1] == 8
        assert page.evaluate(f"localStorage.getItem('{IN_PROGRESS}digits')") is None

        page.click("#dg-runs-list button[data-run='1'][data-action='rerun']")
        page.click("#dg-train")
        page.wait_for_function("document.getElementById('dg-runs').dataset.count === '2'", timeout=240_000)
        resumed, whole = json.loads(page.evaluate("localStorage.getItem('nnfs-runs-digits')"))["runs"]
        for metric in ("validation_acc", "test_acc", "validation_loss", "test_loss"):
            assert resumed["curves"][metric] == whole["curves"][metric], metric
        _reload_expecting(page, dialogs, expect=False)
        assert not _errors(app), _errors(app)
    finally:
        context.close()


def test_a_full_storage_gets_a_message_and_training_goes_on(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        app = open_app(context, server.url)
        page = app.page
        app.goto_lab("playground", STATE + "&epochs=400&pace=30")
        # Fill the page's storage to the last few bytes, as years of use might.
        page.evaluate(
            """() => { let size = 1 << 20, i = 0;
              while (size >= 4) { try { localStorage.setItem('filler' + i++, 'x'.repeat(size)); }
                                  catch (e) { size = size >> 1; } } }"""
        )
        page.click("#pg-train")
        page.wait_for_function(
            "document.getElementById('pg-resume-message').textContent.includes('full')", timeout=60_000
        )
        assert "bad" in page.get_attribute("#pg-resume-message", "class")
        assert page.get_attribute("#pg-stats", "data-state") == "running"  # the run goes on
        assert page.evaluate(f"localStorage.getItem('{IN_PROGRESS}playground')") is None
        assert not page.locator("#app-error").is_visible()
        page.click("#pg-pause")
        page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'paused'")
        assert _count(page) == 1  # kept on the page, though not in the browser's storage
        assert not _errors(app), _errors(app)
    finally:
        context.close()
