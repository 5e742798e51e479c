"""Use case: plan patrols per team and day from a store, within the service's work budget."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from geo.errors import ParameterError
from geo.schema import LayerKind
from geo.settings import Settings
from geo.store import Store
from models.patrol.teams import DEFAULT_TEAMS_PER_THANA, TeamSpec

if TYPE_CHECKING:
    import geopandas as gpd

    from models.inputs import AnalysisInputs
    from models.patrol import PatrolPlan
    from models.patrol.dosage import FollowUp

logger = logging.getLogger(__name__)

#: Most thanas × days one request may plan (~0.25 s each): one request may not hold the
#: service for minutes. A week of every thana is a CLI job (``shakti patrol plan``).
MAX_THANA_DAYS: Final = 62
#: Solver seconds one request may spend in all: each thana-day's routing solve gets its share
#: (``SOLVE_BUDGET_S / thana-days``) as its time limit instead of the CLI's 20 s, so a store
#: with thousands of timed sites in a thana cannot hold a worker for 31 × 20 s. A thana-day
#: of the demo solves in ~0.02 s, far inside its share (≥ 0.1 s at the 62 thana-day limit).
SOLVE_BUDGET_S: Final = 5.0
#: Most teams × days one request may plan: the default 3 teams in each of
#: :data:`MAX_THANA_DAYS`. Building and solving a thana-day's routes grows with its teams (12
#: teams take ~13× the time of 3), so a month of 12 teams is a CLI job too.
MAX_TEAM_DAYS: Final = DEFAULT_TEAMS_PER_THANA * MAX_THANA_DAYS


@dataclass(frozen=True)
class PatrolRequest:
    """Parameters of a patrol plan, declared once.

    Attributes
    ----------
    thana : str or None
        Plan only this thana (default: every thana).
    days : int
        Number of days (1..31).
    seed : int
        Same seed, same plan.
    start : datetime.date or None
        First day (default: the day after the latest incident).
    teams : sequence of models.teams.TeamSpec or None
        Default: 3 teams a thana.
    must_visit : sequence of str
        Places to visit every day: site id or ``hotspot-<n>``.
    road_graph : Path or None
        A road graph file (default: straight lines with a detour factor).
    time_limit_s : float or None
        Time limit of each thana-day's solve (default: the model's).
    follow_up : Mapping or None
        Under-served places of the visit log (:func:`api.usecases.visits.follow_up_of`):
        place id → prize factor and why.
    forecast : bool or None
        Weight hotspot stops by next week's expected incidents when the chosen forecast
        beats naive, and say so in each stop's why and the notes. None (default): when
        ``shakti forecast`` chose one for this data and it beat naive
        (:func:`api.usecases.forecast_choice.resolve_forecast`); True: always (back-tests when
        none is chosen); False: never.
    """

    thana: str | None = None
    days: int = 7
    seed: int = 0
    start: dt.date | None = None
    teams: Sequence[TeamSpec] | None = None
    must_visit: Sequence[str] = ()
    road_graph: Path | str | None = None
    time_limit_s: float | None = None
    follow_up: Mapping[str, FollowUp] | None = None
    forecast: bool | None = None


def plan_patrols(store: Store, settings: Settings, q: PatrolRequest) -> PatrolPlan:
    """Plan patrols from a store: patrol-sized hotspots, the kept forecast, then the planner.

    Hotspots are found over every thana (one crossing into a planned thana is seen whole) with
    the parameters ``shakti hotspots`` chooses (:func:`api.usecases.hotspots.choose_params`:
    density-aware, at most ``SHAKTI_MAX_HOTSPOT_M`` wide), so every hotspot stop is a place a
    team can cover; with a forecast in use (``q.forecast``) they carry its expected incidents.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    q : PatrolRequest

    Returns
    -------
    models.patrol.PatrolPlan
    """
    from models.patrol import PlanParams
    from models.patrol.layers import plan_from_store

    notes: list[str] = []

    def hotspots_of(data: AnalysisInputs, crs: str | None) -> gpd.GeoDataFrame | None:
        """Return the patrol-sized hotspots, with the kept forecast's incidents when in use."""
        from api.usecases.chosen_hotspots import chosen_hotspots
        from api.usecases.forecast_choice import may_have_choice
        from api.usecases.hotspots import HotspotParams

        spots = chosen_hotspots(data, settings, HotspotParams(), metric_crs=crs, campaigns=True)
        if spots is not None and (q.forecast or (q.forecast is None and may_have_choice(settings))):
            spots, message = _with_forecast(data, settings, q, spots)
            if message is not None:
                notes.append(message)
        return spots

    plan = plan_from_store(
        store,
        timezone=settings.timezone,
        metric_crs=settings.metric_crs,
        thana=q.thana,
        days=q.days,
        seed=q.seed,
        start=q.start,
        teams=q.teams,
        params=None if q.time_limit_s is None else PlanParams(time_limit_s=q.time_limit_s),
        road_graph=q.road_graph,
        must_visit=q.must_visit,
        follow_up=q.follow_up,
        hotspots_of=hotspots_of,
    )
    plan.notes.extend(notes)
    return plan


def _with_forecast(
    data: AnalysisInputs, settings: Settings, q: PatrolRequest, spots: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, str | None]:
    """Return the hotspots with the kept forecast's expected incidents, and the note saying so."""
    from api.usecases.forecast import forecast_patrol_hotspots
    from api.usecases.forecast_choice import resolve_forecast

    use = resolve_forecast(data, settings, q.forecast)
    if use.forecast is None:
        return spots, None
    return forecast_patrol_hotspots(spots, use.forecast, use.params), use.message


def team_count(teams: Sequence[TeamSpec] | None, scope: str | None, thanas: int) -> int:
    """Return how many teams a plan of ``thanas`` thanas (or the ``scope`` thana) will route.

    Given teams count in full (those of thanas outside the scope are left out of the plan);
    each thana without given teams gets :data:`models.teams.DEFAULT_TEAMS_PER_THANA`.

    Parameters
    ----------
    teams : sequence of models.teams.TeamSpec or None
    scope : str or None
    thanas : int

    Returns
    -------
    int
    """
    given = [t for t in teams or [] if scope is None or t.thana == scope]
    with_teams = len({t.thana for t in given})
    return len(given) + DEFAULT_TEAMS_PER_THANA * max(0, thanas - with_teams)


def within_service_budget(store: Store, q: PatrolRequest) -> tuple[PatrolRequest, int]:
    """Refuse a plan above the service's thana-day or team-day budget; give it a time share.

    Parameters
    ----------
    store : geo.store.Store
    q : PatrolRequest
        Its ``thana`` is the scope already decided for the user.

    Returns
    -------
    PatrolRequest
        ``q`` with each thana-day's share of :data:`SOLVE_BUDGET_S` as its time limit.
    int
        The thana-days planned.

    Raises
    ------
    geo.errors.ParameterError
        Above :data:`MAX_THANA_DAYS` or :data:`MAX_TEAM_DAYS`, saying how to shrink the plan.
    """
    thanas = 1 if q.thana is not None else max(1, store.count(LayerKind.THANAS))
    if thanas * q.days > MAX_THANA_DAYS:
        raise ParameterError(
            f"a plan of {thanas} thanas × {q.days} days is above the service's limit of "
            f"{MAX_THANA_DAYS} thana-days",
            why="one request may not hold the service for minutes",
            fix="plan one thana at a time (thana), fewer days, or use `shakti patrol plan`",
        )
    team_days = q.days * team_count(q.teams, q.thana, thanas)
    if team_days > MAX_TEAM_DAYS:
        raise ParameterError(
            f"a plan of {team_days // q.days} teams × {q.days} days is above the "
            f"service's limit of {MAX_TEAM_DAYS} team-days",
            why="one request may not hold the service for minutes",
            fix="plan fewer days or fewer teams, or use `shakti patrol plan`",
        )
    thana_days = thanas * q.days
    return replace(q, time_limit_s=SOLVE_BUDGET_S / max(1, thana_days)), thana_days


def note_time_limit(data: dict[str, Any], thana_days: int) -> None:
    """Say in a plan's notes when solves stopped at the service's time limit.

    Parameters
    ----------
    data : dict
        The plan as JSON data (:func:`models.patrol_export.plan_dict`); changed in place.
    thana_days : int
        The thana-days planned (from :func:`within_service_budget`).
    """
    from models.patrol.routing import SOLVED_AT_TIME_LIMIT

    hit = sum(1 for s in data.get("solve", []) if s.get("status") == SOLVED_AT_TIME_LIMIT)
    if hit:
        data["meta"]["notes"].append(
            f"{hit} of {thana_days} thana-days stopped at the service's time limit of "
            f"{SOLVE_BUDGET_S / max(1, thana_days):.2g} s each: the plan may differ between runs; "
            "plan fewer days or teams, or use `shakti patrol plan` for a full search"
        )
