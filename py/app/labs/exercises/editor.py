"""The exercise editor's keys and Indent/Dedent buttons, on the page: the rules are ``editing``'s.

``edit(rule)`` reads the textarea's text and selection, asks the pure rule
(``app.labs.exercises.editing``) for the edit, and makes it as one replacement
through ``execCommand("insertText")``, so Ctrl+Z undoes it as it undoes typing;
where a browser refuses that, the value is set directly (the edit still lands).
Tab and Shift+Tab come from the lab's keydown handler, which also keeps the
way out of the editor (Esc, then Tab); Enter and Backspace come here.
"""

from __future__ import annotations

from collections.abc import Callable

from pyscript import document

from app.labs.exercises import editing
from app.ui import dom

_changed: list[Callable[[], None]] = []  # the lab's "code typed" handler (saves the code, renumbers lines)


def _selection(box) -> tuple[str, int, int]:
    text = str(box.value)
    return text, editing.from_js(text, int(box.selectionStart)), editing.from_js(text, int(box.selectionEnd))


def edit(rule: Callable[[str, int, int], editing.Edit | None]) -> bool:
    """Apply an indentation rule to the editor's text and selection; False if the rule has nothing to do."""
    box = dom.by_id("ex-code")
    text, start, end = _selection(box)
    change = rule(text, start, end)
    if change is None:
        return False
    after = editing.apply(text, change)
    box.focus()
    if after != text:
        box.setSelectionRange(editing.to_js(text, change.start), editing.to_js(text, change.end))
        command = "insertText" if change.insert else "delete"
        if not document.execCommand(command, False, change.insert) or str(box.value) != after:
            box.value = after
    box.setSelectionRange(editing.to_js(after, change.sel_start), editing.to_js(after, change.sel_end))
    for changed in _changed:
        changed()
    return True


# The browser's own input kinds that the rules take over: Enter (a phone's return key too) and Backspace.
_RULES = {
    "insertLineBreak": editing.newline,
    "insertParagraph": editing.newline,
    "deleteContentBackward": editing.backspace,
}


def _beforeinput(event) -> None:
    """Enter indents by Python's rules; Backspace in leading spaces goes back one level.

    beforeinput, not keydown: a phone's keyboard often reports its keys to keydown as
    "Unidentified", but every browser says here what the input will be."""
    rule = _RULES.get(str(event.inputType))
    if rule is None or event.isComposing:
        return
    if rule(*_selection(dom.by_id("ex-code"))) is not None:
        event.preventDefault()
        edit(rule)


def _keep_focus(event) -> None:
    """Pressing Indent/Dedent leaves the focus, and a phone's keyboard, in the editor."""
    event.preventDefault()


def setup(changed: Callable[[], None]) -> None:
    _changed.append(changed)
    dom.on("ex-code", "beforeinput", _beforeinput)
    for button, rule in (("ex-indent", editing.indent), ("ex-dedent", editing.dedent)):
        dom.on(button, "mousedown", _keep_focus)
        dom.on(button, "click", lambda _event, rule=rule: edit(rule))
