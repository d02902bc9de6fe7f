"""Lab 4's plot: the learner's own training points, added and removed by mouse or keyboard. Glue only.

A click adds a point of the class chosen beside the plot, a shift-click removes the
learner's nearest point; on the keyboard the arrow keys move a cross, Enter or Space
adds a point there and Delete removes one. The points are the "pts" setting (so a
link carries them), and a change of them alone keeps the run's weights: training goes
on with them (``app.labs.playground.lab.changed``).
"""

from __future__ import annotations

from app.labs.playground import draw
from app.labs.playground.run import lab, state, status
from app.ui.dom import by_id, on
from nnfs.labs.playground.config import MAX_USER_POINTS, round_point
from pictures import playground as view

KEY_STEP = 0.05  # the keyboard cross moves this far per arrow key
NEAR = 0.2  # shift-click removes your nearest point within this distance


def setup() -> None:
    on("pg-clear-points", "click", clear_points)
    on("pg-points", "click", plot_click)
    on("pg-points", "keydown", plot_key)
    on("pg-points", "focus", lambda e: plot_focus())
    on("pg-points", "blur", lambda e: plot_blur())


def _change_points(pts: tuple) -> None:
    """The learner's points are now ``pts``: into the setting, then the lab's on_change
    (the run goes on with them)."""
    lab.set(pts=pts)
    lab.on_change("pts", pts)


def clear_points(_event) -> None:
    if not state.config.points:
        status("You have not added any points yet: click the plot to add some.", "")
        return
    n = len(state.config.points)
    _change_points(())
    status(f"Removed your {n} point{'s' if n > 1 else ''}.", "")


def add_point(x: float, y: float) -> None:
    if len(state.config.points) >= MAX_USER_POINTS:
        status(
            f"You already have {MAX_USER_POINTS} points of your own, the most a link can "
            "carry: remove some first (shift-click, or Clear my points).",
            "bad",
        )
        return
    x, y = round_point(x, y)
    c = int(by_id("pg-click-class").value)
    _change_points(state.config.points + ((x, y, c),))
    kept = state.mirror.epoch or state.mirror.progress
    status(
        f"Added a class {c} training point at ({x:g}, {y:g}); "
        + (
            "training goes on from the current weights with it."
            if kept
            else "it is part of the training set from the first epoch."
        ),
        "",
    )


def remove_point(x: float, y: float) -> None:
    pts = state.config.points
    if not pts:
        status("You have no points of your own to remove.", "")
        return
    d = [(p[0] - x) ** 2 + (p[1] - y) ** 2 for p in pts]
    i = min(range(len(pts)), key=d.__getitem__)
    if d[i] > NEAR**2:
        status("None of your points is near there (only your own points, the squares, can be removed).", "")
        return
    _change_points(pts[:i] + pts[i + 1 :])
    status(f"Removed your point at ({pts[i][0]:g}, {pts[i][1]:g}).", "")


def plot_click(event) -> None:
    px, py = state.pictures.points.event_xy(event)
    x, y = view.from_canvas(px, py, state.pictures.points.width)
    if event.shiftKey:
        remove_point(x, y)
    else:
        add_point(x, y)


def plot_key(event) -> None:
    key = str(event.key)
    moves = {"ArrowLeft": (-1, 0), "ArrowRight": (1, 0), "ArrowUp": (0, 1), "ArrowDown": (0, -1)}
    if key not in moves and key not in ("Enter", " ", "Delete", "Backspace"):
        return
    event.preventDefault()
    x, y = state.cursor or (0.0, 0.0)
    if key in moves:
        dx, dy = moves[key]
        state.cursor = round_point(x + dx * KEY_STEP, y + dy * KEY_STEP)
        draw.points(state.mirror, state.cursor)
    elif state.cursor is None:
        state.cursor = (0.0, 0.0)
        draw.points(state.mirror, state.cursor)
    elif key in ("Enter", " "):
        add_point(x, y)
    else:
        remove_point(x, y)


def plot_focus() -> None:
    """Reached by keyboard (not by a click): show the cross the arrow keys move."""
    if state.cursor is None and state.pictures.points.element.matches(":focus-visible"):
        state.cursor = (0.0, 0.0)
        draw.points(state.mirror, state.cursor)


def plot_blur() -> None:
    if state.cursor is not None:
        state.cursor = None
        draw.points(state.mirror, state.cursor)
