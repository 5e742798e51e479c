"""Density-aware hotspot parameters and patrol-sized hotspots (wide clusters split)."""

# Why this rule (docs/hotspots.md has the back-test): DBSCAN with a fixed ``min_samples``
# chains dense areas together as the data grows, so the same city gives one 34 km "hotspot"
# with three years of records. Here a core point is one whose neighbourhood of radius
# ``eps_m`` holds DENSITY_MULTIPLE × the incidents that the city's MEAN density (incidents of
# the selection / study area) puts in a disc of that radius. Doubling the data doubles both
# sides, so the same places come out whatever the volume or the period. The k-distance knee
# (the other rule evaluated) drifts with volume: its eps shrinks as the data grows.

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.crs import metric_coordinates
from geo.errors import ParameterError
from geo.i18n import _, counted, format_int, format_number
from geo.schema import OCCURRED_AT
from models.arrays import FloatArray, IntArray
from models.checks import check_count
from models.hotspots.columns import NOISE, Method
from models.hotspots.dbscan import canonical_order, check_eps, dbscan_xy
from models.inputs import AnalysisInputs
from models.selection import precise_mask

logger = logging.getLogger(__name__)

#: Neighbourhood radius of the density rule: a micro-place (a market, a college gate); the
#: radius the tool always had by default.
DENSITY_EPS_M: Final = 150.0
#: A core point has at least this many times the incidents the city's mean density puts
#: within ``eps_m`` of it.
DENSITY_MULTIPLE: Final = 10.0
#: Never fewer incidents than this make a core point (a "hotspot" of two incidents is chance).
MIN_CORE_SAMPLES: Final = 5
#: Bounds of an eps derived from a given ``min_samples`` alone.
EPS_BOUNDS_M: Final = (25.0, 500.0)
#: Widest hotspot polygon, in metres, a patrol team can cover (``SHAKTI_MAX_HOTSPOT_M``).
DEFAULT_MAX_WIDTH_M: Final = 1000.0
#: Each re-clustering of a too-wide hotspot shrinks eps by this factor and raises
#: min_samples by SPLIT_SAMPLES (the density threshold rises × 1.2 / 0.8² ≈ 1.9).
SPLIT_EPS: Final = 0.8
SPLIT_SAMPLES: Final = 1.2
#: Re-clusterings before a still-too-wide part (a uniform plateau) is cut into k-means pieces.
SPLIT_DEPTH: Final = 6
#: Smallest eps of a re-clustering.
SPLIT_MIN_EPS_M: Final = 20.0

#: How the parameters were chosen (``HotspotParamsChoice.rule``).
RULE_DENSITY: Final = "density"
RULE_FLOOR: Final = "floor"
RULE_EXPLICIT: Final = "explicit"
#: The density rule asked more than the densest neighbourhoods hold (a small or spread layer).
RULE_DENSEST: Final = "densest"
RULES: Final = (RULE_DENSITY, RULE_FLOOR, RULE_EXPLICIT, RULE_DENSEST)
#: Share of incidents whose neighbourhoods can always make cores: the rule never asks more than
#: the count within eps that the densest 1 % of incidents reach.
DENSEST_SHARE: Final = 0.01
#: Incidents whose neighbourhoods are counted to find that count (a seeded sample beyond it).
DENSEST_SAMPLE: Final = 20_000


@dataclass(frozen=True)
class HotspotParamsChoice:
    """The DBSCAN parameters of a hotspot analysis and why they were chosen.

    Attributes
    ----------
    eps_m : float
        Neighbourhood radius in metres.
    min_samples : int
        Incidents within ``eps_m`` that make a core point.
    rule : str
        :data:`RULE_DENSITY` (``min_samples`` = multiple × the city's mean count within
        ``eps_m``), :data:`RULE_FLOOR` (that count was below :data:`MIN_CORE_SAMPLES`) or
        :data:`RULE_EXPLICIT` (both given by the user) or :data:`RULE_DENSEST` (the multiple
        asked more than the densest :data:`DENSEST_SHARE` of neighbourhoods hold: their count).
    multiple : float
        The density multiple of the rule (for explicit parameters: the one they amount to).
    mean_count : float
        Incidents the selection's mean density puts within ``eps_m`` of a point.
    incidents : int
        Incidents of the selection.
    area_km2 : float
        Study area (the selected thanas, else the incidents' convex hull).
    days : int
        Days from the selection's first to its last incident (both included).
    max_width_m : float or None
        Widest hotspot allowed (wider clusters are split); ``None``: no cap.
    drives : bool
        The points are awareness drives, not incidents (said in the reason).
    """

    eps_m: float
    min_samples: int
    rule: str
    multiple: float
    mean_count: float
    incidents: int
    area_km2: float
    days: int
    max_width_m: float | None = field(default=None)
    drives: bool = field(default=False)

    def period(self) -> str:
        """Return the selection's period in words ("12 months", "20 days")."""
        months = round(self.days / 30.4375)
        if months >= 2:
            return counted(months, "{n} month", "{n} months")
        return counted(self.days, "{n} day", "{n} days")

    def reason(self) -> str:
        """Return one sentence saying how the parameters were chosen, with their numbers."""
        head = _("eps {eps} m, min {min}").format(
            eps=format_number(self.eps_m, digits=0), min=format_int(self.min_samples)
        )
        if self.rule == RULE_EXPLICIT:
            # TRANSLATORS: {head} is "eps 100 m, min 14"; {multiple} e.g. "4.2".
            text = _("{head}: as given ({multiple}× the mean density for these {period})")
        elif self.rule == RULE_FLOOR and self.drives:
            # TRANSLATORS: {floor} is the smallest min_samples ever chosen (5).
            text = _(
                "{head}: at least {floor} awareness drives make a cluster core "
                "(the mean density for these {period} is low)"
            )
        elif self.rule == RULE_DENSEST:
            # TRANSLATORS: {multiple} e.g. "10"; the layer is small or spread out.
            text = _(
                "{head}: the count within eps of the densest 1% of incidents "
                "({multiple}× the mean density asked more) for these {period}"
            )
        elif self.rule == RULE_FLOOR:
            # TRANSLATORS: {floor} is the smallest min_samples ever chosen (5).
            text = _(
                "{head}: at least {floor} incidents make a hotspot core "
                "(the mean density for these {period} is low)"
            )
        else:
            # TRANSLATORS: {head} is "eps 100 m, min 14"; {multiple} e.g. "10".
            text = _("{head}: {multiple}× the mean density of the area for these {period}")
        out = text.format(
            head=head,
            multiple=format_number(self.multiple, digits=0 if self.multiple >= 10 else 1),
            period=self.period(),
            floor=format_int(MIN_CORE_SAMPLES),
        )
        if self.max_width_m is not None:
            # TRANSLATORS: appended to the parameter sentence; {width} in metres.
            out += _("; hotspots wider than {width} m are split").format(
                width=format_int(round(self.max_width_m))
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        """Return the choice as JSON-ready values, the reason included."""
        return {
            "eps_m": self.eps_m,
            "min_samples": self.min_samples,
            "rule": self.rule,
            "multiple": round(self.multiple, 3) if math.isfinite(self.multiple) else None,
            "mean_count": round(self.mean_count, 4),
            "incidents": self.incidents,
            "area_km2": round(self.area_km2, 3),
            "days": self.days,
            "max_width_m": self.max_width_m,
            "layer": "campaigns" if self.drives else "incidents",
            "reason": self.reason(),
        }


def wanted_count(mean: float, multiple: float) -> int:
    """Return the ``min_samples`` the density rule asks: ``multiple`` × the mean, rounded up."""
    return math.ceil(multiple * mean)


def mean_count(n: int, area_m2: float, eps_m: float) -> float:
    """Return the incidents a uniform spread of ``n`` over ``area_m2`` puts within ``eps_m``."""
    if area_m2 <= 0:
        return 0.0
    return n * math.pi * eps_m**2 / area_m2


def choose_params(
    n: int,
    *,
    area_m2: float,
    days: int,
    eps_m: float | None = None,
    min_samples: int | None = None,
    multiple: float = DENSITY_MULTIPLE,
    max_width_m: float | None = None,
    densest: int | None = None,
) -> HotspotParamsChoice:
    """Choose the DBSCAN parameters of a selection from its mean density.

    Parameters
    ----------
    n : int
        Incidents of the selection (those that can form hotspots).
    area_m2 : float
        Study area in square metres (the selected thanas, else the incidents' hull).
    days : int
        Days the selection spans (only said in the reason).
    eps_m, min_samples : float or int, optional
        Given values are kept; with only ``eps_m``, ``min_samples`` follows the rule; with only
        ``min_samples``, eps is the radius whose mean count × ``multiple`` is ``min_samples``
        (within :data:`EPS_BOUNDS_M`); with neither, eps is :data:`DENSITY_EPS_M`.
    multiple : float
        The density multiple of a core point.
    max_width_m : float, optional
        Recorded in the choice (the cap on hotspot width).
    densest : int, optional
        Incidents within eps of the densest :data:`DENSEST_SHARE` of incidents
        (:func:`densest_count`): the rule never asks more, so a small or spread layer still
        has its densest places as hotspots.

    Returns
    -------
    HotspotParamsChoice
    """
    if not (math.isfinite(multiple) and multiple > 0):
        raise ParameterError(
            f"the density multiple must be a positive number, got {multiple!r}", fix="use e.g. 10"
        )
    n = check_count(n, "incidents", low=0)
    both_given = eps_m is not None and min_samples is not None
    if eps_m is None and min_samples is not None:
        ms = check_count(min_samples, "min_samples", low=1)
        per_m2 = n * multiple / area_m2 if area_m2 > 0 else 0.0
        eps = math.sqrt(ms / (math.pi * per_m2)) if per_m2 > 0 else EPS_BOUNDS_M[1]
        eps_m = float(min(max(eps, EPS_BOUNDS_M[0]), EPS_BOUNDS_M[1]))
    eps = check_eps(DENSITY_EPS_M if eps_m is None else eps_m)
    mean = mean_count(n, area_m2, eps)
    if min_samples is not None:
        ms = check_count(min_samples, "min_samples", low=1)
        rule = RULE_EXPLICIT if both_given else RULE_DENSITY
        multiple = ms / mean if mean > 0 else math.inf  # the multiple they amount to
    else:
        wanted = wanted_count(mean, multiple)
        rule = RULE_DENSITY if wanted >= MIN_CORE_SAMPLES else RULE_FLOOR
        if densest is not None and wanted > densest >= MIN_CORE_SAMPLES:
            wanted, rule = densest, RULE_DENSEST
        ms = max(wanted, MIN_CORE_SAMPLES)
    return HotspotParamsChoice(
        eps_m=eps, min_samples=ms, rule=rule, multiple=multiple, mean_count=mean, incidents=n,
        area_km2=area_m2 / 1e6, days=int(days), max_width_m=max_width_m,
    )  # fmt: skip


def choose_for_inputs(
    data: AnalysisInputs,
    *,
    eps_m: float | None = None,
    min_samples: int | None = None,
    max_width_m: float | None = None,
    metric_crs: str | None = None,
) -> HotspotParamsChoice:
    """Choose the parameters of a selection (:func:`choose_params` with its own numbers).

    The incidents are those precisely located (centroids never form hotspots); the study area
    is the selected thanas' polygons (:meth:`AnalysisInputs.study_area`), else the incidents'
    convex hull; the period runs from the first to the last selected incident.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    eps_m, min_samples, max_width_m
        As for :func:`choose_params`.
    metric_crs : str, optional
        Projected CRS of the area; default: the local UTM zone.

    Returns
    -------
    HotspotParamsChoice
    """
    incidents = data.incidents
    precise = precise_mask(incidents)
    if precise is not None:
        incidents = incidents.loc[precise]
    return choose_for_points(
        incidents, data, OCCURRED_AT, eps_m=eps_m, min_samples=min_samples,
        max_width_m=max_width_m, metric_crs=metric_crs,
    )  # fmt: skip


def choose_for_points(
    points: gpd.GeoDataFrame,
    data: AnalysisInputs,
    time_column: str,
    *,
    eps_m: float | None = None,
    min_samples: int | None = None,
    max_width_m: float | None = None,
    metric_crs: str | None = None,
    drives: bool = False,
) -> HotspotParamsChoice:
    """Choose the parameters for any points of a selection (incidents, awareness drives).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        The points to cluster, with a date or date-time ``time_column``.
    data : models.inputs.AnalysisInputs
        The selection (its study area).
    time_column : str
    eps_m, min_samples, max_width_m, metric_crs
        As for :func:`choose_for_inputs`.
    drives : bool
        The points are awareness drives (:attr:`HotspotParamsChoice.drives`).

    Returns
    -------
    HotspotParamsChoice
    """
    n = len(points)
    area = 0.0
    days = 0
    densest = None
    if n:
        # projected from the coordinate arrays (as GeoSeries.to_crs would, without building
        # a projected copy of every point: a second at 1M incidents), in the CRS
        # metric_crs_for picks, found from the same coordinates (no copy of the layer in
        # EPSG:4326 for its bounds)
        xy, crs = metric_coordinates(points, metric_crs)
        study = data.study_area()
        if study is not None and len(study):
            area = float(shapely.union_all(study.geometry.to_crs(crs).to_numpy()).area)
        if area <= 0:
            hull = shapely.convex_hull(shapely.union_all(shapely.points(xy)))
            area = float(hull.area)
        times = pd.to_datetime(points[time_column], errors="coerce").dropna()
        if len(times):
            days = int((times.max().normalize() - times.min().normalize()).days) + 1
        if min_samples is None:
            eps = check_eps(DENSITY_EPS_M if eps_m is None else eps_m)
            wanted = wanted_count(mean_count(n, area, eps), DENSITY_MULTIPLE)
            densest = densest_count(xy, eps, at_least=wanted)
    choice = choose_params(
        n, area_m2=area, days=days, eps_m=eps_m, min_samples=min_samples,
        max_width_m=max_width_m, densest=densest,
    )  # fmt: skip
    return replace(choice, drives=drives)


def densest_count(
    xy: npt.ArrayLike, eps_m: float, *, seed: int = 0, at_least: int | None = None
) -> int:
    """Return the count within ``eps_m`` (itself included) the densest 1 % of points reach.

    The :data:`DENSEST_SHARE` upper quantile of every point's neighbour count, counted on a
    seeded sample of at most :data:`DENSEST_SAMPLE` points against all of them (scipy's
    k-d tree), so its cost is bounded at any volume and its value does not depend on it.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Metric coordinates.
    eps_m : float
    seed : int
        Seed of the sample.
    at_least : int, optional
        Only whether the count reaches this matters (the density rule's wanted
        ``min_samples``): when a grid lower bound of the sampled counts (:func:`_counts_below`)
        already shows that it does, ``at_least`` is returned without the k-d tree (most of a
        second at 1M points). Otherwise, and without it, the exact count.

    Returns
    -------
    int
    """
    from scipy.spatial import cKDTree

    pts = np.asarray(xy, dtype=float)
    if len(pts) == 0:
        return 0
    rng = np.random.default_rng(seed)
    take = rng.choice(len(pts), size=min(len(pts), DENSEST_SAMPLE), replace=False)
    if at_least is not None:
        low = _counts_below(pts, eps_m, take)
        # the quantile is at least the sorted count at index floor(h), h = (1 - share)(n - 1);
        # one more sample than needed for that index absorbs numpy's rounding of h
        need = len(take) - math.floor((1 - DENSEST_SHARE) * (len(take) - 1)) + 1
        if low is not None and np.count_nonzero(low >= at_least) >= need:
            return at_least
    tree = cKDTree(pts)
    counts = tree.query_ball_point(pts[take], r=eps_m, return_length=True, workers=-1)
    return int(np.ceil(np.quantile(counts, 1 - DENSEST_SHARE)))


#: Cells of :func:`_counts_below`, (di, dj) from a point's cell, that lie wholly within eps of
#: every point of that cell when cells are eps/4 wide: (|di| + 1)² + (|dj| + 1)² ≤ 4².
_REACH_CELLS: Final = tuple(
    (di, dj)
    for di in range(-2, 3)
    for dj in range(-2, 3)
    if (abs(di) + 1) ** 2 + (abs(dj) + 1) ** 2 <= 16
)


def _counts_below(pts: FloatArray, eps_m: float, take: IntArray) -> IntArray | None:
    """Return a lower bound of each ``take`` point's count within ``eps_m``; ``None``: no grid.

    On a grid of cells a hair narrower than ``eps_m / 4``, the points in the 21 cells of
    :data:`_REACH_CELLS` around a point's cell are all within ``eps_m`` of it (about 40 % of
    its disc). ``None`` when that grid would have far more cells than points.
    """
    side = eps_m / 4 * (1 - 1e-9)
    if float(np.ptp(pts, axis=0).max()) / side >= 2.0**62:  # cell numbers past int64
        return None
    ij = np.floor((pts - pts.min(axis=0)) / side).astype(np.int64)
    shape = ij.max(axis=0) + 1
    if int(shape[0]) * int(shape[1]) > max(4 * len(pts), 1_000_000):
        return None
    rows, cols = int(shape[0]) + 4, int(shape[1]) + 4  # two empty cells all round
    flat = (ij[:, 0] + 2) * cols + (ij[:, 1] + 2)
    counts = np.bincount(flat, minlength=rows * cols).reshape(rows, cols)
    i, j = ij[take, 0] + 2, ij[take, 1] + 2
    return sum((counts[i + di, j + dj] for di, dj in _REACH_CELLS), np.zeros(len(take), np.int64))


# --------------------------------------------------------------------------- patrol-sized


def diameter_m(xy: npt.ArrayLike) -> float:
    """Return the largest distance between two of the points (0 for fewer than two).

    The farthest pair lies on the convex hull (qhull, via scipy); degenerate sets (collinear
    or repeated points) fall back to shapely's hull.
    """
    from scipy.spatial import ConvexHull, QhullError

    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if len(pts) < 2:
        return 0.0
    try:
        hull = pts[ConvexHull(pts).vertices] if len(pts) >= 3 else pts
    except QhullError:
        hull = shapely.get_coordinates(shapely.convex_hull(shapely.multipoints(pts)))
    return float(np.sqrt(((hull[:, None, :] - hull[None, :, :]) ** 2).sum(-1)).max())


def _wider_than(pts: FloatArray, limit: float) -> bool:
    """Return whether the points' diameter exceeds ``limit`` (the bounding box decides first)."""
    if len(pts) < 2:
        return False
    span = pts.max(axis=0) - pts.min(axis=0)
    if float(np.hypot(*span)) <= limit:
        return False
    if float(span.max()) > limit:
        return True
    return diameter_m(pts) > limit


def _groups(labels: IntArray) -> list[IntArray]:
    """Return the indices of each cluster 0..k-1 (one sort, not k scans)."""
    member = np.flatnonzero(labels >= 0)
    if len(member) == 0:
        return []
    order = member[np.argsort(labels[member], kind="stable")]
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return list(np.split(order, bounds))


def geometry_widths_m(geoms: npt.NDArray[np.object_]) -> FloatArray:
    """Return the diameter of each geometry (largest distance between two of its vertices)."""
    return np.array(
        [diameter_m(shapely.get_coordinates(shapely.convex_hull(g))) for g in geoms],
        dtype=np.float64,
    )


#: Most pieces one k-means cut makes: a piece still too wide is cut again, so a plateau many
#: times the widest hotspot wide (an upload, a small ``max_width_m``) costs a few k-means of a
#: few pieces each, not one of (width / limit)² pieces, whose cost grows with n × pieces
#: (100k incidents on an even 16 km square, cap 1,000 m: 44 s before, 6 s).
MAX_CUT_PIECES: Final = 64


def _kmeans_parts(xy: FloatArray, limit_m: float, seed: int) -> list[IntArray]:
    """Cut a plateau of even density into about ``limit_m``-wide pieces (seeded k-means).

    At most :data:`MAX_CUT_PIECES` pieces; the caller cuts a piece still too wide again.
    """
    from sklearn.cluster import KMeans

    distinct = len(np.unique(xy, axis=0))
    wanted = max(2, math.ceil(diameter_m(xy) / limit_m) ** 2)
    k = min(distinct, wanted, MAX_CUT_PIECES)
    if distinct < 2:
        return [np.arange(len(xy))]
    labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(xy).labels_
    return [np.flatnonzero(labels == j) for j in range(k) if (labels == j).any()]


def split_wide(
    xy: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    eps_m: float,
    min_samples: int,
    max_width_m: float,
    method: Method = "auto",
    seed: int = 0,
) -> IntArray:
    """Split every cluster wider than ``max_width_m`` along its density structure.

    A too-wide cluster is re-clustered with a smaller eps and a larger ``min_samples``
    (:data:`SPLIT_EPS`, :data:`SPLIT_SAMPLES`: its denser cores come apart, the thinner links
    become noise), recursively; a part still too wide after :data:`SPLIT_DEPTH` levels, or
    that would vanish, is cut by seeded k-means into pieces about ``max_width_m`` wide.

    Parameters
    ----------
    xy : array-like
        ``(n, 2)`` coordinates in metres.
    labels : array-like
        Cluster labels of a DBSCAN with ``eps_m`` and ``min_samples`` (:data:`NOISE` = -1).
    eps_m, min_samples : float, int
        The parameters that gave ``labels``.
    max_width_m : float
        Largest distance between two members of a cluster.
    method : {"auto", "grid", "sklearn"}
        DBSCAN implementation of the re-clusterings.
    seed : int
        Seed of the k-means cuts.

    Returns
    -------
    numpy.ndarray
        ``labels`` unchanged when no cluster was too wide; otherwise new labels 0..k-1
        numbered by the smallest (x, y) of their members, :data:`NOISE` for the rest.
    """
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    limit = check_eps(max_width_m, "max_width_m")
    groups = _groups(lab)

    def fits(idx: IntArray) -> bool:
        return not _wider_than(pts[idx], limit)

    def cut(idx: IntArray) -> list[IntArray]:
        return [idx[p] for p in _kmeans_parts(pts[idx], limit, seed)]

    if all(fits(g) for g in groups):
        return lab
    parts = _split_until(
        pts, groups, fits, cut, eps_m=eps_m, min_samples=min_samples, method=method
    )
    logger.info("split %d clusters wider than %g m into %d", len(groups), limit, len(parts))
    return _relabel(pts, parts)


#: A group of points to split: its point indices, the eps and ``min_samples`` that made it,
#: and its depth (levels of re-clustering above it; :data:`SPLIT_DEPTH` once cut).
_Part = tuple[IntArray, float, int, int]
#: Most threads re-clustering groups at once (each group is split independently).
_SPLIT_WORKERS: Final = 4
#: Fewest points in the groups to split for which they are split in threads.
_PARALLEL_SPLIT_MIN: Final = 50_000


def _split_until(
    pts: FloatArray,
    groups: list[IntArray],
    fits: Callable[[IntArray], bool],
    cut: Callable[[IntArray], list[IntArray]],
    *,
    eps_m: float,
    min_samples: int,
    method: Method,
) -> list[IntArray]:
    """Re-cluster every group that does not ``fit`` at a higher density until its parts do.

    Each level shrinks eps by :data:`SPLIT_EPS` and raises ``min_samples`` by
    :data:`SPLIT_SAMPLES` (the denser cores come apart, the thinner links become noise); a part
    with no density structure left, or still unfit after :data:`SPLIT_DEPTH` levels, is
    ``cut`` and its pieces checked again. Parts made below the first level need
    ``min_samples`` members (a crumb is no hotspot). Returns the parts' point indices, in the
    order of a depth-first walk (last child first).

    Every group is split on its own points only, so groups are split in threads when there
    are many points (:func:`_split_tree`): a DBSCAN core that releases the GIL then uses every
    core. The parts, and their order, are the same whichever thread splits what.
    """

    def children(part: _Part) -> list[_Part] | None:
        """Return the parts a group splits into, ``None`` when it fits as it is."""
        idx, eps, ms, depth = part
        if fits(idx):
            return None
        sub_eps = max(eps * SPLIT_EPS, SPLIT_MIN_EPS_M)
        sub_ms = math.ceil(ms * SPLIT_SAMPLES)
        if depth < SPLIT_DEPTH and len(idx) >= sub_ms:
            sub = dbscan_xy(pts[idx], eps_m=sub_eps, min_samples=sub_ms, method=method).labels
            if (sub >= 0).any():
                return [(idx[g], sub_eps, sub_ms, depth + 1) for g in _groups(sub)]
        return [(piece, eps, ms, SPLIT_DEPTH) for piece in cut(idx)]

    roots: list[_Part] = [(g, eps_m, min_samples, 0) for g in groups]
    many = sum(len(g) for g in groups) >= _PARALLEL_SPLIT_MIN
    workers = min(os.cpu_count() or 1, _SPLIT_WORKERS) if many else 1
    split = _split_tree(roots, children, workers)
    parts: list[IntArray] = []
    stack = list(range(len(roots)))
    while stack:
        node = stack.pop()
        kids = split.children[node]
        if kids is not None:
            stack.extend(kids)
            continue
        idx, _eps, _ms, depth = split.parts[node]
        if depth == 0 or len(idx) >= min_samples:
            parts.append(idx)
    return parts


@dataclass
class _SplitTree:
    """Every group met while splitting: ``parts[i]`` and the node numbers of its children."""

    parts: list[_Part]
    children: list[list[int] | None]


def _split_tree(
    roots: list[_Part], children: Callable[[_Part], list[_Part] | None], workers: int
) -> _SplitTree:
    """Expand ``roots`` with ``children`` down to the groups that fit, in ``workers`` threads.

    A node's children are submitted as soon as they are known, largest first (the slowest
    re-clusterings start early); nodes are numbered as met, so the tree itself depends on the
    threads' timing only through its numbering, never its shape.
    """
    tree = _SplitTree(parts=list(roots), children=[None] * len(roots))
    if workers < 2:
        todo = list(range(len(roots)))
        while todo:
            node = todo.pop()
            tree.children[node] = _add_children(tree, children(tree.parts[node]))
            todo.extend(tree.children[node] or ())
        return tree
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="split") as pool:
        running: dict[Future[list[_Part] | None], int] = {}

        def submit(nodes: list[int]) -> None:
            for node in sorted(nodes, key=lambda i: -len(tree.parts[i][0])):
                running[pool.submit(children, tree.parts[node])] = node

        submit(list(range(len(roots))))
        while running:
            done, _pending = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                node = running.pop(future)
                tree.children[node] = _add_children(tree, future.result())
                submit(tree.children[node] or [])
    return tree


def _add_children(tree: _SplitTree, kids: list[_Part] | None) -> list[int] | None:
    """Add a node's children (``None``: it fits) to ``tree``; return their node numbers."""
    if kids is None:
        return None
    first = len(tree.parts)
    tree.parts.extend(kids)
    tree.children.extend([None] * len(kids))
    return list(range(first, first + len(kids)))


def _relabel(pts: FloatArray, parts: list[IntArray]) -> IntArray:
    """Labels 0..k-1 of ``parts`` numbered by the smallest (x, y) of their members; noise else."""
    out = np.full(len(pts), NOISE, dtype=np.int64)
    for j, idx in enumerate(parts):
        out[idx] = j
    member = out >= 0
    if member.any():
        mapping = canonical_order(out[member], [pts[member, 0], pts[member, 1]])
        out[member] = mapping[out[member]]
    return out


#: Most thanas a hotspot may span before it is split (one line crossed is said, not split).
MAX_THANAS: Final = 2


def split_across_thanas(
    xy: npt.ArrayLike,
    labels: npt.ArrayLike,
    thanas: npt.ArrayLike,
    *,
    eps_m: float,
    min_samples: int,
    method: Method = "auto",
    max_thanas: int = MAX_THANAS,
) -> IntArray:
    """Split every cluster whose members lie in more than ``max_thanas`` thanas.

    As :func:`split_wide`, such a cluster is re-clustered with a smaller eps and a larger
    ``min_samples``, recursively (:data:`SPLIT_DEPTH` levels); a part with no density structure
    left is cut by thana (one part per thana; parts of fewer than ``min_samples`` incidents
    become noise). The parts are subsets, so none is wider than its cluster.

    Parameters
    ----------
    xy : array-like
        ``(n, 2)`` coordinates in metres.
    labels : array-like
        Cluster labels (:data:`NOISE` = -1).
    thanas : array-like
        The thana name of each point (``None`` outside all: counts as one more "thana").
    eps_m, min_samples : float, int
        The parameters that gave ``labels``.
    method : {"auto", "grid", "sklearn"}
    max_thanas : int
        At least 1 (:data:`MAX_THANAS`): more thanas than this make a cluster split.

    Returns
    -------
    numpy.ndarray
        ``labels`` unchanged when no cluster spans too many thanas; otherwise new labels
        0..k-1 numbered by the smallest (x, y) of their members, :data:`NOISE` for the rest.
    """
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    most = check_count(max_thanas, "max_thanas", low=1)
    codes = pd.factorize(pd.Series(np.asarray(thanas, dtype=object)), use_na_sentinel=False)[0]
    groups = _groups(lab)

    def fits(idx: IntArray) -> bool:
        return len(np.unique(codes[idx])) <= most

    def by_thana(idx: IntArray) -> list[IntArray]:  # no density structure left
        return [idx[codes[idx] == code] for code in np.unique(codes[idx])]

    if all(fits(g) for g in groups):
        return lab
    parts = _split_until(
        pts, groups, fits, by_thana, eps_m=eps_m, min_samples=min_samples, method=method
    )
    logger.info("split clusters spanning more than %d thanas: %d parts", most, len(parts))
    return _relabel(pts, parts)
