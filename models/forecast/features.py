"""Gradient-boosted cell model: next period's count from lagged counts, neighbours, sites, CCTV."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from scipy import sparse
from scipy.spatial import cKDTree
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from geo.crs import to_metric
from geo.i18n import NP_
from geo.schema import HELD_ON, KIND, OCCURRED_AT, STATUS
from models.arrays import FloatArray, IntArray
from models.forecast.base import (
    DEFAULT_HORIZON,
    Forecaster,
    cell_of,
    centres,
    neighbour_matrix,
    neighbour_mean,
    neighbour_radius_m,
    reference_time,
)

logger = logging.getLogger(__name__)

#: The model's name in back-test tables.
FEATURE_MODEL: Final = NP_("back-test method", "gradient-boosted cells")
#: Site kinds whose nearest distance is a feature (a station is a transit site).
FEATURE_SITE_KINDS: Final = ("college", "coaching-centre", "market", "ghat", "transit", "school")
#: Lagged-count windows, in days.
DEFAULT_LAGS_D: Final = (7.0, 28.0, 84.0)
#: At most this many past periods make the training panel.
MAX_PERIODS: Final = 12
#: Distance given when a layer has nothing of a kind, in metres (far enough to mean "none").
FAR_M: Final = 10_000.0
_DAY = pd.Timedelta(days=1)


def nearest_distance_m(
    xy: FloatArray, layer: gpd.GeoDataFrame | None, crs: CRS | str
) -> FloatArray:
    """Return each point's distance to the nearest feature of ``layer`` (``FAR_M`` if none)."""
    if layer is None or layer.empty:
        return np.full(len(xy), FAR_M)
    pts = to_metric(layer[[layer.geometry.name]], crs).geometry
    pts = pts[~(pts.isna() | pts.is_empty)].centroid
    if pts.empty:
        return np.full(len(xy), FAR_M)
    tree = cKDTree(np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]))
    dist, _ = tree.query(xy, k=1)
    out: FloatArray = np.minimum(np.asarray(dist, dtype=float), FAR_M)
    return out


class FeatureForecaster(Forecaster):
    """Poisson gradient boosting (scikit-learn) on a panel of cells × past periods.

    Each row is a cell at the end of a past period of the horizon's length; its target is the
    cell's count in the period that follows, and its features are known at that end only:
    daily rates over the last 7, 28 and 84 days, the neighbourhood's rate, the cell's
    evening and weekend shares, distances to colleges, coaching centres, markets, ghats,
    stations and schools, to the nearest working camera, and awareness drives nearby in the
    last 30 days. The fitted model then predicts the period after the training data.

    Parameters
    ----------
    sites, cctv, campaigns : geopandas.GeoDataFrame, optional
        The register layers (any CRS); a missing layer means "none known".
    lags_d : sequence of float
        Lagged-count windows in days.
    neighbour_m : float, optional
        Radius of a cell's neighbourhood (default 1.5 cell sides), in metres.
    horizon : pandas.Timedelta or str
        Forecast horizon (also the length of a panel period).
    seed : int
        Seed of the booster.
    """

    name = FEATURE_MODEL

    def __init__(
        self,
        *,
        sites: gpd.GeoDataFrame | None = None,
        cctv: gpd.GeoDataFrame | None = None,
        campaigns: gpd.GeoDataFrame | None = None,
        lags_d: Sequence[float] = DEFAULT_LAGS_D,
        neighbour_m: float | None = None,
        horizon: pd.Timedelta | str = DEFAULT_HORIZON,
        seed: int = 0,
    ) -> None:
        super().__init__(horizon)
        self.sites = sites
        self.cctv = cctv
        self.campaigns = campaigns
        self.lags_d = tuple(float(d) for d in lags_d)
        self.neighbour_m = neighbour_m
        self.seed = int(seed)

    def _static(self, cells: gpd.GeoDataFrame) -> dict[str, FloatArray]:
        """Features of places that do not change with the period."""
        xy = centres(cells)
        out = {}
        for kind in FEATURE_SITE_KINDS:
            layer = None
            if self.sites is not None and KIND in self.sites.columns:
                layer = self.sites[self.sites[KIND].astype(str) == kind]
            out[f"dist_{kind}_m"] = nearest_distance_m(xy, layer, cells.crs)
        cameras = self.cctv
        if cameras is not None and STATUS in cameras.columns:
            cameras = cameras[cameras[STATUS].astype(str) == "working"]
        out["dist_working_cctv_m"] = nearest_distance_m(xy, cameras, cells.crs)
        return out

    def _drives(
        self, cells: gpd.GeoDataFrame, ends: list[pd.Timestamp]
    ) -> dict[pd.Timestamp, FloatArray]:
        """Awareness drives within the neighbourhood radius of each cell in the 30 days before."""
        out = {end: np.zeros(len(cells)) for end in ends}
        drives = self.campaigns
        if drives is None or drives.empty or HELD_ON not in drives.columns:
            return out
        held = pd.to_datetime(drives[HELD_ON], errors="coerce")
        tz = ends[0].tz
        if tz is not None and held.dt.tz is None:
            held = held.dt.tz_localize(tz, nonexistent="NaT", ambiguous="NaT")
        pts = to_metric(drives[[drives.geometry.name]], cells.crs).geometry.centroid
        ok = (held.notna() & ~(pts.isna() | pts.is_empty)).to_numpy()
        if not ok.any():
            return out
        tree = cKDTree(np.column_stack([pts.x.to_numpy()[ok], pts.y.to_numpy()[ok]]))
        radius = neighbour_radius_m(cells, self.neighbour_m)
        near = tree.query_ball_point(centres(cells), r=radius)
        days = held[ok].reset_index(drop=True)
        for end in ends:
            recent = ((days >= end - 30 * _DAY) & (days < end)).to_numpy()
            out[end] = np.array([recent[idx].sum() if idx else 0 for idx in near], dtype=float)
        return out

    def fit_predict(self, train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> FloatArray:
        """Build the panel, fit the booster and predict the horizon after the training data."""
        now = reference_time(train)
        start = train[OCCURRED_AT].min().floor("D")
        pos = cell_of(train, cells)
        ok = pos >= 0
        pos, times = pos[ok], train[OCCURRED_AT][ok]
        ends = [now - k * self.horizon for k in range(MAX_PERIODS + 1)]
        ends = [e for e in ends if e == now or e - start >= self.horizon]
        static = self._static(cells)
        drives = self._drives(cells, ends)
        weights = neighbour_matrix(cells, self.neighbour_m)
        frames, targets = [], []
        for end in ends:
            frame = self._period(pos, times, start, end, len(cells), weights)
            frame.update(static)
            frame["drives_30d"] = drives[end]
            frames.append(pd.DataFrame(frame))
            after = (times >= end) & (times < end + self.horizon)
            targets.append(np.bincount(pos[after.to_numpy()], minlength=len(cells)))
        if len(frames) < 2:
            self.params = {"periods": 0}
            first: FloatArray = frames[0].iloc[:, 0].to_numpy(dtype=float)
            return first * self.horizon_days
        x = pd.concat(frames[1:], ignore_index=True)
        y = np.concatenate(targets[1:]).astype(float)
        model = HistGradientBoostingRegressor(
            loss="poisson",
            max_iter=100,
            early_stopping=False,
            learning_rate=0.08,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            random_state=self.seed,
        )
        # one thread: OpenMP threads on a shared two-core server slow the fit several times over
        with threadpool_limits(limits=1):
            model.fit(x, y)
            predicted: FloatArray = model.predict(frames[0][x.columns])
        self.params = {
            "periods": len(frames) - 1,
            "rows": len(x),
            "iterations": int(model.n_iter_),
            "features": list(x.columns),
        }
        return predicted

    def _period(
        self,
        pos: IntArray,
        times: pd.Series,
        start: pd.Timestamp,
        end: pd.Timestamp,
        n_cells: int,
        weights: sparse.csr_matrix,
    ) -> dict[str, FloatArray]:
        """Features of every cell known at ``end`` (rates per day over available history)."""
        before = (times < end).to_numpy()
        age = (end - times[before]).dt.total_seconds().to_numpy(dtype=float) / 86_400.0
        where = pos[before]
        history = max(float((end - start) / _DAY), 1.0)
        out: dict[str, FloatArray] = {}
        for lag in self.lags_d:
            inside = age < lag
            out[f"rate_{lag:g}d"] = np.bincount(where[inside], minlength=n_cells) / min(
                lag, history
            )
        middle = self.lags_d[len(self.lags_d) // 2]
        out["neighbour_rate"] = neighbour_mean(out[f"rate_{middle:g}d"], weights)
        hours = times[before].dt.hour.to_numpy()
        weekend = times[before].dt.day_of_week.to_numpy() >= 5
        total = np.bincount(where, minlength=n_cells).astype(float)
        evening = np.bincount(where[(hours >= 17) & (hours < 22)], minlength=n_cells)
        weekends = np.bincount(where[weekend], minlength=n_cells)
        out["evening_share"] = (evening + 0.3) / (total + 1.0)
        out["weekend_share"] = (weekends + 2 / 7) / (total + 1.0)
        return out


#: The gradient-boosted cell model as a scorer of expected incidents per cell: the model itself
#: (``feature_scorer(sites=sites, seed=0)`` builds a :class:`FeatureForecaster`).
feature_scorer: Final = FeatureForecaster
