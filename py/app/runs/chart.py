"""Several runs on one canvas: draws what ``app.runs.chart_view.layout`` computed. Glue only.

API (other labs depend on it; keep it):

- ``draw(canvas, series, metric, x_max=None, y_range=None, empty="") -> ChartLayout``:
  clears ``canvas`` (an ``app.ui.canvas.Canvas``) and draws the axes (named by
  ``app.runs.chart_view.metric_label(metric)``), the
  ``app.runs.chart_view.Series`` curves and their legend. With no series it shows the
  ``empty`` text instead. It publishes, for tests, ``data-series`` on the
  canvas element: JSON of ``ChartLayout.hooks()`` (the metric, the axes'
  ranges, and per series its label, colour, number of points, last finite
  value and its epoch, dash and dash offset).

Typical use::

    from app.runs import chart as runs_chart

    from app.runs import chart_view as runs_view
    legend = runs_view.differences([r.settings for r in runs], names=[r.name for r in runs])
    series = [runs_view.Series(text, runs_view.COLOURS[i], r.epochs, r.test_acc) for i, ... ]
    runs_chart.draw(Canvas("my-canvas"), series, "test_acc")
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pyodide.ffi import to_js

from app.runs import chart_view as runs_view
from app.ui.canvas import Canvas

AXIS, GRID, TEXT = "#8a94a3", "#eceff2", "#5b6675"

# Charts drawn while their lab was hidden (set up off screen, a run's record loaded): their
# text was sized for an estimated width, so they draw again when shown (``redraw_shown``).
_drawn_hidden: dict[str, tuple] = {}


def redraw_shown() -> None:
    """Draw again, at their real displayed size, the charts drawn while hidden that are now shown."""
    for element_id, args in list(_drawn_hidden.items()):
        canvas = Canvas(element_id)
        if float(canvas.element.getBoundingClientRect().width) > 0:
            draw(canvas, *args)


def draw(
    canvas: Canvas,
    series: Sequence[runs_view.Series],
    metric: str,
    x_max: float | None = None,
    y_range: tuple[float, float] | None = None,
    empty: str = "",
) -> runs_view.ChartLayout:
    """Draw the runs' curves of one metric (see the module docstring)."""
    g = canvas.grow()  # text and the room it takes grow together on a small screen
    element_id = str(canvas.element.id)
    if canvas.estimated:
        _drawn_hidden[element_id] = (series, metric, x_max, y_range, empty)
    else:
        _drawn_hidden.pop(element_id, None)
    chart = runs_view.layout(series, metric, canvas.width, canvas.height, x_max, y_range, scale=g)
    canvas.element.setAttribute("data-series", json.dumps(chart.hooks()))
    canvas.clear()
    x, y, w, h = chart.box
    canvas.fill_stroke("".join(f"M{x} {ty:.1f}H{x + w}" for ty, _ in chart.y_ticks), stroke=GRID, width=1)
    canvas.fill_stroke(f"M{x} {y}V{y + h}H{x + w}", stroke=AXIS, width=1)
    canvas.texts([(text, x - 5 * g, ty) for ty, text in chart.y_ticks], TEXT, 11, align="right")
    canvas.texts([(text, tx, y + h + 12 * g) for tx, text in chart.x_ticks], TEXT, 11)
    canvas.texts([("epoch", x + w, y + h + 25 * g)], TEXT, 11, align="right")
    canvas.texts([(runs_view.metric_label(metric), x, 3 * g)], TEXT, 11, align="left", baseline="top")
    if not series:
        if empty:
            canvas.text(empty, x + w / 2, y + h / 2, TEXT, 13)
        return chart
    ctx = canvas.ctx
    for line in chart.lines:
        ctx.setLineDash(to_js(list(line.dash)))
        ctx.lineDashOffset = line.dash_offset
        canvas.fill_stroke(line.path(), stroke=line.colour, width=2)
    for (_text, colour, dash, lx, ly), line in zip(chart.legend, chart.lines):
        ctx.setLineDash(to_js(list(dash)))
        ctx.lineDashOffset = line.dash_offset
        canvas.fill_stroke(f"M{lx} {ly}H{lx + (runs_view.LEGEND_SWATCH - 4) * g}", stroke=colour, width=2)
    ctx.setLineDash(to_js([]))
    ctx.lineDashOffset = 0
    items = [(text, lx + runs_view.LEGEND_SWATCH * g, ly) for text, _c, _d, lx, ly in chart.legend]
    canvas.texts(items, "#1b2430", 11, align="left")
    return chart
