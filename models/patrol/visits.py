"""Visits of a plan's stops: the stops a visit log is checked against, and GPS tracks as visits.

A visit row names its stop by team, day and number (:mod:`geo.ingest.visit_rules`); this
module gives those stops for a :class:`~models.patrol.records.PatrolPlan` or its JSON, and
turns a team's GPS track into one visit row per planned stop: the team was at a stop while
the track stays within ``radius_m`` of it; a stay of at least ``min_dwell_min`` minutes is a
visit (``cut-short`` when shorter than the planned dwell), no such stay a missed stop.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84, metric_coordinates
from geo.errors import ParameterError
from geo.ingest.gpx_track import TIME
from geo.ingest.visit_rules import PlannedStop, PlanStops
from geo.schema import (
    ARRIVED,
    DAY,
    LEFT,
    PLAN_ID,
    SEEN_CATEGORY,
    SEEN_NONE,
    STATUS,
    STOP,
    TEAM,
    VISIT_CUT_SHORT,
    VISIT_MISSED,
    VISIT_VISITED,
)
from models.checks import check_metres
from models.patrol.records import DATE, DWELL_MIN, LAT, LON, ORDER, PLACE_ID, PatrolPlan

logger = logging.getLogger(__name__)

#: A track point within this many metres of a stop counts as the team being there.
DEFAULT_RADIUS_M: Final = 75.0
#: A stay at a stop shorter than this (minutes) is passing by, not a visit.
DEFAULT_MIN_DWELL_MIN: Final = 3.0
#: A track without a point for this many minutes has a hole: a stay ends there.
MAX_GAP_MIN: Final = 10.0
#: Columns of :func:`track_visits` (the visit layer's fields, as text like a spreadsheet).
TRACK_VISIT_COLUMNS: Final = (PLAN_ID, TEAM, DAY, STOP, ARRIVED, LEFT, STATUS, SEEN_CATEGORY)


def plan_stops(plan: PatrolPlan, plan_id: str) -> PlanStops:
    """Return the stops of a plan by team, date and number (what visit rows are checked against).

    Parameters
    ----------
    plan : PatrolPlan
    plan_id : str

    Returns
    -------
    geo.ingest.visit_rules.PlanStops
    """
    stops = {
        (route.team.team, route.date, stop.order): PlannedStop(
            stop.place.lon, stop.place.lat, stop.place.place_id, stop.dwell_min
        )
        for route in plan.routes
        for stop in route.stops
    }
    return PlanStops(plan_id, stops)


def plan_stops_from_json(data: Mapping[str, Any], plan_id: str | None = None) -> PlanStops:
    """Return the stops of a plan from its JSON (``GET /patrol/plans/{id}``, ``plan.json``).

    Parameters
    ----------
    data : Mapping
        The plan JSON (:func:`models.patrol.export.plan_dict`), with ``id`` when made by the
        service.
    plan_id : str, optional
        Default: the JSON's ``id``.

    Returns
    -------
    geo.ingest.visit_rules.PlanStops

    Raises
    ------
    geo.errors.ParameterError
        When the JSON has no routes or no id and none is given.
    """
    ident = plan_id or data.get("id")
    routes = data.get("routes")
    if not ident or not isinstance(routes, list):
        raise ParameterError(
            "the plan JSON has no id or no routes",
            why="visits are checked against the stops of one plan",
            fix="use the JSON of GET /patrol/plans/{id}, or give --plan with plan.json",
        )
    stops: dict[tuple[str, dt.date, int], PlannedStop] = {}
    for route in routes:
        for stop in route.get("stops", []):
            key = (str(stop[TEAM]), dt.date.fromisoformat(str(stop[DATE])), int(stop[ORDER]))
            stops[key] = PlannedStop(
                float(stop[LON]), float(stop[LAT]), str(stop[PLACE_ID]), int(stop[DWELL_MIN])
            )
    return PlanStops(str(ident), stops)


def _stays(inside: np.ndarray, gap: np.ndarray) -> list[tuple[int, int]]:
    """Return the runs of consecutive ``True`` as (first, last) index pairs.

    A run also ends where the track has a hole (``gap[i]``: no point for
    :data:`MAX_GAP_MIN` before point ``i``): the team may have left and come back.
    """
    edges = np.diff(np.concatenate([[0], inside.astype(np.int8), [0]]))
    starts = set(np.flatnonzero(edges == 1).tolist())
    ends = set((np.flatnonzero(edges == -1) - 1).tolist())
    holes = np.flatnonzero(gap & inside & np.roll(inside, 1))
    starts |= set(holes.tolist())
    ends |= set((holes - 1).tolist())
    return list(zip(sorted(starts), sorted(ends), strict=True))


def _best_stay(
    times: pd.Series, inside: np.ndarray
) -> tuple[pd.Timestamp, pd.Timestamp, float] | None:
    """Return the longest stay (arrived, left, minutes) of a track at one stop, if any."""
    best = None
    steps = times.diff().dt.total_seconds().div(60).fillna(0).to_numpy()
    for first, last in _stays(inside, steps > MAX_GAP_MIN):
        minutes = (times.iloc[last] - times.iloc[first]).total_seconds() / 60
        if best is None or minutes > best[2]:
            best = (times.iloc[first], times.iloc[last], minutes)
    return best


def track_visits(
    track: gpd.GeoDataFrame,
    stops: PlanStops,
    team: str,
    day: dt.date,
    *,
    radius_m: float = DEFAULT_RADIUS_M,
    min_dwell_min: float = DEFAULT_MIN_DWELL_MIN,
    metric_crs: str | None = None,
) -> pd.DataFrame:
    """Return one visit row per stop of a team's day from its GPS track.

    Stops are matched in route order: a stop is visited when the track, after the previous
    visited stop, stays within ``radius_m`` of it for at least ``min_dwell_min`` minutes
    (the longest such stay gives ``arrived`` and ``left``; a place visited twice a day is
    matched to two different stays); ``cut-short`` when that stay is shorter than the
    stop's planned dwell; ``missed`` without one.

    Parameters
    ----------
    track : geopandas.GeoDataFrame
        Track points with a tz-aware ``time`` column, any CRS.
    stops : PlanStops
        The plan's stops (:func:`plan_stops`).
    team : str
    day : datetime.date
    radius_m : float
    min_dwell_min : float
    metric_crs : str, optional

    Returns
    -------
    pandas.DataFrame
        :data:`TRACK_VISIT_COLUMNS`, values as text (ISO dates and times), ready for the
        visit layer's validation; empty when the team has no stop that day.
    """
    radius_m = check_metres(radius_m, "radius_m", high=1000.0)
    day_stops = sorted((k[2], s) for k, s in stops.stops.items() if k[0] == team and k[1] == day)
    if not day_stops:
        return pd.DataFrame(columns=list(TRACK_VISIT_COLUMNS), dtype="object")
    track = track.sort_values(TIME, kind="stable").reset_index(drop=True)
    xy, crs = metric_coordinates(track, metric_crs, what="track")
    points = gpd.GeoSeries(
        gpd.points_from_xy([s.lon for _n, s in day_stops], [s.lat for _n, s in day_stops]),
        crs=WGS84,
    )
    sxy, _crs = metric_coordinates(points, crs.to_string(), what="stops")
    rows = []
    times = track[TIME]
    after = np.ones(len(track), dtype=bool)  # the points after the last stay matched
    for (number, stop), point in zip(day_stops, sxy, strict=True):
        inside = (np.hypot(*(xy - point).T) <= radius_m) & after
        stay = _best_stay(times, inside)
        row: dict[str, str | None] = {
            PLAN_ID: stops.plan_id,
            TEAM: team,
            DAY: day.isoformat(),
            STOP: str(number),
        }
        row |= {SEEN_CATEGORY: SEEN_NONE, ARRIVED: None, LEFT: None}
        if stay is None or stay[2] < min_dwell_min:
            row[STATUS] = VISIT_MISSED
        else:
            row[STATUS] = VISIT_VISITED if stay[2] >= stop.dwell_min else VISIT_CUT_SHORT
            row[ARRIVED] = stay[0].isoformat(timespec="minutes")
            row[LEFT] = stay[1].isoformat(timespec="minutes")
            after = (times > stay[1]).to_numpy()
        rows.append(row)
    logger.info(
        "track of %s on %s: %d of %d stops visited",
        team,
        day,
        sum(r[STATUS] != VISIT_MISSED for r in rows),
        len(rows),
    )
    return pd.DataFrame(rows, columns=list(TRACK_VISIT_COLUMNS), dtype="object")
