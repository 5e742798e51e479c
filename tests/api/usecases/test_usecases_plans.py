"""Saved plans' status: every sequence of actions follows the transitions, refusals explain."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.service.errors import PermissionDeniedError
from api.usecases.plans import ACTIONS, Actor, change_status, get_plan, list_plans
from geo.errors import PlanNotFoundError, PlanStatusError
from geo.store import GeoPackageStore
from geo.store.plans import PLAN_TRANSITIONS, STATUS_DRAFT
from tests.geo.store.plan_contract import stored

PLANNER = Actor("planner")
_IDS = itertools.count()
LANKA = Actor("lanka", thana="Lanka")
ANALYST = Actor("analyst", may_change=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> GeoPackageStore:
    return GeoPackageStore(tmp_path_factory.mktemp("plans") / "store.gpkg")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(sorted(ACTIONS)), min_size=1, max_size=5))
def test_status_follows_the_transitions(store: GeoPackageStore, actions: list[str]) -> None:
    plan_id = f"p{next(_IDS)}"
    store.save_plan(stored(plan_id))
    status = STATUS_DRAFT
    for action in actions:
        wanted = ACTIONS[action]
        if wanted in PLAN_TRANSITIONS[status]:
            status = change_status(store, PLANNER, plan_id, action).status
            assert status == wanted
        else:
            with pytest.raises(PlanStatusError, match=f"is {status} and cannot be set {wanted}"):
                change_status(store, PLANNER, plan_id, action)
        found = store.read_plan(plan_id)
        assert found is not None and found.status == status


def test_scope_and_roles(store: GeoPackageStore) -> None:
    store.save_plan(stored("sigra-plan", thana="Sigra"))
    store.save_plan(stored("all-plan", thana=None))
    store.save_plan(stored("lanka-plan", thana="Lanka"))
    seen = {p.plan_id for p in list_plans(store, LANKA)}
    assert "lanka-plan" in seen and not seen & {"sigra-plan", "all-plan"}
    for plan_id in ("sigra-plan", "all-plan"):
        with pytest.raises(PermissionDeniedError, match="in-charge of Lanka may not see"):
            change_status(store, LANKA, plan_id, "cancel")
    with pytest.raises(PermissionDeniedError, match=r"may not issue.*Analysts read"):
        change_status(store, ANALYST, "lanka-plan", "issue")
    assert change_status(store, LANKA, "lanka-plan", "issue").updated_by == "lanka"
    with pytest.raises(PlanNotFoundError, match=r"no saved patrol plan 'nope'.*patrol list"):
        get_plan(store, PLANNER, "nope")
