"""Saved patrol plans read back: ``load_plan(store, plan_id)`` gives the plan and its metadata."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from geo.errors import PlanNotFoundError
from geo.store import Store
from geo.store.plans import StoredPlan
from models.patrol.codec import plan_from_data
from models.patrol.records import PatrolPlan


class LoadedPlan(NamedTuple):
    """A saved plan: the plan itself and its metadata (``meta.plan`` is ``None``).

    Unpacks as ``plan, meta = load_plan(store, plan_id)``.
    """

    plan: PatrolPlan
    meta: StoredPlan


def load_plan(store: Store, plan_id: str) -> LoadedPlan:
    """Return a saved patrol plan and its metadata (status, thana, author, data version).

    A stable function for every part that works with saved plans (sheets, field files,
    visit logs). It does not check who may see the plan: callers serving users check the
    thana scope (``api.usecases.plans``).

    Parameters
    ----------
    store : geo.store.Store
    plan_id : str

    Returns
    -------
    LoadedPlan
        ``(plan, meta)``.

    Raises
    ------
    geo.errors.PlanNotFoundError
        When the store has no plan with this id.
    geo.errors.StoreError
        When the saved plan cannot be read.
    """
    stored = store.read_plan(plan_id)
    if stored is None or stored.plan is None:
        raise PlanNotFoundError(
            f"no saved patrol plan {plan_id!r}",
            why="the store has no plan with this id",
            fix="list the saved plans with `shakti patrol list` (or GET /patrol/plans) and use "
            "one of their ids",
        )
    return LoadedPlan(plan_from_data(stored.plan), replace(stored, plan=None))
