"""The gazetteer: every named place rows can be located at, with its match keys and precision."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.i18n.keys import fold, latin, skeleton
from geo.schema import (
    KIND,
    LAT,
    LON,
    NAME,
    NAME_HI,
    PINCODE,
    STATION_LAT,
    STATION_LON,
    THANA,
)

logger = logging.getLogger(__name__)

#: Precision of a row located at an entry of each kind.
PRECISION_OF_KIND: Final = {
    "landmark": "landmark",
    "site": "landmark",
    "station": "landmark",
    "locality": "locality",
    "pincode": "locality",  # a post office named: the area it serves
}
#: Rank of each precision (lower is more precise).
PRECISION_RANK: Final = {"exact": 0, "landmark": 1, "locality": 2, "pincode": 3}
#: Columns of :attr:`Gazetteer.entries`.
ENTRY_COLUMNS: Final = (NAME, NAME_HI, KIND, PINCODE, THANA, LON, LAT)
_POLICE_STATION: Final = "Police Station"
_THANA_HI: Final = "थाना"


@dataclass(frozen=True)
class Gazetteer:
    """Named places with their position, kind, pincode and thana, and their match keys.

    Attributes
    ----------
    entries : pandas.DataFrame
        One row per place: :data:`ENTRY_COLUMNS` (``lon``/``lat`` in EPSG:4326).
    keys : pandas.DataFrame
        One row per (entry, spelling): ``entry`` (position in ``entries``), ``fold``,
        ``latin`` (words joined by spaces) and ``skeleton`` of the name and the Hindi name.
    """

    entries: pd.DataFrame
    keys: pd.DataFrame

    def __len__(self) -> int:
        """Return the number of places."""
        return len(self.entries)

    def pincode_centroids(self) -> pd.DataFrame:
        """Return the mean position of the entries of each pincode (``lon``, ``lat``)."""
        with_pin = self.entries.dropna(subset=[PINCODE])
        return with_pin.groupby(PINCODE)[[LON, LAT]].mean()


def _entries_of(
    frame: gpd.GeoDataFrame | None, kind: str | None, name_format: str = "{}"
) -> pd.DataFrame:
    """Return gazetteer entries of a point layer (its ``kind`` column unless ``kind``)."""
    if frame is None or not len(frame):
        return pd.DataFrame(columns=list(ENTRY_COLUMNS))
    pts = frame.to_crs(WGS84)
    ok = pts.geometry.notna() & ~pts.geometry.is_empty
    pts = pts[ok]
    out = pd.DataFrame(
        {
            NAME: pts[NAME].astype("string").map(name_format.format, na_action="ignore"),
            NAME_HI: pts.get(NAME_HI, pd.Series(pd.NA, index=pts.index)),
            KIND: pts[KIND] if kind is None else kind,
            PINCODE: pts.get(PINCODE, pd.Series(pd.NA, index=pts.index)),
            LON: pts.geometry.x,
            LAT: pts.geometry.y,
        }
    )
    return out.reset_index(drop=True)


def _thana_entries(thanas: gpd.GeoDataFrame | None) -> list[pd.DataFrame]:
    """Return the stations (landmarks, when placed) and thana areas (localities) of thanas."""
    if thanas is None or not len(thanas):
        return []
    polys = thanas.to_crs(WGS84)
    hindi = polys.get(NAME_HI, pd.Series(pd.NA, index=polys.index))
    parts: list[pd.DataFrame] = []
    if STATION_LON in polys.columns and STATION_LAT in polys.columns:
        has = polys[STATION_LON].notna() & polys[STATION_LAT].notna()
        st = polys[has]
        parts.append(
            pd.DataFrame(
                {
                    NAME: st[NAME].astype(str) + " " + _POLICE_STATION,
                    NAME_HI: hindi[has].map(lambda h: f"{_THANA_HI} {h}" if pd.notna(h) else pd.NA),
                    KIND: "station",
                    PINCODE: pd.NA,
                    LON: st[STATION_LON].astype(float),
                    LAT: st[STATION_LAT].astype(float),
                }
            )
        )
    inner = polys.geometry.representative_point()
    parts.append(
        pd.DataFrame(
            {
                NAME: polys[NAME].astype(str),
                NAME_HI: hindi,
                KIND: "locality",
                PINCODE: pd.NA,
                LON: inner.x,
                LAT: inner.y,
            }
        )
    )
    return [p.reset_index(drop=True) for p in parts]


def _keys(entries: pd.DataFrame) -> pd.DataFrame:
    """Return the match keys of every spelling of every entry."""
    rows: list[tuple[int, str, str, str]] = []
    for pos, (name, hindi) in enumerate(
        zip(entries[NAME].tolist(), entries[NAME_HI].tolist(), strict=True)
    ):
        for spelling in (name, hindi):
            if spelling is None or pd.isna(spelling) or not str(spelling).strip():
                continue
            key = fold(spelling)
            if key:
                rows.append((pos, key, latin(spelling).replace("_", " "), skeleton(spelling)))
    return pd.DataFrame(rows, columns=["entry", "fold", "latin", "skeleton"])


def build_gazetteer(
    gazetteer: gpd.GeoDataFrame | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    thanas: gpd.GeoDataFrame | None = None,
) -> Gazetteer:
    """Build the gazetteer from the imported places and the store's own layers.

    Parameters
    ----------
    gazetteer : geopandas.GeoDataFrame, optional
        The ``gazetteer`` layer: landmarks, localities (mohallas), pincodes (post offices).
    sites : geopandas.GeoDataFrame, optional
        Sensitive sites: landmarks by their name (and ``name_hi``).
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons: each station building (``station_lon``/``station_lat``) is a
        landmark named "<name> Police Station" (Hindi "थाना <name_hi>"), each thana area a
        locality at a point inside it, unless the gazetteer has a place of that name; every
        entry gets the thana whose polygon holds it.

    Returns
    -------
    Gazetteer
        Entries in a deterministic order (imported places, sites, stations, thana areas).
    """
    own = _entries_of(gazetteer, None)
    parts = [own, _entries_of(sites, "site")]
    thana_parts = _thana_entries(thanas)
    if thana_parts:
        known = {fold(n) for n in own[NAME].dropna()} | {fold(n) for n in own[NAME_HI].dropna()}
        areas = thana_parts[-1]
        thana_parts[-1] = areas[~areas[NAME].map(fold).isin(known)]
    parts.extend(thana_parts)
    entries = pd.concat(
        [p.astype(object) for p in parts if len(p)] or [pd.DataFrame(columns=list(ENTRY_COLUMNS))],
        ignore_index=True,
    )
    entries = entries.reindex(columns=list(ENTRY_COLUMNS))
    entries[THANA] = _thana_of(entries, thanas)
    entries[PINCODE] = entries[PINCODE].map(_clean_pincode)
    entries[LON] = entries[LON].astype(float)
    entries[LAT] = entries[LAT].astype(float)
    logger.info("gazetteer of %d places", len(entries))
    return Gazetteer(entries=entries, keys=_keys(entries))


def _clean_pincode(value: object) -> object:
    """Return a pincode as 6 ASCII digits, or missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return pd.NA
    digits = "".join(ch for ch in fold(value) if ch.isdigit())
    if isinstance(value, float) and value.is_integer():
        digits = str(int(value))
    return digits if len(digits) == 6 else pd.NA


def _thana_of(entries: pd.DataFrame, thanas: gpd.GeoDataFrame | None) -> pd.Series:
    """Return the thana whose polygon holds each entry (missing without thanas)."""
    if thanas is None or not len(thanas) or not len(entries):
        return pd.Series(pd.NA, index=entries.index, dtype="string")
    from geo.thanas import assign_thanas

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(entries[LON], entries[LAT]), crs=WGS84)
    return assign_thanas(points, thanas)[THANA].set_axis(entries.index)


def names_of(gazetteer: Gazetteer, positions: Sequence[int] | np.ndarray) -> list[str]:
    """Return the names of the entries at ``positions``."""
    return [str(gazetteer.entries[NAME].iat[int(p)]) for p in positions]
