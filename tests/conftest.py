"""Shared test configuration: hypothesis profiles, and frame helpers for the analytics tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import narwhals as nw
import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from collections.abc import Iterator


settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(
    os.environ.get("JIESU_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


# ------------------------------------------------------------------ analytics: one table, every backend
BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
UTC = dt.UTC
START = dt.datetime(2024, 1, 1, tzinfo=UTC)


def _as_backend(table: pa.Table, backend: str) -> Any:
    """``table`` as the named backend's frame."""
    if backend == "pyarrow":
        return table
    if backend == "pandas":
        return table.to_pandas()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if backend == "polars":
        return frame
    if backend == "polars-lazy":
        return frame.lazy()
    assert backend == "duckdb"
    return duckdb.from_arrow(table)


def _rows(frame: Any) -> list[dict[str, Any]]:
    """The frame's rows as dicts (nulls as ``None``), in the frame's order."""
    source = nw.from_native(frame)
    if isinstance(source, nw.LazyFrame):
        source = source.collect()
    out: list[dict[str, Any]] = source.to_arrow().to_pylist()
    return out


def _tickets(
    n: int, *, seed: int, days: int = 120, callers: int = 8, radius: float = 0.01
) -> pa.Table:
    """Generated tickets: few callers, categories and areas, so repeats and topics occur often."""
    rng = np.random.default_rng(seed)
    offsets = rng.integers(0, days * 24 * 60, size=n)
    at = [START + dt.timedelta(minutes=int(m)) for m in offsets]
    caller = [None if rng.random() < 0.05 else f"k{rng.integers(callers)}" for _ in range(n)]
    category = [
        None if rng.random() < 0.03 else ["噪音", "供暖", "占道"][rng.integers(3)] for _ in range(n)
    ]
    area = [["A", "B", "C"][i] for i in rng.integers(0, 3, size=n)]
    unit = [f"S0{i}" for i in rng.integers(1, 4, size=n)]
    lon = 116.4 + rng.random(n) * radius
    lat = 39.9 + rng.random(n) * radius
    closed = [None if rng.random() < 0.3 else a + dt.timedelta(days=2) for a in at]
    satisfaction = [["满意", "基本满意", "不满意", None][i] for i in rng.integers(0, 4, size=n)]
    return pa.table(
        {
            "ticket_id": [f"T{i:05d}" for i in range(n)],
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "caller_key": caller,
            "category": category,
            "area": area,
            "unit": unit,
            "lon": lon,
            "lat": lat,
            "closed_at": pa.array(closed, pa.timestamp("us", tz="UTC")),
            "satisfaction": satisfaction,
        }
    )


@pytest.fixture(scope="session")
def as_backend() -> Any:
    """``as_backend(table, name)``: the table as that backend's frame."""
    return _as_backend


@pytest.fixture(scope="session")
def to_rows() -> Any:
    """``to_rows(frame)``: any frame's rows as dicts."""
    return _rows


@pytest.fixture(scope="session")
def make_tickets() -> Any:
    """``make_tickets(n, seed=...)``: generated tickets as a pyarrow table."""
    return _tickets


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("jiesu-analytics-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


# ------------------------------------------------------------------ benchmarks: the scripts' quick mode
def _run_quick(script: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / script
    done = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, str(path), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="session")
def run_quick() -> Any:
    """``run_quick("bulk.py")``: a benchmark script's ``--quick`` run, which must exit 0."""
    return _run_quick
