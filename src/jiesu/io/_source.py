"""Read a source (CSV, Excel, Parquet, JSON Lines or a dataframe) as a table of text cells (原始表)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

import attrs
import numpy as np

from jiesu.errors import DataFormatError, MissingDependencyError

if TYPE_CHECKING:
    import pyarrow as pa

_CSV_SUFFIXES: Final = (".csv", ".txt")
_EXCEL_SUFFIXES: Final = (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods")
_JSONL_SUFFIXES: Final = (".jsonl", ".ndjson")
SUFFIXES: Final = (*_CSV_SUFFIXES, *_EXCEL_SUFFIXES, ".parquet", *_JSONL_SUFFIXES)
"""The file suffixes :func:`~jiesu.io.read_tickets` reads."""

_UTF16_BOMS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def arrow() -> Any:  # noqa: ANN401 - pyarrow ships no type information
    """Import pyarrow, or raise the jiesu error naming the ``io`` extra."""
    try:
        import pyarrow as pa  # noqa: PLC0415 - the io extra is optional
    except ImportError as exc:  # pragma: no cover - exercised only without the io extra installed
        raise MissingDependencyError("pyarrow", extra="io") from exc
    return pa


@attrs.frozen(eq=False)
class RawTable:
    """A source read as text: every cell a string (or null), headers trimmed, and each row's line."""

    table: pa.Table
    name: str
    encoding: str | None
    lines: np.ndarray[Any, np.dtype[np.int64]]


def load(source: object, *, encoding: str = "auto", sheet: str | int | None = None) -> RawTable:
    """Read ``source`` as a :class:`RawTable` (every column as text)."""
    pa = arrow()
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            raise DataFormatError(
                f"unknown file type; jiesu reads {', '.join(SUFFIXES)}", field=name, value=suffix
            )
        if not path.is_file():
            raise DataFormatError("no such file", field=name, value=path.name)
        if suffix in _CSV_SUFFIXES:
            return _read_csv(path, encoding)
        if suffix in _EXCEL_SUFFIXES:
            return _read_excel(path, sheet)
        if suffix == ".parquet":
            import pyarrow.parquet as pq  # noqa: PLC0415 - the io extra is optional

            table = _guard(name, lambda: pq.read_table(path))
            return _typed(table, name, first_line=2)
        return _read_jsonl(path)
    return _typed(_from_frame(source, pa), type(source).__name__, first_line=2)


def _guard(name: str, read: Any) -> pa.Table:  # noqa: ANN401 - pyarrow ships no type information
    """Run a pyarrow reader, turning its parse errors into a jiesu error naming the file."""
    pa = arrow()
    try:
        return read()
    except (pa.ArrowException, OSError) as exc:
        raise DataFormatError("cannot be read", field=name, value=str(exc)[:200]) from exc


def _from_frame(source: object, pa: Any) -> pa.Table:  # noqa: ANN401 - pyarrow ships no type information
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - keep import light

    if isinstance(source, pa.Table):
        return source
    try:
        frame = nw.from_native(cast("Any", source))
    except TypeError as exc:
        raise DataFormatError(
            "not a path nor a dataframe narwhals can read",
            field="source",
            value=type(source).__name__,
        ) from exc
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return frame.to_arrow()


def _typed(table: pa.Table, name: str, *, first_line: int) -> RawTable:
    """Cast every column of a typed table to text, keeping instants' offsets and whole numbers whole."""
    pa = arrow()
    columns = []
    for column_name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)  # noqa: PLW2901 - decoded in place
        try:
            columns.append(column.cast(pa.string()))
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid) as exc:
            raise DataFormatError(
                f"column {column_name!r} of type {kind} cannot be read as text",
                field=name,
                value=column_name,
            ) from exc
    text = pa.table(columns, names=[_header(n) for n in table.column_names])
    lines = np.arange(first_line, first_line + table.num_rows, dtype=np.int64)
    return RawTable(text, name, None, lines)


def _header(value: object) -> str:
    return str(value).strip().strip("\ufeff\u200b").strip()


# --- JSON Lines ----------------------------------------------------------------------------------


def _json_cell(value: object) -> str | None:
    """A JSON value as text: whole numbers without ``.0``, objects and arrays as JSON."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return _cell(value)


def _read_jsonl(path: Path) -> RawTable:
    """Read JSON Lines with the standard parser: pyarrow's would guess types (instants, numbers)."""
    pa = arrow()
    name = str(path)
    text, _ = _decode(path.read_bytes(), "auto", name)
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFormatError(
                f"line {number} is not JSON: {exc.msg}", field=f"{name}:{number}", value=line[:40]
            ) from exc
        if not isinstance(record, dict):
            raise DataFormatError(
                f"line {number} is not a JSON object",
                field=f"{name}:{number}",
                value=type(record).__name__,
            )
        records.append(record)
        lines.append(number)
    if not records:
        raise DataFormatError("is empty (no record)", field=name, value=path.name)
    headers = list(dict.fromkeys(key for record in records for key in record))
    columns = [pa.array([_json_cell(r.get(h)) for r in records], pa.string()) for h in headers]
    table = pa.table(columns, names=[_header(h) for h in headers])
    return RawTable(table, name, None, np.asarray(lines, dtype=np.int64))


# --- CSV -------------------------------------------------------------------------------------------


def _decode(raw: bytes, encoding: str, name: str) -> tuple[str, str]:
    """Decode a CSV file: UTF-8 (with or without BOM), else GB18030 (strict), or the given encoding."""
    if encoding != "auto":
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as exc:
            raise DataFormatError(
                "unknown encoding; use auto, utf-8, utf-8-sig or gb18030",
                field=name,
                value=encoding,
            ) from exc
        try:
            return raw.decode(codec), encoding
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                f"does not decode as {encoding} at byte offset {exc.start}",
                field=name,
                value=raw[exc.start : exc.start + 4].hex(" "),
            ) from exc
    if raw.startswith(_UTF16_BOMS):
        raise DataFormatError(
            "is UTF-16; save the export as UTF-8 or GB18030 (or pass encoding='utf-16')",
            field=name,
            value=raw[:2].hex(" "),
        )
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw, "utf-8-sig", name), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _strict(raw, "gb18030", name), "gb18030"


def _strict(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"decodes neither as UTF-8 nor as GB18030 (byte offset {exc.start})",
            field=name,
            value=raw[exc.start : exc.start + 4].hex(" "),
        ) from exc


def _read_csv(path: Path, encoding: str) -> RawTable:
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional
    import pyarrow.csv as pacsv  # noqa: PLC0415 - the io extra is optional

    name = str(path)
    text, used = _decode(path.read_bytes(), encoding, name)
    text = text.lstrip("\ufeff").rstrip("\r\n\t ")
    if not text.strip():
        raise DataFormatError("is empty (no header line)", field=name, value=path.name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise DataFormatError(
            "the header line cannot be read", field=f"{name}:1", value=str(exc)
        ) from exc
    ragged: list[int] = []

    def on_invalid(row: Any) -> str:  # noqa: ANN401 - pyarrow's InvalidRow
        ragged.append(
            row.actual_columns
        )  # pragma: no cover - called from pyarrow's threads, untraced
        return "skip"  # pragma: no cover - called from pyarrow's threads, untraced

    data = (text + "\n").encode("utf-8")
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                null_values=[],
            ),
        )
    except pa.ArrowInvalid as exc:
        raise DataFormatError(
            "is not a readable CSV file", field=name, value=str(exc)[:80]
        ) from exc
    if ragged:
        line, cells = _first_ragged(text, delimiter, len(header))
        raise DataFormatError(
            f"line {line} has {cells} cells, the header has {len(header)} "
            f"({len(ragged)} such row{'s' if len(ragged) > 1 else ''})",
            field=f"{name}:{line}",
            value=cells,
        )
    # The line of each row: 2 for the first, plus every newline inside quoted cells before it.
    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
    start = 2 + sum(h.count("\n") for h in header)
    lines = start + np.arange(table.num_rows, dtype=np.int64) + np.cumsum(breaks) - breaks
    renamed = table.rename_columns([_header(n) for n in header])
    return RawTable(renamed, name, used, lines)


def _first_ragged(text: str, delimiter: str, width: int) -> tuple[int, int]:
    """The first line whose record has another number of cells than the header (error path only)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader)
    start = reader.line_num + 1
    for record in reader:
        if len(record) != width:
            return start, len(record)
        start = reader.line_num + 1
    return start, width  # pragma: no cover - pyarrow and the csv module agree on ragged rows


# --- Excel -----------------------------------------------------------------------------------------


def _cell(value: object) -> str | None:
    """An Excel cell as text: whole numbers without ``.0``, date-times in ISO form, blanks as null."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _read_excel(path: Path, sheet: str | int | None) -> RawTable:
    pa = arrow()
    try:
        import python_calamine as calamine  # noqa: PLC0415 - the excel extra is optional
    except (
        ImportError
    ) as exc:  # pragma: no cover - exercised only without the excel extra installed
        raise MissingDependencyError("python-calamine", extra="excel") from exc
    name = str(path)
    failures = (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except failures as exc:
        raise DataFormatError(
            "is not a readable Excel workbook", field=name, value=str(exc)[:80]
        ) from exc
    names = list(book.sheet_names)
    chosen = names[0] if sheet is None else sheet
    if isinstance(chosen, int):
        if not 0 <= chosen < len(names):
            raise DataFormatError(
                f"no sheet number {chosen}; sheets: {names}", field=name, value=chosen
            )
        chosen = names[chosen]
    if chosen not in names:
        raise DataFormatError(f"no such sheet; sheets: {names}", field=name, value=chosen)
    rows = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    if not rows:
        raise DataFormatError("the sheet is empty (no header row)", field=name, value=chosen)
    header = [_header(_cell(v) or "") for v in rows[0]]
    body = rows[1:]
    columns = [pa.array([_cell(r[j]) for r in body], pa.string()) for j in range(len(header))]
    lines = np.arange(2, 2 + len(body), dtype=np.int64)
    return RawTable(pa.table(columns, names=header), f"{name}[{chosen}]", None, lines)
