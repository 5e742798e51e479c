"""A plan as JSON data and back: nothing lost, unknown formats refused."""

from __future__ import annotations

import json

import pytest

from geo.errors import StoreError
from models.patrol import PatrolPlan
from models.patrol.codec import PLAN_FORMAT, plan_data, plan_from_data
from models.patrol.export import plan_dict
from tests.models.patrol.test_patrol import hotspot, plan_of, site, teams_of


def _plan() -> PatrolPlan:
    places = [hotspot(1, 800, 0, 0.9), hotspot(2, -900, 400, 0.5), site(1, 300, 700, 0.7, 810)]
    teams = teams_of(("08:00", "14:00", "bike"), ("13:00", "19:00", "foot"))
    return plan_of(places, teams, days=3, seed=4)


def test_plan_round_trips_through_json_text() -> None:
    plan = _plan()
    text = json.dumps(plan_data(plan), ensure_ascii=False)
    back = plan_from_data(json.loads(text))
    assert back == plan
    assert plan_dict(back) == plan_dict(plan)
    assert sum(len(r.stops) for r in back.routes) > 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": PLAN_FORMAT + 1}, "unknown format"),
        ([], "unknown format"),
        ({"format": PLAN_FORMAT, "start": "2026-01-01"}, "cannot be read.*incomplete"),
    ],
)
def test_unreadable_plan_data_is_refused(data: object, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        plan_from_data(data)  # type: ignore[arg-type]
