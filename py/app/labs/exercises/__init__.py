"""Write it yourself: the exercises, checked in their own worker."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="exercises",
    title="Write it yourself",
    number=None,
    settings="app.labs.exercises.view",
    draws=False,
)
