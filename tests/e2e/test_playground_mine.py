"""The Playground trains with the learner's own backprop and sgd_step (issue 13), in the training worker.

One browser context for the file (its own storage), in order: the toggle is
off with a reason until both exercises pass; a person passes them by typing
the reference solutions and XOR learns on their code; then code put straight
into the stored progress (as a learner's passing code would be) shows that the
run really is theirs (a step that changes nothing changes nothing), that their
exception stops the run with their lines, and that an endless loop in the
worker is noticed, the worker restarted, and the page goes on.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from nnfs.labs.exercises import catalogue as exercises
from nnfs.labs.playground.config import Config, to_hash
from tests.e2e.conftest import open_app
from tests.e2e.test_exercises import check, open_exercise, type_code, wait_checker

XOR = to_hash(Config(data="xor", cost="quadratic", act="sigmoid", layers=(4,), eta=3.0, epochs=300))
CROSS = to_hash(Config(data="xor", cost="cross-entropy", act="sigmoid", layers=(4,), eta=2.0))
TRAIN_MS = 120_000


@pytest.fixture(scope="module")
def learner(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    w = open_app(context, server.url, "#playground/" + XOR)
    yield w
    context.close()


def stats(page, key):
    return page.get_attribute("#pg-stats", f"data-{key}")


def wait_worker(page):
    page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=TRAIN_MS)


def store(page, sgd_step: str, backprop: str | None = None):
    """Put passing code in the learner's stored progress and reload (what passing the checks leaves)."""
    record = {
        "current": "sgd",
        "exercises": {
            "backprop": {"passed": backprop or exercises.get("backprop").solution},
            "sgd": {"passed": sgd_step},
        },
        "use": {"sgd_step": True},
    }
    page.evaluate("t => localStorage.setItem('nnfs.labs.exercises.catalogue.v1', t)", json.dumps(record))
    page.reload()
    page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=90_000)
    wait_worker(page)


def train_until(page, epochs: int):
    page.fill("#pg-epochs", str(epochs))
    page.press("#pg-epochs", "Enter")
    page.click("#pg-train")
    page.wait_for_function(
        "['done', 'stopped'].includes(document.getElementById('pg-stats').dataset.state)", timeout=TRAIN_MS
    )


def test_the_toggle_waits_for_both_exercises(learner):
    page = learner.page
    toggle = page.locator("#pg-mine")
    expect(toggle).to_be_disabled()
    expect(toggle).to_have_accessible_name("Train with my backprop and sgd_step")
    expect(page.locator("#pg-mine-note")).to_contain_text("exercises 8 and 9")


def test_a_learner_passes_backprop_and_sgd_step_and_xor_learns_on_their_code(learner):
    page = learner.page
    learner.goto_lab("exercises", "backprop")
    wait_checker(page)
    for key in ("backprop", "sgd"):
        open_exercise(page, key)
        type_code(page, exercises.get(key).solution)
        assert check(page).startswith("✓ Passed.")
    learner.goto_lab("playground", CROSS)  # the default cost: not what their backprop computes
    toggle = page.locator("#pg-mine")
    expect(toggle).to_be_disabled()
    expect(page.locator("#pg-mine-note")).to_contain_text("cost to quadratic (it is cross-entropy)")
    learner.goto_lab("playground", XOR)
    wait_worker(page)
    expect(toggle).to_be_enabled()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#pg-stats")).to_have_attribute("data-mine", "true")
    page.fill("#pg-target", "95")
    page.press("#pg-target", "Enter")
    page.fill("#pg-epochs", "300")
    page.press("#pg-epochs", "Enter")
    page.click("#pg-train")
    expect(page.locator("#pg-status")).to_contain_text("Training with your code")
    page.wait_for_function(
        "['done', 'stopped'].includes(document.getElementById('pg-stats').dataset.state)", timeout=TRAIN_MS
    )
    assert float(stats(page, "test-acc")) >= 0.95, page.inner_text("#pg-status")
    steps = int(stats(page, "learner-steps"))
    assert steps == 14 * int(stats(page, "epoch"))  # 140 training points, mini-batch 10: 14 of their steps an epoch
    expect(page.locator("#pg-mine-note")).to_contain_text(f"Your sgd_step has taken {steps} steps")
    print(f"\nXOR learnt on the learner's code: epoch {stats(page, 'epoch')}, {page.inner_text('#pg-speed')}")
    page.click("#pg-reset")
    toggle.click()  # off: the core trains, and their counter is gone
    expect(page.locator("#pg-stats")).to_have_attribute("data-mine", "false")
    train_until(page, 5)
    assert stats(page, "learner-steps") == ""


NO_STEP = "def sgd_step(weights, biases, x, y, eta):\n    return weights, biases\n"


def weights(page):
    """The weights the page holds (its model file), as nested lists."""
    model = json.loads(page.text_content("#pg-model-json"))
    return model["weights"], model["biases"]


def test_a_step_that_changes_nothing_changes_nothing(learner):
    """Their code is the one used: with an sgd_step that returns the weights unchanged,
    5 epochs (70 of their steps) leave every weight as it was; the core's step moves them."""
    page = learner.page
    store(page, NO_STEP)
    learner.goto_lab("playground", XOR)
    expect(page.locator("#pg-mine")).to_have_attribute("aria-pressed", "true")
    start = weights(page)
    train_until(page, 5)
    assert stats(page, "epoch") == "5"
    assert int(stats(page, "learner-steps")) == 5 * 14
    assert weights(page) == start
    page.click("#pg-mine")  # off: the core's step goes on from the same weights
    expect(page.locator("#pg-stats")).to_have_attribute("data-mine", "false")
    train_until(page, 6)
    assert stats(page, "epoch") == "6"
    assert weights(page) != start


RAISES = exercises.get("sgd").solution.replace(
    "    nabla_b, nabla_w = backprop",
    "    if eta > 1:\n        raise ValueError('eta too big for me')\n    nabla_b, nabla_w = backprop",
)


def test_their_exception_stops_the_run_with_their_lines(learner):
    page = learner.page
    store(page, RAISES)
    learner.goto_lab("playground", XOR)
    page.click("#pg-train")
    status = page.locator("#pg-status")
    expect(status).to_contain_text("Your code raised an exception while training (mini-batch 1 of epoch 1)")
    text = status.inner_text()
    assert "line 4 of your sgd_step, in sgd_step" in text and "raise ValueError('eta too big for me')" in text
    assert "ValueError: eta too big for me" in text and "nnfs" not in text
    expect(page.locator("#pg-stats")).to_have_attribute("data-state", "stopped")
    expect(page.locator("#pg-train")).to_be_disabled()
    page.fill("#pg-eta", "0.5")  # a learning rate their code accepts: Reset and it trains
    page.press("#pg-eta", "Enter")
    page.click("#pg-reset")
    train_until(page, 3)
    assert stats(page, "epoch") == "3" and int(stats(page, "learner-steps")) == 3 * 14


HANGS = exercises.get("sgd").solution.replace(
    "    nabla_b, nabla_w = backprop", "    while eta > 1:\n        pass\n    nabla_b, nabla_w = backprop"
)


@pytest.mark.allow_console_errors
def test_an_endless_loop_in_the_worker_is_stopped_and_the_page_goes_on(learner):
    page = learner.page
    store(page, HANGS)
    learner.goto_lab("playground", XOR)
    page.click("#pg-train")
    status = page.locator("#pg-status")
    expect(status).to_contain_text("Training with your code")
    expect(page.locator("#pg-pause")).to_be_enabled()
    page.fill("#pg-eta", "fast")  # the page's own thread answers while the worker is stuck
    expect(page.locator("#pg-eta-error")).not_to_be_empty()
    page.fill("#pg-eta", "3")
    expect(status).to_contain_text("did not answer", timeout=30_000)
    expect(status).to_contain_text("the training worker was stopped and a fresh one started")
    assert page.evaluate("document.documentElement.dataset.workerRestarts") == "1"
    expect(page.locator("#pg-stats")).to_have_attribute("data-state", "stopped")
    wait_worker(page)
    page.click("#pg-mine")  # off: the core trains on the fresh worker
    page.click("#pg-reset")
    train_until(page, 2)
    assert stats(page, "epoch") == "2", page.inner_text("#pg-status")
    assert learner.foreign_requests == []
    assert re.search(r"epochs/s", page.inner_text("#pg-speed"))
