"""The complaint generator: deterministic, valid, and with mixes in realistic ranges."""

from __future__ import annotations

import collections
import json
import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pytest
import shapely

from jiesu.errors import ValidationError
from jiesu.model import CRS, DEFAULT_TZ, Channel, Complaint, Kind, Urgency
from jiesu.sample import (
    _complaints,
    _coords,
    categories,
    category_weights,
    community_propensity,
    data_file,
    day_weights,
    default_volume,
    generate_complaints,
)
from jiesu.sample._data import community_areas

if TYPE_CHECKING:
    from collections.abc import Sequence


@cache
def _month(month: int) -> list[Complaint]:
    return generate_complaints(year=2025, month=month, seed=11)


@cache
def _district() -> shapely.Geometry:
    doc = json.loads(data_file("areas.geojson").read_text(encoding="utf-8"))
    return shapely.from_geojson(json.dumps(doc["features"][0]["geometry"]))


def _to_wgs84(lon: float, lat: float, crs: CRS) -> tuple[float, float]:
    """Invert the forward conversion by fixed-point iteration (test oracle, far below a metre)."""
    x, y = lon, lat
    for _ in range(30):
        fx, fy = _coords.from_wgs84(x, y, crs)
        x, y = x - (float(fx) - lon), y - (float(fy) - lat)
    return x, y


def test_deterministic_for_a_seed() -> None:
    a = generate_complaints(year=2025, month=4, n=50, seed=5)
    b = generate_complaints(year=2025, month=4, n=50, seed=5)
    c = generate_complaints(year=2025, month=4, n=50, seed=6)
    assert a == b
    assert a != c
    assert [x.caller.phone for x in a] == [x.caller.phone for x in b]


def test_default_volume_follows_the_month() -> None:
    assert len(_month(1)) == default_volume(1) == 3150
    assert default_volume(7) > default_volume(2)
    assert generate_complaints(year=2025, month=2, n=0, seed=1) == []


def test_ids_times_and_order() -> None:
    complaints = _month(1)
    assert [c.id for c in complaints] == [
        f"SLQ202501{i:06d}" for i in range(1, len(complaints) + 1)
    ]
    times = [c.received_at for c in complaints]
    assert times == sorted(times)
    assert all(t.year == 2025 and t.month == 1 for t in times)
    assert {t.timezone_name for t in times} == {DEFAULT_TZ}


def test_intake_peaks_by_hour_and_weekday() -> None:
    hours = collections.Counter(c.received_at.hour for c in _month(1))
    assert hours[10] > 5 * hours[3]
    assert hours.most_common(1)[0][0] in range(8, 17)
    per_day = collections.Counter(c.received_at.day for c in _month(3))
    # March 2025: the 3rd is a Monday, the 9th a Sunday.
    mondays = np.mean([per_day[d] for d in (3, 10, 17, 24, 31)])
    sundays = np.mean([per_day[d] for d in (2, 9, 16, 23, 30)])
    assert mondays > 1.3 * sundays


def _share(values: Sequence[object], member: object) -> float:
    return sum(v == member for v in values) / len(values)


def test_kind_channel_urgency_mixes() -> None:
    complaints = _month(1)
    kinds = [c.kind for c in complaints]
    assert 0.30 < _share(kinds, Kind.COMPLAINT) < 0.50
    assert 0.10 < _share(kinds, Kind.CONSULTATION) < 0.25
    assert set(kinds) == set(Kind)
    channels = [c.channel for c in complaints]
    assert 0.55 < _share(channels, Channel.PHONE) < 0.70
    assert set(channels) == set(Channel)
    urgency = [c.urgency for c in complaints]
    assert 0.88 < _share(urgency, Urgency.NORMAL) < 0.97
    assert _share(urgency, Urgency.EMERGENCY) > 0


def test_seasonal_categories() -> None:
    jan = collections.Counter(c.category for c in _month(1))
    jul = collections.Counter(c.category for c in _month(7))
    heating = ("11.04.01", "11.04.02", "11.04.03", "11.04.04")
    assert sum(jan[c] for c in heating) > 8 * sum(jul[c] for c in heating)
    assert jul["11.06.01"] > 5 * max(jan["11.06.01"], 1)
    assert jan.most_common(1)[0][0] == "11.04.01"
    assert set(jan) <= set(categories())


def test_category_weights() -> None:
    weights = category_weights(4)
    assert list(weights) == list(categories())
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["12.02.01"] > 5 * category_weights(9)["12.02.01"]  # 杨柳飞絮 in spring


def test_locations_inside_the_district_in_their_crs() -> None:
    complaints = _month(7)
    located = [c for c in complaints if c.location is not None]
    assert 0.75 < len(located) / len(complaints) < 0.95
    crs = collections.Counter(c.location.crs for c in located if c.location)
    assert set(crs) == set(CRS)
    assert crs[CRS.GCJ02] > crs[CRS.BD09] > 0
    district = _district()
    for c in located[:400]:
        assert c.location is not None
        x, y = _to_wgs84(c.location.lon, c.location.lat, c.location.crs)
        assert shapely.contains_xy(district, x, y), c.id
        assert c.location.address
        place = re.fullmatch(r"(.+?)\d+号楼?", c.location.address)
        assert place is not None
        assert c.kind is Kind.CONSULTATION or place.group(1) in c.text


def test_channels_report_their_apps_crs() -> None:
    for c in _month(1):
        if c.location is None:
            continue
        if c.channel in (Channel.MINI_PROGRAM, Channel.WECHAT):
            assert c.location.crs is CRS.GCJ02
        if c.channel is Channel.EMAIL:
            assert c.location.crs is CRS.WGS84


def test_policy_matters_are_often_consultations_without_place() -> None:
    policy = [c for c in _month(1) if c.category[:2] in ("07", "08", "09", "15")]
    assert _share([c.kind for c in policy], Kind.CONSULTATION) > 0.35
    assert sum(c.location is None for c in policy) / len(policy) > 0.45


def test_callers_are_fake_and_masked() -> None:
    complaints = _month(1)
    anonymous = [c for c in complaints if c.caller.name is None]
    assert 0.02 < len(anonymous) / len(complaints) < 0.07
    for c in complaints[:300]:
        if c.caller.phone is None:
            assert c.caller.name is None
            continue
        assert len(c.caller.phone) == 11
        assert c.caller.phone.isdigit()
        assert c.caller.phone not in repr(c)
        assert c.caller.name is not None
        assert c.caller.name not in repr(c)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 1999, "month": 1}, r"year: must be an integer in \[2000, 2099\] \(got 1999\)"),
        ({"year": 2025, "month": 13}, r"month: must be an integer in \[1, 12\] \(got 13\)"),
        (
            {"year": 2025, "month": 1, "n": -1},
            r"n: must be an integer in \[0, 10000000\] \(got -1\)",
        ),
        ({"year": 2025, "month": 1, "n": True}, r"n: must be an integer"),
        ({"year": 2025, "month": 1.0}, r"month: must be an integer"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        generate_complaints(seed=1, **kwargs)  # type: ignore[arg-type]  # deliberately wrong input


def test_bad_seed_and_month_in_helpers() -> None:
    with pytest.raises(ValidationError, match=r"seed: must be an integer"):
        generate_complaints(year=2025, month=1, seed=-1)
    with pytest.raises(ValidationError, match="month"):
        category_weights(0)
    with pytest.raises(ValidationError, match="month"):
        default_volume(13)


def test_pick_clamps_the_top_edge() -> None:
    mix = {"a": 0.5, "b": 0.5}
    assert _complaints._pick(mix, 0.0) == "a"
    assert _complaints._pick(mix, 0.75) == "b"
    assert _complaints._pick(mix, 1.0) == "b"


def test_intake_follows_the_working_calendar() -> None:
    weights = day_weights(
        2025, 10
    )  # National Day 1-8 October 2025; Sunday 28 September, Saturday 11 October work
    assert weights[:8] == [0.6, 0.6, 0.6, 0.75, 0.7, 0.6, 0.6, 0.6]
    assert weights[10] == 1.0  # Saturday 11 October is an adjusted working day
    assert weights[12] == 1.15  # an ordinary Monday
    october = generate_complaints(year=2025, month=10, seed=4)
    per_day = collections.Counter(c.received_at.day for c in october)
    holiday = np.mean([per_day[d] for d in (1, 2, 3, 6, 7, 8)])
    working = np.mean([per_day[d] for d in (14, 15, 16, 21, 22, 23)])
    assert working > 1.4 * holiday
    assert per_day[11] > per_day[12 + 6]  # the working Saturday beats the ordinary Saturday 18th


def test_day_weights_beyond_the_notices_use_weekdays() -> None:
    weights = day_weights(2040, 1)  # 1 January 2040 is a Sunday
    assert weights[:8] == [0.7, 1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7]
    with pytest.raises(ValidationError, match="year"):
        day_weights(1999, 1)


def test_complaints_per_resident_vary_with_propensity() -> None:
    propensity = community_propensity()
    assert propensity == community_propensity()
    areas = community_areas()
    community, lon, lat = _complaints._points(np.random.default_rng(1), 200_000)
    assert len(lon) == len(lat) == 200_000
    per_capita = np.bincount(community, minlength=len(areas.codes)) / areas.population
    values = np.array([propensity[c] for c in areas.codes])
    ratio = per_capita / values
    assert ratio.max() / ratio.min() < 1.6  # per-capita rates follow the propensity ...
    assert per_capita.max() / per_capita.min() > 3  # ... so they differ across the district
    villages = values[areas.township]
    assert villages.mean() < values[~areas.township].mean()
