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

if TYPE_CHECKING:
    from collections.abc import Callable

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
    """A raw intake export (原始受理表) and where its deliberate errors are.

    The rows hold (fake) caller names and phone numbers, so they are left out of ``repr``.

    Attributes:
        rows: One dict per row, header → cell text.
        bad_rows: Row index (0-based) → ``"<header>: <what is wrong>"`` for each spoiled row.

    Examples:
        >>> table = RawTable(({"工单编号": "A1"},), {})
        >>> table
        RawTable(bad_rows={})
    """

    rows: tuple[dict[str, str], ...] = attrs.field(repr=False)
    bad_rows: dict[int, str]

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
        writer = csv.DictWriter(out, fieldnames=HEADERS)
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
