"""The Playground lab: 2-D data sets, any network, trained live in the worker."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="playground",
    title="Playground",
    number=4,
    settings="nnfs.labs.playground.config",
    worker=True,
    sliders=(("#pg-noise-range", "#pg-plot"), ("#pg-n-range", "#pg-plot"), ("#pg-neurons-1-range", "#pg-plot")),
    full_state="data=circles",
)
