"""GET /maps/hotspots: authentication (bearer or map cookie), thana scope, the HTML itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import maps.assets
from api.service.auth import MAP_COOKIE
from tests.api.conftest import PASSWORDS, Env


def test_map_needs_a_login(env: Env) -> None:
    response = env.client.get("/maps/hotspots")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_incharge_map_of_another_thana_is_403(env: Env) -> None:
    response = env.get("/maps/hotspots?thana=Sigra", "lanka")
    assert response.status_code == 403
    assert response.json()["field"] == "thana"


def test_map_cookie_authenticates_maps_only(env: Env) -> None:
    env.client.cookies.clear()
    login = env.client.post(
        "/auth/token", data={"username": "lanka", "password": PASSWORDS["lanka"]}
    )
    cookie = login.cookies[MAP_COOKIE]
    assert env.client.get("/maps/hotspots?thana=Sigra").status_code == 403  # known user, scoped
    # the cookie is no credential for the data API
    response = env.client.get("/hotspots", headers={"Cookie": f"{MAP_COOKIE}={cookie}"})
    assert response.status_code == 401
    env.client.cookies.clear()
    assert env.client.get("/maps/hotspots").status_code == 401


def test_map_without_fetched_assets_says_how_to_fetch(
    env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(maps.assets, "ASSET_DIR", tmp_path)  # nothing fetched there
    response = env.get("/maps/hotspots?eps_m=151", "planner")
    assert response.status_code == 503
    body = response.json()
    assert "front-end map assets are missing" in body["detail"]
    assert "maps.assets fetch" in body["fix"]


def test_map_html(env: Env) -> None:
    pytest.importorskip("maps.hotspot_map")
    response = env.get("/maps/hotspots?significance=true", "planner")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<html" in html.lower()
    # no CDN: every script and stylesheet comes from /assets of this service
    for url in re.findall(r"""<(?:script|link)[^>]+(?:src|href)=["']([^"']+)""", html):
        assert url.startswith("/assets/"), url
        assert env.get(url).status_code == 200, url


def test_map_with_emerging_trends(env: Env) -> None:
    plain = env.get("/maps/hotspots", "planner").text
    assert "Emerging hot-spot trends" not in plain
    response = env.get("/maps/hotspots?emerging=true", "planner")
    assert response.status_code == 200, response.text
    assert re.search(r"Emerging hot-spot trends \(\d+ cells\)", response.text)


def test_map_with_campaign_clusters_and_top_hotspots(env: Env) -> None:
    plain = env.get("/maps/hotspots", "planner").text
    assert "Clusters of awareness drives" not in plain
    assert "the mean density" in plain  # the legend says how the parameters were chosen
    response = env.get("/maps/hotspots?campaigns=true", "planner")
    assert response.status_code == 200, response.text
    assert re.search(r"Clusters of awareness drives: \d+", response.text)
    assert "Incidents within 500 m" in response.text


def test_incharge_map_by_cookie(env: Env) -> None:
    pytest.importorskip("maps.hotspot_map")
    env.client.cookies.clear()
    env.client.post("/auth/token", data={"username": "lanka", "password": PASSWORDS["lanka"]})
    response = env.client.get("/maps/hotspots")
    env.client.cookies.clear()
    assert response.status_code == 200
    assert "Lanka" in response.text and "Sigra" not in response.text
