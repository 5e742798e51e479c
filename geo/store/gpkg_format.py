"""The GeoPackage binary formats the embedded store writes itself: geometry blobs and R-trees."""

from __future__ import annotations

import math
import sqlite3
import struct
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely

from geo.errors import StoreError
from geo.store.rows import (
    SRS_ID,
    FloatArray,
)

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


def quote_identifier(name: str) -> str:
    """Return ``name`` quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


#: GeoPackage geometry header: envelope size in bytes by envelope indicator (flags bits 1-3).
ENVELOPE_BYTES: Final = (0, 32, 48, 48, 64)
POINT_HEADER: Final = b"GP\x00\x01" + struct.pack("<i", SRS_ID)
#: One 2D point blob as GDAL and this module write it: header, no envelope, little-endian WKB.
POINT_BLOB = np.dtype(
    [
        ("magic", "S2"),
        ("version", "u1"),
        ("flags", "u1"),
        ("srs", "<i4"),
        ("order", "u1"),
        ("type", "<u4"),
        ("x", "<f8"),
        ("y", "<f8"),
    ]
)
#: One R-tree cell as SQLite stores it: rowid (or child node) and the box as float32.
RTREE_CELL = np.dtype(
    [("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")]
)


def encode_geometries(geoms: npt.NDArray[np.object_], points: bool) -> list[bytes]:
    """Return GeoPackage geometry blobs (header + little-endian ISO WKB, SRS 4326).

    Points get no envelope in the header (as GDAL writes them); other geometries get their
    XY envelope.
    """
    wkb = shapely.to_wkb(geoms, output_dimension=2, byte_order=1, flavor="iso")
    if points:
        return [POINT_HEADER + blob for blob in wkb.tolist()]
    bounds = shapely.bounds(geoms)
    return [
        b"GP\x00\x03" + struct.pack("<i4d", SRS_ID, minx, maxx, miny, maxy) + blob
        for blob, (minx, miny, maxx, maxy) in zip(wkb.tolist(), bounds.tolist(), strict=True)
    ]


def decode_geometries(blobs: Sequence[bytes | None]) -> npt.NDArray[np.object_]:
    """Return shapely geometries from GeoPackage geometry blobs (``None`` stays missing)."""
    n = len(blobs)
    if n == 0:
        return np.empty(0, dtype=object)
    try:
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=n)  # type: ignore[arg-type]
    except TypeError:  # a missing geometry
        lengths = np.zeros(n, dtype=np.int64)
    if (lengths == POINT_BLOB.itemsize).all():
        # Fast path for the common case (millions of 2D points written by this module or
        # GDAL): decode the coordinates with numpy instead of parsing WKB blob by blob.
        records = np.frombuffer(b"".join(blobs), dtype=POINT_BLOB)  # type: ignore[arg-type]
        if (
            (records["magic"] == b"GP").all()
            and (records["flags"] == 1).all()
            and (records["order"] == 1).all()
            and (records["type"] == 1).all()
            and not np.isnan(records["x"]).any()
        ):
            return np.asarray(shapely.points(records["x"], records["y"]), dtype=object)
    wkb: list[bytes | None] = []
    for blob in blobs:
        if blob is None:
            wkb.append(None)
            continue
        if blob[:2] != b"GP":
            raise StoreError(
                "a geometry in the store is not a GeoPackage geometry blob",
                why="the file was modified by a program that does not write GeoPackage",
                fix="re-create the store and re-import the source files",
            )
        wkb.append(blob[8 + ENVELOPE_BYTES[(blob[3] >> 1) & 0x07] :])
    geoms: npt.NDArray[np.object_] = shapely.from_wkb(np.array(wkb, dtype=object))
    return geoms


def rtree_table(conn: sqlite3.Connection, table: str) -> str | None:
    """Return the R-tree spatial index table of a layer, or ``None`` when it has none."""
    row = conn.execute(
        "SELECT column_name FROM gpkg_extensions "
        "WHERE lower(table_name) = lower(?) AND extension_name = 'gpkg_rtree_index'",
        (table,),
    ).fetchone()
    return None if row is None else f"rtree_{table}_{row[0]}"


def float32_outwards(values: FloatArray, *, down: bool) -> npt.NDArray[np.float32]:
    """Round to float32 outwards (down for minima, up for maxima), as SQLite's R-tree does."""
    out = values.astype(np.float32)
    wrong = out.astype(np.float64) > values if down else out.astype(np.float64) < values
    if wrong.any():
        out[wrong] = np.nextafter(out[wrong], np.float32(-np.inf if down else np.inf))
    return out


def str_order(boxes: npt.NDArray[np.float32], capacity: int) -> npt.NDArray[np.intp]:
    """Return the Sort-Tile-Recursive order of boxes (minx, maxx, miny, maxy) for packing."""
    n = len(boxes)
    nodes = math.ceil(n / capacity)
    slab = math.ceil(math.sqrt(nodes)) * capacity
    cx = boxes[:, 0].astype(np.float64) + boxes[:, 1]
    cy = boxes[:, 2].astype(np.float64) + boxes[:, 3]
    by_x = np.argsort(cx, kind="stable")
    slabs = np.arange(n) // slab
    return by_x[np.lexsort((cy[by_x], slabs))]


def node_blobs(
    ids: npt.NDArray[np.int64],
    boxes: npt.NDArray[np.float32],
    capacity: int,
    node_size: int,
    depth: int | None = None,
) -> list[bytes]:
    """Return R-tree node blobs holding ``ids``/``boxes`` in order, ``capacity`` per node.

    Node layout (sqlite ``rtree.c``): 2-byte tree depth (root only), 2-byte cell count, then
    cells of an 8-byte id and four float32, all big-endian, zero-padded to the node size.
    """
    n = len(ids)
    count = max(1, math.ceil(n / capacity))
    cells = np.zeros(count * capacity, dtype=RTREE_CELL)
    cells["id"][:n] = ids
    for i, name in enumerate(("minx", "maxx", "miny", "maxy")):
        cells[name][:n] = boxes[:, i]
    data = np.zeros((count, node_size), dtype=np.uint8)
    counts = np.full(count, capacity, dtype=">u2")
    counts[-1] = n - (count - 1) * capacity
    data[:, 2:4] = counts.view(np.uint8).reshape(count, 2)
    data[:, 4 : 4 + capacity * RTREE_CELL.itemsize] = cells.view(np.uint8).reshape(count, -1)
    if depth is not None:
        data[0, 0:2] = np.array([depth], dtype=">u2").view(np.uint8)
    return [row.tobytes() for row in data]


def bulk_load_rtree(
    conn: sqlite3.Connection,
    rtree: str,
    ids: npt.NDArray[np.int64],
    boxes: npt.NDArray[np.float32],
) -> None:
    """Replace the content of an R-tree by a Sort-Tile-Recursive packing of the boxes.

    Writes the R-tree's shadow tables (``_node``, ``_rowid``, ``_parent``) directly, as GDAL's
    own bulk loader does; inserting a million boxes one by one through SQL takes ~20 s.
    """
    row = conn.execute(
        f"SELECT length(data) FROM {quote_identifier(rtree + '_node')} WHERE nodeno = 1"
    )
    node_size = int(row.fetchone()[0])
    capacity = (node_size - 4) // RTREE_CELL.itemsize
    for suffix in ("_node", "_rowid", "_parent"):
        conn.execute(f"DELETE FROM {quote_identifier(rtree + suffix)}")
    levels: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]] = []
    next_node = 2
    while len(ids) > capacity:
        order = str_order(boxes, capacity)
        ids, boxes = ids[order], boxes[order]
        count = math.ceil(len(ids) / capacity)
        numbers = np.arange(next_node, next_node + count, dtype=np.int64)
        next_node += count
        levels.append((ids, boxes, numbers))
        starts = np.arange(0, len(ids), capacity)
        boxes = np.column_stack(
            [
                np.minimum.reduceat(boxes[:, 0], starts),
                np.maximum.reduceat(boxes[:, 1], starts),
                np.minimum.reduceat(boxes[:, 2], starts),
                np.maximum.reduceat(boxes[:, 3], starts),
            ]
        )
        ids = numbers
    depth = len(levels)
    node_sql = f"INSERT INTO {quote_identifier(rtree + '_node')} (nodeno, data) VALUES (?, ?)"
    conn.execute(node_sql, (1, node_blobs(ids, boxes, capacity, node_size, depth)[0]))
    parents = np.ones(len(ids), dtype=np.int64)  # the entries of the root have parent 1
    for level in reversed(range(depth)):
        cell_ids, cell_boxes, numbers = levels[level]
        conn.executemany(
            node_sql,
            zip(
                numbers.tolist(),
                node_blobs(cell_ids, cell_boxes, capacity, node_size),
                strict=True,
            ),
        )
        # ``parents`` is in the order of this level's nodes as cells of the level above.
        conn.executemany(
            f"INSERT INTO {quote_identifier(rtree + '_parent')} (nodeno, parentnode) VALUES (?, ?)",
            zip(ids.tolist(), parents.tolist(), strict=True),
        )
        parents = np.repeat(numbers, capacity)[: len(cell_ids)]
        ids = cell_ids
    conn.executemany(
        f"INSERT INTO {quote_identifier(rtree + '_rowid')} (rowid, nodeno) VALUES (?, ?)",
        zip(ids.tolist(), parents.tolist(), strict=True),
    )


def update_rtree(
    conn: sqlite3.Connection,
    rtree: str,
    removed: list[int],
    fids: npt.NDArray[np.int64],
    bounds: FloatArray,
    *,
    bulk: bool,
) -> None:
    """Remove the boxes of ``removed`` fids and add those of new rows to an R-tree."""
    boxes = (
        np.column_stack(
            [
                float32_outwards(bounds[:, 0], down=True),
                float32_outwards(bounds[:, 2], down=False),
                float32_outwards(bounds[:, 1], down=True),
                float32_outwards(bounds[:, 3], down=False),
            ]
        )
        if len(bounds)
        else np.empty((0, 4), dtype=np.float32)
    )
    if bulk:
        kept = conn.execute(
            f"SELECT id, minx, maxx, miny, maxy FROM {quote_identifier(rtree)}"
        ).fetchall()
        old = np.array(kept, dtype=np.float64).reshape(-1, 5)
        old_ids = old[:, 0].astype(np.int64)
        keep = ~np.isin(old_ids, np.array(removed, dtype=np.int64))
        all_ids = np.concatenate([old_ids[keep], fids])
        all_boxes = np.concatenate([old[keep, 1:].astype(np.float32), boxes])
        bulk_load_rtree(conn, rtree, all_ids, all_boxes)
        return
    conn.executemany(
        f"DELETE FROM {quote_identifier(rtree)} WHERE id = ?", ((fid,) for fid in removed)
    )
    # Inserting in packing order keeps consecutive inserts in the same R-tree nodes.
    order = str_order(boxes, 64) if len(boxes) else np.empty(0, dtype=np.intp)
    conn.executemany(
        f"INSERT INTO {quote_identifier(rtree)} (id, minx, maxx, miny, maxy) "
        "VALUES (?, ?, ?, ?, ?)",
        zip(
            fids[order].tolist(),
            *(boxes[order, i].astype(np.float64).tolist() for i in range(4)),
            strict=True,
        ),
    )
