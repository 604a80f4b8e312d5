"""The public accessors of the bundled files."""

from __future__ import annotations

import importlib
import sys
from importlib import resources

import pytest

from jiesu.errors import ValidationError
from jiesu.model import Unit, UnitKind
from jiesu.sample import DATA_FILES, categories, data_file, population, units
from jiesu.sample._data import community_areas


def test_data_files_exist() -> None:
    for name in DATA_FILES:
        assert data_file(name).is_file()
        with resources.as_file(data_file(name)) as path:
            assert path.stat().st_size > 0


def test_unknown_file() -> None:
    with pytest.raises(
        ValidationError, match=r"name: not a bundled sample file; expected one of areas.geojson"
    ):
        data_file("../units.toml")


def test_units() -> None:
    all_units = units()
    assert all(isinstance(u, Unit) for u in all_units)
    assert len(all_units) == 145
    assert {u.kind for u in all_units} == set(UnitKind)
    by_code = {u.code: u for u in all_units}
    assert by_code["S13"].kind is UnitKind.TOWNSHIP
    assert by_code["S13-C05"].name == "飞地村"
    assert by_code["D-ZJW"].parent == "SLQ"
    assert units() is all_units  # cached


def test_population_matches_units() -> None:
    pop = population()
    by_code = {u.code: u for u in units()}
    assert all(by_code[code].population == value for code, value in pop.items())
    assert len(pop) == 1 + 14 + 87


def test_categories_by_level() -> None:
    assert len(categories(1)) == 15
    assert len(categories(2)) == 50
    assert len(categories(3)) == 133
    assert categories(3)["04.04.01"] == "共享单车乱停放"
    with pytest.raises(ValidationError, match=r"level: must be 1, 2 or 3 \(got 4\)"):
        categories(4)


def test_community_areas() -> None:
    areas = community_areas()
    assert len(areas.codes) == 87
    assert int(areas.population.sum()) == population()["SLQ"]
    assert areas.township.sum() == sum(c.startswith(("S13-", "S14-")) for c in areas.codes)


def test_import_reads_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"I/O at import: {args} {kwargs}")

    for name in [m for m in sys.modules if m.startswith("jiesu.sample")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(resources, "files", refuse)
    module = importlib.import_module("jiesu.sample")
    assert "generate_complaints" in module.__all__
