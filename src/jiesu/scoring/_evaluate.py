"""Per-ticket evaluation (单件评价): which unit and period a ticket counts for, and each value with its reason."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jiesu.model import CallbackOutcome, Role, Satisfaction, Ticket
from jiesu.scoring._bulk import row_states
from jiesu.scoring._data import Exclusion
from jiesu.scoring._states import (
    ANSWERED0,
    EXCLUDED_STATE,
    N_COUNTS,
    SATISFACTIONS,
    STATE_COUNTS,
    callback_state,
    decode,
    state_code,
)
from jiesu.scoring._tally import Tally

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from decimal import Decimal

    import pendulum

    from jiesu.model import ExclusionDecision
    from jiesu.scoring._rules import Rules

__all__ = [
    "Breakdown",
    "Evaluation",
    "breakdown",
    "breakdown_arrays",
    "evaluate",
    "period_many",
    "period_of",
    "tally_evaluations",
]

_DECEMBER: Final = 12


def period_of(moment: pendulum.DateTime, rules: Rules) -> str:
    """The period label (考核周期, ``YYYY-MM``) of a moment under the rules.

    With ``period_start_day = 1`` a period is a calendar month of wall time in :attr:`Rules.timezone`;
    with a later start day (e.g. 19) the period named ``2025-03`` runs from 19 February to 18 March.

    Args:
        moment: An aware datetime.
        rules: The rules.

    Returns:
        The label.

    Examples:
        >>> import attrs, pendulum
        >>> from jiesu.scoring import Rules
        >>> rules = Rules.preset("beijing-2021")
        >>> period_of(pendulum.datetime(2025, 3, 31, 17, tz="UTC"), rules)  # 01:00 on 1 April in Beijing
        '2025-04'
        >>> period_of(pendulum.datetime(2025, 2, 19, tz="Asia/Shanghai"), attrs.evolve(rules, period_start_day=19))
        '2025-03'
    """
    local = moment.in_timezone(rules.timezone)
    year, month = local.year, local.month
    if rules.period_start_day > 1 and local.day >= rules.period_start_day:
        year, month = (year + 1, 1) if month == _DECEMBER else (year, month + 1)
    return f"{year:04d}-{month:02d}"


_DAY_S: Final = 86_400


@functools.cache
def _zone_offsets(
    tz: str, first: int, last: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """UTC instants (s) where the zone's offset changes, and the offset (s) from each, over a day range."""
    zone = zoneinfo.ZoneInfo(tz)

    def offset(seconds: int) -> int:
        when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
        delta = when.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0  # pragma: no branch - aware

    starts = [np.iinfo(np.int64).min]
    offsets = [offset(first * _DAY_S)]
    for day in range(first, last + 1):
        here = offset((day + 1) * _DAY_S)
        if here != offsets[-1]:
            lo, hi = day * _DAY_S, (day + 1) * _DAY_S  # offset(lo) old, offset(hi) new
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == offsets[-1] else (lo, mid)
            starts.append(hi)
            offsets.append(here)
    return np.array(starts, dtype=np.int64), np.array(offsets, dtype=np.int64)


def period_many(moments: npt.ArrayLike, rules: Rules) -> npt.NDArray[np.str_]:
    """Period labels (``YYYY-MM``) of UTC instants, the array twin of :func:`period_of`.

    Each instant gets the zone's UTC offset in force at that instant (daylight saving and historical
    changes included), found among the zone's transitions over the array's span.

    Args:
        moments: ``datetime64`` values in **UTC** (any unit); NaT gives ``""``.
        rules: The rules (zone and start day).

    Returns:
        An array of labels.

    Examples:
        >>> import numpy as np
        >>> from jiesu.scoring import Rules
        >>> period_many(np.array(["2025-03-31T17:00", "NaT"], dtype="datetime64[m]"), Rules())
        array(['2025-04', ''], dtype='<U7')
    """
    arr = np.asarray(moments).astype("datetime64[s]")
    nat = np.isnat(arr)
    if nat.all():
        return np.full(arr.shape, "", dtype="<U7")
    seconds = arr.astype(np.int64)
    present = seconds[~nat]
    first, last = int(present.min()) // _DAY_S, int(present.max()) // _DAY_S
    starts, offsets = _zone_offsets(rules.timezone, first, last)
    shift = offsets[np.searchsorted(starts, seconds, side="right") - 1]
    local = arr + np.where(nat, 0, shift).astype("timedelta64[s]")
    month = local.astype("datetime64[M]")
    if rules.period_start_day > 1:
        day = (local.astype("datetime64[D]") - month).astype(np.int64) + 1
        month = np.where(day >= rules.period_start_day, month + 1, month)
    labels = np.datetime_as_string(month, unit="M")
    return np.where(nat, "", labels).astype("<U7")


@attrs.frozen
class Evaluation:
    """How one ticket is scored (单件评价), every fact with its reason.

    Attributes:
        ticket_id: 工单编号.
        units: The units it counts for, with their role (主办 / 协办); empty when it counts for none.
        period: The period label it counts in, ``None`` when it has none.
        eligible: Whether it counts at all (纳入考评).
        reason: Why it counts or not.
        excluded_by: The approved exclusion decision that removes it, if any.
        callback: ``"none"``, ``"answered"``, ``"unreachable"`` or ``"refused"``.
        valid: Whether its callback is valid (有效回访), i.e. in the denominator of the three rates.
        responded: Its value in 响应率 (``None`` when not a valid callback).
        solved: Its value in 解决率.
        satisfaction: Its value in 满意率.
        reasons: One line per fact: period, eligibility, exclusion, callback and each value.
        state: Index into :data:`STATES`, ``None`` when not counted.
        category: The complaint's category (诉求类别).
    """

    ticket_id: str
    units: tuple[tuple[str, Role], ...]
    period: str | None
    eligible: bool
    reason: str
    excluded_by: ExclusionDecision | None
    callback: str
    valid: bool
    responded: Decimal | None
    solved: Decimal | None
    satisfaction: Decimal | None
    reasons: tuple[str, ...]
    state: int | None
    category: str = ""


def _ineligible(ticket: Ticket, rules: Rules) -> str | None:
    if ticket.answered_at_intake:
        return "answered at intake (即时答复): never scored against a unit ([BJ-Reg] Art. 11)"
    if ticket.not_dispatched is not None:
        return f"not dispatched (不予派单: {ticket.not_dispatched.label}): never reaches a unit ([BJ-Reg] Art. 11)"
    if ticket.lead is None:
        return "not dispatched to any unit yet"
    if ticket.merged_into is not None and not rules.count_merged:
        return f"merged into {ticket.merged_into} (并单): counts with the original"
    if ticket.complaint.kind.value in rules.exclude_kinds:
        return f"kind {ticket.complaint.kind.value} ({ticket.complaint.kind.label}) is not scored under {rules.name}"
    return None


def evaluate(ticket: Ticket, rules: Rules) -> Evaluation:
    r"""Evaluate one ticket under the rules (单件评价): unit(s), period, eligibility, exclusion and values.

    Args:
        ticket: The ticket (its events decide everything).
        rules: The rules.

    Returns:
        The evaluation, each fact with its reason.

    Examples:
        >>> import pendulum
        >>> from jiesu.model import Callback, Complaint, Dispatch, FirstContact, Intake, Reply, SignFor, Ticket
        >>> from jiesu.scoring import Rules
        >>> t0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
        >>> ticket = Ticket(Complaint("C1", t0, "phone", "complaint", "normal", "01.02.03"), [
        ...     Intake(t0), Dispatch(t0.add(hours=1), "S01", ["D07"]), SignFor(t0.add(hours=2), "S01"),
        ...     FirstContact(t0.add(hours=3), "S01"), Reply(t0.add(days=2), "S01", True, "已处理"),
        ...     Callback(t0.add(days=3), "answered", True, True, "基本满意")])
        >>> ev = evaluate(ticket, Rules.preset("beijing-2025"))
        >>> ev.units, ev.period, ev.valid, ev.satisfaction
        ((('S01', <Role.LEAD: 'lead'>),), '2025-03', True, Decimal('0.9'))
        >>> print("\n".join(ev.reasons))
        period 2025-03 by closed_at 2025-03-06T09:00:00+08:00 (Asia/Shanghai wall time)
        eligible: dispatched, lead S01 (co-handlers do not carry the score under beijing-2025)
        not excluded
        valid callback: answered
        responded 1: 是否联系 = 是
        solved 1: 是否解决 = 是
        satisfaction 0.9: 基本满意
    """
    reasons: list[str] = []
    none = Evaluation(
        ticket_id=ticket.id,
        units=(),
        period=None,
        eligible=False,
        reason="",
        excluded_by=None,
        callback="none",
        valid=False,
        responded=None,
        solved=None,
        satisfaction=None,
        reasons=(),
        state=None,
    )
    category = ticket.complaint.category
    why_not = _ineligible(ticket, rules)
    if why_not is not None:
        return attrs.evolve(
            none, reason=why_not, reasons=(f"not eligible: {why_not}",), category=category
        )
    moment = (
        ticket.closed_at if rules.period_timestamp == "closed_at" else ticket.complaint.received_at
    )
    if moment is None:
        why_not = "not closed yet: no period by closed_at"
        return attrs.evolve(
            none, reason=why_not, reasons=(f"not eligible: {why_not}",), category=category
        )
    period = period_of(moment, rules)
    reasons.append(
        f"period {period} by {rules.period_timestamp} {moment.isoformat()} ({rules.timezone} wall time)"
    )
    lead = ticket.lead
    assert lead is not None  # noqa: S101 - checked by _ineligible
    units: list[tuple[str, Role]] = [(lead, Role.LEAD)]
    if rules.attribution == "lead_and_co_handlers":
        units += [(code, Role.CO_HANDLER) for code in ticket.co_handlers]
        reason = f"eligible: dispatched, lead {lead} and co-handlers {', '.join(ticket.co_handlers) or 'none'}"
    else:
        reason = f"eligible: dispatched, lead {lead} (co-handlers do not carry the score under {rules.name})"
    reasons.append(reason)
    decision = ticket.exclusion
    excluded_by = None
    if decision is not None:
        applies, why = Exclusion(ticket.id, decision.category, decision.approver).applies(rules)
        reasons.append(why if applies else f"not excluded: {why}")
        excluded_by = decision if applies else None
    else:
        reasons.append("not excluded")
    base = attrs.evolve(
        none,
        units=tuple(units),
        period=period,
        eligible=True,
        reason=reason,
        excluded_by=excluded_by,
        category=category,
    )
    if excluded_by is not None:
        return attrs.evolve(
            base, reasons=tuple(reasons), state=state_code(excluded=True, callback="none")
        )
    return _with_callback(ticket, rules, base, reasons)


def _with_callback(
    ticket: Ticket, rules: Rules, base: Evaluation, reasons: list[str]
) -> Evaluation:
    callback = ticket.callback
    if callback is None:
        reasons.append("no valid callback: no callback yet (未回访)")
        return attrs.evolve(
            base, reasons=tuple(reasons), state=state_code(excluded=False, callback="none")
        )
    outcome = callback.outcome
    if outcome is not CallbackOutcome.ANSWERED:
        name = outcome.value
        policy = rules.unreachable if outcome is CallbackOutcome.UNREACHABLE else rules.refused
        state = state_code(excluded=False, callback=name)
        if policy == "exclude":
            reasons.append(
                f"no valid callback: {name} ({outcome.label}) leaves the denominator under {rules.name}"
            )
            return attrs.evolve(base, callback=name, reasons=tuple(reasons), state=state)
        reasons.append(
            f"valid callback: {name} ({outcome.label}) counts as a failure under {rules.name}"
        )
        zero = (
            rules.response_values["no"],
            rules.resolution_values["no"],
            rules.satisfaction_values["dissatisfied"],
        )
        return attrs.evolve(
            base,
            callback=name,
            valid=True,
            responded=zero[0],
            solved=zero[1],
            satisfaction=zero[2],
            reasons=tuple(reasons),
            state=state,
        )
    reasons.append("valid callback: answered")
    contacted, solved = bool(callback.contacted), bool(callback.solved)
    satisfaction = callback.satisfaction or Satisfaction.DISSATISFIED
    responded = rules.response_values["yes" if contacted else "no"]
    solved_value = rules.resolution_values["yes" if solved else "no"]
    sat_value = rules.satisfaction_values[satisfaction.value]
    for label, value, answer, question in (
        ("responded", responded, callback.contacted, "是否联系"),
        ("solved", solved_value, callback.solved, "是否解决"),
    ):
        said = "no answer recorded, counts as 否" if answer is None else ("是" if answer else "否")
        reasons.append(f"{label} {value}: {question} = {said}")
    said = (
        "no answer recorded, counts as 不满意"
        if callback.satisfaction is None
        else satisfaction.label
    )
    reasons.append(f"satisfaction {sat_value}: {said}")
    state = state_code(
        excluded=False,
        callback="answered",
        contacted=contacted,
        solved=solved,
        satisfaction=SATISFACTIONS.index(satisfaction),
    )
    return attrs.evolve(
        base,
        callback="answered",
        valid=True,
        responded=responded,
        solved=solved_value,
        satisfaction=sat_value,
        reasons=tuple(reasons),
        state=state,
    )


def tally_evaluations(evaluations: Iterable[Evaluation], *, by_category: bool = False) -> Tally:
    """Count evaluated tickets (单件汇总) into a :class:`Tally`: the scalar twin of :func:`tally_many`.

    Args:
        evaluations: Evaluations from :func:`evaluate`.
        by_category: Split the counts by the complaint's category.

    Returns:
        The tally.
    """
    units, periods, cats, states = [], [], [], []
    for ev in evaluations:
        if ev.state is None:
            continue
        for unit, _role in ev.units:
            units.append(unit)
            periods.append(ev.period)
            cats.append(ev.category if by_category else "")
            states.append(ev.state)
    counts = STATE_COUNTS[np.array(states, dtype=np.int64)].reshape(len(states), N_COUNTS)
    return Tally.from_keys(
        np.array(units, dtype=str), np.array(periods, dtype=str), np.array(cats, dtype=str), counts
    )


@attrs.frozen
class Breakdown:
    """The tickets behind each number of one unit and period (成绩明细), so a figure can be defended.

    Attributes:
        unit: The unit code.
        period: The period label.
        counted: Tickets counted for the unit (工单量), excluded ones not included.
        excluded: Excluded tickets → the approval that removed each.
        valid: Tickets with a valid callback (the denominator).
        no_valid_callback: Counted tickets without a valid callback → why.
        responded: Valid tickets → value in 响应率.
        solved: Valid tickets → value in 解决率.
        satisfaction: Valid tickets → value in 满意率.
    """

    unit: str
    period: str
    counted: tuple[str, ...]
    excluded: Mapping[str, str]
    valid: tuple[str, ...]
    no_valid_callback: Mapping[str, str]
    responded: Mapping[str, Decimal]
    solved: Mapping[str, Decimal]
    satisfaction: Mapping[str, Decimal]


def breakdown(evaluations: Iterable[Evaluation], unit: str, period: str) -> Breakdown:
    """The tickets behind a unit's numbers for a period (成绩明细).

    Args:
        evaluations: Evaluations from :func:`evaluate`.
        unit: The unit code.
        period: The period label.

    Returns:
        The breakdown: counted, excluded (with approver), valid, and each ticket's values.
    """
    counted: list[str] = []
    excluded: dict[str, str] = {}
    valid: list[str] = []
    no_valid: dict[str, str] = {}
    responded: dict[str, Decimal] = {}
    solved: dict[str, Decimal] = {}
    satisfaction: dict[str, Decimal] = {}
    for ev in evaluations:
        if ev.period != period or unit not in {u for u, _ in ev.units}:
            continue
        if ev.excluded_by is not None:
            excluded[ev.ticket_id] = (
                f"{ev.excluded_by.category} approved by {ev.excluded_by.approver}"
            )
            continue
        counted.append(ev.ticket_id)
        if not ev.valid:
            no_valid[ev.ticket_id] = next(
                r for r in ev.reasons if r.startswith("no valid callback")
            )
            continue
        valid.append(ev.ticket_id)
        responded[ev.ticket_id] = ev.responded  # type: ignore[assignment] # set on every valid callback
        solved[ev.ticket_id] = ev.solved  # type: ignore[assignment] # same
        satisfaction[ev.ticket_id] = ev.satisfaction  # type: ignore[assignment] # same
    return Breakdown(
        unit,
        period,
        tuple(counted),
        excluded,
        tuple(valid),
        no_valid,
        responded,
        solved,
        satisfaction,
    )


def _no_callback_reason(state: int, rules: Rules) -> str | None:
    """Why a state gives no valid callback, or ``None`` when its callback is valid."""
    if state == callback_state("none"):
        return "no valid callback: no callback yet (未回访)"
    outcome = CallbackOutcome.parse(decode(state)[0])
    name, label = outcome.value, outcome.label
    policy = rules.unreachable if outcome is CallbackOutcome.UNREACHABLE else rules.refused
    if policy == "exclude":
        return f"no valid callback: {name} ({label}) leaves the denominator under {rules.name}"
    return None


def breakdown_arrays(
    ids: npt.ArrayLike,
    unit: npt.ArrayLike,
    period: npt.ArrayLike,
    *,
    callback: npt.ArrayLike,
    contacted: npt.ArrayLike,
    solved: npt.ArrayLike,
    satisfaction: npt.ArrayLike,
    rules: Rules,
    of: tuple[Any, Any],
    lead: npt.ArrayLike | None = None,
    answered_at_intake: npt.ArrayLike | None = None,
    not_dispatched: npt.ArrayLike | None = None,
    excluded: npt.ArrayLike | None = None,
    exclusions: Iterable[Exclusion] = (),
) -> Breakdown:
    """The tickets behind one unit's numbers for one period (成绩明细), from the arrays of the array path.

    The unit's rows are selected with one vectorized comparison; the breakdown then lists them ticket by
    ticket. Its counts equal the tally's row for the same arrays.

    Args:
        ids: Ticket id per row (工单编号).
        unit: As in :func:`tally_many`.
        period: As in :func:`tally_many`.
        callback: As in :func:`tally_many`.
        contacted: As in :func:`tally_many`.
        solved: As in :func:`tally_many`.
        satisfaction: As in :func:`tally_many`.
        rules: The rules.
        of: The ``(unit, period)`` to explain.
        lead: As in :func:`tally_many`.
        answered_at_intake: As in :func:`tally_many`.
        not_dispatched: As in :func:`tally_many`.
        excluded: As in :func:`tally_many`.
        exclusions: The approved exclusions, to name the approver of each excluded ticket.

    Returns:
        The breakdown.

    Raises:
        ValidationReport: Some of the unit's rows are bad.

    Examples:
        >>> from jiesu.scoring import Rules
        >>> b = breakdown_arrays(["T1", "T2", "T3"], ["S01", "S01", "S02"], ["2025-03"] * 3,
        ...                      callback=[1, 2, 1], contacted=[1, 0, 1], solved=[0, 0, 1],
        ...                      satisfaction=[2, 0, 2], rules=Rules.preset("beijing-2021"),
        ...                      of=("S01", "2025-03"))
        >>> b.valid, b.solved, list(b.no_valid_callback)
        (('T1',), {'T1': Decimal('0')}, ['T2'])
    """
    units, periods = np.asarray(unit), np.asarray(period)
    rows = np.flatnonzero((units == of[0]) & (periods == of[1]))

    def pick(values: npt.ArrayLike | None) -> npt.NDArray[Any] | None:
        return None if values is None else np.asarray(values)[rows]

    answers = {
        "callback": callback,
        "contacted": contacted,
        "solved": solved,
        "satisfaction": satisfaction,
    }
    picked = {k: pick(v) for k, v in answers.items()}
    flags = {
        "lead": lead,
        "answered_at_intake": answered_at_intake,
        "not_dispatched": not_dispatched,
    }
    picked_flags = {k: pick(v) for k, v in flags.items()}
    states, counted = row_states(
        units[rows],
        periods[rows],
        picked,
        flags=picked_flags | {"excluded": pick(excluded)},
        rules=rules,
    )
    approvals = {e.ticket_id: e for e in exclusions}
    return _breakdown_of(
        [str(i) for i in np.asarray(ids)[rows].tolist()], states, counted, rules, of, approvals
    )


def _breakdown_of(  # noqa: PLR0917 - private helper, one call site
    ids: list[str],
    states: npt.NDArray[np.int8],
    counted: npt.NDArray[np.bool_],
    rules: Rules,
    of: tuple[Any, Any],
    approvals: Mapping[str, Exclusion],
) -> Breakdown:
    counted_ids: list[str] = []
    excluded: dict[str, str] = {}
    valid: list[str] = []
    no_valid: dict[str, str] = {}
    values: tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]] = ({}, {}, {})
    for ticket, state, count in zip(ids, states.tolist(), counted.tolist(), strict=True):
        if not count:
            continue
        if state == EXCLUDED_STATE:
            approval = approvals.get(ticket)
            excluded[ticket] = (
                f"{approval.category} approved by {approval.approver}"
                if approval is not None
                else "excluded by an approved request"
            )
            continue
        counted_ids.append(ticket)
        if state < ANSWERED0:
            why = _no_callback_reason(state, rules)
            if why is not None:
                no_valid[ticket] = why
                continue
        _, contacted, solved, satisfaction = decode(state)
        answer = (contacted, solved, satisfaction.value)
        valid.append(ticket)
        values[0][ticket] = rules.response_values[answer[0]]
        values[1][ticket] = rules.resolution_values[answer[1]]
        values[2][ticket] = rules.satisfaction_values[answer[2]]
    return Breakdown(
        str(of[0]), str(of[1]), tuple(counted_ids), excluded, tuple(valid), no_valid, *values
    )
