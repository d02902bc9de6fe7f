"""The Chapter 6 lab: the book's ladder of convolutional nets, trained in the page, and a look inside."""

from app.shell.registry import LabInfo

LAB = LabInfo(
    name="chapter6",
    title="Chapter 6",
    number=9,
    settings="nnfs.labs.chapter6.session",
    worker=True,
    draws=False,
)
