"""The compiled grid DBSCAN core gives scikit-learn's core points, clusters and border points."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import DBSCAN

from models.hotspots import dbscan as d
from models.hotspots import grid_core as g

UTM = np.array([700_000.0, 2_800_000.0])
# a northing near the equator's false northing in the south: the largest UTM magnitude
FAR_SOUTH = np.array([833_978.0, 9_999_000.0])


def assert_as_sklearn(xy: np.ndarray, eps: float, ms: int, fine: bool = False) -> None:
    """Same core mask, same partition of the cores, same border points; borders carry the id
    of a core within eps (by scikit-learn's own squared-distance test). ``fine``: count
    neighbours on the fine cells whatever ``ms``."""
    with pytest.MonkeyPatch.context() as mp:
        if fine:
            mp.setattr(g, "FINE_MIN_SAMPLES", 1)
        found = g.grid_core(xy, eps, ms)
    assert found is not None
    raw, core = found
    model = DBSCAN(eps=eps, min_samples=ms, algorithm="kd_tree").fit(xy)
    want_core = np.zeros(len(xy), dtype=bool)
    want_core[model.core_sample_indices_] = True
    assert np.array_equal(core, want_core)
    cores = np.flatnonzero(core)
    # the same partition: one-to-one pairs of (ours, scikit-learn's) cluster ids
    pairs = set(zip(raw[cores].tolist(), model.labels_[cores].tolist(), strict=True))
    assert len(pairs) == len(set(raw[cores].tolist())) == len(set(model.labels_[cores].tolist()))
    assert np.array_equal(raw >= 0, model.labels_ >= 0)
    for p in np.flatnonzero(~core & (raw >= 0)):
        diff = xy[cores] - xy[p]
        near = cores[(diff * diff).sum(axis=1) <= eps * eps]
        assert raw[p] in set(raw[near].tolist())


# integer coordinates: points exactly eps apart, duplicates and collinear runs are common
lattice = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=120)


@settings(max_examples=150, deadline=None)
@given(
    pts=lattice,
    eps=st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 7.0]),
    ms=st.integers(1, 12),
    origin=st.sampled_from([0, 1, 2]),
    fine=st.booleans(),
)
def test_core_equals_scikit_learn_on_lattices_duplicates_and_utm_offsets(
    pts, eps, ms, origin, fine
) -> None:
    offset = [np.zeros(2), UTM, FAR_SOUTH][origin]
    assert_as_sklearn(np.asarray(pts, dtype=np.float64) + offset, eps, ms, fine)


@settings(max_examples=80, deadline=None)
@given(
    pts=st.lists(
        st.tuples(st.floats(-50, 50, allow_nan=False), st.floats(-50, 50, allow_nan=False)),
        min_size=1,
        max_size=150,
    ),
    eps=st.floats(0.5, 20.0),
    ms=st.integers(1, 15),
    dup=st.integers(0, 3),
    fine=st.booleans(),
)
def test_core_equals_scikit_learn_on_random_points(pts, eps, ms, dup, fine) -> None:
    xy = np.asarray(pts, dtype=np.float64)
    xy = np.vstack([xy] + [xy[: len(xy) // 2]] * dup) + UTM
    assert_as_sklearn(xy, eps, ms, fine)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 60), step=st.sampled_from([1.0, 2.5, 150.0]), ms=st.integers(1, 4))
def test_collinear_points_exactly_eps_apart_chain_into_one_cluster(n, step, ms) -> None:
    xy = UTM + np.column_stack([np.arange(n) * step, np.zeros(n)])
    assert_as_sklearn(xy, step, ms)
    diagonal = UTM + np.column_stack([np.arange(n) * 3.0, np.arange(n) * 4.0])
    assert_as_sklearn(diagonal, 5.0, ms)  # a 3-4-5 diagonal: exactly eps along the line


def test_dense_city_with_clusters_far_apart_takes_the_sorted_grid_path() -> None:
    """Points spread far for their number (more cells than the counting sort allows)."""
    rng = np.random.default_rng(5)
    centres = rng.uniform(0, 5e6, size=(30, 2))
    xy = np.vstack([c + rng.normal(0, 30, size=(40, 2)) for c in centres]) + UTM
    columns = np.ptp(xy, axis=0) * np.sqrt(2) / 20.0 + 1
    assert columns.prod() > 1 << 20  # the counting sort's limit
    assert_as_sklearn(xy, 20.0, 5)


def test_thousands_of_points_in_a_city_equal_scikit_learn() -> None:
    rng = np.random.default_rng(7)
    centres = rng.uniform(0, 4000, size=(60, 2))
    xy = np.vstack([c + rng.normal(0, 50, size=(80, 2)) for c in centres])
    xy = np.vstack([xy, rng.uniform(0, 4000, size=(3000, 2))]) + UTM
    for eps, ms in [(30.0, 5), (60.0, 25), (15.0, 2), (100.0, 1), (60.0, 40), (100.0, 90)]:
        assert_as_sklearn(xy, eps, ms)
        assert_as_sklearn(xy, eps, ms, fine=True)


def test_fine_cells_are_as_fine_as_the_cell_budget_allows() -> None:
    fine = g._fine_grid(1000.0, 1000.0, 0.1, 700_000)  # 801 x 801 cells of 1/8
    assert fine is not None and fine[1] == (801, 801)
    fine = g._fine_grid(1000.0, 1000.0, 0.1, 300_000)
    assert fine is not None and fine[1] == (401, 401)
    assert g._fine_grid(1000.0, 1000.0, 0.1, 10_000) is None


def test_the_grid_hands_over_where_its_cells_cannot_be_exact() -> None:
    xy = np.array([[0.0, 0.0], [0.5e-6, 0.0], [1.0, 1.0]]) + FAR_SOUTH
    assert g.grid_core(xy, 1e-6, 2) is None  # eps far below the rounding of 10,000 km
    result = d.dbscan_xy(xy, eps_m=1e-6, min_samples=2, method="grid")
    assert result.labels.tolist() == [0, 0, -1]
    assert g.grid_core(np.array([[0.0, np.inf]]), 1.0, 1) is None
    raw, core = g.grid_core(np.empty((0, 2)), 1.0, 1) or (None, None)
    assert raw is not None and core is not None and len(raw) == len(core) == 0


@pytest.mark.slow  # compiles the grid core afresh in a subprocess (~10 s)
def test_clustering_works_quietly_where_no_numba_cache_can_be_written() -> None:
    """A read-only install with no writable cache folder: compiled per process, no warning."""
    import subprocess
    import sys

    code = (
        "import warnings; warnings.simplefilter('error'); "
        "import numba.core.caching as c\n"
        "def refuse(self): raise PermissionError('read-only')\n"
        "c._CacheLocator.ensure_cache_path = refuse\n"
        "import numpy as np; from models.hotspots import dbscan_xy, grid_core\n"
        "assert type(grid_core._cell_keys._cache).__name__ == 'NullCache'\n"
        "r = dbscan_xy(np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 9.0]]), eps_m=1.5, min_samples=2)\n"
        "assert r.labels.tolist() == [0, 0, -1], r.labels"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@settings(max_examples=150, deadline=None)
@given(
    pts=lattice,
    eps=st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 5.0]),
    ms=st.integers(1, 8),
    origin=st.sampled_from([0, 1, 2]),
)
def test_compiled_canonical_labels_equal_canonical_labels_of_the_raw_ids(
    pts, eps, ms, origin
) -> None:
    """Equidistant cores of two clusters (lattices), duplicates: the same border labels."""
    xy = np.asarray(pts, dtype=np.float64) + [np.zeros(2), UTM, FAR_SOUTH][origin]
    raw = g.grid_core(xy, eps, ms)
    labelled = g.grid_core(xy, eps, ms, canonical=True)
    assert raw is not None and labelled is not None
    assert np.array_equal(raw[1], labelled[1])
    want = d.canonical_labels(xy, raw[0], raw[1], eps)
    assert np.array_equal(labelled[0], want)


def blob_and_ring(blob: int, ring: int, radius: float, seed: int = 0) -> np.ndarray:
    """``blob`` points within a centimetre of UTM and ``ring`` points ``radius`` from it."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi, ring)
    around = np.column_stack([np.cos(angle), np.sin(angle)]) * radius
    return np.vstack([rng.normal(0, 0.01, (blob, 2)), around]) + UTM


@pytest.mark.parametrize("radius", [149.5, 150.5])
def test_two_large_cells_of_cores_are_joined_as_by_sklearn(radius: float) -> None:
    """Cells of thousands of cores, within eps of each other (joined) or just beyond it."""
    assert_as_sklearn(blob_and_ring(3000, 3000, radius), 150.0, 10)


def test_a_blob_just_beyond_eps_of_a_ring_costs_no_pair_test_each() -> None:
    """200k cores at one spot, 50k on a ring eps + 0.5 m around: 10 s of pair tests before."""
    xy = blob_and_ring(200_000, 50_000, 150.5)
    g.grid_core(xy[:100], 150.0, 10)  # compiled (or loaded) before timing
    t0 = time.perf_counter()
    found = g.grid_core(xy, 150.0, 10)
    assert time.perf_counter() - t0 < 3.0
    assert found is not None and found[1].all()
    assert len(set(found[0][:200_000].tolist()) & set(found[0][200_000:].tolist())) == 0
