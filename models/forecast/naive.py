"""The naive forecast: last period's counts, scaled to the horizon ("it happens where it did")."""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.i18n import NP_
from models.arrays import FloatArray
from models.forecast.base import DEFAULT_HORIZON, Forecaster, ages_days, cell_of, reference_time

#: The model's name in back-test tables (the same key as the standard baseline).
NAIVE: Final = NP_("back-test method", "last-period counts")


class NaiveForecaster(Forecaster):
    """Incidents per cell in the last ``window`` of the training data, times horizon / window."""

    name = NAIVE

    def __init__(
        self, window: pd.Timedelta | str = "30D", *, horizon: pd.Timedelta | str = DEFAULT_HORIZON
    ) -> None:
        super().__init__(horizon)
        self.window_days = pd.Timedelta(window) / pd.Timedelta(days=1)

    def fit_predict(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> FloatArray:
        """Count the last window's incidents per cell and scale them to the horizon."""
        recent = ages_days(train, reference_time(train)) <= self.window_days
        pos = cell_of(train, cells)
        ok = recent & (pos >= 0)
        counts = np.bincount(pos[ok], minlength=len(cells)).astype(float)
        self.params = {"window_days": self.window_days}
        out: FloatArray = counts * self.horizon_days / self.window_days
        return out


def naive_scorer(
    window: pd.Timedelta | str = "30D", *, horizon: pd.Timedelta | str = DEFAULT_HORIZON
) -> NaiveForecaster:
    """Return last period's counts as a forecast of expected incidents per cell.

    Parameters
    ----------
    window : pandas.Timedelta or str
        The last part of the training data that is counted.
    horizon : pandas.Timedelta or str
        Forecast horizon.

    Returns
    -------
    NaiveForecaster
    """
    return NaiveForecaster(window, horizon=horizon)
