"""The Playground's settings: what a learner can set, its ``Config``, and its URL form.

The playground page (lab 4) lets a learner pick a 2-D data set, a network and
the training settings, then watch SGD learn. This module is what those settings
are, in plain Python, shared by the page, its training worker and CPython:

* ``SETTINGS``: every setting declared once (an ``nnfs.settings.table.Table``: label,
  default, limits, slider, help); ``Config`` holds one value of each, checked by the
  table's own parser (``validate``), so there is one set of limits and one of messages.
  The learner's own clicked points are a setting too (``parse_points``, ``round_point``).
* ``to_hash`` / ``from_hash``: the configuration as the URL hash through the
  table's codec (``data=circles&layers=4,4&...``: only what differs from the
  defaults), so a link restores a whole setup; older links that list every key
  read the same. A bad value gives a message and keeps the default for that key.
  ``from_values`` reads the same settings as the page sends them to the worker.

What a configuration trains (its data, network and session) is
``nnfs.labs.playground.session``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nnfs.maths.costs import output_activation_for
from nnfs.neurons.perceptron import parse_finite
from nnfs.settings import training as ts
from nnfs.settings.table import Setting, Table, format_number

# --------------------------------------------------------------------- limits

TWO_CLASS = ("xor", "moons")  # these data sets have exactly 2 classes
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16
MAX_USER_POINTS = 200
POINT_DECIMALS = 2  # clicked points are stored (and linked) to 0.01


def round_point(x: float, y: float) -> tuple[float, float]:
    """A clicked position rounded as it is stored and linked, clipped into the box."""

    def r(v: float) -> float:
        return round(min(1.0, max(-1.0, float(v))), POINT_DECIMALS) + 0.0  # never -0.0

    return r(x), r(y)


def parse_points(text: str) -> tuple[tuple[float, float, int], ...]:
    """``"0.5,-0.25,1;0,0,0"`` -> ((0.5, -0.25, 1), (0.0, 0.0, 0))."""
    text = text.strip()
    if not text:
        return ()
    items = text.split(";")
    if len(items) > MAX_USER_POINTS:
        raise ValueError(f"at most {MAX_USER_POINTS} points of your own; got {len(items)}")
    points = []
    for item in items:
        parts = item.split(",")
        if len(parts) != 3:
            raise ValueError(f"a point is x,y,class; got {item!r}")
        x = parse_finite(parts[0], "a point's x", minimum=-1, maximum=1)
        y = parse_finite(parts[1], "a point's y", minimum=-1, maximum=1)
        c = parse_finite(parts[2], "a point's class", minimum=0, maximum=3)
        if c != int(c):
            raise ValueError(f"a point's class must be 0, 1, 2 or 3; got {parts[2]!r}")
        points.append((*round_point(x, y), int(c)))
    return tuple(points)


def points_text(points: Iterable[tuple[float, float, int]]) -> str:
    return ";".join(f"{format_number(x)},{format_number(y)},{c}" for x, y, c in points)


# ------------------------------------------------------------- the settings

# Every setting of the Playground, declared once (the training settings it shares with the
# Digits lab are nnfs.settings.training'): its URL key, label, default, limits,
# the slider's range and a sentence of help. The URL codec (nnfs.settings.table), Config's
# checks (validate) and Config's defaults all come from here.
# "pts" (the learner's clicked points) is Config.points.
SETTINGS = Table(
    "pg",
    [
        Setting(
            "data",
            "data set",
            "xor",
            kind="choice",
            choices=(
                ("xor", "XOR (4 clusters)"),
                ("circles", "circles"),
                ("spiral", "spiral"),
                ("blobs", "blobs"),
                ("moons", "moons"),
            ),
            help="The 2-D points to classify.",
        ),
        Setting(
            "classes",
            "classes",
            2,
            kind="int",
            lo=2,
            hi=4,
            slider=(2, 4, 1),
            help="Circles, spiral and blobs: how many classes (XOR and moons have 2).",
        ),
        Setting(
            "n",
            "points",
            200,
            kind="int",
            lo=10,
            hi=2000,
            slider=(10, 1000, 10),
            help="Points generated, training and test together.",
        ),
        Setting(
            "noise",
            "noise",
            0.1,
            lo=0.0,
            hi=1.0,
            slider=(0, 1, 0.01),
            help="How far the points scatter from their pattern.",
        ),
        Setting(
            "test",
            "test %",
            30,
            kind="int",
            lo=10,
            hi=90,
            slider=(10, 90, 5),
            help="The share of the points held out to test on.",
        ),
        Setting(
            "dseed", "data seed", 1, kind="int", lo=0, hi=999_999, help="The same seed gives the same points and split."
        ),
        ts.layers((4,), MAX_HIDDEN_LAYERS, MAX_NEURONS, "4,4"),
        ts.act("sigmoid"),
        ts.cost("cross-entropy"),
        ts.init("scaled"),
        ts.seed(1),
        ts.eta(3.0),
        ts.batch(10, hi=2000),
        ts.l2(0.0),
        ts.epochs(300, hi=100_000),
        Setting(
            "target",
            "stop at test accuracy %",
            0.0,
            lo=0.0,
            hi=100.0,
            help="Training stops once the test accuracy reaches this (0: never).",
        ),
        Setting(
            "pts",
            "your points",
            (),
            kind="text",
            parse_text=parse_points,
            encode_text=points_text,
            help=f"Training points you clicked (x,y,class; at most {MAX_USER_POINTS}).",
        ),
        Setting(
            "pace",
            "speed",
            "30",
            kind="choice",
            choices=(
                ("1", "slow motion: 1 epoch/s"),
                ("3", "3 epochs/s"),
                ("10", "10 epochs/s"),
                ("30", "30 epochs/s"),
                ("100", "100 epochs/s"),
                ("max", "as fast as it goes"),
            ),
        ),
    ],
)

# Settings of how the page runs training, not of what it trains: in the link, not in Config.
RUN_SETTINGS = ("pace",)
CONFIG_NAMES = tuple(s.name for s in SETTINGS if s.name not in RUN_SETTINGS)
# The speed control's epochs per second (None: as fast as the worker goes).
PACES: dict[str, float | None] = {v: (None if v == "max" else float(v)) for v in SETTINGS["pace"].values}

_D = SETTINGS.defaults()


@dataclass(frozen=True)
class Config:
    """Every setting of the playground (defaults: ``SETTINGS``). Defaults: XOR
    learnt by one hidden layer of 4 sigmoid neurons in about 15 epochs."""

    data: str = _D["data"]
    classes: int = _D["classes"]  # used by circles, spiral and blobs
    n: int = _D["n"]  # generated points (train + test)
    noise: float = _D["noise"]
    test: int = _D["test"]  # percent of the generated points held out for testing
    dseed: int = _D["dseed"]  # data seed: the points and the train/test split
    layers: tuple[int, ...] = _D["layers"]  # neurons per hidden layer
    act: str = _D["act"]  # hidden-layer activation
    cost: str = _D["cost"]
    init: str = _D["init"]  # "normal": N(0, 1); "scaled": N(0, 1/n_in)
    seed: int = _D["seed"]  # network seed: initial weights and mini-batch order
    eta: float = _D["eta"]
    batch: int = _D["batch"]
    l2: float = _D["l2"]
    epochs: int = _D["epochs"]  # stop after this many epochs
    target: float = _D["target"]  # stop at this test accuracy in percent (0 = never)
    points: tuple[tuple[float, float, int], ...] = _D["pts"]  # the learner's own points: ((x, y, class), ...)

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def n_classes(self) -> int:
        return 2 if self.data in TWO_CLASS else self.classes

    @property
    def output_activation(self) -> str:
        """Log-likelihood reads the outputs as one probability distribution, so
        it needs softmax; the other costs use independent sigmoid outputs."""
        return output_activation_for(self.cost)

    @property
    def sizes(self) -> list[int]:
        return [2, *self.layers, self.n_classes]

    def values(self) -> dict[str, Any]:
        """The settings by their URL keys (``SETTINGS``' names; not the page's ``RUN_SETTINGS``)."""
        return {name: getattr(self, _field(name)) for name in CONFIG_NAMES}


def config_from(values: dict[str, Any]) -> "Config":
    """The Config of a lab's values (by setting name; the ``RUN_SETTINGS`` are left out)."""
    return Config(**{_field(k): v for k, v in values.items() if k in CONFIG_NAMES})


def _field(name: str) -> str:
    """The Config field of setting ``name`` (the URL's "pts" is ``points``)."""
    return "points" if name == "pts" else name


def validate(config: Config) -> list[str]:
    """Every problem with ``config``, as messages (empty when it is fine). Each value is
    checked by its setting in ``SETTINGS``: the one parser that reads links, fields and
    the worker's decoded settings (``nnfs.settings.table.Setting.decode``)."""
    return [message for _name, message in SETTINGS.from_values(config.values())[1]]


DEFAULTS = Config()

# --------------------------------------------------------------- URL hash


def to_hash(config: Config) -> str:
    """``config`` as the link's ``key=value&...``: the settings that differ from
    the defaults, in the table's order (``nnfs.settings.table.Table.to_hash``)."""
    return SETTINGS.to_hash(config.values())


def from_hash(text: str) -> tuple[Config, list[str]]:
    """The configuration in a URL hash (without the ``#playground/``), and a
    message for every key that was bad (that key keeps its default) or unknown.
    Links that list every key (as they were written before the table) read the same."""
    return _config_of(*SETTINGS.from_hash(text))


def from_values(values: dict[str, Any]) -> tuple[Config, list[str]]:
    """The configuration in decoded settings (``Config.values()`` sent as JSON: how the
    page hands a run to the training worker), with ``from_hash``'s messages for bad
    values: the same table parses both (``nnfs.settings.table.Table.from_values``)."""
    return _config_of(*SETTINGS.from_values(values))


def _config_of(values: dict[str, Any], problems: list[tuple[str | None, str]]) -> tuple[Config, list[str]]:
    """The Config of the good values read, and a message for each problem (a bad
    setting keeps its default, and its message says which)."""
    messages = []
    for name, message in problems:
        if name is None:
            messages.append(message)
        else:
            setting = SETTINGS[name]
            if name == "pts":
                shown = "none"
            elif name == "layers":
                shown = ts.layers_text(setting.default) or "(none)"
            else:
                shown = setting.format(setting.default)
            messages.append(f"{message} — using the default {shown}")
    return config_from(values), messages
