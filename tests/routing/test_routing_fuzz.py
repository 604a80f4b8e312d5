"""Every loader parses or raises jiesu's own error, whatever the file holds."""

from __future__ import annotations

import json
import tomllib
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiesu.errors import DataFormatError, ValidationReport
from jiesu.routing import Catalogue, ReturnPolicy, Territory, load_swap_zones, load_units

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-200, 200) | st.sampled_from(
        ["code", "S01", "street", "Polygon", "Feature", "FeatureCollection", "2025-01-01", "WGS84", "swap"]
    ),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(
        st.sampled_from(["type", "features", "properties", "geometry", "coordinates", "code", "level",
                         "crs_name", "kind", "unit", "valid_from", "population", "parent"]),
        inner,
        max_size=5,
    ),
    max_leaves=20,
)  # fmt: skip

toml_docs = st.dictionaries(
    st.sampled_from(["catalogue", "category", "rule", "unit", "source"]),
    st.lists(
        st.dictionaries(
            st.sampled_from(["code", "name", "parent", "kind", "unit", "level", "category",
                             "co_handlers", "effective_from", "owner_attribute", "population"]),
            st.none()
            | st.integers(-3, 3)
            | st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=4) | st.sampled_from(["functional", "street"]),
            max_size=5,
        ).map(lambda d: {k: v for k, v in d.items() if v is not None}),
        max_size=3,
    ),
    max_size=4,
)  # fmt: skip


def _toml(doc: dict[str, list[dict[str, object]]]) -> str:
    lines = []
    for table, rows in doc.items():
        for row in rows:
            lines.append(f"[[{table}]]")
            lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in row.items())
    return "\n".join(lines) + "\n"


def check_loads_or_names_the_file(load: Callable[[Path], object], path: Path) -> None:
    """A loader either loads the file or raises jiesu's error naming the file; nothing else escapes."""
    try:
        load(path)
    except (DataFormatError, ValidationReport) as err:
        assert path.name in str(err), str(err)  # noqa: PT017 - the load may also succeed, so pytest.raises does not fit


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(text=st.text(max_size=60))
def test_text_never_escapes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.txt"
    path.write_text(text, encoding="utf-8")
    for load in (Territory.from_geojson, load_swap_zones, Catalogue.from_toml, load_units):
        check_loads_or_names_the_file(load, path)


@FUZZ
@given(doc=json_values)
def test_json_documents_never_escape(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "f.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for load in (Territory.from_geojson, load_swap_zones):
        check_loads_or_names_the_file(load, path)


@FUZZ
@given(doc=toml_docs)
def test_toml_documents_never_escape(
    tmp_path: Path, doc: dict[str, list[dict[str, object]]]
) -> None:
    path = tmp_path / "f.toml"
    path.write_text(_toml(doc), encoding="utf-8")
    tomllib.loads(path.read_text(encoding="utf-8"))  # the generator writes valid TOML
    for load in (Catalogue.from_toml, load_units):
        check_loads_or_names_the_file(load, path)
    with pytest.raises(DataFormatError):
        ReturnPolicy.from_toml(path, name="missing")
