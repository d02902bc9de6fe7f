"""The exercise editor's keys as pure text edits: Enter, Tab, Shift+Tab, Backspace and the Indent buttons.

The editor is a plain <textarea> (why: app.labs.exercises.lab). A textarea knows
nothing of Python, so a learner typing ``def f(x):`` and Enter got a line at
column 0 and then an IndentationError, and a phone has no Tab key at all. Each
function here takes the text and the selection (``start``, ``end``, offsets as
the textarea's selectionStart/selectionEnd) and returns an ``Edit``: which
stretch of text to replace by what, and where the selection goes after. The
page applies it (one replacement, so the browser's undo still works); CPython
tests the rules.

The rules, as Python's own IDLE has them:
- Enter keeps the indentation of the line, one level (4 spaces) more after a line
  whose code ends in ``:`` (a trailing comment ignored), one level less after
  ``return``, ``pass``, ``break``, ``continue`` or ``raise`` (the block is over).
  A line left holding only spaces is emptied.
- Tab with no selection inserts spaces to the next multiple of 4; with a selection
  it indents every line the selection touches. Shift+Tab (and the Dedent button)
  removes up to one level from each of those lines; the Indent button indents them.
- Backspace in the spaces that start a line removes back to the previous level.
"""

from __future__ import annotations

from dataclasses import dataclass

INDENT = "    "
WIDTH = len(INDENT)
# A line starting with one of these ends its block: the next line goes one level out.
BLOCK_ENDERS = ("return", "pass", "break", "continue", "raise")


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` by ``insert``, then select ``sel_start``..``sel_end`` (in the new text)."""

    start: int
    end: int
    insert: str
    sel_start: int
    sel_end: int


def apply(text: str, edit: Edit) -> str:
    """The text after ``edit`` (what the page's one replacement does)."""
    return text[: edit.start] + edit.insert + text[edit.end :]


def line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def line_end(text: str, pos: int) -> int:
    found = text.find("\n", pos)
    return len(text) if found < 0 else found


def leading(line: str) -> str:
    """The spaces and tabs a line starts with."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def code_part(line: str) -> str:
    """The line without its comment: the text before a ``#`` that is not inside a string."""
    quote = ""
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif quote:
            if ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def opens_block(line: str) -> bool:
    """Does the line's code end in a colon (``def f(x):  # note``, ``else:``)?"""
    return code_part(line).rstrip().endswith(":")


def ends_block(line: str) -> bool:
    """Is the line a ``return``/``pass``/``break``/``continue``/``raise`` statement?"""
    words = code_part(line).strip().replace("(", " ").replace(";", " ").split()
    return bool(words) and words[0] in BLOCK_ENDERS


def _dedented(indent: str) -> str:
    """One level less: a trailing tab, or up to WIDTH trailing spaces."""
    if indent.endswith("\t"):
        return indent[:-1]
    spaces = len(indent) - len(indent.rstrip(" "))
    return indent[: len(indent) - min(spaces, WIDTH)]


def newline(text: str, start: int, end: int) -> Edit:
    """Enter: the selection becomes a line break and the new line's indentation."""
    begin = line_start(text, start)
    before = text[begin:start]  # the current line up to the caret: it stays on this line
    indent = leading(before)
    if not before.strip():  # a line of spaces only: empty it, carry its indentation down
        insert = "\n" + before
        return Edit(begin, end, insert, begin + len(insert), begin + len(insert))
    if opens_block(before):
        indent += INDENT
    elif ends_block(before):
        indent = _dedented(indent)
    insert = "\n" + indent
    caret = start + len(insert)
    return Edit(start, end, insert, caret, caret)


def _lines(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of whole lines the selection touches (a selection ending at a line's start leaves it out)."""
    first = line_start(text, start)
    last = end - 1 if end > start and end > first and text[end - 1] == "\n" else end
    return first, line_end(text, last)


def _shift(text: str, start: int, end: int, change) -> Edit:
    """Apply ``change(line) -> (new line, characters added (+) or removed (−) at its start)`` to each line
    the selection touches, moving the selection with the text (a selection that starts at a line's start
    keeps starting there, so whole selected lines stay selected)."""
    first, last = _lines(text, start, end)
    out, moves, pos = [], [], first  # moves: (where the line starts in the old text, chars added there)
    for line in text[first:last].split("\n"):
        new, delta = change(line)
        out.append(new)
        moves.append((pos, delta))
        pos += len(line) + 1

    def moved(p: int, stick: bool) -> int:
        shift = 0
        for at, delta in moves:
            if delta >= 0 and (p > at or (p == at and not stick)):
                shift += delta
            elif delta < 0 and p > at:
                shift += max(delta, at - p)  # a caret inside the removed spaces goes to where they were
        return p + shift

    collapsed = start == end
    sel_start = moved(start, stick=not collapsed and start == line_start(text, start))
    sel_end = sel_start if collapsed else moved(end, stick=False)
    return Edit(first, last, "\n".join(out), sel_start, sel_end)


def indent(text: str, start: int, end: int) -> Edit:
    """The Indent button: one level more on every line the selection (or the caret) is on.

    With several lines, empty ones are left empty (no trailing spaces)."""
    first, last = _lines(text, start, end)
    several = "\n" in text[first:last]
    return _shift(text, start, end, lambda line: (line, 0) if several and not line else (INDENT + line, WIDTH))


def dedent(text: str, start: int, end: int) -> Edit:
    """Shift+Tab and the Dedent button: up to one level less on every line the selection is on."""

    def less(line: str) -> tuple[str, int]:
        if line.startswith("\t"):
            return line[1:], -1
        spaces = len(line) - len(line.lstrip(" "))
        cut = min(spaces, WIDTH)
        return line[cut:], -cut

    return _shift(text, start, end, less)


def tab(text: str, start: int, end: int) -> Edit:
    """Tab: spaces to the next multiple of 4 at the caret; with a selection, indent its lines."""
    if start != end:
        return indent(text, start, end)
    column = start - line_start(text, start)
    spaces = " " * (WIDTH - column % WIDTH)
    return Edit(start, start, spaces, start + len(spaces), start + len(spaces))


def backspace(text: str, start: int, end: int) -> Edit | None:
    """Backspace in the spaces that start a line: back to the previous multiple of 4.

    None where Backspace should do what it always does (a selection, a character
    before the caret that is not a leading space)."""
    if start != end:
        return None
    before = text[line_start(text, start) : start]
    if not before or before.strip(" "):
        return None
    cut = (len(before) - 1) % WIDTH + 1
    return Edit(start - cut, start, "", start - cut, start - cut)


def from_js(text: str, offset: int) -> int:
    """The Python index of a textarea offset: JS counts UTF-16 units, so a character beyond
    U+FFFF (an emoji in a comment) is 2 there and 1 here."""
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def to_js(text: str, index: int) -> int:
    """The textarea offset (UTF-16 units) of Python index ``index`` in ``text``."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)
