"""When a picture may be pinned to the top of a phone's screen (pure: numbers in, a choice out).

On a phone a lab's picture (the Playground's plot, the Backprop network) sticks to the top of
the screen so a slider and what it moves are seen together. Pinned for the whole lab it covers
what is not its own ("Your runs", another section's chart) and, with the on-screen keyboard
open, leaves almost nothing. So a picture is pinned only while its own controls are under it:

- its controls' region has reached the picture's bottom edge (what the pinned picture covers
  is its own controls, not whatever lies between it and them),
- at least ``SHOW_BELOW`` pixels of the region are still on screen below it (when the last
  control scrolls up under the picture, the picture lets go and scrolls away with them),
- and the picture takes at most ``MAX_SHARE`` of the visible height (the keyboard is not open,
  or the screen is not a landscape phone's sliver).

Of several pictures that qualify (they never should: regions do not overlap), the first wins.
"""

from __future__ import annotations

from collections.abc import Sequence

REACH = 24.0  # px: the region may start this far below the picture's bottom (a panel's margin)
SHOW_BELOW = 64.0  # px of the region that must stay visible under the pinned picture
MAX_SHARE = 0.5  # of the visible height, at most, for a pinned picture


def pinned(pictures: Sequence[tuple[float, float, float]], view_height: float) -> int | None:
    """Which picture to pin: ``pictures`` are (picture height, region top, region bottom), the
    region's edges relative to the top of the visible screen; None when none should be."""
    for i, (height, top, bottom) in enumerate(pictures):
        if height <= 0 or height > MAX_SHARE * view_height:
            continue
        if top <= height + REACH and bottom >= height + SHOW_BELOW:
            return i
    return None
