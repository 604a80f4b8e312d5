"""What every analytics function shares: column roles, checks, local calendar fields and the way back."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any, Final

import narwhals as nw
import numpy as np

from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import numpy.typing as npt

ROLES: Final = (
    "ticket_id",
    "received_at",
    "category",
    "area",
    "unit",
    "caller_key",
    "lon",
    "lat",
    "crs",
    "closed_at",
    "callback",
    "contacted",
    "solved",
    "satisfaction",
    "excluded",
    "requester_type",
    "dispatch_mode",
    "returned",
)
"""The fields the analytics read, by their canonical names (as :func:`jiesu.io.read_tickets` gives them)."""

DEFAULT_ZONE: Final = "Asia/Shanghai"

_HINTS: Final = {
    "area": (
        " (an export read by jiesu.io.read_tickets has none: map one with columns={'area': ...},"
        " use the month job's MonthResult.tickets, which places each ticket in its area, or group"
        " by unit)"
    ),
    "caller_key": " (make one from the phones with jiesu.analytics.caller_key)",
}


def names(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Role → column name, refusing a role this module does not know."""
    out = {role: role for role in ROLES}
    for role, name in (columns or {}).items():
        if role not in out:
            raise ValidationError(
                f"unknown column role; the roles are {', '.join(ROLES)}",
                field="columns",
                value=role,
            )
        out[role] = name
    return out


def open_frame(frame: Any) -> Any:  # noqa: ANN401 - any dataframe narwhals reads
    """The narwhals frame of ``frame``; anything else is refused."""
    try:
        return nw.from_native(frame)
    except TypeError:
        raise ValidationError(
            "expected a dataframe (pandas, polars, pyarrow, duckdb, PySpark)",
            field="frame",
            value=type(frame).__name__,
        ) from None


def require(
    frame: Any,  # noqa: ANN401 - a narwhals frame
    cols: Mapping[str, str],
    roles: Iterable[str],
) -> dict[str, Any]:
    """The dtypes of the required roles; a missing column or a naive time column is refused."""
    schema = frame.collect_schema()
    out: dict[str, Any] = {}
    for role in roles:
        name = cols[role]
        if name not in schema:
            raise ValidationError(
                f"the table has no {role} column{_HINTS.get(role, '')}", field=role, value=name
            )
        dtype = schema[name]
        if role in {"received_at", "closed_at"}:
            if not isinstance(dtype, nw.Datetime):
                raise ValidationError("must be a datetime column", field=name, value=str(dtype))
            if dtype.time_zone is None:
                raise ValidationError(
                    "naive times are refused: read the export in the district's zone "
                    "(jiesu.io.read_tickets(..., timezone=...)) or localise the column",
                    field=name,
                    value=str(dtype),
                )
        out[role] = dtype
    return out


def fixed_offset(zone: str) -> dt.timedelta:
    """The zone's UTC offset, which must not change (no daylight saving) from 1992 to 2100.

    Local calendar fields are computed as UTC + this offset, the one form every backend runs alike
    (DuckDB cannot convert a column's zone). Every zone of China has kept +08:00 since 1991.
    """
    try:
        info = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError("unknown time zone", field="zone", value=zone) from None
    offsets = {
        dt.datetime(year, month, 15, 12, tzinfo=dt.UTC).astimezone(info).utcoffset()
        for year in range(1992, 2101)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        raise ValidationError(
            "the zone's offset changes (daylight saving); give a zone with one offset",
            field="zone",
            value=zone,
        )
    (offset,) = offsets
    assert offset is not None  # noqa: S101 - a ZoneInfo always has an offset
    return offset


def local_day(name: str, offset: dt.timedelta) -> Any:  # noqa: ANN401 - a narwhals expression
    """Days since 1970-01-01 of the local date of an aware time column (null stays null).

    Counted from the local year, month and day by the civil-calendar formula in whole numbers, the
    one form every backend runs (PySpark has no duration arithmetic on timestamps).
    """
    wall = nw.col(name).dt.replace_time_zone(None) + offset
    year = wall.dt.year().cast(nw.Int64)
    month = wall.dt.month().cast(nw.Int64)
    day = wall.dt.day().cast(nw.Int64)
    early = (14 - month) // 12  # 1 for January and February, counted with the year before
    y = year - early + 4800  # from 4800 BC, so every year is positive
    m = month + 12 * early - 3  # March is 0
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045 - 2440588


def local_month(name: str, offset: dt.timedelta) -> Any:  # noqa: ANN401 - a narwhals expression
    """Months since 1970-01 of the local date of an aware time column (``year * 12 + month - 1``)."""
    wall = nw.col(name).dt.replace_time_zone(None) + offset
    return (wall.dt.year().cast(nw.Int64) - 1970) * 12 + wall.dt.month().cast(nw.Int64) - 1


def whole(value: object, field: str, minimum: int, more: str = "") -> int:
    """``value`` as a whole number of at least ``minimum`` (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(
            f"must be a whole number of at least {minimum}{more}", field=field, value=value
        )
    return value


def parse_period(period: str) -> int:
    """``"2025-03"`` → months since 1970-01."""
    problem = ValidationError("expected a month as YYYY-MM", field="period", value=period)
    try:
        year, month = (int(part) for part in period.split("-"))
    except (ValueError, AttributeError):
        raise problem from None
    if not 1 <= month <= 12 or len(period) != 7:  # noqa: PLR2004 - YYYY-MM
        raise problem
    return (year - 1970) * 12 + month - 1


def month_label(month: int) -> str:
    """Months since 1970-01 → ``"YYYY-MM"``."""
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def one_per_ticket(
    frame: Any,  # noqa: ANN401 - a narwhals frame
    cols: Mapping[str, str],
    fields: Iterable[str],
    *,
    per: Iterable[str] = (),
    anonymous: bool = True,
) -> Any:  # noqa: ANN401 - a narwhals frame
    """One row per ticket (per ``per`` value): the ``fields`` columns, merged over the ticket's rows.

    An export holds one row per (ticket, unit) — the lead's, with every field, and each co-handler's
    (协办), often with blanks — and platforms repeat rows. Where the table has a ``ticket_id`` column,
    the rows of one id are one ticket whose fields are their non-blank values; rows of one id with two
    different values of a field are refused (a :class:`~jiesu.errors.ValidationReport` of every such
    id). A row without an id is a ticket of its own (dropped with ``anonymous=False``); without the
    column every row is a ticket.
    """
    from jiesu.errors import Problem, ValidationReport  # noqa: PLC0415 - errors only on this path

    tid = cols["ticket_id"]
    keys = list(dict.fromkeys(per))
    values = [f for f in dict.fromkeys(fields) if f not in {tid, *keys}]
    schema = frame.collect_schema()
    if tid not in schema:
        return frame.select(*keys, *values)
    kept = frame.select(tid, *keys, *values)
    counts = collect(
        frame.select(_n=nw.len(), _ids=nw.col(tid).n_unique(), _blank=nw.col(tid).null_count())
    ).row(0)
    n, ids_seen, blank = (int(v or 0) for v in counts)  # an empty table may give None
    if ids_seen - (blank > 0) == n - blank:  # every id once already: nothing to merge
        return kept if anonymous else kept.filter(~nw.col(tid).is_null())
    merged = (
        frame.filter(~nw.col(tid).is_null())
        .group_by(tid, *keys)
        .agg(
            *(nw.col(v).min().alias(f"_low{i}") for i, v in enumerate(values)),
            *(nw.col(v).max() for v in values),
        )
    )
    # an all-null column cannot clash; the received time (always among the fields) always can
    typed = [(i, v) for i, v in enumerate(values) if schema[v] != nw.Unknown]
    differs = [_differs(f"_low{i}", v, float_=schema[v].is_float()) for i, v in typed]
    clash = merged.filter(nw.any_horizontal(*differs, ignore_nulls=True)).select(tid).unique()
    ids = sorted(str(v) for v in column(collect(clash), tid).tolist())
    if ids:
        raise ValidationReport(
            [
                Problem(i, tid, None, "rows of this ticket disagree on " + ", ".join(values))
                for i in ids
            ],
            total=int(collect(frame.select(nw.len())).item()),
        )
    out = merged.select(tid, *keys, *values)
    if not anonymous:
        return out
    return nw.concat([out, kept.filter(nw.col(tid).is_null())])


def _differs(low: str, high: str, *, float_: bool) -> Any:  # noqa: ANN401 - a narwhals expression
    """Two values that are both present (not null, not NaN) and unequal."""
    present = [~nw.col(c).is_null() for c in (low, high)]
    if float_:
        present += [~nw.col(c).is_nan() for c in (low, high)]
    return nw.all_horizontal(nw.col(low) != nw.col(high), *present, ignore_nulls=True)


def collect(frame: Any) -> Any:  # noqa: ANN401 - a narwhals frame
    """An eager narwhals frame (a lazy one collected)."""
    return frame.collect() if isinstance(frame, nw.LazyFrame) else frame


def column(frame: Any, name: str) -> npt.NDArray[Any]:  # noqa: ANN401 - an eager narwhals frame
    """A column as a numpy array (text as objects, nulls as ``None``)."""
    series = frame[name]
    if series.dtype in {nw.String, nw.Categorical}:
        return np.asarray(series.to_arrow().to_pylist(), dtype=object)  # null is None, not NaN
    values: npt.NDArray[Any] = series.to_numpy()
    return values


def is_lazy(frame: Any) -> bool:  # noqa: ANN401 - a narwhals frame
    """Whether the frame is lazy (polars lazy, DuckDB, PySpark)."""
    return isinstance(frame, nw.LazyFrame)


def refuse_missing_times(frame: Any, cols: Mapping[str, str]) -> None:  # noqa: ANN401 - a narwhals frame
    """Raise one report naming every row without a received time (it cannot be put in a period)."""
    from jiesu.errors import Problem, ValidationReport  # noqa: PLC0415 - errors only on this path

    at, tid = cols["received_at"], cols["ticket_id"]
    has_id = tid in frame.collect_schema()
    lazy = is_lazy(frame)
    probe = frame if lazy or has_id else frame.with_row_index("_row")
    where = tid if has_id else "_row"
    if lazy and not has_id:
        missing = collect(probe.filter(nw.col(at).is_null()).select(nw.len())).item()
        rows: list[Any] = [f"#{i + 1} (map ticket_id to name rows)" for i in range(missing)]
    else:
        bad = collect(probe.filter(nw.col(at).is_null()).select(where))
        rows = bad[where].to_list()
    if rows:
        raise ValidationReport(
            [
                Problem(r, at, None, "no received time: the ticket cannot be put in a period")
                for r in rows
            ],
            total=int(collect(frame.select(nw.len())).item()),
        )
