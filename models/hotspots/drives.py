"""Campaign clusters: where awareness drives concentrate, and the incident load around them."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS

from geo.crs import WGS84, metric_coordinates, metric_crs_for
from geo.schema import HELD_ON
from models.checks import check_metres
from models.hotspots.columns import AREA_KM2, DEFAULT_BUFFER_M, WIDTH_M, Method
from models.hotspots.dbscan import dbscan_xy
from models.hotspots.density import HotspotParamsChoice, geometry_widths_m, split_wide

logger = logging.getLogger(__name__)

#: Index name of the drive-cluster table.
DRIVE_CLUSTER_ID: Final = "drive_cluster_id"
#: Drives in the cluster, and the first and last drive's day.
DRIVES: Final = "drives"
FIRST_DRIVE: Final = "first_drive"
LAST_DRIVE: Final = "last_drive"
#: Incidents of the selection within the radius of the cluster polygon (its incident load).
INCIDENTS_NEARBY: Final = "incidents_nearby"
#: Ids of the incident hotspots within the radius of the cluster polygon.
HOTSPOTS_NEARBY: Final = "hotspots_nearby"
#: On incident hotspots: ids of the drive clusters within the radius of the hotspot polygon.
DRIVE_CLUSTERS: Final = "drive_clusters"
#: Every column of :func:`drive_clusters` after :func:`link_drive_clusters` (plus geometry).
DRIVE_CLUSTER_COLUMNS: Final = (
    DRIVES, FIRST_DRIVE, LAST_DRIVE, AREA_KM2, WIDTH_M, INCIDENTS_NEARBY, HOTSPOTS_NEARBY,
)  # fmt: skip
#: Default distance within which a drive cluster "covers" a hotspot (as for recent drives).
DEFAULT_COVER_M: Final = 500.0


def drive_clusters(
    campaigns: gpd.GeoDataFrame,
    choice: HotspotParamsChoice,
    *,
    metric_crs: str | None = None,
    method: Method = "auto",
    buffer_m: float = DEFAULT_BUFFER_M,
) -> gpd.GeoDataFrame:
    """Cluster awareness drives with the hotspots' rules (DBSCAN, split to patrol size).

    Parameters
    ----------
    campaigns : geopandas.GeoDataFrame
        Drive points with ``held_on`` (any CRS).
    choice : models.hotspots.density.HotspotParamsChoice
        The parameters (chosen from the drives' own density by the use case) and the cap.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.
    method : {"auto", "grid", "sklearn"}
    buffer_m : float
        Buffer around each cluster's convex hull.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, index :data:`DRIVE_CLUSTER_ID` (0..k-1 by the smallest (x, y) of their
        core drives), columns :data:`DRIVES`, :data:`FIRST_DRIVE`, :data:`LAST_DRIVE`,
        :data:`AREA_KM2`, :data:`WIDTH_M`; no drive-level value.
    """
    buffer = check_metres(buffer_m, "buffer_m")
    empty = gpd.GeoDataFrame(
        {c: pd.Series([], dtype=object) for c in DRIVE_CLUSTER_COLUMNS[:5]},
        geometry=gpd.GeoSeries([], crs=WGS84),
        crs=WGS84,
    ).rename_axis(DRIVE_CLUSTER_ID)
    if len(campaigns) == 0:
        return empty
    xy, crs = metric_coordinates(campaigns, metric_crs, what="campaigns")
    eps, ms = choice.eps_m, choice.min_samples
    labels = dbscan_xy(xy, eps_m=eps, min_samples=ms, method=method).labels
    if choice.max_width_m is not None:
        limit = choice.max_width_m - 2 * buffer
        labels = split_wide(xy, labels, eps_m=eps, min_samples=ms, max_width_m=limit, method=method)
    k = int(labels.max()) + 1
    if k == 0:
        return empty
    held = (
        pd.to_datetime(campaigns[HELD_ON], errors="coerce").dt.strftime("%Y-%m-%d")
        if HELD_ON in campaigns
        else pd.Series([None] * len(campaigns), dtype=object)
    ).to_numpy(dtype=object)
    polys: list[object] = []
    first: list[str | None] = []
    last: list[str | None] = []
    for j in range(k):
        members = labels == j
        hull = shapely.convex_hull(shapely.multipoints(xy[members]))
        polys.append(shapely.buffer(hull, buffer))
        days = sorted(str(d) for d in held[members] if isinstance(d, str))
        first.append(days[0] if days else None)
        last.append(days[-1] if days else None)
    geoms = np.asarray(polys, dtype=object)
    out = gpd.GeoDataFrame(
        {
            DRIVES: np.bincount(labels[labels >= 0], minlength=k).astype(np.int64),
            FIRST_DRIVE: first,
            LAST_DRIVE: last,
            AREA_KM2: np.asarray(shapely.area(geoms), dtype=np.float64) / 1e6,
            WIDTH_M: geometry_widths_m(geoms),
        },
        geometry=gpd.GeoSeries(geoms, crs=crs),
        index=pd.RangeIndex(k, name=DRIVE_CLUSTER_ID),
    )
    logger.info("%d drive clusters from %d drives (eps=%g m, min=%d)", k, len(xy), eps, ms)
    return out.to_crs(WGS84)


def link_drive_clusters(
    hotspots: gpd.GeoDataFrame,
    clusters: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    radius_m: float = DEFAULT_COVER_M,
    metric_crs: str | None = None,
    load: npt.NDArray[np.int64] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Say which drive clusters cover each hotspot, and the incident load around each cluster.

    Parameters
    ----------
    hotspots : geopandas.GeoDataFrame
        Incident hotspots (:func:`models.hotspots.find_hotspots`), not modified.
    clusters : geopandas.GeoDataFrame
        :func:`drive_clusters` output, not modified.
    incidents : geopandas.GeoDataFrame
        The selected incidents (their count near each cluster).
    radius_m : float
        A drive cluster covers a hotspot whose polygon is within this distance of its own.
    metric_crs : str, optional
    load : numpy.ndarray, optional
        :func:`incident_load` of these clusters and incidents with the same ``radius_m`` and
        ``metric_crs``, when it was counted already (it needs no hotspot, so the use case
        counts it while the hotspots are found); by default it is counted here.

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        The hotspots with :data:`DRIVE_CLUSTERS` (list of drive-cluster ids) and the clusters
        with :data:`INCIDENTS_NEARBY` and :data:`HOTSPOTS_NEARBY` (list of hotspot ids).
    """
    r = check_metres(radius_m, "radius_m", allow_low=True)
    spots, drives = hotspots.copy(), clusters.copy()
    spots[DRIVE_CLUSTERS] = pd.Series([[] for _ in range(len(spots))], index=spots.index)
    drives[HOTSPOTS_NEARBY] = pd.Series([[] for _ in range(len(drives))], index=drives.index)
    drives[INCIDENTS_NEARBY] = np.zeros(len(drives), dtype=np.int64)
    if len(drives) == 0:
        return spots, drives
    crs = metric_crs_for(drives, metric_crs)
    polys = drives.geometry.to_crs(crs).to_numpy()
    tree = shapely.STRtree(polys)
    if len(incidents):
        if load is None:
            load = _load_near(polys, incidents, crs, r)
        drives[INCIDENTS_NEARBY] = np.asarray(load, dtype=np.int64)
    if len(spots):
        s_idx, d_idx = tree.query(spots.geometry.to_crs(crs).to_numpy(), "dwithin", distance=r)
        spot_ids, drive_ids = spots.index.to_numpy(), drives.index.to_numpy()
        for s, d in sorted(zip(s_idx.tolist(), d_idx.tolist(), strict=True)):
            spots[DRIVE_CLUSTERS].iat[s].append(int(drive_ids[d]))
            drives[HOTSPOTS_NEARBY].iat[d].append(int(spot_ids[s]))
    return spots, drives


def incident_load(
    clusters: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    radius_m: float = DEFAULT_COVER_M,
    metric_crs: str | None = None,
) -> npt.NDArray[np.int64]:
    """Return the incidents within ``radius_m`` of each drive cluster (:data:`INCIDENTS_NEARBY`).

    What :func:`link_drive_clusters` reports, counted without the hotspots.

    Parameters
    ----------
    clusters : geopandas.GeoDataFrame
        :func:`drive_clusters` output.
    incidents : geopandas.GeoDataFrame
    radius_m : float
    metric_crs : str, optional

    Returns
    -------
    numpy.ndarray
        One count per cluster, in their order.
    """
    r = check_metres(radius_m, "radius_m", allow_low=True)
    if len(clusters) == 0 or len(incidents) == 0:
        return np.zeros(len(clusters), dtype=np.int64)
    crs = metric_crs_for(clusters, metric_crs)
    return _load_near(clusters.geometry.to_crs(crs).to_numpy(), incidents, crs, r)


def _load_near(
    polys: npt.NDArray[np.object_], incidents: gpd.GeoDataFrame, crs: CRS, radius_m: float
) -> npt.NDArray[np.int64]:
    """Count the incidents within ``radius_m`` of each metric polygon (:func:`points_within`)."""
    xy = metric_coordinates(incidents, crs.to_string())[0]
    return points_within(xy, polys, radius_m)


#: :func:`points_within` decides without GEOS ``dwithin`` the points inside the polygon
#: buffered by (1 - SURE_MARGIN) × the radius (near) or outside it buffered by (1 + SURE_MARGIN)
#: × the radius (far). GEOS buffers are within 1 % of their distance (arcs by chords, and the
#: input simplified by 1 % of it), so 5 % leaves every doubtful point to ``dwithin``.
SURE_MARGIN: Final = 0.05
#: Fewest points for which :func:`points_within` counts polygons in threads.
_PARALLEL_POINTS_MIN = 50_000


def points_within(
    xy: npt.NDArray[np.float64], polys: npt.NDArray[np.object_], radius_m: float
) -> npt.NDArray[np.int64]:
    """Count, for each polygon, the points within ``radius_m`` of it (GEOS ``dwithin``, exact).

    The same counts as ``STRtree(polys).query(points, "dwithin", radius_m)`` without making a
    shapely point per incident (at 1M incidents that and the query take seconds). Hand-written
    because no library counts points near polygons from coordinate arrays. Polygon by polygon:
    only the points in its bounding box grown by the radius can be near it (binary search on
    the points sorted by x); a point inside the polygon buffered a margin less than the radius
    is near and one outside it buffered a margin more is not (``shapely.contains_xy`` and
    ``intersects_xy`` on the coordinates); GEOS ``dwithin`` decides the thin band between.
    """
    counts = np.zeros(len(polys), dtype=np.int64)
    if len(xy) == 0:
        return counts
    grow = radius_m + 1e-6 * max(1.0, radius_m)
    order = np.argsort(xy[:, 0])  # any order of equal x: the counts are of sets
    xs, ys = xy[order, 0], xy[order, 1]

    def count(j: int) -> None:
        poly = polys[j]
        if poly is None or shapely.is_empty(poly):
            return
        x0, y0, x1, y1 = shapely.bounds(poly).tolist()
        lo = int(np.searchsorted(xs, x0 - grow, side="left"))
        hi = int(np.searchsorted(xs, x1 + grow, side="right"))
        box = (ys[lo:hi] >= y0 - grow) & (ys[lo:hi] <= y1 + grow)
        px, py = xs[lo:hi][box], ys[lo:hi][box]
        sure = np.zeros(len(px), dtype=bool)
        if shapely.is_valid(poly):
            inner = shapely.buffer(poly, radius_m * (1 - SURE_MARGIN) - 1e-3)
            outer = shapely.buffer(poly, radius_m * (1 + SURE_MARGIN) + 1e-3)
            shapely.prepare(inner)
            shapely.prepare(outer)
            sure = shapely.contains_xy(inner, px, py)
            maybe = ~sure
            maybe[maybe] = shapely.intersects_xy(outer, px[maybe], py[maybe])
            px, py = px[maybe], py[maybe]
        near = shapely.dwithin(shapely.points(px, py), poly, radius_m)
        counts[j] = int(np.count_nonzero(sure)) + int(np.count_nonzero(near))

    # GEOS releases the GIL: polygons in threads when the points are many (each count is the
    # same whichever thread makes it)
    workers = min(os.cpu_count() or 1, 4) if len(xy) >= _PARALLEL_POINTS_MIN else 1
    if workers < 2 or len(polys) < 2:
        for j in range(len(polys)):
            count(j)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(count, range(len(polys))))
    return counts
