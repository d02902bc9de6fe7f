"""nnfs.runs.in_progress and the resumption it feeds: a run saved part way goes on exactly.

The reference for "exactly" is a run that was never interrupted: the Playground's
``train`` (a fresh network and Trainer, epoch after epoch, no engine, no worker).
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

from nnfs.labs.playground.config import from_hash
from nnfs.labs.playground.session import train
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer
from nnfs.runs import history as rh
from nnfs.runs import in_progress as ip
from nnfs.runs import kinds  # noqa: F401 - registers the session kinds
from nnfs.runs.remote import Sessions, pack, unpack_into

STATE = "data=circles&n=120&noise=0.1&layers=5,3&act=tanh&eta=0.5&batch=8&l2=0.1&seed=3&dseed=2"
CONFIG = from_hash(STATE)[0]
SIZES = tuple(CONFIG.sizes)


def _spec(resume=None) -> str:
    return json.dumps({"lab": "playground", "config": CONFIG.values(), **({"resume": resume} if resume else {})})


def _run_to(sessions: Sessions, sid: int, epoch: int, budget: float = 0.01) -> dict:
    while True:
        p = json.loads(sessions.run(sid, budget, until_epoch=epoch, since=0))
        if p["ended"]:
            return p


def _saved(sessions: Sessions, sid: int, p: dict, batches_done: int = 0, run_id=None) -> ip.SavedRun:
    return ip.saved_run(
        "playground",
        {"eta": "0.5"},
        CONFIG.seed,
        p["history"],
        p["train_seconds"],
        SIZES,
        sessions.weights(sid),
        batches_done,
        "The page was reloaded.",
        run_id,
    )


def _same_weights(a, b) -> None:
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(x, y)


# ------------------------------------------------------------- the trainer's replay


def test_a_fast_forwarded_trainer_takes_the_mini_batches_an_uninterrupted_one_takes():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(53, 2)), rng.integers(0, 2, 53)
    straight = Network([2, 4, 2], seed=5)
    t = Trainer(straight, X, y, 7, 0.5, seed=9)
    t.train_epoch()
    t.train_epoch()
    t.step(3)  # epoch 2 + 3 mini-batches: the point where the page was reloaded
    saved = pack(straight)
    t.train_epoch()
    t.train_epoch()

    resumed = unpack_into(Network([2, 4, 2], seed=123), saved)  # other initial weights, then the saved ones
    r = Trainer(resumed, X, y, 7, 0.5, seed=9)
    r.fast_forward(2, 3)
    assert (r.epoch, r.batches_done) == (2, 3)
    r.train_epoch()
    r.train_epoch()
    _same_weights(resumed, straight)


def test_fast_forward_refuses_a_trainer_that_has_trained_and_positions_out_of_range():
    X, y = np.zeros((20, 2)), np.zeros(20, dtype=int)
    t = Trainer(Network([2, 2]), X, y, 5, seed=1)
    for epoch, done in ((-1, 0), (1, 4), (1, -1), (1.0, 0)):
        with pytest.raises(ValueError):
            t.fast_forward(epoch, done)
    t.step(1)
    with pytest.raises(ValueError, match="not trained yet"):
        t.fast_forward(1)


# ------------------------------------------------------------- resuming in the worker


def test_a_run_saved_at_an_epochs_end_and_resumed_ends_as_an_uninterrupted_run():
    first = Sessions()
    sid = json.loads(first.start(_spec()))["id"]
    p = _run_to(first, sid, 3)
    saved = ip.read(_saved(first, sid, p).to_json(), "playground")  # through the stored text
    assert saved.epoch == 3 and saved.record.ended == "interrupted"

    again = Sessions()  # a new page: a new worker
    q = json.loads(again.start(_spec(saved.resume_spec())))
    assert q["epoch"] == 3 and q["length"] == 4 and q["train_seconds"] == p["train_seconds"]
    assert q["history"] == p["history"]  # the curves it had
    end = _run_to(again, q["id"], 7)
    assert end["epoch"] == 7
    net = unpack_into(Network(list(SIZES)), again.weights(q["id"]))
    _same_weights(net, train(CONFIG, 7))
    # The curves after the resumption are those of an uninterrupted run (time aside).
    plain = Sessions()
    pid = json.loads(plain.start(_spec()))["id"]
    whole = _run_to(plain, pid, 7)
    for key, values in whole["history"].items():
        if key != "seconds":
            assert end["history"][key] == values, key


def test_a_run_saved_mid_epoch_resumes_from_the_same_mini_batch():
    first = Sessions()
    sid = json.loads(first.start(_spec()))["id"]
    p = _run_to(first, sid, 2)
    batches_per_epoch = -(-len(first.sessions[sid].trainer.X) // CONFIG.batch)
    first.sessions[sid].trainer.step(4)  # 4 mini-batches into epoch 3
    p = json.loads(first.progress(sid))
    done = round(p["progress"] * batches_per_epoch)
    assert done == 4
    saved = ip.read(_saved(first, sid, p, done).to_json(), "playground")
    again = Sessions()
    q = json.loads(again.start(_spec(saved.resume_spec())))
    assert q["epoch"] == 2 and q["progress"] == p["progress"]
    _run_to(again, q["id"], 7)
    _same_weights(unpack_into(Network(list(SIZES)), again.weights(q["id"])), train(CONFIG, 7))


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda r: r.update(weights=base64.b64encode(b"\0" * 16).decode()), "numbers"),
        (lambda r: r.update(weights="not base64!"), "base64"),
        (lambda r: r.update(epoch=5), "do not end at epoch 5"),
        (lambda r: r.update(batches_done=10_000), "batches_done"),
        (lambda r: r.pop("history"), "needs weights"),
        (lambda r: r["history"].pop("test_acc"), "saved curves"),
    ],
)
def test_a_resume_entry_that_does_not_fit_the_run_is_refused(change, says):
    first = Sessions()
    sid = json.loads(first.start(_spec()))["id"]
    resume = _saved(first, sid, _run_to(first, sid, 1)).resume_spec()
    change(resume)
    with pytest.raises(ValueError, match=says):
        Sessions().start(_spec(resume))


# ------------------------------------------------------------- the stored format


def _good() -> ip.SavedRun:
    sessions = Sessions()
    sid = json.loads(sessions.start(_spec()))["id"]
    return _saved(sessions, sid, _run_to(sessions, sid, 2), run_id=4)


def test_the_stored_form_reads_back_bit_for_bit():
    s = _good()
    back = ip.read(s.to_json(), "playground")
    assert back.to_json() == s.to_json()
    assert back.weights == s.weights and back.run_id == 4 and back.sizes == SIZES
    assert math.isnan(back.record.curves["minibatch_loss"][0])  # epoch 0's: NaN, stored as null
    assert len(back.to_dict()["weights"]) == ip.weight_chars(SIZES)
    assert ip.n_parameters([784, 100, 10]) == 79_510
    assert ip.weight_chars([784, 100, 10]) == 848_108  # 0.85 MB: fits the browser's storage


def _edit(change) -> str:
    d = _good().to_dict()
    change(d)
    return json.dumps(d)


@pytest.mark.parametrize(
    "text, says",
    [
        ("", "empty"),
        ("{", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ("[" * 50 + "]" * 50, "nested"),
        ('{"format": "nnfs-runs", "version": 1}', "format is"),
        (_edit(lambda d: d.update(version=2)), "another version of the page"),
        (_edit(lambda d: d.pop("epoch")), "missing epoch"),
        (_edit(lambda d: d.update(extra=1)), "unknown key"),
        (_edit(lambda d: d.update(lab="digits")), "not a playground run"),
        (_edit(lambda d: d.update(weights="@@@")), "not base64"),
        (_edit(lambda d: d.update(weights=base64.b64encode(b"\0" * 8).decode())), "network has 41"),
        (_edit(lambda d: d.update(weights=base64.b64encode(np.full(41, np.nan).tobytes()).decode())), "finite"),
        (_edit(lambda d: d.update(sizes=[2, "5", 2])), "sizes must be"),
        (_edit(lambda d: d.update(sizes=[2])), "sizes must be"),
        (_edit(lambda d: d.update(epoch=1)), "not at the saved epoch 1"),
        (_edit(lambda d: d.update(epoch=0)), "epoch must be"),
        (_edit(lambda d: d.update(batches_done=-1)), "batches_done"),
        (_edit(lambda d: d.update(run_id=0)), "run_id"),
        (_edit(lambda d: d["record"].update(ended="limit")), "must end 'interrupted'"),
        (_edit(lambda d: d["record"].update(seed=-1)), "seed must be"),
        (
            _edit(lambda d: d["record"]["curves"]["epoch"].append(9)),
            r"curves\.\w+ holds 3 values but curves.epoch holds 4",
        ),
    ],
)
def test_bad_stored_data_is_one_clear_value_error(text, says):
    with pytest.raises(ValueError, match=says):
        ip.read(text, "playground")


def test_interrupted_is_an_ending_a_history_file_keeps():
    s = _good()
    h = rh.History("playground")
    h.add(s.record)
    back = rh.History.from_json(h.to_json(), "playground")
    assert back.runs[0].ended == "interrupted" and back.runs[0].curves["epoch"] == [0, 1, 2]
    with pytest.raises(ValueError, match="unknown ending"):
        rh.History.from_json(h.to_json().replace('"interrupted"', '"crashed"'), "playground")
