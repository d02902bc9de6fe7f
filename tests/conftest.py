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
