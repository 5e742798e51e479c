"""Multi-scale recency: decaying counts at several half-lives, shrunk toward the neighbourhood."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from geo.errors import ParameterError
from geo.i18n import NP_
from geo.schema import OCCURRED_AT
from models.arrays import FloatArray, IntArray
from models.forecast.base import (
    DEFAULT_HORIZON,
    Forecaster,
    ages_days,
    cell_of,
    neighbour_matrix,
    neighbour_mean,
    reference_time,
)

logger = logging.getLogger(__name__)

#: The model's name in back-test tables.
RECENCY: Final = NP_("back-test method", "multi-scale recency")
#: Default half-lives, in days: last week, last month, last quarter.
DEFAULT_HALF_LIVES_D: Final = (7.0, 30.0, 90.0)
#: Past horizons of the training data on which the half-lives are weighed.
VALIDATION_PERIODS: Final = 4


def shrink_to_neighbours(
    counts: FloatArray,
    exposure_days: float,
    prior_mean: FloatArray,
    *,
    noise_share: FloatArray | float = 1.0,
) -> tuple[FloatArray, float]:
    """Return empirical-Bayes daily rates of cells shrunk toward their neighbourhood's rate.

    Each cell's rate has a gamma prior with the neighbourhood's mean rate ``m`` and a strength
    of ``b`` days, so the posterior mean is ``(count + b·m) / (exposure + b)``: a cell with few
    incidents leans on its neighbours, a busy one on itself. ``b`` is estimated by the method
    of moments (Marshall 1991): the spread of the cells' raw rates around their neighbourhood
    beyond Poisson noise (``noise_share · m / exposure``) is the prior variance ``m / b``.
    Hand-written: a closed form of a few
    lines that no well-kept library offers on a grid.

    Parameters
    ----------
    counts : numpy.ndarray
        (Weighted) incidents per cell.
    exposure_days : float
        Days the counts cover (the effective length of a decaying window).
    prior_mean : numpy.ndarray
        Each cell's neighbourhood rate per day.
    noise_share : numpy.ndarray or float, default 1
        Poisson variance of ``rate - neighbourhood rate`` as a share of ``m / exposure``
        (below 1 for decaying weights and for a neighbourhood that includes the cell).

    Returns
    -------
    tuple
        Rates per day, and the prior strength ``b`` in days (0: no shrinkage, inf: all prior).

    Examples
    --------
    >>> rates, b = shrink_to_neighbours(np.array([0.0, 10.0]), 10.0, np.array([0.5, 0.5]))
    >>> bool(rates[0] > 0) and bool(rates[1] < 1.0)
    True
    """
    raw = counts / exposure_days
    mean_prior = float(prior_mean.mean()) if len(prior_mean) else 0.0
    noise = float(np.mean(noise_share * prior_mean)) / exposure_days
    excess = float(np.mean((raw - prior_mean) ** 2)) - noise
    if mean_prior <= 0:
        return raw, 0.0
    strength = mean_prior / excess if excess > 0 else np.inf
    if not np.isfinite(strength):
        return prior_mean.copy(), float("inf")
    rates: FloatArray = (counts + strength * prior_mean) / (exposure_days + strength)
    return rates, float(strength)


class RecencyForecaster(Forecaster):
    """Empirical-Bayes rates over several decaying windows, mixed by how well each forecast.

    The half-lives are weighted by their predictive likelihood (Bayesian model averaging):
    each scale forecasts the last :data:`VALIDATION_PERIODS` horizons of the training data
    from what came before them, and the scales that did best weigh most in the forecast.
    """

    name = RECENCY

    def __init__(
        self,
        half_lives_d: Sequence[float] = DEFAULT_HALF_LIVES_D,
        *,
        neighbour_m: float | None = None,
        horizon: pd.Timedelta | str = DEFAULT_HORIZON,
    ) -> None:
        super().__init__(horizon)
        if not half_lives_d or any(not h > 0 for h in half_lives_d):
            raise ParameterError(
                f"half-lives {list(half_lives_d)} must be positive days",
                fix="give e.g. 7, 30, 90",
            )
        self.half_lives_d = tuple(float(h) for h in half_lives_d)
        self.neighbour_m = neighbour_m

    def fit_predict(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> FloatArray:
        """Fit the shrinkage at every half-life, weigh the scales and mix their rates."""
        now = reference_time(train)
        ages = ages_days(train, now)
        span = max(float((now - train[OCCURRED_AT].min()) / pd.Timedelta(days=1)), 1.0)
        pos = cell_of(train, cells)
        ok = pos >= 0
        ages, pos = ages[ok], pos[ok]
        weights = neighbour_matrix(cells, self.neighbour_m, include_self=True)
        own = weights.diagonal()
        spread = 1.0 - 2.0 * own + np.asarray(weights.multiply(weights).sum(axis=1)).ravel()
        h = self.horizon_days
        scores = np.zeros(len(self.half_lives_d))
        for k in range(1, VALIDATION_PERIODS + 1):
            cut = k * h
            if span - cut < h:
                break
            seen = ages >= cut
            target = np.bincount(pos[(ages < cut) & (ages >= cut - h)], minlength=len(cells))
            for i, half_life in enumerate(self.half_lives_d):
                rate = _rate(ages[seen] - cut, pos[seen], half_life, span - cut, weights, spread)[0]
                mean = np.maximum(rate * h, 1e-9)
                scores[i] += float(np.sum(target * np.log(mean) - mean))
        mix = np.exp(scores - scores.max())
        mix /= mix.sum()
        rates = np.zeros(len(cells))
        params: dict[str, object] = {"half_lives_days": list(self.half_lives_d)}
        for i, half_life in enumerate(self.half_lives_d):
            rate, strength = _rate(ages, pos, half_life, span, weights, spread)
            rates += mix[i] * rate
            params[f"weight_{half_life:g}d"] = round(float(mix[i]), 3)
            params[f"prior_strength_days_{half_life:g}d"] = round(strength, 3)
        self.params = params
        out: FloatArray = rates * h
        return out


def _rate(
    ages: FloatArray,
    pos: IntArray,
    half_life: float,
    span: float,
    weights: sparse.csr_matrix,
    spread: FloatArray,
) -> tuple[FloatArray, float]:
    """Return the shrunk daily rate per cell at one half-life, and the prior strength."""
    n_cells = weights.shape[0]
    decay = np.log(2.0) / half_life
    counts = np.bincount(pos, weights=np.exp(-decay * ages), minlength=n_cells).astype(float)
    # the effective length of a decaying window cut at the start of the data
    exposure = (1.0 - np.exp(-decay * span)) / decay
    # a decayed count's Poisson variance is rate · (1 - e^(-2 decay span)) / (2 decay)
    squared = (1.0 - np.exp(-2.0 * decay * span)) / (2.0 * decay)
    prior = neighbour_mean(counts / exposure, weights)
    return shrink_to_neighbours(counts, exposure, prior, noise_share=spread * squared / exposure)


def recency_scorer(
    half_lives_d: Sequence[float] = DEFAULT_HALF_LIVES_D,
    *,
    neighbour_m: float | None = None,
    horizon: pd.Timedelta | str = DEFAULT_HORIZON,
) -> RecencyForecaster:
    """Return the multi-scale recency model as a scorer of expected incidents per cell.

    Parameters
    ----------
    half_lives_d : sequence of float
        Half-lives of the decaying counts, in days.
    neighbour_m : float, optional
        Radius of a cell's neighbourhood (default 1.5 cell sides) (the shrinkage target), in metres.
    horizon : pandas.Timedelta or str
        Forecast horizon.

    Returns
    -------
    RecencyForecaster
    """
    return RecencyForecaster(half_lives_d, neighbour_m=neighbour_m, horizon=horizon)
