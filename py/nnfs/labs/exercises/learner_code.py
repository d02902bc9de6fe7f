"""Run a learner's Python code and explain what went wrong in their terms.

The "Write it yourself" exercises run code typed into the page. This module
executes it (``run_code``) in a fresh namespace, captures what it prints, and
turns an exception into a traceback of the learner's own lines only
(``learner_traceback``): the frames of this project and of numpy are noise to
someone who wrote six lines, so they are left out, and the source line of each
frame comes from the code they typed (it is in no file, so ``linecache``
cannot find it).

It does not protect against code that never ends: the page runs it in a worker
that it terminates after a few seconds (app.labs.exercises.runner).
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

FILENAME = "<your code>"
MAX_OUTPUT = 20_000  # characters of printed output kept; a print in a loop must not flood the page


class LearnerError(Exception):
    """The learner's code failed; ``text`` is the message to show them."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass
class Ran:
    """The result of running the learner's code: their namespace and what it printed."""

    namespace: dict[str, Any]
    output: str = ""
    error: str = ""  # a readable traceback, "" when it ran
    tree: ast.Module | None = field(default=None, repr=False)


class _Capped(io.StringIO):
    """A stdout that keeps the first MAX_OUTPUT characters and says it cut the rest."""

    cut = False

    def write(self, s: str) -> int:
        room = MAX_OUTPUT - self.tell()
        if room > 0:
            super().write(s[:room])
        if len(s) > room and not self.cut:
            self.cut = True
            super().write("\n… (more output cut)\n")
        return len(s)


def syntax_message(exc: SyntaxError, code: str) -> str:
    """A SyntaxError as "Line 3: invalid syntax" with the line and a caret.

    An IndentationError (TabError too) is about the spaces a line starts with, the one
    thing a quoted line cannot show: indented under the message, a line at column 0
    looks indented. So it shows that line and the code line above it with their
    leading spaces and tabs drawn (``whitespace_drawn``) after a line-number gutter,
    and says in words how the line starts."""
    lines = code.splitlines()
    out = [f"Line {exc.lineno}: {exc.msg}" if exc.lineno else f"Syntax error: {exc.msg}"]
    if exc.lineno and 0 < exc.lineno <= len(lines):
        text = lines[exc.lineno - 1]
        if isinstance(exc, IndentationError):
            return "\n".join(out + _indentation_shown(lines, exc))
        out.append("    " + text.rstrip())
        if exc.offset:
            # The caret under the column Python points at (tabs kept so it lines up).
            pad = "".join(ch if ch == "\t" else " " for ch in text[: max(exc.offset - 1, 0)])
            out.append("    " + pad + "^")
    return "\n".join(out)


def whitespace_drawn(line: str) -> str:
    """The line with the spaces and tabs it starts with drawn: · for a space, → for a tab."""
    body = line.lstrip(" \t")
    return line[: len(line) - len(body)].replace(" ", "·").replace("\t", "→") + body.rstrip()


def _indentation_shown(lines: list[str], exc: IndentationError) -> list[str]:
    """The code line above the error's (if any) and the error's own, leading whitespace drawn,
    then how the error's line starts, in words, and what to do where Python's message says."""
    lineno = int(exc.lineno or 0)
    above = next((n for n in range(lineno - 1, 0, -1) if lines[n - 1].strip()), None)
    width = len(str(lineno))
    shown = [f"  {n:>{width}} | {whitespace_drawn(lines[n - 1])}" for n in (above, lineno) if n]
    text = lines[lineno - 1]
    lead = text[: len(text) - len(text.lstrip(" \t"))]
    spaces, tabs = lead.count(" "), lead.count("\t")
    parts = [f"{tabs} tab" + ("s" if tabs > 1 else "")] if tabs else []
    parts += [f"{spaces} space" + ("s" if spaces > 1 else "")] if spaces else []
    how = f"starts with {' and '.join(parts)}" if parts else "has no indentation: it starts at column 0"
    drawn = any(("·" in line or "→" in line) for line in shown)
    says = f"Line {lineno} {how}" + (" (· is a space, → a tab)." if drawn else ".")
    if "expected an indented block" in str(exc.msg):
        says += " The lines of a block start 4 spaces further in than the line ending in “:” above them."
    if isinstance(exc, TabError) or (tabs and spaces):
        says += " Tabs and spaces mixed confuse Python: indent with spaces only, 4 per level."
    return [*shown, says]


def learner_traceback(exc: BaseException, code: str | Mapping[str, str]) -> str:
    """The traceback of ``exc`` with only the frames in the learner's code.

    E.g.::

        Traceback (your code only):
          line 4, in nand
            return perceptron_output([x1, x2], w, b) + undefined
        NameError: name 'undefined' is not defined

    ``code`` is the code run as FILENAME, or ``{filename: code}`` when several
    pieces of the learner's code ran (each frame then says which, e.g.
    "line 4 of your backprop, in backprop").
    """
    sources = {FILENAME: code} if isinstance(code, str) else dict(code)
    if isinstance(exc, SyntaxError) and exc.filename in sources:
        return syntax_message(exc, sources[exc.filename])
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in sources]
    out = ["Traceback (your code only):"] if frames else []
    for frame in frames:
        where = "at the top level" if frame.name == "<module>" else f"in {frame.name}"
        of = "" if len(sources) == 1 else f" of {frame.filename.strip('<>')}"
        out.append(f"  line {frame.lineno}{of}, {where}")
        lines = sources[frame.filename].splitlines()
        if frame.lineno and 0 < frame.lineno <= len(lines):
            out.append("    " + lines[frame.lineno - 1].strip())
    out.append("".join(traceback.format_exception_only(type(exc), exc)).strip())
    return "\n".join(out)


def run_code(code: str, given: dict[str, Any] | None = None, filename: str = FILENAME) -> Ran:
    """Execute ``code`` in a fresh namespace holding ``given`` (functions provided to the learner).

    Returns the namespace and the printed output; on an exception, ``error``
    is the learner's traceback and the namespace is as far as it got.
    ``filename`` names the code in tracebacks (see ``learner_traceback``)."""
    namespace = {"__name__": "__exercise__", "__builtins__": __builtins__}
    namespace.update(given or {})
    out = _Capped()
    try:
        tree = ast.parse(code, filename)
        compiled = compile(tree, filename, "exec")
    except SyntaxError as exc:
        return Ran(namespace, "", syntax_message(exc, code))
    try:
        with contextlib.redirect_stdout(out):
            exec(compiled, namespace)  # noqa: S102 - running the learner's code is the point
    except Exception as exc:  # noqa: BLE001 - shown to the learner
        return Ran(namespace, out.getvalue(), learner_traceback(exc, {filename: code}), tree)
    return Ran(namespace, out.getvalue(), "", tree)


def call(
    code: str, fn: Callable[..., Any], args: tuple[Any, ...], described: str, out: io.StringIO | None = None
) -> Any:
    """``fn(*args)``; an exception becomes a LearnerError saying which call failed and where."""
    try:
        if out is None:
            return fn(*args)
        with contextlib.redirect_stdout(out):
            return fn(*args)
    except Exception as exc:  # noqa: BLE001 - shown to the learner
        raise LearnerError(f"{described} raised an exception.\n\n{learner_traceback(exc, code)}") from None


def function_node(tree: ast.Module | None, name: str) -> ast.FunctionDef | None:
    """The top-level ``def name`` in the learner's code, if any (the last one wins, as in Python)."""
    found = None
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            found = node
    return found


# Operators that would compute a gate directly instead of wiring NANDs.
# Expressions and statements: every kind has a line number (.lineno) to point at.
_FORBIDDEN: dict[type[ast.expr | ast.stmt], str] = {
    ast.BinOp: "an arithmetic or bitwise operator",
    ast.BoolOp: "'and'/'or'",
    ast.UnaryOp: "'not' or a sign",
    ast.Compare: "a comparison",
    ast.IfExp: "a conditional expression",
    ast.If: "an if statement",
}


def gates_only(code: str, tree: ast.Module | None, name: str) -> str:
    """ "" if function ``name`` computes with calls only; else a sentence naming the first
    operator it uses, e.g. "line 3: `x1 ^ x2` uses an arithmetic or bitwise operator"."""
    node = function_node(tree, name)
    if node is None:
        return ""
    for sub in ast.walk(node):
        for kind, what in _FORBIDDEN.items():
            if isinstance(sub, kind):
                text = ast.get_source_segment(code, sub) or ""
                text = text.splitlines()[0] if text else ""
                return f"line {sub.lineno}: `{text}` uses {what}"
    return ""


class TooSlow(BaseException):
    """The learner's code ran past its deadline (``within``).

    A BaseException, so that their ``except Exception:`` does not swallow it."""


def within(fn: Callable[..., Any], deadline: float, clock: Callable[[], float] = time.perf_counter) -> Any:
    """``fn`` (the learner's), made to raise TooSlow once ``clock()`` passes ``deadline``.

    For code that must run on the page's thread (the Perceptron lab redraws
    with the learner's rule on many points): no worker can be stopped there, but
    a trace function can. It is installed only while their function runs and
    traces only the frames of their code (FILENAME), checking the clock at each
    line, so a ``while True: pass`` stops within one line of the deadline. It
    cannot stop a single call that never returns inside C (e.g. a huge
    ``range`` summed by ``sum``), nor a loop that catches everything with a bare
    ``except:`` (CPython switches tracing off after the trace raises)."""

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if clock() > deadline:
            raise TooSlow()
        return local

    def entered(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != FILENAME:
            return None  # our frames and numpy's run untraced
        return local(frame, event, arg)

    def guarded(*args: Any) -> Any:
        if clock() > deadline:
            raise TooSlow()
        previous = sys.gettrace()
        sys.settrace(entered)
        try:
            return fn(*args)
        finally:
            sys.settrace(previous)

    return guarded
