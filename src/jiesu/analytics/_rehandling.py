"""不满意 / 非双是 tickets tracked until re-handled (不满意工单清零): each ticket's state and the progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import narwhals as nw

from jiesu.analytics._common import is_lazy, one_per_ticket, open_frame
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["REHANDLING_STATES", "rehandling_list", "rehandling_summary"]

REHANDLING_STATES: Final = {
    "to_rehandle": "待重办",
    "rehandling": "重办中",
    "replied": "重办已答复",
    "cleared": "已清零",
    "still_unsatisfied": "重办后仍非双是",
}
"""The re-handling states of a 非双是 ticket (重办状态), in the order of its life, with their labels."""

_ROLES: Final = (
    "ticket_id",
    "unit",
    "role",
    "callback",
    "callback_at",
    "solved",
    "satisfaction",
    "reopened_at",
    "replied_at",
)
_SATISFIED: Final = ("satisfied", "basically_satisfied")


def rehandling_list(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    satisfied: Iterable[str] = _SATISFIED,
    keep: Iterable[str] = (),
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """The 不满意 / 非双是 tickets and where their re-handling stands (不满意工单清零台账).

    A callback is **双是** (both yes) when the citizen answered that the matter is solved (是否解决 = 是)
    and is satisfied (满意度 in ``satisfied``: 满意 and 基本满意 by default); any other answered callback
    is 非双是 and the ticket goes back to its unit to be re-handled (重办, DOMAIN §1: the re-handling of
    非双是 tickets is an assumed reading). An export row holds a ticket's latest callback, its latest
    reply and — where the platform writes it — its latest reopening (重办时间, ``reopened_at``). From them:

    - ``to_rehandle`` (待重办): the latest callback is 非双是 and the ticket was not reopened after it;
    - ``rehandling`` (重办中): reopened after that callback, no reply since;
    - ``replied`` (重办已答复): replied again after the reopening, no callback since;
    - ``cleared`` (已清零): reopened, then called back 双是;
    - ``still_unsatisfied`` (重办后仍非双是): reopened, then called back 非双是 again.

    A reopened ticket whose later callback found no one (unreachable, refused) stays ``replied`` or
    ``rehandling``: no answer has cleared it. A ticket reopened for another reason (a failed audit) is
    listed from its reopening on.

    Without a ``reopened_at`` column every 非双是 ticket is ``to_rehandle`` (nothing says it went back).
    A ticket counts once (its rows are merged as in every analytics function); co-handler rows (``role``
    ``co_handler``) are left out, so a ticket is listed under its lead unit. Unanswered callbacks
    (unreachable, refused) carry no answer and are not listed.

    Args:
        frame: The tickets: ``ticket_id``, ``unit``, ``solved``, ``satisfaction``, and where present
            ``callback`` (answered / unreachable / refused), ``callback_at``, ``reopened_at``,
            ``replied_at``, ``role``.
        satisfied: The satisfaction values that count as satisfied.
        keep: Other columns to carry into the list (e.g. ``category``, ``area``), merged per ticket.
        columns: Role → column name where the table's names are not the canonical ones.

    Returns:
        One row per listed ticket: ``ticket_id``, ``unit``, the ``keep`` columns, those of
        ``callback_at``, ``reopened_at``, ``replied_at`` the table has, ``both_yes`` (the latest
        callback) and ``state``, ordered by state, unit and ticket; the same kind of frame.

    Raises:
        ValidationError: A missing column, an unknown column role, or ``reopened_at`` without
            ``callback_at`` (the order of the two cannot be told).

    Examples:
        >>> import datetime as dt, polars as pl
        >>> at = lambda d: dt.datetime(2025, 3, d, tzinfo=dt.UTC)
        >>> df = pl.DataFrame({"ticket_id": ["T1", "T2", "T3", "T4"], "unit": ["S01"] * 4,
        ...     "solved": [True, False, True, False], "satisfaction": ["satisfied", "dissatisfied",
        ...     "satisfied", "satisfied"], "callback_at": [at(5), at(6), at(20), at(9)],
        ...     "reopened_at": [None, None, at(8), at(10)], "replied_at": [at(4), at(5), at(15), at(12)]})
        >>> rehandling_list(df).select("ticket_id", "both_yes", "state").rows()
        [('T2', False, 'to_rehandle'), ('T4', False, 'replied'), ('T3', True, 'cleared')]
    """
    cols = _names(columns)
    values = tuple(satisfied)
    source = open_frame(frame)
    schema = source.collect_schema()
    for role in ("ticket_id", "unit", "solved", "satisfaction"):
        if cols[role] not in schema:
            raise ValidationError(f"the table has no {role} column", field=role, value=cols[role])
    extra = list(dict.fromkeys(keep))
    missing = [name for name in extra if name not in schema]
    if missing:
        raise ValidationError("no such column to keep", field="keep", value=", ".join(missing))
    has = {role: cols[role] in schema for role in _ROLES}
    if has["reopened_at"] and not has["callback_at"]:
        raise ValidationError(
            "reopened_at needs callback_at: the order of reopening and callback cannot be told",
            field="callback_at",
            value=cols["callback_at"],
        )
    lead = source
    if has["role"]:
        lead = source.filter(
            (nw.col(cols["role"]).cast(nw.String) != "co_handler").fill_null(value=True)
        )
    times = [cols[r] for r in ("callback_at", "reopened_at", "replied_at") if has[r]]
    fields = [cols["unit"], cols["solved"], cols["satisfaction"], *times, *extra]
    if has["callback"]:
        fields.append(cols["callback"])
    tickets = one_per_ticket(lead, {"ticket_id": cols["ticket_id"]}, fields, anonymous=False)
    answered = (
        nw.col(cols["callback"]).cast(nw.String) == "answered"
        if has["callback"]
        else ~nw.col(cols["satisfaction"]).is_null() | ~nw.col(cols["solved"]).is_null()
    ).fill_null(value=False)
    both = (
        (nw.col(cols["solved"]) == True)  # noqa: E712 - a column expression
        & nw.col(cols["satisfaction"]).cast(nw.String).is_in(values)
    ).fill_null(value=False)
    out = tickets.with_columns(_answered=answered, both_yes=both)
    state = _state(cols, has)
    rank = nw.lit(len(REHANDLING_STATES), nw.Int64)  # never used: every listed row has a state
    for i, name in enumerate(REHANDLING_STATES):
        rank = nw.when(nw.col("state") == name).then(nw.lit(i, nw.Int64)).otherwise(rank)
    listed = (
        out.with_columns(state=state)
        .filter(~nw.col("state").is_null())
        .with_columns(_rank=rank)
        .sort("_rank", cols["unit"], cols["ticket_id"])
        .select(
            nw.col(cols["ticket_id"]).alias("ticket_id"),
            nw.col(cols["unit"]).alias("unit"),
            *extra,
            *(
                nw.col(cols[r]).alias(r)
                for r in ("callback_at", "reopened_at", "replied_at")
                if has[r]
            ),
            "both_yes",
            "state",
        )
    )
    native = listed.to_native()
    if not is_lazy(source) and source.implementation.is_pandas():
        return native.reset_index(drop=True)
    return native


def _names(columns: Mapping[str, str] | None) -> dict[str, str]:
    cols = {role: role for role in _ROLES}
    for role, name in (columns or {}).items():
        if role not in cols:
            raise ValidationError(
                f"unknown column role; the roles are {', '.join(_ROLES)}",
                field="columns",
                value=role,
            )
        cols[role] = name
    return cols


def _state(cols: Mapping[str, str], has: Mapping[str, bool]) -> Any:  # noqa: ANN401 - a narwhals expression
    """Each ticket's state from ``_answered``, ``both_yes`` and the times the table has."""
    false = nw.lit(value=False)
    re_ = nw.col(cols["reopened_at"])
    reopened = ~re_.is_null() if has["reopened_at"] else false
    done = false
    if has["reopened_at"]:  # a reopened table always has callback times (checked above)
        after = (reopened & (nw.col(cols["callback_at"]) > re_)).fill_null(value=False)
        done = after & nw.col("_answered")
    replied_after = false
    if has["reopened_at"] and has["replied_at"]:
        replied_after = (nw.col(cols["replied_at"]) > re_).fill_null(value=False)
    open_answer = nw.col("_answered") & ~nw.col("both_yes")
    return (
        nw.when(done & nw.col("both_yes"))
        .then(nw.lit("cleared"))
        .otherwise(
            nw.when(done)
            .then(nw.lit("still_unsatisfied"))
            .otherwise(
                nw.when(reopened & replied_after)
                .then(nw.lit("replied"))
                .otherwise(
                    nw.when(reopened)
                    .then(nw.lit("rehandling"))
                    .otherwise(nw.when(open_answer).then(nw.lit("to_rehandle")))
                )
            )
        )
    )


def rehandling_summary(
    listing: Any,  # noqa: ANN401 - the frame rehandling_list returned
    *,
    by: str = "unit",
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """Progress of 不满意工单清零 per unit (or any column of the list): counts per state and the share cleared.

    Columns: ``by``, ``listed`` (the unit's 非双是 tickets in the list), one count per state of
    :data:`REHANDLING_STATES`, and ``cleared_rate`` (清零率: cleared ÷ listed × 100, rounded to 2 places).
    Worst first: most tickets not cleared, then the unit.

    Args:
        listing: The output of :func:`rehandling_list`.
        by: The column to group by (``unit`` or a ``keep`` column of the list).

    Raises:
        ValidationError: ``listing`` is not a re-handling list or has no ``by`` column.

    Examples:
        >>> import polars as pl
        >>> listing = pl.DataFrame({"ticket_id": ["T1", "T2", "T3"], "unit": ["S01", "S01", "S02"],
        ...                         "state": ["cleared", "to_rehandle", "cleared"]})
        >>> rehandling_summary(listing).select("unit", "listed", "cleared", "cleared_rate").rows()
        [('S01', 2, 1, 50.0), ('S02', 1, 1, 100.0)]
    """
    source = open_frame(listing)
    schema = source.collect_schema()
    if "state" not in schema:
        raise ValidationError(
            "not a rehandling_list result: no state column", field="listing", value="state"
        )
    if by not in schema:
        raise ValidationError("the list has no such column", field="by", value=by)
    flags = {f"_{name}": (nw.col("state") == name).cast(nw.Int64) for name in REHANDLING_STATES}
    out = (
        source.with_columns(**flags)
        .group_by(by)
        .agg(nw.len().alias("listed"), *(nw.col(f"_{n}").sum().alias(n) for n in REHANDLING_STATES))
        .with_columns(
            nw.col("listed", *REHANDLING_STATES).cast(nw.Int64),
        )
        .with_columns(
            cleared_rate=(nw.col("cleared") * 100 / nw.col("listed")).round(2),
            _left=nw.col("listed") - nw.col("cleared"),
        )
        .sort(["_left", by], descending=[True, False], nulls_last=True)
        .drop("_left")
    )
    native = out.to_native()
    if not is_lazy(source) and source.implementation.is_pandas():
        return native.reset_index(drop=True)
    return native
