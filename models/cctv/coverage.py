"""Camera coverage of sensitive sites: who sees what, site extents, and a coverage summary."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.crs import metric_coordinates, metric_crs_for
from geo.schema import KIND
from models.arrays import BoolArray, FloatArray, IntArray
from models.cctv.columns import (
    COVERED,
    DEFAULT_VIEW_RADIUS_M,
    SITE_EXTENT_M,
)
from models.cctv.registry import clean_registry
from models.checks import check_metres

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- coverage


def covering_pairs(
    target_xy: FloatArray,
    camera_xy: FloatArray,
    radius_m: FloatArray,
    extent_m: FloatArray | float = 0.0,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Return every (target, camera) pair where the camera's view reaches the target.

    A camera ``j`` reaches target ``i`` when ``distance ≤ radius_m[j] + extent_m[i]``.

    Parameters
    ----------
    target_xy, camera_xy : numpy.ndarray
        ``(n, 2)`` and ``(m, 2)`` metric coordinates.
    radius_m : numpy.ndarray
        ``(m,)`` view radius of each camera.
    extent_m : numpy.ndarray or float
        ``(n,)`` extent of each target (or one value).

    Returns
    -------
    target, camera : numpy.ndarray of int64
    distance_m : numpy.ndarray of float64
    """
    n, m = len(target_xy), len(camera_xy)
    extent = np.broadcast_to(np.asarray(extent_m, dtype=float), (n,))
    if n == 0 or m == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), np.empty(0)
    reach = np.asarray(radius_m, dtype=float) + float(extent.max())
    hits = cKDTree(target_xy).query_ball_point(camera_xy, r=reach)
    lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=m)
    cam = np.repeat(np.arange(m, dtype=np.int64), lengths)
    tgt = (
        np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
        if lengths.sum()
        else np.empty(0, dtype=np.int64)
    )
    dist = np.hypot(*(target_xy[tgt] - camera_xy[cam]).T) if len(tgt) else np.empty(0)
    keep = dist <= np.asarray(radius_m, dtype=float)[cam] + extent[tgt] + 1e-9
    return tgt[keep], cam[keep], dist[keep]


def nearest_camera(
    target_xy: FloatArray, camera_xy: FloatArray, mask: BoolArray
) -> tuple[FloatArray, IntArray]:
    """Return the distance to and index of the nearest camera in ``mask`` (inf / -1 without)."""
    dist = np.full(len(target_xy), np.inf)
    idx = np.full(len(target_xy), -1, dtype=np.int64)
    chosen = np.flatnonzero(mask)
    if len(target_xy) and chosen.size:
        d, j = cKDTree(camera_xy[chosen]).query(target_xy, k=1)
        dist, idx = np.asarray(d, dtype=float), chosen[np.asarray(j, dtype=np.int64)]
    return dist, idx


def site_extents(
    sites: gpd.GeoDataFrame, extent_m: Mapping[str, float] | None = None
) -> FloatArray:
    """Return each site's extent in metres from its kind (:data:`SITE_EXTENT_M` by default).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
    extent_m : mapping, optional
        Extent by site kind; kinds not listed get 0.

    Returns
    -------
    numpy.ndarray
    """
    table = SITE_EXTENT_M if extent_m is None else extent_m
    for kind, value in table.items():
        check_metres(value, f"site extent of {kind!r}", allow_low=True, example=50.0)
    if KIND not in sites.columns:
        return np.zeros(len(sites))
    kinds = sites[KIND].astype("string").fillna("")
    return np.asarray([float(table.get(str(k), 0.0)) for k in kinds], dtype=float)


def site_coverage(
    sites: gpd.GeoDataFrame,
    cctv: gpd.GeoDataFrame | None,
    *,
    metric_crs: str | None = None,
    site_extent_m: Mapping[str, float] | None = None,
    default_radius_m: float = DEFAULT_VIEW_RADIUS_M,
) -> pd.Series:
    """Return whether each site lies within the view of a working camera.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site points, any CRS.
    cctv : geopandas.GeoDataFrame, optional
        Cameras (cleaned with :func:`clean_registry`).
    metric_crs : str, optional
    site_extent_m : mapping, optional
        Extent of a site by kind (default :data:`SITE_EXTENT_M`).
    default_radius_m : float
        View radius of cameras without one.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``sites``, named :data:`COVERED`.
    """
    covered = np.zeros(len(sites), dtype=bool)
    if cctv is not None and len(cctv) and len(sites):
        crs = metric_crs_for(sites, metric_crs).to_string()
        reg = clean_registry(cctv, metric_crs=crs, default_radius_m=default_radius_m)
        sxy, _ = metric_coordinates(sites, crs, what="sites")
        ok = reg.working
        tgt, _, _ = covering_pairs(
            sxy, reg.xy[ok], reg.radius_m[ok], site_extents(sites, site_extent_m)
        )
        covered[tgt] = True
    return pd.Series(covered, index=sites.index, name=COVERED)


@dataclass(frozen=True)
class CoverageSummary:
    """How many sites a working camera sees.

    Attributes
    ----------
    sites : int
    covered : int
        Sites within the view of at least one working camera.
    cameras : int
        Cameras after merging duplicate register rows.
    working : int
    """

    sites: int
    covered: int
    cameras: int
    working: int

    @property
    def uncovered(self) -> int:
        """Return the number of sites no working camera sees."""
        return self.sites - self.covered


def coverage_summary(
    sites: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    *,
    metric_crs: str | None = None,
    site_extent_m: Mapping[str, float] | None = None,
) -> CoverageSummary:
    """Return how many sites a working camera sees (the numbers the CCTV map shows).

    Parameters
    ----------
    sites, cctv : geopandas.GeoDataFrame, optional
    metric_crs : str, optional
    site_extent_m : mapping, optional

    Returns
    -------
    CoverageSummary
    """
    reg = clean_registry(cctv, metric_crs=metric_crs) if cctv is not None and len(cctv) else None
    cameras = 0 if reg is None else int(reg.counts["cameras"])
    working = 0 if reg is None else int(reg.counts["working"])
    if sites is None or sites.empty:
        return CoverageSummary(0, 0, cameras, working)
    covered = site_coverage(sites, cctv, metric_crs=metric_crs, site_extent_m=site_extent_m)
    return CoverageSummary(len(sites), int(covered.sum()), cameras, working)
