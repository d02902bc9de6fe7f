"""nnfs.labs.exercises.learner_trainer: the Playground trained by the learner's own backprop and sgd_step.

The reference solutions must train exactly as the core does (an independent
implementation: the core's vectorised backprop and in-place update), a
different sgd_step must give different weights (their code is the one used),
and their mistakes must end the run with their own lines, not ours.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnfs.labs.exercises import catalogue as exercises
from nnfs.labs.exercises import learner_trainer as lt
from nnfs.labs.playground.config import Config
from nnfs.labs.playground.session import Session
from nnfs.maths.stops import Stop
from nnfs.runs.remote import Sessions

REFERENCE = {"backprop": exercises.get("backprop").solution, "sgd_step": exercises.get("sgd").solution}
XOR = Config(data="xor", cost="quadratic", act="sigmoid", layers=(4,), eta=3.0, batch=10, seed=1, epochs=300)


def _start(sessions: Sessions, config: Config, code=None) -> int:
    spec = {"lab": "playground", "config": config.values()}
    if code is not None:
        spec["code"] = code
    return json.loads(sessions.start(json.dumps(spec)))["id"]


def _train(sessions: Sessions, sid: int, epochs: int) -> dict:
    return json.loads(sessions.run(sid, 60.0, until_epoch=epochs))


@pytest.mark.parametrize(("data", "layers", "classes"), [("xor", (4,), 2), ("circles", (3, 5), 2), ("blobs", (), 4)])
def test_the_reference_solutions_train_exactly_as_the_core(data, layers, classes):
    config = Config(
        data=data, classes=classes, cost="quadratic", act="sigmoid", layers=layers, eta=3.0, batch=7, seed=5
    )
    sessions = Sessions()
    core, mine = _start(sessions, config), _start(sessions, config, REFERENCE)
    p_core, p_mine = _train(sessions, core, 20), _train(sessions, mine, 20)
    assert p_core["epoch"] == p_mine["epoch"] == 20
    assert p_core["learner_steps"] is None
    n_train = len(sessions.sessions[mine].data.X_train)
    assert p_mine["learner_steps"] == 20 * -(-n_train // 7)  # every mini-batch was their step
    a, b = sessions.network(core), sessions.network(mine)
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(wb, wa, rtol=0, atol=1e-12)
    assert not np.allclose(a.weights[0], Session(config).network.weights[0])  # it did train
    np.testing.assert_allclose(p_mine["history"]["minibatch_loss"][1:], p_core["history"]["minibatch_loss"][1:])


def test_the_reference_solutions_learn_xor():
    sessions = Sessions()
    sid = _start(sessions, XOR, REFERENCE)
    p = _train(sessions, sid, 300)
    assert p["history"]["test_acc"][-1] >= 0.95, p["history"]["test_acc"][-5:]


def test_a_different_sgd_step_gives_different_weights():
    """Half the step (eta / 2 inside their code): the run is theirs, not the core's."""
    half = {**REFERENCE, "sgd_step": REFERENCE["sgd_step"].replace("w - eta * nw", "w - eta / 2 * nw")}
    sessions = Sessions()
    ref, mine = _start(sessions, XOR, REFERENCE), _start(sessions, XOR, half)
    _train(sessions, ref, 3)
    _train(sessions, mine, 3)
    a, b = sessions.network(ref), sessions.network(mine)
    assert np.max(np.abs(b.weights[0] - a.weights[0])) > 1e-3


def test_a_no_op_sgd_step_leaves_the_weights_as_they_were():
    still = {**REFERENCE, "sgd_step": "def sgd_step(weights, biases, x, y, eta):\n    return weights, biases\n"}
    sessions = Sessions()
    sid = _start(sessions, XOR, still)
    before = [w.copy() for w in sessions.network(sid).weights]
    p = _train(sessions, sid, 2)
    assert p["epoch"] == 2 and p["learner_steps"] > 0
    for w0, w in zip(before, sessions.network(sid).weights):
        np.testing.assert_array_equal(w, w0)


def test_their_exception_stops_the_run_with_their_lines_only():
    broken = exercises.get("backprop").solution.replace(
        "    nabla_b, nabla_w = [None]",
        "    if len(x) < 10:\n        raise ValueError('short batch')\n    nabla_b, nabla_w = [None]",
    )
    code = {**REFERENCE, "backprop": broken}
    config = Config(data="xor", cost="quadratic", act="sigmoid", layers=(4,), batch=10, n=205, test=20, seed=1)
    sessions = Sessions()
    sid = _start(sessions, config, code)  # 164 training points: the last mini-batch has 4
    p = _train(sessions, sid, 2)
    stop = p["ended"]
    assert stop["kind"] == "code" and stop["problem"], stop
    text = stop["text"]
    assert "mini-batch 17 of epoch 1" in text
    assert (
        "line 3 of your sgd_step, in sgd_step" in text and "nabla_b, nabla_w = backprop(weights, biases, x, y)" in text
    )
    assert "of your backprop, in backprop" in text and "raise ValueError('short batch')" in text
    assert text.rstrip().endswith("ValueError: short batch")
    assert "nnfs" not in text and "File" not in text  # none of our frames
    # The weights before the failing batch are kept, and Train stays refused.
    assert sessions.network(sid).is_finite()
    assert json.loads(sessions.run(sid, 1.0))["ended"]["kind"] == "code"


def test_an_answer_of_the_wrong_shape_is_explained():
    code = {**REFERENCE, "sgd_step": "def sgd_step(weights, biases, x, y, eta):\n    return weights[:1], biases\n"}
    sessions = Sessions()
    sid = _start(sessions, XOR, code)
    stop = _train(sessions, sid, 1)["ended"]
    assert stop["kind"] == "code"
    assert "the new weights should be a list of 2 arrays" in stop["text"], stop


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"cost": "cross-entropy"}, "cost to quadratic (it is cross-entropy)"),
        ({"act": "relu"}, "activation to sigmoid (it is relu)"),
        ({"l2": 0.5}, "L2 λ to 0 (it is 0.5)"),
    ],
)
def test_settings_their_code_does_not_cover_are_refused_with_what_to_change(changes, words):
    config = Config(**{**{"data": "xor", "cost": "quadratic", "act": "sigmoid"}, **changes})
    assert words in lt.coverage(config.act, config.cost, config.l2)
    with pytest.raises(ValueError, match="set .*" + words.replace("(", r"\(").replace(")", r"\)")):
        _start(Sessions(), config, REFERENCE)
    assert lt.coverage("sigmoid", "quadratic", 0.0) == ""


def test_l2_switched_on_mid_run_stops_their_run():
    sessions = Sessions()
    sid = _start(sessions, XOR, REFERENCE)
    sessions.set_rates(sid, 3.0, 0.1)
    stop = _train(sessions, sid, 1)["ended"]
    assert stop["kind"] == "code" and "L2 λ to 0" in stop["text"]


def test_code_that_does_not_load_is_refused_with_its_traceback():
    with pytest.raises(
        ValueError,
        match=r"Your sgd_step could not be loaded:\n\nTraceback \(your code only\):\n  line 1, at the top level",
    ):
        _start(Sessions(), XOR, {**REFERENCE, "sgd_step": "1 / 0\n"})
    with pytest.raises(ValueError, match="the code of sgd_step is missing"):
        _start(Sessions(), XOR, {"backprop": REFERENCE["backprop"]})


def test_what_their_code_prints_does_not_reach_the_console(capsys):
    noisy = {**REFERENCE, "sgd_step": REFERENCE["sgd_step"].replace('"""\n', '"""\n    print("step")\n', 1)}
    sessions = Sessions()
    sid = _start(sessions, XOR, noisy)
    _train(sessions, sid, 1)
    assert "step" not in capsys.readouterr().out


def test_a_stop_of_their_code_is_a_problem():
    assert Stop("code", "x").problem and Stop("hung", "x").problem
