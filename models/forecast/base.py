"""What every forecast model shares: expected counts per cell over a horizon, fitted parameters."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from geo.errors import ParameterError
from geo.schema import OCCURRED_AT
from models.arrays import FloatArray, IntArray
from models.surfaces.grid import CELL_ID, locate_points

logger = logging.getLogger(__name__)

#: Default forecast horizon: expected incidents over the next week.
DEFAULT_HORIZON: Final = "7D"
#: Default radius of a cell's neighbourhood, in cell sides (1.5: the eight cells around a square).
NEIGHBOUR_CELLS: Final = 1.5
_DAY = pd.Timedelta(days=1)


def horizon_days(horizon: pd.Timedelta | str) -> float:
    """Return a horizon in days, refusing zero or negative lengths.

    Examples
    --------
    >>> horizon_days("7D"), horizon_days("12h")
    (7.0, 0.5)
    """
    try:
        days = pd.Timedelta(horizon) / _DAY
    except ValueError:
        raise ParameterError(
            f"horizon {horizon!r} is not a length of time", fix="write it like 7D or 30D"
        ) from None
    if not days > 0:
        raise ParameterError(f"horizon {horizon!r} is not positive", fix="use e.g. 7D")
    return float(days)


def cell_index(cells: gpd.GeoDataFrame) -> pd.Index:
    """Return the cells' ids as a string index named :data:`CELL_ID`."""
    index: pd.Index = pd.Index(cells[CELL_ID].astype(str), name=CELL_ID)
    return index


def cell_of(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> IntArray:
    """Return each training incident's cell position (-1 outside the grid)."""
    return locate_points(cells, train)


def ages_days(train: gpd.GeoDataFrame, now: pd.Timestamp) -> FloatArray:
    """Return each incident's age at ``now`` in days (non-negative)."""
    ages: FloatArray = ((now - train[OCCURRED_AT]) / _DAY).to_numpy(dtype=float)
    return np.clip(ages, 0.0, None)


def reference_time(train: gpd.GeoDataFrame) -> pd.Timestamp:
    """Return "now" of a forecast: the start of the day after the latest training incident.

    Training windows of the back-test end at midnight, so this is the start of the test window
    whenever the last training day had an incident, and never the wall clock.
    """
    latest = pd.Timestamp(train[OCCURRED_AT].max())
    return latest.floor("D") + _DAY


def centres(cells: gpd.GeoDataFrame) -> FloatArray:
    """Return the cells' centroids as an (n, 2) array of metres (cells in a metric CRS)."""
    points = cells.geometry.centroid
    xy: FloatArray = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    return xy


def cell_size_m(cells: gpd.GeoDataFrame) -> float:
    """Return the side of a square with the median cell area, in metres."""
    return float(np.sqrt(np.median(cells.geometry.area.to_numpy())))


def neighbour_radius_m(cells: gpd.GeoDataFrame, radius_m: float | None) -> float:
    """Return ``radius_m``, or by default 1.5 cell sides (a square cell's eight neighbours)."""
    return float(radius_m) if radius_m is not None else NEIGHBOUR_CELLS * cell_size_m(cells)


def neighbour_matrix(
    cells: gpd.GeoDataFrame, radius_m: float | None = None, *, include_self: bool = False
) -> sparse.csr_matrix:
    """Return the row-normalised matrix of each cell's neighbours within ``radius_m``.

    ``radius_m`` defaults to :func:`neighbour_radius_m`. Without ``include_self`` a cell
    without neighbours has an empty row (its neighbourhood mean is then the city's).
    """
    radius_m = neighbour_radius_m(cells, radius_m)
    xy = centres(cells)
    pairs = cKDTree(xy).query_pairs(r=radius_m, output_type="ndarray")
    n = len(xy)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]]) if len(pairs) else np.empty(0, int)
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]]) if len(pairs) else np.empty(0, int)
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    if include_self:
        m = m + sparse.identity(n, format="csr")
    degree = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)
    normalised: sparse.csr_matrix = sparse.diags(inv) @ m
    return normalised.tocsr()


def neighbour_mean(values: FloatArray, weights: sparse.csr_matrix) -> FloatArray:
    """Return each cell's neighbourhood mean of ``values`` (the overall mean when isolated)."""
    out: FloatArray = np.asarray(weights @ values, dtype=float)
    isolated = np.asarray(weights.sum(axis=1)).ravel() == 0
    out[isolated] = float(values.mean()) if len(values) else 0.0
    return out


class Forecaster(ABC):
    """A forecast model usable as a back-test :data:`~models.evaluation.backtest.Scorer`.

    Calling it with training incidents (metric CRS, :data:`geo.schema.OCCURRED_AT`) and the
    grid returns the EXPECTED NUMBER OF INCIDENTS per cell over :attr:`horizon` after the
    training data ends. :attr:`params` holds the parameters fitted by the latest call (numbers
    only, safe to show); the latest result is cached, so an ensemble reuses its members' fits.
    """

    #: The model's name in back-test tables (an ``NP_("back-test method", ...)`` key).
    name: str = ""

    def __init__(self, horizon: pd.Timedelta | str = DEFAULT_HORIZON) -> None:
        self.horizon = pd.Timedelta(horizon)
        self.horizon_days = horizon_days(horizon)
        self.params: dict[str, Any] = {}
        self._cache: tuple[tuple[Any, ...], pd.Series] | None = None

    def __call__(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
        """Return the expected incidents per cell over the horizon (0 where none expected)."""
        index = cell_index(cells)
        if train.empty:
            self.params = {}
            return pd.Series(0.0, index=index)
        times = train[OCCURRED_AT]
        key = (len(train), times.min(), times.max(), len(cells), index[0], index[-1])
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1].copy()
        values = np.clip(np.asarray(self.fit_predict(train, cells), dtype=float), 0.0, None)
        out = pd.Series(values, index=index)
        self._cache = (key, out)
        logger.debug("%s fitted: %s", type(self).__name__, self.params)
        return out.copy()

    @abstractmethod
    def fit_predict(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> FloatArray:
        """Fit on ``train`` and return expected incidents per cell (grid order) over the horizon."""
