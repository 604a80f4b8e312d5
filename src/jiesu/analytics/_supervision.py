"""Supervision lists (督办): yellow and red cards from the clocks, and the scorecard split by requester."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import narwhals as nw
import pendulum

from jiesu._native import like
from jiesu.analytics._common import collect, is_lazy, open_frame
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jiesu.calendar import DeadlinePolicy, WorkCalendar
    from jiesu.scoring import Rules

__all__ = [
    "CARD_COLUMNS",
    "REQUESTER_GROUPS",
    "requester_scorecards",
    "supervision_list",
    "supervision_summary",
]

CARD_COLUMNS: Final = ("card", "due", "remaining")
"""The columns :func:`supervision_list` adds: ``card`` (``red`` / ``yellow``), the due instant, the time left."""

REQUESTER_GROUPS: Final = ("enterprise", "citizen")
"""The requester types (诉求人类型) of :func:`requester_scorecards`: 涉企 and 民生."""

_OPEN: Final = ("pending", "due_soon")


def supervision_list(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    policy: DeadlinePolicy,
    calendar: WorkCalendar,
    *,
    now: dt.datetime,
    milestone: str = "reply",
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """The supervision list at ``now`` (督办清单): open tickets overdue (红牌) or due soon (黄牌).

    The clocks are :func:`jiesu.calendar.sla_frame` on the same policy and calendar. A ticket gets a
    **red card** when its ``milestone`` clock is overdue at ``now`` (the first overdue day, [SD-2017]) and
    a **yellow card** when the clock is still running and falls due no later than the end of the next
    working day after ``now``'s local date — one working day before due ([SD-2017]). The yellow card
    is the rule's, independent of the policy's own "due soon" threshold. Met clocks get no card.

    Args:
        frame: The tickets, with the columns :func:`jiesu.calendar.sla_frame` reads.
        policy: The deadline policy.
        calendar: The working calendar (its zone gives ``now``'s local date).
        now: The instant the list is drawn up at (aware).
        milestone: The clock carded, one the policy limits: ``reply`` (办结, default),
            ``first_contact`` (首次联系), ``dispatch`` (派单)...
        columns: Role → column name, for the clock roles, ``ticket_id`` (the ties' order) and
            ``role``: rows whose role is ``co_handler`` (协办) are left out — the lead's clock is the
            ticket's.

    Returns:
        The carded rows with their clock columns and :data:`CARD_COLUMNS`, red first, then by due
        instant; a lazy frame for a lazy input, else an eager one of the same library.

    Raises:
        ValidationError: An unknown milestone or column role, or a naive ``now``.
        ValidationReport: Rows the clocks refuse (see :func:`jiesu.calendar.sla_frame`).

    Examples:
        >>> import datetime as dt, pendulum, polars as pl
        >>> from jiesu.calendar import DeadlinePolicy, WorkCalendar
        >>> at = [dt.datetime(2025, 3, d, 1, tzinfo=dt.UTC) for d in (3, 7, 10)]
        >>> df = pl.DataFrame({"ticket_id": ["T1", "T2", "T3"], "received_at": at, "dispatched_at": at,
        ...                    "kind": ["complaint"] * 3, "urgency": ["normal"] * 3})
        >>> now = pendulum.datetime(2025, 3, 13, 9, tz="Asia/Shanghai")
        >>> cards = supervision_list(df, DeadlinePolicy.preset("jinan"), WorkCalendar.china(), now=now)
        >>> cards.select("ticket_id", "card").rows()
        [('T1', 'red'), ('T2', 'yellow')]
    """
    from jiesu.calendar import SLA_COLUMNS, sla_frame  # noqa: PLC0415 - the clocks load with the frames

    clock_cols: dict[str, str] = {}
    tid, role_col = "ticket_id", "role"
    for role, name in (columns or {}).items():
        if role == "ticket_id":
            tid = name
        elif role == "role":
            role_col = name
        elif role in SLA_COLUMNS:
            clock_cols[role] = name
        else:
            raise ValidationError(
                f"unknown column role; the roles are {', '.join(SLA_COLUMNS)}, ticket_id, role",
                field="columns",
                value=role,
            )
    source = open_frame(frame)
    if role_col in source.collect_schema():  # a co-handler's row (协办) carries no clock of its own
        lead = (nw.col(role_col).cast(nw.String) != "co_handler").fill_null(value=True)
        frame = source.filter(lead).to_native()
    clocks = nw.from_native(sla_frame(frame, policy, calendar, now=now, columns=clock_cols))
    due, status, remaining = (f"{milestone}_{part}" for part in ("due", "status", "remaining"))
    if due not in clocks.collect_schema():
        kept = sorted(
            c[: -len("_due")] for c in clocks.collect_schema().names() if c.endswith("_due")
        )
        raise ValidationError(
            f"the policy has no such clock; it has {', '.join(kept)}",
            field="milestone",
            value=milestone,
        )
    local = pendulum.instance(now).in_timezone(calendar.tz).date()
    last = calendar.next_workday(local) + dt.timedelta(days=1)
    limit = pendulum.datetime(last.year, last.month, last.day, tz=calendar.tz).in_timezone("UTC")
    card = (
        nw.when(nw.col(status) == "overdue")
        .then(nw.lit("red"))
        .otherwise(
            nw.when(nw.col(status).is_in(_OPEN) & (nw.col(due) <= limit)).then(nw.lit("yellow"))
        )
    )
    out = (
        clocks.with_columns(card=card, due=nw.col(due), remaining=nw.col(remaining))
        .filter(~nw.col("card").is_null())
        .sort("card", "due", *([tid] if tid in clocks.collect_schema() else []))
    )
    if is_lazy(source):
        return like(frame, out.to_arrow())
    native = out.to_native()
    if out.implementation.is_pandas():  # a fresh 0..n index, not the sorted rows' old one
        return native.reset_index(drop=True)
    return native


def supervision_summary(
    cards: Any,  # noqa: ANN401 - the frame supervision_list returned
    *,
    by: str = "unit",
    ticket_id: str = "ticket_id",
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """Red and yellow cards per unit (督办统计), most red first.

    Cards are counted per ticket: where ``cards`` has the ``ticket_id`` column, repeated rows of one
    ticket and one unit count once.

    Args:
        cards: The frame :func:`supervision_list` returned.
        by: The column to count by (default ``unit``).
        ticket_id: The ticket id column (absent: every row is a ticket).

    Returns:
        ``by``, ``red``, ``yellow``: one row per value of ``by`` with a card, ordered by red, then
        yellow (both descending), then ``by``.

    Raises:
        ValidationError: ``cards`` lacks the ``card`` column or the ``by`` column.

    Examples:
        >>> import polars as pl
        >>> cards = pl.DataFrame({"unit": ["S01", "S02", "S01"], "card": ["red", "yellow", "yellow"]})
        >>> supervision_summary(cards).rows()
        [('S01', 1, 1), ('S02', 0, 1)]
    """
    source = open_frame(cards)
    schema = source.collect_schema()
    for name in ("card", by):
        if name not in schema:
            raise ValidationError(
                "not in the supervision list; give a supervision_list result and one of its columns",
                field="by" if name == by else "cards",
                value=name,
            )
    if ticket_id in schema:
        source = source.select(ticket_id, by, "card").unique()
    counted = (
        source.with_columns(
            _red=(nw.col("card") == "red").cast(nw.Int64),
            _yellow=(nw.col("card") == "yellow").cast(nw.Int64),
        )
        .group_by(by)
        .agg(red=nw.col("_red").sum(), yellow=nw.col("_yellow").sum())
        .with_columns(nw.col("red", "yellow").cast(nw.Int64))
    )
    table = collect(counted).sort(["red", "yellow", by], descending=[True, True, False])
    return like(cards, table.to_arrow())


def requester_scorecards(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    rules: Rules,
    requester: str = "requester_type",
    **options: Any,  # noqa: ANN401 - passed to score_frame as they are
) -> dict[str, Any]:
    """The scorecard split by requester (涉企 / 民生): one scorecard per group, same rules.

    Each group is scored on its own tickets by :func:`jiesu.scoring.score_frame` (rates, composites and
    ranks within the group). The requester column holds ``enterprise`` or ``citizen``, as
    :func:`jiesu.io.read_tickets` reads 诉求人类型 / 是否涉企; any other value, or a blank, is refused
    rather than put in either group.

    Args:
        frame: The tickets, with the scoring columns and the requester column.
        rules: The scoring rules, the same for both groups.
        requester: The requester column's name.
        **options: Passed to :func:`jiesu.scoring.score_frame` (``columns``, ``headers``, ``kinds``...).

    Returns:
        ``{"enterprise": scorecard, "citizen": scorecard}``, each the same kind of frame as ``frame``;
        a group without tickets is absent.

    Raises:
        ValidationError: The requester column is missing or holds other values (all of them named).

    Examples:
        >>> import polars as pl
        >>> from jiesu.scoring import ColumnMap, Rules
        >>> df = pl.DataFrame({"承办单位": ["S01", "S01", "S02"], "考核周期": ["2025-03"] * 3,
        ...                    "回访结果": ["已回访"] * 3, "是否联系": ["是"] * 3, "是否解决": ["是", "否", "是"],
        ...                    "是否满意": ["满意"] * 3, "requester_type": ["enterprise", "citizen", "citizen"]})
        >>> cards = requester_scorecards(df, rules=Rules.preset("beijing-2025"), columns=ColumnMap.chinese())
        >>> sorted(cards), cards["enterprise"]["unit"].to_list()
        (['citizen', 'enterprise'], ['S01'])
    """
    from jiesu.scoring import score_frame  # noqa: PLC0415 - the frame path loads on first use

    source = open_frame(frame)
    if requester not in source.collect_schema():
        raise ValidationError(
            "the table has no requester column", field="requester", value=requester
        )
    seen = collect(source.select(requester).unique())[requester].to_list()
    bad = sorted("(blank)" if v is None else str(v) for v in seen if v not in REQUESTER_GROUPS)
    if bad:
        raise ValidationError(
            "must be enterprise or citizen (read the export with jiesu.io to map 涉企 / 个人)",
            field=requester,
            value=", ".join(bad),
        )
    return {
        group: score_frame(
            source.filter(nw.col(requester) == group).to_native(), rules=rules, **options
        )
        for group in REQUESTER_GROUPS
        if group in seen
    }
