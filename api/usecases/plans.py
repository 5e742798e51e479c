"""Use case: saved patrol plans — save, list, show, issue, complete and cancel, within a scope."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from api.service.errors import PermissionDeniedError
from geo.errors import PlanNotFoundError, PlanStatusError
from geo.store import Store
from geo.store.plans import (
    PLAN_STATUSES,
    PLAN_TRANSITIONS,
    STATUS_CANCELLED,
    STATUS_DONE,
    STATUS_DRAFT,
    STATUS_ISSUED,
    StoredPlan,
    data_digest,
)

if TYPE_CHECKING:
    from api.usecases.patrol import PatrolRequest
    from models.patrol import PatrolPlan
    from models.patrol.saved import LoadedPlan

logger = logging.getLogger(__name__)

#: Statuses of a plan whose stops take visits: a draft has not gone out, a cancelled one never will.
TAKES_VISITS: Final = (STATUS_ISSUED, STATUS_DONE)
#: Who a plan made or changed with the command line is attributed to (no account there).
CLI_AUTHOR: Final = "shakti-cli"
#: Most plans one listing returns (newest first).
MAX_LISTED: Final = 500
#: Actions on a plan's status and the status each one sets.
ACTIONS: Final[dict[str, str]] = {
    "issue": STATUS_ISSUED,
    "done": STATUS_DONE,
    "cancel": STATUS_CANCELLED,
}


@dataclass(frozen=True)
class Actor:
    """Who acts on plans: a name, whether they may change plans, and their thana limit.

    Attributes
    ----------
    name : str
        Account name (``shakti-cli`` on the command line).
    thana : str or None
        The only thana whose plans they see (an in-charge); ``None``: every thana.
    may_change : bool
        Whether they may issue, complete or cancel plans (analysts read only).
    """

    name: str
    thana: str | None = None
    may_change: bool = True


#: The command line: whoever runs it owns the store.
CLI_ACTOR: Final = Actor(CLI_AUTHOR)


def now_utc() -> str:
    """Return the current UTC time as ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _request_params(q: PatrolRequest) -> dict[str, Any]:
    """Return a plan request as JSON data; a road graph by file name only (no server path)."""
    from pathlib import Path

    return {
        "thana": q.thana,
        "days": q.days,
        "seed": q.seed,
        "start": None if q.start is None else q.start.isoformat(),
        "teams": None
        if q.teams is None
        else [
            {
                "thana": t.thana,
                "team": t.team,
                "shift_start_min": t.shift_start_min,
                "shift_end_min": t.shift_end_min,
                "mode": t.mode,
                "speed_kmh": t.speed_kmh,
            }
            for t in q.teams
        ],
        "must_visit": list(q.must_visit),
        "road_graph": None if q.road_graph is None else Path(q.road_graph).name,
    }


def save_plan(
    store: Store,
    plan: PatrolPlan,
    q: PatrolRequest,
    *,
    author: str,
    status: str = STATUS_DRAFT,
) -> StoredPlan:
    """Save a new plan with its request, the data version it was made from and its author.

    Parameters
    ----------
    store : geo.store.Store
    plan : models.patrol.PatrolPlan
    q : PatrolRequest
        The request it was made from (``q.thana`` is its scope).
    author : str
    status : str
        :data:`geo.store.plans.STATUS_DRAFT` (default) or ``issued``.

    Returns
    -------
    geo.store.plans.StoredPlan
        Without its data (``plan`` is ``None``).
    """
    from models.patrol.codec import plan_data

    at = now_utc()
    stored = StoredPlan(
        plan_id=secrets.token_hex(8),  # never starts with "-" (a CLI option)
        thana=q.thana,
        status=status,
        author=author,
        created_at=at,
        updated_at=at,
        updated_by=author,
        start=plan.start.isoformat(),
        days=plan.days,
        seed=plan.seed,
        data_version=data_digest(store.imports()),
        store_version=store.version,
        params=_request_params(q),
        plan=plan_data(plan),
    )
    store.save_plan(stored)
    logger.info("patrol plan %s saved (%s, %s)", stored.plan_id, q.thana or "every thana", status)
    return replace(stored, plan=None)


def _check_scope(actor: Actor, meta: StoredPlan) -> None:
    if actor.thana is not None and meta.thana != actor.thana:
        where = f"thana {meta.thana!r}" if meta.thana else "every thana"
        raise PermissionDeniedError(
            f"an in-charge of {actor.thana} may not see a plan of {where}",
            why="in-charges see only their own thana",
            fix=f"use a plan of {actor.thana!r} (`shakti patrol list`, GET /patrol/plans)",
            field="plan_id",
        )


def list_plans(store: Store, actor: Actor, *, status: str | None = None) -> list[StoredPlan]:
    """Return the saved plans the actor may see (newest first, without their data).

    Parameters
    ----------
    store : geo.store.Store
    actor : Actor
    status : str, optional
        Only plans with this status.

    Returns
    -------
    list of geo.store.plans.StoredPlan
        At most :data:`MAX_LISTED`.

    Raises
    ------
    geo.errors.ParameterError
        For an unknown status.
    """
    if status is not None:
        check_status(status)
    plans = store.list_plans(thana=actor.thana)
    return [p for p in plans if status is None or p.status == status][:MAX_LISTED]


def check_status(status: str) -> str:
    """Return a plan status after checking it is one of :data:`PLAN_STATUSES`."""
    from geo.errors import ParameterError

    if status not in PLAN_STATUSES:
        raise ParameterError(
            f"{status!r} is not a plan status",
            fix="use one of " + ", ".join(PLAN_STATUSES),
        )
    return status


def get_plan(store: Store, actor: Actor, plan_id: str) -> LoadedPlan:
    """Return a saved plan and its metadata if the actor may see it.

    Raises
    ------
    geo.errors.PlanNotFoundError
    api.service.errors.PermissionDeniedError
        An in-charge asking for a plan of another thana (or of every thana).
    """
    from models.patrol.saved import load_plan

    loaded = load_plan(store, plan_id)
    _check_scope(actor, loaded.meta)
    return loaded


def check_takes_visits(meta: StoredPlan) -> None:
    """Refuse visits of a plan that was not issued (a draft, or cancelled).

    Raises
    ------
    geo.errors.PlanStatusError
        When the plan's status is not one of :data:`TAKES_VISITS`.
    """
    if meta.status in TAKES_VISITS:
        return
    fix = (
        f"issue it first (`shakti patrol issue {meta.plan_id}`, "
        f"POST /patrol/plans/{meta.plan_id}/issue)"
        if meta.status == STATUS_DRAFT
        else "record the visits of the plan that replaced it (`shakti patrol list`)"
    )
    raise PlanStatusError(
        f"patrol plan {meta.plan_id} is {meta.status} and takes no visits",
        why="only an issued plan (or one marked done) went out to the teams",
        fix=fix,
    )


def change_status(store: Store, actor: Actor, plan_id: str, action: str) -> StoredPlan:
    """Issue, complete or cancel a saved plan; say clearly why a change is not possible.

    Parameters
    ----------
    store : geo.store.Store
    actor : Actor
    plan_id : str
    action : str
        A key of :data:`ACTIONS`: ``issue`` (also re-issues an issued plan), ``done``,
        ``cancel``.

    Returns
    -------
    geo.store.plans.StoredPlan
        The plan's metadata after the change.

    Raises
    ------
    geo.errors.PlanNotFoundError
    geo.errors.PlanStatusError
        When the plan's status does not allow the change (a cancelled plan cannot be
        issued, a done plan cannot be cancelled ...).
    api.service.errors.PermissionDeniedError
        Outside the actor's thana, or for an actor who may not change plans.
    """
    status = ACTIONS[action]
    meta = store.read_plan(plan_id)
    if meta is None:
        raise PlanNotFoundError(
            f"no saved patrol plan {plan_id!r}",
            why="the store has no plan with this id",
            fix="list the saved plans with `shakti patrol list` (or GET /patrol/plans)",
        )
    _check_scope(actor, meta)
    if not actor.may_change:
        raise PermissionDeniedError(
            f"{actor.name} may not {action} patrol plans",
            why="analysts read plans but do not change them",
            fix="ask a planner, an admin or the thana's in-charge",
            field="plan_id",
        )
    allowed = PLAN_TRANSITIONS[meta.status]
    if status not in allowed:
        can = ", ".join(a for a, s in ACTIONS.items() if s in allowed)
        raise PlanStatusError(
            f"patrol plan {plan_id} is {meta.status} and cannot be set {status}",
            why=f"a {meta.status} plan may only change by: {can}"
            if allowed
            else f"a {meta.status} plan is final",
            fix=f"use one of: {can}"
            if allowed
            else "make a new plan (shakti patrol plan, POST /patrol/plans) and issue that one",
        )
    at = now_utc()
    if not store.set_plan_status(
        plan_id, expected=meta.status, status=status, at=at, by=actor.name
    ):
        raise PlanStatusError(
            f"patrol plan {plan_id} changed while it was being set {status}",
            why="someone else changed its status at the same time",
            fix="look at the plan again (shakti patrol show) and repeat if still needed",
        )
    logger.info("patrol plan %s: %s → %s by %s", plan_id, meta.status, status, actor.name)
    return replace(meta, status=status, updated_at=at, updated_by=actor.name, plan=None)
