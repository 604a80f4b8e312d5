"""Values that stay values: cached presets and shared objects cannot be changed, and evolve works.

Every object a cached helper hands out (lifecycle, deadline and return presets, the holiday data, the
group holidays) and the catalogue, units, territory and router built from the sample files: setting an
attribute is refused, and no list, dict or set is reachable inside them (only tuples and read-only
mappings), so no caller can change them for the whole process.
"""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from jiesu.calendar import DeadlinePolicy, HolidayData, WorkCalendar, group_holidays
from jiesu.calendar._policy import PRESETS
from jiesu.model import Lifecycle
from jiesu.routing import Catalogue, ReturnPolicy, Router, Territory, load_units
from jiesu.sample import data_file

_ROUTER = Router.from_files(
    catalogue=data_file("catalogue.toml"),
    areas=data_file("areas.geojson"),
    units=data_file("units.toml"),
    swap_zones=data_file("swaps.geojson"),
)

CACHED: dict[str, Any] = {
    "lifecycle": Lifecycle.preset("beijing"),
    **{f"deadlines-{name}": DeadlinePolicy.preset(name) for name in PRESETS},
    **{f"returns-{name}": ReturnPolicy.preset(name) for name in ReturnPolicy.presets()},
    "holidays": HolidayData.bundled(),
    "calendar": WorkCalendar.china(),
}
SHARED: dict[str, Any] = {
    "units": load_units(data_file("units.toml")),
    "catalogue": Catalogue.from_toml(data_file("catalogue.toml")),
    "territory": Territory.from_geojson(
        data_file("areas.geojson"), swap_zones=data_file("swaps.geojson")
    ),
    "router": _ROUTER,
}
_MEMO = {  # memos, not part of the value (eq=False): a lazily built index, the warn-once flags
    (Territory, "_cache"),
    (WorkCalendar, "_warned"),
}


def _mutable_inside(obj: object, path: str, seen: set[int]) -> list[str]:
    """The paths of every list, dict or set reachable through attrs fields, tuples and mappings."""
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, (list, dict, set, bytearray)):
        return [path]
    found: list[str] = []
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            found += _mutable_inside(value, f"{path}[{key!r}]", seen)
    elif isinstance(obj, (tuple, frozenset)):
        for i, value in enumerate(obj):
            found += _mutable_inside(value, f"{path}[{i}]", seen)
    elif attrs.has(type(obj)):
        for field in attrs.fields(type(obj)):  # type: ignore[arg-type]  # attrs.has checked it
            if (type(obj), field.name) in _MEMO:
                continue
            found += _mutable_inside(getattr(obj, field.name), f"{path}.{field.name}", seen)
    return found


@pytest.mark.parametrize("name", [*CACHED, *SHARED])
def test_nothing_mutable_inside(name: str) -> None:
    obj = (CACHED | SHARED)[name]
    assert _mutable_inside(obj, name, set()) == []


@pytest.mark.parametrize("name", [*CACHED, *SHARED])
def test_attributes_cannot_be_set(name: str) -> None:
    obj = (CACHED | SHARED)[name]
    first = attrs.fields(type(obj))[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(obj, first, None)


@pytest.mark.parametrize("name", [*CACHED, *SHARED])
def test_evolve_and_pickle_give_equal_values(name: str) -> None:
    obj = (CACHED | SHARED)[name]
    assert attrs.evolve(obj) == obj
    assert pickle.loads(pickle.dumps(obj)) == obj  # noqa: S301 - our own bytes


def test_the_indexes_of_a_cached_lifecycle_cannot_be_changed() -> None:
    lifecycle = Lifecycle.preset("beijing")
    states = lifecycle._states
    with pytest.raises(TypeError):
        states["new"] = states["received"]  # type: ignore[index]  # read-only on purpose
    assert Lifecycle.preset("beijing").state("new").label == "待受理"
    renamed = attrs.evolve(lifecycle, name="mine")
    assert renamed.state("new") == lifecycle.state("new")
    assert Lifecycle.preset("beijing").name == "beijing"


def test_a_changed_preset_copy_leaves_the_cache_alone() -> None:
    policy = DeadlinePolicy.preset("beijing")
    changed = attrs.evolve(policy, warn_fraction=0.5, limits=policy.limits[:1])
    assert changed.warn_fraction == 0.5
    assert DeadlinePolicy.preset("beijing").warn_fraction == 0.2
    assert len(DeadlinePolicy.preset("beijing").limits) > 1
    returns = attrs.evolve(ReturnPolicy.preset("shandong"), window_workdays=9)
    assert returns.window_workdays == 9
    assert ReturnPolicy.preset("shandong").window_workdays == 2


def test_group_holidays_are_a_tuple_of_frozen_values() -> None:
    holidays = group_holidays()
    assert isinstance(holidays, tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        holidays[0].month = 4  # type: ignore[misc]  # frozen on purpose
    assert _mutable_inside(holidays, "groups", set()) == []


def test_catalogue_and_router_lookups_cannot_be_changed() -> None:
    catalogue = SHARED["catalogue"]
    with pytest.raises(TypeError):
        catalogue._cats["01"] = None
    units = SHARED["units"]
    with pytest.raises(TypeError):
        units._by_code["SLQ"] = None
    assert attrs.evolve(_ROUTER, on_ambiguous="refuse").on_ambiguous == "refuse"
    assert _ROUTER.on_ambiguous == "backstop"


def test_the_walker_finds_mutable_containers() -> None:
    assert _mutable_inside((1, {"a": 1}, [2]), "x", set()) == ["x[1]", "x[2]"]
    assert _mutable_inside(attrs.evolve(CACHED["lifecycle"]), "l", set()) == []


def _public_attrs_classes() -> list[type]:
    import jiesu.calendar  # noqa: PLC0415 - the packages whose classes are checked
    import jiesu.model  # noqa: PLC0415 - the packages whose classes are checked
    import jiesu.routing  # noqa: PLC0415 - the packages whose classes are checked

    found = []
    for module in (jiesu.model, jiesu.calendar, jiesu.routing):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj):
                found.append(obj)
    return found


@pytest.mark.parametrize("cls", _public_attrs_classes(), ids=lambda c: c.__name__)
def test_evolve_can_rebuild_every_public_class(cls: type) -> None:
    """``attrs.evolve`` calls ``cls(**fields)`` by alias: the constructor must take every one of them."""
    params = set(inspect.signature(cls).parameters)
    aliases = {a.alias for a in attrs.fields(cls) if a.init}
    assert aliases <= params
