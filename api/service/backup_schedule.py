"""Scheduled backups: a daemon thread writing an archive every N hours and keeping the newest K."""

# When: the first backup is due at start-up when the folder has no backup or its newest one is
# older than the interval, else one interval after the newest one (a restart neither skips a
# backup nor writes one more); then one every interval. A failed backup is logged and retried
# after RETRY_MINUTES (or the interval, when shorter); the service never stops for it. Several
# workers of one service share the folder: a backup is written under an ``flock`` on
# ``.shakti-backup.lock`` in it and the due time is read from the folder, so they take turns
# instead of each writing one.

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from api.service.backup import BACKUP_PREFIX, BACKUP_SUFFIX, STAMP_FORMAT, backup_name, write_backup
from api.service.settings import ServiceSettings
from geo.store import is_database_url

logger = logging.getLogger(__name__)

#: Minutes before a failed scheduled backup is tried again (at most the interval).
RETRY_MINUTES: Final = 15.0
#: Fewest seconds between two attempts (or the interval, when shorter).
MIN_GAP_S: Final = 60.0
#: Lock file in the backup folder held while a backup is written.
LOCK_NAME: Final = ".shakti-backup.lock"
#: Seconds :meth:`ScheduledBackups.stop` waits for a backup being written.
STOP_TIMEOUT_S: Final = 60.0
#: Names of scheduled backups (the only files rotation ever deletes).
BACKUP_NAME: Final = re.compile(
    "^" + re.escape(BACKUP_PREFIX) + r"(\d{8}T\d{6}Z)" + re.escape(BACKUP_SUFFIX) + "$"
)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """Return the current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


def backup_time(path: Path) -> dt.datetime | None:
    """Return when a scheduled backup was taken, from its name (``None``: not a backup name).

    Parameters
    ----------
    path : Path

    Returns
    -------
    datetime or None
        UTC.
    """
    match = BACKUP_NAME.fullmatch(path.name)
    if match is None:
        return None
    try:
        return dt.datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def list_backups(folder: Path) -> list[Path]:
    """Return the scheduled backups in ``folder``, oldest first (by the time in their names).

    Parameters
    ----------
    folder : Path

    Returns
    -------
    list of Path
        Empty when the folder does not exist.
    """
    if not folder.is_dir():
        return []
    found = [(t, p) for p in folder.iterdir() if p.is_file() and (t := backup_time(p)) is not None]
    return [p for _, p in sorted(found)]


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` scheduled backups; other files are never touched.

    Parameters
    ----------
    folder : Path
    keep : int
        At least 1.

    Returns
    -------
    list of Path
        The deleted files.
    """
    backups = list_backups(folder)
    old = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in old:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        logger.info("scheduled backup %s removed (keeping the newest %d)", path.name, keep)
    return old


def next_due(folder: Path, every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """Return when the next scheduled backup is due.

    Parameters
    ----------
    folder : Path
    every : timedelta
        The interval.
    now : datetime
        Aware.

    Returns
    -------
    datetime
        ``now`` when there is no backup or the newest is older than ``every``; else the newest
        one's time plus ``every`` (never later than ``now + every``, whatever the clock did).
    """
    backups = list_backups(folder)
    if not backups:
        return now
    newest = backup_time(backups[-1])
    assert newest is not None  # list_backups keeps only named backups
    return max(now, min(newest + every, now + every))


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[bool]:
    """Try to hold the backup folder's lock; yield whether it was taken (never waits)."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class ScheduledBackups:
    """Write a backup archive into a folder every interval and keep the newest ones.

    Parameters
    ----------
    folder : Path
        ``SHAKTI_BACKUP_DIR``; created when missing.
    store_location : str or Path
        The store (a GeoPackage path, or a PostgreSQL URL: then only the users file).
    users_file : Path or None
        The users and audit file.
    every_hours : float
        ``SHAKTI_BACKUP_EVERY_HOURS``.
    keep : int
        ``SHAKTI_BACKUP_KEEP``.
    clock : callable, optional
        Returns the aware current time (tests pass a fake one).
    """

    def __init__(
        self,
        folder: Path,
        *,
        store_location: str | Path,
        users_file: Path | None,
        every_hours: float,
        keep: int,
        clock: Clock = utc_now,
    ) -> None:
        self.folder = Path(folder)
        self.store_location = store_location
        self.users_file = users_file
        self.every = dt.timedelta(hours=every_hours)
        self.keep = keep
        self.clock = clock
        self.retry = min(self.every, dt.timedelta(minutes=RETRY_MINUTES))
        # never poll faster than this, even while another worker holds the folder's lock
        self._min_gap = min(self.every, dt.timedelta(seconds=MIN_GAP_S)).total_seconds()
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Path | None:
        """Write one backup now and rotate the folder.

        Returns
        -------
        Path or None
            The new archive; ``None`` when another worker is writing one or one with this
            second's name exists.

        Raises
        ------
        geo.errors.ShaktiError
            When the backup cannot be written (the folder is left as it was).
        OSError
            When the folder cannot be created or locked.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with _folder_lock(self.folder) as mine:
            if not mine:
                logger.info("another worker is writing a backup into %s", self.folder)
                return None
            now = self.clock()
            out = self.folder / backup_name(now)
            if out.exists():
                return None
            result = write_backup(
                out, store_location=self.store_location, users_file=self.users_file, now=now
            )
            rotate(self.folder, self.keep)
        logger.info("scheduled backup %s written (%d bytes)", out.name, result.size)
        return result.path

    def seconds_until_due(self) -> float:
        """Return the seconds until the next backup is due (0: now).

        Returns
        -------
        float
        """
        now = self.clock()
        return max((next_due(self.folder, self.every, now) - now).total_seconds(), 0.0)

    def start(self) -> None:
        """Start the daemon thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="shakti-backups", daemon=True)
        self._thread.start()
        logger.info(
            "scheduled backups into %s every %.4g h, keeping %d",
            self.folder,
            self.every.total_seconds() / 3600,
            self.keep,
        )

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stop the thread, waiting for a backup being written.

        Parameters
        ----------
        timeout : float
            Seconds to wait.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        """Sleep until due, back up, repeat; log every error and carry on."""
        delay = self._safe_delay()
        while not self._stop.wait(delay):
            try:
                self.run_once()
            except Exception as exc:  # a backup error must never end the service
                self.last_error = f"{type(exc).__name__}: {exc}"
                logger.error("scheduled backup into %s failed: %s", self.folder, self.last_error)
                delay = self.retry.total_seconds()
                continue
            self.last_error = None
            delay = max(self._safe_delay(), self._min_gap)

    def _safe_delay(self) -> float:
        """Return the seconds until due, or the retry delay when the folder cannot be read."""
        try:
            return self.seconds_until_due()
        except OSError as exc:
            logger.error("cannot read the backup folder %s: %s", self.folder, exc)
            return self.retry.total_seconds()


@contextlib.contextmanager
def scheduled_backups(
    settings: ServiceSettings, store_location: str | Path, users_file: Path | None
) -> Iterator[ScheduledBackups | None]:
    """Run scheduled backups for the block when ``settings.backup_dir`` is set.

    Parameters
    ----------
    settings : api.service.settings.ServiceSettings
        ``backup_dir``, ``backup_every_hours``, ``backup_keep``.
    store_location : str or Path
    users_file : Path or None

    Yields
    ------
    ScheduledBackups or None
        ``None`` when backups are not configured.
    """
    if settings.backup_dir is None:
        yield None
        return
    if is_database_url(store_location):
        logger.warning(
            "scheduled backups hold the users file only: back up the PostGIS store with "
            "pg_dump (docs/backup.md)"
        )
    backups = ScheduledBackups(
        settings.backup_dir,
        store_location=store_location,
        users_file=users_file,
        every_hours=settings.backup_every_hours,
        keep=settings.backup_keep,
    )
    backups.start()
    try:
        yield backups
    finally:
        backups.stop()
