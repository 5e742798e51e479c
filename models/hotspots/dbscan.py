"""Exact DBSCAN in metres with canonical labels (grid algorithm or scikit-learn), and `cluster`."""


# How the pieces fit
# ------------------
# * :func:`cluster` projects points once (``shapely.get_coordinates`` + one pyproj transform of
#   the coordinate arrays, no GeoDataFrame copy) and runs :func:`dbscan_xy`.
# * :func:`dbscan_xy` runs exact DBSCAN on a grid (:mod:`models.hotspots.grid_core`, compiled
#   with numba: O(n) memory, releases the GIL) or with scikit-learn, then makes the labels
#   canonical: the core points and their partition into clusters are fully determined by the
#   point set, so only the cluster *numbers* and the border points depend on the algorithm and
#   the row order. Clusters are renumbered 0..k-1 by the lexicographically smallest (x, y) of
#   their core points, and every border point joins the cluster of its nearest core point (ties
#   in distance go to the smallest cluster number). The same point set in any row order, in any
#   input CRS, or shifted by a constant, therefore gets the same label per point, whichever
#   method ran.
# * :func:`find_hotspots` turns clusters into a table of hotspots (aggregates only, never a
#   person-level value) with a risk score whose components are kept as columns.

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from geo.crs import metric_coordinates, point_series
from geo.errors import ParameterError
from models.arrays import BoolArray, FloatArray, IntArray
from models.checks import check_count, check_metres
from models.hotspots.cells import (
    Cells,
    cores_in_blocks,
    half_eps_cells,
    one_cluster_near,
    possible_core_region,
)
from models.hotspots.columns import (
    HOTSPOT_ID,
    METHOD_AUTO,
    METHOD_GRID,
    METHOD_SKLEARN,
    METHODS,
    NOISE,
    Method,
    Points,
    Weights,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- validation


def check_eps(eps_m: float, what: str = "eps_m") -> float:
    """Return ``eps_m`` as a float after checking it is a positive finite number of metres."""
    return check_metres(
        eps_m,
        what,
        why="it is the neighbourhood radius: points closer than it are neighbours",
        fix=f"pass {what} such as 150 (metres); suggest_eps() proposes one from the data",
    )


def check_method(method: str) -> str:
    """Return ``method`` after checking it is one of :data:`METHODS`."""
    if method not in METHODS:
        raise ParameterError(
            f"unknown clustering method {method!r}",
            fix="use one of " + ", ".join(repr(m) for m in METHODS),
        )
    return method


def point_weights(points: Points, weights: Weights) -> FloatArray | None:
    """Return one non-negative finite weight per row (``None`` when not weighted)."""
    if weights is None:
        return None
    if isinstance(weights, str):
        if not isinstance(points, gpd.GeoDataFrame) or weights not in points.columns:
            raise ParameterError(
                f"the points have no {weights!r} column to weight by",
                fix="pass weights= naming a numeric column, or a Series with one value a point",
            )
        raw: Any = pd.to_numeric(points[weights], errors="coerce")
    elif isinstance(weights, pd.Series):
        if not weights.index.equals(points.index):
            if weights.index.has_duplicates or not points.index.isin(weights.index).all():
                raise ParameterError(
                    "the weights Series does not have one value for every point's index",
                    fix="give a Series indexed like the points (or a plain array in row order)",
                )
            weights = weights.reindex(points.index)
        raw = pd.to_numeric(weights, errors="coerce")
    else:
        raw = weights
    values = np.asarray(raw, dtype=np.float64).reshape(-1)
    if len(values) != len(points):
        raise ParameterError(
            f"{len(values)} weights for {len(points)} points", fix="give one weight per point"
        )
    if not np.all(np.isfinite(values)) or bool((values < 0).any()):
        raise ParameterError(
            "weights must be finite and non-negative",
            fix="fill missing weights (e.g. with 1) and remove negative values",
        )
    return values


# --------------------------------------------------------------------------- exact DBSCAN


@dataclass(frozen=True)
class DbscanResult:
    """Canonical DBSCAN labels of an array of points.

    Attributes
    ----------
    labels : numpy.ndarray
        ``int64``; clusters numbered 0..k-1 by the smallest (x, y) of their core points,
        :data:`NOISE` for noise.
    core : numpy.ndarray
        ``bool``; which points are core points (weighted neighbourhood ≥ ``min_samples``).
    method : str
        ``"grid"`` or ``"sklearn"``: the method chosen (the grid hands over to scikit-learn
        where its cells cannot be exact, see :func:`models.hotspots.grid_core.grid_core`).
    """

    labels: IntArray
    core: BoolArray
    method: str

    @property
    def n_clusters(self) -> int:
        """Return the number of clusters."""
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def resolve_method(method: str, weighted: bool) -> str:
    """Return the method that will actually run."""
    check_method(method)
    if method == METHOD_GRID:
        if weighted:
            raise ParameterError(
                "method='grid' cannot use weights",
                why="the grid DBSCAN counts points, it has no sample weights",
                fix="use method='auto' (picks scikit-learn for weighted runs) or 'sklearn'",
            )
        return METHOD_GRID
    if method == METHOD_AUTO and not weighted:
        return METHOD_GRID
    # Weighted runs use scikit-learn. Expanding integer weights into duplicate points would
    # let the grid DBSCAN run them, but it cannot express fractional or zero weights (a
    # weight-0 point can still be core in scikit-learn's semantics) and multiplies memory, so
    # exactness is kept by using the reference implementation instead.
    return METHOD_SKLEARN


def _lexicographic_min(groups: IntArray, k: int, keys: Sequence[FloatArray]) -> list[FloatArray]:
    """Per group, the lexicographically smallest tuple of ``keys`` (one array per key)."""
    cand = np.ones(len(groups), dtype=bool)
    mins: list[FloatArray] = []
    for key in keys:
        low = np.full(k, np.inf)
        np.minimum.at(low, groups[cand], key[cand])
        mins.append(low)
        cand &= key == low[groups]
    return mins


def canonical_order(groups: IntArray, keys: Sequence[FloatArray]) -> IntArray:
    """Map raw group ids (≥ 0) to 0..k-1 ordered by the smallest key tuple of each group.

    Returns an array ``mapping`` with ``mapping[raw] = canonical`` (-1 for absent raw ids).
    """
    k = int(groups.max()) + 1
    mins = _lexicographic_min(groups, k, keys)
    present = np.flatnonzero(np.isfinite(mins[0]))
    order = np.lexsort([m[present] for m in reversed(mins)])
    mapping = np.full(k, NOISE, dtype=np.int64)
    mapping[present[order]] = np.arange(len(present), dtype=np.int64)
    return mapping


def _cores_near(xy: FloatArray, border: IntArray, cores: IntArray, bound: float) -> BoolArray:
    """Return which cores lie in a grid cell next to a border point's (cells ``bound`` wide).

    Every core within ``bound`` of a border point (and a hair beyond, for the tie search) is
    among them, so a k-d tree of these cores answers the border queries exactly as one of all
    cores; it is built on a small share of them (dense hotspots have few border points).
    """
    cell = bound * 1.001
    low = np.array([xy[:, 0].min(), xy[:, 1].min()])  # per column: faster than axis=0
    high = np.array([xy[:, 0].max(), xy[:, 1].max()])
    width, height = (np.floor((high - low) / cell) + 3).tolist()
    if width * height > 2.0**62:  # cells too small to number: keep every core
        return np.ones(len(cores), dtype=bool)
    stride = int(width)

    def keys(rows: IntArray) -> IntArray:
        ij = np.floor((xy[rows] - low) / cell).astype(np.int64) + 1
        return cast(IntArray, ij[:, 1] * stride + ij[:, 0])

    shifts = np.array([dy * stride + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    wanted = np.unique((keys(border)[:, None] + shifts[None, :]).ravel())
    return np.isin(keys(cores), wanted)


def _nearest_core_labels(
    points: FloatArray, core_xy: FloatArray, core_labels: IntArray, eps: float, fallback: IntArray
) -> IntArray:
    """Return the label of each point's nearest core within ``eps`` (ties: lowest label).

    ``core_xy``: the cores that may be within ``eps`` of a point, with their ``core_labels``;
    the k-d tree holds only them. ``fallback`` where no core is within ``eps``. Exact: a unique
    nearest core comes from a k=2 query; points whose two nearest cores are equidistant
    (duplicates, regular grids) are resolved by listing every core at that distance.
    """
    bound = eps * (1 + 1e-9)
    tree = cKDTree(core_xy, balanced_tree=False, compact_nodes=False)
    dist, idx = tree.query(points, k=[1, 2], distance_upper_bound=bound)
    out = fallback.copy()
    found = np.isfinite(dist[:, 0])
    unique = found & (dist[:, 1] > dist[:, 0])
    out[unique] = core_labels[idx[unique, 0]]
    tied = np.flatnonzero(found & ~unique)
    if tied.size:
        # every core within the tied distance (a hair more, for rounding), then the exact
        # nearest by numpy's distance and, among equals, the lowest label
        pts = points[tied]
        lists = tree.query_ball_point(pts, r=dist[tied, 0] * (1 + 1e-12))
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        near_rows = np.fromiter(
            itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum())
        )
        owner = np.repeat(np.arange(len(tied)), lengths)
        d = np.sqrt(((core_xy[near_rows] - pts[owner]) ** 2).sum(axis=1))
        best_d = np.full(len(tied), np.inf)
        np.minimum.at(best_d, owner, d)
        at_best = d == best_d[owner]
        best_label = np.full(len(tied), np.iinfo(np.int64).max)
        np.minimum.at(best_label, owner[at_best], core_labels[near_rows[at_best]])
        lost = best_label == np.iinfo(np.int64).max  # cannot happen; keep the k=1 answer
        out[tied] = np.where(lost, core_labels[idx[tied, 0]], best_label)
    return out


def border_labels(
    xy: FloatArray,
    border: IntArray,
    cores: IntArray,
    core_labels: IntArray,
    eps: float,
    fallback: IntArray,
    cells: Cells | None = None,
) -> IntArray:
    """Label each border point with the cluster of its nearest core point (ties: lowest label).

    A point whose nearby cores all belong to one cluster takes it at once
    (:func:`models.hotspots.cells.one_cluster_near`, about 90 % of them); the others, near two
    clusters, are searched exactly among the cores of their cells' blocks
    (:func:`_nearest_core_labels`). ``cells`` are :func:`~models.hotspots.cells.half_eps_cells`
    of ``xy``; without them (small sets, where the grid does not pay off) every point is
    searched. ``fallback`` is kept where no core lies within ``eps`` (which DBSCAN's border
    points never are).
    """
    sure = None if cells is None else one_cluster_near(cells, border, cores, core_labels)
    if cells is None or sure is None:
        near = _cores_near(xy, border, cores, eps * (1 + 1e-9))
        return _nearest_core_labels(xy[border], xy[cores[near]], core_labels[near], eps, fallback)
    rest = np.flatnonzero(sure < 0)
    if rest.size:
        near = cores_in_blocks(cells, border[rest], cores)
        sure[rest] = _nearest_core_labels(
            xy[border[rest]], xy[cores[near]], core_labels[near], eps, fallback[rest]
        )
    return sure


def canonical_labels(
    xy: FloatArray,
    raw: IntArray,
    core: BoolArray,
    eps: float,
    extra_key: FloatArray | None = None,
    cells: Cells | None = None,
) -> IntArray:
    """Renumber a DBSCAN result canonically and assign border points deterministically.

    ``cells``: :func:`~models.hotspots.cells.half_eps_cells` of ``xy``, for the quick border
    labels of :func:`border_labels` (worth their grid for large sets).
    """
    labels = np.full(len(raw), NOISE, dtype=np.int64)
    cores = np.flatnonzero(core)
    if cores.size == 0:
        return labels
    craw = raw[cores]
    keys = [xy[cores, 0], xy[cores, 1]]
    if extra_key is not None:
        keys.append(extra_key[cores])
    mapping = canonical_order(craw, keys)
    labels[cores] = mapping[craw]
    border = np.flatnonzero(~core & (raw >= 0))
    if border.size and extra_key is None:
        labels[border] = border_labels(
            xy, border, cores, labels[cores], eps, mapping[raw[border]], cells
        )
    elif border.size:
        labels[border] = mapping[raw[border]]
    return labels


#: Fewest points for which :func:`maybe_core_region` is worth its grid pass.
PRUNE_MIN_POINTS = 20_000

#: Below this many points, the grid DBSCAN is pruned only for a ``min_samples`` of
#: :data:`PRUNE_GRID_MIN_SAMPLES` or more: it passes over sparse cells itself at little cost,
#: so at 100k incidents and min 10 the pruning's 3-4 ms bought nothing, while at 1M it saves
#: 15-20 % and at high thresholds (min ≥ 32, most points set aside) more.
PRUNE_GRID_MIN_POINTS = 200_000

#: See :data:`PRUNE_GRID_MIN_POINTS`.
PRUNE_GRID_MIN_SAMPLES = 32


def maybe_core_region(
    xy: FloatArray, eps: float, min_samples: int, cells: Cells | None = None
) -> BoolArray | None:
    """Mark the points that may be a core point or within ``eps`` of one; ``None``: all may.

    Exact pruning before DBSCAN (:func:`models.hotspots.cells.possible_core_region`): a point
    whose 5 x 5 block of cells a hair wider than ``eps / 2`` holds fewer than ``min_samples``
    points cannot be core, and points far from every possible core are noise. At 1M incidents
    and a density-aware ``min_samples`` of hundreds this drops the sparse part of the city.
    ``None`` when the set is small, when the grid would be too large, or when nothing drops.
    ``cells``: :func:`~models.hotspots.cells.half_eps_cells` of ``xy`` when already made.
    """
    if len(xy) < PRUNE_MIN_POINTS or min_samples <= 1:
        return None
    if cells is None:
        cells = half_eps_cells(xy, eps)
    return None if cells is None else possible_core_region(cells, min_samples)


def _raw_dbscan(
    pts: FloatArray, eps: float, ms: int, w: FloatArray | None, chosen: str
) -> tuple[IntArray, BoolArray, bool]:
    """DBSCAN's labels and core mask from the chosen implementation; whether canonical.

    The grid (:func:`models.hotspots.grid_core.grid_core`, imported here so that numba loads
    only when clustering runs) gives canonical labels itself; it hands over to scikit-learn
    (raw labels) in the rare cases its cells cannot be exact (eps below 1e-8 of the
    coordinates' magnitude, cells too many to number).
    """
    if len(pts) == 0:
        return np.empty(0, np.int64), np.empty(0, bool), True
    if chosen == METHOD_GRID:
        from models.hotspots.grid_core import grid_core

        found = grid_core(pts, eps, ms, canonical=True)
        if found is not None:
            return found[0], found[1], True
        logger.debug("grid DBSCAN cannot be exact for eps=%g m here: scikit-learn runs", eps)
    from sklearn.cluster import DBSCAN

    if len(pts) > 200_000:
        logger.warning("scikit-learn DBSCAN on %d points may need several GB of memory", len(pts))
    model = DBSCAN(eps=eps, min_samples=ms, algorithm="kd_tree").fit(pts, sample_weight=w)
    core = np.zeros(len(pts), dtype=bool)
    core[model.core_sample_indices_] = True
    return np.asarray(model.labels_, dtype=np.int64), core, False


def dbscan_xy(
    xy: npt.ArrayLike,
    *,
    eps_m: float,
    min_samples: int,
    weights: npt.ArrayLike | None = None,
    method: Method = "auto",
) -> DbscanResult:
    """Run exact DBSCAN on projected coordinates and return canonical labels and core mask.

    A point is core when the (weighted) number of points within ``eps_m`` of it, itself
    included, is at least ``min_samples`` (scikit-learn's definition); clusters are the
    connected components of core points, each with the non-core points within ``eps_m``.

    Parameters
    ----------
    xy : array-like
        ``(n, 2)`` coordinates in metres.
    eps_m : float
        Neighbourhood radius in metres (distances ≤ ``eps_m`` count).
    min_samples : int
        Neighbourhood size (or weight) that makes a point core; at least 1.
    weights : array-like, optional
        One non-negative weight per point (scikit-learn's ``sample_weight``).
    method : {"auto", "grid", "sklearn"}
        ``"grid"``: exact grid DBSCAN compiled with numba
        (:mod:`models.hotspots.grid_core`; no weights); ``"sklearn"``:
        ``sklearn.cluster.DBSCAN`` with a k-d tree; ``"auto"``: grid unless weighted.

    Returns
    -------
    DbscanResult
    """
    eps = check_eps(eps_m)
    ms = check_count(min_samples, "min_samples", low=1)
    pts = np.ascontiguousarray(np.asarray(xy, dtype=np.float64).reshape(-1, 2))
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if w is not None and len(w) != len(pts):
        raise ParameterError(f"{len(w)} weights for {len(pts)} points", fix="one weight a point")
    chosen = resolve_method(method, w is not None)
    if len(pts) == 0:
        return DbscanResult(np.empty(0, np.int64), np.empty(0, bool), chosen)
    # one grid of cells for the exact shortcuts before and after DBSCAN, where they pay off:
    # the grid DBSCAN labels border points itself and passes over sparse cells at little cost
    grid = chosen == METHOD_GRID
    prune = w is None and ms > 1 and len(pts) >= PRUNE_MIN_POINTS
    if grid:
        prune &= len(pts) >= PRUNE_GRID_MIN_POINTS or ms >= PRUNE_GRID_MIN_SAMPLES
    border_cells = not grid and len(pts) >= PRUNE_MIN_POINTS
    cells = half_eps_cells(pts, eps) if prune or border_cells else None
    region = possible_core_region(cells, ms) if prune and cells is not None else None
    if region is None:
        labels, core, canonical = _raw_dbscan(pts, eps, ms, w, chosen)
    else:
        # only the points near a possible core can be in a cluster; the rest are noise (the
        # canonical labels of these points are theirs in the whole set: all cores are here)
        labels = np.full(len(pts), NOISE, dtype=np.int64)
        core = np.zeros(len(pts), dtype=bool)
        labels[region], core[region], canonical = _raw_dbscan(pts[region], eps, ms, None, chosen)
    if not canonical:
        labels = canonical_labels(pts, labels, core, eps, cells=cells)
    logger.debug(
        "DBSCAN (%s, eps=%g m, min_samples=%d): %d points, %d clusters, %d noise",
        chosen, eps, ms, len(pts), int(labels.max()) + 1, int(np.count_nonzero(labels < 0)),
    )  # fmt: skip
    return DbscanResult(labels, core, chosen)


def labels_series(points: Points, labels: IntArray) -> pd.Series:
    """Return cluster labels as a Series named :data:`HOTSPOT_ID`, indexed like ``points``."""
    return pd.Series(labels, index=points.index.copy(), name=HOTSPOT_ID, dtype=np.int64)


def cluster(
    points: Points,
    *,
    eps_m: float,
    min_samples: int,
    weights: str | pd.Series | None = None,
    metric_crs: str | None = None,
    method: Method = "auto",
) -> pd.Series:
    """Cluster points with exact DBSCAN in metres and return canonical labels.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Point geometries in any CRS (not modified).
    eps_m : float
        Neighbourhood radius in metres.
    min_samples : int
        Points (or total weight) within ``eps_m``, the point itself included, that make a
        point core.
    weights : str or pandas.Series, optional
        A numeric column of ``points`` or a Series aligned to its index, e.g. a weight per
        source; scikit-learn ``sample_weight`` semantics.
    metric_crs : str, optional
        Projected CRS; default: :func:`geo.crs.metric_crs_for` (the local UTM zone).
    method : {"auto", "grid", "sklearn"}
        See :func:`dbscan_xy`.

    Returns
    -------
    pandas.Series
        ``int64`` labels named :data:`HOTSPOT_ID`, aligned to ``points.index``; :data:`NOISE`
        (-1) for noise. Clusters are numbered 0..k-1 by the smallest (x, y) of their core
        points and border points join the cluster of their nearest core point, so the labels
        depend only on the point set, not on the row order, the input CRS or the method.
        Empty input gives an empty Series.

    Raises
    ------
    ParameterError
        For a bad ``eps_m``, ``min_samples``, ``method`` or ``weights``, or geometries that are
        missing, empty or not points.
    """
    eps = check_eps(eps_m)
    ms = check_count(min_samples, "min_samples", low=1)
    check_method(method)
    geoms = point_series(points)
    w = point_weights(points, weights)
    resolve_method(method, w is not None)
    if len(geoms) == 0:
        return labels_series(points, np.empty(0, dtype=np.int64))
    xy, _crs = metric_coordinates(geoms, metric_crs)
    result = dbscan_xy(xy, eps_m=eps, min_samples=ms, weights=w, method=method)
    return labels_series(points, result.labels)
