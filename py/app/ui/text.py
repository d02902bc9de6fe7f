"""Numbers as the page writes them: durations and sizes in words a learner reads.

Display text is the glue's, not the core's: the core hands over seconds and
bytes, and these helpers write them for the page. Pure Python (no ``js``), so
CPython tests check them.

    >>> format_duration(185)
    '3 min 05 s'
    >>> format_megabytes(1_600_000)
    '1.6 MB'
"""

from __future__ import annotations

import math


def format_duration(seconds: float | None) -> str:
    """'0.8 s', '42 s', '3 min 05 s', or '–' for an unknown time."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_megabytes(n_bytes: int) -> str:
    """Bytes as megabytes with one decimal (1 MB = 10^6 bytes), e.g. '1.6 MB'."""
    return f"{n_bytes / 1e6:.1f} MB"


def error_text(exc: BaseException) -> str:
    """What went wrong, in the words it was raised with: an error raised in a worker reaches
    the page as Pyodide's whole traceback ("Error: Traceback (most recent call last): … File
    "<exec>", line 114 … ValueError: …"); the learner needs only its last line's message."""
    text = str(exc).strip()
    if "Traceback (most recent call last)" not in text:
        return text
    last = [line for line in text.splitlines() if line.strip()][-1].strip()
    kind, sep, message = last.partition(": ")
    return message if sep and kind.replace(".", "").isidentifier() and kind.endswith(("Error", "Exception")) else last
