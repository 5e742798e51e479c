"""Encoding rows for storage and decoding them back, one rule shared by every store backend."""

# The GeoPackage store (geo.store.gpkg) and the PostGIS store (geo.store.postgis) accept and
# refuse exactly the same batches and store the same values: the checks, the storage type of
# every column and the encoding of pandas values live here once. Geometries stay shapely
# objects (in EPSG:4326); each backend writes them in its own format.

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.centre import BNSS_SECTION
from geo.crs import WGS84
from geo.errors import StoreError
from geo.schema import (
    GEOMETRY,
    ID_DERIVED,
    LOCATION_PRECISION,
    LOCATION_PRECISIONS,
    MATCHED_PLACE,
    THANA,
    THANA_MISMATCH,
    TIME_EXACT,
    TIME_PRECISION,
    FieldType,
    LayerKind,
    LayerSpec,
    layer_spec,
)
from geo.store.frames import (
    IMP_ACCEPTED,
    IMP_AT,
    IMP_ID,
    IMP_KIND,
    IMP_QUARANTINED,
    IMP_ROWS,
    IMP_SHA256,
    IMP_SOURCE,
    IMPORT_LOG_COLUMNS,
    META_CREATED,
    META_FORMAT,
    META_VERSION,
    Q_IMPORT_ID,
    Q_KIND,
    Q_ORIGINAL,
    Q_ROW,
    Q_SOURCE,
    QUARANTINE_COLUMNS,
    STORE_FORMAT,
)
from geo.store.protocol import ImportBatch, ImportRecord

#: The only CRS rows are stored in.
SRS_ID: Final = 4326

#: One stored row.
Row = tuple[Any, ...]
FloatArray = npt.NDArray[np.float64]


class Col(StrEnum):
    """How a column is stored (the SQLite / GeoPackage type; each backend maps it to its own)."""

    TEXT = "TEXT"
    INTEGER = "INTEGER"
    REAL = "REAL"
    DATE = "DATE"
    DATETIME = "DATETIME"
    BOOLEAN = "BOOLEAN"


FIELD_STORAGE: Final[dict[FieldType, Col]] = {
    FieldType.TEXT: Col.TEXT,
    FieldType.VOCAB: Col.TEXT,
    FieldType.TIMES: Col.TEXT,
    FieldType.INTEGER: Col.INTEGER,
    FieldType.NUMBER: Col.REAL,
    FieldType.DATE: Col.DATE,
    FieldType.DATETIME: Col.DATETIME,
}
DERIVED_STORAGE: Final[dict[str, Col]] = {
    THANA: Col.TEXT,
    THANA_MISMATCH: Col.BOOLEAN,
    LOCATION_PRECISION: Col.TEXT,
    MATCHED_PLACE: Col.TEXT,
    TIME_PRECISION: Col.TEXT,
    ID_DERIVED: Col.BOOLEAN,
}
#: Layers added to the schema after stores were first made: an older store reads them as
#: empty and its next import creates them.
LATER_LAYERS: Final = frozenset(
    {LayerKind.GAZETTEER, LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK, LayerKind.VISITS}
)
#: Columns added after stores were first made: what a row without one means (a store made
#: before reads these values, and a batch built without them is stored with them).
LATER_COLUMNS: Final[dict[str, Any]] = {
    TIME_PRECISION: TIME_EXACT,
    ID_DERIVED: False,
    LOCATION_PRECISION: LOCATION_PRECISIONS[0],
    MATCHED_PLACE: None,
    BNSS_SECTION: None,
}

#: Every quarantine column is text but the file row number.
QUARANTINE_STORAGE: Final[dict[str, Col]] = {
    name: Col.INTEGER if name == Q_ROW else Col.TEXT for name in QUARANTINE_COLUMNS
}
#: The counts of the import log (integers; its other columns are text).
IMPORT_LOG_COUNTS: Final = (IMP_ROWS, IMP_ACCEPTED, IMP_QUARANTINED)
#: The import log keeps, beyond ``IMPORT_LOG_COLUMNS``, what the import changed.
IMPORTS_EXTRA: Final[dict[str, Col]] = {
    "inserted": Col.INTEGER,
    "updated": Col.INTEGER,
    "version": Col.INTEGER,
    "extra": Col.TEXT,
}
IMPORTS_STORAGE: Final[dict[str, Col]] = {
    **{name: Col.INTEGER if name in IMPORT_LOG_COUNTS else Col.TEXT for name in IMPORT_LOG_COLUMNS},
    **IMPORTS_EXTRA,
}


def layer_columns(spec: LayerSpec) -> tuple[tuple[str, Col], ...]:
    """Return the stored non-geometry columns of a layer with their storage types."""
    columns = [(f.name, FIELD_STORAGE[f.type]) for f in spec.fields]
    for name in spec.derived:
        if name not in DERIVED_STORAGE:
            raise StoreError(
                f"derived column {name!r} of layer {spec.kind.value} has no storage type",
                fix=f"add it to {__name__}.DERIVED_STORAGE",
            )
        columns.append((name, DERIVED_STORAGE[name]))
    return tuple(columns)


# ---------------------------------------------------------------------------------------------
# Encoding: pandas → SQLite values


def encode_text(values: pd.Series) -> list[Any]:
    """Return text values with missing values as ``None``."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        texts = values.to_numpy(dtype=object, copy=True)
        texts[values.isna().to_numpy()] = None
        out: list[Any] = texts.tolist()
        return out
    missing = values.isna().to_numpy()
    return [
        None if miss else (v if isinstance(v, str) else str(v))
        for v, miss in zip(values.astype(object).tolist(), missing.tolist(), strict=True)
    ]


def _encode_integer(values: pd.Series) -> list[Any]:
    """Return integers (Python ``int``) with missing values as ``None``."""
    ints = values.astype("Int64")
    missing = ints.isna().to_numpy()
    out: list[Any] = ints.to_numpy(dtype=np.int64, na_value=0).tolist()
    for i in np.flatnonzero(missing).tolist():
        out[i] = None
    return out


def _encode_real(values: pd.Series) -> list[Any]:
    """Return floats; NaN is bound as SQL NULL by sqlite3."""
    floats: list[Any] = pd.to_numeric(values).astype("float64").tolist()
    return floats


def _encode_date(values: pd.Series) -> list[Any]:
    """Return dates as ISO ``YYYY-MM-DD`` text (the GeoPackage DATE format)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        dates = values.dt.tz_localize(None)  # the wall-clock date is the date
    else:
        dates = pd.to_datetime(values, format="mixed" if values.dtype == object else None)
    days = dates.to_numpy(dtype="datetime64[D]")
    return [None if s == "NaT" else s for s in np.datetime_as_string(days).tolist()]


def _encode_datetime(values: pd.Series, name: str) -> list[Any]:
    """Return instants as UTC text ``YYYY-MM-DDTHH:MM:SS.sssZ`` (the GeoPackage format)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        utc = values.dt.tz_convert("UTC")
    elif values.isna().all():
        return [None] * len(values)
    elif values.dtype == object and all(
        isinstance(v, datetime) and v.tzinfo is not None for v in values.dropna().tolist()
    ):
        utc = pd.to_datetime(values, utc=True)
    else:
        raise StoreError(
            f"column {name!r} holds times without a timezone ({values.dtype})",
            why="the store keeps instants in UTC and cannot tell which local time was meant",
            fix="localise the times (Series.dt.tz_localize) before building the import batch",
        )
    stamps = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[ms]")
    return [
        None if s == "NaT" else s + "Z" for s in np.datetime_as_string(stamps, unit="ms").tolist()
    ]


def _encode_boolean(values: pd.Series) -> list[Any]:
    """Return booleans as 0/1 with missing values as 0 (false)."""
    missing = values.isna().to_numpy().tolist()
    return [
        0 if miss else int(bool(v))
        for v, miss in zip(values.astype(object).tolist(), missing, strict=True)
    ]


def encode_column(values: pd.Series, col: Col, name: str) -> list[Any]:
    """Return the SQLite values of one column."""
    try:
        if col is Col.TEXT:
            return encode_text(values)
        if col is Col.INTEGER:
            return _encode_integer(values)
        if col is Col.REAL:
            return _encode_real(values)
        if col is Col.DATE:
            return _encode_date(values)
        if col is Col.DATETIME:
            return _encode_datetime(values, name)
        return _encode_boolean(values)
    except StoreError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        raise StoreError(
            f"column {name!r} cannot be stored as {col.value}: {exc}",
            why="accepted rows must already be parsed into the field's type",
            fix="validate the rows (geo.ingest.validation) before building the import batch",
        ) from exc


# ---------------------------------------------------------------------------------------------
# Preparing a batch (outside the lock: the slow pandas work happens before writing starts)


@dataclass(frozen=True)
class Features:
    """Accepted rows of a batch, checked and encoded; geometries in EPSG:4326, still shapely.

    Each backend encodes the geometries its own way (GeoPackage blobs, PostGIS EWKB).
    """

    keys: list[str]
    geoms: npt.NDArray[np.object_]
    columns: list[list[Any]]
    bounds: FloatArray  # (n, 4): minx, miny, maxx, maxy

    @property
    def n(self) -> int:
        """Return the number of rows."""
        return len(self.keys)


def prepare_features(accepted: gpd.GeoDataFrame, spec: LayerSpec) -> Features:
    """Check and encode the accepted rows of a batch.

    Raises
    ------
    StoreError
        When columns are missing, keys are missing or repeated, the CRS is unknown, or a
        geometry is missing or of the wrong type.
    """
    columns = layer_columns(spec)
    if len(accepted) == 0:
        return Features([], np.empty(0, dtype=object), [[] for _ in columns], np.empty((0, 4)))
    layer = spec.kind.value
    later = [n for n in LATER_COLUMNS if n in spec.columns and n not in accepted.columns]
    if later:
        accepted = accepted.assign(**{n: LATER_COLUMNS[n] for n in later})
    missing = [
        name
        for name in spec.columns
        if name not in accepted.columns and (spec.spatial or name != GEOMETRY)
    ]
    if missing:
        raise StoreError(
            f"the {layer} rows to store lack the column(s) {', '.join(missing)}",
            why="the store keeps exactly the columns of geo.schema for each layer",
            fix="build ImportBatch.accepted with LayerSpec.columns",
        )
    if not spec.spatial:  # an attribute table: no location to check or store
        key_text = _checked_keys(accepted, spec)
        return Features(
            keys=key_text,
            geoms=np.full(len(accepted), None, dtype=object),
            columns=[encode_column(accepted[name], col, name) for name, col in columns],
            bounds=np.empty((0, 4)),
        )
    if accepted.crs is None:
        raise StoreError(
            f"the {layer} rows to store have no CRS",
            why="the store cannot tell which coordinate system the geometries are in",
            fix="set the CRS (EPSG:4326) on ImportBatch.accepted",
        )
    if accepted.crs.to_epsg() != SRS_ID:
        accepted = accepted.to_crs(WGS84)
    key_text = _checked_keys(accepted, spec)
    geoms = np.asarray(accepted.geometry.array, dtype=object)
    type_ids = shapely.get_type_id(geoms)
    allowed = (0,) if spec.geometry == "Point" else (3, 6)  # Point; Polygon, MultiPolygon
    bad = ~np.isin(type_ids, allowed) | shapely.is_empty(geoms)
    if bad.any():
        raise StoreError(
            f"{int(bad.sum())} {layer} row(s) to store have a missing, empty or "
            f"non-{spec.geometry} geometry",
            why=f"the {layer} layer holds {spec.geometry} geometries only",
            fix="quarantine them (missing-geometry / wrong-geometry-type) before storing",
        )
    encoded = [encode_column(accepted[name], col, name) for name, col in columns]
    return Features(
        keys=key_text,
        geoms=geoms,
        columns=encoded,
        bounds=shapely.bounds(geoms),
    )


def _checked_keys(accepted: pd.DataFrame, spec: LayerSpec) -> list[str]:
    """Return the keys of the rows to store as text, refusing missing or repeated keys."""
    layer = spec.kind.value
    keys = accepted[spec.key]
    if keys.isna().any():
        raise StoreError(
            f"{int(keys.isna().sum())} {layer} row(s) to store have no {spec.key!r}",
            why=f"{spec.key!r} is the key re-imports upsert on",
            fix="quarantine rows without a key (reason missing-value) before storing",
        )
    key_text = encode_text(keys)
    repeated = pd.Series(key_text)[pd.Series(key_text).duplicated()].unique().tolist()
    if repeated:
        raise StoreError(
            f"{len(repeated)} {spec.key!r} value(s) repeat among the {layer} rows to store "
            f"(e.g. {repeated[0]!r})",
            why="a key identifies one record; the store would not know which row to keep",
            fix="quarantine repeated keys (reason duplicate-id) before storing",
        )
    return key_text


def prepare_quarantine(batch: ImportBatch) -> list[Row]:
    """Return the quarantine rows of a batch, stamped with its import id and kind."""
    table = batch.quarantine
    n = len(table)
    if n == 0:
        return []
    if Q_ROW not in table.columns or table[Q_ROW].isna().any():
        raise StoreError(
            f"quarantine lines of import {batch.import_id} lack the file row number ({Q_ROW!r})",
            why="every quarantine line points at the row of the file it rejects",
            fix="build ImportBatch.quarantine with geo.ingest.quarantine.QUARANTINE_COLUMNS",
        )
    kind = LayerKind(batch.kind).value
    columns: list[list[Any]] = []
    for name, col in QUARANTINE_STORAGE.items():
        if name == Q_IMPORT_ID:
            columns.append([batch.import_id] * n)
        elif name == Q_KIND:
            columns.append([kind] * n)
        elif name not in table.columns:
            columns.append([batch.source if name == Q_SOURCE else None] * n)
        elif name == Q_ORIGINAL:
            columns.append([_original_text(v) for v in table[name].tolist()])
        else:
            values = encode_column(table[name], col, name)
            if name == Q_SOURCE:
                values = [batch.source if v is None else v for v in values]
            columns.append(values)
    return list(zip(*columns, strict=True))


def _original_text(value: Any) -> str | None:
    """Return the original values of a quarantined row as text (JSON for mappings)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


# ---------------------------------------------------------------------------------------------
# Decoding: database values → pandas (one rule for every backend's driver values)


def now_iso() -> str:
    """Return the current UTC time as ISO 8601 with milliseconds (the import log's time)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def initial_meta() -> list[tuple[str, str]]:
    """Return the ``meta`` rows (key, value) of a new store: format, version 0, creation time."""
    return [(META_FORMAT, str(STORE_FORMAT)), (META_VERSION, "0"), (META_CREATED, now_iso())]


def check_format(location: str, stored: Any, *, fix: str) -> None:
    """Raise unless a store's ``meta.format`` value is one this version reads.

    Parameters
    ----------
    location : str
        The store as messages name it.
    stored : str, int or None
        The stored ``format`` value; ``None`` when the store has none.
    fix : str
        What to do instead (each backend names its own way to start a new store).

    Raises
    ------
    StoreError
        When there is no format, or a newer one than :data:`geo.store.frames.STORE_FORMAT`.
    """
    if stored is None or int(stored) > STORE_FORMAT:
        found = "no format" if stored is None else f"format {stored}"
        raise StoreError(
            f"the store {location} has {found}; this version of Shakti reads format {STORE_FORMAT}",
            why="it was written by a newer version of Shakti or by another program",
            fix=fix,
        )


def quarantine_filters(kind: LayerKind | str | None, import_id: str | None) -> dict[str, str]:
    """Return the quarantine columns a read keeps rows by, with the value each must equal.

    Parameters
    ----------
    kind : LayerKind or str, optional
        Only the lines of this layer.
    import_id : str, optional
        Only the lines of this import.

    Returns
    -------
    dict of str to str
        Column → value; empty when both are ``None`` (every line).
    """
    filters: dict[str, str] = {}
    if kind is not None:
        filters[Q_KIND] = layer_spec(kind).kind.value
    if import_id is not None:
        filters[Q_IMPORT_ID] = import_id
    return filters


def decode_column(values: Sequence[Any], col: Col) -> Any:
    """Return a pandas array or Series of one stored column.

    One rule for every backend: dates and date-times are ISO 8601 text (SQLite) or
    ``date``/``datetime`` objects (psycopg), instants come back in UTC; a boolean is true
    exactly when it equals 1 (SQLite's ``1``, PostgreSQL's ``True``), missing is false.

    Parameters
    ----------
    values : sequence
        The column's values as the database driver returns them.
    col : Col
        How the column is stored.

    Returns
    -------
    pandas.Series, pandas array or numpy.ndarray
    """
    if col is Col.TEXT:
        return pd.Series(values, dtype="str")
    if col is Col.INTEGER:
        return pd.array(values, dtype="Int64")
    if col is Col.REAL:
        return np.array(values, dtype=np.float64)
    if col is Col.DATE:
        dates = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")
        return dates.astype("datetime64[ns]")
    if col is Col.DATETIME:
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True)
        return stamps.astype("datetime64[ns, UTC]")
    return np.array([v is not None and v == 1 for v in values], dtype=bool)


def decode_frame(rows: Sequence[Row], columns: Sequence[tuple[str, Col]]) -> pd.DataFrame:
    """Return a DataFrame of result rows, one column per ``(name, storage type)``.

    Parameters
    ----------
    rows : sequence of tuple
        Result rows, values in the order of ``columns``.
    columns : sequence of (str, Col)

    Returns
    -------
    pandas.DataFrame
        With a ``RangeIndex``.
    """
    values: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    data = {
        name: decode_column(vals, col) for (name, col), vals in zip(columns, values, strict=True)
    }
    return finish_frame(data, len(rows))


def finish_frame(data: dict[str, Any], n: int) -> pd.DataFrame:
    """Return decoded columns as a frame, the later columns' defaults filled in.

    Parameters
    ----------
    data : dict
        Column name → decoded values (:func:`decode_column`), in order.
    n : int
        Number of rows.

    Returns
    -------
    pandas.DataFrame
        With a ``RangeIndex``.
    """
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    for name, default in LATER_COLUMNS.items():
        if name in frame.columns and isinstance(default, str):
            frame[name] = frame[name].fillna(default)
    return frame


def decode_quarantine(rows: Sequence[Row]) -> pd.DataFrame:
    """Return stored quarantine rows (``QUARANTINE_COLUMNS``): ``row`` as int64, the rest text."""
    frame = decode_frame(rows, [(name, QUARANTINE_STORAGE[name]) for name in QUARANTINE_COLUMNS])
    frame[Q_ROW] = frame[Q_ROW].astype("int64")
    return frame


def decode_import_log(rows: Sequence[Row]) -> pd.DataFrame:
    """Return stored import-log rows (``IMPORT_LOG_COLUMNS``): counts as int64, the rest text."""
    frame = decode_frame(rows, [(name, IMPORTS_STORAGE[name]) for name in IMPORT_LOG_COLUMNS])
    for name in IMPORT_LOG_COUNTS:
        frame[name] = frame[name].astype("int64")
    return frame


@dataclass(frozen=True)
class PreparedImport:
    """An import checked and encoded, ready for a backend to write in one transaction.

    Both backends write the same things in the same order (the layer's rows, the quarantine
    lines, the version, the import log); this is everything they write but the version.

    Attributes
    ----------
    batch : ImportBatch
    spec : LayerSpec
        The spec of the batch's layer.
    features : Features
        The accepted rows (:func:`prepare_features`).
    quarantine : list of tuple
        The quarantine rows (:func:`prepare_quarantine`).
    started : float
        ``time.perf_counter()`` when the import began, for its log line.
    """

    batch: ImportBatch
    spec: LayerSpec
    features: Features
    quarantine: list[Row]
    started: float

    def log_values(self, record: ImportRecord) -> dict[str, Any]:
        """Return the import-log row of the applied batch, column → value (``IMPORTS_STORAGE``).

        ``record`` is what the import changed (new keys, replaced keys) and the store version
        after it.
        """
        batch = self.batch
        return {
            IMP_ID: batch.import_id,
            IMP_KIND: self.spec.kind.value,
            IMP_SOURCE: batch.source,
            IMP_SHA256: batch.sha256,
            IMP_AT: now_iso(),
            IMP_ROWS: int(batch.rows),
            IMP_ACCEPTED: self.features.n,
            IMP_QUARANTINED: int(batch.quarantine[Q_ROW].nunique()) if len(batch.quarantine) else 0,
            "inserted": record.inserted,
            "updated": record.updated,
            "version": record.version,
            "extra": json.dumps(batch.extra, sort_keys=True) if batch.extra else None,
        }

    def applied(self, log: logging.Logger, record: ImportRecord) -> ImportRecord:
        """Log the applied import on the backend's logger and return its record."""
        log.info(
            "stored import %s into %s: %d inserted, %d updated, %d quarantine lines, "
            "version %d (%.1f s)",
            record.import_id,
            self.spec.kind.value,
            record.inserted,
            record.updated,
            len(self.quarantine),
            record.version,
            time.perf_counter() - self.started,
        )
        return record


def prepare_import(batch: ImportBatch) -> PreparedImport:
    """Check and encode a batch for storage (same checks and values in every backend).

    Raises
    ------
    StoreError
        As :func:`prepare_features` and :func:`prepare_quarantine`, before anything is written.
    """
    started = time.perf_counter()
    spec = layer_spec(batch.kind)
    features = prepare_features(batch.accepted, spec)
    return PreparedImport(batch, spec, features, prepare_quarantine(batch), started)
