"""Field files: GPX 1.1 and KML with the route's stops, QR codes that open the day's route."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import gpxpy
import numpy as np
import pandas as pd
import pytest
import segno

from maps.field_files import (
    FIELD_FOLDER,
    GPX_NS,
    KML_NS,
    LINK_COLUMNS,
    LINKS_CSV,
    route_gpx,
    route_kml,
    write_field_files,
)
from maps.patrol_sheet import QR_SCALE, sheet_html
from models.patrol import PatrolPlan, Route
from models.patrol.navigation import latlon, route_points, route_urls
from tests.models.patrol.test_codec import _plan
from tests.models.patrol.test_navigation import url_points

#: The order of a GPX 1.1 document's children (gpxType in the GPX 1.1 schema).
GPX_ORDER = ("metadata", "wpt", "rte", "trk", "extensions")


@pytest.fixture(scope="module")
def plan() -> PatrolPlan:
    return _plan()


@pytest.fixture(scope="module")
def route(plan: PatrolPlan) -> Route:
    return max(plan.routes, key=lambda r: len(r.stops))


def close(got: object, want: object) -> None:
    """Assert two lists of (lon, lat) agree to the files' 6 decimals."""
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=0, atol=1e-6)


def check_gpx_11(text: str) -> ET.Element:
    """Check a GPX document against the structure of the GPX 1.1 schema.

    No schema validator is installed (xmlschema/lxml are not dependencies), so this checks
    what the schema requires of these files: the namespace, version and creator attributes,
    the children in schema order, lat/lon in range on every point, names as text.
    """
    root = ET.fromstring(text.encode("utf-8"))
    ns = f"{{{GPX_NS}}}"
    assert root.tag == f"{ns}gpx" and root.get("version") == "1.1" and root.get("creator")
    order = [GPX_ORDER.index(child.tag.removeprefix(ns)) for child in root]
    assert order == sorted(order)
    for tag in ("wpt", "rte/" + ns + "rtept", "trk/" + ns + "trkseg/" + ns + "trkpt"):
        for point in root.iterfind(f"{ns}{tag}"):
            assert -90 <= float(point.get("lat", "nan")) <= 90
            assert -180 <= float(point.get("lon", "nan")) <= 180
            assert {c.tag.removeprefix(ns) for c in point} <= {"name", "desc", "sym", "type"}
    return root


def test_gpx_is_gpx_11_and_round_trips_through_gpxpy(plan: PatrolPlan, route: Route) -> None:
    text = route_gpx(plan, route)
    check_gpx_11(text)
    parsed = gpxpy.parse(text)
    assert parsed.version == "1.1"
    got = [(w.longitude, w.latitude) for w in parsed.waypoints]
    close(got, [(s.place.lon, s.place.lat) for s in route.stops])
    assert [w.name for w in parsed.waypoints] == [f"{s.order}. {s.place.name}" for s in route.stops]
    assert all("arrive" in (w.description or "") for w in parsed.waypoints)
    rte = [(p.longitude, p.latitude) for p in parsed.routes[0].points]
    close(rte, route_points(route))
    assert len(parsed.tracks[0].segments[0].points) == len(route.path)


def test_kml_parses_and_has_the_stops(plan: PatrolPlan, route: Route) -> None:
    root = ET.fromstring(route_kml(plan, route).encode("utf-8"))
    ns = {"k": KML_NS}
    points = [
        tuple(float(v) for v in c.text.split(","))  # type: ignore[union-attr]
        for c in root.iterfind(".//k:Placemark/k:Point/k:coordinates", ns)
    ]
    close(points, [(s.place.lon, s.place.lat) for s in route.stops])
    line = root.find(".//k:LineString/k:coordinates", ns)
    assert line is not None and len(line.text.split()) == len(route.path)  # type: ignore[union-attr]


def test_hindi_field_files_speak_hindi(plan: PatrolPlan, route: Route) -> None:
    from geo.i18n import use_lang

    with use_lang("hi"):
        gpx = route_gpx(plan, route)
    assert "दिन" in gpx and "arrive" not in gpx


def decode(url_matrix: segno.QRCode) -> str:
    """Decode a QR code's matrix with zxing-cpp (an image drawn from its modules)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    modules = np.array([list(row) for row in url_matrix.matrix], dtype=np.uint8)
    image = np.where(np.kron(modules, np.ones((4, 4), dtype=np.uint8)) > 0, 0, 255)
    image = np.pad(image.astype(np.uint8), 16, constant_values=255)
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return str(found[0].text)


def test_sheet_qr_codes_open_the_days_route(plan: PatrolPlan, route: Route) -> None:
    page = sheet_html(plan, route, sheet_lang="both")
    urls = route_urls(route)
    assert urls and "Scan to open the day&#x27;s route" in page
    joined: list[tuple[float, float]] = []
    for i, url in enumerate(urls):
        code = segno.make(url, error="m", micro=False)
        assert code.svg_inline(scale=QR_SCALE, border=4) in page  # the sheet shows this code
        text = decode(code)
        assert text == url
        joined += url_points(text)[(1 if i else 0) :]
    assert [latlon(p) for p in joined] == [latlon(p) for p in route_points(route)]
    for stop in route.stops:  # each stop's coordinates open in a map app
        assert re.search(rf"href='geo:{re.escape(latlon((stop.place.lon, stop.place.lat)))}", page)
    assert "moral police" in page  # the conduct guidance stays


def test_write_field_files(plan: PatrolPlan, tmp_path: Path) -> None:
    paths = write_field_files(plan, tmp_path)
    assert len(paths) == 2 * len(plan.routes) + 1
    links = pd.read_csv(tmp_path / FIELD_FOLDER / LINKS_CSV, encoding="utf-8-sig")
    assert tuple(links.columns) == LINK_COLUMNS
    assert len(links) == sum(len(r.stops) for r in plan.routes)
    assert links["geo_uri"].str.startswith("geo:").all()
