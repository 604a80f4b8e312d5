"""The hotline's data model (数据模型): complaints, callers, locations, units, tickets and their lifecycle.

Models are immutable values (attrs, frozen). Datetimes are always aware; personal data is masked in every
``repr`` and message.
"""

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

__all__ = [
    "CRS",
    "DEFAULT_TZ",
    "CallbackOutcome",
    "Caller",
    "Channel",
    "Complaint",
    "DispatchMode",
    "Duration",
    "Kind",
    "LabelledEnum",
    "Location",
    "NotDispatchedClass",
    "Role",
    "Satisfaction",
    "TimeUnit",
    "Unit",
    "UnitKind",
    "Urgency",
    "aware",
]
