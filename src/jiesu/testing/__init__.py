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

from jiesu.testing._strategies import (
    callers,
    complaints,
    locations,
    phones,
    register,
    units,
    zoned_datetimes,
)

__all__ = [
    "callers",
    "complaints",
    "locations",
    "phones",
    "register",
    "units",
    "zoned_datetimes",
]


def _hypothesis_setup_hook() -> None:
    """Entry point Hypothesis calls on start-up: register jiesu's types for ``st.from_type``."""
    register()


register()
