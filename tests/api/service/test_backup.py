"""Backups: consistent archives of a live store and users file; restores that check everything."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import api.cli  # noqa: F401  (registers every command on the app)
import api.service.backup as backup
import api.service.restore as restore
import geo.store.gpkg as gpkg_store
from api.cli.common import app
from api.service.backup import (
    MANIFEST_MEMBER,
    STORE_MEMBER,
    USERS_MEMBER,
    check_backup,
    write_backup,
)
from api.service.restore import restore_backup
from api.service.users import Role, UserStore
from geo.errors import ExportError, InputFileError, StoreError
from geo.schema import LayerKind
from geo.store import open_store
from geo.store.backup import INTEGRITY_OK, snapshot_sqlite
from tests.geo.store.test_store import layer_frame, make_batch

runner = CliRunner()
USERS = {"admin": Role.ADMIN, "planner": Role.PLANNER}
PASSWORD = "backup-password-1"
#: Incidents each test import adds (new ids every time).
BATCH_ROWS = 300


@dataclass
class Deployment:
    """A live store and users file in one folder."""

    store: Path
    users: Path

    def files(self) -> dict[str, str]:
        """Return the SHA-256 of the store and the users file (to prove they are untouched)."""
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (self.store, self.users)
        }


def import_incidents(store: Path, n: int, *, start: int, import_id: str) -> None:
    """Import ``n`` new incidents (ids from ``start``) into the store at ``store``."""
    frame = layer_frame(LayerKind.INCIDENTS, n, seed=start, start=start)
    open_store(store).apply(make_batch(LayerKind.INCIDENTS, frame, import_id=import_id))


def make_deployment(folder: Path) -> Deployment:
    """Build a store (3 thanas, BATCH_ROWS incidents, 5 sites) and a users file with 2 users."""
    store = folder / "store.gpkg"
    target = open_store(store)
    target.apply(make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3), import_id="t"))
    target.apply(make_batch(LayerKind.SITES, layer_frame(LayerKind.SITES, 5), import_id="s"))
    import_incidents(store, BATCH_ROWS, start=0, import_id="i0")
    users_file = folder / "store.gpkg.users.sqlite"
    users = UserStore(users_file)
    for name, role in USERS.items():
        users.add(name, role, password=PASSWORD)
    users.close()
    return Deployment(store, users_file)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Deployment, Path]:
    """A deployment and its backup, built once per module (tests copy them)."""
    folder = tmp_path_factory.mktemp("template")
    deployment = make_deployment(folder)
    made = write_backup(
        folder / "backup.zip", store_location=deployment.store, users_file=deployment.users
    )
    return deployment, made.path


@pytest.fixture
def live(template: tuple[Deployment, Path], tmp_path: Path) -> Deployment:
    """This test's own copy of the template deployment, in ``tmp/live``."""
    folder = tmp_path / "live"
    folder.mkdir()
    source = template[0]
    copy = Deployment(folder / source.store.name, folder / source.users.name)
    shutil.copyfile(source.store, copy.store)
    shutil.copyfile(source.users, copy.users)
    return copy


@pytest.fixture
def archive(template: tuple[Deployment, Path], tmp_path: Path) -> Path:
    """This test's own copy of a backup of the template deployment."""
    return Path(shutil.copyfile(template[1], tmp_path / "backup.zip"))


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def counts(store: Path) -> dict[str, int]:
    target = open_store(store)
    return {kind.value: target.count(kind) for kind in LayerKind}


def restore_fresh(archive: Path, folder: Path) -> Deployment:
    """Restore ``archive`` into an empty ``folder`` and return the restored files."""
    target = Deployment(folder / "store.gpkg", folder / "store.gpkg.users.sqlite")
    restore_backup(archive, store_location=target.store, users_file=target.users)
    return target


# ---- round trip ---------------------------------------------------------------------------


def test_backup_round_trip_restores_every_row_and_user(live: Deployment, tmp_path: Path) -> None:
    result = write_backup(tmp_path / "b.zip", store_location=live.store, users_file=live.users)
    assert result.path.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    with zipfile.ZipFile(result.path) as zf:
        assert sorted(zf.namelist()) == [MANIFEST_MEMBER, STORE_MEMBER, USERS_MEMBER]
        manifest = json.loads(zf.read(MANIFEST_MEMBER))
        for name in (STORE_MEMBER, USERS_MEMBER):
            assert manifest["members"][name]["sha256"] == hashlib.sha256(zf.read(name)).hexdigest()
    assert manifest["store"]["layers"] == counts(live.store)
    assert manifest["store"]["version"] == 3
    assert manifest["users"]["users"] == len(USERS)
    assert manifest["app_version"] and manifest["sqlite_version"] == sqlite3.sqlite_version

    restored = restore_fresh(result.path, tmp_path / "fresh")
    assert restored.users.stat().st_mode & 0o777 == 0o600
    assert integrity(restored.store) == INTEGRITY_OK
    assert integrity(restored.users) == INTEGRITY_OK
    before, after = open_store(live.store), open_store(restored.store)
    assert after.version == before.version
    for kind in LayerKind:
        pd.testing.assert_frame_equal(after.read(kind), before.read(kind))
    pd.testing.assert_frame_equal(after.quarantine(), before.quarantine())
    pd.testing.assert_frame_equal(after.imports(), before.imports())
    users = UserStore(restored.users)
    assert users.authenticate("admin", PASSWORD) is not None
    assert [u.name for u in users.list_users()] == sorted(USERS)
    users.close()
    # the restored store takes imports again
    import_incidents(restored.store, 10, start=10_000, import_id="after-restore")
    assert counts(restored.store)[LayerKind.INCIDENTS.value] == BATCH_ROWS + 10


def test_backup_writes_no_store_and_refuses_bad_outputs(live: Deployment, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "store.gpkg"
    with pytest.raises(StoreError, match="there is no store"):
        write_backup(tmp_path / "x.zip", store_location=missing, users_file=None)
    assert not missing.exists()  # a backup never creates an empty store
    not_a_store = tmp_path / "notes.gpkg"
    not_a_store.write_text("hello")
    with pytest.raises(StoreError, match="not a Shakti store"):
        write_backup(tmp_path / "x.zip", store_location=not_a_store, users_file=None)
    with pytest.raises(ExportError, match=r"does not end in \.zip"):
        write_backup(tmp_path / "x.tar", store_location=live.store, users_file=live.users)
    first = write_backup(tmp_path / "x.zip", store_location=live.store, users_file=live.users)
    with pytest.raises(ExportError, match=r"already exists.*--force"):
        write_backup(first.path, store_location=live.store, users_file=live.users)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    folder = tmp_path / "many"
    folder.mkdir()
    named = write_backup(folder, store_location=live.store, users_file=live.users)
    assert named.path.parent == folder and named.path.name.startswith("shakti-backup-")


def test_backup_without_users_file_says_so(live: Deployment, tmp_path: Path) -> None:
    result = write_backup(tmp_path / "b.zip", store_location=live.store, users_file=None)
    assert USERS_MEMBER not in result.manifest.members
    assert any("no users file" in note for note in result.notes)
    restored = tmp_path / "fresh" / "store.gpkg"
    done = restore_backup(result.path, store_location=restored, users_file=tmp_path / "u.sqlite")
    assert set(done.restored) == {STORE_MEMBER}
    assert not (tmp_path / "u.sqlite").exists()


# ---- consistency while the service runs ---------------------------------------------------


def test_backup_during_an_import_holds_the_state_before_it(
    live: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import is paused mid-transaction in another thread while the backup is taken."""
    mid_import, backup_taken = threading.Event(), threading.Event()
    real_bump = gpkg_store._bump_version

    def paused_bump(conn: sqlite3.Connection) -> int:
        mid_import.set()  # rows written into the import's copy, not swapped in yet
        assert backup_taken.wait(10)
        return real_bump(conn)

    monkeypatch.setattr(gpkg_store, "_bump_version", paused_bump)
    before = counts(live.store)
    errors: list[BaseException] = []

    def run_import() -> None:
        try:
            import_incidents(live.store, BATCH_ROWS, start=BATCH_ROWS, import_id="i1")
        except BaseException as exc:
            errors.append(exc)
            mid_import.set()

    writer = threading.Thread(target=run_import)
    writer.start()
    assert mid_import.wait(10)
    during = write_backup(tmp_path / "during.zip", store_location=live.store, users_file=live.users)
    backup_taken.set()
    writer.join(10)
    assert not errors
    after = counts(live.store)
    assert after[LayerKind.INCIDENTS.value] == before[LayerKind.INCIDENTS.value] + BATCH_ROWS
    later = write_backup(tmp_path / "after.zip", store_location=live.store, users_file=live.users)

    for name, archive, want in (("d", during.path, before), ("a", later.path, after)):
        restored = restore_fresh(archive, tmp_path / name)
        assert integrity(restored.store) == INTEGRITY_OK
        assert counts(restored.store) == want
        assert len(open_store(restored.store).read(LayerKind.INCIDENTS)) == want["incidents"]


def test_backups_taken_while_imports_and_audit_writes_run_are_consistent(
    live: Deployment, tmp_path: Path
) -> None:
    """Imports and users-file writes run in threads; every backup is one whole state."""
    imports = 4
    states = {
        BATCH_ROWS * (k + 1) for k in range(imports + 1)
    }  # incidents before/after each import
    stop = threading.Event()
    errors: list[BaseException] = []

    def run_imports() -> None:
        try:
            for k in range(1, imports + 1):
                import_incidents(live.store, BATCH_ROWS, start=k * BATCH_ROWS, import_id=f"i{k}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    def write_users_file() -> None:  # like the audit thread: many small WAL transactions
        conn = sqlite3.connect(live.users, isolation_level=None, timeout=5)
        conn.execute("CREATE TABLE IF NOT EXISTS ticks (n INTEGER)")
        n = 0
        while not stop.is_set():
            conn.execute("INSERT INTO ticks VALUES (?)", (n,))
            n += 1
        conn.close()

    threads = [threading.Thread(target=run_imports), threading.Thread(target=write_users_file)]
    for thread in threads:
        thread.start()
    archives: list[Path] = []
    while not stop.is_set() or not archives:
        out = tmp_path / f"b{len(archives)}.zip"
        archives.append(write_backup(out, store_location=live.store, users_file=live.users).path)
    for thread in threads:
        thread.join(20)
    assert not errors
    for i, archive in enumerate(archives):
        restored = restore_fresh(archive, tmp_path / f"r{i}")
        got = counts(restored.store)
        assert got[LayerKind.INCIDENTS.value] in states
        assert integrity(restored.store) == INTEGRITY_OK
        assert integrity(restored.users) == INTEGRITY_OK


# ---- restore refuses to lose data ---------------------------------------------------------


def test_restore_refuses_to_overwrite_without_force(
    live: Deployment, archive: Path, tmp_path: Path
) -> None:
    before = live.files()
    with pytest.raises(StoreError, match=r"already exists.*add --force"):
        restore_backup(archive, store_location=live.store, users_file=live.users)
    assert live.files() == before


def test_restore_with_force_replaces_and_keeps_the_previous_files(
    live: Deployment, archive: Path
) -> None:
    backed_up = counts(live.store)
    import_incidents(live.store, 50, start=50_000, import_id="later")
    replaced = live.files()
    result = restore_backup(archive, store_location=live.store, users_file=live.users, force=True)
    assert counts(live.store) == backed_up
    assert set(result.kept) == {STORE_MEMBER, USERS_MEMBER}
    kept_store = result.kept[STORE_MEMBER]
    assert kept_store.name.startswith("store.gpkg.replaced-")
    assert hashlib.sha256(kept_store.read_bytes()).hexdigest() == replaced["store.gpkg"]
    leftovers = [p.name for p in live.store.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_restore_refuses_while_the_users_file_is_in_use(live: Deployment, archive: Path) -> None:
    before_store = live.files()["store.gpkg"]
    service = UserStore(live.users)  # a running service keeps it open
    try:
        with pytest.raises(StoreError, match=r"users file .* is in use.*stop the service"):
            restore_backup(archive, store_location=live.store, users_file=live.users, force=True)
    finally:
        service.close()
    assert live.files()["store.gpkg"] == before_store


def test_restore_waits_for_a_running_import(
    live: Deployment, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import holding the write lock is not overwritten; the restore fails cleanly."""
    monkeypatch.setattr(restore, "store_write_lock", _short_lock)
    with gpkg_store.write_lock(live.store):
        before = live.files()
        with pytest.raises(StoreError, match="locked"):
            restore_backup(archive, store_location=live.store, users_file=live.users, force=True)
        assert live.files() == before


def _short_lock(path: Path) -> Any:
    return gpkg_store.write_lock(path, timeout=0.2)


# ---- hostile or damaged archives ----------------------------------------------------------


def members_of(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    """Write a zip with exactly these (name, data) members, duplicates and odd names too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(zipfile.ZipInfo(name), data)
    return path


def resealed(members: dict[str, bytes], **changes: bytes) -> list[tuple[str, bytes]]:
    """Return members with some replaced and the manifest's sizes and digests updated."""
    manifest = json.loads(members[MANIFEST_MEMBER])
    out = dict(members)
    for name, data in changes.items():
        out[name] = data
        manifest["members"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    out[MANIFEST_MEMBER] = json.dumps(manifest).encode()
    return list(out.items())


def with_manifest(
    members: dict[str, bytes], edit: Callable[[dict[str, Any]], None]
) -> list[tuple[str, bytes]]:
    manifest = json.loads(members[MANIFEST_MEMBER])
    edit(manifest)
    return [*{**members, MANIFEST_MEMBER: json.dumps(manifest).encode()}.items()]


def corrupt_pages(data: bytes) -> bytes:
    """Overwrite a stretch of the database's pages after the header (a damaged disk)."""
    cut = len(data) // 2
    return data[:cut] + b"\xa5" * 8192 + data[cut + 8192 :]


def flip_byte(data: bytes, at: int) -> bytes:
    """Return ``data`` with the byte at ``at`` inverted (a flipped sector)."""
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def not_users_file(tmp: Path) -> bytes:
    path = tmp / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE payload (x)")
    conn.close()
    return path.read_bytes()


ATTACKS: dict[
    str, tuple[Callable[[dict[str, bytes], Path, Path], list[tuple[str, bytes]] | bytes], str]
] = {
    "truncated download": (
        lambda m, a, t: a.read_bytes()[: a.stat().st_size // 2],
        "not a complete zip file",
    ),
    "bit rot inside the compressed store": (
        lambda m, a, t: flip_byte(a.read_bytes(), a.stat().st_size // 2),
        "damaged or truncated",
    ),
    "not a zip at all": (lambda m, a, t: b"#!/bin/sh\nrm -rf /\n" * 100, "not a complete zip"),
    "store bytes changed after the backup": (
        lambda m, a, t: [
            (n, d[:-1] + bytes([d[-1] ^ 1]) if n == STORE_MEMBER else d) for n, d in m.items()
        ],
        "does not match the SHA-256",
    ),
    "path traversal member": (
        lambda m, a, t: [*m.items(), ("../../etc/cron.d/evil", b"* * * * * root sh")],
        r"unexpected members \['../../etc/cron.d/evil'\]",
    ),
    "absolute path member": (
        lambda m, a, t: [*m.items(), ("/tmp/evil", b"x")],
        "unexpected members",
    ),
    "store member under a traversal name": (
        lambda m, a, t: [(f"../{n}" if n == STORE_MEMBER else n, d) for n, d in m.items()],
        "missing members",
    ),
    "manifest lists a traversal name": (
        lambda m, a, t: with_manifest(
            m, lambda man: man["members"].update({"../x": man["members"][STORE_MEMBER]})
        ),
        "unknown members",
    ),
    "duplicate member": (
        lambda m, a, t: [*m.items(), (STORE_MEMBER, b"second copy")],
        "same name",
    ),
    "no manifest": (
        lambda m, a, t: [(n, d) for n, d in m.items() if n != MANIFEST_MEMBER],
        "has no manifest.json",
    ),
    "manifest is not json": (
        lambda m, a, t: [*{**m, MANIFEST_MEMBER: b"{not json"}.items()],
        "manifest.json is not valid",
    ),
    "manifest above its size limit": (
        lambda m, a, t: [*{**m, MANIFEST_MEMBER: b" " * (backup.MAX_MANIFEST_BYTES + 1)}.items()],
        "above the 1048576 a manifest may have",
    ),
    "manifest with an unexpected field": (
        lambda m, a, t: with_manifest(m, lambda man: man.update({"run": "rm -rf /"})),
        "run: Extra inputs are not permitted",
    ),
    "manifest understates a member's size (bomb)": (
        lambda m, a, t: with_manifest(
            m, lambda man: man["members"][STORE_MEMBER].update({"size": 1000})
        ),
        "has [0-9]+ bytes but the manifest records 1000",
    ),
    "terminal escape codes in the manifest": (
        lambda m, a, t: with_manifest(
            m, lambda man: man["store"]["layers"].update({"\x1b[2J": "\x1b[31m"})
        ),
        r"manifest.json is not valid: store.layers.\\x1b\[2J",
    ),
    "newer backup format": (
        lambda m, a, t: with_manifest(m, lambda man: man.update({"format": 99})),
        "format 99",
    ),
    "damaged database with a matching digest": (
        lambda m, a, t: resealed(m, **{STORE_MEMBER: corrupt_pages(m[STORE_MEMBER])}),
        "integrity check|not a readable Shakti store|damaged",
    ),
    "store rows unlike the manifest": (
        lambda m, a, t: with_manifest(
            m, lambda man: man["store"]["layers"].update({"incidents": 999_999})
        ),
        "manifest records version 3",
    ),
    "another sqlite file as the users file": (
        lambda m, a, t: resealed(m, **{USERS_MEMBER: not_users_file(t)}),
        "has no users table",
    ),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_hostile_or_damaged_archive_is_refused_and_nothing_changes(
    attack: str, live: Deployment, archive: Path, tmp_path: Path
) -> None:
    make, message = ATTACKS[attack]
    built = make(members_of(archive), archive, tmp_path)
    bad = tmp_path / "bad.zip"
    if isinstance(built, bytes):
        bad.write_bytes(built)
    else:
        write_zip(bad, built)
    before = live.files()
    listing = sorted(p.name for p in live.store.parent.iterdir())
    with pytest.raises(InputFileError, match=message) as caught:
        restore_backup(bad, store_location=live.store, users_file=live.users, force=True)
    assert "bad.zip" in str(caught.value) or "format 99" in str(caught.value)
    assert "Fix:" in str(caught.value)
    assert str(tmp_path) not in str(caught.value)  # names the user's file, not server paths
    assert not any(ord(c) < 32 for c in str(caught.value))  # nothing for a terminal to run
    assert live.files() == before
    # no leftovers (SQLite itself may drop the users file's empty -wal when it is closed)
    assert {p.name for p in live.store.parent.iterdir()} <= set(listing)
    assert not (tmp_path / "etc").exists() and not Path("/tmp/evil").exists()


def test_member_above_the_size_limit_is_refused_before_extraction(
    live: Deployment, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(InputFileError, match="above the 1000 a restore accepts"):
        restore_backup(archive, store_location=live.store, users_file=live.users, force=True)


def test_check_backup_extracts_only_to_the_given_paths(archive: Path, tmp_path: Path) -> None:
    stage = {STORE_MEMBER: tmp_path / "s.tmp", USERS_MEMBER: tmp_path / "u.tmp"}
    manifest = check_backup(archive, stage)
    assert set(manifest.members) == set(stage)
    assert all(path.is_file() for path in stage.values())


def test_snapshot_of_a_wal_file_is_one_self_contained_file(
    live: Deployment, tmp_path: Path
) -> None:
    users = UserStore(live.users)  # open: WAL mode, recent writes may sit in the -wal file
    users.add("analyst", Role.ANALYST, password=PASSWORD)
    copy = tmp_path / "copy.sqlite"
    snapshot_sqlite(live.users, copy)
    users.close()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 3
    conn.close()


# ---- PostGIS ------------------------------------------------------------------------------

DB_URL = "postgresql://shakti:s3cret@db.local:5432/police?schema=varanasi"


def test_postgis_backup_holds_the_users_file_and_says_how_to_use_pg_dump(
    live: Deployment, tmp_path: Path
) -> None:
    result = write_backup(tmp_path / "pg.zip", store_location=DB_URL, users_file=live.users)
    assert set(result.manifest.members) == {USERS_MEMBER}
    assert result.manifest.store.kind == "postgis"
    note = " ".join(result.notes)
    assert "pg_dump --format=custom --schema=varanasi" in note
    assert "pg_restore" in note and "shakti@db.local:5432/police" in note
    assert "s3cret" not in note and "schema=" not in note.split("--schema")[0]
    # its users file restores into a fresh deployment; the store is not touched
    fresh = tmp_path / "fresh"
    done = restore_backup(
        result.path, store_location=fresh / "store.gpkg", users_file=fresh / "users.sqlite"
    )
    assert set(done.restored) == {USERS_MEMBER}
    assert not (fresh / "store.gpkg").exists()
    assert any("pg_restore" in n for n in done.notes)
    # into a deployment that has a store: only the users file is replaced
    store_before = live.files()["store.gpkg"]
    with pytest.raises(
        StoreError, match=r"already exists where the backup would go: store\.gpkg\.users"
    ):
        restore_backup(result.path, store_location=live.store, users_file=live.users)
    done = restore_backup(result.path, store_location=live.store, users_file=live.users, force=True)
    assert set(done.kept) == {USERS_MEMBER}
    assert live.files()["store.gpkg"] == store_before


def test_geopackage_backup_is_not_restored_into_a_database(archive: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"PostGIS database.*--store PATH\.gpkg"):
        restore_backup(archive, store_location=DB_URL, users_file=tmp_path / "users.sqlite")
    assert not (tmp_path / "users.sqlite").exists()


# ---- command line -------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from geo.settings import get_settings

    monkeypatch.chdir(tmp_path)
    for name in ("SHAKTI_USERS_DB", "SHAKTI_DATABASE_URL", "SHAKTI_STORE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_cli_backup_and_restore(live: Deployment, tmp_path: Path) -> None:
    out = tmp_path / "cli.zip"
    result = runner.invoke(app, ["backup", "--out", str(out), "--store", str(live.store), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["store"]["layers"]["incidents"] == BATCH_ROWS
    assert summary["users"]["users"] == len(USERS)
    assert "password hashes" in result.output

    fresh = tmp_path / "fresh" / "store.gpkg"
    result = runner.invoke(app, ["restore", str(out), "--store", str(fresh), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["restored"] == {
        STORE_MEMBER: str(fresh),
        USERS_MEMBER: str(fresh.with_name("store.gpkg.users.sqlite")),
    }
    assert counts(fresh) == counts(live.store)

    again = runner.invoke(app, ["restore", str(out), "--store", str(fresh)])
    assert again.exit_code == 2
    assert "already exists" in again.output and "--force" in again.output
    forced = runner.invoke(app, ["restore", str(out), "--store", str(fresh), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "kept as" in forced.output
