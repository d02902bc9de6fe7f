"""What the Universality lab shows, as numbers, sentences and point lists.

The glue (``app.labs.universality.lab``) reads the controls and draws; this module
holds the lab's settings table, the x grids the curves are drawn on, the
mapping between a drag on the plot and a bump's height, the verdict sentences
and the "best so far" record. No ``js`` here, so it is tested in CPython. The
maths (steps, bumps, the score, the fit) is ``nnfs.labs.universality``'s.
"""

from __future__ import annotations

import json
import math

import numpy as np

from nnfs.labs import universality as uni
from nnfs.settings.table import Setting, Table

SETTINGS = Table(
    "un",
    [
        Setting(
            "w",
            "weight w",
            8.0,
            lo=-10000,
            hi=10000,
            slider=(-100, 100, 1),
            help="The hidden neuron's weight. Make it large and σ(w·x + b) becomes a step.",
        ),
        Setting("b", "bias b", -4.0, lo=-10000, hi=10000, slider=(-100, 100, 1)),
        Setting(
            "s",
            "step position s",
            0.5,
            lo=-1,
            hi=2,
            slider=(0, 1, 0.01),
            help="Where the step is: s = −b/w. Moving s sets b = −w·s and keeps w.",
        ),
        Setting("s1", "first step s₁", 0.4, lo=0, hi=1, slider=(0, 1, 0.01)),
        Setting("s2", "second step s₂", 0.6, lo=0, hi=1, slider=(0, 1, 0.01)),
        Setting(
            "h",
            "bump height h",
            0.6,
            lo=-10,
            hi=10,
            slider=(-3, 3, 0.1),
            help="The first step's output is weighted h, the second's −h.",
        ),
        Setting(
            "n",
            "number of bumps N",
            5,
            kind="int",
            lo=1,
            hi=uni.MAX_BUMPS,
            slider=(1, uni.MAX_BUMPS, 1),
            help="N bumps over N equal intervals of [0, 1]: 2N hidden neurons. The book's challenge uses 5.",
        ),
        Setting(
            "target",
            "target f",
            "book",
            kind="choice",
            choices=(("book", "the book's challenge f"), ("random", "a random smooth f")),
        ),
        Setting(
            "seed",
            "target seed",
            1,
            kind="int",
            lo=0,
            hi=999_999,
            help="The same seed always gives the same random target.",
        ),
        Setting(
            "epochs",
            "epochs",
            500,
            kind="int",
            lo=1,
            hi=5000,
            help="Epochs of SGD on 200 samples of f (mini-batches of 20).",
        ),
        Setting("eta", "learning rate η", 2.0, lo=0.001, hi=50),
    ],
)

PLOT_X = (0.0, 1.0)
HEIGHT_LIMIT = 10.0  # a dragged or typed height stays within ±this


def target_key(values: dict) -> str:
    return "book" if values["target"] == "book" else f"random-{int(values['seed'])}"


def curve_x(positions=(), n: int = 601) -> np.ndarray:
    """x on [0, 1] for a steep curve: an even grid plus points just either side of each
    step, so a step is drawn as a vertical line and not a slope between two grid points."""
    extra = [p + d for p in positions for d in (-1e-4, 1e-4) if 0 <= p + d <= 1]
    return np.unique(np.concatenate([np.linspace(0.0, 1.0, n), np.asarray(extra, dtype=np.float64)]))


def y_range(*curves, floor=(-3.0, 3.0)) -> tuple[float, float]:
    """A y range holding every finite value of the curves and at least ``floor``, with a margin."""
    lo, hi = floor
    for c in curves:
        c = np.asarray(c, dtype=np.float64)
        c = c[np.isfinite(c)]
        if c.size:
            lo, hi = min(lo, float(c.min())), max(hi, float(c.max()))
    pad = 0.06 * (hi - lo)
    return lo - pad, hi + pad


def column_at(x: float, n: int) -> int | None:
    """The bump under data coordinate x (None off [0, 1]): the interval [k/n, (k+1)/n)."""
    if not 0.0 <= x <= 1.0:
        return None
    return min(int(x * n), n - 1)


def clamp_height(h: float) -> float:
    """A dragged height, kept on the plot's scale and rounded to 0.01 (what a person can aim at)."""
    return round(min(max(float(h), -HEIGHT_LIMIT), HEIGHT_LIMIT), 2)


def resize_heights(heights, n: int) -> list[float]:
    """The heights for ``n`` bumps keeping the shape built so far: new bump k takes the
    height of the old bump under its midpoint (k + ½)/n."""
    old = [float(h) for h in heights] or [0.0]
    return [old[min(int((k + 0.5) / n * len(old)), len(old) - 1)] for k in range(int(n))]


def fmt(value: float, decimals: int = 2) -> str:
    v = round(float(value), decimals) + 0.0
    return f"{v:.{decimals}f}".replace("-", "−")


def verdict(score: float) -> tuple[str, str]:
    """(sentence, kind) for a score: kind 'good' when it passes the book's bar, else 'bad'."""
    if not math.isfinite(score):
        return "No score: a height is not a number.", "bad"
    shown = fmt(score)
    if uni.passed(score):
        spare = max(uni.PASS_SHOWN - round(score, 2), 0.0)
        extra = f", {fmt(spare)} under the bar" if spare > 0 else ", exactly on the bar"
        return f"Passed: average deviation {shown} ≤ 0.40{extra}.", "good"
    return (
        f"Not yet: average deviation {shown}, {fmt(score - uni.PASS_SHOWN)} above the 0.40 "
        "the book asks for. Move the bumps towards the blue curve.",
        "bad",
    )


def step_text(w: float, b: float) -> str:
    if w == 0:
        return "w = 0: the neuron's output is σ(b) for every x, flat — no step."
    s = uni.step_position(w, b)
    sharp = "a sharp step" if abs(w) >= 100 else "a soft step" if abs(w) >= 10 else "a gentle slope"
    where = "inside [0, 1]" if 0 <= s <= 1 else "outside [0, 1]"
    turn = "up" if w > 0 else "down"
    return f"Step {turn} at s = −b/w = {s:.4g} ({where}); with |w| = {abs(w):g} it is {sharp}."


def bump_text(s1: float, s2: float, h: float, top: float) -> str:
    if s1 >= s2:
        return (
            f"s₁ ≥ s₂: the −h step comes first, so the two make a dip of {fmt(-h)} between "
            f"{s2:.2f} and {s1:.2f} instead of a bump."
        )
    return f"A bump of height {fmt(top, 4)} (h = {fmt(h, 4)}) between x = {s1:.2f} and x = {s2:.2f}, 0 elsewhere."


# ------------------------------------------------------------------ best so far (in the browser)


def best_key(target: str, n: int) -> str:
    return f"nnfs-universality-best:{target}:{int(n)}"


def best_record(score: float, heights) -> str:
    return json.dumps({"score": float(score), "heights": [float(h) for h in heights]})


def read_best(text) -> dict | None:
    """A stored best, or None if there is none or it is damaged."""
    try:
        d = json.loads(str(text))
        score = float(d["score"])
        heights = [float(h) for h in d["heights"]]
    except (TypeError, ValueError, KeyError):
        return None
    return {"score": score, "heights": heights} if math.isfinite(score) else None


def best_text(best: dict | None, n: int) -> str:
    if best is None:
        return f"No score kept yet for this target with {n} bump{'s' if n > 1 else ''}."
    mark = " (passed)" if uni.passed(best["score"]) else ""
    return f"Your best for this target with {n} bump{'s' if n > 1 else ''}: {fmt(best['score'])}{mark}."
