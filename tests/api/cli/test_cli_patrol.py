"""Tests for ``shakti patrol plan``."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

import api.cli.patrol  # noqa: F401  (registers ``shakti patrol``)
from api.cli.common import app
from maps.patrol_sheet import HEADINGS
from models.patrol import CONDUCT_EN, STOP_COLUMNS
from models.patrol.export import PLAN_JSON, ROUTES_GEOJSON, STOPS_CSV

runner = CliRunner()


def plan(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["patrol", "plan", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_plan_writes_json_csv_geojson_and_a_sheet_per_team_and_day(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    summary = plan(
        "--store", str(store), "--thana", "Lanka", "--days", "2", "--seed", "9", "--out", str(out)
    )
    assert summary["days"] == 2 and summary["seed"] == 9 and summary["teams"] == 3
    assert summary["sheets"] == 6 and summary["synthetic"] is True
    defaults = summary["defaults_used"]
    assert isinstance(defaults, list) and "3 default teams" in defaults[0]
    data = json.loads((out / PLAN_JSON).read_text(encoding="utf-8"))
    assert data["meta"]["conduct"]["en"] == CONDUCT_EN
    assert {r["thana"] for r in data["routes"]} == {"Lanka"}
    stops = pd.read_csv(out / STOPS_CSV)
    assert tuple(stops.columns) == STOP_COLUMNS and len(stops) == summary["stops"]
    assert stops["reason"].str.len().min() > 20
    routes = gpd.read_file(out / ROUTES_GEOJSON)
    assert routes.crs.to_epsg() == 4326
    sheets = sorted((out / "sheets").rglob("*.html"))
    assert len(sheets) == 6
    page = sheets[0].read_text(encoding="utf-8")
    assert HEADINGS["title"] in page and "SYNTHETIC" in page and "<svg" in page


def test_same_seed_same_plan(store: Path, tmp_path: Path) -> None:
    args = ("--store", str(store), "--thana", "Lanka", "--days", "1", "--seed", "2")
    plan(*args, "--out", str(tmp_path / "a"))
    plan(*args, "--out", str(tmp_path / "b"))
    a = (tmp_path / "a" / STOPS_CSV).read_text(encoding="utf-8")
    assert a == (tmp_path / "b" / STOPS_CSV).read_text(encoding="utf-8")


def test_teams_file_and_must_visit(store: Path, tmp_path: Path) -> None:
    teams = tmp_path / "teams.csv"
    teams.write_text(
        "thana,team,shift_start,shift_end,mode\nLanka,L-foot,16:00,20:00,foot\n", encoding="utf-8"
    )
    first = plan(
        "--store", str(store), "--thana", "Lanka", "--days", "1", "--teams", str(teams),
        "--out", str(tmp_path / "p"), "--start", "2026-11-02",
    )  # fmt: skip
    assert first["teams"] == 1 and first["defaults_used"] == [] and first["start"] == "2026-11-02"
    stops = pd.read_csv(tmp_path / "p" / STOPS_CSV)
    assert set(stops["team"]) == {"L-foot"}
    assert stops["arrive"].min() >= "16:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "0"], "days must be a whole number in 1..31"),
        (["--thana", "Nowhere"], "thana 'Nowhere' is not in the store"),
        (["--start", "02/11/2026"], "--start '02/11/2026' is not a date"),
        (["--must-visit", "nowhere"], "must-visit place 'nowhere' is not a stop"),
        (["--teams", "missing.csv"], "teams file missing.csv does not exist"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    store: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(
        app, ["patrol", "plan", "--store", str(store), "--out", str(tmp_path / "o"), *args]
    )
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
