"""Catalogue and unit registry: loading, lookups, and every problem collected at once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from jiesu.errors import DataFormatError, ValidationError, ValidationReport
from jiesu.model import Unit, UnitKind
from jiesu.routing import Catalogue, Rule, RuleKind, Units, load_units

DATA = Path(__file__).parent / "data"
UNITS = DATA / "units.toml"
CATALOGUE = DATA / "catalogue.toml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.from_toml(CATALOGUE, units=UNITS)


def test_loads_the_agreed_format(catalogue: Catalogue) -> None:
    assert (catalogue.name, catalogue.version) == ("示例区派单目录", "2025.1")
    assert catalogue.effective_from == dt.date(2025, 1, 1)
    assert catalogue.source == "synthetic test data"
    assert catalogue.path == str(CATALOGUE)
    assert catalogue.backstop_unit is None
    assert [c.level for c in catalogue.categories[:3]] == [1, 2, 3]
    assert catalogue.category("01.01.01").name == "物业管理"  # type: ignore[union-attr]  # the value is present in this fixture
    assert catalogue.category("99") is None
    assert catalogue.lineage("01.01.01") == ("01.01.01", "01.01", "01")
    assert catalogue.lineage("99") == ("99",)
    assert len(catalogue.rules_for("01.01.01")) == 2
    assert catalogue.in_force(dt.date(2025, 1, 1))
    assert not catalogue.in_force(dt.date(2024, 12, 31))


def test_rule_lookup_by_date_and_ancestor(catalogue: Catalogue) -> None:
    early = catalogue.rule_for("01.01.01", dt.date(2025, 6, 30))
    late = catalogue.rule_for("01.01.01", dt.date(2025, 7, 1))
    assert early is not None
    assert late is not None
    assert (early.kind, early.unit, early.co_handlers) == (RuleKind.FUNCTIONAL, "D-ZJW", ("D-CGJ",))
    assert (late.kind, late.level) == (RuleKind.TERRITORIAL, "street")
    inherited = catalogue.rule_for("02.01.01", dt.date(2025, 3, 1))
    assert inherited is not None
    assert inherited.category == "02"
    assert catalogue.rule_for("01.01.01", dt.date(2024, 1, 1)) is None
    assert catalogue.rule_for("99", dt.date(2025, 3, 1)) is None


def test_rule_describe() -> None:
    assert Rule("01", RuleKind.BACKSTOP, position=4).describe() == "rule[4] 01 backstop → district"
    assert Rule("01", RuleKind.OWNER, owner_attribute="pole_owner").describe() == (
        "rule[0] 01 owner → pole_owner"
    )


def test_units_registry() -> None:
    units = load_units(UNITS)
    assert len(units) == 8
    assert units["D-ZJW"].kind is UnitKind.DISTRICT_DEPARTMENT
    assert "S01" in units
    assert [u.code for u in units][:2] == ["D01", "S01"]
    assert units.district().code == "D01"
    assert units.source == "synthetic test data"
    with pytest.raises(ValidationError, match="unit: unknown unit code"):
        units["X"]


@pytest.mark.parametrize(
    "units",
    [
        (),
        (Unit("D1", "一区", "district"), Unit("D2", "二区", "district")),
    ],
)
def test_district_needs_exactly_one(units: tuple[Unit, ...]) -> None:
    with pytest.raises(ValidationError, match="units: needs exactly one unit of kind 'district'"):
        Units(units).district()


def test_catalogue_against_a_units_object() -> None:
    units = load_units(UNITS)
    assert Catalogue.from_toml(CATALOGUE, units=units).version == "2025.1"
    assert Catalogue.from_toml(CATALOGUE).version == "2025.1"


def test_unit_file_problems(tmp_path: Path) -> None:
    path = tmp_path / "units.toml"
    path.write_text(
        """
[[unit]]
code = "A"
name = "甲"
kind = "street"
parent = "B"

[[unit]]
code = "B"
name = "乙"
kind = "street"
parent = "A"

[[unit]]
code = "A"
name = "甲2"
kind = "street"

[[unit]]
code = "C"
name = "丙"
kind = "ministry"

[[unit]]
code = "D"
name = "丁"
kind = "street"
parent = "Z"
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationReport) as info:
        load_units(path)
    assert info.value.lines()[0] == "units.toml:15: unit[2].code: duplicate unit code (got 'A')"
    lines = _unlined(info.value.lines())
    assert "units.toml: unit[2].code: duplicate unit code (got 'A')" in lines
    assert "units.toml: unit[3].kind: unknown UnitKind" in lines
    assert "units.toml: unit[4].parent: unknown parent unit code (got 'Z')" in lines
    assert "units.toml: unit.parent: cycle in the unit tree (got 'A → B → A')" in lines


def _unlined(lines: list[str]) -> str:
    """The problem lines without their line numbers (``file:12: key`` → ``file: key``)."""
    return "\n".join(re.sub(r"^([^:]+):\d+: ", r"\1: ", line) for line in lines)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(
        DataFormatError, match=r"^missing\.toml: \(file\): cannot read file: No such file"
    ):
        load_units(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[unit]\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"^bad\.toml:1: \(file\): invalid TOML: "):
        Catalogue.from_toml(bad)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("unit = 3\n", encoding="utf-8")
    with pytest.raises(ValidationReport, match=r"unit: must be an array of tables \[\[unit\]\]"):
        load_units(wrong)


BAD_CATALOGUE = """
[catalogue]
name = "坏目录"
effective_from = "2025-01-01"
backstop_unit = "NOPE"

[[category]]
code = "01"
name = "一"

[[category]]
code = "01.01"
name = "一一"
parent = "01"

[[category]]
code = "01.01.01"
name = "一一一"
parent = "01.01"

[[category]]
code = "01.01.01.01"
name = "太深"
parent = "01.01.01"

[[category]]
code = "01"
name = "重复"

[[category]]
code = "02"
name = "无规则"

[[category]]
code = "03"
name = "孤儿"
parent = "09"

[[category]]
name = "无编码"

[[rule]]
category = "01.01.01"
kind = "functional"
unit = "D-ZJW"
co_handlers = ["D-CGJ"]
effective_from = 2025-01-01

[[rule]]
category = "01.01.01"
kind = "territorial"
level = "street"
effective_from = 2025-06-01

[[rule]]
category = "01.01.01.01"
kind = "functional"
unit = "S01"
effective_from = 2025-01-01

[[rule]]
category = "01.01.01.01"
kind = "functional"
unit = "D-ZJW"
co_handlers = ["D-ZJW"]
effective_from = 2025-03-01
effective_to = 2025-02-01

[[rule]]
category = "77"
kind = "magic"
effective_from = 2025-01-01

[[rule]]
category = "03"
kind = "territorial"
level = "city"
effective_from = 2025-01-01

[[rule]]
category = "03"
kind = "owner"
co_handlers = "D-CGJ"

[[rule]]
category = "03"
kind = "backstop"
legal_basis = 7
effective_from = 2024-01-01T08:00:00

[[rule]]
category = "01.01"
kind = "functional"
unit = "GHOST"
co_handlers = ["D-CGJ", "PHANTOM"]
effective_from = 2025-01-01
"""


def test_every_catalogue_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    path.write_text(BAD_CATALOGUE, encoding="utf-8")
    units = tmp_path / "units.toml"
    units.write_text(
        UNITS.read_text(encoding="utf-8")
        + '\n[[unit]]\ncode = "X1"\nname = "环1"\nkind = "street"\nparent = "X2"\n'
        + '\n[[unit]]\ncode = "X2"\nname = "环2"\nkind = "street"\nparent = "X1"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationReport) as info:
        Catalogue.from_toml(path, units=units)
    lines = info.value.lines()
    text = _unlined(lines)
    expected = [
        "units.toml: unit.parent: cycle in the unit tree (got 'X1 → X2 → X1')",
        "cat.toml: catalogue.version: must be a non-empty string",
        "cat.toml: catalogue.effective_from: must be a TOML date (e.g. 2025-01-01) (got '2025-01-01')",
        "cat.toml: catalogue.backstop_unit: unknown unit code (got 'NOPE')",
        "cat.toml: category[4].code: duplicate category code (got '01')",
        "cat.toml: category[7].code: must be a non-empty string",
        "cat.toml: category[3].parent: categories have at most three levels (got '01.01.01')",
        "cat.toml: category[6].parent: unknown parent category (got '09')",
        "cat.toml: rule[8].unit: unknown unit code (got 'GHOST')",
        "cat.toml: rule[8].co_handlers[1]: unknown unit code (got 'PHANTOM')",
        "cat.toml: rule[2].unit: a functional rule names a street: functional matters are never pushed down to streets ([GB-66]); use a territorial rule (got 'S01')",
        "cat.toml: rule[3].co_handlers: the lead unit cannot also co-handle (got 'D-ZJW')",
        "cat.toml: rule[3].effective_to: is before effective_from (got datetime.date(2025, 2, 1))",
        "cat.toml: rule[4].category: unknown category code (got '77')",
        "cat.toml: rule[4].kind: unknown RuleKind",
        "cat.toml: rule[5].level: must be one of district, street, community (got 'city')",
        "cat.toml: rule[6].owner_attribute: must be a non-empty string",
        "cat.toml: rule[6].co_handlers: must be a list of unit codes (got 'D-CGJ')",
        "cat.toml: rule[6].effective_from: is required (a TOML date, e.g. 2025-01-01)",
        "cat.toml: rule[7].legal_basis: must be a non-empty string (got 7)",
        "cat.toml: rule[7].effective_from: must be a TOML date (e.g. 2025-01-01)",
        "cat.toml: rule[1].effective_from: overlaps rule[0] for category 01.01.01 (2025-01-01..open) (got datetime.date(2025, 6, 1))",
        "cat.toml: category[5].code: has no rule (its own or an ancestor's) (got '02')",
    ]
    for line in expected:
        assert line in text, line
    assert "01.01.01.01" not in "\n".join(p for p in lines if "has no rule" in p)


def test_missing_header_and_overlap_with_closed_rule(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    path.write_text(
        """
[[category]]
code = "01"
name = "一"

[[rule]]
category = "01"
kind = "backstop"
effective_from = 2025-01-01
effective_to = 2025-06-30

[[rule]]
category = "01"
kind = "backstop"
effective_from = 2025-06-30
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationReport) as info:
        Catalogue.from_toml(path)
    text = _unlined(info.value.lines())
    assert "cat.toml: catalogue: needs a [catalogue] table" in text
    assert (
        "rule[1].effective_from: overlaps rule[0] for category 01 (2025-01-01..2025-06-30)" in text
    )


def test_category_cycle_is_reported_not_looped(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    path.write_text(
        """
[catalogue]
name = "环"
version = "1"
effective_from = 2025-01-01

[[category]]
code = "A"
name = "甲"
parent = "B"

[[category]]
code = "B"
name = "乙"
parent = "A"
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationReport, match="categories have at most three levels"):
        Catalogue.from_toml(path)


def test_a_parent_of_the_wrong_type_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    path.write_text(
        '[catalogue]\nname = "c"\nversion = "1"\neffective_from = 2025-01-01\n'
        '[[category]]\ncode = "01"\nname = "一"\nparent = [1]\n'
        '[[rule]]\ncategory = "01"\nkind = "backstop"\neffective_from = 2025-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError) as info:
        Catalogue.from_toml(path)
    assert str(info.value) == "cat.toml:8: category[0].parent: must be a non-empty string (got [1])"


def test_a_rule_without_dates_holds_from_the_catalogues_own_date(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    head = (
        '[catalogue]\nname = "c"\nversion = "1"\neffective_from = 2025-03-01\n\n'
        '[[category]]\ncode = "01"\nname = "城乡建设"\n\n'
        '[[rule]]\ncategory = "01"\nkind = "territorial"\nlevel = "street"\n'
    )
    later = '\n[[rule]]\ncategory = "01"\nkind = "territorial"\nlevel = "district"\n'
    later += "effective_from = 2025-06-01\n"
    path.write_text(head + later, encoding="utf-8")
    with pytest.raises(ValidationReport, match=r"rule\[1\].effective_from: overlaps rule\[0\]"):
        Catalogue.from_toml(path)
    path.write_text(head + "effective_to = 2025-05-31\n" + later, encoding="utf-8")
    first, second = Catalogue.from_toml(path).rules
    assert first.effective_from == dt.date(2025, 3, 1)
    assert first.effective_to == dt.date(2025, 5, 31)
    assert second.effective_from == dt.date(2025, 6, 1)
