"""The Universality lab (chapter 4): steps, bumps and the book's challenge, graded."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="universality",
    title="Universality",
    number=8,
    settings="app.labs.universality.view",
    worker=True,
    sliders=(("#un-w-range", "#un-step"), ("#un-h-range", "#un-bump"), ("#un-n-range", "#un-bumps")),
)
