"""One settings vocabulary for every lab: a table of settings, one number parser, one URL codec.

A lab declares each of its settings once, as a ``Setting`` (name, label,
default, kind, limits, unit, help text, the slider's range), and groups them
in a ``Table``. Everything else follows from that one declaration:

* ``parse_number`` is the one parser of typed numbers. It accepts what people
  type and copy (``50,000``, ``1e-3``, a true minus sign ``−2``) and rejects the
  rest with a message that names the field and quotes at most a short prefix of
  what was typed (a 5,000-digit number or a 100 KB link is not echoed back).
* ``Table.to_hash`` / ``Table.from_hash`` are the URL codec: a link holds only
  the values that differ from the defaults, in the table's order, so it is
  short and stable; reading one percent-decodes it (``w=%E2%88%923`` is "−3",
  as if typed) and reports every bad or unknown part without losing the rest.
* ``Table.from_values`` reads decoded settings (a JSON object of values: how a page
  sends a run's settings to the training worker) through the same parser: each
  value is written as the text it stands for and parsed, so a bad one gets the
  message a bad link or field would.
* The glue (``app.shell.lab``) builds or binds the page's controls from the table, so
  a label or a limit is written in one place.

Pure Python (no numpy, no page): it runs and is tested in CPython.

    >>> t = Table("sg", [Setting("w", "weight w", 1.0, lo=-10, hi=10)])
    >>> t.to_hash({"w": -3.0})
    'w=-3'
    >>> t.from_hash("w=%E2%88%923")
    ({'w': -3.0}, [])
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

KINDS = ("number", "int", "choice", "bool", "text")
QUOTE_LIMIT = 24  # characters of a bad value quoted back in a message
MAX_LINK_PROBLEMS = 5  # a hostile link gets five messages, then a count
# Thousands separators only in groups of three: 50,000 and 1,000,000.5 yes; 0,5 and 1,00 no.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?")
_TRUE = ("1", "true", "on", "yes")
_FALSE = ("0", "false", "off", "no")
_NO_VALUE = object()  # a link's part with no "=" (``from_hash``)


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` quoted for a message: at most ``limit`` characters, then "…".

    A message shows where the user looks (beside a field, in a status line);
    quoting a pasted megabyte there would push the page thousands of pixels wide.
    """
    text = str(text)
    if len(text) > limit:
        return repr(text[:limit] + "…")
    return repr(text)


def _short_repr(value: object) -> str:
    """repr(value), cut like ``shorten`` (for values that are not text at all)."""
    text = repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


def _tuples(value: object) -> object:
    """JSON's lists as the tuples a text setting's parser returns (nested: points)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, (list, tuple)) else value


def format_number(value: float, integer: bool = False) -> str:
    """A number as links store it: ``3`` not ``3.0``; otherwise the shortest
    text that reads back as exactly the same float."""
    if integer:
        return str(int(value))
    value = float(value) + 0.0  # never "-0"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def display_number(value: float, integer: bool = False) -> str:
    """A number as a field shows it: 12 significant digits, so 0.1 + 0.2 reads
    0.3 (the value kept is still the exact float; the link stores that)."""
    if integer:
        return str(int(value))
    return f"{float(value) + 0.0:.12g}"


def parse_number(
    text: object, label: str = "value", lo: float | None = None, hi: float | None = None, integer: bool = False
) -> int | float:
    """Parse what a user typed (or a link holds) into a finite number, or raise ValueError.

    ``label`` names the field in the message. Spaces around the number are
    ignored; the true minus sign "−" (U+2212, as the page prints numbers) reads
    as "-"; commas are accepted as thousands separators in groups of three
    (``50,000``). ``lo`` and ``hi`` bound the value inclusively; ``integer``
    asks for a whole number (returned as an int).

        parse_number(" 2.5 ", "w1")      ->  2.5
        parse_number("50,000", "n")      ->  50000.0
        parse_number("abc", "w1")        ->  ValueError: w1: 'abc' is not a number
    """
    if not isinstance(text, str):
        raise ValueError(f"{label} must be given as text; got {_short_repr(text)}")
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"{label} is empty; type a number")
    plain = stripped.replace("\u2212", "-")
    if "," in plain and _GROUPED.fullmatch(plain):
        plain = plain.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        hint = " (write decimals with a point, and no commas or spaces)" if any(c in stripped for c in ", ") else ""
        raise ValueError(f"{label}: {shorten(stripped)} is not a number{hint}") from None
    if math.isnan(value):
        raise ValueError(f"{label}: {shorten(stripped)} is not a number")
    if math.isinf(value):
        # float() turns both 'inf' and an overflowing '1e999' into infinity.
        size = "too large" if value > 0 else "too large a negative number"
        raise ValueError(f"{label}: {shorten(stripped)} is {size} (not a finite number)")
    if lo is not None and value < lo:
        raise ValueError(f"{label} must be at least {lo:g}; got {value:g}")
    if hi is not None and value > hi:
        raise ValueError(f"{label} must be at most {hi:g}; got {value:g}")
    if integer:
        if value != int(value):
            raise ValueError(f"{label} must be a whole number; got {shorten(stripped)}")
        return int(value)
    return value


@dataclass(frozen=True)
class Setting:
    """One setting of a lab, declared once.

    ``name`` is its key in the URL and (with the table's prefix) its element
    id; ``label`` what the page calls it; ``kind`` one of "number", "int",
    "choice", "bool"; ``lo``/``hi`` the limits of a typed value (inclusive);
    ``slider`` an optional (lo, hi, step) for a range slider, which may cover
    less than the typed limits; ``choices`` ((value, text), ...) for a choice;
    ``help`` a sentence shown under the control; ``unit`` printed after it.
    A "text" setting is a value with its own written form (the Playground's
    hidden layers ``4,4``, its clicked points): ``parse_text`` reads it (or
    raises ValueError with the message to show) and ``encode_text`` writes it;
    the lab builds its control itself.
    """

    name: str
    label: str
    default: Any  # a number, a choice's value, a bool, or what parse_text returns
    kind: str = "number"
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    slider: tuple[float, float, float] | None = None
    parse_text: Callable[[str], Any] | None = None  # "text" kind: str -> value (ValueError with a message)
    encode_text: Callable[[Any], str] | None = None  # "text" kind: value -> str (parse_text reads it back)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}; got {self.kind!r}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"setting names are lower-case identifiers; got {self.name!r}")
        if self.kind == "choice" and self.default not in self.values:
            raise ValueError(f"{self.name}: default {self.default!r} is not one of {self.values}")
        if self.kind == "text":
            if not (callable(self.parse_text) and callable(self.encode_text)):
                raise ValueError(f"{self.name}: a text setting needs parse_text and encode_text")
            if self.parse(self.encode(self.default)) != self.default:
                raise ValueError(f"{self.name}: the default does not read back as itself")
        if self.kind in ("number", "int"):
            self.parse(self.format(self.default))  # the default must obey the limits
        if self.slider is not None:
            s_lo, s_hi, step = self.slider
            if not (s_lo < s_hi and step > 0):
                raise ValueError(f"{self.name}: slider must be (lo, hi, step) with lo < hi, step > 0")

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed values of a choice."""
        return tuple(v for v, _text in self.choices)

    def parse(self, text: object) -> Any:
        """The value ``text`` stands for, or ValueError with the field's message."""
        if self.kind in ("number", "int"):
            return parse_number(text, self.label, self.lo, self.hi, integer=self.kind == "int")
        if not isinstance(text, str):
            raise ValueError(f"{self.label} must be given as text; got {_short_repr(text)}")
        stripped = text.strip()
        if self.kind == "text":
            assert self.parse_text is not None  # __post_init__ insists on it for a text setting
            return self.parse_text(stripped)
        if self.kind == "bool":
            if stripped.lower() in _TRUE:
                return True
            if stripped.lower() in _FALSE:
                return False
            raise ValueError(f"{self.label} must be 1 or 0; got {shorten(stripped)}")
        if stripped in self.values:
            return stripped
        raise ValueError(f"{self.label} must be one of {', '.join(self.values)}; got {shorten(stripped)}")

    def decode(self, value: object) -> Any:
        """The value a decoded ``value`` (from JSON) stands for, checked as ``parse`` checks text.

        Text is read as typed. A number, a bool or a list (a text setting's parts) is
        first written as the text that stands for it, so one parser checks every value
        and a bad one gets the message a bad link gets; a text setting's value must be
        one its parser gives back (``[4.5]`` is not hidden layers, though it writes "4").
        """
        if isinstance(value, str):
            return self.parse(value)
        if self.kind in ("number", "int"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{self.label} must be a number; got {_short_repr(value)}")
            return self.parse(repr(value))  # repr: the float exactly ("inf", "nan" read as such)
        if self.kind == "bool" and isinstance(value, bool):
            return value
        if self.kind == "text" and isinstance(value, (list, tuple)):
            held = _tuples(value)
            try:
                text = self.encode(held)
            except (TypeError, ValueError):
                text = None
            if text is None or self.parse(text) != held:
                raise ValueError(f"{self.label} cannot be {_short_repr(value)}")
            return held
        return self.parse(value)  # not text: parse says what it must be

    def encode(self, value: Any) -> str:
        """``value`` as the URL stores it (exact: reads back as the same value)."""
        if self.kind in ("number", "int"):
            return format_number(value, self.kind == "int")
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "text":
            assert self.encode_text is not None  # __post_init__ insists on it for a text setting
            return self.encode_text(value)
        return str(value)

    def format(self, value: Any) -> str:
        """``value`` as a field shows it."""
        if self.kind in ("number", "int"):
            return display_number(value, self.kind == "int")
        return self.encode(value)

    def same(self, a: Any, b: Any) -> bool:
        if self.kind in ("number", "int"):
            return float(a) == float(b)
        return a == b


class Table:
    """A lab's settings, in the order the page and the URL list them.

    ``prefix`` is the lab's element-id prefix: setting ``w1`` of table "pc"
    is the control ``#pc-w1`` (with ``#pc-w1-range`` for its slider and
    ``#pc-w1-error`` for its message).
    """

    def __init__(self, prefix: str, settings: Iterable[Setting]) -> None:
        self.prefix = prefix
        self.settings = tuple(settings)
        names = [s.name for s in self.settings]
        if len(set(names)) != len(names):
            raise ValueError(f"setting names repeat in table {prefix!r}: {names}")

    def __repr__(self) -> str:
        return f"Table({self.prefix!r}, {self.names()})"

    def __getitem__(self, name: str) -> Setting:
        for s in self.settings:
            if s.name == name:
                return s
        raise KeyError(name)

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.settings)

    def names(self) -> list[str]:
        return [s.name for s in self.settings]

    def element_id(self, name: str) -> str:
        self[name]  # a typo in a name fails here, not as a missing element later
        return f"{self.prefix}-{name}"

    def defaults(self) -> dict[str, Any]:
        return {s.name: s.default for s in self.settings}

    def parse(self, name: str, text: object) -> Any:
        return self[name].parse(text)

    def to_hash(self, values: dict[str, Any]) -> str:
        """The values that differ from the defaults, as ``key=value&...`` in the
        table's order, percent-encoded where needed (all defaults: "")."""
        parts = []
        for s in self.settings:
            if s.name in values and not s.same(values[s.name], s.default):
                parts.append(f"{s.name}={quote(s.encode(values[s.name]), safe='-._~,;')}")
        return "&".join(parts)

    def encoded(self, values: dict[str, Any]) -> dict[str, str]:
        """Every setting's value as a link writes it (defaults included): how a run's
        record keeps its settings (``nnfs.runs.history``), exact and readable."""
        return {s.name: s.encode(values[s.name]) for s in self.settings if s.name in values}

    @staticmethod
    def link_of(encoded: dict[str, str]) -> str:
        """The link state (for ``from_hash``) of values as ``encoded`` wrote them."""
        return "&".join(f"{k}={quote(str(v), safe='-._~,;')}" for k, v in encoded.items())

    def from_hash(self, text: str) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
        """The values in a link's state (the hash after ``#lab/``), and its problems.

        Returns (values, problems): ``values`` holds only the good values
        found (the caller keeps its own for the rest); ``problems`` is a list of
        (name, message) with name None for a part that names no setting. Every
        value is percent-decoded first, so it reads as the same text typed would.
        """
        parts = []
        for part in str(text).lstrip("#").split("&"):
            if part:
                key, sep, raw = part.partition("=")
                parts.append((unquote(key, errors="replace"), unquote(raw, errors="replace") if sep else _NO_VALUE))
        return self._read(parts, "parse", "in the link")

    def from_values(self, values: Mapping[str, object]) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
        """The values in decoded settings (a JSON object: setting name -> value, as the
        page's controls decode them), and their problems, exactly as ``from_hash``
        reports them: each value goes through ``Setting.decode``, the same parser."""
        if not isinstance(values, Mapping):
            return {}, [(None, f"settings must be an object of values; got {_short_repr(values)}")]
        return self._read([(str(k), v) for k, v in values.items()], "decode", "in the settings")

    def _read(
        self, parts: Iterable[tuple[str, object]], read: str, where: str
    ) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
        """(values, problems) of (name, raw value) pairs, each read by its setting's method
        ``read`` ("parse" or "decode": a setting of its own kind may override them); at most
        ``MAX_LINK_PROBLEMS`` messages, then a count."""
        values: dict[str, Any] = {}
        problems: list[tuple[str | None, str]] = []
        extra = 0

        def problem(name: str | None, message: str) -> None:
            nonlocal extra
            if len(problems) < MAX_LINK_PROBLEMS:
                problems.append((name, message))
            else:
                extra += 1

        known = {s.name: s for s in self.settings}
        for key, raw in parts:
            setting = known.get(key)
            if setting is None:
                problem(None, f"unknown setting {shorten(key)} ignored")
            elif raw is _NO_VALUE:
                problem(key, f"{setting.label} has no value (expected {key}=…)")
            else:
                try:
                    values[key] = getattr(setting, read)(raw)
                except ValueError as e:
                    problem(key, str(e))
        if extra:
            problems.append((None, f"and {extra} more problem{'s' if extra > 1 else ''} {where}"))
        return values, problems
