"""Early warning (未诉先办 / 预警): days when a cell's tickets rise far above its recent level."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

import narwhals as nw
import numpy as np

from jiesu._native import like
from jiesu.analytics._common import (
    DEFAULT_ZONE,
    collect,
    column,
    fixed_offset,
    local_day,
    names,
    one_per_ticket,
    open_frame,
    refuse_missing_times,
    require,
    whole,
)
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import numpy.typing as npt

__all__ = ["SPIKE_COLUMNS", "alerts", "detect_spikes", "poisson_tail"]

SPIKE_COLUMNS: Final = ("date", "count", "baseline", "expected", "p_value", "score", "alert")
"""The columns of :func:`detect_spikes` after the cell columns."""

_CELL_ROLES: Final = ("area", "category", "unit")
_MONDAY: Final = 4  # 1970-01-05, day 4 since the epoch, was a Monday
_MAX_SCORE: Final = 300.0
_TERMS: Final = 100_000


def _log_factorials(top: int) -> npt.NDArray[np.float64]:
    out = np.zeros(top + 1)
    out[1:] = np.cumsum(np.log(np.arange(1, top + 1)))
    return out


def poisson_tail(counts: npt.ArrayLike, means: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """P(X ≥ count) for X ~ Poisson(mean), elementwise (泊松上尾概率), over whole arrays.

    Exact to float precision by the series of the regularised incomplete gamma function where the
    count is above the mean (the only place an alert can be); 1.0 where the count is at most the mean
    (the tail is then at least about a half, and the value is not needed).

    Examples:
        >>> poisson_tail([0, 3, 10], [2.0, 1.0, 2.0]).round(6).tolist()
        [1.0, 0.080301, 4.6e-05]
    """
    k = np.asarray(counts, dtype=np.int64)
    lam = np.asarray(means, dtype=np.float64)
    k, lam = np.broadcast_arrays(k, lam)
    out = np.ones(k.shape, dtype=np.float64)
    hit = (k > lam) & (k > 0)
    if not hit.any():
        return out
    kk, ll = k[hit], lam[hit]
    logf = _log_factorials(int(kk.max()))
    with np.errstate(divide="ignore"):
        log_first = kk * np.log(ll) - ll - logf[kk]
    total = np.ones(len(kk))
    term = np.ones(len(kk))
    active = np.ones(len(kk), dtype=bool)
    n = 1
    while active.any() and n < _TERMS:
        idx = np.flatnonzero(active)
        term[idx] *= ll[idx] / (kk[idx] + n)
        total[idx] += term[idx]
        active[idx] = term[idx] > 1e-17 * total[idx]
        n += 1
    out[hit] = np.minimum(1.0, np.exp(log_first + np.log(total)))
    return out


def detect_spikes(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    by: Iterable[str] = ("area", "category"),
    freq: Literal["day", "week"] = "day",
    baseline_days: int = 28,
    alpha: float = 0.001,
    min_count: int = 3,
    zone: str = DEFAULT_ZONE,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """Find days (or weeks) when a cell's tickets spike (未诉先办预警): the model, stated.

    A cell is one value of each ``by`` column (area × category by default). Tickets are counted per
    cell and local day of ``received_at`` in ``zone``. For a day ``d`` the **baseline** is the cell's
    count over the ``baseline_days`` days before ``d`` (``d`` itself excluded). The **expected** count
    is the baseline spread over the window by the district's own day-of-week pattern in that window:

        expected = (baseline + 0.5) × (same + 1) / (all + 7) / k

    where ``all`` is the district's tickets in the window, ``same`` those on ``d``'s weekday and ``k``
    the number of such weekdays in the window. When every weekday is alike this is the plain average
    ``(baseline + 0.5) / baseline_days``; the half ticket and the one-per-weekday (add-one smoothing)
    keep the expectation above zero for a cell that was silent or a weekday without tickets.

    The count is taken as Poisson with that mean: ``p_value`` is P(X ≥ count), ``score`` is
    −log10(p_value) (0 where the count is not above expectation), and ``alert`` is set when
    ``p_value < alpha``, the count is at least ``min_count`` and a full baseline window lies inside the
    data. On counts that really are Poisson a cell-day raises a false alarm with probability at most
    about ``alpha`` (the measured rate is in ``benchmarks/analytics.py``); counts more variable than
    Poisson raise more.

    With ``freq="week"`` the unit is the Monday-based week, the window is ``baseline_days // 7`` weeks
    and there is no weekday pattern.

    Rows are returned for every cell and day with at least one ticket (a day without tickets cannot be
    a spike), ordered by cell and date.

    Args:
        frame: The tickets.
        by: The roles that make a cell, from ``area``, ``category``, ``unit`` (empty: the district).
        freq: ``"day"`` or ``"week"``.
        baseline_days: The window in days (at least 7; for weeks at least 14, taken in whole weeks).
        alpha: The alert threshold on the p-value (between 0 and 1).
        min_count: The smallest count that can alert.
        zone: The zone days are taken in.
        columns: Role → column name for names other than the canonical ones.

    Returns:
        The same kind of frame: the ``by`` columns, then :data:`SPIKE_COLUMNS` (``date`` is the day, or
        the Monday of the week; ``baseline`` the window's count; ``expected`` null, and ``alert``
        false, where the window is not complete).

    Raises:
        ValidationError: A bad parameter, a missing column or naive times.
        ValidationReport: Rows without a received time (every one listed).

    Examples:
        >>> import datetime as dt, polars as pl
        >>> days = [dt.datetime(2025, 3, 1, tzinfo=dt.UTC) + dt.timedelta(days=i) for i in range(30)]
        >>> at = days + [days[-1]] * 9  # one ticket a day, then ten on the last day
        >>> df = pl.DataFrame({"received_at": at, "area": ["A"] * 39, "category": ["噪音"] * 39})
        >>> alerts(detect_spikes(df)).select("date", "count", "expected", "alert").rows()
        [(datetime.date(2025, 3, 30), 10, 1.0178571428571428, True)]
    """
    cells = list(by)
    bad = [c for c in cells if c not in _CELL_ROLES]
    if bad or len(set(cells)) != len(cells):
        raise ValidationError(
            "each must be area, category or unit, once",
            field="by",
            value=", ".join(map(str, cells)),
        )
    if freq not in {"day", "week"}:
        raise ValidationError("must be day or week", field="freq", value=freq)
    step = 1 if freq == "day" else 7
    window = whole(baseline_days, "baseline_days", 7 * (1 if step == 1 else 2), " days") // step
    if not 0 < alpha < 1:
        raise ValidationError("must be between 0 and 1", field="alpha", value=alpha)
    whole(min_count, "min_count", 1)
    offset = fixed_offset(zone)
    cols = names(columns)
    source = open_frame(frame)
    require(source, cols, ["received_at", *cells])
    keys = [cols[c] for c in cells]
    per = [cols["unit"]] if "unit" in cells else []  # a ticket counts once for each unit
    once = one_per_ticket(source, cols, [cols["received_at"], *keys], per=per)
    refuse_missing_times(once, cols)
    days = once.with_columns(_day=local_day(cols["received_at"], offset).cast(nw.Int64))
    counted = collect(days.group_by(*keys, "_day").agg(_n=nw.len()))
    table = _score(
        counted, keys=keys, cells=cells, step=step, window=window, alpha=alpha, min_count=min_count
    )
    return like(frame, table)


def _score(
    counted: Any,  # noqa: ANN401 - an eager narwhals frame
    *,
    keys: list[str],
    cells: list[str],
    step: int,
    window: int,
    alpha: float,
    min_count: int,
) -> Any:  # noqa: ANN401 - a pyarrow table
    import pyarrow as pa  # noqa: PLC0415 - the small result table

    day = column(counted, "_day").astype(np.int64)
    n = column(counted, "_n").astype(np.int64)
    slot = day if step == 1 else (day - _MONDAY) // 7
    labels = [column(counted, k) for k in keys]
    texts = [
        np.array(["\0" if v is None else str(v) for v in x.tolist()], dtype=str) for x in labels
    ]
    if texts:
        joined = texts[0]
        for more in texts[1:]:
            joined = np.char.add(np.char.add(joined, "\x1f"), more)
        cell_names, cell_of = np.unique(joined, return_inverse=True)
    else:
        cell_names, cell_of = np.array([""]), np.zeros(len(day), dtype=np.intp)
    if not len(day):
        empty = {c: pa.array([], pa.string()) for c in cells}
        return pa.table(
            {
                **empty,
                "date": pa.array([], pa.date32()),
                "count": pa.array([], pa.int64()),
                "baseline": pa.array([], pa.int64()),
                "expected": pa.array([], pa.float64()),
                "p_value": pa.array([], pa.float64()),
                "score": pa.array([], pa.float64()),
                "alert": pa.array([], pa.bool_()),
            }
        )
    first, last = int(slot.min()), int(slot.max())
    if step != 1:  # several days of one cell fall in one week: add them up
        pair = cell_of.astype(np.int64) * (last - first + 1) + (slot - first)
        _, one, inverse = np.unique(pair, return_index=True, return_inverse=True)
        n = np.bincount(inverse, weights=n).astype(np.int64)
        slot, cell_of, labels = slot[one], cell_of[one], [x[one] for x in labels]
    span = last - first + 1
    grid = np.zeros((len(cell_names), span), dtype=np.int64)
    np.add.at(grid, (cell_of, slot - first), n)
    lagged = np.zeros((len(cell_names), span + 1), dtype=np.int64)
    np.cumsum(grid, axis=1, out=lagged[:, 1:])
    at = slot - first  # each counted row's column
    start = np.maximum(at - window, 0)
    baseline = lagged[cell_of, at] - lagged[cell_of, start]
    complete = at >= window
    spread = np.full(len(at), 1.0 / window)
    if step == 1:
        spread = _weekday_spread(grid, at=at, start=start, first=first)
    expected = (baseline + 0.5) * spread
    p = poisson_tail(n, expected)
    with np.errstate(divide="ignore"):
        score = np.where(n > expected, np.minimum(-np.log10(p), _MAX_SCORE), 0.0)
    score = np.where(score == 0, 0.0, score)  # no negative zero
    alert = complete & (p < alpha) & (n >= min_count)
    order = np.lexsort((slot, cell_of))
    columns: dict[str, Any] = {}
    for role, values in zip(cells, labels, strict=True):
        columns[role] = pa.array(values[order].tolist())
    dates = (slot * step + (0 if step == 1 else _MONDAY)).astype("datetime64[D]")
    columns["date"] = pa.array(dates[order])
    columns["count"] = pa.array(n[order], pa.int64())
    columns["baseline"] = pa.array(baseline[order], pa.int64(), mask=~complete[order])
    columns["expected"] = pa.array(expected[order], pa.float64(), mask=~complete[order])
    columns["p_value"] = pa.array(p[order], pa.float64(), mask=~complete[order])
    columns["score"] = pa.array(score[order], pa.float64(), mask=~complete[order])
    columns["alert"] = pa.array(alert[order], pa.bool_())
    return pa.table(columns)


def _weekday_spread(
    grid: npt.NDArray[np.int64],
    *,
    at: npt.NDArray[np.int64],
    start: npt.NDArray[np.int64],
    first: int,
) -> npt.NDArray[np.float64]:
    """Each row's share of its window that falls on its weekday, by the district's weekday pattern.

    Windows are ``[start, at)`` in grid columns; sums over them are differences of cumulative sums,
    per weekday, of the district's tickets and of the days themselves.
    """
    span = grid.shape[1]
    weekday = (np.arange(first, first + span) - _MONDAY) % 7
    on_day = weekday[None, :] == np.arange(7)[:, None]  # 7 × span: the day is that weekday
    tickets = np.zeros((7, span + 1), dtype=np.int64)
    np.cumsum(on_day * grid.sum(axis=0), axis=1, out=tickets[:, 1:])
    days = np.zeros((7, span + 1), dtype=np.int64)
    np.cumsum(on_day, axis=1, out=days[:, 1:])
    wd = weekday[at]
    same = tickets[wd, at] - tickets[wd, start]
    every = tickets[:, at].sum(axis=0) - tickets[:, start].sum(axis=0)
    k = days[wd, at] - days[wd, start]
    spread: npt.NDArray[np.float64] = (same + 1) / (every + 7) / np.maximum(k, 1)
    return spread


def alerts(spikes: Any) -> Any:  # noqa: ANN401 - the frame detect_spikes returned
    """The flagged rows of :func:`detect_spikes` (预警清单), highest score first.

    Examples:
        >>> import polars as pl
        >>> alerts(pl.DataFrame({"area": ["A", "B"], "score": [3.5, 0.2], "alert": [True, False]})).rows()
        [('A', 3.5, True)]
    """
    source = open_frame(spikes)
    if "alert" not in source.collect_schema() or "score" not in source.collect_schema():
        raise ValidationError(
            "not a detect_spikes result: alert and score are missing",
            field="spikes",
            value=", ".join(source.collect_schema().names()),
        )
    return source.filter(nw.col("alert")).sort("score", descending=True).to_native()
