"""The monthly job's files (月度输出): scorecard, per-ticket table and problem list, with Chinese headers."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from jiesu.errors import DataFormatError
from jiesu.month._job import AUDIT_LABELS, _pa
from jiesu.scoring import ZH_HEADERS

if TYPE_CHECKING:
    import pyarrow as pa

    from jiesu.month._job import MonthResult

__all__ = ["TICKET_HEADERS", "problems_table", "scorecard_table", "tickets_table", "write_outputs"]

TICKET_HEADERS: Final = {
    "ticket_id": "工单编号",
    "line": "行号",
    "row": "数据行",
    "unit_name": "承办单位",
    "unit": "承办单位编码",
    "expected_unit_name": "应派单位",
    "expected_unit": "应派单位编码",
    "audit": "派单核验",
    "audit_reason": "核验说明",
    "area": "所属区域",
    "category": "诉求分类",
    "period": "考核周期",
    "scored": "纳入本月考评",
    "problem": "问题",
    "lost_points": "失分原因",
}
"""Chinese headers of ``tickets.csv`` (逐单明细); clock columns follow as ``<节点>时限`` / ``<节点>状态``."""

_MILESTONE_ZH: Final = {
    "dispatch": "派单",
    "sign_for": "签收",
    "first_contact": "首次联系",
    "reply": "办结",
    "callback": "回访",
}
_STATUS_ZH: Final = {
    "pending": "进行中",
    "due_soon": "临期",
    "overdue": "超期",
    "met_on_time": "按时",
    "met_late": "超时完成",
}


def _local(values: pa.ChunkedArray, zone: str) -> list[str | None]:
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    local = pc.local_timestamp(values.cast(_pa().timestamp("us", tz=zone)))
    return [None if v is None else v.strftime("%Y-%m-%d %H:%M:%S") for v in local.to_pylist()]


def tickets_table(result: MonthResult, *, zone: str = "Asia/Shanghai") -> pa.Table:
    """The per-ticket table with Chinese headers (逐单明细), one row per export row.

    Args:
        result: The month's result.
        zone: The zone due times are written in (the district's).

    Returns:
        A ``pyarrow.Table``: 工单编号, 行号 (1-based), 承办单位, 应派单位, 派单核验 (一致 / 不一致 / 无法核验),
        核验说明, …, each clock's 时限 (local wall time) and 状态, 失分原因.
    """
    pa = _pa()
    t = result.tickets
    columns: dict[str, Any] = {}
    for name, header in TICKET_HEADERS.items():
        column = t.column(name)
        if name == "row":
            column = pa.array([r + 1 for r in column.to_pylist()], type=pa.int64())
        elif name == "audit":
            column = pa.array(
                [AUDIT_LABELS.get(v, v) for v in column.to_pylist()], type=pa.string()
            )
        elif name == "scored":
            column = pa.array(["是" if v else "否" for v in column.to_pylist()], type=pa.string())
        columns[header] = column
    for milestone, label in _MILESTONE_ZH.items():
        if f"{milestone}_due" not in t.column_names:
            continue
        columns[f"{label}时限"] = pa.array(
            _local(t.column(f"{milestone}_due"), zone), type=pa.string()
        )
        columns[f"{label}状态"] = pa.array(
            [_STATUS_ZH.get(v, v) for v in t.column(f"{milestone}_status").to_pylist()],
            type=pa.string(),
        )
    return pa.table(columns)


def scorecard_table(result: MonthResult, *, names: dict[str, str] | None = None) -> pa.Table:
    """The period's scorecard with the headers of :data:`jiesu.scoring.ZH_HEADERS` (成绩表).

    承办单位 is the unit's name; 单位编码 its code; 失分原因 the unit's most frequent reasons for lost
    points (from the per-ticket table), and 超期工单 its overdue reply clocks.

    Args:
        result: The month's result.
        names: Unit code → name (default: the codes).

    Returns:
        A ``pyarrow.Table``, rated units first by group and rank.
    """
    pa = _pa()
    names = names or {}
    reasons = _reasons(result)
    rows = result.scores()
    arrays = result.scorecard.to_arrays()
    index = {
        (str(u), str(p)): i
        for i, (u, p) in enumerate(zip(arrays["unit"], arrays["period"], strict=True))
    }
    order = [index[(str(s.unit), str(s.period))] for s in rows]
    columns: dict[str, Any] = {
        "单位编码": pa.array([str(s.unit) for s in rows], type=pa.string()),
        ZH_HEADERS["unit"]: pa.array(
            [names.get(str(s.unit), str(s.unit)) for s in rows], type=pa.string()
        ),
    }
    for key, column in arrays.items():
        if key in ("unit", "category"):
            continue
        picked = column[order] if order else column[:0]
        if isinstance(picked, np.ma.MaskedArray):
            data = pa.array(np.ma.getdata(picked), mask=np.ma.getmaskarray(picked))
        elif key in ("group", "grade"):
            data = pa.array([v or None for v in picked.tolist()], type=pa.string())
        else:
            data = pa.array([str(v) if key == "period" else v for v in picked.tolist()])
        columns[ZH_HEADERS[key]] = data
    columns["超期工单"] = pa.array(
        [result.summary.overdue.get(str(s.unit), 0) for s in rows], type=pa.int64()
    )
    columns["失分原因"] = pa.array([reasons.get(str(s.unit)) for s in rows], type=pa.string())
    return pa.table(columns)


def _reasons(result: MonthResult) -> dict[str, str]:
    t = result.tickets
    per_unit: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    units = t.column("unit").to_pylist()
    scored = t.column("scored").to_pylist()
    for unit, ok, lost in zip(units, scored, t.column("lost_points").to_pylist(), strict=True):
        if ok and lost and unit:
            for reason in lost.split("、"):
                per_unit[unit][reason] += 1
    return {
        unit: "、".join(
            f"{r} {n}" for r, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        )
        for unit, c in per_unit.items()
    }


def problems_table(result: MonthResult) -> pa.Table:
    """Every bad row (问题清单): 工单编号, 行号, 数据行, 字段, 值, 说明.

    行号 is the line in the file (header = 1; the sheet row for Excel), 数据行 the 1-based data row.

    Values of personal fields arrive masked from the readers; no other personal data is written.
    """
    pa = _pa()
    ids = result.tickets.column("ticket_id").to_pylist()
    lines = result.tickets.column("line").to_pylist()
    problems = result.problems.problems
    return pa.table(
        {
            "工单编号": pa.array([ids[int(p.row)] for p in problems], type=pa.string()),
            "行号": pa.array([lines[int(p.row)] for p in problems], type=pa.int64()),
            "数据行": pa.array([int(p.row) + 1 for p in problems], type=pa.int64()),
            "字段": pa.array([p.field for p in problems], type=pa.string()),
            "值": pa.array(
                [None if p.value is None else str(p.value) for p in problems], type=pa.string()
            ),
            "说明": pa.array([p.reason for p in problems], type=pa.string()),
        }
    )


def _csv(table: pa.Table, path: Path) -> None:
    import pyarrow.csv as pacsv  # noqa: PLC0415 - the io extra is optional

    with path.open("wb") as fh:  # UTF-8 with BOM, so spreadsheet software reads the Chinese headers
        fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, fh)


def write_outputs(
    result: MonthResult,
    folder: str | Path,
    *,
    names: dict[str, str] | None = None,
    zone: str = "Asia/Shanghai",
    problems_only: bool = False,
) -> tuple[Path, ...]:
    """Write the month's files (写出月度文件) into ``folder``.

    ``scorecard.csv`` (UTF-8 with BOM), ``scorecard.xlsx`` (when the excel writer is installed),
    ``tickets.csv`` and ``problems.csv``; with ``problems_only`` just ``problems.csv``.

    Args:
        result: The month's result.
        folder: An existing folder.
        names: Unit code → name.
        zone: The zone due times are written in.
        problems_only: Write only ``problems.csv``.

    Returns:
        The files written.

    Raises:
        DataFormatError: The folder does not exist.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFormatError(
            "no such folder; create it first", field="output_dir", value=str(folder)
        )
    written = [folder / "problems.csv"]
    _csv(problems_table(result), written[0])
    if problems_only:
        return tuple(written)
    card = scorecard_table(result, names=names)
    _csv(card, folder / "scorecard.csv")
    _csv(tickets_table(result, zone=zone), folder / "tickets.csv")
    written += [folder / "scorecard.csv", folder / "tickets.csv"]
    try:
        from jiesu.io import write_table  # noqa: PLC0415 - the io extra is optional

        write_table(card, folder / "scorecard.xlsx")
        written.append(folder / "scorecard.xlsx")
    except ImportError:  # pragma: no cover - only without the io extra installed
        pass
    return tuple(written)
