"""GET /significance, /emerging, /backtest and /forecast."""

from __future__ import annotations

import pytest

import api.usecases.budget
from models.forecast import ENSEMBLE, FEATURE_MODEL, RECENCY, SELF_EXCITING
from models.surfaces.significance import NOT_SIGNIFICANT
from tests.api.conftest import Env


def test_significance_flags_only_by_default(env: Env) -> None:
    body = env.get("/significance", "analyst").json()
    meta = body["meta"]
    assert meta["parameters"] == {"cell_m": 250.0, "grid": "square"}
    assert meta["flagged"] == len(body["features"]) > 0
    assert meta["cells"] > meta["flagged"]
    classes = {f["properties"]["gi_class"] for f in body["features"]}
    assert NOT_SIGNIFICANT not in classes and any(c.startswith("hot") for c in classes)
    assert all(f["id"].startswith("sq250m_") for f in body["features"])
    everything = env.get("/significance?all_cells=true&thana=Lanka", "analyst").json()
    assert len(everything["features"]) == everything["meta"]["cells"]
    assert NOT_SIGNIFICANT in {f["properties"]["gi_class"] for f in everything["features"]}


def test_significance_h3_and_bounds(env: Env) -> None:
    hexes = env.get("/significance?grid=h3&cell_m=300&thana=Lanka", "planner")
    assert hexes.status_code == 200
    assert hexes.json()["meta"]["parameters"]["grid"] == "h3"
    assert env.get("/significance?grid=hex", "planner").json()["field"] == "grid"
    assert env.get("/significance?cell_m=10", "planner").json()["field"] == "cell_m"


def test_emerging(env: Env) -> None:
    body = env.get("/emerging?thana=Lanka", "planner").json()
    meta = body["meta"]
    assert meta["parameters"]["time_bin"] == "M"
    assert meta["flagged"] == len(body["features"])
    assert all(f["properties"]["pattern"] != "no pattern" for f in body["features"])
    assert env.get("/emerging?time_bin=D", "planner").status_code == 422


def test_work_budget_refuses_huge_requests(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.usecases.budget, "MAX_CELL_BINS", 1000)
    response = env.get("/emerging?time_bin=W&cell_m=100", "planner")
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "cell_m" and "limit" in body["detail"]
    monkeypatch.setattr(api.usecases.budget, "MAX_CELLS", 100)
    assert env.get("/significance?cell_m=120", "planner").json()["field"] == "cell_m"


def test_backtest_summary(env: Env) -> None:
    response = env.get("/backtest?folds=2&thana=Lanka&cell_m=300", "analyst")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["folds"] == 2 and body["cell_m"] == 300.0
    methods = {row["method"] for row in body["summary"]}
    standard = {"dbscan hotspots", "kde", "gi* hot cells", "last-period counts"}
    # the forecast models are scored beside the standard methods (forecasts=false: not)
    assert methods == standard | {RECENCY, SELF_EXCITING, FEATURE_MODEL, ENSEMBLE}
    assert {row["area_share"] for row in body["summary"]} == {0.01, 0.05, 0.1, 0.2}
    for row in body["summary"]:
        assert row["hit_rate"] is None or 0 <= row["hit_rate"] <= 1
        assert 0 <= row["hit_rate_equal_area"] <= 1 and row["hit_rate_equal_area_sd"] >= 0
    only = env.get("/backtest?folds=1&thana=Lanka&cell_m=300&forecasts=false", "analyst")
    assert {row["method"] for row in only.json()["summary"]} == standard


@pytest.mark.parametrize("query", ["train=90", "test=0D", "folds=0", "folds=99", "bandwidth_m=1"])
def test_backtest_bad_parameters(env: Env, query: str) -> None:
    response = env.get(f"/backtest?{query}", "analyst")
    assert response.status_code == 422
    assert response.json()["field"] == query.split("=")[0]


def test_forecast_is_risk_per_cell_with_the_comparison(env: Env) -> None:
    from models.evaluation.scorers import LAST_PERIOD
    from models.forecast.risk import EXPECTED, RISK_RANK

    response = env.get("/forecast?folds=2&thana=Lanka&cell_m=400&horizon=14D", "lanka")
    assert response.status_code == 200, response.text
    body = response.json()
    meta = body["meta"]
    methods = {row["method"] for row in meta["candidates"]}
    assert LAST_PERIOD in methods and len(methods) == 5
    assert meta["chosen"] in methods
    assert meta["selection"]["thana"] == "Lanka"
    ranks = [f["properties"][RISK_RANK] for f in body["features"]]
    assert ranks[:3] == [1, 2, 3]
    total = sum(f["properties"][EXPECTED] for f in body["features"])
    assert total == pytest.approx(meta["expected_total"], rel=1e-3)


@pytest.mark.parametrize("query", ["horizon=7X", "area_share=0.9", "folds=50"])
def test_forecast_bad_parameters(env: Env, query: str) -> None:
    response = env.get(f"/forecast?{query}", "analyst")
    assert response.status_code == 422
