"""The shared store: the five layers, quarantine, import log and version in PostgreSQL + PostGIS."""

# How the guarantees of the Store protocol are kept
# -------------------------------------------------
# * Atomic imports: an ``apply`` is one PostgreSQL transaction (delete the batch's keys, COPY the
#   rows, replace the import's quarantine lines, bump the version, log the import). Any error,
#   a crash of the client or a killed connection rolls all of it back; readers (any number of
#   API workers) see the previous state until COMMIT and never block.
# * One writer at a time: ``apply`` takes a transaction-scoped advisory lock (polling
#   ``pg_try_advisory_xact_lock`` up to ``lock_timeout``), so concurrent imports fail with
#   StoreLockedError like the GeoPackage store's ``flock``; the version row is additionally
#   updated with ``UPDATE ... RETURNING`` (a row lock), so versions are strictly increasing and
#   never repeated across workers.
# * Upsert on the layer key: stored rows whose key is in the batch are deleted and the batch is
#   inserted with new ``fid`` values, exactly as the GeoPackage store does (a re-imported row
#   moves to the end of the stored order).
# * Values are checked and encoded by the GeoPackage store's batch preparation (same errors,
#   same millisecond UTC instants), so both backends accept and refuse the same batches and read
#   back identical frames.

from __future__ import annotations

import contextlib
import itertools
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import psycopg
import pyarrow as pa
import shapely
from psycopg import sql

from geo.crs import WGS84
from geo.errors import StoreError, StoreLockedError
from geo.schema import GEOMETRY, LAYERS, THANA, LayerKind, LayerSpec, layer_spec
from geo.store import pg_arrow, pg_plans
from geo.store.arrow_rows import decode_arrow_frame, decode_wkb_geometries
from geo.store.frames import (
    DEFAULT_LOCK_TIMEOUT_S,
    FID_COLUMN,
    GEOM_COLUMN,
    IMPORT_LOG_COLUMNS,
    IMPORTS_TABLE,
    LOCK_POLL_S,
    META_FORMAT,
    META_TABLE,
    META_VERSION,
    Q_IMPORT_ID,
    Q_KIND,
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
)
from geo.store.pg_copy import copy_in, copy_out, out_expr, parse_copy
from geo.store.pg_url import DEFAULT_SCHEMA as DEFAULT_SCHEMA  # re-exported: the store's URL
from geo.store.pg_url import SCHEMA_PARAM as SCHEMA_PARAM
from geo.store.pg_url import split_store_url
from geo.store.plans import StoredPlan
from geo.store.protocol import ImportBatch, ImportRecord
from geo.store.rows import (
    IMPORTS_STORAGE,
    QUARANTINE_STORAGE,
    SRS_ID,
    Col,
    Features,
    check_format,
    decode_import_log,
    decode_quarantine,
    initial_meta,
    layer_columns,
    prepare_import,
    quarantine_filters,
)

logger = logging.getLogger(__name__)

#: The SRID of every stored geometry (EPSG:4326).
SRID: Final = SRS_ID


DEFAULT_CONNECT_TIMEOUT_S: Final = 10

_PG_TYPES: Final[dict[Col, str]] = {
    Col.TEXT: "text",
    Col.INTEGER: "bigint",
    Col.REAL: "double precision",
    Col.DATE: "date",
    Col.DATETIME: "timestamptz",
    Col.BOOLEAN: "boolean",
}


def _primary(exc: psycopg.Error) -> str:
    """Return the server's one-line message of an error, never its DETAIL/CONTEXT lines.

    Those quote the failing row, which may hold incident data; the message names the
    constraint or the problem, enough to act on (the full error is in the server log).
    """
    primary = exc.diag.message_primary
    if primary:
        return primary.strip()
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "no message"


class PostgisStore:
    """The shared store: one PostgreSQL schema with a PostGIS table per layer and three tables.

    Every :class:`geo.schema.LayerKind` is a table (named after it) with a ``geometry`` column
    in EPSG:4326 and a GiST index, the layer key unique; ``quarantine``, ``imports`` (the
    import log) and ``meta`` (``version``) are plain tables. QGIS and ogr2ogr read it like any
    PostGIS database; only this class should write it. Several processes (API workers) may
    share one store: reads never block, imports are serialised.

    Parameters
    ----------
    url : str
        ``postgresql://user@host:port/database`` (any libpq URL); an optional
        ``?schema=NAME`` picks the schema (default :data:`DEFAULT_SCHEMA`), created with the
        tables and the ``postgis`` extension when missing. Keep passwords out of the URL
        (``PGPASSWORD`` or ``~/.pgpass``): :attr:`location` never shows them.
    lock_timeout : float
        Seconds to wait for another process's import to finish before giving up.

    Raises
    ------
    StoreError
        When the database cannot be reached, PostGIS is not installed in it, or the schema
        holds tables of a newer format.
    """

    def __init__(self, url: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> None:
        self._url, self._schema, self.location = split_store_url(url)
        self._lock_timeout = lock_timeout
        # The advisory lock key of this store's writers: one per (database, schema).
        self._lock_key = zlib.crc32(f"shakti-store:{self._schema}".encode()) - 2**31
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"PostgisStore({self.location!r})"

    @property
    def schema(self) -> str:
        """Return the database schema holding the store's tables."""
        return self._schema

    # ---- connections ----

    @contextlib.contextmanager
    def _connect(
        self, action: str, *, autocommit: bool = False
    ) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        """Open a connection for one operation; turn database errors into StoreError.

        Without ``autocommit`` whatever the block does is rolled back unless it ran inside
        ``conn.transaction()`` (which commits at its end).
        """
        try:
            conn = psycopg.connect(
                self._url,
                autocommit=autocommit,
                connect_timeout=DEFAULT_CONNECT_TIMEOUT_S,
                options="-c TimeZone=UTC",
                application_name="shakti",
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"could not connect to the store {self.location} to {action}",
                why=f"{type(exc).__name__}: {_primary(exc)}",
                fix="check that PostgreSQL runs, the URL (host, port, database, user) and the "
                "password (PGPASSWORD or ~/.pgpass)",
            ) from exc
        try:
            yield conn
        except psycopg.Error as exc:
            raise StoreError(
                f"could not {action} in the store {self.location}",
                why=f"{type(exc).__name__}: {_primary(exc)}; nothing was changed",
                fix="check the database log and the user's privileges on the schema "
                f"{self._schema!r}, then try again",
            ) from exc
        finally:
            conn.close()

    def _t(self, table: str) -> sql.Composed:
        """Return a schema-qualified table name."""
        return sql.SQL("{}.{}").format(sql.Identifier(self._schema), sql.Identifier(table))

    # ---- creating ----

    def _ensure_schema(self) -> None:
        """Create the extension, schema, tables and indexes when missing; check the format."""
        exists_sql = (
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s"
        )
        with self._connect("create the tables", autocommit=True) as conn:
            exists = conn.execute(exists_sql, (self._schema, META_TABLE)).fetchone()
            if exists is None:
                with conn.transaction():
                    # Serialise creators (several workers starting at once) on the writers'
                    # lock; an existing store is opened without it, so opening never waits
                    # for a running import.
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                    exists = conn.execute(exists_sql, (self._schema, META_TABLE)).fetchone()
                    if exists is None:
                        self._create(conn)
            else:
                self._add_missing_columns(conn)
            row = conn.execute(
                sql.SQL("SELECT value FROM {} WHERE key = %s").format(self._t(META_TABLE)),
                (META_FORMAT,),
            ).fetchone()
        check_format(
            self.location,
            None if row is None else row[0],
            fix="upgrade Shakti, or use another schema (?schema=...) for a new store",
        )

    def _add_missing_columns(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        """Add to every layer table the schema's columns it lacks (a store of an older version).

        Optional columns added to the schema later (``name_hi``) are added, empty, when a
        store written before is opened; nothing is locked when nothing is missing.
        """
        present = {
            (table, column)
            for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = %s",
                (self._schema,),
            ).fetchall()
        }
        tables = {table for table, _column in present}
        new_layers = [s for s in LAYERS.values() if s.kind.value not in tables]
        if new_layers:  # layers added to the schema later (the gazetteer)
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                for spec in new_layers:
                    self._create_layer(conn, spec)
                    logger.info("added the %s layer to the store", spec.kind.value)
            return self._add_missing_columns(conn)
        missing = [
            (spec.kind.value, name, col)
            for spec in LAYERS.values()
            for name, col in layer_columns(spec)
            if (spec.kind.value, name) not in present
        ]
        if not missing:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            for table, name, col in missing:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                        self._t(table), sql.Identifier(name), sql.SQL(_PG_TYPES[col])
                    )
                )
                logger.info("added column %s to the %s layer of the store", name, table)

    def _create_layer(self, conn: psycopg.Connection[tuple[Any, ...]], spec: LayerSpec) -> None:
        """Create one layer table with its indexes and description."""
        table = spec.kind.value
        gtype = "Point" if spec.geometry == "Point" else "Geometry"
        cols = [sql.SQL("{} bigserial PRIMARY KEY").format(sql.Identifier(FID_COLUMN))]
        if spec.spatial:  # an attribute table (centre audits, casework) has no geometry
            cols.append(
                sql.SQL("{} geometry({}, {}) NOT NULL").format(
                    sql.Identifier(GEOM_COLUMN), sql.SQL(gtype), sql.Literal(SRID)
                )
            )
        for name, col in layer_columns(spec):
            extra = " NOT NULL UNIQUE" if name == spec.key else ""
            cols.append(
                sql.SQL("{} {}{}").format(
                    sql.Identifier(name), sql.SQL(_PG_TYPES[col]), sql.SQL(extra)
                )
            )
        conn.execute(
            sql.SQL("CREATE TABLE {} ({})").format(self._t(table), sql.SQL(", ").join(cols))
        )
        if spec.spatial:
            conn.execute(
                sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
                    sql.Identifier(f"{table}_{GEOM_COLUMN}_gist"),
                    self._t(table),
                    sql.Identifier(GEOM_COLUMN),
                )
            )
        if THANA in spec.columns:
            conn.execute(
                sql.SQL("CREATE INDEX {} ON {} ({})").format(
                    sql.Identifier(f"{table}_{THANA}"), self._t(table), sql.Identifier(THANA)
                )
            )
        conn.execute(
            sql.SQL("COMMENT ON TABLE {} IS {}").format(
                self._t(table), sql.Literal(spec.description)
            )
        )

    def _create(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        """Create the store's schema and tables (inside the caller's transaction)."""
        has_postgis = conn.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
        ).fetchone()
        if has_postgis is None:
            try:
                with conn.transaction():
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error as exc:
                raise StoreError(
                    f"the database of the store {self.location} has no PostGIS",
                    why=f"CREATE EXTENSION postgis failed: {_primary(exc)}",
                    fix="install PostGIS (scripts/install_postgis.sh) and run "
                    "'CREATE EXTENSION postgis' as a superuser in that database",
                ) from exc
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self._schema)))
        for spec in LAYERS.values():
            self._create_layer(conn, spec)
        for table, storage in (
            (QUARANTINE_TABLE, QUARANTINE_STORAGE),
            (IMPORTS_TABLE, IMPORTS_STORAGE),
        ):
            cols = [sql.SQL("{} bigserial PRIMARY KEY").format(sql.Identifier(FID_COLUMN))]
            cols += [
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(_PG_TYPES[col]))
                for name, col in storage.items()
            ]
            conn.execute(
                sql.SQL("CREATE TABLE {} ({})").format(self._t(table), sql.SQL(", ").join(cols))
            )
        conn.execute(
            sql.SQL("CREATE INDEX {} ON {} ({}, {})").format(
                sql.Identifier("quarantine_import"),
                self._t(QUARANTINE_TABLE),
                sql.Identifier(Q_IMPORT_ID),
                sql.Identifier(Q_KIND),
            )
        )
        conn.execute(
            sql.SQL("CREATE TABLE {} (key text PRIMARY KEY, value text NOT NULL)").format(
                self._t(META_TABLE)
            )
        )
        with conn.cursor() as cur:
            cur.executemany(
                sql.SQL("INSERT INTO {} (key, value) VALUES (%s, %s)").format(self._t(META_TABLE)),
                initial_meta(),
            )
        logger.info("created a new store at %s", self.location)

    # ---- reading ----

    @property
    def version(self) -> int:
        """Return a counter that increases with every applied import (0 for a new store)."""
        with self._connect("read the version") as conn:
            row = conn.execute(
                sql.SQL("SELECT value FROM {} WHERE key = %s").format(self._t(META_TABLE)),
                (META_VERSION,),
            ).fetchone()
        return int(row[0]) if row else 0

    def read(self, kind: LayerKind | str, *, thana: str | None = None) -> gpd.GeoDataFrame:
        """Return a layer in EPSG:4326, optionally only the rows of one thana.

        See :meth:`geo.store.protocol.Store.read`. Rows of a thana found by position are
        those ``ST_Intersects`` (with the GiST index) finds in its polygon.
        """
        return self._read(kind, thana=thana, fids=None)

    def fid_ranges(self, kind: LayerKind | str, parts: int) -> list[tuple[int, int]]:
        """Return up to ``parts`` ranges ``[start, stop)`` of row ids splitting a layer evenly.

        With :meth:`read_range`, a Dask worker per range reads its share of a large layer
        straight from the database (see ``models.scale.read_partitions``).

        Parameters
        ----------
        kind : LayerKind or str
        parts : int
            Number of ranges wanted (at least 1).

        Returns
        -------
        list of (int, int)
            Consecutive, covering every stored row; empty for an empty layer.
        """
        table = layer_spec(kind).kind.value
        fid = sql.Identifier(FID_COLUMN)
        query = sql.SQL(
            "SELECT percentile_disc(q) WITHIN GROUP (ORDER BY {f}) FROM {t}, "
            "unnest(%s::float8[]) AS q GROUP BY q ORDER BY q"
        ).format(f=fid, t=self._t(table))
        cuts = [i / max(1, parts) for i in range(max(1, parts))]
        with self._connect(f"split the {table} layer") as conn:
            starts = [
                int(r[0]) for r in conn.execute(query, (cuts,)).fetchall() if r[0] is not None
            ]
            top = conn.execute(sql.SQL("SELECT max({}) FROM {}").format(fid, self._t(table)))
            row = top.fetchone()
        if not starts or row is None or row[0] is None:
            return []
        bounds = [*sorted(set(starts)), int(row[0]) + 1]
        return list(itertools.pairwise(bounds))

    def read_range(
        self, kind: LayerKind | str, start: int, stop: int, *, thana: str | None = None
    ) -> gpd.GeoDataFrame:
        """Return the rows of a layer whose row id is in ``[start, stop)`` (see :meth:`read`).

        Parameters
        ----------
        kind : LayerKind or str
        start, stop : int
            A range from :meth:`fid_ranges`.
        thana : str, optional
            Only the rows of this thana, as in :meth:`read`.

        Returns
        -------
        geopandas.GeoDataFrame
            As :meth:`read`, with a fresh ``RangeIndex``.
        """
        return self._read(kind, thana=thana, fids=(start, stop))

    def _read(
        self, kind: LayerKind | str, *, thana: str | None, fids: tuple[int, int] | None
    ) -> gpd.GeoDataFrame:
        """Read a layer, optionally one thana's rows and one range of row ids.

        Through ADBC into Arrow (:meth:`_read_arrow`), else by COPY (:meth:`_read_copy`).
        """
        spec = layer_spec(kind)
        fast = self._read_arrow(spec, thana=thana, fids=fids)
        if fast is not None:
            return fast
        return self._read_copy(spec, thana=thana, fids=fids)

    def _rows_where(
        self,
        spec: LayerSpec,
        *,
        thana: str | None,
        fids: tuple[int, int] | None,
        value: Callable[[str | int], sql.Composable],
    ) -> sql.Composable:
        """Return the ``WHERE`` and ``ORDER BY`` of a read (the table is aliased ``t``).

        ``value`` puts each given value into the query: a literal, or a parameter.
        """
        fid = sql.Identifier(FID_COLUMN)
        conditions: list[sql.Composable] = []
        if fids is not None:
            conditions.append(
                sql.SQL("t.{f} >= {a} AND t.{f} < {b}").format(
                    f=fid, a=value(int(fids[0])), b=value(int(fids[1]))
                )
            )
        if thana is not None and (THANA in spec.columns or spec.kind is LayerKind.THANAS):
            column = THANA if THANA in spec.columns else spec.key
            conditions.append(sql.SQL("t.{} = {}").format(sql.Identifier(column), value(thana)))
        elif thana is not None:
            geom = sql.Identifier(GEOM_COLUMN)
            conditions.append(
                sql.SQL(
                    "EXISTS (SELECT 1 FROM {} AS th "
                    "WHERE th.{} = {} AND ST_Intersects(th.{}, t.{}))"
                ).format(
                    self._t(LayerKind.THANAS.value),
                    sql.Identifier(layer_spec(LayerKind.THANAS).key),
                    value(thana),
                    geom,
                    geom,
                )
            )
        order = sql.SQL(" ORDER BY t.{}").format(fid)
        if not conditions:
            return order
        return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) + order

    def _read_arrow(
        self, spec: LayerSpec, *, thana: str | None, fids: tuple[int, int] | None
    ) -> gpd.GeoDataFrame | None:
        """Return rows read by binary COPY into Arrow through ADBC (``None``: read by COPY).

        Geometries come as WKB, dates and instants as PostgreSQL sends them; both are
        decoded as the GeoPackage store's Arrow read does, and the frame equals the COPY
        read value for value (tests/postgis/test_postgis_arrow.py).
        """
        columns = layer_columns(spec)
        params: list[str | int] = []

        def parameter(value: str | int) -> sql.Composable:
            params.append(value)
            return sql.SQL(f"${len(params)}")

        exprs = [sql.SQL("t.{}").format(sql.Identifier(name)) for name, _ in columns]
        if spec.spatial:
            geom = sql.Identifier(GEOM_COLUMN)
            exprs.insert(0, sql.SQL("ST_AsBinary(t.{}) AS {}").format(geom, geom))
        query = sql.SQL("SELECT {} FROM {} AS t").format(
            sql.SQL(", ").join(exprs), self._t(spec.kind.value)
        ) + self._rows_where(spec, thana=thana, fids=fids, value=parameter)
        table = pg_arrow.read_arrow(self._url, query.as_string(None), params)
        if table is None:
            return None
        try:
            frame = decode_arrow_frame(table, columns)
            geoms = (
                decode_wkb_geometries(table.column(GEOM_COLUMN))
                if spec.spatial
                else np.full(len(frame), None, dtype=object)
            )
        except (pa.ArrowException, KeyError) as exc:
            logger.debug("decoding the Arrow read failed (%s): reading by COPY", type(exc).__name__)
            return None
        frame[GEOMETRY] = np.asarray(geoms, dtype=object)
        return gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=WGS84)

    def _read_copy(
        self, spec: LayerSpec, *, thana: str | None, fids: tuple[int, int] | None
    ) -> gpd.GeoDataFrame:
        """Return rows read by COPY in text format, parsed column by column (``pg_copy``)."""
        table = spec.kind.value
        columns = layer_columns(spec)
        points = spec.geometry == "Point"
        geom = sql.Identifier(GEOM_COLUMN)
        if not spec.spatial:
            head = []
        elif points:
            head = [sql.SQL("ST_X(t.{})").format(geom), sql.SQL("ST_Y(t.{})").format(geom)]
        else:
            head = [sql.SQL("encode(ST_AsBinary(t.{}), 'hex')").format(geom)]
        exprs = head + [out_expr(name, col) for name, col in columns]
        query = sql.SQL("SELECT {} FROM {} AS t").format(
            sql.SQL(", ").join(exprs), self._t(table)
        ) + self._rows_where(spec, thana=thana, fids=fids, value=sql.Literal)
        with self._connect(f"read the {table} layer") as conn:
            data = copy_out(conn, query)
        geo_names = [(f"_g{i}", Col.REAL if points else Col.TEXT) for i in range(len(head))]
        frame = parse_copy(data, [*geo_names, *columns])
        geoms: Any
        if not spec.spatial:
            geoms = np.full(len(frame), None, dtype=object)
        elif points:
            geoms = shapely.points(frame["_g0"].to_numpy(), frame["_g1"].to_numpy())
        else:
            geoms = shapely.from_wkb(frame["_g0"].to_numpy(dtype=object))
        frame = frame.drop(columns=[name for name, _ in geo_names])
        frame[GEOMETRY] = np.asarray(geoms, dtype=object)
        return gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=WGS84)

    def count(self, kind: LayerKind | str) -> int:
        """Return the number of rows in a layer."""
        table = layer_spec(kind).kind.value
        with self._connect(f"count the {table} layer") as conn:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(self._t(table))).fetchone()
        return int(row[0]) if row else 0

    def quarantine(
        self, kind: LayerKind | str | None = None, *, import_id: str | None = None
    ) -> pd.DataFrame:
        """Return quarantined rows, optionally of one layer or one import."""
        filters = quarantine_filters(kind, import_id)
        query = sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(map(sql.Identifier, QUARANTINE_COLUMNS)),
            self._t(QUARANTINE_TABLE),
        )
        if filters:
            query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(
                sql.SQL("{} = %s").format(sql.Identifier(name)) for name in filters
            )
        query += sql.SQL(" ORDER BY {}").format(sql.Identifier(FID_COLUMN))
        with self._connect("read the quarantine") as conn:
            rows = conn.execute(query, list(filters.values())).fetchall()
        return decode_quarantine(rows)

    def imports(self) -> pd.DataFrame:
        """Return the import log, one row per import, oldest first."""
        query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            sql.SQL(", ").join(map(sql.Identifier, IMPORT_LOG_COLUMNS)),
            self._t(IMPORTS_TABLE),
            sql.Identifier(FID_COLUMN),
        )
        with self._connect("read the import log") as conn:
            rows = conn.execute(query).fetchall()
        return decode_import_log(rows)

    # ---- writing ----

    def apply(self, batch: ImportBatch) -> ImportRecord:
        """Apply one import atomically: upsert accepted rows, append quarantine and log.

        The whole import is one PostgreSQL transaction (see :meth:`geo.store.Store.apply`).
        """
        prepared = prepare_import(batch)  # checks, EPSG:4326, encodes
        spec, features = prepared.spec, prepared.features
        ewkb = _ewkb_hex(features.geoms) if features.n and spec.spatial else []
        with self._connect(f"write import {batch.import_id}") as conn, conn.transaction():
            self._lock(conn)
            inserted, updated = _write_layer(conn, self._t(spec.kind.value), spec, features, ewkb)
            _append_quarantine(
                conn, self._t(QUARANTINE_TABLE), batch.import_id, prepared.quarantine
            )
            version = _bump_version(conn, self._t(META_TABLE))
            record = ImportRecord(batch.import_id, inserted, updated, version)
            _append_import_log(conn, self._t(IMPORTS_TABLE), prepared.log_values(record))
        return prepared.applied(logger, record)

    # ---- saved patrol plans ----

    def save_plan(self, plan: StoredPlan) -> None:
        """Save a new patrol plan in one transaction (the version is unchanged)."""
        with self._connect(f"save patrol plan {plan.plan_id}") as conn, conn.transaction():
            self._lock(conn)
            pg_plans.insert_plan(conn, self._schema, plan, self.location)

    def read_plan(self, plan_id: str) -> StoredPlan | None:
        """Return a saved plan with its data, or ``None``."""
        with self._connect("read a patrol plan") as conn:
            return pg_plans.select_plan(conn, self._schema, plan_id)

    def list_plans(self, *, thana: str | None = None) -> list[StoredPlan]:
        """Return the saved plans without their data, newest first."""
        with self._connect("list the patrol plans") as conn:
            return pg_plans.select_plans(conn, self._schema, thana)

    def set_plan_status(
        self, plan_id: str, *, expected: str, status: str, at: str, by: str
    ) -> bool:
        """Change a plan's status if it still is ``expected`` (one transaction)."""
        action = f"change the status of patrol plan {plan_id}"
        with self._connect(action) as conn, conn.transaction():
            return pg_plans.update_status(conn, self._schema, plan_id, expected, status, at, by)

    def _lock(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        """Take the writers' advisory lock for this transaction, or raise StoreLockedError."""
        deadline = time.monotonic() + self._lock_timeout
        while True:
            row = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (self._lock_key,))
            got = row.fetchone()
            if got is not None and got[0]:
                return
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"the store {self.location} is locked by another import",
                    why=f"only one import may write the store at a time; waited "
                    f"{self._lock_timeout:g} s for the advisory lock {self._lock_key}",
                    fix="wait for the other import to finish and run this one again",
                )
            time.sleep(LOCK_POLL_S)


# ---------------------------------------------------------------------------------------------
# Writing inside the import's transaction


def _ewkb_hex(geoms: npt.NDArray[np.object_]) -> list[str]:
    """Return EPSG:4326 geometries as hex EWKB with SRID 4326 (PostGIS's text input)."""
    geoms = shapely.set_srid(geoms, SRID)
    hexes: list[str] = shapely.to_wkb(
        geoms, hex=True, output_dimension=2, include_srid=True, flavor="extended"
    ).tolist()
    return hexes


def _write_layer(
    conn: psycopg.Connection[tuple[Any, ...]],
    table: sql.Composed,
    spec: LayerSpec,
    features: Features,
    ewkb: list[str],
) -> tuple[int, int]:
    """Upsert encoded rows into a layer table on its key; return (inserted, updated)."""
    if not features.n:
        return 0, 0
    key = sql.Identifier(spec.key)
    removed = conn.execute(
        sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(table, key), (features.keys,)
    ).rowcount
    names = [name for name, _ in layer_columns(spec)]
    kinds = [col for _, col in layer_columns(spec)]
    values = list(features.columns)
    if spec.spatial:  # an attribute table has no geometry column
        names, kinds, values = [GEOM_COLUMN, *names], [Col.TEXT, *kinds], [ewkb, *values]
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
        table, sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with conn.cursor() as cur, cur.copy(copy) as out:
        for chunk in copy_in(values, kinds):
            out.write(chunk)
    return features.n - removed, removed


def _append_quarantine(
    conn: psycopg.Connection[tuple[Any, ...]],
    table: sql.Composed,
    import_id: str,
    rows: list[tuple[Any, ...]],
) -> None:
    """Store the quarantine rows of an import (replacing any stored under the same id)."""
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE {} = %s").format(table, sql.Identifier(Q_IMPORT_ID)),
        (import_id,),
    )
    if not rows:
        return
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
        table, sql.SQL(", ").join(map(sql.Identifier, QUARANTINE_STORAGE))
    )
    columns = [list(values) for values in zip(*rows, strict=True)]
    with conn.cursor() as cur, cur.copy(copy) as out:
        for chunk in copy_in(columns, list(QUARANTINE_STORAGE.values())):
            out.write(chunk)


def _bump_version(conn: psycopg.Connection[tuple[Any, ...]], table: sql.Composed) -> int:
    """Increase the store version by one (row-locked) and return the new version."""
    row = conn.execute(
        sql.SQL(
            "UPDATE {} SET value = (value::bigint + 1)::text WHERE key = %s RETURNING value"
        ).format(table),
        (META_VERSION,),
    ).fetchone()
    if row is None:
        raise StoreError(
            "the store has no version row",
            why="its meta table was changed by another program",
            fix="re-create the store in a new schema and re-import the source files",
        )
    return int(row[0])


def _append_import_log(
    conn: psycopg.Connection[tuple[Any, ...]], table: sql.Composed, values: dict[str, Any]
) -> None:
    """Append one row to the import log."""
    names = list(IMPORTS_STORAGE)
    conn.execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            table,
            sql.SQL(", ").join(map(sql.Identifier, names)),
            sql.SQL(", ").join(sql.Placeholder() * len(names)),
        ),
        [values[name] for name in names],
    )
