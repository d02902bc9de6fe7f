"""The gates lab's drawing geometry (app.labs.gates.geometry): every circuit fits, nothing overlaps, clicks find inputs."""

import pytest

from app.labs.gates.geometry import MAX_WIDTH, geometry
from nnfs.neurons.circuits import CIRCUITS, build, ripple_carry_adder


def every_circuit():
    return [build(name) for name in CIRCUITS if name != "adder"] + [ripple_carry_adder(n) for n in range(1, 9)]


@pytest.mark.parametrize("circuit", every_circuit(), ids=lambda c: c.name)
def test_fits_and_no_two_nodes_overlap(circuit):
    geo = geometry(circuit)
    assert geo.width <= MAX_WIDTH
    boxes = [geo.box(n) for n in geo.pos]
    for left, top, right, bottom in boxes:
        assert 0 <= left and right <= geo.width and 0 <= top and bottom <= geo.height
    gap = 4  # at least this many pixels between any two shapes
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            apart = a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]
            assert apart, (circuit.name, list(geo.pos)[i], list(geo.pos)[j])


def test_the_8_bit_adder_stays_readable():
    geo = geometry(ripple_carry_adder(8))
    assert geo.node_w >= 34 and geo.node_h >= 18 and geo.font >= 9
    assert len(geo.columns) == 20  # inputs, 18 levels of NANDs, outputs


@pytest.mark.parametrize("circuit", every_circuit(), ids=lambda c: c.name)
def test_wires_run_from_a_right_edge_to_a_left_edge(circuit):
    geo = geometry(circuit)
    wires = circuit.wires()
    routes = geo.wire_routes(wires)
    assert len(routes) == len(wires)
    for (x0, y0, xk, x1, _y1), w in zip(routes, wires):
        assert (x0, y0) == geo.out_port(w["from"])
        assert x1 == geo.box(w["to"])[0]
        assert x0 <= xk < x1
    assert geo.route_path(routes).count("M") == len(wires)
    # a NAND's two wires arrive at two different ports, even from the same source (NOT)
    not_routes = geometry(build("not")).wire_routes(build("not").wires())
    assert not_routes[0][-1] != not_routes[1][-1]


@pytest.mark.parametrize("circuit", every_circuit(), ids=lambda c: c.name)
def test_no_wire_runs_through_a_node(circuit):
    """Every drawn wire touches only the two nodes it joins (a node's edge may be grazed by 1 px)."""
    geo = geometry(circuit)
    wires = circuit.wires()
    for route, w in zip(geo.wire_routes(wires), wires):
        for node_id in geo.pos:
            if node_id in (w["from"], w["to"]):
                continue
            left, top, right, bottom = geo.box(node_id)
            for x, y in geo.route_points(route):
                inside = left + 1 < x < right - 1 and top + 1 < y < bottom - 1
                assert not inside, (circuit.name, w, node_id, (x, y))


def test_a_nand_takes_the_higher_wire_in_its_upper_port():
    circuit = build("xor")
    geo = geometry(circuit)
    wires = circuit.wires()
    for route, w in zip(geo.wire_routes(wires), wires):
        if geo.kind[w["to"]] != "nand":
            continue
        other = [geo.pos[v["from"]][1] for v in wires if v["to"] == w["to"] and v is not w][0]
        upper = route[-1] < geo.pos[w["to"]][1]
        assert upper == (geo.pos[w["from"]][1] <= other)


def test_hit_finds_inputs_and_only_inputs():
    circuit = build("full_adder")
    geo = geometry(circuit)
    for name in circuit.inputs:
        x, y = geo.pos[name]
        assert geo.hit(x, y) == name
        assert geo.hit(x + geo.radius, y) == name  # the edge of the circle
        assert geo.hit(x - geo.radius - 20, y) == name  # its name label, to the left
    for node_id, kind in geo.kind.items():
        if kind != "input":
            assert geo.hit(*geo.pos[node_id]) is None
    assert geo.hit(geo.width - 1, geo.height - 1) is None
    assert geo.hit(*geo.pos["sum"], kinds=("output",)) == "sum"
