"""Backup archives of a deployment (store, users file, manifest): write and check them."""

# The archive is a zip (stdlib ``zipfile``: its central directory lists every member's name and
# size before anything is extracted, and each member carries a CRC) holding exactly
# ``manifest.json``, ``store.gpkg`` (absent for a PostGIS store) and ``users.sqlite`` (absent when
# the deployment has no users file). The manifest records versions, the store version, rows per
# layer and per users table, and each member's size and SHA-256. A restore never extracts by the
# names in the archive: it copies each expected member, streamed and counted, into a temp folder
# beside its target, checks sizes, digests, ``PRAGMA integrity_check`` and that the store opens
# and reads the recorded rows, and only then swaps the files in with ``os.replace``.

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import sqlite3
import tempfile
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final, Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from geo.errors import ExportError, InputFileError, StoreError
from geo.store import is_database_url
from geo.store.backup import (
    CHUNK_BYTES,
    StoreSummary,
    check_store_file,
    integrity_problems,
    replace_file,
    sha256_file,
    snapshot_sqlite,
    snapshot_store,
    table_counts,
)

logger = logging.getLogger(__name__)

#: Version of the archive layout this module writes and reads.
BACKUP_FORMAT: Final = 1
#: Members of an archive; no other name is ever accepted.
MANIFEST_MEMBER: Final = "manifest.json"
STORE_MEMBER: Final = "store.gpkg"
USERS_MEMBER: Final = "users.sqlite"
DATA_MEMBERS: Final = (STORE_MEMBER, USERS_MEMBER)
#: The table every users file has (:mod:`api.service.users`).
USERS_TABLE: Final = "users"
#: Largest manifest read (bytes).
MAX_MANIFEST_BYTES: Final = 1024 * 1024
#: Largest member restored (bytes): ~300 million incidents; beyond it a restore is refused.
MAX_MEMBER_BYTES: Final = 64 * 1024**3
#: Free space a restore leaves on the disk beyond the extracted members (bytes).
FREE_SPACE_MARGIN_BYTES: Final = 64 * 1024 * 1024
#: zlib level of the members. 1: a 65 MB GeoPackage (300k incidents) shrinks to 32 % in 1.0 s;
#: 6 (zlib's default) gives 29 % but takes 3.2 s.
COMPRESS_LEVEL: Final = 1
#: Names of backup files written into a folder: ``shakti-backup-20261128T120000Z.zip`` (UTC).
BACKUP_PREFIX: Final = "shakti-backup-"
BACKUP_SUFFIX: Final = ".zip"
STAMP_FORMAT: Final = "%Y%m%dT%H%M%SZ"
#: Suffix of a file a forced restore replaced, kept beside it: ``<name>.replaced-<stamp>``.
REPLACED_INFIX: Final = ".replaced-"
#: Seconds a restore waits to find the users file unused.
USERS_BUSY_TIMEOUT_S: Final = 0.5
#: Mode of a restored file that replaces none: the users file holds password hashes.
NEW_FILE_MODE: Final = {STORE_MEMBER: 0o644, USERS_MEMBER: 0o600}
_NEW_FILE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL
_APP: Final = "shakti-hotspots"
#: Version strings of a manifest: short, no markup or control characters (they are printed).
_VERSION_TEXT: Final = r"^[A-Za-z0-9.+_-]*$"
_MAX_VERSION_CHARS: Final = 64
_PG_DUMP: Final = "pg_dump --format=custom --schema={schema} --file=shakti-store.dump '{url}'"
_PG_RESTORE: Final = "pg_restore --clean --if-exists --dbname='{url}' shakti-store.dump"


class MemberInfo(BaseModel):
    """Size and digest of one archive member."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class StoreInfo(BaseModel):
    """The store an archive was taken from; counts only for a GeoPackage store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["geopackage", "postgis"]
    format: int | None = None
    version: int | None = None
    layers: dict[str, int] = Field(default_factory=dict)
    quarantine: int | None = None
    imports: int | None = None


class Manifest(BaseModel):
    """``manifest.json`` of a backup archive.

    Attributes
    ----------
    format : int
        :data:`BACKUP_FORMAT` when written.
    app, app_version, python_version, sqlite_version : str
        What wrote it.
    created_at : datetime
        When the snapshots were taken (UTC).
    store : StoreInfo
        Kind, format, version and rows per layer of the store.
    users : dict of str to int or None
        Rows per table of the users file (users, audit, meta); ``None`` when not backed up.
    members : dict of str to MemberInfo
        Every data member (not the manifest itself) with its size and SHA-256.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = Field(ge=1)
    app: Literal["shakti-hotspots"]
    app_version: str = Field(max_length=_MAX_VERSION_CHARS, pattern=_VERSION_TEXT)
    python_version: str = Field(max_length=_MAX_VERSION_CHARS, pattern=_VERSION_TEXT)
    sqlite_version: str = Field(max_length=_MAX_VERSION_CHARS, pattern=_VERSION_TEXT)
    created_at: dt.datetime
    store: StoreInfo
    users: dict[str, int] | None = None
    members: dict[str, MemberInfo]


@dataclasses.dataclass(frozen=True)
class BackupResult:
    """A written backup archive.

    Attributes
    ----------
    path : Path
    manifest : Manifest
    size : int
        Bytes of the archive.
    seconds : float
        Time taken.
    notes : list of str
        What the archive does not hold and how to back it up (PostGIS, no users file).
    """

    path: Path
    manifest: Manifest
    size: int
    seconds: float
    notes: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """Return a JSON-ready summary (file name, size, versions, rows, time)."""
        return {
            "file": self.path.name,
            "bytes": self.size,
            "seconds": round(self.seconds, 3),
            **_manifest_summary(self.manifest),
            "notes": self.notes,
        }


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    """A restored archive.

    Attributes
    ----------
    manifest : Manifest
    restored : dict of str to Path
        Archive member → the file it now is.
    kept : dict of str to Path
        Archive member → where the file it replaced was kept.
    seconds : float
    notes : list of str
    """

    manifest: Manifest
    restored: dict[str, Path]
    kept: dict[str, Path]
    seconds: float
    notes: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """Return a JSON-ready summary (what was restored where, versions, rows)."""
        return {
            "restored": {k: str(v) for k, v in self.restored.items()},
            "kept": {k: str(v) for k, v in self.kept.items()},
            "seconds": round(self.seconds, 3),
            **_manifest_summary(self.manifest),
            "notes": self.notes,
        }


def _manifest_summary(manifest: Manifest) -> dict[str, object]:
    """Return the parts of a manifest a summary shows."""
    return {
        "created_at": manifest.created_at.isoformat(),
        "app_version": manifest.app_version,
        "store": manifest.store.model_dump(),
        "users": manifest.users,
        "members": {k: v.size for k, v in manifest.members.items()},
    }


def app_version() -> str:
    """Return the installed version of Shakti Hotspots (``"unknown"`` when not installed)."""
    try:
        return importlib.metadata.version(_APP)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def backup_name(at: dt.datetime) -> str:
    """Return the file name of a backup taken at ``at``: ``shakti-backup-YYYYmmddTHHMMSSZ.zip``.

    Parameters
    ----------
    at : datetime
        Aware; converted to UTC.

    Returns
    -------
    str
    """
    return BACKUP_PREFIX + at.astimezone(dt.UTC).strftime(STAMP_FORMAT) + BACKUP_SUFFIX


def postgis_hint(url: str) -> str:
    """Return how to back up and restore a PostGIS store with pg_dump / pg_restore.

    Parameters
    ----------
    url : str
        ``SHAKTI_DATABASE_URL``; the password and query are never shown.

    Returns
    -------
    str
    """
    from geo.store.postgis import DEFAULT_SCHEMA, SCHEMA_PARAM

    parts = urlsplit(url)
    schema = next((v for k, v in parse_qsl(parts.query) if k == SCHEMA_PARAM), DEFAULT_SCHEMA)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + host
    shown = urlunsplit(parts._replace(netloc=netloc, query=""))
    return (
        "the PostGIS store is not in this archive: back it up with "
        + _PG_DUMP.format(schema=schema, url=shown)
        + " and restore it with "
        + _PG_RESTORE.format(url=shown)
        + " (password from PGPASSWORD or ~/.pgpass)"
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _member_info(path: Path) -> MemberInfo:
    return MemberInfo(size=path.stat().st_size, sha256=sha256_file(path))


def _users_snapshot(users_file: Path, target: Path) -> dict[str, int]:
    """Snapshot the users file and return its rows per table."""
    snapshot_sqlite(users_file, target)
    problems = integrity_problems(target)
    if problems:
        raise StoreError(
            f"the users file {users_file.name} is damaged",
            why="SQLite's integrity check found: " + "; ".join(problems),
            fix="restore the users file from an older backup",
        )
    return table_counts(target)


def write_backup(
    out: Path,
    *,
    store_location: str | Path,
    users_file: Path | None,
    overwrite: bool = False,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Write one archive of the store and the users file, consistent while the service runs.

    Parameters
    ----------
    out : Path
        The archive to write (``*.zip``); an existing folder gets :func:`backup_name` inside it.
        Written to a hidden temp file and renamed, so it never exists half-written; mode
        0600 (it holds password hashes and the token secret).
    store_location : str or Path
        The GeoPackage store file, or a PostgreSQL URL (then only the users file is archived
        and the notes say how to use pg_dump).
    users_file : Path, optional
        The users and audit file; left out when ``None`` or missing (noted).
    overwrite : bool, default False
        Replace an existing ``out``.
    now : datetime, optional
        The time recorded and used in the name (default: the clock).

    Returns
    -------
    BackupResult

    Raises
    ------
    geo.errors.ExportError
        When ``out`` exists (without ``overwrite``) or cannot be written.
    geo.errors.StoreError
        When the store or users file is missing, unreadable or damaged.
    """
    started = time.perf_counter()
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    if out.is_dir():
        out = out / backup_name(created)
    elif out.suffix.lower() != BACKUP_SUFFIX:
        raise ExportError(
            f"the backup file {out.name} does not end in {BACKUP_SUFFIX}",
            why="a backup is a zip archive",
            fix=f"give a file name ending in {BACKUP_SUFFIX}, or an existing folder",
        )
    if out.exists() and not overwrite:
        raise ExportError(
            f"the backup file {out.name} already exists",
            why="a backup never overwrites another one unless asked",
            fix="choose another --out file or folder, or add --force",
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot create the folder of the backup file {out.name}",
            why=f"{type(exc).__name__}: {exc.strerror}",
            fix="choose an --out path in a folder you can write to",
        ) from exc
    notes: list[str] = []
    members: dict[str, MemberInfo] = {}
    with tempfile.TemporaryDirectory(prefix=".shakti-backup-", dir=out.parent) as tmp:
        work = Path(tmp)
        files: dict[str, Path] = {}
        if is_database_url(store_location):
            store_info = StoreInfo(kind="postgis")
            notes.append(postgis_hint(str(store_location)))
        else:
            summary = snapshot_store(Path(store_location), work / STORE_MEMBER)
            store_info = StoreInfo(kind="geopackage", **dataclasses.asdict(summary))
            files[STORE_MEMBER] = work / STORE_MEMBER
        users_counts: dict[str, int] | None = None
        if users_file is not None and users_file.is_file():
            users_counts = _users_snapshot(users_file, work / USERS_MEMBER)
            files[USERS_MEMBER] = work / USERS_MEMBER
        else:
            notes.append("no users file: the archive holds no users or audit log")
        for name, path in files.items():
            members[name] = _member_info(path)
        manifest = Manifest(
            format=BACKUP_FORMAT,
            app=_APP,
            app_version=app_version(),
            python_version=platform.python_version(),
            sqlite_version=sqlite3.sqlite_version,
            created_at=created,
            store=store_info,
            users=users_counts,
            members=members,
        )
        _write_zip(out, manifest, files)
    size = out.stat().st_size
    seconds = time.perf_counter() - started
    logger.info("backup %s written: %d bytes in %.1f s", out, size, seconds)
    for note in notes:
        logger.info("backup %s: %s", out.name, note)
    return BackupResult(path=out, manifest=manifest, size=size, seconds=seconds, notes=notes)


def _write_zip(out: Path, manifest: Manifest, files: Mapping[str, Path]) -> None:
    """Write the archive to a hidden temp file beside ``out`` (mode 0600) and rename it."""
    scratch = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    body = json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True)
    try:
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(fd, "wb") as fh,
            zipfile.ZipFile(
                fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
            ) as zf,
        ):
            zf.writestr(MANIFEST_MEMBER, body)
            for name, path in files.items():
                zf.write(path, arcname=name)
        replace_file(scratch, out)
    except OSError as exc:
        raise ExportError(
            f"could not write the backup file {out.name}",
            why=f"{type(exc).__name__}: {exc.strerror}",
            fix="check free disk space and write permission on the backup's folder",
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            scratch.unlink()


# ---------------------------------------------------------------------------------------------
# Checking


def _bad_archive(archive: Path, why: str, fix: str = "") -> InputFileError:
    """Return the error for an archive that is not an intact Shakti backup."""
    return InputFileError(
        f"{archive.name} is not an intact Shakti backup",
        why=why,
        fix=fix
        or "restore from another backup file (scheduled backups keep the newest ones in "
        "SHAKTI_BACKUP_DIR); nothing was changed",
    )


def _read_manifest(archive: Path, zf: zipfile.ZipFile) -> Manifest:
    """Return the archive's manifest, read with a size limit and validated."""
    info = zf.getinfo(MANIFEST_MEMBER)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise _bad_archive(
            archive,
            f"its {MANIFEST_MEMBER} declares {info.file_size} bytes, above the "
            f"{MAX_MANIFEST_BYTES} a manifest may have",
        )
    try:
        with zf.open(info) as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        manifest = Manifest.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        # repr: keys come from the file and are printed (no control characters reach a terminal)
        where = repr(".".join(str(p) for p in first["loc"]))[1:-1] or "the top level"
        raise _bad_archive(
            archive, f"its {MANIFEST_MEMBER} is not valid: {where}: {first['msg']}"
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _bad_archive(archive, f"its {MANIFEST_MEMBER} cannot be read ({exc})") from None
    if manifest.format > BACKUP_FORMAT:
        raise InputFileError(
            f"{archive.name} is a backup of format {manifest.format}; this version of Shakti "
            f"reads format {BACKUP_FORMAT}",
            why=f"it was written by Shakti {manifest.app_version}",
            fix="restore it with that version of Shakti or a newer one",
        )
    return manifest


def _check_members(archive: Path, zf: zipfile.ZipFile, manifest: Manifest) -> None:
    """Check the member names, kinds and declared sizes against the manifest."""
    names = zf.namelist()
    unexpected = sorted(set(manifest.members) - set(DATA_MEMBERS))
    if unexpected:
        raise _bad_archive(archive, f"its manifest lists unknown members {unexpected[:5]!r}")
    if (manifest.store.kind == "geopackage") != (STORE_MEMBER in manifest.members):
        raise _bad_archive(
            archive,
            f"its manifest records a {manifest.store.kind} store but "
            + ("no " if STORE_MEMBER not in manifest.members else "a ")
            + f"{STORE_MEMBER} member",
        )
    wanted = {MANIFEST_MEMBER, *manifest.members}
    if len(names) != len(set(names)) or set(names) != wanted:
        extra = sorted(set(names) - wanted)
        missing = sorted(wanted - set(names))
        parts = []
        if extra:
            parts.append(f"unexpected members {[n[:80] for n in extra[:5]]!r}")
        if missing:
            parts.append(f"missing members {missing!r}")
        if len(names) != len(set(names)):
            parts.append("members with the same name")
        raise _bad_archive(
            archive,
            "it holds " + " and ".join(parts) + f"; a backup holds exactly {sorted(wanted)}",
        )
    for info in zf.infolist():
        if info.filename == MANIFEST_MEMBER:
            continue
        declared = manifest.members[info.filename].size
        if info.is_dir() or info.flag_bits & 0x1:
            raise _bad_archive(archive, f"its member {info.filename} is a folder or encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _bad_archive(
                archive, f"its member {info.filename} uses an unsupported compression"
            )
        if info.file_size != declared:
            raise _bad_archive(
                archive,
                f"its member {info.filename} has {info.file_size} bytes but the manifest "
                f"records {declared}",
            )
        if declared > MAX_MEMBER_BYTES:
            raise _bad_archive(
                archive,
                f"its member {info.filename} has {declared} bytes, above the "
                f"{MAX_MEMBER_BYTES} a restore accepts",
                fix="restore it by hand (unzip, then check with sqlite3 PRAGMA integrity_check)",
            )


def _extract(
    archive: Path, zf: zipfile.ZipFile, name: str, info: MemberInfo, target: Path | None
) -> None:
    """Copy one member to ``target`` (or only read it), streamed, counted and hashed.

    Hand-written rather than ``ZipFile.extract``: that one writes wherever the member's name
    points and as many bytes as the stream yields; this writes one known path and stops at the
    size the manifest records.
    """
    digest = hashlib.sha256()
    written = 0
    try:
        with contextlib.ExitStack() as files:
            src = files.enter_context(zf.open(name))
            dst = (
                files.enter_context(os.fdopen(os.open(target, _NEW_FILE, 0o600), "wb"))
                if target is not None
                else None
            )
            while chunk := src.read(CHUNK_BYTES):
                written += len(chunk)
                if written > info.size:
                    raise _bad_archive(
                        archive,
                        f"its member {name} holds more than the {info.size} bytes its "
                        "manifest records",
                    )
                digest.update(chunk)
                if dst is not None:
                    dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        # zipfile raises BadZipFile for a CRC mismatch, EOFError/zlib errors for a truncation
        raise _bad_archive(archive, f"its member {name} is damaged or truncated ({exc})") from None
    except OSError as exc:
        raise StoreError(
            f"could not extract {name} from {archive.name}",
            why=f"{type(exc).__name__}: {exc.strerror or exc}",
            fix="check free disk space and write permission beside the store",
        ) from exc
    if written != info.size or digest.hexdigest() != info.sha256:
        raise _bad_archive(
            archive,
            f"its member {name} does not match the SHA-256 in its manifest: it was changed or "
            "damaged after the backup was written",
        )


def _check_users_file(archive: Path, path: Path, manifest: Manifest) -> None:
    """Check an extracted users file: sound, has the users table, rows as recorded."""
    label = f"{USERS_MEMBER} in {archive.name}"
    problems = integrity_problems(path)
    if problems:
        raise _bad_archive(
            archive, f"{label} fails SQLite's integrity check: " + "; ".join(problems)
        )
    counts = table_counts(path)
    if USERS_TABLE not in counts:
        raise _bad_archive(archive, f"{label} has no {USERS_TABLE} table: it is not a users file")
    if manifest.users is not None and counts != manifest.users:
        raise _bad_archive(
            archive, f"{label} rows {counts} differ from its manifest {manifest.users}"
        )


def _check_store_member(archive: Path, path: Path, manifest: Manifest) -> StoreSummary:
    """Check an extracted store: sound, opens, reads the rows the manifest records."""
    try:
        summary = check_store_file(path, label=f"{STORE_MEMBER} in {archive.name}")
    except StoreError as exc:
        raise _bad_archive(archive, f"{exc.what}: {exc.why}" if exc.why else exc.what) from None
    recorded = manifest.store
    if (summary.version, summary.layers) != (recorded.version, recorded.layers):
        raise _bad_archive(
            archive,
            f"{STORE_MEMBER} holds version {summary.version} with rows {summary.layers} but its "
            f"manifest records version {recorded.version} with rows {recorded.layers}",
        )
    return summary


def _free_space(folder: Path, need: int, archive: Path) -> None:
    free = shutil.disk_usage(folder).free
    if need + FREE_SPACE_MARGIN_BYTES > free:
        raise StoreError(
            f"not enough free disk space to restore {archive.name}",
            why=f"its members need {need} bytes and {free} are free beside the store",
            fix="free some disk space and restore again; nothing was changed",
        )


@contextlib.contextmanager
def _open_archive(archive: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """Open an archive; yield it with its manifest, names and declared sizes checked."""
    if not archive.is_file():
        raise InputFileError(
            f"there is no backup file {archive.name}",
            fix="give the path of a file written by shakti backup",
        )
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _bad_archive(
            archive,
            f"it is not a complete zip file ({exc}): truncated, damaged or another kind of file",
        ) from None
    with zf:
        if MANIFEST_MEMBER not in zf.namelist():
            raise _bad_archive(archive, f"it has no {MANIFEST_MEMBER}")
        manifest = _read_manifest(archive, zf)
        _check_members(archive, zf, manifest)
        yield zf, manifest


def read_manifest(archive: Path) -> Manifest:
    """Return an archive's manifest after checking it and the member names and sizes.

    Nothing is extracted: this is the quick first look a restore takes before it decides
    which files it would replace.

    Parameters
    ----------
    archive : Path

    Returns
    -------
    Manifest

    Raises
    ------
    geo.errors.InputFileError
        As :func:`check_backup`, for what can be seen without reading the data members.
    """
    with _open_archive(archive) as (_, manifest):
        return manifest


def check_backup(archive: Path, stage: Mapping[str, Path]) -> Manifest:
    """Check an archive completely, extracting its members to the given temp paths.

    Parameters
    ----------
    archive : Path
        The backup file.
    stage : mapping of str to Path
        Member → a new file to extract it to (each beside its final place) and check there;
        other members are only read and their digests checked.

    Returns
    -------
    Manifest

    Raises
    ------
    geo.errors.InputFileError
        When the file is not an intact backup: not a zip or truncated, no or invalid manifest,
        other member names, sizes above limits or unlike the manifest, a digest mismatch, a
        damaged SQLite file, a store that does not open or holds other rows.
    geo.errors.StoreError
        When there is no room or no permission to extract.
    """
    with _open_archive(archive) as (zf, manifest):
        for name, info in manifest.members.items():
            target = stage.get(name)
            if target is not None:
                _free_space(target.parent, info.size, archive)
            _extract(archive, zf, name, info, target)
    if STORE_MEMBER in stage and STORE_MEMBER in manifest.members:
        _check_store_member(archive, stage[STORE_MEMBER], manifest)
    if USERS_MEMBER in stage and USERS_MEMBER in manifest.members:
        _check_users_file(archive, stage[USERS_MEMBER], manifest)
    return manifest
