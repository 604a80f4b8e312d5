"""Routing on the bundled sample district: its files load, validate, and route a month of complaints."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.model import DispatchMode
from jiesu.routing import Catalogue, LocateStatus, Router, Territory, load_units
from jiesu.sample import data_file, generate_complaints


@pytest.fixture(scope="module")
def router() -> Router:
    units = load_units(data_file("units.toml"))
    catalogue = Catalogue.from_toml(data_file("catalogue.toml"), units=data_file("units.toml"))
    territory = Territory.from_geojson(
        data_file("areas.geojson"), swap_zones=data_file("swaps.geojson"), border_tolerance_m=10.0
    )
    return Router(catalogue, territory, units)


def test_sample_files_load(router: Router) -> None:
    territory = router.territories[0]
    assert territory.levels == ("district", "street", "community")
    assert territory.version == "2025.1"
    assert [z.id for z in territory.swap_zones] == ["SWAP-01", "SWAP-02", "SWAP-03"]
    enclave = territory.area("S13-C05").geometry.representative_point()
    p = territory.locate(enclave.x, enclave.y, level="street")
    assert (p.status, p.area_id) == (LocateStatus.INSIDE, "S13")  # 飞地 of 杨柳镇 inside 新华街道


def test_dated_swap_zone_applies_from_its_date(router: Router) -> None:
    territory = router.territories[0]
    zone = territory.swap_zones[1]
    assert zone.valid_from == dt.date(2025, 7, 1)
    pt = zone.geometry.representative_point()
    before = territory.locate(pt.x, pt.y, level="street", on=dt.date(2025, 6, 30))
    after = territory.locate(pt.x, pt.y, level="street", on=dt.date(2025, 7, 1))
    assert after.area_id == zone.unit
    assert after.zone_id == "SWAP-02"
    assert before.zone_id is None
    many = territory.locate_many([pt.x], [pt.y], level="street", on=dt.date(2025, 6, 30))
    assert many.zone_id.tolist() == [None]


@pytest.mark.slow
def test_a_month_of_complaints_routes_without_dropping_rows(router: Router) -> None:
    complaints = generate_complaints(year=2025, month=7, n=400, seed=3)
    batch = router.route_many(complaints)
    assert len(batch) == len(complaints)
    counts = batch.counts()
    assert counts["direct"] + counts["via_district"] + counts["refused"] == len(complaints)
    assert counts["direct"] > counts["via_district"]
    for row, complaint in zip(batch.rows[:60], complaints[:60], strict=True):
        if row.decision is not None:
            assert row.decision == router.route(complaint)
            assert row.decision.mode in (DispatchMode.DIRECT, DispatchMode.VIA_DISTRICT)
