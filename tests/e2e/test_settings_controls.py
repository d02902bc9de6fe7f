"""Every control on the page belongs to its lab's settings table, and every table entry has a control.

Table-driven: every lab's declaration (``app/labs/<name>/__init__.py``) names the
module that holds its ``SETTINGS`` table, which slider moves which picture for the
phone check, and the link state in which all its controls show.
A control made for part of a setting (one bit of the Gates lab's inputs) says
which with ``data-part-of="NAME"``. A control that edits the lab's working data rather than
a setting (a weight picked on the picture, a cell of the examples, the learner's code), or is a
command (the Digits lab's preset, model choice and file picker): nothing a link restores, says so
with ``data-not-setting``; it must still have an accessible name.
The controls are read from the live page, so a field written by hand into index.html, or a
table entry the page lost, fails here.
"""

from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import expect

from app.shell.registry import declared
from tests.e2e.layout import assert_fits, on_screen, phone

# Every declared lab (app/labs/<name>/__init__.py): the module with its SETTINGS table, which
# slider moves which picture (for the phone check), and the link state showing every control.
LABS = {lab.name: lab for lab in declared()}


def table_of(lab):
    return importlib.import_module(LABS[lab].settings).SETTINGS


@pytest.mark.parametrize("lab", list(LABS))
def test_every_control_belongs_to_the_table_and_back(app, lab):
    app.goto_lab(lab, LABS[lab].full_state)
    page = app.page
    table = table_of(lab)
    controls = page.eval_on_selector_all(
        f"#lab-{lab} input, #lab-{lab} select, #lab-{lab} textarea",
        "els => els.map(e => [e.id, e.dataset.partOf || null, 'notSetting' in e.dataset])",
    )
    allowed = set()
    for s in table:
        allowed.add(table.element_id(s.name))
        if s.slider is not None:
            allowed.add(table.element_id(s.name) + "-range")
    stray = [i for i, part, other in controls if i not in allowed and part not in table.names() and not other]
    assert not stray, f"controls in #lab-{lab} not declared in its table (nor data-not-setting): {stray}"
    for i, _part, other in controls:
        if other:
            assert i, f"a data-not-setting control in #lab-{lab} has no id"
            if page.locator(f"#{i}").is_visible():  # (a hidden file picker behind its button has no name)
                expect(page.locator(f"#{i}")).to_have_accessible_name(re.compile(r"\S"))
    for s in table:
        element_id = table.element_id(s.name)
        assert page.locator(f"#{element_id}").count() == 1, f"{s.name} has no control #{element_id}"
        if s.kind == "bool":
            continue  # bound by the lab (e.g. toggle buttons), not built
        # Label, limits and choices on the page are the table's.
        assert page.inner_text(f"label[for='{element_id}']") == s.label
        expect(
            page.get_by_role("combobox" if s.kind == "choice" else "textbox", name=s.label, exact=True)
        ).to_have_count(1)
        if s.slider is not None:
            lo, hi, step = s.slider
            slider = page.locator(f"#{element_id}-range")
            assert [float(slider.get_attribute(a)) for a in ("min", "max", "step")] == [lo, hi, step]
            expect(page.get_by_role("slider", name=f"{s.label} slider", exact=True)).to_have_count(1)
        if s.kind == "choice":
            options = page.eval_on_selector_all(f"#{element_id} option", "os => os.map(o => [o.value, o.text])")
            assert [tuple(o) for o in options] == list(s.choices)


@pytest.mark.parametrize("lab", list(LABS))
def test_a_typed_number_reads_like_the_core_parser(app, lab):
    """One parser everywhere: '1,000'-style thousands and a true minus sign work in every number field."""
    app.goto_lab(lab, LABS[lab].full_state)
    page = app.page
    table = table_of(lab)
    for s in table:
        if s.kind not in ("number", "int"):
            continue
        element_id = table.element_id(s.name)
        before = page.input_value(f"#{element_id}")
        page.fill(f"#{element_id}", "1,00")
        expect(page.locator(f"#{element_id}-error")).to_have_text(
            f"{s.label}: '1,00' is not a number (write decimals with a point, and no commas or spaces)"
            f" — keeping {before}"
        )
        page.fill(f"#{element_id}", before)
        expect(page.locator(f"#{element_id}-error")).to_be_empty()


@pytest.mark.parametrize("lab", list(LABS))
def test_the_lab_fits_a_phone_and_each_slider_shares_the_screen_with_its_picture(app, lab):
    app.goto_lab(lab, LABS[lab].full_state)
    page = app.page
    with phone(page):
        assert_fits(page, lab)
        for slider, picture in LABS[lab].sliders:
            page.focus(slider)  # as a keyboard user reaches it; the browser scrolls it into view
            page.keyboard.press("ArrowRight")
            assert on_screen(page, slider), slider
            assert on_screen(page, picture), f"{picture} is off screen while {slider} is used"
            page.keyboard.press("ArrowLeft")
        page.evaluate("document.activeElement.blur()")
