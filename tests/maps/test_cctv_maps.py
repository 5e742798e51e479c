"""Tests for the CCTV map layers (gaps, proposed cameras) and the printable report."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.schema import ID, KIND, NAME, OCCURRED_AT, STATUS, VIEW_RADIUS_M
from maps import assets
from maps.cctv_layers import GAP_COLORS
from maps.cctv_map import cctv_map
from maps.cctv_report import HEADINGS, cctv_report_html
from maps.render import map_html
from models.cctv import gaps as cg
from models.cctv import placement as pl

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0


def layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    def pts(xy: list[tuple[float, float]]) -> list[shapely.Point]:
        return [shapely.Point(X0 + x, Y0 + y) for x, y in xy]

    sites = gpd.GeoDataFrame(
        {
            ID: ["S1", "S2", "S3"],
            NAME: ["<b>Girls</b> School", "Seen College", "Far Hostel"],
            KIND: ["school", "college", "hostel"],
        },
        geometry=pts([(0, 0), (2000, 0), (5000, 0)]),
        crs=UTM,
    )
    cams = gpd.GeoDataFrame(
        {ID: ["F1", "W1"], STATUS: ["faulty", "working"], VIEW_RADIUS_M: [60.0, 80.0]},
        geometry=pts([(0, 0), (2000, 10)]),
        crs=UTM,
    )
    t = pd.Timestamp("2026-06-01 17:00", tz="Asia/Kolkata")
    incidents = gpd.GeoDataFrame(
        {OCCURRED_AT: [t] * 4}, geometry=pts([(10, 0), (5000, 20), (5010, 0), (4990, 5)]), crs=UTM
    )
    return sites, cams, incidents


@pytest.fixture(scope="module")
def plan() -> tuple[cg.GapAnalysis, pl.Placement]:
    sites, cams, incidents = layers()
    gaps = cg.gap_analysis(sites, cams, incidents=incidents, metric_crs=UTM)
    placement = pl.place_cameras(sites, cams, k=2, incidents=incidents, metric_crs=UTM)
    return gaps, placement


def test_report_is_bilingual_escaped_and_marks_synthetic(
    plan: tuple[cg.GapAnalysis, pl.Placement],
) -> None:
    gaps, placement = plan
    page = cctv_report_html(gaps, placement=placement, period="June", synthetic=True)
    for hindi, english in HEADINGS.values():
        assert hindi in page and english in page
    assert "&lt;b&gt;Girls&lt;/b&gt; School" in page and "<b>Girls</b>" not in page
    assert "SYNTHETIC demo data" in page and "June" in page
    assert "repair faulty camera F1" in page
    assert page.count('class="repairable"') >= 2  # the gap row and the proposed repair


def test_cctv_map_draws_gaps_and_proposed_cameras(
    plan: tuple[cg.GapAnalysis, pl.Placement],
) -> None:
    assets.fetch()
    gaps, placement = plan
    sites, cams, _ = layers()
    page = map_html(
        cctv_map(sites, cams, gaps=gaps, proposed=placement.cameras, tiles=None), assets="inline"
    )
    assert "2 of 3 sites have no working camera; 1 of 2 cameras work" in page
    assert f"Proposed cameras ({len(placement.cameras)})" in page
    assert "Proposed camera views" in page and "Sites by camera coverage (3)" in page
    for color in GAP_COLORS.values():
        assert color in page
    assert "1 of them would be covered by repairing a camera" in page
