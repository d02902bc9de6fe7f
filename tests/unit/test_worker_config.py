"""worker.toml: the training worker's own PyScript config stays local and lists the core."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import sync_pyscript_files

ROOT = Path(__file__).resolve().parents[2]


def test_worker_toml_uses_the_local_interpreter_and_lists_the_core():
    config = tomllib.loads((ROOT / "worker.toml").read_text())
    assert config["interpreter"] == "./static/vendor/pyodide/pyodide.mjs"
    assert config["packages"] == ["numpy"]
    core = sorted(p.relative_to(ROOT / "py").as_posix() for p in (ROOT / "py" / "nnfs").glob("*.py"))
    assert sorted(config["files"]) == [f"./py/{m}" for m in core]
    assert sync_pyscript_files.worker_modules() == core
    assert sync_pyscript_files.main(["--check"]) == 0


def test_the_page_config_leaves_the_worker_entry_out():
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    assert not any("/worker/" in k for k in config["files"])


def test_the_worker_entry_imports_the_core_only():
    text = (ROOT / "py" / "worker" / "main.py").read_text()
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", text, re.M)
    assert imports and all(m.split(".")[0] in ("nnfs", "numpy") for m in imports), imports
