"""Reporting cadences (日梳理·周统计·月报告·年分析): one summary row per day, week, month or year."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING, Any, Final

import narwhals as nw
import numpy as np

from jiesu._native import like
from jiesu.analytics._common import (
    DEFAULT_ZONE,
    collect,
    column,
    fixed_offset,
    local_day,
    local_month,
    names,
    one_per_ticket,
    open_frame,
    refuse_missing_times,
    require,
    whole,
)
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jiesu.scoring import Rules

__all__ = ["CADENCE_COLUMNS", "FREQUENCIES", "SLA_STATUSES", "cadence_table"]

FREQUENCIES: Final = {"day": "日梳理", "week": "周统计", "month": "月报告", "year": "年分析"}
"""The four cadences of the offices' reporting, with their names."""

SLA_STATUSES: Final = ("pending", "due_soon", "overdue", "met_on_time", "met_late")
"""The clock statuses counted (from a ``<milestone>_status`` column, e.g. the month job's ``reply_status``)."""

CADENCE_COLUMNS: Final = (
    "period",
    "start",
    "received",
    "direct",
    "via_district",
    "returned",
    "closed",
    "callbacks",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "repeats",
    "top_categories",
)
"""The columns of :func:`cadence_table` (those whose source column is missing are null), then the
clock statuses as ``<status>`` counts when a status column is read."""

_EPOCH: Final = dt.date(1970, 1, 1)
_HALF_UP: Final = decimal.ROUND_HALF_UP


def cadence_table(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    freq: str = "month",
    rules: Rules | None = None,
    status: str | None = "reply_status",
    top: int = 3,
    zone: str = DEFAULT_ZONE,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """One summary row per day, week, month or year (日梳理·周统计·月报告·年分析) of the tickets received.

    A ticket belongs to the period of its ``received_at`` in ``zone`` (weeks start on Monday) and
    counts once, however many rows it has. Each row:

    - ``period`` (``2025-03-05``, the week's Monday ``2025-03-03``, ``2025-03``, ``2025``) and ``start``
      (its first day);
    - ``received`` (受理量); ``direct`` and ``via_district`` (直派 / 转派, from ``dispatch_mode``);
      ``returned`` (退单, tickets with ``returned``); ``closed`` (tickets with a ``closed_at``);
    - ``callbacks`` (answered callbacks: ``callback`` = answered, or an answer present without that
      column) and the three rates over them (响应率, 解决率, 满意率), in per cent: with ``rules``, each
      answer weighs its value in the rules (基本满意 counts 0.9 under ``beijing-2025``) and the rate is
      rounded half-up to the rules' places; without, the rates are the plain shares of 是 (contacted,
      solved) and of 满意 + 基本满意, to 2 places. Tickets with ``excluded`` are left out of the rates.
      A period without answered callbacks has null rates, never NaN;
    - ``repeats``: tickets after the first of a 屡办不成 chain (``repeat_index`` > 1, from
      :func:`find_repeats`);
    - ``top_categories``: the period's ``top`` categories with their counts, ``噪音 12、供暖 8``;
    - with a ``status`` column (default ``reply_status``, as the month job writes), one count per clock
      status of :data:`SLA_STATUSES`.

    This is the offices' summary of what came in; the scorecard itself (the rules' period, exclusions,
    ranks) is :func:`jiesu.scoring.score_frame` or :class:`jiesu.month.MonthJob`.

    Args:
        frame: The tickets (any backend narwhals reads).
        freq: ``"day"``, ``"week"``, ``"month"`` or ``"year"``.
        rules: The rules whose answer values weigh the rates (``None``: plain shares).
        status: The clock status column to count (``None``: none; skipped when absent).
        top: How many categories ``top_categories`` names (at least 1).
        zone: The zone periods are taken in.
        columns: Role → column name for names other than the canonical ones.

    Returns:
        The same kind of frame, one row per period with tickets, oldest first: :data:`CADENCE_COLUMNS`
        then the status counts.

    Raises:
        ValidationError: A bad parameter, a missing column or naive times.
        ValidationReport: Rows without a received time (every one listed).

    Examples:
        >>> import datetime as dt, polars as pl
        >>> at = [dt.datetime(2025, 3, d, 2, tzinfo=dt.UTC) for d in (3, 4, 12)]
        >>> df = pl.DataFrame({"ticket_id": ["T1", "T2", "T3"], "received_at": at,
        ...                    "category": ["噪音", "噪音", "供暖"], "solved": [True, False, True],
        ...                    "contacted": [True, True, True], "satisfaction": ["satisfied"] * 3})
        >>> out = cadence_table(df, freq="week")
        >>> out.select("period", "received", "callbacks", "resolution_rate", "top_categories").rows()
        [('2025-03-03', 2, 2, 50.0, '噪音 2'), ('2025-03-10', 1, 1, 100.0, '供暖 1')]
    """
    if freq not in FREQUENCIES:
        raise ValidationError("must be day, week, month or year", field="freq", value=freq)
    whole(top, "top", 1)
    offset = fixed_offset(zone)
    cols = names(columns)
    source = open_frame(frame)
    require(source, cols, ["received_at", "category"])
    schema = source.collect_schema()
    if status is not None and status in {cols[r] for r in cols}:
        raise ValidationError(
            "names a column role, not a status column", field="status", value=status
        )
    cols["repeat_index"] = "repeat_index"  # find_repeats' own column
    optional = {
        r: cols[r]
        for r in (
            "dispatch_mode",
            "returned",
            "closed_at",
            "callback",
            "contacted",
            "solved",
            "satisfaction",
            "excluded",
            "repeat_index",
        )
        if cols[r] in schema
    }
    if status is not None and status in schema:
        optional["status"] = status
    fields = [cols["received_at"], cols["category"], *optional.values()]
    once = one_per_ticket(source, cols, fields)
    refuse_missing_times(once, cols)
    day = local_day(cols["received_at"], offset).cast(nw.Int64)
    keyed = once.with_columns(_day=day).with_columns(
        _p=_period_key(freq, cols["received_at"], offset)
    )
    flags = _flags(optional)
    counted = collect(
        keyed.with_columns(**flags)
        .group_by("_p")
        .agg(nw.len().alias("_n"), *(nw.col(f).sum() for f in flags))
        .sort("_p")
    )
    cats = collect(keyed.group_by("_p", cols["category"]).agg(_c=nw.len()))
    table = _assemble(
        counted, cats, category=cols["category"], freq=freq, optional=optional, rules=rules, top=top
    )
    return like(frame, table)


def _period_key(freq: str, name: str, offset: dt.timedelta) -> Any:  # noqa: ANN401 - a narwhals expression
    """The period as a whole number: days, Monday weeks, months or years since 1970 (local)."""
    if freq == "month":
        return local_month(name, offset)
    if freq == "year":
        wall = nw.col(name).dt.replace_time_zone(None) + offset
        return wall.dt.year().cast(nw.Int64) - 1970
    d = nw.col("_day")
    if freq == "day":
        return d
    return (d + 3) // 7  # 1970-01-01 was a Thursday: day 0 is in the week of Monday 1969-12-29


def _flag(expr: Any) -> Any:  # noqa: ANN401 - narwhals expressions
    return expr.fill_null(value=False).cast(nw.Int64)


def _is_true(name: str) -> Any:  # noqa: ANN401 - a narwhals expression
    return nw.col(name) == True  # noqa: E712 - a column expression


def _flags(optional: Mapping[str, str]) -> dict[str, Any]:
    """Per-ticket 0/1 columns, summed per period."""
    out: dict[str, Any] = {}
    if "dispatch_mode" in optional:
        mode = nw.col(optional["dispatch_mode"]).cast(nw.String)
        out["_direct"] = _flag(mode == "direct")
        out["_via"] = _flag(mode == "via_district")
    if "returned" in optional:
        out["_ret"] = _flag(_is_true(optional["returned"]))
    if "closed_at" in optional:
        out["_closed"] = _flag(~nw.col(optional["closed_at"]).is_null())
    if "repeat_index" in optional:
        out["_rep"] = _flag(nw.col(optional["repeat_index"]) > 1)
    if "status" in optional:
        for i, name in enumerate(SLA_STATUSES):
            out[f"_st{i}"] = _flag(nw.col(optional["status"]).cast(nw.String) == name)
    return {**out, **_answer_flags(optional)}


def _answer_flags(optional: Mapping[str, str]) -> dict[str, Any]:
    """Answered callbacks, and the 是 / 满意 / 基本满意 among them."""
    answers = [r for r in ("contacted", "solved", "satisfaction") if r in optional]
    if not answers:
        return {}
    if "callback" in optional:
        answered = nw.col(optional["callback"]).cast(nw.String) == "answered"
    else:
        answered = nw.any_horizontal(
            *(~nw.col(optional[r]).is_null() for r in answers), ignore_nulls=True
        )
    if "excluded" in optional:
        answered = answered & ~_is_true(optional["excluded"]).fill_null(value=False)
    out = {"_ans": _flag(answered)}
    for role, key in (("contacted", "_cy"), ("solved", "_sy")):
        if role in optional:
            out[key] = _flag(answered & _is_true(optional[role]))
    if "satisfaction" in optional:
        sat = nw.col(optional["satisfaction"]).cast(nw.String)
        out["_s1"] = _flag(answered & (sat == "satisfied"))
        out["_s2"] = _flag(answered & (sat == "basically_satisfied"))
    return out


def _assemble(
    counted: Any,  # noqa: ANN401 - an eager narwhals frame
    cats: Any,  # noqa: ANN401 - an eager narwhals frame
    *,
    category: str,
    freq: str,
    optional: Mapping[str, str],
    rules: Rules | None,
    top: int,
) -> Any:  # noqa: ANN401 - a pyarrow table
    import pyarrow as pa  # noqa: PLC0415 - the way back goes through Arrow

    keys = [int(k) for k in column(counted, "_p").tolist()]
    get = {name: column(counted, name).astype(np.int64) for name in counted.columns}
    n = len(keys)

    def counts(name: str) -> Any:  # noqa: ANN401 - a pyarrow array
        if name not in get:
            return pa.nulls(n, pa.int64())
        return pa.array(get[name], pa.int64())

    starts = [_start(freq, k) for k in keys]
    labels = [_label(freq, s) for s in starts]
    rates = _rates(get, n, optional, rules)
    out: dict[str, Any] = {
        "period": pa.array(labels, pa.string()),
        "start": pa.array(starts, pa.date32()),
        "received": counts("_n"),
        "direct": counts("_direct"),
        "via_district": counts("_via"),
        "returned": counts("_ret"),
        "closed": counts("_closed"),
        "callbacks": counts("_ans"),
        "response_rate": pa.array(rates[0], pa.float64()),
        "resolution_rate": pa.array(rates[1], pa.float64()),
        "satisfaction_rate": pa.array(rates[2], pa.float64()),
        "repeats": counts("_rep"),
        "top_categories": pa.array(_tops(cats, category, keys, top), pa.string()),
    }
    if "status" in optional:
        for i, name in enumerate(SLA_STATUSES):
            out[name] = counts(f"_st{i}")
    return pa.table(out)


def _start(freq: str, key: int) -> dt.date:
    if freq == "day":
        return _EPOCH + dt.timedelta(days=key)
    if freq == "week":
        return _EPOCH + dt.timedelta(days=key * 7 - 3)
    if freq == "month":
        return dt.date(1970 + key // 12, key % 12 + 1, 1)
    return dt.date(1970 + key, 1, 1)


def _label(freq: str, start: dt.date) -> str:
    if freq in {"day", "week"}:
        return start.isoformat()
    if freq == "month":
        return start.isoformat()[:7]
    return str(start.year)


def _rates(
    get: Mapping[str, Any], n: int, optional: Mapping[str, str], rules: Rules | None
) -> tuple[list[float | None], list[float | None], list[float | None]]:
    """The three rates per period, exact in decimals, rounded half-up (null without callbacks)."""
    places = 2 if rules is None else rules.places
    quantum = decimal.Decimal(1).scaleb(-places)
    one, zero = decimal.Decimal(1), decimal.Decimal(0)

    def values(table: Mapping[str, decimal.Decimal], *keys: str) -> list[decimal.Decimal]:
        return [decimal.Decimal(table.get(k, zero)) for k in keys]

    if rules is None:
        yes_no = [one, zero]
        sat = [one, one, zero]
        response, resolution = yes_no, yes_no
    else:
        response = values(rules.response_values, "yes", "no")
        resolution = values(rules.resolution_values, "yes", "no")
        sat = values(rules.satisfaction_values, "satisfied", "basically_satisfied", "dissatisfied")
    answered = get.get("_ans")
    out: list[list[float | None]] = [[None] * n, [None] * n, [None] * n]
    if answered is None:
        return out[0], out[1], out[2]
    parts = (
        ("contacted", ("_cy",), response),
        ("solved", ("_sy",), resolution),
        ("satisfaction", ("_s1", "_s2"), sat),
    )
    for j, (role, names_, weights) in enumerate(parts):
        if role not in optional:
            continue
        for i in range(n):
            total = int(answered[i])
            if total == 0:
                continue
            hits = [int(get[name][i]) for name in names_]
            rest = total - sum(hits)
            points = sum(h * w for h, w in zip(hits, weights, strict=False)) + rest * weights[-1]
            rate = (points * 100 / total).quantize(quantum, rounding=_HALF_UP)
            out[j][i] = float(rate)
    return out[0], out[1], out[2]


def _tops(cats: Any, category: str, keys: list[int], top: int) -> list[str | None]:  # noqa: ANN401 - an eager narwhals frame
    """Each period's ``top`` categories, most first, ties by name: ``噪音 12、供暖 8``."""
    periods = column(cats, "_p").astype(np.int64).tolist()
    names_ = column(cats, category).tolist()
    sizes = column(cats, "_c").astype(np.int64).tolist()
    per: dict[int, list[tuple[int, str]]] = {}
    for p, c, k in zip(periods, names_, sizes, strict=True):
        if c is not None:
            per.setdefault(p, []).append((-k, str(c)))
    return [
        "、".join(f"{c} {-k}" for k, c in sorted(per[p])[:top]) if p in per else None for p in keys
    ]
