"""Where uploads wait while they are read: one private folder, one sub-folder per request."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final

from geo.errors import ColumnMappingError

logger = logging.getLogger(__name__)

#: Prefix of each request's sub-folder in :func:`upload_root`.
REQUEST_PREFIX: Final = "req-"
#: Sub-folders older than this are left over from a crash; start-up removes them.
STALE_UPLOAD_SECONDS: Final = 6 * 3600
#: Characters kept in a saved file name (everything else becomes ``_``).
_SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK: Final = 1024 * 1024


def upload_root() -> Path:
    """Return the folder holding uploads being read, created private (0700) if needed.

    It is ``shakti-uploads-<uid>`` in the system's temporary folder. A folder of that name
    that is a symbolic link, belongs to another user or is open to others is not used: a
    fresh private folder is made instead (another local user cannot plant it).

    Returns
    -------
    Path
    """
    base = Path(tempfile.gettempdir())
    uid = os.getuid() if hasattr(os, "getuid") else 0
    root = base / f"shakti-uploads-{uid}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = root.lstat()
        private = (
            stat.S_ISDIR(info.st_mode)
            and not stat.S_ISLNK(info.st_mode)
            and (not hasattr(os, "getuid") or info.st_uid == uid)
            and not info.st_mode & 0o077
        )
    except OSError:
        private = False
    if not private:
        logger.warning("%s is not a private folder; using a new one", root)
        return Path(tempfile.mkdtemp(prefix="shakti-uploads-"))
    return root


def safe_filename(name: str | None) -> str:
    """Return a client's file name reduced to a safe base name (at most 120 characters).

    Parameters
    ----------
    name : str or None

    Returns
    -------
    str

    Examples
    --------
    >>> safe_filename("../../etc/Incidents Jan.csv")
    'Incidents_Jan.csv'
    """
    base = Path((name or "upload").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[-120:]


@contextlib.contextmanager
def saved_upload(stream: BinaryIO, name: str) -> Iterator[Path]:
    """Save an upload under its (safe) name in a new private sub-folder; remove it after.

    Parameters
    ----------
    stream : binary file
        The upload (rewound first).
    name : str
        A name from :func:`safe_filename`: messages about the file use it.

    Yields
    ------
    Path
        The saved file.
    """
    folder = Path(tempfile.mkdtemp(prefix=REQUEST_PREFIX, dir=upload_root()))
    try:
        path = folder / name
        with path.open("wb") as out:
            stream.seek(0)
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clean_stale_uploads(
    folder: Path | None = None, older_than_s: float = STALE_UPLOAD_SECONDS
) -> int:
    """Remove request sub-folders left behind by a crash.

    Parameters
    ----------
    folder : Path, optional
        Default :func:`upload_root`.
    older_than_s : float
        Only sub-folders last changed longer ago than this are removed (an upload being
        read by a running service is never that old).

    Returns
    -------
    int
        How many sub-folders were removed.
    """
    root = folder if folder is not None else upload_root()
    cutoff = time.time() - older_than_s
    removed = 0
    for entry in root.glob(REQUEST_PREFIX + "*"):
        try:
            if entry.is_symlink() or not entry.is_dir() or entry.stat().st_mtime > cutoff:
                continue
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    if removed:
        logger.info("removed %d stale upload folders from %s", removed, root)
    return removed


def read_small_upload(stream: BinaryIO, limit: int, what: str) -> bytes:
    """Read a small upload whole (a mapping file), refusing one above ``limit`` bytes.

    Parameters
    ----------
    stream : binary file
    limit : int
    what : str
        How the field is called in messages.

    Returns
    -------
    bytes

    Raises
    ------
    geo.errors.ColumnMappingError
        Above ``limit`` (422, a mapping is a parameter).
    """
    stream.seek(0)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ColumnMappingError(
            f"the {what} is larger than {limit:,} bytes",
            fix="keep one line per column to rename",
        )
    return data
