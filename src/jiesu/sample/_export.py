"""A month's ticket export as a platform writes it (示例导出表): Chinese headers, wall times, labels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import pendulum

from jiesu.errors import MissingDependencyError
from jiesu.model import Ticket
from jiesu.routing import Router
from jiesu.sample._complaints import check_int, generate_complaints
from jiesu.sample._data import data_file
from jiesu.sample._simulate import simulate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jiesu.model import Complaint

__all__ = ["EXPORT_HEADERS", "export_rows", "generate_export", "simulate_month"]

EXPORT_HEADERS: Final = (
    "工单编号",
    "受理时间",
    "受理渠道",
    "诉求类型",
    "紧急程度",
    "诉求分类",
    "诉求内容",
    "经度",
    "纬度",
    "坐标系",
    "诉求地址",
    "诉求人",
    "联系电话",
    "承办单位",
    "主办/协办",
    "派单方式",
    "派单时间",
    "签收时间",
    "首次联系时间",
    "办结时间",
    "回访时间",
    "回访结果",
    "是否联系",
    "是否解决",
    "是否满意",
    "是否即时办结",
    "是否不予派单",
    "是否退单",
    "延期天数",
)
"""The headers of :func:`generate_export`, in order, as a hotline platform's monthly export names them."""

_TIME: Final = "YYYY-MM-DD HH:mm:ss"


def _router() -> Router:
    from importlib.resources import as_file  # noqa: PLC0415 - only here

    with (
        as_file(data_file("catalogue.toml")) as cat,
        as_file(data_file("areas.geojson")) as areas,
        as_file(data_file("units.toml")) as units,
        as_file(data_file("swaps.geojson")) as swaps,
    ):
        return Router.from_files(catalogue=cat, areas=areas, units=units, swap_zones=swaps)


def simulate_month(
    *, year: int, month: int, n: int | None = None, seed: int = 2025, until: object = None
) -> tuple[tuple[Complaint, ...], tuple[Ticket, ...]]:
    """A month of the sample district's complaints, routed and lived through (模拟一个月的工单).

    Args:
        year: The year.
        month: The month.
        n: Complaints (default the sample's seasonal volume).
        seed: The seed.
        until: Histories stop here (default the month's end), so late tickets are still open.

    Returns:
        The complaints and their tickets, in the same order.

    Examples:
        >>> complaints, tickets = simulate_month(year=2025, month=3, n=5, seed=1)
        >>> len(tickets), tickets[0].id == complaints[0].id
        (5, True)
    """
    check_int(year, "year", 2010, 2100)
    router = _router()
    end = (
        pendulum.datetime(year, month, 1, tz="Asia/Shanghai").add(months=1)
        if until is None
        else until
    )
    complaints = generate_complaints(year=year, month=month, n=n, seed=seed)
    batch = router.route_many(complaints)
    tickets = []
    for complaint, row in zip(complaints, batch.rows, strict=True):
        decision = row.decision
        assert decision is not None  # noqa: S101 - every sample complaint routes
        events = simulate(
            complaint,
            lead=decision.lead,
            co_handlers=decision.co_handlers,
            seed=seed,
            mode=decision.mode,
            until=end,  # type: ignore[arg-type] # an aware instant
        )
        tickets.append(Ticket.from_events(complaint, events))
    return tuple(complaints), tuple(tickets)


def _wall(value: pendulum.DateTime | None) -> str:
    return "" if value is None else value.in_timezone("Asia/Shanghai").format(_TIME)


def export_rows(tickets: Sequence[Ticket], names: dict[str, str]) -> list[dict[str, str]]:
    """Tickets as export rows (导出行): a 主办 row per ticket and a 协办 row per co-handler.

    Every cell is text, as a platform writes it: wall times without an offset (Asia/Shanghai), labels in
    Chinese (是/否, 满意/基本满意/不满意, 已回访/无法联系/拒绝回访, 主办/协办), the unit by name.

    Args:
        tickets: The tickets.
        names: Unit code → name.

    Returns:
        One dict per row, keyed by :data:`EXPORT_HEADERS`.
    """
    rows = []
    yes_no = {True: "是", False: "否", None: ""}
    for t in tickets:
        c = t.complaint
        cb = t.callback
        if cb is not None and t.replied_at is not None and cb.at < t.replied_at:
            cb = None  # reopened: the row shows the current round, whose callback is still to come
        loc = c.location
        lead_row = {
            "工单编号": t.id,
            "受理时间": _wall(c.received_at),
            "受理渠道": c.channel.label,
            "诉求类型": c.kind.label,
            "紧急程度": c.urgency.label,
            "诉求分类": c.category,
            "诉求内容": c.text,
            "经度": "" if loc is None else f"{loc.lon:.6f}",
            "纬度": "" if loc is None else f"{loc.lat:.6f}",
            "坐标系": "" if loc is None else loc.crs.value,
            "诉求地址": "" if loc is None or loc.address is None else loc.address,
            "诉求人": c.caller.name or "",
            "联系电话": c.caller.phone or "",
            "承办单位": names.get(t.lead or "", t.lead or ""),
            "主办/协办": "主办" if t.lead else "",
            "派单方式": "" if t.dispatch_mode is None else t.dispatch_mode.label,
            "派单时间": _wall(t.dispatched_at),
            "签收时间": _wall(t.signed_at),
            "首次联系时间": _wall(t.first_contact_at),
            "办结时间": _wall(t.replied_at),
            "回访时间": _wall(None if cb is None else cb.at),
            "回访结果": "" if cb is None else cb.outcome.label,
            "是否联系": "" if cb is None else yes_no[cb.contacted],
            "是否解决": "" if cb is None else yes_no[cb.solved],
            "是否满意": "" if cb is None or cb.satisfaction is None else cb.satisfaction.label,
            "是否即时办结": yes_no[t.answered_at_intake],
            "是否不予派单": yes_no[t.not_dispatched is not None],
            "是否退单": yes_no[t.return_count > 0],
            "延期天数": "",
        }
        rows.append(lead_row)
        for co in t.co_handlers:
            co_row = dict.fromkeys(EXPORT_HEADERS, "")
            for key in ("工单编号", "受理时间", "诉求分类", "派单时间"):
                co_row[key] = lead_row[key]
            co_row["承办单位"] = names.get(co, co)
            co_row["主办/协办"] = "协办"
            co_row["是否即时办结"] = co_row["是否不予派单"] = "否"
            rows.append(co_row)
    return rows


def generate_export(
    *, n: int | None = 200, year: int = 2025, month: int = 3, seed: int = 2025
) -> Any:  # noqa: ANN401 - a pyarrow table
    """A month's ticket export of the sample district (示例月度导出表), as a ``pyarrow.Table`` of text.

    The complaints of :func:`simulate_month`, one 主办 row per ticket and a 协办 row per co-handler, in the
    layout of :data:`EXPORT_HEADERS` (see :func:`export_rows`). Caller names and phone numbers are the
    generator's fake ones. Write it with ``pyarrow.csv`` (or ``encoding="gb18030"``) to get a file such as
    a platform exports.

    Args:
        n: Complaints (``None``: the sample's seasonal volume).
        year: The year.
        month: The month.
        seed: The seed.

    Returns:
        A ``pyarrow.Table`` with :data:`EXPORT_HEADERS` as columns, every cell a string.

    Raises:
        MissingDependencyError: pyarrow (the ``io`` extra) is not installed.

    Examples:
        >>> table = generate_export(n=20, seed=1)
        >>> table.column_names[:3], len(set(table.column("工单编号").to_pylist()))
        (['工单编号', '受理时间', '受理渠道'], 20)
    """
    try:
        import pyarrow as pa  # noqa: PLC0415 - the io extra is optional
    except ImportError as exc:  # pragma: no cover - exercised only without the io extra installed
        raise MissingDependencyError("pyarrow", extra="io") from exc
    from jiesu.sample._data import units  # noqa: PLC0415 - a sibling module, read lazily

    _, tickets = simulate_month(year=year, month=month, n=n, seed=seed)
    names = {u.code: u.name for u in units()}
    rows = export_rows(tickets, names)
    return pa.table({h: pa.array([r[h] for r in rows], type=pa.string()) for h in EXPORT_HEADERS})
