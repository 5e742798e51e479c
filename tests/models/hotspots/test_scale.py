"""Tests of the Dask scale-out (models.scale): exact DBSCAN across strips, grid counts, sums."""

from __future__ import annotations

import dask
import dask_geopandas
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from distributed import LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import ParameterError
from geo.settings import get_settings
from models.hotspots import (
    HOTSPOT_ID,
    NOISE,
    cluster,
    dbscan_xy,
    find_hotspots,
    metric_coordinates,
)
from models.scale import (
    CENTROID_X,
    SCHEDULER_ENV,
    SUM_COLUMNS,
    dask_client,
    dask_cluster,
    dask_gi_star,
    dask_grid_counts,
    hotspot_sums,
)
from models.surfaces.grid import COUNT, count_in_cells, square_grid
from models.surfaces.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star

UTM44 = "EPSG:32644"
X0, Y0 = 500_000.0, 2_800_000.0  # near Varanasi in UTM 44N
ORIGIN = np.array([X0, Y0])


@pytest.fixture(autouse=True)
def _synchronous_dask() -> object:
    """Run Dask in the test's thread unless a test starts a cluster (fast, deterministic)."""
    with dask.config.set(scheduler="synchronous"):
        yield


def straddling_points(seed: int = 0) -> gpd.GeoDataFrame:
    """Clusters that cross strip borders: a 20 km chain, long blobs, lattice ties, noise."""
    rng = np.random.default_rng(seed)
    chain = np.column_stack([np.arange(0, 20_000, 12.0), np.zeros(1667)])  # one cluster, eps 15
    blobs = [
        np.column_stack([rng.uniform(c, c + 3000, 1500), rng.normal(y, 15, 1500)])
        for c, y in zip(range(0, 18_000, 2_500), (300, 800) * 4, strict=False)
    ]
    lattice = np.array([(x, y) for x in np.arange(0, 20_000, 15.0) for y in (-500.0, -485.0)])
    noise = rng.uniform([0, -1000], [20_000, 1000], (2000, 2))
    dupes = np.repeat(rng.uniform([0, 1200], [20_000, 1300], (40, 2)), 3, axis=0)
    xy = np.vstack([chain, *blobs, lattice, noise, dupes]) + ORIGIN
    order = rng.permutation(len(xy))
    frame = gpd.GeoDataFrame(
        {"row": np.arange(len(xy))}, geometry=shapely.points(xy[order]), crs=UTM44
    )
    return frame.set_index(pd.Index(rng.permutation(len(xy)) * 3 + 7, name="incident"))


def test_labels_equal_single_process_with_clusters_across_strips() -> None:
    points = straddling_points()
    want = cluster(points, eps_m=15, min_samples=4)
    result = dask_cluster(points, eps_m=15, min_samples=4, npartitions=3, n_strips=11)
    got = result.labels.compute()
    pd.testing.assert_series_equal(got, want)
    assert result.strips.n == 11
    assert result.n_clusters == int(want.max()) + 1
    # The data really straddles: clusters with core points owned by several strips.
    xy, _ = metric_coordinates(points)
    owner = result.strips.owner(xy[:, result.strips.axis])
    strips_per_cluster = pd.Series(owner[want >= 0]).groupby(want[want >= 0].to_numpy()).nunique()
    assert (strips_per_cluster >= 2).sum() >= 5
    assert strips_per_cluster.max() == 11  # the chain crosses every strip
    assert result.shared_points > 100
    assert result.pieces > result.n_clusters
    core = dbscan_xy(xy, eps_m=15, min_samples=4).core
    np.testing.assert_array_equal(result.core.compute().to_numpy(), core)


def tie_motif(x: float, *, right_first: bool) -> np.ndarray:
    """Two 5-point clusters 20 m apart and a border point exactly 10 m from a core of each."""
    left = np.array([(-10, 0), (-10, 1), (-10, -1), (-11, 0), (-11, 1)], dtype=np.float64)
    right = -left
    parts = [right, np.array([[0.0, 0.0]]), left] if right_first else [left, [[0.0, 0.0]], right]
    return np.vstack(parts) + np.array([x, 0.0])


@pytest.mark.parametrize("n_strips", [1, 4])
def test_equidistant_border_points_join_the_lowest_cluster(n_strips: int) -> None:
    xy = np.vstack([tie_motif(x, right_first=i % 2 == 0) for i, x in enumerate(range(0, 800, 50))])
    points = gpd.GeoDataFrame(geometry=shapely.points(xy + ORIGIN), crs=UTM44)
    want = cluster(points, eps_m=10, min_samples=4)
    motifs = want.to_numpy().reshape(-1, 11)
    sides = np.sort(motifs[:, [0, 6]], axis=1)
    assert (sides[:, 0] < sides[:, 1]).all()  # two clusters per motif
    np.testing.assert_array_equal(motifs[:, 5], sides[:, 0])  # the tie goes to the lower
    result = dask_cluster(points, eps_m=10, min_samples=4, n_strips=n_strips, npartitions=2)
    pd.testing.assert_series_equal(result.labels.compute(), want)


def test_lonlat_input_in_dask_geopandas_partitions() -> None:
    rng = np.random.default_rng(5)
    centres = rng.uniform([82.9, 25.25], [83.1, 25.4], (40, 2))
    lonlat = centres[rng.integers(0, 40, 6000)] + rng.normal(0, 0.0015, (6000, 2))
    points = gpd.GeoDataFrame(geometry=shapely.points(lonlat), crs="EPSG:4326")
    parts = dask_geopandas.from_geopandas(points, npartitions=4)
    result = dask_cluster(parts, eps_m=40, min_samples=6)
    assert result.crs.to_epsg() == 32644
    pd.testing.assert_series_equal(
        result.labels.compute(), cluster(points, eps_m=40, min_samples=6)
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    cells=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)), min_size=1, max_size=250),
    spacing=st.sampled_from([5.0, 7.5, 10.0]),
    jitter=st.booleans(),
    eps_m=st.sampled_from([10.0, 15.0, 22.5]),
    min_samples=st.integers(1, 6),
    n_strips=st.integers(1, 9),
    npartitions=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_property_same_partition_as_single_process(
    cells: list[tuple[int, int]],
    spacing: float,
    jitter: bool,
    eps_m: float,
    min_samples: int,
    n_strips: int,
    npartitions: int,
    seed: int,
) -> None:
    # Lattice points (with repeats: exact distance ties and duplicates), optionally jittered.
    xy = np.array(cells, dtype=np.float64) * spacing + ORIGIN
    if jitter:
        xy += np.random.default_rng(seed).normal(0, spacing / 3, xy.shape)
    points = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=UTM44)
    result = dask_cluster(
        points, eps_m=eps_m, min_samples=min_samples, n_strips=n_strips, npartitions=npartitions
    )
    np.testing.assert_array_equal(
        result.labels.compute().to_numpy(),
        cluster(points, eps_m=eps_m, min_samples=min_samples).to_numpy(),
    )


def test_runs_on_a_local_cluster_and_on_a_scheduler_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    points = straddling_points(seed=2)
    want = cluster(points, eps_m=15, min_samples=4)
    with dask.config.set(scheduler=None), dask_client(n_workers=2, processes=False) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        got = dask_cluster(points, eps_m=15, min_samples=4, npartitions=2).labels.compute()
    pd.testing.assert_series_equal(got, want)
    with (
        dask.config.set(scheduler=None),
        LocalCluster(n_workers=1, processes=False, dashboard_address=None) as remote,
    ):
        monkeypatch.setenv(SCHEDULER_ENV, remote.scheduler_address)
        get_settings.cache_clear()
        try:
            with dask_client() as client:  # the setting picks the running scheduler
                assert client.scheduler.address == remote.scheduler_address
                got = dask_cluster(points, eps_m=15, min_samples=4).labels.compute()
        finally:
            get_settings.cache_clear()
    pd.testing.assert_series_equal(got, want)


def test_bad_parameters_raise_parameter_errors() -> None:
    points = straddling_points()
    with pytest.raises(ParameterError, match="eps_m must be a positive number"):
        dask_cluster(points, eps_m=0, min_samples=3)
    with pytest.raises(ParameterError, match="min_samples must be an integer"):
        dask_cluster(points, eps_m=10, min_samples=0)
    with pytest.raises(ParameterError, match="GeoDataFrame or GeoSeries, not list"):
        dask_cluster([1, 2], eps_m=10, min_samples=3)


# ---- grid counts and Gi* -------------------------------------------------------------------


def lonlat_incidents(n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    centres = rng.uniform([82.95, 25.28], [83.05, 25.34], (12, 2))
    k = int(n * 0.7)
    hot = centres[rng.integers(0, 12, k)] + rng.normal(0, 0.002, (k, 2))
    lonlat = np.vstack([hot, rng.uniform([82.9, 25.25], [83.1, 25.37], (n - k, 2))])
    base = pd.Timestamp("2026-01-01", tz="Asia/Kolkata")
    return gpd.GeoDataFrame(
        {
            "occurred_at": base + pd.to_timedelta(rng.integers(0, 300 * 86400, n), unit="s"),
            "category": rng.choice(["eve-teasing", "stalking", "cyber", None], n),
            "source": rng.choice(["complaint", "helpline-call"], n),
        },
        geometry=shapely.points(lonlat),
        crs="EPSG:4326",
    )


def test_grid_counts_equal_count_in_cells() -> None:
    points = lonlat_incidents(8000, seed=1)
    counts, crs = dask_grid_counts(points, cell_m=250, npartitions=5)
    grid = square_grid(points, cell_m=250)
    want = count_in_cells(grid, points)
    assert crs.equals(grid.crs)
    occupied = want[want > 0]
    pd.testing.assert_series_equal(counts, occupied.rename(COUNT), check_index_type=False)
    assert counts.sum() == len(points)


def test_gi_star_on_dask_counts_equals_gi_star() -> None:
    points = lonlat_incidents(5000, seed=2)
    got = dask_gi_star(points, cell_m=400, npartitions=3)
    want = gi_star(points, cell_m=400)
    pd.testing.assert_frame_equal(got.drop(columns="geometry"), want.drop(columns="geometry"))
    assert got.geometry.geom_equals_exact(want.geometry, 1e-9).all()
    assert (got[GI_CLASS] != NOT_SIGNIFICANT).any()


def test_hotspot_sums_equal_find_hotspots() -> None:
    points = lonlat_incidents(6000, seed=3)
    result = dask_cluster(points, eps_m=80, min_samples=8, npartitions=4, n_strips=5)
    sums = hotspot_sums(points, result)
    hotspots = find_hotspots(points, eps_m=80, min_samples=8)
    assert len(sums) == len(hotspots) == result.n_clusters > 5
    for column in SUM_COLUMNS:
        if column in hotspots.columns:
            assert sums[column].tolist() == hotspots[column].tolist(), column
    labels = cluster(points, eps_m=80, min_samples=8)
    xy, _ = metric_coordinates(points)
    centroid = pd.Series(xy[:, 0]).groupby(labels.to_numpy()).mean().drop(NOISE, errors="ignore")
    np.testing.assert_allclose(sums[CENTROID_X].to_numpy(), centroid.to_numpy(), rtol=1e-12)
    assert sums.index.name == HOTSPOT_ID


def test_locality_and_pincode_centroids_are_noise_on_dask_too() -> None:
    """Issue 15: 30 rows stacked on one pincode centroid form no cluster, in any partition."""
    stacked = np.repeat([[ORIGIN[0], ORIGIN[1]]], 30, axis=0)
    blob = ORIGIN + np.column_stack([np.arange(10) * 2.0, np.zeros(10)]) + [500.0, 0.0]
    xy = np.vstack([stacked, blob])
    precision = ["pincode"] * 30 + ["exact"] * 10
    points = gpd.GeoDataFrame(
        {"location_precision": precision}, geometry=shapely.points(xy), crs=UTM44
    )
    got = dask_cluster(points, eps_m=15, min_samples=4, npartitions=3).labels.compute()
    assert (got.iloc[:30] == NOISE).all()
    assert (got.iloc[30:] == 0).all()
    exact = points.assign(location_precision="exact")
    both = dask_cluster(exact, eps_m=15, min_samples=4, npartitions=3).labels.compute()
    assert both.nunique() == 2  # the stacked rows are a cluster when they are exact
