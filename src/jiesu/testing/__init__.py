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

_READY = False


def _hypothesis_setup_hook() -> None:
    """Entry point Hypothesis calls on start-up: register jiesu's types for ``st.from_type``.

    Defined before any import: when a program imports ``jiesu.testing`` before Hypothesis, Hypothesis runs
    its entry points while this module is still half-imported; the hook then does nothing and the
    registration at the end of this module does the work.
    """
    if _READY:
        register()


from hypothesis import strategies as st  # noqa: E402 - after the hook, see its docstring

from jiesu.model import EVENT_TYPES, Duration, Lifecycle, Ticket  # noqa: E402 - imported after the setup above
from jiesu.testing._strategies import (  # noqa: E402 - imported after the setup above
    callers,
    complaints,
    locations,
    phones,
    units,
    zoned_datetimes,
)
from jiesu.testing._strategies import register as _register_base  # noqa: E402 - imported after the setup above
from jiesu.testing._tickets import (  # noqa: E402 - imported after the setup above
    UNIT_CODES,
    durations,
    events,
    invalid_events,
    tickets,
)

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


def register() -> None:
    """Register every jiesu model for ``st.from_type`` (注册测试策略); idempotent.

    Importing :mod:`jiesu.testing` already does this, and Hypothesis's entry point does it for suites
    that never import this module.
    """
    _register_base()
    st.register_type_strategy(Duration, durations())
    st.register_type_strategy(Ticket, tickets())
    st.register_type_strategy(Lifecycle, st.builds(Lifecycle.preset, st.just("beijing")))
    for kind, cls in EVENT_TYPES.items():
        st.register_type_strategy(cls, events(kind))


register()
_READY = True
