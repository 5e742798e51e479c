"""Other clusterings of incidents: HDBSCAN, ST-DBSCAN (space and time) and campaigns."""

from __future__ import annotations

import logging
import math

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from geo.crs import metric_coordinates, point_series
from geo.errors import ParameterError
from geo.schema import (
    OCCURRED_AT,
)
from models.arrays import IntArray
from models.checks import check_count
from models.hotspots.columns import (
    NOISE,
    Method,
    Points,
)
from models.hotspots.dbscan import (
    canonical_labels,
    canonical_order,
    check_eps,
    cluster,
    labels_series,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- other clusterings


def cluster_hdbscan(
    points: Points,
    *,
    min_cluster_size: int,
    min_samples: int | None = None,
    cluster_selection_epsilon_m: float = 0.0,
    metric_crs: str | None = None,
) -> pd.Series:
    """Cluster points with HDBSCAN (scikit-learn) in metres.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS (not modified).
    min_cluster_size : int
        Smallest cluster (at least 2).
    min_samples : int, optional
        Density neighbourhood; default ``min_cluster_size``.
    cluster_selection_epsilon_m : float
        Clusters closer than this many metres are merged (0: off).
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.

    Returns
    -------
    pandas.Series
        Labels named :data:`HOTSPOT_ID` aligned to ``points.index``; :data:`NOISE` for noise.
        Clusters are numbered by the smallest (x, y) of their members.
    """
    mcs = check_count(min_cluster_size, "min_cluster_size", low=2)
    ms = mcs if min_samples is None else check_count(min_samples, "min_samples", low=1)
    selection = float(cluster_selection_epsilon_m)
    if not math.isfinite(selection) or selection < 0:
        raise ParameterError(
            f"cluster_selection_epsilon_m must be ≥ 0 metres, got {cluster_selection_epsilon_m!r}",
            fix="pass 0 (off) or a distance in metres",
        )
    geoms = point_series(points)
    if len(geoms) == 0:
        return labels_series(points, np.empty(0, dtype=np.int64))
    xy, _crs = metric_coordinates(geoms, metric_crs)
    labels = np.full(len(xy), NOISE, dtype=np.int64)
    if len(xy) >= max(mcs, ms + 1):
        from sklearn.cluster import HDBSCAN

        model = HDBSCAN(
            min_cluster_size=mcs,
            min_samples=ms,
            cluster_selection_epsilon=selection,
            copy=True,
        ).fit(xy)
        raw = np.asarray(model.labels_, dtype=np.int64)
        raw[raw < 0] = NOISE  # -2 (infinite) and -3 (missing) cannot happen here, but map them
        member = raw >= 0
        if member.any():
            mapping = canonical_order(raw[member], [xy[member, 0], xy[member, 1]])
            labels[member] = mapping[raw[member]]
    return labels_series(points, labels)


def times_ns(values: pd.Series, what: str) -> IntArray:
    """Return times as int64 nanoseconds (UTC for tz-aware values)."""
    try:
        times = pd.to_datetime(values)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"the {what} column cannot be read as date-times",
            fix="give ISO 8601 date-times such as 2026-10-31T18:30",
        ) from exc
    if times.isna().any():
        raise ParameterError(
            f"{int(times.isna().sum())} rows have no {what}",
            fix="drop rows without a time, or fill them",
        )
    if times.dt.tz is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return np.asarray(times.to_numpy(dtype="datetime64[ns]").astype(np.int64), dtype=np.int64)


def cluster_st(
    points: gpd.GeoDataFrame,
    *,
    eps_m: float,
    window: pd.Timedelta | str,
    min_samples: int,
    time_column: str = OCCURRED_AT,
    metric_crs: str | None = None,
) -> pd.Series:
    """Cluster points with ST-DBSCAN: neighbours are within ``eps_m`` AND within ``window``.

    Exact: the spatial neighbourhood graph (``radius_neighbors_graph``) keeps only the edges
    whose times differ by at most ``window``, and scikit-learn's DBSCAN runs on that sparse
    precomputed graph. "Same place, same weeks": two bursts at one place months apart are
    two hotspots.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS with a time column (not modified).
    eps_m : float
        Spatial radius in metres.
    window : pandas.Timedelta or str
        Largest time difference between neighbours, e.g. ``"14D"``.
    min_samples : int
        Neighbours (the point included) that make a point core.
    time_column : str
        Column of date-times.
    metric_crs : str, optional
        As for :func:`cluster`.

    Returns
    -------
    pandas.Series
        Labels named :data:`HOTSPOT_ID` aligned to ``points.index``; :data:`NOISE` for noise.
        Clusters are numbered by the smallest (x, y, time) of their core points; a border
        point joins the cluster of its nearest core neighbour (ties: lowest label).
    """
    eps = check_eps(eps_m)
    ms = check_count(min_samples, "min_samples", low=1)
    try:
        span = pd.Timedelta(window)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"window {window!r} is not a duration", fix="pass e.g. '14D' or pd.Timedelta(days=14)"
        ) from exc
    if pd.isna(span) or span <= pd.Timedelta(0):
        raise ParameterError(f"window must be positive, got {window!r}", fix="pass e.g. '14D'")
    if not isinstance(points, gpd.GeoDataFrame) or time_column not in points.columns:
        raise ParameterError(
            f"the points have no {time_column!r} column",
            fix="pass a GeoDataFrame with a time column, or name it with time_column=",
        )
    if len(points) == 0:
        return labels_series(points, np.empty(0, dtype=np.int64))
    xy, _crs = metric_coordinates(points, metric_crs)
    t = times_ns(points[time_column], time_column)
    from sklearn.cluster import DBSCAN
    from sklearn.neighbors import radius_neighbors_graph, sort_graph_by_row_values

    graph = radius_neighbors_graph(xy, radius=eps, mode="distance", include_self=True)
    graph = sparse.csr_matrix(graph)
    rows = np.repeat(np.arange(len(xy)), np.diff(graph.indptr))
    cols = np.asarray(graph.indices, dtype=np.int64)
    dist = np.asarray(graph.data, dtype=np.float64)
    keep = np.abs(t[rows] - t[cols]) <= span.value
    rows, cols, dist = rows[keep], cols[keep], dist[keep]
    # Explicit zeros (duplicate positions) must stay stored: they are neighbours.
    st_graph = sparse.csr_matrix((dist, (rows, cols)), shape=(len(xy), len(xy)))
    st_graph = sort_graph_by_row_values(st_graph, copy=False, warn_when_not_sorted=False)
    model = DBSCAN(eps=eps, min_samples=ms, metric="precomputed").fit(st_graph)
    raw = np.asarray(model.labels_, dtype=np.int64)
    core = np.zeros(len(xy), dtype=bool)
    core[model.core_sample_indices_] = True
    labels = canonical_labels(xy, raw, core, eps, extra_key=t.astype(np.float64))
    # Border points: nearest core among their space-time neighbours, ties to the lowest label.
    border = ~core & (raw >= 0)
    if border.any():
        pick = border[rows] & core[cols]
        r, c, d = rows[pick], cols[pick], dist[pick]
        order = np.lexsort((labels[c], d, r))
        r, c = r[order], c[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        labels[r[first]] = labels[c[first]]
    return labels_series(points, labels)


def cluster_campaigns(
    campaigns: Points,
    *,
    eps_m: float = 500.0,
    min_samples: int = 3,
    metric_crs: str | None = None,
    method: Method = "auto",
) -> pd.Series:
    """Cluster awareness-campaign locations with :func:`cluster` (where drives concentrate).

    Parameters
    ----------
    campaigns : GeoDataFrame or GeoSeries
        Campaign points in any CRS.
    eps_m, min_samples, metric_crs, method
        As for :func:`cluster`.

    Returns
    -------
    pandas.Series
        Labels aligned to ``campaigns.index``; :data:`NOISE` for isolated drives.
    """
    return cluster(
        campaigns, eps_m=eps_m, min_samples=min_samples, metric_crs=metric_crs, method=method
    )
