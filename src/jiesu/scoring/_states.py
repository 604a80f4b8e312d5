"""The one encoding of callback, answer and satisfaction states (状态编码), derived from the model's enums.

Every path of the scoring package (a ticket, arrays, tables) and the sample tables number callbacks,
answers and satisfaction the way this module says; nothing else spells a code.

- Callback codes (回访结果): 0 no callback yet, then :class:`~jiesu.model.CallbackOutcome` in its order
  (1 answered, 2 unreachable, 3 refused).
- Answer codes (是否联系 / 是否解决): 0 否, 1 是.
- Satisfaction codes (满意度): :class:`~jiesu.model.Satisfaction` from worst to best (0 不满意, 1 基本满意,
  2 满意).
- States (:data:`STATES`): ``excluded``, one per callback that is not answered, then one per answer
  combination ``answered:<contacted>:<solved>:<satisfaction>``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import numpy as np

from jiesu.model import CallbackOutcome, Satisfaction

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

NO_CALLBACK: Final = "none"
"""The callback name of a ticket without a callback yet (未回访)."""
CALLBACKS: Final[tuple[str, ...]] = (NO_CALLBACK, *(o.value for o in CallbackOutcome))
"""Callback names by code: ``none``, ``answered``, ``unreachable``, ``refused``."""
ANSWERED: Final = CALLBACKS.index(CallbackOutcome.ANSWERED.value)
"""The callback code of an answered callback (已回访)."""
ANSWERS: Final[tuple[str, ...]] = ("no", "yes")
"""Answer names by code (否 0, 是 1)."""
SATISFACTIONS: Final[tuple[Satisfaction, ...]] = (
    Satisfaction.DISSATISFIED,
    Satisfaction.BASICALLY_SATISFIED,
    Satisfaction.SATISFIED,
)
"""Satisfaction by code, worst first."""
SATISFIED: Final = SATISFACTIONS.index(Satisfaction.SATISFIED)
BASICALLY_SATISFIED: Final = SATISFACTIONS.index(Satisfaction.BASICALLY_SATISFIED)

N_ANSWERS: Final = len(ANSWERS) * len(ANSWERS) * len(SATISFACTIONS)
"""Answer combinations of an answered callback (是否联系 × 是否解决 × 满意度)."""
EXCLUDED_STATE: Final = 0
_UNANSWERED: Final = tuple(name for name in CALLBACKS if name != CallbackOutcome.ANSWERED.value)
ANSWERED0: Final = 1 + len(_UNANSWERED)
"""The state of the first answer combination: ``excluded`` and the unanswered callbacks come first."""


def answer_index(contacted: int, solved: int, satisfaction: int) -> int:
    """The index of one answer combination among the :data:`N_ANSWERS`."""
    return (contacted * len(ANSWERS) + solved) * len(SATISFACTIONS) + satisfaction


STATES: Final[tuple[str, ...]] = (
    "excluded",
    *("no_callback" if name == NO_CALLBACK else name for name in _UNANSWERED),
    *(f"answered:{c}:{s}:{m.value}" for c in ANSWERS for s in ANSWERS for m in SATISFACTIONS),
)
"""The 16 states a counted ticket can be in; a tally holds one count per state.

``excluded`` (剔除), ``no_callback`` (未回访), ``unreachable`` (无法联系), ``refused`` (拒绝回访), then
``answered:<contacted>:<solved>:<satisfaction>`` for the twelve answer combinations of a callback.
"""
N_STATES: Final = len(STATES)


def callback_state(callback: str) -> int:
    """The state of a ticket whose callback (by name) is not answered."""
    return 1 + _UNANSWERED.index(callback)


def answered_state(contacted: int, solved: int, satisfaction: int) -> int:
    """The state of an answered callback with these answer codes."""
    return ANSWERED0 + answer_index(contacted, solved, satisfaction)


def decode(state: int) -> tuple[str, str, str, Satisfaction]:
    """A state as ``(callback, contacted, solved, satisfaction)`` names (answers ``no`` when unanswered)."""
    if state < ANSWERED0:
        return _UNANSWERED[state - 1], "no", "no", SATISFACTIONS[0]
    rest, m = divmod(state - ANSWERED0, len(SATISFACTIONS))
    c, s = divmod(rest, len(ANSWERS))
    return CallbackOutcome.ANSWERED.value, ANSWERS[c], ANSWERS[s], SATISFACTIONS[m]


# --- the array path's combined code: callback × answers, one more for an excluded ticket --------------
COMBO_EXCLUDED: Final = len(CALLBACKS) * N_ANSWERS
"""The combined code of an excluded ticket (after every ``callback * N_ANSWERS + answers``)."""


def combo_states() -> npt.NDArray[np.int8]:
    """The state of each combined code ``callback * N_ANSWERS + answer_index(...)``, and of an exclusion."""
    table = np.zeros(COMBO_EXCLUDED + 1, dtype=np.int8)
    for cb, name in enumerate(CALLBACKS):
        for rest in range(N_ANSWERS):
            table[cb * N_ANSWERS + rest] = (
                ANSWERED0 + rest if cb == ANSWERED else callback_state(name)
            )
    table[COMBO_EXCLUDED] = EXCLUDED_STATE
    return table


def combo_codes(
    callback: npt.NDArray[np.int8],
    contacted: npt.NDArray[np.int8],
    solved: npt.NDArray[np.int8],
    satisfaction: npt.NDArray[np.int8],
) -> npt.NDArray[np.int8]:
    """The combined code of each row from its four int8 codes (an index into :func:`combo_states`)."""
    combo = callback * np.int8(N_ANSWERS)
    combo += contacted * np.int8(len(ANSWERS) * len(SATISFACTIONS))
    combo += solved * np.int8(len(SATISFACTIONS))
    combo += satisfaction
    return combo


# --- text spellings of the codes ---------------------------------------------------------------------
def _frozen(table: dict[str, int]) -> Mapping[str, int]:
    return MappingProxyType(table)


CALLBACK_CODES: Final = _frozen(
    {NO_CALLBACK: 0, "未回访": 0}
    | {
        spelling: CALLBACKS.index(o.value)
        for o in CallbackOutcome
        for spelling in (o.value, o.label)
    }
)
SATISFACTION_CODES: Final = _frozen(
    {spelling: code for code, m in enumerate(SATISFACTIONS) for spelling in (m.value, m.label)}
)
YES_NO_CODES: Final = _frozen({"yes": 1, "是": 1, "true": 1, "no": 0, "否": 0, "false": 0})
ROLE_CODES: Final = _frozen({"lead": 1, "主办": 1, "co_handler": 0, "协办": 0})


def with_numbers(table: Mapping[str, int]) -> dict[str, int]:
    """A code table with its numbers spelt as text too: ``"1"`` and ``"1.0"`` (a column with a blank)."""
    out = dict(table)
    for code in set(table.values()):
        out[str(code)] = out[f"{code}.0"] = code
    return out


SPACES: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)
"""Every character a label is trimmed of: Unicode white space (U+3000, U+00A0, tabs…) and zero widths."""


def trim(text: str) -> str:
    """A label without leading or trailing :data:`SPACES`."""
    return text.strip(SPACES)


def state_code(
    *,
    excluded: bool,
    callback: str,
    contacted: bool = False,
    solved: bool = False,
    satisfaction: int = 0,
) -> int:
    """The state index (状态码) of one ticket in :data:`STATES`.

    Args:
        excluded: The ticket is excluded by an approved request.
        callback: ``"none"``, ``"answered"``, ``"unreachable"`` or ``"refused"``.
        contacted: 是否联系 = 是.
        solved: 是否解决 = 是.
        satisfaction: 0 不满意, 1 基本满意, 2 满意 (:data:`SATISFACTION_CODES`).

    Returns:
        The index into :data:`STATES`.

    Examples:
        >>> STATES[state_code(excluded=False, callback="answered", contacted=True, solved=False, satisfaction=2)]
        'answered:yes:no:satisfied'
    """
    if excluded:
        return EXCLUDED_STATE
    if callback != CallbackOutcome.ANSWERED.value:
        return callback_state(callback)
    return answered_state(int(contacted), int(solved), satisfaction)


COUNTS: Final[tuple[str, ...]] = (
    "tickets",
    "excluded",
    "answered",
    "unreachable",
    "refused",
    "contacted",
    "solved",
    "satisfied",
    "basically_satisfied",
)
"""The counts a tally holds per key (计数项), all additive.

``tickets`` counted tickets (工单量, excluded ones not included), ``excluded`` (剔除), ``answered`` answered
callbacks (已回访), ``unreachable`` (无法联系), ``refused`` (拒绝回访), and among answered callbacks:
``contacted`` (是否联系 = 是), ``solved`` (是否解决 = 是), ``satisfied`` (满意), ``basically_satisfied``
(基本满意). Tickets without a callback are ``tickets - answered - unreachable - refused``; dissatisfied
answers are ``answered - satisfied - basically_satisfied``.
"""
N_COUNTS: Final = len(COUNTS)
COUNT_INDEX: Final = MappingProxyType({name: i for i, name in enumerate(COUNTS)})


def _state_matrix() -> npt.NDArray[np.int64]:
    """Which counts each state adds to (a states × counts matrix of 0/1), read off :func:`decode`."""
    c = COUNT_INDEX
    matrix = np.zeros((N_STATES, N_COUNTS), dtype=np.int64)
    matrix[EXCLUDED_STATE, c["excluded"]] = 1
    for state in range(1, N_STATES):
        callback, contacted, solved, satisfaction = decode(state)
        matrix[state, c["tickets"]] = 1
        if callback != NO_CALLBACK:  # answered, unreachable, refused: counts of the same name
            matrix[state, c[callback]] = 1
        if callback == CallbackOutcome.ANSWERED.value:
            matrix[state, c["contacted"]] = ANSWERS.index(contacted)
            matrix[state, c["solved"]] = ANSWERS.index(solved)
            matrix[state, c["satisfied"]] = int(satisfaction is Satisfaction.SATISFIED)
            matrix[state, c["basically_satisfied"]] = int(
                satisfaction is Satisfaction.BASICALLY_SATISFIED
            )
    matrix.setflags(write=False)
    return matrix


STATE_COUNTS: Final = _state_matrix()
"""``states @ STATE_COUNTS`` turns per-state counts (16 columns) into :data:`COUNTS` (9 columns)."""


_ALLOWED_FLAG: Final = "allowed: 是/否, yes/no, true/false, 1/0"
REASONS: Final = MappingProxyType(
    {
        "answered_at_intake": f"unknown flag; {_ALLOWED_FLAG}",
        "not_dispatched": f"unknown flag; {_ALLOWED_FLAG}",
        "excluded": f"unknown flag; {_ALLOWED_FLAG}",
        "role": "unknown role; allowed: 主办/协办, lead/co_handler, 1/0",
        "callback": "unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused",
        "contacted": f"unknown answer; {_ALLOWED_FLAG}",
        "solved": f"unknown answer; {_ALLOWED_FLAG}",
        "satisfaction": "unknown satisfaction; allowed: 0-2 or 满意/基本满意/不满意",
        "unit": "missing unit",
        "period": "missing period",
    }
)
"""Why a value is refused, by field (the same words on every path)."""
