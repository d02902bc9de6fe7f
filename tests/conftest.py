"""Shared test set-up: the repository root on the path for tools/ imports, and `need`."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


def in_ci() -> bool:
    """True when CI runs the tests (.ci/run, or any CI service: they set CI=true)."""
    return os.environ.get("CI") == "true"


def need(condition, why: str) -> None:
    """Go on with the calling test only if ``condition`` holds.

    Locally a missing prerequisite (data not prepared, runtime not vendored)
    skips the test with ``why``. Under CI it fails instead: there the set-up
    has run, so a missing prerequisite is a broken set-up, and a skip would hide it.
    """
    if condition:
        return
    if in_ci():
        pytest.fail(f"{why} (CI=true: a check that cannot run is a failure here, not a skip)", pytrace=False)
    pytest.skip(why)


# The console warnings every browser layer allows (tests/e2e in Chromium, tests/xb in Firefox and
# WebKit), each with its reason; a layer's own check fails on any other warning. One place.
ALLOWED_WARNINGS: tuple[str, ...] = (
    "Service Worker registration blocked by Playwright",  # the tests' own NO_SERVICE_WORKER, not the app
    # Once per worker (training, checker), from PyScript 0.7.31's own start-up in the worker,
    # before any of our code: see app.runs.worker_client's docstring for why no setting avoids it.
    "Unable to use `window` or `document` in worker. This requires SharedArrayBuffer support",
)
