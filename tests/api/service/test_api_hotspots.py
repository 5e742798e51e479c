"""GET /hotspots: GeoJSON of explained hotspots, parameters, thana scope and the cache."""

from __future__ import annotations

from typing import Any

import pytest

import models.hotspots
from geo.settings import VARANASI_BBOX
from tests.api.conftest import Env


def _coords(geometry: dict[str, Any]) -> list[list[float]]:
    rings = (
        geometry["coordinates"]
        if geometry["type"] == "Polygon"
        else [ring for poly in geometry["coordinates"] for ring in poly]
    )
    return [xy for ring in rings for xy in ring]


def test_hotspots_geojson(env: Env) -> None:
    response = env.get("/hotspots", "planner")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    meta = body["meta"]
    chosen = meta["parameters"]
    assert chosen["rule"] in ("density", "floor") and chosen["max_width_m"] == 1000.0
    assert f"eps {chosen['eps_m']:g} m, min {chosen['min_samples']}" in chosen["reason"]
    assert meta["concentration"]["top_n"] <= 20
    assert 0 < meta["concentration"]["incident_share"] <= 1
    assert meta["hotspots"] == len(body["features"]) > 0
    assert meta["selection"]["incidents"] > 0 and meta["selection"]["thana"] is None
    west, south, east, north = VARANASI_BBOX
    ranks = []
    for feature in body["features"]:
        props = feature["properties"]
        assert props["why"] and props["incidents"] >= 2  # a border point may join another
        assert props["width_m"] <= 1000
        assert isinstance(props["category_mix"], dict)  # nested values stay JSON objects
        assert isinstance(props["hour_profile"], list) and len(props["hour_profile"]) == 24
        for lon, lat in _coords(feature["geometry"]):
            assert west <= lon <= east and south <= lat <= north  # EPSG:4326
        ranks.append(props["risk_rank"])
    assert ranks == sorted(ranks)


def test_parameters_change_the_result(env: Env) -> None:
    base = env.get("/hotspots", "planner").json()
    loose = env.get("/hotspots?eps_m=300&min_samples=5", "planner").json()
    given = loose["meta"]["parameters"]
    assert (given["eps_m"], given["min_samples"], given["rule"]) == (300.0, 5, "explicit")
    assert given["max_width_m"] is None
    assert loose["meta"]["clustered_incidents"] > base["meta"]["clustered_incidents"]
    picked = env.get(
        "/hotspots?category=eve-teasing&category=stalking&from=2026-01-01&to=2026-06-30",
        "planner",
    ).json()
    selection = picked["meta"]["selection"]
    assert selection["categories"] == ["eve-teasing", "stalking"]
    assert selection["first"] >= "2026-01-01" and selection["last"] <= "2026-06-30"
    assert selection["incidents"] < base["meta"]["selection"]["incidents"]


def test_thana_and_underserved(env: Env) -> None:
    own = env.get("/hotspots?thana=Lanka", "planner").json()
    assert own["meta"]["selection"]["thana"] == "Lanka"
    assert all(f["properties"]["primary_thana"] == "Lanka" for f in own["features"])
    under = env.get("/hotspots?underserved=true", "planner").json()
    assert under["meta"]["underserved_only"] is True
    for feature in under["features"]:
        assert feature["properties"]["campaigns_recent"] == 0
        assert feature["properties"][models.hotspots.UNDERSERVED_REASON]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("eps_m=0", "eps_m"),
        ("eps_m=0.001", "eps_m"),  # below the grid's exactness: quadratic scikit-learn memory
        ("eps_m=abc", "eps_m"),
        ("min_samples=0", "min_samples"),
        ("from=2026-02-30", "from"),
        ("from=2026-05-01&to=2026-01-01", "from"),
        ("thana=Atlantis", "thana"),
        ("category=not-a-category", "category"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(env: Env, query: str, field: str | None) -> None:
    response = env.get(f"/hotspots?{query}", "planner")
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert body["field"] == field
    assert body["detail"] and body["status"] == 422


def test_repeated_views_are_served_from_the_cache(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = models.hotspots.hotspots_of_inputs

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("eps_m"))
        return real(*args, **kwargs)

    monkeypatch.setattr(models.hotspots, "hotspots_of_inputs", counting)
    url = "/hotspots?eps_m=175&category=stalking&category=eve-teasing"
    first = env.get(url, "planner")
    hits = env.state.cache.hits
    # same parameters, spelled differently (order, 175.0): no recomputation
    again = env.get("/hotspots?category=eve-teasing&category=stalking&eps_m=175.0", "analyst")
    assert again.content == first.content
    assert calls == [175.0]
    assert env.state.cache.hits == hits + 1
    # another thana scope is another result
    env.get(url + "&thana=Lanka", "planner")
    assert len(calls) == 2
    env.get(url, "lanka")  # the in-charge's implicit scope is the same key
    assert len(calls) == 2


def test_a_new_import_invalidates_the_cache(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.service.uploads import register_csv

    url = "/hotspots?eps_m=160"
    before = env.get(url, "planner").json()
    response = env.client.post(
        "/datasets/incidents",
        files={"file": ("more.csv", register_csv(prefix="cache"), "text/csv")},
        headers=env.headers("admin"),
    )
    assert response.status_code == 200
    after = env.get(url, "planner").json()
    assert after["meta"]["store_version"] == before["meta"]["store_version"] + 1
    assert after["meta"]["selection"]["incidents"] == before["meta"]["selection"]["incidents"] + 4


def test_underserved_hotspot_without_any_drive_on_record(env: Env) -> None:
    response = env.get("/hotspots?underserved=true&eps_m=250&min_samples=3", "planner")
    assert response.status_code == 200


def test_campaign_clusters_and_the_drives_around_each_hotspot(env: Env) -> None:
    spots = env.get("/hotspots", "planner").json()
    assert spots["meta"]["layer"] == "incidents"
    for feature in spots["features"]:
        assert isinstance(feature["properties"]["drive_clusters"], list)
    drives = env.get("/hotspots?layer=campaigns", "planner").json()
    meta = drives["meta"]
    assert meta["layer"] == "campaigns" and meta["parameters"]["layer"] == "campaigns"
    assert meta["drive_clusters"] == len(drives["features"]) > 0
    covered = {h for f in drives["features"] for h in f["properties"]["hotspots_nearby"]}
    linked = {i for f in spots["features"] if f["properties"]["drive_clusters"] for i in [f["id"]]}
    assert covered == linked  # the same links seen from both sides
    for feature in drives["features"]:
        props = feature["properties"]
        assert props["drives"] >= 1 and props["width_m"] <= 1000
        assert props["incidents_nearby"] >= 0
    bad = env.get("/hotspots?layer=people", "planner")
    assert bad.status_code == 422


def test_hotspots_use_the_forecast_kept_by_get_forecast(env: Env) -> None:
    """(Last in this module: it keeps a forecast choice beside the module's store.)"""
    from geo.store.choices import sidecar_of

    before = env.get("/hotspots", "analyst")
    assert before.status_code == 200 and "forecast" not in before.json()["meta"]
    kept = env.get("/forecast?folds=2&cell_m=400", "analyst")
    assert kept.status_code == 200, kept.text
    beats = kept.json()["meta"]["beats_naive"]
    after = env.get("/hotspots", "analyst").json()  # not the cached answer from before
    assert ("forecast" in after["meta"]) == beats
    if beats:
        assert after["meta"]["forecast"].startswith("risk from the forecast (")
    off = env.get("/hotspots?forecast=false", "analyst").json()
    assert "forecast" not in off["meta"] and off["features"] == before.json()["features"]
    asked = env.get("/hotspots?forecast=true", "analyst").json()
    assert "forecast" in asked["meta"]
    assert all("incidents next week" in f["properties"]["why"] for f in asked["features"])
    sidecar = sidecar_of(env.settings.store_location)
    assert sidecar is not None and sidecar.is_file()
    sidecar.unlink()
