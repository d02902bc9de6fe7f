"""The settings vocabulary: the one number parser, Setting/Table, and the URL codec."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest

from nnfs.neurons.perceptron import parse_finite
from nnfs.settings.table import (
    MAX_LINK_PROBLEMS,
    QUOTE_LIMIT,
    Setting,
    Table,
    display_number,
    format_number,
    parse_number,
    shorten,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("50,000", 50000.0),
        ("1,000,000", 1e6),
        ("-12,345.5", -12345.5),
        ("1,000e3", 1e6),
        ("1e-3", 0.001),
        ("\u22123", -3.0),
        ("1e\u22123", 0.001),
        (" 7 ", 7.0),
        ("+.5", 0.5),
    ],
)
def test_parse_number_accepts_what_people_type(text, expected):
    assert parse_number(text, "n") == expected


@pytest.mark.parametrize("text", ["0,5", "1,5", "1,00", "1,0000", ",000", "1,000,00", "1 000", "1.000,5"])
def test_commas_only_as_thousands_separators(text):
    with pytest.raises(ValueError, match=r"is not a number \(write decimals with a point, and no commas or spaces\)$"):
        parse_number(text, "n")


def test_the_old_name_is_the_same_parser():
    assert parse_finite("50,000", "n") == 50000.0
    with pytest.raises(ValueError, match="^eta must be at most 10; got 10.5$"):
        parse_finite("10.5", "eta", maximum=10)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("9" * 5000, "is too large (not a finite number)"),
        ("x" * 100_000, "is not a number"),
        ("1" * 3000 + ".5,", "is not a number"),
    ],
)
def test_a_huge_input_is_quoted_by_a_short_prefix(text, fragment):
    with pytest.raises(ValueError) as info:
        parse_number(text, "w")
    message = str(info.value)
    assert fragment in message
    assert len(message) < 120, message
    assert f"'{text[:QUOTE_LIMIT]}…'" in message


def test_shorten():
    assert shorten("abc") == "'abc'"
    assert shorten("a" * 30) == "'" + "a" * 24 + "…'"


def test_integers_and_limits():
    assert parse_number("1,000", "batch", 1, 2000, integer=True) == 1000
    assert isinstance(parse_number("3", "batch", integer=True), int)
    with pytest.raises(ValueError, match="^batch must be a whole number; got '2.5'$"):
        parse_number("2.5", "batch", integer=True)
    with pytest.raises(ValueError, match="^c must be at least 0.1; got 0$"):
        parse_number("0", "c", 0.1, 1000)


def test_numbers_round_trip_through_the_link_exactly():
    rng = random.Random(4)
    for _ in range(2000):
        v = rng.uniform(-1000, 1000) * 10 ** rng.randint(-12, 3)
        assert parse_number(format_number(v), "v") == v
    assert format_number(3.0) == "3" and format_number(-0.0) == "0" and format_number(0.1) == "0.1"
    assert display_number(0.1 + 0.2) == "0.3" and format_number(0.1 + 0.2) == "0.30000000000000004"


TABLE = Table(
    "t",
    [
        Setting("w", "weight w", 1.0, lo=-10, hi=10, slider=(-5, 5, 0.1)),
        Setting("n", "points", 200, kind="int", lo=10, hi=2000),
        Setting("gate", "target table", "AND", kind="choice", choices=(("AND", "AND"), ("XOR", "XOR"))),
        Setting("x1", "input x₁", False, kind="bool"),
    ],
)


def test_table_defaults_and_parse():
    assert TABLE.defaults() == {"w": 1.0, "n": 200, "gate": "AND", "x1": False}
    assert TABLE.parse("n", "1,500") == 1500
    assert TABLE.parse("gate", "XOR") == "XOR"
    assert TABLE.parse("x1", "1") is True
    assert TABLE.element_id("w") == "t-w"
    with pytest.raises(ValueError, match="^target table must be one of AND, XOR; got 'OR'$"):
        TABLE.parse("gate", "OR")
    with pytest.raises(KeyError):
        TABLE.element_id("nope")


def test_to_hash_holds_only_changes_in_table_order():
    assert TABLE.to_hash(TABLE.defaults()) == ""
    assert TABLE.to_hash({"x1": True, "w": -2.5, "n": 200, "gate": "XOR"}) == "w=-2.5&gate=XOR&x1=1"


def test_from_hash_reads_back_what_to_hash_wrote():
    rng = random.Random(9)
    for _ in range(300):
        values = {
            "w": round(rng.uniform(-10, 10), rng.randint(0, 17)),
            "n": rng.randint(10, 2000),
            "gate": rng.choice(["AND", "XOR"]),
            "x1": rng.random() < 0.5,
        }
        back, problems = TABLE.from_hash(TABLE.to_hash(values))
        assert problems == []
        assert {**TABLE.defaults(), **back} == values


def test_from_hash_percent_decodes_as_if_typed():
    # "−3" with a true minus sign, as a browser writes it into location.hash.
    assert TABLE.from_hash("w=%E2%88%923") == ({"w": -3.0}, [])
    assert TABLE.from_hash("w=" + quote("1e\u22121") + "&n=1%2C000") == ({"w": 0.1, "n": 1000}, [])


def test_from_hash_keeps_the_good_parts_and_names_the_bad():
    values, problems = TABLE.from_hash("w=oops&n=20&zzz=1&gate")
    assert values == {"n": 20}
    assert problems == [
        ("w", "weight w: 'oops' is not a number"),
        (None, "unknown setting 'zzz' ignored"),
        ("gate", "target table has no value (expected gate=…)"),
    ]


def test_a_hostile_link_gives_a_few_short_messages():
    link = "w=" + "9" * 100_000 + "&" + "&".join(f"k{i}=1" for i in range(5000))
    values, problems = TABLE.from_hash(link)
    assert values == {}
    assert len(problems) == MAX_LINK_PROBLEMS + 1
    assert problems[-1] == (None, f"and {5000 + 1 - MAX_LINK_PROBLEMS} more problems in the link")
    assert sum(len(m) for _, m in problems) < 600


def test_bad_declarations_fail_at_once():
    with pytest.raises(ValueError, match="must be at most"):
        Setting("w", "w", 11.0, lo=0, hi=10)
    with pytest.raises(ValueError, match="is not one of"):
        Setting("g", "g", "OR", kind="choice", choices=(("AND", "AND"),))
    with pytest.raises(ValueError, match="repeat"):
        Table("t", [Setting("w", "w", 0.0), Setting("w", "w", 0.0)])


def test_a_text_setting_reads_and_writes_through_its_own_functions():
    """The Playground's hidden layers: "4,4" in a link, a tuple in the lab."""

    def parse(text):
        return tuple(int(parse_number(t, "neurons", 1, 16, integer=True)) for t in text.split(",")) if text else ()

    layers = Setting(
        "layers", "hidden layers", (4,), kind="text", parse_text=parse, encode_text=lambda v: ",".join(map(str, v))
    )
    t = Table("pg", [layers])
    assert t.to_hash({"layers": (4,)}) == "" and t.to_hash({"layers": (8, 6)}) == "layers=8,6"
    assert t.from_hash("layers=8,6") == ({"layers": (8, 6)}, [])
    assert t.from_hash("layers=") == ({"layers": ()}, [])
    values, problems = t.from_hash("layers=4,99")
    assert values == {} and problems == [("layers", "neurons must be at most 16; got 99")]
    with pytest.raises(ValueError, match="needs parse_text and encode_text"):
        Setting("x", "x", (), kind="text")
    with pytest.raises(ValueError, match="does not read back"):
        Setting("x", "x", (1,), kind="text", parse_text=lambda s: (), encode_text=str)


def test_decoded_values_go_through_the_same_parser_with_the_same_messages():
    """The worker's wire format (issue 18): a JSON object of values, checked by the one parser.
    A good value reads back as itself (floats exactly); a bad one gets the link's message."""
    import json

    values = {"w": 0.1 + 0.2, "n": 2000, "gate": "XOR", "x1": True}
    assert TABLE.from_values(json.loads(json.dumps(values))) == (values, [])
    assert TABLE.from_values({"w": "−3", "n": "1,000"}) == ({"w": -3.0, "n": 1000}, [])  # text: as typed
    assert TABLE.from_values({"n": 30.0}) == ({"n": 30}, [])
    for bad, link in [
        ({"w": 11}, "w=11"),
        ({"w": "oops"}, "w=oops"),
        ({"n": 10.5}, "n=10.5"),
        ({"gate": "NAND"}, "gate=NAND"),
        ({"zzz": 1}, "zzz=1"),
        ({"w": float("inf")}, "w=inf"),
        ({"w": float("nan")}, "w=nan"),
    ]:
        got, problems = TABLE.from_values(bad)
        assert got == {} and problems == TABLE.from_hash(link)[1] and problems, bad
    assert TABLE.from_values({"w": True})[1] == [("w", "weight w must be a number; got True")]
    assert TABLE.from_values({"w": None})[1] == [("w", "weight w must be a number; got None")]
    assert TABLE.from_values([1, 2])[1] == [(None, "settings must be an object of values; got [1, 2]")]
    many = {f"k{i}": 1 for i in range(MAX_LINK_PROBLEMS + 3)}
    assert TABLE.from_values(many)[1][-1] == (None, "and 3 more problems in the settings")


def test_a_text_setting_takes_its_value_as_a_list_if_its_parser_gives_it_back():
    from nnfs.labs.playground.config import SETTINGS

    assert SETTINGS.from_values({"layers": [8, 6], "pts": [[0.5, -0.25, 1]]}) == (
        {"layers": (8, 6), "pts": ((0.5, -0.25, 1),)},
        [],
    )
    assert SETTINGS.from_values({"layers": "8, 6"}) == ({"layers": (8, 6)}, [])
    for bad, link in [({"layers": [4, 99]}, "layers=4,99"), ({"pts": [[0.5, 0.5, 7]]}, "pts=0.5,0.5,7")]:
        assert SETTINGS.from_values(bad)[1] == SETTINGS.from_hash(link)[1], bad
    # Values the parser would not give back (written as "4", "0.12,0,1") are refused, not rounded.
    assert SETTINGS.from_values({"layers": [4.5]})[1] == [("layers", "hidden layers cannot be [4.5]")]
    assert SETTINGS.from_values({"pts": [[0.123, 0, 1]]})[1] == [("pts", "your points cannot be [[0.123, 0, 1]]")]
    assert SETTINGS.from_values({"pts": [["a", 0, 1]]})[1] == [("pts", "your points cannot be [['a', 0, 1]]")]


def test_semicolons_stay_readable_in_links():
    pts = Setting("pts", "points", "", kind="text", parse_text=str, encode_text=str)
    assert Table("pg", [pts]).to_hash({"pts": "0.5,0.5,1;0,0,0"}) == "pts=0.5,0.5,1;0,0,0"


def test_the_playground_and_digits_share_their_training_settings():
    """Same name, same meaning: the same label, help text and (where the data does not set them) limits."""
    from nnfs.labs.digits import TRAINING_SETTINGS
    from nnfs.labs.playground.config import SETTINGS as PG

    digits = {s.name: s for s in TRAINING_SETTINGS}
    shared = [n for n in PG.names() if n in digits]
    assert shared == ["layers", "act", "cost", "init", "seed", "eta", "batch", "l2", "epochs"]
    for name in shared:
        a, b = PG[name], digits[name]
        assert (a.label, a.kind, a.unit) == (b.label, b.kind, b.unit), name
        if name not in ("layers", "batch", "epochs"):  # sizes that the data set decides
            assert (a.lo, a.hi) == (b.lo, b.hi), name
            assert a.help == b.help, name
        if a.kind == "choice":
            assert set(b.choices) <= set(a.choices), name  # Digits offers a subset, labelled alike
    # The one hidden-layer parser, with each lab's limits.
    assert PG["layers"].parse("4, 4") == (4, 4) and digits["layers"].parse("100 30") == (100, 30)
    with pytest.raises(ValueError, match="at most 16"):
        PG["layers"].parse("17")
    assert digits["layers"].parse("17") == (17,)
