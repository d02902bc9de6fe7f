"""The learner's ``convolve`` and ``max_pool`` (exercise 10), for a lab that draws feature maps with them.

Once they pass, a lab can draw a convolutional net's feature maps with the learner's own
functions instead of the core's. A drawing needs the maps at once, so the functions run on
the page's thread, where an endless loop would freeze the page and no worker can be stopped.
``Guarded`` wraps one of them for one drawing:

* its calls get ``BUDGET`` seconds in all (``learner_code.within``: a trace stops a
  ``while True:`` within a line of the deadline); the time is counted only while their
  code runs, so a drawing that also computes other things is not charged for them;
* each call gets copies of the arrays (their code cannot change the lab's) and its answer is
  checked: the shape the exercise asks for, finite numbers (else the lab would draw nonsense);
* on the first problem (too slow, an exception, a wrong shape, a nan) it says why in
  ``failed``, calls ``on_fail(name, why)`` once, and answers this call and every later one
  with the core's result (``conv_checks.core_convolve``/``core_max_pool``), so the drawing
  still finishes, correctly.

The lab's own mistakes (an image that is not 2-D, a filter larger than the image) raise
ValueError before the learner's function is called: they are not the learner's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.labs.exercises.conv_checks import core_convolve, core_max_pool
from nnfs.labs.exercises.learner_code import TooSlow, within

Array = NDArray[np.float64]
BUDGET = 3.0  # seconds the learner's function may take in all, for one drawing
NAMES = ("convolve", "max_pool")


def expected_shape(name: str, first: Array, second: Any) -> tuple[int, int]:
    """The shape ``name(first, second)`` must return; ValueError for arguments the exercise does not cover."""
    if first.ndim != 2 or first.size == 0:
        raise ValueError(f"{name} takes a 2-D array; got shape {first.shape}")
    h, w = first.shape
    if name == "convolve":
        k = second.shape[0] if isinstance(second, np.ndarray) and second.ndim == 2 else 0
        if k < 1 or second.shape != (k, k) or k > min(h, w):
            raise ValueError(f"convolve takes a k x k filter with k <= {min(h, w)}; got {np.shape(second)}")
        return h - k + 1, w - k + 1
    if name == "max_pool":
        if isinstance(second, bool) or not isinstance(second, (int, np.integer)) or not 1 <= second <= min(h, w):
            raise ValueError(f"max_pool takes a block size from 1 to {min(h, w)}; got {second!r}")
        return h // int(second), w // int(second)
    raise ValueError(f"no learner's function {name!r}; there are {', '.join(NAMES)}")


def _described(name: str, first: Array, second: Any) -> str:
    if name == "convolve":
        return f"a {first.shape[0]} × {first.shape[1]} image and a {second.shape[0]} × {second.shape[1]} filter"
    return f"a {first.shape[0]} × {first.shape[1]} map in {second} × {second} blocks"


class _BadAnswer(Exception):
    """Their function returned, but not an answer a lab can draw."""


class Guarded:
    """The learner's ``convolve`` or ``max_pool`` for one drawing (see the module docstring)."""

    def __init__(
        self,
        name: str,
        fn: Callable[..., Any],
        budget: float = BUDGET,
        on_fail: Callable[[str, str], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if name not in NAMES:
            raise ValueError(f"no learner's function {name!r}; there are {', '.join(NAMES)}")
        self.name, self.fn, self.budget, self.left = name, fn, budget, budget
        self.on_fail, self.clock = on_fail, clock
        self.failed = ""  # why the core answers instead, in words; "" while theirs does
        self.answered = 0  # calls their function answered

    def __call__(self, first: Any, second: Any) -> Array:
        """``convolve(image, kernel)`` or ``max_pool(feature_map, size)``: theirs if it can, else the core's."""
        first = np.array(first, dtype=np.float64)  # a copy: their code may not change the lab's array
        second = np.array(second, dtype=np.float64) if self.name == "convolve" else second
        shape = expected_shape(self.name, first, second)
        if not self.failed:
            start = self.clock()
            try:
                got = within(self.fn, start + self.left, self.clock)(first.copy(), np.copy(second))
                answer = self._checked(got, shape)
                self.answered += 1
                return answer
            except _BadAnswer as bad:
                self._fail(
                    f"Your {self.name} returned {bad} for {_described(self.name, first, second)}, "
                    "so the lab drew with its own."
                )
            except TooSlow:
                self._fail(
                    f"Your {self.name} took more than {self.budget:g} s in all for one drawing (the last call was on "
                    f"{_described(self.name, first, second)}), so the lab drew with its own."
                )
            except Exception as exc:  # noqa: BLE001 - their code's error, said beside the toggle
                self._fail(
                    f"Your {self.name} failed on {_described(self.name, first, second)} "
                    f"({type(exc).__name__}: {exc}), so the lab drew with its own."
                )
            finally:
                self.left -= self.clock() - start
        return core_convolve(first, second) if self.name == "convolve" else core_max_pool(first, second)

    @staticmethod
    def _checked(got: Any, shape: tuple[int, int]) -> Array:
        """Their answer as a float array, or _BadAnswer saying what is wrong with it."""
        try:
            answer = np.array(got, dtype=np.float64)
        except (TypeError, ValueError):
            raise _BadAnswer(f"{type(got).__name__}, not an array of numbers") from None
        if answer.shape != shape:
            raise _BadAnswer(f"shape {answer.shape} instead of {shape}")
        bad = np.flatnonzero(~np.isfinite(answer))
        if bad.size:
            k = tuple(int(i) for i in np.unravel_index(int(bad[0]), shape))
            raise _BadAnswer(f"{answer[k]} at {list(k)}, not a finite number")
        return answer

    def _fail(self, why: str) -> None:
        self.failed = why
        if self.on_fail is not None:
            self.on_fail(self.name, why)
