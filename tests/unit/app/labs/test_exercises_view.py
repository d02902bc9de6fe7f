"""The exercises page's pure parts: statement HTML, the list, and the stored progress (app.labs.exercises.view)."""

import json

import pytest

from app.labs.exercises import view
from nnfs.labs.exercises import catalogue as exercises

KEYS = tuple(exercises.BY_KEY)


def test_statement_html_escapes_and_marks_code():
    html = view.statement_html("Write `f(x) < 1` **now**.\n\n<script>alert(1)</script>")
    assert html == (
        "<p>Write <code>f(x) &lt; 1</code> <strong>now</strong>.</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_the_list_marks_passed_and_current_exercises():
    progress = view.decode(json.dumps({"exercises": {"nand": {"passed": "code"}}}), KEYS)
    html = view.list_html(exercises.catalogue(), progress, "xor")
    assert html.count("<li>") == len(KEYS)
    assert 'data-exercise="nand" class=passed>' in html and "(passed)" in html
    assert 'data-exercise="xor" aria-current="true">' in html
    assert view.summary(exercises.catalogue(), progress) == f"1 of {len(KEYS)} passed"


def test_progress_round_trips():
    progress = view.empty()
    progress["current"] = "sigmoid"
    progress["exercises"]["sigmoid"] = {"code": "x = 1\n", "passed": "x = 1\n", "hints": 2, "tried": True}
    progress["use"] = {"nand": True}
    assert view.decode(view.encode(progress), KEYS) == progress


def test_damaged_or_foreign_storage_keeps_only_what_makes_sense():
    assert view.decode("{not json", KEYS) == view.empty()
    assert view.decode("[1, 2]", KEYS) == view.empty()
    assert view.decode(None, KEYS) == view.empty()
    raw = {
        "current": "nope",
        "use": {"nand": "yes", "rm -rf": True},
        "exercises": {
            "nand": {"code": 3, "passed": "ok", "hints": -1, "tried": "y"},
            "unknown": {"code": "x"},
            "xor": "not a dict",
        },
    }
    assert view.decode(json.dumps(raw), KEYS) == {"current": "", "use": {}, "exercises": {"nand": {"passed": "ok"}}}


def test_the_recorded_answers_of_nand_and_the_playground_flag_survive_a_reload():
    progress = view.empty()
    table = {"00": 1, "01": 1, "10": 1, "11": 0}
    progress["exercises"]["nand"] = {"passed": "def nand(a, b): ...\n", "table": table}
    progress["use"] = {"nand": True, "sgd_step": True, "convolve": True}
    assert view.decode(view.encode(progress), KEYS) == progress
    # max_pool shares convolve's toggle (app.shell.progress.FLAG_OF): no flag of its own is kept
    assert view.decode(json.dumps({"use": {"max_pool": True}}), KEYS)["use"] == {}


@pytest.mark.parametrize(
    "table",
    [
        {"00": 1, "01": 1, "10": 1},  # a row missing
        {"00": 1, "01": 1, "10": 1, "11": 2},  # not a bit
        {"00": 1, "01": 1, "10": 1, "11": True},  # a bool is not a recorded int
        {"00": 1, "01": 1, "10": 1, "11": 0, "12": 0},
        [1, 1, 1, 0],
    ],
)
def test_a_damaged_table_is_dropped(table):
    raw = {"exercises": {"nand": {"passed": "x", "table": table}}}
    assert view.decode(json.dumps(raw), KEYS)["exercises"]["nand"] == {"passed": "x"}


def test_next_exercise_follows_the_catalogue_and_ends_after_the_last():
    catalogue = exercises.catalogue()
    assert view.next_exercise(catalogue, "perceptron")["key"] == "nand"
    assert view.next_exercise(catalogue, "backprop")["key"] == "sgd"
    assert view.next_exercise(catalogue, KEYS[-1]) is None
    assert [view.next_exercise(catalogue, k)["key"] for k in KEYS[:-1]] == list(KEYS[1:])
