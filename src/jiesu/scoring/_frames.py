"""The dataframe path (数据表打分) through narwhals: pandas, polars, pyarrow, duckdb and PySpark tables.

The heavy work (one state per row, then a count per unit, period and state) runs in the user's backend,
eager or lazy; the small table of counts is collected and scored by the same exact integer code as the
array path, so every backend gives identical rates, composites and ranks.
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, Any, Final, Literal, overload

import attrs
import narwhals as nw
import numpy as np

from jiesu._native import like
from jiesu.errors import ErrorPolicy, Problem, ValidationError, ValidationReport
from jiesu.scoring._bulk import repeated_rows
from jiesu.scoring._evaluate import Breakdown, breakdown_arrays
from jiesu.scoring._labels import KnownUnits, check_label, check_labels, is_text, known_units
from jiesu.scoring._states import (
    ANSWERED,
    ANSWERS,
    BASICALLY_SATISFIED,
    CALLBACK_CODES,
    CALLBACKS,
    COUNTS,
    N_COUNTS,
    REASONS,
    ROLE_CODES,
    SATISFACTION_CODES,
    SATISFACTIONS,
    SATISFIED,
    SPACES,
    YES_NO_CODES,
    with_numbers,
)
from jiesu.scoring._tally import Tally

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import numpy.typing as npt

    from jiesu.scoring._data import Adjustment, Exclusion
    from jiesu.scoring._rules import Rules
    from jiesu.scoring._scorecard import Scorecard

__all__ = ["ColumnMap", "breakdown_frame", "score_frame", "tally_frame"]

_CALLBACK_TEXT: Final = with_numbers(CALLBACK_CODES)
_YES_NO_TEXT: Final = with_numbers(YES_NO_CODES)
_SATISFACTION_TEXT: Final = with_numbers(SATISFACTION_CODES)
_ROLE_TEXT: Final = with_numbers(ROLE_CODES)
_LEAD: Final = ROLE_CODES["lead"]
_YES: Final = YES_NO_CODES["yes"]

ZH_HEADERS: Final[dict[str, str]] = {
    "unit": "承办单位",
    "period": "考核周期",
    "category": "诉求类别",
    "group": "排名分组",
    "volume": "工单量",
    "excluded": "剔除量",
    "valid": "有效回访量",
    "response": "响应率",
    "resolution": "解决率",
    "satisfaction": "满意率",
    "weighted": "三率得分",
    "bonus": "加分",
    "deduction": "扣分",
    "composite": "综合成绩",
    "rank": "排名",
    "grade": "等级",
    "per_10k": "万人诉求量",
    "per_10k_led": "主办工单万人比",
    "status": "状态",
}
"""Chinese headers of the scorecard table (``headers="zh"``)."""


@attrs.frozen
class ColumnMap:
    """Which column holds what (列名映射); ``None`` means the table has no such column.

    Values may be codes (``answered``, ``yes``, ``satisfied``, ``lead``), Chinese labels (已回访, 是,
    满意, 主办), booleans or the integer codes of the array path. A missing callback (null) means no
    callback yet.

    Attributes:
        unit: 承办单位 code.
        period: 考核周期 label.
        callback: 回访结果 (none/answered/unreachable/refused).
        contacted: 是否联系.
        solved: 是否解决.
        satisfaction: 是否满意 (满意/基本满意/不满意).
        ticket_id: 工单编号, used to name bad rows.
        role: 主办/协办 (lead or co-handler).
        answered_at_intake: 是否即时办结 (answered at intake, never counted).
        not_dispatched: 是否不予派单 (not dispatched, never counted).
        excluded: 是否剔除 (excluded by an approved request).
        category: 诉求类别, to split counts by category (the split happens only when it is set).

    Examples:
        >>> ColumnMap.chinese().solved
        '是否解决'
    """

    unit: str = "unit"
    period: str = "period"
    callback: str = "callback"
    contacted: str = "contacted"
    solved: str = "solved"
    satisfaction: str = "satisfaction"
    ticket_id: str | None = None
    role: str | None = None
    answered_at_intake: str | None = None
    not_dispatched: str | None = None
    excluded: str | None = None
    category: str | None = None

    @classmethod
    def chinese(cls, *, by_category: bool = False) -> ColumnMap:
        """The headers of a typical Chinese export (中文表头): 工单编号, 承办单位, 是否解决, 是否满意….

        Args:
            by_category: Map 诉求类别 too, so counts split by category. Off by default: every real export
                has the column, and the scorecard ranks units, not unit × category cells.
        """
        return cls(
            unit="承办单位",
            period="考核周期",
            callback="回访结果",
            contacted="是否联系",
            solved="是否解决",
            satisfaction="是否满意",
            ticket_id="工单编号",
            role="主办/协办",
            answered_at_intake="是否即时办结",
            not_dispatched="是否不予派单",
            excluded="是否剔除",
            category="诉求类别" if by_category else None,
        )

    def present(self, columns: Iterable[str]) -> ColumnMap:
        """The map with optional columns the table lacks set to ``None`` (required ones are kept)."""
        have = set(columns)
        optional = (
            "ticket_id",
            "role",
            "answered_at_intake",
            "not_dispatched",
            "excluded",
            "category",
        )
        changes: dict[str, Any] = {
            name: None for name in optional if getattr(self, name) not in have
        }
        return attrs.evolve(self, **changes)


class _Coded:
    """One answer column as codes: ``eq(k)`` tests a code, ``invalid`` flags unknown values."""

    def __init__(
        self,
        name: str,
        dtype: Any,  # noqa: ANN401 - a narwhals dtype
        table: Mapping[str, int],
        top: int,
        *,
        null_is: int | None = None,
    ) -> None:
        col = nw.col(name)
        self.name = name
        self.setup: dict[str, nw.Expr] = {}
        # aggregates that are all true only when no value of the column can be bad (None: unprovable)
        self.proofs: list[nw.Expr] | None = [] if null_is is not None else [_no_null(col)]
        if dtype == nw.Boolean:
            self.kind = "bool"
            self.expr = col
            self.invalid = col.is_null() if null_is is None else nw.lit(value=False)
        elif dtype.is_integer():
            self.kind = "int"
            self.expr = col
            self.proofs += [col.min() >= 0, col.max() <= top]
            self.invalid = (col < 0) | (col > top)
            self.invalid = (
                col.is_null() | self.invalid
                if null_is is None
                else self.invalid.fill_null(value=False)
            )
        else:
            self.kind = "text"
            text = col.cast(nw.String).str.strip_chars(SPACES).str.to_lowercase()
            by_code: dict[int, list[str]] = {}
            for label, code in table.items():
                by_code.setdefault(code, []).append(label)
            coded: Any = nw.lit(-1, nw.Int8)
            for code, labels in sorted(by_code.items(), reverse=True):
                coded = nw.when(text.is_in(labels)).then(nw.lit(code, nw.Int8)).otherwise(coded)
            fill = -1 if null_is is None else null_is
            coded = nw.when(col.is_null()).then(nw.lit(fill, nw.Int8)).otherwise(coded)
            alias = f"_code_{name}"
            self.proofs = None  # labels need coding: only the row check can tell
            self.setup = {alias: coded}
            self.expr = nw.col(alias)
            self.invalid = self.expr < 0
        self.null_is = null_is

    def eq(self, code: int) -> nw.Expr:
        """Rows whose value has this code (null when the value is null: sums skip it)."""
        return (self.expr if code else ~self.expr) if self.kind == "bool" else self.expr == code

    def is_not(self, code: int) -> nw.Expr:
        """Rows whose value does not have this code; a null reads as ``null_is``."""
        hit = ~self.eq(code)
        if self.kind == "text":
            return hit
        return hit.fill_null(value=self.null_is != code)


def _blank(name: str, dtype: Any) -> nw.Expr:  # noqa: ANN401 - a narwhals dtype
    """A missing key: null, or an empty string in a text column."""
    col = nw.col(name)
    return col.is_null() | (col == "") if dtype == nw.String else col.is_null()


def _no_null(col: nw.Expr) -> nw.Expr:
    """A column without nulls, as an aggregate: its count of values equals the row count.

    (``count`` reads validity bitmaps; a null count is a sum over ``is_null`` on some backends.)
    """
    return col.count() == nw.len()


def _key_proofs(name: str, dtype: Any) -> list[nw.Expr]:  # noqa: ANN401 - a narwhals dtype
    """Aggregates all true only when no key is blank (see :func:`_blank`)."""
    col = nw.col(name)
    proofs = [_no_null(col)]
    return [*proofs, ~(col == "").any()] if dtype == nw.String else proofs


def _required(frame: Any, cols: ColumnMap) -> Any:  # noqa: ANN401 - a narwhals schema
    schema = frame.collect_schema()
    for name in ("unit", "period", "callback", "contacted", "solved", "satisfaction"):
        column = getattr(cols, name)
        if column not in schema:
            raise ValidationError(
                f"column not found; the table has: {', '.join(schema.names())}",
                field=name,
                value=column,
            )
    return schema


_REASONS: Final = REASONS


class _Plan:
    """The expressions of one scoring pass over a table."""

    def __init__(self, schema: Any, cols: ColumnMap, rules: Rules) -> None:  # noqa: ANN401, C901 - a narwhals schema; one flat list of expressions
        self.cols = cols
        top = len(ANSWERS) - 1
        self.cb = _Coded(
            cols.callback, schema[cols.callback], _CALLBACK_TEXT, len(CALLBACKS) - 1, null_is=0
        )
        self.con = _Coded(cols.contacted, schema[cols.contacted], _YES_NO_TEXT, top)
        self.sol = _Coded(cols.solved, schema[cols.solved], _YES_NO_TEXT, top)
        self.sat = _Coded(
            cols.satisfaction, schema[cols.satisfaction], _SATISFACTION_TEXT, len(SATISFACTIONS) - 1
        )
        flags: list[tuple[str, _Coded]] = []
        for name in ("answered_at_intake", "not_dispatched"):
            column = getattr(cols, name)
            if column is not None:
                flags.append((name, _Coded(column, schema[column], _YES_NO_TEXT, top, null_is=0)))
        if cols.role is not None:
            flags.append(("role", _Coded(cols.role, schema[cols.role], _ROLE_TEXT, top)))
        self.excl = None
        if cols.excluded is not None:
            self.excl = _Coded(cols.excluded, schema[cols.excluded], _YES_NO_TEXT, top, null_is=0)
            flags.append(("excluded", self.excl))
        self.setup: dict[str, nw.Expr] = {}
        for c in (self.cb, self.con, self.sol, self.sat, *(c for _, c in flags)):
            self.setup |= c.setup
        # rows whose values must be right (never counted: answered at intake, not dispatched), and
        # among them the rows that count (co-handlers are checked like the lead, counted if the rules say)
        self.checked: nw.Expr | None = None
        for name, c in flags:
            if name in {"answered_at_intake", "not_dispatched"}:
                part = c.is_not(_YES)
                self.checked = part if self.checked is None else self.checked & part
        self.counted = self.checked
        role = dict(flags).get("role")
        self.role = role
        if role is not None and rules.attribution == "lead":
            part = role.eq(_LEAD)
            self.counted = part if self.counted is None else self.counted & part
        answered = self.cb.eq(ANSWERED)
        answers = {
            "callback": self.cb.invalid,
            "contacted": answered & self.con.invalid,
            "solved": answered & self.sol.invalid,
            "satisfaction": answered & self.sat.invalid,
            "unit": _blank(cols.unit, schema[cols.unit]),
            "period": _blank(cols.period, schema[cols.period]),
        }
        if self.checked is not None:  # answers matter on rows that are scored; flags on every row
            answers = {k: self.checked & e for k, e in answers.items()}
        self.bad: dict[str, nw.Expr] = answers | {name: c.invalid for name, c in flags}
        coded = (self.cb, self.con, self.sol, self.sat, *(c for _, c in flags))
        self.proofs: list[nw.Expr] | None = None
        if all(c.proofs is not None for c in coded):
            self.proofs = [p for c in coded for p in c.proofs or ()]
            self.proofs += _key_proofs(cols.unit, schema[cols.unit])
            self.proofs += _key_proofs(cols.period, schema[cols.period])
        self.label_reasons: dict[str, dict[Any, str]] = {}
        self.any_bad = functools.reduce(operator.or_, self.bad.values()).fill_null(value=False)

    def refuse(self, field: str, reasons: Mapping[Any, str]) -> None:
        """Make rows whose ``field`` (unit or period) holds one of these labels bad, for these reasons."""
        hit = nw.col(getattr(self.cols, field)).is_in(list(reasons))
        if self.checked is not None:
            hit = self.checked & hit
        self.bad[field] = self.bad[field] | hit
        self.label_reasons[field] = dict(reasons)
        self.any_bad = functools.reduce(operator.or_, self.bad.values()).fill_null(value=False)

    def indicators(self) -> dict[str, nw.Expr | None]:
        """Per :data:`COUNTS` entry, the rows it counts (``None`` = every row)."""
        keep = None if self.excl is None else self.excl.is_not(_YES)
        answered = self.cb.eq(ANSWERED)

        def only(expr: nw.Expr | None) -> nw.Expr | None:
            if keep is None:
                return expr
            return keep if expr is None else expr & keep

        out = {
            "tickets": only(None),
            "answered": only(answered),
            "unreachable": only(self.cb.eq(CALLBACKS.index("unreachable"))),
            "refused": only(self.cb.eq(CALLBACKS.index("refused"))),
            "contacted": only(answered & self.con.eq(_YES)),
            "solved": only(answered & self.sol.eq(_YES)),
            "satisfied": only(answered & self.sat.eq(SATISFIED)),
            "basically_satisfied": only(answered & self.sat.eq(BASICALLY_SATISFIED)),
        }
        if self.excl is not None:
            out["excluded"] = self.excl.eq(_YES)
        return out


def _problems(frame: Any, plan: _Plan, *, eager: bool) -> list[Problem]:  # noqa: ANN401 - a narwhals frame
    """The bad rows, fetched only when the check found some."""
    cols = plan.cols
    row_col = cols.ticket_id
    if eager:  # 0-based row numbers point at the right line even when ticket ids repeat
        frame = frame.with_row_index("_row")
        row_col = "_row"
    value_cols = [getattr(cols, k) for k in plan.bad]
    keep = [*dict.fromkeys([*value_cols, *([row_col] if row_col else [])])]
    rows_frame = frame.filter(plan.any_bad).select(
        *keep, *(expr.fill_null(value=False).alias(f"_bad_{k}") for k, expr in plan.bad.items())
    )
    rows = (rows_frame if eager else rows_frame.collect()).rows(named=True)
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        where: int | str = row[row_col] if row_col else f"#{i + 1} (map ticket_id to name rows)"
        for k, reason in _REASONS.items():
            if k in plan.bad and row[f"_bad_{k}"]:
                value = _shown(row[getattr(cols, k)])
                why = plan.label_reasons.get(k, {}).get(value, reason)
                problems.append(Problem(where, getattr(cols, k), value, why))
    return problems


def _aggregate(
    frame: Any,  # noqa: ANN401 - a narwhals frame
    plan: _Plan,
    keys: list[str],
    *,
    check: bool,
    filter_bad: bool,
    simple: bool,
    eager: bool,
) -> Any:  # noqa: ANN401 - a narwhals eager frame
    """One group-by: the :data:`COUNTS` and ``_rows`` per key, and ``_bad`` (bad rows) if ``check``."""
    indicators: dict[str, nw.Expr | None] = {"_bad": plan.any_bad} if check else {}
    for name, expr in plan.indicators().items():
        counted = plan.counted  # rows that do not count stay in "_rows" only
        both = expr if counted is None else counted if expr is None else expr & counted
        indicators[name] = both
    if filter_bad:
        frame = frame.filter(~plan.any_bad)
    if simple:  # pandas and pyarrow group-bys take plain column sums only
        frame = frame.with_columns(
            **{f"_i_{k}": e.cast(nw.Int64) for k, e in indicators.items() if e is not None}
        )
        aggregations = [
            nw.col(f"_i_{k}").sum().alias(k) for k, e in indicators.items() if e is not None
        ]
    elif frame.implementation.is_polars() or frame.implementation.is_duckdb():
        # these sum booleans directly (a cast first costs a pass); duckdb sums to HUGEINT, hence the cast
        aggregations = [
            e.sum().cast(nw.Int64).alias(k) for k, e in indicators.items() if e is not None
        ]
    else:
        aggregations = [
            e.cast(nw.Int64).sum().cast(nw.Int64).alias(k)
            for k, e in indicators.items()
            if e is not None
        ]
    grouped = frame.group_by(*keys).agg(nw.len().alias("_rows"), *aggregations)
    return grouped if eager else grouped.collect()


def _proven_clean(frame: Any, plan: _Plan, *, eager: bool) -> bool:  # noqa: ANN401 - a narwhals frame
    """Whether column statistics (null counts, min, max) alone prove that no row is bad.

    The proof is sufficient, not necessary: when it fails (or a column holds labels), the row check
    runs and decides.
    """
    if plan.proofs is None:
        return False
    stats = frame.select(*(p.alias(f"_p{i}") for i, p in enumerate(plan.proofs)))
    values = (stats if eager else stats.collect()).row(0)
    return all(v is True or v is np.True_ for v in values)


def _shown(value: object) -> object:
    """A missing value as ``None`` (pandas reads a missing string as NaN)."""
    return None if isinstance(value, float) and value != value else value  # noqa: PLR0124 - NaN test


def _refuse_labels(counted: Any, plan: _Plan, schema: Any, known: KnownUnits | None) -> bool:  # noqa: ANN401 - narwhals frame and schema
    """Check each distinct text label of the counted keys once; make the refused ones bad rows."""
    refused = False
    for field in ("unit", "period"):
        column = getattr(plan.cols, field)
        if schema[column] != nw.String:
            continue
        reasons: dict[Any, str] = {}
        for value in set(counted[column].to_numpy().tolist()):
            if isinstance(value, str):  # a null key is reported by the row check
                why = check_label(value, field, known)[1]
                if why is not None:
                    reasons[value] = why
        if reasons:
            plan.refuse(field, reasons)
            refused = True
    return refused


def _normal(values: npt.NDArray[Any], field: str, known: KnownUnits | None) -> npt.NDArray[Any]:
    """Counted key labels in their normal form (trimmed; a unit name read as its code)."""
    if not is_text(values):
        return values
    return check_labels(values.astype(str), field, known)[0]


def _tally_native(
    native: Any,  # noqa: ANN401 - any dataframe
    cols: ColumnMap,
    rules: Rules,
    *,
    known: KnownUnits | None = None,
) -> tuple[Tally, ValidationReport]:
    frame = nw.from_native(native)
    eager = isinstance(frame, nw.DataFrame)
    cols = cols.present(frame.collect_schema().names())
    schema = _required(frame, cols)
    plan = _Plan(schema, cols, rules)
    if plan.setup:
        frame = frame.with_columns(**plan.setup)
    keys = [cols.unit, cols.period, *([cols.category] if cols.category else [])]
    impl = frame.implementation
    simple = impl.is_pandas_like() or impl.is_pyarrow()
    # Column statistics (counts, min, max) are cheaper than the row check inside the group-by: at 10M
    # rows 3 ms against ~20 ms on polars, 20 ms against 65-85 ms on duckdb. On Spark (and engines not
    # listed) each query is a distributed job reading the source again, so there the row check stays
    # fused into the one group-by. Either way every bad row is found.
    proven = (simple or impl.is_polars() or impl.is_duckdb()) and _proven_clean(
        frame, plan, eager=eager
    )
    counted = _aggregate(
        frame, plan, keys, check=not proven, filter_bad=False, simple=simple, eager=eager
    )
    total = int(counted["_rows"].to_numpy().sum())
    problems: list[Problem] = []
    bad_rows = not proven and counted["_bad"].to_numpy().any()
    if _refuse_labels(counted, plan, schema, known) or bad_rows:
        problems = _problems(frame, plan, eager=eager)
        counted = _aggregate(
            frame, plan, keys, check=False, filter_bad=True, simple=simple, eager=eager
        )
    units = _normal(counted[cols.unit].to_numpy(), "unit", known)
    periods = _normal(counted[cols.period].to_numpy(), "period", None)
    cats = (
        _normal(counted[cols.category].to_numpy().astype(str), "category", None)
        if cols.category
        else None
    )
    matrix = np.zeros((len(units), N_COUNTS), dtype=np.int64)
    for i, name in enumerate(COUNTS):
        column = "_rows" if name == "tickets" and name not in counted.columns else name
        if column in counted.columns:
            matrix[:, i] = counted[column].to_numpy()
    tally = Tally.from_keys(units, periods, cats, matrix)
    if cols.ticket_id is not None:
        found, dropped = _repeated(frame, plan, rules, known, eager=eager)
        problems += found
        if dropped is not None:  # the dropped rows were counted above: take their counts off
            tally = Tally.from_keys(
                np.concatenate([tally.units, dropped.units]),
                np.concatenate([tally.periods, dropped.periods]),
                np.concatenate([tally.categories, dropped.categories])
                if cats is not None
                else None,
                np.concatenate([tally.counts, -dropped.counts]),
            )
    return tally, ValidationReport(problems, total=total)


def _repeated(
    frame: Any,  # noqa: ANN401 - a narwhals frame
    plan: _Plan,
    rules: Rules,
    known: KnownUnits | None,
    *,
    eager: bool,
) -> tuple[list[Problem], Tally | None]:
    """Duplicated and conflicting rows of repeated ticket ids (see :func:`repeated_rows`).

    Only rows whose id repeats are fetched; they are checked with numpy, and the tally of the rows
    that must not count is returned, to be taken off the table's counts.
    """
    cols = plan.cols
    tid = cols.ticket_id
    assert tid is not None  # noqa: S101 - checked by the caller
    ids = frame.group_by(tid).agg(nw.len().alias("_n")).filter(nw.col("_n") > 1).select(tid)
    repeated = (ids if eager else ids.collect())[tid].to_list()
    if not repeated:
        return [], None
    mapped = [
        c
        for c in dict.fromkeys(getattr(cols, f.name) for f in attrs.fields(ColumnMap))
        if c is not None
    ]
    if eager:
        frame = frame.with_row_index("_row")
    picked = frame.filter(nw.col(tid).is_in(repeated)).select(
        *mapped,
        *(["_row"] if eager else []),
        plan.any_bad.alias("_bad"),
        (plan.checked if plan.checked is not None else nw.lit(value=True)).alias("_fine"),
        (
            plan.role.eq(_LEAD).fill_null(value=False)
            if plan.role is not None
            else nw.lit(value=True)
        ).alias("_lead"),
    )
    rows = picked if eager else picked.collect()
    lead = rows["_lead"].to_numpy().astype(bool)
    codes = [_factor(rows[c].to_numpy()) for c in mapped]
    ok = ~rows["_bad"].to_numpy().astype(bool)
    fine = rows["_fine"].to_numpy().astype(bool) & ok
    drop, found = repeated_rows(
        _factor(rows[tid].to_numpy()),
        _factor(rows[cols.unit].to_numpy()),
        lead,
        np.column_stack(codes),
        ok=ok,
        fine=fine,
    )
    where = rows["_row"].to_list() if eager else rows[tid].to_list()
    values = rows[tid].to_list()
    problems = [  # rows named as the table's (0-based row, or ticket id), not the fetched subset's
        Problem(where[r], tid, values[r], why(lambda x: where[x])) for r, why in found
    ]
    dropped_rows = rows.filter(
        nw.new_series("_drop", drop, nw.Boolean, backend=rows.implementation)
    )
    keep_cols = [c for c in mapped if c != tid]
    subset = attrs.evolve(cols, ticket_id=None)
    dropped, _ = _tally_native(
        dropped_rows.select(*keep_cols).to_native(), subset, rules, known=known
    )
    return problems, dropped


def _factor(values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Integer codes of any column (nulls and NaN as one more code)."""
    text = values.astype(str)
    return np.asarray(np.unique(text, return_inverse=True)[1], dtype=np.int64).reshape(len(values))


def _labels(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if values.dtype == object:
        return values.astype(str)
    return values


@overload
def tally_frame(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals supports
    *,
    rules: Rules,
    columns: ColumnMap = ...,
    units: object = ...,
    by_category: bool = ...,
    errors: Literal["raise"] = ...,
) -> Tally: ...
@overload
def tally_frame(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals supports
    *,
    rules: Rules,
    columns: ColumnMap = ...,
    units: object = ...,
    by_category: bool = ...,
    errors: Literal["collect"],
) -> tuple[Tally, ValidationReport]: ...
def tally_frame(
    frame: Any,
    *,
    rules: Rules,
    columns: ColumnMap | None = None,
    units: object = None,
    by_category: bool = False,
    errors: ErrorPolicy = "raise",
) -> Tally | tuple[Tally, ValidationReport]:
    """Count a table of tickets per unit and period (数据表计数), in the table's own backend.

    Args:
        frame: A pandas, polars (eager or lazy), pyarrow, duckdb or PySpark table, one row per
            (ticket, unit).
        rules: The rules (attribution).
        columns: Which column holds what (default: English names; :meth:`ColumnMap.chinese` for exports).
        units: The known units (单位表), optional, as in :func:`tally_many`.
        by_category: Split the counts by 诉求类别 (the column map's ``category``, else a column named
            ``诉求类别`` or ``category``). The split is also on when the map names a category column.
        errors: ``"raise"`` raises one :class:`~jiesu.errors.ValidationReport` naming every bad row (by
            0-based row number for eager tables, by ticket id for lazy ones); ``"collect"`` returns it
            beside the tally.

    Returns:
        The tally, or ``(tally, report)``.

    Raises:
        ValidationReport: Some rows are bad.
        ValidationError: A required column is missing (or the category column, with ``by_category``).
    """
    cols = _with_category(frame, columns or ColumnMap(), by_category=by_category)
    tally, report = _tally_native(frame, cols, rules, known=known_units(units))
    if errors == "collect":
        return tally, report
    if report:
        raise report
    return tally


def score_frame(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals supports
    *,
    rules: Rules,
    columns: ColumnMap | None = None,
    kinds: Mapping[Any, Any] | None = None,
    population: Mapping[Any, int] | None = None,
    adjustments: Iterable[Adjustment] = (),
    headers: Literal["en", "zh"] = "en",
    units: object = None,
    by_category: bool = False,
    area_volume: Mapping[Any, int] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of table as the input
    """Score a table of tickets (数据表打分) and return the scorecard as the same kind of table.

    An eager table (pandas, polars, pyarrow) gives an eager table of the same library; a lazy one (polars
    lazy, duckdb relation, PySpark) gives a lazy one of the same library. Rates and composites are exact
    to the rules' places (computed as integers before ranking), so every backend ranks identically.
    Columns: see :meth:`Scorecard.to_arrays`; not-rated rows hold nulls, never NaN.

    Args:
        frame: The tickets, one row per (ticket, unit).
        rules: The rules.
        columns: The column map.
        kinds: Unit code → unit kind for ranking groups.
        population: Unit code → population for 万人诉求量.
        adjustments: Bonuses and deductions.
        headers: ``"en"`` (default) or ``"zh"`` (承办单位, 综合成绩, 排名…).
        units: The known units, as in :func:`tally_frame`.
        by_category: Score unit × category, ranked within each category (see :func:`tally_frame`).
        area_volume: Complaints located in each unit's area, for 万人诉求量 (see :meth:`Tally.scores`).

    Returns:
        The scorecard table.

    Raises:
        ValidationReport: Every bad row at once.

    Examples:
        >>> import polars as pl
        >>> from jiesu.scoring import Rules
        >>> df = pl.DataFrame({"承办单位": ["S01", "S02"], "考核周期": ["2025-03"] * 2,
        ...                    "回访结果": ["已回访"] * 2, "是否联系": ["是", "是"],
        ...                    "是否解决": ["是", "否"], "是否满意": ["满意", "基本满意"]})
        >>> out = score_frame(df, rules=Rules.preset("beijing-2025"), columns=ColumnMap.chinese(), headers="zh")
        >>> out.select("承办单位", "综合成绩", "排名").rows()
        [('S01', 100.0, 1), ('S02', 46.0, 2)]
    """
    tally = tally_frame(
        frame, rules=rules, columns=columns or ColumnMap(), units=units, by_category=by_category
    )
    card = tally.scores(
        rules,
        kinds=kinds,
        population=population,
        adjustments=adjustments,
        area_volume=area_volume,
    )
    return _to_native(frame, card, headers=headers)


_CATEGORY_NAMES: Final = ("诉求类别", "category")


def _with_category(frame: Any, cols: ColumnMap, *, by_category: bool) -> ColumnMap:  # noqa: ANN401 - any dataframe
    """The column map with the category split asked for (``by_category``) resolved to a column."""
    if not by_category or cols.category is not None:
        return cols
    names = nw.from_native(frame).collect_schema().names()
    for name in _CATEGORY_NAMES:
        if name in names:
            return attrs.evolve(cols, category=name)
    raise ValidationError(
        f"by_category needs a category column; the table has: {', '.join(names)}",
        field="category",
        value=None,
    )


def _arrow_table(card: Scorecard, *, headers: str) -> Any:  # noqa: ANN401 - a pyarrow table
    """The scorecard as an Arrow table built column by column (nulls where there is no value)."""
    import pyarrow as pa  # noqa: PLC0415 - needed only to hand a table back

    columns: dict[str, Any] = {}
    for name, column in card.to_arrays().items():
        if name == "category" and not (column != "").any():
            continue
        if isinstance(column, np.ma.MaskedArray):
            columns[name] = pa.array(np.ma.getdata(column), mask=np.ma.getmaskarray(column))
        elif name in {"group", "grade", "status"}:
            columns[name] = _few_strings(column, blank_is_null=name != "status")
        elif column.dtype.kind == "M":  # Arrow has no month unit: labels become dates
            columns[name] = pa.array(column.astype("datetime64[D]"))
        else:
            columns[name] = pa.array(column)
    if headers == "zh":
        columns = {ZH_HEADERS[k]: v for k, v in columns.items()}
    return pa.table(columns)


_FEW: Final = 16


def _few_strings(column: npt.NDArray[Any], *, blank_is_null: bool) -> Any:  # noqa: ANN401 - a pyarrow array
    """A text column of few distinct values as Arrow strings: one comparison per value, then a take.

    Converting fixed-width numpy text to Arrow goes element by element; labels such as the status or the
    grade take a handful of values, so they are coded first. More than :data:`_FEW` values fall back.
    """
    import pyarrow as pa  # noqa: PLC0415 - needed only to hand a table back

    codes = np.zeros(len(column), dtype=np.int32)
    labels: list[str | None] = []
    todo = np.ones(len(column), dtype=bool)
    while todo.any():
        if len(labels) == _FEW:
            return pa.array(column, mask=(column == "") if blank_is_null else None)
        value = str(column[int(np.argmax(todo))])
        hit = column == value
        codes[hit] = len(labels)
        labels.append(None if blank_is_null and not value else value)
        todo &= ~hit
    return pa.array(labels, pa.string()).take(pa.array(codes))


def _to_native(frame: Any, card: Scorecard, *, headers: str) -> Any:  # noqa: ANN401 - any dataframe
    return like(frame, _arrow_table(card, headers=headers))


def breakdown_frame(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals supports
    *,
    of: tuple[Any, Any],
    rules: Rules,
    columns: ColumnMap | None = None,
    exclusions: Iterable[Exclusion] = (),
) -> Breakdown:
    """The tickets behind one unit's numbers for one period (成绩明细), from a table.

    The unit's rows are filtered in the table's backend and collected; the breakdown then lists them
    ticket by ticket (see :func:`breakdown_arrays`). The table needs a ticket id column.

    Args:
        frame: The tickets, as for :func:`score_frame`.
        of: The ``(unit, period)`` to explain.
        rules: The rules.
        columns: The column map (its ``ticket_id`` must name a column).
        exclusions: Approved exclusions, to name the approver of each excluded ticket.

    Returns:
        The breakdown.

    Raises:
        ValidationError: The table has no ticket id column.
        ValidationReport: Some of the unit's rows are bad.

    Examples:
        >>> import polars as pl
        >>> from jiesu.scoring import Rules
        >>> df = pl.DataFrame({"工单编号": ["T1", "T2"], "承办单位": ["S01", "S01"], "考核周期": ["2025-03"] * 2,
        ...                    "回访结果": ["已回访", "无法联系"], "是否联系": ["是", None],
        ...                    "是否解决": ["否", None], "是否满意": ["满意", None]})
        >>> b = breakdown_frame(df, of=("S01", "2025-03"), rules=Rules.preset("beijing-2021"),
        ...                     columns=ColumnMap.chinese())
        >>> b.counted, b.valid, b.solved
        (('T1', 'T2'), ('T1',), {'T1': Decimal('0')})
    """
    source = nw.from_native(frame)
    cols = (columns or ColumnMap()).present(source.collect_schema().names())
    if cols.ticket_id is None:
        raise ValidationError(
            "a breakdown names tickets: map the ticket id column", field="ticket_id", value=None
        )
    plan = _Plan(_required(source, cols), cols, rules)
    if plan.setup:
        source = source.with_columns(**plan.setup)
    picked = source.filter((nw.col(cols.unit) == of[0]) & (nw.col(cols.period) == of[1])).select(
        nw.col(cols.ticket_id).alias("_id"),
        nw.col(cols.unit).alias("_unit"),
        nw.col(cols.period).alias("_period"),
        *(
            _code_expr(c).alias(f"_{name}")
            for name, c in (
                ("cb", plan.cb),
                ("con", plan.con),
                ("sol", plan.sol),
                ("sat", plan.sat),
            )
        ),
        (plan.counted if plan.counted is not None else nw.lit(value=True)).alias("_counted"),
        (plan.excl.eq(_YES).fill_null(value=False) if plan.excl else nw.lit(value=False)).alias(
            "_excl"
        ),
    )
    rows = picked if isinstance(picked, nw.DataFrame) else picked.collect()
    return breakdown_arrays(
        rows["_id"].to_numpy(),
        _labels(rows["_unit"].to_numpy()),
        _labels(rows["_period"].to_numpy()),
        callback=rows["_cb"].to_numpy(),
        contacted=rows["_con"].to_numpy(),
        solved=rows["_sol"].to_numpy(),
        satisfaction=rows["_sat"].to_numpy(),
        rules=rules,
        of=of,
        answered_at_intake=~rows["_counted"].to_numpy().astype(bool),
        excluded=rows["_excl"].to_numpy().astype(bool),
        exclusions=exclusions,
    )


def _code_expr(coded: _Coded) -> nw.Expr:
    """Integer codes of an answer column: -1 for an unknown or missing value (0 for a missing callback)."""
    if coded.kind == "text":
        return coded.expr
    missing = coded.null_is if coded.null_is is not None else -1
    return coded.expr.cast(nw.Int64).fill_null(missing)
