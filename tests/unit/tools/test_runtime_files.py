"""static/js/runtime-files.json (what the start-up watchdog checks) agrees with the set-up step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import runtime_files

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[3]


def test_sums_are_the_manifests():
    """Every vendored file is listed, each with the sha256 the set-up step pins."""
    page = json.loads((ROOT / "static/js/runtime-files.json").read_text())
    manifest = json.loads((ROOT / "tools/runtime-manifest.json").read_text())["files"]
    listed = {f["url"].removeprefix("./"): f["sha256"] for f in page["files"]}
    assert listed == {path: entry["sha256"] for path, entry in manifest.items()}
    assert all(f["bytes"] > 0 for f in page["files"])


def test_sizes_are_the_files():
    """The sizes are those of the verified files (so a cut-short file is caught without sha256)."""
    need((ROOT / "static/vendor/pyodide/pyodide.asm.wasm").exists(), "static/vendor not set up (./run setup)")
    assert (ROOT / "static/js/runtime-files.json").read_text() == runtime_files.render(runtime_files.build())


def test_a_file_that_does_not_match_the_manifest_is_refused(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "static").mkdir()
    (tmp_path / "static/a.js").write_text("changed")
    (tmp_path / "tools/runtime-manifest.json").write_text(json.dumps({"files": {"static/a.js": {"sha256": "0" * 64}}}))
    with pytest.raises(SystemExit, match="run ./run setup"):
        runtime_files.build(tmp_path)
