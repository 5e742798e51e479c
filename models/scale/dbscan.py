"""Scale-out on Dask: exact DBSCAN in spatial strips with a halo, and the Dask client."""

# How the distributed DBSCAN stays exact
# --------------------------------------
# Points are projected per input partition (``metric_coordinates``, the same arithmetic as
# ``models.hotspots.cluster``) and cut into K strips along the longer axis, with boundaries at
# equal-count positions of a histogram. Strip s owns x in [lo_s, hi_s) and also receives every
# point within a halo h = 2e of it, e = eps (1 + 1e-6). Per strip, the exact grid DBSCAN
# runs on owned + halo points (``models.hotspots.dbscan_xy``). A point's local neighbour count
# never exceeds its true count, so a local core point is a true core point, and for every point
# of the strip's *exact region* [lo_s - e, hi_s + e) the whole eps-neighbourhood is present, so
# its core flag is exact. Every edge between two core points within eps has one end owned by
# some strip and the other in that strip's exact region, so it is realised inside that strip's
# local clusters. Merging local clusters that share a core point of two exact regions (the only
# points that can be shared lie within e of a strip boundary) with scipy's
# ``connected_components`` therefore gives exactly the global clusters. The canonical numbering
# of ``models.hotspots`` (by the smallest (x, y) of each cluster's core points) is the
# lexicographic minimum over the merged pieces; a border point joins its nearest core point
# (all its cores within eps lie in the exact region; exact ties keep every candidate and take
# the smallest final label, as ``models.hotspots._nearest_core_labels`` does). Labels are thus
# identical to the single-process ``cluster`` for any partitioning — tested, including a
# hypothesis property test with clusters straddling strip borders.
#
# Running it
# ----------
# On one machine nothing is needed: ``with dask_client(): ...`` starts a LocalCluster (one
# worker process per core). On several machines with the same virtualenv:
#
#     dask scheduler                                   # head node -> tcp://10.0.0.5:8786
#     dask worker tcp://10.0.0.5:8786 --nworkers 2 --nthreads 1   # on every machine
#     export SHAKTI_DASK_SCHEDULER=tcp://10.0.0.5:8786             # where the analysis runs
#
#     with dask_client():                              # the scheduler above, else local
#         incidents = read_partitions("postgresql://shakti@db/shakti", npartitions=40)
#         result = dask_cluster(incidents, eps_m=150, min_samples=10, metric_crs="EPSG:32644")
#         labels = result.labels.compute()             # or keep them distributed
#
# ``read_partitions`` lets every worker read its own range of rows from the PostGIS store;
# a dask-geopandas frame from (Geo)Parquet works the same way.
#
# Only the strip outputs' small parts (shared core points, per-piece minima) reach the client;
# labels stay on the workers until the caller asks for them. Grid counts and the decomposable
# hotspot attributes (counts, first/last date, hour and weekday profiles, category and source
# mixes, centroids) are computed per input partition and summed.

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

import dask.dataframe as dd
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from dask.base import compute as _dask_compute
from dask.base import persist as _dask_persist
from dask.delayed import Delayed
from dask.delayed import delayed as _dask_delayed
from pyproj import CRS
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geo.crs import WGS84, metric_coordinates, metric_crs_for, point_series
from geo.errors import ParameterError
from geo.settings import get_settings
from models.arrays import FloatArray, IntArray
from models.hotspots import (
    HOTSPOT_ID,
    NOISE,
    dbscan_xy,
)
from models.selection import precise_mask

logger = logging.getLogger(__name__)

# dask ships no type hints for these; typed aliases keep mypy strict elsewhere.
delayed = cast(Callable[..., Any], _dask_delayed)
compute = cast(Callable[..., tuple[Any, ...]], _dask_compute)
persist = cast(Callable[..., tuple[Any, ...]], _dask_persist)


#: Environment variable of the setting ``dask_scheduler`` (:mod:`geo.settings`): the address of a
#: Dask scheduler (``tcp://host:8786``). Unset: a local cluster.
SCHEDULER_ENV: Final = "SHAKTI_DASK_SCHEDULER"
#: Columns of the per-point frames passed between tasks.
PID: Final = "pid"
X: Final = "x"
Y: Final = "y"
COMP: Final = "comp"
TIE: Final = "tie"
IS_CORE: Final = "core"
#: Output columns of :func:`hotspot_sums` beyond the hotspot attributes.
CENTROID_X: Final = "centroid_x_m"
CENTROID_Y: Final = "centroid_y_m"
#: Relative margin added to eps for the halo and the exact region (floating-point safety).
_EPS_MARGIN: Final = 1e-6
#: A point id packs (input partition, row position in it): partition << _PART_BITS | row.
_PART_BITS: Final = 40
#: A local cluster ("piece") id packs (strip, local label): strip << _STRIP_BITS | label.
_STRIP_BITS: Final = 32
_HIST_BINS: Final = 4096


@dataclass(frozen=True)
class Strips:
    """The spatial partition: K strips along one axis of the metric CRS.

    Attributes
    ----------
    axis : int
        0 for x (strips side by side west to east), 1 for y.
    bounds : numpy.ndarray
        The K-1 inner boundaries in metres, increasing; strip s is ``[bounds[s-1], bounds[s])``.
    halo_m : float
        Points within this distance of a strip are copied into it (2 × eps, plus a margin).
    """

    axis: int
    bounds: FloatArray
    halo_m: float

    @property
    def n(self) -> int:
        """Return the number of strips."""
        return len(self.bounds) + 1

    def owner(self, coord: FloatArray) -> IntArray:
        """Return the strip owning each coordinate."""
        return np.searchsorted(self.bounds, coord, side="right").astype(np.int64)


@dataclass(frozen=True)
class ScaleDbscan:
    """The result of :func:`dask_cluster`.

    Attributes
    ----------
    labels : dask.dataframe.Series
        ``int64`` labels named :data:`models.hotspots.HOTSPOT_ID`, partitioned and indexed like
        the input; identical to ``models.hotspots.cluster`` on the same points.
    core : dask.dataframe.Series
        Whether each point is a core point (same partitions).
    n_clusters : int
    crs : pyproj.CRS
        The metric CRS used.
    strips : Strips
    shared_points : int
        Core points seen by two strips (what the merge step used).
    pieces : int
        Local clusters found by all strips before merging.
    """

    labels: dd.Series
    core: dd.Series
    n_clusters: int
    crs: CRS
    strips: Strips
    shared_points: int
    pieces: int


# --------------------------------------------------------------------------- clusters


@contextlib.contextmanager
def dask_client(
    address: str | None = None,
    *,
    n_workers: int | None = None,
    threads_per_worker: int = 1,
    processes: bool = True,
    memory_limit: str | float | None = "auto",
) -> Iterator[Any]:
    """Connect to a Dask scheduler, or start a local cluster, for the duration of the block.

    Parameters
    ----------
    address : str, optional
        A scheduler address (``tcp://10.0.0.5:8786``); default: the ``dask_scheduler``
        setting (``SHAKTI_DASK_SCHEDULER``), else a new ``distributed.LocalCluster``.
    n_workers : int, optional
        Workers of the local cluster (default: one per CPU core).
    threads_per_worker : int
        Threads per local worker.
    processes : bool
        Local workers as processes (default) or threads.
    memory_limit : str or float, optional
        Memory limit per local worker (Dask's syntax, e.g. ``"4GB"``).

    Yields
    ------
    distributed.Client
        Also the default scheduler of every Dask computation inside the block.
    """
    import distributed

    client_cls = cast(Callable[..., Any], distributed.Client)  # untyped in distributed
    cluster_cls = cast(Callable[..., Any], distributed.LocalCluster)
    address = address or get_settings().dask_scheduler or None
    if address:
        logger.info("using the Dask scheduler at %s", address)
        with client_cls(address) as client:
            yield client
        return
    workers = n_workers or os.cpu_count() or 1
    with (
        cluster_cls(
            n_workers=workers,
            threads_per_worker=threads_per_worker,
            processes=processes,
            memory_limit=memory_limit,
            dashboard_address=None,
        ) as cluster,
        client_cls(cluster) as client,
    ):
        logger.info("started a local Dask cluster: %d workers", workers)
        yield client


def as_dask(points: Any, npartitions: int | None) -> Any:
    """Return the points as a dask-geopandas GeoDataFrame (partitions kept when already one)."""
    import dask_geopandas  # type: ignore[import-untyped]

    if isinstance(points, dask_geopandas.GeoDataFrame | dask_geopandas.GeoSeries):
        return points
    if isinstance(points, dd.DataFrame) and isinstance(points._meta, gpd.GeoDataFrame):
        return dask_geopandas.from_dask_dataframe(points)  # built before the import
    if isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        parts = npartitions or max(1, min(64, len(points) // 250_000 + 1))
        return dask_geopandas.from_geopandas(points, npartitions=parts, sort=False)
    raise ParameterError(
        f"points must be a (dask-)geopandas GeoDataFrame or GeoSeries, not {type(points).__name__}",
        fix="load the incidents with geopandas or dask_geopandas",
    )


def _lonlat_bounds(part: gpd.GeoDataFrame | gpd.GeoSeries) -> FloatArray:
    """Return (west, south, east, north) of a partition's valid points in EPSG:4326."""
    geoms = point_series(part)
    if len(geoms) == 0:
        return np.full(4, np.nan)
    if geoms.crs is not None and not CRS.from_user_input(geoms.crs).equals(CRS(WGS84)):
        geoms = geoms.to_crs(WGS84)
    coords = shapely.get_coordinates(geoms.to_numpy())
    if len(coords) == 0:
        return np.full(4, np.nan)
    return np.concatenate([np.nanmin(coords, axis=0), np.nanmax(coords, axis=0)])


def resolve_crs(parts: Sequence[Delayed], crs_in: Any, metric_crs: str | None) -> CRS:
    """Return the metric CRS ``models.hotspots.cluster`` would pick for all the points."""
    if metric_crs is not None:
        return metric_crs_for(gpd.GeoSeries([], crs=crs_in or WGS84), metric_crs)
    boxes = np.array(compute(*[delayed(_lonlat_bounds)(p) for p in parts]))
    w, s = np.nanmin(boxes[:, 0]), np.nanmin(boxes[:, 1])
    e, n = np.nanmax(boxes[:, 2]), np.nanmax(boxes[:, 3])
    corners = gpd.GeoSeries(shapely.points([[w, s], [e, n]]), crs=WGS84)
    return metric_crs_for(corners)  # what models.hotspots does from the same bounds


def _project(part: gpd.GeoDataFrame | gpd.GeoSeries, index: int, crs: str) -> pd.DataFrame:
    """Return one input partition as projected points with packed ids."""
    n = len(part)
    if n == 0:
        return pd.DataFrame({PID: np.empty(0, np.int64), X: np.empty(0), Y: np.empty(0)})
    xy, _ = metric_coordinates(point_series(part), crs, what="incidents")
    pid = (np.int64(index) << _PART_BITS) + np.arange(n, dtype=np.int64)
    # locality and pincode centroids would pile up on one point: never clustered (noise)
    keep = precise_mask(part)
    if keep is not None:
        pid, xy = pid[keep], xy[keep]
    return pd.DataFrame({PID: pid, X: xy[:, 0], Y: xy[:, 1]})


def _extent(xy: pd.DataFrame) -> FloatArray:
    if xy.empty:
        return np.full(4, np.nan)
    v = xy[[X, Y]].to_numpy()
    return np.concatenate([v.min(axis=0), v.max(axis=0)])


def _histogram(xy: pd.DataFrame, column: str, edges: FloatArray) -> IntArray:
    counts, _ = np.histogram(xy[column].to_numpy(), bins=edges)
    return counts.astype(np.int64)


def _plan_strips(
    xy_parts: Sequence[Delayed], n_strips: int, eps_m: float
) -> tuple[Strips, FloatArray]:
    """Return equal-count strips along the longer axis of the points' extent."""
    extents = np.array(compute(*[delayed(_extent)(p) for p in xy_parts]))
    lo = np.nanmin(extents[:, :2], axis=0)
    hi = np.nanmax(extents[:, 2:], axis=0)
    axis = int(np.argmax(hi - lo))
    column = (X, Y)[axis]
    halo = 2 * eps_m * (1 + _EPS_MARGIN)
    if n_strips <= 1 or not np.isfinite(lo[axis]) or hi[axis] - lo[axis] <= 0:
        return Strips(axis, np.empty(0), halo), np.concatenate([lo, hi])
    edges = np.linspace(lo[axis], hi[axis], _HIST_BINS + 1)
    hists = compute(*[delayed(_histogram)(p, column, edges) for p in xy_parts])
    cum = np.cumsum(np.sum(hists, axis=0))
    targets = cum[-1] * np.arange(1, n_strips) / n_strips
    bounds = np.unique(edges[1:][np.searchsorted(cum, targets)])
    bounds = bounds[(bounds > lo[axis]) & (bounds < hi[axis])]
    return Strips(axis, bounds.astype(np.float64), halo), np.concatenate([lo, hi])


def _split(xy: pd.DataFrame, strips: Strips) -> list[pd.DataFrame]:
    """Return, per strip, the points of one input partition it owns or needs as halo."""
    coord = xy[(X, Y)[strips.axis]].to_numpy()
    first = strips.owner(coord - strips.halo_m)
    last = strips.owner(coord + strips.halo_m)
    return [xy.loc[(first <= s) & (last >= s)] for s in range(strips.n)]


def _concat(*pieces: pd.DataFrame) -> pd.DataFrame:
    """Return the points of one strip from all input partitions."""
    return pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame()


def _wait(collections: Sequence[Any]) -> None:
    """Wait until persisted collections are computed (a no-op without a distributed client)."""
    try:
        import distributed

        cast(Callable[[], Any], distributed.default_client)()  # untyped in distributed
    except (ImportError, ValueError):
        return  # local schedulers compute in persist() itself
    cast(Callable[..., Any], distributed.wait)(list(collections))


def _strip_dbscan(
    s: int, strips: Strips, eps_m: float, min_samples: int, pts: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """DBSCAN one strip (owned + halo points); return owned results, shared cores, minima."""
    empty = {
        "owned": pd.DataFrame({PID: np.empty(0, np.int64), COMP: np.empty(0, np.int64),
                               IS_CORE: np.empty(0, bool), TIE: np.empty(0, bool)}),
        "ties": pd.DataFrame({PID: np.empty(0, np.int64), COMP: np.empty(0, np.int64)}),
        "shared": pd.DataFrame({PID: np.empty(0, np.int64), COMP: np.empty(0, np.int64)}),
        "mins": pd.DataFrame({COMP: np.empty(0, np.int64), X: np.empty(0), Y: np.empty(0)}),
    }  # fmt: skip
    if pts.empty:
        return empty
    xy = pts[[X, Y]].to_numpy()
    pid = pts[PID].to_numpy()
    coord = xy[:, strips.axis]
    lo = strips.bounds[s - 1] if s > 0 else -np.inf
    hi = strips.bounds[s] if s < len(strips.bounds) else np.inf
    e = eps_m * (1 + _EPS_MARGIN)
    result = dbscan_xy(xy, eps_m=eps_m, min_samples=min_samples, method="grid")
    local = result.labels  # canonical within the strip; equal labels = one local piece
    exact = (coord >= lo - e) & (coord < hi + e)
    owned = (coord >= lo) & (coord < hi)
    core = result.core & exact  # exact core flags (outer-halo cores are left out)
    comp = np.where(core, (np.int64(s) << _STRIP_BITS) + local, NOISE)
    # Border points: the cluster of the nearest core point (mirrors
    # models.hotspots._nearest_core_labels, keeping every tied candidate for the merge).
    border = np.flatnonzero(owned & ~result.core & (local >= 0))
    tie = np.zeros(len(pts), dtype=bool)
    tie_pid: list[IntArray] = []
    tie_comp: list[IntArray] = []
    cores = np.flatnonzero(core)
    if border.size and cores.size:
        tree = cKDTree(xy[cores], balanced_tree=False, compact_nodes=False)
        bound = eps_m * (1 + 1e-9)
        dist, idx = tree.query(xy[border], k=[1, 2], distance_upper_bound=bound)
        found = np.isfinite(dist[:, 0])
        unique = found & (dist[:, 1] > dist[:, 0])
        comp[border[unique]] = comp[cores[idx[unique, 0]]]
        lost = border[~found]  # cannot happen (a border point has a core within eps)
        comp[lost] = (np.int64(s) << _STRIP_BITS) + local[lost]
        tied = np.flatnonzero(found & ~unique)
        if tied.size:
            tp = xy[border[tied]]
            lists = tree.query_ball_point(tp, r=dist[tied, 0] * (1 + 1e-12))
            for j, near in enumerate(lists):
                near_arr = np.asarray(near, dtype=np.int64)
                d = np.sqrt(((xy[cores[near_arr]] - tp[j]) ** 2).sum(axis=1))
                best = near_arr[d == d.min()]
                tie_pid.append(np.full(len(best), pid[border[tied[j]]], dtype=np.int64))
                tie_comp.append(comp[cores[best]])
            tie[border[tied]] = True
    shared = core & ((coord < lo + e) | (coord >= hi - e))
    core_frame = pd.DataFrame({COMP: comp[core], X: xy[core, 0], Y: xy[core, 1]})
    mins = (
        core_frame.sort_values([COMP, X, Y], kind="stable")
        .drop_duplicates(COMP)
        .reset_index(drop=True)
    )
    return {
        "owned": pd.DataFrame(
            {PID: pid[owned], COMP: comp[owned], IS_CORE: core[owned], TIE: tie[owned]}
        ),
        "ties": pd.DataFrame(
            {
                PID: np.concatenate(tie_pid) if tie_pid else np.empty(0, np.int64),
                COMP: np.concatenate(tie_comp) if tie_comp else np.empty(0, np.int64),
            }
        ),
        "shared": pd.DataFrame({PID: pid[shared], COMP: comp[shared]}),
        "mins": mins,
    }


def _take(result: dict[str, pd.DataFrame], key: str) -> pd.DataFrame:
    return result[key]


def _merge(shared: Sequence[pd.DataFrame], mins: Sequence[pd.DataFrame]) -> pd.Series:
    """Return the canonical label of every local piece (index: piece id).

    Pieces sharing a core point are one cluster (connected components of the graph whose
    edges join the pieces of each shared point, scipy's csgraph); clusters are numbered by the
    lexicographically smallest (x, y) of their core points.
    """
    pieces = pd.concat(mins, ignore_index=True)
    if pieces.empty:
        return pd.Series(np.empty(0, np.int64), index=pd.Index([], dtype=np.int64), dtype=np.int64)
    ids = pieces[COMP].to_numpy()
    pos = pd.Index(ids)
    links = pd.concat(shared, ignore_index=True)
    if len(links):
        first = links.groupby(PID)[COMP].transform("first").to_numpy()
        a = pos.get_indexer(first)
        b = pos.get_indexer(links[COMP].to_numpy())
    else:
        a = b = np.empty(0, dtype=np.int64)
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids)))
    _, root = connected_components(graph, directed=False)
    pieces["root"] = root
    # sorted by (x, y), the first piece of each cluster holds its smallest core point, and
    # the clusters come in canonical order
    first_of_root = pieces.sort_values([X, Y], kind="stable").drop_duplicates("root")
    canonical = np.empty(int(root.max()) + 1, dtype=np.int64)
    canonical[first_of_root["root"].to_numpy()] = np.arange(len(first_of_root), dtype=np.int64)
    return pd.Series(canonical[root], index=pd.Index(ids, name=COMP), name=HOTSPOT_ID)


def _finalize(owned: pd.DataFrame, ties: pd.DataFrame, mapping: pd.Series) -> pd.DataFrame:
    """Return (pid, label, core) of a strip's owned points with the merged labels."""
    comp = owned[COMP].to_numpy()
    labels = np.full(len(owned), NOISE, dtype=np.int64)
    has = comp >= 0
    labels[has] = mapping.reindex(comp[has]).to_numpy(dtype=np.int64)
    tie = owned[TIE].to_numpy()
    if tie.any():
        best = (
            pd.Series(mapping.reindex(ties[COMP].to_numpy()).to_numpy(), index=ties[PID].to_numpy())
            .groupby(level=0)
            .min()
        )
        labels[tie] = best.reindex(owned[PID].to_numpy()[tie]).to_numpy(dtype=np.int64)
    return pd.DataFrame({PID: owned[PID].to_numpy(), HOTSPOT_ID: labels, IS_CORE: owned[IS_CORE]})


def _by_partition(final: pd.DataFrame, n_parts: int) -> list[pd.DataFrame]:
    part = final[PID].to_numpy() >> _PART_BITS
    return [final.loc[part == i] for i in range(n_parts)]


def _assemble(index: pd.Index, column: str, *pieces: pd.DataFrame) -> pd.Series:
    """Return one input partition's values of ``column`` in row order, on its index.

    Rows left out of clustering (locality and pincode centroids) are noise and not core.
    """
    frame = pd.concat(pieces, ignore_index=True)
    rows = frame[PID].to_numpy() & ((np.int64(1) << _PART_BITS) - 1)
    values = frame[column].to_numpy()
    if len(rows) > len(index):
        raise RuntimeError(f"partition has {len(index)} rows but {len(rows)} labels")
    fill = NOISE if column == HOTSPOT_ID else False
    out = np.full(len(index), fill, dtype=values.dtype if len(values) else type(fill))
    out[rows] = values
    return pd.Series(out, index=index, name=HOTSPOT_ID if column == HOTSPOT_ID else column)


def _index_of(part: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Index:
    return cast(pd.Index, part.index)


def dask_cluster(
    points: Any,
    *,
    eps_m: float,
    min_samples: int,
    metric_crs: str | None = None,
    n_strips: int | None = None,
    npartitions: int | None = None,
) -> ScaleDbscan:
    """Cluster points with exact DBSCAN on Dask, giving the labels of ``models.hotspots.cluster``.

    Runs on the current Dask scheduler (see :func:`dask_client`; without one, Dask's local
    threads). Steps: project each input partition; cut equal-count strips along the longer
    axis; DBSCAN each strip with a 2·eps halo (the exact grid DBSCAN); merge local clusters
    through shared core points; number clusters canonically; send labels back to the input
    partitions.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries or their dask-geopandas counterparts
        Point geometries in any CRS (not modified). A geopandas frame is split into
        ``npartitions`` partitions (default: one per 250,000 rows).
    eps_m : float
        Neighbourhood radius in metres.
    min_samples : int
        Points within ``eps_m`` (the point included) that make a point core.
    metric_crs : str, optional
        Projected CRS; default: the one :func:`models.hotspots.cluster` picks (the UTM zone of
        the centre of the points' bounds).
    n_strips : int, optional
        Spatial partitions; default: twice the number of input partitions, at least 2.
    npartitions : int, optional
        Partitions for a geopandas input.

    Returns
    -------
    ScaleDbscan
        Lazy ``labels`` and ``core`` Series partitioned like the input (``.compute()`` them).
        Rows located only to a locality or pincode centroid (``location_precision``) are
        noise: many rows share one such point (``models.selection.precise_mask``).

    Raises
    ------
    ParameterError
        For bad parameters or geometries that are missing, empty or not points.
    """
    if not (isinstance(eps_m, int | float) and math.isfinite(eps_m) and eps_m > 0):
        raise ParameterError(f"eps_m must be a positive number of metres, got {eps_m!r}")
    if not isinstance(min_samples, int | np.integer) or min_samples < 1:
        raise ParameterError(f"min_samples must be an integer ≥ 1, got {min_samples!r}")
    if n_strips is not None and n_strips < 1:
        raise ParameterError(f"n_strips must be ≥ 1, got {n_strips!r}")
    ddf = as_dask(points, npartitions)
    parts = ddf.to_delayed()
    crs = resolve_crs(parts, ddf.crs, metric_crs)
    crs_text = crs.to_string()
    xy_parts = [delayed(_project)(p, i, crs_text) for i, p in enumerate(parts)]
    xy_parts = list(persist(*xy_parts))
    k = n_strips or max(2, 2 * len(parts))
    strips, _extent_m = _plan_strips(xy_parts, k, eps_m)
    split = [delayed(_split, nout=strips.n)(p, strips) for p in xy_parts]
    # Gather each strip's points first and wait: the grid DBSCAN holds the GIL, so a worker
    # busy clustering cannot send data to its peers; with the inputs in place, every strip
    # runs where its points are and no transfer waits on a computation.
    gathered = list(persist(*[delayed(_concat)(*[sp[s] for sp in split]) for s in range(strips.n)]))
    _wait(gathered)
    results = [
        delayed(_strip_dbscan)(s, strips, eps_m, int(min_samples), gathered[s])
        for s in range(strips.n)
    ]
    results = list(persist(*results))
    shared = [delayed(_take)(r, "shared") for r in results]
    mins = [delayed(_take)(r, "mins") for r in results]
    (mapping,) = compute(delayed(_merge)(shared, mins))
    n_shared = int(sum(compute(*[delayed(len)(x) for x in shared])))
    mapping_d = delayed(mapping)
    finals = [
        delayed(_finalize)(delayed(_take)(r, "owned"), delayed(_take)(r, "ties"), mapping_d)
        for r in results
    ]
    back = [delayed(_by_partition, nout=len(parts))(f, len(parts)) for f in finals]
    labels = [
        delayed(_assemble)(delayed(_index_of)(p), HOTSPOT_ID, *[b[i] for b in back])
        for i, p in enumerate(parts)
    ]
    cores = [
        delayed(_assemble)(delayed(_index_of)(p), IS_CORE, *[b[i] for b in back])
        for i, p in enumerate(parts)
    ]
    meta_labels = pd.Series(np.empty(0, np.int64), name=HOTSPOT_ID, index=ddf._meta.index)
    meta_core = pd.Series(np.empty(0, bool), name=IS_CORE, index=ddf._meta.index)
    n_clusters = int(mapping.max()) + 1 if len(mapping) else 0
    logger.info(
        "Dask DBSCAN (eps=%g m, min_samples=%d): %d input partitions, %d strips, %d pieces, "
        "%d shared core points, %d clusters",
        eps_m, min_samples, len(parts), strips.n, len(mapping), n_shared, n_clusters,
    )  # fmt: skip
    return ScaleDbscan(
        labels=dd.from_delayed(labels, meta=meta_labels, verify_meta=False),
        core=dd.from_delayed(cores, meta=meta_core, verify_meta=False),
        n_clusters=n_clusters,
        crs=crs,
        strips=strips,
        shared_points=n_shared,
        pieces=len(mapping),
    )
