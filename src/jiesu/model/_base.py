"""Core value objects shared by every part of jiesu: time checks, caller, location, unit, complaint."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import attrs
import pendulum

from jiesu.errors import ValidationError, mask
from jiesu.model._enums import CRS, Channel, Kind, UnitKind, Urgency

_Validator = Callable[[object, "attrs.Attribute[Any]", object], None]

DEFAULT_TZ = "Asia/Shanghai"
"""The default time zone of the hotline calendar (北京时间)."""


def aware(value: object, *, field: str = "datetime") -> pendulum.DateTime:
    """Check that ``value`` is an aware datetime and return it as a :class:`pendulum.DateTime`.

    Naive datetimes are refused, never guessed (无时区时间一律拒绝).

    Args:
        value: A :class:`datetime.datetime` (or pendulum ``DateTime``) with a time zone.
        field: The field name for the error message.

    Returns:
        The same instant as a pendulum ``DateTime`` in the same zone or offset.

    Raises:
        ValidationError: ``value`` is not a datetime or has no time zone.

    Examples:
        >>> import pendulum
        >>> aware(pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")).isoformat()
        '2025-03-03T09:00:00+08:00'
        >>> import datetime
        >>> aware(datetime.datetime(2025, 3, 3, 9), field="received_at")
        Traceback (most recent call last):
        ...
        jiesu.errors.ValidationError: received_at: must be an aware datetime (a naive time is never guessed) (got datetime.datetime(2025, 3, 3, 9, 0))
    """  # noqa: E501 - the doctest shows the whole message
    if not isinstance(value, dt.datetime):
        raise ValidationError("must be an aware datetime", field=field, value=value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            "must be an aware datetime (a naive time is never guessed)", field=field, value=value
        )
    if isinstance(value, pendulum.DateTime):
        return value
    return pendulum.instance(value)


def _to_received_at(value: object) -> pendulum.DateTime:
    return aware(value, field="received_at")


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty string", field=attribute.name, value=value)


def _optional_str(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value is not None and not isinstance(value, str):
        raise ValidationError("must be a string or None", field=attribute.name, value=value)


def _to_crs(value: object) -> CRS:
    return CRS.parse(value, field="crs")


def _to_unit_kind(value: object) -> UnitKind:
    return UnitKind.parse(value, field="kind")


def _to_channel(value: object) -> Channel:
    return Channel.parse(value, field="channel")


def _to_kind(value: object) -> Kind:
    return Kind.parse(value, field="kind")


def _to_urgency(value: object) -> Urgency:
    return Urgency.parse(value, field="urgency")


def _caller_field_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value is not None and not isinstance(value, str):
        raise ValidationError(
            "must be a string or None", field=f"caller.{attribute.name}", value=value, personal=True
        )


@attrs.frozen(repr=False)
class Caller:
    """The citizen who raised a request (诉求人): personal data (个人信息).

    Name and phone never appear in ``repr``, ``str``, error messages, logs or default exports; they are
    shown masked. Exports include them only with ``include_personal_data=True``.

    Attributes:
        name: The caller's name (姓名), or ``None`` when anonymous.
        phone: The caller's phone number (联系电话), or ``None``.

    Examples:
        >>> caller = Caller(name="张三", phone="13812345678")
        >>> caller
        Caller(name='张***', phone='138******78')
        >>> caller.phone
        '13812345678'
    """

    name: str | None = attrs.field(default=None, validator=_caller_field_check)
    phone: str | None = attrs.field(default=None, validator=_caller_field_check)

    def __repr__(self) -> str:
        """Show the caller with name and phone masked."""
        name = None if self.name is None else mask(self.name)
        phone = None if self.phone is None else mask(self.phone)
        return f"Caller(name={name!r}, phone={phone!r})"

    __str__ = __repr__


def _coordinate(low: float, high: float) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        del instance
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not math.isfinite(float(value)) or not low <= float(value) <= high:  # type: ignore[arg-type]  # guarded by ok
            raise ValidationError(
                f"must be a finite number in [{low}, {high}]", field=attribute.name, value=value
            )

    return check


@attrs.frozen
class Location:
    """Where a request is about (诉求地点): a point in a declared coordinate system, and an address.

    Attributes:
        lon: Longitude in degrees (经度).
        lat: Latitude in degrees (纬度).
        crs: The coordinate system the point is given in (坐标系).
        address: The address as reported (地址), if any.
        admin_code: An administrative division code (行政区划代码), if the intake recorded one.

    Examples:
        >>> Location(116.397, 39.909, CRS.GCJ02).crs.label
        'GCJ-02 火星坐标系'
    """

    lon: float = attrs.field(validator=_coordinate(-180.0, 180.0))
    lat: float = attrs.field(validator=_coordinate(-90.0, 90.0))
    crs: CRS = attrs.field(default=CRS.WGS84, converter=_to_crs)
    address: str | None = attrs.field(default=None, validator=_optional_str)
    admin_code: str | None = attrs.field(default=None, validator=_optional_str)


def _population_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
        raise ValidationError(
            "must be a positive integer or None", field=attribute.name, value=value
        )


@attrs.frozen
class Unit:
    """A handling unit (承办单位): a district, street, department or public-service enterprise.

    Attributes:
        code: The unit's code (单位编码), unique in a catalogue.
        name: The unit's name (单位名称).
        kind: The unit's kind (单位类型).
        parent: The code of the parent unit (上级单位), if any.
        population: Resident population (常住人口) for per-10k figures, if known.

    Examples:
        >>> Unit("S01", "东华门街道", UnitKind.STREET, parent="D01", population=62000).kind.label
        '街道'
    """

    code: str = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    kind: UnitKind = attrs.field(converter=_to_unit_kind)
    parent: str | None = attrs.field(default=None, validator=_optional_str)
    population: int | None = attrs.field(default=None, validator=_population_check)


def _instance_of(cls: type, *, optional: bool = False) -> _Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        del instance
        if optional and value is None:
            return
        if not isinstance(value, cls):
            raise ValidationError(
                f"must be a {cls.__name__}{' or None' if optional else ''}",
                field=attribute.name,
                value=value,
            )

    return check


@attrs.frozen
class Complaint:
    """A citizen's request as recorded at intake (诉求 / 受理信息).

    The free text is kept out of ``repr`` because citizens often write names and numbers into it.

    Attributes:
        id: The request's id (诉求编号), unique per hotline.
        received_at: When the hotline received it (受理时间), an aware datetime.
        channel: The intake channel (受理渠道).
        kind: The kind of request (诉求类型).
        urgency: How urgent it is (紧急程度).
        category: The dispatch catalogue category code (诉求分类编码).
        text: What the citizen said (诉求内容).
        location: Where it is about (诉求地点), if anywhere.
        caller: Who raised it (诉求人): personal data.

    Examples:
        >>> import pendulum
        >>> c = Complaint(
        ...     id="C0001",
        ...     received_at=pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai"),
        ...     channel="电话",
        ...     kind="投诉",
        ...     urgency="normal",
        ...     category="01.02.03",
        ...     text="楼下餐馆油烟扰民，联系电话13812345678",
        ...     caller=Caller("张三", "13812345678"),
        ... )
        >>> c.kind, c.kind.label
        (<Kind.COMPLAINT: 'complaint'>, '投诉')
        >>> "138123" in repr(c) or "张三" in repr(c)
        False
    """

    id: str = attrs.field(validator=_non_empty)
    received_at: pendulum.DateTime = attrs.field(converter=_to_received_at)
    channel: Channel = attrs.field(converter=_to_channel)
    kind: Kind = attrs.field(converter=_to_kind)
    urgency: Urgency = attrs.field(converter=_to_urgency)
    category: str = attrs.field(validator=_non_empty)
    text: str = attrs.field(default="", repr=False, validator=_instance_of(str))
    location: Location | None = attrs.field(
        default=None, validator=_instance_of(Location, optional=True)
    )
    caller: Caller = attrs.field(factory=Caller, validator=_instance_of(Caller))
