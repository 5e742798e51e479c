"""Patrol plan outputs: stop table, coverage, visit shares, uncovered places, routes, JSON."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.csv_safe import write_csv
from models.patrol.records import (
    ARRIVE,
    ARRIVE_LATEST,
    CONDUCT_EN,
    CONDUCT_HI,
    COVERAGE_COLUMNS,
    DATE,
    DAY,
    DWELL_MIN,
    HOTSPOT_SHARE,
    HOTSPOTS_TOTAL,
    HOTSPOTS_VISITED,
    LAT,
    LEAVE,
    LEVEL,
    LEVEL_ALL,
    LEVEL_TEAM,
    LEVEL_THANA,
    LON,
    MODE,
    MUST_VISIT,
    ORDER,
    PLACE_ID,
    PLACE_KIND,
    PLACE_NAME,
    PLACES_TOTAL,
    PLACES_VISITED,
    REASON,
    RISK,
    RISK_SHARE,
    SHIFT,
    STOP_COLUMNS,
    STOPS,
    TEAM,
    THANA,
    TRAVEL_MIN,
    WINDOW,
    PatrolPlan,
    Route,
)
from models.patrol.routing import solver_name
from models.patrol.stops import PLACE_HOTSPOT, Place
from models.patrol.teams import clock

logger = logging.getLogger(__name__)

#: Columns of :func:`visit_shares`.
VISITS: Final = "visits"
VISIT_SHARE: Final = "visit_share"
RISK_SHARE_OF_THANA: Final = "risk_share_of_thana"
VISIT_COLUMNS: Final = (THANA, PLACE_ID, PLACE_KIND, PLACE_NAME, RISK, RISK_SHARE_OF_THANA,
                        VISITS, VISIT_SHARE)  # fmt: skip
#: Columns of :func:`uncovered_table`.
UNCOVERED_COLUMNS: Final = (DAY, DATE, THANA, PLACE_ID, PLACE_KIND, PLACE_NAME, RISK, REASON)
#: Properties of the route features of :func:`routes_frame`.
FEATURE: Final = "feature"
FEATURE_ROUTE: Final = "route"
FEATURE_STOP: Final = "stop"
DISTANCE_KM: Final = "distance_km"
START: Final = "start"
BACK: Final = "back"
#: ``day`` value of whole-plan rows of the coverage and uncovered tables.
ALL_DAYS: Final = "all"
#: File names written by :func:`write_plan`.
PLAN_JSON: Final = "plan.json"
STOPS_CSV: Final = "stops.csv"
COVERAGE_CSV: Final = "coverage.csv"
VISITS_CSV: Final = "visits.csv"
UNCOVERED_CSV: Final = "uncovered.csv"
ROUTES_GEOJSON: Final = "routes.geojson"


def _route_key(route: Route) -> dict[str, Any]:
    """Return the day, date, thana, team, shift and mode of a route (the leading row fields)."""
    return {
        DAY: route.day + 1,
        DATE: route.date.isoformat(),
        THANA: route.team.thana,
        TEAM: route.team.team,
        SHIFT: route.team.shift_label,
        MODE: route.team.mode,
    }


def stop_rows(route: Route) -> list[dict[str, Any]]:
    """Return the stop-table rows of one route (see :data:`models.patrol.STOP_COLUMNS`)."""
    rows = []
    for s in route.stops:
        rows.append(
            {
                **_route_key(route),
                ORDER: s.order,
                PLACE_ID: s.place.place_id,
                PLACE_KIND: s.place.kind,
                PLACE_NAME: s.place.name,
                LON: round(s.place.lon, 6),
                LAT: round(s.place.lat, 6),
                ARRIVE: clock(s.arrive_min),
                ARRIVE_LATEST: clock(s.arrive_latest_min),
                LEAVE: clock(s.leave_min),
                DWELL_MIN: s.dwell_min,
                TRAVEL_MIN: s.travel_min,
                WINDOW: f"{clock(s.window.start_min)}–{clock(s.window.end_min)} ({s.window.label})",
                RISK: round(s.place.risk, 3),
                MUST_VISIT: s.must_visit,
                REASON: s.reason,
            }
        )
    return rows


def stops_table(plan: PatrolPlan) -> pd.DataFrame:
    """Return one row per stop of every team and day, columns :data:`STOP_COLUMNS`."""
    rows = [row for route in plan.routes for row in stop_rows(route)]
    return pd.DataFrame(rows, columns=list(STOP_COLUMNS))


def _coverage_row(
    level: str,
    day: int | str,
    date: str,
    thana: str,
    team: str,
    stops: int,
    visited: set[str],
    candidates: Sequence[Place],
) -> dict[str, Any]:
    total = sum(p.risk for p in candidates)
    covered = sum(p.risk for p in candidates if p.place_id in visited)
    spots = {p.hotspot_id for p in candidates if p.kind == PLACE_HOTSPOT}
    seen = {p.hotspot_id for p in candidates if p.kind == PLACE_HOTSPOT and p.place_id in visited}
    return {
        LEVEL: level,
        DAY: day,
        DATE: date,
        THANA: thana,
        TEAM: team,
        STOPS: stops,
        PLACES_VISITED: sum(p.place_id in visited for p in candidates),
        PLACES_TOTAL: len(candidates),
        RISK_SHARE: round(covered / total, 4) if total > 0 else math.nan,
        HOTSPOTS_VISITED: len(seen),
        HOTSPOTS_TOTAL: len(spots),
        HOTSPOT_SHARE: round(len(seen) / len(spots), 4) if spots else math.nan,
    }


def _active(places: Iterable[Place], weekday: int) -> list[Place]:
    return [p for p in places if p.weekday_weights[weekday] > 0]


def coverage_table(plan: PatrolPlan) -> pd.DataFrame:
    """Return coverage per team, per thana and overall, per day and for the whole plan.

    Risk share: the summed risk of the distinct places visited ÷ that of every place the
    thana's (or all) teams could visit that day (sites closed that day do not count). Hotspot
    share: distinct hotspots visited (any part) ÷ hotspots. Whole-plan rows (``day`` =
    :data:`ALL_DAYS`) count a place as covered when visited on any day.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`models.patrol.COVERAGE_COLUMNS`.
    """
    rows: list[dict[str, Any]] = []
    thanas = plan.thanas
    by_thana = {t: [p for p in plan.places if p.thana == t] for t in thanas}
    ever: dict[str, set[str]] = {t: set() for t in thanas}
    for day in range(plan.days):
        date = plan.date_of(day)
        weekday = date.weekday()
        everyone: set[str] = set()
        all_stops = 0
        for thana in thanas:
            candidates = _active(by_thana[thana], weekday)
            union: set[str] = set()
            n_stops = 0
            for route in (r for r in plan.routes if r.day == day and r.team.thana == thana):
                visited = {s.place.place_id for s in route.stops}
                rows.append(
                    _coverage_row(
                        LEVEL_TEAM,
                        day + 1,
                        date.isoformat(),
                        thana,
                        route.team.team,
                        len(route.stops),
                        visited,
                        candidates,
                    )
                )
                union |= visited
                n_stops += len(route.stops)
            rows.append(
                _coverage_row(
                    LEVEL_THANA, day + 1, date.isoformat(), thana, "", n_stops, union, candidates
                )
            )
            ever[thana] |= union
            everyone |= union
            all_stops += n_stops
        rows.append(
            _coverage_row(
                LEVEL_ALL,
                day + 1,
                date.isoformat(),
                "",
                "",
                all_stops,
                everyone,
                _active(plan.places, weekday),
            )
        )
    total_stops = sum(len(r.stops) for r in plan.routes)
    for thana in thanas:
        n = sum(len(r.stops) for r in plan.routes if r.team.thana == thana)
        rows.append(
            _coverage_row(LEVEL_THANA, ALL_DAYS, "", thana, "", n, ever[thana], by_thana[thana])
        )
    union_all = set().union(*ever.values()) if ever else set()
    rows.append(_coverage_row(LEVEL_ALL, ALL_DAYS, "", "", "", total_stops, union_all, plan.places))
    return pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))


def visit_shares(plan: PatrolPlan) -> pd.DataFrame:
    """Return visits per place over the plan next to its share of its thana's risk.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`VISIT_COLUMNS`: ``visit_share`` is the place's share of its thana's
        visits, ``risk_share_of_thana`` its share of the thana's risk (the target).
    """
    counts: dict[str, int] = {}
    for route in plan.routes:
        for s in route.stops:
            counts[s.place.place_id] = counts.get(s.place.place_id, 0) + 1
    rows = []
    for thana in plan.thanas:
        own = [p for p in plan.places if p.thana == thana]
        risk_total = sum(p.risk for p in own)
        visit_total = sum(counts.get(p.place_id, 0) for p in own)
        for p in own:
            n = counts.get(p.place_id, 0)
            rows.append(
                {
                    THANA: thana,
                    PLACE_ID: p.place_id,
                    PLACE_KIND: p.kind,
                    PLACE_NAME: p.name,
                    RISK: round(p.risk, 4),
                    RISK_SHARE_OF_THANA: p.risk / risk_total if risk_total else math.nan,
                    VISITS: n,
                    VISIT_SHARE: n / visit_total if visit_total else 0.0,
                }
            )
    return pd.DataFrame(rows, columns=list(VISIT_COLUMNS))


def uncovered_table(plan: PatrolPlan) -> pd.DataFrame:
    """Return the places not visited per day and over the whole plan, with the reason."""
    rows = []
    for u in plan.uncovered:
        rows.append(
            {
                DAY: ALL_DAYS if u.day is None else u.day + 1,
                DATE: "" if u.day is None else plan.date_of(u.day).isoformat(),
                THANA: u.place.thana,
                PLACE_ID: u.place.place_id,
                PLACE_KIND: u.place.kind,
                PLACE_NAME: u.place.name,
                RISK: round(u.place.risk, 3),
                REASON: u.reason,
            }
        )
    return pd.DataFrame(rows, columns=list(UNCOVERED_COLUMNS))


def routes_frame(plan: PatrolPlan) -> gpd.GeoDataFrame:
    """Return the routes (LineStrings, start → stops → start) and stops (Points), EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        ``feature`` is :data:`FEATURE_ROUTE` or :data:`FEATURE_STOP`; routes carry day, date,
        thana, team, shift, mode, stops, distance_km, start and back; stops the stop columns.
    """
    records: list[dict[str, Any]] = []
    geoms: list[Any] = []
    for route in plan.routes:
        coords = list(route.path)
        if len(coords) < 2:
            start = (route.team.start_lon or 0.0, route.team.start_lat or 0.0)
            coords = [start, start]
        records.append(
            {
                FEATURE: FEATURE_ROUTE,
                **_route_key(route),
                STOPS: len(route.stops),
                DISTANCE_KM: route.distance_km,
                START: clock(route.team.shift_start_min),
                BACK: clock(route.back_min),
            }
        )
        geoms.append(shapely.linestrings(np.round(np.asarray(coords, dtype=np.float64), 6)))
        for row in stop_rows(route):
            records.append({FEATURE: FEATURE_STOP, **row})
            geoms.append(shapely.Point(row[LON], row[LAT]))
    return gpd.GeoDataFrame(records, geometry=geoms, crs=WGS84)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _jsonable(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = _jsonable(frame.astype(object).to_dict(orient="records"))
    return out


def summary(plan: PatrolPlan) -> dict[str, Any]:
    """Return the headline numbers of a plan (for ``--json`` and the API)."""
    cov = coverage_table(plan)
    whole = cov[(cov[LEVEL] == LEVEL_ALL) & (cov[DAY] == ALL_DAYS)].iloc[0]
    daily = cov[(cov[LEVEL] == LEVEL_ALL) & (cov[DAY] != ALL_DAYS)]
    out: dict[str, Any] = _jsonable(
        {
            "start": plan.start.isoformat(),
            "days": plan.days,
            "seed": plan.seed,
            "thanas": len(plan.thanas),
            "teams": len(plan.teams.teams),
            "places": len(plan.places),
            "hotspots": len({p.hotspot_id for p in plan.places if p.kind == PLACE_HOTSPOT}),
            "stops": int(sum(len(r.stops) for r in plan.routes)),
            "risk_share_per_day": round(float(daily[RISK_SHARE].mean()), 4) if len(daily) else None,
            "hotspot_share_per_day": (
                round(float(daily[HOTSPOT_SHARE].mean()), 4) if len(daily) else None
            ),
            "risk_share_all_days": whole[RISK_SHARE],
            "hotspot_share_all_days": whole[HOTSPOT_SHARE],
            "never_visited": sum(u.day is None for u in plan.uncovered),
            "solve_seconds": round(sum(s["seconds"] for s in plan.solve), 3),
            "synthetic": plan.synthetic,
        }
    )
    return out


def plan_dict(plan: PatrolPlan) -> dict[str, Any]:
    """Return the whole plan as JSON-ready data (no person-level data: places are aggregates).

    Returns
    -------
    dict
        ``meta`` (dates, seed, parameters, travel model, notes, conduct guidance), ``teams``,
        ``routes`` (with their stops and reasons), ``coverage``, ``visits``, ``uncovered`` and
        ``solve`` (per thana and day: slots, status, seconds).
    """
    routes = []
    for route in plan.routes:
        routes.append(
            {
                **_route_key(route),
                DISTANCE_KM: route.distance_km,
                BACK: clock(route.back_min),
                STOPS: stop_rows(route),
            }
        )
    params = asdict(plan.params)
    data: dict[str, Any] = _jsonable(
        {
            "meta": {
                **summary(plan),
                "params": params,
                "travel": plan.travel,
                "solver": solver_name(plan.params.solution_limit),
                "notes": plan.notes,
                "conduct": {"en": CONDUCT_EN, "hi": CONDUCT_HI},
            },
            "teams": [
                {
                    THANA: t.thana,
                    TEAM: t.team,
                    SHIFT: t.shift_label,
                    MODE: t.mode,
                    "speed_kmh": t.speed_kmh,
                }
                for t in plan.teams.teams
            ],
            "routes": routes,
            "coverage": _records(coverage_table(plan)),
            "visits": _records(visit_shares(plan)),
            "uncovered": _records(uncovered_table(plan)),
            "solve": plan.solve,
        }
    )
    return data


def write_plan(plan: PatrolPlan, folder: Path) -> dict[str, Path]:
    """Write the plan's JSON, CSV tables (spreadsheet-safe) and GeoJSON routes into ``folder``.

    Parameters
    ----------
    plan : PatrolPlan
    folder : Path
        Created when missing.

    Returns
    -------
    dict of str → Path
        The files written, by kind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        "json": folder / PLAN_JSON,
        "stops": folder / STOPS_CSV,
        "coverage": folder / COVERAGE_CSV,
        "visits": folder / VISITS_CSV,
        "uncovered": folder / UNCOVERED_CSV,
        "routes": folder / ROUTES_GEOJSON,
    }
    written["json"].write_text(
        json.dumps(plan_dict(plan), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    write_csv(stops_table(plan), written["stops"])
    write_csv(coverage_table(plan), written["coverage"])
    write_csv(visit_shares(plan), written["visits"])
    write_csv(uncovered_table(plan), written["uncovered"])
    written["routes"].write_text(routes_frame(plan).to_json(drop_id=True), encoding="utf-8")
    logger.info("patrol plan written to %s", folder)
    return written
