"""Tests of models.hotspots: exact DBSCAN, canonical labels, ST-DBSCAN, HDBSCAN, hotspot table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import DBSCAN
from sklearn.metrics import adjusted_rand_score

from geo import demo
from geo.crs import WGS84
from geo.errors import ParameterError, SettingsError
from geo.export import write_output
from geo.schema import (
    CATEGORY,
    HELD_ON,
    ID,
    KIND,
    NAME,
    OCCURRED_AT,
    SOURCE,
    STATUS,
    THANA,
    VIEW_RADIUS_M,
)
from models import hotspots as hs
from tests.conftest import shared_file

UTM44 = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0  # a spot in Varanasi's UTM zone (44N)
ORIGIN = np.array([X0, Y0])
TZ = "Asia/Kolkata"


def points_gdf(xy: np.ndarray, crs: str = UTM44, index: pd.Index | None = None, **cols: object):
    geometry = gpd.GeoSeries(shapely.points(xy), crs=crs, index=index)
    return gpd.GeoDataFrame(dict(cols), index=geometry.index, geometry=geometry, crs=crs)


def blobs(seed: int, n: int = 600) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, size=(6, 2))
    which = rng.integers(0, 6, n)
    xy = centres[which] + rng.normal(scale=rng.choice([30.0, 80.0], size=(n, 1)), size=(n, 2))
    noise = rng.uniform(0, 3000, size=(n // 5, 2))
    return np.vstack([xy, noise]) + ORIGIN


def sklearn_reference(xy: np.ndarray, eps: float, ms: int, weights=None):
    model = DBSCAN(eps=eps, min_samples=ms, algorithm="kd_tree").fit(xy, sample_weight=weights)
    core = np.zeros(len(xy), dtype=bool)
    core[model.core_sample_indices_] = True
    return model.labels_, core


def assert_exact(labels: np.ndarray, core: np.ndarray, ref_labels, ref_core) -> None:
    assert np.array_equal(core, ref_core)
    assert adjusted_rand_score(ref_labels[ref_core], labels[ref_core]) == 1.0
    # the same points are noise (border membership is exact too, only its cluster may differ)
    assert np.array_equal(labels < 0, ref_labels < 0)


@pytest.fixture(scope="module")
def demo_data() -> demo.DemoData:
    return demo.generate(seed=7, n_incidents=demo.MIN_INCIDENTS)


# --------------------------------------------------------------------------- exactness


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("eps", "ms"), [(40.0, 5), (90.0, 12), (25.0, 1)])
def test_grid_is_exact_against_sklearn_on_blobs(seed: int, eps: float, ms: int) -> None:
    xy = blobs(seed)
    ref_labels, ref_core = sklearn_reference(xy, eps, ms)
    grid = hs.dbscan_xy(xy, eps_m=eps, min_samples=ms, method="grid")
    assert grid.method == "grid"
    assert_exact(grid.labels, grid.core, ref_labels, ref_core)
    ours_sk = hs.dbscan_xy(xy, eps_m=eps, min_samples=ms, method="sklearn")
    # canonical labels: both methods give identical labels, border points included
    assert np.array_equal(grid.labels, ours_sk.labels)
    assert grid.n_clusters == len(set(ref_labels) - {-1})


def test_cluster_is_exact_on_demo_incidents(demo_data: demo.DemoData) -> None:
    incidents = demo_data.incidents
    xy, crs = hs.metric_coordinates(incidents)
    assert crs.to_epsg() == 32644
    for eps, ms in [(150.0, 10), (80.0, 4)]:
        labels = hs.cluster(incidents, eps_m=eps, min_samples=ms, method="grid").to_numpy()
        ref_labels, ref_core = sklearn_reference(xy, eps, ms)
        core = hs.dbscan_xy(xy, eps_m=eps, min_samples=ms).core
        assert_exact(labels, core, ref_labels, ref_core)
        auto = hs.cluster(incidents, eps_m=eps, min_samples=ms)
        sk = hs.cluster(incidents, eps_m=eps, min_samples=ms, method="sklearn")
        assert np.array_equal(auto.to_numpy(), labels)
        assert np.array_equal(sk.to_numpy(), labels)


def test_duplicates_and_min_samples_one() -> None:
    xy = np.array([[0, 0], [0, 0], [0, 0], [50, 50], [50, 50], [500, 500]], float) + ORIGIN
    gdf = points_gdf(xy)
    assert hs.cluster(gdf, eps_m=1, min_samples=3).tolist() == [0, 0, 0, -1, -1, -1]
    assert hs.cluster(gdf, eps_m=1, min_samples=2).tolist() == [0, 0, 0, 1, 1, -1]
    assert hs.cluster(gdf, eps_m=1, min_samples=1).tolist() == [0, 0, 0, 1, 1, 2]


def test_border_point_joins_nearest_core_and_ties_go_to_lowest_label() -> None:
    # Two 3 × 3 blocks 18 m apart (x 0–2 and 20–22); a point between them has 7 neighbours
    # (< min_samples 8), so it is a border point of both. It joins the nearer block; on a
    # tie, the block with the lower label.
    grid = np.array([(x, y) for x in (0, 1, 2) for y in (0, 1, 2)], float)
    for between, expected in (((11.2, 1.0), 1), ((10.8, 1.0), 0), ((11.0, 1.0), 0)):
        xy = np.vstack([grid + np.array([20.0, 0.0]), [between], grid]) + ORIGIN
        for order in (np.arange(19), np.arange(19)[::-1]):
            result = hs.dbscan_xy(xy[order], eps_m=9.4, min_samples=8)
            labels = np.empty(19, dtype=np.int64)
            labels[order] = result.labels
            assert not result.core[order == 9].any()
            assert labels.tolist() == [1] * 9 + [expected] + [0] * 9, between


# --------------------------------------------------------------------------- properties

# Integer coordinates and eps = k + 0.5: no distance is ever within rounding of eps, and a
# shift by a dyadic constant keeps every coordinate and difference exact.
coords = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=50).map(
    lambda pts: np.asarray(pts, dtype=np.float64) + ORIGIN
)
eps_values = st.sampled_from([1.5, 2.5, 4.5, 6.5])


@settings(max_examples=30, deadline=None)
@given(xy=coords, eps=eps_values, ms=st.integers(1, 6), data=st.data())
def test_labels_do_not_depend_on_row_order(xy, eps, ms, data) -> None:
    perm = np.asarray(data.draw(st.permutations(range(len(xy)))))
    base = hs.cluster(points_gdf(xy), eps_m=eps, min_samples=ms, metric_crs=UTM44).to_numpy()
    shuffled = hs.cluster(points_gdf(xy[perm]), eps_m=eps, min_samples=ms, metric_crs=UTM44)
    assert np.array_equal(shuffled.to_numpy(), base[perm])
    # and the same with the grid method and scikit-learn's, whose raw labels differ
    via_sklearn = hs.cluster(points_gdf(xy[perm]), eps_m=eps, min_samples=ms,
                             metric_crs=UTM44, method="sklearn")  # fmt: skip
    assert np.array_equal(via_sklearn.to_numpy(), base[perm])


@settings(max_examples=30, deadline=None)
@given(xy=coords, eps=eps_values, ms=st.integers(1, 6))
def test_labels_do_not_depend_on_translation(xy, eps, ms) -> None:
    base = hs.cluster(points_gdf(xy), eps_m=eps, min_samples=ms, metric_crs=UTM44)
    moved = hs.cluster(points_gdf(xy + np.array([1234.5, -987.25])), eps_m=eps, min_samples=ms,
                       metric_crs=UTM44)  # fmt: skip
    assert np.array_equal(moved.to_numpy(), base.to_numpy())


@settings(max_examples=30, deadline=None)
@given(xy=coords, eps=eps_values, ms=st.integers(1, 5), more=st.integers(1, 4))
def test_raising_min_samples_shrinks_and_refines_hotspots(xy, eps, ms, more) -> None:
    low = hs.dbscan_xy(xy, eps_m=eps, min_samples=ms)
    high = hs.dbscan_xy(xy, eps_m=eps, min_samples=ms + more)
    assert not (high.core & ~low.core).any()  # core points only disappear
    assert not ((high.labels >= 0) & (low.labels < 0)).any()  # and so do clustered points
    # every hotspot at the higher min_samples lies inside one hotspot at the lower (core points)
    for h in range(high.n_clusters):
        assert len(set(low.labels[high.core & (high.labels == h)])) == 1


def test_number_of_hotspots_is_not_monotone_in_min_samples() -> None:
    # Why the property above is "shrinks and refines", not "fewer hotspots": a thin bridge
    # joins two blobs at min_samples=2 and breaks at min_samples=4, giving MORE hotspots.
    diamond = np.array([[0, 0.5], [0.5, 0], [0.5, 1], [1, 0.5], [0.5, 0.5]], float)
    xy = np.vstack([diamond, [[3.5, 0.5]], diamond + np.array([6.0, 0.0])]) + ORIGIN
    gdf = points_gdf(xy)
    assert hs.cluster(gdf, eps_m=2.6, min_samples=2).max() + 1 == 1
    assert hs.cluster(gdf, eps_m=2.6, min_samples=4).max() + 1 == 2


# --------------------------------------------------------------------------- contract


def test_empty_input_gives_empty_series() -> None:
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    out = hs.cluster(empty, eps_m=100, min_samples=5)
    assert out.empty and out.name == hs.HOTSPOT_ID and out.dtype == np.int64
    assert hs.cluster_hdbscan(empty, min_cluster_size=5).empty
    assert hs.find_hotspots(empty.assign(**{OCCURRED_AT: pd.Series([], dtype="M8[ns]")})).empty


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps_m": 0, "min_samples": 5}, "eps_m must be a positive number of metres"),
        ({"eps_m": -3.0, "min_samples": 5}, "eps_m must be a positive"),
        ({"eps_m": float("nan"), "min_samples": 5}, "eps_m must be a positive"),
        ({"eps_m": "far", "min_samples": 5}, "eps_m must be a positive"),
        ({"eps_m": 100, "min_samples": 0}, r"min_samples must be a whole number ≥ 1"),
        ({"eps_m": 100, "min_samples": 2.5}, "min_samples must be a whole number"),
        ({"eps_m": 100, "min_samples": True}, "min_samples must be a whole number"),
        ({"eps_m": 100, "min_samples": 5, "method": "fast"}, "unknown clustering method"),
        ({"eps_m": 100, "min_samples": 5, "weights": "w"}, "no 'w' column to weight by"),
        (
            {"eps_m": 100, "min_samples": 5, "weights": "one", "method": "grid"},
            r"method='grid' cannot use weights.*Fix: use method='auto'",
        ),
    ],
)
def test_bad_parameters_say_what_why_and_fix(kwargs: dict, match: str) -> None:
    gdf = points_gdf(np.array([[X0, Y0], [X0 + 1, Y0]]), one=[1.0, 1.0])
    with pytest.raises(ParameterError, match=match) as err:
        hs.cluster(gdf, **kwargs)
    assert "Fix:" in str(err.value)


def test_bad_geometries_and_missing_crs() -> None:
    line = gpd.GeoDataFrame(
        geometry=[shapely.Point(0, 0), shapely.LineString([(0, 0), (1, 1)]), None], crs=WGS84
    )
    with pytest.raises(ParameterError, match=r"2 of the 3 points geometries are not points"):
        hs.cluster(line, eps_m=10, min_samples=2)
    empty_pt = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0), shapely.Point()], crs=WGS84)
    with pytest.raises(ParameterError, match="1 of the 2 points geometries are empty points"):
        hs.cluster(empty_pt, eps_m=10, min_samples=2)
    no_crs = gpd.GeoDataFrame(geometry=[shapely.Point(83, 25.3)])
    with pytest.raises(SettingsError, match="has no CRS"):
        hs.cluster(no_crs, eps_m=10, min_samples=2)
    with pytest.raises(ParameterError, match="GeoDataFrame or GeoSeries"):
        hs.cluster(pd.DataFrame({"x": [1]}), eps_m=10, min_samples=2)  # type: ignore[arg-type]


def test_input_is_not_mutated_and_index_is_kept() -> None:
    xy = blobs(3, 200)
    rng = np.random.default_rng(3)
    index = pd.Index([f"r{i}" for i in rng.permutation(len(xy))], name="row")
    gdf = points_gdf(xy, index=index, w=np.ones(len(xy))).to_crs(WGS84)
    before = gdf.copy()
    out = hs.cluster(gdf, eps_m=60, min_samples=5)
    pd.testing.assert_frame_equal(gdf, before)
    assert out.index.equals(gdf.index) and out.name == hs.HOTSPOT_ID
    # the label of a row is the label of its point, whatever the index
    plain = hs.cluster(gdf.reset_index(drop=True), eps_m=60, min_samples=5)
    assert np.array_equal(out.to_numpy(), plain.to_numpy())
    assert out.loc[index[5]] == plain.iloc[5]
    series_out = hs.cluster(gdf.geometry, eps_m=60, min_samples=5)
    assert series_out.equals(out)


def test_same_points_in_wgs84_and_utm_give_same_labels() -> None:
    utm = points_gdf(blobs(4, 300))
    wgs = utm.to_crs(WGS84)
    a = hs.cluster(utm, eps_m=55, min_samples=5)
    b = hs.cluster(wgs, eps_m=55, min_samples=5)
    assert a.max() >= 2
    assert np.array_equal(a.to_numpy(), b.to_numpy())
    c = hs.cluster(wgs, eps_m=55, min_samples=5, metric_crs=UTM44)
    assert np.array_equal(a.to_numpy(), c.to_numpy())


def test_weights_follow_sklearn_sample_weight() -> None:
    xy = blobs(5, 300)
    rng = np.random.default_rng(5)
    w = rng.choice([0.0, 0.5, 1.0, 3.0], size=len(xy))
    gdf = points_gdf(xy, w=w)
    labels = hs.cluster(gdf, eps_m=50, min_samples=6, weights="w").to_numpy()
    ref_labels, ref_core = sklearn_reference(xy, 50, 6, weights=w)
    core = hs.dbscan_xy(xy, eps_m=50, min_samples=6, weights=w).core
    assert_exact(labels, core, ref_labels, ref_core)
    # a Series aligned by index, given in another order, is the same weighting
    as_series = pd.Series(w, index=gdf.index).sample(frac=1, random_state=1)
    again = hs.cluster(gdf, eps_m=50, min_samples=6, weights=as_series).to_numpy()
    assert np.array_equal(again, labels)
    # two heavy points make a hotspot that two plain ones do not
    pair = points_gdf(np.array([[X0, Y0], [X0 + 5, Y0]]), w=[5.0, 5.0])
    assert hs.cluster(pair, eps_m=10, min_samples=10).tolist() == [-1, -1]
    assert hs.cluster(pair, eps_m=10, min_samples=10, weights="w").tolist() == [0, 0]
    with pytest.raises(ParameterError, match="finite and non-negative"):
        hs.cluster(pair.assign(w=[-1.0, 1.0]), eps_m=10, min_samples=2, weights="w")


# --------------------------------------------------------------------------- eps and sweeps


def test_k_distance_suggest_eps_and_sweep() -> None:
    rng = np.random.default_rng(11)
    centres = np.array([[500, 500], [2500, 800], [1200, 2600]], float)
    tight = np.vstack([c + rng.normal(scale=20, size=(80, 2)) for c in centres])
    xy = np.vstack([tight, rng.uniform(0, 3000, size=(60, 2))]) + ORIGIN
    gdf = points_gdf(xy)
    curve = hs.k_distance(gdf, k=4)
    assert curve.name == hs.K_DISTANCE_M and len(curve) == len(xy)
    assert curve.is_monotonic_increasing
    # the 4th neighbour of point 0, by brute force
    d0 = np.sort(np.hypot(*(xy - xy[0]).T))[4]
    assert np.isclose(curve, d0).any()
    suggestion = hs.suggest_eps(gdf, min_samples=5)
    assert suggestion.k == 4 and 0 <= suggestion.knee_index < len(curve)
    assert 10 < suggestion.eps_m < 300
    labels = hs.cluster(gdf, eps_m=suggestion.eps_m, min_samples=5)
    assert labels.max() + 1 == 3
    assert hs.knee_index([1, 1, 1, 1, 2, 5, 30]) in (4, 5)
    with pytest.raises(ParameterError, match="k=4 needs more than 4 points"):
        hs.k_distance(gdf.iloc[:3], k=4)

    table = hs.sweep(gdf, eps_m_values=[60, 30], min_samples_values=[5, 10, 300])
    assert list(table.columns) == list(hs.SWEEP_COLUMNS)
    assert table[[hs.EPS_M, hs.MIN_SAMPLES]].values.tolist() == [
        [30, 5], [30, 10], [30, 300], [60, 5], [60, 10], [60, 300],
    ]  # fmt: skip
    row = table.iloc[3]
    labels = hs.cluster(gdf, eps_m=60, min_samples=5).to_numpy()
    assert row[hs.N_HOTSPOTS] == labels.max() + 1
    assert row[hs.INCIDENT_SHARE] == pytest.approx((labels >= 0).mean())
    assert row[hs.NOISE_SHARE] == pytest.approx((labels < 0).mean())
    assert row[hs.MEDIAN_HOTSPOT_SIZE] == np.median(np.bincount(labels[labels >= 0]))
    assert table.iloc[2][hs.N_HOTSPOTS] == 0 and np.isnan(table.iloc[2][hs.MEDIAN_HOTSPOT_SIZE])


# --------------------------------------------------------------------------- HDBSCAN, ST-DBSCAN


def test_hdbscan_runs_and_keeps_the_contract() -> None:
    xy = blobs(8, 400)
    index = pd.RangeIndex(100, 100 + len(xy))
    gdf = points_gdf(xy, index=index).to_crs(WGS84)
    labels = hs.cluster_hdbscan(gdf, min_cluster_size=15)
    assert labels.index.equals(index) and labels.name == hs.HOTSPOT_ID
    assert labels.max() >= 1 and labels.min() == hs.NOISE
    assert set(labels.unique()) == set(range(-1, labels.max() + 1))
    # clusters are numbered west to east by their westernmost member
    xs = xy[:, 0]
    firsts = [xs[labels.to_numpy() == h].min() for h in range(labels.max() + 1)]
    assert firsts == sorted(firsts)
    tiny = hs.cluster_hdbscan(gdf.iloc[:3], min_cluster_size=5)
    assert tiny.tolist() == [-1, -1, -1]


def st_points(times: list[str], xy: np.ndarray) -> gpd.GeoDataFrame:
    return points_gdf(xy, **{OCCURRED_AT: pd.to_datetime(times).tz_localize(TZ)})


def test_st_dbscan_splits_bursts_months_apart() -> None:
    rng = np.random.default_rng(2)
    place = rng.normal(scale=10, size=(24, 2)) + ORIGIN
    place[:2] = place[2]  # duplicate positions are neighbours too
    spring = [f"2026-03-{d:02d} 18:00" for d in range(1, 13)]
    autumn = [f"2026-09-{d:02d} 18:00" for d in range(1, 13)]
    lonely = st_points(["2026-06-15 12:00"], np.array([[X0, Y0]]))
    gdf = pd.concat([st_points(autumn + spring, place), lonely], ignore_index=True)
    labels = hs.cluster_st(gdf, eps_m=100, window="14D", min_samples=4)
    # numbered by (x, y, time) of their first core point; both bursts are at the same place
    assert labels.iloc[:12].nunique() == 1 and labels.iloc[12:24].nunique() == 1
    assert labels.iloc[0] != labels.iloc[12]
    assert set(labels.iloc[:24]) == {0, 1}
    assert labels.iloc[24] == hs.NOISE  # same place, a lone date
    # a year-long window merges them (and the lone one), as plain DBSCAN would
    merged = hs.cluster_st(gdf, eps_m=100, window=pd.Timedelta(days=365), min_samples=4)
    plain = hs.cluster(gdf, eps_m=100, min_samples=4)
    assert merged.tolist() == plain.tolist() == [0] * 25
    # row order does not matter
    perm = rng.permutation(len(gdf))
    again = hs.cluster_st(gdf.iloc[perm], eps_m=100, window="14D", min_samples=4)
    assert again.sort_index().tolist() == labels.tolist()
    with pytest.raises(ParameterError, match="window must be positive"):
        hs.cluster_st(gdf, eps_m=100, window="0D", min_samples=4)
    with pytest.raises(ParameterError, match="no 'when' column"):
        hs.cluster_st(gdf, eps_m=100, window="14D", min_samples=4, time_column="when")


def test_st_dbscan_matches_brute_force() -> None:
    rng = np.random.default_rng(9)
    n = 150
    xy = rng.uniform(0, 400, size=(n, 2)) + ORIGIN
    t = pd.Timestamp("2026-01-01", tz=TZ) + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    gdf = points_gdf(xy, **{OCCURRED_AT: t})
    labels = hs.cluster_st(gdf, eps_m=60, window="10D", min_samples=4).to_numpy()
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    dt_days = np.abs((t.to_numpy()[:, None] - t.to_numpy()[None, :]) / np.timedelta64(1, "D"))
    adj = (d <= 60) & (dt_days <= 10)
    ref = DBSCAN(eps=0.5, min_samples=4, metric="precomputed").fit(np.where(adj, 0.0, 1.0))
    core = np.zeros(n, dtype=bool)
    core[ref.core_sample_indices_] = True
    assert adjusted_rand_score(ref.labels_[core], labels[core]) == 1.0
    assert np.array_equal(labels < 0, ref.labels_ < 0)


# --------------------------------------------------------------------------- hotspot table

REF = pd.Timestamp("2026-10-31 20:00", tz=TZ)  # a Saturday


def _weekday_offsets(count: int, start: int, step: int) -> list[int]:
    """``count`` day offsets before REF, from ``start`` on, that fall on Monday–Friday."""
    out: list[int] = []
    day = start
    while len(out) < count:
        if (REF - pd.Timedelta(days=day)).day_of_week < 5:
            out.append(day)
        day += step
    return out


def _weekend_offsets(count: int, start: int) -> list[int]:
    out: list[int] = []
    day = start
    while len(out) < count:
        if (REF - pd.Timedelta(days=day)).day_of_week >= 5:
            out.append(day)
        day += 1
    return out


@pytest.fixture(scope="module")
def layout() -> dict[str, gpd.GeoDataFrame]:
    """A hand-built town in UTM 44N, handed over in EPSG:4326.

    Hotspot A (around x=0): 20 incidents on a 5 × 4 grid of 10 m, 15 eve-teasing and 5
    stalking, 14 of them 17:00–19:00, all on weekdays; 12 in the last 90 days, 5 in the 90
    before and 3 older (rising, +140%). Thana boundary at x = −5 m: 8 in West, 12 in East.
    Hotspot B (x=3000): 10 collinear incidents of stalking 08:00–10:00 at weekends, 1 recent
    and 8 in the previous window (falling). Three isolated incidents are noise.
    """
    rows: list[dict[str, object]] = []
    a_xy = [(x, y) for y in (0, 10, 20, 30) for x in (-20, -10, 0, 10, 20)]
    a_days = _weekday_offsets(12, 1, 5) + _weekday_offsets(5, 95, 12) + _weekday_offsets(3, 200, 1)
    for i, ((x, y), day) in enumerate(zip(a_xy, a_days, strict=True)):
        hour = (17, 18)[i % 2] if i < 14 else 10
        rows.append({"x": x, "y": y, "day": day, "hour": hour,
                     CATEGORY: "eve-teasing" if i < 15 else "stalking"})  # fmt: skip
    b_days = _weekend_offsets(1, 3) + _weekend_offsets(8, 100) + _weekend_offsets(1, 400)
    for i, day in enumerate(b_days):
        rows.append({"x": 3000 + 10 * i, "y": 0, "day": day, "hour": 8 + i % 2,
                     CATEGORY: "stalking"})  # fmt: skip
    for i, (x, y) in enumerate([(-2000, 1500), (1500, -2000), (6000, 6000)]):
        rows.append({"x": x, "y": y, "day": 50 + i, "hour": 12, CATEGORY: "other"})
    frame = pd.DataFrame(rows)
    times = [
        REF.normalize() - pd.Timedelta(days=int(d)) + pd.Timedelta(hours=int(h), minutes=10)
        for d, h in zip(frame["day"], frame["hour"], strict=True)
    ]
    incidents = points_gdf(
        frame[["x", "y"]].to_numpy(float) + ORIGIN,
        **{
            ID: [f"INC-{i:03d}" for i in range(len(frame))],
            OCCURRED_AT: pd.DatetimeIndex(times),
            CATEGORY: frame[CATEGORY].to_numpy(),
            SOURCE: "complaint",
            THANA: "stale value, overridden by the thanas layer",
        },
    )
    big = 50_000
    thanas = gpd.GeoDataFrame(
        {NAME: ["West", "East"]},
        geometry=[
            shapely.box(X0 - big, Y0 - big, X0 - 5, Y0 + big),
            shapely.box(X0 - 5, Y0 - big, X0 + big, Y0 + big),
        ],
        crs=UTM44,
    )
    sites = points_gdf(
        np.array([[0, 150], [100, 200], [-60, 250], [280, 15], [700, 15], [3050, 200]], float)
        + ORIGIN,
        **{
            ID: [f"S{i}" for i in range(6)],
            NAME: [
                "Alpha Classes",
                "Beta Tutorials",
                "Gamma Academy",
                "Ward 4 School",
                "Far Market",
                "Riverside College",
            ],
            KIND: ["coaching-centre"] * 3 + ["school", "market", "college"],
        },
    )
    cctv = points_gdf(
        np.array([[-20, 15], [20, 15], [0, 15], [3000, 0]], float) + ORIGIN,
        **{
            ID: [f"C{i}" for i in range(4)],
            STATUS: ["working", "working", "faulty", "working"],
            VIEW_RADIUS_M: [6.0, np.nan, 100.0, 1000.0],
        },
    )
    campaigns = points_gdf(
        np.array([[0, 300], [3000, 100], [-5000, 0]], float) + ORIGIN,
        **{
            ID: ["K1", "K2", "K3"],
            HELD_ON: pd.to_datetime(["2026-04-14", "2026-10-21", "2026-10-30"]),
        },
    )
    return {
        name: layer.to_crs(WGS84)
        for name, layer in {
            "incidents": incidents,
            "thanas": thanas,
            "sites": sites,
            "cctv": cctv,
            "campaigns": campaigns,
        }.items()
    }


def run_layout(layout: dict[str, gpd.GeoDataFrame], **kwargs: object) -> gpd.GeoDataFrame:
    params: dict[str, object] = {
        "eps_m": 25, "min_samples": 4, "sites": layout["sites"], "cctv": layout["cctv"],
        "campaigns": layout["campaigns"], "thanas": layout["thanas"],
        "cctv_default_radius_m": 6, "reference_time": REF,
    }  # fmt: skip
    params.update(kwargs)
    return hs.find_hotspots(layout["incidents"], **params)  # type: ignore[arg-type]


def test_find_hotspots_on_a_hand_built_town(layout: dict[str, gpd.GeoDataFrame]) -> None:
    before = {name: layer.copy() for name, layer in layout.items()}
    out = run_layout(layout)
    for name, layer in layout.items():
        pd.testing.assert_frame_equal(layer, before[name])
    assert out.crs.to_epsg() == 4326
    assert list(out.columns) == [*hs.HOTSPOT_COLUMNS, "geometry"]
    assert out.index.name == hs.HOTSPOT_ID and out.index.tolist() == [0, 1]
    a, b = out.loc[0], out.loc[1]

    assert a[hs.INCIDENTS] == 20 and b[hs.INCIDENTS] == 10
    assert a[hs.CATEGORY_MIX] == {"eve-teasing": 15, "stalking": 5}
    assert a[hs.TOP_CATEGORY] == "eve-teasing" and a[hs.TOP_CATEGORY_SHARE] == 0.75
    assert sum(a[hs.HOUR_PROFILE]) == 20 and len(a[hs.HOUR_PROFILE]) == 24
    assert a[hs.HOUR_PROFILE][17] == 7 and a[hs.HOUR_PROFILE][18] == 7
    assert a[hs.PEAK_HOURS] == "17:00–19:00" and a[hs.PEAK_HOURS_SHARE] == 0.7
    assert a[hs.DAY_PATTERN] == hs.WEEKDAYS and sum(a[hs.WEEKDAY_PROFILE][5:]) == 0
    assert b[hs.PEAK_HOURS] == "08:00–10:00" and b[hs.DAY_PATTERN] == hs.WEEKENDS
    assert a[hs.LAST_DATE] == "2026-10-30" and a[hs.DAYS_SINCE_LAST] == 1

    assert (a[hs.RECENT_INCIDENTS], a[hs.PREVIOUS_INCIDENTS]) == (12, 5)
    assert a[hs.TREND] == hs.RISING and a[hs.TREND_RATIO] == pytest.approx(2.4)
    assert (b[hs.RECENT_INCIDENTS], b[hs.PREVIOUS_INCIDENTS]) == (1, 8)
    assert b[hs.TREND] == hs.FALLING

    assert a[hs.PRIMARY_THANA] == "East" and a[hs.CROSS_THANA]
    assert a[hs.THANA_LIST] == "East; West"
    assert b[hs.PRIMARY_THANA] == "East" and not b[hs.CROSS_THANA]

    assert a[hs.SITES_NEARBY] == 4
    assert a[hs.SITES_BY_KIND] == {"coaching-centre": 3, "school": 1}
    assert a[hs.NEAREST_SITES].startswith("Alpha Classes (coaching-centre, ")
    assert b[hs.SITES_NEARBY] == 1

    # working cameras: (-20, 15) sees 2 incidents at 6 m; (20, 15) has no radius → 6 m → 2
    assert a[hs.CCTV_COVERED_SHARE] == pytest.approx(0.2)
    assert a[hs.CAMERAS_WORKING] == 2 and a[hs.CAMERAS_NOT_WORKING] == 1
    assert "no view radius: assumed 6 m" in a[hs.NOTES]
    assert b[hs.CCTV_COVERED_SHARE] == 1.0 and b[hs.NOTES] == ""

    assert a[hs.CAMPAIGNS_RECENT] == 0 and a[hs.LAST_CAMPAIGN] == "2026-04-14"
    assert a[hs.RISK_NO_CAMPAIGN] == 1.0
    assert b[hs.CAMPAIGNS_RECENT] == 1 and b[hs.LAST_CAMPAIGN] == "2026-10-21"
    assert b[hs.RISK_NO_CAMPAIGN] == pytest.approx(10 / 90)

    for col in hs.RISK_WEIGHTS:
        assert out[col].between(0, 1).all(), col
    assert a[hs.RISK_COUNT] == 1.0
    expected = sum(w * a[c] for c, w in hs.RISK_WEIGHTS.items())
    assert a[hs.RISK_SCORE] == pytest.approx(expected)
    assert a[hs.RISK_RANK] == 1 and b[hs.RISK_RANK] == 2

    why = a[hs.WHY]
    for text in ("20 incidents (mostly eve-teasing, 75%)", "peak weekdays 17:00–19:00",
                 "rising +140% in the last 90 days", "3 coaching centres and 1 school within "
                 "300 m", "no working camera covers 80% of incidents", "1 faulty",
                 "no awareness drive within 500 m in 90 days (last 14-04-2026)",
                 "spans 2 thanas (East and West)"):  # fmt: skip
        assert text in why, (text, why)
    assert "falling -88%" in b[hs.WHY] and "peak weekends 08:00–10:00" in b[hs.WHY]

    # polygons (EPSG:4326) contain their incidents; B (collinear) became a buffer
    labels = hs.cluster(layout["incidents"], eps_m=25, min_samples=4)
    for h, poly in out.geometry.items():
        pts = layout["incidents"].geometry[labels == h]
        assert len(pts) == out.loc[h, hs.INCIDENTS]
        assert pts.within(poly).all()
    assert out.loc[1, hs.AREA_KM2] > 0
    assert out[hs.DENSITY_PER_KM2].tolist() == pytest.approx(
        (out[hs.INCIDENTS] / out[hs.AREA_KM2]).tolist()
    )


def test_hotspot_table_holds_aggregates_only(
    layout: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    out = run_layout(layout)
    assert ID not in out.columns and OCCURRED_AT not in out.columns
    flat = json.dumps(out.drop(columns="geometry").astype(str).to_dict())
    assert "INC-" not in flat  # no incident id anywhere, not even inside a mix
    path = write_output(out, tmp_path / "hotspots.geojson")  # refuses personal columns
    back = gpd.read_file(path)
    assert len(back) == 2 and back.crs.to_epsg() == 4326


def test_find_hotspots_defaults_and_optional_layers(layout: dict[str, gpd.GeoDataFrame]) -> None:
    bare = hs.find_hotspots(layout["incidents"], eps_m=25, min_samples=4)
    latest = layout["incidents"][OCCURRED_AT].max()
    assert bare.attrs[hs.HOTSPOTS_ATTR]["reference_time"] == latest.isoformat()
    assert bare.attrs[hs.HOTSPOTS_ATTR]["metric_crs"] == UTM44
    # without thanas, the incidents' own thana column is used
    assert bare.loc[0, hs.PRIMARY_THANA].startswith("stale value")
    for col in (hs.RISK_SITES, hs.RISK_NO_CAMERA, hs.RISK_NO_CAMPAIGN):
        assert bare[col].isna().all()
    assert bare[hs.SITES_NEARBY].isna().all() and bare[hs.CCTV_COVERED_SHARE].isna().all()
    assert bare[hs.RISK_SCORE].between(0, 1).all()
    assert "camera" not in bare.loc[0, hs.WHY]
    buffered = hs.find_hotspots(layout["incidents"], eps_m=25, min_samples=4, hull="buffer")
    assert (buffered[hs.AREA_KM2] >= bare[hs.AREA_KM2] - 1e-12).all()
    nothing = hs.find_hotspots(layout["incidents"], eps_m=1, min_samples=50)
    assert nothing.empty and list(nothing.columns) == [*hs.HOTSPOT_COLUMNS, "geometry"]
    short = hs.find_hotspots(layout["incidents"], eps_m=25, min_samples=4, recent_days=400)
    assert (short[hs.TREND] == hs.UNKNOWN).all() and short[hs.RISK_TREND].isna().all()
    assert "trend not judged" in short.loc[0, hs.NOTES]
    with pytest.raises(ParameterError, match="unknown hull"):
        hs.find_hotspots(layout["incidents"], hull="star")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="no 'occurred_at' column"):
        hs.find_hotspots(layout["incidents"].drop(columns=OCCURRED_AT))


def test_underserved_hotspots_are_ranked_by_risk(layout: dict[str, gpd.GeoDataFrame]) -> None:
    out = run_layout(layout)
    campaigns = layout["campaigns"]
    under = hs.underserved_hotspots(out, campaigns)  # reference time from the table
    assert under.index.tolist() == [0]
    assert under[hs.UNDERSERVED_RANK].tolist() == [1]
    assert (
        "no awareness drive within 500 m in the 90 days to 2026-10-31"
        in under.iloc[0][hs.UNDERSERVED_REASON]
    )
    assert "2026-04-14 (200 days before)" in under.iloc[0][hs.UNDERSERVED_REASON]
    # with a 5-day window B's drive (10 days old) no longer counts: both, riskiest first
    both = hs.underserved_hotspots(out, campaigns, days=5)
    assert both.index.tolist() == out.sort_values(hs.RISK_SCORE, ascending=False).index.tolist()
    assert both[hs.UNDERSERVED_RANK].tolist() == [1, 2]
    assert both.crs.to_epsg() == 4326
    none = hs.underserved_hotspots(out, campaigns.iloc[0:0])
    assert len(none) == 2 and "none on record nearby" in none.iloc[0][hs.UNDERSERVED_REASON]
    labels = hs.cluster_campaigns(campaigns, eps_m=500, min_samples=1)
    assert labels.index.equals(campaigns.index) and labels.max() == 2


def test_find_hotspots_on_demo_data(demo_data: demo.DemoData) -> None:
    out = hs.find_hotspots(
        demo_data.incidents, sites=demo_data.sites, cctv=demo_data.cctv,
        campaigns=demo_data.campaigns, thanas=demo_data.thanas,
    )  # fmt: skip
    assert len(out) > 3
    assert out[hs.INCIDENTS].sum() == (hs.cluster(demo_data.incidents, eps_m=150,
                                                  min_samples=10) >= 0).sum()  # fmt: skip
    for col in (*hs.RISK_WEIGHTS, hs.RISK_SCORE, hs.CCTV_COVERED_SHARE):
        assert out[col].between(0, 1).all(), col
    assert out[hs.WHY].str.contains(" incidents ").all()


# --------------------------------------------------------------------------- real points


@pytest.mark.shared_data
def test_mesa_crime_points_exact_in_local_utm() -> None:
    path = shared_file("crime_points_dev", "mesa_az_geodanet_crimes.geojson")
    crimes = gpd.read_file(path)
    xy, crs = hs.metric_coordinates(crimes)
    assert crs.to_epsg() == 32612
    assert len(np.unique(xy, axis=0)) < len(xy)  # the data hold duplicate positions
    for eps, ms in [(100.0, 5), (60.0, 3), (200.0, 15)]:
        labels = hs.cluster(crimes, eps_m=eps, min_samples=ms).to_numpy()
        ref_labels, ref_core = sklearn_reference(xy, eps, ms)
        core = hs.dbscan_xy(xy, eps_m=eps, min_samples=ms, method="grid").core
        assert_exact(labels, core, ref_labels, ref_core)
        assert labels.max() >= 0
    shuffled = crimes.sample(frac=1, random_state=0)
    again = hs.cluster(shuffled, eps_m=100, min_samples=5).sort_index()
    assert np.array_equal(again.to_numpy(), hs.cluster(crimes, eps_m=100, min_samples=5))


def test_reference_time_is_never_the_clock(layout: dict[str, gpd.GeoDataFrame]) -> None:
    a = hs.find_hotspots(layout["incidents"], eps_m=25, min_samples=4)
    b = hs.find_hotspots(layout["incidents"], eps_m=25, min_samples=4,
                         reference_time=dt.datetime(2026, 10, 30, 17, 10))  # fmt: skip
    assert a.attrs[hs.HOTSPOTS_ATTR]["reference_time"] == "2026-10-30T17:10:00+05:30"
    pd.testing.assert_frame_equal(a, b)
