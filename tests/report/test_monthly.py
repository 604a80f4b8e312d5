from __future__ import annotations

import collections
from functools import cache
from types import SimpleNamespace

import pytest

from jiesu.errors import NoResponsibleUnitError, ValidationReport
from jiesu.report import MonthlyRun, render_html, report_data, run_sample_month


@cache
def _run() -> MonthlyRun:
    return run_sample_month(year=2025, month=3, months=2, per_month=150, seed=3)


def test_every_complaint_is_routed_lived_and_scored() -> None:
    run = _run()
    assert run.period == "2025-03"
    assert run.periods == ("2025-02", "2025-03")
    n = len(run.complaints)
    assert n == 300
    assert len(run.decisions) == len(run.tickets) == run.result.tickets.num_rows == n
    assert run.result.tickets.column("ticket_id").to_pylist() == [t.id for t in run.tickets]
    assert [t.id for t in run.tickets] == [c.id for c in run.complaints]
    assert all(d.complaint_id == c.id for d, c in zip(run.decisions, run.complaints, strict=True))
    dispatched = [
        (t, d)
        for t, d in zip(run.tickets, run.decisions, strict=True)
        if t.first_dispatched_at is not None
    ]
    assert len(dispatched) > n // 2
    assert all(t.lead == d.lead for t, d in dispatched if t.return_count == 0 and not t.arbitrated)
    assert run.now.isoformat() == "2025-04-01T00:00:00+08:00"


def test_scores_are_ranked_within_groups() -> None:
    run = _run()
    scores = run.scores()
    assert scores
    assert {s.period for s in scores} == {"2025-03"}
    by_group: dict[object, list[int]] = collections.defaultdict(list)
    for s in scores:
        if s.rank is not None:
            by_group[s.group].append(s.rank)
    for ranks in by_group.values():
        assert ranks == sorted(ranks)
        assert ranks[0] == 1
    assert run.scores("2025-02") != scores


def test_report_data_matches_the_run() -> None:
    run = _run()
    data = report_data(run)
    rated = [r for r in data.scorecard if r.composite is not None]
    assert data.averages["composite"] == round(sum(r.composite for r in rated) / len(rated), 2)  # type: ignore[misc]  # filtered
    in_period = sum(1 for c in run.complaints if c.received_at.format("YYYY-MM") == "2025-03")
    assert 0 < sum(data.sla_counts.values()) <= in_period
    streets = run.result.tickets.column("area").to_pylist()
    located = sum(
        1
        for c, street in zip(run.complaints, streets, strict=True)
        if street is not None and c.received_at.format("YYYY-MM") == "2025-03"
    )
    assert sum(n for items in data.top_categories.values() for _, n in items) <= located
    assert all(len(items) <= 3 for items in data.top_categories.values())
    assert len(data.areas) >= 12
    assert set(data.per_10k) == {a.code for a in data.areas}
    assert any(v is not None for v in data.per_10k.values())
    html = render_html(data)
    assert "示例区" in html
    assert "<script" not in html


def test_progress_is_reported() -> None:
    seen: list[tuple[str, int, int]] = []
    run_sample_month(
        year=2025, month=1, months=1, per_month=400, seed=9, progress=lambda *a: seen.append(a)
    )
    assert seen[0] == ("route and simulate", 200, 400)
    assert seen[-1] == ("route and simulate", 400, 400)


def test_refused_complaints_are_reported_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    refusal = NoResponsibleUnitError(
        "farther than the maximum distance", field="location", value=(1.0, 2.0)
    )

    class Refusing:
        units = ()

        def route_many(self, _complaints: list[object]) -> object:
            return SimpleNamespace(
                rows=[SimpleNamespace(row=i, error=refusal, decision=None) for i in (0, 2)]
            )

    monkeypatch.setattr("jiesu.report._monthly._router", Refusing)
    with pytest.raises(ValidationReport) as info:
        run_sample_month(year=2025, month=3, months=1, per_month=5, seed=1)
    assert info.value.rows == (0, 2)
    assert "row 2, location: farther than the maximum distance" in str(info.value)
