"""``/patrol/plans``: create a patrol plan, read it, and print a team's sheet for a day."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.service.deps import CurrentUser, MapUser, State, add_audit_detail, scope_for
from api.service.errors import NotFoundError, PermissionDeniedError
from api.service.routes.common import PROBLEM_RESPONSES, json_bytes
from api.service.users import Role, User
from api.usecases.patrol import (
    PatrolRequest,
    note_time_limit,
    plan_patrols,
    within_service_budget,
)
from geo.errors import ParameterError
from models.patrol.teams import (
    MAX_TEAMS,
    MAX_TEAMS_PER_THANA,
    TEAM_NAME_FIX,
    TeamSpec,
    check_teams,
    default_team_name,
    make_team,
)
from models.selection import FIRST_DAY, LAST_DAY

router = APIRouter(tags=["patrol"])

#: Where the web page opens sheets (under ``/maps``, so the HttpOnly map cookie reaches it).
SHEET_PAGE_PREFIX: Final = "/maps/patrol-sheets"

#: Plans kept in memory per service (the oldest is forgotten first).
MAX_PLANS: Final = 32
#: Most must-visit places one request may give, and the longest place key.
MAX_MUST_VISIT: Final = 50
MAX_PLACE_KEY_CHARS: Final = 120
#: Longest team name the request parser reads; :func:`models.teams.check_team_name` then
#: refuses anything above :data:`models.teams.MAX_TEAM_NAME_CHARS` with a clear message.
_MAX_TEAM_FIELD_CHARS: Final = 100
_PLANS_ATTR: Final = "patrol_plans"


class TeamIn(BaseModel):
    """A team of a plan request (see :func:`models.teams.make_team`)."""

    thana: str = Field(max_length=200, examples=["Lanka"])
    team: str | None = Field(
        default=None,
        max_length=_MAX_TEAM_FIELD_CHARS,
        description=f"Unique name (default <thana>-<n>): {TEAM_NAME_FIX}.",
        examples=["Lanka-1"],
    )
    shift_start: str = Field(max_length=5, examples=["08:00"])
    shift_end: str = Field(max_length=5, examples=["14:00"])
    mode: str = Field(max_length=20, examples=["bike"])
    speed_kmh: float | None = Field(default=None, gt=0, le=120)


class PlanRequest(BaseModel):
    """What to plan. Without ``teams``, 3 default teams per thana (the plan says so)."""

    thana: str | None = Field(
        default=None,
        max_length=200,
        description="Only this thana. An in-charge gets their own without it and may not ask "
        "for another one.",
        examples=["Lanka"],
    )
    days: int = Field(default=7, ge=1, le=31, description="Number of days.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Same seed, same plan.")
    start: dt.date | None = Field(
        default=None,
        ge=FIRST_DAY,
        le=LAST_DAY,
        description=f"First day ({FIRST_DAY} .. {LAST_DAY}); default the day after the latest "
        "incident.",
    )
    teams: list[TeamIn] | None = Field(
        default=None,
        max_length=MAX_TEAMS,
        description=f"At most {MAX_TEAMS} teams, at most {MAX_TEAMS_PER_THANA} in one thana.",
    )
    must_visit: list[Annotated[str, Field(max_length=MAX_PLACE_KEY_CHARS)]] = Field(
        default_factory=list,
        max_length=MAX_MUST_VISIT,
        description="Places to visit every day: site id or hotspot-<n>.",
    )


@dataclass(frozen=True)
class PlanRecord:
    """A plan kept by the service: its scope, owner and rendered JSON."""

    plan_id: str
    thana: str | None
    owner: str
    plan: Any
    body: dict[str, Any]


class PlanStore:
    """The last :data:`MAX_PLANS` plans of a service, by id (thread-safe)."""

    def __init__(self, capacity: int = MAX_PLANS) -> None:
        self._capacity = capacity
        self._plans: OrderedDict[str, PlanRecord] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, record: PlanRecord) -> None:
        """Keep a plan (forgetting the oldest beyond the capacity)."""
        with self._lock:
            self._plans[record.plan_id] = record
            while len(self._plans) > self._capacity:
                self._plans.popitem(last=False)

    def get(self, plan_id: str) -> PlanRecord | None:
        """Return a plan, or ``None``."""
        with self._lock:
            return self._plans.get(plan_id)


def plan_store(request: Request) -> PlanStore:
    """Return the app's plan store (created on first use)."""
    store: PlanStore | None = getattr(request.app.state, _PLANS_ATTR, None)
    if store is None:
        store = PlanStore()
        setattr(request.app.state, _PLANS_ATTR, store)
    return store


def _record(request: Request, user: User, plan_id: str) -> PlanRecord:
    record = plan_store(request).get(plan_id)
    if record is None:
        raise NotFoundError(
            f"no patrol plan {plan_id!r}",
            why="plans are kept in memory: the service may have restarted, or it was forgotten "
            f"after {MAX_PLANS} newer plans",
            fix="create the plan again with POST /patrol/plans",
            field="plan_id",
        )
    if user.role is Role.INCHARGE and record.thana != user.thana:
        where = f"thana {record.thana!r}" if record.thana else "every thana"
        raise PermissionDeniedError(
            f"an in-charge of {user.thana} may not see a plan of {where}",
            why="in-charges see only their own thana",
            fix=f"create a plan of {user.thana!r}",
            field="plan_id",
        )
    request.state.audit_thana = record.thana
    return record


def _path(*parts: object) -> str:
    """Return URL path segments, each percent-quoted (a ``/`` in one cannot split it)."""
    return "/".join(quote(str(part), safe="") for part in parts)


def _links(plan_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Add each route's sheet URL to the plan JSON."""
    for route in body.get("routes", []):
        day, team = route["day"], route["team"]
        route["sheet"] = f"/patrol/plans/{_path(plan_id)}/sheets/{_path(day, team)}"
        route["sheet_page"] = f"{SHEET_PAGE_PREFIX}/{_path(plan_id, day, team)}"
    return body


def _teams(request: PlanRequest) -> list[TeamSpec] | None:
    """Return the request's teams after checking them (names, counts), or ``None``."""
    if request.teams is None:
        return None
    counts: dict[str, int] = {}
    teams = []
    for i, t in enumerate(request.teams):
        counts[t.thana] = counts.get(t.thana, 0) + 1
        teams.append(
            make_team(
                t.thana,
                t.team or default_team_name(t.thana, counts[t.thana]),
                t.shift_start,
                t.shift_end,
                t.mode,
                speed_kmh=t.speed_kmh,
                where=f"teams[{i}]",
            )
        )
    check_teams(teams, where="teams")
    return teams


PlanIdPath = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
DayPath = Annotated[int, Path(ge=1, le=31)]
TeamPath = Annotated[str, Path(max_length=120)]


@router.post(
    "/patrol/plans",
    status_code=201,
    summary="Create a patrol plan",
    responses={
        201: {"description": "The plan (JSON) with its id and sheet links."},
        **PROBLEM_RESPONSES,
    },
)
async def create_plan(
    request: Request, state: State, user: CurrentUser, body: PlanRequest
) -> Response:
    """Plan patrols: routes per team and day with arrival windows, reasons and coverage.

    Stops are hotspots (their part in each thana) and timed sensitive sites; each team
    patrols its own thana. An in-charge plans their own thana only.
    """
    scope = scope_for(user, body.thana)
    request.state.audit_thana = scope
    q = PatrolRequest(
        thana=scope,
        days=body.days,
        seed=body.seed,
        start=body.start,
        teams=_teams(body),
        must_visit=tuple(body.must_visit),
    )
    q, thana_days = within_service_budget(state.store, q)
    plan = await run_in_threadpool(plan_patrols, state.store, state.settings, q)
    from models.patrol.export import plan_dict

    plan_id = secrets.token_urlsafe(9)
    data = _links(plan_id, {"id": plan_id, **plan_dict(plan)})
    note_time_limit(data, thana_days)
    plan_store(request).add(PlanRecord(plan_id, scope, user.name, plan, data))
    add_audit_detail(request, plan_id=plan_id, days=body.days, seed=body.seed)
    return Response(json_bytes(data), status_code=201, media_type="application/json")


@router.get(
    "/patrol/plans/{plan_id}",
    summary="Get a patrol plan",
    response_class=Response,
    responses={
        200: {"description": "The plan (JSON)."},
        404: {"description": "No such plan."},
        **PROBLEM_RESPONSES,
    },
)
async def get_plan(request: Request, user: CurrentUser, plan_id: PlanIdPath) -> Response:
    """Return a plan made earlier (in-charges: only plans of their thana)."""
    record = _record(request, user, plan_id)
    return Response(json_bytes(record.body), media_type="application/json")


@router.get(
    "/patrol/plans/{plan_id}/sheets/{day}/{team}",
    summary="A team's printable patrol sheet (HTML)",
    response_class=Response,
    responses={
        200: {"description": "A printable HTML page.", "content": {"text/html": {}}},
        404: {"description": "No such plan."},
        **PROBLEM_RESPONSES,
    },
)
async def get_sheet(
    request: Request,
    user: CurrentUser,
    plan_id: PlanIdPath,
    day: DayPath,
    team: TeamPath,
) -> Response:
    """Return the sheet of a team for a day: conduct guidance, route sketch, stops and times."""
    return _sheet(request, user, plan_id, day, team)


@router.get(
    SHEET_PAGE_PREFIX + "/{plan_id}/{day}/{team}",
    summary="A team's patrol sheet for the web page (HTML; bearer token or map cookie)",
    response_class=Response,
    include_in_schema=False,
)
async def get_sheet_page(
    request: Request,
    user: MapUser,
    plan_id: PlanIdPath,
    day: DayPath,
    team: TeamPath,
) -> Response:
    """Return the same sheet, authenticated like the maps (a link cannot send a bearer token)."""
    return _sheet(request, user, plan_id, day, team)


def _sheet(request: Request, user: User, plan_id: str, day: int, team: str) -> Response:
    from maps.patrol_sheet import sheet_html

    record = _record(request, user, plan_id)
    try:
        route = record.plan.route(day - 1, team)
    except ParameterError as exc:
        raise NotFoundError(exc.what, fix=exc.fix, field="team") from None
    return Response(sheet_html(record.plan, route), media_type="text/html; charset=utf-8")
