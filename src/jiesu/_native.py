"""Hand a small Arrow table back as the caller's kind of frame (shared by the frame paths).

Eager input gives an eager table of the same library (pandas with nullable dtypes, so a missing value is
``<NA>``, never NaN); lazy input gives a lazy frame of the same library.
"""

from __future__ import annotations

from typing import Any


def _pandas_nullable(arrow_type: Any) -> Any:  # noqa: ANN401 - pyarrow and pandas types
    import pandas as pd  # noqa: PLC0415 - only when the input is pandas
    import pyarrow as pa  # noqa: PLC0415 - only the pandas branch needs it

    return {
        pa.float64(): pd.Float64Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.string(): pd.StringDtype(),
        pa.bool_(): pd.BooleanDtype(),
    }.get(arrow_type)


def like(frame: Any, table: Any) -> Any:  # noqa: ANN401 - any dataframe, and a pyarrow table
    """``table`` (pyarrow) as the same kind of frame as ``frame``."""
    import narwhals as nw  # noqa: PLC0415 - frame machinery loads on first use

    source = nw.from_native(frame)
    impl = source.implementation
    if isinstance(source, nw.DataFrame):
        if impl.is_pandas():
            return table.to_pandas(types_mapper=_pandas_nullable)
        return nw.from_arrow(table, backend=impl).to_native()
    if impl.is_polars():
        return nw.from_arrow(table, backend=impl).lazy().to_native()
    if impl.is_duckdb():
        return nw.from_native(table).lazy(backend=impl).to_native()
    session = frame.sparkSession
    return nw.from_native(table).lazy(backend=impl, session=session).to_native()
