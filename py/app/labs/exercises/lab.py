"""Write it yourself: the learner writes the network in Python, in the page, and it is checked at once.

The texts and hidden checks are the core's (``nnfs.labs.exercises.catalogue``); this glue
shows an exercise (``#exercises/KEY``), keeps the editor's code and the
passes in the browser (``app.shell.progress``), and sends Run and Check to the
checker worker (``app.labs.exercises.runner``), which stops code that runs too long.

Why a <textarea> and our own worker rather than PyScript's ``py-editor``:
``py-editor`` also runs code in a worker, but gives the page no way to stop
it (an infinite loop keeps that worker busy for good, and interrupting
Python in a worker needs SharedArrayBuffer, i.e. headers a static host
cannot send); its CodeMirror also re-indents and closes brackets as one
types, which fights a person (or a test) typing code line by line. A plain
textarea with Tab-to-indent and line numbers, plus a worker we can terminate
and restart, gives the timeout and keeps the page answering.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyscript.ffi import to_js  # dicts become JS objects (pyodide.ffi.to_js would make Maps)

from app.labs.exercises import editing, editor, view
from app.labs.exercises.runner import TIMEOUT, TimedOut, runner
from app.shell import progress
from app.shell.lab import Lab
from app.ui import dom
from nnfs.labs.exercises import catalogue as exercises

CATALOGUE = exercises.catalogue()
BY_KEY = {c["key"]: c for c in CATALOGUE}


@dataclass
class ExercisesState:
    """What the lab remembers besides the learner's progress (``app.shell.progress``); the page only shows it."""

    current: str = CATALOGUE[0]["key"]  # the exercise shown
    busy: bool = False  # a Run or Check is waiting for the checker
    leaving: bool = False  # Esc was pressed: the next Tab leaves the editor
    undo: str | None = None  # the code before the last reset
    answers: int = 0  # answers so far (verdicts or stops), for the tests
    going_next: bool = False  # "Next exercise" was pressed: its heading takes the focus once shown


state = ExercisesState()
# No settings: the link names the exercise (#exercises/KEY), read by ``show``, not by ``lab.show``.
lab = Lab("exercises", view.SETTINGS, state=state)


def _rec() -> dict:
    return progress.record(state.current)


def _code() -> str:
    return str(dom.by_id("ex-code").value)


# --- showing ---------------------------------------------------------------------


def _show_list() -> None:
    dom.set_html("ex-list", view.list_html(CATALOGUE, progress.progress, state.current))
    dom.set_text("ex-summary", f"({view.summary(CATALOGUE, progress.progress)})")


def _show_lines() -> None:
    count = _code().count("\n") + 1
    dom.set_text("ex-lines", "\n".join(str(i) for i in range(1, count + 1)))
    dom.by_id("ex-lines").scrollTop = dom.by_id("ex-code").scrollTop


def _show_hints() -> None:
    hints = BY_KEY[state.current]["hints"]
    shown = min(_rec().get("hints", 0), len(hints))
    dom.set_html("ex-hints", "".join(f"<li>{view.inline(h)}</li>" for h in hints[:shown]))
    button = dom.by_id("ex-hint")
    button.disabled = shown >= len(hints)
    button.textContent = (
        f"Hint ({shown + 1} of {len(hints)})" if shown < len(hints) else f"All {len(hints)} hints shown"
    )


def _show_buttons() -> None:
    ready = runner.state == "ready" and not state.busy
    dom.by_id("ex-run").disabled = not ready
    dom.by_id("ex-check").disabled = not ready
    tried = bool(_rec().get("tried"))
    dom.by_id("ex-show-solution").disabled = not tried
    dom.by_id("ex-show-solution").title = "" if tried else "Available once you have pressed Check"


def _verdict(text: str, kind: str = "") -> None:
    el = dom.by_id("ex-verdict")
    el.textContent = text
    el.className = f"message ex-verdict {kind}".strip()
    if text and kind:  # a verdict below the fold would go unseen
        el.scrollIntoView(to_js({"block": "nearest"}))


def _output(text: str) -> None:
    el = dom.by_id("ex-output")
    el.textContent = text
    el.hidden = not text


def _show_status(_state=None) -> None:
    texts = {
        "off": "The Python checker starts when this page opens.",
        "starting": "Starting the Python checker (its own Python and numpy; a few seconds, once)…",
        "restarting": "Restarting the Python checker after stopping your code…",
        "ready": (
            f"Python checker ready (started in {runner.start_seconds:.1f} s)."
            if runner.start_seconds
            else "Python checker ready."
        ),
        "failed": runner.message,
    }
    el = dom.by_id("ex-status")
    el.textContent = texts.get(runner.state, "")
    el.className = "lab-status " + ("bad" if runner.state == "failed" else "good" if runner.state == "ready" else "")
    _show_buttons()


def _show_uses() -> None:
    text = ""
    if state.current == "nand":
        text = "Once it passes, the Gates lab can run every circuit on your nand: switch on “Use my nand” there."
    elif state.current == "conv":
        text = (
            "Once it passes, the Chapter 6 lab can draw a convolutional net's feature maps with your convolve "
            "and max_pool: switch on “Use my convolve and max_pool” there."
        )
    dom.set_text("ex-uses", text)


def _show_next() -> None:
    """After a pass, a link to the next exercise; on the last one, a note that it was the last."""
    passed = bool(_rec().get("passed"))
    after = view.next_exercise(CATALOGUE, state.current)
    link = dom.by_id("ex-next")
    link.hidden = not (passed and after)
    if after:
        link.href = f"#exercises/{after['key']}"
        link.textContent = f"Next exercise: {after['title']}"
    last = dom.by_id("ex-last")
    last.hidden = not (passed and after is None)
    last.textContent = f"That was the last exercise ({view.summary(CATALOGUE, progress.progress)})."


def _next(_event) -> None:
    state.going_next = True  # the link's hash change shows it (``show``)


def select(key: str) -> None:
    """Show exercise ``key`` with the learner's saved code (or its stub)."""
    state.current = key if key in BY_KEY else state.current
    state.undo = None
    progress.progress["current"] = state.current
    progress.save()
    ex = BY_KEY[state.current]
    dom.set_text("ex-heading", ex["title"])
    dom.set_html("ex-statement", view.statement_html(ex["statement"]))
    dom.set_html("ex-given", view.given_text(ex["given"]))
    dom.by_id("ex-code").value = _rec().get("code", ex["stub"])
    dom.by_id("ex-undo").hidden = True
    dom.by_id("ex-solution").hidden = True
    dom.set_text("ex-solution-code", ex["solution"])
    passed = _rec().get("passed")
    _verdict("✓ You passed this exercise before." if passed else "", "good" if passed else "")
    _output("")
    _show_lines()
    _show_hints()
    _show_list()
    _show_buttons()
    _show_uses()
    _show_next()
    if runner.state != "off":  # the lab is open (set-up selects one too, before: no checker then)
        runner.warm(state.current)
    if state.going_next:  # keyboard and screen-reader focus to the new exercise, not left on a hidden link
        state.going_next = False
        dom.by_id("ex-heading").focus()


# --- actions ---------------------------------------------------------------------


async def _call(name: str):
    """Run or check the editor's code in the worker; None (with the reason shown) if it did not answer."""
    state.busy = True
    _show_buttons()
    try:
        return await runner.call(name, state.current, _code())
    except TimedOut:
        _verdict(
            f"Stopped after {TIMEOUT:g} s: your code was still running. Is there a loop that never ends "
            "(a while whose condition stays true)? The checker is restarting; try again in a few seconds.",
            "bad",
        )
        return None
    except RuntimeError as exc:
        _verdict(str(exc), "bad")
        return None
    finally:
        state.busy = False
        _show_buttons()
        # Counts the answers (verdicts or stops), so a test can wait for the next one.
        state.answers += 1
        dom.by_id("ex-verdict").setAttribute("data-answers", str(state.answers))


async def _run(_event=None) -> None:
    _verdict("Running…")
    _output("")
    result = await _call("run")
    if result is None:
        return
    _output("\n\n".join(t for t in (result["output"], result["error"]) if t))
    _verdict(
        "Ran without errors." if result["ok"] else "Your code raised an error (see below).",
        "" if result["ok"] else "bad",
    )


async def _check(_event=None) -> None:
    key = state.current
    progress.record(key)["tried"] = True
    progress.save()
    _verdict("Checking…")
    _output("")
    result = await _call("check")
    if result is None or key != state.current:
        return
    el = dom.by_id("ex-verdict")
    el.setAttribute("data-ms", str(result["ms"]))  # for tests and the curious: the check's time in the worker
    if result["passed"]:
        progress.record(key)["passed"] = _code()
        progress.set_table(key, result.get("table"))  # nand's answers, for the Gates lab
        progress.save()
        _verdict(f"✓ Passed. {result['message']}", "good")
        progress.changed()
    else:
        _verdict(f"Not yet. {result['message']}", "bad")
    _output(("Your code printed:\n" + result["output"]) if result["output"].strip() else "")
    _show_list()
    _show_buttons()
    _show_next()


def _hint(_event) -> None:
    rec = _rec()
    rec["hints"] = min(rec.get("hints", 0) + 1, len(BY_KEY[state.current]["hints"]))
    progress.save()
    _show_hints()


def _show_solution(_event) -> None:
    dom.by_id("ex-solution").hidden = False


def _put_code(code: str) -> None:
    dom.by_id("ex-code").value = code
    _rec()["code"] = code
    progress.save()
    _show_lines()


def _use_solution(_event) -> None:
    state.undo = _code()
    _put_code(BY_KEY[state.current]["solution"])
    dom.by_id("ex-undo").hidden = False


def _reset(_event) -> None:
    """Back to the starting code, hints hidden; the old code can be brought back (no dialog)."""
    state.undo = _code()
    _rec()["hints"] = 0
    _put_code(BY_KEY[state.current]["stub"])
    _show_hints()
    dom.by_id("ex-solution").hidden = True
    dom.by_id("ex-undo").hidden = False
    _verdict("Exercise reset to its starting code. “Undo reset” brings your code back.")
    _output("")


def _undo_reset(_event) -> None:
    if state.undo is not None:
        _put_code(state.undo)
        state.undo = None
    dom.by_id("ex-undo").hidden = True
    _verdict("")


def _typed(_event) -> None:
    _rec()["code"] = _code()
    progress.save()
    _show_lines()


def _keydown(event) -> None:
    """Tab indents and Shift+Tab dedents (Esc, then Tab or Shift+Tab, leaves: no keyboard trap);
    Ctrl/Cmd+Enter checks."""
    key = str(event.key)
    if key == "Escape":
        state.leaving = True
        return
    if key in ("Shift", "Control", "Alt", "Meta"):  # Shift of Esc-then-Shift+Tab: still leaving
        return
    if key == "Tab" and not state.leaving:
        event.preventDefault()
        editor.edit(editing.dedent if event.shiftKey else editing.tab)
    elif key == "Enter" and (event.ctrlKey or event.metaKey):
        event.preventDefault()
        if not dom.by_id("ex-check").disabled:
            dom.spawn(_check())
    state.leaving = False


def _scrolled(_event) -> None:
    dom.by_id("ex-lines").scrollTop = dom.by_id("ex-code").scrollTop


def setup() -> None:
    dom.on("ex-run", "click", _run)
    dom.on("ex-check", "click", _check)
    dom.on("ex-hint", "click", _hint)
    dom.on("ex-show-solution", "click", _show_solution)
    dom.on("ex-use-solution", "click", _use_solution)
    dom.on("ex-reset", "click", _reset)
    dom.on("ex-undo", "click", _undo_reset)
    dom.on("ex-code", "input", _typed)
    dom.on("ex-code", "keydown", _keydown)
    dom.on("ex-next", "click", _next)
    editor.setup(lambda: _typed(None))
    dom.on("ex-code", "scroll", _scrolled)
    runner.listeners.append(_show_status)
    select(progress.progress["current"] or state.current)


def show(link: str) -> None:
    runner.start_in_background()  # once: the checker's Python starts while the learner reads
    _show_status()
    key = link.split("&")[0]
    if key in BY_KEY and key != state.current:
        _rec()["code"] = _code()
        select(key)
    else:
        _show_list()
    runner.warm(state.current)  # and checks this exercise once, so that the first Check is as quick as the next
