"""Tests for the standard back-test methods (models.evaluation.scorers)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.errors import ParameterError
from geo.schema import OCCURRED_AT
from models.evaluation.backtest import AREA_SHARE, HIT_RATE, METHOD, PAI
from models.evaluation.scorers import (
    DBSCAN_HOTSPOTS,
    GI_HOT_CELLS,
    KDE_TOP,
    LAST_PERIOD,
    STANDARD_METHODS,
    dbscan_scorer,
    gi_star_scorer,
    kde_scorer,
    last_period_scorer,
    standard_backtest,
    standard_methods,
)
from models.surfaces.grid import CELL_ID, square_grid

CRS = "EPSG:32644"
CELL = 100.0
X0, Y0 = 700_000.0, 2_800_000.0


def points(xy: np.ndarray, times: pd.DatetimeIndex | list[pd.Timestamp]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {OCCURRED_AT: pd.DatetimeIndex(times)},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=CRS,
    )


@pytest.fixture
def scene() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A 20 x 20 grid of 100 m cells; a tight cluster of 30 recent incidents in one cell,
    an older cluster of 30 in another, and 40 scattered incidents."""
    rng = np.random.default_rng(7)
    hot = np.column_stack([X0 + 500 + rng.uniform(5, 95, 30), Y0 + 500 + rng.uniform(5, 95, 30)])
    old = np.column_stack([X0 + 1400 + rng.uniform(5, 95, 30), Y0 + 1400 + rng.uniform(5, 95, 30)])
    scatter = np.column_stack([X0 + rng.uniform(0, 2000, 40), Y0 + rng.uniform(0, 2000, 40)])
    start = pd.Timestamp("2026-01-01", tz="Asia/Kolkata")
    recent = [start + pd.Timedelta(days=80 + i % 10) for i in range(30)]
    early = [start + pd.Timedelta(days=i % 10) for i in range(30)]
    spread = [start + pd.Timedelta(days=int(d)) for d in rng.integers(0, 90, 40)]
    pts = points(np.vstack([hot, old, scatter]), recent + early + spread)
    area = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries.from_wkt(
            [f"POLYGON (({X0} {Y0}, {X0 + 2000} {Y0}, {X0 + 2000} {Y0 + 2000}, "
             f"{X0} {Y0 + 2000}, {X0} {Y0}))"]
        ),
        crs=CRS,
    )  # fmt: skip
    grid = square_grid(pts, cell_m=CELL, metric_crs=CRS, study_area=area)
    return pts, grid


def cell_of(grid: gpd.GeoDataFrame, x: float, y: float) -> str:
    hit = grid[grid.geometry.contains(gpd.points_from_xy([x], [y], crs=CRS)[0])]
    return str(hit[CELL_ID].iloc[0])


def test_scores_are_aligned_to_the_cells(scene: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    pts, grid = scene
    for name, scorer in standard_methods(eps_m=30, min_samples=5, bandwidth_m=150).items():
        scores = scorer(pts, grid)
        assert list(scores.index) == list(grid[CELL_ID].astype(str)), name
        assert scores.notna().any(), name


def test_last_period_counts_only_the_recent_window(
    scene: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    pts, grid = scene
    hot, old = cell_of(grid, X0 + 550, Y0 + 550), cell_of(grid, X0 + 1450, Y0 + 1450)
    recent = last_period_scorer("30D")(pts, grid)
    assert recent.idxmax() == hot
    assert np.isnan(recent[old])  # its incidents are all older than 30 days
    whole = last_period_scorer(None)(pts, grid)
    assert whole[hot] >= 30 and whole[old] >= 30
    assert not (whole == 0).any()  # empty cells are never selected


def test_kde_ranks_the_dense_cells_first(
    scene: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    pts, grid = scene
    scores = kde_scorer(150)(pts, grid)
    top2 = set(scores.sort_values(ascending=False).index[:2])
    assert top2 == {cell_of(grid, X0 + 550, Y0 + 550), cell_of(grid, X0 + 1450, Y0 + 1450)}
    far = kde_scorer(150)(pts.iloc[:30], grid)
    assert np.isnan(far[cell_of(grid, X0 + 50, Y0 + 1950)])  # out of the kernel's reach


def test_gi_star_scores_only_hot_cells(scene: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    pts, grid = scene
    scores = gi_star_scorer()(pts, grid)
    assert scores.notna().sum() < len(grid) / 4
    assert (scores.dropna() > 0).all()  # hot cells only, never cold ones
    assert scores.notna()[cell_of(grid, X0 + 550, Y0 + 550)]


def test_dbscan_scores_cells_under_hotspots_densest_first(
    scene: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    pts, grid = scene
    scores = dbscan_scorer(eps_m=30, min_samples=5)(pts, grid)
    chosen = scores.dropna()
    hot, old = cell_of(grid, X0 + 550, Y0 + 550), cell_of(grid, X0 + 1450, Y0 + 1450)
    assert {hot, old} <= set(chosen.index)
    assert len(chosen) < 20  # only the cells the two hotspot polygons touch
    assert cell_of(grid, X0 + 50, Y0 + 1950) not in chosen.index
    none = dbscan_scorer(eps_m=30, min_samples=500)(pts, grid)
    assert none.isna().all()


def test_standard_backtest_compares_all_methods() -> None:
    rng = np.random.default_rng(3)
    start = pd.Timestamp("2026-01-01", tz="Asia/Kolkata")
    n = 600
    # a stable hotspot holding half the incidents, the rest spread over 3 x 3 km
    in_hot = rng.random(n) < 0.5
    xy = np.where(
        in_hot[:, None],
        np.column_stack([X0 + 1500 + rng.normal(0, 40, n), Y0 + 1500 + rng.normal(0, 40, n)]),
        np.column_stack([X0 + rng.uniform(0, 3000, n), Y0 + rng.uniform(0, 3000, n)]),
    )
    times = [start + pd.Timedelta(hours=int(h)) for h in rng.integers(0, 24 * 180, n)]
    result = standard_backtest(
        points(xy, times).to_crs("EPSG:4326"), cell_m=250, train="60D", test="30D", n_folds=3
    )
    assert set(result.summary[METHOD]) == set(STANDARD_METHODS)
    assert result.folds["fold"].nunique() == 3
    at5 = result.summary[result.summary[AREA_SHARE] == 0.05].set_index(METHOD)
    for name in (DBSCAN_HOTSPOTS, KDE_TOP, GI_HOT_CELLS, LAST_PERIOD):
        assert at5.loc[name, HIT_RATE] > 0.4, name  # everyone finds the stable hotspot
        assert at5.loc[name, PAI] > 4, name


def test_standard_backtest_refuses_no_incidents() -> None:
    empty = points(np.empty((0, 2)), [])
    with pytest.raises(ParameterError, match="no incidents to back-test"):
        standard_backtest(empty)
