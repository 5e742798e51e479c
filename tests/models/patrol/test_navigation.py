"""Navigation links: ``geo:`` URIs and maps directions links point at the route's stops."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.patrol.navigation import (
    MAX_WAYPOINTS,
    directions_url,
    geo_uri,
    latlon,
    place_url,
    route_points,
    route_urls,
)
from tests.models.patrol.test_codec import _plan

LonLat = tuple[float, float]


def url_points(url: str) -> list[LonLat]:
    """Return the (lon, lat) points of a directions link: origin, waypoints, destination."""
    query = parse_qs(urlsplit(url).query)
    texts = [query["origin"][0], *"|".join(query.get("waypoints", [])).split("|"),
             query["destination"][0]]  # fmt: skip
    points = []
    for text in texts:
        if text:
            lat, lon = (float(v) for v in text.split(","))
            points.append((lon, lat))
    return points


def test_geo_uri_has_the_point_and_the_place_name() -> None:
    uri = geo_uri((82.9994561, 25.3030594), "Hotspot 7, Lanka")
    assert uri.startswith("geo:25.303059,82.999456?q=25.303059,82.999456(")
    assert unquote(uri.split("(", 1)[1].rstrip(")")) == "Hotspot 7, Lanka"
    assert place_url((82.5, 25.25)).endswith("query=25.250000%2C82.500000")


def test_route_links_follow_the_route() -> None:
    plan = _plan()
    route = max(plan.routes, key=lambda r: len(r.stops))
    points = route_points(route)
    assert points[0] == points[-1] == (route.team.start_lon, route.team.start_lat)
    legs = route_urls(route)
    assert legs and all(u.startswith("https://www.google.com/maps/dir/?api=1&") for u in legs)
    joined = [p for i, leg in enumerate(legs) for p in url_points(leg)[(1 if i else 0) :]]
    assert [latlon(p) for p in joined] == [latlon(p) for p in points]


@given(st.integers(min_value=2, max_value=60))
def test_long_routes_split_into_chained_legs(n: int) -> None:
    points = [(82.0 + i / 1000, 25.0 + i / 2000) for i in range(n)]
    step = MAX_WAYPOINTS + 1
    legs = [directions_url(points[i : i + step + 1]) for i in range(0, n - 1, step)]
    back: list[LonLat] = []
    for i, leg in enumerate(legs):
        got = url_points(leg)
        assert len(got) <= MAX_WAYPOINTS + 2
        back += got[1:] if i else got
    assert [latlon(p) for p in back] == [latlon(p) for p in points]


def test_a_directions_link_needs_two_to_eleven_points() -> None:
    with pytest.raises(ValueError, match=r"2\.\.11 points"):
        directions_url([(82.0, 25.0)])
