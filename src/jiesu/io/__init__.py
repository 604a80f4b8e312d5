"""Readers and writers of ticket exports (导入导出): CSV, Excel, Parquet, JSON Lines and Open311.

:func:`read_tickets` reads a district's export into the canonical ticket table: Chinese headers mapped
to fields, answers as codes, wall times read in the declared zone, and every unreadable cell listed.
:func:`write_table` writes a table back with personal data withheld.
"""

from jiesu.io._fields import (
    BLANK_LIKE,
    BOOL_SPELLINGS,
    DEFAULT_HEADERS,
    FIELDS,
    PERSONAL_FIELDS,
    FieldSpec,
    FieldType,
)
from jiesu.io._open311 import (
    Open311Catalogue,
    Open311Service,
    read_open311_requests,
    read_open311_services,
    to_open311_request,
)
from jiesu.io._tickets import TicketTable, read_table, read_tickets
from jiesu.io._write import MASKED, mask_text, write_table

__all__ = [
    "BLANK_LIKE",
    "BOOL_SPELLINGS",
    "DEFAULT_HEADERS",
    "FIELDS",
    "MASKED",
    "PERSONAL_FIELDS",
    "FieldSpec",
    "FieldType",
    "Open311Catalogue",
    "Open311Service",
    "TicketTable",
    "mask_text",
    "read_open311_requests",
    "read_open311_services",
    "read_table",
    "read_tickets",
    "to_open311_request",
    "write_table",
]
