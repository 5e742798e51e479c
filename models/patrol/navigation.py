"""Navigation links of a patrol route: a ``geo:`` URI and a maps link per stop, the day's route."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final
from urllib.parse import quote, urlencode

from models.patrol.records import Route

#: Google Maps URLs (the documented, key-less "Maps URLs": they open the app on a phone).
MAPS_DIR_URL: Final = "https://www.google.com/maps/dir/"
MAPS_SEARCH_URL: Final = "https://www.google.com/maps/search/"
#: Most intermediate waypoints one Maps directions URL may carry (9 on phones): a longer day
#: is split into legs, each ending where the next starts.
MAX_WAYPOINTS: Final = 9
#: Decimal places of coordinates in links (~0.1 m).
DIGITS: Final = 6
#: Travel mode of the directions link by team mode (the documented values; a patrol bike is
#: a motorcycle, routed as driving).
TRAVEL_MODES: Final = {"foot": "walking", "bike": "driving", "vehicle": "driving"}

LonLat = tuple[float, float]


def latlon(point: LonLat) -> str:
    """Return ``lat,lon`` of a ``(lon, lat)`` point, rounded (the order maps links use)."""
    lon, lat = point
    return f"{round(lat, DIGITS):.{DIGITS}f},{round(lon, DIGITS):.{DIGITS}f}"


def geo_uri(point: LonLat, label: str = "") -> str:
    """Return the ``geo:`` URI (RFC 5870, with Android's ``q`` label) of a point.

    Any map or navigation app on a phone opens it, offline maps included (OsmAnd, Organic
    Maps). The label is a place name, never a person.
    """
    where = latlon(point)
    uri = f"geo:{where}"
    if label:
        uri += f"?q={where}({quote(label, safe='')})"
    return uri


def place_url(point: LonLat) -> str:
    """Return a Google Maps link showing one point."""
    return MAPS_SEARCH_URL + "?" + urlencode({"api": "1", "query": latlon(point)})


def directions_url(points: Sequence[LonLat], *, mode: str = "driving") -> str:
    """Return a Google Maps directions link from the first point to the last through the others.

    Parameters
    ----------
    points : sequence of (lon, lat)
        At least two; at most :data:`MAX_WAYPOINTS` between the first and the last.
    mode : str
        ``driving`` or ``walking``.

    Returns
    -------
    str
    """
    if len(points) < 2 or len(points) > MAX_WAYPOINTS + 2:
        raise ValueError(f"a directions link needs 2..{MAX_WAYPOINTS + 2} points")
    query = {
        "api": "1",
        "origin": latlon(points[0]),
        "destination": latlon(points[-1]),
        "travelmode": mode,
    }
    if len(points) > 2:
        query["waypoints"] = "|".join(latlon(p) for p in points[1:-1])
    return MAPS_DIR_URL + "?" + urlencode(query, safe=",|")


def route_points(route: Route) -> list[LonLat]:
    """Return the day's route as points: the start, every stop in order, back to the start."""
    stops = [(s.place.lon, s.place.lat) for s in route.stops]
    team = route.team
    if team.start_lon is None or team.start_lat is None:
        return stops
    start = (team.start_lon, team.start_lat)
    return [start, *stops, start]


def route_urls(route: Route) -> list[str]:
    """Return the directions link(s) of a day's route: one per leg of at most 9 waypoints.

    Legs chain: each starts at the point where the previous one ends. A route without stops
    has no link.
    """
    points = route_points(route)
    if len(route.stops) == 0 or len(points) < 2:
        return []
    mode = TRAVEL_MODES.get(route.team.mode, "driving")
    step = MAX_WAYPOINTS + 1
    return [
        directions_url(points[i : i + step + 1], mode=mode) for i in range(0, len(points) - 1, step)
    ]
