"""The bundled sample district and its seeded generators (示例区与示例数据生成).

示例区 is a fictional district of the fictional 示例市: 14 streets and towns (街道/乡镇) with 87 communities
and villages (社区/村), a lake cut out as a hole, an enclave (飞地), three swap zones, 145 handling units and
a dispatch catalogue of 133 level-3 categories. Its files (GeoJSON in WGS-84, TOML, CSV) are bundled under
``jiesu/data/sample/`` and read lazily, on first use (no I/O at import); :func:`data_file` hands them to
loaders such as the routing package's.

Generators, each deterministic for a seed:

- :func:`generate_complaints`: a month of complaints with realistic, documented (assumed) mixes of kind,
  channel, urgency, seasonal category, coordinate system (GCJ-02 / BD-09 / WGS-84 / CGCS2000), intake hour
  and weekday, and fake callers;
- :func:`simulate`: a full event history for one complaint that the ``beijing`` lifecycle accepts;
- :func:`raw_complaint_table` and :func:`raw_score_table`: raw intake and scoring exports with Chinese headers
  and deliberately bad rows, for command-line and validation demos;
- :func:`generate_ticket_table`: per-ticket scoring columns as numpy arrays, 10M rows in seconds;
- :func:`simulate_month` and :func:`generate_export`: a month routed and lived through, and its ticket export
  as a platform writes it (Chinese headers, wall times without an offset, labels), for the monthly job.

Constants: :data:`DATA_FILES` (the bundled file names), :data:`RAW_HEADERS` and :data:`SCORE_HEADERS` (the raw
tables' headers),
:data:`CALLBACK_CODES`, :data:`SATISFACTION_CODES` and :data:`TABLE_COLUMNS` (the ticket table's codes,
those of :func:`jiesu.scoring.score_many`, and its columns).

Examples:
    >>> from jiesu.sample import generate_complaints, units
    >>> units()[0].name
    '示例区'
    >>> len(generate_complaints(year=2025, month=1, n=10, seed=1))
    10
"""

from __future__ import annotations

from jiesu.sample._complaints import (
    category_weights,
    community_propensity,
    day_weights,
    default_volume,
    generate_complaints,
)
from jiesu.sample._data import DATA_FILES, categories, data_file, population, units
from jiesu.sample._export import EXPORT_HEADERS, export_rows, generate_export, simulate_month
from jiesu.sample._raw import HEADERS as RAW_HEADERS
from jiesu.sample._raw import SCORE_HEADERS, RawTable, raw_complaint_table, raw_score_table
from jiesu.sample._simulate import simulate
from jiesu.sample._table import CALLBACK_CODES, SATISFACTION_CODES, generate_ticket_table
from jiesu.sample._table import COLUMNS as TABLE_COLUMNS

__all__ = [
    "CALLBACK_CODES",
    "DATA_FILES",
    "EXPORT_HEADERS",
    "RAW_HEADERS",
    "SATISFACTION_CODES",
    "SCORE_HEADERS",
    "TABLE_COLUMNS",
    "RawTable",
    "categories",
    "category_weights",
    "community_propensity",
    "data_file",
    "day_weights",
    "default_volume",
    "export_rows",
    "generate_complaints",
    "generate_export",
    "generate_ticket_table",
    "population",
    "raw_complaint_table",
    "raw_score_table",
    "simulate",
    "simulate_month",
    "units",
]
