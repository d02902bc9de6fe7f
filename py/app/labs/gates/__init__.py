"""The Gates lab (chapter 1): NOT, AND, OR, XOR and adders wired from NAND perceptrons."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="gates",
    title="Gates",
    number=2,
    settings="app.labs.gates.view",
    sliders=(("#gt-a-range", "#gt-canvas"), ("#gt-n-range", "#gt-canvas")),
    full_state="c=adder",
)
