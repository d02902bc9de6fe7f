"""app.ui.text.error_text: a worker's error as the learner reads it, without Pyodide's traceback."""

from __future__ import annotations

from app.ui.text import error_text

# As it reached the Chapter 3 lab when a worker's load_mnist raised (offline, file not kept).
WORKER = (
    "Error: Traceback (most recent call last):\n"
    '  File "<exec>", line 93, in load_mnist\n'
    '  File "<exec>", line 114, in _load_mnist\n'
    "ValueError: static/data/mnist-train.npz is not kept in this browser for offline use: a: b\n"
)


def test_a_worker_traceback_gives_its_last_lines_message():
    assert (
        error_text(Exception(WORKER)) == "static/data/mnist-train.npz is not kept in this browser for offline use: a: b"
    )


def test_a_plain_message_is_left_as_it_is():
    assert error_text(ValueError("the server answered 404")) == "the server answered 404"


def test_a_last_line_that_is_not_an_exception_is_kept_whole():
    text = "Traceback (most recent call last):\n  File x\nKeyboardInterrupt"
    assert error_text(Exception(text)) == "KeyboardInterrupt"
