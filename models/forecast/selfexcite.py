"""Near-repeat self-exciting model: ETAS-style background + triggering, fitted by EM (Mohler)."""

from __future__ import annotations

import logging
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.special import ndtr

from geo.errors import ParameterError
from geo.i18n import NP_
from geo.schema import OCCURRED_AT
from models.arrays import FloatArray, IntArray
from models.forecast.base import (
    DEFAULT_HORIZON,
    Forecaster,
    cell_of,
    neighbour_matrix,
    neighbour_mean,
    reference_time,
)
from models.forecast.recency import shrink_to_neighbours

logger = logging.getLogger(__name__)

#: The model's name in back-test tables.
SELF_EXCITING: Final = NP_("back-test method", "self-exciting (near-repeat)")
#: Pairs further apart than these are never trigger and offspring.
DEFAULT_MAX_DISTANCE_M: Final = 500.0
DEFAULT_MAX_LAG_D: Final = 30.0
#: At most this many candidate (trigger, offspring) pairs are kept, the closest in time first.
MAX_PAIRS: Final = 5_000_000


def candidate_pairs(
    xy: FloatArray, t: FloatArray, max_distance_m: float, max_lag_d: float
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Return (trigger, offspring, lag in days, squared distance) of every possible pair."""
    pairs = cKDTree(xy).query_pairs(r=max_distance_m, output_type="ndarray")
    if len(pairs) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0), np.empty(0)
    a, b = pairs[:, 0], pairs[:, 1]
    early = t[a] <= t[b]
    parent = np.where(early, a, b)
    child = np.where(early, b, a)
    lag = t[child] - t[parent]
    keep = (lag > 0) & (lag <= max_lag_d)
    parent, child, lag = parent[keep], child[keep], lag[keep]
    if len(lag) > MAX_PAIRS:
        order = np.argsort(lag, kind="stable")[:MAX_PAIRS]
        parent, child, lag = parent[order], child[order], lag[order]
    d2 = np.sum((xy[child] - xy[parent]) ** 2, axis=1)
    return parent, child, lag, d2


class SelfExcitingForecaster(Forecaster):
    """Background rate per cell plus exponential-in-time, Gaussian-in-space triggering.

    The intensity at place x and day t is ``mu(x) + sum_j theta * omega * exp(-omega (t - t_j))
    * N(x - x_j; sigma)`` over earlier incidents j (Mohler et al. 2011, JASA). Expectation-
    maximisation alternates the probability that each incident was triggered by each earlier
    one (or is background) with closed-form updates of ``theta`` (offspring per incident),
    ``omega`` (1 / time scale), ``sigma`` (distance scale) and the background, which is
    shrunk toward each cell's neighbourhood (:func:`~models.forecast.recency.
    shrink_to_neighbours`). Hand-written: no maintained Python library fits a spatio-temporal
    Hawkes process on a grid in this form (tick has no spatial kernel and is unmaintained).
    """

    name = SELF_EXCITING

    def __init__(
        self,
        *,
        max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
        max_lag_d: float = DEFAULT_MAX_LAG_D,
        iterations: int = 40,
        neighbour_m: float | None = None,
        horizon: pd.Timedelta | str = DEFAULT_HORIZON,
    ) -> None:
        super().__init__(horizon)
        if not (max_distance_m > 0 and max_lag_d > 0 and iterations >= 1):
            raise ParameterError(
                "the self-exciting model needs a positive distance, lag and iteration count",
                fix="use e.g. max_distance_m=500, max_lag_d=30, iterations=40",
            )
        self.max_distance_m = float(max_distance_m)
        self.max_lag_d = float(max_lag_d)
        self.iterations = int(iterations)
        self.neighbour_m = neighbour_m

    def fit_predict(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> FloatArray:
        """Fit by EM and return background + remaining triggered incidents per cell."""
        now = reference_time(train)
        pos = cell_of(train, cells)
        ok = pos >= 0
        pts = train[ok]
        pos = pos[ok]
        start = pts[OCCURRED_AT].min()
        t = ((pts[OCCURRED_AT] - start) / pd.Timedelta(days=1)).to_numpy(dtype=float)
        span = max(float((now - start) / pd.Timedelta(days=1)), 1.0)
        xy = np.column_stack([pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()])
        area = cells.geometry.area.to_numpy(dtype=float)
        parent, child, lag, d2 = candidate_pairs(xy, t, self.max_distance_m, self.max_lag_d)
        weights = neighbour_matrix(cells, self.neighbour_m, include_self=True)
        mu, theta, omega, sigma = self._em(pos, t, span, area, (parent, child, lag, d2), weights)
        self.params = {
            "background_per_day": round(float(mu.sum()), 4),
            "offspring_per_incident": round(theta, 4),
            "triggered_share": round(theta / (1.0 + theta), 4),
            "time_scale_days": round(1.0 / omega, 3),
            "distance_scale_m": round(sigma, 1),
            "candidate_pairs": len(lag),
        }
        expected = mu * self.horizon_days
        remaining = theta * (
            np.exp(-omega * (span - t)) - np.exp(-omega * (span + self.horizon_days - t))
        )
        expected += _spread(xy, remaining, sigma, cells)
        return expected

    def _em(
        self,
        pos: IntArray,
        t: FloatArray,
        span: float,
        area: FloatArray,
        pairs: tuple[IntArray, IntArray, FloatArray, FloatArray],
        weights: sparse.csr_matrix,
    ) -> tuple[FloatArray, float, float, float]:
        """Return the background per cell and day, theta, omega (per day) and sigma (m)."""
        _, child, lag, d2 = pairs
        n, n_cells = len(t), len(area)
        own = weights.diagonal()
        spread = 1.0 - 2.0 * own + np.asarray(weights.multiply(weights).sum(axis=1)).ravel()
        mu = np.bincount(pos, minlength=n_cells) / span
        theta, omega, sigma = 0.2, 1.0 / 7.0, 100.0
        for _ in range(self.iterations):
            background = mu[pos] / area[pos]
            trig = (
                theta
                * omega
                * np.exp(-omega * lag)
                * np.exp(-d2 / (2 * sigma**2))
                / (2 * np.pi * sigma**2)
            )
            total = background + np.bincount(child, weights=trig, minlength=n)
            p_trig = trig / total[child]
            p_back = background / total
            triggered = float(p_trig.sum())
            exposure = float(np.sum(1.0 - np.exp(-omega * (span - t))))
            theta = min(triggered / max(exposure, 1e-9), 0.95)
            if triggered > 1e-9:
                omega = float(np.clip(triggered / float(np.sum(p_trig * lag)), 1e-3, 1e3))
                sigma = float(
                    np.clip(np.sqrt(float(np.sum(p_trig * d2)) / (2 * triggered)), 1.0, 1e5)
                )
            back_counts = np.bincount(pos, weights=p_back, minlength=n_cells).astype(float)
            prior = neighbour_mean(back_counts / span, weights)
            mu = shrink_to_neighbours(back_counts, span, prior, noise_share=spread)[0]
        return mu, theta, omega, sigma


def _spread(
    xy: FloatArray, amount: FloatArray, sigma: float, cells: gpd.GeoDataFrame
) -> FloatArray:
    """Spread ``amount`` at each point over the cells with a Gaussian of ``sigma`` metres.

    Each cell receives the Gaussian's mass over its bounding box (exact for square cells).
    """
    out = np.zeros(len(cells))
    live = amount > 1e-6 * max(float(amount.max()) if len(amount) else 0.0, 1e-12)
    if not live.any():
        return out
    bounds = cells.geometry.bounds.to_numpy(dtype=float)
    centre = (bounds[:, :2] + bounds[:, 2:]) / 2
    half_diag = float(np.max(np.hypot(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])))
    reach = 4 * sigma + half_diag
    tree = cKDTree(centre)
    src = np.flatnonzero(live)
    found = tree.query_ball_point(xy[src], r=reach)
    lengths = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
    if lengths.sum() == 0:
        return out
    which = np.repeat(src, lengths)
    cell = np.concatenate([np.asarray(f, dtype=np.int64) for f in found if len(f)])
    px, py = xy[which, 0], xy[which, 1]
    mass_x = ndtr((bounds[cell, 2] - px) / sigma) - ndtr((bounds[cell, 0] - px) / sigma)
    mass_y = ndtr((bounds[cell, 3] - py) / sigma) - ndtr((bounds[cell, 1] - py) / sigma)
    np.add.at(out, cell, amount[which] * mass_x * mass_y)
    return out


def self_exciting_scorer(
    *,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    max_lag_d: float = DEFAULT_MAX_LAG_D,
    iterations: int = 40,
    neighbour_m: float | None = None,
    horizon: pd.Timedelta | str = DEFAULT_HORIZON,
) -> SelfExcitingForecaster:
    """Return the self-exciting (near-repeat) model as a scorer of expected incidents per cell.

    Parameters
    ----------
    max_distance_m, max_lag_d : float
        Farthest (metres) and longest (days) reach of a trigger.
    iterations : int
        EM iterations.
    neighbour_m : float, optional
        Radius of the neighbourhood the background is shrunk toward, in metres (default 1.5
        cell sides).
    horizon : pandas.Timedelta or str
        Forecast horizon.

    Returns
    -------
    SelfExcitingForecaster
    """
    return SelfExcitingForecaster(
        max_distance_m=max_distance_m,
        max_lag_d=max_lag_d,
        iterations=iterations,
        neighbour_m=neighbour_m,
        horizon=horizon,
    )
