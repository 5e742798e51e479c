"""A GPS track (GPX) as timed points: bounded, without DTDs or entities, times in UTC.

A team's phone app (OsmAnd, Organic Maps, any GPS logger) records where the team went; the
track's points with a time are read with gpxpy (a well-kept GPX parser, so no hand-written
XML walking) after the file's size and its declarations are checked, so that a hostile file
cannot expand entities or exhaust memory.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd

from geo.crs import WGS84
from geo.errors import InputFileError, InputTooLargeError

logger = logging.getLogger(__name__)

#: Largest GPX file read (bytes): a day's track at one point a second is ~10 MB.
MAX_GPX_BYTES: Final = 32 * 1024 * 1024
#: Most track points read from one file.
MAX_TRACK_POINTS: Final = 200_000
#: Column of the points' times (tz-aware UTC).
TIME: Final = "time"
#: XML declarations a track never needs; their presence refuses the file (entity expansion).
_DECLARATIONS: Final = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def read_track(path: Path, *, max_bytes: int = MAX_GPX_BYTES) -> gpd.GeoDataFrame:
    """Return a GPX file's timed track points (every track, segment and point), in time order.

    Parameters
    ----------
    path : Path
        A ``.gpx`` file.
    max_bytes : int
        Largest file size read.

    Returns
    -------
    geopandas.GeoDataFrame
        ``time`` (tz-aware UTC) and point geometry in EPSG:4326; points without a time are
        left out (logged).

    Raises
    ------
    InputTooLargeError
        Above ``max_bytes`` or :data:`MAX_TRACK_POINTS`.
    InputFileError
        Not a GPX file, a DTD or entity declaration, or no timed point.
    """
    import gpxpy
    import gpxpy.gpx

    name = Path(path).name
    size = Path(path).stat().st_size
    if size > max_bytes:
        raise InputTooLargeError(
            f"{name} is {size:,} bytes, above the limit of {max_bytes:,} for a GPS track",
            fix="export one team's track of one day",
        )
    data = Path(path).read_bytes()
    if _DECLARATIONS.search(data):
        raise InputFileError(
            f"{name} declares a DOCTYPE or entities",
            why="a GPS track never needs them, and entities can expand a small file enormously",
            fix="export the track again from the GPS app as plain GPX",
        )
    try:
        gpx = gpxpy.parse(data.decode("utf-8", errors="replace"))
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise InputFileError(
            f"{name} is not a readable GPX file",
            why=str(exc)[:200],
            fix="export the team's track as GPX 1.1 from the GPS app",
        ) from None
    lons, lats, times = [], [], []
    untimed = 0
    for track in gpx.tracks:
        for segment in track.segments:
            for point in segment.points:
                if point.time is None:
                    untimed += 1
                    continue
                lons.append(point.longitude)
                lats.append(point.latitude)
                times.append(point.time)
                if len(times) > MAX_TRACK_POINTS:
                    raise InputTooLargeError(
                        f"{name} has more than {MAX_TRACK_POINTS:,} track points",
                        fix="export one team's track of one day",
                    )
    if not times:
        raise InputFileError(
            f"{name} has no track point with a time",
            why="a visit is known from when the team was at a stop",
            fix="record the track with times (every GPS app does), not a route or waypoints",
        )
    if untimed:
        logger.info("%s: %d track points without a time left out", name, untimed)
    stamps = pd.to_datetime(pd.Series(times), utc=True)
    frame = gpd.GeoDataFrame({TIME: stamps}, geometry=gpd.points_from_xy(lons, lats), crs=WGS84)
    return frame.sort_values(TIME, kind="stable").reset_index(drop=True)
