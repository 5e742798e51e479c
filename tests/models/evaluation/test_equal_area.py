"""Equal-area scoring, fold spread, whole-day windows and the empty-training-window message."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import ParameterError
from geo.schema import OCCURRED_AT
from models.evaluation.backtest import (
    AREA_SHARE,
    AREA_SHARE_USED,
    HIT_RATE,
    HIT_RATE_EQUAL_AREA,
    HIT_RATE_EQUAL_AREA_SD,
    METHOD,
    N_FOLDS,
    PAI_EQUAL_AREA,
    backtest,
    rolling_windows,
    score_selection,
)


def test_equal_area_pads_a_short_selection_by_hand() -> None:
    # 10 cells; the method ranks only cells a and b; test incidents: a 4, b 0, c 3, others 3
    cells = list("abcdefghij")
    test = pd.Series([4, 0, 3, 1, 1, 1, 0, 0, 0, 0], index=cells)
    scores = pd.Series([2.0, 1.0] + [np.nan] * 8, index=cells)
    table = score_selection(scores, test, area_shares=[0.5]).iloc[0]
    # asked 5 cells, used 2 (a, b: 4 hits of 10); 3 padded cells of the 8 unranked ones
    # are credited 3/8 of their 6 hits = 2.25
    assert table[AREA_SHARE_USED] == pytest.approx(0.2)
    assert table[HIT_RATE] == pytest.approx(0.4)
    assert table[HIT_RATE_EQUAL_AREA] == pytest.approx((4 + 2.25) / 10)
    assert table[PAI_EQUAL_AREA] == pytest.approx(0.625 / 0.5)


def test_equal_area_equals_plain_hit_rate_when_the_method_ranks_enough_cells() -> None:
    test = pd.Series([5, 1, 0, 2], index=list("abcd"))
    scores = pd.Series([4.0, 3.0, 2.0, 1.0], index=list("abcd"))
    table = score_selection(scores, test, area_shares=[0.25, 0.5])
    assert table[HIT_RATE_EQUAL_AREA].tolist() == pytest.approx(table[HIT_RATE].tolist())


def test_month_only_dates_keep_the_first_day_in_the_first_window() -> None:
    # incidents known to the month only are stored at midnight of the 1st; the last at noon
    months = pd.date_range("2026-01-01", periods=5, freq="MS", tz="Asia/Kolkata")
    times = pd.Series(
        months.append(
            pd.DatetimeIndex([pd.Timestamp("2026-05-31 12:00").tz_localize("Asia/Kolkata")])
        )
    )
    windows = rolling_windows(times, train=pd.Timedelta("120D"), test=pd.Timedelta("31D"))
    # Jan + Feb + Mar + Apr are exactly 120 days: the one fold trains from the first day
    assert windows == [
        (
            pd.Timestamp("2026-01-01", tz="Asia/Kolkata"),
            pd.Timestamp("2026-05-01", tz="Asia/Kolkata"),
            pd.Timestamp("2026-06-01", tz="Asia/Kolkata"),
        )
    ]


def grid_and_points(days: np.ndarray) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    boxes = [shapely.box(x * 100, 0, x * 100 + 100, 100) for x in range(4)]
    grid = gpd.GeoDataFrame({"cell": list("abcd")}, geometry=boxes, crs="EPSG:32644")
    rng = np.random.default_rng(0)
    xs = rng.uniform(0, 400, len(days))
    times = pd.Timestamp("2026-01-01", tz="Asia/Kolkata") + pd.to_timedelta(days, unit="D")
    points = gpd.GeoDataFrame(
        {OCCURRED_AT: times}, geometry=shapely.points(xs, np.full(len(days), 50.0)), crs=grid.crs
    )
    return grid, points


def counts(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
    joined = gpd.sjoin(train, cells, predicate="within")
    return joined["cell"].value_counts().reindex(cells["cell"]).astype(float)


def test_summary_reports_spread_across_folds() -> None:
    grid, points = grid_and_points(np.random.default_rng(1).uniform(0, 200, 400))
    result = backtest(
        points,
        {"c": counts},
        grid=grid,
        cell_id="cell",
        train="60D",
        test="30D",
        n_folds=3,
        area_shares=[0.25],
    )
    row = result.summary.set_index([METHOD, AREA_SHARE]).loc[("c", 0.25)]
    per_fold = result.folds[result.folds[AREA_SHARE] == 0.25][HIT_RATE_EQUAL_AREA]
    assert row[N_FOLDS] == 3
    assert row[HIT_RATE_EQUAL_AREA_SD] == pytest.approx(per_fold.std(ddof=1))


def test_a_gap_in_the_data_is_a_clear_error_not_a_table_of_zeros() -> None:
    # two months a year apart: the later folds' training windows are empty
    days = np.r_[np.arange(0, 30, 0.1), np.arange(365, 395, 0.1)]
    grid, points = grid_and_points(days)
    with pytest.raises(ParameterError, match="no incident falls in the training window from"):
        backtest(
            points, {"c": counts}, grid=grid, cell_id="cell", train="30D", test="30D", n_folds=6
        )


def test_the_empty_window_message_is_translated() -> None:
    from geo.i18n import use_lang

    days = np.r_[np.arange(0, 30, 0.1), np.arange(365, 395, 0.1)]
    grid, points = grid_and_points(days)
    with use_lang("hi"), pytest.raises(ParameterError, match="प्रशिक्षण अवधि में कोई घटना नहीं"):
        backtest(
            points, {"c": counts}, grid=grid, cell_id="cell", train="30D", test="30D", n_folds=6
        )
