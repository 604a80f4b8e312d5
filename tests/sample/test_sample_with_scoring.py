"""The sample's deadline policy and scoring rules load with their owners' loaders, the ticket table feeds
the scoring array path directly, and simulated tickets evaluate under the sample rules."""

from __future__ import annotations

from decimal import Decimal
from importlib.resources import as_file

import numpy as np
import pytest

from jiesu.calendar import DeadlinePolicy
from jiesu.model import Ticket
from jiesu.sample import (
    CALLBACK_CODES,
    SATISFACTION_CODES,
    data_file,
    generate_complaints,
    generate_ticket_table,
    simulate,
    units,
)
from jiesu.sample._simulate import EXCLUSION_CATEGORIES
from jiesu.scoring import CALLBACK_CODES as SCORING_CALLBACK_CODES
from jiesu.scoring import SATISFACTION_CODES as SCORING_SATISFACTION_CODES
from jiesu.scoring import Rules, evaluate, score_many, tally_evaluations


def _rules() -> Rules:
    with as_file(data_file("rules.toml")) as path:
        return Rules.from_toml(path)


def test_codes_agree_with_scoring() -> None:
    for code, name in SATISFACTION_CODES.items():
        assert SCORING_SATISFACTION_CODES[name] == code
    for code, name in CALLBACK_CODES.items():
        assert SCORING_CALLBACK_CODES[name] == code


def test_deadline_policy_loads() -> None:
    with as_file(data_file("deadlines.toml")) as path:
        policy = DeadlinePolicy.from_toml(path)
    assert policy.name == "sample"
    expected = [
        ("reply", "consultation", "normal", "3 工作日"),
        ("reply", "complaint", "emergency", "2 自然小时"),
        ("reply", "complaint", "normal", "7 自然日"),
        ("rehandle", "complaint", "normal", "3 工作日"),
    ]
    for milestone, kind, urgency, duration in expected:
        limit = policy.limit(milestone, kind, urgency)
        assert limit is not None
        assert str(limit.duration) == duration


def test_rules_load_and_reference_sample_units() -> None:
    rules = _rules()
    assert rules.name == "sample"
    assert rules.composite(response=98.05, resolution=36.26, satisfaction=41.97) == Decimal("50.90")
    codes = {u.code for u in units()}
    assert set(rules.exclusion_approvers) <= codes
    assert set(EXCLUSION_CATEGORIES) <= set(rules.exclusion_categories)
    grouped = {kind for kinds in rules.ranking_groups.values() for kind in kinds}
    assert {u.kind.value for u in units() if u.kind.value not in {"district", "hotline"}} <= grouped


def test_ticket_table_feeds_score_many() -> None:
    t = generate_ticket_table(
        n=30_000, units=["S01", "S02", "D-ZJW"], months=["2025-03", "2025-04"], seed=2
    )
    periods = t["period"].astype(str)
    card = score_many(
        t["unit"],
        periods,
        callback=t["callback"],
        contacted=t["responded"],
        solved=t["solved"],
        satisfaction=t["satisfaction"],
        rules=Rules.preset("beijing-2021"),
        answered_at_intake=~t["eligible"],
        excluded=t["excluded"],
    )
    rows = card.rows()
    assert len(rows) == 6
    for row in rows:
        mine = (t["unit"] == row.unit) & (periods == row.period) & t["eligible"]
        valid = mine & ~t["excluded"] & ~t["unreachable"]
        assert row.valid == valid.sum()
        assert row.excluded == (mine & t["excluded"]).sum()
        assert row.response is not None
        assert row.resolution is not None
        assert row.satisfaction is not None
        assert float(row.response) == pytest.approx(100 * t["responded"][valid].mean(), abs=0.006)
        assert float(row.resolution) == pytest.approx(100 * t["solved"][valid].mean(), abs=0.006)
        satisfied = np.isin(
            t["satisfaction"][valid], (1, 2)
        ).mean()  # 基本满意 = 1.0 in beijing-2021
        assert float(row.satisfaction) == pytest.approx(100 * satisfied, abs=0.006)


def test_simulated_tickets_score_under_the_sample_rules() -> None:
    rules = _rules()
    complaints = generate_complaints(year=2025, month=3, n=400, seed=3)
    leads = ("S01", "S05", "D-ZJW", "P-HEAT")
    tickets = [
        Ticket.from_events(c, simulate(c, lead=leads[i % 4], seed=3))
        for i, c in enumerate(complaints)
    ]
    evaluations = [evaluate(t, rules) for t in tickets]
    card = tally_evaluations(evaluations).scores(rules, kinds={u.code: u.kind for u in units()})
    rated = [r for r in card.rows() if r.composite is not None]
    assert {r.unit for r in rated} >= set(leads)
    assert all(Decimal(0) <= r.composite <= Decimal(100) for r in rated if r.composite is not None)
