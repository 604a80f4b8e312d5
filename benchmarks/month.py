"""Benchmark: ``jiesu month`` on a district's GB18030 CSV export, end to end, against a plain script.

Jobs (full size: 10k, 100k and 1M export rows; ``--quick`` runs 2k and 5k):

1. Whole processes: ``jiesu month DIR --tickets export.csv ...`` (read, validate, audit, clocks, score,
   write every file and the report) against a plain Python script that reads the same file with ``csv``
   and counts the answers per unit — the least any scorecard of that file costs. Time and peak resident
   memory of each process (``os.wait4``). Targets at 100k rows: at most 5× the plain script, peak at most
   1 GiB.
2. Stages in one process (``MonthJob.run`` with its progress callback, then the writers): where the time
   goes, and how it grows with the rows.

The export is the bundled sample district's (14 streets, 87 communities, 145 units): a generated month
written as a platform writes it, replicated with fresh ticket ids to reach the larger sizes.
Wrong: rows of the per-ticket table missing or added, or any bad row reported on the clean export.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE] + [_HERE]

import argparse  # noqa: E402 - after the path fix above
import subprocess  # noqa: E402 - after the path fix above
import tempfile  # noqa: E402 - after the path fix above
import time  # noqa: E402 - after the path fix above

import pyarrow as pa  # noqa: E402 - after the path fix above
import pyarrow.compute as pc  # noqa: E402 - after the path fix above
import pyarrow.csv as pacsv  # noqa: E402 - after the path fix above

from _common import print_table  # noqa: E402 - after the path fix above
from jiesu.month import District, MonthJob, write_outputs  # noqa: E402 - after the path fix above
from jiesu.report import month_report_data, write_report  # noqa: E402 - after the path fix above
from jiesu.sample import generate_export  # noqa: E402 - after the path fix above

TARGET_RATIO = 5.0
TARGET_PEAK_MIB = 1024.0
PLAIN = """
import collections, csv, sys
counts = collections.Counter()
with open(sys.argv[1], encoding="gb18030", newline="") as fh:
    for row in csv.DictReader(fh):
        if row["回访结果"] == "已回访":
            counts[(row["承办单位"], row["是否满意"])] += 1
print(len(counts))
"""


def _export(rows: int, base: pa.Table, path: Path) -> None:
    """``rows`` export rows: the base month repeated, each copy with its own ticket ids."""
    copies: list[pa.Table] = []
    k = 0
    while sum(t.num_rows for t in copies) < rows:
        ids = pc.binary_join_element_wise(base.column("工单编号"), pa.scalar(f"-{k}"), "")
        copies.append(base.set_column(0, "工单编号", ids))
        k += 1
    table = pa.concat_tables(copies).slice(0, rows)
    with path.open("wb") as fh:  # GB18030, as platforms export
        buffer = pa.BufferOutputStream()
        pacsv.write_csv(table, buffer)
        fh.write(buffer.getvalue().to_pybytes().decode("utf-8").encode("gb18030"))


_PEAK = (
    "import atexit, runpy, sys\n"
    "def _peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            sys.stderr.write('PEAK ' + line.split()[1] + '\\n')\n"
    "atexit.register(_peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__') if sys.argv[0] == 'jiesu.cli' "
    "else runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def _process(args: list[str]) -> tuple[float, float, int]:
    """Run a Python process; its wall seconds, peak resident MiB (its own VmHWM) and exit code.

    The process reports its own high-water mark at exit: the fork's rusage would also count the pages of
    this (large) parent process from before the exec.
    """
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own commands
        [sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK ")]
    return seconds, (peaks[-1] / 1024 if peaks else float("nan")), done.returncode


def _stages(district: District, path: Path, out: Path) -> tuple[dict[str, float], int, int]:
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    result = MonthJob(district).run(
        path,
        period="2025-03",
        now="2025-04-05T00:00:00+08:00",
        progress=lambda step, _d, _t: marks.append((step, time.perf_counter())),
    )
    times: dict[str, float] = {}
    last = start
    for step, when in marks:
        times[step] = when - last
        last = when
    write_outputs(result, out, names={u.code: u.name for u in district.units})
    times["write"] = time.perf_counter() - last
    last = time.perf_counter()
    write_report(month_report_data(result, district), out / "report.html")
    times["report"] = time.perf_counter() - last
    return times, result.tickets.num_rows, len(result.problems)


def main() -> int:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the tests")
    args = parser.parse_args()
    sizes = (2_000, 5_000) if args.quick else (10_000, 100_000, 1_000_000)
    base = generate_export(n=1_500 if args.quick else 20_000, seed=2025)
    district = District.sample()
    folder = district.folder
    wrong = 0
    process_rows: list[list[str]] = []
    stage_rows: list[list[str]] = []
    ratios: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            export = Path(tmp) / f"export-{n}.csv"
            _export(n, base, export)
            out = Path(tmp) / f"out-{n}"
            out.mkdir()
            plain = Path(tmp) / "plain.py"
            plain.write_text(PLAIN, encoding="utf-8")
            p_s, p_mib, p_code = _process([str(plain), str(export)])
            command = [
                "jiesu.cli", "month", str(folder), "--tickets", str(export),
                "--period", "2025-03", "--output-dir", str(out), "--quiet",
                "--now", "2025-04-05T00:00:00+08:00",
            ]  # fmt: skip
            j_s, j_mib, j_code = _process(command)
            wrong += (p_code != 0) + (j_code != 0)
            lines = (out / "tickets.csv").read_text(encoding="utf-8-sig").count("\n") - 1
            wrong += lines != n
            ratios[n] = (j_s / p_s, j_mib)
            process_rows += [
                [f"{n:,}", "plain csv script (answers per unit)", f"{p_s:.2f}", "1.00", f"{p_mib:.0f}"],
                [f"{n:,}", "jiesu month (every file + report)", f"{j_s:.2f}", f"{j_s / p_s:.2f}", f"{j_mib:.0f}"],
            ]  # fmt: skip
            stages_out = Path(tmp) / f"stages-{n}"
            stages_out.mkdir()
            times, rows, problems = _stages(district, export, stages_out)
            wrong += (rows != n) + (problems != 0)
            stage_rows.append([f"{n:,}", *(f"{times.get(s, 0.0):.2f}" for s in _STAGES)])
    label = " [quick]" if args.quick else ""
    print_table(
        f"jiesu month on a GB18030 CSV export, whole processes{label}",
        ["rows", "process", "seconds", "× plain", "peak MiB"],
        process_rows,
    )
    print_table(
        f"Stages of MonthJob in one process, seconds{label}", ["rows", *_STAGES], stage_rows
    )
    gate = 100_000 if 100_000 in ratios else sizes[-1]
    ratio, peak = ratios[gate]
    print(f"targets at {gate:,} rows: {ratio:.2f}× the plain script (target ≤ {TARGET_RATIO:.0f}×) "
          f"{'met' if ratio <= TARGET_RATIO else 'missed'}; peak {peak:.0f} MiB "
          f"(target ≤ {TARGET_PEAK_MIB:.0f}) {'met' if peak <= TARGET_PEAK_MIB else 'missed'}")  # fmt: skip
    print("wrong results: none" if wrong == 0 else f"wrong results: {wrong}")
    return 0 if wrong == 0 else 1


_STAGES = ("read", "validate", "audit", "clocks", "score", "summary", "write", "report")

if __name__ == "__main__":
    raise SystemExit(main())
