"""The write lock of the embedded store: an exclusive ``flock`` on ``<store>.lock``."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from geo.errors import StoreError, StoreLockedError
from geo.store.frames import DEFAULT_LOCK_TIMEOUT_S, LOCK_POLL_S


def lock_path(store_path: Path) -> Path:
    """Return the write-lock file of the GeoPackage store at ``store_path``: ``<store>.lock``."""
    return store_path.with_name(store_path.name + ".lock")


@contextlib.contextmanager
def write_lock(store_path: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the exclusive write lock of the store at ``store_path`` for the block.

    Every :meth:`geo.store.gpkg.GeoPackageStore.apply` holds it; a restore
    (:mod:`geo.store.backup`) holds it too, so no import swaps in a copy of the old file over a
    restored one. The store file need not exist or be valid.

    Parameters
    ----------
    store_path : Path
        The GeoPackage file.
    timeout : float
        Seconds to wait for another holder before giving up.

    Raises
    ------
    StoreLockedError
        When another process (or another open of the lock) holds it longer than ``timeout``.
    StoreError
        When the lock file cannot be opened.
    """
    lock = lock_path(store_path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(
            f"could not open the lock file {lock}",
            why=f"{type(exc).__name__}: {exc}",
            fix="check write permission on the store's folder",
        ) from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
                    raise StoreLockedError(
                        f"the store {store_path} is locked by another import"
                        + (f" (process {holder})" if holder else ""),
                        why=f"only one import may write the store at a time; waited "
                        f"{timeout:g} s for {lock}",
                        fix="wait for the other import to finish and run this one again",
                    ) from None
                time.sleep(LOCK_POLL_S)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
