"""``/patrol/plans``: create a patrol plan, read it, and print a team's sheet for a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from api.service.deps import (
    CurrentUser,
    MapUser,
    ServiceState,
    State,
    add_audit_detail,
    request_scope,
)
from api.service.errors import NotFoundError
from api.service.routes.common import (
    PROBLEM_RESPONSES,
    json_response,
    json_route,
    page_route,
    shown,
)
from api.service.routes.params import FORECAST_QUERY_HELP
from api.service.uploads import safe_filename
from api.service.users import Role, User
from api.usecases.patrol import (
    PatrolRequest,
    note_time_limit,
    plan_patrols,
    within_service_budget,
)
from api.usecases.plans import ACTIONS, Actor, change_status, get_plan, list_plans, save_plan
from geo.errors import ParameterError
from geo.ingest.privacy import holds_personal_number, reads_as_person_name
from geo.store.plans import PLAN_STATUSES, StoredPlan
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

if TYPE_CHECKING:
    from models.patrol import PatrolPlan, Route
    from models.patrol.saved import LoadedPlan

router = APIRouter(tags=["patrol"])

#: Field file formats a route can be downloaded in, and their media types.
FIELD_FORMATS: Final = {"gpx": "application/gpx+xml", "kml": "application/vnd.google-earth.kml+xml"}

#: Where the web page opens sheets (under ``/maps``, so the HttpOnly map cookie reaches it).
SHEET_PAGE_PREFIX: Final = "/maps/patrol-sheets"
#: Where the web page downloads GPX and KML files (map cookie, as the sheets).
FIELD_PAGE_PREFIX: Final = "/maps/patrol-files"

#: The answer to a plan id the store does not have (or the user may not see).
NO_PLAN: Final[dict[int | str, dict[str, Any]]] = {404: {"description": "No such plan."}}

#: Most must-visit places one request may give, and the longest place key.
MAX_MUST_VISIT: Final = 50
MAX_PLACE_KEY_CHARS: Final = 120
#: Longest team name the request parser reads; :func:`models.teams.check_team_name` then
#: refuses anything above :data:`models.teams.MAX_TEAM_NAME_CHARS` with a clear message.
_MAX_TEAM_FIELD_CHARS: Final = 100


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
    forecast: bool | None = Field(default=None, description=FORECAST_QUERY_HELP)
    follow_up: float = Field(
        default=1.0,
        ge=0,
        le=3,
        description="How much more places missed in the latest week of recorded visits weigh "
        "(0: not at all; 1: a place missed at every planned visit weighs double).",
    )

    @field_validator("must_visit")
    @classmethod
    def _no_person(cls, keys: list[str]) -> list[str]:
        """Refuse a must-visit key that holds a phone, Aadhaar or e-mail value or reads as a name.

        A key naming no stop is repeated in the plan's error: a person's name or phone typed
        there is refused here, unrepeated.
        """
        if any(holds_personal_number(k) or reads_as_person_name(k) for k in keys):
            raise ValueError(
                "a place holds a phone, Aadhaar or e-mail value or reads as a person's name, so "
                "it is not kept; use a place id from the plan (hotspot-7, site-<site id>)"
            )
        return keys


def actor_of(user: User) -> Actor:
    """Return who acts on saved plans: an in-charge limited to their thana, analysts read only."""
    return Actor(
        name=user.name,
        thana=user.thana if user.role is Role.INCHARGE else None,
        may_change=user.role is not Role.ANALYST,
    )


@dataclass(frozen=True)
class PlanCall:
    """A request on saved plans: the HTTP request (its audit entry), the service state, the user.

    Attributes
    ----------
    request : fastapi.Request
    state : api.service.deps.ServiceState
    user : api.service.users.User
        Who asks (an in-charge sees and changes only plans of their thana).
    """

    request: Request
    state: ServiceState
    user: User


async def _plan_call(request: Request, state: State, user: CurrentUser) -> PlanCall:
    return PlanCall(request, state, user)


async def _plan_page_call(request: Request, state: State, user: MapUser) -> PlanCall:
    return PlanCall(request, state, user)


#: A request on saved plans authenticated by the bearer token.
PlanCaller = Annotated[PlanCall, Depends(_plan_call)]
#: A web page's link to a plan's sheet or file: the bearer token or the map cookie.
PlanPageCaller = Annotated[PlanCall, Depends(_plan_page_call)]


def loaded_plan(call: PlanCall, plan_id: str) -> LoadedPlan:
    """Return a saved plan the user may see (404 unknown, 403 another thana's); audit its thana."""
    loaded = get_plan(call.state.store, actor_of(call.user), plan_id)
    call.request.state.audit_thana = loaded.meta.thana
    return loaded


def _body(plan_id: str, plan: Any, meta: StoredPlan) -> dict[str, Any]:
    """Return a saved plan's JSON: the plan, its sheet and file links, and its metadata."""
    from models.patrol.export import plan_dict

    return _links(plan_id, {"id": plan_id, "saved": meta.meta(), **plan_dict(plan)}, plan)


def _path(*parts: object) -> str:
    """Return URL path segments, each percent-quoted (a ``/`` in one cannot split it)."""
    return "/".join(quote(str(part), safe="") for part in parts)


def _links(plan_id: str, body: dict[str, Any], plan: PatrolPlan) -> dict[str, Any]:
    """Add each route's sheet, GPX and KML URLs and its navigation links to the plan JSON."""
    from models.patrol.navigation import route_urls

    directions = {(r.day + 1, r.team.team): route_urls(r) for r in plan.routes}
    for route in body.get("routes", []):
        day, team = route["day"], route["team"]
        route["sheet"] = f"/patrol/plans/{_path(plan_id)}/sheets/{_path(day, team)}"
        route["sheet_page"] = f"{SHEET_PAGE_PREFIX}/{_path(plan_id, day, team)}"
        for kind in FIELD_FORMATS:
            route[kind] = f"/patrol/plans/{_path(plan_id)}/{kind}/{_path(day, team)}"
            route[f"{kind}_page"] = f"{FIELD_PAGE_PREFIX}/{_path(plan_id, kind, day, team)}"
        route["directions"] = directions.get((day, team), [])
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


@dataclass(frozen=True)
class TeamDay:
    """A team's day of a saved plan, as the sheet and field-file paths name it."""

    plan_id: str
    day: int
    team: str


async def _team_day(plan_id: PlanIdPath, day: DayPath, team: TeamPath) -> TeamDay:
    return TeamDay(plan_id=plan_id, day=day, team=team)


#: ``{plan_id}``, ``{day}`` (1-based) and ``{team}`` of a sheet or field-file path.
TeamDayPath = Annotated[TeamDay, Depends(_team_day)]


@router.post(
    "/patrol/plans",
    summary="Create a patrol plan",
    **json_route("The plan with its id and sheet links.", status_code=201),
)
async def create_plan(call: PlanCaller, body: PlanRequest) -> Response:
    """Plan patrols: routes per team and day with arrival windows, reasons and coverage.

    Stops are hotspots (their part in each thana) and timed sensitive sites; each team
    patrols its own thana. An in-charge plans their own thana only.
    """
    from api.usecases.visits import follow_up_of

    request, state = call.request, call.state
    scope = request_scope(request, call.user, body.thana)
    follow = await run_in_threadpool(
        follow_up_of, state.store, state.settings, thana=scope, strength=body.follow_up
    )
    q = PatrolRequest(
        follow_up=follow,
        thana=scope,
        days=body.days,
        seed=body.seed,
        start=body.start,
        teams=_teams(body),
        must_visit=tuple(body.must_visit),
        forecast=body.forecast,
    )
    q, thana_days = within_service_budget(state.store, q)
    plan = await run_in_threadpool(plan_patrols, state.store, state.settings, q)
    from models.patrol.export import plan_dict

    data = plan_dict(plan)
    note_time_limit(data, thana_days)
    plan.notes = list(data["meta"]["notes"])  # the time-limit note is kept with the plan
    meta = await run_in_threadpool(save_plan, state.store, plan, q, author=call.user.name)
    add_audit_detail(request, plan_id=meta.plan_id, days=body.days, seed=body.seed)
    body_json = _body(meta.plan_id, plan, meta)
    return json_response(body_json, status_code=201)


@router.get(
    "/patrol/plans/{plan_id}", summary="Get a patrol plan", **json_route("The plan.", NO_PLAN)
)
async def read_plan(call: PlanCaller, plan_id: PlanIdPath) -> Response:
    """Return a saved plan with its status (in-charges: only plans of their thana)."""
    loaded = await run_in_threadpool(loaded_plan, call, plan_id)
    body = _body(plan_id, loaded.plan, loaded.meta)
    return json_response(body)


@router.get(
    "/patrol/plans/{plan_id}/sheets/{day}/{team}",
    summary="A team's printable patrol sheet (HTML)",
    response_class=Response,
    responses={
        200: {"description": "A printable HTML page.", "content": {"text/html": {}}},
        **NO_PLAN,
        **PROBLEM_RESPONSES,
    },
)
async def get_sheet(call: PlanCaller, at: TeamDayPath) -> Response:
    """Return the sheet of a team for a day: conduct guidance, route sketch, stops and times."""
    return await run_in_threadpool(_sheet, call, at)


@router.get(
    SHEET_PAGE_PREFIX + "/{plan_id}/{day}/{team}",
    **page_route("A team's patrol sheet for the web page (HTML; bearer token or map cookie)"),
)
async def get_sheet_page(call: PlanPageCaller, at: TeamDayPath) -> Response:
    """Return the same sheet, authenticated like the maps (a link cannot send a bearer token)."""
    return await run_in_threadpool(_sheet, call, at)


def _team_route(call: PlanCall, at: TeamDay) -> tuple[LoadedPlan, Route]:
    """Return a saved plan the user may see and its team's route of the day, or 404."""
    loaded = loaded_plan(call, at.plan_id)
    try:
        return loaded, loaded.plan.route(at.day - 1, at.team)
    except ParameterError as exc:
        # the error's own text repeats the team as typed: a name or phone is not sent back
        raise NotFoundError(
            f"the plan has no route of team{shown(at.team)} on day {at.day}",
            fix=exc.fix,
            field="team",
        ) from None


def _sheet(call: PlanCall, at: TeamDay) -> Response:
    from maps.patrol_sheet import sheet_html

    loaded, route = _team_route(call, at)
    return Response(sheet_html(loaded.plan, route), media_type="text/html; charset=utf-8")


StatusQuery = Annotated[
    str | None,
    Query(max_length=20, description="Only plans with this status: " + ", ".join(PLAN_STATUSES)),
]


@router.get(
    "/patrol/plans",
    summary="List saved patrol plans",
    **json_route("Saved plans, newest first (no plan data)."),
)
async def list_saved_plans(call: PlanCaller, status: StatusQuery = None) -> Response:
    """Return the saved plans the user may see (in-charges: their thana's), newest first."""
    actor = actor_of(call.user)
    call.request.state.audit_thana = actor.thana
    plans = await run_in_threadpool(list_plans, call.state.store, actor, status=status)
    body = {"plans": [{**p.meta(), "url": f"/patrol/plans/{_path(p.plan_id)}"} for p in plans]}
    return json_response(body)


ActionPath = Annotated[
    str,
    Path(
        max_length=10, pattern="^(" + "|".join(ACTIONS) + ")$", description="issue, done or cancel"
    ),
]


@router.post(
    "/patrol/plans/{plan_id}/{action}",
    summary="Issue, complete or cancel a saved patrol plan",
    **json_route(
        "The plan's metadata after the change.",
        {**NO_PLAN, 409: {"description": "The plan's status does not allow the change."}},
    ),
)
async def change_plan_status(call: PlanCaller, plan_id: PlanIdPath, action: ActionPath) -> Response:
    """Issue (or re-issue), mark done or cancel a plan; cancelled and done plans are final.

    Analysts may not change plans; an in-charge only plans of their thana.
    """
    store, actor = call.state.store, actor_of(call.user)
    meta = await run_in_threadpool(change_status, store, actor, plan_id, action)
    call.request.state.audit_thana = meta.thana
    add_audit_detail(call.request, plan_id=plan_id, status=meta.status)
    return json_response(meta.meta())


FormatPath = Annotated[str, Path(max_length=3, pattern="^(gpx|kml)$", description="gpx or kml")]


@router.get(
    "/patrol/plans/{plan_id}/{kind}/{day}/{team}",
    summary="A team's route for a day as GPX (GPS apps) or KML (Google Earth, My Maps)",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as a download.",
            "content": {media: {} for media in FIELD_FORMATS.values()},
        },
        404: {"description": "No such plan, day or team."},
        **PROBLEM_RESPONSES,
    },
)
async def get_field_file(call: PlanCaller, kind: FormatPath, at: TeamDayPath) -> Response:
    """Return the GPX 1.1 or KML file of a team's day: numbered stops and the route.

    Made on the service, offline; OsmAnd, Organic Maps and other GPS apps open the GPX.
    """
    return await run_in_threadpool(_field_file, call, kind, at)


def _field_file(call: PlanCall, kind: str, at: TeamDay) -> Response:
    from maps.field_files import field_name, route_gpx, route_kml

    loaded, route = _team_route(call, at)
    text = (route_gpx if kind == "gpx" else route_kml)(loaded.plan, route)
    # a header is latin-1: a Hindi team name is reduced to a safe ASCII file name
    name = safe_filename(f"{at.plan_id}-{field_name(route).replace('/', '-')}.{kind}")
    return Response(
        text.encode("utf-8"),
        media_type=FIELD_FORMATS[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    FIELD_PAGE_PREFIX + "/{plan_id}/{kind}/{day}/{team}",
    **page_route("A team's GPX or KML file for the web page (bearer token or map cookie)"),
)
async def get_field_file_page(call: PlanPageCaller, kind: FormatPath, at: TeamDayPath) -> Response:
    """Return the same file, authenticated like the maps (a link cannot send a bearer token)."""
    return await run_in_threadpool(_field_file, call, kind, at)
