"""A seeded generator of a month of complaints in the sample district (示例诉求生成器).

The mixes are realistic guesses for a North-China urban district (assumed, not published figures): phone
dominates intake; complaints and requests for help outnumber consultations; heating complaints flood in
from November to March, waterlogging and flood reports in July and August, poplar and willow fluff in
April and May. Intake peaks mid-morning and mid-afternoon on working days. Locations fall inside the
district's communities in proportion to their population times a fixed propensity to call (so complaints per
10,000 residents vary across the district) and are reported in the coordinate system the
channel's app uses (GCJ-02 for Amap/Tencent-based apps and mini-programs, BD-09 for Baidu-based web maps,
WGS-84/CGCS2000 for the hotline's own geocoder). Caller names and phone numbers are made up.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from functools import cache
from typing import TYPE_CHECKING, Final, TypeVar

import numpy as np
import pendulum
import shapely

from jiesu.calendar import WorkCalendar
from jiesu.errors import ValidationError
from jiesu.model import (
    CRS,
    DEFAULT_TZ,
    Caller,
    Channel,
    Complaint,
    Kind,
    Location,
    Urgency,
)
from jiesu.sample import _coords
from jiesu.sample._data import categories, community_areas

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

T = TypeVar("T")

BASE_MONTHLY_VOLUME: Final = 3000
"""Complaints in an average month when ``n`` is not given (about 32 per 10,000 residents; assumed)."""

MONTH_FACTOR: Final = (1.05, 0.85, 0.95, 0.95, 1.0, 1.05, 1.2, 1.15, 1.0, 0.95, 1.1, 1.1)
"""Relative volume per calendar month, January first (assumed: summer storms and winter heating peak)."""

HOUR_WEIGHTS: Final = (
    0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 3.5, 5.5, 6.0, 5.0,
    3.5, 4.0, 5.0, 5.2, 4.8, 4.0, 3.0, 2.8, 2.6, 2.2, 1.4, 0.7,
)  # fmt: skip
"""Relative intake per hour of the day, 0 h first, local wall time (assumed)."""

WEEKDAY_WEIGHTS: Final = (1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7)
"""Relative intake per weekday, Monday first, on ordinary weeks (assumed)."""

ADJUSTED_WORKDAY_WEIGHT: Final = 1.0
"""Relative intake on a weekend day that is an adjusted working day (调休上班日; assumed)."""

HOLIDAY_WEIGHT: Final = 0.6
"""Relative intake on a statutory holiday that falls on a weekday (法定节假日; assumed)."""

CHANNEL_MIX: Final = {
    Channel.PHONE: 0.62,
    Channel.APP: 0.12,
    Channel.MINI_PROGRAM: 0.10,
    Channel.WEB: 0.06,
    Channel.WECHAT: 0.05,
    Channel.PROACTIVE: 0.02,
    Channel.WEIBO: 0.01,
    Channel.EMAIL: 0.01,
    Channel.OTHER: 0.01,
}
"""Share of each intake channel (assumed)."""

KIND_MIX: Final = {
    Kind.COMPLAINT: 0.45,
    Kind.HELP: 0.30,
    Kind.CONSULTATION: 0.08,
    Kind.REPORT: 0.08,
    Kind.SUGGESTION: 0.05,
    Kind.PRAISE: 0.03,
    Kind.OTHER: 0.01,
}
"""Kind mix of matters about a place (assumed)."""

POLICY_KIND_MIX: Final = {
    Kind.CONSULTATION: 0.50,
    Kind.HELP: 0.25,
    Kind.COMPLAINT: 0.17,
    Kind.SUGGESTION: 0.05,
    Kind.PRAISE: 0.02,
    Kind.OTHER: 0.01,
}
"""Kind mix of policy matters (labour, social security, education, public services; assumed)."""

POLICY_TOP_LEVELS: Final = ("07", "08", "09", "15")
"""Level-1 categories treated as policy matters: more consultations, fewer locations."""

CATEGORY_WEIGHTS: Final = {
    "01.01.01": 5.0, "01.03.01": 3.0, "02.01.01": 8.0, "02.01.02": 3.0, "02.02.01": 2.0,
    "02.04.01": 4.0, "03.01.01": 4.0, "03.02.01": 4.0, "03.03.02": 1.5, "04.01.02": 4.0,
    "04.04.01": 2.0, "05.02.01": 5.0, "05.02.02": 2.0, "06.01.01": 3.0, "06.02.01": 3.0,
    "06.02.03": 5.0, "07.01.01": 6.0, "08.01.02": 2.0, "09.02.01": 2.0, "10.01.02": 2.0,
    "11.01.01": 3.0, "11.02.01": 3.0, "11.04.01": 12.0, "11.04.02": 3.0, "11.04.03": 3.0,
    "11.04.04": 2.0, "11.06.01": 2.0, "13.01.02": 2.0, "13.02.03": 2.0, "15.04.01": 1.5,
}  # fmt: skip
"""Base weight of the busier level-3 categories; every other category weighs 1 (assumed)."""

_HEATING = (1.0, 1.0, 0.6, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.05, 0.6, 1.0)
_FLOOD = (0.1, 0.1, 0.2, 0.3, 0.6, 2.0, 6.0, 5.0, 1.5, 0.3, 0.1, 0.1)
_FLUFF = (0.0, 0.0, 0.3, 10.0, 8.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
_SUMMER = (0.5, 0.5, 0.7, 1.0, 1.3, 1.8, 2.2, 2.0, 1.3, 0.9, 0.6, 0.5)
SEASONAL: Final = {
    "11.04.01": _HEATING,
    "11.04.02": _HEATING,
    "11.04.03": _HEATING,
    "11.04.04": _HEATING,
    "11.06.01": _FLOOD,
    "13.03.01": _FLOOD,
    "12.02.01": _FLUFF,
    "12.02.02": (0.0, 0.0, 0.0, 0.0, 0.5, 3.0, 4.0, 4.0, 2.0, 0.2, 0.0, 0.0),
    "06.01.03": (0.5, 0.3, 2.0, 1.0, 0.5, 0.5, 0.3, 0.3, 1.0, 3.0, 3.0, 1.0),
    "03.02.02": _SUMMER,
    "11.02.01": _SUMMER,
    "10.02.02": _SUMMER,
    "07.01.03": (3.0, 2.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.8, 1.5, 3.0),
    "09.02.01": (0.3, 0.3, 0.8, 3.0, 4.0, 4.0, 2.0, 3.0, 1.0, 0.3, 0.3, 0.3),
}
"""Monthly multipliers (January first) of the seasonal categories (assumed)."""

URGENT_CATEGORIES: Final = {
    "11.03.01": (0.45, 0.45),
    "13.03.01": (0.10, 0.50),
    "11.01.01": (0.02, 0.40),
    "11.02.01": (0.02, 0.40),
    "03.03.02": (0.02, 0.40),
    "11.06.01": (0.02, 0.30),
    "11.04.01": (0.01, 0.20),
    "11.04.02": (0.01, 0.30),
}
"""(emergency, urgent) shares of categories that are often urgent; others: 0.003 and 0.04 (assumed)."""

_DEFAULT_URGENCY = (0.003, 0.04)

CRS_MIX: Final = {
    Channel.PHONE: {CRS.WGS84: 0.7, CRS.CGCS2000: 0.1, CRS.GCJ02: 0.2},
    Channel.APP: {CRS.GCJ02: 0.7, CRS.BD09: 0.3},
    Channel.MINI_PROGRAM: {CRS.GCJ02: 1.0},
    Channel.WECHAT: {CRS.GCJ02: 1.0},
    Channel.WEB: {CRS.BD09: 0.5, CRS.GCJ02: 0.3, CRS.WGS84: 0.2},
    Channel.PROACTIVE: {CRS.CGCS2000: 0.6, CRS.WGS84: 0.4},
}
"""Coordinate system of the reported point per channel; channels not listed report WGS-84 (assumed)."""

_TEXTS: Final = {
    Kind.COMPLAINT: "反映{place}{cat}问题，已持续{days}天，要求尽快处理。",
    Kind.HELP: "{place}{cat}，请求相关部门帮助解决。",
    Kind.CONSULTATION: "咨询{cat}相关政策和办理流程。",
    Kind.REPORT: "举报{place}存在{cat}问题，请依法查处。",
    Kind.SUGGESTION: "建议加强{place}{cat}方面的管理。",
    Kind.PRAISE: "感谢相关部门及时解决{place}{cat}问题。",
    Kind.OTHER: "{place}{cat}相关事宜。",
}
_SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
)
_GIVEN: Final = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕鹏飞雪晨宇浩然子涵欣怡"
)
_PREFIXES: Final = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "177", "180", "181", "185", "186", "187",
    "188", "189", "199",
)  # fmt: skip
PROPENSITY_SEED: Final = 2025
"""The seed of :func:`community_propensity`, a fixed trait of the sample district."""
ANONYMOUS_SHARE: Final = 0.04
"""Share of anonymous callers (no name, no phone; assumed)."""
_POLICY_LOCATION_SHARE = 0.4
_PLACE_LOCATION_SHARE = 0.95


def check_int(value: object, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"must be an integer in [{low}, {high}]", field=field, value=value)
    return value


def _choice(rng: np.random.Generator, weights: Sequence[float], n: int) -> NDArray[np.int64]:
    p = np.asarray(weights, dtype=float)
    out: NDArray[np.int64] = rng.choice(len(p), size=n, p=p / p.sum())
    return out


def _pick(mix: dict[T, float], u: float) -> T:
    """The member of ``mix`` that a uniform draw ``u`` in [0, 1) falls on."""
    cumulative = list(itertools.accumulate(mix.values()))
    index = bisect.bisect_right(cumulative, u * cumulative[-1])
    return list(mix)[min(index, len(cumulative) - 1)]


def category_weights(month: int) -> dict[str, float]:
    """The category mix of one calendar month (月度诉求分类构成), level-3 code → probability.

    Args:
        month: 1-12.

    Returns:
        Probabilities summing to 1, in catalogue order.

    Raises:
        ValidationError: ``month`` is not 1-12.

    Examples:
        >>> jan, jul = category_weights(1), category_weights(7)
        >>> jan["11.04.01"] > 10 * jul["11.04.01"]  # 供暖温度不达标: a winter matter
        True
        >>> jul["11.06.01"] > 10 * jan["11.06.01"]  # 路面积水: a summer matter
        True
    """
    check_int(month, "month", 1, 12)
    raw = {
        code: CATEGORY_WEIGHTS.get(code, 1.0) * SEASONAL.get(code, (1.0,) * 12)[month - 1]
        for code in categories()
    }
    total = sum(raw.values())
    return {code: w / total for code, w in raw.items()}


def default_volume(month: int) -> int:
    """How many complaints a month brings when ``n`` is not given (默认月诉求量).

    Args:
        month: 1-12.

    Returns:
        :data:`BASE_MONTHLY_VOLUME` times the month's :data:`MONTH_FACTOR`, rounded.

    Raises:
        ValidationError: ``month`` is not 1-12.

    Examples:
        >>> default_volume(7), default_volume(2)
        (3600, 2550)
    """
    check_int(month, "month", 1, 12)
    return round(BASE_MONTHLY_VOLUME * MONTH_FACTOR[month - 1])


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


@cache
def _work_calendar() -> WorkCalendar:
    return WorkCalendar.china(beyond_coverage="weekdays", coverage_warning=False)  # synthetic data


def day_weights(year: int, month: int) -> list[float]:
    """Relative intake per day of a month (每日受理量权重), following China's working calendar (调休).

    Ordinary working days weigh by weekday (:data:`WEEKDAY_WEIGHTS`), adjusted working days on a weekend
    :data:`ADJUSTED_WORKDAY_WEIGHT`, weekends their weekday weight and statutory holidays on a weekday
    :data:`HOLIDAY_WEIGHT`. Years outside the bundled holiday notices fall back to weekdays only (the working
    calendar's weekday fallback ends with 2099).

    Args:
        year: The year (2000-2099).
        month: The month (1-12).

    Returns:
        One weight per day of the month, the 1st first.

    Raises:
        ValidationError: ``year`` or ``month`` is out of range.

    Examples:
        >>> w = day_weights(2025, 1)  # Spring Festival from 28 January; Sunday 26 January is a working day
        >>> w[27], w[25], w[24]
        (0.6, 1.0, 0.75)
    """
    check_int(year, "year", 2000, 2099)
    check_int(month, "month", 1, 12)
    cal = _work_calendar()
    out = []
    first = dt.date(year, month, 1)
    for offset in range((_next_month(first) - first).days):
        day = first + dt.timedelta(days=offset)
        weekday = day.weekday()
        weekend = weekday >= 5  # noqa: PLR2004 - Saturday and Sunday
        if cal.is_workday(day):
            out.append(ADJUSTED_WORKDAY_WEIGHT if weekend else WEEKDAY_WEIGHTS[weekday])
        else:
            out.append(WEEKDAY_WEIGHTS[weekday] if weekend else HOLIDAY_WEIGHT)
    return out


def _intake_times(
    rng: np.random.Generator, year: int, month: int, n: int
) -> list[pendulum.DateTime]:
    day = _choice(rng, day_weights(year, month), n) + 1
    hour = _choice(rng, list(HOUR_WEIGHTS), n)
    second = rng.integers(0, 3600, n)
    order = np.lexsort((second, hour, day))
    return [
        pendulum.datetime(
            year,
            month,
            int(day[i]),
            int(hour[i]),
            int(second[i]) // 60,
            int(second[i]) % 60,
            tz=DEFAULT_TZ,
        )
        for i in order
    ]


@cache
def community_propensity() -> dict[str, float]:
    """How readily each community's residents call (社区诉求倾向), relative to the district (assumed).

    A fixed trait of the sample district (the same every month and seed): log-normal around 1 (sigma 0.4),
    villages at 0.7 of that, so complaints per 10,000 residents differ from place to place.

    Returns:
        Community code → propensity.

    Examples:
        >>> p = community_propensity()
        >>> len(p), min(p.values()) > 0
        (87, True)
    """
    areas = community_areas()
    draw = np.random.default_rng(PROPENSITY_SEED).lognormal(0.0, 0.4, len(areas.codes))
    factor = np.where(areas.township, 0.7 * draw, draw)
    return dict(zip(areas.codes, factor.tolist(), strict=True))


def _points(
    rng: np.random.Generator, n: int
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Community index and a uniform WGS-84 point inside it, by population times propensity."""
    areas = community_areas()
    propensity = np.array(list(community_propensity().values()))
    community = _choice(rng, (areas.population * propensity).tolist(), n)
    lon = np.empty(n)
    lat = np.empty(n)
    for c in np.unique(community).tolist():
        rows = np.flatnonzero(community == c)
        shape = areas.shapes[c]
        x0, y0, x1, y1 = shapely.bounds(shape)
        got_x: list[float] = []
        got_y: list[float] = []
        while len(got_x) < len(rows):
            x = rng.uniform(x0, x1, 4 * len(rows) + 8)
            y = rng.uniform(y0, y1, 4 * len(rows) + 8)
            inside = shapely.contains_xy(shape, x, y)
            got_x += x[inside].tolist()
            got_y += y[inside].tolist()
        lon[rows] = got_x[: len(rows)]
        lat[rows] = got_y[: len(rows)]
    return community, lon, lat


def _caller(rng: np.random.Generator) -> Caller:
    if rng.random() < ANONYMOUS_SHARE:
        return Caller()
    surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
    given = "".join(_GIVEN[int(i)] for i in rng.integers(len(_GIVEN), size=int(rng.integers(1, 3))))
    prefix = _PREFIXES[int(rng.integers(len(_PREFIXES)))]
    return Caller(name=surname + given, phone=f"{prefix}{int(rng.integers(10**8)):08d}")


def generate_complaints(
    *, year: int, month: int, n: int | None = None, seed: int
) -> list[Complaint]:
    """A month of complaints in the sample district (生成一个月的示例诉求), deterministic for a seed.

    Intake times are aware datetimes in Asia/Shanghai (北京时间), sorted, spread over the days by
    :func:`day_weights` (China's working calendar, 调休 included) and over the hours by :data:`HOUR_WEIGHTS`; ids are
    ``SLQ<year><month><serial>``. Mixes of kind, channel, urgency, category (seasonal), coordinate system
    and caller follow the module's documented, assumed shares.

    Args:
        year: The year (2000-2099).
        month: The month (1-12).
        n: How many complaints; default :func:`default_volume` of the month.
        seed: The random seed; the same arguments always give the same complaints.

    Returns:
        The complaints in intake order.

    Raises:
        ValidationError: ``year``, ``month``, ``n`` or ``seed`` is out of range.

    Examples:
        >>> complaints = generate_complaints(year=2025, month=1, n=5, seed=1)
        >>> [c.id for c in complaints][:2]
        ['SLQ202501000001', 'SLQ202501000002']
        >>> complaints == generate_complaints(year=2025, month=1, n=5, seed=1)
        True
        >>> str(complaints[0].received_at.timezone_name)
        'Asia/Shanghai'
    """
    check_int(year, "year", 2000, 2099)
    check_int(month, "month", 1, 12)
    check_int(seed, "seed", 0, 2**63 - 1)
    count = default_volume(month) if n is None else check_int(n, "n", 0, 10_000_000)
    rng = np.random.default_rng([seed, year, month])
    times = _intake_times(rng, year, month, count)
    weights = category_weights(month)
    codes = list(weights)
    names = categories()
    category = _choice(rng, list(weights.values()), count)
    channels = list(CHANNEL_MIX)
    channel = _choice(rng, list(CHANNEL_MIX.values()), count)
    community, lon, lat = _points(rng, count)
    areas = community_areas()
    draws = rng.random((count, 5))
    out: list[Complaint] = []
    for i in range(count):
        code = codes[int(category[i])]
        policy = code[:2] in POLICY_TOP_LEVELS
        mix = POLICY_KIND_MIX if policy else KIND_MIX
        kind = _pick(mix, float(draws[i, 0]))
        emergency, urgent = URGENT_CATEGORIES.get(code, _DEFAULT_URGENCY)
        urgency = (
            Urgency.EMERGENCY
            if draws[i, 1] < emergency
            else Urgency.URGENT
            if draws[i, 1] < emergency + urgent
            else Urgency.NORMAL
        )
        ch = channels[int(channel[i])]
        located = draws[i, 2] < (_POLICY_LOCATION_SHARE if policy else _PLACE_LOCATION_SHARE)
        location = None
        place = ""
        if located:
            c = int(community[i])
            place = areas.street_names[c] + areas.names[c]
            crs = _pick(CRS_MIX.get(ch, {CRS.WGS84: 1.0}), float(draws[i, 4]))
            x, y = _coords.from_wgs84(lon[i], lat[i], crs)
            unit = "号" if areas.township[c] else "号楼"
            location = Location(
                round(float(x), 6),
                round(float(y), 6),
                crs,
                address=f"{place}{int(draws[i, 3] * 60) + 1}{unit}",
            )
        text = _TEXTS[kind].format(place=place, cat=names[code], days=int(rng.integers(1, 30)))
        out.append(
            Complaint(
                id=f"SLQ{year}{month:02d}{i + 1:06d}",
                received_at=times[i],
                channel=ch,
                kind=kind,
                urgency=urgency,
                category=code,
                text=text,
                location=location,
                caller=_caller(rng),
            )
        )
    return out
