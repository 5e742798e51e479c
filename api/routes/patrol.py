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

from api.deps import CurrentUser, MapUser, ServiceState, State, add_audit_detail, scope_for
from api.errors import NotFoundError, PermissionDeniedError
from api.routes.common import PROBLEM_RESPONSES, json_bytes
from api.users import Role, User
from geo.errors import ParameterError
from geo.schema import LayerKind

router = APIRouter(tags=["patrol"])

#: Where the web page opens sheets (under ``/maps``, so the HttpOnly map cookie reaches it).
SHEET_PAGE_PREFIX: Final = "/maps/patrol-sheets"

#: Plans kept in memory per service (the oldest is forgotten first).
MAX_PLANS: Final = 32
#: Most thanas × days one request may plan (~0.25 s each): one request may not hold the
#: service for minutes. A week of every thana is a CLI job (``shakti patrol plan``).
MAX_THANA_DAYS: Final = 62
#: Earliest and latest first day accepted.
FIRST_DAY: Final = dt.date(2000, 1, 1)
LAST_DAY: Final = dt.date(2100, 12, 31)
#: Most teams and must-visit places one request may give.
MAX_TEAMS: Final = 300
MAX_MUST_VISIT: Final = 50
_PLANS_ATTR: Final = "patrol_plans"


class TeamIn(BaseModel):
    """A team of a plan request (see :func:`models.teams.make_team`)."""

    thana: str = Field(max_length=200, examples=["Lanka"])
    team: str | None = Field(default=None, max_length=100, examples=["Lanka-1"])
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
        description="First day; default the day after the latest incident.",
    )
    teams: list[TeamIn] | None = Field(default=None, max_length=MAX_TEAMS)
    must_visit: list[str] = Field(default_factory=list, max_length=MAX_MUST_VISIT)


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


def _links(plan_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Add each route's sheet URL to the plan JSON."""
    for route in body.get("routes", []):
        tail = f"{plan_id}/{route['day']}/{quote(str(route['team']), safe='')}"
        route["sheet"] = f"/patrol/plans/{plan_id}/sheets/{route['day']}/" + tail.split("/")[-1]
        route["sheet_page"] = f"{SHEET_PAGE_PREFIX}/{tail}"
    return body


def _compute(state: ServiceState, request: PlanRequest, scope: str | None) -> Any:
    from models.patrol import plan_from_store
    from models.teams import make_team

    teams = None
    if request.teams is not None:
        teams = [
            make_team(
                t.thana,
                t.team or f"{t.thana}-{i + 1}",
                t.shift_start,
                t.shift_end,
                t.mode,
                speed_kmh=t.speed_kmh,
                where=f"teams[{i}]",
            )
            for i, t in enumerate(request.teams)
        ]
    return plan_from_store(
        state.store,
        timezone=state.settings.timezone,
        metric_crs=state.settings.metric_crs,
        thana=scope,
        days=request.days,
        seed=request.seed,
        start=request.start,
        teams=teams,
        must_visit=request.must_visit,
    )


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
    thanas = 1 if scope is not None else max(1, state.store.count(LayerKind.THANAS))
    if thanas * body.days > MAX_THANA_DAYS:
        raise ParameterError(
            f"a plan of {thanas} thanas × {body.days} days is above the service's limit of "
            f"{MAX_THANA_DAYS} thana-days",
            why="one request may not hold the service for minutes",
            fix="plan one thana at a time (thana), fewer days, or use `shakti patrol plan`",
        )
    plan = await run_in_threadpool(_compute, state, body, scope)
    from models.patrol_export import plan_dict

    plan_id = secrets.token_urlsafe(9)
    data = _links(plan_id, {"id": plan_id, **plan_dict(plan)})
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
