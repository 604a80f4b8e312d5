"""Serialization (序列化): one cattrs converter for JSON and JSON Lines, personal data withheld by default."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import json
import logging
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from jiesu.errors import (
    DataFormatError,
    ErrorPolicy,
    JiesuError,
    Problem,
    ValidationError,
    ValidationReport,
    mask,
)
from jiesu.model._base import Caller, Complaint, Location, Unit
from jiesu.model._duration import Duration
from jiesu.model._enums import LabelledEnum
from jiesu.model._events import EVENT_TYPES, Event
from jiesu.model._lifecycle import Lifecycle
from jiesu.model._ticket import Ticket

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

SCHEMA_VERSION: Final = 1
"""The version of the serialized form (序列化版本), written as ``schema_version`` in every document."""

T = TypeVar("T")

_log = logging.getLogger("jiesu.model")
_log.addHandler(
    logging.NullHandler()
)  # a library logs only where the application configured logging

MODELS: Final[dict[str, type[Any]]] = {
    cls.__name__: cls
    for cls in (Ticket, Complaint, Caller, Location, Unit, Duration, *EVENT_TYPES.values())
}
"""Every class :func:`dumps` and :func:`loads` handle, by the name written as ``type``."""

_PERSONAL: contextvars.ContextVar[bool] = contextvars.ContextVar("jiesu_personal", default=False)
_LIFECYCLE: contextvars.ContextVar[Lifecycle | None] = contextvars.ContextVar(
    "jiesu_lifecycle", default=None
)


class _DocError(Exception):
    """A problem inside a document, at ``suffix`` below the object being structured."""

    def __init__(self, suffix: str, reason: str, value: object) -> None:
        super().__init__(reason)
        self.suffix = suffix
        self.reason = reason
        self.value = value


# ---------------------------------------------------------------------------------------------------
# The converter

converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
"""The one converter (转换器) of jiesu's models; :func:`dumps` and :func:`loads` wrap it with envelopes."""


def _is_datetime(t: object) -> bool:
    return isinstance(t, type) and issubclass(t, dt.datetime)


def _unstructure_datetime(value: dt.datetime) -> str:
    return dt.datetime.isoformat(
        value
    )  # the C method: same text as pendulum's, several times faster


def _structure_datetime(value: object, _: type) -> pendulum.DateTime:
    if not isinstance(value, str):
        raise _DocError("", "must be an ISO 8601 string with an offset", value)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _DocError("", "must be an ISO 8601 string with an offset", value) from None
    offset = parsed.utcoffset()
    if offset is None:
        raise _DocError("", "must carry an offset (a naive time is never guessed)", value)
    return pendulum.DateTime(
        parsed.year,
        parsed.month,
        parsed.day,
        parsed.hour,
        parsed.minute,
        parsed.second,
        parsed.microsecond,
        tzinfo=_fixed(int(offset.total_seconds())),
    )


@functools.cache
def _fixed(seconds: int) -> pendulum.FixedTimezone:
    return pendulum.FixedTimezone(seconds)


@functools.cache
def _members(cls: type[LabelledEnum]) -> Mapping[str, LabelledEnum]:
    return MappingProxyType({m.value: m for m in cls})


def _structure_enum(value: object, cls: type[LabelledEnum]) -> LabelledEnum:
    members = _members(cls)
    if not isinstance(value, str) or value not in members:
        raise _DocError("", f"unknown {cls.__name__}; allowed: {', '.join(members)}", value)
    return members[value]


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise _DocError("", "must be a string", value)
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise _DocError("", "must be true or false", value)
    return value


def _structure_int(value: object, _: type) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _DocError("", "must be an integer", value)
    return value


def _structure_float(value: object, _: type) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise _DocError("", "must be a number", value)
    return value


def _structure_codes(value: object, _: type) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _DocError("", "must be a list of strings", value)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise _DocError(f"[{i}]", "must be a string", item)
    return tuple(value)


def _unstructure_caller(caller: Caller) -> dict[str, Any]:
    if not _PERSONAL.get():
        return {"withheld": True}
    return {"name": caller.name, "phone": caller.phone}


def _structure_caller(value: object, _: type) -> Caller:
    if not isinstance(value, dict):
        raise _DocError("", "must be an object", value)
    if "withheld" in value:
        if value != {"withheld": True}:
            raise _DocError(
                "", 'a withheld caller must be exactly {"withheld": true}', sorted(value)
            )
        return Caller()
    _require(value, ("name", "phone"))
    for key in ("name", "phone"):
        if value[key] is not None and not isinstance(value[key], str):
            raise _DocError(f".{key}", "must be a string or null", value[key])
    return Caller(value["name"], value["phone"])


def _require(
    value: dict[str, Any], names: tuple[str, ...], exact: frozenset[str] = frozenset()
) -> None:
    if value.keys() == (exact or set(names)):
        return
    for name in names:
        if name not in value:
            raise _DocError(f".{name}", "missing field", None)
    extra = next(k for k in value if k not in names)
    raise _DocError(f".{extra}", "unknown field", None)  # the key only: its value may be personal


def _strict_attrs_factory(cls: type[Any]) -> Callable[[Any, type], Any]:
    names = tuple(f.name for f in attrs.fields(cls) if f.init)
    exact = frozenset(names)
    # _require checks the keys exactly, so the generated function need not look for extra keys again
    inner = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=False)

    def structure(value: object, target: type) -> Any:  # noqa: ANN401 - any model
        if not isinstance(value, dict):
            raise _DocError("", "must be an object", value)
        _require(value, names, exact)
        return inner(value, target)

    return structure


def _unstructure_event_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    inner = make_dict_unstructure_fn(cls, converter)

    def unstructure(event: Any) -> dict[str, Any]:  # noqa: ANN401 - any event
        return {"kind": event.kind, **inner(event)}

    return unstructure


def _structure_event(value: object, _: type) -> Event:
    if not isinstance(value, dict):
        raise _DocError("", "must be an object", value)
    kind = value.get("kind")
    if kind not in EVENT_TYPES:
        raise _DocError(".kind", f"unknown event kind; allowed: {', '.join(EVENT_TYPES)}", kind)
    rest = {k: v for k, v in value.items() if k != "kind"}
    result: Event = converter.structure(rest, EVENT_TYPES[kind])
    return result


def _unstructure_ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "complaint": converter.unstructure(ticket.complaint, Complaint),
        "events": [converter.unstructure(e, type(e)) for e in ticket.events],
        "lifecycle": ticket.lifecycle.name,
    }


def _lifecycle_named(name: object) -> Lifecycle:
    given = _LIFECYCLE.get()
    if given is not None:
        if name != given.name:
            raise _DocError(
                ".lifecycle", f"does not match the lifecycle given ({given.name!r})", name
            )
        return given
    if not isinstance(name, str):
        raise _DocError(".lifecycle", "must be a lifecycle name", name)
    try:
        return Lifecycle.preset(name)
    except JiesuError:
        raise _DocError(
            ".lifecycle", "is not a bundled preset; pass lifecycle= to read it", name
        ) from None


def _structure_ticket(value: object, _: type) -> Ticket:
    if not isinstance(value, dict):  # pragma: no cover - documents are checked to be objects first
        raise _DocError("", "must be an object", value)
    _require(value, ("complaint", "events", "lifecycle"))
    lifecycle = _lifecycle_named(value["lifecycle"])
    raw = value["events"]
    if not isinstance(raw, list):
        raise _DocError(".events", "must be a list", raw)
    problems: list[tuple[str, str, object]] = []
    complaint = _nested(".complaint", value["complaint"], Complaint, problems)
    events = _nested(".events", raw, tuple[Event, ...], problems)
    if problems:
        raise _NestedError(problems)
    try:
        return Ticket(complaint, events, lifecycle)
    except JiesuError as exc:
        index = _refused_at(complaint, events, lifecycle)
        raise _DocError(f".events[{index}]", str(exc), events[index].kind) from None


class _NestedError(Exception):
    """Problems found below an object that a hook structured by hand."""

    def __init__(self, problems: list[tuple[str, str, object]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


def _nested(prefix: str, value: object, cls: Any, problems: list[tuple[str, str, object]]) -> Any:  # noqa: ANN401 - any model
    try:
        return converter.structure(value, cls)
    except _STRUCTURE_ERRORS as exc:
        problems.extend(_problems(exc, prefix))
        return None


def _refused_at(complaint: Complaint, events: tuple[Event, ...], lifecycle: Lifecycle) -> int:
    for i in range(len(events)):
        try:
            Ticket(complaint, events[: i + 1], lifecycle)
        except JiesuError:
            return i
    raise AssertionError  # pragma: no cover - only called after the whole history was refused


_EVENT_CLASSES: Final = frozenset(EVENT_TYPES.values())

converter.register_structure_hook_factory(attrs.has, _strict_attrs_factory)
converter.register_unstructure_hook_func(_is_datetime, _unstructure_datetime)
converter.register_structure_hook_func(_is_datetime, _structure_datetime)
converter.register_structure_hook(LabelledEnum, _structure_enum)
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _structure_codes)
converter.register_unstructure_hook(Caller, _unstructure_caller)
converter.register_structure_hook(Caller, _structure_caller)
converter.register_unstructure_hook(Ticket, _unstructure_ticket)
converter.register_structure_hook(Ticket, _structure_ticket)
for _cls in EVENT_TYPES.values():
    converter.register_unstructure_hook(_cls, _unstructure_event_factory(_cls))
converter.register_structure_hook_func(lambda t: t == Event, _structure_event)


# ---------------------------------------------------------------------------------------------------
# Turning cattrs errors into JSON paths

_STRUCTURE_ERRORS: Final = (
    ClassValidationError,
    IterableValidationError,
    _DocError,
    _NestedError,
    JiesuError,
)


def _problems(exc: BaseException, path: str) -> Iterator[tuple[str, str, object]]:  # noqa: C901 - one branch per error kind
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                yield from _problems(sub, f"{path}.{note.name}")
            elif isinstance(
                note, IterableValidationNote
            ):  # pragma: no branch - cattrs's only notes
                yield from _problems(sub, f"{path}[{note.index}]")
        for sub in without:
            yield from _problems(sub, path)
    elif isinstance(exc, ForbiddenExtraKeysError):  # pragma: no cover - _require finds them first
        for key in sorted(exc.extra_fields):
            yield f"{path}.{key}", "unknown field", None
    elif isinstance(exc, _NestedError):
        for suffix, reason, value in exc.problems:
            yield path + suffix, reason, value
    elif isinstance(exc, _DocError):
        yield path + exc.suffix, exc.reason, exc.value
    elif isinstance(exc, JiesuError):
        field = (exc.field or "").rsplit(".", 1)[-1]
        yield (f"{path}.{field}" if field else path), exc.reason, exc.value
    else:  # pragma: no cover - every hook raises one of the above
        yield path, str(exc), None


def _personal(path: str) -> bool:
    return ".caller" in path


def _safe_path(path: str) -> str:
    """The path with an unexpected key under a caller masked (a key may itself be personal data)."""
    head, sep, tail = path.partition(".caller.")
    if not sep or tail in ("name", "phone", "withheld"):
        return path
    return head + sep + mask(tail)


def _shown(path: str, value: object) -> object:
    return mask(value) if _personal(path) and value is not None else value


def _structure_document(doc: object, cls: type[T]) -> T:
    """Check the envelope of a parsed document and structure its body; raises ``_DocError``."""
    if not isinstance(doc, dict):
        raise _DocError("", "must be a JSON object", type(doc).__name__)
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise _DocError(
            ".schema_version", f"unsupported; this jiesu reads {SCHEMA_VERSION}", version
        )
    if doc.get("type") != cls.__name__:
        raise _DocError(".type", f"must be {cls.__name__!r}", doc.get("type"))
    body = {k: v for k, v in doc.items() if k not in ("schema_version", "type")}
    result: T = converter.structure(body, cls)
    return result


def _document_problems(doc: object, cls: type[T]) -> tuple[T | None, list[tuple[str, str, object]]]:
    try:
        return _structure_document(doc, cls), []
    except _STRUCTURE_ERRORS as exc:
        return None, list(_problems(exc, "$"))


def _parse_json(text: object) -> tuple[object, tuple[str, str, object] | None]:
    """Parse one JSON text (or UTF-8 bytes): the document, or the problem that stops it."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, ("$", f"not UTF-8 text (byte {exc.start})", None)
    if not isinstance(text, str):
        return None, ("$", "not a line of text", type(text).__name__)
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, ("$", f"invalid JSON: {exc}", None)
    except RecursionError:
        return None, ("$", "invalid JSON: nested too deeply", None)
    except ValueError as exc:  # an integer longer than Python converts (int_max_str_digits)
        reason = "an integer with too many digits" if "digits" in str(exc) else str(exc)
        return None, ("$", f"invalid JSON: {reason}", None)


def _check_cls(cls: object) -> None:
    if not isinstance(cls, type) or MODELS.get(cls.__name__) is not cls:
        raise ValidationError(
            f"must be one of {', '.join(MODELS)}", field="cls", value=getattr(cls, "__name__", cls)
        )


@contextlib.contextmanager
def _reading(lifecycle: Lifecycle | None) -> Iterator[None]:
    token = _LIFECYCLE.set(lifecycle)
    try:
        yield
    finally:
        _LIFECYCLE.reset(token)


# ---------------------------------------------------------------------------------------------------
# Public API


def to_document(obj: object, *, include_personal_data: bool = False) -> dict[str, Any]:
    """Turn a model into a JSON-ready dict (文档) with ``schema_version`` and ``type`` first.

    Args:
        obj: A :class:`Ticket`, :class:`Complaint`, :class:`Caller`, :class:`Location`, :class:`Unit`,
            :class:`Duration` or an event.
        include_personal_data: Whether to write the caller's name and phone; by default the caller is
            written as ``{"withheld": true}``.

    Raises:
        ValidationError: ``obj`` is not a model jiesu serializes.
    """
    _check_cls(type(obj))
    token = _PERSONAL.set(include_personal_data)
    try:
        body = converter.unstructure(obj, type(obj))
    finally:
        _PERSONAL.reset(token)
    if type(obj) in _EVENT_CLASSES:
        del body["kind"]
    return {"schema_version": SCHEMA_VERSION, "type": type(obj).__name__, **body}


def dumps(obj: object, *, include_personal_data: bool = False, indent: int | None = None) -> str:
    """Serialize a model to JSON (序列化): ISO 8601 times with offset, a schema version, no personal data.

    By default the caller's name and phone are withheld: the caller is written as
    ``{"withheld": true}`` and :func:`loads` reads it back as ``Caller(None, None)``. With
    ``include_personal_data=True`` the round trip ``loads(dumps(t, include_personal_data=True), Ticket)
    == t`` is exact.

    Args:
        obj: The model (see :func:`to_document`).
        include_personal_data: Whether to write the caller's name and phone (个人信息).
        indent: Indent for pretty output; compact one-line JSON by default.

    Returns:
        The JSON text (UTF-8 characters, not escaped).

    Raises:
        ValidationError: ``obj`` is not a model jiesu serializes.

    Examples:
        >>> from jiesu.model import Caller, Duration
        >>> dumps(Caller("张三", "13812345678"))
        '{"schema_version":1,"type":"Caller","withheld":true}'
        >>> dumps(Duration.parse("3wd"))
        '{"schema_version":1,"type":"Duration","amount":3,"unit":"working_days"}'
    """
    doc = to_document(obj, include_personal_data=include_personal_data)
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(doc, ensure_ascii=False, indent=indent, separators=separators)


def from_document(doc: object, cls: type[T], *, lifecycle: Lifecycle | None = None) -> T:
    """Read a model from a parsed JSON document (读取文档), as :func:`loads` does for text.

    Examples:
        >>> from jiesu.model import Duration
        >>> from_document(to_document(Duration.parse("24h")), Duration)
        Duration(amount=24, unit=<TimeUnit.NATURAL_HOURS: 'natural_hours'>)
    """
    _check_cls(cls)
    with _reading(lifecycle):
        result, problems = _document_problems(doc, cls)
    if problems:
        path, reason, value = problems[0]
        path = _safe_path(path)
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise DataFormatError(reason + more, field=path, value=value, personal=_personal(path))
    assert result is not None  # noqa: S101 - no problem means a result
    return result


def loads(text: str | bytes, cls: type[T], *, lifecycle: Lifecycle | None = None) -> T:
    """Read a model from JSON (反序列化), strictly: unknown or missing fields are errors.

    A document written without personal data reads back with ``Caller(name=None, phone=None)``.

    Args:
        text: The JSON text.
        cls: The model class expected (its name must match the document's ``type``).
        lifecycle: The lifecycle of a ticket whose ``lifecycle`` is not a bundled preset.

    Returns:
        The model.

    Raises:
        DataFormatError: The text is not JSON, has another schema version or type, has an unknown or
            missing field, or a bad value; ``field`` is the JSON path (e.g. ``$.events[3].at``).
        ValidationError: ``cls`` is not a model jiesu serializes.

    Examples:
        >>> from jiesu.model import Duration
        >>> loads('{"schema_version":1,"type":"Duration","amount":3,"unit":"working_days"}', Duration)
        Duration(amount=3, unit=<TimeUnit.WORKING_DAYS: 'working_days'>)
        >>> loads('{"schema_version":1,"type":"Duration","amount":3,"unit":"weeks"}', Duration)
        Traceback (most recent call last):
        ...
        jiesu.errors.DataFormatError: $.unit: unknown TimeUnit; allowed: natural_hours, natural_days, working_days, working_hours (got 'weeks')
    """  # noqa: E501 - the doctest shows the whole message
    _check_cls(cls)
    doc, problem = _parse_json(text)
    if problem is not None:
        path, reason, value = problem
        raise DataFormatError(reason, field=path, value=value)
    return from_document(doc, cls, lifecycle=lifecycle)


def dump_jsonl(
    objs: Iterable[object],
    target: str | Path | IO[str],
    *,
    include_personal_data: bool = False,
) -> int:
    """Write models as JSON Lines (逐行 JSON), one document per line, streaming.

    Args:
        objs: The models (any iterable; consumed once).
        target: A path, or an open text file.
        include_personal_data: Whether to write callers' names and phones.

    Returns:
        How many lines were written.
    """
    if isinstance(target, (str, Path)):
        with Path(target).open("w", encoding="utf-8") as out:
            return dump_jsonl(objs, out, include_personal_data=include_personal_data)
    count = 0
    for obj in objs:
        target.write(dumps(obj, include_personal_data=include_personal_data))
        target.write("\n")
        count += 1
    return count


@attrs.define
class JsonlReader(Generic[T]):
    """A streaming JSON Lines reader (逐行读取): yields the good rows, keeps every bad row in a report.

    Iterate it once. Blank lines are skipped. Each bad row becomes one or more :class:`Problem` (row =
    the 0-based line index, field = the JSON path, value masked when personal, reason) and reading goes
    on: a line that is not UTF-8 or not text, not JSON, nested too deeply or holding an integer too long
    is one bad row, never the end of the batch. An unknown field is named by its key only. With
    ``errors="raise"`` the :class:`ValidationReport` is raised after the last row (so it lists every bad
    row); with ``errors="collect"`` it is in :attr:`report` after iteration.

    Attributes:
        source: A path, an open text file, or an iterable of lines.
        cls: The model class of every row.
        errors: ``"raise"`` (default) or ``"collect"``.
        lifecycle: The lifecycle of tickets whose lifecycle is not a bundled preset.
        report: The problems found so far and the rows read.
    """

    source: str | Path | Iterable[str] | Iterable[bytes]
    cls: type[T]
    errors: ErrorPolicy = "raise"
    lifecycle: Lifecycle | None = None
    report: ValidationReport = attrs.field(
        init=False, factory=lambda: ValidationReport([], total=0)
    )

    def __attrs_post_init__(self) -> None:
        """Check the class and the error policy up front."""
        _check_cls(self.cls)
        if self.errors not in ("raise", "collect"):
            raise ValidationError("must be 'raise' or 'collect'", field="errors", value=self.errors)

    def __iter__(self) -> Iterator[T]:
        """Yield each good row's model, in file order."""
        if isinstance(self.source, (str, Path)):
            with Path(self.source).open(
                "rb"
            ) as lines:  # each line decoded alone: one bad byte, one bad row
                yield from self._read(lines)
        else:
            yield from self._read(self.source)

    def _read(self, lines: Iterable[object]) -> Iterator[T]:
        problems: list[Problem] = []
        total = 0
        with _reading(self.lifecycle):
            for row, line in enumerate(lines):
                if isinstance(line, (str, bytes, bytearray)) and not line.strip():
                    continue
                total += 1
                doc, stop = _parse_json(line)
                if stop is not None:
                    found: list[tuple[str, str, object]] = [stop]
                else:
                    result, found = _document_problems(doc, self.cls)
                    if not found:
                        yield result  # type: ignore[misc]  # no problem means a result
                        continue
                for path, reason, value in found:
                    shown = _shown(path, value)
                    problem = Problem(row=row, field=_safe_path(path), value=shown, reason=reason)
                    _log.warning("bad JSON Lines row: %s", problem)
                    problems.append(problem)
        self.report = ValidationReport(problems, total=total)
        if problems and self.errors == "raise":
            raise self.report


def load_jsonl(
    source: str | Path | Iterable[str] | Iterable[bytes],
    cls: type[T],
    *,
    errors: ErrorPolicy = "raise",
    lifecycle: Lifecycle | None = None,
) -> tuple[list[T], ValidationReport]:
    """Read a whole JSON Lines file (读取逐行 JSON): the good rows and the report of every bad row.

    Args:
        source: A path, an open text file, or an iterable of lines.
        cls: The model class of every row.
        errors: ``"raise"`` (default): raise the :class:`ValidationReport` if any row is bad;
            ``"collect"``: return it beside the good rows.
        lifecycle: The lifecycle of tickets whose lifecycle is not a bundled preset.

    Returns:
        ``(models, report)``; nothing is dropped silently: every bad row is in the report.

    Raises:
        ValidationReport: Some row is bad and ``errors="raise"``.

    Examples:
        >>> from jiesu.model import Duration
        >>> lines = [dumps(Duration.parse("3wd")), '{"schema_version":1,"type":"Duration","amount":-1,"unit":"h"}']
        >>> good, report = load_jsonl(lines, Duration, errors="collect")
        >>> good
        [Duration(amount=3, unit=<TimeUnit.WORKING_DAYS: 'working_days'>)]
        >>> print(report)
        1 of 2 rows failed validation:
          row 1, $.unit: unknown TimeUnit; allowed: natural_hours, natural_days, working_days, working_hours (got 'h')
    """
    reader = JsonlReader(source, cls, errors=errors, lifecycle=lifecycle)
    items = list(reader)
    return items, reader.report
