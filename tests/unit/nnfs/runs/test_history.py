"""nnfs.runs.history and nnfs.runs.checks: run records, the cap, pins, names, and the JSON file read with suspicion."""

import copy
import json
import math

import pytest

from nnfs.runs import history as rh
from nnfs.runs.checks import MAX_CHARS, METRICS


def record(eta="3", acc=(0.5, 0.75, 0.875), seed=1, **kw):
    curves = {
        "epoch": list(range(len(acc))),
        "train_loss": [0.5 / (i + 1) for i in range(len(acc))],
        "test_acc": list(acc),
        "minibatch_loss": [math.nan] + [0.25] * (len(acc) - 1),
    }
    args = dict(
        lab="playground",
        settings={"eta": eta, "layers": "4", "seed": seed},
        seed=seed,
        curves=curves,
        seconds=0.5,
        ended="limit",
        ended_text="Stopped at the limit.",
    )
    args.update(kw)
    return rh.RunRecord(**args)


def test_runs_get_ids_and_names_and_their_last_values():
    h = rh.History("playground")
    h.add(record())
    h.add(record(eta="0.5", name="slow one"))
    assert [(r.id, r.name) for r in h.runs] == [(1, "run 1"), (2, "slow one")]
    r = h.get(1)
    assert r.epochs == 2 and r.last("test_acc") == 0.875 and math.isnan(r.last("validation_acc"))
    with pytest.raises(ValueError, match="no run 7"):
        h.get(7)


def test_the_cap_drops_the_oldest_unpinned_run():
    h = rh.History("playground", cap=5)
    for i in range(5):
        h.add(record(eta=str(i)))
    h.pin(1)
    dropped = h.add(record(eta="new"))
    assert [r.id for r in dropped] == [2]
    assert [r.id for r in h.runs] == [1, 3, 4, 5, 6]
    assert rh.History("playground").cap == rh.CAP == 50


def test_at_most_four_runs_are_pinned():
    h = rh.History("playground")
    for i in range(6):
        h.add(record(eta=str(i)))
    for i in range(1, 5):
        h.pin(i)
    with pytest.raises(ValueError, match="At most 4 runs can be pinned"):
        h.pin(5)
    assert [r.id for r in h.pinned()] == [1, 2, 3, 4]
    h.pin(2, False)
    h.pin(5)
    assert [r.id for r in h.pinned()] == [1, 3, 4, 5]
    h.pin(5)  # pinning a pinned run again is no change, not an error
    added = rh.RunRecord(**{**rh._fields(record(eta="x")), "pinned": True})
    h.add(added)
    assert not added.pinned  # no room: kept unpinned


def test_rename_and_drop():
    h = rh.History("playground")
    h.add(record())
    h.add(record(eta="1"))
    h.rename(1, "  λ = 0  ")
    assert h.get(1).name == "λ = 0"
    for bad, message in [("", "empty"), ("x" * 81, "at most 80"), ("a\nb", "control"), (3, "text")]:
        with pytest.raises(ValueError, match=message):
            h.rename(1, bad)
    assert h.get(1).name == "λ = 0"
    assert h.drop(1).name == "λ = 0"
    assert [r.id for r in h.runs] == [2]
    h.add(record())
    assert [r.id for r in h.runs] == [2, 3]  # ids are never reused


def test_a_run_of_another_lab_is_not_kept():
    with pytest.raises(ValueError, match="digits run cannot be kept in the playground"):
        rh.History("playground").add(record(lab="digits"))
    with pytest.raises(ValueError, match="unknown lab"):
        rh.History("nowhere")


def test_json_round_trip_is_exact_nan_included():
    h = rh.History("playground")
    h.add(record(acc=(0.1, 1 / 3, 2 / 3)))
    h.add(record(eta="0.5", ended="problem", ended_text="The cost became inf."))
    h.pin(2)
    h.rename(1, "thirds")
    text = h.to_json()
    assert "NaN" not in text and "null" in text
    back = rh.History.from_json(text, "playground")
    assert back.to_json() == text
    assert back.next_id == 3 and [r.pinned for r in back.runs] == [False, True]
    a, b = h.get(1).curves, back.get(1).curves
    assert a["test_acc"] == b["test_acc"] and b["test_acc"][1] == 1 / 3
    assert math.isnan(b["minibatch_loss"][0])
    assert rh.History.from_json(text.encode("utf-8")).to_json() == text  # bytes, as a file input gives


def test_merge_adds_new_runs_and_skips_ones_already_there():
    mine = rh.History("playground")
    mine.add(record())
    theirs = rh.History("playground")
    theirs.add(record())  # the same run
    theirs.add(record(eta="9"))
    theirs.pin(2)
    assert mine.merge(theirs) == 1
    assert [(r.id, r.settings["eta"], r.pinned) for r in mine.runs] == [(1, "3", False), (2, "9", True)]
    with pytest.raises(ValueError, match="holds digits runs"):
        mine.merge(rh.History("digits"))


def _good() -> dict:
    h = rh.History("playground")
    h.add(record())
    h.add(record(eta="0.5"))
    return json.loads(h.to_json())


def _with(change):
    d = _good()
    change(d)
    return json.dumps(d)


def _set(path, value):
    def change(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value

    return change


def _del(path):
    def change(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        del target[path[-1]]

    return change


BAD_FILES = [
    ("", "the file is empty"),
    ("   \n", "the file is empty"),
    ("{", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    ("[1, 2]", "expected a JSON object"),
    ('{"format": "nnfs-network"}', "missing"),
    (_with(_set(["format"], "nnfs-network")), "format is \"nnfs-network\""),
    (_with(_set(["version"], 2)), "unsupported version 2"),
    (_with(_set(["version"], True)), "unsupported version true"),
    (_with(_set(["lab"], "chess")), "unknown lab \"chess\""),
    (_with(_set(["extra"], 1)), "unknown key \"extra\""),
    (_with(_set(["runs"], {})), "runs must be a list"),
    (_with(_set(["runs", 0, "curves", "test_acc", 1], "0.5")), r"runs\[0\]: curves.test_acc\[1\] is not a number"),
    (_with(_set(["runs", 0, "curves", "test_acc"], [0.5])), "curves.test_acc holds 1 values but curves.epoch holds 3"),
    (_with(_set(["runs", 0, "curves", "weights"], [1, 2, 3])), "unknown metric \"weights\""),
    (_with(_del(["runs", 0, "curves", "epoch"])), "must hold the epochs"),
    (_with(_set(["runs", 0, "curves", "epoch"], [0, 2, 1])), "epoch must increase"),
    (_with(_set(["runs", 0, "curves", "epoch"], [0, 0.5, 1])), "whole numbers"),
    (_with(_set(["runs", 1, "seed"], -1)), r"runs\[1\]: seed must be a whole number"),
    (_with(_set(["runs", 1, "seed"], 1.0)), "seed must be a whole number"),
    (_with(_set(["runs", 0, "seconds"], -2)), "seconds must be a finite number >= 0"),
    (_with(_set(["runs", 0, "ended"], "exploded")), "unknown ending \"exploded\""),
    (_with(_set(["runs", 0, "name"], "")), "name cannot be empty"),
    (_with(_set(["runs", 0, "name"], "y" * 500)), "at most 80 characters"),
    (_with(_set(["runs", 0, "pinned"], "yes")), "pinned must be true or false"),
    (_with(_set(["runs", 0, "lab"], "digits")), "is a \"digits\" run in a playground history"),
    (_with(_set(["runs", 0, "settings"], [1])), "settings must be an object"),
    (_with(_set(["runs", 0, "settings", "eta"], {"a": 1})), "settings.eta must be text, a number"),
    (_with(_set(["runs", 0, "settings", "bad key!"], 1)), "is not a setting's name"),
    (_with(_set(["runs", 0, "settings", "eta"], "9" * 20_001)), "longer than 20,000 characters"),
    (_with(_set(["runs", 1, "id"], 1)), "same id"),
    (_with(_set(["next_id"], 2)), "next_id must be a whole number above every run's id"),
    (_with(_set(["runs", 0, "surprise"], 0)), r"runs\[0\]: unknown key \"surprise\""),
    (_with(_del(["runs", 0, "seed"])), r"runs\[0\]: missing seed"),
    (_with(_set(["runs"], [{}] * 51)), "holds 51 runs; a history keeps at most 50"),
    (_with(_set(["runs", 0, "curves", "test_acc", 0], 10**400)), "too large for a number"),
    ('{"runs": ' + "[" * 100 + "]" * 100 + "}", "nested more than 6 deep"),
    ('{"format": NaN}', "NaN, which is not a JSON number"),
    ('{"x": ' + "1" * 5000 + "}", "not a run history"),
    (" " * (MAX_CHARS + 1), "too big for a run history"),
]


@pytest.mark.parametrize("text, message", BAD_FILES, ids=[m for _, m in BAD_FILES])
def test_a_bad_file_is_refused_with_its_message_and_changes_nothing(text, message):
    h = rh.History("playground")
    h.add(record())
    before = h.to_json()
    with pytest.raises(ValueError, match=message):
        h.merge(rh.History.from_json(text, "playground"))
    assert h.to_json() == before


def test_more_than_four_pinned_in_a_file_is_refused():
    d = _good()
    d["runs"] = [copy.deepcopy(d["runs"][0]) for _ in range(5)]
    for i, r in enumerate(d["runs"]):
        r["id"], r["pinned"] = i + 1, True
    d["next_id"] = 6
    with pytest.raises(ValueError, match="more than 4 runs are pinned"):
        rh.History.from_json(json.dumps(d))


def test_a_file_of_another_lab_names_the_lab_to_import_it_in():
    h = rh.History("digits")
    text = h.to_json()
    with pytest.raises(ValueError, match="holds digits runs, not playground runs"):
        rh.History.from_json(text, "playground")
    assert rh.History.from_json(text).lab == "digits"


def test_a_record_from_an_engine_session_keeps_its_metrics():
    from nnfs.labs.playground.config import Config
    from nnfs.labs.playground.session import Session

    session = Session(Config(epochs=3))
    while session.run(1.0, until_epoch=3) is None:
        pass
    r = rh.record_of("playground", {"eta": "3"}, 7, session.history, session.train_seconds, "limit", "done")
    assert r.curves["epoch"] == [0, 1, 2, 3]
    assert r.curves["test_acc"] == session.history["test_acc"] and r.seed == 7
    assert set(r.curves) <= set(METRICS)
    assert math.isnan(r.curves["minibatch_loss"][0])


def test_endings_from_the_engines_stops():
    assert rh.ending(None, False) == "paused"
    assert rh.ending("epochs", False) == "limit"
    assert rh.ending("target", False) == "target"
    assert rh.ending("diverged", True) == "problem"


def test_a_run_that_goes_on_updates_its_record_keeping_name_and_pin():
    h = rh.History("playground")
    h.add(record(acc=(0.5, 0.6)))
    h.rename(1, "mine")
    h.pin(1)
    kept = h.update(1, record(acc=(0.5, 0.6, 0.7), ended="limit"))
    assert (kept.id, kept.name, kept.pinned, kept.epochs) == (1, "mine", True, 2)
    h.drop(1)
    again = h.update(1, record(acc=(0.5,)))
    assert again.id == 2 and len(h.runs) == 1


def test_playground_settings_round_trip_through_a_record():
    """A record keeps the settings as the link writes them; putting them back gives the same Config."""
    from nnfs.labs.playground.config import CONFIG_NAMES, SETTINGS, Config, from_hash

    config = Config(data="spiral", layers=(5, 3), eta=0.25, l2=0.001, seed=9, points=((0.5, -0.25, 1),))
    encoded = SETTINGS.encoded(config.values())
    assert encoded["eta"] == "0.25" and set(encoded) == set(CONFIG_NAMES)  # not the speed: how it ran, not what
    back = rh.History.from_json(
        json.dumps({**_good(), "runs": [], "next_id": 1}), "playground"
    )  # (a file with no runs reads as an empty history)
    assert back.runs == []
    back_config, problems = from_hash(SETTINGS.link_of(encoded))
    assert problems == [] and back_config == config
