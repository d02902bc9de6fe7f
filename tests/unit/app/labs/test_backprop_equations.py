"""The Backprop lab's equations as text (app.labs.backprop.equations): the typography,
each step's heading and equation in symbols, and the equation with the numbers of
``Walkthrough.explain`` plugged in — written so a reader can redo the arithmetic."""

import math
import re

import pytest

from app.labs.backprop.equations import equation, lines, num, plus, selection_name, sub, sup, title
from nnfs.labs.backprop.steps import Selection, step_sequence
from tests.unit.nnfs.labs.test_backprop_steps import SETTINGS, SHAPES, make, selections


def test_text_helpers():
    assert sup(12) == "¹²" and sup("l+1") == "ˡ⁺¹" and sub(1, 3) == "₁₃"
    assert num(-0.000123456) == "−0.0001235" and num(0) == "0"
    assert num(1.5e-9) == "1.5×10⁻⁹"
    assert plus([0.5, -0.25]) == "0.5 + (−0.25)"


def test_selection_names():
    assert selection_name(Selection(2, 1, 0)) == "w²₂₁" and selection_name(Selection(1, 2)) == "b¹₃"
    assert selection_name(None) == "nothing"


def test_headings_and_equations_of_a_network_with_one_hidden_layer():
    steps = step_sequence(2)
    assert [(title(s, 2), equation(s)) for s in steps] == [
        ("Forward pass, layer 1", "z¹ = w¹ a⁰ + b¹,   a¹ = f(z¹)"),
        ("Forward pass, layer 2 (output)", "z² = w² a¹ + b²,   a² = f(z²)"),
        ("The cost", "C = (1/m) Σₓ Cₓ"),
        ("BP1: the error of the output layer", "δᴸ = ∇ₐC ⊙ σ′(zᴸ)"),
        ("BP2: the error of layer 1, from layer 2", "δ¹ = ((w²)ᵀ δ²) ⊙ f′(z¹)"),
        ("BP3: the gradient for the biases", "∂C/∂bˡⱼ = δˡⱼ"),
        ("BP4: the gradient for the weights", "∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ"),
        ("The update: one step of gradient descent", "w → w − η ∂C/∂w,   b → b − η ∂C/∂b"),
    ]


@pytest.mark.parametrize("hidden", [1, 2, 3])
def test_each_bp2_names_the_layer_it_computes_and_the_one_it_comes_from(hidden):
    for s in step_sequence(hidden + 1):
        if s.kind == "bp2":
            assert f"δ{sup(s.layer)} = ((w{sup(s.layer + 1)})ᵀ δ{sup(s.layer + 1)})" in equation(s)
            assert title(s, hidden + 1) == f"BP2: the error of layer {s.layer}, from layer {s.layer + 1}"


@pytest.mark.parametrize("act,cost", SETTINGS)
@pytest.mark.parametrize("sizes", SHAPES, ids=lambda s: "-".join(map(str, s)))
def test_every_step_is_written_for_every_selection_and_example(sizes, act, cost):
    _, _, _, walk = make(sizes, act, cost, m=3 if len(sizes) < 5 else 2)
    for step in walk.steps:
        for sel in list(selections(sizes))[::3] + [None]:
            for x in range(walk.m):
                text = lines(walk.explain(step, sel, x))
                assert text and all(isinstance(s, str) and s for s in text)
                assert ("For example x = " in text[0]) == (step.kind in ("forward", "cost", "bp1", "bp2"))


def test_forward_text_plugs_in_the_selected_neurons_numbers():
    net, X, T, walk = make([2, 3, 2], m=1)
    e = walk.explain(walk.steps[0], Selection(1, 2), 0)
    text = lines(e)
    w, b = net.weights[0], net.biases[0]
    z = w[2, 0] * X[0, 0] + w[2, 1] * X[0, 1] + b[2]
    assert text[0] == "z¹₃ = w¹₃₁a⁰₁ + w¹₃₂a⁰₂ + b¹₃"
    assert text[1] == f"    = ({num(w[2, 0])})({num(X[0, 0])}) + ({num(w[2, 1])})({num(X[0, 1])}) + ({num(b[2])})"
    assert text[2] == f"    = {num(z)}"
    assert text[3].endswith(f"= {num(1 / (1 + math.exp(-z)))}")


def test_bp2_text_multiplies_out_to_the_delta_it_shows():
    """The numbers written in the BP2 line, read back from the text and multiplied
    out, give the delta written at its end (to the 4 digits shown)."""
    net, X, T, walk = make([2, 3, 3, 2], "tanh", m=1)
    step = [s for s in walk.steps if s.kind == "bp2"][0]
    e = walk.explain(step, Selection(2, 1), 0)
    text = lines(e)
    numbers = [float(v.replace("−", "-")) for v in re.findall(r"\(([−\d.e]+)\)", text[1].split("·")[0])]
    back = sum(numbers[i] * numbers[i + 1] for i in range(0, len(numbers), 2))
    fp = 1 - math.tanh(e.values["z:2:1:0"]) ** 2
    shown = float(text[2].split("=")[-1].replace("−", "-"))
    assert back * fp == pytest.approx(shown, rel=2e-3)
    assert "tanh′" in text[0]


def test_per_example_gradients_and_their_average_are_written_out():
    _, _, _, walk = make([2, 3, 2], m=4)
    bp4 = [s for s in walk.steps if s.kind == "bp4"][0]
    e = walk.explain(bp4, Selection(2, 0, 1))
    text = lines(e)
    assert len(text) == 5 and text[-1].startswith("Average over the mini-batch")
    assert [t.split(" = ")[0] for t in text[:4]] == ["∂C₁/∂w²₁₂", "∂C₂/∂w²₁₂", "∂C₃/∂w²₁₂", "∂C₄/∂w²₁₂"]
    assert text[-1].endswith(f"= {num(e.values['dw:2:0:1'])}")


def test_cross_entropy_with_a_sigmoid_output_cancels_sigma_prime_in_bp1():
    _, _, _, walk = make([2, 3, 2], "sigmoid", "cross-entropy", m=1)
    bp1 = [s for s in walk.steps if s.kind == "bp1"][0]
    text = lines(walk.explain(bp1, Selection(2, 1)))
    assert text[0] == "δ²₂ = ∂C/∂a²₂ · σ′(z²₂) = a²₂ − y₂   (with cross-entropy σ′ cancels)"
    assert len(text) == 2
