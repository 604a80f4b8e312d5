"""Router: every rule kind, versions, explanations, batch routing and every refusal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import AmbiguousRouteError, NoResponsibleUnitError, ValidationError
from jiesu.model import Complaint, DispatchMode, Location
from jiesu.routing import (
    Area,
    Catalogue,
    Category,
    Decision,
    Router,
    Rule,
    RuleKind,
    SwapZone,
    Territory,
    convert,
    load_units,
)

DATA = Path(__file__).parent / "data"
UNITS = load_units(DATA / "units.toml")
CATALOGUE = Catalogue.from_toml(DATA / "catalogue.toml", units=UNITS)
TERRITORY = Territory.from_geojson(
    DATA / "territory.geojson", swap_zones=DATA / "swaps.geojson", border_tolerance_m=10.0
)


def complaint(
    category: str,
    lon: float | None = None,
    lat: float | None = None,
    *,
    crs: str = "WGS84",
    day: int = 3,
    month: int = 3,
    cid: str = "C1",
) -> Complaint:
    return Complaint(
        id=cid,
        received_at=pendulum.datetime(2025, month, day, 9, tz="Asia/Shanghai"),
        channel="phone",
        kind="complaint",
        urgency="normal",
        category=category,
        text="某处有问题",
        location=None if lon is None else Location(lon, lat, crs),  # type: ignore[arg-type]  # deliberately wrong input
    )


@pytest.fixture
def router() -> Router:
    return Router(CATALOGUE, TERRITORY, UNITS)


def test_functional_is_direct_and_never_pushed_to_the_street(router: Router) -> None:
    d = router.route(complaint("01.01.01", 116.31, 39.91))
    assert (d.lead, d.co_handlers, d.mode, d.backstop) == (
        "D-ZJW",
        ("D-CGJ",),
        DispatchMode.DIRECT,
        False,
    )
    assert d.rule is not None
    assert d.rule.kind is RuleKind.FUNCTIONAL
    assert d.catalogue_version == "2025.1"
    assert [r.candidate for r in d.rejected] == ["rule[1] 01.01.01 territorial → street", "S01"]
    assert "not in force on 2025-03-03 (2025-07-01..open)" in d.rejected[0].reason_en
    assert "never pushed down to a street" in d.rejected[1].reason_en
    text = d.explain()
    assert "直派至 D-ZJW（主办），协办：D-CGJ。" in text
    assert "direct dispatch to D-ZJW (lead); co-handlers: D-CGJ." in text
    assert d.explain("zh").startswith("诉求 C1（分类 01.01.01）于 2025-03-03 09:00:00")
    assert d.explain("en").startswith(
        "Complaint C1 (category 01.01.01) at 2025-03-03T09:00:00+08:00"
    )


def test_catalogue_change_over_time(router: Router) -> None:
    d = router.route(complaint("01.01.01", 116.31, 39.91, month=7, day=2))
    assert (d.lead, d.mode) == ("S01", DispatchMode.DIRECT)
    assert d.territory_version == "2025.1"
    assert d.placement is not None
    assert d.placement.area_id == "S01"
    assert "2025-01-01..2025-06-30" in d.rejected[0].reason_en
    # the same complaint judged at an explicit earlier time
    d2 = router.route(
        complaint("01.01.01", 116.31, 39.91, month=7, day=2),
        at=pendulum.datetime(2025, 6, 30, 23, tz="Asia/Shanghai"),
    )
    assert d2.lead == "D-ZJW"


@pytest.mark.parametrize(
    ("lon", "lat", "lead", "mode", "zh", "en"),
    [
        (116.31, 39.91, "S01", DispatchMode.DIRECT, "位于 S01 辖区内", "inside S01's area"),
        (116.325, 39.925, "S02", DispatchMode.DIRECT, "位于 S02 辖区内", "inside S02's area"),
        (116.345, 39.945, "S02", DispatchMode.DIRECT, "协商调整区 Z1", "swap zone Z1"),
        (
            116.2960,
            39.91,
            "S01",
            DispatchMode.DIRECT,
            "就近归属 S01（341 米）",
            "nearest area S01 (341 m)",
        ),
        (
            116.3501,
            39.91,
            "D01",
            DispatchMode.VIA_DISTRICT,
            "S02 与 S01 交界",
            "border of S02 and S01",
        ),
    ],
)
def test_territorial(
    router: Router, *, lon: float, lat: float, lead: str, mode: DispatchMode, zh: str, en: str
) -> None:
    d = router.route(complaint("01.01.02", lon, lat))
    assert (d.lead, d.mode) == (lead, mode)
    assert zh in d.reason_zh
    assert en in d.reason_en
    assert d.co_handlers == ("D-CGJ",)
    assert "《城乡规划法》第六十四条" in d.explain()


def test_swap_zone_names_the_admin_area_as_rejected(router: Router) -> None:
    d = router.route(complaint("01.01.02", 116.345, 39.945))
    assert [(r.candidate, r.reason_en) for r in d.rejected] == [
        ("S01", "the admin line gives S01, but swap zone Z1 wins")
    ]


def test_ambiguous_backstop_names_both_or_refuses(router: Router) -> None:
    d = router.route(complaint("01.01.02", 116.3501, 39.91))
    assert d.backstop
    assert [r.candidate for r in d.rejected] == ["S02", "S01"]
    strict = Router(CATALOGUE, TERRITORY, UNITS, on_ambiguous="refuse")
    with pytest.raises(
        AmbiguousRouteError, match=r"location: the location is on the border of S02 and S01"
    ):
        strict.route(complaint("01.01.02", 116.3501, 39.91))


def test_locations_in_other_crs(router: Router) -> None:
    gx, gy = convert(116.3495, 39.91, source="WGS84", target="GCJ02")
    assert router.route(complaint("01.01.02", gx, gy, crs="GCJ02")).lead == "S01"


def test_community_level_rule_inherited_from_level_one(router: Router) -> None:
    d = router.route(complaint("02.01.01", 116.31, 39.93))
    assert (d.lead, d.rule.category if d.rule else None) == ("C02", "02")


def test_owner_rule(router: Router) -> None:
    d = router.route(complaint("02.01.02"), attributes={"pole_owner": "E-POWER"})
    assert (d.lead, d.mode) == ("E-POWER", DispatchMode.DIRECT)
    assert "pole_owner=E-POWER" in d.reason_en
    assert "superseded by the more specific rule[4] 02.01.02 owner → pole_owner" in d.explain()
    missing = router.route(complaint("02.01.02"))
    assert (missing.lead, missing.backstop) == ("D01", True)
    assert "owner attribute 'pole_owner' was not given" in missing.reason_en
    with pytest.raises(
        NoResponsibleUnitError, match="unit: the responsible unit is not in the unit registry"
    ):
        router.route(complaint("02.01.02"), attributes={"pole_owner": "NOBODY"})


@pytest.mark.parametrize(
    ("category", "kwargs", "zh", "en"),
    [
        ("03", {}, "目录规定区级兜底", "the catalogue assigns the district backstop"),
        ("09", {}, "分类不在派单目录中", "category 09 is not in the catalogue"),
        ("01.01.02", {}, "属地事项但诉求无坐标", "a territorial matter without coordinates"),
    ],
)
def test_backstop(router: Router, category: str, kwargs: dict[str, Any], zh: str, en: str) -> None:
    d = router.route(complaint(category, **kwargs))
    assert (d.lead, d.mode, d.backstop) == ("D01", DispatchMode.VIA_DISTRICT, True)
    assert zh in d.reason_zh
    assert en in d.reason_en
    assert "转派至 D01" in d.explain()
    assert "via the district backstop to D01" in d.explain()


def test_no_rule_in_force_goes_to_the_named_backstop_unit() -> None:
    cat = attrs.evolve(
        CATALOGUE,
        rules=tuple(r for r in CATALOGUE.rules if r.category != "01.01.01"),
        backstop_unit="D-CGJ",
    )
    d = Router(cat, TERRITORY, UNITS).route(complaint("01.01.01"))
    assert (d.lead, d.backstop) == ("D-CGJ", True)
    assert "category 01.01.01 has no rule in force on 2025-03-03" in d.reason_en


def test_refusals(router: Router) -> None:
    with pytest.raises(
        NoResponsibleUnitError, match="farther than the maximum distance from every street area"
    ):
        router.route(complaint("01.01.02", 116.29, 39.91))
    with pytest.raises(
        NoResponsibleUnitError,
        match=r"at: no catalogue version is in force on this date \(got '2024-03-03'\)",
    ):
        router.route(complaint("01.01.02"), at=pendulum.datetime(2024, 3, 3, tz="Asia/Shanghai"))
    with pytest.raises(ValidationError, match="at: must be an aware datetime"):
        router.route(complaint("03"), at=dt.datetime(2025, 3, 3))
    with pytest.raises(ValidationError, match="complaint: must be a Complaint"):
        router.route("C1")  # type: ignore[arg-type]  # deliberately wrong input


def test_territory_versions_and_levels() -> None:
    later = attrs.evolve(TERRITORY, version="2026.1", valid_from=dt.date(2026, 1, 1))
    r = Router([CATALOGUE], [TERRITORY, later], UNITS)
    assert r.route(complaint("01.01.02", 116.31, 39.91)).territory_version == "2025.1"
    early = Router(CATALOGUE, [later], UNITS)
    with pytest.raises(NoResponsibleUnitError, match="no territory version is in force"):
        early.route(complaint("01.01.02", 116.31, 39.91))
    assert early.route(complaint("01.01.01", 116.31, 39.91)).rejected[-1].candidate != "S01"
    streets_only = Territory(areas=[a for a in TERRITORY.areas if a.level == "street"])
    with pytest.raises(
        NoResponsibleUnitError, match=r"level: the territory has no areas at the rule's level"
    ):
        Router(CATALOGUE, streets_only, UNITS).route(complaint("02.01.01", 116.31, 39.91))
    assert streets_only.version is None
    d = Router(CATALOGUE, streets_only, UNITS).route(complaint("01.01.02", 116.31, 39.91))
    assert d.territory_version == "unversioned"
    no_streets = Territory(areas=[a for a in TERRITORY.areas if a.level != "street"])
    d2 = Router(CATALOGUE, no_streets, UNITS).route(complaint("01.01.01", 116.31, 39.91))
    assert [r.candidate for r in d2.rejected] == ["rule[1] 01.01.01 territorial → street"]
    d3 = Router(CATALOGUE, None, UNITS).route(complaint("01.01.01", 116.31, 39.91))
    assert d3.territory_version is None
    d4 = Router(CATALOGUE, TERRITORY, UNITS).route(complaint("01.01.01", 116.0, 39.91))
    assert len(d4.rejected) == 1  # a refused location names no street


def test_router_validation() -> None:
    with pytest.raises(
        ValidationError, match="catalogue: must be a Catalogue or a non-empty sequence of them"
    ):
        Router([], TERRITORY, UNITS)
    with pytest.raises(ValidationError, match="territory: must be a Territory"):
        Router(CATALOGUE, ["x"], UNITS)  # type: ignore[list-item]  # deliberately wrong input
    with pytest.raises(ValidationError, match="units: must be a Units registry"):
        Router(CATALOGUE, TERRITORY, {})  # type: ignore[arg-type]  # deliberately wrong input
    with pytest.raises(ValidationError, match="on_ambiguous: must be 'backstop' or 'refuse'"):
        Router(CATALOGUE, TERRITORY, UNITS, on_ambiguous="guess")  # type: ignore[arg-type]  # deliberately wrong input


def test_route_many_keeps_every_row(router: Router) -> None:
    rows = [
        complaint("01.01.02", 116.31, 39.91, cid="A"),
        complaint("01.01.02", 116.29, 39.91, cid="B"),
        "not a complaint",
        complaint("03", cid="D"),
        complaint("02.01.02", cid="E"),
        complaint("01.01.02", cid="F"),
        complaint("01.01.01", 116.31, 39.91, cid="G"),
    ]
    batch = router.route_many(
        rows,  # type: ignore[arg-type]  # a bad row on purpose
        attributes=[None, None, None, None, {"pole_owner": "E-POWER"}, None, None],
    )
    assert len(batch) == 7
    assert [r.complaint_id for r in batch] == ["A", "B", None, "D", "E", "F", "G"]
    assert [r.decision.lead if r.decision else None for r in batch.rows] == [
        "S01",
        None,
        None,
        "D01",
        "E-POWER",
        "D01",
        "D-ZJW",
    ]
    assert batch.counts() == {"direct": 3, "via_district": 2, "backstop": 2, "refused": 2}
    assert batch.backstop_count == 2
    assert len(batch.decisions) == 5
    assert [r.row for r in batch.refused] == [1, 2]
    assert batch.rows[2].refusal == "complaint: must be a Complaint (got 'str')"
    assert batch.rows[0].refusal is None
    records = batch.to_records()
    assert records[0] == {
        "row": 0,
        "complaint_id": "A",
        "lead": "S01",
        "co_handlers": ["D-CGJ"],
        "mode": "direct",
        "rule": "rule[2] 01.01.02 territorial → street",
        "backstop": False,
        "refusal": None,
    }
    assert records[3]["rule"] == "rule[5] 03 backstop → district"
    assert records[5]["rule"] is None or records[5]["backstop"] is True
    assert records[1]["lead"] is None
    assert "某处" not in str(records)


def test_route_many_options(router: Router) -> None:
    rows = [complaint("01.01.02", 116.31, 39.91), complaint("01.01.01", 116.31, 39.91)]
    at = pendulum.datetime(2025, 8, 1, tz="Asia/Shanghai")
    batch = router.route_many(rows, at=at)
    assert [d.lead for d in batch.decisions] == ["S01", "S01"]
    with pytest.raises(ValidationError, match="attributes: must have one entry per complaint"):
        router.route_many(rows, attributes=[None])
    old = router.route_many(rows, at=pendulum.datetime(2020, 1, 1, tz="Asia/Shanghai"))
    assert len(old.refused) == 2
    bare = Router(CATALOGUE, None, UNITS).route_many(rows)
    assert [r.refusal is not None for r in bare] == [True, False]
    streets_only = Territory(areas=[a for a in TERRITORY.areas if a.level == "street"])
    mixed = Router(CATALOGUE, streets_only, UNITS).route_many(
        [complaint("02.01.01", 116.31, 39.91), complaint("09", 116.31, 39.91)]
    )
    assert mixed.rows[0].refusal is not None
    assert mixed.rows[1].decision is not None


def test_decision_is_a_value(router: Router) -> None:
    d = router.route(complaint("03"))
    assert isinstance(d, Decision)
    assert d == router.route(complaint("03"))
    assert d.rule == Rule("03", RuleKind.BACKSTOP, effective_from=dt.date(2025, 1, 1), position=5)
    assert Category("03", "其他", position=8) in CATALOGUE.categories


@settings(max_examples=20, deadline=None)
@given(
    points=st.lists(
        st.tuples(
            st.floats(116.28, 116.42),
            st.floats(39.88, 39.97),
            st.sampled_from(["01.01.02", "02.01.01", "01.01.01", "03"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_route_many_equals_route(points: list[tuple[float, float, str]]) -> None:
    router = Router(CATALOGUE, TERRITORY, UNITS)
    rows = [complaint(cat, x, y, cid=f"C{i}") for i, (x, y, cat) in enumerate(points)]
    batch = router.route_many(rows)
    for row, c in zip(batch, rows, strict=True):
        if row.decision is None:
            with pytest.raises(NoResponsibleUnitError) as info:
                router.route(c)
            assert row.refusal == str(info.value)
        else:
            assert row.decision == router.route(c)


def test_an_area_inside_a_swap_zone_needs_shapely_only_for_geometry() -> None:
    # an area whose code is not a unit is refused, not guessed
    t = Territory(areas=[Area("S99", "无名", "street", shapely.box(116.30, 39.90, 116.35, 39.95))])
    with pytest.raises(NoResponsibleUnitError, match="not in the unit registry"):
        Router(CATALOGUE, t, UNITS).route(complaint("01.01.02", 116.31, 39.91))


def test_swap_zone_confirming_the_admin_line_rejects_nothing() -> None:
    zone = SwapZone("Z9", "S01", "street", shapely.box(116.31, 39.90, 116.32, 39.91))
    t = TERRITORY.with_swap_zones((zone,))
    d = Router(CATALOGUE, t, UNITS).route(complaint("01.01.02", 116.315, 39.905))
    assert (d.lead, d.rejected) == ("S01", ())
    assert d.placement is not None
    assert d.placement.zone_id == "Z9"
