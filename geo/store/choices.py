"""Forecast choices kept beside a GeoPackage store: a JSON sidecar keyed by the data's digest."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger(__name__)

#: Suffix of the sidecar next to ``<store>.gpkg``: ``<store>.forecast.json``.
SIDECAR_SUFFIX: Final = ".forecast.json"
#: Entry keys: the data's fingerprint and the selection's key.
DATA_KEY: Final = "data"
SELECTION_KEY: Final = "selection"
#: Most entries kept (the newest).
MAX_ENTRIES: Final = 50


def sidecar_of(location: str | Path) -> Path | None:
    """Return the sidecar path of a GeoPackage store (None for a database store).

    Examples
    --------
    >>> sidecar_of("/data/shakti-store.gpkg").name
    'shakti-store.forecast.json'
    >>> sidecar_of("postgresql://host/db") is None
    True
    """
    text = str(location)
    if "://" in text:
        return None
    path = Path(text)
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_choices(path: Path | None) -> list[dict[str, Any]]:
    """Return the entries of a sidecar (none when missing or unreadable: a choice is a cache)."""
    if path is None or not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable forecast choices %s: %s", path.name, exc)
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def save_choice(path: Path | None, entry: dict[str, Any]) -> None:
    """Save ``entry`` in the sidecar, replacing one for the same data and selection.

    Entries of other data fingerprints are dropped (the data changed: they are stale). The
    file is replaced atomically; a store in a folder that cannot be written keeps no choice.

    Parameters
    ----------
    path : Path or None
        :func:`sidecar_of` (None: nothing saved).
    entry : dict
        JSON-able, with :data:`DATA_KEY` and :data:`SELECTION_KEY`.
    """
    if path is None:
        return
    kept = [
        e
        for e in read_choices(path)
        if e.get(DATA_KEY) == entry[DATA_KEY] and e.get(SELECTION_KEY) != entry[SELECTION_KEY]
    ]
    entries = [*kept[-(MAX_ENTRIES - 1) :], entry]
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entries, fh, ensure_ascii=False, indent=1)
        Path(tmp).replace(path)
    except OSError as exc:
        logger.warning("could not save the forecast choice beside the store: %s", exc)


def find_choice(
    path: Path | None, data: str, selection: list[Any], fallback: list[Any] | None = None
) -> dict[str, Any] | None:
    """Return the entry of this data and selection, else of ``fallback``'s selection, or None.

    Parameters
    ----------
    path : Path or None
    data : str
        The data's fingerprint (an entry of other data is stale).
    selection : list
        The selection's key.
    fallback : list, optional
        Another selection's key (e.g. everything) whose choice may stand in.

    Returns
    -------
    dict or None
    """
    current = [e for e in read_choices(path) if e.get(DATA_KEY) == data]
    for key in (selection, fallback):
        for e in reversed(current):
            if key is not None and e.get(SELECTION_KEY) == key:
                return dict(e)
    return None
