"""The patrol map: each team's route with its direction, numbered stops and their time windows."""

from __future__ import annotations

import html
import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import folium
import geopandas as gpd

from geo.errors import ParameterError
from geo.i18n import N_, _, counted, format_date, format_int, format_number, thana_display
from maps.base import add_controls, base_map, region_bounds
from maps.elements import LegendSection
from maps.geojson import drawable
from maps.style import ROUTE_COLOR, STATION_COLOR, STOP_COLOR
from models.patrol import PatrolPlan, Route
from models.patrol.teams import clock

logger = logging.getLogger(__name__)

#: Default title of the patrol map.
DEFAULT_TITLE: Final = N_("Shakti Hotspots: patrol routes")
#: The conduct line of the legend (translated where shown).
CONDUCT_NOTE: Final = N_(
    "Teams protect places and people at risk; they do not harass couples or act as moral police."
)
#: Route colours, one per team of a thana (cycled).
TEAM_COLORS: Final = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
#: Legs shorter than this many degrees get no direction arrow (it would hide the stops).
MIN_ARROW_DEG: Final = 0.0008


def _bearing_css(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the CSS rotation (degrees, clockwise) of an arrow pointing from ``a`` to ``b``."""
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return -math.degrees(math.atan2(b[1] - a[1], (b[0] - a[0]) * k))


def _arrow(at: tuple[float, float], angle: float, color: str) -> folium.Marker:
    icon = folium.DivIcon(
        html=(
            f'<div style="transform: rotate({angle:.0f}deg); color: {color}; font-size: 16px; '
            'line-height: 16px; width: 16px; text-align: center;">&#10148;</div>'
        ),
        icon_size=(16, 16),
        icon_anchor=(8, 8),
        class_name="shakti-arrow",
    )
    return folium.Marker(location=[at[1], at[0]], icon=icon)


#: Radius of a place's circle on a shareable patrol map (metres).
SHARE_RADIUS_M: Final = 150.0


def _stop_marker(route: Route, index: int, color: str) -> folium.Marker:
    s = route.stops[index]
    esc = html.escape
    window = f"{clock(s.window.start_min)}–{clock(s.window.end_min)} ({s.window.label})"
    arrive = _("arrive {window}, stay {minutes} min").format(
        window=f"{clock(s.arrive_min)}–{clock(s.arrive_latest_min)}", minutes=s.dwell_min
    )
    window_line = _("window {window}").format(window=window)
    popup = (
        f"<b>{s.order}. {esc(s.place.name)}</b><br>{esc(route.team.team)}, "
        f"{esc(format_date(route.date))}<br>{esc(arrive)}<br>"
        f"{esc(window_line)}<br><small>{esc(s.reason)}</small>"
    )
    icon = folium.DivIcon(
        html=(
            f'<div style="background: {color}; color: #fff; border: 2px solid #fff; '
            "border-radius: 50%; width: 22px; height: 22px; line-height: 18px; "
            f'text-align: center; font: bold 11px sans-serif;">{s.order}</div>'
        ),
        icon_size=(22, 22),
        icon_anchor=(11, 11),
        class_name="shakti-stop",
    )
    return folium.Marker(
        location=[s.place.lat, s.place.lon],
        icon=icon,
        tooltip=f"{s.order}. {s.place.name} · {clock(s.arrive_min)}–{clock(s.arrive_latest_min)}",
        popup=folium.Popup(popup, max_width=360),
    )


def _shareable(
    m: folium.Map,
    tile_layer: Any,
    outline: gpd.GeoDataFrame | None,
    routes: Sequence[Route],
    *,
    title: str,
    date: str,
    plan: PatrolPlan,
) -> folium.Map:
    """Finish a shareable patrol map: each place under patrol once, no route or time."""
    places = {s.place.place_id: s.place for r in routes for s in r.stops}
    group = folium.FeatureGroup(
        name=_("Places under patrol ({n})").format(n=format_int(len(places))), show=True
    )
    for place in sorted(places.values(), key=lambda p: p.place_id):
        folium.Circle(
            location=[place.lat, place.lon],
            radius=SHARE_RADIUS_M,
            color=ROUTE_COLOR,
            weight=2,
            fill=True,
            fill_opacity=0.15,
            tooltip=html.escape(place.name),
        ).add_to(group)
    group.add_to(m)
    add_controls(
        m,
        tiles=tile_layer,
        outline=outline,
        legend=[
            LegendSection(
                _("Patrols"),
                [(ROUTE_COLOR, _("place under patrol by the women's safety teams"), "circle")],
                note=_(CONDUCT_NOTE),
            )
        ],
        notes=[_("Shareable view: no routes, times or incident details.")],
        title=title,
        subtitle=counted(
            len(places),
            "{date}: {n} place under patrol",
            "{date}: {n} places under patrol",
            date=date,
        ),
        warning=_("SYNTHETIC demo data") if plan.synthetic else "",
    )
    return m


def _check_day(plan: PatrolPlan, day: int) -> None:
    """Raise a ParameterError unless ``day`` (1-based) is a day of the plan."""
    if not 1 <= day <= plan.days:
        raise ParameterError(
            f"day {day} is not in the plan (days 1..{plan.days})", fix="choose a day of the plan"
        )


def _view_bounds(
    routes: Sequence[Route], outline: gpd.GeoDataFrame | None
) -> tuple[float, float, float, float]:
    """Return the view: the routes and stops, else the thana outlines, else the region."""
    points = [(lon, lat) for r in routes for lon, lat in r.path]
    points += [(s.place.lon, s.place.lat) for r in routes for s in r.stops]
    if points:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        return (min(lons), min(lats), max(lons), max(lats))
    if outline is not None:
        w, s, e, n = outline.total_bounds
        return (float(w), float(s), float(e), float(n))
    return region_bounds()


def _add_outline(m: folium.Map, outline: gpd.GeoDataFrame | None) -> None:
    """Draw the thana outlines under the routes."""
    if outline is None:
        return
    folium.GeoJson(
        outline[[outline.geometry.name]].to_json(),
        name=_("Thanas"),
        style_function=lambda _: {"color": "#555", "weight": 1.5, "fillOpacity": 0.03},
        control=True,
    ).add_to(m)


def _team_color(plan: PatrolPlan, route: Route) -> str:
    """Return the colour of a route's team (by its place among its thana's teams)."""
    thana_teams = [t.team for t in plan.teams.of_thana(route.team.thana)]
    return TEAM_COLORS[thana_teams.index(route.team.team) % len(TEAM_COLORS)]


def _start_marker(
    route: Route, start: tuple[float, float], names_hi: Mapping[str, str]
) -> folium.Marker:
    """Return the marker of the station a team starts and ends at."""
    return folium.Marker(
        location=[start[1], start[0]],
        tooltip=_("{team} starts and ends here ({thana} station)").format(
            team=route.team.team, thana=thana_display(route.team.thana, names_hi)
        ),
        icon=folium.DivIcon(
            html=f'<div style="background:{STATION_COLOR};color:#fff;width:16px;height:16px;'
            'text-align:center;font:bold 11px sans-serif;">S</div>',
            icon_size=(16, 16),
            icon_anchor=(8, 8),
        ),
    )


def _add_route(m: folium.Map, r: Route, color: str, names_hi: Mapping[str, str]) -> None:
    """Draw one team's route layer: its line, direction arrows, numbered stops and station."""
    group = folium.FeatureGroup(name=f"{r.team.team} ({r.team.shift_label})", show=True)
    if len(r.path) >= 2:
        folium.PolyLine(  # type: ignore[no-untyped-call]
            [[lat, lon] for lon, lat in r.path],
            color=color,
            weight=4,
            opacity=0.8,
            tooltip=counted(
                len(r.stops),
                "{team}, {shift}, {n} stop, {km} km",
                "{team}, {shift}, {n} stops, {km} km",
                team=r.team.team,
                shift=r.team.shift_label,
                km=format_number(r.distance_km, 1),
            ),
        ).add_to(group)
    start = (r.team.start_lon or 0.0, r.team.start_lat or 0.0)
    legs: Sequence[tuple[float, float]] = [
        start,
        *[(s.place.lon, s.place.lat) for s in r.stops],
        start,
    ]
    for a, b in itertools.pairwise(legs):
        if math.hypot(b[0] - a[0], b[1] - a[1]) < MIN_ARROW_DEG:
            continue
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        _arrow(mid, _bearing_css(a, b), color).add_to(group)
    for i in range(len(r.stops)):
        _stop_marker(r, i, color).add_to(group)
    _start_marker(r, start, names_hi).add_to(group)
    group.add_to(m)


def _team_legend(colors: dict[str, str]) -> LegendSection:
    """Return the legend of the team colours (at most 12 rows)."""
    legend = LegendSection(_("Teams"))
    for team, color in list(colors.items())[:12]:
        legend.items.append((color, team, "line"))
    if len(colors) > 12:
        more = len(colors) - 12
        legend.note = counted(
            more,
            "… and {n} more team (see the layer control)",
            "… and {n} more teams (see the layer control)",
        )
    return legend


def patrol_map(
    plan: PatrolPlan,
    *,
    day: int = 1,
    thanas: gpd.GeoDataFrame | None = None,
    tiles: str | None = "openstreetmap",
    tile_attribution: str | None = None,
    title: str = DEFAULT_TITLE,
    share: bool = False,
) -> folium.Map:
    """Draw one day of a patrol plan: routes with direction, numbered stops with time windows.

    A shareable map (``share=True``, e.g. for school heads or a public notice) shows only the
    places under patrol that day, as circles of :data:`SHARE_RADIUS_M`: no routes, order,
    teams, times or reasons, so that it neither reveals a pattern nor carries incident counts.

    Parameters
    ----------
    plan : models.patrol.PatrolPlan
    day : int
        1-based day of the plan.
    thanas : geopandas.GeoDataFrame, optional
        Outlines drawn under the routes (the planned thanas).
    tiles : str or None
        Base tiles (``None``: none, offline).
    tile_attribution : str, optional
    title : str
    share : bool
        Only the places under patrol, without operational detail.

    Returns
    -------
    folium.Map
        One layer per team (toggle in the layer control); each stop's popup says when to
        arrive, how long to stay and why.

    Raises
    ------
    geo.errors.ParameterError
        For a day outside the plan.
    """
    _check_day(plan, day)
    routes = [r for r in plan.routes if r.day == day - 1]
    outline = drawable(thanas)
    bounds = _view_bounds(routes, outline)
    title = _(DEFAULT_TITLE) if title == DEFAULT_TITLE else title
    m, tile_layer = base_map(bounds, tiles=tiles, tile_attribution=tile_attribution, title=title)
    _add_outline(m, outline)
    date = format_date(plan.date_of(day - 1))
    if share:
        return _shareable(m, tile_layer, outline, routes, title=title, date=date, plan=plan)
    colors: dict[str, str] = {}
    for r in routes:
        colors[r.team.team] = color = _team_color(plan, r)
        _add_route(m, r, color, plan.thana_names_hi)
    legend = _team_legend(colors)
    stops = sum(len(r.stops) for r in routes)
    # TRANSLATORS: the patrol map's subtitle, "day 1 (05-03-2024): 3 team routes, 24 stops".
    line = _("day {day} ({date}): {routes} team routes, {stops} stops").format(
        day=day, date=date, routes=format_int(len(routes)), stops=format_int(stops)
    )
    order = _("numbered in visiting order; arrows show the direction")
    stops_key = LegendSection(_("Stops"), [(STOP_COLOR, order, "circle")], note=_(CONDUCT_NOTE))
    add_controls(
        m,
        tiles=tile_layer,
        outline=outline,
        legend=[legend, stops_key],
        notes=[_("Seed {seed}; travel: {travel}.").format(seed=plan.seed, travel=plan.travel)],
        title=title,
        subtitle=line,
        warning=_("SYNTHETIC demo data") if plan.synthetic else "",
    )
    logger.info("patrol map: %s", line)
    return m
