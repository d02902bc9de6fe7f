"""The Chapter 3 lab: the book's experiments on learning better, run side by side."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="chapter3",
    title="Chapter 3",
    number=7,
    settings="app.labs.chapter3.view",
    worker=True,
    sliders=(
        ("#c3-sd_w2-range", "#c3-sd-chart"),
        ("#c3-sm_z1-range", "#c3-sm-bars"),
        ("#c3-sm_z4-range", "#c3-sm-bars"),
    ),
)
