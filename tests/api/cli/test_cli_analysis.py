"""Tests for the analysis commands of the CLI: hotspots, significance, backtest."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app
from geo.store import open_store
from models.evaluation.backtest import METHOD
from models.evaluation.scorers import STANDARD_METHODS
from models.forecast import ENSEMBLE, FEATURE_MODEL, RECENCY, SELF_EXCITING
from models.hotspots import INCIDENTS, PRIMARY_THANA, RISK_RANK, WHY
from models.surfaces.emerging import NO_PATTERN, PATTERN
from models.surfaces.significance import GI_CLASS, NOT_SIGNIFICANT

runner = CliRunner()
FORECASTS = (RECENCY, SELF_EXCITING, FEATURE_MODEL, ENSEMBLE)


def run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_hotspots_with_forecast_say_their_parameters(store: Path) -> None:
    """``shakti hotspots --forecast`` crashed with ``KeyError: 'eps_m'`` (lost table attrs)."""
    summary = run("hotspots", "--store", str(store), "--forecast", "--thana", "Lanka")
    plain = run("hotspots", "--store", str(store), "--no-forecast", "--thana", "Lanka")
    assert summary["eps_m"] == plain["eps_m"] and summary["parameters"] == plain["parameters"]
    assert "forecast" in summary


def test_hotspots_json_contract_and_geojson_out(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "hotspots.geojson"
    summary = run("hotspots", "--store", str(store), "--eps-m", "200", "--min-samples", "8",
                  "--out", str(out))  # fmt: skip
    assert summary["eps_m"] == 200 and summary["min_samples"] == 8
    n = summary["hotspots"]
    assert isinstance(n, int) and n > 0
    written = gpd.read_file(out)
    assert len(written) == n
    assert written.crs.to_epsg() == 4326
    assert {INCIDENTS, WHY, RISK_RANK, PRIMARY_THANA} <= set(written.columns)
    assert summary["clustered_incidents"] == int(written[INCIDENTS].sum())
    top = summary["top"]
    assert isinstance(top, list) and [t["rank"] for t in top] == sorted(t["rank"] for t in top)


def test_hotspots_choose_their_parameters_and_say_why(store: Path) -> None:
    chosen = run("hotspots", "--store", str(store))
    about = chosen["parameters"]
    assert isinstance(about, dict) and about["rule"] in ("density", "floor")
    assert (chosen["eps_m"], chosen["min_samples"]) == (about["eps_m"], about["min_samples"])
    assert about["max_width_m"] == 1000 and "are split" in about["reason"]
    rows = chosen["top"]
    assert isinstance(rows, list) and all(r["width_m"] <= 1000 for r in rows)
    conc = chosen["concentration"]
    assert isinstance(conc, dict) and conc["sentence"].startswith("The top ")
    given = run("hotspots", "--store", str(store), "--eps-m", "150", "--min-samples", "10")
    about = given["parameters"]
    assert isinstance(about, dict)
    assert (about["rule"], about["max_width_m"]) == ("explicit", None)  # as before: no cap
    capped = run("hotspots", "--store", str(store), "--eps-m", "150", "--min-samples", "10",
                 "--max-width-m", "400")  # fmt: skip
    rows = capped["top"]
    assert isinstance(rows, list) and all(r["width_m"] <= 400 for r in rows)
    screen = runner.invoke(app, ["hotspots", "--store", str(store), "--top", "1"])
    assert "the mean density" in screen.output.replace("\n", " ")


def test_hotspots_layer_campaigns_clusters_the_drives(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "drives.geojson"
    drives = run("hotspots", "--store", str(store), "--layer", "campaigns", "--out", str(out))
    assert drives["layer"] == "campaigns" and drives["drive_clusters"] == len(gpd.read_file(out))
    about = drives["parameters"]
    assert isinstance(about, dict) and about["layer"] == "campaigns" and about["reason"]
    rows = drives["top"]
    assert isinstance(rows, list) and rows
    assert [r["drives"] for r in rows] == sorted((r["drives"] for r in rows), reverse=True)
    assert all(r["width_m"] <= 1000 and r["incidents_nearby"] >= 0 for r in rows)
    bad = runner.invoke(app, ["hotspots", "--store", str(store), "--layer", "people"])
    assert bad.exit_code != 0 and "--layer must be one of incidents, campaigns" in bad.output


def test_hotspots_screen_explains_each_hotspot(store: Path) -> None:
    result = runner.invoke(app, ["hotspots", "--store", str(store), "--top", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.count("(hotspot ") == 2
    assert "incidents" in result.output and "peak" in result.output


def test_hotspots_date_and_thana_selection(store: Path) -> None:
    everything = run("hotspots", "--store", str(store))
    selection = everything["selection"]
    assert isinstance(selection, dict)
    window = run("hotspots", "--store", str(store), "--from", "2026-06-01", "--to", "2026-06-30")
    chosen = window["selection"]
    assert isinstance(chosen, dict)
    assert 0 < chosen["incidents"] < selection["incidents"]
    assert chosen["first"] >= "2026-06-01" and chosen["last"] <= "2026-06-30"
    thanas = open_store(store).read("thanas")["name"]
    one = run("hotspots", "--store", str(store), "--thana", str(thanas.iloc[0]))
    assert isinstance(one["selection"], dict) and one["selection"]["thana"] == thanas.iloc[0]


def test_hotspots_underserved_only(store: Path) -> None:
    every = run("hotspots", "--store", str(store), "--min-samples", "5")
    under = run("hotspots", "--store", str(store), "--min-samples", "5", "--underserved")
    assert under["underserved_only"] is True
    assert isinstance(under["hotspots"], int) and isinstance(every["hotspots"], int)
    assert under["hotspots"] <= every["hotspots"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2030-01-01"], "no incidents match the selection"),
        (["--from", "2026-13-01"], "is not a date"),
        (["--thana", "Atlantis"], "thana 'Atlantis' is not in the store"),
        (["--out", "x.shp"], "unknown output format"),
    ],
)
def test_hotspots_errors_are_clear(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["hotspots", "--store", str(store), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_significance_gi_star_writes_flagged_cells(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "gi.gpkg"
    summary = run("significance", "--store", str(store), "--cell-m", "300", "--out", str(out))
    assert summary["analysis"] == "gi_star"
    classes = summary["classes"]
    assert isinstance(classes, dict) and sum(classes.values()) == summary["cells"]
    cells = gpd.read_file(out)
    assert len(cells) == summary["flagged"] > 0
    assert NOT_SIGNIFICANT not in set(cells[GI_CLASS])
    assert cells.crs.to_epsg() == 4326


def test_significance_emerging(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "emerging.csv"
    summary = run("significance", "--store", str(store), "--emerging", "--bin", "M",
                  "--cell-m", "400", "--out", str(out), "--all-cells")  # fmt: skip
    assert summary["analysis"] == "emerging"
    table = pd.read_csv(out)
    assert len(table) == summary["cells"]
    assert set(table[PATTERN]) >= {NO_PATTERN}


def test_significance_rejects_unknown_grid(store: Path) -> None:
    result = runner.invoke(app, ["significance", "--store", str(store), "--grid", "hexes"])
    assert result.exit_code == 2
    assert "grid" in result.output


def test_backtest_table_plot_and_folds(store: Path, tmp_path: Path) -> None:
    plot, out = tmp_path / "pai.png", tmp_path / "folds.csv"
    summary = run("backtest", "--store", str(store), "--folds", "2", "--cell-m", "400",
                  "--plot", str(plot), "--out", str(out))  # fmt: skip
    assert summary["folds"] == 2
    rows = summary["summary"]
    assert isinstance(rows, list)
    # the standard methods and, by default, the forecast models beside them
    assert {r["method"] for r in rows} == set(STANDARD_METHODS) | set(FORECASTS)
    assert all(0 <= r["hit_rate_equal_area"] <= 1 for r in rows)  # type: ignore[index]
    assert plot.read_bytes()[:4] == b"\x89PNG"
    folds = pd.read_csv(out)
    assert set(folds[METHOD]) >= set(STANDARD_METHODS) and folds["fold"].nunique() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--train", "ninety days"], "is not a length of time"),
        (["--out", "folds.ods"], "written as CSV or XLSX"),
        (["--train", "900D"], "less than one training window"),
    ],
)
def test_backtest_errors_are_clear(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["backtest", "--store", str(store), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_hotspots_out_never_replaces_a_store(store: Path, tmp_path: Path) -> None:
    """``--out`` naming a store (the one read, or any other) is refused; the store is kept."""
    copy = tmp_path / "copy.gpkg"
    copy.write_bytes(store.read_bytes())
    result = runner.invoke(app, ["hotspots", "--store", str(copy), "--out", str(copy)])
    assert result.exit_code == 2
    assert "refusing to write copy.gpkg: it is a Shakti store" in result.output
    assert open_store(copy).count("incidents") == open_store(store).count("incidents") > 0
