"""Write a ticket table (写出工单表) to CSV, Excel, Parquet or JSON Lines, personal data withheld."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from jiesu.errors import DataFormatError, MissingDependencyError, ValidationError
from jiesu.io._fields import DEFAULT_HEADERS, PERSONAL_FIELDS, RESERVED, header_index
from jiesu.io._source import _from_frame, arrow
from jiesu.io._tickets import TicketTable

if TYPE_CHECKING:
    import os

    import pyarrow as pa

WRITE_SUFFIXES: Final = (".csv", ".xlsx", ".parquet", ".jsonl", ".ndjson")
"""The file suffixes :func:`~jiesu.io.write_table` writes."""

_EXCEL_ROWS: Final = 1_048_576
_PATTERNS: Final = (
    r"\d{17}[\dXx]",  # 居民身份证号码
    r"(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}",  # 手机号码, with separators
    r"0\d{2,3}[\s-]\d{7,8}",  # 固定电话 with an area code
    r"\d{7,}",  # any other run of seven or more digits
)
MASKED: Final = "***"
"""What replaces a phone or ID-card number in free text (脱敏)."""


def mask_text(column: pa.Array) -> pa.Array:
    """Replace phone and ID-card numbers in a column of free text by ``***`` (文本脱敏).

    Args:
        column: A ``pyarrow`` string array.

    Returns:
        The same texts with every identity-card number, phone number and run of seven or more digits
        replaced.

    Examples:
        >>> import pyarrow as pa
        >>> mask_text(pa.array(["电话138-1234-5678，身份证11010519491231002X", None])).to_pylist()
        ['电话***，身份证***', None]
    """
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    for pattern in _PATTERNS:
        column = pc.replace_substring_regex(column, pattern, MASKED)
    return column


def write_table(
    table: object,
    path: str | os.PathLike[str],
    *,
    include_personal_data: bool = False,
    headers: Literal["field", "zh"] = "field",
    timezone: str | None = None,
) -> Path:
    r"""Write a ticket table to ``.csv``, ``.xlsx``, ``.parquet`` or ``.jsonl`` (写出工单表).

    CSV is UTF-8 with a BOM, so that spreadsheet software reads the Chinese text. Personal columns are
    withheld unless ``include_personal_data=True``: caller name and phone are left out, and phone and
    ID-card numbers in the free text are replaced by ``***``. In text formats (CSV, Excel, JSON Lines)
    instants are written as ``YYYY-MM-DD HH:MM:SS+08:00`` in ``timezone`` (default: the table's declared
    zone, else UTC), so that they read back as the same instant.

    Args:
        table: A :class:`TicketTable` (its ``row`` and ``line`` columns are left out), a ``pyarrow.Table``
            or any dataframe narwhals reads.
        path: The output file; its folder must exist.
        include_personal_data: Write caller name, phone and unmasked free text.
        headers: ``"field"`` (canonical names) or ``"zh"`` (the first default Chinese header).
        timezone: The zone of the written wall times.

    Returns:
        The path written.

    Raises:
        DataFormatError: Unknown suffix, missing output folder, or too many rows for a sheet.

    Examples:
        >>> import pathlib, tempfile, pyarrow as pa
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "tickets.csv"
        >>> frame = pa.table({"ticket_id": ["0001"], "caller_phone": ["13812345678"]})
        >>> _ = write_table(frame, out, headers="zh")
        >>> out.read_text(encoding="utf-8-sig")
        '"工单编号"\n"0001"\n'
    """
    pa = arrow()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in WRITE_SUFFIXES:
        raise DataFormatError(
            f"unknown output type; jiesu writes {', '.join(WRITE_SUFFIXES)}",
            field=str(target),
            value=suffix,
        )
    if not target.parent.is_dir():
        raise DataFormatError(
            "the output folder does not exist", field=str(target), value=str(target.parent)
        )
    if headers not in ("field", "zh"):
        raise ValidationError("must be 'field' or 'zh'", field="headers", value=headers)
    if isinstance(table, TicketTable):
        zone = timezone or table.timezone
        frame = table.frame.drop_columns([n for n in RESERVED if n in table.frame.column_names])
    else:
        zone = timezone
        frame = _from_frame(table, pa)
    if not include_personal_data:
        frame = _withhold(frame, pc)
    if headers == "zh":
        frame = frame.rename_columns(
            [DEFAULT_HEADERS[n][0] if n in DEFAULT_HEADERS else n for n in frame.column_names]
        )
    if suffix == ".parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415 - the io extra is optional

        pq.write_table(frame, target)
        return target
    _write_text(_instants_as_text(frame, zone or "UTC", pa, pc), target, suffix)
    return target


def _write_text(frame: pa.Table, target: Path, suffix: str) -> None:
    if suffix == ".csv":
        import pyarrow.csv as pacsv  # noqa: PLC0415 - the io extra is optional

        with target.open("wb") as handle:
            handle.write(b"\xef\xbb\xbf")
            pacsv.write_csv(frame, handle)
    elif suffix == ".xlsx":
        _write_xlsx(frame, target)
    else:
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            for record in frame.to_pylist():
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _withhold(frame: pa.Table, pc: Any) -> pa.Table:  # noqa: ANN401 - pyarrow ships no type information
    """Leave out caller name and phone; mask the free text (by canonical name or default header)."""
    index = header_index()
    kept = []
    for name in frame.column_names:
        field = index.get(name)
        if field in PERSONAL_FIELDS and field != "content":
            continue
        kept.append(name)
    frame = frame.select(kept)
    for position, name in enumerate(frame.column_names):
        if index.get(name) == "content":
            column = frame.column(name)
            text = column if column.type == "string" else pc.cast(column, "string")
            frame = frame.set_column(position, name, mask_text(text))
    return frame


def _instants_as_text(frame: pa.Table, zone: str, pa: Any, pc: Any) -> pa.Table:  # noqa: ANN401 - pyarrow
    for position, (name, column) in enumerate(zip(frame.column_names, frame.columns, strict=True)):
        if not pa.types.is_timestamp(column.type):
            continue
        if column.type.tz is None:
            raise ValidationError(
                "naive timestamps cannot be written (a time zone is never guessed)",
                field=name,
                value=str(column.type),
            )
        micros = pc.fill_null(pc.cast(column, pa.int64()), 0).to_numpy(zero_copy_only=False)
        unit = "s" if (np.asarray(micros) % 1_000_000 == 0).all() else "us"
        local = pc.cast(pc.cast(column, pa.timestamp("us", tz="UTC")), pa.timestamp(unit, tz=zone))
        frame = frame.set_column(position, name, pc.strftime(local, format="%Y-%m-%d %H:%M:%S%Ez"))
    return frame


def _write_xlsx(frame: pa.Table, target: Path) -> None:
    try:
        import xlsxwriter  # noqa: PLC0415 - the excel extra is optional
    except (
        ImportError
    ) as exc:  # pragma: no cover - exercised only without the excel extra installed
        raise MissingDependencyError("xlsxwriter", extra="excel") from exc
    if frame.num_rows + 1 > _EXCEL_ROWS:
        raise DataFormatError(
            f"{frame.num_rows} rows do not fit one sheet ({_EXCEL_ROWS - 1}); write .csv or .parquet",
            field=str(target),
            value=frame.num_rows,
        )
    options = {
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
    }
    with xlsxwriter.Workbook(str(target), options) as book:
        sheet = book.add_worksheet("tickets")
        sheet.write_row(0, 0, frame.column_names)
        for position, column in enumerate(frame.columns):
            sheet.write_column(1, position, column.to_pylist())
