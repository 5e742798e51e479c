"""The embedded store: one GeoPackage file, written copy-on-write and swapped in atomically."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import WGS84
from geo.errors import StoreError
from geo.schema import (
    GEOMETRY,
    LAYERS,
    THANA,
    LayerKind,
    LayerSpec,
    layer_spec,
)
from geo.store.arrow_rows import column_sql, decode_arrow_frame, decode_wkb_geometries
from geo.store.frames import (
    DEFAULT_LOCK_TIMEOUT_S,
    FID_COLUMN,
    GEOM_COLUMN,
    IMPORT_LOG_COLUMNS,
    IMPORTS_TABLE,
    META_FORMAT,
    META_TABLE,
    META_VERSION,
    Q_IMPORT_ID,
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
)
from geo.store.gpkg_format import (
    decode_geometries,
    encode_geometries,
    rtree_table,
    update_rtree,
)
from geo.store.gpkg_format import quote_identifier as _q
from geo.store.gpkg_lock import lock_path as lock_path
from geo.store.gpkg_lock import write_lock as write_lock
from geo.store.gpkg_plans import insert_plan, select_plan, select_plans, update_status
from geo.store.gpkg_tables import (
    add_missing_columns,
    add_missing_layers,
    create_tables,
    has_table,
    scratch_transaction,
    write_empty_layers,
)
from geo.store.plans import StoredPlan
from geo.store.protocol import ImportBatch, ImportRecord
from geo.store.rows import (
    IMPORTS_STORAGE,
    LATER_LAYERS,
    QUARANTINE_STORAGE,
    Features,
    FloatArray,
    Row,
    check_format,
    decode_frame,
    decode_import_log,
    decode_quarantine,
    layer_columns,
    prepare_import,
    quarantine_filters,
)

logger = logging.getLogger(__name__)

# How an apply stays atomic
# -------------------------
# Copy-on-write: under the write lock, the store file is copied to a hidden temp file in the
# same directory, the whole import is written into the copy (one SQLite transaction, journal
# off: the copy is scratch until it is swapped in), the copy is fsynced and then renamed over
# the store with ``os.replace`` (atomic on POSIX), and the directory is fsynced. A crash, an
# exception or a SIGKILL at any point before the rename leaves the previous file untouched; a
# leftover temp file is removed by the next writer. Readers take no lock: each read opens the
# file afresh and sees either the old or the new inode, never a half-written one, and a long
# write never blocks them (an in-place SQLite transaction would hold EXCLUSIVE while spilling
# a large batch). The price is one copy of the file per import (~0.4 s with fsync for 1M
# incidents, ~190 MB) and twice the disk space while an import runs.
#
# Rows are written with plain ``sqlite3`` (GeoPackage is SQLite) rather than through GDAL: an
# upsert needs SQL (find and delete rows by key), and pyogrio without Arrow needs ~20 s just
# to append 1M points. GDAL (pyogrio) creates the empty layers, so the file is a standard
# GeoPackage with R-tree spatial indexes that QGIS and ogr2ogr read. The R-tree triggers call
# GDAL's ST_* SQL functions, which plain sqlite3 lacks, so a write drops the triggers of the
# layer it touches, maintains the R-tree and the feature count itself and recreates the
# triggers verbatim before committing.


_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` values of GeoPackage 1.2+ ("GPKG") and 1.0/1.1 ("GP10", "GP11").
_GPKG_APPLICATION_IDS: Final = (0x47504B47, 0x47503130, 0x47503131)
#: When a batch brings at least this share of a layer's rows, the layer's indexes are dropped
#: and rebuilt and its R-tree is bulk-loaded; below it, both are updated row by row (an SQLite
#: R-tree insert costs ~20 µs, a bulk load ~2 µs per row of the whole layer).
_BULK_SHARE: Final = 0.1


# ---------------------------------------------------------------------------------------------
# Decoding: layer rows (geometry blob first) → GeoDataFrame


def _geoframe(rows: list[Row], spec: LayerSpec) -> gpd.GeoDataFrame:
    """Return layer rows (geometry blob first, then the columns) as a GeoDataFrame.

    An attribute table's rows have no blob; its geometry column is empty.
    """
    columns = layer_columns(spec)
    if not spec.spatial:
        frame = decode_frame(rows, columns)
        frame[GEOMETRY] = gpd.GeoSeries([None] * len(frame), index=frame.index, crs=WGS84)
        return gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=WGS84)
    blobs = [row[0] for row in rows]
    frame = decode_frame([row[1:] for row in rows], columns)
    frame[GEOMETRY] = decode_geometries(blobs)
    return gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=WGS84)


# ---------------------------------------------------------------------------------------------
# Writing inside the scratch copy (one SQLite transaction)


def _feature_rows(
    fids: Iterable[int], blobs: Iterable[bytes], columns: Sequence[Iterable[Any]]
) -> Iterator[Row]:
    """Return the rows to insert into a layer table: fid, geometry, columns."""
    return zip(fids, blobs, *columns, strict=True)


def _write_layer(conn: sqlite3.Connection, spec: LayerSpec, features: Features) -> tuple[int, int]:
    """Upsert encoded rows into a layer table on its key; return (inserted, updated)."""
    table, key = spec.kind.value, spec.key
    existing = int(conn.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0])
    removed: list[int] = []
    if existing and features.n:
        conn.execute("CREATE TEMP TABLE batch_keys (k TEXT PRIMARY KEY)")
        conn.executemany(
            "INSERT INTO temp.batch_keys (k) VALUES (?)", ((k,) for k in features.keys)
        )
        removed = [
            int(r[0])
            for r in conn.execute(
                f"SELECT {FID_COLUMN} FROM {_q(table)} "
                f"WHERE {_q(key)} IN (SELECT k FROM temp.batch_keys)"
            )
        ]
        conn.execute("DROP TABLE temp.batch_keys")
    total = existing - len(removed) + features.n
    # A large batch is cheaper to write without the layer's indexes, rebuilt afterwards.
    bulk = features.n > 0 and features.n >= _BULK_SHARE * total
    # The GeoPackage triggers call ST_* functions that only GDAL provides; drop them while
    # writing (this is the scratch copy) and recreate them, unchanged, at the end.
    dropped = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
        "AND (type = 'trigger' OR (type = 'index' AND ?))",
        (table, bulk),
    ).fetchall()
    for kind, name, _ in dropped:
        conn.execute(f"DROP {kind.upper()} {_q(name)}")
    if removed:
        conn.execute(f"CREATE TEMP TABLE removed ({FID_COLUMN} INTEGER PRIMARY KEY)")
        conn.executemany(
            f"INSERT INTO temp.removed ({FID_COLUMN}) VALUES (?)", ((fid,) for fid in removed)
        )
        conn.execute(
            f"DELETE FROM {_q(table)} WHERE {FID_COLUMN} IN (SELECT {FID_COLUMN} FROM temp.removed)"
        )
        conn.execute("DROP TABLE temp.removed")
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    top = conn.execute(f"SELECT max({FID_COLUMN}) FROM {_q(table)}").fetchone()[0]
    start = max(int(seq[0]) if seq else 0, int(top or 0)) + 1
    fids = np.arange(start, start + features.n, dtype=np.int64)
    names = [FID_COLUMN, GEOM_COLUMN, *(name for name, _ in layer_columns(spec))]
    rows: Iterable[Row] = (
        _feature_rows(
            fids.tolist(),
            encode_geometries(features.geoms, points=spec.geometry == "Point"),
            features.columns,
        )
        if spec.spatial
        else zip(fids.tolist(), *features.columns, strict=True)
    )
    if not spec.spatial:
        names.remove(GEOM_COLUMN)
    conn.executemany(
        f"INSERT INTO {_q(table)} ({', '.join(map(_q, names))}) "
        f"VALUES ({', '.join('?' * len(names))})",
        rows,
    )
    rtree = rtree_table(conn, table)
    if rtree is not None and (removed or features.n):
        update_rtree(conn, rtree, removed, fids, features.bounds, bulk=bulk)
    if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
    ).fetchone():
        conn.execute(
            "UPDATE gpkg_ogr_contents SET feature_count = ? WHERE lower(table_name) = lower(?)",
            (total, table),
        )
    _update_contents(conn, table, features.bounds)
    for _, _, sql in dropped:
        conn.execute(sql)
    return features.n - len(removed), len(removed)


def _update_contents(conn: sqlite3.Connection, table: str, bounds: FloatArray) -> None:
    """Grow the layer's extent in ``gpkg_contents`` by new bounds and stamp ``last_change``."""
    if len(bounds):
        conn.execute(
            "UPDATE gpkg_contents SET "
            "min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2), "
            "max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4) "
            "WHERE lower(table_name) = lower(?5)",
            (
                float(bounds[:, 0].min()),
                float(bounds[:, 1].min()),
                float(bounds[:, 2].max()),
                float(bounds[:, 3].max()),
                table,
            ),
        )
    conn.execute(
        "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE lower(table_name) = lower(?)",
        (table,),
    )


def _append_quarantine(conn: sqlite3.Connection, import_id: str, rows: list[Row]) -> None:
    """Store the quarantine rows of an import (replacing any stored under the same id)."""
    conn.execute(f"DELETE FROM {QUARANTINE_TABLE} WHERE {_q(Q_IMPORT_ID)} = ?", (import_id,))
    names = list(QUARANTINE_STORAGE)
    conn.executemany(
        f"INSERT INTO {QUARANTINE_TABLE} ({', '.join(map(_q, names))}) "
        f"VALUES ({', '.join('?' * len(names))})",
        rows,
    )
    _update_contents(conn, QUARANTINE_TABLE, np.empty((0, 4)))


def _bump_version(conn: sqlite3.Connection) -> int:
    """Increase the store version by one and return the new version."""
    conn.execute(
        f"UPDATE {META_TABLE} SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = ?",
        (META_VERSION,),
    )
    return int(
        conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", (META_VERSION,)).fetchone()[0]
    )


def _append_import_log(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    """Append one row to the import log."""
    names = list(IMPORTS_STORAGE)
    conn.execute(
        f"INSERT INTO {IMPORTS_TABLE} ({', '.join(map(_q, names))}) "
        f"VALUES ({', '.join('?' * len(names))})",
        [values[name] for name in names],
    )
    _update_contents(conn, IMPORTS_TABLE, np.empty((0, 4)))


def _fsync(path: Path) -> None:
    """Flush a file or directory to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_file(scratch: Path, target: Path) -> None:
    """Make ``scratch`` durable and atomically put it in place of ``target``."""
    _fsync(scratch)
    scratch.replace(target)
    _fsync(target.parent)


def _select_columns(conn: sqlite3.Connection, spec: LayerSpec) -> str:
    """Return the select list of a layer's columns; a column the file lacks reads as NULL.

    A store written before an optional column was added to the schema (``name_hi``) lacks
    it until its next import adds it (:func:`add_missing_columns`).
    """
    present = {row[1] for row in conn.execute(f"PRAGMA table_info({_q(spec.kind.value)})")}
    return ", ".join(
        _q(name) if name in present else f"NULL AS {_q(name)}" for name, _ in layer_columns(spec)
    )


class GeoPackageStore:
    """The embedded store: one GeoPackage file with a layer per kind and three tables.

    The file holds one GeoPackage feature layer per spatial :class:`geo.schema.LayerKind`
    (named after it), one attributes table per layer without geometry (``centre-audit``,
    ``casework``) and the attribute tables ``quarantine``, ``imports`` (the import log) and
    ``meta`` (``version``). It opens in QGIS or ogr2ogr like any GeoPackage, but only this
    class should write it.

    An :meth:`apply` is atomic: it writes a copy of the file and swaps it in with
    ``os.replace``, so a crash or a kill leaves the previous state intact. One writer at a time
    holds ``<store>.lock`` (``flock``); readers need no lock.

    Stored types: text, vocabulary and times columns are text; integers are SQL integers
    read back as nullable ``Int64``; numbers are floats; ``DATE`` columns are stored as ISO
    ``YYYY-MM-DD`` and read back as ``datetime64[ns]`` (midnight, no timezone);
    ``occurred_at`` is stored as UTC ``YYYY-MM-DDTHH:MM:SS.sssZ`` (millisecond precision)
    and read back as ``datetime64[ns, UTC]``; ``thana_mismatch`` is a boolean.

    Parameters
    ----------
    path : Path
        The GeoPackage file. Created (with its parent folders) when it does not exist.
    lock_timeout : float
        Seconds to wait for another process's import to finish before giving up.

    Raises
    ------
    StoreError
        When ``path`` exists but is not a GeoPackage written by this class, or cannot be
        created.
    """

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> None:
        self._path = Path(path)
        self.location = str(self._path)
        self._lock_path = lock_path(self._path)
        self._lock_timeout = lock_timeout
        self._scratch_pattern = re.compile(
            rf"^\.{re.escape(self._path.name)}\.[0-9a-f]{{32}}\.tmp\.gpkg(-journal|-wal|-shm)?$"
        )
        if self._path.exists():
            self._check_file()
        else:
            self._create()

    def __repr__(self) -> str:
        return f"GeoPackageStore({self.location!r})"

    # ---- reading ----

    @property
    def version(self) -> int:
        """Return a counter that increases with every applied import (0 for a new store)."""
        with self._reading("read the version") as conn:
            row = conn.execute(
                f"SELECT value FROM {META_TABLE} WHERE key = ?", (META_VERSION,)
            ).fetchone()
        return int(row[0])

    def read(self, kind: LayerKind | str, *, thana: str | None = None) -> gpd.GeoDataFrame:
        """Return a layer in EPSG:4326, optionally only the rows of one thana.

        See :meth:`geo.store.protocol.Store.read`. Rows of a thana found by position are
        those intersecting its polygon, prefiltered with the layer's R-tree.
        """
        spec = layer_spec(kind)
        table = spec.kind.value
        order = f" ORDER BY {FID_COLUMN}"
        with self._reading(f"read the {table} layer") as conn:
            if not has_table(conn, table):  # a layer added after this store was made
                return _geoframe([], spec)
            fast = self._read_arrow(conn, spec) if thana is None else None
            if fast is not None:
                return fast
            head = f"{GEOM_COLUMN}, " if spec.spatial else ""
            select = f"SELECT {head}{_select_columns(conn, spec)} FROM {_q(table)}"
            if thana is None:
                return _geoframe(conn.execute(select + order).fetchall(), spec)
            if THANA in spec.columns or spec.kind is LayerKind.THANAS:
                column = THANA if THANA in spec.columns else spec.key
                rows = conn.execute(f"{select} WHERE {_q(column)} = ?{order}", (thana,))
                return _geoframe(rows.fetchall(), spec)
            return self._read_within(conn, spec, select, order, thana)

    def _read_arrow(self, conn: sqlite3.Connection, spec: LayerSpec) -> gpd.GeoDataFrame | None:
        """Return a whole layer read through GDAL's Arrow stream (``None``: read it by rows).

        About four times faster than fetching rows for a large layer and equal to it value for
        value (``geo.store.arrow_rows``). An empty layer, or one GDAL cannot read as expected,
        is read by rows instead.
        """
        table = spec.kind.value
        if conn.execute(f"SELECT 1 FROM {_q(table)} LIMIT 1").fetchone() is None:
            return None
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({_q(table)})")}
        columns = layer_columns(spec)
        select = ", ".join(
            [GEOM_COLUMN, *(column_sql(n, c, _q(n), n in present) for n, c in columns)]
        )
        sql = f"SELECT {select} FROM {_q(table)} ORDER BY {FID_COLUMN}"
        try:
            meta, arrow = pyogrio.read_arrow(str(self._path), sql=sql, sql_dialect="SQLITE")
            geometry = arrow.column(meta["geometry_name"] or GEOM_COLUMN)
            frame = decode_arrow_frame(arrow, columns)
            frame[GEOMETRY] = decode_wkb_geometries(geometry)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, KeyError) as exc:
            logger.debug("Arrow read of %s failed (%s): reading rows", table, exc)
            return None
        return gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=WGS84)

    def _read_within(
        self, conn: sqlite3.Connection, spec: LayerSpec, select: str, order: str, thana: str
    ) -> gpd.GeoDataFrame:
        """Return the rows of a layer whose geometry intersects a thana's polygon."""
        key = layer_spec(LayerKind.THANAS).key
        found = conn.execute(
            f"SELECT {GEOM_COLUMN} FROM {_q(LayerKind.THANAS.value)} WHERE {_q(key)} = ?",
            (thana,),
        ).fetchone()
        if found is None:
            return _geoframe([], spec)
        polygon = decode_geometries([found[0]])[0]
        minx, miny, maxx, maxy = polygon.bounds
        rtree = rtree_table(conn, spec.kind.value)
        if rtree is None:
            rows = conn.execute(select + order).fetchall()
        else:
            rows = conn.execute(
                f"{select} WHERE {FID_COLUMN} IN (SELECT id FROM {_q(rtree)} "
                f"WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?){order}",
                (minx, maxx, miny, maxy),
            ).fetchall()
        frame = _geoframe(rows, spec)
        inside = shapely.intersects(polygon, np.asarray(frame.geometry.array, dtype=object))
        return frame.loc[inside].reset_index(drop=True)

    def count(self, kind: LayerKind | str) -> int:
        """Return the number of rows in a layer."""
        table = layer_spec(kind).kind.value
        with self._reading(f"count the {table} layer") as conn:
            if not has_table(conn, table):  # a layer added after this store was made
                return 0
            return int(conn.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0])

    def quarantine(
        self, kind: LayerKind | str | None = None, *, import_id: str | None = None
    ) -> pd.DataFrame:
        """Return quarantined rows, optionally of one layer or one import."""
        filters = quarantine_filters(kind, import_id)
        sql = f"SELECT {', '.join(map(_q, QUARANTINE_COLUMNS))} FROM {QUARANTINE_TABLE}"
        if filters:
            sql += " WHERE " + " AND ".join(f"{_q(name)} = ?" for name in filters)
        with self._reading("read the quarantine") as conn:
            rows = conn.execute(sql + f" ORDER BY {FID_COLUMN}", list(filters.values())).fetchall()
        return decode_quarantine(rows)

    def imports(self) -> pd.DataFrame:
        """Return the import log, one row per import, oldest first."""
        sql = f"SELECT {', '.join(map(_q, IMPORT_LOG_COLUMNS))} FROM {IMPORTS_TABLE}"
        with self._reading("read the import log") as conn:
            rows = conn.execute(sql + f" ORDER BY {FID_COLUMN}").fetchall()
        return decode_import_log(rows)

    # ---- writing ----

    def apply(self, batch: ImportBatch) -> ImportRecord:
        """Apply one import atomically: upsert accepted rows, append quarantine and log.

        The whole import is written to a scratch copy of the file, which then replaces the
        store (see :meth:`geo.store.Store.apply`).
        """
        prepared = prepare_import(batch)
        with self._write_lock(), self._scratch() as scratch:
            self._check_file()
            try:
                shutil.copyfile(self._path, scratch)
                add_missing_layers(scratch)
                with scratch_transaction(scratch) as conn:
                    add_missing_columns(conn)
                    inserted, updated = _write_layer(conn, prepared.spec, prepared.features)
                    _append_quarantine(conn, batch.import_id, prepared.quarantine)
                    version = _bump_version(conn)
                    record = ImportRecord(batch.import_id, inserted, updated, version)
                    _append_import_log(conn, prepared.log_values(record))
                _replace_file(scratch, self._path)
            except (sqlite3.Error, OSError, pyogrio.errors.DataSourceError) as exc:
                raise StoreError(
                    f"could not write import {batch.import_id} to the store {self.location}",
                    why=f"{type(exc).__name__}: {exc}; the store is unchanged",
                    fix="check free disk space (an import needs room for a copy of the store) "
                    "and write permission on the folder, then import again",
                ) from exc
        return prepared.applied(logger, record)

    # ---- saved patrol plans ----

    def save_plan(self, plan: StoredPlan) -> None:
        """Save a new patrol plan, copy-on-write like an import (the version is unchanged)."""
        self._write_plans(
            f"save patrol plan {plan.plan_id}", lambda c: insert_plan(c, plan, self.location)
        )

    def read_plan(self, plan_id: str) -> StoredPlan | None:
        """Return a saved plan with its data, or ``None``."""
        with self._reading("read a patrol plan") as conn:
            return select_plan(conn, plan_id)

    def list_plans(self, *, thana: str | None = None) -> list[StoredPlan]:
        """Return the saved plans without their data, newest first."""
        with self._reading("list the patrol plans") as conn:
            return select_plans(conn, thana)

    def set_plan_status(
        self, plan_id: str, *, expected: str, status: str, at: str, by: str
    ) -> bool:
        """Change a plan's status if it still is ``expected`` (copy-on-write, atomic)."""
        changed: list[bool] = []
        self._write_plans(
            f"change the status of patrol plan {plan_id}",
            lambda c: changed.append(update_status(c, plan_id, expected, status, at, by)),
        )
        return changed[0]

    def _write_plans(self, action: str, write: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``write`` in one transaction on a scratch copy swapped in (as :meth:`apply`).

        A plan is small, but the file is copied whole: one write path keeps every change of
        the file atomic and readers lock-free (~0.4 s for a store of 1M incidents).
        """
        with self._write_lock(), self._scratch() as scratch:
            self._check_file()
            try:
                shutil.copyfile(self._path, scratch)
                with scratch_transaction(scratch) as conn:
                    write(conn)
                _replace_file(scratch, self._path)
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(
                    f"could not {action} in the store {self.location}",
                    why=f"{type(exc).__name__}: {exc}; the store is unchanged",
                    fix="check free disk space and write permission on the folder, then try again",
                ) from exc

    # ---- internals ----

    @contextlib.contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        """Open the store read-only for one read; turn SQLite errors into StoreError."""
        uri = self._path.resolve().as_uri() + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise self._unreadable(action, exc) from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            raise self._unreadable(action, exc) from exc
        finally:
            conn.close()

    def _unreadable(self, action: str, exc: BaseException) -> StoreError:
        """Return the error for a failed read."""
        return StoreError(
            f"could not {action} of the store {self.location}",
            why=f"{type(exc).__name__}: {exc}",
            fix="check that the file exists, is readable and was written by Shakti",
        )

    def _not_a_store(self, why: str) -> StoreError:
        """Return the error for a file that is not a Shakti GeoPackage store."""
        return StoreError(
            f"{self.location} is not a Shakti store",
            why=why,
            fix="point the store setting (SHAKTI_STORE or --store) at a .gpkg file made by "
            "Shakti, or at a path that does not exist yet to start a new store",
        )

    def _check_file(self) -> None:
        """Check that the store file is a GeoPackage with this module's tables."""
        if self._path.is_dir():
            raise self._not_a_store("it is a folder, not a file")
        try:
            with self._path.open("rb") as fh:
                head = fh.read(100)
        except OSError as exc:
            raise self._unreadable("open the file", exc) from exc
        if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
            raise self._not_a_store("it is not a GeoPackage (not even an SQLite database)")
        if int.from_bytes(head[68:72], "big") not in _GPKG_APPLICATION_IDS:
            raise self._not_a_store("it is an SQLite database but not a GeoPackage")
        with self._reading("check the tables") as conn:
            tables = {
                str(r[0])
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            # layers added to the schema later (the gazetteer) are created by the next import
            wanted = {k.value for k in LayerKind if k not in LATER_LAYERS} | {
                QUARANTINE_TABLE,
                IMPORTS_TABLE,
                META_TABLE,
            }
            if not wanted <= tables:
                raise self._not_a_store(
                    "it is a GeoPackage but lacks the table(s) "
                    + ", ".join(sorted(wanted - tables))
                )
            row = conn.execute(
                f"SELECT value FROM {META_TABLE} WHERE key = ?", (META_FORMAT,)
            ).fetchone()
        check_format(
            self.location,
            None if row is None else row[0],
            fix="upgrade Shakti, or start a new store at another path",
        )

    def _create(self) -> None:
        """Create an empty store (its parent folders too), atomically."""
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"could not create the folder {self._path.parent} for the store",
                why=f"{type(exc).__name__}: {exc}",
                fix="choose a store path in a folder you can write to",
            ) from exc
        with self._write_lock():
            if self._path.exists():  # another process created it meanwhile
                self._check_file()
                return
            with self._scratch() as scratch:
                self._create_file(scratch)
        logger.info("created a new store at %s", self.location)

    def _create_file(self, scratch: Path) -> None:
        """Write an empty store to ``scratch`` and put it in place (write lock held)."""
        try:
            write_empty_layers(scratch, list(LAYERS.values()))
            with scratch_transaction(scratch) as conn:
                create_tables(conn)
            _replace_file(scratch, self._path)
        except (sqlite3.Error, OSError, pyogrio.errors.DataSourceError) as exc:
            raise StoreError(
                f"could not create the store {self.location}",
                why=f"{type(exc).__name__}: {exc}",
                fix="check free disk space and write permission on the folder",
            ) from exc

    @contextlib.contextmanager
    def _scratch(self) -> Iterator[Path]:
        """Yield a fresh scratch path (write lock held) and delete whatever is left there after.

        Temp files of a writer that crashed or was killed are removed first.
        """
        self._remove_scratch_files()
        scratch = self._scratch_path()
        try:
            yield scratch
        finally:
            with contextlib.suppress(FileNotFoundError):
                scratch.unlink()

    def _scratch_path(self) -> Path:
        """Return a fresh hidden temp path beside the store (same file system for rename)."""
        return self._path.with_name(f".{self._path.name}.{uuid.uuid4().hex}.tmp.gpkg")

    def _remove_scratch_files(self) -> None:
        """Delete temp files left by a writer that crashed or was killed (lock held)."""
        for entry in self._path.parent.iterdir():
            if self._scratch_pattern.match(entry.name):
                logger.warning("removing %s, left by an interrupted import", entry)
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()

    def _write_lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store's exclusive write lock (``<store>.lock``) for the block."""
        return write_lock(self._path, timeout=self._lock_timeout)
