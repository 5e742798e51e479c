"""Patrol plans from the store's layers: stations, hotspots and sites as stops, then the planner."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo.crs import WGS84, metric_crs_for
from geo.errors import ParameterError
from geo.i18n import _, format_date, hindi_names
from geo.schema import NAME, OCCURRED_AT, STATION_LAT, STATION_LON
from geo.store import Store
from geo.synthetic import is_synthetic
from models import hotspots as hs
from models.checks import check_count, check_days
from models.patrol.dosage import FollowUp
from models.patrol.plan import plan_patrols
from models.patrol.records import MAX_DAYS, PatrolPlan, PlanParams
from models.patrol.stops import hotspot_places, site_places
from models.patrol.teams import TeamSpec, resolve_teams
from models.patrol.travel import (
    RoadGraph,
)
from models.precision import imprecise_note, time_precision
from models.selection import imprecise_location_note, point_incidents

if TYPE_CHECKING:
    from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)

#: Finds a plan's hotspots in the layers read and the plan's metric CRS (None: no hotspots).
HotspotsOf = Callable[["AnalysisInputs", str | None], gpd.GeoDataFrame | None]


def station_points(
    thanas: gpd.GeoDataFrame, *, metric_crs: str | None = None
) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Return each thana's start point (its station, else a point inside it) and notes.

    Parameters
    ----------
    thanas : geopandas.GeoDataFrame
        With ``name`` and optional ``station_lon``/``station_lat``.
    metric_crs : str, optional

    Returns
    -------
    (dict of name → (lon, lat), list of str)
    """
    out: dict[str, tuple[float, float]] = {}
    notes: list[str] = []
    if thanas.empty:
        return out, notes
    layer = thanas.to_crs(WGS84)
    crs = metric_crs_for(layer, metric_crs)
    inside = layer.geometry.to_crs(crs).representative_point().to_crs(WGS84)
    missing: list[str] = []
    for i, (_index, row) in enumerate(layer.iterrows()):
        name = str(row[NAME])
        lon = row.get(STATION_LON)
        lat = row.get(STATION_LAT)
        if lon is not None and lat is not None and pd.notna(lon) and pd.notna(lat):
            out[name] = (float(lon), float(lat))
        else:
            out[name] = (float(inside.iloc[i].x), float(inside.iloc[i].y))
            missing.append(name)
    if missing:
        # TRANSLATORS: {thanas} is a list of thana names.
        text = _(
            "no station coordinates for {thanas}: their teams start at a point inside the thana "
            "(add station_lon/station_lat to the thana layer)"
        )
        notes.append(text.format(thanas=", ".join(missing)))
    return out, notes


def _precision_notes(incidents: gpd.GeoDataFrame, *, with_hotspots: bool) -> list[str]:
    """Return the notes on incidents left out of hotspot stops and of their hour weights."""
    notes: list[str] = []
    # hotspot stops never come from locality or pincode centroids (find_hotspots leaves them out)
    points, left_out = point_incidents(incidents)
    imprecise_place = imprecise_location_note(left_out)
    if imprecise_place is not None:
        notes.append(imprecise_place)
    imprecise = imprecise_note(time_precision(points)) if with_hotspots else None
    if imprecise is not None:  # the hour weights of hotspot stops come from the hour profiles
        notes.append(imprecise)
    return notes


def _first_day(incidents: gpd.GeoDataFrame, notes: list[str]) -> dt.date:
    """Return the day after the latest incident (noted), the default first day of a plan."""
    if not len(incidents):
        raise ParameterError(
            "no start date and no incidents to take it from", fix="give the first day"
        )
    last = pd.Timestamp(incidents[OCCURRED_AT].max())
    start: dt.date = (last + pd.Timedelta(days=1)).date()
    text = _("the plan starts the day after the latest incident ({start})")
    notes.append(text.format(start=format_date(start)))
    return start


def plan_from_layers(
    *,
    incidents: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    cctv: gpd.GeoDataFrame,
    campaigns: gpd.GeoDataFrame,
    thanas: gpd.GeoDataFrame,
    thana: str | None = None,
    days: int = 7,
    seed: int = 0,
    start: dt.date | None = None,
    teams: Sequence[TeamSpec] | None = None,
    teams_per_thana: int = 3,
    params: PlanParams | None = None,
    metric_crs: str | None = None,
    road: RoadGraph | None = None,
    must_visit: Iterable[str] = (),
    follow_up: Mapping[str, FollowUp] | None = None,
    reference_time: pd.Timestamp | str | None = None,
    eps_m: float = hs.DEFAULT_EPS_M,
    min_samples: int = hs.DEFAULT_MIN_SAMPLES,
    hotspots: gpd.GeoDataFrame | None = None,
) -> PatrolPlan:
    """Find hotspots in the store's layers and plan patrols of one thana or all of them.

    Parameters
    ----------
    incidents, sites, cctv, campaigns, thanas : geopandas.GeoDataFrame
        The layers (e.g. of :func:`models.inputs.load_inputs`), not modified. ``incidents``
        are the selected ones.
    thana : str, optional
        Plan only this thana (default: every thana of the layer).
    days, seed : int
    start : datetime.date, optional
        First day; default the day after the latest incident (never the wall clock).
    teams : sequence of TeamSpec, optional
        Default: ``teams_per_thana`` default teams per thana (reported in the notes).
    teams_per_thana : int
    params : PlanParams, optional
    metric_crs : str, optional
    road : RoadGraph, optional
    must_visit : iterable of str
    follow_up : mapping of place id → FollowUp, optional
        Under-served places of the visit log (:func:`models.patrol.dosage.follow_up`).
    reference_time : Timestamp or str, optional
        "Now" of the hotspot analysis.
    eps_m, min_samples : float, int
        DBSCAN parameters of the hotspots.
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output to use instead of finding them again.

    Returns
    -------
    PatrolPlan
        :func:`plan_patrols` of the layers' places; its notes say the defaults taken here.

    Raises
    ------
    geo.errors.ParameterError
        For a thana not in the layer, or the errors of :func:`plan_patrols`.
    """
    if thanas is None or thanas.empty:
        raise ParameterError(
            "patrol planning needs the thana polygons", fix="import them: shakti import thanas FILE"
        )
    names = sorted(thanas[NAME].astype(str))
    if thana is not None and thana not in names:
        raise ParameterError(
            f"thana {thana!r} is not in the store",
            fix="spell it as the thana layer does (see `shakti layers`)",
        )
    planned = [thana] if thana is not None else names
    started = time.perf_counter()
    spots = hotspots
    if spots is None and len(incidents):
        spots = hs.find_hotspots(
            incidents,
            eps_m=eps_m,
            min_samples=min_samples,
            metric_crs=metric_crs,
            sites=sites,
            cctv=cctv,
            campaigns=campaigns,
            thanas=thanas,
            reference_time=reference_time,
        )
    places = (
        hotspot_places(spots, thanas=thanas, metric_crs=metric_crs, only_thanas=planned)
        if spots is not None
        else []
    )
    site_list, notes = site_places(
        sites, thanas, cctv=cctv, hotspots=spots, metric_crs=metric_crs, only_thanas=planned
    )
    places.extend(site_list)
    notes.extend(_precision_notes(incidents, with_hotspots=spots is not None))
    starts, station_notes = station_points(thanas, metric_crs=metric_crs)
    resolved = resolve_teams(planned, teams, per_thana=teams_per_thana)
    if start is None:
        start = _first_day(incidents, notes)
    logger.info(
        "patrol inputs ready in %.2f s: %d places", time.perf_counter() - started, len(places)
    )
    synthetic = is_synthetic(incidents, sites, thanas)
    plan = plan_patrols(
        places,
        resolved,
        starts,
        start=start,
        days=days,
        seed=seed,
        params=params,
        metric_crs=metric_crs,
        road=road,
        must_visit=must_visit,
        notes=[*notes, *station_notes],
        synthetic=synthetic,
        follow_up=follow_up,
    )
    return replace(plan, thana_names_hi=hindi_names(thanas))


def load_road(path: Path | str | None, metric_crs: str) -> RoadGraph | None:
    """Return the road graph of a local OSM/GraphML file, or ``None`` without a path."""
    if path is None:
        return None
    from models.patrol.travel import load_road_graph

    return load_road_graph(path, metric_crs=metric_crs)


def plan_from_store(
    store: Store,
    *,
    timezone: str,
    metric_crs: str | None = None,
    thana: str | None = None,
    days: int = 7,
    seed: int = 0,
    start: dt.date | None = None,
    teams: Sequence[TeamSpec] | None = None,
    params: PlanParams | None = None,
    road_graph: Path | str | None = None,
    must_visit: Iterable[str] = (),
    follow_up: Mapping[str, FollowUp] | None = None,
    hotspots_of: HotspotsOf | None = None,
) -> PatrolPlan:
    """Read a store and plan patrols, with hotspots from all its incidents.

    Hotspots are found over every thana so that one crossing into a planned thana is seen
    whole. The CLI and service use case (:func:`api.usecases.patrol.plan_patrols`) plans
    through here, choosing its hotspots with ``hotspots_of``.

    Parameters
    ----------
    store : geo.store.Store
    timezone : str
        ``SHAKTI_TIMEZONE``.
    metric_crs : str, optional
        ``SHAKTI_METRIC_CRS``.
    thana, days, seed, start, teams, params, must_visit, follow_up
        As for :func:`plan_from_layers`.
    road_graph : Path or str, optional
        A local OpenStreetMap extract or osmnx GraphML file (needs osmnx).
    hotspots_of : callable, optional
        Called with the layers read and the plan's metric CRS, returns the hotspots to plan
        from (None: none). Default: :func:`models.hotspots.find_hotspots` of all incidents with
        the default parameters.

    Returns
    -------
    PatrolPlan
    """
    from models.inputs import load_inputs

    check_days(days, "days", high=MAX_DAYS)
    check_count(seed, "seed", low=0)
    data = load_inputs(store, timezone=timezone, require_incidents=False)
    crs = metric_crs
    if crs is None and not data.thanas.empty:
        crs = metric_crs_for(data.thanas).to_string()
    spots = None if hotspots_of is None else hotspots_of(data, crs)
    road = load_road(road_graph, crs) if road_graph is not None and crs is not None else None
    return plan_from_layers(
        incidents=data.incidents,
        sites=data.sites,
        cctv=data.cctv,
        campaigns=data.campaigns,
        thanas=data.thanas,
        thana=thana,
        days=days,
        seed=seed,
        start=start,
        teams=teams,
        params=params,
        metric_crs=crs,
        road=road,
        must_visit=must_visit,
        follow_up=follow_up,
        hotspots=spots,
    )
