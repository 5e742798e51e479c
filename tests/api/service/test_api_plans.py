"""Saved patrol plans over HTTP: kept across a restart, listed, issued, cancelled, scoped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gpxpy
import pytest
from fastapi.testclient import TestClient

from api.service.app import create_app
from geo.store.plans import STATUS_CANCELLED, STATUS_DRAFT, STATUS_ISSUED
from tests.api.conftest import OTHER_THANA, OWN_THANA, PASSWORDS, Env


def create(env: Env, user: str, **body: Any) -> dict[str, Any]:
    response = env.client.post("/patrol/plans", json={"days": 1, **body}, headers=env.headers(user))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def post(env: Env, user: str, url: str) -> Any:
    return env.client.post(url, headers=env.headers(user))


def test_a_plan_survives_a_restart_of_the_service(env: Env) -> None:
    made = create(env, "planner", thana=OWN_THANA, seed=11)
    assert made["saved"]["status"] == STATUS_DRAFT and made["saved"]["author"] == "planner"
    assert made["saved"]["data_version"].startswith("sha256:")
    store = Path(env.state.store.location)
    restarted = create_app(env.settings, store_path=store)  # a new process on the same store
    with TestClient(restarted) as client:
        token = client.post(
            "/auth/token", data={"username": "planner", "password": PASSWORDS["planner"]}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        again = client.get(f"/patrol/plans/{made['id']}", headers=headers)
        assert again.status_code == 200 and again.json() == made
        sheet = client.get(made["routes"][0]["sheet"], headers=headers)
        assert sheet.status_code == 200 and made["routes"][0]["team"] in sheet.text


def test_list_issue_and_cancel(env: Env) -> None:
    made = create(env, "planner", thana=OWN_THANA)
    plan_id = made["id"]
    listed = env.get("/patrol/plans", "planner").json()["plans"]
    assert listed[0]["plan_id"] == plan_id and "plan" not in listed[0]
    issued = post(env, "planner", f"/patrol/plans/{plan_id}/issue")
    assert issued.status_code == 200 and issued.json()["status"] == STATUS_ISSUED
    assert post(env, "lanka", f"/patrol/plans/{plan_id}/issue").status_code == 200  # re-issue
    only_issued = env.get("/patrol/plans?status=issued", "planner").json()["plans"]
    assert plan_id in {p["plan_id"] for p in only_issued}
    cancelled = post(env, "planner", f"/patrol/plans/{plan_id}/cancel")
    assert cancelled.json()["status"] == STATUS_CANCELLED
    assert env.get(f"/patrol/plans/{plan_id}", "planner").json()["saved"]["status"] == "cancelled"


def test_a_cancelled_plan_cannot_be_issued(env: Env) -> None:
    plan_id = create(env, "planner", thana=OWN_THANA)["id"]
    assert post(env, "planner", f"/patrol/plans/{plan_id}/cancel").status_code == 200
    refused = post(env, "planner", f"/patrol/plans/{plan_id}/issue")
    assert refused.status_code == 409
    body = refused.json()
    assert "is cancelled and cannot be set issued" in body["detail"]
    assert "final" in body["why"] and "new plan" in body["fix"]


def test_a_draft_cannot_be_done(env: Env) -> None:
    plan_id = create(env, "planner", thana=OWN_THANA)["id"]
    refused = post(env, "planner", f"/patrol/plans/{plan_id}/done")
    assert refused.status_code == 409 and "issue, cancel" in refused.json()["why"]


def test_incharge_sees_and_changes_only_their_thanas_plans(env: Env) -> None:
    other = create(env, "planner", thana=OTHER_THANA)["id"]
    own = create(env, "lanka")["id"]
    listed = {p["plan_id"] for p in env.get("/patrol/plans", "lanka").json()["plans"]}
    assert own in listed and other not in listed
    assert {p["thana"] for p in env.get("/patrol/plans", "lanka").json()["plans"]} == {OWN_THANA}
    assert post(env, "lanka", f"/patrol/plans/{other}/cancel").status_code == 403
    assert env.get(f"/patrol/plans/{other}", "lanka").status_code == 403
    assert post(env, "lanka", f"/patrol/plans/{own}/issue").status_code == 200


def test_analysts_read_plans_but_do_not_change_them(env: Env) -> None:
    plan_id = create(env, "planner", thana=OWN_THANA)["id"]
    assert env.get(f"/patrol/plans/{plan_id}", "analyst").status_code == 200
    refused = post(env, "analyst", f"/patrol/plans/{plan_id}/issue")
    assert refused.status_code == 403 and "analysts" in refused.json()["why"]


@pytest.mark.parametrize("url", ["/patrol/plans/nope/issue", "/patrol/plans/nope"])
def test_unknown_plans_are_404(env: Env, url: str) -> None:
    response = post(env, "planner", url) if url.endswith("issue") else env.get(url, "planner")
    assert response.status_code == 404 and "nope" in response.json()["detail"]
    # any user may ask: the answer names no server path (the store's file or URL)
    assert str(env.folder) not in response.text and ".gpkg" not in response.text


def test_an_unknown_action_or_status_is_refused(env: Env) -> None:
    plan_id = create(env, "planner", thana=OWN_THANA)["id"]
    assert post(env, "planner", f"/patrol/plans/{plan_id}/delete").status_code in (404, 405, 422)
    bad = env.get("/patrol/plans?status=lost", "planner")
    assert bad.status_code == 422 and "not a plan status" in bad.json()["detail"]


def test_status_changes_are_audited(env: Env) -> None:
    plan_id = create(env, "planner", thana=OWN_THANA)["id"]
    post(env, "planner", f"/patrol/plans/{plan_id}/issue")
    env.state.audit.flush()
    entries = env.state.audit.entries(user="planner")
    routes = [(e.route, e.params.get("plan_id"), e.thana) for e in entries]
    assert ("/patrol/plans/{plan_id}/{action}", plan_id, OWN_THANA) in routes


def test_a_team_downloads_its_days_gpx_and_kml(env: Env) -> None:
    made = create(env, "planner", thana=OWN_THANA, seed=2)
    route = next(r for r in made["routes"] if r["stops"])
    gpx = env.get(route["gpx"], "lanka")
    assert gpx.status_code == 200 and gpx.headers["content-type"] == "application/gpx+xml"
    assert "attachment" in gpx.headers["content-disposition"]
    assert ".gpx" in gpx.headers["content-disposition"]
    parsed = gpxpy.parse(gpx.text)
    got = [(w.latitude, w.longitude) for w in parsed.waypoints]
    assert got == [(s["lat"], s["lon"]) for s in route["stops"]]
    kml = env.get(route["kml"], "planner")
    assert kml.status_code == 200 and "<kml" in kml.text
    assert route["directions"] and route["directions"][0].startswith("https://www.google.com/")


def test_field_files_keep_the_thana_scope(env: Env) -> None:
    other = create(env, "planner", thana=OTHER_THANA)
    route = other["routes"][0]
    assert env.get(route["gpx"], "lanka").status_code == 403
    # the page twins (bearer token or map cookie) keep the scope too
    for page in ("sheet_page", "gpx_page", "kml_page"):
        assert env.get(route[page], "lanka").status_code == 403, page
    assert env.get(route["kml"], "analyst").status_code == 200
    base = f"/patrol/plans/{other['id']}"
    assert env.get(f"{base}/gpx/1/Nobody", "planner").status_code == 404
    assert env.get(f"{base}/zip/1/{route['team']}", "planner").status_code in (404, 422)
    assert env.client.get(route["gpx"]).status_code == 401


def test_the_page_downloads_field_files_with_the_map_cookie(env: Env) -> None:
    route = create(env, "planner", thana=OWN_THANA)["routes"][0]
    assert route["gpx_page"].startswith("/maps/patrol-files/")
    assert env.client.get(route["gpx_page"]).status_code == 401
    assert env.get(route["kml_page"], "lanka").status_code == 200


SHIFT = {"shift_start": "16:00", "shift_end": "22:00", "mode": "bike"}


def test_a_hindi_or_hostile_team_name_gives_a_safe_download_name(env: Env) -> None:
    """A planner's team name never reaches a header as given: Hindi is fine, quotes refused."""
    hostile = {"thana": OWN_THANA, "team": 'x"; filename="../../etc/passwd', **SHIFT}
    refused = env.client.post(
        "/patrol/plans",
        json={"days": 1, "thana": OWN_THANA, "teams": [hostile]},
        headers=env.headers("planner"),
    )
    assert refused.status_code == 422 and "may not contain" in refused.json()["detail"]
    teams = [{"thana": OWN_THANA, "team": "लंका-महिला दल", **SHIFT}]
    made = create(env, "planner", thana=OWN_THANA, seed=2, teams=teams)
    routes = [r for r in made["routes"] if r["stops"]]
    assert routes
    for route in routes:
        got = env.get(route["gpx"], "planner")
        assert got.status_code == 200, got.text
        header = got.headers["content-disposition"]
        header.encode("ascii")  # a header is latin-1 at most: Devanagari would be a 500
        name = header.split('filename="', 1)[1].rstrip('"')
        assert '"' not in name and "/" not in name and name.endswith(".gpx")
