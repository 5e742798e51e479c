"""Incident hotspots: exact DBSCAN (fast grid or scikit-learn), HDBSCAN, ST-DBSCAN and profiles."""

# How the pieces fit
# ------------------
# * :func:`cluster` projects points once (``shapely.get_coordinates`` + one pyproj transform of
#   the coordinate arrays, no GeoDataFrame copy) and runs :func:`dbscan_xy`.
# * :func:`dbscan_xy` runs exact DBSCAN with the ``dbscan`` package (the SIGMOD 2020 parallel
#   grid algorithm: O(n) memory, multithreaded) or with scikit-learn, then makes the labels
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

import functools
import itertools
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from scipy import sparse
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84, metric_coordinates, metric_crs_for, point_series
from geo.errors import ParameterError
from geo.schema import (
    CATEGORY,
    HELD_ON,
    KIND,
    NAME,
    OCCURRED_AT,
    SOURCE,
    STATUS,
    THANA,
    VIEW_RADIUS_M,
)

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Points: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries
Method: TypeAlias = Literal["auto", "grid", "sklearn"]
HullKind: TypeAlias = Literal["concave", "buffer"]
Weights: TypeAlias = str | pd.Series | Sequence[float] | npt.ArrayLike | None

# --------------------------------------------------------------------------- sentinels

#: Label of a point that belongs to no hotspot.
NOISE: Final = -1
#: Clustering methods of :func:`cluster`.
METHOD_AUTO: Final = "auto"
METHOD_GRID: Final = "grid"
METHOD_SKLEARN: Final = "sklearn"
METHODS: Final = (METHOD_AUTO, METHOD_GRID, METHOD_SKLEARN)
#: Hull kinds of :func:`find_hotspots`.
HULL_CONCAVE: Final = "concave"
HULL_BUFFER: Final = "buffer"
HULLS: Final = (HULL_CONCAVE, HULL_BUFFER)
#: Trend labels.
RISING: Final = "rising"
FALLING: Final = "falling"
STABLE: Final = "stable"
UNKNOWN: Final = "unknown"
#: Day patterns.
WEEKDAYS: Final = "weekdays"
WEEKENDS: Final = "weekends"
ALL_WEEK: Final = "all week"
WEEKDAY_NAMES: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip

# --------------------------------------------------------------------------- output columns

#: Cluster label (Series name of :func:`cluster`; index name of :func:`find_hotspots`).
HOTSPOT_ID: Final = "hotspot_id"
#: Number of incidents in the hotspot.
INCIDENTS: Final = "incidents"
#: ``{category: count}``, most frequent first; and the most frequent category and its share.
CATEGORY_MIX: Final = "category_mix"
TOP_CATEGORY: Final = "top_category"
TOP_CATEGORY_SHARE: Final = "top_category_share"
#: ``{source: count}``, most frequent first.
SOURCE_MIX: Final = "source_mix"
#: Local dates (ISO ``YYYY-MM-DD``) of the first and last incident.
FIRST_DATE: Final = "first_date"
LAST_DATE: Final = "last_date"
#: Whole days from the last incident to the reference time.
DAYS_SINCE_LAST: Final = "days_since_last"
#: 24 counts (local hour 0..23) and 7 counts (Monday..Sunday).
HOUR_PROFILE: Final = "hour_profile"
WEEKDAY_PROFILE: Final = "weekday_profile"
#: Busiest :data:`PEAK_WINDOW_HOURS`-hour window (``"17:00–19:00"``) and its share.
PEAK_HOURS: Final = "peak_hours"
PEAK_HOURS_SHARE: Final = "peak_hours_share"
#: Busiest weekday name, and :data:`WEEKDAYS`, :data:`WEEKENDS` or :data:`ALL_WEEK`.
PEAK_WEEKDAY: Final = "peak_weekday"
DAY_PATTERN: Final = "day_pattern"
#: Area of the hotspot polygon (km², in the metric CRS) and incidents per km².
AREA_KM2: Final = "area_km2"
DENSITY_PER_KM2: Final = "density_per_km2"
#: Incidents in the last ``recent_days`` and in the same-length window before it.
RECENT_INCIDENTS: Final = "recent_incidents"
PREVIOUS_INCIDENTS: Final = "previous_incidents"
#: ``recent / previous`` (NaN when previous is 0) and :data:`RISING`/:data:`FALLING`/...
TREND_RATIO: Final = "trend_ratio"
TREND: Final = "trend"
#: Thana with most incidents, whether incidents fall in several thanas, and ``"A; B"``.
PRIMARY_THANA: Final = "primary_thana"
CROSS_THANA: Final = "cross_thana"
THANA_LIST: Final = "thanas"
#: Sensitive sites within ``site_radius_m``: count, ``{kind: count}``, nearest few.
SITES_NEARBY: Final = "sites_nearby"
SITES_BY_KIND: Final = "sites_by_kind"
NEAREST_SITES: Final = "nearest_sites"
#: Share of the incidents within the view radius of a working camera; cameras around.
CCTV_COVERED_SHARE: Final = "cctv_covered_share"
CAMERAS_WORKING: Final = "cameras_working"
CAMERAS_NOT_WORKING: Final = "cameras_not_working"
#: Drives within ``campaign_radius_m`` in the last ``campaign_days``; last one (any time).
CAMPAIGNS_RECENT: Final = "campaigns_recent"
LAST_CAMPAIGN: Final = "last_campaign"
DAYS_SINCE_CAMPAIGN: Final = "days_since_campaign"
#: Risk components, each in [0, 1] (NaN when the layer it needs was not given).
RISK_COUNT: Final = "risk_count"
RISK_RECENCY: Final = "risk_recency"
RISK_TREND: Final = "risk_trend"
RISK_SITES: Final = "risk_sites"
RISK_NO_CAMERA: Final = "risk_no_camera"
RISK_NO_CAMPAIGN: Final = "risk_no_campaign"
#: Weighted mean of the available components, in [0, 1]; 1 = highest risk.
RISK_SCORE: Final = "risk_score"
RISK_RANK: Final = "risk_rank"
#: "Why this hotspot", one sentence with the numbers; and caveats (assumed radii...).
WHY: Final = "why"
NOTES: Final = "notes"
#: Added by :func:`underserved_hotspots`.
UNDERSERVED_REASON: Final = "reason"
UNDERSERVED_RANK: Final = "underserved_rank"

#: Every column of :func:`find_hotspots`, in order (plus ``geometry``).
HOTSPOT_COLUMNS: Final = (
    INCIDENTS, CATEGORY_MIX, TOP_CATEGORY, TOP_CATEGORY_SHARE, SOURCE_MIX, FIRST_DATE,
    LAST_DATE, DAYS_SINCE_LAST, HOUR_PROFILE, WEEKDAY_PROFILE, PEAK_HOURS, PEAK_HOURS_SHARE,
    PEAK_WEEKDAY, DAY_PATTERN, AREA_KM2, DENSITY_PER_KM2, RECENT_INCIDENTS, PREVIOUS_INCIDENTS,
    TREND_RATIO, TREND, PRIMARY_THANA, CROSS_THANA, THANA_LIST, SITES_NEARBY, SITES_BY_KIND,
    NEAREST_SITES, CCTV_COVERED_SHARE, CAMERAS_WORKING, CAMERAS_NOT_WORKING, CAMPAIGNS_RECENT,
    LAST_CAMPAIGN, DAYS_SINCE_CAMPAIGN, RISK_COUNT, RISK_RECENCY, RISK_TREND, RISK_SITES,
    RISK_NO_CAMERA, RISK_NO_CAMPAIGN, RISK_SCORE, RISK_RANK, WHY, NOTES,
)  # fmt: skip

#: Columns of :func:`sweep`.
EPS_M: Final = "eps_m"
MIN_SAMPLES: Final = "min_samples"
N_HOTSPOTS: Final = "n_hotspots"
INCIDENT_SHARE: Final = "incident_share"
NOISE_SHARE: Final = "noise_share"
MEDIAN_HOTSPOT_SIZE: Final = "median_hotspot_size"
SWEEP_COLUMNS: Final = (
    EPS_M, MIN_SAMPLES, N_HOTSPOTS, INCIDENT_SHARE, NOISE_SHARE, MEDIAN_HOTSPOT_SIZE,
)  # fmt: skip
#: Name of the :func:`k_distance` Series.
K_DISTANCE_M: Final = "k_distance_m"

#: Key of ``GeoDataFrame.attrs`` holding the parameters and notes of :func:`find_hotspots`.
HOTSPOTS_ATTR: Final = "shakti_hotspots"

# --------------------------------------------------------------------------- defaults

DEFAULT_EPS_M: Final = 150.0
DEFAULT_MIN_SAMPLES: Final = 10
#: Length of the peak window of hours.
PEAK_WINDOW_HOURS: Final = 2
#: A day pattern is "weekdays" when the mean weekday count is ≥ this × the weekend one.
DAY_PATTERN_FACTOR: Final = 1.25
#: Trend: rising when recent ≥ TREND_UP × previous, falling when ≤ TREND_DOWN × previous,
#: and in both cases only when the counts differ by at least TREND_MIN_CHANGE.
TREND_UP: Final = 1.25
TREND_DOWN: Final = 0.8
TREND_MIN_CHANGE: Final = 3
#: ``risk_sites`` reaches 1 at this many sensitive sites.
SITES_SATURATION: Final = 5
#: Number of names in :data:`NEAREST_SITES`.
N_NEAREST_SITES: Final = 3
#: Default concave-hull ratio (shapely: 1 = convex hull, 0 = most concave).
DEFAULT_HULL_RATIO: Final = 0.4
DEFAULT_BUFFER_M: Final = 25.0
#: The k-distance knee ignores the top of the curve beyond this quantile (isolated outliers
#: would otherwise stretch the chord and pull the knee too low).
DEFAULT_KNEE_QUANTILE: Final = 0.98
#: Status of a camera that works.
WORKING: Final = "working"

#: Weights of the risk components (they sum to 1). The score is the weighted mean of the
#: components that could be computed (a component is NaN when its layer was not given).
#:
#: * ``risk_count`` (0.30): ``log(1 + n) / log(1 + n_max)`` over the hotspots of the run.
#: * ``risk_recency`` (0.15): ``1 − days_since_last / recent_days``, clipped to [0, 1].
#: * ``risk_trend`` (0.15): ``recent / (recent + previous)``; 0.5 when both are 0.
#: * ``risk_sites`` (0.15): ``min(1, sites_nearby / SITES_SATURATION)``.
#: * ``risk_no_camera`` (0.15): ``1 − cctv_covered_share``.
#: * ``risk_no_campaign`` (0.10): 1 without a drive within the radius in the campaign
#:   window, else ``days_since_campaign / campaign_days``.
RISK_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        RISK_COUNT: 0.30,
        RISK_RECENCY: 0.15,
        RISK_TREND: 0.15,
        RISK_SITES: 0.15,
        RISK_NO_CAMERA: 0.15,
        RISK_NO_CAMPAIGN: 0.10,
    }
)

#: Longest list (site kinds, thanas) spelled out in :data:`WHY`.
_WHY_MAX_ITEMS: Final = 3
#: How site kinds read in a sentence (singular, plural).
_KIND_WORDS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "school": ("school", "schools"),
        "college": ("college", "colleges"),
        "coaching-centre": ("coaching centre", "coaching centres"),
        "womens-training-centre": ("women's training centre", "women's training centres"),
        "hostel": ("hostel", "hostels"),
        "market": ("market", "markets"),
        "ghat": ("ghat", "ghats"),
        "transit": ("transit point", "transit points"),
        "other": ("other site", "other sites"),
    }
)


# --------------------------------------------------------------------------- validation


def _check_eps(eps_m: float, what: str = "eps_m") -> float:
    """Return ``eps_m`` as a float after checking it is a positive finite number of metres."""
    try:
        value = float(eps_m)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(eps_m, bool) or not math.isfinite(value) or value <= 0:
        raise ParameterError(
            f"{what} must be a positive number of metres, got {eps_m!r}",
            why="it is the neighbourhood radius: points closer than it are neighbours",
            fix=f"pass {what} such as 150 (metres); suggest_eps() proposes one from the data",
        )
    return value


def _check_count(value: int, what: str, minimum: int) -> int:
    """Return ``value`` after checking it is an integer ≥ ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < minimum:
        raise ParameterError(
            f"{what} must be a whole number ≥ {minimum}, got {value!r}",
            why=f"{what} counts points",
            fix=f"pass {what} such as 10",
        )
    return int(value)


def _check_days(value: int, what: str) -> int:
    return _check_count(value, what, 1)


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ParameterError(
            f"unknown clustering method {method!r}",
            fix="use one of " + ", ".join(repr(m) for m in METHODS),
        )
    return method


def _weights(points: Points, weights: Weights) -> FloatArray | None:
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
        ``"grid"`` or ``"sklearn"``: what computed it.
    """

    labels: IntArray
    core: BoolArray
    method: str

    @property
    def n_clusters(self) -> int:
        """Return the number of clusters."""
        return int(self.labels.max()) + 1 if len(self.labels) else 0


@functools.cache
def _grid_dbscan() -> Callable[..., tuple[Any, Any]] | None:
    """Return the ``dbscan`` package's exact grid DBSCAN, or ``None`` when not installed."""
    try:
        import dbscan
    except ImportError:  # pragma: no cover - it is a dependency; sklearn is the fallback
        logger.warning("the 'dbscan' package is missing: falling back to scikit-learn")
        return None
    return cast(Callable[..., tuple[Any, Any]], dbscan.DBSCAN)


def _resolve_method(method: str, weighted: bool) -> str:
    """Return the method that will actually run."""
    _check_method(method)
    if method == METHOD_GRID:
        if weighted:
            raise ParameterError(
                "method='grid' cannot use weights",
                why="the grid DBSCAN package has no sample weights",
                fix="use method='auto' (picks scikit-learn for weighted runs) or 'sklearn'",
            )
        if _grid_dbscan() is None:
            raise ParameterError(
                "method='grid' needs the 'dbscan' package, which is not installed",
                fix="pip install dbscan, or use method='auto'",
            )
        return METHOD_GRID
    if method == METHOD_AUTO and not weighted and _grid_dbscan() is not None:
        return METHOD_GRID
    # Weighted runs use scikit-learn. Expanding integer weights into duplicate points would
    # let the grid package run them, but it cannot express fractional or zero weights (a
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


def _canonical_order(groups: IntArray, keys: Sequence[FloatArray]) -> IntArray:
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


def _nearest_core_labels(
    xy: FloatArray,
    border: IntArray,
    cores: IntArray,
    core_labels: IntArray,
    eps: float,
    fallback: IntArray,
) -> IntArray:
    """Label each border point with the cluster of its nearest core point (ties: lowest label).

    Exact: a unique nearest core comes from a k=2 query; points whose two nearest cores are
    equidistant (duplicates, regular grids) are resolved by listing every core at that
    distance.
    """
    tree = cKDTree(xy[cores], balanced_tree=False, compact_nodes=False)
    bound = eps * (1 + 1e-9)
    dist, idx = tree.query(xy[border], k=[1, 2], distance_upper_bound=bound)
    out = fallback.copy()
    found = np.isfinite(dist[:, 0])
    unique = found & (dist[:, 1] > dist[:, 0])
    out[unique] = core_labels[idx[unique, 0]]
    tied = np.flatnonzero(found & ~unique)
    if tied.size:
        # every core within the tied distance (a hair more, for rounding), then the exact
        # nearest by numpy's distance and, among equals, the lowest label
        pts = xy[border[tied]]
        lists = tree.query_ball_point(pts, r=dist[tied, 0] * (1 + 1e-12))
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        near = np.fromiter(
            itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum())
        )
        owner = np.repeat(np.arange(len(tied)), lengths)
        d = np.sqrt(((xy[cores[near]] - pts[owner]) ** 2).sum(axis=1))
        best_d = np.full(len(tied), np.inf)
        np.minimum.at(best_d, owner, d)
        at_best = d == best_d[owner]
        best_label = np.full(len(tied), np.iinfo(np.int64).max)
        np.minimum.at(best_label, owner[at_best], core_labels[near[at_best]])
        lost = best_label == np.iinfo(np.int64).max  # cannot happen; keep the k=1 answer
        out[tied] = np.where(lost, core_labels[idx[tied, 0]], best_label)
    return out


def _canonical_labels(
    xy: FloatArray,
    raw: IntArray,
    core: BoolArray,
    eps: float,
    extra_key: FloatArray | None = None,
) -> IntArray:
    """Renumber a DBSCAN result canonically and assign border points deterministically."""
    labels = np.full(len(raw), NOISE, dtype=np.int64)
    cores = np.flatnonzero(core)
    if cores.size == 0:
        return labels
    craw = raw[cores]
    keys = [xy[cores, 0], xy[cores, 1]]
    if extra_key is not None:
        keys.append(extra_key[cores])
    mapping = _canonical_order(craw, keys)
    labels[cores] = mapping[craw]
    border = np.flatnonzero(~core & (raw >= 0))
    if border.size and extra_key is None:
        labels[border] = _nearest_core_labels(
            xy, border, cores, labels[cores], eps, mapping[raw[border]]
        )
    elif border.size:
        labels[border] = mapping[raw[border]]
    return labels


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
        ``"grid"``: the ``dbscan`` package (exact parallel grid DBSCAN, no weights);
        ``"sklearn"``: ``sklearn.cluster.DBSCAN`` with a k-d tree; ``"auto"``: grid unless
        weighted or not installed.

    Returns
    -------
    DbscanResult
    """
    eps = _check_eps(eps_m)
    ms = _check_count(min_samples, "min_samples", 1)
    pts = np.ascontiguousarray(np.asarray(xy, dtype=np.float64).reshape(-1, 2))
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if w is not None and len(w) != len(pts):
        raise ParameterError(f"{len(w)} weights for {len(pts)} points", fix="one weight a point")
    chosen = _resolve_method(method, w is not None)
    if len(pts) == 0:
        return DbscanResult(np.empty(0, np.int64), np.empty(0, bool), chosen)
    if chosen == METHOD_GRID:
        grid = _grid_dbscan()
        assert grid is not None  # checked by _resolve_method
        raw_labels, raw_core = grid(pts, eps=eps, min_samples=ms)
        raw = np.asarray(raw_labels, dtype=np.int64)
        core = np.asarray(raw_core, dtype=bool)
    else:
        from sklearn.cluster import DBSCAN

        if len(pts) > 200_000:
            logger.warning(
                "scikit-learn DBSCAN on %d points may need several GB of memory", len(pts)
            )
        model = DBSCAN(eps=eps, min_samples=ms, algorithm="kd_tree").fit(pts, sample_weight=w)
        raw = np.asarray(model.labels_, dtype=np.int64)
        core = np.zeros(len(pts), dtype=bool)
        core[model.core_sample_indices_] = True
    labels = _canonical_labels(pts, raw, core, eps)
    logger.debug(
        "DBSCAN (%s, eps=%g m, min_samples=%d): %d points, %d clusters, %d noise",
        chosen, eps, ms, len(pts), int(labels.max()) + 1, int(np.count_nonzero(labels < 0)),
    )  # fmt: skip
    return DbscanResult(labels, core, chosen)


def _labels_series(points: Points, labels: IntArray) -> pd.Series:
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
    eps = _check_eps(eps_m)
    ms = _check_count(min_samples, "min_samples", 1)
    _check_method(method)
    geoms = point_series(points)
    w = _weights(points, weights)
    _resolve_method(method, w is not None)
    if len(geoms) == 0:
        return _labels_series(points, np.empty(0, dtype=np.int64))
    xy, _crs = metric_coordinates(geoms, metric_crs)
    result = dbscan_xy(xy, eps_m=eps, min_samples=ms, weights=w, method=method)
    return _labels_series(points, result.labels)


# --------------------------------------------------------------------------- choosing eps


def k_distance(points: Points, *, k: int, metric_crs: str | None = None) -> pd.Series:
    """Return the sorted distances from each point to its k-th nearest other point.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS.
    k : int
        Which neighbour (1 = nearest other point). For DBSCAN use ``min_samples - 1``: a point
        is core exactly when its k-distance is ≤ ``eps_m``.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.

    Returns
    -------
    pandas.Series
        Named :data:`K_DISTANCE_M`, ascending, with a ``RangeIndex`` (rank, not point).

    Raises
    ------
    ParameterError
        When ``k`` < 1 or there are not more than ``k`` points.
    """
    kk = _check_count(k, "k", 1)
    xy, _crs = metric_coordinates(points, metric_crs)
    if len(xy) <= kk:
        raise ParameterError(
            f"k={kk} needs more than {kk} points, got {len(xy)}",
            fix="use a smaller k (min_samples) or more points",
        )
    dist, _idx = cKDTree(xy).query(xy, k=[kk + 1])
    values = np.sort(np.asarray(dist[:, 0], dtype=np.float64))
    return pd.Series(values, name=K_DISTANCE_M)


@dataclass(frozen=True)
class EpsSuggestion:
    """An ``eps_m`` proposed from the knee of the k-distance curve.

    Attributes
    ----------
    eps_m : float
        The k-distance at the knee, in metres.
    knee_index : int
        Position of the knee in ``curve``.
    k : int
        The neighbour rank used (``min_samples - 1``).
    min_samples : int
    curve : pandas.Series
        The sorted k-distances (:func:`k_distance`).
    """

    eps_m: float
    knee_index: int
    k: int
    min_samples: int
    curve: pd.Series


def knee_index(values: npt.ArrayLike) -> int:
    """Return the knee of an ascending convex curve (kneedle: farthest below the chord).

    Both axes are scaled to [0, 1]; the knee is where ``x − y`` is largest, i.e. the point
    farthest below the straight line from the first to the last value. Written by hand: the
    ``kneed`` package does this and more, but is not worth a dependency for six lines.

    Parameters
    ----------
    values : array-like
        Ascending values (e.g. sorted k-distances).

    Returns
    -------
    int
        Index of the knee (0 for fewer than three values or a flat curve).
    """
    y = np.asarray(values, dtype=np.float64).reshape(-1)
    if len(y) < 3 or y[-1] <= y[0]:
        return 0
    x_n = np.linspace(0.0, 1.0, len(y))
    y_n = (y - y[0]) / (y[-1] - y[0])
    return int(np.argmax(x_n - y_n))


def suggest_eps(
    points: Points,
    *,
    min_samples: int,
    metric_crs: str | None = None,
    quantile: float = DEFAULT_KNEE_QUANTILE,
) -> EpsSuggestion:
    """Propose ``eps_m`` for DBSCAN from the knee of the k-distance curve.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS.
    min_samples : int
        The ``min_samples`` DBSCAN will use (at least 2); ``k = min_samples - 1``.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.
    quantile : float
        Only the curve up to this quantile is searched for the knee (isolated outliers at the
        top would otherwise dominate the chord).

    Returns
    -------
    EpsSuggestion

    Raises
    ------
    ParameterError
        For ``min_samples`` < 2, too few points, or when every k-distance is 0 (all points
        duplicated ``min_samples`` times: any positive eps then works).
    """
    ms = _check_count(min_samples, "min_samples", 2)
    if not 0.5 <= float(quantile) <= 1.0:
        raise ParameterError(
            f"quantile must be between 0.5 and 1, got {quantile!r}", fix="use e.g. 0.98"
        )
    curve = k_distance(points, k=ms - 1, metric_crs=metric_crs)
    values = curve.to_numpy(dtype=np.float64)
    top = max(3, math.ceil(float(quantile) * len(values)))
    knee = knee_index(values[:top])
    eps = float(values[knee])
    if eps <= 0:
        positive = values[values > 0]
        if positive.size == 0:
            raise ParameterError(
                "cannot suggest eps_m: every k-distance is 0 (the points are duplicates)",
                fix="pick any small positive eps_m, e.g. 10",
            )
        eps = float(positive[0])
        knee = int(np.searchsorted(values, eps))
    return EpsSuggestion(eps_m=eps, knee_index=knee, k=ms - 1, min_samples=ms, curve=curve)


def sweep(
    points: Points,
    *,
    eps_m_values: Iterable[float],
    min_samples_values: Iterable[int],
    weights: str | pd.Series | None = None,
    metric_crs: str | None = None,
    method: Method = "auto",
) -> pd.DataFrame:
    """Cluster with every (eps_m, min_samples) pair and summarise each run.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS (projected once).
    eps_m_values : iterable of float
        Radii in metres.
    min_samples_values : iterable of int
        Neighbourhood sizes.
    weights, metric_crs, method
        As for :func:`cluster`.

    Returns
    -------
    pandas.DataFrame
        One row per pair, sorted by eps_m then min_samples, columns :data:`SWEEP_COLUMNS`:
        number of hotspots, share of the points in hotspots (the "incident mass"), noise
        share, and median hotspot size (NaN without hotspots).
    """
    eps_list = sorted({_check_eps(e) for e in eps_m_values})
    ms_list = sorted({_check_count(m, "min_samples", 1) for m in min_samples_values})
    if not eps_list or not ms_list:
        raise ParameterError(
            "sweep needs at least one eps_m and one min_samples value",
            fix="pass e.g. eps_m_values=[100, 150, 200], min_samples_values=[5, 10]",
        )
    _check_method(method)
    w = _weights(points, weights)
    xy, _crs = metric_coordinates(points, metric_crs)
    n = len(xy)
    rows: list[dict[str, float | int]] = []
    for eps in eps_list:
        for ms in ms_list:
            labels = dbscan_xy(xy, eps_m=eps, min_samples=ms, weights=w, method=method).labels
            sizes = np.bincount(labels[labels >= 0]) if n else np.empty(0, np.int64)
            in_hotspots = int(sizes.sum())
            rows.append(
                {
                    EPS_M: eps,
                    MIN_SAMPLES: ms,
                    N_HOTSPOTS: len(sizes),
                    INCIDENT_SHARE: in_hotspots / n if n else math.nan,
                    NOISE_SHARE: (n - in_hotspots) / n if n else math.nan,
                    MEDIAN_HOTSPOT_SIZE: float(np.median(sizes)) if len(sizes) else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))


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
    mcs = _check_count(min_cluster_size, "min_cluster_size", 2)
    ms = mcs if min_samples is None else _check_count(min_samples, "min_samples", 1)
    selection = float(cluster_selection_epsilon_m)
    if not math.isfinite(selection) or selection < 0:
        raise ParameterError(
            f"cluster_selection_epsilon_m must be ≥ 0 metres, got {cluster_selection_epsilon_m!r}",
            fix="pass 0 (off) or a distance in metres",
        )
    geoms = point_series(points)
    if len(geoms) == 0:
        return _labels_series(points, np.empty(0, dtype=np.int64))
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
            mapping = _canonical_order(raw[member], [xy[member, 0], xy[member, 1]])
            labels[member] = mapping[raw[member]]
    return _labels_series(points, labels)


def _times_ns(values: pd.Series, what: str) -> IntArray:
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
        Projected CRS; default: the local UTM zone.

    Returns
    -------
    pandas.Series
        Labels named :data:`HOTSPOT_ID` aligned to ``points.index``; :data:`NOISE` for noise.
        Clusters are numbered by the smallest (x, y, time) of their core points; a border
        point joins the cluster of its nearest core neighbour (ties: lowest label).
    """
    eps = _check_eps(eps_m)
    ms = _check_count(min_samples, "min_samples", 1)
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
        return _labels_series(points, np.empty(0, dtype=np.int64))
    xy, _crs = metric_coordinates(points, metric_crs)
    t = _times_ns(points[time_column], time_column)
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
    labels = _canonical_labels(xy, raw, core, eps, extra_key=t.astype(np.float64))
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
    return _labels_series(points, labels)


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


# --------------------------------------------------------------------------- hotspot table


def _reference_time(reference_time: Any, times: pd.Series) -> pd.Timestamp:
    """Return the reference time in the timezone of ``times`` (default: the latest time)."""
    tz = times.dt.tz
    if reference_time is None:
        ref = pd.Timestamp(times.max())
    else:
        try:
            ref = pd.Timestamp(reference_time)
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"reference_time {reference_time!r} is not a date-time",
                fix="pass e.g. '2026-10-31T23:59' or a pandas.Timestamp",
            ) from exc
        if pd.isna(ref):
            raise ParameterError("reference_time is missing (NaT)", fix="pass a date-time")
        if tz is not None:
            ref = ref.tz_localize(tz) if ref.tzinfo is None else ref.tz_convert(tz)
        elif ref.tzinfo is not None:
            ref = ref.tz_localize(None)
    return ref


def _ref_day(ref: pd.Timestamp) -> pd.Timestamp:
    """Return the local calendar day of ``ref`` as a naive midnight."""
    day = ref.normalize()
    return day.tz_localize(None) if day.tzinfo is not None else day


def _hull(xy: FloatArray, hull: str, ratio: float, buffer_m: float) -> BaseGeometry:
    """Return the polygon of a cluster: a buffered concave (or convex) hull of its points."""
    pts = np.unique(xy, axis=0)
    multi = shapely.multipoints(pts)
    shape = (
        shapely.concave_hull(multi, ratio=ratio)
        if hull == HULL_CONCAVE and len(pts) >= 3
        else shapely.convex_hull(multi)
    )
    poly = shapely.buffer(shape, buffer_m)
    if not bool(shapely.contains(poly, multi)):  # never seen; keep the promise regardless
        poly = shapely.buffer(shapely.convex_hull(multi), buffer_m)
    return cast(BaseGeometry, poly)


def _mix(labels: IntArray, values: npt.NDArray[Any], k: int) -> list[dict[str, int]]:
    """Per hotspot, ``{value: count}`` sorted by count (desc) then value; missing skipped."""
    out: list[dict[str, int]] = [{} for _ in range(k)]
    frame = pd.DataFrame({"h": labels, "v": values}).dropna()
    if frame.empty:
        return out
    counts = frame.groupby(["h", "v"], sort=False).size()
    triples = [
        (int(h), str(v), int(c))
        for (h, v), c in zip(counts.index.to_list(), counts.to_numpy(), strict=True)
    ]
    for h, v, c in sorted(triples, key=lambda t: (t[0], -t[2], t[1])):
        out[h][v] = c
    return out


def _peak_window(profile: IntArray) -> tuple[int, int]:
    """Return the start hour and count of the busiest PEAK_WINDOW_HOURS window (wrapping)."""
    sums = np.zeros(len(profile), dtype=np.int64)
    for i in range(PEAK_WINDOW_HOURS):
        sums += np.roll(profile, -i)
    start = int(np.argmax(sums))
    return start, int(sums[start])


def _hours_label(start: int) -> str:
    return f"{start:02d}:00–{(start + PEAK_WINDOW_HOURS) % 24:02d}:00"


def _day_pattern(weekday: IntArray) -> str:
    on_weekdays = float(weekday[:5].sum()) / 5
    on_weekends = float(weekday[5:].sum()) / 2
    if on_weekdays >= DAY_PATTERN_FACTOR * on_weekends and on_weekdays > 0:
        return WEEKDAYS
    if on_weekends >= DAY_PATTERN_FACTOR * on_weekdays and on_weekends > 0:
        return WEEKENDS
    return ALL_WEEK


def _trend(recent: int, previous: int) -> str:
    if recent - previous >= TREND_MIN_CHANGE and recent >= TREND_UP * previous:
        return RISING
    if previous - recent >= TREND_MIN_CHANGE and recent <= TREND_DOWN * previous:
        return FALLING
    return STABLE


def _pairs_within(
    tree_geoms: npt.NDArray[np.object_],
    query_xy: FloatArray,
    distance: float | FloatArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Return (query index, tree index, distance) of points within ``distance`` of polygons."""
    if len(tree_geoms) == 0 or len(query_xy) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float64)
    pts = np.asarray(shapely.points(query_xy), dtype=object)
    tree = shapely.STRtree(tree_geoms)
    pairs = np.asarray(tree.query(pts, predicate="dwithin", distance=distance), dtype=np.int64)
    q, g = pairs[0], pairs[1]
    d = np.asarray(shapely.distance(pts[q], tree_geoms[g]), dtype=np.float64)
    return q, g, d


def _thana_of_points(xy: FloatArray, thanas: gpd.GeoDataFrame, crs: CRS) -> npt.NDArray[np.object_]:
    """Return the name of the thana polygon containing each point (None outside all)."""
    if NAME not in thanas.columns:
        raise ParameterError(
            f"the thanas layer has no {NAME!r} column", fix="pass the thanas layer of geo.store"
        )
    polys = thanas.geometry.to_crs(crs).to_numpy()
    names = thanas[NAME].astype("string").to_numpy(dtype=object)
    out = np.full(len(xy), None, dtype=object)
    q, g, _d = _pairs_within(polys, xy, 0.0)
    if q.size:
        frame = pd.DataFrame({"q": q, "name": names[g]}).dropna()
        first = frame.sort_values(["q", "name"]).drop_duplicates("q")
        out[first["q"].to_numpy()] = first["name"].to_numpy()
    return out


def _text_column(
    layer: gpd.GeoDataFrame, column: str, default: str | None
) -> npt.NDArray[np.object_]:
    """Return a text column as an object array, missing values (or column) as ``default``."""
    if column not in layer.columns:
        return np.full(len(layer), default, dtype=object)
    values: npt.NDArray[np.object_] = np.asarray(
        layer[column].astype("string").to_numpy(dtype=object, na_value=None), dtype=object
    )
    values[pd.isna(values)] = default
    return values


def _plural(count: int, kind: str) -> str:
    one, many = _KIND_WORDS.get(kind, (kind.replace("-", " "), kind.replace("-", " ") + "s"))
    return f"{count} {one if count == 1 else many}"


def _join_and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def _why(row: Mapping[str, Any], p: _Params) -> str:
    """Return the one-sentence explanation of a hotspot from its aggregates."""
    n = int(row[INCIDENTS])
    parts: list[str] = []
    top, share = row[TOP_CATEGORY], float(row[TOP_CATEGORY_SHARE])
    if top is None:
        parts.append(f"{n} incidents")
    elif share >= 0.5:
        parts.append(f"{n} incidents (mostly {top}, {_percent(share)})")
    else:
        parts.append(f"{n} incidents (largest share {top}, {_percent(share)})")
    hours = f"{row[PEAK_HOURS]} ({_percent(float(row[PEAK_HOURS_SHARE]))} of incidents)"
    if row[DAY_PATTERN] == ALL_WEEK:
        parts.append(f"peak {hours}, busiest on {row[PEAK_WEEKDAY]}s")
    else:
        parts.append(f"peak {row[DAY_PATTERN]} {hours}")
    recent, previous = int(row[RECENT_INCIDENTS]), int(row[PREVIOUS_INCIDENTS])
    days = p.recent_days
    trend = row[TREND]
    if trend == UNKNOWN:
        parts.append(f"{recent} in the last {days} days (trend not judged: too little history)")
    elif trend in (RISING, FALLING) and previous > 0:
        change = round(100 * (recent - previous) / previous)
        parts.append(
            f"{trend} {change:+d}% in the last {days} days ({recent} vs {previous} before)"
        )
    elif trend == RISING:
        parts.append(f"rising: {recent} in the last {days} days, none in the {days} before")
    else:
        parts.append(f"stable in the last {days} days ({recent} vs {previous} before)")
    if p.have_sites:
        kinds: dict[str, int] = row[SITES_BY_KIND]
        if kinds:
            items = list(kinds.items())
            words = [_plural(c, kind) for kind, c in items[:_WHY_MAX_ITEMS]]
            more = sum(c for _kind, c in items[_WHY_MAX_ITEMS:])
            if more:
                words.append(f"{more} more site{'s' if more > 1 else ''}")
            parts.append(f"{_join_and(words)} within {p.site_radius_m:g} m")
        else:
            parts.append(f"no sensitive site within {p.site_radius_m:g} m")
    if p.have_cctv:
        covered = float(row[CCTV_COVERED_SHARE])
        if covered <= 0:
            parts.append("no working camera covers any of its incidents")
        elif covered < 1:
            parts.append(f"no working camera covers {_percent(1 - covered)} of incidents")
        else:
            parts.append("working cameras cover every incident")
        broken = int(row[CAMERAS_NOT_WORKING])
        if broken:
            parts.append(f"{broken} faulty or unchecked camera{'s' if broken > 1 else ''} here")
    if p.have_campaigns:
        recent_drives = int(row[CAMPAIGNS_RECENT])
        where = f"within {p.campaign_radius_m:g} m"
        if recent_drives:
            parts.append(
                f"{recent_drives} awareness drive{'s' if recent_drives > 1 else ''} {where} "
                f"in the last {p.campaign_days} days (last {row[LAST_CAMPAIGN]})"
            )
        elif row[LAST_CAMPAIGN] is not None:
            parts.append(
                f"no awareness drive {where} in {p.campaign_days} days (last {row[LAST_CAMPAIGN]})"
            )
        else:
            parts.append(f"no awareness drive {where} on record")
    if row[CROSS_THANA]:
        names = str(row[THANA_LIST]).split("; ")
        shown = names[:_WHY_MAX_ITEMS]
        if len(names) > len(shown):
            shown.append(f"{len(names) - len(shown)} more")
        parts.append(f"spans {len(names)} thanas ({_join_and(shown)})")
    return ", ".join(parts)


@dataclass(frozen=True)
class _Params:
    recent_days: int
    site_radius_m: float
    campaign_radius_m: float
    campaign_days: int
    have_sites: bool
    have_cctv: bool
    have_campaigns: bool


def _empty_hotspots(attrs: dict[str, Any]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {col: pd.Series([], dtype=object) for col in HOTSPOT_COLUMNS},
        geometry=gpd.GeoSeries([], crs=WGS84),
        crs=WGS84,
    )
    frame.index = pd.Index([], dtype=np.int64, name=HOTSPOT_ID)
    frame.attrs[HOTSPOTS_ATTR] = attrs
    return frame


def _check_layer(layer: Any, what: str) -> gpd.GeoDataFrame:
    if not isinstance(layer, gpd.GeoDataFrame):
        raise ParameterError(
            f"{what} must be a GeoDataFrame, got {type(layer).__name__}",
            fix=f"load the {what} layer with geo.store (or omit it)",
        )
    return layer


def _check_metres(value: float, what: str, *, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ParameterError(
            f"{what} must be a positive number of metres, got {value!r}",
            fix=f"pass {what} such as 300",
        )
    return v


def _campaign_days_since(campaigns: gpd.GeoDataFrame, ref_day: pd.Timestamp) -> FloatArray:
    """Return whole days from each campaign's date to ``ref_day`` (NaN when unknown)."""
    if HELD_ON not in campaigns.columns:
        raise ParameterError(
            f"the campaigns layer has no {HELD_ON!r} column",
            fix="pass the campaigns layer of geo.store",
        )
    held = pd.to_datetime(campaigns[HELD_ON], errors="coerce")
    if held.dt.tz is not None:
        held = held.dt.tz_localize(None)
    days = (ref_day - held.dt.normalize()).dt.days
    return np.asarray(days.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _campaign_stats(
    polys: npt.NDArray[np.object_],
    campaigns: gpd.GeoDataFrame,
    crs: CRS,
    ref_day: pd.Timestamp,
    radius_m: float,
    days: int,
) -> tuple[IntArray, list[str | None], FloatArray]:
    """Per polygon: drives within radius in the last ``days``, last drive date and its age."""
    k = len(polys)
    recent = np.zeros(k, dtype=np.int64)
    last: list[str | None] = [None] * k
    age = np.full(k, np.nan)
    if len(campaigns) == 0:
        return recent, last, age
    xy, _ = metric_coordinates(campaigns, crs.to_string(), what="campaigns")
    since = _campaign_days_since(campaigns, ref_day)
    q, g, _d = _pairs_within(polys, xy, radius_m)
    s = since[q]
    valid = np.isfinite(s) & (s >= 0)
    q, g, s = q[valid], g[valid], s[valid]
    in_window = s < days
    recent += np.bincount(g[in_window], minlength=k).astype(np.int64)
    for h in np.unique(g):
        best = float(s[g == h].min())
        age[h] = best
        last[h] = (ref_day - pd.Timedelta(days=best)).date().isoformat()
    return recent, last, age


def find_hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    eps_m: float = DEFAULT_EPS_M,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    metric_crs: str | None = None,
    sites: gpd.GeoDataFrame | None = None,
    cctv: gpd.GeoDataFrame | None = None,
    campaigns: gpd.GeoDataFrame | None = None,
    thanas: gpd.GeoDataFrame | None = None,
    reference_time: pd.Timestamp | str | None = None,
    recent_days: int = 90,
    site_radius_m: float = 300.0,
    campaign_radius_m: float = 500.0,
    campaign_days: int = 90,
    cctv_default_radius_m: float = 50.0,
    hull: HullKind = "concave",
    hull_ratio: float = DEFAULT_HULL_RATIO,
    buffer_m: float = DEFAULT_BUFFER_M,
    weights: str | pd.Series | None = None,
    method: Method = "auto",
) -> gpd.GeoDataFrame:
    """Find incident hotspots with DBSCAN and describe each one for a patrol briefing.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points in any CRS with ``occurred_at`` (local, tz-aware or naive); optional
        ``category``, ``source`` and ``thana`` columns. Not modified.
    eps_m, min_samples, weights, method
        DBSCAN parameters, as for :func:`cluster`.
    metric_crs : str, optional
        Projected CRS for all distances and areas; default: the local UTM zone.
    sites, cctv, campaigns, thanas : geopandas.GeoDataFrame, optional
        The other layers (any CRS). Without one, its columns are missing values and its risk
        component is left out of the score.
    reference_time : Timestamp or str, optional
        "Now" of the analysis; default: the latest incident (never the wall clock).
    recent_days : int
        Length of the recent window of the trend (and of the recency scale).
    site_radius_m : float
        Sites within this distance of the hotspot polygon count.
    campaign_radius_m, campaign_days : float, int
        Drives within this distance of the polygon and this many days count.
    cctv_default_radius_m : float
        View radius of cameras without ``view_radius_m`` (said in :data:`NOTES`).
    hull : {"concave", "buffer"}
        Polygon: a concave hull (``shapely.concave_hull`` with ``hull_ratio``) or a convex
        hull, buffered by ``buffer_m``; clusters of ≤ 2 distinct points are buffers.
    hull_ratio : float
        Concave-hull ratio in [0, 1] (1 = convex).
    buffer_m : float
        Buffer around the hull, in metres (> 0, so every incident lies inside its polygon).

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, one row per hotspot, index :data:`HOTSPOT_ID` (0..k-1, as
        :func:`cluster` numbers them), columns :data:`HOTSPOT_COLUMNS` and ``geometry``. Only
        aggregates: no incident id or other per-incident value. The risk components and
        their weights are documented at :data:`RISK_WEIGHTS`. ``attrs[HOTSPOTS_ATTR]`` holds
        the parameters, the reference time, the metric CRS and general notes.

    Raises
    ------
    ParameterError
        For bad parameters or an incidents layer without ``occurred_at``.
    """
    eps = _check_eps(eps_m)
    ms = _check_count(min_samples, "min_samples", 1)
    recent_days = _check_days(recent_days, "recent_days")
    campaign_days = _check_days(campaign_days, "campaign_days")
    site_r = _check_metres(site_radius_m, "site_radius_m")
    camp_r = _check_metres(campaign_radius_m, "campaign_radius_m")
    cam_default = _check_metres(cctv_default_radius_m, "cctv_default_radius_m")
    buf = _check_metres(buffer_m, "buffer_m")
    if hull not in HULLS:
        raise ParameterError(f"unknown hull {hull!r}", fix="use 'concave' or 'buffer'")
    ratio = float(hull_ratio)
    if not 0.0 <= ratio <= 1.0:
        raise ParameterError(f"hull_ratio must be in [0, 1], got {hull_ratio!r}", fix="use 0.4")
    incidents = _check_layer(incidents, "incidents")
    for layer, what in ((sites, "sites"), (cctv, "cctv"), (campaigns, "campaigns"),
                        (thanas, "thanas")):  # fmt: skip
        if layer is not None:
            _check_layer(layer, what)
    if OCCURRED_AT not in incidents.columns:
        raise ParameterError(
            f"the incidents have no {OCCURRED_AT!r} column",
            why="peak hours, trends and recency need the time of each incident",
            fix="pass the incidents layer of geo.store",
        )
    w = _weights(incidents, weights)
    _resolve_method(method, w is not None)
    attrs: dict[str, Any] = {
        "eps_m": eps, "min_samples": ms, "recent_days": recent_days,
        "site_radius_m": site_r, "campaign_radius_m": camp_r, "campaign_days": campaign_days,
        "cctv_default_radius_m": cam_default, "hull": hull, "hull_ratio": ratio,
        "buffer_m": buf, "risk_weights": dict(RISK_WEIGHTS), "notes": [],
    }  # fmt: skip
    if len(incidents) == 0:
        return _empty_hotspots(attrs)

    xy, crs = metric_coordinates(incidents, metric_crs, what="incidents")
    times = pd.to_datetime(incidents[OCCURRED_AT])
    if times.isna().any():
        raise ParameterError(
            f"{int(times.isna().sum())} incidents have no {OCCURRED_AT}",
            fix="drop or fix them before finding hotspots",
        )
    ref = _reference_time(reference_time, times)
    ref_day = _ref_day(ref)
    attrs.update(reference_time=ref.isoformat(), metric_crs=crs.to_string())
    notes: list[str] = attrs["notes"]

    labels = dbscan_xy(xy, eps_m=eps, min_samples=ms, weights=w, method=method).labels
    k = int(labels.max()) + 1
    if k == 0:
        return _empty_hotspots(attrs)
    member = np.flatnonzero(labels >= 0)
    lab = labels[member]
    mxy = xy[member]
    mtimes = times.iloc[member]
    counts = np.bincount(lab, minlength=k).astype(np.int64)

    # time profiles
    hours = mtimes.dt.hour.to_numpy(dtype=np.int64)
    wdays = mtimes.dt.day_of_week.to_numpy(dtype=np.int64)
    hour_prof = np.bincount(lab * 24 + hours, minlength=k * 24).reshape(k, 24)
    wday_prof = np.bincount(lab * 7 + wdays, minlength=k * 7).reshape(k, 7)
    t_ns = _times_ns(mtimes, OCCURRED_AT)
    first_ns = np.full(k, np.iinfo(np.int64).max)
    last_ns = np.full(k, np.iinfo(np.int64).min)
    np.minimum.at(first_ns, lab, t_ns)
    np.maximum.at(last_ns, lab, t_ns)
    local = mtimes.dt.tz_localize(None) if mtimes.dt.tz is not None else mtimes
    day_ns = local.dt.normalize().to_numpy(dtype="datetime64[ns]").astype(np.int64)
    first_day = np.full(k, np.iinfo(np.int64).max)
    last_day = np.full(k, np.iinfo(np.int64).min)
    np.minimum.at(first_day, lab, day_ns)
    np.maximum.at(last_day, lab, day_ns)

    # trend windows
    span = pd.Timedelta(days=recent_days)
    in_recent = ((mtimes > ref - span) & (mtimes <= ref)).to_numpy(dtype=bool)
    in_previous = ((mtimes > ref - 2 * span) & (mtimes <= ref - span)).to_numpy(dtype=bool)
    recent = np.bincount(lab[in_recent], minlength=k).astype(np.int64)
    previous = np.bincount(lab[in_previous], minlength=k).astype(np.int64)
    history_ok = bool(times.min() <= ref - 2 * span)
    history_note = (
        f"trend not judged: the incidents start {pd.Timestamp(times.min()).date()}, less "
        f"than 2 × {recent_days} days before the reference time {ref.date()}"
    )
    if not history_ok:
        notes.append(history_note)
    ref_ns = int(_times_ns(pd.Series([ref]), "reference_time")[0])
    days_since_last = np.maximum(0, (ref_ns - last_ns) // (86_400 * 10**9)).astype(np.int64)

    # mixes and thanas
    cat_mix = _mix(lab, incidents[CATEGORY].to_numpy(dtype=object)[member], k) if (
        CATEGORY in incidents.columns) else [{} for _ in range(k)]  # fmt: skip
    src_mix = _mix(lab, incidents[SOURCE].to_numpy(dtype=object)[member], k) if (
        SOURCE in incidents.columns) else [{} for _ in range(k)]  # fmt: skip
    if thanas is not None:
        thana_names: npt.NDArray[Any] | None = _thana_of_points(mxy, thanas, crs)
    elif THANA in incidents.columns:
        thana_names = incidents[THANA].astype("string").to_numpy(dtype=object)[member]
    else:
        thana_names = None
    thana_mix = _mix(lab, thana_names, k) if thana_names is not None else [{}] * k

    # polygons (metric)
    order = np.argsort(lab, kind="stable")
    bounds = np.searchsorted(lab[order], np.arange(k + 1))
    polys = np.empty(k, dtype=object)
    for h in range(k):
        polys[h] = _hull(mxy[order[bounds[h] : bounds[h + 1]]], hull, ratio, buf)
    area_km2 = np.asarray(shapely.area(polys), dtype=np.float64) / 1e6

    # sites
    sites_n = np.zeros(k, dtype=np.int64)
    sites_kind: list[dict[str, int]] = [{} for _ in range(k)]
    sites_near: list[str] = [""] * k
    if sites is not None and len(sites):
        sxy, _ = metric_coordinates(sites, crs.to_string(), what="sites")
        kinds = _text_column(sites, KIND, "other")
        names = _text_column(sites, NAME, None)
        q, g, d = _pairs_within(polys, sxy, site_r)
        sites_n = np.bincount(g, minlength=k).astype(np.int64)
        sites_kind = _mix(g, kinds[q], k)
        for h in np.unique(g):
            sel = g == h
            labels_h = [
                str(nm) if nm is not None else str(kd)
                for nm, kd in zip(names[q[sel]], kinds[q[sel]], strict=True)
            ]
            near = sorted(zip(d[sel], labels_h, kinds[q[sel]], strict=True))
            sites_near[h] = "; ".join(
                f"{nm} ({kd}, {'inside' if dd <= 0 else f'{round(dd)} m'})"
                for dd, nm, kd in near[:N_NEAREST_SITES]
            )

    # cctv
    cctv_share = np.full(k, np.nan)
    cams_ok = np.zeros(k, dtype=np.int64)
    cams_bad = np.zeros(k, dtype=np.int64)
    cams_assumed = np.zeros(k, dtype=np.int64)
    if cctv is not None:
        cctv_share[:] = 0.0
    if cctv is not None and len(cctv):
        cxy, _ = metric_coordinates(cctv, crs.to_string(), what="cctv")
        status = _text_column(cctv, STATUS, "unknown")
        radius = (
            pd.to_numeric(cctv[VIEW_RADIUS_M], errors="coerce").to_numpy(dtype=np.float64)
            if VIEW_RADIUS_M in cctv.columns
            else np.full(len(cctv), np.nan)
        )
        assumed = ~np.isfinite(radius) | (radius < 0)
        radius = np.where(assumed, cam_default, radius)
        if assumed.any():
            notes.append(
                f"{int(assumed.sum())} cameras have no view radius: assumed {cam_default:g} m"
            )
        working = status == WORKING
        covered = np.zeros(len(mxy), dtype=bool)
        if working.any():
            hits = cKDTree(mxy).query_ball_point(cxy[working], r=radius[working])
            flat = [i for hit in hits for i in hit]
            covered[np.asarray(flat, dtype=np.int64)] = True
        cctv_share = np.bincount(lab[covered], minlength=k) / counts
        q, g, _d = _pairs_within(polys, cxy, radius)
        cams_ok = np.bincount(g[working[q]], minlength=k).astype(np.int64)
        cams_bad = np.bincount(g[~working[q]], minlength=k).astype(np.int64)
        cams_assumed = np.bincount(g[assumed[q]], minlength=k).astype(np.int64)

    # campaigns
    camp_recent = np.zeros(k, dtype=np.int64)
    camp_last: list[str | None] = [None] * k
    camp_age = np.full(k, np.nan)
    if campaigns is not None:
        camp_recent, camp_last, camp_age = _campaign_stats(
            polys, campaigns, crs, ref_day, camp_r, campaign_days
        )

    # risk components
    risk_count = np.log1p(counts) / math.log1p(int(counts.max()))
    risk_recency = np.clip(1 - days_since_last / recent_days, 0.0, 1.0)
    both = recent + previous
    risk_trend = np.where(both > 0, recent / np.maximum(both, 1), 0.5)
    if not history_ok:
        risk_trend = np.full(k, np.nan)
    risk_sites = (
        np.minimum(1.0, sites_n / SITES_SATURATION) if sites is not None else np.full(k, np.nan)
    )
    risk_no_camera = 1.0 - cctv_share  # NaN without the cctv layer
    if campaigns is not None:
        risk_no_campaign = np.where(
            camp_recent > 0, np.clip(np.nan_to_num(camp_age) / campaign_days, 0.0, 1.0), 1.0
        )
    else:
        risk_no_campaign = np.full(k, np.nan)
    components = {
        RISK_COUNT: risk_count, RISK_RECENCY: risk_recency, RISK_TREND: risk_trend,
        RISK_SITES: risk_sites, RISK_NO_CAMERA: risk_no_camera,
        RISK_NO_CAMPAIGN: risk_no_campaign,
    }  # fmt: skip
    stack = np.column_stack([components[c] for c in RISK_WEIGHTS])
    wvec = np.array(list(RISK_WEIGHTS.values()))
    avail = np.isfinite(stack)
    score = (np.where(avail, stack, 0.0) * wvec).sum(axis=1) / (avail * wvec).sum(axis=1)
    rank = np.empty(k, dtype=np.int64)
    rank[np.lexsort((np.arange(k), -score))] = np.arange(1, k + 1)

    def iso_day(ns: int) -> str:
        return pd.Timestamp(ns).date().isoformat()

    rows: list[dict[str, Any]] = []
    for h in range(k):
        n = int(counts[h])
        mix = cat_mix[h]
        top = next(iter(mix), None)
        start, peak_count = _peak_window(hour_prof[h])
        tmix = thana_mix[h]
        ratio_h = recent[h] / previous[h] if previous[h] > 0 else math.nan
        hotspot_notes: list[str] = []
        if cams_assumed[h]:
            hotspot_notes.append(
                f"{int(cams_assumed[h])} camera(s) here have no view radius: assumed "
                f"{cam_default:g} m"
            )
        if not history_ok:
            hotspot_notes.append(history_note)
        rows.append(
            {
                INCIDENTS: n,
                CATEGORY_MIX: mix,
                TOP_CATEGORY: top,
                TOP_CATEGORY_SHARE: (mix[top] / n) if top is not None else math.nan,
                SOURCE_MIX: src_mix[h],
                FIRST_DATE: iso_day(int(first_day[h])),
                LAST_DATE: iso_day(int(last_day[h])),
                DAYS_SINCE_LAST: int(days_since_last[h]),
                HOUR_PROFILE: [int(v) for v in hour_prof[h]],
                WEEKDAY_PROFILE: [int(v) for v in wday_prof[h]],
                PEAK_HOURS: _hours_label(start),
                PEAK_HOURS_SHARE: peak_count / n,
                PEAK_WEEKDAY: WEEKDAY_NAMES[int(np.argmax(wday_prof[h]))],
                DAY_PATTERN: _day_pattern(wday_prof[h]),
                AREA_KM2: float(area_km2[h]),
                DENSITY_PER_KM2: n / float(area_km2[h]),
                RECENT_INCIDENTS: int(recent[h]),
                PREVIOUS_INCIDENTS: int(previous[h]),
                TREND_RATIO: float(ratio_h),
                TREND: _trend(int(recent[h]), int(previous[h])) if history_ok else UNKNOWN,
                PRIMARY_THANA: next(iter(tmix), None),
                CROSS_THANA: len(tmix) > 1,
                THANA_LIST: "; ".join(tmix),
                SITES_NEARBY: int(sites_n[h]) if sites is not None else None,
                SITES_BY_KIND: sites_kind[h] if sites is not None else None,
                NEAREST_SITES: sites_near[h] if sites is not None else None,
                CCTV_COVERED_SHARE: float(cctv_share[h]),
                CAMERAS_WORKING: int(cams_ok[h]) if cctv is not None else None,
                CAMERAS_NOT_WORKING: int(cams_bad[h]) if cctv is not None else None,
                CAMPAIGNS_RECENT: int(camp_recent[h]) if campaigns is not None else None,
                LAST_CAMPAIGN: camp_last[h],
                DAYS_SINCE_CAMPAIGN: camp_age[h],
                **{c: float(v[h]) for c, v in components.items()},
                RISK_SCORE: float(score[h]),
                RISK_RANK: int(rank[h]),
                NOTES: "; ".join(hotspot_notes),
            }
        )
    params = _Params(
        recent_days=recent_days,
        site_radius_m=site_r,
        campaign_radius_m=camp_r,
        campaign_days=campaign_days,
        have_sites=sites is not None,
        have_cctv=cctv is not None,
        have_campaigns=campaigns is not None,
    )
    for row in rows:
        row[WHY] = _why(row, params)
    table = pd.DataFrame(rows, columns=list(HOTSPOT_COLUMNS))
    for col in (SITES_NEARBY, CAMERAS_WORKING, CAMERAS_NOT_WORKING, CAMPAIGNS_RECENT):
        table[col] = table[col].astype("Int64")
    table.index = pd.RangeIndex(k, name=HOTSPOT_ID)
    out = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(polys, crs=crs, index=table.index))
    out = out.to_crs(WGS84)
    out.attrs[HOTSPOTS_ATTR] = attrs
    logger.info(
        "%d hotspots from %d incidents (%d in hotspots), eps=%g m, min_samples=%d",
        k, len(incidents), len(member), eps, ms,
    )  # fmt: skip
    return out


def underserved_hotspots(
    hotspots: gpd.GeoDataFrame,
    campaigns: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    days: int = 90,
    reference_time: pd.Timestamp | str | None = None,
    metric_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the hotspots with no awareness drive within ``radius_m`` in the last ``days``.

    Parameters
    ----------
    hotspots : geopandas.GeoDataFrame
        The output of :func:`find_hotspots` (not modified).
    campaigns : geopandas.GeoDataFrame
        Campaign points with ``held_on``, any CRS.
    radius_m : float
        Distance from the hotspot polygon within which a drive counts.
    days : int
        A drive counts when held in the ``days`` days up to the reference day.
    reference_time : Timestamp or str, optional
        Default: the reference time recorded by :func:`find_hotspots`, else the latest
        :data:`LAST_DATE` (never the wall clock).
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone.

    Returns
    -------
    geopandas.GeoDataFrame
        The underserved hotspots in EPSG:4326, most at risk first (by :data:`RISK_SCORE`,
        then incidents), with :data:`CAMPAIGNS_RECENT`, :data:`LAST_CAMPAIGN` and
        :data:`DAYS_SINCE_CAMPAIGN` recomputed for this radius and window, a
        :data:`UNDERSERVED_REASON` sentence and :data:`UNDERSERVED_RANK` (1 = first).
    """
    hotspots = _check_layer(hotspots, "hotspots")
    campaigns = _check_layer(campaigns, "campaigns")
    r = _check_metres(radius_m, "radius_m", allow_zero=True)
    days = _check_days(days, "days")
    if reference_time is None:
        recorded = hotspots.attrs.get(HOTSPOTS_ATTR, {}).get("reference_time")
        if recorded is not None:
            reference_time = recorded
        elif LAST_DATE in hotspots.columns and len(hotspots):
            reference_time = str(max(hotspots[LAST_DATE].dropna().astype(str)))
    out = hotspots.copy()
    if len(out) == 0 or reference_time is None:
        out = out.iloc[0:0].copy()
        for col in (CAMPAIGNS_RECENT, LAST_CAMPAIGN, DAYS_SINCE_CAMPAIGN, UNDERSERVED_REASON,
                    UNDERSERVED_RANK):  # fmt: skip
            out[col] = pd.Series(dtype=object)
        return out
    ref = pd.Timestamp(reference_time)
    ref_day = _ref_day(ref)
    crs = metric_crs_for(out, metric_crs)
    polys = out.geometry.to_crs(crs).to_numpy()
    recent, last, age = _campaign_stats(polys, campaigns, crs, ref_day, r, days)
    out[CAMPAIGNS_RECENT] = pd.array(recent, dtype="Int64")
    out[LAST_CAMPAIGN] = last
    out[DAYS_SINCE_CAMPAIGN] = age
    keep = recent == 0
    out = out.loc[keep].copy()
    reasons: list[str] = []
    for lastd, agev in zip(out[LAST_CAMPAIGN], out[DAYS_SINCE_CAMPAIGN], strict=True):
        text = f"no awareness drive within {r:g} m in the {days} days to {ref_day.date()}"
        if pd.isna(lastd):
            text += "; none on record nearby"
        else:
            text += f"; the last one was on {lastd} ({int(agev)} days before)"
        reasons.append(text)
    out[UNDERSERVED_REASON] = reasons
    sort_cols = [c for c in (RISK_SCORE, INCIDENTS) if c in out.columns]
    if sort_cols:
        out = out.sort_values(sort_cols, ascending=False, kind="stable")
    out[UNDERSERVED_RANK] = np.arange(1, len(out) + 1, dtype=np.int64)
    if out.crs is not None and not CRS.from_user_input(out.crs).equals(CRS.from_user_input(WGS84)):
        out = out.to_crs(WGS84)
    return out
