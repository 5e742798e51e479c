"""Choosing eps: k-distances, the knee of their curve, and sweeps of eps × min_samples."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from geo.crs import metric_coordinates
from geo.errors import ParameterError
from models.checks import check_count
from models.hotspots.columns import (
    DEFAULT_KNEE_QUANTILE,
    EPS_M,
    INCIDENT_SHARE,
    K_DISTANCE_M,
    MEDIAN_HOTSPOT_SIZE,
    MIN_SAMPLES,
    N_HOTSPOTS,
    NOISE_SHARE,
    SWEEP_COLUMNS,
    Method,
    Points,
)
from models.hotspots.dbscan import check_eps, check_method, dbscan_xy, point_weights

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- choosing eps


def k_distance(points: Points, *, k: int, metric_crs: str | None = None) -> pd.Series:
    """Return the sorted distances from each point to its k-th nearest other point.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS.
    k : int
        Which neighbour (1 = nearest other point). For DBSCAN use ``min_samples - 1``: a point
        is core exactly when its k-distance is ≤ ``eps_m``.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.

    Returns
    -------
    pandas.Series
        Named :data:`K_DISTANCE_M`, ascending, with a ``RangeIndex`` (rank, not point).

    Raises
    ------
    ParameterError
        When ``k`` < 1 or there are not more than ``k`` points.
    """
    kk = check_count(k, "k", low=1)
    xy, _crs = metric_coordinates(points, metric_crs)
    if len(xy) <= kk:
        raise ParameterError(
            f"k={kk} needs more than {kk} points, got {len(xy)}",
            fix="use a smaller k (min_samples) or more points",
        )
    dist, _idx = cKDTree(xy).query(xy, k=[kk + 1])
    values = np.sort(np.asarray(dist[:, 0], dtype=np.float64))
    return pd.Series(values, name=K_DISTANCE_M)


@dataclass(frozen=True)
class EpsSuggestion:
    """An ``eps_m`` proposed from the knee of the k-distance curve.

    Attributes
    ----------
    eps_m : float
        The k-distance at the knee, in metres.
    knee_index : int
        Position of the knee in ``curve``.
    k : int
        The neighbour rank used (``min_samples - 1``).
    min_samples : int
    curve : pandas.Series
        The sorted k-distances (:func:`k_distance`).
    """

    eps_m: float
    knee_index: int
    k: int
    min_samples: int
    curve: pd.Series


def knee_index(values: npt.ArrayLike) -> int:
    """Return the knee of an ascending convex curve (kneedle: farthest below the chord).

    Both axes are scaled to [0, 1]; the knee is where ``x − y`` is largest, i.e. the point
    farthest below the straight line from the first to the last value. Written by hand: the
    ``kneed`` package does this and more, but is not worth a dependency for six lines.

    Parameters
    ----------
    values : array-like
        Ascending values (e.g. sorted k-distances).

    Returns
    -------
    int
        Index of the knee (0 for fewer than three values or a flat curve).
    """
    y = np.asarray(values, dtype=np.float64).reshape(-1)
    if len(y) < 3 or y[-1] <= y[0]:
        return 0
    x_n = np.linspace(0.0, 1.0, len(y))
    y_n = (y - y[0]) / (y[-1] - y[0])
    return int(np.argmax(x_n - y_n))


def suggest_eps(
    points: Points,
    *,
    min_samples: int,
    metric_crs: str | None = None,
    quantile: float = DEFAULT_KNEE_QUANTILE,
) -> EpsSuggestion:
    """Propose ``eps_m`` for DBSCAN from the knee of the k-distance curve.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS.
    min_samples : int
        The ``min_samples`` DBSCAN will use (at least 2); ``k = min_samples - 1``.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.
    quantile : float
        Only the curve up to this quantile is searched for the knee (isolated outliers at the
        top would otherwise dominate the chord).

    Returns
    -------
    EpsSuggestion

    Raises
    ------
    ParameterError
        For ``min_samples`` < 2, too few points, or when every k-distance is 0 (all points
        duplicated ``min_samples`` times: any positive eps then works).
    """
    ms = check_count(min_samples, "min_samples", low=2)
    if not 0.5 <= float(quantile) <= 1.0:
        raise ParameterError(
            f"quantile must be between 0.5 and 1, got {quantile!r}", fix="use e.g. 0.98"
        )
    curve = k_distance(points, k=ms - 1, metric_crs=metric_crs)
    values = curve.to_numpy(dtype=np.float64)
    top = max(3, math.ceil(float(quantile) * len(values)))
    knee = knee_index(values[:top])
    eps = float(values[knee])
    if eps <= 0:
        positive = values[values > 0]
        if positive.size == 0:
            raise ParameterError(
                "cannot suggest eps_m: every k-distance is 0 (the points are duplicates)",
                fix="pick any small positive eps_m, e.g. 10",
            )
        eps = float(positive[0])
        knee = int(np.searchsorted(values, eps))
    return EpsSuggestion(eps_m=eps, knee_index=knee, k=ms - 1, min_samples=ms, curve=curve)


def sweep(
    points: Points,
    *,
    eps_m_values: Iterable[float],
    min_samples_values: Iterable[int],
    weights: str | pd.Series | None = None,
    metric_crs: str | None = None,
    method: Method = "auto",
) -> pd.DataFrame:
    """Cluster with every (eps_m, min_samples) pair and summarise each run.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS (projected once).
    eps_m_values : iterable of float
        Radii in metres.
    min_samples_values : iterable of int
        Neighbourhood sizes.
    weights, metric_crs, method
        As for :func:`cluster`.

    Returns
    -------
    pandas.DataFrame
        One row per pair, sorted by eps_m then min_samples, columns :data:`SWEEP_COLUMNS`:
        number of hotspots, share of the points in hotspots (the "incident mass"), noise
        share, and median hotspot size (NaN without hotspots).
    """
    eps_list = sorted({check_eps(e) for e in eps_m_values})
    ms_list = sorted({check_count(m, "min_samples", low=1) for m in min_samples_values})
    if not eps_list or not ms_list:
        raise ParameterError(
            "sweep needs at least one eps_m and one min_samples value",
            fix="pass e.g. eps_m_values=[100, 150, 200], min_samples_values=[5, 10]",
        )
    check_method(method)
    w = point_weights(points, weights)
    xy, _crs = metric_coordinates(points, metric_crs)
    n = len(xy)
    rows: list[dict[str, float | int]] = []
    for eps in eps_list:
        for ms in ms_list:
            labels = dbscan_xy(xy, eps_m=eps, min_samples=ms, weights=w, method=method).labels
            sizes = np.bincount(labels[labels >= 0]) if n else np.empty(0, np.int64)
            in_hotspots = int(sizes.sum())
            rows.append(
                {
                    EPS_M: eps,
                    MIN_SAMPLES: ms,
                    N_HOTSPOTS: len(sizes),
                    INCIDENT_SHARE: in_hotspots / n if n else math.nan,
                    NOISE_SHARE: (n - in_hotspots) / n if n else math.nan,
                    MEDIAN_HOTSPOT_SIZE: float(np.median(sizes)) if len(sizes) else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
