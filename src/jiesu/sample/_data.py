"""Lazy access to the bundled sample-district files (示例区数据文件), cached after the first read."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import shapely

from jiesu.errors import ValidationError
from jiesu.model import Unit

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from numpy.typing import NDArray

DATA_FILES: Final = (
    "areas.geojson",
    "swaps.geojson",
    "units.toml",
    "catalogue.toml",
    "population.csv",
    "deadlines.toml",
    "rules.toml",
    "README.md",
)
"""The names of the bundled sample files, for :func:`data_file`."""


def data_file(name: str) -> Traversable:
    """The bundled sample file ``name`` (示例数据文件), as an ``importlib.resources`` traversable.

    Use ``importlib.resources.as_file(data_file(name))`` where a real file path is needed.

    Args:
        name: One of :data:`DATA_FILES`.

    Returns:
        The file, readable with ``.read_text(encoding="utf-8")`` or ``.open()``.

    Raises:
        ValidationError: ``name`` is not a bundled sample file.

    Examples:
        >>> data_file("units.toml").name
        'units.toml'
        >>> data_file("nope.toml")
        Traceback (most recent call last):
        ...
        jiesu.errors.ValidationError: name: not a bundled sample file; expected one of areas.geojson, ...
    """
    if name not in DATA_FILES:
        raise ValidationError(
            f"not a bundled sample file; expected one of {', '.join(DATA_FILES)}",
            field="name",
            value=name,
        )
    return resources.files("jiesu").joinpath("data", "sample", name)


def _read(name: str) -> str:
    return data_file(name).read_text(encoding="utf-8")


@cache
def units() -> tuple[Unit, ...]:
    """Every handling unit of the sample district (示例区承办单位), read from ``units.toml``.

    Returns:
        The units in file order: the district, its streets and towns, their communities, then the
        district departments, municipal departments, public-service enterprises and the hotline centre.

    Examples:
        >>> first = units()[0]
        >>> first.code, first.name, first.kind.label
        ('SLQ', '示例区', '区')
        >>> len(units()) >= 50
        True
    """
    rows = tomllib.loads(_read("units.toml"))["unit"]
    return tuple(Unit(**row) for row in rows)


@cache
def population() -> dict[str, int]:
    """Resident population per area code (常住人口), read from ``population.csv``.

    Returns:
        Area code → population, for the district, every street and every community.

    Examples:
        >>> pop = population()
        >>> pop["SLQ"]
        946182
        >>> pop["SLQ"] == sum(pop[f"S{i:02d}"] for i in range(1, 15))
        True
    """
    rows = csv.DictReader(io.StringIO(_read("population.csv")))
    return {row["code"]: int(row["population"]) for row in rows}


@cache
def categories(level: int = 3) -> dict[str, str]:
    """The dispatch catalogue's categories at one level (派单目录分类), code → Chinese name.

    Args:
        level: 1, 2 or 3 (the leaves, which rules route).

    Returns:
        Code → name, in catalogue order.

    Raises:
        ValidationError: ``level`` is not 1, 2 or 3.

    Examples:
        >>> categories(1)["01"]
        '城乡建设'
        >>> len(categories()) >= 80
        True
    """
    if level not in (1, 2, 3):
        raise ValidationError("must be 1, 2 or 3", field="level", value=level)
    rows = tomllib.loads(_read("catalogue.toml"))["category"]
    return {r["code"]: r["name"] for r in rows if r["code"].count(".") == level - 1}


@attrs.frozen
class Areas:
    """The sample areas at community level, ready for sampling points (private helper)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    street_names: tuple[str, ...]
    township: NDArray[np.bool_]
    population: NDArray[np.int64]
    shapes: NDArray[np.object_]


@cache
def community_areas() -> Areas:
    """The communities with their street's name, population and polygon."""
    doc: dict[str, Any] = json.loads(_read("areas.geojson"))
    props = {f["properties"]["code"]: f["properties"] for f in doc["features"]}
    kinds = {u.code: u.kind.value for u in units()}
    rows = [f for f in doc["features"] if f["properties"]["level"] == "community"]
    return Areas(
        codes=tuple(f["properties"]["code"] for f in rows),
        names=tuple(f["properties"]["name"] for f in rows),
        street_names=tuple(props[f["properties"]["parent"]]["name"] for f in rows),
        township=np.array([kinds[f["properties"]["parent"]] == "township" for f in rows]),
        population=np.array([f["properties"]["population"] for f in rows], dtype=np.int64),
        shapes=np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in rows]),
    )
