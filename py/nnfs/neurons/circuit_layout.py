"""Where a circuit of NAND perceptrons is drawn: a grid position for every node.

A circuit (``nnfs.neurons.circuits``) computes; this module only places its nodes for
the picture. Columns are levels (inputs 0, a NAND 1 + its deepest source, the outputs
one past the deepest NAND); rows come from the barycentre heuristic, or, for the
adders, from bands of three rows per bit that read like the adder on paper. The
functions take the circuit's graph as plain data (ids, gates, outputs, levels).
"""

from __future__ import annotations

from collections.abc import Mapping

# Sweeps of the barycentre heuristic in `barycentre_rows`; on these circuits it settles in 2.
LAYOUT_SWEEPS = 4


def check_rows(
    rows: Mapping[str, float], ids: list[str], outputs: Mapping[str, str], level: Mapping[str, int]
) -> dict[str, float]:
    """`rows` as {id: float}, or a ValueError if a node lacks one or two nodes share a grid cell.

    ``ids``: every node; ``outputs``: output name -> source; ``level``: each input's and gate's level."""
    missing = [n for n in ids if n not in rows]
    if missing or len(rows) != len(ids):
        raise ValueError(f"rows must give a row for every node and nothing else; missing {missing}")
    rows = {n: float(rows[n]) for n in ids}
    last = max(level.values()) + 1
    cells = [(last if n in outputs else level[n], rows[n]) for n in ids]
    if len(set(cells)) != len(cells):
        raise ValueError("rows put two nodes in the same place")
    return rows


def barycentre_rows(
    ids: list[str], gates: Mapping[str, tuple[str, str]], outputs: Mapping[str, str], level: Mapping[str, int]
) -> dict[str, tuple[int, float]]:
    """{id: (column, row)}: column = ``level`` (outputs included), rows by the barycentre heuristic.

    Rows within a column are ordered by the barycentre heuristic (Sugiyama): sweep
    left to right placing each node at the average row of the nodes it reads, then
    right to left by the nodes reading it, a few times; that tends to reduce wire
    crossings. Columns are centred on the tallest one, so rows may be
    half-integers, but nodes in one column are always exactly 1 apart.
    """
    last = max(level.values())
    columns: list[list[str]] = [[] for _ in range(last + 1)]
    for node_id in ids:
        columns[level[node_id]].append(node_id)
    height = max(len(c) for c in columns)

    reads = {g: list(s) for g, s in gates.items()}
    reads.update({o: [s] for o, s in outputs.items()})
    read_by: dict[str, list[str]] = {node_id: [] for node_id in ids}
    for node_id, sources in reads.items():
        for s in sources:
            read_by[s].append(node_id)

    def place() -> dict[str, tuple[int, float]]:
        return {n: (c, r + (height - len(col)) / 2) for c, col in enumerate(columns) for r, n in enumerate(col)}

    def reorder(column: list[str], neighbours: dict[str, list[str]], pos: dict[str, tuple[int, float]]) -> None:
        # A node with no neighbours keeps its row; sort is stable on ties.
        def key(n: str) -> float:
            rows = [pos[m][1] for m in neighbours[n]]
            return sum(rows) / len(rows) if rows else pos[n][1]

        column.sort(key=key)

    pos = place()
    for _ in range(LAYOUT_SWEEPS):
        for column in columns[1:]:
            reorder(column, reads, pos)
            pos = place()
        for column in reversed(columns[:-1]):
            reorder(column, read_by, pos)
            pos = place()
    return pos


# Rows for drawing (0, 1, 2 inside a bit's band) of the NANDs that
# `_Wiring.half_adder` and `_Wiring.full_adder` make, in the order they make
# them. Chosen so that a wire skipping columns runs along its source's row
# through empty cells only: nab and p feed NANDs far to the right, so nothing
# else in the band sits on their rows (1 and 2) between them and their readers.
HALF_ADDER_ROWS = (1, 0, 2, 0, 1)  # nab, x1, x2, sum, carry
FULL_ADDER_ROWS = (1, 0, 2, 2, 0, 2, 0, 0, 1)  # nab, x1, x2, p, m, y1, y2, sum, carry


def adder_rows(n: int) -> dict[str, int]:
    """Drawing rows of an n-bit adder: bit i in its own band, rows 3i..3i+2, bit 0 on top.

    The generic heuristic scrambles a wide adder (a0, b0, a3, b3, a7, ...);
    in bands, a_i, b_i, bit i's NANDs and s_i stay together, the drawing reads
    like the adder on paper, and the carry steps down from band to band.
    """
    rows: dict[str, int] = {}
    for i in range(n):
        rows[f"a{i}"], rows[f"b{i}"], rows[f"s{i}"] = 3 * i, 3 * i + 2, 3 * i
    rows["carry"] = 3 * (n - 1) + 1
    slots = list(HALF_ADDER_ROWS) + list(FULL_ADDER_ROWS) * (n - 1)
    for k, slot in enumerate(slots):
        bit = 0 if k < len(HALF_ADDER_ROWS) else 1 + (k - len(HALF_ADDER_ROWS)) // len(FULL_ADDER_ROWS)
        rows[f"nand{k + 1}"] = 3 * bit + slot
    return rows
