"""Next period's risk: expected incidents per cell (against the thana's average), per hour."""

from __future__ import annotations

import logging
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import metric_crs_for, to_metric
from geo.schema import NAME, OCCURRED_AT
from models.forecast.base import Forecaster, reference_time
from models.precision import time_precision
from models.surfaces.grid import CELL_ID

logger = logging.getLogger(__name__)

# ---- output columns ----
#: Expected incidents in the cell over the horizon.
EXPECTED: Final = "expected_incidents"
#: 1 = the riskiest cell.
RISK_RANK: Final = "risk_rank"
#: The cell's thana (the one holding its centre; missing outside every thana).
CELL_THANA: Final = "thana"
#: Expected incidents ÷ the average cell of its thana (of the whole area without thanas).
TIMES_THANA_MEAN: Final = "times_thana_mean"
#: The expected incidents of the average cell of the cell's thana.
THANA_CELL_MEAN: Final = "thana_cell_mean"
#: Columns added to places (hotspots): expected incidents inside, × the thanas' average.
FORECAST_EXPECTED: Final = "forecast_expected"
FORECAST_TIMES_THANA_MEAN: Final = "forecast_times_thana_mean"
#: Hour-of-week table: weekday (0 = Monday), hour (0-23), expected incidents in that hour.
WEEKDAY: Final = "weekday"
HOUR: Final = "hour"
#: Share of the forecast in that hour of the week.
SHARE: Final = "share"


def next_period(
    model: Forecaster,
    incidents: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    *,
    train: pd.Timedelta | str,
    thanas: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Fit ``model`` on the latest ``train`` window and forecast the next horizon per cell.

    Parameters
    ----------
    model : Forecaster
    incidents : geopandas.GeoDataFrame
        Point incidents (any CRS) with :data:`geo.schema.OCCURRED_AT`.
    cells : geopandas.GeoDataFrame
        The grid (metric CRS) with :data:`CELL_ID`.
    train : pandas.Timedelta or str
        Length of the latest window the model is fitted on.
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons with :data:`geo.schema.NAME` (for the thana averages).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`CELL_ID`, :data:`EXPECTED`, :data:`RISK_RANK`, :data:`CELL_THANA`,
        :data:`TIMES_THANA_MEAN`, polygons in the grid's CRS, riskiest first.
    """
    points = to_metric(incidents[[OCCURRED_AT, incidents.geometry.name]], cells.crs)
    now = reference_time(points)
    recent = points[points[OCCURRED_AT] >= now - pd.Timedelta(train)]
    expected = model(recent, cells).to_numpy(dtype=float)
    frame = gpd.GeoDataFrame(
        {CELL_ID: cells[CELL_ID].astype(str).to_numpy(), EXPECTED: expected},
        geometry=cells.geometry.to_numpy(),
        crs=cells.crs,
    )
    frame[CELL_THANA] = _thana_of(frame, thanas)
    groups = frame[CELL_THANA].fillna("")
    mean = frame.groupby(groups)[EXPECTED].transform("mean")
    frame[TIMES_THANA_MEAN] = np.where(mean > 0, frame[EXPECTED] / mean.where(mean > 0, 1), 0.0)
    frame[THANA_CELL_MEAN] = mean.to_numpy()
    order = np.lexsort((frame[CELL_ID].to_numpy(), -frame[EXPECTED].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(2, RISK_RANK, np.arange(1, len(frame) + 1))
    return frame


def _thana_of(cells: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame | None) -> pd.Series:
    """Return the name of the thana holding each cell's centre (missing when none)."""
    out = pd.Series(pd.NA, index=cells.index, dtype="string")
    if thanas is None or thanas.empty or NAME not in thanas.columns:
        return out
    polygons = to_metric(thanas[[NAME, thanas.geometry.name]], cells.crs)
    centres = gpd.GeoDataFrame(geometry=cells.geometry.centroid, crs=cells.crs)
    hit = gpd.sjoin(centres, polygons, how="inner", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    out.loc[hit.index] = hit[NAME].astype(str).to_numpy()
    return out


def hour_of_week(incidents: pd.DataFrame, total: float) -> pd.DataFrame:
    """Spread ``total`` expected incidents over the 168 hours of the week.

    The profile is that of the incidents with an exact time (those known only to the day or
    month carry no hour), smoothed with one pseudo-incident spread evenly, so an hour never
    seen keeps a small share.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents with local :data:`geo.schema.OCCURRED_AT` (and ``time_precision``).
    total : float
        Expected incidents over the horizon.

    Returns
    -------
    pandas.DataFrame
        168 rows: :data:`WEEKDAY`, :data:`HOUR`, :data:`SHARE`, :data:`EXPECTED`.
    """
    precision = time_precision(incidents)
    exact = incidents if precision is None else incidents[precision == "exact"]
    times = exact[OCCURRED_AT]
    slot = times.dt.day_of_week.to_numpy() * 24 + times.dt.hour.to_numpy()
    counts = np.bincount(slot.astype(np.int64), minlength=168).astype(float) + 1.0 / 168
    share = counts / counts.sum()
    return pd.DataFrame(
        {
            WEEKDAY: np.repeat(np.arange(7), 24),
            HOUR: np.tile(np.arange(24), 7),
            SHARE: share,
            EXPECTED: share * float(total),
        }
    )


def expected_in_areas(areas: gpd.GeoDataFrame, risk: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the expected incidents inside each area and how many times its thanas' average.

    A cell belongs to an area when its centre lies inside it; the multiple compares the area's
    expected incidents with as many average cells of their thanas.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Polygons (any CRS), e.g. hotspots.
    risk : geopandas.GeoDataFrame
        The output of :func:`next_period` (any CRS).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``areas``: :data:`FORECAST_EXPECTED`, :data:`FORECAST_TIMES_THANA_MEAN`
        (0 for an area without a cell centre inside).
    """
    out = pd.DataFrame({FORECAST_EXPECTED: 0.0, FORECAST_TIMES_THANA_MEAN: 0.0}, index=areas.index)
    if areas.empty or risk.empty:
        return out
    crs = metric_crs_for(risk)
    centres = gpd.GeoDataFrame(
        risk[[EXPECTED, THANA_CELL_MEAN]],
        geometry=to_metric(risk[[risk.geometry.name]], crs).geometry.centroid.to_numpy(),
        crs=crs,
    )
    shapes = gpd.GeoDataFrame(
        {"_area": np.arange(len(areas))},
        geometry=to_metric(areas[[areas.geometry.name]], crs).geometry.to_numpy(),
        crs=crs,
    )
    hit = gpd.sjoin(centres, shapes, how="inner", predicate="within")
    sums = hit.groupby("_area")[[EXPECTED, THANA_CELL_MEAN]].sum()
    where = out.index[sums.index.to_numpy()]
    out.loc[where, FORECAST_EXPECTED] = sums[EXPECTED].to_numpy()
    base = sums[THANA_CELL_MEAN].to_numpy()
    out.loc[where, FORECAST_TIMES_THANA_MEAN] = np.where(
        base > 0, sums[EXPECTED].to_numpy() / np.where(base > 0, base, 1.0), 0.0
    )
    return out


def forecast_why(expected: float, times_mean: float, horizon_days: float) -> str:
    """Return the forecast's part of a "why" ("expected 4.2 incidents next week, 3× ...").

    Examples
    --------
    >>> forecast_why(4.2, 3.0, 7.0)
    "expected 4.2 incidents next week, 3× the thana's average"
    """
    from geo.i18n import _, format_number

    n = format_number(expected, digits=1)
    times = format_number(times_mean, digits=0 if times_mean >= 10 else 1).removesuffix(".0")
    if horizon_days == 7:
        # TRANSLATORS: {n} is a number of incidents such as 4.2; {times} a multiple such as 3.
        text = _("expected {n} incidents next week, {times}× the thana's average")
        return text.format(n=n, times=times)
    # TRANSLATORS: {n} incidents (4.2), {days} days (14), {times} a multiple (3).
    text = _("expected {n} incidents in the next {days} days, {times}× the thana's average")
    return text.format(n=n, days=format_number(horizon_days, digits=0), times=times)
