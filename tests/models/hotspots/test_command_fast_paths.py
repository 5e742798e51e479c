"""Fast paths of `shakti hotspots` (parameter choice, hulls) give exactly the plain results."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from geo.crs import metric_crs_for
from models.hotspots import parts
from models.hotspots.density import (
    DENSITY_EPS_M,
    choose_for_points,
    choose_params,
    densest_count,
)
from models.inputs import AnalysisInputs, Selection

ORIGIN = np.array([700_000.0, 2_800_000.0])


def _inputs(points: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame | None) -> AnalysisInputs:
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    no_thanas = gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return AnalysisInputs(
        selection=Selection(), incidents=points, all_incidents=points, campaigns=empty,
        cctv=empty, sites=empty, thanas=no_thanas if thanas is None else thanas,
        timezone="Asia/Kolkata", version=0,
    )  # fmt: skip


def _reference_choice(points: gpd.GeoDataFrame, data: AnalysisInputs) -> object:
    """The choice as computed before: every point projected with GeoSeries.to_crs."""
    crs = metric_crs_for(points, None)
    study = data.study_area()
    area = 0.0
    if study is not None and len(study):
        area = float(shapely.union_all(study.geometry.to_crs(crs).to_numpy()).area)
    if area <= 0:
        area = float(
            shapely.convex_hull(shapely.union_all(points.geometry.to_crs(crs).to_numpy())).area
        )
    times = pd.to_datetime(points["occurred_at"])
    days = int((times.max().normalize() - times.min().normalize()).days) + 1
    xy = shapely.get_coordinates(points.geometry.to_crs(crs).to_numpy())
    return choose_params(
        len(points), area_m2=area, days=days, densest=densest_count(xy, DENSITY_EPS_M)
    )


def test_choice_from_coordinate_arrays_equals_the_geoseries_projection() -> None:
    rng = np.random.default_rng(4)
    lonlat = np.vstack([
        rng.normal([83.0, 25.3], 0.004, (3000, 2)),
        rng.uniform([82.9, 25.2], [83.1, 25.4], (2000, 2)),
    ])  # fmt: skip
    times = pd.Timestamp("2025-01-01", tz="Asia/Kolkata") + pd.to_timedelta(
        rng.integers(0, 400 * 24, len(lonlat)), unit="h"
    )
    points = gpd.GeoDataFrame(
        {"occurred_at": times}, geometry=shapely.points(lonlat), crs="EPSG:4326"
    )
    thanas = gpd.GeoDataFrame(
        {"name": ["A", "B"]},
        geometry=[shapely.box(82.9, 25.2, 83.0, 25.4), shapely.box(83.0, 25.2, 83.1, 25.4)],
        crs="EPSG:4326",
    )
    for study in (None, thanas):  # hull of the points, or the thanas' area
        data = _inputs(points, study)
        got = choose_for_points(points, data, "occurred_at")
        assert got == _reference_choice(points, data)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 60), st.just(2)),
        elements=st.sampled_from([0.0, -0.0, 1.0, 2.5, 700_000.0, 2_800_000.0, 1e-300]),
    )
)
def test_unique_rows_equals_numpy_unique(xy: np.ndarray) -> None:
    got, want = parts.unique_rows(xy), np.unique(xy, axis=0)
    assert got.dtype == want.dtype and np.array_equal(got, want)  # (0.0 == -0.0)


def test_hull_polygon_equals_the_plain_recipe() -> None:
    """The polygon of a cluster is the same as from np.unique + GEOS contains (the old way)."""

    def plain(xy: np.ndarray) -> shapely.Geometry:
        multi = shapely.multipoints(np.unique(xy, axis=0))
        poly = shapely.buffer(shapely.concave_hull(multi, ratio=0.4), 25.0)
        if not shapely.contains(poly, multi):
            poly = shapely.buffer(shapely.convex_hull(multi), 25.0)
        return poly

    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 40, 2000):
        xy = ORIGIN + np.round(rng.normal(scale=80.0, size=(n, 2)))  # duplicates too
        got = parts._hull(xy, "concave", 0.4, 25.0)
        assert got.wkb == plain(xy).wkb


@settings(max_examples=40, deadline=None)
@given(
    pts=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=300),
    eps=st.sampled_from([4.0, 8.0, 10.0, 20.0]),
    seed=st.integers(0, 1000),
)
def test_grid_counts_never_exceed_the_counts_within_eps(pts, eps, seed) -> None:
    """Points on cell edges, exactly eps apart, or anywhere: the grid bound is a lower bound."""
    from scipy.spatial import cKDTree

    from models.hotspots.density import _counts_below

    spread = np.random.default_rng(seed).uniform(0, 3 * eps, (400, 2))
    xy = np.vstack([np.asarray(pts, dtype=np.float64), spread]) + ORIGIN
    take = np.arange(len(xy))
    low = _counts_below(xy, eps, take)
    exact = cKDTree(xy).query_ball_point(xy, r=eps, return_length=True)
    assert low is not None and (low <= exact).all()


def test_grid_counts_leave_out_the_cells_that_reach_beyond_eps() -> None:
    """Points in the far corner of the diagonal cell two away are beyond eps: not counted."""
    from models.hotspots.density import _counts_below

    eps = 40.0
    far = ORIGIN + 3 * eps / 4 - 0.01  # cell (2, 2); 1.06 eps from the point at ORIGIN
    xy = np.vstack([ORIGIN, np.repeat(far[None, :], 50, axis=0)])
    low = _counts_below(xy, eps, np.array([0]))
    assert low is not None and low[0] == 1


def test_densest_count_with_a_wanted_count_decides_as_the_exact_count() -> None:
    rng = np.random.default_rng(8)
    xy = np.vstack([rng.normal(0, 60, (20_000, 2)), rng.uniform(-4000, 4000, (20_000, 2))])
    exact = densest_count(xy, 150.0)
    for wanted in (5, exact // 3, exact - 1, exact, exact + 1, 10 * exact):
        got = densest_count(xy, 150.0, at_least=wanted)
        assert (got >= wanted) == (exact >= wanted)
        assert got == exact or got == wanted <= exact
    assert densest_count(xy, 150.0, at_least=exact // 3) == exact // 3  # the shortcut taken


def _old_mix(labels: np.ndarray, values: np.ndarray, k: int) -> list[dict[str, int]]:
    """parts._mix as it was: a pandas groupby of the Python objects."""
    out: list[dict[str, int]] = [{} for _ in range(k)]
    frame = pd.DataFrame({"h": labels, "v": values}).dropna()
    if frame.empty:
        return out
    counts = frame.groupby(["h", "v"], sort=False).size()
    triples = [
        (int(h), str(v), int(c))
        for (h, v), c in zip(counts.index.to_list(), counts.to_numpy(), strict=True)
    ]
    for h, v, c in sorted(triples, key=lambda t: (t[0], -t[2], t[1])):
        out[h][v] = c
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from(["theft", "stalking", "eve teasing", "", "ईव टीज़िंग", None, np.nan]),
        ),
        max_size=60,
    )
)
def test_mix_by_codes_equals_the_groupby_of_objects(rows: list[tuple[int, object]]) -> None:
    labels = np.asarray([h for h, _ in rows], dtype=np.int64)
    values = np.asarray([v for _, v in rows], dtype=object)
    want = _old_mix(labels, values, 5)
    assert parts._mix(labels, values, 5) == want
    arrow = pd.Series(values, dtype="string[pyarrow]")  # as the store reads text columns
    assert parts._mix(labels, arrow, 5) == want
    assert [list(m) for m in parts._mix(labels, arrow, 5)] == [list(m) for m in want]  # order
