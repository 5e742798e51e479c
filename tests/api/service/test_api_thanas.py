"""GET /thanas (boundaries + counts) and GET /thanas/{name}/scorecard."""

from __future__ import annotations

from geo.schema import RESOURCES
from tests.api.conftest import Env


def test_thanas_geojson_with_counts(env: Env) -> None:
    body = env.get("/thanas", "planner").json()
    names = [f["id"] for f in body["features"]]
    assert len(names) == env.state.store.count("thanas") == body["meta"]["thanas"]
    counts = {f["id"]: f["properties"]["incidents"] for f in body["features"]}
    incidents = env.state.store.read("incidents")
    assert counts["Lanka"] == int((incidents["thana"] == "Lanka").sum())
    props = body["features"][0]["properties"]
    assert {"name", "zone", "station_lon", "station_lat", *RESOURCES} <= set(props)
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    dated = env.get("/thanas?from=2026-01-01&category=stalking", "planner").json()
    assert sum(f["properties"]["incidents"] for f in dated["features"]) < sum(counts.values())


def test_incharge_gets_only_their_thana(env: Env) -> None:
    body = env.get("/thanas", "lanka").json()
    assert [f["id"] for f in body["features"]] == ["Lanka"]
    assert env.get("/thanas?thana=Sigra", "lanka").status_code == 403
    planner_one = env.get("/thanas?thana=Sigra", "planner").json()
    assert [f["id"] for f in planner_one["features"]] == ["Sigra"]


def test_scorecard(env: Env) -> None:
    response = env.get("/thanas/Lanka/scorecard", "planner")
    assert response.status_code == 200, response.text
    card = response.json()
    assert card["thana"] == "Lanka" and card["zone"]
    incidents = card["incidents"]
    assert incidents["total"] == sum(incidents["by_category"].values())
    assert incidents["total"] == sum(incidents["by_month"].values())
    assert incidents["total"] == sum(r["incidents"] for r in incidents["by_month_category"])
    assert all(len(month) == 7 for month in incidents["by_month"])
    assert card["hotspots"]["count"] >= card["hotspots"]["underserved"] >= 0
    assert card["campaigns"]["held"] > 0 and card["campaigns"]["attendees"] > 0
    cctv = card["cctv"]
    assert cctv["working"] + cctv["faulty"] + cctv["unknown"] == cctv["total"] > 0
    sites = card["sites"]
    assert sites["without_working_camera"] == len(sites["list_without_camera"]) <= sites["total"]
    assert set(card["resources"]) == set(RESOURCES)


def test_scorecard_filters_and_radius(env: Env) -> None:
    near = env.get("/thanas/Lanka/scorecard?camera_radius_m=0", "planner").json()
    far = env.get("/thanas/Lanka/scorecard?camera_radius_m=2000", "planner").json()
    assert near["sites"]["without_working_camera"] >= far["sites"]["without_working_camera"]
    dated = env.get("/thanas/Lanka/scorecard?from=2026-06-01&to=2026-06-30", "planner").json()
    assert set(dated["incidents"]["by_month"]) <= {"2026-06"}
    assert dated["period"] == {"from": "2026-06-01", "to": "2026-06-30"}


def test_scorecard_roles_and_unknown_thana(env: Env) -> None:
    assert env.get("/thanas/Lanka/scorecard", "lanka").status_code == 200
    denied = env.get("/thanas/Sigra/scorecard", "lanka")
    assert denied.status_code == 403 and denied.json()["field"] == "name"
    missing = env.get("/thanas/Atlantis/scorecard", "planner")
    assert missing.status_code == 404 and missing.json()["field"] == "name"
