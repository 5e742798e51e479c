"""GET /cctv/gaps, /cctv/placement and /maps/cctv: thana scope, content, privacy, caching."""

from __future__ import annotations

import re

import pytest

from models.cctv import gaps as cg
from models.cctv import placement as pl
from tests.api.conftest import OTHER_THANA, OWN_THANA, Env

ROUTES = ("/cctv/gaps", "/cctv/placement?k=3", "/maps/cctv?k=2")
#: Property names that would identify a person (none may appear).
PERSONAL = re.compile(r"victim|phone|mobile|complainant|accused|address", re.IGNORECASE)


@pytest.mark.parametrize("url", ROUTES)
def test_incharge_asking_for_another_thana_is_403(env: Env, url: str) -> None:
    sep = "&" if "?" in url else "?"
    response = env.get(f"{url}{sep}thana={OTHER_THANA}", "lanka")
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["field"] == "thana" and OTHER_THANA in body["detail"]


@pytest.mark.parametrize("url", ROUTES)
def test_cctv_routes_need_a_login(env: Env, url: str) -> None:
    assert env.client.get(url).status_code == 401


def test_incharge_gets_their_thana_gaps_implicitly(env: Env) -> None:
    implicit = env.get("/cctv/gaps", "lanka")
    explicit = env.get(f"/cctv/gaps?thana={OWN_THANA}", "planner")
    assert implicit.status_code == 200, implicit.text
    assert implicit.content == explicit.content
    body = implicit.json()
    assert body["meta"]["selection"]["thana"] == OWN_THANA
    features = body["features"]
    assert features and {f["properties"][cg.THANA] for f in features} == {OWN_THANA}
    statuses = {f["properties"][cg.GAP_STATUS] for f in features}
    assert statuses <= set(cg.GAP_STATUSES) and cg.UNCOVERED in statuses
    assert [s["thana"] for s in body["meta"]["summary"]] == [OWN_THANA]
    assert body["meta"]["defaults_used"], "the demo register is messy: defaults are reported"


def test_gaps_are_ranked_and_explained(env: Env) -> None:
    body = env.get("/cctv/gaps?radius_m=250&days=60", "analyst").json()
    props = [f["properties"] for f in body["features"]]
    ranks = [p[cg.GAP_RANK] for p in props if p[cg.GAP_STATUS] != cg.COVERED_STATUS]
    assert ranks == list(range(1, len(ranks) + 1))
    assert all(p[cg.WHY] for p in props)
    assert all(f["geometry"]["type"] == "Point" for f in body["features"])
    assert body["meta"]["parameters"] == {"radius_m": 250.0, "days": 60}
    for p in props:
        assert not any(PERSONAL.search(k) for k in p)


def test_placement_in_order_of_gain_within_the_thana(env: Env) -> None:
    response = env.get("/cctv/placement?k=4&budget=3", "lanka")
    assert response.status_code == 200, response.text
    body = response.json()
    plan = body["meta"]["plan"]
    assert plan["thana"] == OWN_THANA and plan["k"] == 4 and plan["budget"] == 3.0
    props = [f["properties"] for f in body["features"]]
    assert 0 < len(props) <= 4
    assert [p[pl.ORDER] for p in props] == list(range(1, len(props) + 1))
    gains = [p[pl.MARGINAL_GAIN] for p in props]
    assert gains == sorted(gains, reverse=True)
    assert props[-1][pl.CUMULATIVE_COST] <= 3.0 + 1e-9
    assert {p[cg.THANA] for p in props} == {OWN_THANA}
    assert all(f["geometry"]["type"] == "Point" for f in body["features"])
    assert plan["optimality_gap"] >= 0


def test_placement_is_cached(env: Env) -> None:
    first = env.get("/cctv/placement?k=2&thana=Sigra", "planner")
    hits = env.state.cache.hits
    second = env.get("/cctv/placement?k=2&thana=Sigra", "planner")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert env.state.cache.hits == hits + 1


@pytest.mark.parametrize("query", ["k=-1", f"k={10_000}", "budget=-2", "days=0"])
def test_bad_placement_parameters_are_422(env: Env, query: str) -> None:
    assert env.get(f"/cctv/placement?{query}", "planner").status_code == 422


def test_cctv_map(env: Env) -> None:
    response = env.get("/maps/cctv?k=2", "lanka")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Sites by camera coverage" in page and "Proposed cameras" in page
    assert f"CCTV, {OWN_THANA}" in page


def test_placement_takes_the_forecast_parameter(env: Env) -> None:
    plain = env.get("/cctv/placement?k=2", "analyst")
    off = env.get("/cctv/placement?k=2&forecast=false", "analyst")
    assert plain.status_code == off.status_code == 200, plain.text
    assert plain.json()["features"] == off.json()["features"]  # nothing kept: the same plan
    used = env.get("/cctv/placement?k=2&forecast=true", "analyst")
    assert used.status_code == 200, used.text
    whys = [f["properties"][pl.WHY] for f in used.json()["features"]]
    assert whys and all("incidents next week" in w for w in whys)
