"""每月一题 candidates: the month's top problems per area, with change and seasonality."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import narwhals as nw
import numpy as np

from jiesu._native import like
from jiesu.analytics._common import (
    DEFAULT_ZONE,
    collect,
    column,
    fixed_offset,
    local_month,
    month_label,
    names,
    one_per_ticket,
    open_frame,
    parse_period,
    refuse_missing_times,
    require,
    whole,
)
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

__all__ = ["TOPIC_COLUMNS", "monthly_topics"]

TOPIC_COLUMNS: Final = (
    "period",
    "rank",
    "category",
    "count",
    "share",
    "previous",
    "change",
    "year_ago",
    "change_year",
    "areas",
    "callers",
    "seasonal",
)
"""The columns of :func:`monthly_topics` after the ``by`` column (when there is one)."""

_BY: Final = ("area", "unit", "district")


def monthly_topics(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    period: str,
    by: str = "area",
    top: int | None = 3,
    zone: str = DEFAULT_ZONE,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """每月一题 candidates: the period's top categories per area (or unit, or the whole district).

    A ticket belongs to the month of its ``received_at`` in ``zone`` (the district's declared zone).
    For each ``by`` value and category with tickets in ``period``:

    - ``count`` and ``share`` (of the ``by`` value's tickets in the period; shares of one area sum to 1
      when ``top`` is ``None``);
    - ``previous`` / ``change``: the count in the month before and the difference;
    - ``year_ago`` / ``change_year``: the count in the same month a year before and the difference
      (0 where the table has no tickets then);
    - ``areas``: distinct areas among the period's tickets (the spread), ``callers``: distinct caller
      keys (null when the table has no such column);
    - ``seasonal``: in at least half of the earlier years where the category had tickets (and at least
      one), this calendar month was its busiest month of the year (ties count).

    Ranks are by count, most first, ties by category; ``top`` keeps ranks up to it (``None``: all, so
    the counts of one ``by`` value add up to its volume in the period). A ticket with no category is
    counted under a null category.

    Args:
        frame: The tickets (any backend narwhals reads), with ``received_at`` and ``category``.
        period: The month, ``"YYYY-MM"``.
        by: ``"area"``, ``"unit"`` or ``"district"`` (one table for the whole district).
        top: How many categories per ``by`` value (``None``: all).
        zone: The zone months are taken in.
        columns: Role → column name for names other than the canonical ones.

    Returns:
        The same kind of frame: the ``by`` column (not for ``"district"``), then :data:`TOPIC_COLUMNS`,
        ordered by ``by`` and rank.

    Raises:
        ValidationError: A bad parameter, a missing column or naive times.
        ValidationReport: Rows without a received time (every one listed).

    Examples:
        >>> import datetime as dt, polars as pl
        >>> at = [dt.datetime(2025, 3, d, 2, tzinfo=dt.UTC) for d in (3, 4, 5, 6)]
        >>> df = pl.DataFrame({"received_at": at, "area": ["A"] * 4,
        ...                    "category": ["噪音", "噪音", "供暖", "噪音"]})
        >>> out = monthly_topics(df, period="2025-03", top=2)
        >>> out.select("area", "rank", "category", "count", "share").rows()
        [('A', 1, '噪音', 3, 0.75), ('A', 2, '供暖', 1, 0.25)]
    """
    month = parse_period(period)
    if by not in _BY:
        raise ValidationError("must be area, unit or district", field="by", value=by)
    if top is not None:
        whole(top, "top", 1, ", or None")
    offset = fixed_offset(zone)
    cols = names(columns)
    source = open_frame(frame)
    roles = ["received_at", "category", *([by] if by != "district" else [])]
    require(source, cols, roles)
    schema = source.collect_schema()
    keys = [cols[by]] if by != "district" else []
    cat = cols["category"]
    extra = [cols[r] for r in ("area", "caller_key") if cols[r] in schema]
    per = keys if by == "unit" else []  # a ticket counts once for each unit, once for its area
    once = one_per_ticket(source, cols, [cols["received_at"], cat, *keys, *extra], per=per)
    refuse_missing_times(once, cols)
    dated = once.with_columns(_month=local_month(cols["received_at"], offset)).filter(
        nw.col("_month") <= month
    )
    counts = collect(dated.group_by(*keys, cat, "_month").agg(_n=nw.len()))
    in_period = dated.filter(nw.col("_month") == month)
    spread: dict[str, Any] = {}
    for role in ("area", "caller_key"):
        name = cols[role]
        if name in schema:
            if name in {*keys, cat}:
                spread[role] = None  # one value per group by construction
            else:
                spread[role] = collect(
                    in_period.select(*keys, cat, name)
                    .unique()
                    .group_by(*keys, cat)
                    .agg(_d=nw.col(name).count())
                )
    table = _rank(counts, spread, keys=keys, cat=cat, month=month, top=top, by=by)
    return like(frame, table)


def _text(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Keys as strings for grouping and ordering, with a marker for null that sorts first."""
    return np.array(["\0" if v is None else str(v) for v in values.tolist()], dtype=object)


def _rank(
    counts: Any,  # noqa: ANN401 - an eager narwhals frame
    spread: Mapping[str, Any],
    *,
    keys: list[str],
    cat: str,
    month: int,
    top: int | None,
    by: str,
) -> Any:  # noqa: ANN401 - a pyarrow table
    import pyarrow as pa  # noqa: PLC0415 - the small result table

    key = column(counts, keys[0]) if keys else np.full(len(counts), None, dtype=object)
    category = column(counts, cat)
    months = column(counts, "_month").astype(np.int64)
    n = column(counts, "_n").astype(np.int64)
    pair = np.char.add(np.char.add(_text(key).astype(str), "\x1f"), _text(category).astype(str))
    cells, cell_of = np.unique(pair, return_inverse=True)

    def at(m: int) -> npt.NDArray[np.int64]:
        out = np.zeros(len(cells), dtype=np.int64)
        hit = months == m
        np.add.at(out, cell_of[hit], n[hit])
        return out

    count, previous, year_ago = at(month), at(month - 1), at(month - 12)
    seasonal = _seasonal(cell_of, months, n, len(cells), month)
    first = np.zeros(len(cells), dtype=np.int64)
    first[cell_of[::-1]] = np.arange(len(months))[::-1]  # a row of each cell, to read its labels
    cell_key, cell_cat = key[first], category[first]
    live = count > 0
    group_text = _text(cell_key).astype(str)
    cat_text = _text(cell_cat).astype(str)
    order = np.lexsort((cat_text, -count, group_text))
    order = order[live[order]]
    groups, group_of = np.unique(group_text[order], return_inverse=True)
    total = np.bincount(group_of, weights=count[order]).astype(np.int64)
    starts = np.searchsorted(group_of, np.arange(len(groups)))
    rank = np.arange(len(order)) - starts[group_of] + 1
    keep = rank <= top if top is not None else np.ones(len(order), dtype=bool)
    rows = order[keep]
    columns: dict[str, Any] = {}
    if keys:
        columns[by] = pa.array(cell_key[rows].tolist())
    columns["period"] = pa.array([month_label(month)] * len(rows), pa.string())
    columns["rank"] = pa.array(rank[keep], pa.int64())
    columns["category"] = pa.array(cell_cat[rows].tolist())
    columns["count"] = pa.array(count[rows], pa.int64())
    columns["share"] = pa.array(count[rows] / total[group_of[keep]], pa.float64())
    columns["previous"] = pa.array(previous[rows], pa.int64())
    columns["change"] = pa.array(count[rows] - previous[rows], pa.int64())
    columns["year_ago"] = pa.array(year_ago[rows], pa.int64())
    columns["change_year"] = pa.array(count[rows] - year_ago[rows], pa.int64())
    for role, out in (("area", "areas"), ("caller_key", "callers")):
        columns[out] = _distinct(spread, role, keys=keys, cat=cat, cells=cells, rows=rows)
    columns["seasonal"] = pa.array(seasonal[rows], pa.bool_())
    return pa.table(columns)


def _distinct(
    spread: Mapping[str, Any],
    role: str,
    *,
    keys: list[str],
    cat: str,
    cells: npt.NDArray[Any],
    rows: npt.NDArray[np.intp],
) -> Any:  # noqa: ANN401 - a pyarrow array
    import pyarrow as pa  # noqa: PLC0415 - the small result table

    if role not in spread:
        return pa.array([None] * len(rows), pa.int64())
    frame = spread[role]
    if frame is None:
        return pa.array(np.ones(len(rows), dtype=np.int64))
    key = column(frame, keys[0]) if keys else np.full(len(frame), None, dtype=object)
    pair = np.char.add(
        np.char.add(_text(key).astype(str), "\x1f"), _text(column(frame, cat)).astype(str)
    )
    where = np.searchsorted(cells, pair)
    out = np.zeros(len(cells), dtype=np.int64)
    out[where] = column(frame, "_d").astype(np.int64)
    return pa.array(out[rows], pa.int64())


def _seasonal(
    cell_of: npt.NDArray[np.intp],
    months: npt.NDArray[np.int64],
    n: npt.NDArray[np.int64],
    n_cells: int,
    month: int,
) -> npt.NDArray[np.bool_]:
    """Whether each cell's busiest month was this calendar month in at least half its earlier years."""
    earlier = months // 12 < month // 12
    if not earlier.any():
        return np.zeros(n_cells, dtype=bool)
    cell, m, count = cell_of[earlier], months[earlier], n[earlier]
    first_year = int(m.min() // 12)
    span = month // 12 - first_year
    grid = np.zeros((n_cells, span, 12), dtype=np.int64)
    np.add.at(grid, (cell, m // 12 - first_year, m % 12), count)
    peak = grid.max(axis=2)
    had = peak > 0
    peaked = had & (grid[:, :, month % 12] == peak)
    years = had.sum(axis=1)
    flagged: npt.NDArray[np.bool_] = (years > 0) & (2 * peaked.sum(axis=1) >= years)
    return flagged
