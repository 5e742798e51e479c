"""The saved-plan contract every store backend keeps (run on GeoPackage and on PostGIS)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from geo.errors import StoreError
from geo.store import Store
from geo.store.plans import STATUS_CANCELLED, STATUS_DRAFT, STATUS_ISSUED, StoredPlan


def stored(plan_id: str, thana: str | None = "Lanka", status: str = STATUS_DRAFT) -> StoredPlan:
    """Return a small saved plan (its data is any JSON: the store does not read it)."""
    return StoredPlan(
        plan_id=plan_id,
        thana=thana,
        status=status,
        author="planner",
        created_at="2026-12-01T10:00:00.000+00:00",
        updated_at="2026-12-01T10:00:00.000+00:00",
        updated_by="planner",
        start="2026-12-02",
        days=7,
        seed=3,
        data_version="sha256:abc",
        store_version=4,
        params={"thana": thana, "days": 7, "must_visit": ["hotspot-1"]},
        plan={"format": 1, "routes": [{"day": 0, "stops": [1.5, "लंका"]}]},
    )


def check_plans_survive_reopening(open_: Callable[[], Store]) -> None:
    """Saved plans, their data and status changes are there when the store is opened again."""
    store = open_()
    version = store.version
    assert store.list_plans() == [] and store.read_plan("a") is None
    store.save_plan(stored("a"))
    store.save_plan(stored("b", thana="Sigra"))
    store.save_plan(stored("c", thana=None))
    assert store.version == version  # plans are not data: caches stay valid
    again = open_()
    assert again.read_plan("a") == stored("a")
    listed = again.list_plans()
    assert [p.plan_id for p in listed] == ["c", "b", "a"]  # newest first
    assert all(p.plan is None for p in listed)
    assert [p.plan_id for p in again.list_plans(thana="Sigra")] == ["b"]
    assert again.set_plan_status(
        "a", expected=STATUS_DRAFT, status=STATUS_ISSUED, at="2026-12-01T11:00:00Z", by="lanka"
    )
    assert not again.set_plan_status(  # compare and set: someone changed it first
        "a", expected=STATUS_DRAFT, status=STATUS_CANCELLED, at="x", by="y"
    )
    assert not again.set_plan_status("zz", expected=STATUS_DRAFT, status="issued", at="x", by="y")
    third = open_().read_plan("a")
    assert third is not None
    assert (third.status, third.updated_by, third.updated_at) == (
        STATUS_ISSUED,
        "lanka",
        "2026-12-01T11:00:00Z",
    )
    assert third.plan == stored("a").plan and third.params == stored("a").params


def check_a_plan_id_is_never_overwritten(store: Store) -> None:
    """Saving a plan under an id already saved is refused and changes nothing."""
    store.save_plan(stored("a"))
    with pytest.raises(StoreError, match="already has a patrol plan 'a'"):
        store.save_plan(stored("a", thana="Sigra"))
    found = store.read_plan("a")
    assert found is not None and found.thana == "Lanka"
