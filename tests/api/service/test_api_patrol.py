"""The patrol routes: create a plan, read it, print a sheet — honouring the thana scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import OTHER_THANA, OWN_THANA, Env


def create(env: Env, user: str, **body: Any) -> Any:
    return env.client.post("/patrol/plans", json={"days": 1, **body}, headers=env.headers(user))


@pytest.fixture(scope="module")
def lanka_plan(env: Env) -> dict[str, Any]:
    response = create(env, "planner", thana=OWN_THANA, days=2, seed=3)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_planner_creates_and_reads_a_plan(env: Env, lanka_plan: dict[str, Any]) -> None:
    meta = lanka_plan["meta"]
    assert meta["days"] == 2 and meta["seed"] == 3 and meta["teams"] == 3
    assert "moral police" in meta["conduct"]["en"]
    assert {t["thana"] for t in lanka_plan["teams"]} == {OWN_THANA}
    again = env.get(f"/patrol/plans/{lanka_plan['id']}", "planner")
    assert again.status_code == 200 and again.json() == lanka_plan


def test_sheet_of_a_team(env: Env, lanka_plan: dict[str, Any]) -> None:
    route = lanka_plan["routes"][0]
    response = env.get(route["sheet"], "planner")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Patrol sheet / गश्त पत्रक" in page and route["team"] in page and "<svg" in page
    assert env.get(route["sheet"], "lanka").status_code == 200  # the in-charge of Lanka too


def test_sheet_page_link_uses_the_map_cookie(env: Env, lanka_plan: dict[str, Any]) -> None:
    route = lanka_plan["routes"][0]
    assert route["sheet_page"].startswith("/maps/patrol-sheets/")
    assert env.client.get(route["sheet_page"]).status_code == 401
    assert env.get(route["sheet_page"], "planner").status_code == 200


def test_incharge_plans_their_own_thana_implicitly(env: Env) -> None:
    response = create(env, "lanka")
    assert response.status_code == 201, response.text
    assert {t["thana"] for t in response.json()["teams"]} == {OWN_THANA}


def test_incharge_asking_for_another_thana_is_403(env: Env) -> None:
    response = create(env, "lanka", thana=OTHER_THANA)
    assert response.status_code == 403
    body = response.json()
    assert body["field"] == "thana" and OTHER_THANA in body["detail"]


def test_incharge_may_not_read_another_thanas_plan_or_sheet(env: Env) -> None:
    other = create(env, "analyst", thana=OTHER_THANA).json()
    assert env.get(f"/patrol/plans/{other['id']}", "lanka").status_code == 403
    assert env.get(other["routes"][0]["sheet"], "lanka").status_code == 403
    assert env.get(f"/patrol/plans/{other['id']}", "admin").status_code == 200


def test_unknown_plan_team_and_day_are_404(env: Env, lanka_plan: dict[str, Any]) -> None:
    assert env.get("/patrol/plans/nope", "planner").status_code == 404
    base = f"/patrol/plans/{lanka_plan['id']}/sheets"
    assert env.get(f"{base}/1/Nobody", "planner").status_code == 404
    assert env.get(f"{base}/3/{OWN_THANA}-1", "planner").status_code == 404


def test_an_unknown_team_typed_as_a_person_is_not_repeated(
    env: Env, lanka_plan: dict[str, Any]
) -> None:
    # the 404 repeated the team as typed: a name or phone put in a sheet's or file's link
    base = f"/patrol/plans/{lanka_plan['id']}"
    for path in (f"{base}/sheets/1/Ravi%20Kumar%209876543210", f"{base}/gpx/1/ravi@example.in"):
        response = env.get(path, "planner")
        assert response.status_code == 404
        text = response.text
        assert "9876543210" not in text and "Ravi" not in text and "ravi@" not in text
        assert "no route of team on day 1" in response.json()["detail"]
    detail = env.get(f"{base}/sheets/1/Nobody", "planner").json()["detail"]
    assert "'Nobody'" in detail  # a team's name is still shown


def test_anonymous_is_401(env: Env) -> None:
    assert env.client.post("/patrol/plans", json={"days": 1}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [({"days": 0}, "days"), ({"days": 40}, "days"), ({"seed": -1}, "seed")],
)
def test_bad_request_is_422(env: Env, body: dict[str, Any], field: str) -> None:
    response = create(env, "planner", thana=OWN_THANA, **body)
    assert response.status_code == 422
    assert field in response.text


@pytest.mark.parametrize("key", ["Ravi Kumar", "9876543210", "ravi@example.in"])
def test_a_must_visit_place_typed_as_a_person_is_refused_unrepeated(env: Env, key: str) -> None:
    # the plan's error repeated the key as typed ("must-visit place 'Ravi Kumar' is not a stop")
    response = create(env, "planner", thana=OWN_THANA, must_visit=[key])
    assert response.status_code == 422 and key not in response.text
    assert response.json()["field"] == "must_visit"
    unknown = create(env, "planner", thana=OWN_THANA, must_visit=["hotspot-9999"])
    assert unknown.status_code in (400, 422) and "hotspot-9999" in unknown.text


def test_bad_team_names_the_row(env: Env) -> None:
    team = {"thana": OWN_THANA, "shift_start": "8am", "shift_end": "12:00", "mode": "bike"}
    response = create(env, "planner", thana=OWN_THANA, teams=[team])
    assert response.status_code == 422
    assert "teams[0]: shift_start '8am' is not a time of day" in response.json()["detail"]


def test_given_teams_are_used(env: Env) -> None:
    team = {"thana": OWN_THANA, "team": "L-van", "shift_start": "17:00", "shift_end": "21:00",
            "mode": "vehicle"}  # fmt: skip
    body = create(env, "planner", thana=OWN_THANA, teams=[team]).json()
    assert [t["team"] for t in body["teams"]] == ["L-van"]
    assert body["meta"]["notes"] and all("default teams" not in n for n in body["meta"]["notes"])


def test_too_many_thana_days_is_422(env: Env) -> None:
    response = create(env, "planner", days=7)  # every thana for a week
    assert response.status_code == 422
    assert "thana-days" in response.json()["detail"]
