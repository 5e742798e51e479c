"""Clusters of awareness drives and their links to the incident hotspots."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from models.hotspots import find_hotspots
from models.hotspots.density import choose_params
from models.hotspots.drives import (
    DRIVE_CLUSTERS,
    DRIVES,
    FIRST_DRIVE,
    HOTSPOTS_NEARBY,
    INCIDENTS_NEARBY,
    LAST_DRIVE,
    drive_clusters,
    link_drive_clusters,
)

UTM44 = "EPSG:32644"
ORIGIN = np.array([700_000.0, 2_800_000.0])


def _layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(5)
    # drives: 12 at a college (0, 0), 8 at a market 3 km east, 3 scattered
    dxy = np.vstack([
        rng.normal(scale=40, size=(12, 2)),
        rng.normal(scale=40, size=(8, 2)) + np.array([3000, 0]),
        [[-4000, 4000], [5000, -5000], [0, 6000]],
    ]) + ORIGIN  # fmt: skip
    held = pd.date_range("2026-01-01", periods=len(dxy), freq="3D")
    drives = gpd.GeoDataFrame({"held_on": held}, geometry=shapely.points(dxy), crs=UTM44)
    # incidents: 60 at the college, 40 at a bus stand 6 km away from every drive
    ixy = np.vstack([
        rng.normal(scale=50, size=(60, 2)),
        rng.normal(scale=50, size=(40, 2)) + np.array([-6000, -6000]),
    ]) + ORIGIN  # fmt: skip
    times = pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(len(ixy)), unit="D")
    incidents = gpd.GeoDataFrame({"occurred_at": times}, geometry=shapely.points(ixy), crs=UTM44)
    return drives, incidents


def test_drive_clusters_and_links_both_ways() -> None:
    drives, incidents = _layers()
    choice = choose_params(len(drives), area_m2=1e8, days=70, max_width_m=1000)
    clusters = drive_clusters(drives, choice)
    assert clusters.crs.to_epsg() == 4326
    assert sorted(clusters[DRIVES]) == [8, 12]  # the scattered three are no cluster
    college = clusters[DRIVES].idxmax()
    assert clusters.loc[college, FIRST_DRIVE] == "2026-01-01"
    assert clusters.loc[college, LAST_DRIVE] == "2026-02-03"
    spots = find_hotspots(incidents, eps_m=150, min_samples=10)
    assert len(spots) == 2
    linked, loads = link_drive_clusters(spots, clusters, incidents)
    near_college = [h for h, ids in linked[DRIVE_CLUSTERS].items() if ids == [college]]
    assert len(near_college) == 1 and linked[DRIVE_CLUSTERS].map(len).sum() == 1
    assert loads.loc[college, HOTSPOTS_NEARBY] == near_college
    assert loads.loc[college, INCIDENTS_NEARBY] == 60
    assert loads[INCIDENTS_NEARBY].sum() == 60  # the bus stand has no drive nearby
    assert DRIVE_CLUSTERS not in spots.columns  # inputs not modified


def test_no_drives_no_clusters() -> None:
    drives, incidents = _layers()
    choice = choose_params(0, area_m2=1e8, days=0)
    clusters = drive_clusters(drives.iloc[0:0], choice)
    assert clusters.empty
    spots = find_hotspots(incidents, eps_m=150, min_samples=10)
    linked, loads = link_drive_clusters(spots, clusters, incidents)
    assert loads.empty and linked[DRIVE_CLUSTERS].map(len).sum() == 0


def _dwithin_counts(xy: np.ndarray, polys: np.ndarray, r: float) -> np.ndarray:
    """The reference: GEOS dwithin of one shapely point per incident, through an STRtree."""
    hit = shapely.STRtree(polys).query(shapely.points(xy), predicate="dwithin", distance=r)[1]
    return np.bincount(hit, minlength=len(polys))


@pytest.mark.parametrize("threads", [False, True])
@pytest.mark.parametrize("radius", [500.0, 80.0, 0.0])
def test_incident_load_fast_count_equals_dwithin(
    radius: float, threads: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting from coordinates gives the exact dwithin count (edges, holes, invalid shapes)."""
    from models.hotspots import drives
    from models.hotspots.drives import points_within

    monkeypatch.setattr(drives, "_PARALLEL_POINTS_MIN", 1 if threads else 10**9)
    monkeypatch.setattr(drives.os, "cpu_count", lambda: 4)

    rng = np.random.default_rng(7)
    polys = shapely.buffer(shapely.points(rng.uniform(0, 5000, (12, 2))), 80.0)
    box = shapely.box(1000.0, 1000.0, 1200.0, 1100.0)
    ring = shapely.Polygon(
        [(3000, 3000), (4000, 3000), (4000, 4000), (3000, 4000)],
        holes=[[(3100, 3100), (3900, 3100), (3900, 3900), (3100, 3900)]],
    )
    bowtie = shapely.Polygon([(0, 4000), (600, 4600), (600, 4000), (0, 4600)])  # invalid
    polys = np.concatenate([polys, [box, ring, bowtie]])
    xy = rng.uniform(-600, 5600, (20_000, 2))
    # points exactly on the radius from the box's edges (dwithin is <=), just beyond, on the
    # box's boundary, and inside the ring's hole
    edge = np.array([
        [1000.0 - radius, 1050.0], [1200.0 + radius, 1050.0], [1100.0, 1000.0 - radius],
        [1100.0, 1100.0 + radius], [1000.0 - radius - 1e-3, 1050.0], [1000.0, 1050.0],
        [3500.0, 3500.0], [3100.0 + radius, 3500.0],
    ])  # fmt: skip
    xy = np.vstack([xy, edge])
    fast = points_within(xy, polys.copy(), radius)
    assert np.array_equal(fast, _dwithin_counts(xy, polys, radius))
    assert points_within(xy[:0], polys, radius).sum() == 0


def test_the_load_counted_apart_is_the_one_link_reports() -> None:
    from models.hotspots.drives import incident_load

    drives, incidents = _layers()
    choice = choose_params(len(drives), area_m2=1e8, days=70, max_width_m=1000)
    clusters = drive_clusters(drives, choice)
    spots = find_hotspots(incidents, eps_m=150, min_samples=10)
    load = incident_load(clusters, incidents)
    assert (
        load.tolist()
        == link_drive_clusters(spots, clusters, incidents)[1][INCIDENTS_NEARBY].tolist()
    )
    assert sorted(load.tolist()) == [0, 60]
    handed = link_drive_clusters(spots, clusters, incidents, load=load)
    for got, want in zip(handed, link_drive_clusters(spots, clusters, incidents), strict=True):
        pd.testing.assert_frame_equal(got, want)
    assert incident_load(clusters.iloc[:0], incidents).tolist() == []
    assert incident_load(clusters, incidents.iloc[:0]).tolist() == [0, 0]
