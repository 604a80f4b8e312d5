"""route_frame: the router over a table of complaints gives what route_many gives, row for row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import ValidationError
from jiesu.model import Complaint, Location
from jiesu.routing import (
    ROUTE_REASONS,
    Area,
    Catalogue,
    Router,
    RoutingBatch,
    Territory,
    load_units,
    route_frame,
)
from jiesu.sample import data_file, generate_complaints

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

DATA = Path(__file__).parent / "data"
UNITS = load_units(DATA / "units.toml")
CATALOGUE = Catalogue.from_toml(DATA / "catalogue.toml", units=UNITS)
TERRITORY = Territory.from_geojson(
    DATA / "territory.geojson", swap_zones=DATA / "swaps.geojson", border_tolerance_m=10.0
)
ROUTER = Router(CATALOGUE, TERRITORY, UNITS)
TZ = "Asia/Shanghai"


def frame_of(complaints: list[Complaint], owners: list[str | None] | None = None) -> Any:
    data: dict[str, list[Any]] = {
        "category": [c.category for c in complaints],
        "lon": [c.location.lon if c.location else None for c in complaints],
        "lat": [c.location.lat if c.location else None for c in complaints],
        "crs": [c.location.crs.value if c.location else None for c in complaints],
        "received_at": [c.received_at.in_timezone("UTC") for c in complaints],
    }
    if owners is not None:
        data["pole_owner"] = owners
    types = {
        "category": pl.String,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "crs": pl.String,
        "received_at": pl.Datetime("us", "UTC"),
        "pole_owner": pl.String,
    }
    return pl.DataFrame(data, schema_overrides={k: v for k, v in types.items() if k in data})


def expected(batch: RoutingBatch) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for row in batch:
        d = row.decision
        if d is None:
            out.append((None, None, None, None, "refused", row.refusal))
            continue
        out.append(
            (
                d.lead,
                ";".join(d.co_handlers),
                None if d.rule is None else d.rule.describe(),
                d.mode.value,
                "backstop" if d.backstop else "routed",
            )
        )
    return out


def got(frame: Any) -> list[tuple[Any, ...]]:
    names = ["lead_unit", "co_handlers", "rule", "mode", "status", "reason"]
    rows = frame.select(names).rows()
    return [r if r[4] == "refused" else r[:5] for r in rows]


def assert_same(
    router: Router,
    complaints: list[Complaint],
    owners: list[str | None] | None = None,
    at: dt.datetime | None = None,
) -> Any:
    attributes = (
        None if owners is None else [None if o is None else {"pole_owner": o} for o in owners]
    )
    batch = router.route_many(complaints, at=at, attributes=attributes)
    out = route_frame(frame_of(complaints, owners), router, on=at)
    assert got(out) == expected(batch)
    assert set(out["reason"].drop_nulls().to_list()) - set(ROUTE_REASONS) <= {
        r.refusal for r in batch.refused
    }
    return out


POINTS = st.one_of(
    st.none(),
    st.tuples(
        st.floats(116.26, 116.44),
        st.floats(39.86, 39.96),
        st.sampled_from(["WGS84", "GCJ02", "BD09"]),
    ),
)


@st.composite
def complaints_(draw: st.DrawFn) -> Complaint:
    point = draw(POINTS)
    return Complaint(
        id="C",
        received_at=pendulum.datetime(
            draw(st.sampled_from([2020, 2025, 2026])), draw(st.integers(1, 12)), 3, 9, tz=TZ
        ),
        channel="phone",
        kind="complaint",
        urgency="normal",
        category=draw(
            st.sampled_from(
                ["01.01.01", "01.01.02", "02", "02.01.01", "02.01.02", "03", "09", "01"]
            )
        ),
        location=None if point is None else Location(point[0], point[1], point[2]),
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(complaints_(), st.sampled_from([None, "E-POWER", "NOPE"])), max_size=12),
    st.sampled_from(["backstop", "refuse"]),
)
def test_route_frame_equals_route_many(
    rows: list[tuple[Complaint, str | None]], on_ambiguous: str
) -> None:
    router = Router(CATALOGUE, TERRITORY, UNITS, on_ambiguous=on_ambiguous)  # type: ignore[arg-type]  # one of the two
    assert_same(router, [c for c, _ in rows], [o for _, o in rows])


def test_route_frame_on_the_sample_district_with_arrow_and_lazy_polars() -> None:
    router = Router.from_files(
        catalogue=data_file("catalogue.toml"),
        areas=data_file("areas.geojson"),
        units=data_file("units.toml"),
        swap_zones=data_file("swaps.geojson"),
    )
    complaints = generate_complaints(year=2025, month=3, n=800, seed=2)
    out = assert_same(router, complaints)
    assert {"routed", "backstop"} <= set(out["status"].to_list())
    table = frame_of(complaints).to_arrow()
    on_arrow = route_frame(table, router)
    assert isinstance(on_arrow, pa.Table)
    assert got(pl.from_arrow(on_arrow)) == got(out)
    lazy = route_frame(frame_of(complaints).lazy(), router)
    assert got(lazy) == got(out)
    at = pendulum.datetime(2025, 4, 1, tz=TZ)
    assert_same(router, complaints[:50], at=at)


def test_route_frame_chosen_rows() -> None:
    def c(category: str, point: tuple[float, float] | None = None, year: int = 2025) -> Complaint:
        return Complaint(
            "C",
            pendulum.datetime(year, 3, 3, 9, tz=TZ),
            "phone",
            "complaint",
            "normal",
            category,
            location=None if point is None else Location(point[0], point[1], "WGS84"),
        )

    rows = [
        c("01.01.02", (116.31, 39.91)),
        c("01.01.02", (116.29, 39.91)),
        c("03"),
        c("02.01.02"),
        c("01.01.02"),
        c("01.01.01", (116.31, 39.91)),
        c("09"),
        c("01.01.02", year=2020),
        c("02", (116.31, 39.91)),
    ]
    assert_same(ROUTER, rows, [None, None, None, "E-POWER", None, None, None, None, None])
    assert_same(ROUTER, rows)
    border = [c("01.01.02", (116.34993, 39.91)), c("03", year=1990), c("01.01.02", (116.31, 39.91))]
    out = assert_same(ROUTER, border)
    assert out["reason"].to_list()[0] == "ambiguous"
    assert out["status"].to_list()[1] == "refused"
    assert_same(Router(CATALOGUE, TERRITORY, UNITS, on_ambiguous="refuse"), border)
    odd = frame_of(border).with_columns(pl.lit("XYZ").alias("crs"))
    assert route_frame(odd, ROUTER)["status"].to_list() == ["refused", "refused", "refused"]
    assert_same(Router(CATALOGUE, None, UNITS), rows)
    streets_only = Territory(areas=[a for a in TERRITORY.areas if a.level == "street"])
    assert_same(Router(CATALOGUE, streets_only, UNITS), rows)
    stray = Area("S99", "无名街道", "street", TERRITORY.areas[0].geometry, parent=None)
    assert_same(Router(CATALOGUE, Territory(areas=[stray]), UNITS), rows[:1])
    with pytest.raises(ValidationError, match="on"):
        route_frame(frame_of(rows), ROUTER, on=dt.datetime(2025, 3, 3))


def test_route_frame_refuses_bad_tables_but_keeps_bad_rows() -> None:
    t0 = dt.datetime(2025, 3, 3, 1, tzinfo=dt.UTC)
    frame = pl.DataFrame({"分类": ["03", None, "03"], "received_at": [t0, t0, None]})
    out = route_frame(frame, ROUTER, columns={"category": "分类"})
    assert out["status"].to_list() == ["backstop", "refused", "refused"]
    assert out["reason"].to_list()[1:] == [
        "category: missing value is not a category (got None)",
        "received_at: missing value is not an instant (got None)",
    ]
    with pytest.raises(ValidationError, match="not a role"):
        route_frame(frame, ROUTER, columns={"nope": "x"})
    with pytest.raises(ValidationError, match="required column"):
        route_frame(frame, ROUTER)
    naive = pl.DataFrame({"category": ["03"], "received_at": [dt.datetime(2025, 3, 3)]})
    with pytest.raises(ValidationError, match="aware instants"):
        route_frame(naive, ROUTER)
    assert route_frame(naive.head(0).drop("received_at"), ROUTER, on=t0).height == 0


def test_route_frame_on_pandas_and_duckdb() -> None:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pandas")
    complaints = generate_complaints(year=2025, month=3, n=200, seed=4)
    frame = frame_of(complaints)
    want = got(route_frame(frame, ROUTER))
    assert got(pl.from_pandas(route_frame(frame.to_pandas(), ROUTER))) == want
    assert got(pl.DataFrame(route_frame(duckdb.from_arrow(frame.to_arrow()), ROUTER))) == want
