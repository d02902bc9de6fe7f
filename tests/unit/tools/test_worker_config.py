"""worker.toml: the workers' own PyScript config stays local and loads the core (and the pictures) only."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import bundle

ROOT = Path(__file__).resolve().parents[3]


def test_worker_toml_uses_the_local_interpreter_and_lists_the_core():
    config = tomllib.loads((ROOT / "worker.toml").read_text())
    assert config["interpreter"] == "./static/vendor/pyodide/pyodide.mjs"
    assert config["packages"] == ["numpy"]
    wanted = sorted(
        p.relative_to(ROOT / "py").as_posix()
        for package in ("nnfs", "pictures")
        for p in (ROOT / "py" / package).rglob("*.py")
        if "__pycache__" not in p.parts
    )
    assert "nnfs/maths/network.py" in wanted and "pictures/playground.py" in wanted
    assert config["files"] == {"./py/worker-modules.zip": "./*"}  # one archive, unpacked where py/ would be
    assert bundle.worker_modules() == wanted
    assert bundle.main(["--check"]) == 0, "out of date: python tools/bundle.py (./run test does it)"
    with zipfile.ZipFile(ROOT / "py" / "worker-modules.zip") as z:
        assert z.namelist() == wanted


def test_the_page_config_leaves_the_worker_entry_out():
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    assert not any("/worker/" in k for k in config["files"])


def test_the_worker_imports_nothing_that_touches_the_page():
    """A worker that touches window/document needs cross-origin isolation: its files
    (the entry and the picture modules it is given) import no pyscript, js or pyodide."""
    # Every worker entry (the trainer's main.py, the exercise checker's exercises.py) and the views.
    paths = sorted((ROOT / "py" / "worker").glob("*.py")) + [ROOT / "py" / m for m in bundle.worker_modules()]
    assert {p.name for p in paths} >= {"trainer.py", "checker.py"}
    for path in paths:
        imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(), re.M)
        # The trainer's entry may import ``js``: in a worker that is the worker's own global
        # scope (its ``fetch`` gets the MNIST files), never the page's window or document.
        allowed = {"js"} if path.name == "trainer.py" else set()
        assert not any(m.split(".")[0] in {"pyscript", "js", "pyodide"} - allowed for m in imports), (path, imports)
        assert not re.search(r"\bjs\.(window|document)\b", path.read_text()), path
        assert not any(m.split(".")[0] == "app" for m in imports), (path, imports)
