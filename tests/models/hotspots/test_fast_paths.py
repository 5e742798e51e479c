"""The fast paths of models.hotspots (canonical labels, hulls) give exactly the plain results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.hotspots import cells as c
from models.hotspots import dbscan as d

ORIGIN = np.array([700_000.0, 2_800_000.0])


def brute_border_labels(
    xy: np.ndarray, border: np.ndarray, cores: np.ndarray, core_labels: np.ndarray, eps: float
) -> np.ndarray:
    """Label each border point by its nearest core (numpy distances), ties to the lowest label."""
    out = np.full(len(border), -1, dtype=np.int64)
    for i, b in enumerate(border):
        dist = np.sqrt(((xy[cores] - xy[b]) ** 2).sum(axis=1))
        inside = dist <= eps * (1 + 1e-9)
        if inside.any():
            best = dist[inside].min()
            out[i] = core_labels[inside][dist[inside] == best].min()
    return out


# integer coordinates make exact ties (equidistant cores) common
points = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=2, max_size=80)
radii = st.sampled_from([1.0, 1.5, 2.0, 3.0, 5.0])
thresholds = st.integers(2, 6)


def borders_of(
    pts: list[tuple[int, int]], eps: float, ms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """DBSCAN of ``pts`` near ORIGIN: ``(xy, labels, cores, border)``; ``None`` if one is empty."""
    xy = np.asarray(pts, dtype=np.float64) + ORIGIN
    result = d.dbscan_xy(xy, eps_m=eps, min_samples=ms)
    cores = np.flatnonzero(result.core)
    border = np.flatnonzero(~result.core & (result.labels >= 0))
    if cores.size == 0 or border.size == 0:
        return None
    return xy, result.labels, cores, border


@settings(max_examples=60, deadline=None)
@given(pts=points, eps=radii, ms=thresholds)
def test_border_points_join_their_nearest_core_as_by_brute_force(pts, eps, ms) -> None:
    found = borders_of(pts, eps, ms)
    if found is None:
        return
    xy, labels, cores, border = found
    want = brute_border_labels(xy, border, cores, labels[cores], eps)
    assert np.array_equal(labels[border], want)


@settings(max_examples=60, deadline=None)
@given(pts=points, eps=radii, ms=thresholds)
def test_cell_path_border_labels_equal_the_search_of_every_border_point(pts, eps, ms) -> None:
    """The quick labels of borders near one cluster change nothing (ties, cell edges)."""
    found = borders_of(pts, eps, ms)
    if found is None:
        return
    xy, labels, cores, border = found
    core_labels = labels[cores]
    fallback = np.full(len(border), -7, dtype=np.int64)
    searched = d.border_labels(xy, border, cores, core_labels, eps, fallback)  # all searched
    cells = c.half_eps_cells(xy, eps)
    assert cells is not None
    quick = d.border_labels(xy, border, cores, core_labels, eps, fallback, cells)
    assert np.array_equal(quick, searched)
    assert np.array_equal(quick, brute_border_labels(xy, border, cores, core_labels, eps))


@settings(max_examples=40, deadline=None)
@given(pts=points, eps=radii, ms=thresholds)
def test_dbscan_with_the_cell_paths_equals_dbscan_without(pts, eps, ms) -> None:
    """Pruning and border labels on one grid of cells (used from 20,000 points) are exact."""
    xy = np.asarray(pts, dtype=np.float64) + ORIGIN
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(d, "PRUNE_MIN_POINTS", 10**9)
        plain = d.dbscan_xy(xy, eps_m=eps, min_samples=ms)
        mp.setattr(d, "PRUNE_MIN_POINTS", 1)
        mp.setattr(d, "PRUNE_GRID_MIN_POINTS", 1)
        fast = d.dbscan_xy(xy, eps_m=eps, min_samples=ms)
    assert np.array_equal(plain.labels, fast.labels)
    assert np.array_equal(plain.core, fast.core)


def test_cell_path_equals_the_plain_path_on_a_city_of_clusters() -> None:
    """Many clusters a few eps apart: most borders are near two of them."""
    rng = np.random.default_rng(11)
    centres = rng.uniform(0, 3000, size=(120, 2))
    xy = np.vstack([c0 + rng.normal(0, 40, size=(60, 2)) for c0 in centres]) + ORIGIN
    xy = np.vstack([xy, rng.uniform(0, 3000, size=(2000, 2)) + ORIGIN])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(d, "PRUNE_MIN_POINTS", 10**9)
        plain = d.dbscan_xy(xy, eps_m=50.0, min_samples=8)
        mp.setattr(d, "PRUNE_MIN_POINTS", 1)
        mp.setattr(d, "PRUNE_GRID_MIN_POINTS", 1)
        fast = d.dbscan_xy(xy, eps_m=50.0, min_samples=8)
    assert plain.n_clusters > 20
    assert np.array_equal(plain.labels, fast.labels)
    assert np.array_equal(plain.core, fast.core)


def test_one_cluster_near_needs_a_search_only_between_clusters() -> None:
    # two clusters 10 apart on a line, eps 3: a border point at 5 sees both within 2.5 eps
    xy = np.array([[0.0, 0], [1, 0], [2, 0], [5, 0], [8, 0], [9, 0], [10, 0], [30, 0]]) + ORIGIN
    cells = c.half_eps_cells(xy, 3.0)
    assert cells is not None
    cores, core_labels = np.array([0, 1, 2, 4, 5, 6]), np.array([0, 0, 0, 1, 1, 1])
    got = c.one_cluster_near(cells, np.array([3, 7]), cores, core_labels)
    assert got is not None and got.tolist() == [-1, -1]  # near two clusters; near none
    got = c.one_cluster_near(cells, np.array([0]), cores[:3], core_labels[:3])
    assert got is not None and got.tolist() == [0]


def test_cores_in_blocks_keeps_every_core_within_reach_and_drops_far_ones() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 2000, size=(3000, 2)) + ORIGIN
    border, cores, eps = np.arange(0, 30), np.arange(30, 3000), 40.0
    cells = c.half_eps_cells(xy, eps)
    assert cells is not None
    near = c.cores_in_blocks(cells, border, cores)
    dist = np.sqrt(((xy[cores][:, None, :] - xy[border][None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    assert near[dist <= eps * (1 + 1e-7)].all()
    assert not near.all()


def test_cells_refuse_a_grid_far_larger_than_the_points() -> None:
    xy = np.array([[0.0, 0.0], [1e7, 1e7]])
    assert c.half_eps_cells(xy, 1.0) is None
    assert c.half_eps_cells(np.array([[0.0, np.nan]]), 1.0) is None
    assert c.half_eps_cells(xy, 1e-300) is None  # cell numbers past int64, not negative ones


def test_a_tiny_eps_prunes_nothing_and_clusters_nothing() -> None:
    xy = np.random.default_rng(5).uniform(0, 1000, size=(d.PRUNE_MIN_POINTS, 2))
    result = d.dbscan_xy(xy, eps_m=1e-300, min_samples=5, method="sklearn")
    assert result.n_clusters == 0 and not result.core.any()


def test_cores_near_keeps_every_core_within_reach_and_drops_far_ones() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 2000, size=(3000, 2)) + ORIGIN
    border = np.arange(0, 30)
    cores = np.arange(30, 3000)
    eps = 40.0
    near = d._cores_near(xy, border, cores, eps)
    dist = np.sqrt(((xy[cores][:, None, :] - xy[border][None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    assert near[dist <= eps * 1.001].all()
    assert not near.all()  # the point of it: most cores are left out of the tree


def test_numba_loads_only_when_clustering_runs_and_scikit_learn_not_at_all() -> None:
    import subprocess
    import sys

    code = (
        "import sys, numpy as np; from models import hotspots as hs; "
        "assert 'numba' not in sys.modules, 'numba imported with models.hotspots'; "
        "r = hs.dbscan_xy(np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 9.0]]), eps_m=1.5, "
        "min_samples=2); assert r.labels.tolist() == [0, 0, -1], r.labels; "
        "assert 'numba' in sys.modules; assert 'sklearn' not in sys.modules, 'sklearn imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_hulls_computed_in_threads_equal_the_sequential_ones(monkeypatch) -> None:
    import pandas as pd
    from pyproj import CRS

    from models.hotspots import parts

    rng = np.random.default_rng(9)
    k = 60
    labels = np.repeat(np.arange(k), rng.integers(3, 40, k))
    xy = ORIGIN + rng.normal(scale=40.0, size=(len(labels), 2)) + labels[:, None] * 500.0
    clusters = parts.Clusters(
        k=k,
        labels=labels,
        xy=xy,
        times=pd.Series(pd.Timestamp("2026-01-01"), index=range(len(labels))),
        counts=np.bincount(labels).astype(np.int64),
        crs=CRS.from_epsg(32644),
        ref=pd.Timestamp("2026-02-01"),
        precision=None,
    )
    monkeypatch.setattr(parts, "_PARALLEL_HULLS_MIN", 10**9)
    one = parts.polygons(clusters, "concave", 0.3, 25.0)
    monkeypatch.setattr(parts, "_PARALLEL_HULLS_MIN", 1)
    monkeypatch.setattr(parts.os, "cpu_count", lambda: 4)
    many = parts.polygons(clusters, "concave", 0.3, 25.0)
    assert all(a.equals_exact(b, 0) and a.wkb == b.wkb for a, b in zip(one, many, strict=True))


@settings(max_examples=40, deadline=None)
@given(
    pts=points,
    eps=st.sampled_from([1.0, 1.5, 2.0, 3.0, 5.0]),
    ms=st.integers(2, 12),
    method=st.sampled_from(["grid", "sklearn"]),
)
def test_pruning_sparse_points_changes_no_label(pts, eps, ms, method) -> None:
    """Integer points on cell edges and exactly eps apart: pruned DBSCAN equals plain DBSCAN."""
    xy = np.asarray(pts, dtype=np.float64) + ORIGIN
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(d, "PRUNE_MIN_POINTS", 10**9)
        plain = d.dbscan_xy(xy, eps_m=eps, min_samples=ms, method=method)
        mp.setattr(d, "PRUNE_MIN_POINTS", 1)
        mp.setattr(d, "PRUNE_GRID_MIN_POINTS", 1)
        pruned = d.dbscan_xy(xy, eps_m=eps, min_samples=ms, method=method)
    assert np.array_equal(plain.labels, pruned.labels)
    assert np.array_equal(plain.core, pruned.core)


def test_pruning_drops_the_sparse_part_of_a_dense_city(monkeypatch) -> None:
    monkeypatch.setattr(d, "PRUNE_MIN_POINTS", 1)
    rng = np.random.default_rng(3)
    dense = rng.normal(0, 60, (3000, 2))
    sparse = rng.uniform(-5000, 5000, (3000, 2))
    xy = np.vstack([dense, sparse]) + ORIGIN
    region = d.maybe_core_region(xy, 50.0, 40)
    assert region is not None and region[:3000].mean() > 0.9 and region[3000:].mean() < 0.2


def test_thana_of_points_equals_the_dwithin_zero_rule_on_edges_and_corners() -> None:
    """Each point gets the smallest name among the polygons within 0 m of it (edges count)."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from pyproj import CRS

    from models.hotspots import parts

    cells = [shapely.box(x, y, x + 1000, y + 1000) for x in (0, 1000, 2000) for y in (0, 1000)]
    cells[4] = shapely.Polygon(
        shapely.get_coordinates(cells[4].exterior),
        holes=[shapely.get_coordinates(shapely.box(2300, 200, 2600, 500).exterior)],
    )
    names = ["Kotwali", "Adampur", "Sigra", None, "Bhelupur", "Chetganj"]
    layer = gpd.GeoDataFrame({"name": names}, geometry=cells, crs="EPSG:32644")
    rng = np.random.default_rng(4)
    edges = shapely.get_coordinates(shapely.segmentize(layer.boundary.to_numpy(), 50.0))
    xy = np.vstack([rng.uniform(-200, 3200, (5000, 2)), edges, [[1000.0, 1000.0]]])
    xy = xy + ORIGIN
    layer = layer.set_geometry(layer.translate(*ORIGIN))
    crs = CRS("EPSG:32644")
    polys = layer.geometry.to_numpy()
    q, g = shapely.STRtree(polys).query(shapely.points(xy), predicate="dwithin", distance=0.0)
    frame = pd.DataFrame({"q": q, "name": np.asarray(names, dtype=object)[g]}).dropna()
    first = frame.sort_values(["q", "name"]).drop_duplicates("q")
    expected = np.full(len(xy), None, dtype=object)
    expected[first["q"].to_numpy()] = first["name"].to_numpy()
    got = parts._thana_of_points(xy, layer, crs)
    assert list(got) == list(expected)
    assert got[-1] == "Adampur"  # the corner of four cells: the smallest name


@pytest.mark.parametrize("by", ["polygons", "column"])
def test_thanas_looked_up_before_the_split_are_those_of_the_final_members(
    by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thana part reuses the thanas found for the split: the same table as a new look-up."""
    from geo import demo
    from models.hotspots import parts, table

    data = demo.generate(seed=7, n_incidents=demo.MIN_INCIDENTS)
    thanas = data.thanas if by == "polygons" else None
    kwargs = {"eps_m": 150.0, "min_samples": 6, "max_width_m": 600.0, "thanas": thanas}
    reused = table.find_hotspots(data.incidents, **kwargs)
    seen: list[int] = []
    real = parts.thana_part

    def fresh(*args: object, names: object = None) -> object:
        seen.append(0 if names is None else len(names))  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]  # look the thanas up again

    monkeypatch.setattr(table, "thana_part", fresh)
    again = table.find_hotspots(data.incidents, **kwargs)
    assert seen and seen[0] == int(reused["incidents"].sum())  # the names were handed on
    assert len(reused) > 3 and reused["cross_thana"].any()
    pd.testing.assert_frame_equal(reused, again)
