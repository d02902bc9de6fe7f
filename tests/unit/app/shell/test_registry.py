"""The lab declarations (app/labs/<name>/__init__.py) and index.html name the same labs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from app.shell.registry import LabInfo, declared

ROOT = Path(__file__).resolve().parents[4]
HTML = re.sub(r"<!--.*?-->", "", (ROOT / "index.html").read_text(), flags=re.S)  # the markup, not its comments


def test_every_lab_package_declares_itself_and_they_come_in_the_books_order():
    labs = declared()
    names = [lab.name for lab in labs]
    packages = sorted(p.name for p in (ROOT / "py/app/labs").iterdir() if (p / "__init__.py").exists())
    assert sorted(names) == packages
    assert names[:8] == [
        "perceptron",
        "gates",
        "sigmoid",
        "playground",
        "digits",
        "backprop",
        "chapter3",
        "universality",
    ]
    assert names[-1] == "exercises" and labs[-1].number is None
    assert [lab.number for lab in labs[:-1]] == list(range(1, len(labs)))


def test_the_navigation_is_the_declarations():
    links = re.findall(r'<li><a href="#(\w+)" data-lab="\w+">([^<]+)</a></li>', HTML)
    assert links[0] == ("intro", "Start")
    assert links[1:] == [(lab.name, lab.nav_text) for lab in declared()]


def test_every_declared_lab_has_its_section_and_every_section_its_declaration():
    sections = re.findall(r'<section id="lab-(\w+)" class="lab" data-lab="(\w+)"', HTML)
    assert all(a == b for a, b in sections)
    assert sorted(name for name, _ in sections) == sorted([lab.name for lab in declared()] + ["intro"])


def test_each_declaration_names_a_settings_table_and_a_lab_module():
    for lab in declared():
        table = importlib.import_module(lab.settings).SETTINGS
        assert table.prefix and (table.names() or lab.name == "exercises"), lab.name  # the exercises have no settings
        assert (ROOT / "py" / (lab.module.replace(".", "/") + ".py")).exists(), lab.module
        for slider, picture in lab.sliders:
            assert slider.startswith("#") and picture.startswith("#"), (lab.name, slider, picture)


def test_a_package_whose_declaration_has_another_name_is_refused(tmp_path, monkeypatch):
    import sys

    import app.labs

    (tmp_path / "oddname").mkdir()
    (tmp_path / "oddname" / "__init__.py").write_text(
        "from app.shell.registry import LabInfo\nLAB = LabInfo(name='other', title='x', number=99, settings='x')\n"
    )
    monkeypatch.setattr(app.labs, "__path__", [*app.labs.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "app.labs.oddname", raising=False)
    try:
        declared()
    except ValueError as e:
        assert "app/labs/oddname/ declares a lab named 'other'" in str(e)
    else:
        raise AssertionError("a mismatched declaration was accepted")
    assert isinstance(LabInfo("x", "X", None, "m").nav_text, str)
