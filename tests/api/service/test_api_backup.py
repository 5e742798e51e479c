"""Scheduled backups: the service's thread, its timing, rotation and error handling."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from api.service.backup import STORE_MEMBER, USERS_MEMBER, backup_name, check_backup
from api.service.backup_schedule import (
    LOCK_NAME,
    ScheduledBackups,
    backup_time,
    list_backups,
    next_due,
    rotate,
)
from geo.errors import StoreError
from tests.api.conftest import make_env

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
#: Longest a test waits for the backup thread (it normally takes ~0.2 s).
WAIT_S = 10.0


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, by: dt.timedelta) -> None:
        self.now += by


def wait_for(condition: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def store_copy(demo_store_file: Path, tmp_path: Path) -> Path:
    """This test's copy of the demo store."""
    path = tmp_path / "live" / "store.gpkg"
    path.parent.mkdir()
    shutil.copyfile(demo_store_file, path)
    return path


def scheduler(store: Path, folder: Path, clock: FakeClock, *, keep: int = 3) -> ScheduledBackups:
    return ScheduledBackups(
        folder, store_location=store, users_file=None, every_hours=24, keep=keep, clock=clock
    )


def test_backup_names_carry_their_utc_time() -> None:
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    name = backup_name(T0.astimezone(ist))
    assert name == "shakti-backup-20261128T120000Z.zip"
    assert backup_time(Path(name)) == T0
    assert backup_time(Path("shakti-backup-20261399T990000Z.zip")) is None
    assert backup_time(Path("notes.zip")) is None


def test_rotation_keeps_the_newest_and_never_touches_other_files(
    store_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    others = ["notes.txt", "shakti-backup-manual.zip", "shakti-backup-20261128T120000Z.zip.bak"]
    for name in others:
        (folder / name).write_text("keep me")
    clock = FakeClock()
    backups = scheduler(store_copy, folder, clock, keep=3)
    written = []
    for _ in range(5):
        written.append(backups.run_once())
        clock.advance(25 * HOUR)
    assert [p.name for p in list_backups(folder)] == [p.name for p in written[-3:] if p]
    assert all((folder / name).read_text() == "keep me" for name in others)
    newest = list_backups(folder)[-1]
    manifest = check_backup(newest, {})
    assert STORE_MEMBER in manifest.members and USERS_MEMBER not in manifest.members
    assert rotate(folder, 1) == written[-3:-1]
    assert list_backups(folder) == [written[-1]]


def test_a_damaged_store_is_not_archived_and_good_backups_are_not_rotated_out(
    store_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    clock = FakeClock()
    backups = scheduler(store_copy, folder, clock, keep=2)
    for _ in range(2):
        backups.run_once()
        clock.advance(25 * HOUR)
    good = list_backups(folder)
    data = store_copy.read_bytes()
    cut = len(data) // 2
    store_copy.write_bytes(data[:cut] + b"\xa5" * 8192 + data[cut + 8192 :])  # a bad sector
    with pytest.raises(StoreError, match=r"damaged|malformed"):
        backups.run_once()
    assert list_backups(folder) == good
    assert {p.name for p in folder.iterdir()} == {*(p.name for p in good), LOCK_NAME}  # no temp


def test_next_backup_is_due_at_start_up_or_one_interval_after_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    every = 24 * HOUR
    assert next_due(folder, every, T0) == T0  # no folder, no backup: now
    folder.mkdir()
    (folder / backup_name(T0 - 2 * HOUR)).write_bytes(b"")
    assert next_due(folder, every, T0) == T0 + 22 * HOUR  # a restart does not add a backup
    assert next_due(folder, every, T0 + 30 * HOUR) == T0 + 30 * HOUR  # overdue: now
    (folder / backup_name(T0 + 100 * HOUR)).write_bytes(b"")  # the clock went back
    assert next_due(folder, every, T0) == T0 + every


def test_thread_backs_up_at_start_up_then_waits_and_stops_promptly(
    store_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    clock = FakeClock()
    backups = scheduler(store_copy, folder, clock)
    backups.start()
    try:
        assert wait_for(lambda: len(list_backups(folder)) == 1)
        assert backups.seconds_until_due() == pytest.approx(24 * 3600)
    finally:
        started = time.monotonic()
        backups.stop()
    assert time.monotonic() - started < 2
    assert [p.name for p in list_backups(folder)] == [backup_name(T0)]


def test_a_failing_backup_is_logged_retried_and_never_stops_the_thread(
    tmp_path: Path, demo_store_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = tmp_path / "live" / "store.gpkg"  # not there yet: every backup fails
    folder = tmp_path / "backups"
    backups = ScheduledBackups(
        folder, store_location=store, users_file=None, every_hours=0.5 / 3600, keep=2
    )
    with caplog.at_level(logging.ERROR, logger="api.service.backup_schedule"):
        backups.start()
        try:
            assert wait_for(lambda: backups.last_error is not None)
            assert "there is no store" in (backups.last_error or "")
            assert "scheduled backup" in caplog.text and "failed" in caplog.text
            store.parent.mkdir()
            shutil.copyfile(demo_store_file, store)  # the retry succeeds
            assert wait_for(lambda: len(list_backups(folder)) >= 1)
            assert wait_for(lambda: backups.last_error is None)
        finally:
            backups.stop()
    assert not store.with_name("store.gpkg.users.sqlite").exists()


def test_the_service_runs_scheduled_backups_when_backup_dir_is_set(
    demo_store_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    env = make_env(demo_store_file, tmp_path / "svc", backup_dir=folder, backup_keep=2)
    with env.client as client:  # runs the lifespan: the thread starts
        assert wait_for(lambda: len(list_backups(folder)) == 1)
        assert client.get("/healthz").status_code == 200
        newest = list_backups(folder)[0]
    manifest = check_backup(newest, {})
    assert set(manifest.members) == {STORE_MEMBER, USERS_MEMBER}
    assert manifest.users is not None and manifest.users["users"] == 4
    assert not [t for t in _threads() if t == "shakti-backups"]  # stopped with the service


def test_the_service_runs_no_backup_thread_without_backup_dir(
    demo_store_file: Path, tmp_path: Path
) -> None:
    env = make_env(demo_store_file, tmp_path / "svc")
    with env.client:
        assert "shakti-backups" not in _threads()


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate()]
