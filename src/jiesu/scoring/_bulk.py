"""The array path (批量打分): tally and score millions of tickets with numpy, no Python loop per ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal, overload

import numpy as np
import numpy.typing as npt

from jiesu.errors import ErrorPolicy, Problem, ValidationError, ValidationReport
from jiesu.scoring._tally import N_STATES, Scorecard, Tally

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jiesu.scoring._data import Adjustment
    from jiesu.scoring._rules import Rules

__all__ = ["CALLBACK_CODES", "SATISFACTION_CODES", "score_many", "tally_many"]

CALLBACK_CODES: Final[dict[str, int]] = {
    "none": 0,
    "未回访": 0,
    "answered": 1,
    "已回访": 1,
    "unreachable": 2,
    "无法联系": 2,
    "refused": 3,
    "拒绝回访": 3,
}
"""Callback outcome codes of the array path (回访结果): 0 none, 1 answered, 2 unreachable, 3 refused."""

SATISFACTION_CODES: Final[dict[str, int]] = {
    "dissatisfied": 0,
    "不满意": 0,
    "basically_satisfied": 1,
    "基本满意": 1,
    "satisfied": 2,
    "满意": 2,
}
"""Satisfaction codes of the array path (满意度): 0 不满意, 1 基本满意, 2 满意."""

YES_NO_CODES: Final[dict[str, int]] = {"yes": 1, "是": 1, "true": 1, "no": 0, "否": 0, "false": 0}
"""Answer codes of 是否联系 / 是否解决 (是 1, 否 0)."""

_MAX_DIRECT: Final = 1 << 22


def _encode(
    values: npt.ArrayLike, table: Mapping[str, int], top: int
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """Codes as int8 plus a mask of rows whose value is unknown (those rows get code 0)."""
    arr = np.asarray(values)
    if arr.dtype.kind == "b":
        return arr.astype(np.int8), np.zeros(len(arr), dtype=bool)
    if arr.dtype.kind in "iu":
        bad = (arr < 0) | (arr > top)
        codes = np.where(bad, 0, arr).astype(np.int8)
    else:
        uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
        lookup = np.array(
            [table.get(str(u).strip().lower(), -1) for u in uniq.tolist()], dtype=np.int16
        )
        mapped = lookup[inverse] if len(uniq) else np.zeros(len(arr), dtype=np.int16)
        bad = mapped < 0
        codes = np.where(bad, 0, mapped).astype(np.int8)
    return codes, bad


def _report(
    bad: npt.NDArray[np.bool_], arr: npt.ArrayLike, field: str, reason: str, problems: list[Problem]
) -> None:
    rows = np.flatnonzero(bad)
    if not len(rows):
        return
    values = np.asarray(arr)[rows]
    problems.extend(
        Problem(int(r), field, v, reason)
        for r, v in zip(rows.tolist(), values.tolist(), strict=True)
    )


def _factorize(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """Integer codes and sorted labels; small non-negative integer ranges are used directly."""
    if values.dtype.kind in "iu" and len(values):
        low, high = int(values.min()), int(values.max())
        if high - low < max(_MAX_DIRECT, 2 * len(values)):
            codes = values.astype(np.int64) - low if low else values.astype(np.int64, copy=False)
            return codes, np.arange(low, high + 1, dtype=values.dtype)
    labels, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int64), labels


def _flag(values: npt.ArrayLike | None, n: int, field: str) -> npt.NDArray[np.bool_] | None:
    if values is None:
        return None
    arr = np.asarray(values)
    if arr.dtype.kind != "b" or arr.shape != (n,):
        raise ValidationError(
            f"must be a boolean array of length {n}", field=field, value=f"{arr.dtype}{arr.shape}"
        )
    return arr


def _missing(arr: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if arr.dtype.kind in "US":
        return np.asarray(np.char.str_len(arr) == 0, dtype=bool)
    if arr.dtype.kind == "O":
        return np.array([v is None or v == "" for v in arr.tolist()], dtype=bool).reshape(len(arr))
    if arr.dtype.kind == "M":
        return np.asarray(np.isnat(arr), dtype=bool)
    if arr.dtype.kind == "f":
        return np.asarray(np.isnan(arr), dtype=bool)
    return np.zeros(len(arr), dtype=bool)


def _states(
    units: npt.NDArray[Any],
    periods: npt.NDArray[Any],
    answers: Mapping[str, npt.ArrayLike],
    *,
    flags: Mapping[str, npt.ArrayLike | None],
    rules: Rules,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_], ValidationReport]:
    """Per row: its state code, whether it is counted, and the report of bad rows."""
    n = len(units)
    for name, arr in (("period", periods), *answers.items()):
        if np.shape(arr) != (n,):
            raise ValidationError(
                f"must have the same length as unit ({n})", field=name, value=np.shape(arr)
            )
    cb, bad_cb = _encode(answers["callback"], CALLBACK_CODES, 3)
    answered = cb == 1
    con, bad_con = _encode(answers["contacted"], YES_NO_CODES, 1)
    sol, bad_sol = _encode(answers["solved"], YES_NO_CODES, 1)
    sat, bad_sat = _encode(answers["satisfaction"], SATISFACTION_CODES, 2)
    counted = np.ones(n, dtype=bool)
    for name in ("answered_at_intake", "not_dispatched"):
        flag = _flag(flags[name], n, name)
        if flag is not None:
            counted &= ~flag
    leads = _flag(flags["lead"], n, "lead")
    if leads is not None and rules.attribution == "lead":
        counted &= leads
    checks = [
        (
            bad_cb,
            "callback",
            "unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused",
        ),
        (bad_con & answered, "contacted", "unknown answer; allowed: 是/否, yes/no, 1/0"),
        (bad_sol & answered, "solved", "unknown answer; allowed: 是/否, yes/no, 1/0"),
        (
            bad_sat & answered,
            "satisfaction",
            "unknown satisfaction; allowed: 0-2 or 满意/基本满意/不满意",
        ),
        (_missing(units), "unit", "missing unit"),
        (_missing(periods), "period", "missing period"),
    ]
    problems: list[Problem] = []
    bad_rows = np.zeros(n, dtype=bool)
    for bad, field, reason in checks:
        hit = bad & counted
        if hit.any():
            _report(
                hit,
                units if field == "unit" else periods if field == "period" else answers[field],
                field,
                reason,
                problems,
            )
            bad_rows |= hit
    problems.sort(key=lambda p: (p.row, p.field))
    counted &= ~bad_rows
    state = np.where(answered, 4 + con * 6 + sol * 3 + sat, np.where(cb == 0, 1, cb)).astype(
        np.int8
    )
    excl = _flag(flags["excluded"], n, "excluded")
    if excl is not None:
        state[excl] = 0
    return state, counted, ValidationReport(problems, total=n)


def _count(
    units: npt.NDArray[Any],
    periods: npt.NDArray[Any],
    category: npt.NDArray[Any] | None,
    state: npt.NDArray[np.int8],
    counted: npt.NDArray[np.bool_],
) -> Tally:
    """One bincount over (unit, period[, category], state) of the counted rows."""
    if not counted.all():
        sub = np.flatnonzero(counted)
        units, periods, state = units[sub], periods[sub], state[sub]
        category = None if category is None else category[sub]
    ucode, ulabels = _factorize(units)
    pcode, plabels = _factorize(periods)
    if category is not None:
        ccode, clabels = _factorize(category.astype(str))
    else:
        ccode, clabels = np.zeros(len(ucode), dtype=np.int64), np.array([""])
    n_p, n_c = len(plabels), len(clabels)
    key = ((ucode * n_p + pcode) * n_c + ccode) * N_STATES + state
    bins = np.bincount(key, minlength=len(ulabels) * n_p * n_c * N_STATES).reshape(-1, N_STATES)
    nonzero = np.flatnonzero(bins.any(axis=1))
    cell, c_idx = np.divmod(nonzero, n_c)
    u_idx, p_idx = np.divmod(cell, n_p)
    return Tally(ulabels[u_idx], plabels[p_idx], clabels[c_idx], bins[nonzero].astype(np.int64))


@overload
def tally_many(
    unit: npt.ArrayLike,
    period: npt.ArrayLike,
    *,
    callback: npt.ArrayLike,
    contacted: npt.ArrayLike,
    solved: npt.ArrayLike,
    satisfaction: npt.ArrayLike,
    rules: Rules,
    lead: npt.ArrayLike | None = ...,
    answered_at_intake: npt.ArrayLike | None = ...,
    not_dispatched: npt.ArrayLike | None = ...,
    excluded: npt.ArrayLike | None = ...,
    category: npt.ArrayLike | None = ...,
    errors: Literal["raise"] = ...,
) -> Tally: ...
@overload
def tally_many(
    unit: npt.ArrayLike,
    period: npt.ArrayLike,
    *,
    callback: npt.ArrayLike,
    contacted: npt.ArrayLike,
    solved: npt.ArrayLike,
    satisfaction: npt.ArrayLike,
    rules: Rules,
    lead: npt.ArrayLike | None = ...,
    answered_at_intake: npt.ArrayLike | None = ...,
    not_dispatched: npt.ArrayLike | None = ...,
    excluded: npt.ArrayLike | None = ...,
    category: npt.ArrayLike | None = ...,
    errors: Literal["collect"],
) -> tuple[Tally, ValidationReport]: ...
def tally_many(
    unit: npt.ArrayLike,
    period: npt.ArrayLike,
    *,
    callback: npt.ArrayLike,
    contacted: npt.ArrayLike,
    solved: npt.ArrayLike,
    satisfaction: npt.ArrayLike,
    rules: Rules,
    lead: npt.ArrayLike | None = None,
    answered_at_intake: npt.ArrayLike | None = None,
    not_dispatched: npt.ArrayLike | None = None,
    excluded: npt.ArrayLike | None = None,
    category: npt.ArrayLike | None = None,
    errors: ErrorPolicy = "raise",
) -> Tally | tuple[Tally, ValidationReport]:
    """Count tickets per unit and period from arrays (批量计数), one row per (ticket, unit).

    Rows answered at intake or not dispatched never count; rows of co-handlers count only when the rules
    attribute to co-handlers; excluded rows count as ``excluded``. Nothing loops over tickets in Python:
    the unit and period are factorized and one :func:`numpy.bincount` counts every state.

    Args:
        unit: Unit code per row (承办单位), any sortable dtype (small integers are used directly).
        period: Period label per row (考核周期), e.g. ``"2025-03"`` or ``datetime64[M]``.
        callback: Callback outcome (回访结果): codes of :data:`CALLBACK_CODES` or their names/labels.
        contacted: 是否联系: booleans, 0/1, or 是/否. Read only where the callback was answered.
        solved: 是否解决: as ``contacted``.
        satisfaction: 满意度: codes of :data:`SATISFACTION_CODES` or their names/labels.
        rules: The rules (attribution).
        lead: ``True`` where the row's unit is the lead (主办); default all lead.
        answered_at_intake: ``True`` where the ticket was answered at intake (即时答复).
        not_dispatched: ``True`` where the ticket was not dispatched (不予派单).
        excluded: ``True`` where an approved exclusion removes the ticket (see :func:`excluded_many`).
        category: Optional category per row (诉求类别) to split the counts by.
        errors: ``"raise"`` (default) raises a :class:`~jiesu.errors.ValidationReport` listing every bad
            row; ``"collect"`` returns it beside the tally (bad rows are then not counted).

    Returns:
        The tally, or ``(tally, report)`` with ``errors="collect"``.

    Raises:
        ValidationReport: Some rows are bad (unknown codes, missing unit or period).
        ValidationError: Arrays of different lengths, or a flag that is not boolean.

    Examples:
        >>> import numpy as np
        >>> from jiesu.scoring import Rules
        >>> t = tally_many(["S01", "S01", "S02"], ["2025-03"] * 3,
        ...                callback=["answered", "unreachable", "answered"], contacted=["是", "否", "是"],
        ...                solved=["是", "否", "否"], satisfaction=["满意", "不满意", "基本满意"],
        ...                rules=Rules.preset("beijing-2021"))
        >>> t.row("S01", "2025-03")["answered:yes:yes:satisfied"], t.row("S01", "2025-03")["unreachable"]
        (1, 1)
    """
    units, periods = np.asarray(unit), np.asarray(period)
    state, counted, report = _states(
        units,
        periods,
        {
            "callback": callback,
            "contacted": contacted,
            "solved": solved,
            "satisfaction": satisfaction,
        },
        flags={
            "lead": lead,
            "answered_at_intake": answered_at_intake,
            "not_dispatched": not_dispatched,
            "excluded": excluded,
        },
        rules=rules,
    )
    if report and errors == "raise":
        raise report
    tally = _count(
        units, periods, None if category is None else np.asarray(category), state, counted
    )
    if errors == "collect":
        return tally, report
    return tally


def score_many(
    unit: npt.ArrayLike,
    period: npt.ArrayLike,
    *,
    callback: npt.ArrayLike,
    contacted: npt.ArrayLike,
    solved: npt.ArrayLike,
    satisfaction: npt.ArrayLike,
    rules: Rules,
    lead: npt.ArrayLike | None = None,
    answered_at_intake: npt.ArrayLike | None = None,
    not_dispatched: npt.ArrayLike | None = None,
    excluded: npt.ArrayLike | None = None,
    kinds: Mapping[Any, Any] | None = None,
    population: Mapping[Any, int] | None = None,
    adjustments: Iterable[Adjustment] = (),
) -> Scorecard:
    """Score units from arrays (批量打分): :func:`tally_many`, then :meth:`Tally.scores`.

    Args:
        unit: See :func:`tally_many`.
        period: See :func:`tally_many`.
        callback: See :func:`tally_many`.
        contacted: See :func:`tally_many`.
        solved: See :func:`tally_many`.
        satisfaction: See :func:`tally_many`.
        rules: The rules.
        lead: See :func:`tally_many`.
        answered_at_intake: See :func:`tally_many`.
        not_dispatched: See :func:`tally_many`.
        excluded: See :func:`tally_many`.
        kinds: Unit code → unit kind, for ranking groups.
        population: Unit code → population, for 万人诉求量.
        adjustments: Bonuses and deductions.

    Returns:
        The scorecard (rates, composite, dense rank within period and group, grade).

    Raises:
        ValidationReport: Every bad row at once.

    Examples:
        >>> from jiesu.scoring import Rules
        >>> card = score_many(["S01", "S02"], ["2025-03"] * 2, callback=[1, 1], contacted=[1, 1],
        ...                   solved=[1, 0], satisfaction=[2, 2], rules=Rules.preset("beijing-2021"))
        >>> [(s.unit, s.composite, s.rank) for s in card.rows()]
        [('S01', Points('100.00'), 1), ('S02', Points('60.00'), 2)]
    """
    tally = tally_many(
        unit,
        period,
        callback=callback,
        contacted=contacted,
        solved=solved,
        satisfaction=satisfaction,
        rules=rules,
        lead=lead,
        answered_at_intake=answered_at_intake,
        not_dispatched=not_dispatched,
        excluded=excluded,
    )
    return tally.scores(rules, kinds=kinds, population=population, adjustments=adjustments)
