"""Field files of a patrol plan, made offline: GPX and KML per team and day, a links table."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Final

import gpxpy.gpx
import pandas as pd

from geo.csv_safe import write_csv
from geo.i18n import _, format_date, ngettext, thana_display
from models.patrol import PatrolPlan, Route, Stop
from models.patrol.navigation import geo_uri, place_url, route_points, route_urls
from models.patrol.teams import clock

logger = logging.getLogger(__name__)

#: GPX 1.1 and KML 2.2 namespaces.
GPX_NS: Final = "http://www.topografix.com/GPX/1/1"
KML_NS: Final = "http://www.opengis.net/kml/2.2"
#: Who the files say made them (``creator`` of a GPX).
CREATOR: Final = "Shakti Hotspots"
#: Columns of the links table (:func:`links_table`): one row per stop.
LINK_COLUMNS: Final = ("day", "date", "thana", "team", "order", "place_id", "place_name", "lat",
                       "lon", "geo_uri", "maps_url", "route_urls")  # fmt: skip
#: Sub-folder of a plan folder holding the field files.
FIELD_FOLDER: Final = "field"
LINKS_CSV: Final = "links.csv"


def stop_label(stop: Stop) -> str:
    """Return a stop's name as a phone shows it: its number and place (never a person)."""
    return f"{stop.order}. {stop.place.name}"


def stop_note(stop: Stop) -> str:
    """Return what a team needs at a stop: arrival window, stay and why, in the current language."""
    # TRANSLATORS: the arrival window and stay of a patrol stop in a GPS app, e.g.
    # "arrive 17:05–17:30, stay 12 min".
    head = _("arrive {start}–{end}, stay {n} min").format(
        start=clock(stop.arrive_min), end=clock(stop.arrive_latest_min), n=stop.dwell_min
    )
    return f"{head}. {stop.reason}"


def route_title(plan: PatrolPlan, route: Route) -> str:
    """Return the name of a route file: team, thana, day and date."""
    # TRANSLATORS: name of a team's route on one day in a GPS or map app.
    return _("{team} ({thana}), day {day}, {date}").format(
        team=route.team.team,
        thana=thana_display(route.team.thana, plan.thana_names_hi),
        day=route.day + 1,
        date=format_date(route.date),
    )


def _synthetic(plan: PatrolPlan) -> str:
    return _("SYNTHETIC demo data — not real incidents") if plan.synthetic else ""


def route_gpx(plan: PatrolPlan, route: Route) -> str:
    """Return the GPX 1.1 file of a team's day: numbered stops, the route, the path as a track.

    Waypoints are the stops (``1. <place>``, arrival window and reason), the ``rte`` goes
    from the start through every stop back to the start (OsmAnd, Organic Maps and other GPS
    apps navigate it), and the ``trk`` is the planned path (on roads when a road graph was
    used). Times of day are in the descriptions only: a GPX time is an instant, and a plan
    is kept for days.

    Returns
    -------
    str
        GPX 1.1 XML.
    """
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = route_title(plan, route)
    gpx.description = "; ".join(
        t for t in (_synthetic(plan), ngettext("{n} stop", "{n} stops", len(route.stops))
                    .format(n=len(route.stops))) if t
    )  # fmt: skip
    for stop in route.stops:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=round(stop.place.lat, 6),
                longitude=round(stop.place.lon, 6),
                name=stop_label(stop),
                description=stop_note(stop),
                symbol="Flag, Blue",
                type=stop.place.kind,
            )
        )
    rte = gpxpy.gpx.GPXRoute(name=gpx.name)
    points = route_points(route)
    names = ([_("start")] if len(points) > len(route.stops) else []) + [
        stop_label(s) for s in route.stops
    ]
    for i, (lon, lat) in enumerate(points):
        name = names[i] if i < len(names) else _("back at start")
        rte.points.append(gpxpy.gpx.GPXRoutePoint(round(lat, 6), round(lon, 6), name=name))
    gpx.routes.append(rte)
    if len(route.path) >= 2:
        segment = gpxpy.gpx.GPXTrackSegment(
            [gpxpy.gpx.GPXTrackPoint(round(lat, 6), round(lon, 6)) for lon, lat in route.path]
        )
        track = gpxpy.gpx.GPXTrack(name=gpx.name)
        track.segments.append(segment)
        gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


def route_kml(plan: PatrolPlan, route: Route) -> str:
    """Return the KML 2.2 file of a team's day for Google Earth and My Maps.

    Written with the standard library's ElementTree, not simplekml: KML needs five
    elements here, and simplekml has not been released since 2020; ElementTree escapes
    every text and adds no dependency.

    Returns
    -------
    str
        KML XML: a Document with the route (LineString of the path) and a numbered
        Placemark per stop (name, arrival window and reason, its ``geo:`` link).
    """
    ET.register_namespace("", KML_NS)
    k = f"{{{KML_NS}}}"
    kml = ET.Element(f"{k}kml")
    doc = ET.SubElement(kml, f"{k}Document")
    ET.SubElement(doc, f"{k}name").text = route_title(plan, route)
    if plan.synthetic:
        ET.SubElement(doc, f"{k}description").text = _synthetic(plan)
    path = list(route.path) or route_points(route)
    if len(path) >= 2:
        line_mark = ET.SubElement(doc, f"{k}Placemark")
        ET.SubElement(line_mark, f"{k}name").text = _("route")
        line = ET.SubElement(line_mark, f"{k}LineString")
        ET.SubElement(line, f"{k}tessellate").text = "1"
        ET.SubElement(line, f"{k}coordinates").text = " ".join(
            f"{lon:.6f},{lat:.6f}" for lon, lat in path
        )
    for stop in route.stops:
        mark = ET.SubElement(doc, f"{k}Placemark")
        ET.SubElement(mark, f"{k}name").text = stop_label(stop)
        point = (stop.place.lon, stop.place.lat)
        ET.SubElement(
            mark, f"{k}description"
        ).text = f"{stop_note(stop)} {geo_uri(point, stop.place.name)}"
        ET.SubElement(
            ET.SubElement(mark, f"{k}Point"), f"{k}coordinates"
        ).text = f"{stop.place.lon:.6f},{stop.place.lat:.6f}"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def links_table(plan: PatrolPlan) -> pd.DataFrame:
    """Return every stop's navigation links: ``geo:`` URI, maps link, and its day's route links.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINK_COLUMNS`; ``route_urls`` joins a route's legs with spaces.
    """
    rows = []
    for route in plan.routes:
        legs = " ".join(route_urls(route))
        for stop in route.stops:
            point = (stop.place.lon, stop.place.lat)
            rows.append(
                (route.day + 1, route.date.isoformat(), route.team.thana, route.team.team,
                 stop.order, stop.place.place_id, stop.place.name, round(stop.place.lat, 6),
                 round(stop.place.lon, 6), geo_uri(point, stop.place.name), place_url(point),
                 legs)
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS))


def field_name(route: Route) -> str:
    """Return the file stem of a route's field files: ``day<N>-<date>/<team>``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in route.team.team)
    return f"day{route.day + 1}-{route.date.isoformat()}/{safe}"


def write_field_files(plan: PatrolPlan, folder: Path) -> list[Path]:
    """Write a GPX and a KML per team and day and the links table under ``folder/field``.

    Parameters
    ----------
    plan : PatrolPlan
    folder : Path

    Returns
    -------
    list of Path
        The files written.
    """
    base = folder / FIELD_FOLDER
    paths: list[Path] = []
    for route in plan.routes:
        stem = base / field_name(route)
        stem.parent.mkdir(parents=True, exist_ok=True)
        gpx_path, kml_path = stem.with_suffix(".gpx"), stem.with_suffix(".kml")
        gpx_path.write_text(route_gpx(plan, route), encoding="utf-8")
        kml_path.write_text(route_kml(plan, route), encoding="utf-8")
        paths += [gpx_path, kml_path]
    base.mkdir(parents=True, exist_ok=True)
    write_csv(links_table(plan), base / LINKS_CSV)
    paths.append(base / LINKS_CSV)
    logger.info("%d field files written to %s", len(paths), base)
    return paths
