"""An ensemble of forecast models: the weighted mean of their expected counts per cell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import ParameterError
from geo.i18n import NP_
from models.arrays import FloatArray
from models.forecast.base import DEFAULT_HORIZON, Forecaster

#: The model's name in back-test tables.
ENSEMBLE: Final = NP_("back-test method", "ensemble")


class EnsembleForecaster(Forecaster):
    """The weighted mean of member forecasts (members' cached fits are reused)."""

    name = ENSEMBLE

    def __init__(
        self,
        members: Sequence[Forecaster],
        weights: Sequence[float] | None = None,
        *,
        horizon: pd.Timedelta | str = DEFAULT_HORIZON,
    ) -> None:
        super().__init__(horizon)
        if not members:
            raise ParameterError("an ensemble needs members", fix="give at least one model")
        w = np.ones(len(members)) if weights is None else np.asarray(weights, dtype=float)
        if len(w) != len(members) or (w < 0).any() or not w.sum() > 0:
            raise ParameterError(
                f"{len(w)} ensemble weights for {len(members)} members",
                fix="give one non-negative weight per member, not all zero",
            )
        self.members = list(members)
        self.weights = w / w.sum()

    def fit_predict(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> FloatArray:
        """Return the weighted mean of the members' expected counts."""
        total = np.zeros(len(cells))
        for member, weight in zip(self.members, self.weights, strict=True):
            total += weight * member(train, cells).to_numpy(dtype=float)
        self.params = {
            str(m.name): round(float(w), 3) for m, w in zip(self.members, self.weights, strict=True)
        }
        return total


def ensemble_scorer(
    members: Sequence[Forecaster] | Mapping[str, Forecaster],
    weights: Sequence[float] | None = None,
    *,
    horizon: pd.Timedelta | str = DEFAULT_HORIZON,
) -> EnsembleForecaster:
    """Return the weighted mean of ``members`` as one forecast model.

    Parameters
    ----------
    members : sequence or mapping of Forecaster
        The models to average (a mapping's values).
    weights : sequence of float, optional
        One weight per member (default equal).
    horizon : pandas.Timedelta or str
        Forecast horizon (the members' own horizons are used; keep them equal).

    Returns
    -------
    EnsembleForecaster
    """
    chosen = list(members.values()) if isinstance(members, Mapping) else list(members)
    return EnsembleForecaster(chosen, weights, horizon=horizon)
