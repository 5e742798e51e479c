"""Restoring a backup archive: check it completely, then swap the files in (service stopped)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from api.service.backup import (
    NEW_FILE_MODE,
    REPLACED_INFIX,
    STAMP_FORMAT,
    STORE_MEMBER,
    USERS_BUSY_TIMEOUT_S,
    USERS_MEMBER,
    RestoreResult,
    check_backup,
    postgis_hint,
    read_manifest,
)
from geo.errors import StoreError
from geo.store import is_database_url
from geo.store.backup import (
    fsync_path,
    replace_file,
    store_write_lock,
)

logger = logging.getLogger(__name__)


def _refuse_existing(targets: Mapping[str, Path], force: bool) -> None:
    """Refuse to replace existing files without ``force``."""
    existing = [path for path in targets.values() if path.exists()]
    if existing and not force:
        raise StoreError(
            "a store or users file already exists where the backup would go: "
            + ", ".join(p.name for p in existing),
            why="a restore replaces the current data with the backup's",
            fix="add --force to replace them (the current files are kept beside them as "
            f"<name>{REPLACED_INFIX}<time>), or restore to another --store path",
        )
    for path in existing:
        if not path.is_file():
            raise StoreError(
                f"{path.name} is not a file", fix="move it away or restore to another --store path"
            )


def _check_users_unused(path: Path, *, fold: bool) -> None:
    """Check that no one has the users file open; with ``fold``, fold its WAL into the file.

    An exclusive lock in SQLite's exclusive locking mode is granted only when no other
    connection, in this process or another, has the file open. Folding the WAL makes the file
    complete on its own (it is kept when replaced) and leaves no ``-wal`` that SQLite would
    replay into the restored file.

    Raises
    ------
    StoreError
        When another connection (a running service) uses it.
    """
    if not path.exists():
        return
    try:
        with contextlib.closing(
            sqlite3.connect(path, timeout=USERS_BUSY_TIMEOUT_S, isolation_level=None)
        ) as conn:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
            if fold:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise StoreError(
                f"the users file {path.name} is in use",
                why="the service (or another shakti command) has it open; replacing it under "
                "a running service would lose or corrupt users and the audit log",
                fix="stop the service, restore, then start it again",
            ) from None
        logger.warning("the users file %s is unreadable (%s); it will be replaced", path, exc)
    if not fold:
        return
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _stage_path(target: Path) -> Path:
    """Return a hidden temp path beside ``target`` (same file system, for ``os.replace``)."""
    return target.with_name(f".{target.name}.restore-{uuid.uuid4().hex}.tmp")


def restore_backup(
    archive: Path,
    *,
    store_location: str | Path,
    users_file: Path | None,
    force: bool = False,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Check an archive completely, then put its store and users file in place atomically.

    Nothing is touched until every check passed. Each file is swapped in with ``os.replace``
    while the store's write lock is held (no import runs meanwhile); with ``force`` a replaced
    file is kept beside it as ``<name>.replaced-<UTC time>``.

    Parameters
    ----------
    archive : Path
        A file written by :func:`write_backup`.
    store_location : str or Path
        Where the store goes (a GeoPackage path). A PostgreSQL URL takes no store: restore
        the database with pg_restore (the notes say how).
    users_file : Path, optional
        Where the users file goes.
    force : bool, default False
        Replace an existing store / users file.
    now : datetime, optional
        Time in the names of kept files (default: the clock).

    Returns
    -------
    RestoreResult

    Raises
    ------
    geo.errors.InputFileError
        When the archive is not an intact backup (nothing changed).
    geo.errors.StoreError
        When a target exists without ``force``, the users file is in use, the archive holds a
        GeoPackage store but the store is a database, or a file cannot be written.
    """
    started = time.perf_counter()
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime(STAMP_FORMAT)
    database = is_database_url(store_location)
    manifest = read_manifest(archive)  # a quick look first: which files would it replace?
    if STORE_MEMBER in manifest.members and database:
        raise StoreError(
            f"{archive.name} holds a GeoPackage store but the store is a PostGIS database",
            why="a GeoPackage is not loaded into PostGIS by a restore",
            fix="restore it to a file with --store PATH.gpkg, or import its layers into the "
            "database with shakti import",
        )
    notes: list[str] = []
    if manifest.store.kind == "postgis":
        notes.append(
            postgis_hint(str(store_location))
            if database
            else "the backup was taken from a PostGIS store: restore the database with "
            "pg_restore (docs/backup.md)"
        )
    targets: dict[str, Path] = {}
    if STORE_MEMBER in manifest.members:
        targets[STORE_MEMBER] = Path(store_location)
    if USERS_MEMBER in manifest.members and users_file is not None:
        targets[USERS_MEMBER] = Path(users_file)
    elif USERS_MEMBER in manifest.members:
        notes.append("the archive's users file was not restored: no users file configured")
    else:
        notes.append("the archive holds no users file: users and audit log left as they are")
    _refuse_existing(targets, force)
    if USERS_MEMBER in targets:
        _check_users_unused(targets[USERS_MEMBER], fold=False)
    stage = {name: _stage_path(path) for name, path in targets.items()}
    kept: dict[str, Path] = {}
    restored: dict[str, Path] = {}
    try:
        for path in stage.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        manifest = check_backup(archive, stage)
        with contextlib.ExitStack() as locks:
            if STORE_MEMBER in targets:
                locks.enter_context(store_write_lock(targets[STORE_MEMBER]))
            _refuse_existing(targets, force)  # again, under the lock
            for name, target in targets.items():
                if name == USERS_MEMBER:
                    _check_users_unused(target, fold=True)
                aside = target.with_name(target.name + REPLACED_INFIX + stamp)
                existed = target.exists()
                mode = target.stat().st_mode & 0o777 if existed else NEW_FILE_MODE[name]
                stage[name].chmod(mode)  # the replaced file's mode, or a safe default
                replace_file(stage[name], target, keep_old=aside if existed else None)
                restored[name] = target
                if existed:
                    kept[name] = aside
    except OSError as exc:
        raise StoreError(
            f"could not put the files of {archive.name} in place",
            why=f"{type(exc).__name__}: {exc.strerror or exc}"
            + (f"; already restored: {sorted(restored)}" if restored else "; nothing changed"),
            fix="check free disk space and write permission beside the store, then restore again"
            + (
                f" (replaced files were kept as {sorted(p.name for p in kept.values())})"
                if kept
                else ""
            ),
        ) from exc
    finally:
        for path in stage.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    for path in restored.values():
        fsync_path(path.parent)
    seconds = time.perf_counter() - started
    logger.info("restored %s: %s (%.1f s)", archive.name, sorted(restored), seconds)
    return RestoreResult(
        manifest=manifest, restored=restored, kept=kept, seconds=seconds, notes=notes
    )
