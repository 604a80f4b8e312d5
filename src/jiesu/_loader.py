"""One reader for every data file (TOML and JSON/GeoJSON): decoding, positions, exact types, all problems.

Private to jiesu; every data-file loader (lifecycle, deadline policies, calendar overlays, holiday years,
catalogue and units, areas and swap zones, return policies, scoring rules) is written on it:

- :func:`read_toml` / :func:`parse_toml` (and :func:`read_json` / :func:`parse_json`) turn a file or text
  into a :class:`Doc`. Bytes must be UTF-8 (a BOM is allowed); an unreadable file, a decoding failure or a
  parse error raises :class:`~jiesu.errors.DataFileError` naming the file (and line and column).
- :meth:`Doc.line_of` finds the line of a key, table or array element (``tomllib`` gives no positions, so
  the text is scanned once); :meth:`Doc.where` renders ``file:line``.
- :class:`Reader` collects every problem of a file (:meth:`Reader.problem`) and raises them at once
  (:meth:`Reader.raise_if_any`). :meth:`Reader.root` gives the document's top :class:`Table`.
- :class:`Table` checks keys (:meth:`Table.check_keys`: unknown keys refused with the nearest known key
  suggested) and reads values with exact types (:meth:`Table.get` with :data:`STR`, :data:`BOOL`,
  :data:`INT`, :data:`NUMBER`, :data:`DATE`, :data:`TEXT`, :data:`DATE_OR_ISO`, :data:`STRS`): ``"false"`` is not a
  boolean, ``"0.2x"`` is not a number, ``1`` is not a string. A wrong or missing value is recorded as a
  problem and a placeholder is returned, so a loader reads the whole file, calls ``raise_if_any`` and only
  then builds its objects.

Typical use::

    doc = read_toml(path)
    reader = Reader(doc)
    root = reader.root()
    root.check_keys({"name", "limits"})
    name = root.get("name", STR)
    for limit in root.tables("limits"):
        limit.check_keys({"milestone", "duration"})
        ...
    reader.raise_if_any()

Leaf values are checked by a strict cattrs converter (:func:`converter`), whose hooks refuse every
coercion the default converter would make.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import json
import math
import os
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, overload

import attrs

from jiesu.errors import DataFileError, JiesuError, Problem

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator, Mapping
    from importlib.resources.abc import Traversable

    import cattrs

__all__ = [
    "BOOL",
    "DATE",
    "DATE_OR_ISO",
    "INT",
    "NUMBER",
    "STR",
    "STRS",
    "TEXT",
    "Doc",
    "KeyPath",
    "Reader",
    "Table",
    "ValueKind",
    "converter",
    "dotted",
    "parse_json",
    "parse_toml",
    "read_json",
    "read_toml",
    "suggest",
    "undotted",
]

KeyPath = tuple[str | int, ...]
"""A path into a document: table keys and array indices, e.g. ``("limits", 2, "duration")``."""

T = TypeVar("T")
D = TypeVar("D")

_BARE: Final = re.compile(r"^[A-Za-z0-9_-]+$")


def dotted(path: KeyPath, *, json_path: bool = False) -> str:
    """Render a path as ``limits[2].duration`` (or ``$.features[2].id`` with ``json_path``)."""
    out = "$" if json_path else ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = (
                part if _BARE.match(part) or not (set(part) & set(".[]\"' ")) else json.dumps(part)
            )
            out += f".{name}" if out else name
    return out or "(file)"


_TOKEN: Final = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def undotted(text: str) -> KeyPath:
    """The path of a dotted field name (the inverse of :func:`dotted` for plain keys).

    Examples:
        >>> undotted("rule[3].co_handlers[0]")
        ('rule', 3, 'co_handlers', 0)
    """
    return tuple(int(m.group(1)) if m.group(1) else m.group(2) for m in _TOKEN.finditer(text))


def suggest(key: str, allowed: Collection[str]) -> str:
    """The refusal of an unknown key, with the nearest allowed key suggested when one is close.

    Examples:
        >>> suggest("warn_fracton", ["warn_fraction", "name"])
        "unknown key 'warn_fracton'; did you mean 'warn_fraction'? allowed: name, warn_fraction"
    """
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    return f"unknown key {key!r}{hint} allowed: {', '.join(sorted(allowed))}"


# ---------------------------------------------------------------------------------------------------
# Documents


@attrs.frozen
class Doc:
    """A parsed data file: its name, its data and the line of each key.

    Attributes:
        source: The file as named in messages.
        data: The parsed document (a table for TOML).
        lines: Line (1-based) of each key, table and array element; empty for JSON.
        json: Whether the document is JSON (problems name a JSON path, not a line).
    """

    source: str
    data: Any
    lines: Mapping[KeyPath, int] = attrs.field(factory=lambda: MappingProxyType({}))
    json: bool = False

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest enclosing key found, or ``None``."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def where(self, path: KeyPath) -> str:
        """``file:line`` of ``path`` (just the file when no line is known)."""
        line = self.line_of(path)
        return self.source if line is None else f"{self.source}:{line}"

    def field(self, path: KeyPath) -> str:
        """The field name of ``path`` in messages: dotted for TOML, a JSON path for JSON."""
        return dotted(path, json_path=self.json)


def _fail(
    source: str, reason: str, value: object = None, *, line: int | None = None
) -> DataFileError:
    where = source if line is None else f"{source}:{line}"
    return DataFileError(source, [Problem(where, "(file)", value, reason)])


def _read(file: str | os.PathLike[str] | Traversable, source: str | None) -> tuple[bytes, str]:
    name = source if source is not None else str(file)
    try:
        if isinstance(file, (str, os.PathLike)):
            return Path(file).read_bytes(), name
        return file.read_bytes(), name
    except OSError as exc:
        raise _fail(name, f"cannot read file: {exc.strerror or exc.__class__.__name__}") from None


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            source, f"not UTF-8 text (byte {exc.start})", data[exc.start : exc.start + 1], line=line
        ) from None


def parse_toml(text: str | bytes, *, source: str) -> Doc:
    """Parse TOML text (or UTF-8 bytes) named ``source`` in messages.

    Raises:
        DataFileError: The bytes are not UTF-8 or the text is not TOML (with line and column).
    """
    text = _decode(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = re.sub(r"\s*\(at .*\)$", "", str(exc))
        if match:
            line, column = int(match.group(1)), f", column {match.group(2)}"
        else:
            line, column = text.count("\n") + 1, ", at end of document"
        raise _fail(source, f"invalid TOML: {reason}{column}", line=line) from None
    except RecursionError:
        raise _fail(source, "invalid TOML: nested too deeply") from None
    return Doc(source, data, MappingProxyType(_key_lines(text)))


def read_toml(file: str | os.PathLike[str] | Traversable, *, source: str | None = None) -> Doc:
    """Read and parse a TOML file; ``source`` (default: the path as given) names it in messages.

    Raises:
        DataFileError: The file is unreadable, not UTF-8 or not TOML.
    """
    data, name = _read(file, source)
    return parse_toml(data, source=name)


def parse_json(text: str | bytes, *, source: str) -> Doc:
    """Parse JSON text (or UTF-8 bytes) named ``source`` in messages.

    Raises:
        DataFileError: The bytes are not UTF-8 or the text is not JSON (with line and column), or it holds
            an integer too long or nesting too deep.
    """
    text = _decode(text, source)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON: {exc.msg}, column {exc.colno}"
        raise _fail(source, reason, line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise _fail(source, f"invalid JSON: {_json_problem(exc)}") from None
    return Doc(source, data, json=True)


def read_json(file: str | os.PathLike[str] | Traversable, *, source: str | None = None) -> Doc:
    """Read and parse a JSON (GeoJSON) file; ``source`` (default: the path as given) names it in messages.

    Raises:
        DataFileError: The file is unreadable, not UTF-8 or not JSON.
    """
    data, name = _read(file, source)
    return parse_json(data, source=name)


def _no_constant(name: str) -> object:
    msg = f"{name} is not a JSON number"
    raise ValueError(msg)


def _json_problem(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    text = str(exc)
    if "digits" in text:
        return "an integer with too many digits"
    return text


# ---------------------------------------------------------------------------------------------------
# Lines of keys: tomllib gives no positions, so scan the (valid) text once.

_KEYPART: Final = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_KEY: Final = re.compile(rf"{_KEYPART}(?:[ \t]*\.[ \t]*{_KEYPART})*")
_PART: Final = re.compile(_KEYPART)
_HEADER: Final = re.compile(rf"(\[\[?)[ \t]*({_KEY.pattern})[ \t]*\]\]?")


def _parts(key: str) -> tuple[str, ...]:
    out = []
    for match in _PART.finditer(key):
        part = match.group()
        if part[0] == '"':
            part = tomllib.loads(f"k = {part}")["k"]
        elif part[0] == "'":
            part = part[1:-1]
        out.append(part)
    return tuple(out)


class _Scanner:
    """Walks valid TOML text, recording the line of every key, table header and array element."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    @property
    def line(self) -> int:
        return bisect.bisect_right(self.starts, self.pos)

    def skip(self, *, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def run(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        text = self.text
        while True:
            self.skip(newlines=True)
            if self.pos >= len(text):
                return self.lines
            start = self.pos
            header = _HEADER.match(text, self.pos) if text[self.pos] == "[" else None
            if header is not None:
                table = self.header(header)
                self.pos = header.end()
            else:
                self.keyvalue(table)
            if self.pos == start:  # pragma: no cover - defensive: valid TOML always advances
                return self.lines

    def header(self, match: re.Match[str]) -> KeyPath:
        parts = _parts(match.group(2))
        array = match.group(1) == "[["
        resolved: KeyPath = ()
        for i, part in enumerate(parts):
            resolved = (*resolved, part)
            self.lines.setdefault(resolved, self.line)
            last = i == len(parts) - 1
            if resolved in self.arrays and not (array and last):
                resolved = (*resolved, self.arrays[resolved])
        if array:
            index = self.arrays.get(resolved, -1) + 1
            self.arrays[resolved] = index
            self.lines.setdefault(resolved, self.line)
            resolved = (*resolved, index)
        self.lines.setdefault(resolved, self.line)
        return resolved

    def keyvalue(self, table: KeyPath) -> None:
        match = _KEY.match(self.text, self.pos)
        if match is None:  # pragma: no cover - defensive: valid TOML has a key here
            self.pos += 1
            return
        path = (*table, *_parts(match.group()))
        line = self.line
        for end in range(len(table) + 1, len(path) + 1):
            self.lines.setdefault(path[:end], line)
        self.pos = match.end()
        self.skip(newlines=False)
        self.pos += 1  # the "="
        self.skip(newlines=False)
        self.value(path)

    def value(self, path: KeyPath) -> None:
        text = self.text
        if self.pos >= len(text):  # pragma: no cover - defensive: valid TOML has a value here
            return
        char = text[self.pos]
        if char == "{":
            self.inline(path)
        elif char == "[":
            self.array(path)
        elif char in "\"'":
            self.string()
        else:
            while self.pos < len(text) and text[self.pos] not in ",]}\n#":
                self.pos += 1

    def inline(self, path: KeyPath) -> None:
        self.pos += 1
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.text) or self.text[self.pos] == "}":
                self.pos += 1
                return
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            start = self.pos
            self.keyvalue(path)
            if self.pos == start:  # pragma: no cover - defensive
                return

    def array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.text) or self.text[self.pos] == "]":
                self.pos += 1
                return
            if self.text[self.pos] == ",":
                self.pos += 1
                index += 1
                continue
            start = self.pos
            self.lines.setdefault((*path, index), self.line)
            self.value((*path, index))
            if self.pos == start:  # pragma: no cover - defensive
                return

    def string(self) -> None:
        text = self.text
        quote = text[self.pos]
        triple = text.startswith(quote * 3, self.pos)
        self.pos += 3 if triple else 1
        while self.pos < len(text):  # pragma: no branch - valid TOML closes every string
            char = text[self.pos]
            if char == "\\" and quote == '"':
                self.pos += 2
            elif triple and text.startswith(quote * 3, self.pos):
                self.pos += 3
                while text.startswith(quote, self.pos):  # up to two quotes may end the string
                    self.pos += 1
                return
            elif not triple and char == quote:
                self.pos += 1
                return
            else:
                self.pos += 1


def _key_lines(text: str) -> dict[KeyPath, int]:
    scanner = _Scanner(text)
    try:
        return scanner.run()
    except RecursionError:  # pragma: no cover - tomllib refuses such nesting first
        return scanner.lines


# ---------------------------------------------------------------------------------------------------
# Exact value kinds, on a strict cattrs converter


class _WrongTypeError(Exception):
    """A leaf value of the wrong type; the reason is the message."""


def _strict(kind: type[Any], name: str, check: Callable[[Any], bool]) -> Callable[[Any, Any], Any]:
    def hook(value: object, _: object) -> Any:  # noqa: ANN401 - the converter's hook signature
        if type(value) is bool and kind is not bool:
            raise _WrongTypeError(f"must be {name}, not a boolean")
        if not check(value):
            raise _WrongTypeError(f"must be {name}")
        return value

    return hook


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _date(value: object, _: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    msg = "must be a TOML date (YYYY-MM-DD, unquoted)"
    raise _WrongTypeError(msg)


@functools.cache
def converter() -> cattrs.Converter:
    """The strict converter of leaf values: no coercion (``"false"`` stays a string and is refused).

    Built on first use, so importing a jiesu module that loads files does not import cattrs.
    """
    import cattrs  # noqa: PLC0415 - serialization machinery loads on first use (issue #10)

    conv = cattrs.Converter(detailed_validation=False)
    conv.register_structure_hook(str, _strict(str, "a string", lambda v: isinstance(v, str)))
    conv.register_structure_hook(bool, _strict(bool, "true or false", lambda v: type(v) is bool))
    conv.register_structure_hook(int, _strict(int, "an integer", lambda v: type(v) is int))
    conv.register_structure_hook(float, _strict(float, "a number", _finite))
    conv.register_structure_hook(dt.date, _date)
    return conv


@attrs.frozen
class ValueKind(Generic[T]):
    """An exact value type for :meth:`Table.get`, with the placeholder returned when the value is bad.

    Attributes:
        structure: Checks a value and returns it (raises ``_WrongTypeError`` with the reason).
        placeholder: Returned in place of a bad or missing value (a problem is recorded).
        name: The type's name in messages about lists (``"TOML date"`` → "must be a list of TOML dates").
    """

    structure: Callable[[object], T]
    placeholder: T
    name: str


def _via(kind: type[Any]) -> Callable[[object], Any]:
    return lambda value: converter().structure(value, kind)


def _iso_date(value: object) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            msg = "must be a date (YYYY-MM-DD)"
            raise _WrongTypeError(msg) from None
    return _date(value, None)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = "must be a non-empty string"
        raise _WrongTypeError(msg)
    return value


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        msg = "must be a list of strings"
        raise _WrongTypeError(msg)
    if not all(isinstance(v, str) for v in value):
        msg = "must be a list of strings"
        raise _WrongTypeError(msg)
    return tuple(value)


STR: Final[ValueKind[str]] = ValueKind(_via(str), "", "string")
BOOL: Final[ValueKind[bool]] = ValueKind(_via(bool), False, "boolean")  # noqa: FBT003 - a placeholder value
INT: Final[ValueKind[int]] = ValueKind(_via(int), 0, "integer")
NUMBER: Final[ValueKind[float]] = ValueKind(_via(float), 0.0, "number")
DATE: Final[ValueKind[dt.date]] = ValueKind(_via(dt.date), dt.date(1, 1, 1), "TOML date")
DATE_OR_ISO: Final[ValueKind[dt.date]] = ValueKind(_iso_date, dt.date(1, 1, 1), "date")
TEXT: Final[ValueKind[str]] = ValueKind(_text, "", "non-empty string")
STRS: Final[ValueKind[tuple[str, ...]]] = ValueKind(_strings, (), "list of strings")


# ---------------------------------------------------------------------------------------------------
# Reading with every problem collected

_REQUIRED: Final = object()


class Reader:
    """Collects every problem of one document and raises them at once.

    Args:
        doc: The parsed document.
    """

    def __init__(self, doc: Doc) -> None:
        """Start with no problem."""
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path: KeyPath, reason: str, value: object = None) -> None:
        """Record a problem at ``path``: ``where`` is ``file:line``, field the dotted path."""
        self.problems.append(Problem(self.doc.where(path), self.doc.field(path), value, reason))

    def __bool__(self) -> bool:
        """Whether a problem was recorded."""
        return bool(self.problems)

    def raise_if_any(self) -> None:
        """Raise every recorded problem as one :class:`~jiesu.errors.DataFileError`.

        Raises:
            DataFileError: At least one problem was recorded.
        """
        if self.problems:
            raise DataFileError(self.doc.source, self.problems)

    def root(self) -> Table:
        """The document's top table (a problem is recorded when the document is not a table)."""
        return self.table((), self.doc.data)

    def table(self, path: KeyPath, value: object) -> Table:
        """``value`` at ``path`` as a :class:`Table`; empty, with a problem recorded, when not a table."""
        if isinstance(value, dict):
            return Table(self, path, value)
        self.problem(path, "must be a table" if not self.doc.json else "must be an object", value)
        return Table(self, path, {}, broken=True)


class Table:
    """A table (or JSON object) of a document, read with exact types.

    Args:
        reader: The reader collecting problems.
        path: Where the table is.
        data: Its content.
    """

    def __init__(
        self, reader: Reader, path: KeyPath, data: dict[str, Any], *, broken: bool = False
    ) -> None:
        """Wrap ``data`` found at ``path``; ``broken`` when it stands for a refused value."""
        self.reader = reader
        self.path = path
        self.data = data
        self.broken = broken

    def __contains__(self, key: object) -> bool:
        """Whether the table has ``key``."""
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        """The keys, in file order."""
        return iter(self.data)

    def at(self, key: str | int) -> KeyPath:
        """The path of ``key`` in this table."""
        return (*self.path, key)

    def problem(self, key: str | int | None, reason: str, value: object = None) -> None:
        """Record a problem at ``key`` (or at the table itself)."""
        self.reader.problem(self.path if key is None else self.at(key), reason, value)

    def check_keys(self, allowed: Collection[str], *, required: Collection[str] = ()) -> None:
        """Refuse unknown keys (with the nearest allowed key suggested) and missing required ones."""
        for key in self.data:
            if key not in allowed:
                self.problem(key, suggest(key, allowed))
        for key in required:
            if key not in self.data:
                self.missing(key)

    @overload
    def get(
        self, key: str, kind: ValueKind[T], *, check: Callable[[T], str | None] | None = None
    ) -> T: ...
    @overload
    def get(
        self,
        key: str,
        kind: ValueKind[T],
        default: D,
        *,
        check: Callable[[T], str | None] | None = None,
    ) -> T | D: ...
    def get(
        self,
        key: str,
        kind: ValueKind[T],
        default: object = _REQUIRED,
        *,
        check: Callable[[T], str | None] | None = None,
    ) -> object:
        """The value of ``key``, of exactly ``kind``; ``default`` when absent.

        A missing required key or a value of the wrong type records a problem and returns the kind's
        placeholder; the loader raises the problems before building anything. ``check`` (run only on a
        value of the right type) returns the reason a value is refused, or ``None``.
        """
        if key not in self.data:
            if default is _REQUIRED:
                self.missing(key)
                return kind.placeholder
            return default
        before = len(self.reader.problems)
        value = self.check(key, self.data[key], kind)
        if check is not None and len(self.reader.problems) == before:
            reason = check(value)
            if reason is not None:
                self.problem(key, reason, value)
        return value

    def missing(self, key: str) -> None:
        """Record that the required ``key`` is missing (unless the table itself was already refused)."""
        if not self.broken:
            self.problem(key, "missing key")

    def check(self, key: str | int, value: object, kind: ValueKind[T]) -> T:
        """``value`` (found at ``key``) as ``kind``, or the placeholder with a problem recorded."""
        try:
            return kind.structure(value)
        except _WrongTypeError as exc:
            self.problem(key, str(exc), value)
            return kind.placeholder

    def convert(
        self, key: str, kind: ValueKind[T], parse: Callable[[T], D], *, required: bool = False
    ) -> D | None:
        """The value of ``key`` (of ``kind``) through ``parse``; ``None`` when absent or bad.

        A jiesu error raised by ``parse`` is recorded as a problem with its reason.
        """
        if key not in self.data:
            if required:
                self.missing(key)
            return None
        before = len(self.reader.problems)
        value = self.check(key, self.data[key], kind)
        if len(self.reader.problems) > before:
            return None
        try:
            return parse(value)
        except JiesuError as exc:
            self.problem(key, exc.reason, self.data[key])
            return None

    def each(self, key: str, kind: ValueKind[T]) -> list[T]:
        """Each element of the array at ``key``, of exactly ``kind``; empty when absent.

        Every bad element is a problem at its own index (``working_days[2]``).
        """
        if key not in self.data:
            return []
        value = self.data[key]
        if not isinstance(value, list):
            self.problem(key, f"must be a list of {kind.name}s", value)
            return []
        items = Table(self.reader, self.at(key), {})
        return [items.check(i, item, kind) for i, item in enumerate(value)]

    def table(self, key: str, *, required: bool = False) -> Table:
        """The sub-table at ``key``; an empty table when absent (with a problem when required).

        An absent or refused table reports no missing keys of its own: the problem is the table.
        """
        if key not in self.data:
            if required:
                self.missing(key)
            return Table(self.reader, self.at(key), {}, broken=True)
        return self.reader.table(self.at(key), self.data[key])

    def tables(self, key: str, *, required: bool = False) -> list[Table]:
        """The array of tables at ``key`` (``[[key]]``); empty when absent (a problem when required)."""
        if key not in self.data:
            if required:
                self.missing(key)
            return []
        value = self.data[key]
        if not isinstance(value, list):
            self.problem(key, "must be an array of tables", value)
            return []
        return [self.reader.table((*self.at(key), i), item) for i, item in enumerate(value)]

    def items(self) -> Iterator[tuple[str, object]]:
        """The ``(key, value)`` pairs, in file order."""
        return iter(self.data.items())
