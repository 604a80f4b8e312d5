"""Read a ticket export into the canonical ticket table (标准工单表)."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from jiesu.errors import DataFormatError, Problem, ValidationError, ValidationReport
from jiesu.io._fields import BLANK_LIKE, BOOL_SPELLINGS, FIELDS, RESERVED, header_index
from jiesu.io._source import arrow, load

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pyarrow as pa

    from jiesu.io._fields import FieldSpec

_NUMBER: Final = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_PERIOD: Final = r"^(?P<y>\d{4})\s*(?:[-/.年]\s*)?(?P<m>\d{1,2})\s*月?$"
_DATETIME: Final = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*日\s*)(?P<h>\d{1,2})\s*[:：时]\s*(?P<mi>\d{1,2})"
    r"(?:\s*[:：分]\s*(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<z>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_OFFSET: Final = r"^(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})?$"
_SPACES: Final = (
    "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
)
"""Every Unicode space (U+3000 ideographic, U+00A0 no-break…), plus the zero-width ones and the BOM."""
_US_PER_DAY: Final = 86_400_000_000
_BAD_DATETIME: Final = "not a date-time (expected YYYY-MM-DD HH:MM[:SS] with an optional offset)"


@attrs.frozen(eq=False, repr=False)
class TicketTable:
    """A ticket export read into canonical columns (标准工单表), with every unreadable cell listed.

    Attributes:
        frame: A ``pyarrow.Table``, one row per source row in source order: ``row`` (0-based), ``line``
            (the line in a CSV file or the row number in a sheet, header = 1; the record's line in JSON
            Lines; ``row + 2`` for Parquet and dataframes), then the source's columns
            under their canonical names (unknown headers under their own name).
        problems: Every cell that could not be read (row, field, raw value — masked when personal —,
            reason). The row stays in ``frame`` with that cell null.
        source: The file read (or the dataframe's type name).
        encoding: The encoding of a CSV file (detected or given); ``None`` for other sources.
        header_map: Each mapped source header to its canonical field, as used.
        unmapped: The source headers kept under their own name.
        timezone: The declared zone wall times were read in (``None``: none declared).
    """

    frame: pa.Table
    problems: ValidationReport
    source: str
    encoding: str | None
    header_map: Mapping[str, str]
    unmapped: tuple[str, ...]
    timezone: str | None

    @property
    def bad_rows(self) -> tuple[int, ...]:
        """The rows (0-based) with at least one problem, in order."""
        return tuple(int(r) for r in self.problems.rows)

    def __len__(self) -> int:
        """The number of rows."""
        return int(self.frame.num_rows)

    def __repr__(self) -> str:
        """Show the source and the counts only: cells may be personal."""
        return (
            f"TicketTable(source={self.source!r}, rows={len(self)}, "
            f"problems={len(self.problems)}, bad_rows={len(self.bad_rows)})"
        )


def read_table(
    source: object, *, encoding: str = "auto", sheet: str | int | None = None
) -> pa.Table:
    """Read a file or dataframe as a table of text (原始表): source headers, every cell a string.

    Codes keep their leading zeros and whole Excel numbers read as ``"12"``. No cell is trimmed or
    parsed: :func:`read_tickets` does that.

    Args:
        source: A path (``.csv``, ``.txt``, ``.xlsx``, ``.xls``, ``.parquet``, ``.jsonl``, ``.ndjson``)
            or a dataframe narwhals reads.
        encoding: A CSV file's encoding: ``"auto"`` (UTF-8 with or without BOM, else GB18030) or a name.
        sheet: A workbook's sheet, by name or 0-based number (default: the first).

    Returns:
        A ``pyarrow.Table`` of strings with the source's (trimmed) headers.

    Raises:
        DataFormatError: The file is missing, empty, undecodable or malformed.

    Examples:
        >>> import pyarrow as pa
        >>> read_table(pa.table({"工单编号": ["0101"], "延期天数": [2.0]})).to_pylist()
        [{'工单编号': '0101', '延期天数': '2'}]
    """
    return load(source, encoding=encoding, sheet=sheet).table


def read_tickets(
    source: object,
    *,
    timezone: str | None,
    columns: Mapping[str, str | None] | None = None,
    encoding: str = "auto",
    sheet: str | int | None = None,
) -> TicketTable:
    """Read a ticket export into canonical columns (读取工单导出表), listing every unreadable cell.

    Headers map to fields by :data:`~jiesu.io.DEFAULT_HEADERS` (and the field names themselves); the
    caller's ``columns`` ({source header: field, or ``None`` to keep a header unmapped}) wins. Wall times
    without an offset are read in ``timezone``; an offset in the value is honoured.

    Args:
        source: A path (``.csv``, ``.txt``, ``.xlsx``, ``.xls``, ``.parquet``, ``.jsonl``, ``.ndjson``)
            or a dataframe narwhals reads.
        timezone: The IANA zone the district declares for wall times, or ``None`` (naive times are then
            problems, never guessed).
        columns: Source headers to canonical fields, over the default map.
        encoding: A CSV file's encoding: ``"auto"`` or a codec name such as ``"gb18030"``.
        sheet: A workbook's sheet, by name or 0-based number (default: the first).

    Returns:
        The :class:`TicketTable`.

    Raises:
        DataFormatError: The file is missing, empty, undecodable or malformed, a header is duplicated, or
            two headers map to one field.
        ValidationError: ``timezone`` is not a known IANA zone, or ``columns`` names an unknown field.

    Examples:
        >>> import pyarrow as pa
        >>> export = pa.table({
        ...     "工单编号": ["0001", "0002"],
        ...     "受理时间": ["2025-03-05 10:00:00", "2025/3/5 25:00"],
        ...     "是否解决": ["是", "0"],
        ...     "回访结果": ["已回访", "无法联系"],
        ... })
        >>> tickets = read_tickets(export, timezone="Asia/Shanghai")
        >>> tickets.frame.column("received_at")[0].as_py().isoformat()
        '2025-03-05T02:00:00+00:00'
        >>> tickets.frame.column("solved").to_pylist(), tickets.frame.column("callback").to_pylist()
        ([True, False], ['answered', 'unreachable'])
        >>> tickets.bad_rows
        (1,)
        >>> print(tickets.problems.problems[0])
        row 1, received_at: not a date-time (expected YYYY-MM-DD HH:MM[:SS] with an optional offset) (got '2025/3/5 25:00')
    """  # noqa: E501 - the doctest shows the whole message
    if timezone is not None:
        _check_zone(timezone)
    raw = load(source, encoding=encoding, sheet=sheet)
    pa = arrow()
    mapping = _map_headers(raw.table.column_names, columns or {}, raw.name)
    names: list[str] = ["row", "line"]
    arrays: list[Any] = [
        pa.array(np.arange(raw.table.num_rows, dtype=np.int64)),
        pa.array(raw.lines),
    ]
    problems: list[tuple[int, int, Problem]] = []
    for position, (header, column) in enumerate(
        zip(raw.table.column_names, raw.table.columns, strict=True)
    ):
        field = mapping.get(header)
        clean = _clean(column.combine_chunks())
        if field is None:
            names.append(header)
            arrays.append(clean)
            continue
        values, failures = _convert(clean, FIELDS[field], timezone)
        names.append(field)
        arrays.append(values)
        for failed, reason in failures:
            rows = np.flatnonzero(failed)
            cells = clean.take(pa.array(rows)).to_pylist()
            for row, cell in zip(rows.tolist(), cells, strict=True):
                # Personal fields are free text, never unreadable: a problem's cell is never personal.
                problems.append((row, position, Problem(row, field, cell, reason)))
    problems.sort(key=lambda item: (item[0], item[1]))
    frame = pa.table(arrays, names=names)
    return TicketTable(
        frame=frame,
        problems=ValidationReport([p for _, _, p in problems], total=frame.num_rows),
        source=raw.name,
        encoding=raw.encoding,
        header_map=MappingProxyType({h: f for h, f in mapping.items() if f is not None}),
        unmapped=tuple(h for h in raw.table.column_names if mapping.get(h) is None),
        timezone=timezone,
    )


def _check_zone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            "not a known IANA time zone", field="timezone", value=timezone
        ) from exc


def _map_headers(
    headers: list[str], columns: Mapping[str, str | None], name: str
) -> dict[str, str | None]:
    for header, field in columns.items():
        if field is not None and field not in FIELDS:
            raise ValidationError(
                f"unknown field; fields: {', '.join(FIELDS)}",
                field=f"columns[{header!r}]",
                value=field,
            )
    duplicated = [h for h, n in Counter(headers).items() if n > 1]
    if duplicated:
        raise DataFormatError("duplicated header", field=name, value=duplicated[0])
    index = header_index()
    mapping: dict[str, str | None] = {}
    for header in headers:
        field = columns[header] if header in columns else index.get(header)
        if field is None and header in RESERVED:
            raise DataFormatError(
                f"the header {header!r} is reserved for the row index; rename it with columns=",
                field=name,
                value=header,
            )
        mapping[header] = field
    seen: dict[str, str] = {}
    for header, field in mapping.items():
        if field is None:
            continue
        if field in seen:
            raise DataFormatError(
                f"the headers {seen[field]!r} and {header!r} both map to {field!r}; "
                "choose one with columns={header: None}",
                field=name,
                value=header,
            )
        seen[field] = header
    return mapping


def _clean(column: pa.Array) -> pa.Array:
    """Trim every Unicode space (and BOM / zero-width space); blank and blank-like cells become null."""
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    trimmed = pc.utf8_trim(column, characters=_SPACES)
    blank = pc.or_(pc.equal(trimmed, ""), pc.is_in(trimmed, value_set=pa.array(BLANK_LIKE)))
    return pc.if_else(pc.fill_null(blank, fill_value=True), pa.scalar(None, pa.string()), trimmed)


_Failures = list[tuple[np.ndarray[Any, np.dtype[np.bool_]], str]]


def _convert(clean: pa.Array, field: FieldSpec, timezone: str | None) -> tuple[pa.Array, _Failures]:
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    present = pc.is_valid(clean).to_numpy(zero_copy_only=False)
    if field.type == "str":
        return clean, []
    if field.type == "float":
        ok = pc.fill_null(pc.match_substring_regex(clean, _NUMBER), fill_value=False)
        values = pc.cast(pc.if_else(ok, clean, pa.scalar(None, pa.string())), pa.float64())
        failures = [(present & ~ok.to_numpy(zero_copy_only=False), "not a number")]
        if field.limit is not None:  # out of range: a problem, and no value to locate with
            inside = pc.fill_null(pc.less_equal(pc.abs(values), field.limit), fill_value=True)
            values = pc.if_else(inside, values, pa.scalar(None, pa.float64()))
            outside = ~inside.to_numpy(zero_copy_only=False)
            failures.append((outside, f"must be within [-{field.limit:g}, {field.limit:g}]"))
        return values, failures
    if field.type in ("bool", "code"):
        table = dict(BOOL_SPELLINGS) if field.type == "bool" else dict(field.codes)
        where = pc.index_in(pc.utf8_lower(clean), value_set=pa.array(list(table)))
        values = pc.take(pa.array(list(table.values())), where)
        unknown = present & ~pc.is_valid(where).to_numpy(zero_copy_only=False)
        allowed = (
            "是/否, 1/0, true/false, Y/N"
            if field.type == "bool"
            else ", ".join(sorted({str(v) for v in table.values()}))
        )
        return values, [(unknown, f"unknown value; allowed: {allowed}")]
    if field.type == "period":
        return _period(clean, present)
    return _datetimes(clean, present, timezone)


def _ints(parts: pa.Array, name: str, default: str = "0") -> np.ndarray[Any, np.dtype[np.int64]]:
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    text = pc.fill_null(pc.struct_field(parts, name), "")
    text = pc.if_else(pc.equal(text, ""), default, text)
    return np.asarray(pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _period(clean: pa.Array, present: np.ndarray[Any, Any]) -> tuple[pa.Array, _Failures]:
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    parts = pc.extract_regex(clean, _PERIOD)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    month = _ints(parts, "m", default="1")
    ok = matched & (month >= 1) & (month <= 12)  # noqa: PLR2004 - months of a year
    text = pc.binary_join_element_wise(
        pc.struct_field(parts, "y"), pc.utf8_lpad(pc.struct_field(parts, "m"), 2, "0"), "-"
    )
    values = pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string()))
    return values, [(present & ~ok, "not a month (expected YYYY-MM, YYYY年M月 or YYYYMM)")]


def _datetimes(
    clean: pa.Array, present: np.ndarray[Any, Any], timezone: str | None
) -> tuple[pa.Array, _Failures]:
    """Parse date-times over the whole column: wall times in ``timezone``, offsets honoured."""
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    parts = pc.extract_regex(clean, _DATETIME)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    year, month, day = _ints(parts, "y", "1970"), _ints(parts, "mo", "1"), _ints(parts, "d", "1")
    hour, minute, second = _ints(parts, "h"), _ints(parts, "mi"), _ints(parts, "s")
    fraction = pc.fill_null(pc.struct_field(parts, "f"), "")
    micro = np.asarray(
        pc.cast(pc.utf8_slice_codeunits(pc.utf8_rpad(fraction, 6, "0"), 0, 6), pa.int64()).to_numpy(
            zero_copy_only=False
        ),
        dtype=np.int64,
    )
    month_ok = (month >= 1) & (month <= 12)  # noqa: PLR2004 - months of a year
    months = (year - 1970) * 12 + np.where(month_ok, month, 1) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - first
    ok = (
        matched
        & month_ok
        & (day >= 1)
        & (day <= length)
        & (hour <= 23)  # noqa: PLR2004 - hours of a day
        & (minute <= 59)  # noqa: PLR2004 - minutes of an hour
        & (second <= 59)  # noqa: PLR2004 - seconds of a minute
    )
    local = (
        (first + day - 1) * _US_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro
    )
    zone = pc.fill_null(pc.struct_field(parts, "z"), "")
    offsets = pc.extract_regex(zone, _OFFSET)
    sign = np.where(
        pc.fill_null(pc.struct_field(offsets, "sign"), "+").to_numpy(zero_copy_only=False) == "-",
        -1,
        1,
    )
    offset = sign * (_ints(offsets, "hh") * 60 + _ints(offsets, "mm")) * 60 * 1_000_000
    aware = pc.not_equal(zone, "").to_numpy(zero_copy_only=False)
    instants = np.where(aware, local - offset, 0)
    failures: _Failures = [(present & ~ok, _BAD_DATETIME)]
    naive = ok & ~aware
    if timezone is None:
        failures.append(
            (naive, "a wall time without offset and no time zone declared (pass timezone=)")
        )
        ok &= aware
    elif naive.any():
        wall = pa.array(np.where(naive, local, 0), pa.timestamp("us"))
        early = pc.assume_timezone(
            wall, timezone=timezone, ambiguous="earliest", nonexistent="earliest"
        )
        late = pc.assume_timezone(wall, timezone=timezone, ambiguous="latest", nonexistent="latest")
        early_us = np.asarray(early.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
        late_us = np.asarray(late.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
        back = np.asarray(
            pc.local_timestamp(early).cast(pa.int64()).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        unsure = naive & (early_us != late_us)
        missing = unsure & (back != local)
        failures.append((missing, f"this wall time does not exist in {timezone} (a clock change)"))
        failures.append(
            (unsure & ~missing, f"this wall time is ambiguous in {timezone} (a clock change)")
        )
        instants = np.where(naive, early_us, instants)
        ok &= ~unsure
    values = pa.array(instants, pa.timestamp("us", tz="UTC"), mask=~ok)
    return values, failures
