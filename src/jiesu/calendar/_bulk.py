"""The clocks of many tickets (批量工单时限): from ``Ticket`` objects or from a ticket table.

Both paths end in the same kernel: each ticket's milestone times as ``int64`` microseconds (UTC), then one
:func:`~jiesu.calendar.sla_status_many` call per limit of the policy (a handful), never a loop per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from jiesu.calendar._clock import (
    _NAT,
    ClockStatus,
    SlaTable,
    _inverse,
    _np,
    _position,
    _status,
    convert,
    sla_status_many,
)
from jiesu.errors import Problem, ValidationError, ValidationReport
from jiesu.model import Duration, Kind, Reopen, Ticket, TimeUnit, Urgency

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping, Sequence

    from numpy.typing import NDArray

    from jiesu.calendar._calendar import WorkCalendar
    from jiesu.calendar._policy import DeadlinePolicy, Limit

__all__ = ["SLA_COLUMNS", "clocks_many", "sla_frame"]

_UNITS: Final = tuple(TimeUnit)
_NATURAL: Final = (TimeUnit.NATURAL_HOURS, TimeUnit.NATURAL_DAYS)
_HANDLING: Final = ("reply", "rehandle")
_WINDOWS: Final = ("return_window",)
_STATUS_DTYPE: Final = "<U11"
_CODES: Final = tuple(s.value for s in ClockStatus)

SLA_COLUMNS: Final = (
    "received_at",
    "kind",
    "urgency",
    "dispatched_at",
    "first_dispatched_at",
    "signed_at",
    "contacted_at",
    "replied_at",
    "returned_at",
    "callback_at",
    "reopened_at",
    "extension_days",
    "paused_from",
    "paused_until",
)
"""The roles :func:`sla_frame` reads (工单表字段); only ``received_at``, ``kind`` and ``urgency`` are required.

* ``received_at``, ``dispatched_at`` (the current lead's dispatch, 改派 included),
  ``first_dispatched_at`` (default: ``dispatched_at``), ``signed_at``, ``contacted_at`` (first contact),
  ``replied_at``, ``returned_at`` (the first return request), ``callback_at``, ``reopened_at`` (the last
  reopen): aware instants (a naive column is refused); null where the event did not happen.
* ``kind`` and ``urgency``: codes (``complaint``, ``normal``...).
* ``extension_days``: approved extensions, in days of the reply limit's own family (working days for a
  working-time limit, natural days for a natural-time one); null or absent means none.
* ``paused_from`` / ``paused_until``: one tracked interval (挂账); ``paused_until`` null while open.
"""

_TIMES: Final = (
    "received_at",
    "dispatched_at",
    "first_dispatched_at",
    "signed_at",
    "contacted_at",
    "replied_at",
    "returned_at",
    "callback_at",
    "reopened_at",
)


class _Times:
    """The milestone times of many tickets: ``int64`` UTC microseconds, ``_NAT`` where missing."""

    def __init__(self, n: int, pauses: int = 1) -> None:
        self.n = n
        self.at: dict[str, NDArray[np.int64]] = {
            name: np.full(n, _NAT, dtype=np.int64) for name in _TIMES
        }
        self.returns = np.full((n, 1), _NAT, dtype=np.int64)  # every return request, padded
        self.pause_starts = np.full((n, pauses), _NAT, dtype=np.int64)
        self.pause_ends = np.full((n, pauses), _NAT, dtype=np.int64)
        self.extension = {u: np.zeros(n) for u in _UNITS}  # per ticket, summed in each unit
        self.kind = np.zeros(n, dtype=np.intp)  # indices into Kind / Urgency members
        self.urgency = np.zeros(n, dtype=np.intp)
        self.cross = np.zeros(n, dtype=np.int8)  # families of the extensions: 1 natural, 2 working
        self.ext_unit = np.full((n, 0), -1, dtype=np.int8)  # every extension, padded: unit index
        self.ext_amount = np.zeros((n, 0))  # and amount, in order


def _us(value: dt.datetime | None) -> int:
    if value is None:
        return int(_NAT)
    return round(value.timestamp() * 1_000_000)


_KINDS: Final = tuple(Kind)
_URGENCIES: Final = tuple(Urgency)
_KIND_INDEX: Final = {k: i for i, k in enumerate(_KINDS)}
_URGENCY_INDEX: Final = {u: i for i, u in enumerate(_URGENCIES)}


def _from_tickets(tickets: Sequence[object], calendar: WorkCalendar, *, restart: bool) -> _Times:
    n = len(tickets)
    times = _Times(n)
    cols = {name: [int(_NAT)] * n for name in _TIMES}
    returns: list[tuple[int, list[int]]] = []
    pauses: list[tuple[int, list[tuple[int, int]]]] = []
    extended: list[tuple[int, tuple[Duration, ...]]] = []
    kinds = [0] * n
    urgencies = [0] * n
    received, dispatched, first = (
        cols["received_at"],
        cols["dispatched_at"],
        cols["first_dispatched_at"],
    )
    signed, contacted, replied = cols["signed_at"], cols["contacted_at"], cols["replied_at"]
    callbacks, reopened = cols["callback_at"], cols["reopened_at"]
    bad: list[Problem] = []
    for i, ticket in enumerate(tickets):
        if not isinstance(ticket, Ticket):
            bad.append(Problem(i, "ticket", type(ticket).__name__, "must be a Ticket"))
            continue
        complaint = ticket.complaint
        kinds[i] = _KIND_INDEX[complaint.kind]
        urgencies[i] = _URGENCY_INDEX[complaint.urgency]
        received[i] = _us(complaint.received_at)
        first[i] = _us(ticket.first_dispatched_at)
        dispatched[i] = _us(ticket.dispatched_at) if restart else first[i]
        signed[i] = _us(ticket.signed_at)
        contacted[i] = _us(ticket.first_contact_at)
        replied[i] = _us(ticket.replied_at)
        callback = ticket.callback
        if callback is not None:
            callbacks[i] = _us(callback.at)
        if ticket.reopen_count:
            reopened[i] = _us(next(e.at for e in reversed(ticket.events) if isinstance(e, Reopen)))
        if ticket.returns:
            returns.append((i, [_us(r.at) for r in ticket.returns]))
        if ticket.pauses:
            pauses.append((i, [(_us(s), _us(e)) for s, e in ticket.pauses]))
        if ticket.extensions:
            extended.append((i, ticket.extensions))
            _add_extensions(times, i, ticket.extensions, calendar)
    if bad:
        raise ValidationReport(bad, total=n)
    for name, values in cols.items():
        times.at[name] = np.asarray(values, dtype=np.int64)
    times.kind = np.asarray(kinds, dtype=np.intp)
    times.urgency = np.asarray(urgencies, dtype=np.intp)
    _pad(times, returns, pauses, extended)
    return times


def _pad(
    times: _Times,
    returns: list[tuple[int, list[int]]],
    pauses: list[tuple[int, list[tuple[int, int]]]],
    extended: list[tuple[int, tuple[Duration, ...]]],
) -> None:
    """Lay the few tickets with returns, pauses or extensions into padded 2-D arrays."""
    n = times.n
    if returns:
        width = max(len(r) for _, r in returns)
        times.returns = np.full((n, width), _NAT, dtype=np.int64)
        for i, r in returns:
            times.returns[i, : len(r)] = r
    if extended:
        width = max(len(e) for _, e in extended)
        times.ext_unit = np.full((n, width), -1, dtype=np.int8)
        times.ext_amount = np.zeros((n, width))
        for i, found in extended:
            times.ext_unit[i, : len(found)] = [_UNITS.index(e.unit) for e in found]
            times.ext_amount[i, : len(found)] = [float(e.amount) for e in found]
    if pauses:
        width = max(len(p) for _, p in pauses)
        times.pause_starts = np.full((n, width), _NAT, dtype=np.int64)
        times.pause_ends = np.full((n, width), _NAT, dtype=np.int64)
        for i, p in pauses:
            times.pause_starts[i, : len(p)] = [s for s, _ in p]
            times.pause_ends[i, : len(p)] = [e for _, e in p]


def _add_extensions(
    times: _Times, row: int, extensions: Sequence[Duration], calendar: WorkCalendar
) -> None:
    """Sum a ticket's extensions in each unit, as :func:`clock` does (same family, in order)."""
    for unit in _UNITS:
        natural = unit in _NATURAL
        same = [e for e in extensions if (e.unit in _NATURAL) == natural]
        times.extension[unit][row] = sum(convert(e, unit, calendar) for e in same)
    families = {1 if e.unit in _NATURAL else 2 for e in extensions}
    times.cross[row] = sum(families)


def _combos(policy: DeadlinePolicy, milestone: str) -> NDArray[np.intp]:
    """For each (kind, urgency) pair, the index of the milestone's limit in the policy, or -1."""
    table = np.full((len(_KINDS), len(_URGENCIES)), -1, dtype=np.intp)
    for k, kind in enumerate(_KINDS):
        for u, urgency in enumerate(_URGENCIES):
            found = policy.limit(milestone, kind, urgency)
            if found is not None:
                table[k, u] = policy.limits.index(found)
    return table


def _start(times: _Times, limit: Limit) -> NDArray[np.int64]:
    return times.at[
        {
            "intake": "received_at",
            "dispatch": "dispatched_at",
            "sign_for": "signed_at",
            "reply": "replied_at",
            "reopen": "reopened_at",
        }[limit.starts_at]
    ]


def _after(value: NDArray[np.int64], start: NDArray[np.int64]) -> NDArray[np.int64]:
    return np.where((value != _NAT) & (value >= start), value, _NAT)


def _stop(times: _Times, milestone: str, start: NDArray[np.int64]) -> NDArray[np.int64]:
    if milestone == "dispatch":
        return times.at["first_dispatched_at"]
    if milestone == "return_window":
        late = (times.returns != _NAT) & (times.returns >= start[:, None])
        found = np.where(late, times.returns, np.iinfo(np.int64).max).min(axis=1)
        return np.where(late.any(axis=1), found, _NAT)
    name = {
        "sign_for": "signed_at",
        "first_contact": "contacted_at",
        "reply": "replied_at",
        "rehandle": "replied_at",
        "callback": "callback_at",
    }[milestone]
    return _after(times.at[name], start)


def _empty(n: int) -> SlaTable:
    return SlaTable(
        due=np.full(n, np.datetime64("NaT", "us")),
        status=np.full(n, "", dtype=_STATUS_DTYPE),
        elapsed=np.full(n, np.nan),
        remaining=np.full(n, np.nan),
        excluded=np.full(n, np.nan),
        paused=np.zeros(n, dtype=bool),
        provisional=np.zeros(n, dtype=bool),
    )


def _put(table: SlaTable, rows: NDArray[np.intp], part: SlaTable) -> None:
    for name in ("due", "status", "elapsed", "remaining", "excluded", "paused", "provisional"):
        getattr(table, name)[rows] = getattr(part, name)


def _clocks(
    calendar: WorkCalendar,
    times: _Times,
    rows: NDArray[np.intp],
    limit: Limit,
    stops: NDArray[np.int64],
    *,
    handling: bool,
    now: dt.datetime,
    warn_fraction: float,
    extensions: NDArray[np.float64] | None = None,
) -> SlaTable:
    unit = limit.duration.unit
    warn = limit.warn_before
    return sla_status_many(
        calendar,
        _start(times, limit)[rows].view("datetime64[us]"),
        float(limit.duration.amount),
        unit,
        now=now,
        extensions=(times.extension[unit][rows] if extensions is None else extensions)
        if handling
        else None,
        pause_starts=times.pause_starts[rows].view("datetime64[us]") if handling else None,
        pause_ends=times.pause_ends[rows].view("datetime64[us]") if handling else None,
        stops=stops.view("datetime64[us]"),
        warn_before=None if warn is None else convert(warn, unit, calendar),
        warn_fraction=warn_fraction,
    )


def _other_family(
    calendar: WorkCalendar,
    times: _Times,
    rows: NDArray[np.intp],
    limit: Limit,
    stops: NDArray[np.int64],
    *,
    now: dt.datetime,
    warn_fraction: float,
) -> SlaTable:
    """:func:`clock`'s rule for extensions in the other family, over whole arrays.

    Each such extension moves the due time by its own amount counted in its own unit, in order; the
    difference is then counted in the limit's unit as extension.
    """
    unit = limit.duration.unit
    first = _clocks(
        calendar, times, rows, limit, stops, handling=True, now=now, warn_fraction=warn_fraction
    )
    due = first.due.view(np.int64).copy()
    natural = unit in _NATURAL
    for j in range(times.ext_unit.shape[1]):  # one pass per extension position, not per row
        for k, other in enumerate(_UNITS):
            if (other in _NATURAL) == natural:
                continue
            sel = times.ext_unit[rows, j] == k
            if sel.any():
                moved = _inverse(
                    calendar,
                    other,
                    _position(calendar, other, due[sel]) + times.ext_amount[rows[sel], j],
                )
                due[sel] = np.maximum(moved, due[sel])
    start_due = first.due.view(np.int64)
    ext = times.extension[unit][rows] + (
        _position(calendar, unit, due) - _position(calendar, unit, start_due)
    )
    table = _clocks(
        calendar,
        times,
        rows,
        limit,
        stops,
        handling=True,
        now=now,
        warn_fraction=warn_fraction,
        extensions=ext,
    )
    warn = (
        np.full(rows.size, convert(limit.warn_before, unit, calendar))
        if limit.warn_before is not None
        else (float(limit.duration.amount) + ext) * warn_fraction
    )
    now_us = _np(now, "now").astype(np.int64)
    status = _status(stops, due, now_us, table.remaining, warn)
    due64 = due.view("datetime64[us]")
    return SlaTable(
        due=due64,
        status=np.asarray(_CODES[:5])[status],
        elapsed=table.elapsed,
        remaining=table.remaining,
        excluded=table.excluded,
        paused=table.paused,
        provisional=calendar.is_provisional_many(due64),
    )


def _kernel(
    policy: DeadlinePolicy,
    calendar: WorkCalendar,
    times: _Times,
    now: dt.datetime,
) -> dict[str, SlaTable]:
    """Every milestone's table: one ``sla_status_many`` call per limit (two for odd extensions)."""
    result: dict[str, SlaTable] = {}
    for milestone in dict.fromkeys(x.milestone for x in policy.limits):
        which = _combos(policy, milestone)[times.kind, times.urgency]
        table = _empty(times.n)
        handling = milestone in _HANDLING
        for index in np.unique(which[which >= 0]):
            limit = policy.limits[int(index)]
            unit = limit.duration.unit
            start = _start(times, limit)
            mine = (which == index) & (start != _NAT)
            stops = _stop(times, milestone, start)
            odd = np.zeros_like(mine)
            if handling:  # extensions in the other family than the limit's
                family = 1 if unit in _NATURAL else 2
                odd = mine & (times.cross != 0) & (times.cross != family)
                mine &= ~odd
            for pick, rule in ((mine, _clocks), (odd, _other_family)):
                rows = np.flatnonzero(pick)
                if rows.size:
                    kwargs: dict[str, Any] = {} if rule is _other_family else {"handling": handling}
                    part = rule(
                        calendar,
                        times,
                        rows,
                        limit,
                        stops[rows],
                        now=now,
                        warn_fraction=policy.warn_fraction,
                        **kwargs,
                    )
                    _put(table, rows, part)
        if milestone in _WINDOWS:
            table.status[table.status == ClockStatus.OVERDUE.value] = ClockStatus.CLOSED.value
        result[milestone] = table
    return result


def clocks_many(
    policy: DeadlinePolicy,
    tickets: Iterable[Ticket],
    calendar: WorkCalendar,
    *,
    now: dt.datetime,
) -> dict[str, SlaTable]:
    """The clocks of many tickets (批量工单时限): milestone name → :class:`SlaTable`, one row per ticket.

    Row ``i`` of each table equals ``policy.clocks(tickets[i], calendar, now=now)[milestone]``. Where a
    milestone's clock has not started (or the policy sets no limit for the ticket's kind and urgency) the
    row is empty: status ``""``, due ``NaT``, elapsed, remaining and excluded ``NaN``. Every milestone the
    policy limits has a table. ``remaining``, ``elapsed`` and ``excluded`` are in each row's limit unit.

    One pass reads each ticket's milestone times; the clocks are then computed over whole arrays, including
    :func:`clock`'s rule for extensions in the other family than the limit (working days on a natural-day
    limit).

    Raises:
        ValidationReport: Every item that is not a :class:`~jiesu.model.Ticket`.
        CalendarCoverageError: A due time falls outside the calendar.
    """
    items = tickets if isinstance(tickets, (list, tuple)) else list(tickets)
    times = _from_tickets(items, calendar, restart=policy.restart_on_redispatch)
    _np(now, "now")
    return _kernel(policy, calendar, times, now)


# -------------------------------------------------------------------------------------------- frames


def _check_columns(schema: Mapping[str, Any], names: Mapping[str, str]) -> None:
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - frame machinery loads on first use

    for role in ("received_at", "kind", "urgency"):
        if names[role] not in schema:
            raise ValidationError(
                "is a required column of the ticket table", field=role, value=names[role]
            )
    for role in (*_TIMES, "paused_from", "paused_until"):
        column = names[role]
        dtype = schema.get(column)
        if dtype is not None and (not isinstance(dtype, nw.Datetime) or dtype.time_zone is None):
            raise ValidationError(
                "must be a column of aware instants (a zone is never guessed)",
                field=column,
                value=str(dtype),
            )


def _select(frame: Any, names: Mapping[str, str]) -> dict[str, NDArray[Any]]:  # noqa: ANN401 - a narwhals DataFrame
    """The columns the clocks need, as numpy: instants as UTC microseconds (``_NAT`` for null)."""
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - frame machinery loads on first use

    schema = frame.schema
    exprs = [
        nw.col(names[role])
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
        .cast(nw.Datetime("us"))
        .cast(nw.Int64)
        .fill_null(int(_NAT))
        .alias(role)
        for role in (*_TIMES, "paused_from", "paused_until")
        if names[role] in schema
    ]
    exprs += [  # codes mapped by the engine: member index, -1 for an unknown code or null
        nw.col(names[role])
        .cast(nw.String)
        .replace_strict(
            [m.value for m in members],
            list(range(len(members))),
            default=-1,
            return_dtype=nw.Int8,
        )
        .fill_null(-1)
        .alias(role)
        for role, members in (("kind", _KINDS), ("urgency", _URGENCIES))
    ]
    if names["extension_days"] in schema:
        exprs.append(
            nw.col(names["extension_days"]).cast(nw.Float64).fill_null(0).alias("extension_days")
        )
    picked = frame.select(exprs)
    return {name: picked[name].to_numpy() for name in picked.columns}


def _codes(
    frame: Any,  # noqa: ANN401 - a narwhals DataFrame
    codes: NDArray[Any],
    column: str,
    problems: list[Problem],
) -> NDArray[np.intp]:
    """Member indices as the engine mapped them; each unknown code's row goes to ``problems``."""
    index = codes.astype(np.intp)
    bad = np.flatnonzero(index < 0)
    if bad.size:
        raw = frame[column].to_numpy()
        problems += [Problem(int(r), column, str(raw[r]), "unknown code") for r in bad]
    out: NDArray[np.intp] = np.where(index < 0, 0, index)
    return out


def _frame_times(
    frame: Any,  # noqa: ANN401 - a narwhals DataFrame
    names: Mapping[str, str],
    calendar: WorkCalendar,
) -> _Times:
    _check_columns(frame.schema, names)
    picked = _select(frame, names)
    n = len(frame)
    times = _Times(n)
    for role in _TIMES:
        if role in picked:
            times.at[role] = picked[role].astype(np.int64)
    if "first_dispatched_at" not in picked:
        times.at["first_dispatched_at"] = times.at["dispatched_at"]
    problems = [
        Problem(int(r), names["received_at"], None, "missing value is not an instant")
        for r in np.flatnonzero(times.at["received_at"] == _NAT)
    ]
    times.returns = times.at["returned_at"][:, None]
    if "paused_from" in picked:
        times.pause_starts = picked["paused_from"].astype(np.int64)[:, None]
    if "paused_until" in picked:
        times.pause_ends = picked["paused_until"].astype(np.int64)[:, None]
    times.kind = _codes(frame, picked["kind"], names["kind"], problems)
    times.urgency = _codes(frame, picked["urgency"], names["urgency"], problems)
    if problems:
        raise ValidationReport(sorted(problems, key=lambda p: p.row), total=n)
    if "extension_days" in picked:
        days = picked["extension_days"].astype(np.float64)
        for unit in _UNITS:
            family = TimeUnit.NATURAL_DAYS if unit in _NATURAL else TimeUnit.WORKING_DAYS
            times.extension[unit] = days * convert(Duration(1, family), unit, calendar)
    return times


def sla_frame(
    frame: Any,  # noqa: ANN401 - any native frame narwhals reads
    policy: DeadlinePolicy,
    calendar: WorkCalendar,
    *,
    now: dt.datetime,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """The clocks of a ticket table (工单表时限), as columns added to it.

    For each milestone the policy limits, three columns: ``<milestone>_due`` (UTC instants),
    ``<milestone>_status`` (status codes; null where the clock has not started) and
    ``<milestone>_remaining`` (in the row's limit unit: hours for hour limits, days for day limits; null
    where not started). Values equal :func:`clocks_many` on the same tickets.

    Args:
        frame: pandas, polars (eager or lazy), pyarrow, duckdb... A lazy frame is collected (its columns
            are needed as arrays) and returned eager.
        policy: The deadline policy.
        calendar: The working calendar.
        now: The instant the statuses are taken at.
        columns: Role → column name, for names other than the roles in :data:`SLA_COLUMNS`.

    Raises:
        ValidationError: A required column is missing, or a time column is naive.
        ValidationReport: Every row with a missing ``received_at`` or an unknown kind or urgency code.

    Examples:
        >>> import datetime as dt, pendulum, pyarrow as pa
        >>> from jiesu.calendar import DeadlinePolicy, WorkCalendar
        >>> at = pa.array([dt.datetime(2025, 3, 3, 1)] * 2, pa.timestamp("us", tz="UTC"))
        >>> table = pa.table({"received_at": at, "dispatched_at": at, "kind": ["complaint", "help"],
        ...                   "urgency": ["normal", "normal"]})
        >>> now = pendulum.datetime(2025, 3, 10, 9, tz="Asia/Shanghai")
        >>> out = sla_frame(table, DeadlinePolicy.preset("jinan"), WorkCalendar.china(), now=now)
        >>> out.column("reply_status").to_pylist(), out.column("reply_remaining").to_pylist()
        (['due_soon', 'due_soon'], [0.625, 0.625])
    """
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - frame machinery loads on first use

    names = {role: role for role in SLA_COLUMNS}
    for role, column in (columns or {}).items():
        if role not in names:
            raise ValidationError(
                f"is not a role of the ticket table; choose one of {', '.join(SLA_COLUMNS)}",
                field="columns",
                value=role,
            )
        names[role] = column
    _np(now, "now")
    native = nw.from_native(frame)
    if isinstance(native, nw.LazyFrame):
        native = native.collect()
    times = _frame_times(native, names, calendar)
    tables = _kernel(policy, calendar, times, now)
    added = []
    backend = nw.get_native_namespace(native)
    for milestone, table in tables.items():
        codes = np.zeros(len(table), dtype=np.int8)  # 0: not started (null)
        for k, code in enumerate(_CODES, start=1):
            codes[table.status == code] = k
        added += [
            nw.new_series(
                f"{milestone}_due", table.due, nw.Datetime("us"), backend=backend
            ).dt.replace_time_zone("UTC"),
            nw.new_series(f"{milestone}_status", codes, nw.Int8, backend=backend).replace_strict(
                list(range(len(_CODES) + 1)), [None, *_CODES], return_dtype=nw.String
            ),
            nw.new_series(f"{milestone}_remaining", table.remaining, nw.Float64, backend=backend),
        ]
    return native.with_columns(added).to_native()
