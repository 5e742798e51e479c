"""Forecast models: expected incidents per cell over a horizon, each a back-test scorer."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from models.forecast.base import DEFAULT_HORIZON, Forecaster, horizon_days
from models.forecast.ensemble import ENSEMBLE, EnsembleForecaster, ensemble_scorer
from models.forecast.features import FEATURE_MODEL, FeatureForecaster, feature_scorer
from models.forecast.naive import NAIVE, NaiveForecaster, naive_scorer
from models.forecast.recency import RECENCY, RecencyForecaster, recency_scorer
from models.forecast.selfexcite import SELF_EXCITING, SelfExcitingForecaster, self_exciting_scorer

__all__ = [
    "DEFAULT_HORIZON",
    "ENSEMBLE",
    "FEATURE_MODEL",
    "NAIVE",
    "RECENCY",
    "SELF_EXCITING",
    "EnsembleForecaster",
    "FeatureForecaster",
    "Forecaster",
    "NaiveForecaster",
    "RecencyForecaster",
    "SelfExcitingForecaster",
    "candidate_models",
    "ensemble_scorer",
    "feature_scorer",
    "horizon_days",
    "naive_scorer",
    "recency_scorer",
    "self_exciting_scorer",
]


def candidate_models(
    *,
    sites: gpd.GeoDataFrame | None = None,
    cctv: gpd.GeoDataFrame | None = None,
    campaigns: gpd.GeoDataFrame | None = None,
    horizon: pd.Timedelta | str = DEFAULT_HORIZON,
    seed: int = 0,
) -> dict[str, Forecaster]:
    """Return every candidate model and their ensemble, by name (naive not included).

    Parameters
    ----------
    sites, cctv, campaigns : geopandas.GeoDataFrame, optional
        Register layers for the feature model.
    horizon : pandas.Timedelta or str
        Forecast horizon of every model.
    seed : int
        Seed of the random steps (the booster).

    Returns
    -------
    dict
        Name → :class:`Forecaster` (each a back-test scorer).
    """
    members: list[Forecaster] = [
        recency_scorer(horizon=horizon),
        self_exciting_scorer(horizon=horizon),
        feature_scorer(sites=sites, cctv=cctv, campaigns=campaigns, horizon=horizon, seed=seed),
    ]
    members.append(ensemble_scorer(members, horizon=horizon))
    return {m.name: m for m in members}
