"""Analytics the offices ask for (分析研判): repeats, duplicates, topics, early warning, supervision.

Every function takes any dataframe narwhals reads (pandas, polars eager or lazy, pyarrow, DuckDB,
PySpark) and returns the same kind, with the same values on every backend. Columns are read by role
(:data:`ROLES`, the names :func:`jiesu.io.read_tickets` gives); ``columns`` maps a role to another name.
No result holds a phone number or a name: callers are matched by :func:`caller_key`, a keyed hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jiesu.analytics._keys import caller_key, normal_phone

if TYPE_CHECKING:  # the frame paths (narwhals) load on first use, below
    from jiesu.analytics._cadence import CADENCE_COLUMNS, FREQUENCIES, SLA_STATUSES, cadence_table
    from jiesu.analytics._common import DEFAULT_ZONE, ROLES
    from jiesu.analytics._duplicates import DUPLICATE_COLUMNS, find_duplicates
    from jiesu.analytics._rehandling import (
        REHANDLING_STATES,
        rehandling_list,
        rehandling_summary,
    )
    from jiesu.analytics._repeats import REPEAT_COLUMNS, find_repeats, repeat_summary
    from jiesu.analytics._spikes import SPIKE_COLUMNS, alerts, detect_spikes, poisson_tail
    from jiesu.analytics._supervision import (
        CARD_COLUMNS,
        REQUESTER_GROUPS,
        requester_scorecards,
        supervision_list,
        supervision_summary,
    )
    from jiesu.analytics._topics import TOPIC_COLUMNS, monthly_topics
    from jiesu.analytics._whistle import (
        DEFAULT_REPORT_WITHIN,
        DepartmentWhistleCard,
        StreetWhistleCard,
        WhistleScorecard,
        whistle_scorecard,
    )

_LAZY = {
    "CADENCE_COLUMNS": "_cadence",
    "FREQUENCIES": "_cadence",
    "SLA_STATUSES": "_cadence",
    "cadence_table": "_cadence",
    "DEFAULT_ZONE": "_common",
    "ROLES": "_common",
    "DUPLICATE_COLUMNS": "_duplicates",
    "find_duplicates": "_duplicates",
    "REHANDLING_STATES": "_rehandling",
    "rehandling_list": "_rehandling",
    "rehandling_summary": "_rehandling",
    "REPEAT_COLUMNS": "_repeats",
    "find_repeats": "_repeats",
    "repeat_summary": "_repeats",
    "SPIKE_COLUMNS": "_spikes",
    "alerts": "_spikes",
    "detect_spikes": "_spikes",
    "poisson_tail": "_spikes",
    "CARD_COLUMNS": "_supervision",
    "REQUESTER_GROUPS": "_supervision",
    "requester_scorecards": "_supervision",
    "supervision_list": "_supervision",
    "supervision_summary": "_supervision",
    "TOPIC_COLUMNS": "_topics",
    "monthly_topics": "_topics",
    "DEFAULT_REPORT_WITHIN": "_whistle",
    "DepartmentWhistleCard": "_whistle",
    "StreetWhistleCard": "_whistle",
    "WhistleScorecard": "_whistle",
    "whistle_scorecard": "_whistle",
}

__all__ = [
    "CADENCE_COLUMNS",
    "CARD_COLUMNS",
    "DEFAULT_REPORT_WITHIN",
    "DEFAULT_ZONE",
    "DUPLICATE_COLUMNS",
    "FREQUENCIES",
    "REHANDLING_STATES",
    "REPEAT_COLUMNS",
    "REQUESTER_GROUPS",
    "ROLES",
    "SLA_STATUSES",
    "SPIKE_COLUMNS",
    "TOPIC_COLUMNS",
    "DepartmentWhistleCard",
    "StreetWhistleCard",
    "WhistleScorecard",
    "alerts",
    "cadence_table",
    "caller_key",
    "detect_spikes",
    "find_duplicates",
    "find_repeats",
    "monthly_topics",
    "normal_phone",
    "poisson_tail",
    "rehandling_list",
    "rehandling_summary",
    "repeat_summary",
    "requester_scorecards",
    "supervision_list",
    "supervision_summary",
    "whistle_scorecard",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whatever the frame modules hold
    """Load a frame path (narwhals) on first use, so ``import jiesu.analytics`` stays light."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib  # noqa: PLC0415 - lazy on purpose

    value = getattr(importlib.import_module(f"jiesu.analytics.{module}"), name)
    globals()[name] = value
    return value
