"""The Backprop lab's network picture, drawn on its canvas for the step shown.

Every weight as a line (colour = sign, thickness = size, ``view.weight_style``),
the weights and neurons the step uses lit, their values written beside them;
each neuron shows its activation (and z) once the forward pass has reached its
layer, and its δ once BP1/BP2 have: the picture fills in as the walkthrough goes.

Glue: it only calls the methods of the ``Canvas`` it is given (no ``js`` import),
with the numbers of ``nnfs.labs.backprop.steps.Walkthrough``.
"""

from __future__ import annotations

from app.labs.backprop import view
from app.labs.backprop.equations import num, sub
from nnfs.labs.backprop.steps import Explained, Selection, Step, Walkthrough

INK, MUTED, DELTA = "#1b2430", "#5b6675", "#b5179e"


def computed_deltas(walk: Walkthrough, index: int) -> set:
    """Layers whose δ is known at step ``index`` (BP1 gives L, each BP2 one more)."""
    steps, L, step = walk.steps[: index + 1], walk.L, walk.steps[index]
    return {s.layer for s in steps if s.kind in ("bp1", "bp2")} | (
        set(range(1, L + 1)) if step.kind in ("bp3", "bp4", "update") else set()
    )


def forward_done(walk: Walkthrough, index: int) -> set:
    """Layers whose activations are known at step ``index`` (every layer after the forward pass)."""
    step = walk.steps[index]
    if step.kind != "forward":
        return set(range(1, walk.L + 1))
    return {s.layer for s in walk.steps[: index + 1] if s.kind == "forward"}


def draw_network(
    cv, lay: view.Layout, walk: Walkthrough, index: int, x: int, sel: Selection | None, explained: Explained
) -> None:
    """The network at step ``index`` for example ``x``, with the selection ``sel`` dark."""
    step: Step = walk.steps[index]
    net = walk.network
    cv.clear()
    lit_edges, lit_neurons = set(explained.edges), set(explained.neurons)
    sel_edge = (sel.layer, sel.j, sel.k) if sel is not None and sel.is_weight else None
    strokes: dict = {}
    for l in range(1, len(lay.sizes)):
        for j in range(lay.sizes[l]):
            for k in range(lay.sizes[l - 1]):
                (x0, y0), (x1, y1) = lay.edge(l, j, k)
                if (l, j, k) in lit_edges:
                    cv.line(x0, y0, x1, y1, view.HILITE, view.weight_style(0)[1] + 8)
                style = view.weight_style(float(net.weights[l - 1][j, k]), (l, j, k) == sel_edge)
                strokes.setdefault(style, []).append(f"M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}")
    for (colour, width), parts in strokes.items():
        cv.fill_stroke("".join(parts), stroke=colour, width=width)
    labels = [
        (num(net.weights[l - 1][j, k], 3),) + view.label_point(lay, l, j, k)
        for (l, j, k) in sorted(lit_edges | ({sel_edge} if sel_edge else set()))
    ]
    if labels:
        cv.rects([(px - 22, py - 8, 44, 16) for _, px, py in labels], fill="rgba(255,255,255,0.9)")
        cv.texts(labels, INK, 11)
    deltas, forward = computed_deltas(walk, index), forward_done(walk, index)
    values, small, red = [], [], []
    for l, layer in enumerate(lay.pos):
        for j, (px, py) in enumerate(layer):
            lit = (l, j) in lit_neurons
            focus = explained.focus[:2] == (l, j) and len(explained.focus) == 2
            cv.circle(
                px,
                py,
                view.RADIUS,
                "#fff4e6" if lit else "#ffffff",
                view.FOCUS if focus else (view.HILITE if lit else MUTED),
                3 if focus or lit else 1.2,
            )
            if l == 0:
                values.append((num(walk.X[x, j], 3), px, py))
                small.append((f"x{sub(j + 1)}", px, py - view.RADIUS - 8))
            elif l in forward:
                values.append((num(walk.a(l, j, x), 3), px, py))
                small.append((f"z {num(walk.z(l, j, x), 3)}", px, py - view.RADIUS - 8))
            if l in deltas:
                red.append((f"δ {num(walk.delta(l, j, x), 3)}", px, py + view.RADIUS + 10))
    cv.texts(values, INK, 12, bold=True)
    cv.texts(small, MUTED, 11)
    cv.texts(red, DELTA, 11)
    names = ["input"] + [f"hidden {l}" for l in range(1, walk.L)] + ["output"]
    cv.texts([(n, layer[0][0], cv.height - 10) for n, layer in zip(names, lay.pos)], MUTED, 11)
    if step.kind == "cost" or (index >= walk.L):
        ys = " ".join(num(v, 3) for v in walk.T[x])
        cv.text(f"y = ({ys})", lay.pos[-1][0][0], 14, MUTED, 11)
