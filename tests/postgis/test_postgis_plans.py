"""Saved patrol plans in the PostGIS store: the same contract as the GeoPackage store."""

from __future__ import annotations

from geo.store import PostgisStore
from tests.geo.store.plan_contract import (
    check_a_plan_id_is_never_overwritten,
    check_plans_survive_reopening,
)


def test_plans_survive_reopening(store_url: str) -> None:
    check_plans_survive_reopening(lambda: PostgisStore(store_url))


def test_a_plan_id_is_never_overwritten(store_url: str) -> None:
    check_a_plan_id_is_never_overwritten(PostgisStore(store_url))
