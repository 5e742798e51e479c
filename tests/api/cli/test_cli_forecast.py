"""``shakti forecast``: every model against naive at equal area, the risk layer and hours."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from typer.testing import CliRunner

from api.cli import app
from models.evaluation.scorers import LAST_PERIOD
from models.forecast import ENSEMBLE, FEATURE_MODEL, RECENCY, SELF_EXCITING
from models.forecast.choose import BEATS_NAIVE, GAIN_OVER_NAIVE
from models.forecast.risk import EXPECTED, HOUR, RISK_RANK, TIMES_THANA_MEAN, WEEKDAY

runner = CliRunner()


def test_forecast_table_json_risk_layer_and_hours(store: Path, tmp_path: Path) -> None:
    out, hours = tmp_path / "risk.gpkg", tmp_path / "hours.csv"
    result = runner.invoke(
        app,
        ["forecast", "--store", str(store), "--folds", "2", "--cell-m", "400",
         "--horizon", "14D", "--out", str(out), "--hours-out", str(hours), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    rows = {r["method"]: r for r in summary["candidates"]}
    assert set(rows) == {LAST_PERIOD, RECENCY, SELF_EXCITING, FEATURE_MODEL, ENSEMBLE}
    assert rows[LAST_PERIOD][GAIN_OVER_NAIVE] == 0 and not rows[LAST_PERIOD][BEATS_NAIVE]
    chosen = summary["chosen"]
    assert summary["beats_naive"] == (chosen != LAST_PERIOD)
    assert summary["folds"] == 2 and summary["horizon"] == "14D"
    assert set(summary["params"][SELF_EXCITING]) >= {"time_scale_days", "distance_scale_m"}
    layer = gpd.read_file(out)
    assert layer.crs.to_epsg() == 4326
    assert {EXPECTED, RISK_RANK, TIMES_THANA_MEAN} <= set(layer.columns)
    assert abs(layer[EXPECTED].sum() - summary["expected_total"]) < 0.01
    table = pd.read_csv(hours)
    assert len(table) == 168 and {WEEKDAY, HOUR, EXPECTED} <= set(table.columns)
    assert "last-period counts" in result.output  # the table shows naive beside the models


def test_forecast_refuses_a_bad_horizon_and_a_bad_layer(store: Path, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["forecast", "--store", str(store), "--horizon", "soon"])
    assert bad.exit_code == 2 and "--horizon 'soon' is not a length of time" in bad.output
    layer = runner.invoke(
        app, ["forecast", "--store", str(store), "--out", str(tmp_path / "x.txt")]
    )
    assert layer.exit_code == 2 and "cannot write x.txt" in layer.output


def test_forecast_is_kept_and_used_by_default_until_turned_off(store: Path, tmp_path: Path) -> None:
    from geo.store.choices import sidecar_of

    sidecar = sidecar_of(store)
    assert sidecar is not None
    sidecar.unlink(missing_ok=True)
    before = runner.invoke(app, ["hotspots", "--store", str(store), "--top", "3"])
    assert before.exit_code == 0, before.output
    assert "run `shakti forecast`" in " ".join(before.output.split())  # the hint
    chose = runner.invoke(
        app, ["forecast", "--store", str(store), "--folds", "2", "--cell-m", "400", "--json"]
    )
    assert chose.exit_code == 0, chose.output
    beats = json.loads(chose.output.strip().splitlines()[-1])["beats_naive"]
    assert sidecar.is_file()
    out = tmp_path / "cams.geojson"
    place = runner.invoke(
        app, ["cctv", "place", "--store", str(store), "--k", "2", "--out", str(out), "--json"]
    )
    assert place.exit_code == 0, place.output
    said = " ".join(place.output.split())
    if beats:
        assert "risk from the forecast" in said and "points over last-period counts" in said
        assert all("incidents next week" in w for w in gpd.read_file(out)["why"])
    else:
        assert "does not beat last-period counts: not used" in said
    off = runner.invoke(app, ["hotspots", "--store", str(store), "--top", "3", "--no-forecast"])
    assert off.exit_code == 0 and "forecast" not in off.output
