"""The CRS policy: data in and out in EPSG:4326, metric work in one projected CRS per deployment."""

from __future__ import annotations

import functools
import logging
import math
from typing import TypeVar

import geopandas as gpd
import numpy as np
from pyproj import CRS

from geo.errors import SettingsError

logger = logging.getLogger(__name__)

#: The CRS every layer enters and leaves the system in.
WGS84 = "EPSG:4326"

GeoT = TypeVar("GeoT", gpd.GeoDataFrame, gpd.GeoSeries)


def utm_crs_for(lon: float, lat: float) -> CRS:
    """Return the WGS 84 / UTM zone CRS that contains a lon/lat point.

    Parameters
    ----------
    lon, lat : float
        A point in degrees, typically the centre of the region.

    Returns
    -------
    pyproj.CRS
        For example EPSG:32644 (UTM 44N) for Varanasi or Lucknow.

    Examples
    --------
    >>> utm_crs_for(83.0, 25.3).to_epsg()
    32644
    """
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -80 <= lat <= 84):
        raise SettingsError(
            f"no UTM zone found for lon={lon}, lat={lat}",
            why="the region centre must be a real lon/lat position inside the UTM latitudes",
            fix="check that SHAKTI_REGION is in lon/lat order (W,S,E,N)",
        )
    # The standard 6-degree zones (EPSG 326xx north, 327xx south). Computed rather than looked
    # up with pyproj.database.query_utm_crs_info, which scans the EPSG database (~0.1 s a call).
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return _epsg(32600 + zone if lat >= 0 else 32700 + zone)


@functools.cache
def _epsg(code: int) -> CRS:
    return CRS.from_epsg(code)


def resolve_metric_crs(configured: str | None, centre: tuple[float, float]) -> CRS:
    """Return the projected CRS to use for metric work.

    Parameters
    ----------
    configured : str or None
        The ``metric_crs`` setting; ``None`` means "pick the local UTM zone".
    centre : tuple of float
        ``(lon, lat)`` of the region centre, used when ``configured`` is ``None``.

    Returns
    -------
    pyproj.CRS
        A projected CRS whose axis unit is the metre.
    """
    if configured is None:
        crs = utm_crs_for(*centre)
        logger.info("metric CRS picked automatically: %s", crs.to_string())
        return crs
    try:
        crs = CRS.from_user_input(configured)
    except Exception as exc:  # pyproj raises CRSError, a subclass of Exception
        raise SettingsError(
            f"metric CRS {configured!r} is not a known CRS",
            fix="set SHAKTI_METRIC_CRS to an EPSG code such as 'EPSG:32644', or unset it",
        ) from exc
    if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise SettingsError(
            f"metric CRS {configured!r} is not a projected CRS in metres",
            why="distances such as eps_m and radius_m are measured in metres",
            fix="use a UTM zone (e.g. 'EPSG:32644') or unset SHAKTI_METRIC_CRS",
        )
    return crs


def to_wgs84(data: GeoT) -> GeoT:
    """Return ``data`` in EPSG:4326 (a copy; the input is not changed).

    Parameters
    ----------
    data : GeoDataFrame or GeoSeries
        Any layer with a CRS set.

    Returns
    -------
    GeoDataFrame or GeoSeries
        The same rows, same index, in EPSG:4326.
    """
    if data.crs is None:
        raise SettingsError(
            "the layer has no CRS",
            why="coordinates without a CRS cannot be placed on the map",
            fix="set one with .set_crs('EPSG:4326') if they are lon/lat degrees",
        )
    return data.to_crs(WGS84)


def to_metric(data: GeoT, crs: CRS | str) -> GeoT:
    """Return ``data`` projected to the metric CRS (a copy; the input is not changed).

    Parameters
    ----------
    data : GeoDataFrame or GeoSeries
        Any layer with a CRS set.
    crs : pyproj.CRS or str
        The deployment's metric CRS (see :func:`geo.region.RegionContext.metric_crs`).

    Returns
    -------
    GeoDataFrame or GeoSeries
        The same rows, same index, in metres.
    """
    if data.crs is None:
        raise SettingsError(
            "the layer has no CRS",
            fix="set one with .set_crs('EPSG:4326') if they are lon/lat degrees",
        )
    return data.to_crs(crs)


def metric_crs_for(data: gpd.GeoDataFrame | gpd.GeoSeries, configured: str | None = None) -> CRS:
    """Return the metric CRS for a layer: the configured one, else the UTM zone of its centre.

    This is the one place analytics pick their projected CRS when the caller gives none, so
    Varanasi data lands in EPSG:32644 and, say, the Mesa (Arizona) test points in EPSG:32612.

    Parameters
    ----------
    data : GeoDataFrame or GeoSeries
        A non-empty layer with a CRS.
    configured : str, optional
        An explicit CRS (e.g. ``Region.metric_crs`` or ``SHAKTI_METRIC_CRS``).

    Returns
    -------
    pyproj.CRS
    """
    if data.crs is None:
        raise SettingsError(
            "the layer has no CRS",
            fix="set one with .set_crs('EPSG:4326') if they are lon/lat degrees",
        )
    if configured is not None:
        return resolve_metric_crs(configured, (0.0, 0.0))
    w, s, e, n = data.to_crs(WGS84).total_bounds
    if not np.all(np.isfinite([w, s, e, n])):
        raise SettingsError(
            "cannot pick a metric CRS for an empty layer",
            fix="pass metric_crs explicitly (e.g. 'EPSG:32644')",
        )
    return resolve_metric_crs(None, ((w + e) / 2, (s + n) / 2))
