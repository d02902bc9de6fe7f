"""The gates lab's circuit diagram on the canvas: every wire and NAND coloured by the bit it carries.

Glue (it draws through ``app.ui.canvas``); where things go comes from
``app.labs.gates.geometry``, which is pure and tested in CPython.
"""

from __future__ import annotations

from app.ui.canvas import Canvas
from nnfs.neurons.circuits import Adder

ON = "#d9480f"  # a wire or node carrying 1
ON_FILL = "#ffe3cf"
OFF = "#b9c1cb"  # carrying 0
OFF_FILL = "#ffffff"
OFF_EDGE = "#7d8896"
INK = "#1b2430"
MUTED = "#5b6675"
BAND = "#f3f5f8"  # every other bit of an adder


def draw(canvas: Canvas, circuit, geo, wires, routes, signal, hover=None) -> None:
    """The circuit on the canvas, every wire and node coloured by the signal it carries;
    ``hover`` (an input's name) gets a ring: a click there flips it."""
    canvas.resize(geo.width, geo.height)
    canvas.clear()
    if isinstance(circuit, Adder):
        # Shade every other bit's band (a_i, b_i and its adder) so the bits read apart.
        bands = [
            (0, geo.pos[f"a{i}"][1] - geo.row_gap / 2, geo.width, 3 * geo.row_gap) for i in range(1, circuit.n_bits, 2)
        ]
        canvas.rects(bands, fill=BAND)
    # Column header: how many NANDs deep each column is.
    last = len(geo.columns) - 1
    header = [("in" if c == 0 else "out" if c == last else str(c), x, 14) for c, x in enumerate(geo.columns)]
    canvas.texts(header, MUTED, 11)

    off = [route for route, w in zip(routes, wires) if not signal[w["from"]]]
    on = [route for route, w in zip(routes, wires) if signal[w["from"]]]
    canvas.fill_stroke(geo.route_path(off), stroke=OFF, width=1.4)
    canvas.fill_stroke(geo.route_path(on), stroke=ON, width=2.6)

    nands = [n for n, k in geo.kind.items() if k == "nand"]
    boxes = {n: (geo.pos[n][0] - geo.node_w / 2, geo.pos[n][1] - geo.node_h / 2, geo.node_w, geo.node_h) for n in nands}
    canvas.rects([boxes[n] for n in nands if not signal[n]], OFF_FILL, OFF_EDGE, 1.2, 5)
    canvas.rects([boxes[n] for n in nands if signal[n]], ON_FILL, ON, 2.0, 5)
    # "NAND" at a readable size (app.ui.canvas) is about 2.8 font sizes wide in bold; in boxes
    # too narrow for it (a phone, a wide adder) the box says "⊼", the NAND sign (the legend says so).
    fits = 2.8 * canvas.font_px(geo.font) <= geo.node_w - 4
    canvas.texts([("NAND" if fits else "⊼", *geo.pos[n]) for n in nands], INK, geo.font, bold=True)

    ends = [n for n, k in geo.kind.items() if k != "nand"]
    r = geo.radius
    canvas.circles([geo.pos[n] for n in ends if not signal[n]], r, OFF_FILL, OFF_EDGE, 1.5)
    canvas.circles([geo.pos[n] for n in ends if signal[n]], r, ON, ON, 1.5)
    canvas.texts([(signal[n], *geo.pos[n]) for n in ends if not signal[n]], INK, geo.font + 1, bold=True)
    canvas.texts([(signal[n], *geo.pos[n]) for n in ends if signal[n]], "#ffffff", geo.font + 1, bold=True)
    canvas.texts(
        [(n, geo.pos[n][0] - r - 6, geo.pos[n][1]) for n in ends if geo.kind[n] == "input"], INK, 12, align="right"
    )
    canvas.texts(
        [(n, geo.pos[n][0] + r + 6, geo.pos[n][1]) for n in ends if geo.kind[n] == "output"], INK, 12, align="left"
    )
    if hover is not None and hover in geo.pos:
        x0, y0, x1, y1 = geo.box(hover)
        canvas.rect(x0 - 4, y0 - 4, x1 - x0 + 8, y1 - y0 + 8, stroke=ON, width=1.5, radius=6)
