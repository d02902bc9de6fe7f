"""Several runs on one chart: the axes, ticks, curves and legend as numbers (pure, numpy only).

The shared picture for comparing runs (issue 11): the Playground's and the
Digits lab's run history and the Chapter 3 lab draw their overlays with it.
Everything here is plain arithmetic, tested in CPython; ``app.runs.chart``
puts the result on a canvas.

API (kept small on purpose; other labs depend on it):

- ``Series(label, colour, epochs, values, dash=(), dash_offset=0)``: one curve. ``epochs``
  and ``values`` are equal-length sequences; a non-finite value breaks the
  line there (a run that overflowed). ``dash`` is a canvas line dash, e.g.
  ``(5, 4)`` for a test curve beside a solid training curve; ``dash_offset``
  shifts it along the line, so two curves that lie on each other with dashes
  (6, 6) and offsets 0 and 6 alternate colours instead of one hiding the other.
- ``layout(series, metric, width, height, x_max=None, y_range=None) -> ChartLayout``:
  where everything goes on a ``width`` x ``height`` canvas. ``metric`` says
  how values read: one whose name contains "acc" is a fraction shown as a
  percentage on a 0-100 % axis, anything else (loss, cost) gets an axis from
  0 to a round number above its largest finite value. ``x_max`` fixes the
  epochs axis (e.g. the planned epochs while a run is being drawn live);
  ``y_range`` fixes the value axis (e.g. a zoom on 80-90 % accuracy).
- ``fit_range(series, metric, from_epoch=1) -> (low, high)``: a value axis
  zoomed to the data from ``from_epoch`` on (for ``y_range``): round ends a
  little beyond the values, within 0-100 % for an accuracy.
- ``differences(settings_list, names=(), labels=None) -> list[str]``: the
  legend text for each run, naming only the settings that differ between
  the runs ("η = 0.5 · λ = 0" vs "η = 0.5 · λ = 0.1" becomes "λ = 0" vs
  "λ = 0.1"); runs with the same settings are told apart by ``names`` (or
  "run 1", "run 2", ...). ``labels`` maps a setting's key to what the legend
  calls it (e.g. {"eta": "η"}).
- ``value_text(v)``: a setting's value as the legend writes it.
- ``metric_label(metric)``: its name on the chart ("test_acc" -> "test accuracy").
- ``COLOURS``: four colours that stay apart for common colour blindness.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pictures.paths import svg_path

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 46, 12, 20, 30  # the title sits in the top margin
LEGEND_LINE = 15  # pixels between legend rows
LEGEND_CHAR = 6.2  # about the width of one character of the 11 px legend text
LEGEND_SWATCH = 22  # the sample of the line before each legend text
MAX_POINTS = 400  # a curve is thinned to this many points (the drawing stays cheap for long runs)


@dataclass(frozen=True)
class Series:
    """One curve: a run's values of one metric per epoch."""

    label: str
    colour: str
    epochs: Sequence[float]
    values: Sequence[float]
    dash: tuple[float, ...] = ()
    dash_offset: float = 0.0


@dataclass(frozen=True)
class Line:
    """A series placed on the canvas: its polyline in pixels and its last finite value."""

    label: str
    colour: str
    dash: tuple[float, ...]
    xs: NDArray[np.float64]
    ys: NDArray[np.float64]
    last: float | None  # the last finite value (None: none)
    last_epoch: float | None
    points: int  # how many (epoch, value) pairs the series had
    dash_offset: float = 0.0

    def path(self) -> str:
        return svg_path(self.xs, self.ys)


@dataclass(frozen=True)
class ChartLayout:
    """Everything the glue draws, in canvas pixels."""

    metric: str
    box: tuple[float, float, float, float]  # the plot area (x, y, w, h)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    x_ticks: list[tuple[float, str]]  # (pixel x, text)
    y_ticks: list[tuple[float, str]]  # (pixel y, text)
    lines: list[Line]
    legend: list[tuple[str, str, tuple[float, ...], float, float]] = field(default_factory=list)
    # (text, colour, dash, x of the swatch's left end, y): one per line, in the lines' order

    def hooks(self) -> dict[str, Any]:
        """What the page publishes for tests (JSON-able): the series and their last values."""
        return {
            "metric": self.metric,
            "x_range": list(self.x_range),
            "y_range": list(self.y_range),
            "series": [
                {
                    "label": ln.label,
                    "colour": ln.colour,
                    "points": ln.points,
                    "last": ln.last,
                    "last_epoch": ln.last_epoch,
                    "dash": list(ln.dash),
                    "dash_offset": ln.dash_offset,
                }
                for ln in self.lines
            ],
        }


SET_NAMES = {"train": "training", "test": "test", "validation": "validation", "minibatch": "mini-batch"}


def metric_label(metric: str) -> str:
    """What a metric is called on the chart: "test_acc" -> "test accuracy", "train_loss" -> "training cost"."""
    head, _, tail = metric.rpartition("_")
    what = {"acc": "accuracy", "loss": "cost"}.get(tail, tail)
    return f"{SET_NAMES.get(head, head)} {what}".strip()


def is_fraction(metric: str) -> bool:
    """Accuracies are fractions (shown as percentages); losses and costs are not."""
    return "acc" in metric


def format_value(metric: str, v: float) -> str:
    """A value as the chart's ticks and legends show it."""
    if not math.isfinite(v):
        return "–"
    return f"{100 * v:.4g}%" if is_fraction(metric) else f"{v:.4g}"


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` ticks over ``span``."""
    if not (span > 0 and math.isfinite(span)):
        return 1.0
    raw = span / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * magnitude >= raw:
            return m * magnitude
    return 10.0 * magnitude


def ticks(lo: float, hi: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round values between lo and hi inclusive (about ``count`` of them); ``whole``:
    whole numbers only (epochs: no tick at 2.5)."""
    step = nice_step(hi - lo, count)
    if whole:
        step = float(max(1, math.floor(step)))
    first = math.ceil(lo / step - 1e-9)
    out = []
    k = first
    while k * step <= hi + 1e-9 * step:
        out.append(round(k * step, 12))
        k += 1
    return out


def round_top(v: float) -> float:
    """A round number at or above ``v`` (> 0): the top of a loss axis."""
    if not (v > 0 and math.isfinite(v)):
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(v))
    for m in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * magnitude >= v * (1 - 1e-12):
            return float(f"{m * magnitude:.12g}")  # 0.3, not 0.30000000000000004
    return 10.0 * magnitude


def _finite(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return values[np.isfinite(values)]


def _arrays(s: Series) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = np.asarray([math.nan if v is None else v for v in s.epochs], dtype=np.float64).ravel()
    y = np.asarray([math.nan if v is None else v for v in s.values], dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"series {s.label!r}: {x.size} epochs but {y.size} values")
    return x, y


def _thin(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if x.size <= MAX_POINTS:
        return x, y
    keep = np.unique(np.linspace(0, x.size - 1, MAX_POINTS).round().astype(int))  # keeps the first and last
    return x[keep], y[keep]


def layout(
    series: Sequence[Series],
    metric: str,
    width: float,
    height: float,
    x_max: float | None = None,
    y_range: tuple[float, float] | None = None,
    scale: float = 1.0,
) -> ChartLayout:
    """Where the axes, ticks, curves and legend go (see the module docstring). ``scale``
    grows the room kept for text (margins, legend rows) with the text itself: a chart shown
    at half its pixel width on a phone draws its text twice as large (app.ui.canvas)."""
    data = [_arrays(s) for s in series]
    all_x = np.concatenate([_finite(x) for x, _ in data]) if data else np.zeros(0)
    all_y = np.concatenate([_finite(y) for _, y in data]) if data else np.zeros(0)
    if x_max is None:
        x_max = float(all_x.max()) if all_x.size else 1.0
    x_lo, x_hi = 0.0, max(float(x_max), 1.0)
    if y_range is not None:
        y_lo, y_hi = float(y_range[0]), float(y_range[1])
        if not (math.isfinite(y_lo) and math.isfinite(y_hi) and y_hi > y_lo):
            raise ValueError(f"y_range must be two finite numbers, low < high: {y_range}")
    elif is_fraction(metric):
        y_lo, y_hi = 0.0, 1.0
    else:
        y_lo, y_hi = 0.0, round_top(float(all_y.max()) if all_y.size else 1.0)
    bx, by = MARGIN_LEFT * scale, MARGIN_TOP * scale
    bw = max(width - (MARGIN_LEFT + MARGIN_RIGHT) * scale, 1.0)
    bh = max(height - (MARGIN_TOP + MARGIN_BOTTOM) * scale, 1.0)

    def px(x: NDArray[np.float64] | float) -> NDArray[np.float64]:
        return bx + (np.asarray(x, dtype=np.float64) - x_lo) / (x_hi - x_lo) * bw

    def py(y: NDArray[np.float64] | float) -> NDArray[np.float64]:
        # Values beyond the axis are drawn just past its edge, not far off the canvas.
        f = np.clip((np.asarray(y, dtype=np.float64) - y_lo) / (y_hi - y_lo), -0.02, 1.02)
        return by + bh - f * bh

    x_ticks = [(float(px(t)), f"{t:g}") for t in ticks(x_lo, x_hi, whole=True)]
    y_ticks = [(float(py(t)), format_value(metric, t)) for t in ticks(y_lo, y_hi, 4)]
    lines = []
    for s, (x, y) in zip(series, data):
        ok = np.isfinite(x) & np.isfinite(y)
        last = float(y[ok][-1]) if ok.any() else None
        last_epoch = float(x[ok][-1]) if ok.any() else None
        tx, ty = _thin(x, y)
        lines.append(
            Line(s.label, s.colour, tuple(s.dash), px(tx), py(ty), last, last_epoch, int(x.size), float(s.dash_offset))
        )
    # The legend sits where curves seldom go: top right for losses (they fall),
    # bottom right for accuracies (they rise). Its width is estimated from the text.
    wide = (max((len(ln.label) for ln in lines), default=0) * LEGEND_CHAR + LEGEND_SWATCH + 8) * scale
    lx = max(bx + 4, bx + bw - wide)
    row = LEGEND_LINE * scale
    top = by + 10.0 * scale if not is_fraction(metric) else by + bh - 8.0 * scale - row * (len(lines) - 1)
    legend = [(ln.label, ln.colour, ln.dash, lx, top + row * i) for i, ln in enumerate(lines)]
    return ChartLayout(metric, (bx, by, bw, bh), (x_lo, x_hi), (y_lo, y_hi), x_ticks, y_ticks, lines, legend)


def fit_range(series: Sequence[Series], metric: str, from_epoch: float = 1) -> tuple[float, float] | None:
    """A value axis zoomed to the series' finite values from ``from_epoch`` on (None: no such
    value). Its ends are round (a step of about a quarter of the span) and lie beyond the
    values; an accuracy's stay within 0-100 %. The untrained network (epoch 0, about 10 %)
    is left out by default: it would stretch the axis back to the full range."""
    picked = []
    for s in series:
        x, y = _arrays(s)
        keep = np.isfinite(x) & np.isfinite(y) & (x >= from_epoch)
        picked.append(y[keep])
    values = np.concatenate(picked) if picked else np.zeros(0)
    if not values.size:
        return None
    lo, hi = float(values.min()), float(values.max())
    fraction = is_fraction(metric)
    step = nice_step(max(hi - lo, 0.02 if fraction else abs(hi) * 0.1, 1e-9), 4)
    low, high = math.floor(lo / step - 1e-9) * step, math.ceil(hi / step + 1e-9) * step
    floor, ceiling = (0.0, 1.0) if fraction else (0.0 if lo >= 0 else -math.inf, math.inf)
    while high - low < 2 * step - 1e-12:  # at least two steps, kept within the metric's bounds
        if high + step <= ceiling + 1e-12:
            high += step
        elif low - step >= floor - 1e-12:
            low -= step
        else:
            break
    low, high = max(low, floor), min(high, ceiling)
    return float(f"{low:.12g}"), float(f"{high:.12g}")


MAX_VALUE_TEXT = 24  # a longer setting (e.g. the Playground's own points) is cut short in a legend


def value_text(v: Any) -> str:
    """A setting's value as a legend writes it: 0.5, "on", 4-2, a long text cut short."""
    if isinstance(v, str) and len(v) > MAX_VALUE_TEXT:
        return v[: MAX_VALUE_TEXT - 1] + "…"
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return "-".join(value_text(x) for x in v)
    return "none" if v is None else str(v)


def differences(
    settings_list: Sequence[Mapping[str, Any]],
    names: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """The legend of each run: the settings whose values differ between the runs.

    Keys are taken in the order they first appear; a key missing from a run
    reads "none" there. Runs whose differing settings are equal (or all runs,
    when nothing differs) are told apart by their ``names`` (default "run 1",
    "run 2", ...), added in brackets when some settings do differ.
    """
    labels = labels or {}
    n = len(settings_list)
    names = list(names) + [f"run {i + 1}" for i in range(len(names), n)]
    keys: list[str] = []
    for s in settings_list:
        keys.extend(k for k in s if k not in keys)
    # Compared as the legend writes them: 1 and 1.0 (JSON may give either) are the same setting.
    differing = [k for k in keys if len({value_text(s[k]) if k in s else None for s in settings_list}) > 1]
    texts = [" · ".join(f"{labels.get(k, k)} = {value_text(s.get(k))}" for k in differing) for s in settings_list]
    out = []
    for i, t in enumerate(texts):
        if not t:
            out.append(names[i])
        elif texts.count(t) > 1:
            out.append(f"{t} ({names[i]})")
        else:
            out.append(t)
    return out
