"""CONTRIBUTING.md stays true: the files it names exist, and its example lab's code runs.

The guide's "add a lab" recipe was followed literally on a scratch clone (a working lab with a
passing e2e test); these checks catch the drift that would break it later: a renamed file, a
snippet that no longer compiles, a view snippet that its own unit-test snippet no longer passes.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "CONTRIBUTING.md").read_text()
EXAMPLE = ("demo", "dm-", "MODULE", "NAME", "FILES")  # the guide's placeholders, not files of the tree


def snippets(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", GUIDE, re.S)


def test_the_readme_links_the_guide():
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text()


def test_every_path_the_guide_names_exists():
    named = set(re.findall(r"(?<![\w./])((?:py|tests|tools|bench|static)/[\w./-]*\w)", GUIDE))  # in commands too
    named |= set(re.findall(r"`([\w-]+\.(?:toml|html|js|py))", GUIDE))
    checked = [p for p in named if not any(word in p for word in EXAMPLE)]
    assert len(checked) >= 25, checked  # the pattern still finds the guide's paths
    # A bare file name ("test_network.py for py/nnfs/maths/network.py") is looked for anywhere in the tree.
    missing = sorted(p for p in checked if not ((ROOT / p).exists() or ("/" not in p and any(ROOT.rglob(p)))))
    assert not missing, f"CONTRIBUTING.md names files that do not exist: {missing}"


def test_every_python_snippet_compiles():
    blocks = snippets("python")
    assert len(blocks) >= 4
    for block in blocks:
        compile(block, "CONTRIBUTING.md", "exec")


def test_the_example_view_passes_the_example_unit_test(monkeypatch):
    view_src, test_src = (b for b in snippets("python") if "def summary" in b or "def test_the_summary" in b)
    view = types.ModuleType("app.labs.demo.view")
    exec(compile(view_src, "view.py", "exec"), view.__dict__)
    assert view.SETTINGS.element_id("k") == "dm-k"  # the ids the HTML and the e2e snippets use
    for name in ("#dm-k", "dm-summary", "dm-status", "#dm-k-range", "#dm-k-error"):
        assert name in GUIDE, name
    package = types.ModuleType("app.labs.demo")
    package.view = view
    monkeypatch.setitem(sys.modules, "app.labs.demo", package)
    monkeypatch.setitem(sys.modules, "app.labs.demo.view", view)
    tests: dict = {}
    exec(compile(test_src, "test_demo_view.py", "exec"), tests)
    tests["test_the_summary_gives_k_and_its_square"]()


def test_the_example_declaration_is_a_lab_declaration():
    (declaration,) = (b for b in snippets("python") if "LAB = LabInfo(" in b)
    scope: dict = {}
    exec(compile(declaration, "__init__.py", "exec"), scope)
    lab = scope["LAB"]
    assert (lab.name, lab.settings, lab.module) == ("demo", "app.labs.demo.view", "app.labs.demo.lab")
    assert f'data-lab="demo">{lab.nav_text}</a>' in GUIDE  # the nav entry the guide shows is the declaration's
