"""The runtime vendoring step: verification, repair of tampered files, idempotence, clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vendor

from tests.conftest import need


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """vendor.py working on a scratch copy: its own tree and cache, the committed manifest."""
    monkeypatch.setattr(vendor, "ROOT", tmp_path)
    cache = tmp_path / ".cache"
    cache.mkdir()
    monkeypatch.setattr(vendor, "CACHE", cache)
    return tmp_path


def small_manifest() -> dict:
    """The real manifest, cut to the small files (the pyscript package and pyodide's package.json)."""
    m = vendor.load_manifest()
    keep = {k: v for k, v in m["files"].items() if k.endswith(("core.js", "core.css", "package.json"))}
    assert len(keep) == 3
    return {**m, "files": keep}


REAL_ROOT = vendor.ROOT  # taken before any sandbox swaps vendor.ROOT for a scratch folder


def cached_sources_available() -> bool:
    m = vendor.load_manifest()
    real_cache = REAL_ROOT / ".cache" / "downloads"
    return all((real_cache / s["file"]).exists() for k, s in m["sources"].items() if k != "pyodide-wheels")


def test_manifest_pins_every_file_with_a_sha256():
    m = vendor.load_manifest()
    assert {s["version"] for s in m["sources"].values()} == {"0.7.31", "0.29.0", "0.14.2"}
    for dest, entry in m["files"].items():
        assert dest.startswith("static/vendor/")
        assert len(entry["sha256"]) == 64 and entry["source"] in m["sources"]
    names = {d.rsplit("/", 1)[1] for d in m["files"]}
    assert {
        "pyodide.mjs",
        "pyodide.asm.wasm",
        "python_stdlib.zip",
        "pyodide-lock.json",
        "core.js",
        "numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl",
        "micropip-0.11.0-py3-none-any.whl",
    } <= names


def test_wheel_sums_match_pyodides_own_lock_file():
    m = vendor.load_manifest()
    lock_path = vendor.ROOT / "static/vendor/pyodide/pyodide-lock.json"
    need(lock_path.exists(), "runtime not vendored yet (./run setup)")
    lock = json.loads(lock_path.read_text())["packages"]
    for pkg in ("numpy", "micropip"):
        entry = next(v for k, v in m["files"].items() if k.endswith(lock[pkg]["file_name"]))
        assert entry["sha256"] == lock[pkg]["sha256"]


def test_vendored_tree_is_complete():
    """After set-up (./run test does it first) every file is present and verified."""
    assert vendor.check(vendor.load_manifest()) == {}


def test_install_detects_tampering_and_is_idempotent(sandbox, monkeypatch, capsys):
    need(cached_sources_available(), "source packages not in .cache (run ./run setup)")
    monkeypatch.setattr(vendor, "CACHE", Path(__file__).resolve().parents[3] / ".cache" / "downloads")
    manifest = small_manifest()
    monkeypatch.setattr(vendor, "load_manifest", lambda: manifest)
    assert vendor.ensure() is True
    assert vendor.check(manifest) == {}
    assert vendor.ensure() is False
    assert "nothing to do" in capsys.readouterr().out
    target = sandbox / "static/vendor/pyscript/core.js"
    target.write_text(target.read_text() + "\n// tampered")
    assert vendor.check(manifest) == {"static/vendor/pyscript/core.js": "sha256 mismatch (corrupted or modified)"}
    assert vendor.ensure() is True
    assert vendor.check(manifest) == {}
    target.unlink()
    assert vendor.check(manifest) == {"static/vendor/pyscript/core.js": "missing"}
    assert vendor.ensure() is True and target.exists()


def test_unreachable_source_fails_with_a_clear_message(sandbox, monkeypatch):
    """No cache and no registry: the error names the file, the source and what to do."""
    manifest = small_manifest()
    monkeypatch.setattr(vendor, "load_manifest", lambda: manifest)
    # An npm registry nobody listens on, and no retries, so this fails fast and offline.
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    monkeypatch.setenv("npm_config_cache", str(sandbox / "npm-cache"))
    with pytest.raises(vendor.VendorError) as err:
        vendor.ensure()
    text = str(err.value)
    assert "@pyscript/core@0.7.31" in text or "pyodide@0.29.0" in text
    assert "npm" in text and "run this step again" in text


def test_missing_npm_is_explained(sandbox, monkeypatch):
    manifest = small_manifest()
    monkeypatch.setattr(vendor, "load_manifest", lambda: manifest)
    monkeypatch.setenv("PATH", str(sandbox))  # no npm on this PATH
    with pytest.raises(vendor.VendorError, match=r"`npm` is not installed.*apt-get install npm"):
        vendor.ensure()


def test_a_wrong_download_is_rejected(sandbox, monkeypatch):
    """A package whose sum does not match the pin is refused and nothing is installed."""
    manifest = small_manifest()
    manifest["files"] = {k: v for k, v in manifest["files"].items() if v["source"] == "pyscript"}
    src = manifest["sources"]["pyscript"]
    (sandbox / ".cache" / src["file"]).write_bytes(b"not the real package")
    monkeypatch.setattr(vendor, "load_manifest", lambda: manifest)

    def fake_run(cmd, what, hint):  # the "registry" serves the same wrong bytes again
        (vendor.CACHE / src["file"]).write_bytes(b"not the real package")

    monkeypatch.setattr(vendor, "_run", fake_run)
    with pytest.raises(vendor.VendorError, match="expected " + src["sha256"]):
        vendor.ensure()
    assert not (sandbox / "static/vendor/pyscript/core.js").exists()
