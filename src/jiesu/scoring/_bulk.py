"""The array path (批量打分): tally and score millions of tickets with numpy, no Python loop per ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal, overload

import attrs
import numpy as np
import numpy.typing as npt

from jiesu.errors import ErrorPolicy, Problem, ValidationError, ValidationReport
from jiesu.scoring._labels import KnownUnits, check_labels, is_text, known_units
from jiesu.scoring._states import (
    ANSWERED,
    ANSWERS,
    CALLBACK_CODES,
    CALLBACKS,
    COMBO_EXCLUDED,
    N_STATES,
    REASONS,
    SATISFACTION_CODES,
    SATISFACTIONS,
    STATE_COUNTS,
    YES_NO_CODES,
    combo_codes,
    combo_states,
    trim,
    with_numbers,
)
from jiesu.scoring._tally import Tally

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jiesu.scoring._data import Adjustment
    from jiesu.scoring._rules import Rules
    from jiesu.scoring._scorecard import Scorecard

__all__ = ["score_many", "tally_many"]

_CALLBACK_TEXT: Final = with_numbers(CALLBACK_CODES)
_YES_NO_TEXT: Final = with_numbers(YES_NO_CODES)
_SATISFACTION_TEXT: Final = with_numbers(SATISFACTION_CODES)
_MAX_DIRECT: Final = 1 << 22


def _encode(
    values: npt.NDArray[Any], table: Mapping[str, int], top: int
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_] | None]:
    """Codes as int8 and a mask of unknown values (``None`` when there is none); unknown rows get 0."""
    kind = values.dtype.kind
    if kind == "b":
        return values.view(np.int8), None
    if kind in "iu":
        small = values.view(np.uint8) if values.dtype.itemsize == 1 else values
        bad = (
            (small > top)
            if kind == "u" or values.dtype.itemsize == 1
            else (values < 0) | (values > top)
        )
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~((values >= 0) & (values <= top) & (values == np.floor(values)))
    else:
        uniq, inverse = np.unique(values.astype(str), return_inverse=True)
        lookup = np.array(
            [table.get(trim(str(u)).lower(), -1) for u in uniq.tolist()], dtype=np.int16
        )
        mapped = lookup[inverse]
        bad = mapped < 0
        return np.where(bad, 0, mapped).astype(np.int8), (bad if bad.any() else None)
    if not bad.any():
        return values.astype(np.int8, copy=False), None
    return np.where(bad, 0, values).astype(np.int8), bad


def _report(  # noqa: PLR0917 - private helper
    bad: npt.NDArray[np.bool_],
    arr: npt.NDArray[Any],
    offset: int,
    field: str,
    problems: list[Problem],
    reasons: list[str] | None = None,
) -> None:
    rows = np.flatnonzero(bad)
    values = arr[rows].tolist()
    why = reasons if reasons is not None else [_REASONS[field]] * len(rows)
    problems.extend(
        Problem(int(r) + offset, field, v, reason)
        for r, v, reason in zip(rows.tolist(), values, why, strict=True)
    )


_REASONS: Final = REASONS


class _Codes:
    """Factorized key column: sorted labels, a way to get the codes of a slice, and its refused rows.

    Text labels are checked once per distinct value (:func:`check_labels`): trimmed of every Unicode
    space, blanks and phantom periods refused, units looked up in the units table when one is given.
    """

    def __init__(
        self, values: npt.NDArray[Any], field: str, known: KnownUnits | None = None
    ) -> None:
        self.values = values
        self.field = field
        self.low = 0
        self.codes: npt.NDArray[np.int64] | None = None
        self.refused: npt.NDArray[np.bool_] | None = None  # per row
        self.raw: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.reasons: list[str | None] = []
        if values.dtype.kind in "iu" and len(values):
            low, high = int(values.min()), int(values.max())
            if high - low < max(_MAX_DIRECT, 2 * len(values)):
                self.low = low
                self.labels = np.arange(low, high + 1, dtype=values.dtype)
                return
        if is_text(values):
            raw_labels, inverse = np.unique(values.astype(str), return_inverse=True)
            normal, self.reasons = check_labels(raw_labels, field, known)
            self.labels, remap = np.unique(normal, return_inverse=True)
            self.codes = np.asarray(remap[inverse], dtype=np.int64).reshape(len(values))
            refused = np.array([r is not None for r in self.reasons], dtype=bool)
            if refused.any():
                self.raw = np.asarray(inverse, dtype=np.int64).reshape(len(values))
                self.refused = refused[self.raw]
            return
        present = ~_missing(values)
        self.labels, inverse = np.unique(
            values[present] if not present.all() else values, return_inverse=True
        )
        codes = np.zeros(len(values), dtype=np.int64)
        codes[present] = inverse
        self.codes = codes
        if not present.all():
            self.refused = ~present

    def chunk(self, sl: slice) -> npt.NDArray[np.int64]:
        """Fresh int64 codes of a slice (writable)."""
        if self.codes is not None:
            return self.codes[sl].copy()
        out = self.values[sl].astype(np.int64)
        if self.low:
            out -= self.low
        return out

    def bad(self, sl: slice) -> npt.NDArray[np.bool_] | None:
        """Which rows of a slice hold a refused label (``None``: none can)."""
        return None if self.refused is None else self.refused[sl]

    def why(self, rows: npt.NDArray[np.intp]) -> list[str] | None:
        """The reasons of refused rows (absolute indices), ``None`` for the field's usual reason."""
        if not len(self.raw):
            return None
        return [str(self.reasons[i]) for i in self.raw[rows].tolist()]


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
    """Missing keys of a column that is not text (text labels are checked by :func:`check_labels`)."""
    if arr.dtype.kind == "M":
        return np.asarray(np.isnat(arr), dtype=bool)
    if arr.dtype.kind == "f":
        return np.asarray(np.isnan(arr), dtype=bool)
    return np.zeros(len(arr), dtype=bool)


_STATE_TABLE: Final = combo_states()
_CHUNK: Final = 1 << 18


@attrs.frozen
class _Rows:
    """Checked inputs of the array path, read chunk by chunk."""

    units: npt.NDArray[Any]
    periods: npt.NDArray[Any]
    ucodes: _Codes
    pcodes: _Codes
    answers: dict[str, npt.NDArray[Any]]
    skip: tuple[npt.NDArray[np.bool_], ...]
    keep: npt.NDArray[np.bool_] | None
    excluded: npt.NDArray[np.bool_] | None
    lead: npt.NDArray[np.bool_] | None = None
    ids: npt.NDArray[Any] | None = None

    @classmethod
    def check(
        cls,
        units: npt.NDArray[Any],
        periods: npt.NDArray[Any],
        answers: Mapping[str, npt.ArrayLike],
        *,
        flags: Mapping[str, npt.ArrayLike | None],
        rules: Rules,
        category: npt.NDArray[Any] | None = None,
        units_table: KnownUnits | None = None,
        ids: npt.NDArray[Any] | None = None,
    ) -> _Rows:
        n = len(units)
        arrays = {name: np.asarray(arr) for name, arr in answers.items()}
        shaped = (("period", periods), *arrays.items(), ("category", category), ("ticket_id", ids))
        for name, arr in shaped:
            if arr is not None and np.shape(arr) != (n,):
                raise ValidationError(
                    f"must have the same length as unit ({n})", field=name, value=np.shape(arr)
                )
        skip = tuple(
            flag
            for name in ("answered_at_intake", "not_dispatched")
            if (flag := _flag(flags.get(name), n, name)) is not None
        )
        lead = _flag(flags.get("lead"), n, "lead")
        keep = lead if rules.attribution == "lead" else None
        excluded = _flag(flags.get("excluded"), n, "excluded")
        ucodes = _Codes(units, "unit", units_table)
        pcodes = _Codes(periods, "period")
        return cls(units, periods, ucodes, pcodes, arrays, skip, keep, excluded, lead, ids)

    def states(  # noqa: C901 - one pass over the checks of a slice
        self, sl: slice, problems: list[Problem]
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_] | None]:
        """The state of each row of a slice and which rows count (``None``: all); bad rows are reported."""
        checked: npt.NDArray[np.bool_] | None = None  # rows whose values must be right
        for flag in self.skip:
            checked = ~flag[sl] if checked is None else checked & ~flag[sl]
        cb, bad_cb = _encode(self.answers["callback"][sl], _CALLBACK_TEXT, len(CALLBACKS) - 1)
        con, bad_con = _encode(self.answers["contacted"][sl], _YES_NO_TEXT, len(ANSWERS) - 1)
        sol, bad_sol = _encode(self.answers["solved"][sl], _YES_NO_TEXT, len(ANSWERS) - 1)
        sat, bad_sat = _encode(
            self.answers["satisfaction"][sl], _SATISFACTION_TEXT, len(SATISFACTIONS) - 1
        )
        checks = {
            "callback": bad_cb,
            "contacted": bad_con,
            "solved": bad_sol,
            "satisfaction": bad_sat,
            "unit": self.ucodes.bad(sl),
            "period": self.pcodes.bad(sl),
        }
        reject: npt.NDArray[np.bool_] | None = None
        if any(b is not None and b.any() for b in checks.values()):
            answered = cb == ANSWERED
            reject = np.zeros(sl.stop - sl.start, dtype=bool)
            for field, bad in checks.items():
                if bad is None:
                    continue
                hit = bad if field in {"callback", "unit", "period"} else bad & answered
                if checked is not None:
                    hit = hit & checked
                if hit.any():
                    codes = {"unit": self.ucodes, "period": self.pcodes}.get(field)
                    values = self.answers[field] if codes is None else codes.values
                    why = None if codes is None else codes.why(np.flatnonzero(hit) + sl.start)
                    _report(hit, values[sl], sl.start, field, problems, why)
                    reject |= hit
        counted = checked
        if (
            self.keep is not None
        ):  # co-handlers: checked like the lead, counted only if the rules say
            counted = self.keep[sl] if counted is None else counted & self.keep[sl]
        if reject is not None:
            counted = ~reject if counted is None else counted & ~reject
        combo = combo_codes(cb, con, sol, sat)
        if self.excluded is not None:
            combo[self.excluded[sl]] = COMBO_EXCLUDED
        state = _STATE_TABLE[combo]
        if self.ids is not None:
            ok = np.ones(len(state), dtype=bool) if reject is None else ~reject
            fine = ok if checked is None else ok & checked
            drop = self._repeated(sl, state, ok, fine, problems)
            if drop is not None:
                counted = ~drop if counted is None else counted & ~drop
        return state, counted

    def _repeated(
        self,
        sl: slice,
        state: npt.NDArray[np.int8],
        ok: npt.NDArray[np.bool_],
        fine: npt.NDArray[np.bool_],
        problems: list[Problem],
    ) -> npt.NDArray[np.bool_] | None:
        """Rows of repeated ticket ids that must not count: duplicates beyond the first, and conflicts.

        A duplicate repeats a row exactly (same ticket, unit, role, period and answers): it is reported
        and the first copy counts once. Two different lead (主办) rows of one ticket, or two different
        rows of one co-handler (协办), contradict each other: every one of them is a bad row.
        """
        assert self.ids is not None  # noqa: S101 - checked by the caller
        ids = self.ids[sl]
        _, tid = np.unique(ids.astype(str), return_inverse=True)
        tid = np.asarray(tid, dtype=np.int64).reshape(len(ids))
        if np.bincount(tid).max(initial=0) < 2:  # noqa: PLR2004 - no id repeats
            return None
        lead = np.ones(len(ids), dtype=bool) if self.lead is None else self.lead[sl]
        unit = self.ucodes.chunk(sl)
        content = np.stack([self.pcodes.chunk(sl), state, fine], axis=1).astype(np.int64)
        drop, found = repeated_rows(tid, unit, lead, content, ok=ok, fine=fine)
        problems.extend(
            Problem(
                r + sl.start, "ticket_id", ids[r : r + 1].tolist()[0], why(lambda x: x + sl.start)
            )
            for r, why in found
        )
        return drop


def repeated_rows(
    tid: npt.NDArray[np.int64],
    unit: npt.NDArray[np.int64],
    lead: npt.NDArray[np.bool_],
    content: npt.NDArray[np.int64],
    *,
    ok: npt.NDArray[np.bool_],
    fine: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.bool_], list[tuple[int, Any]]]:
    """Rows of repeated ticket ids that must not count, and why (a function of how rows are named).

    A duplicate repeats a row exactly (ticket, unit, role and ``content`` codes): it is reported and the
    first copy counts once. Different lead (主办) rows of one ticket, or different rows of one
    co-handler (协办), contradict each other: every one of them is a bad row. Only ``ok`` rows (not
    already bad) take part; conflicts are sought among the ``fine`` ones (rows that are scored).
    """
    n = len(tid)
    rows = np.flatnonzero(ok)
    table = np.column_stack([tid[rows], unit[rows], lead[rows], content[rows]]).astype(np.int64)
    _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    inverse = np.asarray(inverse).reshape(len(rows))
    copy = first[inverse] != np.arange(len(rows))
    drop = np.zeros(n, dtype=bool)
    found: list[tuple[int, Any]] = []
    for k in np.flatnonzero(copy).tolist():
        r, original = int(rows[k]), int(rows[first[inverse[k]]])
        drop[r] = True
        found.append((r, lambda at, o=original: f"duplicate of row {at(o)}: counted once"))
    kept = rows[~copy & fine[rows]]
    holder = np.where(lead[kept], -1, unit[kept])  # one lead per ticket, one row per co-handler
    pairs = np.column_stack([tid[kept], holder])
    _, pinv, pcount = np.unique(pairs, axis=0, return_inverse=True, return_counts=True)
    pinv = np.asarray(pinv).reshape(len(kept))
    for k in np.flatnonzero(pcount[pinv] > 1).tolist():
        r = int(kept[k])
        drop[r] = True
        role = "lead (主办)" if lead[r] else "co-handler (协办)"
        group = kept[pinv == pinv[k]].tolist()

        def conflict(at: Any, role: str = role, group: list[int] = group) -> str:  # noqa: ANN401 - a row-naming function
            rows_of = ", ".join(str(at(x)) for x in group)
            return f"different {role} rows of one ticket (rows {rows_of}): none is counted"

        found.append((r, conflict))
    found.sort(key=lambda item: item[0])
    return drop, found


def row_states(
    units: npt.NDArray[Any],
    periods: npt.NDArray[Any],
    answers: Mapping[str, npt.ArrayLike | None],
    *,
    flags: Mapping[str, npt.ArrayLike | None],
    rules: Rules,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """Per row: its state (:data:`STATES` index) and whether it counts; raises the report of bad rows."""
    present = {k: v for k, v in answers.items() if v is not None}
    rows = _Rows.check(units, periods, present, flags=flags, rules=rules)
    problems: list[Problem] = []
    state, counted = rows.states(slice(0, len(units)), problems)
    if problems:
        problems.sort(key=lambda p: (p.row, p.field))
        raise ValidationReport(problems, total=len(units))
    return state, np.ones(len(units), dtype=bool) if counted is None else counted


def _tally_arrays(
    units: npt.NDArray[Any],
    periods: npt.NDArray[Any],
    answers: Mapping[str, npt.ArrayLike],
    *,
    flags: Mapping[str, npt.ArrayLike | None],
    category: npt.NDArray[Any] | None,
    rules: Rules,
    units_table: KnownUnits | None = None,
    ids: npt.NDArray[Any] | None = None,
) -> tuple[Tally, ValidationReport]:
    """Validate and count in chunks of rows: int8 codes, a state lookup, one bincount per chunk."""
    n = len(units)
    rows = _Rows.check(
        units,
        periods,
        answers,
        flags=flags,
        rules=rules,
        category=category,
        units_table=units_table,
        ids=ids,
    )
    ucodes, pcodes = rows.ucodes, rows.pcodes
    ccodes = _Codes(category.astype(str), "category") if category is not None else None
    n_p = len(pcodes.labels)
    n_c = len(ccodes.labels) if ccodes is not None else 1
    size = len(ucodes.labels) * n_p * n_c * N_STATES
    bins = np.zeros(size + 1, dtype=np.int64)
    problems: list[Problem] = []
    chunk = max(n, 1) if rows.ids is not None else _CHUNK  # repeated ids are found over all rows
    for start in range(0, n, chunk):
        sl = slice(start, min(start + chunk, n))
        state, counted = rows.states(sl, problems)
        key = ucodes.chunk(sl)
        key *= n_p
        key += pcodes.chunk(sl) if pcodes.codes is not None or pcodes.low else periods[sl]
        if ccodes is not None:
            key *= n_c
            key += ccodes.chunk(sl)
        key *= N_STATES
        key += state
        if counted is not None:
            key[~counted] = size
        bins += np.bincount(key, minlength=size + 1)
    problems.sort(key=lambda p: (p.row, p.field))
    matrix = bins[:size].reshape(-1, N_STATES)
    nonzero = np.flatnonzero(matrix.any(axis=1))
    cell, c_idx = np.divmod(nonzero, n_c)
    u_idx, p_idx = np.divmod(cell, n_p)
    clabels = ccodes.labels if ccodes is not None else np.array([""])
    counts = matrix[nonzero] @ STATE_COUNTS
    tally = Tally(ucodes.labels[u_idx], pcodes.labels[p_idx], clabels[c_idx], counts)
    return tally, ValidationReport(problems, total=n)


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
    units: object = ...,
    ticket_id: npt.ArrayLike | None = ...,
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
    units: object = ...,
    ticket_id: npt.ArrayLike | None = ...,
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
    units: object = None,
    ticket_id: npt.ArrayLike | None = None,
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
        category: Optional category per row (诉求类别) to split the counts by (the split is asked for
            by passing it).
        units: The known units (单位表), optional: unit codes, :class:`~jiesu.model.Unit` objects, or a
            mapping unit name → code. A row naming another unit is bad (the nearest known name is
            suggested); a name is read as its code.
        ticket_id: 工单编号 per row, optional. With it, a row repeated exactly (a re-exported row) is
            reported as a duplicate of its first copy and counted once, and different lead rows of one
            ticket (or different rows of one co-handler) are bad rows.
        errors: ``"raise"`` (default) raises a :class:`~jiesu.errors.ValidationReport` listing every bad
            row; ``"collect"`` returns it beside the tally (bad rows are then not counted).

    Returns:
        The tally, or ``(tally, report)`` with ``errors="collect"``.

    Raises:
        ValidationReport: Some rows are bad (unknown codes; a unit or period missing or blank-like
            such as ``"nan"``; a period that is not ``YYYY-MM``; a unit not in ``units``).
        ValidationError: Arrays of different lengths, or a flag that is not boolean.

    Examples:
        >>> import numpy as np
        >>> from jiesu.scoring import Rules
        >>> t = tally_many(["S01", "S01", "S02"], ["2025-03"] * 3,
        ...                callback=["answered", "unreachable", "answered"], contacted=["是", "否", "是"],
        ...                solved=["是", "否", "否"], satisfaction=["满意", "不满意", "基本满意"],
        ...                rules=Rules.preset("beijing-2021"))
        >>> t.row("S01", "2025-03")
        {'tickets': 2, 'excluded': 0, 'answered': 1, 'unreachable': 1, 'refused': 0, 'contacted': 1,
         'solved': 1, 'satisfied': 1, 'basically_satisfied': 0}
    """
    tally, report = _tally_arrays(
        np.asarray(unit),
        np.asarray(period),
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
        category=None if category is None else np.asarray(category),
        rules=rules,
        units_table=known_units(units),
        ids=None if ticket_id is None else np.asarray(ticket_id),
    )
    if report and errors == "raise":
        raise report
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
    units: object = None,
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
        units: See :func:`tally_many`.

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
        units=units,
    )
    return tally.scores(rules, kinds=kinds, population=population, adjustments=adjustments)
