"""Forecast demand: expected incidents of a risk forecast at camera demand, gaps and cameras."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from models.arrays import FloatArray
from models.forecast.risk import (
    EXPECTED,
    FORECAST_EXPECTED,
    FORECAST_TIMES_THANA_MEAN,
    TIMES_THANA_MEAN,
    forecast_why,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemandForecast:
    """Next period's risk per cell, as camera placement and gap analysis use it.

    Attributes
    ----------
    cells : geopandas.GeoDataFrame
        :func:`models.forecast.risk.next_period` output (any CRS): cell polygons with
        :data:`~models.forecast.risk.EXPECTED` and :data:`~models.forecast.risk.TIMES_THANA_MEAN`.
    horizon_days : float
        The period forecast, in days (7: "next week").
    weigh : bool
        Whether incident and hotspot-cell demand is weighted by the forecast (False: the
        forecast only speaks in each "why", e.g. when it does not beat naive).
    note : str
        Text appended to each forecast "why" (e.g. " (last-period counts)").
    """

    cells: gpd.GeoDataFrame
    horizon_days: float = 7.0
    weigh: bool = True
    note: str = ""


def forecast_at(
    xy: FloatArray, crs: str, forecast: DemandForecast
) -> tuple[FloatArray, FloatArray]:
    """Return the expected incidents of the cell holding each point, and × its thana's average.

    Parameters
    ----------
    xy : numpy.ndarray
        Points (n × 2) in the metric ``crs``.
    crs : str
    forecast : DemandForecast

    Returns
    -------
    expected, times_mean : numpy.ndarray
        0 for a point in no forecast cell.
    """
    expected = np.zeros(len(xy))
    times = np.zeros(len(xy))
    cells = forecast.cells
    if not len(xy) or cells.empty:
        return expected, times
    polygons = cells.to_crs(crs).geometry.to_numpy()
    tree = shapely.STRtree(polygons)
    point_i, cell_i = tree.query(shapely.points(xy), predicate="intersects")
    first = np.unique(point_i, return_index=True)[1]  # a point on a border: its first cell
    point_i, cell_i = point_i[first], cell_i[first]
    expected[point_i] = cells[EXPECTED].to_numpy(dtype=float)[cell_i]
    times[point_i] = cells[TIMES_THANA_MEAN].to_numpy(dtype=float)[cell_i]
    return expected, times


def forecast_weights(weight: FloatArray, expected: FloatArray) -> FloatArray:
    """Return demand weights in proportion to the forecast, their total unchanged.

    Each weight is multiplied by its point's expected incidents over their mean, so demand
    moves toward the cells the forecast expects most without outweighing sites (a forecast of
    zero everywhere keeps the weights).

    Examples
    --------
    >>> forecast_weights(np.array([1.0, 1.0]), np.array([3.0, 1.0])).tolist()
    [1.5, 0.5]
    """
    mean = float(expected.mean()) if len(expected) else 0.0
    if mean <= 0:
        return weight
    return np.asarray(weight * expected / mean, dtype=np.float64)


def with_forecast_why(
    frame: gpd.GeoDataFrame, forecast: DemandForecast, why: str, crs: str
) -> gpd.GeoDataFrame:
    """Return point rows (sites, cameras) with their cell's forecast added and in ``why``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Points with a ``why`` column.
    forecast : DemandForecast
    why : str
        Name of the ``why`` column.
    crs : str
        A metric CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with :data:`~models.forecast.risk.FORECAST_EXPECTED`,
        :data:`~models.forecast.risk.FORECAST_TIMES_THANA_MEAN` and the forecast's sentence
        at the end of ``why``.
    """
    out = frame.copy()
    if out.empty:
        out[FORECAST_EXPECTED] = np.zeros(0)
        out[FORECAST_TIMES_THANA_MEAN] = np.zeros(0)
        return out
    pts = out.to_crs(crs).geometry
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    expected, times = forecast_at(xy, crs, forecast)
    out[FORECAST_EXPECTED] = np.round(expected, 3)
    out[FORECAST_TIMES_THANA_MEAN] = np.round(times, 3)
    out[why] = [
        f"{w}; {forecast_why(e, t, forecast.horizon_days)}{forecast.note}"
        for w, e, t in zip(out[why], expected, times, strict=True)
    ]
    return out
