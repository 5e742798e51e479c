"""Clusters of awareness drives and their links to the incident hotspots."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
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


def test_incident_load_prefilter_equals_exact_count() -> None:
    """Counting only the points in the grown boxes gives the exact dwithin count (edges too)."""
    from models.hotspots.drives import _near_boxes

    rng = np.random.default_rng(7)
    polys = shapely.buffer(shapely.points(rng.uniform(0, 5000, (12, 2))), 80.0)
    polys = np.append(polys, shapely.box(1000.0, 1000.0, 1200.0, 1100.0))
    xy = rng.uniform(-600, 5600, (20_000, 2))
    # points exactly 500 m from the box's edges and corner are within 500 m ("dwithin" is <=)
    edge = np.array([[700.0, 1050.0], [1700.0, 1050.0], [1100.0, 500.0], [1100.0, 1600.0]])
    xy = np.vstack([xy, edge, [[699.999, 1050.0]]])
    tree = shapely.STRtree(polys)
    exact = tree.query(shapely.points(xy), predicate="dwithin", distance=500.0)[1]
    keep = _near_boxes(xy, shapely.bounds(polys), 500.0)
    fast = tree.query(shapely.points(xy[keep]), predicate="dwithin", distance=500.0)[1]
    assert keep[-5:-1].all() and not keep.all()
    assert np.array_equal(np.bincount(exact, minlength=13), np.bincount(fast, minlength=13))
