"""Hypothesis strategies for jiesu's models (测试策略), for users' own property-based suites.

Importing this module registers every public model with :func:`hypothesis.strategies.register_type_strategy`,
so ``st.from_type(Complaint)`` works. Hypothesis also imports it through its ``hypothesis`` entry point.

Examples:
    >>> from hypothesis import given, strategies as st
    >>> import jiesu.testing
    >>> from jiesu.model import Complaint
    >>> @given(st.from_type(Complaint))
    ... def test_received_at_is_aware(complaint):
    ...     assert complaint.received_at.tzinfo is not None
    >>> test_received_at_is_aware()
"""

from hypothesis import strategies as st

from jiesu.model import EVENT_TYPES, Duration, Lifecycle, Ticket
from jiesu.testing._strategies import (
    callers,
    complaints,
    locations,
    phones,
    register,
    units,
    zoned_datetimes,
)
from jiesu.testing._tickets import UNIT_CODES, durations, events, invalid_events, tickets

__all__ = [
    "UNIT_CODES",
    "callers",
    "complaints",
    "durations",
    "events",
    "invalid_events",
    "locations",
    "phones",
    "register",
    "tickets",
    "units",
    "zoned_datetimes",
]


def _register_all() -> None:
    """Register the base models and the ticket models for ``st.from_type`` (idempotent)."""
    register()
    st.register_type_strategy(Duration, durations())
    st.register_type_strategy(Ticket, tickets())
    st.register_type_strategy(Lifecycle, st.builds(Lifecycle.preset, st.just("beijing")))
    for kind, cls in EVENT_TYPES.items():
        st.register_type_strategy(cls, events(kind))


def _hypothesis_setup_hook() -> None:
    """Entry point Hypothesis calls on start-up: register jiesu's types for ``st.from_type``."""
    _register_all()


_register_all()
