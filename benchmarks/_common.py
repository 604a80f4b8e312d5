"""Shared helpers for the benchmark scripts: timing, peak memory, and table printing.

Peak memory is measured as the rise of the process's resident set size over its level before the job,
sampled every millisecond from ``/proc/self/statm``. Unlike ``tracemalloc`` this also sees memory that
polars (Rust), duckdb (C++) and pyarrow allocate, so the peers are compared fairly.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import TYPE_CHECKING, Self, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """The process's current resident set size in bytes."""
    with open("/proc/self/statm", encoding="ascii") as fh:  # noqa: PTH123 - a hot, tiny read
        return int(fh.read().split()[1]) * _PAGE


class _PeakSampler:
    def __init__(self) -> None:
        self.base = rss_bytes()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.001)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def measure(fn: Callable[[], T], *, repeat: int = 3) -> tuple[T, float, int]:
    """Run ``fn`` ``repeat`` times; return its first result, the best seconds, and peak RSS rise in bytes.

    The first run is sampled for memory (it includes one-time allocations, as a user's single call would).
    """
    gc.collect()
    with _PeakSampler() as sampler:
        start = time.perf_counter()
        result = fn()
        best = time.perf_counter() - start
    for _ in range(repeat - 1):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return result, best, sampler.peak - sampler.base


def mib(n_bytes: float) -> str:
    """Format bytes as MiB with one decimal."""
    return f"{n_bytes / 2**20:.1f}"


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """Print a plain-text table with a title line."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
