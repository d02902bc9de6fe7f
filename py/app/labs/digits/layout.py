"""Pure helpers for the Digits lab's page (numpy only, so CPython tests them).

The lab's settings table: the training form's settings (``nnfs.labs.digits``,
which shares its names, labels and limits with the Playground) and the test
image to read; a link can name any of them: ``#digits/l2=5&layers=100&image=3``.
How many digits fit in a row of a strip; which digits the gallery shows (every
mistake, or one confusion-matrix cell), and the pages of that list.
"""

from __future__ import annotations

from nnfs.data import mnist
from nnfs.labs.digits import TRAINING_SETTINGS
from nnfs.settings.table import Setting, Table

SETTINGS = Table(
    "dg",
    [
        *TRAINING_SETTINGS,
        Setting(
            "image",
            "test image",
            0,
            kind="int",
            lo=0,
            hi=mnist.N_TEST - 1,
            help="the number of a test image (0 to 9,999) to read instead of the drawing",
        ),
    ],
)

TILE = 28 * 2 + 4  # width of one captioned digit in a strip (scale 2, pad 4), in canvas pixels


def strip_columns(available_px: float, most: int) -> int:
    """How many digits fit side by side in ``available_px`` CSS pixels (at least 1, at most ``most``),
    so that the strip is drawn at its own size instead of being shrunk, captions and all."""
    if not available_px or available_px <= 0:
        return most  # not laid out (the lab is hidden): draw the usual width
    return max(1, min(most, int((available_px - 4) // TILE)))
