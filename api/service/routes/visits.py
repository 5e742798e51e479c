"""``/patrol/plans/{id}/visits``: record visits of stops, read them; dosage and effect."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final, Literal

import pandas as pd
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from api.service.deps import State, ThanaScope, add_audit_detail
from api.service.errors import NotFoundError, PermissionDeniedError
from api.service.routes.common import json_response, json_route, shown
from api.service.routes.patrol import PlanCall, PlanCaller, PlanIdPath, loaded_plan
from api.service.users import Role, User
from api.usecases.effect import EFFECT_DEFAULTS
from api.usecases.plans import check_takes_visits
from api.usecases.visits import (
    DOSAGE_WEEKS,
    MAX_DOSAGE_WEEKS,
    MAX_VISITS_PER_REQUEST,
    dosage_dict,
    dosage_report,
    plan_visits,
    record_visits,
)
from geo.ingest.privacy import holds_personal_number, reads_as_person_name
from geo.ingest.visit_rules import PlanStops
from geo.schema import (
    ARRIVED,
    DAY,
    GEOMETRY,
    LEFT,
    SEEN_CATEGORIES,
    SEEN_CATEGORY,
    SEEN_COUNT,
    STATUS,
    STOP,
    STOP_PLACE,
    TEAM,
    THANA,
    VISIT_STATUSES,
)

router = APIRouter(tags=["patrol"])

#: Roles that may record visits (an in-charge only for their thana's teams); analysts read.
RECORD_ROLES: Final = (Role.ADMIN, Role.PLANNER, Role.INCHARGE)
#: Fields of a visit returned by ``GET .../visits`` (never anything about a person).
VISIT_FIELDS: Final = (DAY, TEAM, STOP, STOP_PLACE, STATUS, ARRIVED, LEFT, SEEN_CATEGORY,
                       SEEN_COUNT, THANA)  # fmt: skip


#: The vocabularies as request types: free text is refused before it reaches the store.
VisitStatus = Literal["visited", "missed", "cut-short", "no-team-available"]
SeenCategory = Literal[
    "none", "eve-teasing", "stalking", "crowd-at-gate", "suspicious-vehicle", "other"
]


class VisitIn(BaseModel):
    """One stop's visit: what the team did there (times are local, ISO 8601)."""

    team: str = Field(max_length=100, examples=["Lanka-1"])
    day: dt.date = Field(examples=["2026-12-01"])
    stop: int = Field(ge=1, le=500, description="Number of the stop in the team's route.")
    status: VisitStatus = Field(description=" / ".join(VISIT_STATUSES))
    arrived: str | None = Field(default=None, max_length=40, examples=["2026-12-01T18:05"])
    left: str | None = Field(default=None, max_length=40, examples=["2026-12-01T18:17"])
    seen_category: SeenCategory | None = Field(
        default=None, description=" / ".join(SEEN_CATEGORIES) + " (a category, never free text)"
    )
    seen_count: int | None = Field(default=None, ge=0, le=10_000)

    @field_validator("arrived", "left")
    @classmethod
    def _no_person(cls, value: str | None) -> str | None:
        """Refuse a time that holds a phone, Aadhaar or e-mail value or reads as a name.

        An unreadable time quarantines its row with the value as written (shown in the
        quarantine and the answer): a person's name or phone typed there is refused here,
        unrepeated, and never stored.
        """
        if value is not None and (holds_personal_number(value) or reads_as_person_name(value)):
            raise ValueError(
                "holds a phone, Aadhaar or e-mail value or reads as a person's name, so it is "
                "not kept; write a date and time (2026-12-01T18:05)"
            )
        return value


class VisitsIn(BaseModel):
    """Visits to record (a team's day at most)."""

    visits: list[VisitIn] = Field(min_length=1, max_length=MAX_VISITS_PER_REQUEST)


def lookup_plan(call: PlanCall, plan_id: str, *, recording: bool = False) -> tuple[Any, str | None]:
    """Return a saved plan and its thana for ``call.user`` (the one seam to where plans are kept).

    Raises
    ------
    geo.errors.PlanNotFoundError
        No such plan in the store.
    geo.errors.PlanStatusError
        ``recording`` visits of a plan that is not issued or done (409).
    PermissionDeniedError
        An in-charge asking for a plan of another thana.
    """
    loaded = loaded_plan(call, plan_id)
    if recording:
        check_takes_visits(loaded.meta)
    return loaded.plan, loaded.meta.thana


def _check_teams(plan: Any, user: User, visits: list[VisitIn]) -> None:
    """Refuse visits of a team of another thana (in-charges) or of no team of the plan."""
    if user.role not in RECORD_ROLES:
        raise PermissionDeniedError(
            f"a user with role {user.role.value} may not record visits",
            why="analysts read; planners, admins and in-charges record",
            fix="ask the thana's in-charge or a planner to record them",
        )
    thana_of = {t.team: t.thana for t in plan.teams.teams}
    for i, visit in enumerate(visits):
        thana = thana_of.get(visit.team)
        if thana is None:
            raise NotFoundError(
                f"visits[{i}]: the plan has no team{shown(visit.team)}",
                fix="use a team of the plan (its sheet names it)",
                field="team",
            )
        if user.role is Role.INCHARGE and thana != user.thana:
            raise PermissionDeniedError(
                f"visits[{i}]: an in-charge of {user.thana} may not record a visit of a team "
                f"of {thana}",
                why="in-charges record only their own thana's visits",
                fix=f"record visits of teams of {user.thana!r}",
                field="team",
            )


def _stops(plan: Any, plan_id: str) -> PlanStops:
    from models.patrol.visits import plan_stops

    return plan_stops(plan, plan_id)


def _records(visits: Any) -> list[dict[str, Any]]:
    """Return stored visits as JSON-ready rows (local times, ISO)."""
    rows = []
    for _i, row in visits.iterrows():
        item: dict[str, Any] = {}
        for name in VISIT_FIELDS:
            value = row.get(name)
            if (
                value is None
                or value is pd.NaT
                or (pd.api.types.is_scalar(value) and pd.isna(value))
            ):
                item[name] = None
            elif hasattr(value, "isoformat"):
                item[name] = value.isoformat()
            else:
                item[name] = value.item() if hasattr(value, "item") else value
        geom = row[GEOMETRY]
        item["lon"], item["lat"] = round(geom.x, 6), round(geom.y, 6)
        rows.append(item)
    return rows


@router.post(
    "/patrol/plans/{plan_id}/visits",
    summary="Record visits of a plan's stops",
    **json_route("What was stored and what was quarantined, with reasons.", status_code=201),
)
async def post_visits(call: PlanCaller, plan_id: PlanIdPath, body: VisitsIn) -> Response:
    """Record what teams did at their stops; each row is validated like an imported file.

    A row whose times disagree with its status, or that names no stop of the plan, is
    quarantined with its reason. In-charges record their own thana's teams only. Only an
    issued plan (or one marked done) takes visits: a draft or cancelled one answers 409.
    """
    plan, _thana = lookup_plan(call, plan_id, recording=True)
    _check_teams(plan, call.user, body.visits)
    rows = [v.model_dump(mode="json") for v in body.visits]
    request, state = call.request, call.state
    result = await run_in_threadpool(
        record_visits, rows, state.store, state.settings, _stops(plan, plan_id)
    )
    summary = result.summary()
    add_audit_detail(
        request, plan_id=plan_id, accepted=summary["accepted"], quarantined=summary["quarantined"]
    )
    messages = result.report.quarantine["message"].head(20).tolist()
    body_out = {**summary, "problems": messages}
    return json_response(body_out, status_code=201)


@router.get(
    "/patrol/plans/{plan_id}/visits",
    summary="The recorded visits of a plan",
    **json_route("Visits in day, team, stop order."),
)
async def get_visits(call: PlanCaller, plan_id: PlanIdPath) -> Response:
    """Return a plan's visits (in-charges: their thana's)."""
    _plan, thana = lookup_plan(call, plan_id)
    user, state = call.user, call.state
    scope = user.thana if user.role is Role.INCHARGE else None
    visits = await run_in_threadpool(plan_visits, state.store, state.settings, plan_id, thana=scope)
    data = {"plan_id": plan_id, "thana": thana, "visits": _records(visits)}
    return json_response(data)


@router.get(
    "/patrol/effect",
    summary="Did patrols work? Patrolled hotspots against matched unpatrolled ones",
    **json_route("The effect report."),
)
async def get_effect(
    state: State,
    scope: ThanaScope,
    window_days: Annotated[int, Query(ge=7, le=182)] = EFFECT_DEFAULTS.window_days,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = EFFECT_DEFAULTS.seed,
) -> Response:
    """Return the effect report of a thana (in-charges: their own), with a plain verdict."""
    from api.usecases.effect import EffectRequest, effect_dict, patrol_effect_of

    q = EffectRequest(thana=scope, window_days=window_days, seed=seed, bootstrap=1000)
    result = await run_in_threadpool(patrol_effect_of, state.store, state.settings, q)
    return json_response({"thana": scope, **effect_dict(result)})


@router.get(
    "/patrol/dosage",
    summary="Minutes of presence per place and week against Koper's 10-15 minutes; missed visits",
    **json_route("The dosage report."),
)
async def get_dosage(
    state: State,
    scope: ThanaScope,
    weeks: Annotated[int, Query(ge=1, le=MAX_DOSAGE_WEEKS)] = DOSAGE_WEEKS,
) -> Response:
    """Return the dosage of the latest weeks of recorded visits of a thana (in-charges: own)."""
    frame = await run_in_threadpool(
        dosage_report, state.store, state.settings, thana=scope, weeks=weeks
    )
    body = {"thana": scope, "weeks": weeks, **dosage_dict(frame)}
    return json_response(body)
