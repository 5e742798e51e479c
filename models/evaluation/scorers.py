"""The standard hotspot methods as back-test scorers, and a one-call standard back-test."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import metric_crs_for, to_metric
from geo.errors import ParameterError
from geo.i18n import NP_, pgettext
from geo.schema import OCCURRED_AT
from models.evaluation.backtest import DEFAULT_AREA_SHARES, BacktestResult, Scorer, backtest
from models.hotspots import (
    DEFAULT_EPS_M,
    DEFAULT_MIN_SAMPLES,
    DENSITY_PER_KM2,
    find_hotspots,
)
from models.selection import point_incidents
from models.surfaces.grid import (
    CELL_ID,
    GridKind,
    StudyArea,
    check_cell_m,
    count_in_cells,
    make_grid,
)
from models.surfaces.kde import KDE_DENSITY, kde_cells
from models.surfaces.significance import cell_weights, gi_star_values

logger = logging.getLogger(__name__)

#: Names of the standard methods, as they appear in the back-test tables.
DBSCAN_HOTSPOTS: Final = NP_("back-test method", "dbscan hotspots")
KDE_TOP: Final = NP_("back-test method", "kde")
GI_HOT_CELLS: Final = NP_("back-test method", "gi* hot cells")
LAST_PERIOD: Final = NP_("back-test method", "last-period counts")
STANDARD_METHODS: Final = (DBSCAN_HOTSPOTS, KDE_TOP, GI_HOT_CELLS, LAST_PERIOD)


def method_name(method: object) -> str:
    """Return a back-test method's name as people read it, in the current language.

    The ``method`` column keeps the English key; an unknown (caller's own) method is shown as is.

    Examples
    --------
    >>> method_name(KDE_TOP), method_name("my scorer")
    ('kde', 'my scorer')
    """
    return pgettext("back-test method", str(method))


#: Default KDE bandwidth of the back-test, in metres.
DEFAULT_BANDWIDTH_M: Final = 300.0
#: Default back-test cell size, in metres.
DEFAULT_CELL_M: Final = 250.0


def _cell_index(cells: gpd.GeoDataFrame) -> pd.Index:
    index: pd.Index = pd.Index(cells[CELL_ID].astype(str), name=CELL_ID)
    return index


def _ranks(primary: np.ndarray, secondary: np.ndarray, index: pd.Index) -> pd.Series:
    """Turn a two-key ordering (both descending) into one score: higher ranks first."""
    order = np.lexsort((-secondary, -primary))
    score = np.empty(len(primary), dtype=float)
    score[order] = np.arange(len(primary), 0, -1, dtype=float)
    return pd.Series(score, index=index)


def last_period_scorer(window: pd.Timedelta | str | None = "30D") -> Scorer:
    """Score cells by their incident count in the last ``window`` of the training period.

    The naive baseline every method must beat: "patrol where it happened last month".

    Parameters
    ----------
    window : pandas.Timedelta or str or None, default "30D"
        Length of the most recent part of the training window that is counted; ``None``
        counts the whole training window.

    Returns
    -------
    Scorer
        Cells without an incident score NaN (never selected).
    """
    span = pd.Timedelta(window) if window is not None else None

    def score(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
        pts = train
        if span is not None and not train.empty:
            times = train[OCCURRED_AT]
            pts = train[times > times.max() - span]
        counts = count_in_cells(cells, pts)
        assert isinstance(counts, pd.Series)
        values = counts.to_numpy(dtype=float, copy=True)
        values[values == 0] = np.nan
        return pd.Series(values, index=_cell_index(cells))

    return score


def kde_scorer(bandwidth_m: float = DEFAULT_BANDWIDTH_M) -> Scorer:
    """Score cells by the quartic KDE of the training incidents at their centres (KDE top-k %).

    Parameters
    ----------
    bandwidth_m : float
        Kernel radius in metres.

    Returns
    -------
    Scorer
        Cells out of reach of every training incident score NaN.
    """
    bandwidth_m = check_cell_m(bandwidth_m, "bandwidth_m")

    def score(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
        index = _cell_index(cells)
        if train.empty:
            return pd.Series(np.nan, index=index)
        surface = kde_cells(train, cells, bandwidth_m=bandwidth_m)
        density = surface[KDE_DENSITY].to_numpy(dtype=float, copy=True)
        density[density <= 0] = np.nan
        return pd.Series(density, index=index)

    return score


def gi_star_scorer(*, fdr: bool = True, alpha: float = 0.05) -> Scorer:
    """Score the significant Gi* hot cells of the training counts by their z-score.

    Parameters
    ----------
    fdr : bool, default True
        Benjamini-Hochberg correction before picking hot cells.
    alpha : float, default 0.05
        Significance level of a hot cell (95 % confidence).

    Returns
    -------
    Scorer
        Cells that are not significant hot spots score NaN.
    """

    def score(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
        index = _cell_index(cells)
        counts = count_in_cells(cells, train)
        assert isinstance(counts, pd.Series)
        result = gi_star_values(
            counts.to_numpy(dtype=float), cell_weights(cells), fdr=fdr, alpha=(alpha,)
        )
        z = np.array(result.z, dtype=float)
        hot = np.char.startswith(result.classes.astype(str), "hot")
        z[~hot] = np.nan
        return pd.Series(z, index=index)

    return score


def dbscan_scorer(
    *, eps_m: float = DEFAULT_EPS_M, min_samples: int = DEFAULT_MIN_SAMPLES
) -> Scorer:
    """Score the cells that DBSCAN hotspot polygons touch, densest hotspot first.

    The cells under a hotspot polygon (the same polygons :func:`models.hotspots.find_hotspots`
    draws for planners) take the hotspot's incidents per km²; within a hotspot, cells with
    more training incidents come first.

    Parameters
    ----------
    eps_m : float
        DBSCAN radius in metres.
    min_samples : int
        DBSCAN core-point threshold.

    Returns
    -------
    Scorer
        Cells outside every hotspot score NaN.
    """

    def score(train: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> pd.Series:
        index = _cell_index(cells)
        out = pd.Series(np.nan, index=index)
        if len(train) < min_samples:
            return out
        spots = find_hotspots(train, eps_m=eps_m, min_samples=min_samples, hull="buffer")
        if spots.empty:
            return out
        spots = to_metric(spots[[DENSITY_PER_KM2, spots.geometry.name]], cells.crs)
        pos = np.arange(len(cells))
        frame = gpd.GeoDataFrame({"_pos": pos}, geometry=cells.geometry.to_numpy(), crs=cells.crs)
        hit = gpd.sjoin(frame, spots, how="inner", predicate="intersects")
        if hit.empty:
            return out
        best = hit.groupby("_pos")[DENSITY_PER_KM2].max()
        counts = count_in_cells(cells, train)
        assert isinstance(counts, pd.Series)
        chosen = best.index.to_numpy()
        ranked = _ranks(
            best.to_numpy(dtype=float),
            counts.to_numpy(dtype=float)[chosen],
            index[chosen],
        )
        out.loc[ranked.index] = ranked.to_numpy()
        return out

    return score


def standard_methods(
    *,
    eps_m: float = DEFAULT_EPS_M,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    bandwidth_m: float = DEFAULT_BANDWIDTH_M,
    last_period: pd.Timedelta | str | None = "30D",
) -> dict[str, Scorer]:
    """Return the four standard methods, by name (:data:`STANDARD_METHODS`).

    Parameters
    ----------
    eps_m, min_samples : float, int
        DBSCAN parameters of the hotspot method.
    bandwidth_m : float
        KDE bandwidth in metres.
    last_period : pandas.Timedelta or str or None
        Window of the last-period counts baseline (``None``: whole training window).

    Returns
    -------
    dict
        Method name → :data:`models.evaluation.backtest.Scorer`.
    """
    return {
        DBSCAN_HOTSPOTS: dbscan_scorer(eps_m=eps_m, min_samples=min_samples),
        KDE_TOP: kde_scorer(bandwidth_m),
        GI_HOT_CELLS: gi_star_scorer(),
        LAST_PERIOD: last_period_scorer(last_period),
    }


def standard_backtest(
    incidents: gpd.GeoDataFrame,
    *,
    cell_m: float = DEFAULT_CELL_M,
    grid: GridKind = "square",
    study_area: StudyArea | None = None,
    train: pd.Timedelta | str = "90D",
    test: pd.Timedelta | str = "30D",
    step: pd.Timedelta | str | None = None,
    n_folds: int | None = 6,
    area_shares: Sequence[float] = DEFAULT_AREA_SHARES,
    methods: Mapping[str, Scorer] | None = None,
    metric_crs: str | None = None,
    eps_m: float = DEFAULT_EPS_M,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    bandwidth_m: float = DEFAULT_BANDWIDTH_M,
) -> BacktestResult:
    """Back-test the standard methods on a grid over the incidents (or the study area).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents in any CRS with :data:`geo.schema.OCCURRED_AT` times.
    cell_m : float, default 250
        Cell size in metres; PAI and PEI compare equal-area cells.
    grid : {"square", "h3"}
        Kind of grid.
    study_area : shapely geometry or GeoDataFrame, optional
        The area the shares refer to (e.g. the thana boundaries); default the cells covering
        the incidents' bounding box.
    train, test, step, n_folds, area_shares
        As :func:`models.evaluation.backtest.backtest`.
    methods : mapping, optional
        Scorers to compare; default :func:`standard_methods` with the parameters below.
    metric_crs : str, optional
        Projected CRS; default the local UTM zone.
    eps_m, min_samples, bandwidth_m
        Parameters of the default methods.

    Returns
    -------
    models.evaluation.backtest.BacktestResult
    """
    # the grid covers the precise points only (see models.selection.point_incidents)
    incidents, left_out = point_incidents(incidents)
    if incidents.empty:
        raise ParameterError(
            "no incidents to back-test", fix="widen the date range or import incidents"
        )
    crs = metric_crs_for(incidents, metric_crs)
    cells = make_grid(
        incidents,
        cell_m=cell_m,
        grid=grid,
        metric_crs=crs.to_string(),
        study_area=study_area,
    )
    chosen = (
        methods
        if methods is not None
        else standard_methods(eps_m=eps_m, min_samples=min_samples, bandwidth_m=bandwidth_m)
    )
    logger.info("back-test of %d methods on %d cells of %g m", len(chosen), len(cells), cell_m)
    result = backtest(
        incidents,
        chosen,
        grid=cells,
        cell_id=CELL_ID,
        train=train,
        test=test,
        step=step,
        n_folds=n_folds,
        area_shares=area_shares,
        metric_crs=crs.to_string(),
    )
    return replace(result, left_out=left_out)
