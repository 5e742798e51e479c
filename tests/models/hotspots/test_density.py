"""Density-aware hotspot parameters, patrol-sized hotspots and stability across volume."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from geo.demo.dataset import generate
from geo.errors import ParameterError
from models.hotspots import INCIDENTS, NOISE, WIDTH_M, dbscan_xy, find_hotspots
from models.hotspots import density as den
from models.hotspots.concentration import concentration
from models.hotspots.density import (
    DENSITY_EPS_M,
    DENSITY_MULTIPLE,
    MIN_CORE_SAMPLES,
    RULE_DENSITY,
    RULE_EXPLICIT,
    RULE_FLOOR,
    choose_params,
    diameter_m,
    split_across_thanas,
    split_wide,
)

UTM44 = "EPSG:32644"
CITY_M2 = 400e6  # a 20 km × 20 km city


def test_min_samples_follows_the_volume() -> None:
    small = choose_params(50_000, area_m2=CITY_M2, days=365)
    large = choose_params(500_000, area_m2=CITY_M2, days=365)
    assert small.rule == large.rule == RULE_DENSITY
    assert small.eps_m == large.eps_m == DENSITY_EPS_M
    assert large.min_samples == pytest.approx(10 * small.min_samples, rel=0.01)
    expected = 50_000 * np.pi * DENSITY_EPS_M**2 / CITY_M2 * DENSITY_MULTIPLE
    assert small.min_samples == int(np.ceil(expected))
    assert "10× the mean density" in small.reason() and "12 months" in small.reason()


def test_sparse_selection_gets_the_floor_and_explicit_values_are_kept() -> None:
    sparse = choose_params(300, area_m2=CITY_M2, days=20)
    assert (sparse.rule, sparse.min_samples) == (RULE_FLOOR, MIN_CORE_SAMPLES)
    assert "20 days" in sparse.reason()
    given_ = choose_params(50_000, area_m2=CITY_M2, days=365, eps_m=120, min_samples=14)
    assert (given_.eps_m, given_.min_samples, given_.rule) == (120, 14, RULE_EXPLICIT)
    assert given_.multiple == pytest.approx(14 / given_.mean_count)
    only_ms = choose_params(50_000, area_m2=CITY_M2, days=365, min_samples=20)
    assert 25 <= only_ms.eps_m <= 500 and only_ms.min_samples == 20
    assert only_ms.rule == RULE_DENSITY
    assert only_ms.mean_count * DENSITY_MULTIPLE == pytest.approx(20, rel=0.01)
    choice = choose_params(6000, area_m2=CITY_M2, days=365, max_width_m=1000)
    assert choice.as_dict()["max_width_m"] == 1000 and "1,000 m are split" in choice.reason()


def test_no_incidents_gives_json_safe_values() -> None:
    nothing = choose_params(0, area_m2=0.0, days=0, eps_m=100, min_samples=5)
    assert nothing.as_dict()["multiple"] is None and nothing.mean_count == 0
    assert choose_params(0, area_m2=0.0, days=0).min_samples == MIN_CORE_SAMPLES


def test_bad_multiple_is_refused() -> None:
    with pytest.raises(ParameterError, match="density multiple must be a positive"):
        choose_params(10, area_m2=CITY_M2, days=1, multiple=0)


def _dense_city(seed: int = 3) -> np.ndarray:
    """A dense synthetic old city: 60 markets on a 4 km square over a thick even background."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 4000, size=(60, 2))
    blobs = centres[rng.integers(0, 60, 30_000)] + rng.normal(scale=120, size=(30_000, 2))
    background = rng.uniform(0, 4000, size=(30_000, 2))
    return np.vstack([blobs, background]) + np.array([700_000.0, 2_800_000.0])


def test_split_caps_the_width_of_a_dense_city() -> None:
    xy = _dense_city()
    labels = dbscan_xy(xy, eps_m=150, min_samples=10).labels
    assert max(diameter_m(xy[labels == j]) for j in range(labels.max() + 1)) > 3000
    out = split_wide(xy, labels, eps_m=150, min_samples=10, max_width_m=900)
    k = int(out.max()) + 1
    assert k > 10
    assert max(diameter_m(xy[out == j]) for j in range(k)) <= 900
    assert not np.any((out >= 0) & (labels == NOISE))  # never a hotspot out of noise


def test_a_wide_plateau_is_cut_a_few_pieces_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plateau 20x the cap wide: k-means is never asked for (width / cap)² pieces at once."""
    sizes: list[int] = []
    real = den._kmeans_parts

    def spy(xy: np.ndarray, limit_m: float, seed: int) -> list[np.ndarray]:
        parts = real(xy, limit_m, seed)
        sizes.append(len(parts))
        return parts

    monkeypatch.setattr(den, "_kmeans_parts", spy)
    grid = np.arange(40) * 50.0  # 1,600 incidents every 50 m: one even plateau 2.8 km across
    xy = np.array(np.meshgrid(grid, grid)).reshape(2, -1).T + np.array([500_000.0, 2_800_000.0])
    labels = np.zeros(len(xy), dtype=np.int64)
    out = split_wide(xy, labels, eps_m=150, min_samples=4, max_width_m=140)
    assert sizes and max(sizes) <= den.MAX_CUT_PIECES < (diameter_m(xy) / 140) ** 2
    k = int(out.max()) + 1
    assert k > den.MAX_CUT_PIECES
    assert max(diameter_m(xy[out == j]) for j in range(k)) <= 140


def test_a_tiny_eps_counts_the_densest_neighbourhoods_without_the_grid() -> None:
    xy = np.random.default_rng(2).uniform(0, 1000, size=(300, 2))
    assert den.densest_count(xy, 1e-300, at_least=5) == 1  # each point alone (no negative cells)


def test_find_hotspots_with_a_cap_reports_patrol_sized_polygons() -> None:
    xy = _dense_city()[::4]
    times = np.datetime64("2026-01-01") + np.arange(len(xy)) % 300
    points = gpd.GeoDataFrame(
        {"occurred_at": times.astype("datetime64[ns]")}, geometry=shapely.points(xy), crs=UTM44
    )
    spots = find_hotspots(points, eps_m=150, min_samples=10, max_width_m=1000)
    assert len(spots) > 5
    assert spots[WIDTH_M].max() <= 1000
    widths = [diameter_m(shapely.get_coordinates(g)) for g in spots.to_crs(UTM44).geometry]
    assert np.allclose(widths, spots[WIDTH_M])
    assert spots.attrs["shakti_hotspots"]["max_width_m"] == 1000
    with pytest.raises(ParameterError, match="no room inside the 25 m buffer"):
        find_hotspots(points, eps_m=150, min_samples=10, max_width_m=40)


@given(
    seed=st.integers(0, 10_000),
    cap=st.floats(100, 2000),
    n=st.integers(0, 400),
)
@settings(max_examples=30, deadline=None)
def test_split_invariants(seed: int, cap: float, n: int) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.normal(scale=rng.uniform(50, 1500), size=(n, 2))
    labels = dbscan_xy(xy, eps_m=120, min_samples=4).labels
    out = split_wide(xy, labels, eps_m=120, min_samples=4, max_width_m=cap)
    for j in range(int(out.max()) + 1 if n else 0):
        members = out == j
        assert diameter_m(xy[members]) <= cap
        assert members.sum() >= 4 or np.unique(labels[members]).size == 1  # new parts: not tiny
    assert not np.any((out >= 0) & (labels < 0))
    if all(diameter_m(xy[labels == j]) <= cap for j in range(int(labels.max()) + 1 if n else 0)):
        assert np.array_equal(out, labels)  # nothing too wide: the DBSCAN labels as they were


def _auto_hotspots(n: int) -> tuple[gpd.GeoDataFrame, int, float]:
    data = generate(n_incidents=n)
    area_m2 = float(data.thanas.to_crs(UTM44).union_all().area)
    choice = choose_params(len(data.incidents), area_m2=area_m2, days=365, max_width_m=1000)
    spots = find_hotspots(
        data.incidents, eps_m=choice.eps_m, min_samples=choice.min_samples, metric_crs=UTM44,
        thanas=data.thanas, max_width_m=1000,
    )  # fmt: skip
    return spots, len(data.incidents), area_m2


def _top_places_kept(small: int, large: int) -> int:
    """Return how many of the small run's top-10 hotspots lie within 500 m of a large-run one."""
    a, _, _ = _auto_hotspots(small)
    b, _, _ = _auto_hotspots(large)
    top = a.sort_values(INCIDENTS, ascending=False).head(10).to_crs(UTM44)
    ca = np.column_stack([top.geometry.centroid.x, top.geometry.centroid.y])
    bb = b.to_crs(UTM44)
    dist = bb.geometry.distance(gpd.GeoSeries(gpd.points_from_xy(*ca.T), crs=UTM44).union_all())
    assert dist.min() >= 0
    tree = cKDTree(np.column_stack([bb.geometry.centroid.x, bb.geometry.centroid.y]))
    d, _ = tree.query(ca)
    return int((d <= 500).sum())


def test_demo_hotspots_are_patrol_sized_and_concentrated() -> None:
    spots, n, area_m2 = _auto_hotspots(6112)
    assert len(spots) > 10 and spots[WIDTH_M].max() <= 1000
    assert spots[INCIDENTS].max() / spots[INCIDENTS].sum() < 0.2  # no whole-old-city hotspot
    conc = concentration(spots, incidents=n, area_km2=area_m2 / 1e6, top_n=20, metric_crs=UTM44)
    assert conc.top_n == 20 and 0 < conc.area_share < 0.05 < conc.incident_share < 1
    assert "The top 20 hotspots hold" in conc.sentence()
    spans = spots["thanas"].map(lambda t: len([x for x in t.split("; ") if x]))
    assert spans.max() <= 2  # none sprawls across several thanas (one line crossed is said)


def test_same_top_places_at_ten_times_the_volume() -> None:
    # bench/hotspot_volume.py checks the 6k against 1M (a minute: too long here).
    assert _top_places_kept(6112, 60_000) == 10


def _junction(seed: int = 5) -> tuple[np.ndarray, gpd.GeoDataFrame]:
    """A uniform dense disc (no density structure) where three thanas meet at the origin."""
    rng = np.random.default_rng(seed)
    r = 300 * np.sqrt(rng.uniform(0, 1, 1500))
    a = rng.uniform(0, 2 * np.pi, 1500)
    origin = np.array([700_000.0, 2_800_000.0])
    xy = np.column_stack([r * np.cos(a), r * np.sin(a)]) + origin
    big = 5000.0
    wedges = [
        shapely.Polygon([(0, 0), (big, 0), (big, big), (-big, big)]),  # north
        shapely.Polygon([(0, 0), (-big, big), (-big, -big), (0, -big)]),  # south-west
        shapely.Polygon([(0, 0), (0, -big), (big, -big), (big, 0)]),  # south-east
    ]
    thanas = gpd.GeoDataFrame(
        {"name": ["North", "West", "East"]},
        geometry=[shapely.affinity.translate(w, *origin) for w in wedges],
        crs=UTM44,
    )
    return xy, thanas


def test_a_hotspot_at_a_three_thana_junction_is_split() -> None:
    xy, thanas = _junction()
    times = np.datetime64("2026-01-01") + np.arange(len(xy)) % 200
    points = gpd.GeoDataFrame(
        {"occurred_at": times.astype("datetime64[ns]")}, geometry=shapely.points(xy), crs=UTM44
    )
    whole = find_hotspots(points, eps_m=150, min_samples=10, thanas=thanas, metric_crs=UTM44)
    assert len(whole) == 1 and whole["thanas"].iloc[0].count("; ") == 2  # explicit: as before
    spots = find_hotspots(
        points, eps_m=150, min_samples=10, thanas=thanas, metric_crs=UTM44, max_width_m=1000
    )
    assert len(spots) >= 3
    assert set(spots["primary_thana"]) == {"East", "North", "West"}
    assert spots["thanas"].map(lambda t: t.count("; ") + 1).max() <= 2


def test_split_across_thanas_keeps_clusters_within_two() -> None:
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 1000, (400, 2))
    labels = np.zeros(400, dtype=np.int64)
    names = np.where(xy[:, 0] < 500, "A", "B").astype(object)
    same = split_across_thanas(xy, labels, names, eps_m=150, min_samples=10)
    assert np.array_equal(same, labels)  # two thanas: a crossing, said but not split
    names[xy[:, 1] > 800] = None  # outside every thana counts as one more
    out = split_across_thanas(xy, labels, names, eps_m=150, min_samples=10)
    assert out.max() >= 1
    for j in range(int(out.max()) + 1):
        assert len(set(names[out == j])) <= 2


def test_the_rule_never_asks_more_than_the_densest_neighbourhoods_hold() -> None:
    from models.hotspots.density import RULE_DENSEST, choose_params, densest_count

    rng = np.random.default_rng(3)
    spread = rng.uniform(0, 3_000, size=(300, 2))  # a small layer over 9 km2
    dense = rng.normal(1_500, 30, size=(40, 2))  # one dense place of 40
    xy = np.vstack([spread, dense])
    top = densest_count(xy, 150.0)
    assert 30 <= top <= 45  # the dense place's 40 and a few of the spread points
    assert densest_count(xy, 150.0) == top  # seeded
    capped = choose_params(len(xy), area_m2=9e6, days=30, multiple=100.0, densest=top)
    assert capped.rule == RULE_DENSEST and capped.min_samples == top
    assert "densest 1%" in capped.reason()
    plain = choose_params(len(xy), area_m2=9e6, days=30, densest=top)
    assert plain.rule != RULE_DENSEST and plain.min_samples < top  # the cap does not bind


def _old_split_across_thanas(xy, labels, names, *, eps_m, min_samples, max_thanas=2):
    """split_across_thanas as it was written before its loop was shared with split_wide."""
    import math

    import pandas as pd

    from models.hotspots import density as den

    codes = pd.factorize(pd.Series(np.asarray(names, dtype=object)), use_na_sentinel=False)[0]
    groups = den._groups(labels)
    if not any(len(np.unique(codes[g])) > max_thanas for g in groups):
        return labels
    parts, stack = [], [(g, eps_m, min_samples, 0) for g in groups]
    while stack:
        idx, eps, ms, depth = stack.pop()
        if len(np.unique(codes[idx])) <= max_thanas:
            if depth == 0 or len(idx) >= min_samples:
                parts.append(idx)
            continue
        sub_eps, sub_ms = (
            max(eps * den.SPLIT_EPS, den.SPLIT_MIN_EPS_M),
            math.ceil(ms * den.SPLIT_SAMPLES),
        )
        if depth < den.SPLIT_DEPTH and len(idx) >= sub_ms:
            sub = dbscan_xy(xy[idx], eps_m=sub_eps, min_samples=sub_ms).labels
            if (sub >= 0).any():
                stack.extend((idx[g], sub_eps, sub_ms, depth + 1) for g in den._groups(sub))
                continue
        for code in np.unique(codes[idx]):
            piece = idx[codes[idx] == code]
            if len(piece) >= min_samples:
                parts.append(piece)
    return den._relabel(xy, parts)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), most=st.integers(1, 3))
def test_the_shared_split_loop_cuts_by_thana_as_before(seed: int, most: int) -> None:
    rng = np.random.default_rng(seed)
    xy = np.vstack([rng.normal(0, 150, (300, 2)), rng.uniform(-900, 900, (200, 2))])
    labels = dbscan_xy(xy, eps_m=150, min_samples=8).labels
    names = rng.choice(np.array(["A", "B", "C", "D", None], dtype=object), len(xy))
    got = split_across_thanas(xy, labels, names, eps_m=150, min_samples=8, max_thanas=most)
    want = _old_split_across_thanas(xy, labels, names, eps_m=150, min_samples=8, max_thanas=most)
    assert np.array_equal(got, want)


def test_max_thanas_below_one_is_refused() -> None:
    xy = np.zeros((3, 2))
    with pytest.raises(ParameterError, match="max_thanas"):
        split_across_thanas(xy, np.zeros(3, dtype=np.int64), ["A"] * 3, eps_m=1, min_samples=1,
                            max_thanas=0)  # fmt: skip


def _sequential_split(xy, groups, fits, cut, *, eps_m, min_samples):
    """The split loop as it was before groups were split in threads (one stack, in order)."""
    import math

    from models.hotspots import density as den

    parts, stack = [], [(g, eps_m, min_samples, 0) for g in groups]
    while stack:
        idx, eps, ms, depth = stack.pop()
        if fits(idx):
            if depth == 0 or len(idx) >= min_samples:
                parts.append(idx)
            continue
        sub_eps = max(eps * den.SPLIT_EPS, den.SPLIT_MIN_EPS_M)
        sub_ms = math.ceil(ms * den.SPLIT_SAMPLES)
        if depth < den.SPLIT_DEPTH and len(idx) >= sub_ms:
            sub = dbscan_xy(xy[idx], eps_m=sub_eps, min_samples=sub_ms).labels
            if (sub >= 0).any():
                stack.extend((idx[g], sub_eps, sub_ms, depth + 1) for g in den._groups(sub))
                continue
        stack.extend((piece, eps, ms, den.SPLIT_DEPTH) for piece in cut(idx))
    return parts


@pytest.mark.parametrize("threaded", [False, True])
def test_groups_split_in_threads_give_the_parts_of_the_sequential_loop(
    threaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.hotspots import density as den

    # three dense cities 20 km apart: three clusters, each split over several levels
    apart = np.array([20_000.0, 0.0])
    xy = np.vstack([_dense_city(seed)[::3] + seed * apart for seed in (5, 6, 7)])
    labels = dbscan_xy(xy, eps_m=150, min_samples=10).labels
    groups = den._groups(labels)

    def fits(idx: np.ndarray) -> bool:
        return not den._wider_than(xy[idx], 700)

    def cut(idx: np.ndarray) -> list[np.ndarray]:
        return [idx[p] for p in den._kmeans_parts(xy[idx], 700, 0)]

    if threaded:
        monkeypatch.setattr(den, "_PARALLEL_SPLIT_MIN", 0)
        monkeypatch.setattr(den.os, "cpu_count", lambda: 4)
    calls: list[int] = []
    real = den.dbscan_xy

    def counted(points: np.ndarray, **kwargs: object) -> object:
        calls.append(len(points))
        return real(points, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(den, "dbscan_xy", counted)
    got = den._split_until(xy, groups, fits, cut, eps_m=150, min_samples=10, method="auto")
    want = _sequential_split(xy, groups, fits, cut, eps_m=150, min_samples=10)
    assert len(calls) > len(groups) > 1  # several levels of re-clustering were needed
    assert len(got) == len(want) > len(groups)
    assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))


@pytest.mark.parametrize("configured", [None, UTM44])
def test_the_parameter_choice_projects_as_with_the_layers_own_metric_crs(
    configured: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One projection picking the CRS equals metric_crs_for then a projection into it."""
    from geo.crs import metric_coordinates, metric_crs_for
    from models.hotspots import density as den

    data = generate(seed=3, n_incidents=3000)
    crs = metric_crs_for(data.incidents, configured)
    want = metric_coordinates(data.incidents, crs.to_string())[0]
    seen: list[tuple[np.ndarray, object]] = []

    def kept(points: gpd.GeoDataFrame, metric_crs: str | None = None, **kw: object) -> object:
        out = metric_coordinates(points, metric_crs, **kw)  # type: ignore[arg-type]
        seen.append(out)
        return out

    monkeypatch.setattr(den, "metric_coordinates", kept)
    selection = SimpleNamespace(study_area=lambda: data.thanas)  # what the choice reads of it
    den.choose_for_points(data.incidents, selection, "occurred_at", metric_crs=configured)  # type: ignore[arg-type]
    ((got, got_crs),) = seen
    assert got_crs == crs and got_crs.to_epsg() == 32644
    assert got.tobytes() == want.tobytes()
