"""Every role boundary on every route: in-charges see only their thana, analysts upload nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import OTHER_THANA, OWN_THANA, Env

#: Every read route that takes a thana, with cheap parameters.
THANA_ROUTES = (
    "/hotspots",
    "/significance?cell_m=400",
    "/emerging?cell_m=500",
    "/backtest?folds=1&cell_m=500",
    "/forecast?folds=1&cell_m=500",
    "/thanas",
    "/maps/hotspots",
    "/datasets",
    "/datasets/incidents/quarantine",
    "/datasets/cctv/quarantine",
    "/cctv/gaps",
    "/cctv/placement?k=2",
    "/maps/cctv",
    "/review?from=2026-10-01&to=2026-10-31",
    "/maps/review-sheet?from=2026-10-01&to=2026-10-31",
    "/patrol/effect",
    "/patrol/dosage",
)


def _with(url: str, extra: str) -> str:
    return url + ("&" if "?" in url else "?") + extra


@pytest.mark.parametrize("url", THANA_ROUTES)
def test_incharge_asking_for_another_thana_is_403(env: Env, url: str) -> None:
    response = env.get(_with(url, f"thana={OTHER_THANA}"), "lanka")
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["field"] == "thana" and OTHER_THANA in body["detail"]


def test_incharge_other_scorecard_is_403(env: Env) -> None:
    assert env.get(f"/thanas/{OTHER_THANA}/scorecard", "lanka").status_code == 403


@pytest.mark.parametrize("url", ["/hotspots", "/significance?cell_m=400", "/thanas"])
def test_incharge_gets_their_thana_implicitly(env: Env, url: str) -> None:
    implicit = env.get(url, "lanka")
    explicit = env.get(_with(url, f"thana={OWN_THANA}"), "planner")
    assert implicit.status_code == 200
    assert implicit.content == explicit.content
    meta = implicit.json()["meta"]
    assert (meta["selection"]["thana"]) == OWN_THANA


@pytest.mark.parametrize("user", ["admin", "planner", "analyst"])
def test_other_roles_read_every_thana(env: Env, user: str) -> None:
    for thana in (OWN_THANA, OTHER_THANA):
        assert env.get(f"/hotspots?thana={thana}", user).status_code == 200
        assert env.get(f"/thanas/{thana}/scorecard", user).status_code == 200
    assert env.get("/hotspots", user).json()["meta"]["selection"]["thana"] is None


@pytest.mark.parametrize(
    ("user", "status"), [("admin", 200), ("planner", 403), ("analyst", 403), ("lanka", 403)]
)
def test_audit_is_for_admins(env: Env, user: str, status: int) -> None:
    assert env.get("/audit", user).status_code == status


@pytest.mark.parametrize(
    ("user", "status"), [("admin", 200), ("planner", 200), ("analyst", 403), ("lanka", 403)]
)
def test_only_admins_and_planners_upload(env: Env, user: str, status: int) -> None:
    from tests.api.service.uploads import register_csv

    response = env.client.post(
        "/datasets/incidents?dry_run=true",
        files={"file": ("r.csv", register_csv(), "text/csv")},
        headers=env.headers(user),
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/auth/me",
        "/datasets",
        "/datasets/incidents/quarantine",
        "/hotspots",
        "/significance",
        "/emerging",
        "/backtest",
        "/forecast",
        "/thanas",
        "/thanas/Lanka/scorecard",
        "/maps/hotspots",
        "/audit",
    ],
)
def test_every_data_route_needs_a_login(env: Env, url: str) -> None:
    response = env.client.get(url)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_every_route_that_takes_a_thana_is_walked_above(env: Env) -> None:
    """A new read route with a ``thana`` parameter must join THANA_ROUTES (the 403 walk)."""
    spec = env.client.get("/openapi.json").json()
    taking = {
        path
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method == "get"
        and any(
            p["name"] == "thana" and p["in"] == "query" for p in operation.get("parameters", [])
        )
    }
    walked = {url.split("?")[0] for url in THANA_ROUTES}
    walked.add("/datasets/{kind}/quarantine")
    assert taking <= walked, sorted(taking - walked)


def test_page_twins_stay_out_of_the_api_document(env: Env) -> None:
    """The web pages' twins of the sheet and field-file routes (map cookie) are not API routes."""
    from api.service.routes.patrol import FIELD_PAGE_PREFIX, SHEET_PAGE_PREFIX

    paths = env.client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith((SHEET_PAGE_PREFIX, FIELD_PAGE_PREFIX))]
    assert env.client.get(SHEET_PAGE_PREFIX + "/nope/1/Lanka-1").status_code == 401
