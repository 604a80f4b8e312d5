"""Open311 GeoReport v2 (开放311接口): service requests and the service list, in and out."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any, Final

import attrs

from jiesu.errors import DataFormatError, JiesuError, Problem, ValidationError, ValidationReport
from jiesu.model import CRS, Caller, Channel, Complaint, Kind, Location, Ticket, Urgency

_LEADING_ZERO: Final = re.compile(r'"(?P<key>[^"]+)"\s*:\s*-?0\d')
_KEY: Final = re.compile(r'"(?P<key>[^"\\]+)"\s*:\s*[^"]*$')


@attrs.frozen
class Open311Service:
    """One service of a GeoReport v2 ``services.json`` (服务类型), a category to be.

    Attributes:
        code: ``service_code``, kept as text.
        name: ``service_name``.
        group: ``group``, or ``None``.
        description: ``description``, or ``None``.
        keywords: ``keywords``, split at commas.
    """

    code: str
    name: str
    group: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()


@attrs.frozen
class Open311Catalogue:
    """A catalogue skeleton from a ``services.json`` (派单目录草稿): service codes, names and groups.

    Attributes:
        services: The services, in the document's order.
    """

    services: tuple[Open311Service, ...]

    def to_toml(self, *, name: str = "Open311 services") -> str:
        """A ``catalogue.toml`` skeleton: groups as level-1 categories, services below them.

        Args:
            name: The catalogue's name.

        Returns:
            TOML text with one ``[[category]]`` per group and per service; rules are left to add.

        Examples:
            >>> cat = Open311Catalogue((Open311Service("001", "Cans left out 24x7", "sanitation"),))
            >>> print(cat.to_toml())  # doctest: +NORMALIZE_WHITESPACE
            [catalogue]
            name = "Open311 services"
            source = "Open311 GeoReport v2 services.json"
            <BLANKLINE>
            [[category]]
            code = "sanitation"
            name = "sanitation"
            <BLANKLINE>
            [[category]]
            code = "001"
            name = "Cans left out 24x7"
            parent = "sanitation"
        """
        lines = ["[catalogue]", f"name = {json.dumps(name, ensure_ascii=False)}"]
        lines.append('source = "Open311 GeoReport v2 services.json"')
        for group in dict.fromkeys(s.group for s in self.services if s.group):
            text = json.dumps(group, ensure_ascii=False)
            lines += ["", "[[category]]", f"code = {text}", f"name = {text}"]
        for service in self.services:
            lines += [
                "",
                "[[category]]",
                f"code = {json.dumps(service.code, ensure_ascii=False)}",
                f"name = {json.dumps(service.name, ensure_ascii=False)}",
            ]
            if service.group:
                lines.append(f"parent = {json.dumps(service.group, ensure_ascii=False)}")
        return "\n".join(lines) + "\n"


def _document(source: object, what: str) -> tuple[list[Any], str]:
    """Parse a GeoReport v2 JSON list from a path, a JSON text or an already parsed list."""
    name = what
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and not source.lstrip().startswith(("[", "{"))
    ):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise DataFormatError("no such file", field=name, value=path.name)
        source = path.read_bytes()
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                "is not UTF-8 (GeoReport v2 requires it)", field=name, value=exc.start
            ) from exc
    if isinstance(source, str):
        text = source
        try:
            source = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _json_error(text, exc, name) from exc
    if not isinstance(source, list):
        raise DataFormatError(
            "must be a JSON array of objects", field=name, value=type(source).__name__
        )
    return source, name


def _json_error(text: str, exc: json.JSONDecodeError, name: str) -> DataFormatError:
    """Name the field of a JSON syntax error; say so when it is a number with a leading zero."""
    before = text[: exc.pos + 1]
    zero = None
    for found in _LEADING_ZERO.finditer(text):
        if found.end() >= exc.pos and found.start() <= exc.pos:
            zero = found
    if zero is not None:
        key = zero.group("key")
        return DataFormatError(
            f"a number with a leading zero (line {exc.lineno}) is not JSON; quote codes as strings",
            field=f"{name}: {key}",
            value=text[zero.end() - 2 : exc.pos + 3].strip(":, "),
        )
    key_match = _KEY.search(before.rsplit("{", 1)[-1])
    key = key_match.group("key") if key_match else "(document)"
    return DataFormatError(
        f"not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        field=f"{name}: {key}",
        value=text[exc.pos : exc.pos + 20],
    )


def _text(record: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise ValidationError("is required", field=key, value=value)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValidationError("must be a string", field=key, value=value)
    return str(value)


def _instant(record: dict[str, Any], key: str, timezone: str | None) -> dt.datetime:
    text = _text(record, key, required=True)
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise ValidationError("not an ISO 8601 date-time", field=key, value=text) from exc
    if value.tzinfo is None:
        if timezone is None:
            raise ValidationError(
                "has no offset and no time zone was declared (GeoReport v2 requires an offset)",
                field=key,
                value=text,
            )
        import zoneinfo  # noqa: PLC0415 - only naive values need it

        value = value.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return value


def _number(record: dict[str, Any], key: str) -> float | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError("must be a number", field=key, value=value)
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError("must be a number", field=key, value=value) from exc


def _complaint(record: object, timezone: str | None, channel: Channel, kind: Kind) -> Complaint:
    if not isinstance(record, dict):
        raise ValidationError("must be a JSON object", field="request", value=type(record).__name__)
    lat, lon = _number(record, "lat"), _number(record, "long")
    location = None
    if lat is not None and lon is not None:
        location = Location(lon, lat, CRS.WGS84, address=_text(record, "address"))
    elif (lat is None) != (lon is None):
        raise ValidationError(
            "lat and long come together", field="lat" if lat is None else "long", value=None
        )
    first, last = _text(record, "first_name"), _text(record, "last_name")
    name = " ".join(p for p in (first, last) if p) or None
    return Complaint(
        id=str(_text(record, "service_request_id", required=True)),
        received_at=_instant(record, "requested_datetime", timezone),
        channel=channel,
        kind=kind,
        urgency=Urgency.NORMAL,
        category=str(_text(record, "service_code", required=True)),
        text=_text(record, "description") or "",
        location=location,
        caller=Caller(name=name, phone=_text(record, "phone")),
    )


def read_open311_requests(
    source: object,
    *,
    timezone: str | None = None,
    channel: Channel | str = Channel.OTHER,
    kind: Kind | str = Kind.OTHER,
) -> tuple[list[Complaint], ValidationReport]:
    """Read a GeoReport v2 ``requests.json`` into complaints (读取 Open311 诉求), listing every bad request.

    ``service_request_id`` becomes the id, ``service_code`` the category, ``description`` the text,
    ``requested_datetime`` the intake time, ``lat``/``long`` a WGS-84 location with ``address``, and
    ``first_name``/``last_name``/``phone`` (POST payloads) the caller. GeoReport v2 has no channel, kind or
    urgency: ``channel`` and ``kind`` are given, urgency is normal.

    Args:
        source: A path, a JSON text, or the parsed list.
        timezone: The zone of date-times without an offset (the spec requires one; ``None`` refuses them).
        channel: The channel to record.
        kind: The kind to record.

    Returns:
        The complaints of the good requests, and a report of the bad ones (row = index in the array).

    Raises:
        DataFormatError: The document is not a JSON array, or is not JSON (the message names the field).

    Examples:
        >>> doc = '[{"service_request_id": "638344", "service_code": "006", "lat": 37.762221815,'
        >>> doc += ' "long": -122.4651145, "requested_datetime": "2010-04-14T06:37:38-08:00"}]'
        >>> complaints, report = read_open311_requests(doc)
        >>> complaints[0].category, complaints[0].received_at.isoformat(), bool(report)
        ('006', '2010-04-14T06:37:38-08:00', False)
    """
    records, _ = _document(source, "requests.json")
    chosen_channel, chosen_kind = (
        Channel.parse(channel, field="channel"),
        Kind.parse(kind, field="kind"),
    )
    complaints: list[Complaint] = []
    problems: list[Problem] = []
    for index, record in enumerate(records):
        try:
            complaints.append(_complaint(record, timezone, chosen_channel, chosen_kind))
        except JiesuError as error:
            problems.append(Problem.from_error(index, error))
    return complaints, ValidationReport(problems, total=len(records))


def read_open311_services(source: object) -> Open311Catalogue:
    """Read a GeoReport v2 ``services.json`` into a catalogue skeleton (读取 Open311 服务列表).

    Args:
        source: A path, a JSON text, or the parsed list.

    Returns:
        The :class:`Open311Catalogue`.

    Raises:
        DataFormatError: The document is malformed, or a service lacks its code or name (every such
            service is listed).

    Examples:
        >>> doc = '[{"service_code": "001", "service_name": "Cans left out 24x7", "group": "sanitation"}]'
        >>> read_open311_services(doc).services[0]
        Open311Service(code='001', name='Cans left out 24x7', group='sanitation', description=None, keywords=())
    """
    records, name = _document(source, "services.json")
    services: list[Open311Service] = []
    problems: list[str] = []
    for index, record in enumerate(records):
        try:
            if not isinstance(record, dict):
                raise ValidationError(
                    "must be a JSON object", field="service", value=type(record).__name__
                )
            keywords = _text(record, "keywords") or ""
            services.append(
                Open311Service(
                    code=str(_text(record, "service_code", required=True)),
                    name=str(_text(record, "service_name", required=True)),
                    group=_text(record, "group"),
                    description=_text(record, "description"),
                    keywords=tuple(k.strip() for k in keywords.split(",") if k.strip()),
                )
            )
        except JiesuError as error:
            problems.append(f"[{index}].{error}")
    if problems:
        raise DataFormatError("; ".join(problems), field=name, value=len(problems))
    return Open311Catalogue(tuple(services))


def to_open311_request(
    item: Ticket | Complaint, *, include_personal_data: bool = False
) -> dict[str, Any]:
    """Write a ticket or complaint as a GeoReport v2 service request (导出为 Open311 诉求).

    Free text and caller are withheld unless ``include_personal_data=True`` (``description`` is then
    ``None``). GeoReport v2 coordinates are WGS-84: a GCJ-02 or BD-09 location is converted with
    :func:`jiesu.routing.convert`.

    Args:
        item: A :class:`~jiesu.model.Ticket` or :class:`~jiesu.model.Complaint`.
        include_personal_data: Include ``description``, ``first_name`` and ``phone``.

    Returns:
        A JSON-ready dict with the GeoReport v2 keys.

    Examples:
        >>> from jiesu.model import example_tickets
        >>> request = to_open311_request(example_tickets()[0])
        >>> sorted(request)[:4], request["description"]
        (['address', 'description', 'lat', 'long'], None)
    """
    complaint = item.complaint if isinstance(item, Ticket) else item
    status = "open"
    if isinstance(item, Ticket):
        status = "closed" if item.closed_at is not None else "open"
    location = complaint.location
    lon = lat = None
    if location is not None:
        from jiesu.routing import convert  # noqa: PLC0415 - only located complaints need it

        lon, lat = convert(location.lon, location.lat, source=location.crs, target=CRS.WGS84)
    request: dict[str, Any] = {
        "service_request_id": complaint.id,
        "status": status,
        "service_code": complaint.category,
        "description": complaint.text if include_personal_data and complaint.text else None,
        "requested_datetime": complaint.received_at.isoformat(),
        "address": location.address if location is not None else None,
        "lat": lat,
        "long": lon,
    }
    if include_personal_data:
        request["first_name"] = complaint.caller.name
        request["phone"] = complaint.caller.phone
    return request
