"""The Backprop lab (chapters 2 and 5): BP1-BP4 with real numbers, and the speed of learning per layer."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="backprop",
    title="Backprop",
    number=6,
    settings="app.labs.backprop.view",
    worker=True,
    sliders=(("#bp-h1-range", "#bp-net"), ("#bp-m-range", "#bp-net")),
)
