"""Locality and pincode centroids form no hotspot, CCTV gap or patrol stop; thanas count them."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.schema import ID, KIND, LOCATION_PRECISION, NAME, OCCURRED_AT, THANA
from models.cctv import gaps as cg
from models.cctv.columns import INCIDENTS_COL, INCIDENTS_NEAR
from models.cctv.placement import INCIDENTS_GAINED, place_cameras
from models.evaluation.scorers import standard_backtest
from models.hotspots import find_hotspots
from models.hotspots.columns import HOTSPOTS_ATTR, INCIDENTS
from models.patrol import PatrolPlan
from models.patrol.layers import plan_from_layers
from models.selection import (
    IMPRECISE_LEFT_OUT,
    imprecise_location_note,
    point_incidents,
    precise_mask,
)
from models.surfaces.kde import kde_cells, kde_surface
from models.surfaces.significance import gi_star

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0
#: Rows stacked on one pincode centroid, and exact rows scattered far from it and each other.
STACKED, SCATTERED = 30, 6


def incidents(precision: str | None) -> gpd.GeoDataFrame:
    """30 rows on one point (the centroid), 6 exact rows 2 km apart from everything."""
    t0 = pd.Timestamp("2026-01-01 18:30", tz="Asia/Kolkata")
    xy = [(X0, Y0)] * STACKED + [(X0 + 2000 * (i + 1), Y0 + 3000) for i in range(SCATTERED)]
    frame = gpd.GeoDataFrame(
        {
            OCCURRED_AT: [t0 + pd.Timedelta(days=5 * i) for i in range(len(xy))],
            THANA: ["Lanka"] * len(xy),
        },
        geometry=[shapely.Point(x, y) for x, y in xy],
        crs=UTM,
    )
    if precision is not None:
        frame[LOCATION_PRECISION] = [precision] * STACKED + ["exact"] * SCATTERED
    return frame


def test_split_missing_column_or_value_is_precise() -> None:
    assert precise_mask(incidents(None)) is None
    assert point_incidents(incidents(None))[1] == 0
    assert precise_mask(incidents("exact")) is None
    frame = incidents("landmark")
    frame.loc[0, LOCATION_PRECISION] = None
    assert precise_mask(frame) is None
    kept, left_out = point_incidents(incidents("pincode"))
    assert (len(kept), left_out) == (SCATTERED, STACKED)
    assert kept.index.tolist() == list(range(STACKED, STACKED + SCATTERED))
    kept, left_out = point_incidents(incidents("locality"))
    assert left_out == STACKED
    assert point_incidents(incidents("pincode").geometry)[1] == 0  # a GeoSeries has no precision
    assert imprecise_location_note(0) is None


def test_stacked_pincode_rows_form_no_hotspot() -> None:
    exact = find_hotspots(incidents("exact"), eps_m=100, min_samples=5)
    assert len(exact) == 1 and int(exact[INCIDENTS].iloc[0]) == STACKED
    assert IMPRECISE_LEFT_OUT not in exact.attrs[HOTSPOTS_ATTR]
    older = find_hotspots(incidents(None), eps_m=100, min_samples=5)
    assert len(older) == 1
    for precision in ("pincode", "locality"):
        out = find_hotspots(incidents(precision), eps_m=100, min_samples=5)
        assert len(out) == 0
        attrs = out.attrs[HOTSPOTS_ATTR]
        assert attrs[IMPRECISE_LEFT_OUT] == STACKED
        assert any(n.startswith("30 incidents located only to a locality") for n in attrs["notes"])
    landmark = find_hotspots(incidents("landmark"), eps_m=100, min_samples=5)
    assert len(landmark) == 1


def test_weights_follow_the_kept_rows() -> None:
    frame = incidents("pincode")
    weights = np.ones(len(frame))
    out = find_hotspots(frame, eps_m=100, min_samples=5, weights=weights)
    assert len(out) == 0


def sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {ID: ["S-1"], NAME: ["School at the centroid"], KIND: ["school"], THANA: ["Lanka"]},
        geometry=[shapely.Point(X0, Y0)],
        crs=UTM,
    )


def test_cctv_gaps_count_no_centroid_incident_near_a_site() -> None:
    def gaps(precision: str) -> cg.GapAnalysis:
        return cg.gap_analysis(sites(), None, incidents=incidents(precision), metric_crs=UTM,
                               days=None)  # fmt: skip

    exact, pincode = gaps("exact"), gaps("pincode")
    assert int(exact.gaps[INCIDENTS_NEAR].iloc[0]) == STACKED
    assert int(pincode.gaps[INCIDENTS_NEAR].iloc[0]) == 0
    assert IMPRECISE_LEFT_OUT not in exact.parameters
    assert pincode.parameters[IMPRECISE_LEFT_OUT] == STACKED
    assert any(n.startswith("30 incidents located only") for n in pincode.notes)
    # the thana still counts every row
    lanka = pincode.summary.set_index(THANA).loc["Lanka"]
    assert int(lanka[INCIDENTS_COL]) == STACKED + SCATTERED
    assert int(exact.summary.set_index(THANA).loc["Lanka"][INCIDENTS_COL]) == STACKED + SCATTERED


def test_placement_demand_leaves_centroids_out() -> None:
    exact = place_cameras(sites(), None, k=1, incidents=incidents("exact"), metric_crs=UTM)
    pincode = place_cameras(sites(), None, k=1, incidents=incidents("pincode"), metric_crs=UTM)
    assert int(exact.cameras[INCIDENTS_GAINED].iloc[0]) == STACKED
    assert int(pincode.cameras[INCIDENTS_GAINED].iloc[0]) == 0
    assert pincode.summary[IMPRECISE_LEFT_OUT] == STACKED
    assert IMPRECISE_LEFT_OUT not in exact.summary
    assert any(n.startswith("30 incidents located only") for n in pincode.notes)


def test_surfaces_leave_centroids_out() -> None:
    exact = kde_surface(incidents("exact"), bandwidth_m=400, cell_m=100)
    pincode = kde_surface(incidents("pincode"), bandwidth_m=400, cell_m=100)
    assert exact.left_out == 0 and pincode.left_out == STACKED
    total = pincode.density.sum() * pincode.cell_area_km2
    assert abs(total - SCATTERED) < 0.5
    cells = kde_cells(incidents("pincode"), bandwidth_m=400, cell_m=200)
    assert cells.attrs[IMPRECISE_LEFT_OUT] == STACKED
    gi = gi_star(incidents("pincode"), cell_m=500)
    assert int(gi["count"].sum()) == SCATTERED
    assert gi.attrs[IMPRECISE_LEFT_OUT] == STACKED
    assert IMPRECISE_LEFT_OUT not in gi_star(incidents("exact"), cell_m=500).attrs


def test_backtest_says_how_many_it_left_out() -> None:
    frame = incidents("pincode")
    days = [0, 20, 40, 60, 80, 100]
    t0 = pd.Timestamp("2026-01-01 18:30", tz="Asia/Kolkata")
    frame.loc[frame.index[STACKED:], OCCURRED_AT] = [t0 + pd.Timedelta(days=d) for d in days]
    result = standard_backtest(frame, cell_m=500, train="60D", test="30D", n_folds=1)
    assert result.left_out == STACKED


def test_patrol_plans_no_stop_at_a_centroid_and_says_so() -> None:
    from tests.models.patrol.test_patrol_inputs import THANAS

    def plan(precision: str) -> PatrolPlan:
        empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84))
        return plan_from_layers(
            incidents=incidents(precision).to_crs(WGS84), sites=empty, cctv=empty,
            campaigns=empty, thanas=THANAS, days=1, start=dt.date(2026, 6, 1),
        )  # fmt: skip

    exact, pincode = plan("exact"), plan("pincode")
    assert any(p.hotspot_id is not None for p in exact.places)
    assert not any(p.hotspot_id is not None for p in pincode.places)
    assert any(n.startswith("30 incidents located only") for n in pincode.notes)
    assert not any("located only" in n for n in exact.notes)
