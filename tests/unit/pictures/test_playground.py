"""The playground's pictures as pixels and path strings (pure, no browser)."""

import math

import numpy as np
import pytest

from nnfs.labs.playground.config import Config, from_hash
from nnfs.labs.playground.session import build_data, build_network
from pictures import playground as view
from pictures.paths import svg_path


def test_sigmoid_outputs_are_normalised_softmax_kept():
    p = view.class_probabilities(np.array([[0.9, 0.8], [0.0, 0.0]]), "sigmoid")
    assert np.allclose(p, [[0.9 / 1.7, 0.8 / 1.7], [0.5, 0.5]])
    q = np.array([[0.2, 0.8]])
    assert np.array_equal(view.class_probabilities(q, "softmax"), q)


def test_decision_rgba_is_one_picture_of_the_grid():
    out = np.tile([0.1, 0.9], (view.RES * view.RES, 1))
    img = view.decision_rgba(out, "softmax")
    assert img.shape == (view.RES, view.RES, 4) and img.dtype == np.uint8
    assert img[0, 0, 1] > img[0, 0, 0]  # class 1 (teal) wins everywhere


def test_neuron_maps_colour_by_activation_range():
    res, size = 4, 6
    layer = np.column_stack([np.full(res * res, 0.5), np.full(res * res, 1.0), np.full(res * res, 0.0)])
    tiles = view.neuron_maps(layer, "sigmoid", size, res)
    assert tiles.shape == (3, size, size, 4)
    assert tuple(tiles[0, 2, 2, :3]) == (255, 255, 255)  # 0.5 is a sigmoid's middle
    assert tuple(tiles[1, 2, 2, :3]) == view.POS_RGB  # 1: fully blue
    assert tuple(tiles[2, 2, 2, :3]) == view.NEG_RGB  # 0: fully orange
    assert tuple(tiles[0, 0, 0, :3]) == (120, 120, 120)  # the frame
    relu = view.neuron_maps(np.linspace(0, 7, res * res)[:, None], "relu", size, res)
    assert tuple(relu[0, -2, -2, :3]) != (255, 255, 255)  # scaled to its own max


def test_output_maps_use_class_colours():
    res = 2
    tiles = view.output_maps(np.ones((res * res, 3)), 5, res)
    for k in range(3):
        assert tuple(tiles[k, 2, 2, :3]) == tuple(view.CLASS_RGB[k].astype(int))


def test_layout_fits_the_canvas_and_diagram_pastes_tiles():
    sizes = [2, 16, 16, 16, 16, 16, 16, 4]
    h = view.diagram_height(sizes)
    lay = view.Layout.make(sizes, 760, h)
    assert len(lay.x) == len(sizes) and all(len(ys) == n for ys, n in zip(lay.y, sizes))
    assert min(lay.x) >= 0 and max(lay.x) + lay.tile <= 760
    assert min(min(ys) for ys in lay.y) >= 30 and max(max(ys) for ys in lay.y) + lay.tile <= h
    maps = [np.zeros((n, lay.tile, lay.tile, 4), np.uint8) for n in sizes]
    img = view.diagram_rgba(lay, maps)
    assert img.shape == (h, 760, 4)
    assert (img[lay.y[1][0] + 1, lay.x[1] + 1] == 0).all() and (img[0, 0] == 255).all()


def test_weight_strokes_group_lines_by_sign_and_size():
    net = build_network(Config(layers=(3,)))
    net.weights[0][:] = 5.0
    net.weights[1][:] = -0.1
    lay = view.Layout.make(net.sizes, 400, 200)
    strokes = view.weight_strokes(lay, net.weights)
    assert len(strokes) == 2  # all thick blue, all thin orange
    (c_thin, w_thin, p_thin), (c_thick, w_thick, p_thick) = strokes
    assert w_thick > w_thin and "69,123,157" in c_thick and "231,111,81" in c_thin
    assert p_thick.count("M") == 2 * 3 and p_thin.count("M") == 3 * 2


def test_point_shapes_distinguish_train_test_and_yours():
    c = Config(n=20, points=((0.0, 0.0, 1),))
    shapes = view.point_shapes(build_data(c), 400)
    fills = [s[0] for s in shapes]
    assert any(f.startswith("rgba(255,255,255") for f in fills)  # hollow test points
    assert any("h" in s[3] and "v" in s[3] for s in shapes)  # your square
    centre = "M195.0 195.0h10.0v10.0h-10.0Z"
    assert any(centre in s[3] for s in shapes)


def test_canvas_coordinates_round_trip():
    xs, ys = view.to_canvas([(-1, 1), (1, -1), (0, 0)], 400)
    # Issue 8.14: a point at |x| = 1 (radius 4 px) is drawn whole, inside the canvas.
    assert list(xs) == pytest.approx([200 / 11, 400 - 200 / 11, 200])
    assert list(ys) == pytest.approx([200 / 11, 400 - 200 / 11, 200])
    assert 4 + 1 < xs[0] and xs[1] < 400 - 4 - 1
    assert view.from_canvas(xs[0], ys[1], 400) == pytest.approx((-1, -1))
    assert view.from_canvas(290 + 10 / 11, 109 + 1 / 11, 400) == pytest.approx((0.5, 0.5))


def test_paths_and_axes():
    assert svg_path([0, 1, 2, 3], [0, math.nan, 2, 3]) == "M0.00 0.00M2.00 2.00L3.00 3.00"
    chart = view.Chart(0, 0, 100, 50, x_max=10, y_max=1)
    assert chart.path([0, 10], [0, 1]) == "M0.00 50.00L100.00 0.00"
    assert chart.path(range(5000), np.ones(5000)).count("L") < 400
    assert view.loss_top([0.3, 1.7, math.nan]) == 2
    assert view.loss_top([]) == 1.0
    assert [view.epochs_axis(e) for e in (0, 11, 30, 51, 120, 300)] == [10, 20, 50, 100, 200, 500]
    assert view.percent(0.9876) == "98.8 %" and view.percent(math.nan) == "–"


def test_per_second_never_rounds_a_slow_run_to_zero():
    assert view.per_second(0.42, 1.0) == "0.42"
    assert view.per_second(3, 2.0) == "1.5"
    assert view.per_second(267.4, 1.0) == "267"
    assert view.per_second(9.7, 1.0) == "10"
    assert view.per_second(0, 1.0) == "0" and view.per_second(5, 0.0) == "0"


def test_network_pictures_are_the_decision_map_and_the_diagram_in_one_buffer():
    """What the worker sends each frame equals the pictures drawn from the same weights."""
    from nnfs.labs.playground.session import activations
    from nnfs.maths.network import Network
    from pictures.pixels import grid

    net = Network([2, 5, 3, 3], activation="tanh", output_activation="softmax", cost="log-likelihood", seed=4)
    acts = activations(net, grid(view.BOX, view.BOX, view.RES, view.RES))
    width, height = 760, view.diagram_height(net.sizes)
    data = view.network_pictures(net, width, height)
    decision, tiles = view.split_pictures(data, width, height)
    assert np.array_equal(decision, view.decision_rgba(acts[-1], "softmax"))
    layout = view.Layout.make(net.sizes, width, height)
    maps = (
        [view.neuron_maps(acts[0], "tanh", layout.tile)]
        + [view.neuron_maps(a, "tanh", layout.tile) for a in acts[1:-1]]
        + [view.output_maps(acts[-1], layout.tile)]
    )
    assert np.array_equal(tiles, view.diagram_rgba(layout, maps))
    assert len(data) == 4 * (view.RES**2 + width * height)
    only, none = view.split_pictures(view.network_pictures(net), 0, 0)
    assert np.array_equal(only, decision) and none is None


def test_a_frame_is_one_slice_its_progress_weights_and_pictures_in_one_buffer():
    """One worker call per frame: what ``frame_bytes`` packs reads back as the three calls it
    replaces would have answered at the same moment (an independent twin session, same seeds)."""
    import json

    from nnfs.runs.remote import Sessions, pack

    config = from_hash("data=circles&n=120&layers=5,3&act=tanh&epochs=50")[0]
    spec = json.dumps({"lab": "playground", "config": config.values()})
    # Fake clocks make the slices equal however long they take: 1 ms per reading.
    mine, twin = Sessions(), Sessions()
    sid = json.loads(mine.start(spec))["id"]
    tid = json.loads(twin.start(spec))["id"]
    for sessions, i in ((mine, sid), (twin, tid)):
        ticks = iter(range(10**9))
        sessions.sessions[i].clock = lambda ticks=ticks: next(ticks) / 1000
    width, height = 760, view.diagram_height([2, 5, 3, 2])
    for since in (0, 1):
        run = {"until_epoch": 3 + since, "target": None, "since": since, "max_epochs": None}
        progress, weights, pictures, seconds = view.split_frame(
            view.frame_bytes(mine, sid, 10.0, width if since else 0, height if since else 0, **run)
        )
        assert progress == json.loads(twin.run(tid, 10.0, **run))
        assert progress["epoch"] == 3 + since and progress["ended"]["kind"] == "goal"
        assert weights == pack(twin.network(tid)) and seconds >= 0
        assert pictures == view.network_pictures(twin.network(tid), width if since else 0, height if since else 0)
