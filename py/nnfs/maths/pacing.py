"""Pacing long work on the page's main thread: how much to do before yielding.

The page trains on the browser's main thread in chunks: run n mini-batches,
hand the thread back (``await asyncio.sleep(0)``) so it can paint and answer
clicks, repeat. ``ChunkPlanner`` picks n from measured speed so a chunk takes
about a target time. Every lab that trains uses it (Playground, Digits).
"""

from __future__ import annotations

import math


class ChunkPlanner:
    """How many mini-batches to run before handing the page back to the browser.

    The page trains on its main thread in chunks: run n mini-batches, yield,
    repeat. Too small a chunk wastes time in the hand-over; too large a chunk
    freezes the page. The planner measures the seconds per mini-batch (an
    exponential moving average, so it follows the machine's speed) and picks
    n so a chunk takes about ``target`` seconds. It grows at most by
    ``max_growth`` per chunk (a fresh estimate may be noisy) and shrinks at once.
    """

    def __init__(
        self,
        target: float = 0.03,
        first: int = 1,
        max_batches: int = 100_000,
        max_growth: float = 2.0,
        smoothing: float = 0.3,
    ) -> None:
        if not target > 0:
            raise ValueError("target must be a positive number of seconds")
        self.target = float(target)
        self.size = max(1, int(first))
        self.max_batches = int(max_batches)
        self.max_growth = float(max_growth)
        self.smoothing = float(smoothing)
        self.seconds_per_batch: float | None = None

    def next_size(self, remaining: int | None = None) -> int:
        """The next chunk's size, never more than ``remaining`` (e.g. batches left in the epoch)."""
        n = self.size
        if remaining is not None:
            n = min(n, max(1, int(remaining)))
        return n

    def record(self, n_batches: int, seconds: float) -> None:
        """Tell the planner that ``n_batches`` took ``seconds``; it updates the next size."""
        if n_batches < 1 or not math.isfinite(seconds) or seconds < 0:
            return
        per_batch = max(seconds, 1e-6) / n_batches
        if self.seconds_per_batch is None:
            self.seconds_per_batch = per_batch
        else:
            a = self.smoothing
            self.seconds_per_batch = a * per_batch + (1 - a) * self.seconds_per_batch
        ideal = self.target / self.seconds_per_batch
        # Grow relative to the chunk just measured, not to a clipped request.
        grown = max(self.size, n_batches) * self.max_growth
        self.size = int(max(1, min(ideal, grown, self.max_batches)))
