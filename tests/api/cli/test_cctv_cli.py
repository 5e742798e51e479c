"""Tests for ``shakti cctv gaps | place | report`` on a small SYNTHETIC demo store."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

import api.cli.cctv as cli_cctv
from api.cli.common import app
from models.cctv import gaps as cg
from models.cctv import placement as pl

runner = CliRunner()
THANA = "Lanka"


def run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["cctv", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_gaps_csv_of_one_thana(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.csv"
    summary = run("gaps", "--store", str(store), "--thana", THANA, "--out", str(out))
    table = pd.read_csv(out)
    assert len(table) == summary["sites"] and set(table[cg.THANA]) == {THANA}
    assert {"lon", "lat", cg.GAP_STATUS, cg.PRIORITY, cg.WHY} <= set(table.columns)
    counts = table[cg.GAP_STATUS].value_counts()
    for status in cg.GAP_STATUSES:
        assert summary[status] == int(counts.get(status, 0))
    assert summary[cg.COVERED_STATUS] and summary[cg.UNCOVERED]  # demo data has both
    assert summary["defaults_used"]  # the demo register is messy


def test_gaps_geojson_and_folder(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.geojson"
    run("gaps", "--store", str(store), "--out", str(out))
    layer = gpd.read_file(out)
    assert layer.crs.to_epsg() == 4326 and (layer.geometry.geom_type == "Point").all()
    folder = tmp_path / "cctv"
    summary = run("gaps", "--store", str(store), "--out", str(folder))
    names = {p.name for p in folder.iterdir()}
    assert {cli_cctv.GAPS_CSV, cli_cctv.GAPS_GEOJSON, cli_cctv.SUMMARY_CSV} <= names
    assert cli_cctv.REPORT_HTML in names and "cctv_report_lanka.html" in names
    assert len(summary["out"]) == len(names)  # type: ignore[arg-type]
    page = (folder / "cctv_report_lanka.html").read_text(encoding="utf-8")
    assert "CCTV coverage report" in page and "सीसीटीवी कवरेज रिपोर्ट" in page
    assert "<script" not in page


def test_place_writes_points_in_order_of_gain(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.geojson"
    summary = run(
        "place", "--store", str(store), "--thana", THANA, "--k", "4", "--budget", "3",
        "--out", str(out),
    )  # fmt: skip
    plan = gpd.read_file(out)
    assert 0 < len(plan) <= 4 and (plan.geometry.geom_type == "Point").all()
    assert plan[pl.ORDER].tolist() == list(range(1, len(plan) + 1))
    gains = plan[pl.MARGINAL_GAIN].tolist()
    assert gains == sorted(gains, reverse=True) and summary["gains"] == gains
    assert plan[pl.COST].sum() <= 3 + 1e-9
    assert summary["method"] == pl.MILP and summary["optimal"] is True
    assert summary["thana"] == THANA and set(plan[cg.THANA]) == {THANA}


def test_report_html(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    summary = run("report", "--store", str(store), "--thana", THANA, "--k", "3", "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert summary["proposed"] == 3 and summary["bytes"] == len(page.encode())
    for english, hindi in cli_cctv_headings():
        assert english in page and hindi in page
    assert page.count("<tr") > 10 and "<script" not in page


def cli_cctv_headings() -> list[tuple[str, str]]:
    from maps.cctv_report import HEADINGS

    return [(e, h) for h, e in HEADINGS.values()]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["gaps", "--out", "gaps.ods"],
            "gaps are written as .csv, .xlsx, .geojson or into a folder",
        ),
        (["place", "--k", "3", "--out", "plan.csv"], "the plan is written as GeoJSON"),
        (["place", "--k", "3", "--out", "p.geojson", "--method", "x"], "unknown method"),
        (["report", "--out", "r.pdf"], "the report is HTML"),
        (["gaps", "--out", "g.csv", "--thana", "Nowhere"], "not in the store"),
    ],
)
def test_errors_are_one_line_and_exit_2(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["cctv", *args, "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert message in result.output
