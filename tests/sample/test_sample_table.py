"""The vectorized ticket table: deterministic, consistent flags, realistic answer mix."""

from __future__ import annotations

import numpy as np
import pytest

from jiesu.errors import ValidationError
from jiesu.sample import CALLBACK_CODES, SATISFACTION_CODES, TABLE_COLUMNS, generate_ticket_table


def test_columns_dtypes_and_determinism() -> None:
    t = generate_ticket_table(n=20_000, units=300, months=12, seed=3)
    assert list(t) == list(TABLE_COLUMNS)
    assert all(len(col) == 20_000 for col in t.values())
    assert t["unit"].dtype.kind == "U"
    assert t["unit_index"].dtype == np.int32
    assert t["period"].dtype == np.dtype("datetime64[M]")
    assert t["satisfaction"].dtype == np.int8
    for name in ("eligible", "excluded", "unreachable", "responded", "solved"):
        assert t[name].dtype == np.bool_
    assert np.sort(t["unit"])[0] == "U001"
    assert np.array_equal(
        np.unique(t["period"]), np.arange("2025-01", "2026-01", dtype="datetime64[M]")
    )
    again = generate_ticket_table(n=20_000, units=300, months=12, seed=3)
    assert all(np.array_equal(t[k], again[k]) for k in t)
    other = generate_ticket_table(n=20_000, units=300, months=12, seed=4)
    assert not np.array_equal(t["solved"], other["solved"])


def test_flags_are_consistent() -> None:
    t = generate_ticket_table(
        n=50_000, units=["S01", "S02", "D-ZJW"], months=["2025-06", "2025-07"], seed=1
    )
    assert not (t["excluded"] & ~t["eligible"]).any()
    assert not (t["unreachable"] & (t["responded"] | t["solved"])).any()
    assert (t["satisfaction"][t["unreachable"]] == 0).all()
    assert set(np.unique(t["satisfaction"]).tolist()) == set(SATISFACTION_CODES)
    assert set(np.unique(t["callback"]).tolist()) == set(CALLBACK_CODES)
    assert np.array_equal(t["unreachable"], t["callback"] != 1)
    assert set(np.unique(t["unit"]).tolist()) == {"S01", "S02", "D-ZJW"}
    assert np.array_equal(np.array(["S01", "S02", "D-ZJW"])[t["unit_index"]], t["unit"])


def test_answer_mix_is_realistic() -> None:
    t = generate_ticket_table(n=200_000, units=100, months=3, seed=9)
    assert 0.85 < t["eligible"].mean() < 0.91
    assert 0.01 < t["excluded"].mean() < 0.03
    assert 0.07 < t["unreachable"].mean() < 0.11
    valid = t["eligible"] & ~t["excluded"] & ~t["unreachable"]
    assert 0.93 < t["responded"][valid].mean() < 0.99
    assert 0.6 < t["solved"][valid].mean() < 0.8
    sat = np.bincount(t["satisfaction"][valid], minlength=3) / valid.sum()
    assert 0.55 < sat[2] < 0.8
    assert 0.1 < sat[1] < 0.3
    assert 0.05 < sat[0] < 0.25
    refused = (t["callback"] == 3).sum() / t["unreachable"].sum()
    assert 0.15 < refused < 0.35
    # Satisfaction leans on resolution.
    solved = valid & t["solved"]
    unsolved = valid & ~t["solved"]
    assert (t["satisfaction"][solved] == 2).mean() > 2 * (t["satisfaction"][unsolved] == 2).mean()
    # Unit rates spread out, so rankings are meaningful; volumes are skewed.
    per_unit = np.bincount(t["unit_index"][valid], weights=t["solved"][valid], minlength=100)
    counts = np.bincount(t["unit_index"][valid], minlength=100)
    rates = per_unit[counts > 100] / counts[counts > 100]
    assert rates.max() - rates.min() > 0.2
    assert counts.max() > 5 * np.median(counts)


def test_no_labels_and_empty() -> None:
    t = generate_ticket_table(n=10, units=5, months=1, seed=1, unit_labels=False)
    assert "unit" not in t
    assert len(t) == len(TABLE_COLUMNS) - 1
    empty = generate_ticket_table(n=0, units=5, months=1, seed=1)
    assert all(len(col) == 0 for col in empty.values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": -1}, r"n: must be an integer in \[0, 1000000000\] \(got -1\)"),
        ({"units": 0}, r"units: must be an integer in \[1, 10000000\] \(got 0\)"),
        ({"units": True}, r"units: must be a positive count or a non-empty sequence of unit codes"),
        ({"units": "S01"}, r"units: must be a positive count or a non-empty sequence"),
        ({"units": []}, r"units: must be a positive count or a non-empty sequence"),
        ({"units": ["S01", ""]}, r"units: must be a positive count or a non-empty sequence"),
        ({"units": {"S01"}}, r"units: must be a positive count or a non-empty sequence"),
        ({"units": ["S01", "S01"]}, r"units: unit codes must be unique"),
        ({"months": 0}, r"months: must be an integer in \[1, 1200\]"),
        (
            {"months": []},
            r"months: must be a positive count or a non-empty sequence of 'YYYY-MM' months",
        ),
        ({"months": ["2025-13"]}, r"months: must be a positive count"),
        ({"months": ["NaT"]}, r"months: must be a positive count"),
        ({"months": "2025-01"}, r"months: must be a positive count"),
        ({"months": [object()]}, r"months: must be a positive count"),
        ({"seed": -1}, r"seed: must be an integer"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"n": 10, "units": 3, "months": 2, "seed": 1} | kwargs
    with pytest.raises(ValidationError, match=message):
        generate_ticket_table(**args)  # type: ignore[arg-type]  # deliberately wrong input
