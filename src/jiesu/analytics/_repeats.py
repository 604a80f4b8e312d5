"""Repeats (屡办不成 / 重复诉求): the same caller with the same problem again and again, chained."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import narwhals as nw
import numpy as np

from jiesu.analytics._common import (
    collect,
    column,
    is_lazy,
    names,
    one_per_ticket,
    open_frame,
    require,
)
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

__all__ = ["REPEAT_COLUMNS", "find_repeats", "repeat_summary"]

REPEAT_COLUMNS: Final = ("repeat_group", "repeat_index", "repeat_size")
"""The columns :func:`find_repeats` adds."""

EARTH_RADIUS_M: Final = 6_371_008.8
_DISSATISFIED: Final = ("dissatisfied", "不满意")
_KEYS: Final = ("caller_key", "category")


def find_repeats(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    window_days: float = 30,
    radius_m: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """Chain the tickets of one caller about one problem (屡办不成 / 重复诉求).

    Tickets of one ``caller_key`` and one ``category`` are taken in order of ``received_at`` (ties by
    ``ticket_id``); a ticket joins the chain of the one before it when it was received at most
    ``window_days`` later and — with ``radius_m`` — its point lies within ``radius_m`` metres of that
    ticket's point. A chain is two tickets or more; it is maximal (no ticket outside it could join it)
    and does not depend on the order of the rows.

    Three columns are added to every row (no row is dropped):

    - ``repeat_group``: the ``ticket_id`` of the chain's first ticket (null for a ticket in no chain);
    - ``repeat_index``: 1 for the chain's first ticket, 2 for the next… (null outside a chain);
    - ``repeat_size``: the number of tickets in the chain (null outside a chain).

    A row with no caller key, category, received time or ticket id is in no chain; with ``radius_m``, a
    row without both coordinates breaks the chain. Distances are measured on the coordinates as given
    (one system for the whole table: a ``crs`` column holding two systems is refused), with the
    equirectangular formula, exact to well under a metre at the radii used (tens to hundreds of metres).

    Args:
        frame: The tickets: pandas, polars (eager or lazy), pyarrow, DuckDB or PySpark.
        window_days: The longest gap between two tickets of a chain, in natural days (inclusive).
        radius_m: The largest distance between two tickets of a chain, in metres (``None``: any place).
        columns: Role → column name where the table's names are not the canonical ones (``caller_key``,
            ``category``, ``received_at``, ``ticket_id``, ``lon``, ``lat``, ``crs``).

    Returns:
        The same kind of frame with the three columns added (a pyarrow table stays in its row order).

    Raises:
        ValidationError: A column is missing, ``received_at`` is naive, a parameter is out of range, or
            the coordinates mix two systems.

    Examples:
        >>> import datetime as dt, polars as pl
        >>> at = [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 20, 2, 28)]
        >>> df = pl.DataFrame({"ticket_id": ["T1", "T2", "T3", "T4"], "received_at": at,
        ...                    "caller_key": ["k1", "k1", "k2", "k2"], "category": ["噪音"] * 4})
        >>> find_repeats(df, window_days=30).select("ticket_id", *REPEAT_COLUMNS).rows()
        [('T1', 'T1', 1, 2), ('T2', 'T1', 2, 2), ('T3', 'T3', 1, 2), ('T4', 'T3', 2, 2)]
    """
    if not window_days >= 0:
        raise ValidationError("must be at least 0", field="window_days", value=window_days)
    if radius_m is not None and not radius_m > 0:
        raise ValidationError("must be more than 0", field="radius_m", value=radius_m)
    cols = names(columns)
    source = open_frame(frame)
    roles = ["ticket_id", "received_at", *_KEYS]
    if radius_m is not None:
        roles += ["lon", "lat"]
    require(source, cols, roles)
    if radius_m is not None and cols["crs"] in source.collect_schema():
        _one_system(source, cols["crs"])
    window = dt.timedelta(days=window_days)
    base = one_per_ticket(source, cols, [cols[r] for r in roles], anonymous=False)
    if source.implementation.is_pyarrow():
        return _arrow_path(source, base, cols, window, radius_m).to_native()
    found = _window_path(base, cols, window, radius_m).select(cols["ticket_id"], *REPEAT_COLUMNS)
    eager = not is_lazy(source)
    left = source.with_row_index("_order") if eager else source
    out = left.join(found, on=cols["ticket_id"], how="left")
    if eager:  # the caller's row order, whatever the join did
        out = out.sort("_order").drop("_order")
    native = out.to_native()
    if source.implementation.is_pandas():  # nullable dtypes: outside a chain is <NA>, never NaN
        native = native.reset_index(drop=True).astype(
            {"repeat_group": "string", "repeat_index": "Int64", "repeat_size": "Int64"}
        )
    return native


def _one_system(frame: Any, name: str) -> None:  # noqa: ANN401 - a narwhals frame
    systems = collect(frame.select(nw.col(name).cast(nw.String)).drop_nulls().unique())
    found = sorted(str(v) for v in column(systems, name))
    if len(found) > 1:
        raise ValidationError(
            "the coordinates are in more than one system; convert them to one first "
            "(jiesu.routing.convert_many)",
            field=name,
            value=", ".join(found),
        )


def _window_path(
    frame: Any,  # noqa: ANN401 - a narwhals frame
    cols: Mapping[str, str],
    window: dt.timedelta,
    radius_m: float | None,
) -> Any:  # noqa: ANN401 - a narwhals frame
    """Window functions in the frame's own backend (polars, pandas, DuckDB, PySpark)."""
    tid, at = cols["ticket_id"], cols["received_at"]
    keys = [cols[k] for k in _KEYS]
    order = [at, "_tid"]
    valid = nw.all_horizontal(*(~nw.col(c).is_null() for c in (*keys, at, tid)), ignore_nulls=False)
    gap = (nw.col(at) - nw.col(at).shift(1)).over(*keys, order_by=order)
    start = ~valid | gap.is_null() | (gap > window)
    if radius_m is not None:
        lon, lat = cols["lon"], cols["lat"]
        rad = np.pi / 180
        dlat = (nw.col(lat) - nw.col(lat).shift(1)).over(*keys, order_by=order) * rad
        mid = ((nw.col(lat) + nw.col(lat).shift(1)).over(*keys, order_by=order) * (rad / 2)).cos()
        dlon = (nw.col(lon) - nw.col(lon).shift(1)).over(*keys, order_by=order) * rad * mid
        far = ((dlat * dlat + dlon * dlon).sqrt() * EARTH_RADIUS_M > radius_m).fill_null(value=True)
        # a missing coordinate (null, or NaN in pandas) on either side breaks the chain
        gone = nw.any_horizontal(
            *(nw.col(c).is_null() | nw.col(c).is_nan() for c in (lon, lat)), ignore_nulls=True
        ).fill_null(value=True)
        start = start | far | gone | gone.shift(1).over(*keys, order_by=order).fill_null(value=True)
    out = frame.with_columns(_tid=nw.col(tid).cast(nw.String), _one=nw.lit(1, nw.Int64))
    out = out.with_columns(_start=start.cast(nw.Int64))
    out = out.with_columns(
        _seg=nw.col("_start").cum_sum().over(*keys, order_by=order).cast(nw.Int64)
    )
    seg = [*keys, "_seg"]
    out = out.with_columns(
        _size=nw.len().over(*seg).cast(nw.Int64),
        _first=nw.when(nw.col("_start") == 1).then(nw.col("_tid")).otherwise(None).max().over(*seg),
        _index=nw.col("_one").cum_sum().over(*seg, order_by=order).cast(nw.Int64),
    )
    chained = valid & (nw.col("_size") > 1)
    return out.with_columns(
        repeat_group=nw.when(chained).then(nw.col("_first")).otherwise(None),
        repeat_index=nw.when(chained).then(nw.col("_index")).otherwise(None),
        repeat_size=nw.when(chained).then(nw.col("_size")).otherwise(None),
    ).drop("_tid", "_one", "_start", "_seg", "_size", "_first", "_index")


def _codes(values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    present = values != None  # noqa: E711 - an elementwise test for None
    codes = np.full(len(values), -1, dtype=np.int64)
    codes[present] = np.unique(values[present].astype(str), return_inverse=True)[1]
    return codes


def _arrow_path(
    source: Any,  # noqa: ANN401 - a narwhals frame over pyarrow
    frame: Any,  # noqa: ANN401 - its tickets, one row each
    cols: Mapping[str, str],
    window: dt.timedelta,
    radius_m: float | None,
) -> Any:  # noqa: ANN401 - a narwhals frame
    """The same chains over whole numpy arrays (the pyarrow backend has no ordered windows)."""
    tid = np.asarray(frame[cols["ticket_id"]].cast(nw.String).to_list(), dtype=object)
    caller, category = (_codes(column(frame, cols[k])) for k in _KEYS)
    at_series = frame[cols["received_at"]]
    at = at_series.dt.replace_time_zone(None).to_numpy().astype("datetime64[us]")
    nat = np.isnat(at)
    times = at.astype(np.int64)
    valid = (caller >= 0) & (category >= 0) & ~nat & (tid != None)  # noqa: E711 - elementwise, not identity
    tid_text = np.where(tid == None, "", tid).astype(str)  # noqa: E711 - elementwise, not identity
    order = np.lexsort((tid_text, np.where(nat, np.iinfo(np.int64).max, times), category, caller))
    c, k, t, ok = caller[order], category[order], times[order], valid[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (c[1:] == c[:-1]) & (k[1:] == k[:-1]) & ok[1:] & ok[:-1]
    near = np.zeros(len(order), dtype=bool)
    near[1:] = (t[1:] - t[:-1]) <= window // dt.timedelta(microseconds=1)
    link = same & near
    if radius_m is not None:
        lon = frame[cols["lon"]].cast(nw.Float64).to_numpy().astype(float)[order]
        lat = frame[cols["lat"]].cast(nw.Float64).to_numpy().astype(float)[order]
        rad = np.pi / 180
        dlat = np.diff(lat) * rad
        dlon = np.diff(lon) * rad * np.cos((lat[1:] + lat[:-1]) * (rad / 2))
        with np.errstate(invalid="ignore"):
            close = np.sqrt(dlat * dlat + dlon * dlon) * EARTH_RADIUS_M <= radius_m
        link[1:] &= close  # NaN (a missing coordinate) compares false: the chain breaks
    seg = np.cumsum(~link) - 1
    first = np.flatnonzero(~link)
    size = np.bincount(seg)
    index = np.arange(len(order)) - first[seg] + 1
    in_chain = ok & (size[seg] > 1)
    group = np.full(len(order), None, dtype=object)
    group[in_chain] = tid[order][first[seg]][in_chain]
    by_id = np.argsort(tid[order].astype(str))  # sorted by key so far: sort by id for the lookup
    values = (group[by_id], index[by_id], size[seg][by_id], in_chain[by_id])
    return _attach(source, cols, tid[order].astype(str)[by_id], values)


def _attach(
    source: Any,  # noqa: ANN401 - a narwhals frame over pyarrow
    cols: Mapping[str, str],
    ids: npt.NDArray[np.str_],
    values: tuple[npt.NDArray[Any], ...],
) -> Any:  # noqa: ANN401 - a narwhals frame
    """The repeat columns of each source row, looked up by ticket id (``ids`` sorted)."""
    import pyarrow as pa  # noqa: PLC0415 - only for pyarrow input

    group, index, size, in_chain = values
    wanted = np.asarray(source[cols["ticket_id"]].cast(nw.String).to_list(), dtype=object)
    named = wanted != None  # noqa: E711 - an elementwise test for None
    at_id = np.zeros(len(wanted), dtype=np.intp)
    at_id[named] = np.searchsorted(ids, wanted[named].astype(str))
    hit = np.zeros(len(wanted), dtype=bool)
    out_group = np.full(len(wanted), None, dtype=object)
    out_index = np.zeros(len(wanted), dtype=np.int64)
    out_size = np.zeros(len(wanted), dtype=np.int64)
    if len(ids):  # every named row's id is among the tickets
        hit = named & in_chain[at_id]
        out_group[hit] = group[at_id[hit]]
        out_index, out_size = index[at_id], size[at_id]
    table = source.to_native()
    table = table.append_column("repeat_group", pa.array(out_group.tolist(), pa.string()))
    table = table.append_column("repeat_index", pa.array(out_index, pa.int64(), mask=~hit))
    table = table.append_column("repeat_size", pa.array(out_size, pa.int64(), mask=~hit))
    return nw.from_native(table)


def repeat_summary(
    repeats: Any,  # noqa: ANN401 - the frame find_repeats returned
    *,
    by: str = "unit",
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """The 屡办不成 list: chains per unit (or area, or category), worst first.

    A chain is counted once under each ``by`` value of its last ticket (the unit that holds the problem
    now, and each co-handler of that ticket), however many rows the ticket has.
    Columns: ``by``, ``chains``, ``tickets`` (tickets in those chains), ``longest`` (the longest
    chain), and — when the table has them — ``open`` (chains whose last ticket has no ``closed_at``) and
    ``unsatisfied`` (chains whose last ticket was rated 不满意).

    Args:
        repeats: The output of :func:`find_repeats`.
        by: The role to group by: ``"unit"``, ``"area"``, ``"category"`` or ``"caller_key"``.
        columns: Role → column name, as in :func:`find_repeats`.

    Raises:
        ValidationError: ``repeats`` lacks the repeat columns or the ``by`` column.

    Examples:
        >>> import datetime as dt, polars as pl
        >>> at = [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 9, 20)]
        >>> df = pl.DataFrame({"ticket_id": ["T1", "T2", "T3"], "received_at": at, "unit": ["S01"] * 3,
        ...                    "caller_key": ["k1"] * 3, "category": ["噪音"] * 3})
        >>> repeat_summary(find_repeats(df)).rows()
        [('S01', 1, 3, 3)]
    """
    cols = names(columns)
    if by not in {"unit", "area", "category", "caller_key"}:
        raise ValidationError("must be unit, area, category or caller_key", field="by", value=by)
    source = open_frame(repeats)
    schema = source.collect_schema()
    missing = [c for c in REPEAT_COLUMNS if c not in schema]
    if missing:
        raise ValidationError(
            "not a find_repeats result: the repeat columns are missing",
            field="repeats",
            value=", ".join(missing),
        )
    require(source, cols, [by])
    flags: dict[str, Any] = {}
    if cols["closed_at"] in schema:
        flags["open"] = nw.col(cols["closed_at"]).is_null().cast(nw.Int64)
    if cols["satisfaction"] in schema:
        sat = nw.col(cols["satisfaction"]).cast(nw.String).is_in(_DISSATISFIED)
        flags["unsatisfied"] = sat.fill_null(value=False).cast(nw.Int64)
    last = source.filter(nw.col("repeat_index") == nw.col("repeat_size")).with_columns(
        _size=nw.col("repeat_size").cast(nw.Int64), **{f"_{k}": v for k, v in flags.items()}
    )
    # one row per chain: its last ticket may have several rows (协办, repeated rows); it is open only
    # if no row has a closing time, unsatisfied if any row was rated so
    chains = last.group_by("repeat_group").agg(
        nw.col("_size").max(),
        *(
            (nw.col(f"_{k}").min() if k == "open" else nw.col(f"_{k}").max()).alias(f"_{k}")
            for k in flags
        ),
    )
    placed = last.select("repeat_group", cols[by]).unique().join(chains, on="repeat_group")
    out = (
        placed.group_by(cols[by])
        .agg(
            nw.len().alias("chains"),
            nw.col("_size").sum().alias("tickets"),
            nw.col("_size").max().alias("longest"),
            *(nw.col(f"_{k}").sum().alias(k) for k in flags),
        )
        .with_columns(nw.col("chains", "tickets", "longest", *flags).cast(nw.Int64))
        .sort(["chains", "tickets", cols[by]], descending=[True, True, False], nulls_last=True)
    )
    native = out.rename({cols[by]: by}).to_native()
    if source.implementation.is_pandas():  # a fresh 0..n index, not the sorted group order
        return native.reset_index(drop=True)
    return native
