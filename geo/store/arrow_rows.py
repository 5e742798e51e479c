"""Decoding a layer read as an Arrow table (GDAL's Arrow stream) into the store's frame."""

# Whole-layer reads are the store's hot path (an analysis of three years of incidents reads a
# million rows). Fetching rows as Python tuples and decoding them column by column costs about
# four times GDAL's columnar Arrow read of the same file, so the GeoPackage backend reads whole
# layers as Arrow (:func:`layer_sql` is the query) and this module decodes the columns with the
# rules of :func:`geo.store.rows.decode_column`, vectorised: the result is equal, value for
# value and dtype for dtype, to the row-by-row decoding (tests/geo/store/test_arrow_rows.py).
# Dates and date-times are read as their stored text (``CAST … AS TEXT``, so GDAL does not
# reinterpret them) and parsed by pandas exactly as before; booleans are compared with 1 in SQL
# (true exactly when the stored value equals 1, missing is false).

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.store.rows import Col, decode_column, finish_frame

logger = logging.getLogger(__name__)

#: One 2D point as little-endian ISO WKB (what GDAL's Arrow stream gives for a point).
WKB_POINT: Final = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def column_sql(name: str, col: Col, quoted: str, present: bool) -> str:
    """Return the select expression of one stored column for an Arrow read.

    Parameters
    ----------
    name : str
        The column's name (the result column keeps it).
    col : Col
        How the column is stored.
    quoted : str
        The name quoted as an SQL identifier.
    present : bool
        Whether the table has the column (a store made before it was added reads NULL).
    """
    if not present:
        return f"NULL AS {quoted}"
    if col in (Col.DATE, Col.DATETIME):
        return f"CAST({quoted} AS TEXT) AS {quoted}"
    if col is Col.BOOLEAN:
        return f"CASE WHEN {quoted} = 1 THEN 1 ELSE 0 END AS {quoted}"
    return quoted


def _to_numpy(values: pa.ChunkedArray | pa.Array) -> npt.NDArray[Any]:
    """Return an Arrow column as a numpy array (objects where it has nulls or text)."""
    return np.asarray(values.to_numpy(zero_copy_only=False))


#: The text the store writes for each time type (``geo.store.rows``), and the Arrow type it is.
_CANONICAL: Final[dict[Col, tuple[str, pa.DataType]]] = {
    Col.DATETIME: (r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", pa.timestamp("ns", tz="UTC")),
    Col.DATE: (r"^\d{4}-\d\d-\d\d$", pa.timestamp("ns")),
}
#: The same forms character by character: ``9`` is an ASCII digit, anything else itself.
_FORMS: Final = {Col.DATETIME: "9999-99-99T99:99:99.999Z", Col.DATE: "9999-99-99"}


def _has_form(values: pa.ChunkedArray | pa.Array, col: Col) -> bool:
    r"""Return whether every value is text of the store's own form for ``col``.

    The same test as matching :data:`_CANONICAL`'s pattern (RE2's ``\d`` is ASCII ``[0-9]``;
    nulls are skipped, and no value at all does not match), done on the bytes with numpy: a
    regular expression costs ~75 ns a value, a third of the decoding of 100k incidents. When
    null slots hold bytes (Arrow allows it; GDAL does not write it) the pattern is matched.
    """
    form = _FORMS[col]
    chunk = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_string(chunk.type):
        chunk = chunk.cast(pa.large_string())
    valid = np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if not valid.any():
        return False
    _validity, offsets_buf, data_buf = chunk.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[
        chunk.offset : chunk.offset + len(chunk) + 1
    ]
    lengths = np.diff(offsets)
    if (lengths[valid] != len(form)).any():
        return False
    if lengths[~valid].any():
        return bool(pc.all(pc.match_substring_regex(chunk, _CANONICAL[col][0])).as_py())
    start = int(offsets[0])
    text = np.frombuffer(data_buf, dtype=np.uint8)[start : start + len(form) * int(valid.sum())]
    text = text.reshape(-1, len(form))
    shape = np.frombuffer(form.encode(), dtype=np.uint8)
    digit = shape == ord("9")
    digits = text[:, digit]
    return bool(
        ((digits >= ord("0")) & (digits <= ord("9"))).all()
        and (text[:, ~digit] == shape[~digit]).all()
    )


def _canonical_times(values: pa.ChunkedArray | pa.Array, col: Col) -> pd.Series | None:
    """Return times stored in the store's own format, parsed by Arrow (``None``: other text).

    Only when every value has exactly the form the store writes (``YYYY-MM-DD`` or
    ``YYYY-MM-DDTHH:MM:SS.sssZ``), where Arrow's and pandas' ISO 8601 parsers agree, and
    Arrow accepts every value; anything else is parsed by pandas as before.
    """
    if not _has_form(values, col):
        return None
    try:
        return _cast_times(values, _CANONICAL[col][1])
    except pa.ArrowInvalid:
        return None


def _cast_times(values: pa.ChunkedArray | pa.Array, target: pa.DataType) -> pd.Series:
    """Return times cast by Arrow to ``target`` (checked) as a pandas Series of its dtype."""
    parsed = pc.cast(values, target)
    times: pd.Series = pd.Series(parsed.to_pandas(), dtype=target.to_pandas_dtype())
    return times


#: Ticks per millisecond of each Arrow timestamp unit finer than a millisecond.
_PER_MS: Final = {"us": 1_000, "ns": 1_000_000}


def _typed_times(values: pa.ChunkedArray | pa.Array, col: Col) -> pd.Series:
    """Return dates or instants read as Arrow dates/timestamps (PostGIS) as the store's times.

    Instants are rounded to the millisecond, half away from zero, as the COPY read's
    ``(extract(epoch FROM t) * 1000)::bigint`` does (the store writes whole milliseconds, so
    this changes nothing it wrote). Casts are checked: a value pandas cannot hold raises
    ``pyarrow.ArrowInvalid``.
    """
    target = _CANONICAL[col][1]
    if col is Col.DATETIME:
        kind = values.type
        per_ms = _PER_MS.get(kind.unit, 1)
        if per_ms > 1:
            ticks = pc.cast(values, pa.int64())
            raw = pc.fill_null(ticks, 0).to_numpy(zero_copy_only=False).astype(np.int64)
            ms = np.sign(raw) * ((np.abs(raw) + per_ms // 2) // per_ms)
            mask = pc.is_null(ticks).to_numpy(zero_copy_only=False)
            values = pa.array(ms, mask=mask, type=pa.timestamp("ms", tz=kind.tz))
    return _cast_times(values, target)


def decode_arrow_column(values: pa.ChunkedArray | pa.Array, col: Col) -> Any:
    """Return a pandas array or Series of one column, as :func:`decode_column` would.

    Parameters
    ----------
    values : pyarrow.ChunkedArray or pyarrow.Array
        The column as read (a column that is all NULL may come typed as text or null).
    col : Col
        How the column is stored.

    Returns
    -------
    pandas.Series, pandas array or numpy.ndarray
    """
    kind = values.type
    if col is Col.TEXT and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return pd.Series(pd.array(values, dtype="str"))
    if col is Col.INTEGER and pa.types.is_integer(kind):
        data = pc.fill_null(values, 0).to_numpy().astype(np.int64, copy=False)
        mask = pc.is_null(values).to_numpy(zero_copy_only=False)
        return pd.arrays.IntegerArray(data, mask)
    if col is Col.REAL and (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        return _to_numpy(pc.cast(values, pa.float64()).fill_null(np.nan)).astype(np.float64)
    if col is Col.BOOLEAN and pa.types.is_integer(kind):
        # the select list already made it 1 exactly when the stored value equals 1, else 0
        return pc.fill_null(values, 0).to_numpy().astype(np.int64) == 1
    if col in _CANONICAL and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        fast = _canonical_times(values, col)
        if fast is not None:
            return fast
    if col is Col.BOOLEAN and pa.types.is_boolean(kind):  # PostgreSQL's boolean
        return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)
    if (col is Col.DATETIME and pa.types.is_timestamp(kind) and kind.tz is not None) or (
        col is Col.DATE and pa.types.is_date(kind)
    ):
        return _typed_times(values, col)
    if col is Col.BOOLEAN and pa.types.is_null(kind):
        return np.zeros(len(values), dtype=bool)
    # dates and date-times (stored text), all-NULL columns, anything unexpected: the
    # row-by-row rule on the values themselves
    return decode_column(cast(Sequence[Any], _to_numpy(values)), col)


def decode_wkb_geometries(values: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.object_]:
    """Return shapely geometries from a WKB column (nulls stay missing).

    Two-dimensional points, the common case (millions of incidents), are decoded with numpy
    from the column's buffer instead of parsing WKB blob by blob.
    """
    chunk = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    n = len(chunk)
    if n and chunk.null_count == 0:
        binary = chunk.cast(pa.large_binary()) if pa.types.is_binary(chunk.type) else chunk
        if pa.types.is_large_binary(binary.type):
            _validity, offsets_buf, data_buf = binary.buffers()
            offsets = np.frombuffer(offsets_buf, dtype=np.int64)[binary.offset :][: n + 1]
            if (np.diff(offsets) == WKB_POINT.itemsize).all():
                start = int(offsets[0])
                raw = np.frombuffer(data_buf, dtype=np.uint8)[
                    start : start + n * WKB_POINT.itemsize
                ]
                records = raw.view(WKB_POINT)
                if (
                    (records["order"] == 1).all()
                    and (records["type"] == 1).all()
                    and not np.isnan(records["x"]).any()
                ):
                    return np.asarray(shapely.points(records["x"], records["y"]), dtype=object)
    geoms: npt.NDArray[np.object_] = shapely.from_wkb(_to_numpy(chunk))
    return geoms


def decode_arrow_frame(table: pa.Table, columns: Sequence[tuple[str, Col]]) -> pd.DataFrame:
    """Return the frame of an Arrow table's stored columns, as :func:`decode_frame` would.

    Parameters
    ----------
    table : pyarrow.Table
        One column per ``(name, storage type)`` (other columns are ignored).
    columns : sequence of (str, Col)

    Returns
    -------
    pandas.DataFrame
        With a ``RangeIndex``.
    """
    data = {name: decode_arrow_column(table.column(name), col) for name, col in columns}
    return finish_frame(data, table.num_rows)
