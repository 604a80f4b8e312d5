"""The monthly job (月度考评作业): validate, audit dispatch, read the clocks, score and summarise a month."""

from __future__ import annotations

import collections
import difflib
import re
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import pendulum

from jiesu.calendar import SLA_COLUMNS, sla_frame
from jiesu.errors import (
    MissingDependencyError,
    Problem,
    ValidationError,
    ValidationReport,
)
from jiesu.model import Ticket, aware
from jiesu.routing import ROUTE_REASONS, route_frame
from jiesu.scoring import (
    ColumnMap,
    area_volume_many,
    evaluate,
    period_many,
    tally_evaluations,
    tally_frame,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    import pyarrow as pa

    from jiesu.month._district import District
    from jiesu.scoring import Rules, Scorecard

__all__ = [
    "AUDIT_LABELS",
    "CLOCK_MILESTONES",
    "PASSED_ON",
    "MonthJob",
    "MonthResult",
    "MonthSummary",
]

AUDIT_LABELS: Final = {"match": "一致", "mismatch": "不一致", "unverifiable": "无法核验"}
"""The dispatch audit's outcomes (派单核验): the export's unit is the one the rules name, another, or unknown."""

CLOCK_MILESTONES: Final = {
    "dispatch": "dispatched_at",
    "sign_for": "signed_at",
    "first_contact": "contacted_at",
    "reply": "replied_at",
    "callback": "callback_at",
}
"""Milestones whose clocks the job reads, each with the export column that stops it (节点 → 完成时间)."""

PASSED_ON: Final = (
    "kind",
    "urgency",
    "requester_type",
    "dispatch_mode",
    "dispatched_at",
    "signed_at",
    "contacted_at",
    "replied_at",
    "callback_at",
    "closed_at",
    "reopened_at",
    "returned",
    "answered_at_intake",
    "not_dispatched",
    "excluded",
    "callback",
    "contacted",
    "solved",
    "satisfaction",
    "lon",
    "lat",
    "crs",
)
"""Input fields the result's ticket table carries on as read (none of them personal), for the analytics."""

_STARTS: Final = {
    "intake": "received_at",
    "dispatch": "dispatched_at",
    "sign_for": "signed_at",
    "reply": "replied_at",
}
_ORDER: Final = (
    ("dispatched_at", "received_at", "派单 before 受理 (dispatched before it was received)"),
    ("signed_at", "dispatched_at", "签收 before 派单 (signed for before it was dispatched)"),
    ("contacted_at", "received_at", "联系 before 受理 (contact before it was received)"),
    ("replied_at", "received_at", "办结 before 受理 (replied before it was received)"),
    ("callback_at", "replied_at", "回访 before 办结 (callback before the reply)"),
    ("closed_at", "received_at", "结案 before 受理 (closed before it was received)"),
)
_PERIOD: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_BAD_UNIT: Final = frozenset({"", "nan", "none", "null", "-"})


@attrs.frozen
class MonthSummary:
    """The month at a glance (月度概况): counts, clock statuses and top categories per area.

    Attributes:
        counts: ``rows`` (export rows), ``tickets`` (distinct ids), ``bad_rows``, ``scored`` (rows scored in
            the period), and over the lead rows of tickets received in the period: ``received``,
            ``answered_at_intake``, ``not_dispatched``, ``awaiting_dispatch``, ``dispatched`` (= ``direct`` +
            ``via_district`` when the export has 派单方式), ``returns`` and ``open`` (neither closed nor
            called back).
        sla: Milestone → status → count, over the period's rows with a started clock.
        audit: Audit outcome (``match``/``mismatch``/``unverifiable``) → count, over the lead rows of
            tickets received in the period.
        mismatches: Unit code → those rows dispatched to it that the rules send elsewhere (不一致).
        overdue: Unit code → reply clocks overdue at ``now``, over every good row (督办).
        top_categories: Area code → its most frequent categories ``(category, count)`` in the period.
    """

    counts: Mapping[str, int]
    sla: Mapping[str, Mapping[str, int]]
    audit: Mapping[str, int]
    mismatches: Mapping[str, int]
    overdue: Mapping[str, int]
    top_categories: Mapping[str, tuple[tuple[str, int], ...]]


@attrs.frozen
class MonthResult:
    """What the monthly job returns (月度结果): one row per ticket row, the scorecard and every problem.

    Attributes:
        district: The district's name.
        period: The scored period, ``YYYY-MM``.
        now: The instant clocks were read at.
        tickets: A ``pyarrow.Table`` with one row per input row, in input order (see :class:`MonthJob`).
        scorecard: The scored units of the period (and of any other period present).
        problems: Every bad row (``row`` is the 0-based input row).
        skipped: How many bad rows were left out of the scores (only with ``skip_bad=True``).
        summary: The month's summary.
    """

    district: str
    period: str
    now: pendulum.DateTime
    tickets: Any = attrs.field(repr=False)
    scorecard: Scorecard = attrs.field(repr=False)
    problems: ValidationReport = attrs.field(repr=False)
    skipped: int
    summary: MonthSummary = attrs.field(repr=False)

    def scores(self) -> list[Any]:
        """The period's scored units, by ranking group and rank (rated units first)."""
        rows = [s for s in self.scorecard.rows() if s.period == self.period]
        return sorted(
            rows,
            key=lambda s: (s.group is None, str(s.group), s.rank is None, s.rank or 0, str(s.unit)),
        )


def _pa() -> Any:  # noqa: ANN401 - the pyarrow module
    try:
        import pyarrow as pa  # noqa: PLC0415 - the io extra is optional
    except ImportError as exc:  # pragma: no cover - exercised only without the io extra installed
        raise MissingDependencyError("pyarrow", extra="io") from exc
    return pa


def _strings(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    if name not in table.column_names:
        return np.full(table.num_rows, None, dtype=object)
    return np.asarray(table.column(name).to_pylist(), dtype=object)


def _times(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    """A timestamp column as UTC ``datetime64[us]`` (NaT where null or absent)."""
    pa = _pa()
    if name not in table.column_names:
        return np.full(table.num_rows, np.datetime64("NaT"), dtype="datetime64[us]")
    col = table.column(name)  # always an aware timestamp: read_tickets and _from_tickets type it
    ints = col.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy(zero_copy_only=False)
    out = np.asarray(ints, dtype="float64")
    nat = np.isnan(out)
    values = np.where(nat, 0, out).astype(np.int64).astype("datetime64[us]")
    values[nat] = np.datetime64("NaT")
    return values


def _floats(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    pa = _pa()
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    col = table.column(name).cast(pa.float64())
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)


def _flags(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    values = _strings(table, name)
    return np.array([v is True or v in ("true", "yes", "是", "1") for v in values], dtype=bool)


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", str(text)) if text is not None else ""


class _Rows:
    """Problems of the batch, by 0-based row."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, row: int, field: str, value: object, reason: str) -> None:
        self.problems.append(Problem(row, field, value, reason))

    def rows(self) -> set[int]:
        return {int(p.row) for p in self.problems}


def _resolve(
    values: np.ndarray[Any, Any],
    known: Mapping[str, str],
    field: str,
    found: _Rows,
    *,
    required: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    """Map codes or names to codes, one lookup per distinct value; report unknown and blank ones."""
    out = np.full(values.shape, None, dtype=object)
    by_value: dict[object, list[int]] = collections.defaultdict(list)
    for i, v in enumerate(values.tolist()):
        by_value[v].append(i)
    choices = list(known)
    for value, rows in by_value.items():
        key = _norm(value)
        if key.lower() in _BAD_UNIT:
            for i in rows:
                if required[i]:
                    found.add(i, field, value, "required field is blank")
            continue
        code = known.get(key)
        if code is None:
            close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            for i in rows:
                found.add(i, field, value, f"unknown {field}{hint}")
            continue
        out[rows] = code
    return out


@attrs.frozen
class MonthJob:
    """The monthly job of one district (月度考评作业).

    ``MonthJob(district).run(tickets, period="2025-03", now=...)`` takes an export (a path or any dataframe
    narwhals reads, read with :func:`jiesu.io.read_tickets` in the district's zone) or a sequence of
    :class:`~jiesu.model.Ticket` objects, and:

    1. validates every row: a cell that cannot be read, a blank ``ticket_id``, ``received_at`` or
       ``category``, an unknown unit or category (nearest name suggested), times out of order (办结 before
       受理…), an identical duplicate row, two 主办 rows for one 工单编号;
    2. audits each lead row's dispatch (派单核验): the unit the catalogue and territory name for the
       category at the complaint's location (in its coordinate system) against the export's unit;
    3. reads the deadline clock of each milestone the export has times for, at ``now``, on lead rows;
    4. scores and ranks the units of the period in the rules' groups by the kinds in ``units.toml``;
    5. summarises the month.

    The result's ``tickets`` table has one row per input row with ``row``, ``ticket_id``, ``unit`` (code),
    ``unit_name``, ``expected_unit``, ``expected_unit_name``, ``audit`` (match / mismatch / unverifiable),
    ``audit_reason``, ``area``, ``category``, ``period``, ``scored``, ``bad`` and ``problem``, then
    ``<milestone>_due`` / ``<milestone>_status`` for every clock read, and ``lost_points`` (why the row
    cost its unit points: 未联系, 未解决, 不满意, 基本满意). The fields of :data:`PASSED_ON` the input
    has (times, answers, dispatch mode, coordinates…) follow as read, and ``caller_key`` with a
    ``caller_secret``, so the table feeds :mod:`jiesu.analytics` directly; names, phones, addresses and
    free text are never in it.

    Args:
        district: The district (its rules, deadlines, calendar, router and zone).

    Examples:
        >>> from jiesu.month import District, MonthJob
        >>> from jiesu.sample import generate_export
        >>> job = MonthJob(District.sample())
        >>> result = job.run(generate_export(n=40, seed=3), period="2025-03", now="2025-04-10T00:00:00+08:00")
        >>> result.tickets.num_rows, result.summary.counts["tickets"], bool(result.problems)
        (50, 40, False)
    """

    district: District

    def run(
        self,
        tickets: Any,  # noqa: ANN401 - a path, any dataframe, or Ticket objects
        *,
        period: str,
        now: object = None,
        skip_bad: bool = False,
        encoding: str = "auto",
        progress: Callable[[str, int, int], None] | None = None,
        caller_secret: str | bytes | None = None,
    ) -> MonthResult:
        """Run the month (运行月度作业).

        Args:
            tickets: A path (CSV, Excel, Parquet, JSON Lines), any dataframe, or ``Ticket`` objects.
            period: The scored period, ``YYYY-MM``.
            now: When the clocks are read (aware; ISO text with an offset); default the period's end.
            skip_bad: Score the good rows and count the bad ones as skipped, instead of raising.
            encoding: A CSV file's encoding (``auto`` detects UTF-8 / BOM / GB18030).
            progress: Called as ``progress(step, done, total)`` after each step.
            caller_secret: The district's secret for :func:`jiesu.analytics.caller_key`: with it, an
                export's 联系电话 becomes a ``caller_key`` column of the result (the phone never does),
                so repeats can be found on the result. A value that is not a phone number gives no
                key; the row is still scored.

        Returns:
            The result.

        Raises:
            ValidationReport: Bad rows and ``skip_bad`` is false (every bad row listed).
            ValidationError: ``period`` or ``now`` is malformed.
        """
        if not _PERIOD.match(str(period)):
            raise ValidationError("must be a period YYYY-MM", field="period", value=period)
        zone = self.district.timezone
        start = pendulum.datetime(int(period[:4]), int(period[5:]), 1, tz=zone)
        when = start.add(months=1) if now is None else _instant(now)
        steps = ("read", "validate", "audit", "clocks", "score", "summary")

        def step(k: int) -> None:
            if progress is not None:
                progress(steps[k], k + 1, len(steps))

        objects = _ticket_objects(tickets)
        table, read_problems = (
            (_from_tickets(objects, self.district), ())
            if objects is not None
            else self._read(tickets, encoding)
        )
        step(0)
        found = _Rows()
        found.problems += list(read_problems)
        units, categories = self._validate(table, found)
        bad = np.zeros(table.num_rows, dtype=bool)
        bad[list(found.rows())] = True
        step(1)
        if found.problems and not skip_bad:
            raise ValidationReport(_sorted(found.problems), total=table.num_rows)
        audit = self._audit(table, units, categories, bad)
        step(2)
        co_rows = _strings(table, "role") == "co_handler"
        clocks = (
            self._clocks(table, when, bad | co_rows)
            if objects is None
            else self._ticket_clocks(objects, when, bad)
        )
        step(3)
        periods = self._periods(table)
        scored = ~bad & (periods == period)
        areas = self._areas(table)
        volume = self._area_volume(table, areas, bad)
        scorecard = (
            self._score(table, units, periods, bad, volume)
            if objects is None
            else self._score_tickets(objects, bad, volume)
        )
        step(4)
        out = self._table(
            table,
            units=units,
            categories=categories,
            audit=audit,
            clocks=clocks,
            periods=periods,
            scored=scored,
            bad=bad,
            found=found,
            areas=areas,
            caller_keys=_caller_keys(table, caller_secret),
        )
        summary = self._summary(
            table,
            units=units,
            categories=categories,
            audit=audit,
            clocks=clocks,
            periods=periods,
            period=period,
            bad=bad,
            areas=areas,
        )
        step(5)
        return MonthResult(
            district=self.district.name,
            period=period,
            now=when,
            tickets=out,
            scorecard=scorecard,
            problems=ValidationReport(_sorted(found.problems), total=table.num_rows),
            skipped=int(bad.sum()),
            summary=summary,
        )

    # ----------------------------------------------------------------------------------------- read

    def _read(self, tickets: Any, encoding: str) -> tuple[pa.Table, tuple[Problem, ...]]:  # noqa: ANN401 - any input
        from jiesu.io import read_tickets  # noqa: PLC0415 - the io extra is optional

        read = read_tickets(
            tickets,
            timezone=self.district.timezone,
            columns=dict(self.district.columns) or None,
            encoding=encoding,
        )
        return read.frame, read.problems.problems

    # ------------------------------------------------------------------------------------- validate

    def _validate(
        self, table: pa.Table, found: _Rows
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        n = table.num_rows
        ids = _strings(table, "ticket_id")
        for i in np.flatnonzero([_norm(v) == "" for v in ids.tolist()]) if n else ():
            found.add(int(i), "ticket_id", ids[i], "required field is blank")
        received = _times(table, "received_at")
        for i in np.flatnonzero(np.isnat(received)):
            if not any(p.row == i and p.field == "received_at" for p in found.problems):
                found.add(int(i), "received_at", None, "required field is blank")
        intake = _flags(table, "answered_at_intake") | _flags(table, "not_dispatched")
        if "dispatched_at" in table.column_names:  # a ticket not yet dispatched has no unit yet
            intake |= np.isnat(_times(table, "dispatched_at"))
        known_units: dict[str, str] = {}
        for u in self.district.units:
            known_units.setdefault(_norm(u.name), u.code)
            known_units[_norm(u.code)] = u.code
        units = _resolve(_strings(table, "unit"), known_units, "unit", found, required=~intake)
        known_cats: dict[str, str] = {}
        for c in self.district.catalogue.categories:
            known_cats.setdefault(_norm(c.name), c.code)
            known_cats[_norm(c.code)] = c.code
        categories = _resolve(
            _strings(table, "category"),
            known_cats,
            "category",
            found,
            required=np.ones(n, dtype=bool),
        )
        for later, earlier, reason in _ORDER:
            a, b = _times(table, later), _times(table, earlier)
            wrong = ~np.isnat(a) & ~np.isnat(b) & (a < b)
            for i in np.flatnonzero(wrong):
                found.add(int(i), later, str(a[i]) + "Z", reason)
        self._duplicates(table, ids, units, found)
        return units, categories

    @staticmethod
    def _duplicates(
        table: pa.Table, ids: np.ndarray[Any, Any], units: np.ndarray[Any, Any], found: _Rows
    ) -> None:
        """Identical rows are duplicates of the first; two lead rows of one ticket contradict.

        Whole columns at once: each column is dictionary-encoded, the codes of a row form its key, and
        ``numpy.unique`` finds each key's first row. Only the reported rows are visited one by one.
        """
        pa = _pa()
        n = table.num_rows
        if n == 0:
            return
        data = [c for c in table.column_names if c not in ("row", "line")]
        codes = np.empty((n, len(data)), dtype=np.int64)
        for j, name in enumerate(data):
            encoded = table.column(name).combine_chunks().dictionary_encode()
            indices = encoded.indices.fill_null(-1) if encoded.null_count else encoded.indices
            codes[:, j] = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        del pa
        _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        lines = table.column("line").to_pylist() if "line" in table.column_names else None

        def where(i: int) -> str:
            return f"row {i}" if lines is None else f"row {i}, line {lines[i]}"

        repeated = first[inverse] != np.arange(n)
        for i in np.flatnonzero(repeated).tolist():
            found.add(i, "ticket_id", ids[i], f"duplicate of {where(int(first[inverse[i]]))}")
        keys = np.asarray([_norm(v) for v in ids.tolist()], dtype=object)
        lead = ~repeated & (_strings(table, "role") != "co_handler") & (keys != "")
        rows = np.flatnonzero(lead)
        if rows.size == 0:
            return
        _, first_lead, which = np.unique(
            keys[rows].astype(str), return_index=True, return_inverse=True
        )
        for k in np.flatnonzero(first_lead[which] != np.arange(rows.size)).tolist():
            i = int(rows[k])
            found.add(
                i,
                "role",
                ids[i],
                f"a second 主办 (lead) row for this 工单编号; the first is {where(int(rows[first_lead[which[k]]]))}",
            )
        del units

    # ---------------------------------------------------------------------------------------- audit

    def _audit(
        self,
        table: pa.Table,
        units: np.ndarray[Any, Any],
        categories: np.ndarray[Any, Any],
        bad: np.ndarray[Any, Any],
    ) -> dict[str, np.ndarray[Any, Any]]:
        n = table.num_rows
        outcome = np.full(n, "unverifiable", dtype=object)
        expected = np.full(n, None, dtype=object)
        reason = np.full(n, "", dtype=object)
        lons, lats = _floats(table, "lon"), _floats(table, "lat")
        crs = _strings(table, "crs")
        received = _times(table, "received_at")
        roles = _strings(table, "role")
        intake = _flags(table, "answered_at_intake") | _flags(table, "not_dispatched")
        lead = roles != "co_handler"
        todo = np.flatnonzero(
            ~bad & lead & ~intake & (categories != None) & (units != None)  # noqa: E711 - object arrays
        )
        reason[units == None] = "尚未派单 (not dispatched yet)"  # noqa: E711 - object array
        reason[intake] = "即时办结或不予派单，无需派单 (answered at intake or not dispatched)"
        reason[~lead] = "协办行，不核验 (a co-handler row is not audited)"
        reason[bad] = "坏行，未核验 (bad row, not audited)"
        pa = _pa()
        routed = route_frame(
            pa.table(
                {
                    "category": pa.array(categories[todo].tolist(), type=pa.string()),
                    "lon": pa.array(lons[todo], type=pa.float64(), from_pandas=True),
                    "lat": pa.array(lats[todo], type=pa.float64(), from_pandas=True),
                    "crs": pa.array(crs[todo].tolist(), type=pa.string()),
                    "received_at": pa.array(received[todo], type=pa.timestamp("us")).cast(
                        pa.timestamp("us", tz="UTC")
                    ),
                }
            ),
            self.district.router,
        )
        lead = np.asarray(routed.column("lead_unit").to_pylist(), dtype=object)
        status = np.asarray(routed.column("status").to_pylist(), dtype=object)
        code = np.asarray(routed.column("reason").to_pylist(), dtype=object)
        rule = np.asarray(routed.column("rule").to_pylist(), dtype=object)
        text = np.asarray(
            [
                ROUTE_REASONS.get(c, c) + (f"；{r}" if r else "")
                for c, r in zip(code.tolist(), rule.tolist(), strict=True)
            ],
            dtype=object,
        )
        refused = status == "refused"
        placeless = code == "no_location"
        reason[todo[refused]] = [
            "无法派单 (not routable): " + str(c) for c in code[refused].tolist()
        ]
        reason[todo[placeless]] = "无坐标，属地规则无法核验 (no location for a territorial rule)"
        checked = ~refused & ~placeless
        rows = todo[checked]
        expected[rows] = lead[checked]
        same = lead[checked] == units[rows]
        outcome[rows] = np.where(same, "match", "mismatch")
        reason[rows] = np.where(
            same,
            text[checked],
            [
                "应派 " + str(u) + ": " + t
                for u, t in zip(lead[checked].tolist(), text[checked].tolist(), strict=True)
            ],
        )
        return {"audit": outcome, "expected_unit": expected, "audit_reason": reason}

    # --------------------------------------------------------------------------------------- clocks

    def _clocks(
        self, table: pa.Table, now: pendulum.DateTime, skip: np.ndarray[Any, Any]
    ) -> dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        """Each milestone's due time and status, by :func:`jiesu.calendar.sla_frame` on the lead rows.

        A row without 诉求类型 / 紧急程度 is timed as a complaint of normal urgency, so the policy's
        general limits apply to it.
        """
        pa = _pa()
        rows = np.flatnonzero(~skip & ~np.isnat(_times(table, "received_at")))
        n = table.num_rows
        picked = pa.array(rows, type=pa.int64())
        columns: dict[str, Any] = {}
        for role in SLA_COLUMNS:
            if role in ("kind", "urgency"):
                values = _strings(table, role)[rows]
                default = "complaint" if role == "kind" else "normal"
                columns[role] = pa.array([v or default for v in values.tolist()], type=pa.string())
            elif role == "extension_days":
                if role in table.column_names:
                    columns[role] = pa.array(_floats(table, role)[rows], from_pandas=True)
            elif role in table.column_names:
                columns[role] = table.column(role).take(picked)
        clocked = sla_frame(
            pa.table(columns), self.district.deadlines, self.district.calendar, now=now
        )
        out: dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {}
        for milestone, stop in CLOCK_MILESTONES.items():
            if f"{milestone}_status" not in clocked.column_names or stop not in table.column_names:
                continue
            due = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
            status = np.full(n, None, dtype=object)
            due[rows] = _times(clocked, f"{milestone}_due")
            status[rows] = np.asarray(
                clocked.column(f"{milestone}_status").to_pylist(), dtype=object
            )
            out[milestone] = (due, status)
        return out

    # ---------------------------------------------------------------------------------------- score

    def _periods(self, table: pa.Table) -> np.ndarray[Any, Any]:
        if "period" in table.column_names:
            return np.asarray([v or "" for v in _strings(table, "period").tolist()], dtype=object)
        rules = self.district.rules
        if rules.period_timestamp == "created_at":
            moments = _times(table, "received_at")
        else:
            # A ticket closes at its callback (回访 closes it in the lifecycle); no close, no period yet.
            moments = _times(table, "closed_at")
            fill = _times(table, "callback_at")
            moments = np.where(np.isnat(moments), fill, moments)
        return period_many(moments, rules).astype(object)

    def _score(
        self,
        table: pa.Table,
        units: np.ndarray[Any, Any],
        periods: np.ndarray[Any, Any],
        bad: np.ndarray[Any, Any],
        volume: Mapping[tuple[str, str], int],
    ) -> Scorecard:
        pa = _pa()
        good = ~bad & (periods != "") & (units != None)  # noqa: E711 - object array
        columns: dict[str, Any] = {
            "unit": pa.array(units[good].tolist(), type=pa.string()),
            "period": pa.array(periods[good].tolist(), type=pa.string()),
        }
        names = ColumnMap()
        for field in ("callback", "contacted", "solved", "satisfaction"):
            if field in table.column_names:
                columns[field] = table.column(field).filter(pa.array(good))
            else:
                columns[field] = pa.nulls(int(good.sum()), type=pa.string())
        optional = {}
        for field in ("ticket_id", "role", "answered_at_intake", "not_dispatched", "excluded"):
            if field in table.column_names:
                columns[field] = table.column(field).filter(pa.array(good))
                optional[field] = field
        frame = pa.table(columns)
        tally = tally_frame(
            frame, rules=self.district.rules, columns=attrs.evolve(names, **optional)
        )
        kinds = {u.code: u.kind for u in self.district.units}
        return tally.scores(
            self.district.rules,
            kinds=kinds,
            population=dict(self.district.population),
            area_volume=volume,
        )

    def _ticket_clocks(
        self, tickets: Sequence[Ticket], now: pendulum.DateTime, bad: np.ndarray[Any, Any]
    ) -> dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        """Ticket objects' clocks from their events (:meth:`DeadlinePolicy.clocks_many`)."""
        tables = self.district.deadlines.clocks_many(tickets, self.district.calendar, now=now)
        out: dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {}
        for milestone in [m for m in CLOCK_MILESTONES if m in tables]:
            sla = tables[milestone]
            empty = (sla.status == "") | bad
            status = sla.status.astype(object)
            status[empty] = None
            due = sla.due.astype("datetime64[us]")
            due[empty] = np.datetime64("NaT")
            out[milestone] = (due, status)
        return out

    def _score_tickets(
        self,
        tickets: Sequence[Ticket],
        bad: np.ndarray[Any, Any],
        volume: Mapping[tuple[str, str], int],
    ) -> Scorecard:
        """Ticket objects are scored ticket by ticket (:func:`~jiesu.scoring.evaluate`), the exact path."""
        rules = self.district.rules
        kept = [evaluate(t, rules) for t, b in zip(tickets, bad.tolist(), strict=True) if not b]
        kinds = {u.code: u.kind for u in self.district.units}
        return tally_evaluations(kept).scores(
            rules, kinds=kinds, population=dict(self.district.population), area_volume=volume
        )

    def _area_volume(
        self, table: pa.Table, areas: np.ndarray[Any, Any], bad: np.ndarray[Any, Any]
    ) -> dict[tuple[str, str], int]:
        """Complaints located in each area (and the areas above it) per month received: 万人诉求量's count."""
        lead = _strings(table, "role") != "co_handler"
        keep = ~bad & lead & (areas != None)  # noqa: E711 - object array
        received = period_many(_times(table, "received_at")[keep], self.district.rules)
        parents = {u.code: u.parent for u in self.district.units if u.parent}
        return area_volume_many(areas[keep].tolist(), received.tolist(), parents=parents)

    # ---------------------------------------------------------------------------------------- table

    def _table(
        self,
        table: pa.Table,
        *,
        units: np.ndarray[Any, Any],
        categories: np.ndarray[Any, Any],
        audit: Mapping[str, np.ndarray[Any, Any]],
        clocks: Mapping[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]],
        periods: np.ndarray[Any, Any],
        scored: np.ndarray[Any, Any],
        bad: np.ndarray[Any, Any],
        found: _Rows,
        areas: np.ndarray[Any, Any],
        caller_keys: list[str | None] | None,
    ) -> pa.Table:
        pa = _pa()
        names = {u.code: u.name for u in self.district.units}
        n = table.num_rows
        problem = [""] * n
        for p in _sorted(found.problems):
            i = int(p.row)
            text = f"{p.field}: {p.reason}"
            problem[i] = f"{problem[i]}; {text}" if problem[i] else text
        rows = table.column("row").to_pylist() if "row" in table.column_names else list(range(n))
        lines = table.column("line").to_pylist() if "line" in table.column_names else [None] * n
        columns: dict[str, Any] = {
            "row": pa.array(rows, type=pa.int64()),
            "line": pa.array(lines, type=pa.int64()),
            "ticket_id": pa.array(_strings(table, "ticket_id").tolist(), type=pa.string()),
            "unit": pa.array(units.tolist(), type=pa.string()),
            "unit_name": pa.array([names.get(u) for u in units.tolist()], type=pa.string()),
            "expected_unit": pa.array(audit["expected_unit"].tolist(), type=pa.string()),
            "expected_unit_name": pa.array(
                [names.get(u) for u in audit["expected_unit"].tolist()], type=pa.string()
            ),
            "audit": pa.array(audit["audit"].tolist(), type=pa.string()),
            "audit_reason": pa.array(audit["audit_reason"].tolist(), type=pa.string()),
            "role": pa.array(
                [
                    "co_handler" if r == "co_handler" else "lead"
                    for r in _strings(table, "role").tolist()
                ],
                type=pa.string(),
            ),
            "received_at": pa.array(
                _times(table, "received_at"), type=pa.timestamp("us", tz="UTC")
            ),
            "area": pa.array(areas.tolist(), type=pa.string()),
            "category": pa.array(categories.tolist(), type=pa.string()),
            "period": pa.array([p or None for p in periods.tolist()], type=pa.string()),
            "scored": pa.array(scored.tolist(), type=pa.bool_()),
            "bad": pa.array(bad.tolist(), type=pa.bool_()),
            "problem": pa.array([p or None for p in problem], type=pa.string()),
        }
        for name in PASSED_ON:
            if name in table.column_names and name not in columns:
                columns[name] = table.column(name)
        if caller_keys is not None:
            columns["caller_key"] = pa.array(caller_keys, type=pa.string())
        for milestone, (due, status) in clocks.items():
            columns[f"{milestone}_due"] = pa.array(due, type=pa.timestamp("us", tz="UTC"))
            columns[f"{milestone}_status"] = pa.array(status.tolist(), type=pa.string())
        columns["lost_points"] = pa.array(
            _lost_points(table, self.district.rules).tolist(), type=pa.string()
        )
        return pa.table(columns)

    def _areas(self, table: pa.Table) -> np.ndarray[Any, Any]:
        """Each row's area: the export's own, else its location at the territory's first level below the top."""
        areas = _strings(table, "area")
        lons, lats = _floats(table, "lon"), _floats(table, "lat")
        crs = _strings(table, "crs")
        territory = self.district.territory
        levels = territory.levels
        level = levels[1] if len(levels) > 1 else levels[0]
        todo = (areas == None) & ~np.isnan(lons) & ~np.isnan(lats)  # noqa: E711 - object array
        for system in {c or "WGS84" for c in crs[todo].tolist()}:
            rows = np.flatnonzero(
                todo & np.asarray([(c or "WGS84") == system for c in crs.tolist()])
            )
            placed = territory.locate_many(lons[rows], lats[rows], crs=system, level=level)
            areas[rows] = placed.area_id
        return areas

    # -------------------------------------------------------------------------------------- summary

    def _summary(
        self,
        table: pa.Table,
        *,
        units: np.ndarray[Any, Any],
        categories: np.ndarray[Any, Any],
        audit: Mapping[str, np.ndarray[Any, Any]],
        clocks: Mapping[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]],
        periods: np.ndarray[Any, Any],
        period: str,
        bad: np.ndarray[Any, Any],
        areas: np.ndarray[Any, Any],
    ) -> MonthSummary:
        ids = _strings(table, "ticket_id")
        intake = _flags(table, "answered_at_intake")
        not_dispatched = _flags(table, "not_dispatched")
        mode = _strings(table, "dispatch_mode")
        closed = _times(table, "closed_at")
        callback_at = _times(table, "callback_at")
        received = _times(table, "received_at")
        local = period_many(received, self.district.rules)
        lead = _strings(table, "role") != "co_handler"
        in_month = ~bad & lead & (local == period)
        waiting = np.zeros(table.num_rows, dtype=bool)
        if "dispatched_at" in table.column_names:
            waiting = np.isnat(_times(table, "dispatched_at"))
        dispatched = in_month & ~intake & ~not_dispatched & ~waiting
        counts = {
            "rows": int(table.num_rows),
            "tickets": len({v for v in ids.tolist() if v}),
            "bad_rows": int(bad.sum()),
            "received": int(in_month.sum()),
            "answered_at_intake": int((in_month & intake).sum()),
            "not_dispatched": int((in_month & not_dispatched).sum()),
            "awaiting_dispatch": int((in_month & ~intake & ~not_dispatched & waiting).sum()),
            "dispatched": int(dispatched.sum()),
            "direct": int((dispatched & (mode == "direct")).sum()),
            "via_district": int((dispatched & (mode == "via_district")).sum()),
            "returns": int((in_month & _flags(table, "returned")).sum()),
            "open": int((dispatched & np.isnat(closed) & np.isnat(callback_at)).sum()),
            "scored": int((~bad & (periods == period)).sum()),
        }
        sla: dict[str, dict[str, int]] = {}
        for milestone, (_, status) in clocks.items():
            values = status[in_month]
            sla[milestone] = dict(collections.Counter(v for v in values.tolist() if v))
        outcome = audit["audit"]
        audited = in_month & lead & ~intake & ~not_dispatched
        audit_counts = dict(collections.Counter(outcome[audited].tolist()))
        mismatches = dict(collections.Counter(units[audited & (outcome == "mismatch")].tolist()))
        overdue: dict[str, int] = {}
        if "reply" in clocks:
            late = clocks["reply"][1] == "overdue"
            overdue = dict(collections.Counter(units[late & ~bad].tolist()))
        per_area: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for area, category in zip(
            areas[in_month].tolist(), categories[in_month].tolist(), strict=True
        ):
            if area is not None and category is not None:
                per_area[area][category] += 1
        top = {
            area: tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
            for area, c in sorted(per_area.items())
        }
        return MonthSummary(
            counts=counts,
            sla=sla,
            audit=audit_counts,
            mismatches=mismatches,
            overdue=overdue,
            top_categories=top,
        )


def _sorted(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (int(p.row) if isinstance(p.row, int) else 0, p.field))


def _instant(value: object) -> pendulum.DateTime:
    if isinstance(value, str):
        try:
            parsed = pendulum.parse(value)
        except (ValueError, pendulum.parsing.exceptions.ParserError):
            raise ValidationError(
                "must be an ISO time with an offset", field="now", value=value
            ) from None
        if not isinstance(parsed, pendulum.DateTime) or (
            "+" not in value[10:] and not value.endswith("Z") and "-" not in value[10:]
        ):
            raise ValidationError("must be an ISO time with an offset", field="now", value=value)
        return parsed
    return aware(value, field="now")


_LOST: Final = ("未联系", "未解决", "不满意", "基本满意")


def _lost_points(table: pa.Table, rules: Rules) -> np.ndarray[Any, Any]:
    """Why each answered row cost its unit points (扣分原因): 未联系, 未解决, 不满意, 基本满意.

    An answer is a reason only where the rules value it below full marks (``beijing-2021`` counts
    基本满意 as satisfied, so it is no reason there). Whole columns: each row's reasons form a bit mask,
    looked up in a table of the 16 joined labels.
    """
    answered = _strings(table, "callback") == "answered"
    satisfaction = _strings(table, "satisfaction")
    costs = (
        rules.response_values.get("no", 0) < 1,
        rules.resolution_values.get("no", 0) < 1,
        rules.satisfaction_values.get("dissatisfied", 0) < 1,
        rules.satisfaction_values.get("basically_satisfied", 1) < 1,
    )
    flags = (
        _strings(table, "contacted") != True,  # noqa: E712 - object array: blank or no
        _strings(table, "solved") != True,  # noqa: E712 - object array: blank or no
        (satisfaction == "dissatisfied") | (satisfaction == None),  # noqa: E711 - object array
        satisfaction == "basically_satisfied",
    )
    mask = np.zeros(table.num_rows, dtype=np.int64)
    for bit, (flag, cost) in enumerate(zip(flags, costs, strict=True)):
        mask |= (flag & cost).astype(np.int64) << bit
    labels = np.asarray(
        ["、".join(w for b, w in enumerate(_LOST) if m >> b & 1) or None for m in range(16)],
        dtype=object,
    )
    out = labels[mask]
    out[~np.asarray(answered, dtype=bool)] = None
    return out


def _caller_keys(table: pa.Table, secret: str | bytes | None) -> list[str | None] | None:
    """Each row's caller key from its phone (``None`` without a secret or a phone column)."""
    if secret is None or "caller_phone" not in table.column_names:
        return None
    from jiesu.analytics import caller_key  # noqa: PLC0415 - only with a secret

    phones = table.column("caller_phone").to_pylist()
    try:
        return list(caller_key(phones, secret).tolist())
    except ValidationReport as report:  # not a phone: no key, and the row is still scored
        for row in report.rows:
            phones[int(row)] = None
        return list(caller_key(phones, secret).tolist())


def _ticket_objects(value: object) -> list[Ticket] | None:
    """The input as Ticket objects, or ``None`` when it is a path or a dataframe."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(t, Ticket) for t in value):
        return list(value)
    return None


def _from_tickets(tickets: Sequence[Ticket], district: District) -> pa.Table:
    """Ticket objects as the canonical table, one row per ticket (its lead unit)."""
    pa = _pa()
    rules = district.rules
    utc = pa.timestamp("us", tz="UTC")

    def when(value: pendulum.DateTime | None) -> object:
        return None if value is None else value.in_timezone("UTC")

    rows: dict[str, list[object]] = collections.defaultdict(list)
    for i, t in enumerate(tickets):
        c = t.complaint
        cb = t.callback
        rows["row"].append(i)
        rows["ticket_id"].append(t.id)
        rows["received_at"].append(when(c.received_at))
        rows["kind"].append(c.kind.value)
        rows["urgency"].append(c.urgency.value)
        rows["category"].append(c.category)
        rows["lon"].append(None if c.location is None else c.location.lon)
        rows["lat"].append(None if c.location is None else c.location.lat)
        rows["crs"].append(None if c.location is None else c.location.crs.value)
        rows["unit"].append(t.lead)
        rows["role"].append("lead")
        rows["dispatch_mode"].append(None if t.dispatch_mode is None else t.dispatch_mode.value)
        rows["dispatched_at"].append(when(t.dispatched_at))
        rows["signed_at"].append(when(t.signed_at))
        rows["contacted_at"].append(when(t.first_contact_at))
        rows["replied_at"].append(when(t.replied_at))
        rows["callback_at"].append(when(None if cb is None else cb.at))
        rows["closed_at"].append(when(t.closed_at))
        rows["returned"].append(t.return_count > 0)
        rows["answered_at_intake"].append(t.answered_at_intake)
        rows["not_dispatched"].append(t.not_dispatched is not None)
        rows["excluded"].append(t.exclusion is not None and t.exclusion.approved)
        rows["callback"].append(None if cb is None else cb.outcome.value)
        rows["contacted"].append(None if cb is None else cb.contacted)
        rows["solved"].append(None if cb is None else cb.solved)
        rows["satisfaction"].append(
            None if cb is None or cb.satisfaction is None else cb.satisfaction.value
        )
        rows["period"].append(evaluate(t, rules).period)
    types: Mapping[str, Any] = {
        **dict.fromkeys(
            (
                "received_at",
                "dispatched_at",
                "signed_at",
                "contacted_at",
                "replied_at",
                "callback_at",
                "closed_at",
            ),
            utc,
        ),
        "row": pa.int64(),
        "lon": pa.float64(),
        "lat": pa.float64(),
        **dict.fromkeys(
            ("returned", "answered_at_intake", "not_dispatched", "excluded", "contacted", "solved"),
            pa.bool_(),
        ),
    }
    names = list(rows) or ["row"]
    return pa.table(
        {name: pa.array(rows.get(name, []), type=types.get(name, pa.string())) for name in names}
    )
