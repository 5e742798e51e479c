"""The visit routes: record and read a plan's visits — roles, thana scope, quarantine, audit."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from api.service.routes.visits import SeenCategory, VisitStatus
from geo.schema import SEEN_CATEGORIES, VISIT_STATUSES
from tests.api.conftest import OTHER_THANA, OWN_THANA, Env


def test_request_vocabularies_are_the_layers() -> None:
    assert get_args(VisitStatus) == VISIT_STATUSES
    assert get_args(SeenCategory) == SEEN_CATEGORIES


def create(env: Env, user: str, thana: str) -> dict[str, Any]:
    response = env.client.post(
        "/patrol/plans", json={"days": 1, "thana": thana, "seed": 2}, headers=env.headers(user)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    issued = env.client.post(f"/patrol/plans/{body['id']}/issue", headers=env.headers(user))
    assert issued.status_code == 200, issued.text
    return body


@pytest.fixture(scope="module")
def plans(env: Env) -> dict[str, dict[str, Any]]:
    return {
        OWN_THANA: create(env, "lanka", OWN_THANA),
        OTHER_THANA: create(env, "planner", OTHER_THANA),
    }


def visits_of(plan: dict[str, Any]) -> list[dict[str, Any]]:
    route = next(r for r in plan["routes"] if len(r["stops"]) >= 2)
    team, day = route["team"], route["date"]
    return [
        {"team": team, "day": day, "stop": 1, "status": "visited", "arrived": f"{day}T18:00",
         "left": f"{day}T18:13", "seen_category": "eve-teasing", "seen_count": 1},
        {"team": team, "day": day, "stop": 2, "status": "missed", "arrived": f"{day}T19:00"},
    ]  # fmt: skip


def post(env: Env, user: str, plan: dict[str, Any], visits: list[dict[str, Any]]) -> Any:
    return env.client.post(
        f"/patrol/plans/{plan['id']}/visits", json={"visits": visits}, headers=env.headers(user)
    )


def test_incharge_records_and_reads_their_visits(env: Env, plans: dict[str, Any]) -> None:
    plan = plans[OWN_THANA]
    response = post(env, "lanka", plan, visits_of(plan))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["accepted"] == 1 and body["reasons"] == {"visit-times": 1}
    assert "marked 'missed'" in body["problems"][0]
    got = env.get(f"/patrol/plans/{plan['id']}/visits", "lanka")
    assert got.status_code == 200
    rows = got.json()["visits"]
    assert len(rows) == 1 and rows[0]["status"] == "visited" and rows[0]["thana"] == OWN_THANA
    assert rows[0]["arrived"].startswith(plan["routes"][0]["date"][:4])
    assert (
        rows[0]["place_id"]
        == next(r for r in plan["routes"] if len(r["stops"]) >= 2)["stops"][0]["place_id"]
    )
    assert env.get(f"/patrol/plans/{plan['id']}/visits", "analyst").status_code == 200
    missed = {k: v for k, v in visits_of(plan)[1].items() if k != "arrived"}
    assert post(env, "lanka", plan, [missed]).json()["accepted"] == 1
    rows = env.get(f"/patrol/plans/{plan['id']}/visits", "lanka").json()["visits"]
    assert rows[1]["status"] == "missed" and rows[1]["arrived"] is None
    assert rows[1]["seen_count"] is None and rows[1]["seen_category"] == "none"


def test_scope_and_roles_on_every_visit_route(env: Env, plans: dict[str, Any]) -> None:
    other = plans[OTHER_THANA]
    assert post(env, "lanka", other, visits_of(other)).status_code == 403
    assert env.get(f"/patrol/plans/{other['id']}/visits", "lanka").status_code == 403
    assert post(env, "analyst", other, visits_of(other)).status_code == 403
    assert env.client.get(f"/patrol/plans/{other['id']}/visits").status_code == 401
    assert post(env, "planner", other, visits_of(other)).status_code == 201
    stranger = [{**visits_of(other)[0], "team": "Nobody-1"}]
    response = post(env, "planner", other, stranger)
    assert response.status_code == 404 and "Nobody-1" in response.json()["detail"]
    missing = env.client.post(
        "/patrol/plans/nope/visits",
        json={"visits": visits_of(other)},
        headers=env.headers("planner"),
    )
    assert missing.status_code == 404


def test_free_text_and_oversized_requests_are_refused(env: Env, plans: dict[str, Any]) -> None:
    plan = plans[OWN_THANA]
    visit = {**visits_of(plan)[0], "seen_category": "Ravi Kumar harassed her"}
    response = post(env, "lanka", plan, [visit])
    assert response.status_code == 422  # refused before the store: no quarantine copy
    got = env.get(f"/patrol/plans/{plan['id']}/visits", "lanka").text
    assert "Ravi" not in got
    too_many = post(env, "lanka", plan, visits_of(plan) * 101)
    assert too_many.status_code == 422
    extra = post(env, "lanka", plan, [{**visits_of(plan)[0], "stop": 0}])
    assert extra.status_code == 422


def test_the_phone_page_is_served_with_its_texts_in_hindi(env: Env) -> None:
    page = env.client.get("/visits")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/static/visits.js"' in page.text and "data-i18n" in page.text
    assert page.text.index('src="/static/page.js"') < page.text.index('src="/static/visits.js"')
    script = env.client.get("/static/visits.js")
    assert script.status_code == 200 and "/visits" in script.text
    messages = env.client.get("/i18n/hi.json").json()["messages"]
    assert messages["Patrol visits"] and messages["Show my stops"]
    assert messages["visit status\x04missed"] and messages["seen category\x04crowd-at-gate"]


def test_effect_report_is_scoped_and_says_too_few_on_the_demo(env: Env) -> None:
    own = env.get("/patrol/effect", "lanka")
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["thana"] == OWN_THANA and body["verdict"] in {"too-few", "no-clear-change"}
    assert body["text"] and "treated" in body and "ci" in body
    assert env.get(f"/patrol/effect?thana={OTHER_THANA}", "lanka").status_code == 403
    assert env.client.get("/patrol/effect").status_code == 401
    hindi = env.get("/patrol/effect?lang=hi", "lanka").json()
    assert hindi["verdict"] == body["verdict"]


def test_dosage_is_scoped_and_counts_the_recorded_visits(env: Env, plans: dict[str, Any]) -> None:
    plan = plans[OTHER_THANA]
    assert post(env, "planner", plan, visits_of(plan)[:1]).status_code == 201
    own = env.get("/patrol/dosage?weeks=52", "lanka")
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["thana"] == OWN_THANA and body["reference_min"] == [10, 15]
    everywhere = env.get("/patrol/dosage?weeks=52", "planner").json()
    assert everywhere["thana"] is None
    assert everywhere["summary"]["planned"] > body["summary"]["planned"]  # Sigra's visit too
    assert env.get(f"/patrol/dosage?thana={OTHER_THANA}", "lanka").status_code == 403
    assert env.get("/patrol/dosage?weeks=53", "lanka").status_code == 422
    assert env.client.get("/patrol/dosage").status_code == 401
