"""The exercise editor's indentation rules (app.labs.exercises.editing), on text with the caret drawn in.

``|`` is the caret; ``[`` and ``]`` are a selection's start and end. Each case is written
out by hand, as the text a person expects to see after the key: not computed by the code.
"""

import pytest

from app.labs.exercises import editing


def _parse(marked: str) -> tuple[str, int, int]:
    if "|" in marked:
        at = marked.index("|")
        return marked.replace("|", ""), at, at
    start = marked.index("[")
    end = marked.index("]") - 1
    return marked.replace("[", "").replace("]", ""), start, end


def _mark(text: str, start: int, end: int) -> str:
    if start == end:
        return text[:start] + "|" + text[start:]
    return text[:start] + "[" + text[start:end] + "]" + text[end:]


def press(fn, marked: str) -> str:
    text, start, end = _parse(marked)
    edit = fn(text, start, end)
    assert edit is not None
    return _mark(editing.apply(text, edit), edit.sel_start, edit.sel_end)


ENTER = [
    ("def f(x):|", "def f(x):\n    |"),
    ("def f(x):   |", "def f(x):   \n    |"),
    ("    if x > 0:  # positive:|", "    if x > 0:  # positive:\n        |"),
    ("    for a in b:  # each one|", "    for a in b:  # each one\n        |"),
    ("    s = 'a # b:'|", "    s = 'a # b:'\n    |"),  # the # and : are inside a string
    ("    x = {'a': 1}  # a dict:|", "    x = {'a': 1}  # a dict:\n    |"),  # the colon is the comment's
    ("    z = w * x + b|", "    z = w * x + b\n    |"),
    ("    return z|", "    return z\n|"),
    ("        pass|", "        pass\n    |"),
    ("        raise ValueError('no')|", "        raise ValueError('no')\n    |"),
    ("            continue|", "            continue\n        |"),
    ("    returned = 1|", "    returned = 1\n    |"),  # a name that starts with "return"
    ("    return|", "    return\n|"),
    ("return x|", "return x\n|"),  # nothing left to take off
    ("def f():\n    |", "def f():\n\n    |"),  # a line of spaces only is emptied
    ("def f(x):|return x", "def f(x):\n    |return x"),
    ("a = 1\n[b = 3]", "a = 1\n\n|"),  # the selection is replaced
    ("\tif x:|", "\tif x:\n\t    |"),
    ("x = 1|", "x = 1\n|"),
]


@pytest.mark.parametrize("before, after", ENTER)
def test_enter_keeps_the_indent_adds_one_after_a_colon_and_drops_one_after_return(before, after):
    assert press(editing.newline, before) == after


TAB = [
    ("|", "    |"),
    ("ab|", "ab  |"),
    ("    |", "        |"),
    ("x = 1  |", "x = 1   |"),  # to the next multiple of 4 (column 7 → 8)
    ("[a = 1\nb = 2]", "[    a = 1\n    b = 2]"),
    ("a[ = ]1", "    a[ = ]1"),  # a selection inside a line indents the line, losing nothing
    ("[a = 1\n]b = 2", "[    a = 1\n]b = 2"),  # a selection ending at a line's start leaves that line
]


@pytest.mark.parametrize("before, after", TAB)
def test_tab_inserts_spaces_to_the_next_stop_or_indents_the_selected_lines(before, after):
    assert press(editing.tab, before) == after


INDENT = [
    ("def f():\n|", "def f():\n    |"),  # the phone's button on a new, empty line
    ("def f():\nreturn| 1", "def f():\n    return| 1"),
    ("|x", "    |x"),
    ("[if a:\n\nb = 1]", "[    if a:\n\n    b = 1]"),  # empty lines stay empty
]


@pytest.mark.parametrize("before, after", INDENT)
def test_the_indent_button_indents_the_line_or_the_selected_lines(before, after):
    assert press(editing.indent, before) == after


DEDENT = [
    ("        x|", "    x|"),
    ("  x|", "x|"),
    ("x|", "x|"),
    ("      |  x", "  |  x"),  # the caret moves back with the spaces before it
    ("  |    x", "|  x"),  # a caret inside the removed spaces goes to where they were
    ("\t\tx|", "\tx|"),
    ("[    a\n        b\nc]", "[a\n    b\nc]"),
    ("def f():\n    ret[urn]", "def f():\nret[urn]"),
]


@pytest.mark.parametrize("before, after", DEDENT)
def test_shift_tab_and_the_dedent_button_remove_one_level(before, after):
    assert press(editing.dedent, before) == after


BACKSPACE = [
    ("    |", "|"),
    ("      |", "    |"),
    ("  |", "|"),
    ("def f():\n        |x", "def f():\n    |x"),
]


@pytest.mark.parametrize("before, after", BACKSPACE)
def test_backspace_in_leading_spaces_goes_back_one_level(before, after):
    assert press(editing.backspace, before) == after


@pytest.mark.parametrize("marked", ["    x|", "|", "[    ]", "a  |", "\t|"])
def test_backspace_elsewhere_is_left_to_the_browser(marked):
    text, start, end = _parse(marked)
    assert editing.backspace(text, start, end) is None


def test_typing_a_function_with_enter_gives_python_that_compiles():
    """Type a function line by line with only Enter and Backspace, as on a phone: the rules
    alone give the indentation, and Python accepts the result."""
    text, caret = "", 0
    for line in ["def f(x):", "if x > 0:", "return 1", "y = -x", "return y"]:
        text, caret = text[:caret] + line + text[caret:], caret + len(line)
        edit = editing.newline(text, caret, caret)
        text, caret = editing.apply(text, edit), edit.sel_start
    assert text == "def f(x):\n    if x > 0:\n        return 1\n    y = -x\n    return y\n"
    namespace: dict = {}
    exec(compile(text, "<typed>", "exec"), namespace)  # noqa: S102
    assert namespace["f"](-3) == 3 and namespace["f"](2) == 1


def test_offsets_cross_between_python_and_the_textarea_s_utf16():
    text = "# 🙂 ok\nx"  # the emoji is 1 character in Python, 2 UTF-16 units in the page
    assert [editing.to_js(text, i) for i in (0, 2, 3, 8)] == [0, 2, 4, 9]
    assert [editing.from_js(text, u) for u in (0, 2, 4, 9, 99)] == [0, 2, 3, 8, len(text)]
