"""What the Backprop lab draws and writes: pure Python + numpy, tested in CPython.

* The network picture: where each neuron sits, how each weight is drawn
  (colour = sign, thickness = size), and which neuron or weight a click hits.
* The panel of a step (``step_html``): its title, the equation in symbols, then
  the equation with the numbers plugged in (the text is ``equations``'), and
  the check-it-yourself panel (``check_html``) and the table of examples
  (``examples_html``).
* The speed-of-learning chart: bars (log scale) for the speeds at the start
  (pale) and now (solid), their legend, the ratio of the last hidden layer's
  speed to the first's beside the book's, and curves over the epochs, also on a
  log scale (the speeds span 10⁻⁴ to 1).

No ``js`` here; the glue (``lab.py``) sends the shapes to the canvas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from app.labs.backprop.equations import equation, lines, num, sub, title
from nnfs.labs.backprop.learning_speed import BOOK_SIZES
from nnfs.labs.backprop.steps import Explained, Selection, Step
from nnfs.settings.table import Setting, Table

NEG = "#e76f51"  # negative weights (the Playground's colours)
POS = "#457b9d"  # positive ones
HILITE = "#f4a261"  # what the current step uses
FOCUS = "#1b2430"  # the selected neuron/weight
RADIUS = 22.0  # neuron radius in canvas pixels
WEIGHT_FULL = 3.0  # |w| drawn with the thickest line
MIN_WIDTH, MAX_WIDTH = 0.75, 7.0
LAYER_COLORS = ("#2a6ea6", "#ffa933", "#ff5555", "#3aa655")  # the book's figure colours
SPEED_RANGE = (1e-5, 1.0)  # the log axis of the speed chart


ACTIVATION_CHOICES = (("sigmoid", "sigmoid σ"), ("tanh", "tanh"), ("relu", "ReLU"))

SETTINGS = Table(
    "bp",
    [
        Setting("inputs", "inputs", 2, kind="int", lo=1, hi=4, slider=(1, 4, 1)),
        Setting("h1", "hidden layer 1", 3, kind="int", lo=1, hi=5, slider=(1, 5, 1)),
        Setting("h2", "hidden layer 2", 0, kind="int", lo=0, hi=5, slider=(0, 5, 1), help="0: no second hidden layer."),
        Setting(
            "h3",
            "hidden layer 3",
            0,
            kind="int",
            lo=0,
            hi=5,
            slider=(0, 5, 1),
            help="0: no third hidden layer (it needs a second one).",
        ),
        Setting("outputs", "outputs", 2, kind="int", lo=1, hi=4, slider=(1, 4, 1)),
        Setting(
            "act",
            "activation of the hidden layers",
            "sigmoid",
            kind="choice",
            choices=ACTIVATION_CHOICES,
            help="The output layer is sigmoid, so outputs lie in (0, 1) like the targets.",
        ),
        Setting(
            "cost",
            "cost",
            "quadratic",
            kind="choice",
            choices=(("quadratic", "quadratic ½‖a − y‖²"), ("cross-entropy", "cross-entropy")),
        ),
        Setting(
            "seed",
            "seed of the weights",
            1,
            kind="int",
            lo=0,
            hi=999_999,
            help="Weights and biases are drawn from N(0, 1) with this seed, as in the book's network.py.",
        ),
        Setting("eta", "learning rate η", 1.0, lo=1e-4, hi=100, slider=(0.05, 10, 0.05)),
        Setting("m", "examples in the mini-batch", 1, kind="int", lo=1, hi=4, slider=(1, 4, 1)),
        Setting(
            "eps",
            "nudge ε",
            1e-4,
            lo=1e-10,
            hi=0.1,
            help="C is computed at p + ε and p − ε for the selected weight or bias p.",
        ),
        Setting(
            "sp_hidden",
            "hidden layers",
            "2",
            kind="choice",
            choices=tuple((str(h), f"{h}: {BOOK_SIZES[h]}") for h in (2, 3, 4)),
        ),
        Setting("sp_act", "activation", "sigmoid", kind="choice", choices=ACTIVATION_CHOICES),
        Setting(
            "sp_init",
            "initial weights",
            "scaled",
            kind="choice",
            choices=(("scaled", "N(0, 1/n_in), as the book"), ("normal", "N(0, 1)")),
        ),
        Setting(
            "sp_epochs",
            "epochs",
            500,
            kind="int",
            lo=1,
            hi=5000,
            help="The book trains 500 epochs (one full-batch step each).",
        ),
        Setting("sp_seed", "seed", 0, kind="int", lo=0, hi=999_999),
    ],
)
NET_SETTINGS = ("inputs", "h1", "h2", "h3", "outputs", "act", "cost", "seed", "m")


def sizes_of(values: dict) -> list[int]:
    """Layer sizes from the settings: a hidden layer of 0 neurons is no layer
    (and a third hidden layer needs a second)."""
    hidden = [values["h1"]]
    if values["h2"]:
        hidden.append(values["h2"])
        if values["h3"]:
            hidden.append(values["h3"])
    return [values["inputs"], *hidden, values["outputs"]]


@dataclass(frozen=True)
class Layout:
    """Neuron centres ``pos[l][j] = (x, y)`` for layers l = 0..L on a width x height canvas."""

    sizes: tuple
    width: int
    height: int
    pos: tuple

    def edge(self, l: int, j: int, k: int):
        """The two ends of weight w^l_jk: from neuron k of layer l-1 to neuron j of layer l."""
        return self.pos[l - 1][k], self.pos[l][j]


def layout(sizes, width: int = 640, height: int = 340, margin: float = 48.0) -> Layout:
    """Layers spread evenly left to right, each layer's neurons centred vertically."""
    sizes = tuple(int(s) for s in sizes)
    n = len(sizes)
    tallest = max(sizes)
    gap = min((height - 2 * margin) / max(tallest - 1, 1), 3.4 * RADIUS)
    pos = []
    for l, size in enumerate(sizes):
        x = margin + (width - 2 * margin) * (l / (n - 1) if n > 1 else 0.5)
        top = height / 2 - gap * (size - 1) / 2
        pos.append(tuple((round(x, 2), round(top + gap * j, 2)) for j in range(size)))
    return Layout(sizes, int(width), int(height), tuple(pos))


def weight_style(w: float, selected: bool = False) -> tuple[str, float]:
    """(colour, line width) of a weight: blue if positive, orange if negative,
    thicker the larger |w| (full at |w| = WEIGHT_FULL); a selected one is dark."""
    if not math.isfinite(w):
        return "#999999", MIN_WIDTH
    width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * min(abs(w) / WEIGHT_FULL, 1.0)
    colour = FOCUS if selected else (POS if w >= 0 else NEG)
    return colour, round(width, 2)


def _segment_distance(px, py, a, b) -> tuple[float, float]:
    """Distance from (px, py) to segment a-b, and where along it (0..1) the nearest point is."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / length2))
    cx, cy = x0 + t * dx, y0 + t * dy
    return math.hypot(px - cx, py - cy), t


def hit(lay: Layout, px: float, py: float, tolerance: float = 6.0):
    """What a click at (px, py) selects: ('neuron', l, j) inside a neuron
    (l = 0 is an input), ('weight', l, j, k) on a weight line, or None."""
    for l, layer in enumerate(lay.pos):
        for j, (x, y) in enumerate(layer):
            if math.hypot(px - x, py - y) <= RADIUS:
                return ("neuron", l, j)
    best = None
    for l in range(1, len(lay.sizes)):
        for j in range(lay.sizes[l]):
            for k in range(lay.sizes[l - 1]):
                d, _ = _segment_distance(px, py, *lay.edge(l, j, k))
                if d <= tolerance and (best is None or d < best[0]):
                    best = (d, ("weight", l, j, k))
    return None if best is None else best[1]


def label_point(lay: Layout, l: int, j: int, k: int) -> tuple[float, float]:
    """Where a weight's value is written: a third of the way from its neuron j back
    to neuron k, so labels of weights into the same neuron do not overlap."""
    (x0, y0), (x1, y1) = lay.edge(l, j, k)
    t = 0.7
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def selection_of(found) -> Selection | None:
    """A hit (see ``hit``) as a Selection; inputs have no bias, so they select nothing."""
    if found is None:
        return None
    if found[0] == "weight":
        return Selection(found[1], found[2], found[3])
    if found[1] == 0:
        return None
    return Selection(found[1], found[2])


def step_html(step: Step, index: int, total: int, explained: Explained) -> str:
    """The step panel: 'Step i of n', the title, the equation in symbols, the numbers."""
    numbers = "".join(f'<div class="bp-line">{escape(line)}</div>' for line in lines(explained))
    return (
        f'<p class="bp-count">Step {index + 1} of {total}</p>'
        f'<h3 class="bp-title">{escape(title(step, explained.L))}</h3>'
        f'<p class="bp-equation">{escape(equation(step))}</p>'
        f'<div class="bp-numbers">{numbers}</div>'
    )


def check_html(name: str, check: dict) -> str:
    """The check-it-yourself panel: the centred difference beside backprop's value."""
    rel = check["relative"]
    verdict = "agree" if rel < 1e-6 else "differ"
    return (
        f"<p>(C({escape(name)} + ε) − C({escape(name)} − ε)) / 2ε with ε = {num(check['eps'])}:</p>"
        f'<p class="bp-line">({num(check["c_plus"], 10)} − {num(check["c_minus"], 10)}) / '
        f"{num(2 * check['eps'])} = <b>{num(check['numeric'], 8)}</b></p>"
        f'<p class="bp-line">backpropagation (BP3/BP4): <b>{num(check["backprop"], 8)}</b></p>'
        f'<p class="bp-line">relative difference: {num(rel, 2)} — they {verdict}.</p>'
    )


def examples_html(X, T) -> str:
    """The table of the mini-batch: one row per example, its inputs x and targets y
    as text fields (the glue reads an edited cell by its data-kind/-row/-col)."""
    m, n_in, n_out = X.shape[0], X.shape[1], T.shape[1]
    head = "".join(f"<th scope='col'>x{sub(k + 1)}</th>" for k in range(n_in))
    head += "".join(f"<th scope='col'>y{sub(j + 1)}</th>" for j in range(n_out))
    rows = []
    for i in range(m):
        cells = [f"<th scope='row'>{i + 1}</th>"]
        for kind, row in (("x", X[i]), ("y", T[i])):
            for n, value in enumerate(row):
                cells.append(
                    f"<td><input type='text' inputmode='decimal' id='bp-{kind}-{i}-{n}' data-not-setting "
                    f"data-kind='{kind}' data-row='{i}' data-col='{n}' value='{value:g}' "
                    f"aria-label='{kind}{n + 1} of example {i + 1}'></td>"
                )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# ------------------------------------------------------------ speed of learning


def log_y(value: float, top: float, bottom: float, lo: float = SPEED_RANGE[0], hi: float = SPEED_RANGE[1]) -> float:
    """The canvas y of ``value`` on a log axis from ``lo`` (at ``bottom``) to ``hi`` (at ``top``)."""
    if not (value > 0 and math.isfinite(value)):
        return bottom
    f = (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    f = max(0.0, min(1.0, f))
    return bottom - f * (bottom - top)


def log_ticks(lo: float = SPEED_RANGE[0], hi: float = SPEED_RANGE[1]) -> list[float]:
    """Powers of ten from lo to hi."""
    return [10.0**e for e in range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 1)]


def bar_boxes(groups, x0: float, width: float, top: float, bottom: float, gap: float = 18.0):
    """Bars for several runs side by side: ``groups`` holds per run (start, now), each a list
    of per-layer speeds. Each layer gets two bars side by side, its speed at the start and
    now. Returns [(run, layer, when, (x, y, w, h))] with ``when`` "start" or "now" and heights
    on the log axis."""
    boxes = []
    slots = sum(2 * len(start) for start, _ in groups) + gap / 12 * max(len(groups) - 1, 0)
    bar_w = min(24.0, width / max(slots, 1) * 0.8)
    x = x0
    for r, (start, now) in enumerate(groups):
        for l, pair in enumerate(zip(start, now)):
            for when, v in zip(("start", "now"), pair):
                y = log_y(v, top, bottom)
                boxes.append((r, l, when, (round(x, 2), round(y, 2), round(bar_w, 2), round(bottom - y, 2))))
                x += bar_w
            x += bar_w * 0.5
        x += gap
    return boxes


def legend_html(hidden_layers: int, epoch: int) -> str:
    """The bars' legend: one colour per hidden layer, pale for the start, solid for now."""
    layers = "".join(
        f"<li><span class='bp-sp-swatch' style='background:{LAYER_COLORS[l % len(LAYER_COLORS)]}'></span>"
        f"hidden layer {l + 1}</li>"
        for l in range(hidden_layers)
    )
    return (
        f"{layers}<li><span class='bp-sp-swatch bp-sp-start'></span>pale bar: at the start (epoch 0)</li>"
        f"<li><span class='bp-sp-swatch bp-sp-now'></span>solid bar: now (epoch {epoch})</li>"
    )


def _times(r: float) -> str:
    return f"{r:.2g} times" if math.isfinite(r) else "infinitely many times"


def ratio_text(label: str, start, now, epoch: int, book=None, book_figure=None) -> str:
    """How many times as fast the last hidden layer learns as the first, at the start (beside
    the book's figures when the run has the book's settings: ``book`` the speeds its text
    states, ``book_figure`` those its figure's data file starts with) and now; then, in plain
    words, what changed between the two."""
    at_start = start[-1] / start[0] if start[0] > 0 else math.inf
    at_now = now[-1] / now[0] if now[0] > 0 else math.inf
    text = f"{label}: at the start the last hidden layer learns {_times(at_start)} as fast as the first"
    if book:
        text += f" (the book: {book[0]:g} and {book[-1]:g}, so {_times(book[-1] / book[0])}"
        if book_figure:
            ratio = book_figure[-1] / book_figure[0]
            text += f"; its figure's data: {num(book_figure[0], 3)} and {num(book_figure[-1], 3)}, {_times(ratio)}"
        text += ")"
    if epoch == 0:
        return text + ". Press Run to train it and watch the speeds change."
    text += f"; after epoch {epoch}, {_times(at_now)}. "
    change = []
    for l, (s, n) in enumerate(zip(start, now)):
        change.append(f"layer {l + 1}'s speed {'fell' if n < s else 'rose'} from {num(s, 3)} to {num(n, 3)}")
    text += "Since the start " + ", ".join(change) + ". "
    if all(n < s for s, n in zip(start, now)):
        text += "Every layer learns more slowly now: as the network fits the images, the cost's gradient shrinks. "
    if at_now < at_start / 1.1:
        text += "The gap between the layers narrowed: the last layer slowed down more than the first."
    elif at_now > at_start * 1.1:
        text += "The gap between the layers widened: the first layer slowed down more than the last."
    else:
        text += "The gap between the layers stayed about the same."
    return text


def curve_points(norms, layer: int, x0: float, x1: float, top: float, bottom: float, epochs: int):
    """(xs, ys) of one hidden layer's speed over the epochs, on the log axis."""
    n = len(norms)
    span = max(epochs, n - 1, 1)
    xs = [x0 + (x1 - x0) * e / span for e in range(n)]
    ys = [log_y(row[layer], top, bottom) for row in norms]
    return xs, ys


def speeds_text(speeds, book=None) -> str:
    """'0.0615 / 0.282 (book: 0.07 / 0.31)' with how much faster each next layer is."""
    text = " / ".join(num(v, 3) for v in speeds)
    if book:
        text += " (book: " + " / ".join(f"{v:g}" for v in book) + ")"
    return text
