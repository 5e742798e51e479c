"""The tables of a GeoPackage store: made new, or given the later versions' layers and columns."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio

from geo.crs import WGS84
from geo.schema import LAYERS, THANA, LayerSpec
from geo.store.frames import (
    FID_COLUMN,
    GEOM_COLUMN,
    IMPORTS_TABLE,
    META_TABLE,
    Q_IMPORT_ID,
    Q_KIND,
    QUARANTINE_TABLE,
)
from geo.store.gpkg_format import quote_identifier as _q
from geo.store.rows import IMPORTS_STORAGE, QUARANTINE_STORAGE, Col, initial_meta, layer_columns

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def scratch_transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """Write a scratch copy in one big transaction, committed when the block ends normally.

    No journal and no syncs: if anything fails, the copy is thrown away; when everything
    succeeded, the file is fsynced once before it replaces the store.
    """
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -131072")  # 128 MiB
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")


def has_table(conn: sqlite3.Connection, table: str) -> bool:
    """Return whether the store has the table."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return found is not None


def write_empty_layers(path: Path, specs: list[LayerSpec]) -> None:
    """Create the empty feature tables of ``specs`` (GDAL writes the GeoPackage bookkeeping).

    Attribute tables (layers without geometry) are created by :func:`create_attribute_table`.
    """
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    for spec in specs:
        if not spec.spatial:
            continue
        pyogrio.write_dataframe(
            empty,
            path,
            layer=spec.kind.value,
            driver="GPKG",
            geometry_type="Point" if spec.geometry == "Point" else "Unknown",
            GEOMETRY_NAME=GEOM_COLUMN,
            FID=FID_COLUMN,
            DESCRIPTION=spec.description,
        )


def add_missing_layers(path: Path) -> None:
    """Create, in the scratch copy of an older store, the layer tables it lacks (empty).

    Their columns and key index are added as for a new store (:func:`add_layer_columns`).
    """
    with contextlib.closing(sqlite3.connect(path)) as conn:
        missing = [s for s in LAYERS.values() if not has_table(conn, s.kind.value)]
    if not missing:
        return
    write_empty_layers(path, missing)
    with scratch_transaction(path) as conn:
        for spec in missing:
            create_attribute_table(conn, spec)
            add_layer_columns(conn, spec)
            logger.info("added the %s layer to an older store", spec.kind.value)


def add_missing_columns(conn: sqlite3.Connection) -> None:
    """Add to every layer table the schema's columns it lacks (a store of an older version)."""
    for spec in LAYERS.values():
        table = spec.kind.value
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({_q(table)})")}
        for name, col in layer_columns(spec):
            if name not in present:
                conn.execute(f"ALTER TABLE {_q(table)} ADD COLUMN {_q(name)} {col.value}")
                logger.info("added column %s to the %s layer of the store", name, table)


def create_attribute_table(conn: sqlite3.Connection, spec: LayerSpec) -> None:
    """Create the empty table of a layer without geometry (a GeoPackage attributes table).

    Its columns are added by :func:`add_layer_columns`; a spatial layer is left alone.
    """
    if spec.spatial:
        return
    table = spec.kind.value
    conn.execute(f"CREATE TABLE {_q(table)} ({FID_COLUMN} INTEGER PRIMARY KEY AUTOINCREMENT)")
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES (?, 'attributes', ?, ?)",
        (table, table, spec.description),
    )


def add_layer_columns(conn: sqlite3.Connection, spec: LayerSpec) -> None:
    """Add a new (empty) layer table's columns, its key index and its thana index."""
    table = spec.kind.value
    for name, col in layer_columns(spec):
        conn.execute(f"ALTER TABLE {_q(table)} ADD COLUMN {_q(name)} {col.value}")
    conn.execute(
        f"CREATE UNIQUE INDEX {_q(f'{table}_{spec.key}_key')} ON {_q(table)} ({_q(spec.key)})"
    )
    if THANA in spec.columns:
        conn.execute(f"CREATE INDEX {_q(f'{table}_{THANA}')} ON {_q(table)} ({_q(THANA)})")


def create_tables(conn: sqlite3.Connection) -> None:
    """Add the layer columns, key indexes and the quarantine, imports and meta tables."""
    for spec in LAYERS.values():
        create_attribute_table(conn, spec)
        add_layer_columns(conn, spec)
    tables = {
        QUARANTINE_TABLE: (QUARANTINE_STORAGE, "Rejected rows: one line per problem"),
        IMPORTS_TABLE: (IMPORTS_STORAGE, "Import log: one row per applied import"),
        META_TABLE: ({"key": Col.TEXT, "value": Col.TEXT}, "Store metadata (version)"),
    }
    for table, (columns, description) in tables.items():
        body = ", ".join(f"{_q(name)} {col.value}" for name, col in columns.items())
        conn.execute(
            f"CREATE TABLE {table} ({FID_COLUMN} INTEGER PRIMARY KEY AUTOINCREMENT, {body})"
        )
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (table, table, description),
        )
    conn.execute(f"CREATE UNIQUE INDEX meta_key ON {META_TABLE} (key)")
    conn.execute(
        f"CREATE INDEX quarantine_import ON {QUARANTINE_TABLE} ({_q(Q_IMPORT_ID)}, {_q(Q_KIND)})"
    )
    conn.executemany(f"INSERT INTO {META_TABLE} (key, value) VALUES (?, ?)", initial_meta())
