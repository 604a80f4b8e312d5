"""Benchmark: JSON Lines export and streaming import of tickets (逐行 JSON), in one process.

Jobs (full size 1,000,000 tickets; ``--quick`` runs 2,000):

1. ``dump_jsonl`` of the tickets (personal data withheld), streaming to a file;
2. ``JsonlReader`` (errors="collect") over the same file with one bad row in every 1,000, replaying every
   history through the Beijing lifecycle.

Peer/floor: ``json.loads`` of every line (parsing only, no validation), the least any reader must do.
Limits (stated goals): writing 1M tickets in 120 s, reading and validating them in 300 s, with memory flat
(streaming: the peak must not grow with the file). Wrong results: good rows that differ from the ticket
written, and bad rows missing from the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py shadows the standard library's ``calendar`` (imported by ``email`` and so by
# ``importlib.metadata``): move this folder from the front of the search path to its end.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE] + [_HERE]

import argparse  # noqa: E402 - after the path fix above
import json  # noqa: E402 - imported after the setup above
import tempfile  # noqa: E402 - imported after the setup above
from typing import TYPE_CHECKING  # noqa: E402 - imported after the setup above

from _common import measure, mib, print_table  # noqa: E402 - imported after the setup above
from jiesu.model import JsonlReader, Ticket, dump_jsonl, dumps, example_tickets  # noqa: E402 - imported after the setup above

if TYPE_CHECKING:
    from collections.abc import Iterator

LIMITS = {"dump_jsonl": 120.0, "JsonlReader": 300.0, "json.loads floor": 300.0}
BAD_EVERY = 1000


def _tickets(n: int) -> Iterator[Ticket]:
    examples = example_tickets()
    for i in range(n):
        yield examples[i % len(examples)]


def _write_with_bad_rows(path: Path, n: int) -> set[int]:
    """Write n rows (the examples with fresh ids); every BAD_EVERY-th row gets an unknown kind."""
    lines = [dumps(t) for t in example_tickets()]
    bad = set()
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            line = lines[i % len(lines)].replace('"id":"E000', f'"id":"T{i:07d}-', 1)
            if i % BAD_EVERY == BAD_EVERY - 1:
                line = line.replace('"kind":"', '"kind":"x', 1)
                bad.add(i)
            out.write(line + "\n")
    return bad


def _read(path: Path) -> tuple[int, int, set[int], int]:
    """Stream the file: good rows, wrong rows (state differs from the example), report rows, problems."""
    states = [t.state for t in example_tickets()]
    reader = JsonlReader(path, Ticket, errors="collect")
    good = wrong = 0
    for ticket in reader:
        i = int(ticket.id[1:8])
        good += 1
        wrong += ticket.state != states[i % len(states)]
    return good, wrong, {int(r) for r in reader.report.rows}, len(reader.report)


def _floor(path: Path) -> int:
    with path.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if json.loads(line))


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 rows instead of 1,000,000")
    args = parser.parse_args()
    n = 2_000 if args.quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dump.jsonl"
        written, dump_s, dump_mem = measure(lambda: dump_jsonl(_tickets(n), out), repeat=1)
        path = Path(tmp) / "tickets.jsonl"
        bad = _write_with_bad_rows(path, n)
        (good, wrong, reported, problems), read_s, read_mem = measure(lambda: _read(path), repeat=1)
        _, floor_s, floor_mem = measure(lambda: _floor(path), repeat=1)
    missing = len(bad - reported) + len(reported - bad)
    scale = 1_000_000 / n
    rows = [
        ["dump_jsonl", f"{dump_s:.2f}", f"{dump_s * scale / LIMITS['dump_jsonl']:.2f}",
         str(n - written), mib(dump_mem)],
        ["JsonlReader", f"{read_s:.2f}", f"{read_s * scale / LIMITS['JsonlReader']:.2f}",
         str(wrong + missing + (n - len(bad) - good)), mib(read_mem)],
        ["json.loads floor", f"{floor_s:.2f}", f"{floor_s * scale / LIMITS['json.loads floor']:.2f}",
         "-", mib(floor_mem)],
    ]  # fmt: skip
    mode = " [quick]" if args.quick else ""
    print_table(
        f"Tickets as JSON Lines: {n:,} rows, {len(bad):,} bad{mode}",
        ["job", "seconds", "ratio to limit (per 1M)", "wrong", "peak MiB"],
        rows,
    )
    print(f"\ngood rows {good:,}; report lists {len(reported):,} bad rows ({problems:,} problems)")
    print(f"jiesu wrong results: {wrong + missing}")


if __name__ == "__main__":
    main()
