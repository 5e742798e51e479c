from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import ParameterError
from geo.schema import OCCURRED_AT
from models.evaluation.backtest import (
    AREA_SHARE_USED,
    HIT_RATE,
    HITS,
    METHOD,
    PAI,
    PEI,
    backtest,
    rolling_windows,
    score_selection,
    select_cells,
)


def test_pai_pei_hand_computed() -> None:
    cells = [f"c{i}" for i in range(10)]
    test_counts = pd.Series([5, 3, 2, 0, 0, 0, 0, 0, 0, 0], index=cells)
    scores = pd.Series([0.5, 0.9, np.nan, 0.1, 0, 0, 0, 0, 0, 0], index=cells)
    table = score_selection(scores, test_counts, area_shares=[0.1, 0.2]).set_index("area_share")
    # 10 %: one cell, the best score is c1 with 3 of 10 incidents.
    assert table.loc[0.1, HITS] == 3
    assert table.loc[0.1, HIT_RATE] == pytest.approx(0.3)
    assert table.loc[0.1, PAI] == pytest.approx(3.0)  # 0.3 / 0.1
    assert table.loc[0.1, PEI] == pytest.approx(0.6)  # 3 / best single cell (5)
    # 20 %: c1 and c0, 8 of 10; the ideal two cells hold 8 as well.
    assert table.loc[0.2, HIT_RATE] == pytest.approx(0.8)
    assert table.loc[0.2, PAI] == pytest.approx(4.0)
    assert table.loc[0.2, PEI] == pytest.approx(1.0)


def test_methods_that_score_few_cells_use_less_area() -> None:
    cells = [f"c{i}" for i in range(10)]
    test_counts = pd.Series([4, 0, 0, 0, 0, 0, 0, 0, 0, 1], index=cells)
    only_one = pd.Series([1.0] + [np.nan] * 9, index=cells)
    table = score_selection(only_one, test_counts, area_shares=[0.5]).iloc[0]
    assert table[AREA_SHARE_USED] == pytest.approx(0.1)
    assert table[PAI] == pytest.approx(0.8 / 0.1)


def test_ties_are_broken_by_cell_id() -> None:
    scores = pd.Series([1.0, 1.0, 1.0], index=["b", "c", "a"])
    assert select_cells(scores, 2).tolist() == ["a", "b"]


def test_bad_share_is_a_clear_error() -> None:
    with pytest.raises(ParameterError, match=r"area share 1.5 is not in \(0, 1\]"):
        score_selection(pd.Series([1.0]), pd.Series([1]), area_shares=[1.5])


def test_rolling_windows_are_laid_back_from_the_last_incident() -> None:
    times = pd.Series(pd.date_range("2026-01-01", "2026-06-30", freq="D", tz="Asia/Kolkata"))
    windows = rolling_windows(times, train=pd.Timedelta("60D"), test=pd.Timedelta("30D"))
    assert len(windows) == 4
    for train_start, test_start, test_end in windows:
        assert test_start - train_start == pd.Timedelta("60D")
        assert test_end - test_start == pd.Timedelta("30D")
        assert train_start >= times.min()
    assert windows[-1][2] > times.max()


def grid_and_incidents(seed: int = 0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A 10 × 10 grid of 100 m cells; incidents concentrate in one cell all year."""
    rng = np.random.default_rng(seed)
    boxes = [
        shapely.box(x * 100, y * 100, x * 100 + 100, y * 100 + 100)
        for y in range(10)
        for x in range(10)
    ]
    grid = gpd.GeoDataFrame(
        {"cell": [f"{i:03d}" for i in range(100)]}, geometry=boxes, crs="EPSG:32644"
    )
    n_hot, n_bg = 200, 200
    xs = np.r_[rng.uniform(510, 590, n_hot), rng.uniform(0, 1000, n_bg)]
    ys = np.r_[rng.uniform(510, 590, n_hot), rng.uniform(0, 1000, n_bg)]
    times = pd.Timestamp("2026-01-01", tz="Asia/Kolkata") + pd.to_timedelta(
        rng.uniform(0, 360, n_hot + n_bg), unit="D"
    )
    points = gpd.GeoDataFrame(
        {OCCURRED_AT: times}, geometry=shapely.points(xs, ys), crs="EPSG:32644"
    )
    return grid, points


def counts_scorer(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
    joined = gpd.sjoin(train, cells, predicate="within")
    return joined["cell"].value_counts().reindex(cells["cell"]).astype(float)


def random_scorer(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
    rng = np.random.default_rng(1)
    return pd.Series(rng.random(len(cells)), index=cells["cell"].to_numpy())


def test_backtest_ranks_a_persistent_hotspot_method_above_random() -> None:
    grid, points = grid_and_incidents()
    result = backtest(
        points,
        {"counts": counts_scorer, "random": random_scorer},
        grid=grid,
        cell_id="cell",
        train="90D",
        test="30D",
        n_folds=4,
        area_shares=[0.01, 0.05],
    )
    assert set(result.folds["fold"]) == {0, 1, 2, 3}
    s = result.summary.set_index([METHOD, "area_share"])
    assert s.loc[("counts", 0.01), PAI] > 20  # one cell holding ~half of all incidents
    assert s.loc[("counts", 0.01), PAI] > 5 * s.loc[("random", 0.01), PAI]
    assert (result.summary[PEI] <= 1 + 1e-9).all()


def test_backtest_needs_time_and_enough_history() -> None:
    grid, points = grid_and_incidents()
    with pytest.raises(ParameterError, match="no 'when' column"):
        backtest(points, {}, grid=grid, cell_id="cell", time_column="when")
    with pytest.raises(ParameterError, match="less than one training window"):
        backtest(points, {"c": counts_scorer}, grid=grid, cell_id="cell", train="400D")
