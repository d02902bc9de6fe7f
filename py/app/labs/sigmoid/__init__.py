"""The Sigmoid neuron lab (chapter 1): a smooth perceptron, sharpened into a step."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="sigmoid",
    title="Sigmoid neuron",
    number=3,
    settings="app.labs.sigmoid.view",
    sliders=(("#sg-w-range", "#sg-plot"), ("#sg-c-range", "#sg-plot"), ("#sg-dw-range", "#sg-zplot")),
)
