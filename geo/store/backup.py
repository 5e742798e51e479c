"""Consistent snapshots of SQLite files (the GeoPackage store, the users file) and their checks."""

# Why SQLite's online backup API and not a file copy
# --------------------------------------------------
# ``sqlite3.Connection.backup`` copies the pages of one read transaction, so the copy is a state
# the database was really in, whatever other connections write meanwhile (the users file is in
# WAL mode and the audit thread writes it all the time; a plain copy of it would miss the WAL
# or catch it half-written). The GeoPackage store is never written in place (an import writes a
# copy and renames it over the store), so a snapshot reads either the old or the new inode,
# never a half-applied import. The copy is turned to rollback-journal mode so that it is one
# self-contained file, and checked with ``PRAGMA integrity_check``.

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from geo.errors import StoreError
from geo.schema import LayerKind
from geo.store.frames import IMPORTS_TABLE, META_FORMAT, META_TABLE, QUARANTINE_TABLE
from geo.store.gpkg import GeoPackageStore
from geo.store.gpkg_lock import write_lock

logger = logging.getLogger(__name__)

#: What ``PRAGMA integrity_check`` answers for a sound database.
INTEGRITY_OK: Final = "ok"
#: Most problems quoted from ``PRAGMA integrity_check`` in an error.
MAX_INTEGRITY_PROBLEMS: Final = 3
#: Chunk size of hashing and copying (bytes).
CHUNK_BYTES: Final = 1024 * 1024
#: Seconds a restore waits for a running import to release the store's write lock.
RESTORE_LOCK_TIMEOUT_S: Final = 30.0


@dataclass(frozen=True)
class StoreSummary:
    """What a GeoPackage store (or a snapshot of it) holds.

    Attributes
    ----------
    format : int
        Table layout version (``geo.store.frames.STORE_FORMAT`` when written).
    version : int
        Store version: the number of applied imports.
    layers : dict of str to int
        Rows per layer, by :class:`geo.schema.LayerKind` value.
    quarantine : int
        Quarantine lines.
    imports : int
        Rows of the import log.
    """

    format: int
    version: int
    layers: dict[str, int] = field(default_factory=dict)
    quarantine: int = 0
    imports: int = 0


def _read_only(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """Open an SQLite file read-only (never creating it), closed at the end of the block."""
    return contextlib.closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True))


@contextlib.contextmanager
def _reading(path: Path, action: str, *, fix: str) -> Iterator[sqlite3.Connection]:
    """Read an SQLite file in the block; an SQLite error is a StoreError "could not ACTION"."""
    try:
        with _read_only(path) as conn:
            yield conn
    except sqlite3.Error as exc:
        raise StoreError(
            f"could not {action} {path.name}", why=f"{type(exc).__name__}: {exc}", fix=fix
        ) from exc


def snapshot_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database to ``target`` with SQLite's online backup API.

    The copy is the state of one read transaction of ``source``, whatever other connections
    or processes write meanwhile, and is a single file in rollback-journal mode (no ``-wal``).

    Parameters
    ----------
    source : Path
        The database; opened read-only, never created.
    target : Path
        A new file (overwritten when it exists).

    Raises
    ------
    StoreError
        When ``source`` is missing or not an SQLite database, or ``target`` cannot be written.
    """
    if not source.is_file():
        raise StoreError(
            f"there is no database at {source}",
            why="a backup copies an existing store or users file",
            fix="check the --store option, SHAKTI_STORE and SHAKTI_USERS_DB",
        )
    fix = (
        "check that the file is an SQLite database you can read and that the backup's "
        "folder has free space"
    )
    with (
        _reading(source, "copy", fix=fix) as src,
        contextlib.closing(sqlite3.connect(target, isolation_level=None)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")


def integrity_problems(path: Path) -> list[str]:
    """Return what ``PRAGMA integrity_check`` finds wrong with an SQLite file (empty: sound).

    Parameters
    ----------
    path : Path
        The file; opened read-only, never created.

    Returns
    -------
    list of str
        At most :data:`MAX_INTEGRITY_PROBLEMS` messages; a file SQLite cannot read at all
        gives one message.
    """
    try:
        with _read_only(path) as conn:
            rows = conn.execute(f"PRAGMA integrity_check({MAX_INTEGRITY_PROBLEMS})").fetchall()
    except sqlite3.Error as exc:
        return [f"{type(exc).__name__}: {exc}"]
    found = [str(row[0]) for row in rows]
    return [] if found == [INTEGRITY_OK] else found


def check_integrity(path: Path, *, label: str, fix: str) -> None:
    """Raise when ``PRAGMA integrity_check`` finds an SQLite file damaged.

    Parameters
    ----------
    path : Path
        The file; opened read-only, never created.
    label : str
        How the message names the file, never a server path.
    fix : str
        Which good copy to restore.

    Raises
    ------
    StoreError
        "LABEL is damaged", quoting at most :data:`MAX_INTEGRITY_PROBLEMS` problems.
    """
    problems = integrity_problems(path)
    if problems:
        raise StoreError(
            f"{label} is damaged",
            why="SQLite's integrity check found: " + "; ".join(problems),
            fix=fix,
        )


def table_counts(path: Path) -> dict[str, int]:
    """Return the rows of every ordinary table of an SQLite file, by table name.

    Parameters
    ----------
    path : Path

    Returns
    -------
    dict of str to int
        Sorted by name; SQLite's internal tables are left out.

    Raises
    ------
    StoreError
        When the file cannot be read.
    """
    fix = "check that the file is an SQLite database"
    with _reading(path, "count the rows of", fix=fix) as conn:
        names = [
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: int(
                conn.execute('SELECT count(*) FROM "' + name.replace('"', '""') + '"').fetchone()[0]
            )
            for name in names
        }


def summarize_store(path: Path) -> StoreSummary:
    """Open a GeoPackage store file (never creating one) and return what it holds.

    Parameters
    ----------
    path : Path
        An existing store file.

    Returns
    -------
    StoreSummary
        Its format, version and the rows of every table.

    Raises
    ------
    StoreError
        When the file is missing, is not a Shakti store, or cannot be read.
    """
    if not path.is_file():
        raise StoreError(
            f"there is no store file {path.name}",
            why="only an existing GeoPackage store can be summarized",
            fix="check the --store option or SHAKTI_STORE",
        )
    store = GeoPackageStore(path)  # checks that it is a Shakti store; exists, so never creates
    layers = {kind.value: store.count(kind) for kind in LayerKind}
    counts = table_counts(path)
    fix = "check that the file is a store written by Shakti"
    with _reading(path, "read the format of the store", fix=fix) as conn:
        row = conn.execute(
            f"SELECT value FROM {META_TABLE} WHERE key = ?", (META_FORMAT,)
        ).fetchone()
    return StoreSummary(
        format=int(row[0]),
        version=store.version,
        layers=layers,
        quarantine=counts.get(QUARANTINE_TABLE, 0),
        imports=counts.get(IMPORTS_TABLE, 0),
    )


def check_store_file(path: Path, *, label: str) -> StoreSummary:
    """Check that a (snapshot or restored) store file is sound and readable; summarize it.

    Parameters
    ----------
    path : Path
        The GeoPackage file.
    label : str
        How messages name the file (e.g. ``"store.gpkg in backup-1.zip"``), never a server
        path.

    Returns
    -------
    StoreSummary

    Raises
    ------
    StoreError
        When ``PRAGMA integrity_check`` finds a problem or the file is not a readable store.
    """
    check_integrity(
        path, label=label, fix="restore the newest good backup (shakti restore BACKUP.zip --force)"
    )
    try:
        return summarize_store(path)
    except StoreError as exc:
        raise StoreError(
            f"{label} is not a readable Shakti store", why=exc.why or exc.what, fix=exc.fix
        ) from exc


def snapshot_store(store_path: Path, target: Path) -> StoreSummary:
    """Write a consistent, checked copy of a GeoPackage store to ``target``, even during imports.

    Parameters
    ----------
    store_path : Path
        The live store file.
    target : Path
        The snapshot file to write.

    Returns
    -------
    StoreSummary
        What the snapshot holds (not the live store, which may have moved on).

    Raises
    ------
    StoreError
        When the store is missing or not a Shakti store, or the snapshot fails its checks.
    """
    if not store_path.is_file():
        raise StoreError(
            f"there is no store at {store_path}",
            why="a backup copies an existing store",
            fix="check the --store option or SHAKTI_STORE (shakti layers shows the store)",
        )
    GeoPackageStore(store_path)  # refuses a file that is not a Shakti store before copying
    snapshot_sqlite(store_path, target)
    return check_store_file(target, label=f"the copy of the store {store_path.name}")


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks.

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file or a folder to disk.

    Parameters
    ----------
    path : Path
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(source: Path, target: Path, *, keep_old: Path | None = None) -> None:
    """Make ``source`` durable and atomically put it in place of ``target``.

    Parameters
    ----------
    source : Path
        A file in the same folder (file system) as ``target``.
    target : Path
    keep_old : Path, optional
        When ``target`` exists, keep its current file under this name too (a hard link, so
        ``target`` never goes missing; a copy where links are not supported).

    Raises
    ------
    OSError
        When a rename, link or copy fails; ``target`` is then either untouched or replaced.
    """
    fsync_path(source)
    if keep_old is not None and target.exists():
        try:
            os.link(target, keep_old)
        except OSError:
            shutil.copy2(target, keep_old)
    source.replace(target)
    fsync_path(target.parent)


@contextlib.contextmanager
def store_write_lock(
    store_path: Path, *, timeout: float = RESTORE_LOCK_TIMEOUT_S
) -> Iterator[None]:
    """Hold the write lock of the GeoPackage store at ``store_path``: no import runs meanwhile.

    Parameters
    ----------
    store_path : Path
        The store file; need not exist.
    timeout : float
        Seconds to wait for a running import.

    Raises
    ------
    geo.errors.StoreLockedError
        When an import keeps the lock longer than ``timeout``.
    """
    store_path.parent.mkdir(parents=True, exist_ok=True)
    with write_lock(store_path, timeout=timeout):
        yield
