"""Column resolution: which column of a foreign file holds which schema field or coordinate."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from geo.schema import OCCURRED_AT, LayerSpec

#: Recognised spellings of coordinate columns (after :func:`normalise`).
LAT_ALIASES: Final = ("lat", "latitude", "y", "lat_dd", "latitude_dd", "y_coord", "ycoord", "lat_n")
LON_ALIASES: Final = (
    "lon",
    "lng",
    "long",
    "longitude",
    "x",
    "lon_dd",
    "longitude_dd",
    "x_coord",
    "xcoord",
    "lon_e",
)
WKT_ALIASES: Final = ("wkt", "geometry", "geom", "the_geom", "shape", "location_wkt")
DATE_PART_ALIASES: Final = ("date", "incident_date", "event_date", "day")
TIME_PART_ALIASES: Final = ("time", "incident_time", "hour", "time_of_day")

#: Anything but Latin letters and digits and Devanagari letters, signs and digits (the
#: dandas ``।`` ``॥`` are punctuation).
_NON_WORD = re.compile(r"[^0-9a-z\u0900-\u0963\u0966-\u097f]+")


def normalise(name: str) -> str:
    """Return a column name folded for matching: lower case, runs of non-alphanumerics → ``_``.

    Devanagari is kept (in Unicode NFC form), so Hindi column names match too.

    Examples
    --------
    >>> normalise(" Date & Time ")
    'date_time'
    >>> normalise("Latitude (N)")
    'latitude_n'
    >>> normalise("नाम (हिन्दी)")
    'नाम_हिन्दी'
    """
    folded = unicodedata.normalize("NFC", name.strip().lower())
    return _NON_WORD.sub("_", folded).strip("_")


@dataclass(frozen=True)
class ColumnPlan:
    """Where each field comes from in a given file.

    Attributes
    ----------
    fields : dict
        Schema field name → source column name.
    lat, lon, wkt : str or None
        Source columns of the coordinates (point layers) or WKT geometry.
    date_part, time_part : str or None
        Separate date and time columns to combine into ``occurred_at`` when the file has no
        single date-time column.
    ignored : list of str
        Columns that match nothing; they are not stored.
    """

    fields: dict[str, str]
    lat: str | None = None
    lon: str | None = None
    wkt: str | None = None
    date_part: str | None = None
    time_part: str | None = None
    ignored: list[str] = field(default_factory=list)

    @property
    def used(self) -> list[str]:
        """Return the source columns the plan reads (fields, coordinates, date/time parts)."""
        extra = (self.lat, self.lon, self.wkt, self.date_part, self.time_part)
        return list(dict.fromkeys([*self.fields.values(), *(c for c in extra if c)]))


def _pick(columns: dict[str, str], candidates: Iterable[str], taken: set[str]) -> str | None:
    for cand in candidates:
        source = columns.get(normalise(cand))
        if source is not None and source not in taken:
            return source
    return None


def plan_columns(columns: Iterable[str], spec: LayerSpec) -> ColumnPlan:
    """Match a file's columns to a layer's fields and to coordinate columns.

    Exact canonical names win over aliases; the first alias in a field's list wins over
    later ones. Matching ignores case, spaces and punctuation.

    Parameters
    ----------
    columns : iterable of str
        Column names of the file (after any ``--map`` renaming).
    spec : LayerSpec
        The layer being imported.

    Returns
    -------
    ColumnPlan
    """
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(normalise(str(col)), str(col))
    taken: set[str] = set()
    fields: dict[str, str] = {}
    # Pass 1: canonical names.
    for fspec in spec.fields:
        src = _pick(by_norm, [fspec.name], taken)
        if src is not None:
            fields[fspec.name] = src
            taken.add(src)
    lat = _pick(by_norm, LAT_ALIASES, taken)
    if lat:
        taken.add(lat)
    lon = _pick(by_norm, LON_ALIASES, taken)
    if lon:
        taken.add(lon)
    wkt = _pick(by_norm, WKT_ALIASES, taken)
    if wkt:
        taken.add(wkt)
    # Pass 2: aliases, but a separate date + time pair beats a lone "date" or "time".
    date_part = time_part = None
    if OCCURRED_AT in [f.name for f in spec.fields] and OCCURRED_AT not in fields:
        dp = _pick(by_norm, DATE_PART_ALIASES, taken)
        tp = _pick(by_norm, TIME_PART_ALIASES, taken)
        if dp and tp:
            date_part, time_part = dp, tp
            taken.update((dp, tp))
    for fspec in spec.fields:
        if fspec.name in fields or (fspec.name == OCCURRED_AT and date_part):
            continue
        src = _pick(by_norm, fspec.aliases, taken)
        if src is not None:
            fields[fspec.name] = src
            taken.add(src)
    ignored = [str(c) for c in columns if str(c) not in taken]
    return ColumnPlan(
        fields=fields,
        lat=lat,
        lon=lon,
        wkt=wkt,
        date_part=date_part,
        time_part=time_part,
        ignored=ignored,
    )
