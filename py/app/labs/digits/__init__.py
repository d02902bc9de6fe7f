"""The Digits lab (chapter 1 and 3): MNIST in the page, draw a digit, train, save and export."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="digits",
    title="Digits",
    number=5,
    settings="app.labs.digits.layout",
    worker=True,
)
