"""Each forecast model on a process with a known answer, scored at equal area over folds."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from models.evaluation.backtest import AREA_SHARE, HIT_RATE_EQUAL_AREA, METHOD
from models.evaluation.scorers import standard_backtest
from models.forecast import (
    ENSEMBLE,
    FEATURE_MODEL,
    NAIVE,
    RECENCY,
    SELF_EXCITING,
    candidate_models,
    naive_scorer,
)
from tests.models.forecast import processes

SINGLE = (RECENCY, SELF_EXCITING, FEATURE_MODEL)


def equal_area_hit_rates(
    incidents: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame | None = None,
    *,
    test: str = "7D",
    folds: int = 6,
) -> pd.DataFrame:
    """Mean equal-area hit rate per method (rows) and area share (columns)."""
    methods = {**candidate_models(sites=sites), NAIVE: naive_scorer()}
    result = standard_backtest(
        incidents,
        cell_m=100,
        train="90D",
        test=test,
        step="14D" if test == "7D" else None,
        n_folds=folds,
        methods=methods,
        area_shares=[0.05, 0.1],
    )
    return result.summary.pivot(index=METHOD, columns=AREA_SHARE, values=HIT_RATE_EQUAL_AREA)


def test_on_pure_poisson_noise_no_model_beats_naive_by_more_than_noise() -> None:
    tables = [equal_area_hit_rates(processes.poisson(15, seed)) for seed in (0, 1, 2)]
    mean = sum(tables) / len(tables)
    gains = mean.sub(mean.loc[NAIVE], axis=1)
    # ~100 test incidents a fold: a hit rate's noise across 18 folds is about ±0.02
    assert gains.to_numpy().max() < 0.025, gains
    # nothing is predictable: every method catches about its share of the area
    assert np.allclose(mean.to_numpy(), mean.columns.to_numpy(), atol=0.035), mean


def test_on_a_near_repeat_process_the_self_exciting_model_wins() -> None:
    for seed in (0, 1, 2):
        table = equal_area_hit_rates(processes.near_repeat(4, 0.7, 2.0, 40.0, seed))
        best = table[0.1].drop(SELF_EXCITING).max()
        assert table.loc[SELF_EXCITING, 0.1] > best, table


def test_on_a_site_driven_process_the_feature_model_wins() -> None:
    for seed in (0, 1, 2):
        incidents, sites = processes.site_driven(30, 0.04, 3, seed)
        table = equal_area_hit_rates(incidents, sites, test="30D", folds=3)
        others = table.loc[[RECENCY, SELF_EXCITING, NAIVE], 0.1]
        assert table.loc[FEATURE_MODEL, 0.1] > others.max(), table


def test_the_self_exciting_fit_recovers_the_planted_parameters() -> None:
    incidents = processes.near_repeat(4, 0.7, 2.0, 40.0, seed=3)
    model = candidate_models()[SELF_EXCITING]
    cells = grid_of(incidents)
    model(incidents, cells)
    assert model.params["offspring_per_incident"] == pytest.approx(0.7, abs=0.15)
    assert model.params["time_scale_days"] == pytest.approx(2.0, rel=0.35)
    assert model.params["distance_scale_m"] == pytest.approx(40.0, rel=0.3)


def grid_of(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    from models.surfaces.grid import make_grid

    return make_grid(incidents, cell_m=100, metric_crs=processes.CRS)


@pytest.mark.parametrize("name", [*SINGLE, ENSEMBLE, NAIVE])
def test_every_model_is_deterministic_and_counts_incidents(name: str) -> None:
    incidents, sites = processes.site_driven(30, 0.04, 3, seed=4)
    cells = grid_of(incidents)
    train = incidents[incidents["occurred_at"] < processes.START + pd.Timedelta("150D")]

    def fit() -> pd.Series:
        models = {**candidate_models(sites=sites, seed=7), NAIVE: naive_scorer()}
        return models[name](train, cells)

    first, second = fit(), fit()
    pd.testing.assert_series_equal(first, second)
    assert (first >= 0).all()
    # expected incidents in a week: the order of the recent weekly count (4.2 a day here)
    assert 0.4 * 7 * 4.2 < first.sum() < 2.5 * 7 * 4.2


def test_no_training_incident_forecasts_zero_everywhere() -> None:
    incidents = processes.poisson(1, seed=0)
    cells = grid_of(incidents)
    for model in candidate_models().values():
        assert (model(incidents.iloc[:0], cells) == 0).all()
