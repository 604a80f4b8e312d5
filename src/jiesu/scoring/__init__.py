"""Monthly scoring of handling units (考评): rules, evaluation, tallies, rates, composites and rankings.

Rules are data (:class:`Rules`, TOML presets); a ticket is evaluated on its own (:func:`evaluate`) or
tickets are counted in bulk (:func:`tally_many`, :func:`score_many`, :func:`score_frame`) into a mergeable
:class:`Tally`, which scores into a :class:`Scorecard`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jiesu.scoring._bulk import score_many, tally_many
from jiesu.scoring._components import (
    BUILTIN_COMPONENTS,
    ChecklistItem,
    Component,
    FrozenMap,
    Grade,
    PointsRule,
)
from jiesu.scoring._data import Adjustment, Exclusion, area_volume_many, excluded_many
from jiesu.scoring._evaluate import (
    Breakdown,
    Evaluation,
    breakdown,
    breakdown_arrays,
    evaluate,
    period_many,
    period_of,
    tally_evaluations,
)
from jiesu.scoring._rulefile import RuleFileError
from jiesu.scoring._rules import Points, Rules, Weights
from jiesu.scoring._ruleset import RuleSet
from jiesu.scoring._scorecard import Score, Scorecard
from jiesu.scoring._states import CALLBACK_CODES, COUNTS, SATISFACTION_CODES, STATES, state_code
from jiesu.scoring._tally import Tally

if TYPE_CHECKING:  # the frame path (narwhals) loads on first use, below
    from jiesu.scoring._frames import (
        ZH_HEADERS,
        ColumnMap,
        breakdown_frame,
        score_frame,
        tally_frame,
    )

_FRAMES = frozenset({"ZH_HEADERS", "ColumnMap", "breakdown_frame", "score_frame", "tally_frame"})

__all__ = [
    "BUILTIN_COMPONENTS",
    "CALLBACK_CODES",
    "COUNTS",
    "SATISFACTION_CODES",
    "STATES",
    "ZH_HEADERS",
    "Adjustment",
    "Breakdown",
    "ChecklistItem",
    "ColumnMap",
    "Component",
    "Evaluation",
    "Exclusion",
    "FrozenMap",
    "Grade",
    "Points",
    "PointsRule",
    "RuleFileError",
    "RuleSet",
    "Rules",
    "Score",
    "Scorecard",
    "Tally",
    "Weights",
    "area_volume_many",
    "breakdown",
    "breakdown_arrays",
    "breakdown_frame",
    "evaluate",
    "excluded_many",
    "period_many",
    "period_of",
    "score_frame",
    "score_many",
    "state_code",
    "tally_evaluations",
    "tally_frame",
    "tally_many",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whatever the frame module holds
    """Load the frame path (narwhals) on first use, so ``import jiesu.scoring`` stays light."""
    if name in _FRAMES:
        from jiesu.scoring import _frames  # noqa: PLC0415 - lazy on purpose

        value = getattr(_frames, name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
