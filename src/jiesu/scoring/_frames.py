"""The dataframe path (数据表打分) through narwhals: pandas, polars, pyarrow, duckdb and PySpark tables.

The heavy work (one state per row, then a count per unit, period and state) runs in the user's backend,
eager or lazy; the small table of counts is collected and scored by the same exact integer code as the
array path, so every backend gives identical rates, composites and ranks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal, overload

import attrs
import narwhals as nw
import numpy as np

from jiesu.errors import ErrorPolicy, Problem, ValidationError, ValidationReport
from jiesu.scoring._bulk import CALLBACK_CODES, SATISFACTION_CODES, YES_NO_CODES
from jiesu.scoring._tally import N_STATES, Scorecard, Tally

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import numpy.typing as npt

    from jiesu.scoring._data import Adjustment
    from jiesu.scoring._rules import Rules

__all__ = ["ColumnMap", "score_frame", "tally_frame"]

_ROLE_CODES: Final[dict[str, int]] = {"lead": 1, "主办": 1, "co_handler": 0, "协办": 0}
_FLAG_CODES: Final[dict[str, int]] = YES_NO_CODES
_NULL: Final = -2

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
        category: 诉求类别, to split counts by category.

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
    def chinese(cls) -> ColumnMap:
        """The headers of a typical Chinese export (中文表头): 工单编号, 承办单位, 是否解决, 是否满意…."""
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
            category="诉求类别",
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


def _codes(expr: nw.Expr, dtype: Any, table: Mapping[str, int], top: int) -> nw.Expr:  # noqa: ANN401 - a narwhals dtype
    """An Int64 code expression; unknown values give -1, nulls give -2."""
    if dtype == nw.Boolean:
        coded = expr.cast(nw.Int64)
    elif dtype.is_integer():
        coded = (
            nw.when((expr >= 0) & (expr <= top))
            .then(expr.cast(nw.Int64))
            .otherwise(nw.lit(-1, nw.Int64))
        )
    else:
        text = expr.cast(nw.String).str.strip_chars().str.to_lowercase()
        by_code: dict[int, list[str]] = {}
        for name, code in table.items():
            by_code.setdefault(code, []).append(name)
        coded = nw.lit(-1, nw.Int64)
        for code, names in sorted(by_code.items(), reverse=True):
            coded = nw.when(text.is_in(names)).then(nw.lit(code, nw.Int64)).otherwise(coded)
    return nw.when(expr.is_null()).then(nw.lit(_NULL, nw.Int64)).otherwise(coded)


def _prepare(frame: Any, cols: ColumnMap, rules: Rules) -> Any:  # noqa: ANN401 - a narwhals frame
    schema = frame.collect_schema()
    for name in ("unit", "period", "callback", "contacted", "solved", "satisfaction"):
        column = getattr(cols, name)
        if column not in schema:
            raise ValidationError(
                f"column not found; the table has: {', '.join(schema.names())}",
                field=name,
                value=column,
            )
    cb = _codes(nw.col(cols.callback), schema[cols.callback], CALLBACK_CODES, 3)
    cb = (
        nw.when(cb == _NULL).then(nw.lit(0, nw.Int64)).otherwise(cb)
    )  # null callback: no callback yet
    con = _codes(nw.col(cols.contacted), schema[cols.contacted], YES_NO_CODES, 1)
    sol = _codes(nw.col(cols.solved), schema[cols.solved], YES_NO_CODES, 1)
    sat = _codes(nw.col(cols.satisfaction), schema[cols.satisfaction], SATISFACTION_CODES, 2)
    counted = nw.lit(value=True)
    for name in ("answered_at_intake", "not_dispatched"):
        column = getattr(cols, name)
        if column is not None:
            counted &= _codes(nw.col(column), schema[column], _FLAG_CODES, 1) != 1
    if cols.role is not None and rules.attribution == "lead":
        counted &= _codes(nw.col(cols.role), schema[cols.role], _ROLE_CODES, 1) == 1
    excluded = nw.lit(value=False)
    if cols.excluded is not None:
        excluded = _codes(nw.col(cols.excluded), schema[cols.excluded], _FLAG_CODES, 1) == 1
    return frame.with_columns(
        _cb=cb, _con=con, _sol=sol, _sat=sat, _counted=counted, _excluded=excluded
    ).with_columns(
        _bad_callback=nw.col("_counted") & (nw.col("_cb") < 0),
        _bad_contacted=nw.col("_counted") & (nw.col("_cb") == 1) & (nw.col("_con") < 0),
        _bad_solved=nw.col("_counted") & (nw.col("_cb") == 1) & (nw.col("_sol") < 0),
        _bad_satisfaction=nw.col("_counted") & (nw.col("_cb") == 1) & (nw.col("_sat") < 0),
        _bad_unit=nw.col("_counted") & nw.col(cols.unit).is_null(),
        _bad_period=nw.col("_counted") & nw.col(cols.period).is_null(),
    )


_REASONS: Final = {
    "callback": "unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused",
    "contacted": "unknown answer; allowed: 是/否, yes/no, 1/0",
    "solved": "unknown answer; allowed: 是/否, yes/no, 1/0",
    "satisfaction": "unknown satisfaction; allowed: 0-2 or 满意/基本满意/不满意",
    "unit": "missing unit",
    "period": "missing period",
}


def _problems(prepared: Any, cols: ColumnMap, *, eager: bool) -> tuple[list[Problem], int]:  # noqa: ANN401 - a narwhals frame
    bad_any = nw.any_horizontal(*(nw.col(f"_bad_{k}") for k in _REASONS), ignore_nulls=True)
    frame = prepared
    row_col = cols.ticket_id
    if row_col is None and eager:
        frame = frame.with_row_index("_row")
        row_col = "_row"
    value_cols = [getattr(cols, k) for k in _REASONS]
    keep = [*dict.fromkeys([*value_cols, *([row_col] if row_col else [])])]
    counts = prepared.select(nw.len().alias("n"), bad_any.cast(nw.Int64).sum().alias("bad"))
    totals = counts.collect() if not eager else counts
    total, n_bad = int(totals["n"][0]), int(totals["bad"][0] or 0)
    if not n_bad:
        return [], total
    bad = frame.filter(bad_any).select(*keep, *(f"_bad_{k}" for k in _REASONS))
    rows = (bad.collect() if not eager else bad).rows(named=True)
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        where: int | str = row[row_col] if row_col else f"bad row {i + 1} (no ticket id column)"
        problems.extend(
            Problem(where, getattr(cols, k), row[getattr(cols, k)], reason)
            for k, reason in _REASONS.items()
            if row[f"_bad_{k}"]
        )
    return problems, total


def _tally_native(native: Any, cols: ColumnMap, rules: Rules) -> tuple[Tally, ValidationReport]:  # noqa: ANN401 - any dataframe
    frame = nw.from_native(native)
    eager = isinstance(frame, nw.DataFrame)
    cols = cols.present(frame.collect_schema().names())
    prepared = _prepare(frame, cols, rules)
    problems, total = _problems(prepared, cols, eager=eager)
    keys = [cols.unit, cols.period, *([cols.category] if cols.category else [])]
    state = (
        nw.when(nw.col("_excluded"))
        .then(nw.lit(0, nw.Int64))
        .when(nw.col("_cb") == 1)
        .then(4 + nw.col("_con") * 6 + nw.col("_sol") * 3 + nw.col("_sat"))
        .when(nw.col("_cb") == 0)
        .then(nw.lit(1, nw.Int64))
        .otherwise(nw.col("_cb"))
    )
    ok = nw.col("_counted") & ~nw.any_horizontal(
        *(nw.col(f"_bad_{k}") for k in _REASONS), ignore_nulls=True
    )
    grouped = (
        prepared.filter(ok)
        .with_columns(_state=state)
        .group_by(*keys, "_state")
        .agg(nw.len().alias("_n"))
    )
    counted = grouped if eager else grouped.collect()
    units = _labels(counted[cols.unit].to_numpy())
    periods = _labels(counted[cols.period].to_numpy())
    cats = _labels(counted[cols.category].to_numpy()).astype(str) if cols.category else None
    matrix = np.zeros((len(units), N_STATES), dtype=np.int64)
    matrix[np.arange(len(units)), counted["_state"].to_numpy().astype(np.int64)] = counted[
        "_n"
    ].to_numpy()
    tally = Tally.from_keys(units, periods, cats, matrix)
    return tally, ValidationReport(problems, total=total)


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
    errors: Literal["raise"] = ...,
) -> Tally: ...
@overload
def tally_frame(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals supports
    *,
    rules: Rules,
    columns: ColumnMap = ...,
    errors: Literal["collect"],
) -> tuple[Tally, ValidationReport]: ...
def tally_frame(
    frame: Any,
    *,
    rules: Rules,
    columns: ColumnMap | None = None,
    errors: ErrorPolicy = "raise",
) -> Tally | tuple[Tally, ValidationReport]:
    """Count a table of tickets per unit and period (数据表计数), in the table's own backend.

    Args:
        frame: A pandas, polars (eager or lazy), pyarrow, duckdb or PySpark table, one row per
            (ticket, unit).
        rules: The rules (attribution).
        columns: Which column holds what (default: English names; :meth:`ColumnMap.chinese` for exports).
        errors: ``"raise"`` raises one :class:`~jiesu.errors.ValidationReport` naming every bad row (by
            ticket id, or row number for eager tables); ``"collect"`` returns it beside the tally.

    Returns:
        The tally, or ``(tally, report)``.

    Raises:
        ValidationReport: Some rows are bad.
        ValidationError: A required column is missing.
    """
    tally, report = _tally_native(frame, columns or ColumnMap(), rules)
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
    tally = tally_frame(frame, rules=rules, columns=columns or ColumnMap())
    card = tally.scores(rules, kinds=kinds, population=population, adjustments=adjustments)
    return _to_native(frame, card, headers=headers)


def scorecard_dict(card: Scorecard) -> dict[str, list[Any]]:
    """The scorecard as plain columns with ``None`` where there is no value (never NaN)."""
    data: dict[str, list[Any]] = {}
    for name, column in card.to_arrays().items():
        if isinstance(column, np.ma.MaskedArray):
            values = column.data.tolist()
            mask = np.ma.getmaskarray(column).tolist()
            data[name] = [None if m else v for v, m in zip(values, mask, strict=True)]
        else:
            data[name] = column.tolist()
    data["group"] = [g or None for g in data["group"]]
    data["grade"] = [g or None for g in data["grade"]]
    if all(c == "" for c in data["category"]):
        del data["category"]
    return data


def _to_native(frame: Any, card: Scorecard, *, headers: str) -> Any:  # noqa: ANN401 - any dataframe
    data = scorecard_dict(card)
    if headers == "zh":
        data = {ZH_HEADERS[k]: v for k, v in data.items()}
    source = nw.from_native(frame)
    impl = source.implementation
    if isinstance(source, nw.DataFrame):
        return nw.from_dict(data, backend=impl).to_native()
    if impl.is_polars():
        return nw.from_dict(data, backend=impl).lazy().to_native()
    if impl.is_duckdb():
        return nw.from_dict(data, backend="pyarrow").lazy(backend=impl).to_native()
    session = frame.sparkSession
    return nw.from_dict(data, backend="pyarrow").lazy(backend=impl, session=session).to_native()
