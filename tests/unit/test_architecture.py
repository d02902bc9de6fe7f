"""The house rules, read from the code: the import graph, the walls between packages, sizes.

* **No circle** anywhere in ``py/`` (an import deferred into a function counts too: it only
  hides the circle from the interpreter, not from the reader).
* **The arrows run one way**: ``app`` → ``pictures`` → ``nnfs``; ``worker`` → ``pictures``,
  ``nnfs``. The core (``nnfs``) imports nothing of the others and nothing of the browser
  (``pyscript``, ``js``, ``pyodide``); ``pictures`` is pure numpy too, so the worker may draw.
* **Labs never import other labs**, in the glue (``app.labs.X``) or in the core (``nnfs.labs.X``).
* **A lab that trains in the worker says so** in its declaration, and only such a lab imports
  the worker's client.
* **No display text in the core**: no HTML, no super/subscript typography tables, no
  formatting helpers for the page (durations, superscripts: the glue's ``app.ui`` has those).
  Messages for errors stay in the core, where the rule that fails knows what to say, and so do
  the exercises' statements (they are the catalogue's content, like a book's text).
* **No module over 400 lines** unless its docstring says why (a line starting ``Why it is long:``).
* **A lab's memory is one state object** held by its ``Lab`` (``app.shell.lab``): no module of a
  lab's glue rebinds a module global (``global``); it changes the attributes of its state. The
  rest of the glue (``app.*``: the shell too) keeps the same style.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.shell.registry import declared

PY = Path(__file__).resolve().parents[2] / "py"
TOP = ("app", "nnfs", "pictures", "worker")
BROWSER = ("pyscript", "js", "pyodide")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PY).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PY.rglob("*.py")) if "__pycache__" not in p.parts}


def imports_of(name: str) -> set[str]:
    """Every module ``name`` imports (first-party ones resolved to modules; others by their top name)."""
    path = MODULES[name]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}: relative import (write the whole name: it says where it comes from)"
            base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
    return found


GRAPH = {name: {m for m in imports_of(name) if m in MODULES} for name in MODULES}
ALL_IMPORTS = {name: imports_of(name) for name in MODULES}


def top(name: str) -> str:
    return name.split(".")[0]


def lab_of(name: str) -> str | None:
    """'app.labs.digits.run' -> 'app.labs.digits'; None outside a lab."""
    parts = name.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 and parts[1] == "labs" else None


def test_the_graph_is_read():
    assert len(MODULES) > 90
    assert "nnfs.maths.sgd" in GRAPH["nnfs.maths.engine"] and "nnfs.maths.network" in GRAPH["nnfs.maths.sgd"]
    assert "app.shell.lab" in GRAPH["app.labs.perceptron.lab"]


def test_no_circle_anywhere():
    circles = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            # A package's __init__ is imported before its modules by Python itself: not an arrow of ours.
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


ALLOWED = {
    "nnfs": {"nnfs"},
    "pictures": {"pictures", "nnfs"},
    "app": {"app", "pictures", "nnfs"},
    "worker": {"worker", "pictures", "nnfs"},
}


@pytest.mark.parametrize("package", TOP)
def test_the_arrows_run_one_way(package):
    wrong = sorted(
        f"{name} imports {m}"
        for name in MODULES
        if top(name) == package
        for m in GRAPH[name]
        if top(m) not in ALLOWED[package]
    )
    assert not wrong, wrong


@pytest.mark.parametrize("package", ["nnfs", "pictures"])
def test_the_core_and_the_pictures_never_touch_the_browser(package):
    wrong = sorted(
        f"{name} imports {m}"
        for name in MODULES
        if top(name) == package
        for m in ALL_IMPORTS[name]
        if top(m) in BROWSER
    )
    assert not wrong, wrong


def test_labs_never_import_other_labs():
    wrong = sorted(
        f"{name} imports {m}"
        for name in MODULES
        if lab_of(name)
        for m in GRAPH[name]
        if lab_of(m) and top(m) == top(name) and lab_of(m) != lab_of(name)
    )
    assert not wrong, wrong


def test_a_lab_that_trains_in_the_worker_declares_it():
    for lab in declared():
        package = f"app.labs.{lab.name}"
        uses = any("app.runs.worker_client" in GRAPH[m] for m in MODULES if m.startswith(package))
        assert uses == lab.worker, (
            f"{package}: declares worker={lab.worker} but its modules {'do' if uses else 'do not'} import app.runs.worker_client"
        )


# A table of super/subscript digits (what turns 12 into ¹²): typography for the page.
TYPOGRAPHY = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻₀₁₂₃₄₅₆₇₈₉₊₋]{4}")
HTML = re.compile(r"</?(a|b|i|em|strong|span|div|p|br|sup|sub|code|table|tr|td|th|li|ul|ol|h\d)\b[^>]*>")
FORMATTERS = re.compile(r"format_(duration|time|seconds|percent)|sup|sub|num|superscript|subscript")


def code_strings(path: Path) -> list[str]:
    """The string constants of a module's code (docstrings left out: they are for the reader)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_no_display_text_in_the_core():
    wrong = []
    for name, path in MODULES.items():
        if top(name) != "nnfs":
            continue
        for s in code_strings(path):
            if TYPOGRAPHY.search(s) or HTML.search(s):
                wrong.append(f"{name}: {s[:60]!r}")
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and FORMATTERS.fullmatch(node.name):
                wrong.append(f"{name}: def {node.name} (formatting for the page belongs to app.ui)")
    assert not wrong, "display text in the core:\n" + "\n".join(wrong)


def test_no_module_over_400_lines_without_a_reason():
    long = []
    for name, path in MODULES.items():
        lines = path.read_text().count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        if lines > MAX_LINES and not re.search(r"^Why it is long:", doc, re.M):
            long.append(f"{name}: {lines} lines")
    assert not long, long


def test_the_glues_memory_is_a_state_object_not_module_globals():
    rebinding = []
    for name, path in MODULES.items():
        if not name.startswith("app."):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Global):
                rebinding.append(f"{name}:{node.lineno}: global {', '.join(node.names)}")
    assert not rebinding, (
        "keep it in a state object (a lab's: Lab(..., state=...); the shell's: app.shell.main.state):\n"
        + "\n".join(rebinding)
    )
