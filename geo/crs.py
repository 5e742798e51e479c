"""The CRS policy: data in and out in EPSG:4326, metric work in one projected CRS per deployment."""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Final, TypeAlias, TypeVar, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer

from geo.errors import ParameterError, SettingsError

logger = logging.getLogger(__name__)

#: The CRS every layer enters and leaves the system in.
WGS84 = "EPSG:4326"

GeoT = TypeVar("GeoT", gpd.GeoDataFrame, gpd.GeoSeries)
FloatArray: TypeAlias = npt.NDArray[np.float64]
Points: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries


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
    geoms = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    xy = projected_points(geoms, crs)
    if xy is None:
        return data.to_crs(crs)
    target = CRS.from_user_input(crs)
    moved = gpd.GeoSeries(shapely.points(xy), index=geoms.index, crs=target, name=geoms.name)
    if isinstance(data, gpd.GeoSeries):
        return cast(GeoT, moved)
    out = data.copy()
    out[geoms.name] = moved
    return cast(GeoT, out)


def projected_points(geoms: gpd.GeoSeries, crs: CRS | str) -> FloatArray | None:
    """Return the ``(n, 2)`` coordinates of 2D points projected to ``crs`` (``None``: not points).

    The values ``GeoSeries.to_crs(crs)`` gives (the same pyproj transform, ``always_xy``), from
    the coordinate arrays: no geometry is copied and the work is split over threads, several
    times faster than ``to_crs`` for 100k points. ``None`` when the series is empty, has no CRS
    or holds anything but non-empty 2D points; the caller then uses ``to_crs``.
    """
    arr = np.asarray(geoms.to_numpy(), dtype=object)
    if len(arr) == 0 or geoms.crs is None:
        return None
    if not (shapely.get_type_id(arr) == 0).all() or shapely.has_z(arr).any():
        return None
    coords = shapely.get_coordinates(arr)
    if len(coords) != len(arr):  # empty points
        return None
    source, target = CRS.from_user_input(geoms.crs), CRS.from_user_input(crs)
    if source.is_exact_same(target):  # GeoSeries.to_crs does not transform either
        return np.array(coords, dtype=np.float64, order="C")
    return _project(coords, source, target)


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


def point_series(points: Points, what: str = "points") -> gpd.GeoSeries:
    """Return the geometry column of a layer (a GeoSeries is returned as it is).

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
    what : str
        Name of the layer, for error messages.

    Returns
    -------
    geopandas.GeoSeries
    """
    if isinstance(points, gpd.GeoDataFrame):
        return points.geometry
    if isinstance(points, gpd.GeoSeries):
        return points
    raise ParameterError(
        f"{what} must be a GeoDataFrame or GeoSeries, got {type(points).__name__}",
        fix="load the layer with geo.store or build a GeoDataFrame with a CRS",
    )


@functools.lru_cache(maxsize=64)
def _metric_crs_for_bounds(west: float, south: float, east: float, north: float) -> CRS:
    """Return :func:`geo.crs.metric_crs_for` of data with these EPSG:4326 bounds.

    ``metric_crs_for`` looks only at the total bounds in EPSG:4326, and two corner points have
    exactly the bounds of the data: this is its answer without reprojecting every point. Cached,
    because the UTM look-up queries the PROJ database (about 0.1 s a call).
    """
    corners = gpd.GeoSeries(shapely.points([[west, south], [east, north]]), crs=WGS84)
    return metric_crs_for(corners)


#: Above this many points, :func:`_project` splits the work over threads.
_PARALLEL_PROJECT_MIN: Final = 200_000


@functools.lru_cache(maxsize=32)
def transformer(source: CRS, target: CRS) -> Transformer:
    """Return the (cached) ``always_xy`` transformer from ``source`` to ``target``.

    Building one searches the PROJ database for the operation (30-45 ms, a third of clustering
    100k points); the same operation is reused. Safe in threads: pyproj (>= 3.1) gives every
    thread its own PROJ object, made on the thread's first use.
    """
    return Transformer.from_crs(source, target, always_xy=True)


@functools.cache
def _project_pool() -> ThreadPoolExecutor:
    """Return the threads :func:`_project` uses; kept, so each builds its PROJ object once."""
    return ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 8), thread_name_prefix="proj")


if hasattr(os, "register_at_fork"):  # a forked child has none of the threads, and its own PROJ
    os.register_at_fork(after_in_child=_project_pool.cache_clear)
    os.register_at_fork(after_in_child=transformer.cache_clear)


def _project(coords: FloatArray, source: CRS, target: CRS) -> FloatArray:
    """Project ``(n, 2)`` coordinates, in threads for large arrays.

    pyproj releases the GIL while PROJ transforms, so chunks projected by one ``Transformer``
    (a PROJ object per thread) run in parallel: about 1.7x faster for 1M points on 2 cores.
    Hand-written because pyproj has no parallel transform of its own. Each chunk is projected
    in place in contiguous copies of its columns (pyproj copies strided input).
    """
    n = len(coords)
    out = np.empty((n, 2), dtype=np.float64)
    tr = transformer(source, target)
    workers = min(os.cpu_count() or 1, 8)

    def run(lo: int, hi: int) -> None:
        x = coords[lo:hi, 0].copy()  # never the caller's array: projected in place
        y = coords[lo:hi, 1].copy()
        tr.transform(x, y, inplace=True)
        out[lo:hi, 0] = x
        out[lo:hi, 1] = y

    if n < _PARALLEL_PROJECT_MIN or workers < 2:
        run(0, n)
        return out
    bounds = np.linspace(0, n, workers + 1).astype(int)
    list(_project_pool().map(run, bounds[:-1], bounds[1:]))
    return out


#: Degrees added around the lon/lat bounds of a projected layer's box before trusting its zone.
_ZONE_MARGIN_DEG: Final = 0.05


def _utm_of_projected(coords: FloatArray, source: object) -> CRS | None:
    """Return the UTM zone of points in a projected CRS without unprojecting each point.

    :func:`metric_crs_for` picks the zone of the centre of the points' lon/lat bounds. Those
    bounds lie inside the lon/lat bounds of the points' projected box (densified edges, plus a
    margin); when that box lies in one zone and one hemisphere, so does the centre, and the
    answer is the same as from every point. Otherwise (or for a geographic CRS) ``None``: the
    caller unprojects every point. Points already in their metric CRS are then not projected at
    all (about 0.16 s for 1M points).
    """
    if source is None or len(coords) == 0:
        return None
    crs = CRS.from_user_input(source)
    if not crs.is_projected or not np.isfinite(coords).all():
        return None
    (xmin, ymin), (xmax, ymax) = coords.min(axis=0), coords.max(axis=0)
    try:
        to_lonlat = Transformer.from_crs(crs, WGS84, always_xy=True)
        w, s, e, n = to_lonlat.transform_bounds(xmin, ymin, xmax, ymax, densify_pts=21)
    except Exception:  # pyproj raises ProjError (an Exception) outside the CRS's area
        return None
    w, s, e, n = (
        w - _ZONE_MARGIN_DEG,
        s - _ZONE_MARGIN_DEG,
        e + _ZONE_MARGIN_DEG,
        n + _ZONE_MARGIN_DEG,
    )
    if not (math.isfinite(w + s + e + n) and -180 < w <= e < 180 and -80 <= s <= n <= 84):
        return None
    if (w + 180.0) // 6.0 != (e + 180.0) // 6.0 or (s < 0) != (n < 0):
        return None
    return utm_crs_for((w + e) / 2, (s + n) / 2)


def metric_coordinates(
    points: Points, metric_crs: str | None = None, *, what: str = "points"
) -> tuple[FloatArray, CRS]:
    """Return the ``(n, 2)`` coordinates of point geometries in metres, and the metric CRS.

    The CRS is :func:`geo.crs.metric_crs_for` of the points (the configured one, else the UTM
    zone of their centre). Coordinates are read with ``shapely.get_coordinates`` and projected
    with one pyproj transform of the arrays; no geometry or frame is copied.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Point geometries in any CRS (not modified).
    metric_crs : str, optional
        Projected CRS in metres; default: the local UTM zone.
    what : str
        Name of the layer, for error messages.

    Returns
    -------
    xy : numpy.ndarray
        ``float64``, C-contiguous, one row per input row, in row order.
    crs : pyproj.CRS

    Raises
    ------
    ParameterError
        When a geometry is missing, empty or not a Point.
    SettingsError
        When the layer has no CRS or ``metric_crs`` is not a projected CRS in metres.
    """
    geoms = point_series(points, what)
    arr = geoms.to_numpy()
    n = len(arr)
    type_ids = shapely.get_type_id(arr)
    not_points = int(np.count_nonzero(type_ids != 0))
    if not_points:
        missing = int(np.count_nonzero(type_ids < 0))
        raise ParameterError(
            f"{not_points} of the {n} {what} geometries are not points ({missing} missing)",
            why="clustering works on point locations",
            fix="drop rows without geometry, or use the centroids of other shapes",
        )
    coords = shapely.get_coordinates(arr)
    if len(coords) != n:
        raise ParameterError(
            f"{n - len(coords)} of the {n} {what} geometries are empty points",
            fix="drop rows whose geometry is an empty point",
        )
    if n == 0:  # no position to pick a UTM zone from; the CRS returned is nominal
        nominal = metric_crs or geoms.crs or WGS84
        return np.empty((0, 2), dtype=np.float64), CRS.from_user_input(nominal)
    quick = None if metric_crs is not None else _utm_of_projected(coords, geoms.crs)
    if quick is not None:
        crs = quick
    elif geoms.crs is None or metric_crs is not None:
        crs = metric_crs_for(geoms, metric_crs)  # raises for a missing CRS
    else:
        source = CRS.from_user_input(geoms.crs)
        lonlat = coords
        if not source.equals(CRS.from_user_input(WGS84)):
            to_lonlat = Transformer.from_crs(source, WGS84, always_xy=True)
            lonlat = np.column_stack(to_lonlat.transform(coords[:, 0], coords[:, 1]))
        # per column: numpy reduces an (n, 2) array along axis 0 several times slower
        west, east = np.nanmin(lonlat[:, 0]), np.nanmax(lonlat[:, 0])
        south, north = np.nanmin(lonlat[:, 1]), np.nanmax(lonlat[:, 1])
        crs = _metric_crs_for_bounds(float(west), float(south), float(east), float(north))
    source = CRS.from_user_input(geoms.crs)
    if source.equals(crs):
        xy = np.array(coords, dtype=np.float64, order="C")
    else:
        xy = _project(coords, source, crs)
    if not np.all(np.isfinite(xy)):
        bad = int(np.count_nonzero(~np.isfinite(xy).all(axis=1)))
        raise ParameterError(
            f"{bad} {what} points have no finite position in {crs.to_string()}",
            why="their coordinates are NaN/inf or outside the area of the CRS",
            fix="check the layer's CRS (lon/lat must be EPSG:4326) and drop broken rows",
        )
    return xy, crs


def metric_crs_for_lonlat(
    lonlat: Sequence[tuple[float, float]], configured: str | None = None
) -> CRS:
    """Return the metric CRS for lon/lat positions: the configured one, else their UTM zone.

    Parameters
    ----------
    lonlat : sequence of (float, float)
        Positions in EPSG:4326 degrees; the UTM zone of their bounds' centre is used.
    configured : str, optional
        An explicit CRS (the region's ``metric_crs`` setting); it wins when given.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    SettingsError
        When neither a CRS nor a position is given: there is nothing to choose a zone from.
    """
    if configured is not None:
        return resolve_metric_crs(configured, (0.0, 0.0))
    arr = np.asarray(list(lonlat), dtype=np.float64).reshape(-1, 2)
    if len(arr) == 0:
        raise SettingsError(
            "cannot pick a metric CRS: no metric CRS is configured and there is no position",
            why="the projected CRS in metres is the region's (or the UTM zone of the data)",
            fix="set SHAKTI_METRIC_CRS (e.g. 'EPSG:32644') or pass metric_crs explicitly",
        )
    west, south = np.nanmin(arr, axis=0)
    east, north = np.nanmax(arr, axis=0)
    return resolve_metric_crs(None, ((west + east) / 2, (south + north) / 2))
