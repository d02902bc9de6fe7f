"""What the gates lab draws, as geometry: pixel positions, wire routes, hit-testing.

Pure Python (no ``js``), so it is tested in CPython. The circuit's own
``layout()`` gives every node a grid cell (column = depth, row); this module
scales that grid to canvas pixels so that the drawing fits ``MAX_WIDTH``
and no two nodes overlap, works out where each wire leaves and enters a node,
and finds which input a click landed on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_WIDTH = 1100  # canvas pixels; the panel is about this wide on a laptop
MARGIN_LEFT = 58  # room for input names ("a7") left of the input circles
MARGIN_RIGHT = 70  # room for output names ("carry") right of the outputs
MARGIN_TOP = 30  # the "in 1 2 … out" column header
MARGIN_BOTTOM = 14
MAX_COLUMN_GAP = 130  # small circuits do not stretch across the whole canvas
MIN_COLUMN_GAP = 46  # an 8-bit adder (20 columns) gets about 51
MIN_ROW_GAP = 26.0
MAX_HEIGHT = 650.0  # rows are squeezed (down to MIN_ROW_GAP) to keep tall circuits about this tall


@dataclass
class Geometry:
    """A circuit scaled to the canvas. All coordinates are canvas pixels."""

    width: int
    height: int
    column_gap: float
    row_gap: float
    node_w: float  # a NAND box
    node_h: float
    radius: float  # an input or output circle
    font: int  # the "NAND" label
    columns: list[float]  # x of each column, left to right
    pos: dict[str, tuple[float, float]] = field(default_factory=dict)  # node id -> centre
    kind: dict[str, str] = field(default_factory=dict)  # node id -> input/nand/output
    max_width: int = MAX_WIDTH  # the width it was made to fit

    def half_width(self, node_id: str) -> float:
        return self.node_w / 2 if self.kind[node_id] == "nand" else self.radius

    def half_height(self, node_id: str) -> float:
        return self.node_h / 2 if self.kind[node_id] == "nand" else self.radius

    def out_port(self, node_id: str) -> tuple[float, float]:
        """Where wires leave a node: the middle of its right edge."""
        x, y = self.pos[node_id]
        return x + self.half_width(node_id), y

    def in_port(self, node_id: str, k: int) -> tuple[float, float]:
        """Where the k-th wire into a node arrives: a NAND has two ports, top and bottom."""
        x, y = self.pos[node_id]
        if self.kind[node_id] == "nand":
            return x - self.node_w / 2, y + (-1 if k == 0 else 1) * self.node_h / 4
        return x - self.radius, y

    def wire_routes(self, wires) -> list[tuple[float, float, float, float, float]]:
        """How each wire is drawn, in the order given: (x0, y0, xk, x1, y1).

        A wire leaves its source at (x0, y0), runs straight along that row to
        xk, at the start of the gap before its target's column, and bends
        there (a Bézier with level ends) into the target at (x1, y1). So a
        wire that skips columns passes them on its source's row, which the
        layouts keep free. A NAND's upper port takes the wire from higher up
        (NAND(a, b) = NAND(b, a)), so its two wires never cross at the door.
        """
        into: dict[str, list[int]] = {}
        for k, w in enumerate(wires):
            into.setdefault(w["to"], []).append(k)
        port = {}
        for ks in into.values():
            for p, k in enumerate(sorted(ks, key=lambda k: self.pos[wires[k]["from"]][1])):
                port[k] = p
        gap = max(self.column_gap - self.node_w, 8.0)
        routes = []
        for k, w in enumerate(wires):
            x0, y0 = self.out_port(w["from"])
            x1, y1 = self.in_port(w["to"], port[k])
            xk = max(x0, x1 - gap)
            routes.append((x0, y0, xk, x1, y1))
        return routes

    @staticmethod
    def route_path(routes) -> str:
        """SVG path text for wire routes (see `wire_routes`), all in one path."""
        parts = []
        for x0, y0, xk, x1, y1 in routes:
            mid = (xk + x1) / 2
            parts.append(f"M{x0:.1f} {y0:.1f}H{xk:.1f}C{mid:.1f} {y0:.1f} {mid:.1f} {y1:.1f} {x1:.1f} {y1:.1f}")
        return "".join(parts)

    @staticmethod
    def route_points(route, steps: int = 24) -> list[tuple[float, float]]:
        """Points along one wire route (for tests: does it run through a node?)."""
        x0, y0, xk, x1, y1 = route
        points = [(x0 + (xk - x0) * t / steps, y0) for t in range(steps + 1)]
        mid = (xk + x1) / 2
        for j in range(1, steps + 1):
            t = j / steps
            u = 1 - t
            x = u**3 * xk + 3 * u * u * t * mid + 3 * u * t * t * mid + t**3 * x1
            y = u**3 * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t**3 * y1
            points.append((x, y))
        return points

    def box(self, node_id: str) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of a node's shape."""
        x, y = self.pos[node_id]
        hw, hh = self.half_width(node_id), self.half_height(node_id)
        return x - hw, y - hh, x + hw, y + hh

    def hit(self, x: float, y: float, kinds=("input",)) -> str | None:
        """The node of one of `kinds` under the point (x, y), or None.

        The target is a little larger than the drawing (and an input's name,
        to its left, counts too), so a finger or a shaky mouse still hits.
        """
        best, best_d = None, None
        for node_id, (cx, cy) in self.pos.items():
            if self.kind[node_id] not in kinds:
                continue
            left, top, right, bottom = self.box(node_id)
            slack = 4.0
            if self.kind[node_id] == "input":
                left -= MARGIN_LEFT - 8  # the name label
            if left - slack <= x <= right + slack and top - slack <= y <= bottom + slack:
                d = (x - cx) ** 2 + (y - cy) ** 2
                if best_d is None or d < best_d:
                    best, best_d = node_id, d
        return best


def geometry(circuit, max_width: int = MAX_WIDTH) -> Geometry:
    """Scale `circuit.layout()` to canvas pixels, at most `max_width` wide."""
    grid = circuit.layout()
    kind = {node["id"]: node["kind"] for node in circuit.nodes()}
    n_cols = int(max(c for c, _ in grid.values())) + 1
    n_rows = max(r for _, r in grid.values()) + 1  # rows may be half-integers

    span = max_width - MARGIN_LEFT - MARGIN_RIGHT
    column_gap = max(MIN_COLUMN_GAP, min(MAX_COLUMN_GAP, span / max(n_cols - 1, 1)))
    # Rows a bit less than columns apart, and a tall circuit (24 rows for an
    # 8-bit adder) squeezed towards MAX_HEIGHT, but never so tight that boxes touch.
    row_gap = max(MIN_ROW_GAP, min(58.0, column_gap * 0.6, MAX_HEIGHT / max(n_rows - 1, 1)))
    node_w = min(60.0, column_gap * 0.7)
    node_h = min(30.0, row_gap * 0.68)
    radius = min(14.0, row_gap * 0.42)
    font = int(max(9, min(12, node_w / 4)))

    width = int(round(MARGIN_LEFT + (n_cols - 1) * column_gap + MARGIN_RIGHT))
    height = int(round(MARGIN_TOP + row_gap / 2 + (n_rows - 1) * row_gap + row_gap / 2 + MARGIN_BOTTOM))
    columns = [MARGIN_LEFT + c * column_gap for c in range(n_cols)]
    top = MARGIN_TOP + row_gap / 2
    pos = {node_id: (columns[int(c)], top + r * row_gap) for node_id, (c, r) in grid.items()}
    return Geometry(width, height, column_gap, row_gap, node_w, node_h, radius, font, columns, pos, kind, max_width)
