"""Tests for models.cctv.gaps: coverage on hand-built layouts, messy registers, priorities."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import ParameterError
from geo.schema import ID, KIND, NAME, OCCURRED_AT, OWNER, STATUS, THANA, VIEW_RADIUS_M
from maps import cctv_map
from models.cctv import gaps as cg

UTM = "EPSG:32644"
#: Metric origin of the hand-built layouts (inside Varanasi's UTM zone).
X0, Y0 = 700_000.0, 2_800_000.0
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "crime_points_dev"


def pts(xy: list[tuple[float, float]]) -> list[shapely.Point]:
    return [shapely.Point(X0 + x, Y0 + y) for x, y in xy]


def sites_layer() -> gpd.GeoDataFrame:
    """A school at 0 m, a coaching centre at 1 km, an 'other' site at 3 km (on a line)."""
    return gpd.GeoDataFrame(
        {
            ID: ["S-A", "S-B", "S-C"],
            NAME: ["School A", "Coaching B", "Place C"],
            KIND: ["school", "coaching-centre", "other"],
        },
        geometry=pts([(0, 0), (1000, 0), (3000, 0)]),
        crs=UTM,
    )


def cameras_layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            ID: ["C1", "C2", "C3", "C4"],
            OWNER: ["police", "police", "private", "school"],
            STATUS: ["working", "working", "faulty", "faulty"],
            VIEW_RADIUS_M: [50.0, 50.0, 40.0, 60.0],
        },
        # C1 60 m from A (50 + school 20 reaches); C2 70 m from B (50 + 10 does not);
        # C3 40 m from B (a repair covers B); C4 500 m from C (too far)
        geometry=pts([(60, 0), (1070, 0), (1040, 0), (3500, 0)]),
        crs=UTM,
    )


def incidents_layer() -> gpd.GeoDataFrame:
    t = pd.Timestamp("2026-06-30 18:00", tz="Asia/Kolkata")
    times = [t, t - pd.Timedelta(days=5), t - pd.Timedelta(days=30), t - pd.Timedelta(days=200),
             t - pd.Timedelta(days=1)]  # fmt: skip
    return gpd.GeoDataFrame(
        {OCCURRED_AT: times},
        # three recent within 300 m of C, one old near C, one far from everything
        geometry=pts([(3100, 0), (3000, 200), (2900, -50), (3050, 0), (6000, 6000)]),
        crs=UTM,
    )


def analysis(**kwargs: object) -> cg.GapAnalysis:
    return cg.gap_analysis(
        sites_layer(), cameras_layer(), incidents=incidents_layer(), metric_crs=UTM,
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def by_id(result: cg.GapAnalysis) -> pd.DataFrame:
    return result.gaps.set_index(cg.SITE_ID)


def test_known_layout_statuses_distances_and_repairs() -> None:
    g = by_id(analysis())
    assert g.loc["S-A", cg.GAP_STATUS] == cg.COVERED_STATUS
    assert g.loc["S-B", cg.GAP_STATUS] == cg.REPAIRABLE
    assert g.loc["S-C", cg.GAP_STATUS] == cg.UNCOVERED
    distances = g.loc[["S-A", "S-B", "S-C"], cg.NEAREST_WORKING_M].tolist()
    assert distances == pytest.approx([60.0, 70.0, 1930.0], abs=0.05)
    assert g.loc["S-A", cg.NEAREST_WORKING_ID] == "C1"
    assert g.loc["S-A", cg.CAMERAS_SEEING] == 1
    assert g.loc["S-B", cg.REPAIR_CAMERA_ID] == "C3"
    assert g.loc["S-B", cg.NEAREST_FAULTY_M] == pytest.approx(40.0)
    assert pd.isna(g.loc["S-C", cg.REPAIR_CAMERA_ID])
    assert g.loc["S-C", cg.NEAREST_FAULTY_ID] == "C4"
    assert g.loc["S-C", cg.NEAREST_FAULTY_M] == pytest.approx(500.0)
    assert "repairing faulty camera C3" in g.loc["S-B", cg.WHY]
    assert g.loc["S-A", cg.PRIORITY] == cg.NO_GAP and pd.isna(g.loc["S-A", cg.GAP_RANK])
    assert g.crs == "EPSG:4326"


def test_coverage_is_configurable_per_site_kind_and_per_camera() -> None:
    g = by_id(analysis(site_extent_m={"school": 0.0}))
    assert g.loc["S-A", cg.GAP_STATUS] == cg.UNCOVERED  # 60 m > 50 m + 0 m
    g = by_id(analysis(site_extent_m={"coaching-centre": 20.0}))  # 70 ≤ 50 + 20
    assert g.loc["S-B", cg.GAP_STATUS] == cg.COVERED_STATUS
    cams = cameras_layer()
    cams.loc[1, VIEW_RADIUS_M] = 65.0  # C2 now reaches B (65 + 10 ≥ 70)
    out = cg.gap_analysis(sites_layer(), cams, metric_crs=UTM)
    assert by_id(out).loc["S-B", cg.GAP_STATUS] == cg.COVERED_STATUS


def test_incidents_within_radius_in_the_last_days_and_hotspots() -> None:
    hotspot = gpd.GeoDataFrame(
        {cg.HOTSPOT_ID: [7]}, geometry=[shapely.Point(X0 + 3000, Y0).buffer(120)], crs=UTM
    )
    g = by_id(analysis(hotspots=hotspot))
    assert g.loc["S-C", cg.INCIDENTS_NEAR] == 3  # the 200-day-old one is out of the window
    assert g.loc["S-B", cg.INCIDENTS_NEAR] == 0
    assert bool(g.loc["S-C", cg.IN_HOTSPOT]) and g.loc["S-C", cg.HOTSPOT_ID] == 7
    assert not bool(g.loc["S-B", cg.IN_HOTSPOT]) and pd.isna(g.loc["S-B", cg.HOTSPOT_ID])
    assert "3 incidents within 300 m in the last 90 days" in g.loc["S-C", cg.WHY]
    assert "inside hotspot 7" in g.loc["S-C", cg.WHY]
    # C (incidents, hotspot) outranks B although B is a coaching centre
    assert g.loc["S-C", cg.GAP_RANK] == 1 and g.loc["S-B", cg.GAP_RANK] == 2
    assert g.loc["S-C", cg.PRIORITY_SCORE] > g.loc["S-B", cg.PRIORITY_SCORE]
    everything = by_id(analysis(days=None))
    assert everything.loc["S-C", cg.INCIDENTS_NEAR] == 4
    smaller = by_id(analysis(radius_m=120.0))
    assert smaller.loc["S-C", cg.INCIDENTS_NEAR] == 2


def test_priority_score_matches_its_weights() -> None:
    g = by_id(analysis())
    w = cg.PRIORITY_WEIGHTS
    expected = (
        w["incidents"] * min(3 / cg.INCIDENT_SATURATION, 1)
        + w["kind"] * cg.KIND_PRIORITY["other"]
        + w["distance"] * 1.0  # 1,930 m ≥ FAR_M
    )
    assert g.loc["S-C", cg.PRIORITY_SCORE] == pytest.approx(expected, abs=1e-4)


def test_messy_register_is_cleaned_and_the_defaults_reported() -> None:
    cams = gpd.GeoDataFrame(
        {
            ID: ["D2", "D1", "U1", "U2", "R1"],
            OWNER: ["police", None, "private", "private", "school"],
            STATUS: ["faulty", "working", None, "broken?", "working"],
            VIEW_RADIUS_M: [np.nan, 80.0, 30.0, 30.0, np.nan],
        },
        geometry=pts([(0, 0), (1, 1), (500, 0), (900, 0), (2000, 0)]),
        crs=UTM,
    )
    reg = cg.clean_registry(cams, metric_crs=UTM, default_radius_m=45.0)
    c = reg.cameras.set_index(cg.CAMERA_ID)
    assert list(c.index) == ["D1", "R1", "U1", "U2"]  # sorted by smallest id, D2 merged
    assert c.loc["D1", cg.MERGED_IDS] == "D1;D2" and c.loc["D1", cg.RECORDS] == 2
    assert c.loc["D1", STATUS] == cg.WORKING and c.loc["D1", VIEW_RADIUS_M] == 80.0
    assert c.loc["D1", OWNER] == "police"
    assert c.loc["U1", STATUS] == cg.UNKNOWN and bool(c.loc["U1", cg.STATUS_ASSUMED])
    assert c.loc["U2", STATUS] == cg.UNKNOWN
    assert c.loc["R1", VIEW_RADIUS_M] == 45.0 and bool(c.loc["R1", cg.RADIUS_ASSUMED])
    assert dict(reg.counts) == {
        "rows": 5, "cameras": 4, "duplicates_merged": 1, "status_unknown": 2,
        "status_defaulted": 2, "radius_defaulted": 1, "working": 2, "faulty": 0,
    }  # fmt: skip
    notes = " | ".join(reg.defaults_used)
    assert "1 duplicate register rows merged" in notes and "conflicting statuses" in notes
    assert "2 cameras of unknown status are treated as not working" in notes
    assert "1 cameras have no view radius: assumed 45 m" in notes
    # the same register in another row order gives the same cameras
    shuffled = cg.clean_registry(cams.iloc[[4, 2, 0, 3, 1]], metric_crs=UTM, default_radius_m=45)
    pd.testing.assert_frame_equal(
        pd.DataFrame(shuffled.cameras.drop(columns="geometry")),
        pd.DataFrame(reg.cameras.drop(columns="geometry")),
    )


def test_unknown_status_cameras_are_repair_candidates_not_coverage() -> None:
    cams = cameras_layer()
    cams[STATUS] = [None, "working", "faulty", "faulty"]  # C1 unknown now
    g = by_id(cg.gap_analysis(sites_layer(), cams, metric_crs=UTM))
    assert g.loc["S-A", cg.GAP_STATUS] == cg.REPAIRABLE
    assert g.loc["S-A", cg.REPAIR_CAMERA_ID] == "C1"
    assert "repairing unknown camera C1" in g.loc["S-A", cg.WHY]


def test_no_register_means_every_site_uncovered() -> None:
    result = cg.gap_analysis(sites_layer(), None, metric_crs=UTM)
    assert result.counts() == {cg.COVERED_STATUS: 0, cg.REPAIRABLE: 0, cg.UNCOVERED: 3}
    assert any("no camera register" in n for n in result.notes)
    assert result.gaps[cg.NEAREST_WORKING_M].isna().all()


def test_thana_summary_counts_and_shares() -> None:
    thanas = gpd.GeoDataFrame(
        {NAME: ["East", "West"]},
        geometry=[
            shapely.box(X0 + 2000, Y0 - 9000, X0 + 9000, Y0 + 9000),
            shapely.box(X0 - 9000, Y0 - 9000, X0 + 2000, Y0 + 9000),
        ],
        crs=UTM,
    )
    incidents = incidents_layer()
    incidents.loc[len(incidents)] = [incidents[OCCURRED_AT].iloc[0], shapely.Point(X0 + 70, Y0)]
    result = cg.gap_analysis(
        sites_layer(), cameras_layer(), incidents=incidents, thanas=thanas, metric_crs=UTM
    )
    s = result.summary.set_index(THANA)
    assert list(result.summary.columns) == list(cg.SUMMARY_COLUMNS)
    assert s.loc["West", cg.SITES_COL] == 2 and s.loc["West", cg.COVERED_COL] == 1
    assert s.loc["West", cg.REPAIRABLE_COL] == 1 and s.loc["East", cg.UNCOVERED_COL] == 1
    assert s.loc["West", cg.CAMERAS_COL] == 3 and s.loc["East", cg.CAMERAS_FAULTY_COL] == 1
    # West: one recent incident, 10 m from working C1 (in view); East: 4, none in view
    assert s.loc["West", cg.INCIDENTS_COL] == 1 and s.loc["East", cg.INCIDENTS_COL] == 4
    assert s.loc["West", cg.INCIDENTS_IN_VIEW_SHARE] == 1.0
    assert s.loc["East", cg.INCIDENTS_IN_VIEW_SHARE] == 0.0
    assert s.loc["East", cg.TOP_GAPS] == "Place C"
    assert result.gaps.set_index(cg.SITE_ID).loc["S-B", cg.THANA_RANK] == 1


def test_site_coverage_and_summary_are_the_models() -> None:
    covered = cg.site_coverage(sites_layer(), cameras_layer(), metric_crs=UTM)
    assert covered.name == cg.COVERED and covered.tolist() == [True, False, False]
    summary = cg.coverage_summary(sites_layer(), cameras_layer(), metric_crs=UTM)
    assert (summary.sites, summary.covered, summary.uncovered) == (3, 1, 2)
    assert (summary.cameras, summary.working) == (4, 2)
    assert cctv_map.site_coverage is cg.site_coverage  # the map holds no analytics of its own


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"radius_m": -1}, "radius_m must be a non-negative number of metres"),
        ({"days": 0}, "days must be a positive whole number"),
        ({"default_radius_m": 0}, "default_radius_m must be a positive number"),
    ],
)
def test_bad_parameters_say_what_and_fix(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        analysis(**kwargs)


def test_sites_need_names() -> None:
    with pytest.raises(ParameterError, match="the sites have no 'name' column"):
        cg.gap_analysis(sites_layer().drop(columns=NAME), cameras_layer())


@pytest.mark.skipif(
    not (SHARED / "mesa_az_geodanet_schools.geojson").exists(),
    reason="../shared/data/crime_points_dev (Mesa schools and crimes) is absent",
)
def test_mesa_schools_and_crimes_as_a_real_layout() -> None:
    schools = gpd.read_file(SHARED / "mesa_az_geodanet_schools.geojson")
    crimes = gpd.read_file(SHARED / "mesa_az_geodanet_crimes.geojson")
    sites = schools.assign(**{NAME: [f"school {i}" for i in schools["POLYID"]], KIND: "school"})
    crs = "EPSG:32612"  # UTM 12N (Arizona)
    result = cg.gap_analysis(sites, None, incidents=crimes, metric_crs=crs, days=None)
    g = result.gaps
    assert len(g) == 8 and (g[cg.GAP_STATUS] == cg.UNCOVERED).all()
    # the incident counts agree with a direct distance computation
    sxy = sites.to_crs(crs).geometry.get_coordinates().to_numpy()
    cxy = crimes.to_crs(crs).geometry.get_coordinates().to_numpy()
    direct = (np.hypot(*(sxy[:, None, :] - cxy[None, :, :]).transpose(2, 0, 1)) <= 300).sum(1)
    counts = g.set_index(NAME)[cg.INCIDENTS_NEAR]
    assert [counts[n] for n in sites[NAME]] == direct.tolist()
    assert direct.sum() > 0
    assert g[cg.GAP_RANK].tolist() == list(range(1, 9))
