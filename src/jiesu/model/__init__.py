"""The hotline's data model (数据模型): complaints, callers, locations, units, tickets and their lifecycle.

Models are immutable values (attrs, frozen). Datetimes are always aware; personal data is masked in every
``repr`` and message. A :class:`Ticket` is a complaint plus its history of events; its state and every
other fact are recomputed from the events through a :class:`Lifecycle` (the transition table as data).
"""

from typing import TYPE_CHECKING, Any

from jiesu.model._base import DEFAULT_TZ, Caller, Complaint, Location, Unit, aware
from jiesu.model._duration import Duration
from jiesu.model._enums import (
    CRS,
    CallbackOutcome,
    Channel,
    DispatchMode,
    Kind,
    LabelledEnum,
    NotDispatchedClass,
    Role,
    Satisfaction,
    TimeUnit,
    UnitKind,
    Urgency,
)
from jiesu.model._events import (
    EVENT_TYPES,
    AnsweredAtIntake,
    Arbitration,
    Archive,
    Callback,
    Dispatch,
    Event,
    ExclusionDecision,
    ExclusionRequest,
    ExtensionDecision,
    ExtensionRequest,
    FirstContact,
    Intake,
    Merge,
    NotDispatched,
    Reopen,
    Reply,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Supervision,
    TrackingStart,
    TrackingStop,
    Whistle,
    WhistleRating,
    WhistleReport,
)
from jiesu.model._examples import example_tickets
from jiesu.model._lifecycle import (
    ACTOR_GUARDS,
    CONDITIONS,
    STAY,
    WINDOW_MILESTONES,
    Guard,
    Lifecycle,
    State,
    Transition,
    Window,
)
from jiesu.model._ticket import Ticket

if TYPE_CHECKING:  # serialization (cattrs) loads on first use, below
    from jiesu.model._serial import (
        MODELS,
        SCHEMA_VERSION,
        JsonlReader,
        dump_jsonl,
        dumps,
        from_document,
        load_jsonl,
        loads,
        to_document,
    )

_SERIAL = frozenset(
    {
        "MODELS",
        "SCHEMA_VERSION",
        "JsonlReader",
        "dump_jsonl",
        "dumps",
        "from_document",
        "load_jsonl",
        "loads",
        "to_document",
    }
)

__all__ = [
    "ACTOR_GUARDS",
    "CONDITIONS",
    "CRS",
    "DEFAULT_TZ",
    "EVENT_TYPES",
    "MODELS",
    "SCHEMA_VERSION",
    "STAY",
    "WINDOW_MILESTONES",
    "AnsweredAtIntake",
    "Arbitration",
    "Archive",
    "Callback",
    "CallbackOutcome",
    "Caller",
    "Channel",
    "Complaint",
    "Dispatch",
    "DispatchMode",
    "Duration",
    "Event",
    "ExclusionDecision",
    "ExclusionRequest",
    "ExtensionDecision",
    "ExtensionRequest",
    "FirstContact",
    "Guard",
    "Intake",
    "JsonlReader",
    "Kind",
    "LabelledEnum",
    "Lifecycle",
    "Location",
    "Merge",
    "NotDispatched",
    "NotDispatchedClass",
    "Reopen",
    "Reply",
    "ReturnDecision",
    "ReturnRequest",
    "Role",
    "Satisfaction",
    "SignFor",
    "State",
    "Supervision",
    "Ticket",
    "TimeUnit",
    "TrackingStart",
    "TrackingStop",
    "Transition",
    "Unit",
    "UnitKind",
    "Urgency",
    "Whistle",
    "WhistleRating",
    "WhistleReport",
    "Window",
    "aware",
    "dump_jsonl",
    "dumps",
    "example_tickets",
    "from_document",
    "load_jsonl",
    "loads",
    "to_document",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whatever the serialization module holds
    """Load serialization (cattrs) on first use, so ``import jiesu.model`` stays light."""
    if name in _SERIAL:
        from jiesu.model import _serial  # noqa: PLC0415 - lazy on purpose

        value = getattr(_serial, name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
