"""Benchmark: reading and writing ticket exports with ``jiesu.io``, in one process.

Jobs (full size 10k and 100k rows; ``--quick`` runs 2k):

1. Read an 18-column GB18030 CSV export into the canonical table (``read_tickets``: decode, map headers,
   trim, parse instants in Asia/Shanghai, codes, numbers, months) against two peers: a plain Python script
   (the ``csv`` module, counting 是否解决 = 是 per unit, parsing nothing else) and
   ``pandas.read_csv(dtype=str)`` (decode and split only). Target: at most 2 s at 100k. Wrong: units whose
   count of solved tickets differs from the plain script's, and problems on a clean export.
2. Write the table and read it back, per format (CSV with BOM, Parquet, JSON Lines, and Excel up to 100k).
   Wrong: a table read back that is not the one written.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import Counter
from functools import partial
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE] + [_HERE]

import pandas as pd  # noqa: E402 - after the path fix above
import pyarrow.compute as pc  # noqa: E402 - after the path fix above

from _common import measure, mib, print_table  # noqa: E402 - after the path fix above
from jiesu.io import TicketTable, read_tickets, write_table  # noqa: E402 - after the path fix above

TARGET_SECONDS = 2.0
HEADER = (
    "工单编号,受理时间,受理渠道,诉求类型,紧急程度,诉求类别,诉求内容,承办单位,主办/协办,是否联系,是否解决,"
    "是否满意,回访结果,考核周期,经度,纬度,坐标系,办结时间"
)
Row = list[str]


def make_export(path: Path, n: int) -> None:
    """Write an ``n``-row GB18030 export of 16 units."""
    lines = [HEADER]
    lines += [
        f"{i:08d},2025-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00,电话,投诉,一般,01.0{i % 9},"
        f"楼下噪音 联系电话1381234{i % 10000:04d},示例街道{i % 16:02d},主办,是,{'是' if i % 3 else '否'},"
        f"基本满意,已回访,2025年3月,116.{i % 1000:03d},39.9,高德,2025/3/{1 + i % 28} 10:00"
        for i in range(n)
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))


def plain_script(path: Path) -> Counter[str]:
    """The plain baseline: decode, split, count 是否解决 = 是 per 承办单位."""
    with path.open(encoding="gb18030", newline="") as handle:
        reader = csv.DictReader(handle)
        return Counter(r["承办单位"] for r in reader if r["是否解决"] == "是")


def solved_per_unit(tickets: TicketTable) -> Counter[str]:
    """The same count from jiesu's table."""
    frame = tickets.frame.filter(pc.fill_null(tickets.frame.column("solved"), fill_value=False))
    return Counter(frame.column("unit").to_pylist())


def job_read(folder: Path, n: int) -> tuple[list[Row], int, TicketTable]:
    """Time the CSV read against its peers."""
    path = folder / f"export-{n}.csv"
    make_export(path, n)
    tickets, t_jiesu, m_jiesu = measure(lambda: read_tickets(path, timezone="Asia/Shanghai"))
    counts, t_plain, m_plain = measure(lambda: plain_script(path))
    _, t_pandas, m_pandas = measure(lambda: pd.read_csv(path, encoding="gb18030", dtype=str))
    solved = solved_per_unit(tickets)
    wrong = sum(solved[u] != c for u, c in counts.items()) + len(tickets.problems)
    rows = [
        [
            f"{n:,}",
            "jiesu read_tickets (parse every field)",
            f"{t_jiesu:.3f}",
            "1.00",
            mib(m_jiesu),
        ],
        [
            f"{n:,}",
            "plain csv script (count one field)",
            f"{t_plain:.3f}",
            f"{t_plain / t_jiesu:.2f}",
            mib(m_plain),
        ],
        [
            f"{n:,}",
            "pandas read_csv dtype=str (split only)",
            f"{t_pandas:.3f}",
            f"{t_pandas / t_jiesu:.2f}",
            mib(m_pandas),
        ],
    ]
    if n >= 100_000 and t_jiesu > TARGET_SECONDS:
        rows.append([f"{n:,}", f"OVER TARGET ({TARGET_SECONDS} s)", "", "", ""])
    return rows, wrong, tickets


def job_formats(folder: Path, tickets: TicketTable, n: int) -> tuple[list[Row], int]:
    """Time writing and reading back each format."""
    rows: list[Row] = []
    wrong = 0
    expected = tickets.frame.drop_columns(["row", "line"])
    for suffix in (".csv", ".parquet", ".jsonl", ".xlsx"):
        target = folder / f"out-{n}{suffix}"
        _, t_write, m_write = measure(
            partial(write_table, tickets, target, include_personal_data=True), repeat=1
        )
        back, t_read, m_read = measure(
            partial(read_tickets, target, timezone="Asia/Shanghai"), repeat=1
        )
        wrong += not back.frame.drop_columns(["row", "line"]).equals(expected)
        rows.append(
            [f"{n:,}", suffix, f"{t_write:.3f}", f"{t_read:.3f}", mib(max(m_write, m_read))]
        )
    return rows, wrong


def main() -> None:
    """Run the jobs and print their tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    args = parser.parse_args()
    sizes = [2_000] if args.quick else [10_000, 100_000]
    tag = " [quick]" if args.quick else ""
    read_rows: list[Row] = []
    format_rows: list[Row] = []
    wrong = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            rows, bad, tickets = job_read(folder, n)
            read_rows += rows
            wrong += bad
            rows, bad = job_formats(folder, tickets, n)
            format_rows += rows
            wrong += bad
    print_table(
        f"Read a GB18030 CSV export (18 columns): jiesu vs peers{tag}",
        ["rows", "reader", "seconds", "ratio to jiesu", "peak MiB"],
        read_rows,
    )
    print_table(
        f"Write then read back, per format{tag}",
        ["rows", "format", "write s", "read s", "peak MiB"],
        format_rows,
    )
    print(f"\njiesu wrong results: {wrong}")


if __name__ == "__main__":
    main()
