"""Patrol plans: day-by-day routes per team that cover the most risk, fairly, with reasons."""

# How a plan is made
# ------------------
# 1. Places: hotspots (their part in each thana they cross) and timed sensitive sites
#    (models.patrol.stops), each with a risk in [0, 1] and time windows.
# 2. Per thana and day, every place gets one *slot* per window (hotspots: each hour of the
#    thana's shifts, weighted by the hour profile; sites: dispersal and opening times). A slot's
#    prize is risk × window weight × weekday weight × a seeded random factor × a fairness
#    factor. Slots no team can reach in time are dropped (and reported).
# 3. models.patrol.routing solves the team orienteering problem with time windows (OR-Tools).
# 4. The fairness factor of the next day raises places visited less than their share of the
#    risk and lowers those visited more (deficit correction), so that over the week visits
#    follow risk while the random factor keeps routes from repeating.

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from geo.crs import WGS84, metric_crs_for, metric_crs_for_lonlat
from geo.errors import ParameterError
from geo.schema import ID, NAME, OCCURRED_AT, STATION_LAT, STATION_LON, SYNTHETIC
from geo.store import Store
from models import hotspots as hs
from models.patrol.routing import (
    DEFAULT_SOLUTION_LIMIT,
    DEFAULT_TIME_LIMIT_S,
    NO_SOLUTION,
    RoutingProblem,
    RoutingSolution,
    latest_arrivals,
    solve_routing,
)
from models.patrol.stops import PLACE_HOTSPOT, Place, Window, hotspot_places, site_places
from models.patrol.teams import Teams, TeamSpec, resolve_teams, with_start
from models.patrol.travel import (
    DEFAULT_DETOUR_FACTOR,
    Distances,
    RoadGraph,
    road_distances,
    straight_distances,
    travel_seconds,
)

logger = logging.getLogger(__name__)

#: Default dwell at a stop, minutes: 10 at the lowest risk to 15 at the highest. Koper (1995):
#: police presence of about 10–15 minutes gives the longest residual deterrence.
DEFAULT_DWELL_MIN: Final = (10, 15)
#: Default minimum time between two visits to the same place, minutes (any teams).
DEFAULT_REVISIT_MIN: Final = 120
#: Spread (σ of a log-normal factor) of the day-to-day random variation of prizes.
DEFAULT_VARIATION: Final = 0.3
#: Strength of the deficit correction (0: none).
DEFAULT_FAIRNESS: Final = 1.0
#: The fairness factor stays within these bounds.
FAIRNESS_BOUNDS: Final = (0.25, 4.0)
#: Prize units per unit of risk: prizes dominate travel seconds in the objective.
PRIZE_SCALE: Final = 100_000
#: Ids of the demo generator's records start with this (its data is SYNTHETIC).
DEMO_ID_PREFIX: Final = "DEMO-"
#: Most days a plan may span.
MAX_DAYS: Final = 31
#: Most candidate stops (a place in one arrival window) one thana-day is planned over; the
#: most valuable are kept, must-visit places always. A team makes at most ~16 stops in a
#: 6-hour shift (10-15 min dwell plus travel), so 12 teams visit ~200 a day: 400 candidates
#: leave the solver a wide choice. Building the routing model grows with the square of the
#: candidates times the teams (3,435 candidates × 12 teams: ~15 s before any search), so a
#: store with thousands of timed sites in one thana cannot stall a plan.
MAX_SLOTS: Final = 400

#: Columns of :func:`stops_table` (one row per stop of a team on a day).
DAY: Final = "day"
DATE: Final = "date"
THANA: Final = "thana"
TEAM: Final = "team"
SHIFT: Final = "shift"
MODE: Final = "mode"
ORDER: Final = "order"
PLACE_ID: Final = "place_id"
PLACE_KIND: Final = "place_kind"
PLACE_NAME: Final = "place_name"
LON: Final = "lon"
LAT: Final = "lat"
ARRIVE: Final = "arrive"
ARRIVE_LATEST: Final = "arrive_latest"
LEAVE: Final = "leave"
DWELL_MIN: Final = "dwell_min"
TRAVEL_MIN: Final = "travel_min"
WINDOW: Final = "window"
RISK: Final = "risk"
REASON: Final = "reason"
MUST_VISIT: Final = "must_visit"
STOP_COLUMNS: Final = (
    DAY, DATE, THANA, TEAM, SHIFT, MODE, ORDER, PLACE_ID, PLACE_KIND, PLACE_NAME, LON, LAT,
    ARRIVE, ARRIVE_LATEST, LEAVE, DWELL_MIN, TRAVEL_MIN, WINDOW, RISK, MUST_VISIT, REASON,
)  # fmt: skip
#: Columns of :func:`coverage_table`.
LEVEL: Final = "level"
RISK_SHARE: Final = "risk_share"
HOTSPOTS_VISITED: Final = "hotspots_visited"
HOTSPOTS_TOTAL: Final = "hotspots_total"
HOTSPOT_SHARE: Final = "hotspot_share"
PLACES_VISITED: Final = "places_visited"
PLACES_TOTAL: Final = "places_total"
STOPS: Final = "stops"
COVERAGE_COLUMNS: Final = (
    LEVEL, DAY, DATE, THANA, TEAM, STOPS, PLACES_VISITED, PLACES_TOTAL, RISK_SHARE,
    HOTSPOTS_VISITED, HOTSPOTS_TOTAL, HOTSPOT_SHARE,
)  # fmt: skip
#: Coverage levels.
LEVEL_TEAM: Final = "team"
LEVEL_THANA: Final = "thana"
LEVEL_ALL: Final = "all"

#: The conduct guidance printed on every sheet (English, Hindi).
CONDUCT_EN: Final = (
    "Teams are here to protect places and people at risk. Be visible, approachable and "
    "polite. Do not harass, question, photograph or detain couples, or anyone, for being "
    "together; do not act as moral police. Act on complaints and on offences (stalking, "
    "harassment, eve-teasing) under the law; treat every woman who complains with dignity "
    "and keep her identity private. Tell people about Women Power Line 1090 and 112."
)
CONDUCT_HI: Final = (
    "टीमें जोखिम वाले स्थानों और लोगों की सुरक्षा के लिए हैं। दिखाई दें, सुलभ और विनम्र रहें। "
    "साथ बैठे जोड़ों या किसी को भी साथ होने के कारण परेशान न करें, पूछताछ न करें, फ़ोटो न "
    "लें और न रोकें; नैतिक पुलिस की तरह व्यवहार न करें। शिकायतों और अपराधों (पीछा करना, "
    "उत्पीड़न, छेड़छाड़) पर क़ानून के अनुसार कार्रवाई करें; शिकायत करने वाली हर महिला का "
    "सम्मान करें और उसकी पहचान गोपनीय रखें। लोगों को वीमेन पावर लाइन 1090 और 112 के बारे "
    "में बताएँ।"
)


@dataclass(frozen=True)
class PlanParams:
    """Parameters of a patrol plan.

    Attributes
    ----------
    dwell_min : (int, int)
        Dwell at the lowest- and highest-risk stop; in between in proportion to risk.
    revisit_min : int
        Minimum minutes between two visits to one place.
    detour_factor : float
        Road ÷ straight-line distance without a road graph.
    variation : float
        σ of the log-normal day-to-day prize variation (0: the same plan every day).
    fairness : float
        Strength of the deficit correction that keeps visits proportional to risk.
    solution_limit : int
        0: greedy descent (fast); more: guided local search for that many solutions.
    time_limit_s : float
        Safety limit of one solve.
    """

    dwell_min: tuple[int, int] = DEFAULT_DWELL_MIN
    revisit_min: int = DEFAULT_REVISIT_MIN
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    variation: float = DEFAULT_VARIATION
    fairness: float = DEFAULT_FAIRNESS
    solution_limit: int = DEFAULT_SOLUTION_LIMIT
    time_limit_s: float = DEFAULT_TIME_LIMIT_S

    def check(self) -> PlanParams:
        """Return the parameters after checking them.

        Raises
        ------
        geo.errors.ParameterError
        """
        lo, hi = self.dwell_min
        if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi <= 120):
            raise ParameterError(
                f"dwell_min must be two whole minutes 1 ≤ low ≤ high ≤ 120, got {self.dwell_min!r}",
                why="a team stays at each stop between these (more at riskier stops)",
                fix="use (10, 15): Koper's 10–15 minutes of presence",
            )
        if not isinstance(self.revisit_min, int) or not 0 <= self.revisit_min <= 24 * 60:
            raise ParameterError(
                f"revisit_min must be whole minutes in [0, 1440], got {self.revisit_min!r}",
                fix=f"use {DEFAULT_REVISIT_MIN}",
            )
        if not (math.isfinite(self.variation) and 0 <= self.variation <= 2):
            raise ParameterError(
                f"variation must be in [0, 2], got {self.variation!r}",
                fix=f"use {DEFAULT_VARIATION} (0 repeats the same plan every day)",
            )
        if not (math.isfinite(self.fairness) and 0 <= self.fairness <= 10):
            raise ParameterError(
                f"fairness must be in [0, 10], got {self.fairness!r}", fix=f"use {DEFAULT_FAIRNESS}"
            )
        if not isinstance(self.solution_limit, int) or self.solution_limit < 0:
            raise ParameterError(
                f"solution_limit must be a whole number ≥ 0, got {self.solution_limit!r}",
                fix="use 0 (greedy descent) or e.g. 100 (guided local search)",
            )
        if not self.time_limit_s > 0:
            raise ParameterError("time_limit_s must be positive", fix="use 20")
        return self

    def dwell_of(self, risk: float) -> int:
        """Return the dwell in whole minutes at a stop of this risk."""
        lo, hi = self.dwell_min
        return round(lo + (hi - lo) * min(max(risk, 0.0), 1.0))


@dataclass(frozen=True)
class Stop:
    """One stop of a team's route.

    Attributes
    ----------
    order : int
        1, 2, … along the route.
    place : Place
    arrive_min, arrive_latest_min, leave_min : int
        Planned arrival, the latest arrival that keeps the rest of the route on time, and
        departure (minutes after local midnight).
    dwell_min, travel_min : int
        Minutes at the stop; minutes of travel from the previous stop.
    window : Window
        The time window of the visit.
    prize : float
        Risk value of the visit that day (risk × weights × day factors).
    must_visit : bool
    reason : str
    """

    order: int
    place: Place
    arrive_min: int
    arrive_latest_min: int
    leave_min: int
    dwell_min: int
    travel_min: int
    window: Window
    prize: float
    must_visit: bool
    reason: str


@dataclass(frozen=True)
class Route:
    """A team's route on one day.

    Attributes
    ----------
    day : int
        0-based day of the plan.
    date : datetime.date
    team : TeamSpec
        With its start point.
    stops : tuple of Stop
    back_min : int
        When the team is back at its start.
    distance_km : float
    path : tuple of (lon, lat)
        Start → stops → start, on roads when a road graph was given.
    """

    day: int
    date: dt.date
    team: TeamSpec
    stops: tuple[Stop, ...]
    back_min: int
    distance_km: float
    path: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Uncovered:
    """A place no team visited on a day (or in the whole plan), and why.

    Attributes
    ----------
    day : int or None
        ``None`` for the whole plan.
    place : Place
    reason : str
    """

    day: int | None
    place: Place
    reason: str


@dataclass
class PatrolPlan:
    """A patrol plan: routes per team and day, coverage, what was not covered, and notes.

    Attributes
    ----------
    start : datetime.date
    days : int
    seed : int
    params : PlanParams
    teams : Teams
    places : list of Place
    routes : list of Route
    uncovered : list of Uncovered
    notes : list of str
        Defaults used and assumptions.
    travel : str
        How travel times were computed.
    solve : list of dict
        Per thana and day: status, seconds, slots.
    synthetic : bool
        Whether the inputs are the SYNTHETIC demo data.
    """

    start: dt.date
    days: int
    seed: int
    params: PlanParams
    teams: Teams
    places: list[Place]
    routes: list[Route]
    uncovered: list[Uncovered]
    notes: list[str]
    travel: str
    solve: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False

    @property
    def thanas(self) -> list[str]:
        """Return the planned thanas, in order."""
        return list(dict.fromkeys(t.thana for t in self.teams.teams))

    def date_of(self, day: int) -> dt.date:
        """Return the date of a 0-based day."""
        return self.start + dt.timedelta(days=day)

    def route(self, day: int, team: str) -> Route:
        """Return the route of a team on a day.

        Raises
        ------
        geo.errors.ParameterError
            For a day or team not in the plan.
        """
        for r in self.routes:
            if r.day == day and r.team.team == team:
                return r
        raise ParameterError(
            f"the plan has no route of team {team!r} on day {day + 1}",
            fix=f"use a day in 1..{self.days} and a team of the plan",
        )


# --------------------------------------------------------------------------- helpers


def _rng_for(seed: int, day: int, thana: str) -> np.random.Generator:
    """Return the generator of one thana and day (stable whichever thanas are planned)."""
    return np.random.default_rng([int(seed), int(day), zlib.crc32(thana.encode("utf-8"))])


def _check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ParameterError(
            f"days must be a whole number in 1..{MAX_DAYS}, got {days!r}",
            fix="use 7 for a week of sheets",
        )
    return days


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed must be a whole number ≥ 0, got {seed!r}", fix="use e.g. 2026")
    return seed


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
    for i, (_, row) in enumerate(layer.iterrows()):
        name = str(row[NAME])
        lon = row.get(STATION_LON)
        lat = row.get(STATION_LAT)
        if lon is not None and lat is not None and pd.notna(lon) and pd.notna(lat):
            out[name] = (float(lon), float(lat))
        else:
            out[name] = (float(inside.iloc[i].x), float(inside.iloc[i].y))
            missing.append(name)
    if missing:
        notes.append(
            "no station coordinates for " + ", ".join(missing) + ": their teams start at a "
            "point inside the thana (add station_lon/station_lat to the thana layer)"
        )
    return out, notes


@dataclass(frozen=True)
class _Slot:
    place: int
    window: Window


def _slots_of_day(places: Sequence[Place], teams: Sequence[TeamSpec], weekday: int) -> list[_Slot]:
    start = min(t.shift_start_min for t in teams)
    end = max(t.shift_end_min for t in teams)
    slots = []
    for i, p in enumerate(places):
        for w in p.windows_on(weekday, start, end):
            if w.weight > 0:
                slots.append(_Slot(i, w))
    return slots


def _reason(place: Place, window: Window, must: bool, weekday_weight: float) -> str:
    when = f"visit now: {window.label}"
    if place.kind == PLACE_HOTSPOT:
        when += f" (hour weight {window.weight:.2f} of its peak)"
    if weekday_weight < 1:
        when += f"; weekday weight {weekday_weight:.2f}"
    text = f"{place.why}; {when}"
    return ("MUST-VISIT; " + text) if must else text


def _matches(place: Place, key: str) -> bool:
    return key in (place.place_id, place.place_id.removeprefix("site-")) or (
        place.place_id.startswith(key + "@")
    )


def must_visit_places(places: Sequence[Place], keys: Iterable[str]) -> set[str]:
    """Return the place ids named by must-visit keys (place id, site id or ``hotspot-<id>``).

    Raises
    ------
    geo.errors.ParameterError
        For a key that names no place of the plan.
    """
    chosen: set[str] = set()
    for key in keys:
        hits = [p.place_id for p in places if _matches(p, key.strip())]
        if not hits:
            raise ParameterError(
                f"must-visit place {key!r} is not a stop of this plan",
                why="it is not a hotspot or timed site of the planned thanas",
                fix="use a place id from the plan (hotspot-7, site-<site id>) of a planned thana",
            )
        chosen.update(hits)
    return chosen


# --------------------------------------------------------------------------- planning


def _best_slots(
    places: Sequence[Place],
    slots: Sequence[_Slot],
    prizes: np.ndarray[Any, Any],
    must: set[str],
) -> tuple[list[_Slot], np.ndarray[Any, Any]]:
    """Return the :data:`MAX_SLOTS` slots of highest prize (must-visit first), in their order."""
    forced = np.array([places[s.place].place_id in must for s in slots], dtype=bool)
    order = np.lexsort((np.arange(len(slots)), -prizes, ~forced))
    keep = np.sort(order[:MAX_SLOTS])
    return [slots[i] for i in keep], prizes[keep]


def _thana_problem(
    places: Sequence[Place],
    teams: Sequence[TeamSpec],
    distances: Distances,
    slots: Sequence[_Slot],
    prizes: np.ndarray[Any, Any],
    params: PlanParams,
    must: set[str],
) -> tuple[RoutingProblem, list[int]]:
    """Build the routing problem of a thana-day; return it and the kept slot positions."""
    v = len(teams)
    dwell_place = np.array([params.dwell_of(p.risk) * 60 for p in places], dtype=np.int64)
    # Points: team starts 0..v-1, then places v..; a node's point:
    node_point = np.concatenate(
        [np.arange(v), v + np.array([s.place for s in slots], dtype=np.int64)]
    )
    kept: list[int] = []
    allowed: list[list[int]] = []
    for pos, s in enumerate(slots):
        teams_ok = []
        for k, t in enumerate(teams):
            speed = t.speed_kmh
            to_place = int(travel_seconds(distances.distance_m[k, v + s.place], speed))
            back = int(travel_seconds(distances.distance_m[v + s.place, k], speed))
            arrive = max(t.shift_start_min * 60 + to_place, s.window.start_min * 60)
            if arrive <= s.window.end_min * 60 and (
                arrive + dwell_place[s.place] + back <= t.shift_end_min * 60
            ):
                teams_ok.append(k)
        if teams_ok:
            kept.append(pos)
            allowed.append(teams_ok)
    nodes = (
        np.concatenate([np.arange(v), node_point[v + np.asarray(kept, dtype=np.int64)]])
        if kept
        else np.arange(v)
    )
    sub = distances.distance_m[np.ix_(nodes, nodes)]
    travel = [travel_seconds(sub, t.speed_kmh) for t in teams]
    dwell = np.concatenate(
        [np.zeros(v, dtype=np.int64), dwell_place[[slots[i].place for i in kept]]]
    )
    window = np.zeros((v + len(kept), 2), dtype=np.int64)
    for j, i in enumerate(kept):
        window[v + j] = (slots[i].window.start_min * 60, slots[i].window.end_min * 60)
    shift = np.array(
        [[t.shift_start_min * 60, t.shift_end_min * 60] for t in teams], dtype=np.int64
    )
    penalty = np.concatenate(
        [np.zeros(v, dtype=np.int64), np.round(prizes[kept] * PRIZE_SCALE).astype(np.int64)]
    )
    place = np.concatenate(
        [np.full(v, -1, dtype=np.int64), np.array([slots[i].place for i in kept], dtype=np.int64)]
    )
    groups: dict[int, list[int]] = {}
    for j, i in enumerate(kept):
        if places[slots[i].place].place_id in must:
            groups.setdefault(slots[i].place, []).append(v + j)
    problem = RoutingProblem(
        travel_s=travel,
        dwell_s=dwell,
        window_s=window,
        shift_s=shift,
        penalty=penalty,
        place=place,
        revisit_s=params.revisit_min * 60,
        allowed=[*([] for _ in range(v)), *allowed],
        must_groups=tuple(groups.values()),
    )
    return problem, kept


def _plan_crs(
    metric_crs: str | None, starts: Mapping[str, tuple[float, float]], places: Sequence[Place]
) -> str:
    """Return the plan's metric CRS: the given one, else the UTM zone of the starts (or places)."""
    if metric_crs is not None:
        return metric_crs
    if starts:
        centre = (
            float(np.mean([t[0] for t in starts.values()])),
            float(np.mean([t[1] for t in starts.values()])),
        )
        return metric_crs_for_lonlat([centre]).to_string()
    return metric_crs_for_lonlat([(pl.lon, pl.lat) for pl in places]).to_string()


@dataclass
class _Thana:
    """One thana's teams, places and travel matrix, and its visits so far in the plan."""

    name: str
    teams: list[TeamSpec]
    places: list[Place]
    dist: Distances
    share: np.ndarray[Any, Any]
    visits: np.ndarray[Any, Any]
    ever: np.ndarray[Any, Any]
    reachable_ever: np.ndarray[Any, Any]
    capped: list[int] = field(default_factory=list)


def _thana_setup(
    thana: str,
    teams: Teams,
    starts: Mapping[str, tuple[float, float]],
    places: Sequence[Place],
    to_metric: Transformer,
    road: RoadGraph | None,
    p: PlanParams,
) -> _Thana:
    """Return a thana's teams (with their start), its places and the travel between them."""
    own_teams: list[TeamSpec] = []
    for t in teams.of_thana(thana):
        if t.start_lon is None and thana not in starts:
            raise ParameterError(
                f"team {t.team} has no start point and thana {thana!r} no station",
                fix="give start_lon/start_lat in the teams file or station_lon/lat in the "
                "thana layer",
            )
        lon, lat = starts.get(thana, (0.0, 0.0))
        own_teams.append(with_start(t, lon, lat))
    own = [pl for pl in places if pl.thana == thana]
    start_lonlat = np.array([[t.start_lon, t.start_lat] for t in own_teams], dtype=np.float64)
    sx, sy = to_metric.transform(start_lonlat[:, 0], start_lonlat[:, 1])
    start_xy = np.column_stack([sx, sy])
    xy = np.vstack([start_xy, np.array([[pl.x, pl.y] for pl in own]).reshape(-1, 2)])
    lonlat = np.vstack([start_lonlat, np.array([[pl.lon, pl.lat] for pl in own]).reshape(-1, 2)])
    dist = (
        road_distances(xy, lonlat, road, detour_factor=p.detour_factor)
        if road is not None
        else straight_distances(xy, lonlat, detour_factor=p.detour_factor)
    )
    risk = np.array([pl.risk for pl in own], dtype=np.float64)
    share = risk / risk.sum() if risk.sum() > 0 else np.full(len(own), 1.0 / max(len(own), 1))
    return _Thana(
        name=thana, teams=own_teams, places=own, dist=dist, share=share,
        visits=np.zeros(len(own)), ever=np.zeros(len(own), dtype=bool),
        reachable_ever=np.zeros(len(own), dtype=bool),
    )  # fmt: skip


def _day_prizes(
    th: _Thana, weekday: int, rng: np.random.Generator, p: PlanParams
) -> tuple[list[_Slot], np.ndarray[Any, Any]]:
    """Return the day's slots and prizes: risk × hour × weekday × fairness × noise."""
    own = th.places
    total = th.visits.sum()
    expected = total * th.share
    fair = np.clip(1 + p.fairness * (expected - th.visits) / (expected + 1), *FAIRNESS_BOUNDS)
    place_noise = np.exp(p.variation * rng.standard_normal(len(own)))
    slots = _slots_of_day(own, th.teams, weekday)
    slot_noise = np.exp(p.variation * rng.standard_normal(len(slots)))
    prizes = np.array(
        [
            own[s.place].risk
            * s.window.weight
            * own[s.place].weekday_weights[weekday]
            * fair[s.place]
            * place_noise[s.place]
            * slot_noise[j]
            for j, s in enumerate(slots)
        ],
        dtype=np.float64,
    )
    return slots, prizes


@dataclass(frozen=True)
class _Day:
    """One solved day of a thana: its slots, the routing problem and the solution."""

    day: int
    date: dt.date
    weekday: int
    slots: list[_Slot]
    prizes: np.ndarray[Any, Any]
    kept: list[int]
    problem: RoutingProblem
    solution: RoutingSolution


def _team_route(
    th: _Thana, d: _Day, k: int, must: set[str], visited_today: np.ndarray[Any, Any]
) -> Route:
    """Return team ``k``'s route of the day, counting its visits."""
    v = len(th.teams)
    problem, slots, kept = d.problem, d.slots, d.kept
    nodes = [node for node, _ in d.solution.routes[k]]
    latest = latest_arrivals(problem, k, nodes)
    stops: list[Stop] = []
    prev_node = k
    for order, ((node, arrive_s), late_s) in enumerate(
        zip(d.solution.routes[k], latest, strict=True), start=1
    ):
        slot = slots[kept[node - v]]
        pl = th.places[slot.place]
        arrive = int(arrive_s // 60)
        stops.append(
            Stop(
                order=order,
                place=pl,
                arrive_min=arrive,
                arrive_latest_min=max(arrive, int(late_s // 60)),
                leave_min=math.ceil((arrive_s + problem.dwell_s[node]) / 60),
                dwell_min=int(problem.dwell_s[node] // 60),
                travel_min=math.ceil(problem.travel_s[k][prev_node, node] / 60),
                window=slot.window,
                prize=float(d.prizes[kept[node - v]]),
                must_visit=pl.place_id in must,
                reason=_reason(pl, slot.window, pl.place_id in must, pl.weekday_weights[d.weekday]),
            )
        )
        th.visits[slot.place] += 1
        visited_today[slot.place] = True
        prev_node = node
    point_seq = [k, *[v + s.place for s in (slots[kept[n - v]] for n in nodes)], k]
    path: list[tuple[float, float]] = []
    metres = 0.0
    for a, b in itertools.pairwise(point_seq):
        seg = th.dist.path_lonlat(a, b)
        path.extend(seg if not path else seg[1:])
        metres += float(th.dist.distance_m[a, b])
    return Route(
        day=d.day,
        date=d.date,
        team=th.teams[k],
        stops=tuple(stops),
        back_min=math.ceil(d.solution.end_s[k] / 60),
        distance_km=round(metres / 1000.0, 2),
        path=tuple(path),
    )


def _day_uncovered(
    th: _Thana, d: _Day, visited_today: np.ndarray[Any, Any], reachable: np.ndarray[Any, Any],
    must: set[str],
) -> list[Uncovered]:  # fmt: skip
    """Return the places due that day that no team visited, and why."""
    v = len(th.teams)
    n_teams = f"{v} team{'s' if v != 1 else ''}"
    out = []
    for i, pl in enumerate(th.places):
        if visited_today[i] or pl.weekday_weights[d.weekday] <= 0:
            continue
        if not reachable[i]:
            why = (
                f"no team of {th.name} can reach it within its time windows and "
                "shifts (travel time)"
            )
        else:
            why = f"the {n_teams}' shifts were full with stops of higher value"
        if pl.place_id in must:
            why = "MUST-VISIT place could not be visited: " + why
        out.append(Uncovered(d.day, pl, why))
    return out


def _never_covered(th: _Thana, start: dt.date, days: int) -> list[Uncovered]:
    """Return the places of a thana no team visited on any day of the plan, and why."""
    weekdays = {(start + dt.timedelta(days=d)).weekday() for d in range(days)}
    out = []
    for i, pl in enumerate(th.places):
        if th.ever[i]:
            continue
        if all(pl.weekday_weights[w] <= 0 for w in weekdays):
            why = "needs no patrol on any planned day (closed those days)"
        elif not th.reachable_ever[i]:
            why = "no team can reach it in its time windows (travel time, shifts)"
        else:
            why = f"not visited on any of the {days} days: more teams or longer shifts"
        out.append(Uncovered(None, pl, why))
    return out


def _solve_day(
    th: _Thana, day: int, date: dt.date, seed: int, p: PlanParams, must: set[str]
) -> _Day:
    """Build and solve one day of a thana (at most :data:`MAX_SLOTS` candidate stops)."""
    weekday = date.weekday()
    slots, prizes = _day_prizes(th, weekday, _rng_for(seed, day, th.name), p)
    if len(slots) > MAX_SLOTS:
        th.capped.append(len(slots))
        slots, prizes = _best_slots(th.places, slots, prizes, must)
    problem, kept = _thana_problem(th.places, th.teams, th.dist, slots, prizes, p, must)
    solution = solve_routing(problem, solution_limit=p.solution_limit, time_limit_s=p.time_limit_s)
    return _Day(day, date, weekday, slots, prizes, kept, problem, solution)


@dataclass
class _PlanLog:
    """What planning the thanas collects: routes, uncovered places, notes and the solver log."""

    routes: list[Route] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    solve: list[dict[str, Any]] = field(default_factory=list)


def _plan_thana(
    th: _Thana, log: _PlanLog, *, start: dt.date, days: int, seed: int, p: PlanParams,
    must: set[str],
) -> None:  # fmt: skip
    """Plan one thana day by day, adding its routes, uncovered places and notes to ``log``."""
    log.notes.extend(f"{th.name}: {n}" for n in th.dist.notes)
    for day in range(days):
        d = _solve_day(th, day, start + dt.timedelta(days=day), seed, p, must)
        log.solve.append(
            {
                "thana": th.name,
                "day": day + 1,
                "slots": len(d.kept),
                "status": d.solution.status,
                "seconds": round(d.solution.solve_s, 3),
            }
        )
        if d.solution.status == NO_SOLUTION:
            log.notes.append(f"{th.name} day {day + 1}: the solver found no plan")
        visited_today = np.zeros(len(th.places), dtype=bool)
        reachable = np.zeros(len(th.places), dtype=bool)
        for i in d.kept:
            reachable[d.slots[i].place] = True
        th.reachable_ever |= reachable
        for k in range(len(th.teams)):
            log.routes.append(_team_route(th, d, k, must, visited_today))
        th.ever |= visited_today
        log.uncovered.extend(_day_uncovered(th, d, visited_today, reachable, must))
    if th.capped:
        log.notes.append(
            f"{th.name}: on {len(th.capped)} of {days} days only the {MAX_SLOTS} most valuable "
            f"of up to {max(th.capped)} candidate stops were planned"
        )
    log.uncovered.extend(_never_covered(th, start, days))


def plan_patrols(
    places: Sequence[Place],
    teams: Teams,
    starts: Mapping[str, tuple[float, float]],
    *,
    start: dt.date,
    days: int = 7,
    seed: int = 0,
    params: PlanParams | None = None,
    metric_crs: str | None = None,
    road: RoadGraph | None = None,
    must_visit: Iterable[str] = (),
    notes: Sequence[str] = (),
    synthetic: bool = False,
) -> PatrolPlan:
    """Plan patrols for ``days`` days from ``start``: routes per team and day, with reasons.

    Parameters
    ----------
    places : sequence of Place
        Candidate stops (see :mod:`models.patrol.stops`); each thana's teams visit its places.
    teams : Teams
        The teams (see :func:`models.patrol.teams.resolve_teams`).
    starts : mapping of thana → (lon, lat)
        Where a thana's teams start and end unless their spec says otherwise.
    start : datetime.date
        Date of the first day.
    days : int
        Number of days (1..31).
    seed : int
        Seed of the day-to-day variation: the same seed gives the same plan.
    params : PlanParams, optional
    metric_crs : str, optional
        Projected CRS of the places' ``x``/``y``; default the UTM zone of the starts (else of
        the places).
    road : RoadGraph, optional
        Road graph for shortest-path travel; default straight line × detour factor.
    must_visit : iterable of str
        Places to visit every day (place id, site id or ``hotspot-<id>``).
    notes : sequence of str
        Notes of the inputs (defaults used), carried into the plan.
    synthetic : bool
        Whether the inputs are SYNTHETIC demo data (said on every sheet).

    Returns
    -------
    PatrolPlan

    Raises
    ------
    geo.errors.ParameterError
        For bad parameters, a thana without teams, or an unknown must-visit place.
    """
    p = (params or PlanParams()).check()
    if isinstance(start, dt.datetime):  # a Timestamp or datetime: its local date
        start = start.date()
    if not isinstance(start, dt.date):
        raise ParameterError(
            f"start must be a date, got {start!r}", fix="pass datetime.date(2026, 11, 2)"
        )
    days = _check_days(days)
    seed = _check_seed(seed)
    place_list = list(places)
    ids = [pl.place_id for pl in place_list]
    if len(set(ids)) != len(ids):
        raise ParameterError(
            "place ids must be unique", fix="build places with models.patrol.stops"
        )
    must = must_visit_places(place_list, must_visit)
    if not teams.teams:
        raise ParameterError("there are no teams to plan", fix="give at least one team")
    crs = _plan_crs(metric_crs, starts, place_list)
    to_metric = Transformer.from_crs(WGS84, crs, always_xy=True)
    log = _PlanLog(notes=list(notes) + list(teams.defaults_used))
    travel_desc = ""
    for thana in teams_thanas(teams):
        th = _thana_setup(thana, teams, starts, place_list, to_metric, road, p)
        travel_desc = th.dist.description
        _plan_thana(th, log, start=start, days=days, seed=seed, p=p, must=must)
    routes, uncovered, all_notes, solve_log = log.routes, log.uncovered, log.notes, log.solve
    logger.info("patrol plan: %d routes over %d days", len(routes), days)
    return PatrolPlan(
        start=start,
        days=days,
        seed=seed,
        params=p,
        teams=teams,
        places=place_list,
        routes=routes,
        uncovered=uncovered,
        notes=list(dict.fromkeys(all_notes)),
        travel=travel_desc,
        solve=solve_log,
        synthetic=synthetic,
    )


def _is_synthetic(*layers: gpd.GeoDataFrame) -> bool:
    """Return whether any layer is the SYNTHETIC demo data (flag, or the demo's id prefix)."""
    for layer in layers:
        if bool(layer.attrs.get(SYNTHETIC)):
            return True
        if ID in layer.columns and len(layer) and str(layer[ID].iloc[0]).startswith(DEMO_ID_PREFIX):
            return True
    return False


def teams_thanas(teams: Teams) -> list[str]:
    """Return the thanas of the teams, in order of first appearance."""
    return list(dict.fromkeys(t.thana for t in teams.teams))


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
    reference_time : Timestamp or str, optional
        "Now" of the hotspot analysis.
    eps_m, min_samples : float, int
        DBSCAN parameters of the hotspots.
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output to use instead of finding them again.

    Returns
    -------
    PatrolPlan

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
    starts, station_notes = station_points(thanas, metric_crs=metric_crs)
    resolved = resolve_teams(planned, teams, per_thana=teams_per_thana)
    if start is None:
        if len(incidents):
            last = pd.Timestamp(incidents[OCCURRED_AT].max())
            start = (last + pd.Timedelta(days=1)).date()
            notes.append(f"the plan starts the day after the latest incident ({start})")
        else:
            raise ParameterError(
                "no start date and no incidents to take it from", fix="give the first day"
            )
    logger.info(
        "patrol inputs ready in %.2f s: %d places", time.perf_counter() - started, len(places)
    )
    synthetic = _is_synthetic(incidents, sites, thanas)
    return plan_patrols(
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
    )


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
) -> PatrolPlan:
    """Read a store and plan patrols, with hotspots from all its incidents.

    Hotspots are found over every thana so that one crossing into a planned thana is seen
    whole.

    Parameters
    ----------
    store : geo.store.Store
    timezone : str
        ``SHAKTI_TIMEZONE``.
    metric_crs : str, optional
        ``SHAKTI_METRIC_CRS``.
    thana, days, seed, start, teams, params, must_visit
        As for :func:`plan_from_layers`.
    road_graph : Path or str, optional
        A local OpenStreetMap extract or osmnx GraphML file (needs osmnx).

    Returns
    -------
    PatrolPlan
    """
    from models.inputs import load_inputs

    _check_days(days)
    _check_seed(seed)
    data = load_inputs(store, timezone=timezone, require_incidents=False)
    crs = metric_crs
    if crs is None and not data.thanas.empty:
        crs = metric_crs_for(data.thanas).to_string()
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
    )
