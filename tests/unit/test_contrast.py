"""Colour contrast of the page, computed from the CSS itself (WCAG 2.x).

Each check names a rule and property the page really uses (read from the style
sheets, with ``var(--x)`` resolved from ``:root``), and the background it is seen
on. Text needs 4.5:1; a focus indicator (the outline) needs 3:1 against what
surrounds it (WCAG 2.2, 1.4.11 and 2.4.13). The formulas are WCAG's own
definitions, written out here from the standard, not taken from the app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static/css"


def rules(text: str) -> dict[str, dict[str, str]]:
    """selector -> {property: value} for a flat style sheet (media blocks flattened)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                prop, _, value = decl.partition(":")
                decls[prop.strip()] = value.strip()
        for sel in selectors.split(","):
            out.setdefault(" ".join(sel.split()), {}).update(decls)
    return out


APP = rules((CSS / "app.css").read_text())
DIGITS = rules((CSS / "lab-digits.css").read_text())
GATES = rules((CSS / "lab-gates.css").read_text())
VARS = {k: v for k, v in APP[":root"].items() if k.startswith("--")}


def colour(value: str) -> tuple[float, float, float, float]:
    """A CSS colour (var(), #rgb, #rrggbb, rgb()/rgba(), white) as 0-255 RGB + alpha;
    for a shorthand such as ``outline: 3px solid X`` the colour word is picked out."""
    for _ in range(5):
        m = re.search(r"var\((--[\w-]+)\)", value)
        if not m:
            break
        value = value.replace(m.group(0), VARS[m.group(1)])
    if m := re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value):
        h = m.group(1)
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    if m := re.search(r"rgba?\(([^)]*)\)", value):
        parts = [float(p) for p in m.group(1).replace("/", ",").split(",")]
        return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)
    if re.search(r"\bwhite\b", value):
        return (255, 255, 255, 1.0)
    raise ValueError(f"no colour in {value!r}")


def over(fg, bg):
    """fg composited over an opaque bg (alpha blending, as the browser paints it)."""
    a = fg[3]
    return tuple(fg[i] * a + bg[i] * (1 - a) for i in range(3)) + (1.0,)


def luminance(c) -> float:
    def lin(v):
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in c[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg, bg) -> float:
    if fg[3] < 1:
        fg = over(fg, bg)
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula_against_known_values():
    """WCAG's own reference points: black on white is 21:1, a colour on itself 1:1, and
    #767676 on white is the well-known lightest grey that passes 4.5:1."""
    white, black = colour("#fff"), colour("#000000")
    assert ratio(black, white) == pytest.approx(21.0)
    assert ratio(white, white) == pytest.approx(1.0)
    assert ratio(colour("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert ratio(colour("#777777"), white) < 4.5


PAPER = colour(APP[":root"]["background"])
PANEL = colour(VARS["--panel"])
HEADER = colour(APP[".site-header"]["background"])
WHITE = colour("#fff")

# (what, foreground, background, minimum): each foreground and background is read
# from the rule that paints it.
PAIRS = [
    ("body text on the page", APP[":root"]["color"], PAPER, 4.5),
    ("links on the page", APP["a"]["color"], PAPER, 4.5),
    ("links on a panel", APP["a"]["color"], PANEL, 4.5),
    ("muted notes on a panel", APP[".note"]["color"], PANEL, 4.5),
    ("runtime info on the page", APP[".runtime-info"]["color"], PAPER, 4.5),
    ("boot message", APP[".boot p"]["color"], colour(APP[".boot"]["background"]), 4.5),
    ("navigation links on the header", APP["#nav a"]["color"], HEADER, 4.5),
    (
        "current navigation link",
        APP['#nav a[aria-current="page"]']["color"],
        colour(APP['#nav a[aria-current="page"]']["background"]),
        4.5,
    ),
    ("focus ring on the page", APP[":focus-visible"]["outline"], PAPER, 3.0),
    ("focus ring on a panel", APP[":focus-visible"]["outline"], PANEL, 3.0),
    ("focus ring on the header (navigation links)", APP[":focus-visible"]["outline"], HEADER, 3.0),
    ("field error text", APP[".field .field-error"]["color"], PANEL, 4.5),
    (
        "invalid field text",
        APP[":root"]["color"],
        colour(APP[".field.invalid input[type=\"text\"]"]["background"]),
        4.5,
    ),
    ("fatal panel heading", APP[".fatal h2"]["color"], colour(APP[".fatal"]["background"]), 4.5),
    ("bad message", APP[".message.bad"]["color"], colour(APP[".message.bad"]["background"]), 4.5),
    ("good message", APP[".message.good"]["color"], colour(APP[".message.good"]["background"]), 4.5),
    ("button text", APP[".btn"]["color"], colour(APP[".btn"]["background"]), 4.5),
    ("button text on hover", APP[".btn"]["color"], colour(APP[".btn:hover"]["background"]), 4.5),
    ("primary button text", APP[".btn.primary"]["color"], colour(APP[".btn.primary"]["background"]), 4.5),
    (
        "pressed button text",
        APP['.btn[aria-pressed="true"]']["color"],
        colour(APP['.btn[aria-pressed="true"]']["background"]),
        4.5,
    ),
    ("wrong output in a truth table", APP["table.truth td.wrong"]["color"], WHITE, 4.5),
    (
        "wrong output in the current row",
        APP["table.truth td.wrong"]["color"],
        colour(APP["table.truth tr.current td"]["background"]),
        4.5,
    ),
    (
        "wrong output in the Gates lab's current row",
        APP["table.truth td.wrong"]["color"],
        colour(GATES["#lab-gates table.truth tr.current td"]["background"]),
        4.5,
    ),
    (
        "wrong output in the Gates lab's output column",
        APP["table.truth td.wrong"]["color"],
        colour(GATES["#lab-gates table.truth td.gt-out-col"]["background"]),
        4.5,
    ),
    ("zero cells of the confusion matrix", DIGITS["table.dg-confusion td.zero"]["color"], WHITE, 4.5),
    ("confusion-matrix corner label", DIGITS["table.dg-confusion thead th:first-child"]["color"], WHITE, 4.5),
]


@pytest.mark.parametrize("what, fg, bg, minimum", PAIRS, ids=[p[0] for p in PAIRS])
def test_contrast(what, fg, bg, minimum):
    fg = colour(fg) if isinstance(fg, str) else fg
    assert ratio(fg, bg) >= minimum, f"{what}: {ratio(fg, bg):.2f}:1 < {minimum}:1"


def _cell_backgrounds(kind: str):
    """The darkest background each kind of confusion-matrix cell gets, read from
    py/app/labs/digits/view.py's source (it imports the browser, so it cannot run here):
    ``alpha = a + b * share`` with share <= 1, then ``rgba(r,g,b,{alpha})``."""
    source = (ROOT / "py/app/labs/digits/view.py").read_text()
    found = re.findall(
        r'alpha = ([\d.]+) \+ ([\d.]+) \* .*?\n.*?rgba\((\d+),\s*(\d+),\s*(\d+),'
        r'.*?\n\s*cls = "(\w+)"',
        source,
    )
    return [(float(r), float(g), float(b), float(a0) + float(a1)) for a0, a1, r, g, b, cls in found if cls == kind]


@pytest.mark.parametrize("kind", ["diag", "off"])
def test_confusion_matrix_cells(kind):
    """Ink on the darkest green (all correct) and red (the largest mistake) cells."""
    backgrounds = _cell_backgrounds(kind)
    assert len(backgrounds) == 1
    ink = colour(VARS["--ink"])
    for bg in backgrounds:
        painted = over(bg, WHITE)
        assert ratio(ink, painted) >= 4.5, (kind, bg, ratio(ink, painted))
