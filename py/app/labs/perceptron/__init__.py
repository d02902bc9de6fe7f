"""The Perceptron lab (chapter 1): weights, bias, the decision line and the learning rule."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="perceptron",
    title="Perceptron",
    number=1,
    settings="app.labs.perceptron.view",
    sliders=(("#pc-w1-range", "#pc-canvas"), ("#pc-b-range", "#pc-canvas")),
)
