"""Tests of the patrol planner: feasibility, determinism, fair variants, brute force, errors."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from geo.errors import ParameterError
from models.patrol import (
    MUST_VISIT,
    PLACE_ID,
    PatrolPlan,
    PlanParams,
    plan_patrols,
)
from models.patrol.export import stops_table, visit_shares
from models.patrol.routing import RoutingProblem, schedule, solve_routing
from models.patrol.stops import PLACE_HOTSPOT, PLACE_SITE, Place, Window
from models.patrol.teams import Teams, make_team
from models.patrol.travel import travel_seconds

UTM44 = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0
TO_WGS = Transformer.from_crs(UTM44, "EPSG:4326", always_xy=True)
MONDAY = dt.date(2026, 11, 2)


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_WGS.transform(x, y)
    return float(lon), float(lat)


def hotspot(i: int, dx: float, dy: float, risk: float, thana: str = "A") -> Place:
    """A hotspot place ``(dx, dy)`` metres from the station, busiest 18:00–20:00."""
    lon, lat = _lonlat(X0 + dx, Y0 + dy)
    hours = tuple(1.0 if h in (18, 19) else 0.3 for h in range(24))
    return Place(
        place_id=f"hotspot-{i}",
        kind=PLACE_HOTSPOT,
        thana=thana,
        name=f"Hotspot {i}",
        lon=lon,
        lat=lat,
        x=X0 + dx,
        y=Y0 + dy,
        risk=risk,
        why=f"hotspot {i}",
        hour_weights=hours,
        hotspot_id=i,
    )


def site(i: int, dx: float, dy: float, risk: float, disperse: int, thana: str = "A") -> Place:
    """A school ``(dx, dy)`` metres from the station dispersing at ``disperse`` minutes."""
    lon, lat = _lonlat(X0 + dx, Y0 + dy)
    return Place(
        place_id=f"site-S{i}",
        kind=PLACE_SITE,
        thana=thana,
        name=f"School {i}",
        lon=lon,
        lat=lat,
        x=X0 + dx,
        y=Y0 + dy,
        risk=risk,
        why=f"school {i}",
        windows=(Window(disperse - 20, disperse + 10, 1.0, "dispersal"),),
        weekday_weights=(1.0,) * 6 + (0.0,),
    )


def teams_of(*shifts: tuple[str, str, str], thana: str = "A") -> Teams:
    return Teams(
        tuple(
            make_team(thana, f"{thana}-{i + 1}", a, b, mode)
            for i, (a, b, mode) in enumerate(shifts)
        ),
        (),
    )


STATION = {"A": _lonlat(X0, Y0), "B": _lonlat(X0 + 5000, Y0)}


def plan_of(
    places: Sequence[Place],
    teams: Teams,
    *,
    days: int = 1,
    seed: int = 0,
    params: PlanParams | None = None,
    must: Sequence[str] = (),
) -> PatrolPlan:
    return plan_patrols(
        places,
        teams,
        STATION,
        start=MONDAY,
        days=days,
        seed=seed,
        params=params,
        metric_crs=UTM44,
        must_visit=must,
    )


def check_feasible(plan: PatrolPlan) -> None:
    """Assert shift, windows, dwell, travel and revisit interval hold in every route."""
    p = plan.params
    visits: dict[tuple[int, str], list[int]] = {}
    for route in plan.routes:
        team = route.team
        speed = team.speed_kmh
        t = team.shift_start_min * 60
        prev = np.array(
            Transformer.from_crs("EPSG:4326", UTM44, always_xy=True).transform(
                team.start_lon, team.start_lat
            )
        )
        for s in route.stops:
            here = np.array([s.place.x, s.place.y])
            travel = int(travel_seconds(np.linalg.norm(here - prev) * p.detour_factor, speed))
            assert s.arrive_min * 60 >= t + travel - 60, (route.team.team, s.order)
            assert s.window.start_min <= s.arrive_min <= s.window.end_min
            assert s.arrive_min <= s.arrive_latest_min <= s.window.end_min
            assert s.dwell_min == p.dwell_of(s.place.risk)
            assert p.dwell_min[0] <= s.dwell_min <= p.dwell_min[1]
            assert team.shift_start_min <= s.arrive_min < team.shift_end_min
            t = s.arrive_min * 60 + s.dwell_min * 60
            prev = here
            visits.setdefault((route.day, s.place.place_id), []).append(s.arrive_min)
        home = np.array(
            Transformer.from_crs("EPSG:4326", UTM44, always_xy=True).transform(
                team.start_lon, team.start_lat
            )
        )
        back = t + int(travel_seconds(np.linalg.norm(home - prev) * p.detour_factor, speed))
        assert back <= team.shift_end_min * 60 + 60
        assert route.back_min <= team.shift_end_min
    for times in visits.values():
        times.sort()
        assert all(b - a >= p.revisit_min - 1 for a, b in itertools.pairwise(times))


PLACES = [
    hotspot(0, 800, 300, 0.9),
    hotspot(1, -1200, 500, 0.6),
    hotspot(2, 300, -1500, 0.4),
    site(3, 600, 900, 0.5, 13 * 60 + 30),
    site(4, -400, -700, 0.45, 14 * 60),
    site(5, 2500, 2500, 0.3, 17 * 60),
]
TEAMS = teams_of(
    ("08:00", "14:00", "bike"), ("13:00", "19:00", "foot"), ("16:00", "22:00", "vehicle")
)


def test_plan_is_feasible_and_explains_every_stop() -> None:
    plan = plan_of(PLACES, TEAMS, days=2)
    check_feasible(plan)
    table = stops_table(plan)
    assert len(table) > 10
    assert table["reason"].str.contains("visit now").all()
    assert set(table["team"]) == {"A-1", "A-2", "A-3"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_hot=st.integers(0, 4),
    n_sites=st.integers(0, 4),
    seed=st.integers(0, 10_000),
    revisit=st.sampled_from([30, 90, 150]),
    dwell=st.sampled_from([(10, 15), (5, 5), (12, 20)]),
)
def test_every_plan_respects_shifts_windows_dwell_and_revisits(
    n_hot: int, n_sites: int, seed: int, revisit: int, dwell: tuple[int, int]
) -> None:
    rng = np.random.default_rng(seed)
    places = [
        hotspot(i, *rng.uniform(-3000, 3000, 2), float(rng.uniform(0.1, 1))) for i in range(n_hot)
    ]
    places += [
        site(
            10 + i,
            *rng.uniform(-3000, 3000, 2),
            float(rng.uniform(0.1, 1)),
            int(rng.integers(600, 1200)),
        )
        for i in range(n_sites)
    ]
    teams = teams_of(("09:00", "13:00", "foot"), ("12:00", "18:00", "bike"))
    params = PlanParams(revisit_min=revisit, dwell_min=dwell)
    plan = plan_of(places, teams, seed=seed, params=params)
    check_feasible(plan)


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    a = stops_table(plan_of(PLACES, TEAMS, days=3, seed=7))
    b = stops_table(plan_of(PLACES, TEAMS, days=3, seed=7))
    c = stops_table(plan_of(PLACES, TEAMS, days=3, seed=8))
    assert a.equals(b)
    assert not a.equals(c)


def _fair_plan(fairness: float, days: int = 14) -> PatrolPlan:
    """Six hotspots 2.5 km out, one bike team for two evening hours: capacity binds."""
    places = [
        hotspot(i, 2500 * np.cos(i), 2500 * np.sin(i), r)
        for i, r in enumerate([0.95, 0.8, 0.6, 0.45, 0.3, 0.2])
    ]
    teams = teams_of(("17:00", "19:00", "bike"))
    return plan_of(places, teams, days=days, seed=3, params=PlanParams(fairness=fairness))


def test_days_differ_while_visits_track_risk() -> None:
    plan = _fair_plan(1.0)
    sequences = [
        tuple(
            (s.place.place_id, s.arrive_min) for r in plan.routes if r.day == day for s in r.stops
        )
        for day in range(plan.days)
    ]
    assert len(set(sequences)) >= plan.days // 2  # no fixed pattern
    assert sum(a != b for a, b in itertools.pairwise(sequences)) >= plan.days // 2
    shares = visit_shares(plan)
    error = (shares["visit_share"] - shares["risk_share_of_thana"]).abs()
    assert error.max() < 0.05, shares
    assert np.corrcoef(shares["visit_share"], shares["risk_share_of_thana"])[0, 1] > 0.9
    unfair = visit_shares(_fair_plan(0.0))
    unfair_error = (unfair["visit_share"] - unfair["risk_share_of_thana"]).abs()
    assert error.sum() < 0.6 * unfair_error.sum()  # the deficit correction keeps it fair


def test_no_variation_repeats_the_same_day() -> None:
    plan = plan_of(PLACES[:3], TEAMS, days=3, params=PlanParams(variation=0.0, fairness=0.0))
    days = [
        [(s.place.place_id, s.arrive_min) for r in plan.routes if r.day == d for s in r.stops]
        for d in range(3)
    ]
    assert days[0] == days[1] == days[2]


def test_must_visit_is_visited_and_marked() -> None:
    low = site(9, 3500, -3500, 0.05, 13 * 60)
    plan = plan_of([*PLACES, low], TEAMS, must=["S9"])
    table = stops_table(plan)
    assert table.loc[table[PLACE_ID] == "site-S9", MUST_VISIT].all()
    assert (table[PLACE_ID] == "site-S9").sum() == 1


def test_unreachable_place_is_reported_uncovered() -> None:
    far = site(8, 60_000, 0, 0.9, 9 * 60)  # 60 km away, 08:40–09:10 on foot
    teams = teams_of(("08:00", "12:00", "foot"))
    plan = plan_of([PLACES[0], far], teams)
    reasons = {u.place.place_id: u.reason for u in plan.uncovered if u.day == 0}
    assert "can reach it" in reasons["site-S8"]
    whole = {u.place.place_id for u in plan.uncovered if u.day is None}
    assert "site-S8" in whole


def test_sites_closed_on_sunday_get_no_stop() -> None:
    plan = plan_patrols(
        PLACES, TEAMS, STATION, start=dt.date(2026, 11, 1), days=1, metric_crs=UTM44
    )
    assert not any(s.place.kind == PLACE_SITE for r in plan.routes for s in r.stops)


def test_teams_patrol_only_their_own_thana() -> None:
    places = [*PLACES, hotspot(20, 5200, 100, 0.9, thana="B")]
    teams = Teams(TEAMS.teams + teams_of(("16:00", "22:00", "bike"), thana="B").teams, ())
    plan = plan_of(places, teams)
    for route in plan.routes:
        assert all(s.place.thana == route.team.thana for s in route.stops)


# --------------------------------------------------------------------------- brute force


def _brute_force(problem: RoutingProblem) -> int:
    """Return the optimal objective by enumerating every assignment and order."""
    v = problem.n_teams
    slots = list(range(v, problem.n_nodes))
    best: int | None = None
    for assign in itertools.product(range(-1, v), repeat=len(slots)):
        cost = sum(int(problem.penalty[s]) for s, a in zip(slots, assign, strict=True) if a < 0)
        feasible = True
        for k in range(v):
            mine = [s for s, a in zip(slots, assign, strict=True) if a == k]
            options = [
                sum(int(problem.travel_s[k][a, b]) for a, b in itertools.pairwise([k, *o, k]))
                for o in itertools.permutations(mine)
                if schedule(problem, k, o) is not None
            ]
            if not options:
                feasible = False
                break
            cost += min(options)
        if feasible and (best is None or cost < best):
            best = cost
    assert best is not None
    return best


def _tiny(seed: int, n_slots: int) -> RoutingProblem:
    rng = np.random.default_rng(seed)
    v = 1 + seed % 2
    xy = rng.uniform(0, 3000, (v + n_slots, 2))
    xy[:v] = 1500
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    starts = rng.integers(0, 7200, n_slots)
    return RoutingProblem(
        travel_s=[np.ceil(d / s).astype(np.int64) for s in rng.uniform(3, 6, v)],
        dwell_s=np.array([0] * v + list(rng.integers(600, 900, n_slots)), dtype=np.int64),
        window_s=np.array(
            [[0, 0]] * v + [[a, a + int(rng.integers(300, 3600))] for a in starts], dtype=np.int64
        ),
        shift_s=np.array([[0, int(rng.integers(3600, 7200))] for _ in range(v)], dtype=np.int64),
        penalty=np.array([0] * v + list(rng.integers(1000, 100_000, n_slots)), dtype=np.int64),
        place=np.array([-1] * v + list(range(n_slots)), dtype=np.int64),
        revisit_s=7200,
    )


@pytest.mark.parametrize("seed", range(24))
def test_default_search_equals_brute_force_on_three_stops(seed: int) -> None:
    problem = _tiny(seed, 3)
    assert solve_routing(problem).objective == _brute_force(problem)


@pytest.mark.parametrize("seed", [4, 40, 7])
def test_guided_search_equals_brute_force_on_four_stops(seed: int) -> None:
    # seeds 4 and 40 are instances where greedy descent stops at a local optimum
    problem = _tiny(1000 + seed, 4)
    assert solve_routing(problem, solution_limit=30).objective == _brute_force(problem)


def test_revisit_interval_holds_across_teams() -> None:
    problem = RoutingProblem(
        travel_s=[np.zeros((4, 4), dtype=np.int64)] * 2,
        dwell_s=np.array([0, 0, 600, 600], dtype=np.int64),
        window_s=np.array([[0, 0], [0, 0], [0, 3600], [0, 3600]], dtype=np.int64),
        shift_s=np.array([[0, 7200], [0, 7200]], dtype=np.int64),
        penalty=np.array([0, 0, 1000, 1000], dtype=np.int64),
        place=np.array([-1, -1, 0, 0], dtype=np.int64),
        revisit_s=5400,  # 90 min: both slots of the one place cannot be visited
    )
    solution = solve_routing(problem)
    assert sum(len(r) for r in solution.routes) == 1
    spaced = RoutingProblem(**{**problem.__dict__, "revisit_s": 1800})
    solution = solve_routing(spaced)
    times = sorted(t for r in solution.routes for _, t in r)
    assert len(times) == 2 and times[1] - times[0] >= 1800


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 0}, "days must be a whole number in 1..31"),
        ({"days": 40}, "days must be a whole number"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"must": ["nowhere"]}, "must-visit place 'nowhere' is not a stop"),
        ({"params": PlanParams(dwell_min=(15, 10))}, "dwell_min must be two whole minutes"),
        ({"params": PlanParams(revisit_min=-5)}, "revisit_min must be whole minutes"),
        ({"params": PlanParams(variation=3.0)}, "variation must be in"),
        ({"params": PlanParams(detour_factor=0.5)}, "detour_factor must be a number in"),
        ({"params": PlanParams(solution_limit=-1)}, "solution_limit must be"),
    ],
)
def test_bad_parameters_say_what_and_how_to_fix(kwargs: dict[str, object], message: str) -> None:
    days = kwargs.pop("days", 1)
    seed = kwargs.pop("seed", 0)
    with pytest.raises(ParameterError, match=message) as info:
        plan_of(PLACES, TEAMS, days=days, seed=seed, **kwargs)  # type: ignore[arg-type]
    assert "Fix:" in str(info.value)


def test_problem_data_is_checked() -> None:
    problem = _tiny(1, 3)
    bad = RoutingProblem(**{**problem.__dict__, "penalty": -problem.penalty})
    with pytest.raises(ParameterError, match="prizes must not be negative"):
        solve_routing(bad)
