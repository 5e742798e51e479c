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
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
from pyproj import Transformer

from geo.crs import WGS84, metric_crs_for_lonlat
from geo.errors import ParameterError
from geo.i18n import _, counted, format_int, ngettext
from models.checks import check_count, check_days
from models.patrol.dosage import FollowUp
from models.patrol.records import (
    FAIRNESS_BOUNDS,
    MAX_DAYS,
    PRIZE_SCALE,
    PatrolPlan,
    PlanParams,
    Route,
    Stop,
    Uncovered,
)
from models.patrol.routing import (
    NO_SOLUTION,
    RoutingProblem,
    RoutingSolution,
    latest_arrivals,
    solve_routing,
)
from models.patrol.stops import PLACE_HOTSPOT, Place, Window
from models.patrol.teams import Teams, TeamSpec, with_start
from models.patrol.travel import (
    Distances,
    RoadGraph,
    road_distances,
    straight_distances,
    travel_seconds,
)

logger = logging.getLogger(__name__)

#: Most candidate stops (a place in one arrival window) one thana-day is planned over; the
#: most valuable are kept, must-visit places always. A team makes at most ~16 stops in a
#: 6-hour shift (10-15 min dwell plus travel), so 12 teams visit ~200 a day: 400 candidates
#: leave the solver a wide choice. Building the routing model grows with the square of the
#: candidates times the teams (3,435 candidates × 12 teams: ~15 s before any search), so a
#: store with thousands of timed sites in one thana cannot stall a plan.
MAX_SLOTS: Final = 400

# --------------------------------------------------------------------------- helpers


def _rng_for(seed: int, day: int, thana: str) -> np.random.Generator:
    """Return the generator of one thana and day (stable whichever thanas are planned)."""
    return np.random.default_rng([int(seed), int(day), zlib.crc32(thana.encode("utf-8"))])


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
    # TRANSLATORS: {window} says why this time ("dispersal 13:30", "hour 18:00–19:00").
    when = _("visit now: {window}").format(window=window.label)
    if place.kind == PLACE_HOTSPOT:
        # TRANSLATORS: {when} is "visit now: ..."; {weight} a number from 0 to 1.
        text = _("{when} (hour weight {weight} of its peak)")
        when = text.format(when=when, weight=f"{window.weight:.2f}")
    if weekday_weight < 1:
        text = _("{when}; weekday weight {weight}")
        when = text.format(when=when, weight=f"{weekday_weight:.2f}")
    text = f"{place.why}; {when}"
    # TRANSLATORS: a stop the planner was told it must visit; {reason} is why it is a stop.
    return _("MUST-VISIT; {reason}").format(reason=text) if must else text


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
    #: Prize factor of each place (the follow-up of under-served places; 1 without).
    boost: np.ndarray[Any, Any] | None = None


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
    if th.boost is not None:
        place_noise = place_noise * th.boost
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
    out = []
    for i, pl in enumerate(th.places):
        if visited_today[i] or pl.weekday_weights[d.weekday] <= 0:
            continue
        if not reachable[i]:
            text = _(
                "no team of {thana} can reach it within its time windows and shifts (travel time)"
            )
            why = text.format(thana=th.name)
        else:
            why = counted(
                v,
                "the {n} team's shifts were full with stops of higher value",
                "the {n} teams' shifts were full with stops of higher value",
            )
        if pl.place_id in must:
            why = _("MUST-VISIT place could not be visited: {why}").format(why=why)
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
            why = _("needs no patrol on any planned day (closed those days)")
        elif not th.reachable_ever[i]:
            why = _("no team can reach it in its time windows (travel time, shifts)")
        else:
            why = counted(
                days,
                "not visited on any of the {n} days: more teams or longer shifts",
                "not visited on any of the {n} days: more teams or longer shifts",
            )
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
    # TRANSLATORS: a note about one thana's plan: the thana's name, then the note.
    log.notes.extend(_("{thana}: {note}").format(thana=th.name, note=n) for n in th.dist.notes)
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
            text = _("{thana} day {day}: the solver found no plan")
            log.notes.append(text.format(thana=th.name, day=day + 1))
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
        # TRANSLATORS: {capped} of {days} days; {kept} and {candidates} are numbers of stops.
        text = ngettext(
            "{thana}: on {capped} of {days} day only the {kept} most valuable of up to "
            "{candidates} candidate stops were planned",
            "{thana}: on {capped} of {days} days only the {kept} most valuable of up to "
            "{candidates} candidate stops were planned",
            days,
        )
        log.notes.append(
            text.format(
                thana=th.name,
                capped=len(th.capped),
                days=days,
                kept=MAX_SLOTS,
                candidates=format_int(max(th.capped)),
            )
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
    follow_up: Mapping[str, FollowUp] | None = None,
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
    follow_up : mapping of place id → FollowUp, optional
        Under-served places of the visit log (:func:`models.patrol.dosage.follow_up`): their
        prizes are multiplied by the factor and their reason says why ("missed 2 of 3
        planned visits last week").

    Returns
    -------
    PatrolPlan
        Every team's route of every day (each stop with its reason), the places left
        uncovered and why, and the solver's log per thana and day.

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
    days = check_days(days, "days", high=MAX_DAYS)
    seed = check_count(seed, "seed", low=0)
    follow = dict(follow_up or {})
    place_list = [
        replace(pl, why=f"{pl.why}; {follow[pl.place_id].why}") if pl.place_id in follow else pl
        for pl in places
    ]
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
        if follow:
            th.boost = np.array([follow[pl.place_id].factor if pl.place_id in follow else 1.0
                                 for pl in th.places])  # fmt: skip
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


def teams_thanas(teams: Teams) -> list[str]:
    """Return the thanas of the teams, in order of first appearance."""
    return list(dict.fromkeys(t.thana for t in teams.teams))
