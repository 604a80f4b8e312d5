"""A raw intake export with Chinese headers and deliberate errors (含错误行的原始受理表), for CLI demos.

The rows look like a hotline platform's export: one string per cell, labels in Chinese, times as
``YYYY-MM-DD HH:MM:SS+08:00``. A share of rows carries exactly one deliberate error each, cycling through
the kinds in :data:`ERROR_KINDS`, so a reader's validation report can be checked row by row.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np

from jiesu.errors import ValidationError
from jiesu.sample._complaints import check_int, generate_complaints
from jiesu.sample._table import generate_ticket_table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

HEADERS: Final = (
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
)
"""The column headers of the raw table, in order."""

_CENTRE = ("115.480000", "38.870000")


def _naive(row: dict[str, str], prev_id: str) -> None:
    del prev_id
    row["受理时间"] = row["受理时间"][:19]


def _cell(header: str, value: str) -> Callable[[dict[str, str], str], None]:
    def spoil(row: dict[str, str], prev_id: str) -> None:
        del prev_id
        if header in {"经度", "纬度", "坐标系"} and not row["经度"]:
            row["经度"], row["纬度"], row["坐标系"] = (*_CENTRE, "WGS84")
        row[header] = value

    return spoil


def _duplicate(row: dict[str, str], prev_id: str) -> None:
    row["工单编号"] = prev_id


ERROR_KINDS: Final[tuple[tuple[str, str, Callable[[dict[str, str], str], None]], ...]] = (
    ("受理时间", "naive time without an offset", _naive),
    ("受理时间", "impossible date", _cell("受理时间", "2025-02-30 25:61:00+08:00")),
    ("诉求类型", "unknown kind", _cell("诉求类型", "投拆")),
    ("受理渠道", "unknown channel", _cell("受理渠道", "传真")),
    ("工单编号", "empty id", _cell("工单编号", "")),
    ("工单编号", "duplicate id", _duplicate),
    ("经度", "longitude out of range", _cell("经度", "1153.48")),
    ("纬度", "latitude not a number", _cell("纬度", "北纬38度")),
    ("坐标系", "unknown coordinate system", _cell("坐标系", "GCJ-03")),
    ("诉求分类", "unknown category", _cell("诉求分类", "99.99.99")),
    ("紧急程度", "unknown urgency", _cell("紧急程度", "特别紧急")),
)
"""The deliberate errors: (header, what is wrong, how the cell is spoiled), applied in this order."""


@attrs.frozen
class RawTable:
    r"""A raw intake export (原始受理表) and where its deliberate errors are.

    The rows hold (fake) caller names and phone numbers, so they are left out of ``repr``.

    Attributes:
        rows: One dict per row, header → cell text.
        bad_rows: Row index (0-based) → ``"<header>: <what is wrong>"`` for each spoiled row.
        headers: The column headers, in order (default :data:`HEADERS`, the intake table's).

    Examples:
        >>> table = RawTable(({"工单编号": "A1"},), {}, headers=("工单编号",))
        >>> table
        RawTable(bad_rows={}, headers=('工单编号',))
        >>> table.to_csv()
        '工单编号\r\nA1\r\n'
    """

    rows: tuple[dict[str, str], ...] = attrs.field(repr=False)
    bad_rows: dict[int, str]
    headers: tuple[str, ...] = HEADERS

    def to_csv(self, *, bom: bool = False) -> str:
        r"""The table as CSV text with the Chinese header row (CSV 文本).

        Args:
            bom: Start with a byte-order mark, as Excel's "CSV UTF-8" files do (encode as UTF-8).

        Returns:
            The CSV text, ``\r\n`` line ends.

        Examples:
            >>> table = raw_complaint_table(year=2025, month=1, n=2, seed=1, bad_share=0)
            >>> table.to_csv(bom=True).splitlines()[0]
            '\ufeff工单编号,受理时间,受理渠道,诉求类型,紧急程度,诉求分类,诉求内容,经度,纬度,坐标系,诉求地址,诉求人,联系电话'
        """
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.headers)
        writer.writeheader()
        writer.writerows(self.rows)
        return ("\ufeff" if bom else "") + out.getvalue()


def _check_share(value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValidationError("must be a number in [0, 1]", field="bad_share", value=value)


def raw_complaint_table(
    *, year: int, month: int, n: int = 200, seed: int, bad_share: float = 0.05
) -> RawTable:
    """A raw export of ``n`` sample complaints with some deliberately bad rows (含错误行的原始受理表).

    Args:
        year: The year.
        month: The month.
        n: Rows.
        seed: The random seed.
        bad_share: Share of rows spoiled (each with one error), at least one row when ``n > 1``.

    Returns:
        The table and the index of its bad rows.

    Raises:
        ValidationError: An argument is out of range.

    Examples:
        >>> table = raw_complaint_table(year=2025, month=1, n=40, seed=3)
        >>> table.rows[0]["受理时间"].endswith("+08:00")
        True
        >>> len(table.bad_rows)
        2
        >>> "13" in repr(table)  # no phone numbers in the repr
        False
    """
    check_int(n, "n", 1, 10_000_000)
    _check_share(bad_share)
    complaints = generate_complaints(year=year, month=month, n=n, seed=seed)
    rows: list[dict[str, str]] = []
    for c in complaints:
        loc = c.location
        rows.append(
            {
                "工单编号": c.id,
                "受理时间": c.received_at.format("YYYY-MM-DD HH:mm:ssZ"),
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
            }
        )
    ids = [c.id for c in complaints]
    count = 0 if n < 2 or bad_share == 0 else max(1, round(n * bad_share))  # noqa: PLR2004 - a duplicate id needs two rows
    rng = np.random.default_rng([seed, year, month, 1])
    spoiled = np.sort(rng.choice(np.arange(1, n), size=min(count, n - 1), replace=False)).tolist()
    bad: dict[int, str] = {}
    for k, row_index in enumerate(spoiled):
        header, what, spoil = ERROR_KINDS[k % len(ERROR_KINDS)]
        spoil(rows[row_index], ids[row_index - 1])
        bad[row_index] = f"{header}: {what}"
    return RawTable(tuple(rows), bad)


SCORE_HEADERS: Final = (
    "工单编号",
    "承办单位",
    "主办/协办",
    "考核周期",
    "是否即时办结",
    "是否不予派单",
    "是否剔除",
    "回访结果",
    "是否联系",
    "是否解决",
    "是否满意",
)
"""The column headers of the raw scoring table, as ``jiesu.scoring.ColumnMap.chinese()`` names them (without
诉求类别, so a scorecard comes out per unit and period, not per category)."""

SCORE_ERROR_KINDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("是否满意", "unknown satisfaction", "很满意"),
    ("是否解决", "unknown answer", "也许"),
    ("回访结果", "unknown callback outcome", "未接通"),
    ("是否联系", "unknown answer", "不清楚"),
    ("承办单位", "empty unit", ""),
    ("考核周期", "empty period", ""),
    ("主办/协办", "unknown role", "主持"),
    ("是否剔除", "unknown flag", "待定"),
)
"""The deliberate errors of :func:`raw_score_table`: (header, what is wrong, the spoiled cell), in order."""

_YES_NO = ("否", "是")
_CALLBACK_LABELS = {1: "已回访", 2: "无法联系", 3: "拒绝回访"}
_SATISFACTION_LABELS = ("不满意", "基本满意", "满意")
_CO_HANDLER_SHARE = 0.08


def raw_score_table(
    *,
    n: int = 200,
    units: Sequence[str] = ("S01", "S02", "S05", "S12", "D-ZJW", "D-CGJ", "P-HEAT"),
    period: str = "2025-03",
    seed: int,
    bad_share: float = 0.05,
) -> RawTable:
    """A raw export of ``n`` scored tickets with Chinese headers and some bad rows (含错误行的考评明细表).

    One row per ticket and unit, as a platform exports them for 三率 scoring: the lead's row (主办) and, for
    some tickets, a co-handler's row (协办) with the same 工单编号. Answers are Chinese labels (是/否, 已回访,
    满意…) and empty where the callback got none; tickets answered at intake or not dispatched carry no
    callback (未回访). The headers are :data:`SCORE_HEADERS` (``jiesu.scoring.ColumnMap.chinese()``).
    A share of the answered lead rows carries one deliberate error each, cycling through
    :data:`SCORE_ERROR_KINDS`.

    Args:
        n: Tickets (rows before co-handler rows are added).
        units: Unit codes to spread the tickets over.
        period: The period label (考核周期).
        seed: The random seed.
        bad_share: Share of rows spoiled, at least one when there is more than one row.

    Returns:
        The table and its bad rows.

    Raises:
        ValidationError: An argument is out of range.

    Examples:
        >>> table = raw_score_table(n=100, seed=1)
        >>> table.rows[0]["主办/协办"], len(table.bad_rows) > 0
        ('主办', True)
    """
    check_int(n, "n", 1, 1_000_000)
    _check_share(bad_share)
    t = generate_ticket_table(n=n, units=list(units), months=[period], seed=seed)
    rng = np.random.default_rng([seed, 2])
    at_intake = ~t["eligible"] & (rng.random(n) < 0.7)  # noqa: PLR2004 - the rest are not dispatched
    co_unit = rng.integers(0, len(units), n)
    co_row = (rng.random(n) < _CO_HANDLER_SHARE) & t["eligible"] & (co_unit != t["unit_index"])
    rows: list[dict[str, str]] = []
    for i in range(n):
        eligible = bool(t["eligible"][i])
        answered = eligible and int(t["callback"][i]) == 1
        row = {
            "工单编号": f"SLQ{period.replace('-', '')}{i + 1:06d}",
            "承办单位": str(t["unit"][i]),
            "主办/协办": "主办",
            "考核周期": period,
            "是否即时办结": _YES_NO[bool(at_intake[i])],
            "是否不予派单": _YES_NO[not eligible and not bool(at_intake[i])],
            "是否剔除": _YES_NO[bool(t["excluded"][i])],
            "回访结果": _CALLBACK_LABELS[int(t["callback"][i])] if eligible else "未回访",
            "是否联系": _YES_NO[bool(t["responded"][i])] if answered else "",
            "是否解决": _YES_NO[bool(t["solved"][i])] if answered else "",
            "是否满意": _SATISFACTION_LABELS[int(t["satisfaction"][i])] if answered else "",
        }
        rows.append(row)
        if co_row[i]:
            rows.append(row | {"承办单位": units[int(co_unit[i])], "主办/协办": "协办"})
    # Spoil only answered lead rows, so that every error is one a reader must catch.
    candidates = [
        i for i, r in enumerate(rows) if r["回访结果"] == "已回访" and r["主办/协办"] == "主办"
    ]
    count = 0 if len(rows) < 2 or bad_share == 0 else max(1, round(len(rows) * bad_share))  # noqa: PLR2004 - as above
    picked = rng.choice(len(candidates), size=min(count, len(candidates)), replace=False)
    spoiled = sorted(candidates[int(k)] for k in picked)
    bad: dict[int, str] = {}
    for k, row_index in enumerate(spoiled):
        header, what, value = SCORE_ERROR_KINDS[k % len(SCORE_ERROR_KINDS)]
        rows[row_index][header] = value
        bad[row_index] = f"{header}: {what}"
    return RawTable(tuple(rows), bad, headers=SCORE_HEADERS)
