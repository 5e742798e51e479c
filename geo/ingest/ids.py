"""Ids an import derives: a content hash for rows without one, thana + serial + year for serials.

Registers often carry no id (police.uk anti-social behaviour rows, call logs) or number their
rows per thana and year (FIR ``12/2025`` exists in every thana). Ids must be stable, so that
re-importing the same file replaces its rows instead of adding them again:

- a row without an id gets ``<layer>-<hash>``: the first 12 hex digits of the SHA-1 of the
  row's values in the columns the import reads (its schema fields and coordinates, never
  ignored or personal columns) and its geometry;
- an incident whose id is a bare serial (``12``, ``0012/2025``, ``12/25``) and which names its
  thana gets ``<thana>/<serial>/<year>``: the thana's Latin key (:func:`geo.i18n.keys.latin`,
  so ``लंका`` and ``Lanka`` agree), the serial without leading zeros, the year the serial
  gives or else the year of ``occurred_at``.

Both are flagged (``id_derived``) and counted in the import summary.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n.keys import latin
from geo.ingest.datetimes import full_year
from geo.ingest.problems import as_text

logger = logging.getLogger(__name__)

#: A bare serial number, optionally with its year: ``12``, ``0012/2025``, ``12-25``.
SERIAL: Final = re.compile(r"^\s*(?P<n>\d{1,9})\s*(?:[/\-]\s*(?P<y>\d{4}|\d{2}))?\s*$")
#: Words around a thana's name that are not the name (``Thana Lanka``, ``Lanka P.S.``).
_STATION_WORDS: Final = frozenset({"thana", "ps", "p", "s", "police", "station"})
_DIGITS: Final = {ord(chr(0x0966 + d)): str(d) for d in range(10)}


def content_ids(frame: pd.DataFrame, geometry: gpd.GeoSeries | None, kind: str) -> pd.Series:
    """Return ``<kind>-<hash>`` ids of rows from their values and geometry.

    Parameters
    ----------
    frame : pandas.DataFrame
        The columns that identify a row (those the import reads).
    geometry : geopandas.GeoSeries or None
        The file's geometry, aligned to ``frame``.
    kind : str
        The layer.

    Returns
    -------
    pandas.Series
        Text ids aligned to ``frame``.
    """
    cols = frame.astype("string").fillna("")
    joined = pd.Series("", index=frame.index, dtype="string")
    for i, name in enumerate(cols.columns):
        joined = cols[name] if i == 0 else joined + "\x1f" + cols[name]
    if geometry is not None:
        wkb = geometry.to_wkb(hex=True).fillna("")
        joined = joined + "\x1f" + wkb
    digests = [hashlib.sha1(v.encode("utf-8")).hexdigest()[:12] for v in joined.tolist()]
    return pd.Series([f"{kind}-{d}" for d in digests], index=frame.index, dtype="string")


def thana_key(name: str) -> str:
    """Return the key of a thana's name in ids: Latin letters, without "thana" or "PS".

    Examples
    --------
    >>> thana_key("Thana Lanka"), thana_key("थाना लंका"), thana_key("Lanka P.S.")
    ('lanka', 'lanka', 'lanka')
    """
    words = [w for w in latin(name).split("_") if w and w not in _STATION_WORDS]
    return "_".join(words) or str(name).strip().casefold()


def serial_ids(
    ids: pd.Series, thana: pd.Series, occurred: pd.Series | None
) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Return ids with bare serials qualified by thana and year, and which rows changed.

    Parameters
    ----------
    ids : pandas.Series
        Text ids as given (missing allowed).
    thana : pandas.Series
        The thana each row names (missing allowed: such a serial stays as given).
    occurred : pandas.Series or None
        When each row happened (gives the year when the serial has none).

    Returns
    -------
    ids : pandas.Series
    changed : numpy.ndarray

    Examples
    --------
    >>> ids, changed = serial_ids(
    ...     pd.Series(["12", "12/2025", "FIR-9", "7"]),
    ...     pd.Series(["लंका", "Lanka", "Lanka", None]),
    ...     pd.Series(pd.to_datetime(["2025-01-02"] * 4)),
    ... )
    >>> ids.tolist(), changed.tolist()
    (['lanka/12/2025', 'lanka/12/2025', 'FIR-9', '7'], [True, True, False, False])
    """
    text = as_text(ids)
    names = as_text(thana)
    years = (
        occurred.dt.year.astype("Int64")
        if occurred is not None
        else pd.Series(pd.NA, index=ids.index, dtype="Int64")
    )
    out = text.astype("object").to_numpy(copy=True)
    changed = np.zeros(len(text), dtype=bool)
    keys: dict[str, str] = {}
    digits = text.str.translate(_DIGITS)
    candidates = np.flatnonzero(
        (digits.str.match(SERIAL) & names.notna()).fillna(False).to_numpy(dtype=bool)
    )
    digit_list, name_list, year_list = digits.tolist(), names.tolist(), years.tolist()
    for i in candidates.tolist():
        value, name, year = digit_list[i], name_list[i], year_list[i]
        found = SERIAL.match(str(value))
        if found is None:
            continue
        given = found.group("y")
        full = full_year(given) if given else (None if pd.isna(year) else int(year))
        if full is None:
            continue
        key = keys.get(name)
        if key is None:
            key = keys[name] = thana_key(name)
        out[i] = f"{key}/{int(found.group('n'))}/{full}"
        changed[i] = True
    return pd.Series(out, index=ids.index, dtype="string"), changed
