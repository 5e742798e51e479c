"""CCTV gap analysis: which sensitive sites a working camera sees, which a repair would, and why."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geo.crs import WGS84, metric_coordinates, metric_crs_for
from geo.errors import ParameterError
from geo.schema import ID, KIND, NAME, OCCURRED_AT, OWNER, STATUS, THANA, VIEW_RADIUS_M
from geo.thanas import assign_thanas
from models.hotspots import HOTSPOT_ID, PRIMARY_THANA

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# ---- camera status ----
WORKING: Final = "working"
FAULTY: Final = "faulty"
UNKNOWN: Final = "unknown"
STATUSES: Final = (WORKING, FAULTY, UNKNOWN)

# ---- site gap status ----
#: A working camera's view reaches the site.
COVERED_STATUS: Final = "covered"
#: No working camera sees it, but a faulty (or unchecked) camera would once repaired.
REPAIRABLE: Final = "repairable"
#: No camera, working or not, reaches it.
UNCOVERED: Final = "uncovered"
GAP_STATUSES: Final = (COVERED_STATUS, REPAIRABLE, UNCOVERED)

# ---- priority classes ----
HIGH: Final = "high"
MEDIUM: Final = "medium"
LOW: Final = "low"
#: Priority of a site a working camera already sees.
NO_GAP: Final = "none"
#: Lower score bound of the ``high`` and ``medium`` classes.
PRIORITY_BREAKS: Final[Mapping[str, float]] = MappingProxyType({HIGH: 0.6, MEDIUM: 0.35})

# ---- camera registry columns ----
CAMERA_ID: Final = "camera_id"
#: ``;``-separated ids of the register rows merged into one camera (duplicates).
MERGED_IDS: Final = "merged_ids"
#: Number of register rows merged into the camera (1 when it was listed once).
RECORDS: Final = "records"
STATUS_ASSUMED: Final = "status_assumed"
RADIUS_ASSUMED: Final = "radius_assumed"
CAMERA_COLUMNS: Final = (
    CAMERA_ID, MERGED_IDS, RECORDS, OWNER, STATUS, VIEW_RADIUS_M, STATUS_ASSUMED, RADIUS_ASSUMED,
    THANA,
)  # fmt: skip

# ---- gap columns ----
SITE_ID: Final = "site_id"
GAP_STATUS: Final = "gap_status"
#: Whether a working camera's view reaches the site (also the name of :func:`site_coverage`).
COVERED: Final = "covered_by_working_camera"
NEAREST_WORKING_M: Final = "nearest_working_m"
NEAREST_WORKING_ID: Final = "nearest_working_id"
CAMERAS_SEEING: Final = "cameras_seeing"
NEAREST_FAULTY_ID: Final = "nearest_faulty_id"
NEAREST_FAULTY_M: Final = "nearest_faulty_m"
#: The camera whose repair would cover the site (the nearest such), or missing.
REPAIR_CAMERA_ID: Final = "repair_camera_id"
SITE_EXTENT_COL: Final = "site_extent_m"
INCIDENTS_NEAR: Final = "incidents_near"
IN_HOTSPOT: Final = "in_hotspot"
PRIORITY_SCORE: Final = "priority_score"
PRIORITY: Final = "priority"
#: Rank among the sites with a gap (1 = most urgent), overall and within the thana.
GAP_RANK: Final = "gap_rank"
THANA_RANK: Final = "thana_rank"
WHY: Final = "why"
GAP_COLUMNS: Final = (
    SITE_ID, NAME, KIND, THANA, GAP_STATUS, COVERED, NEAREST_WORKING_M, NEAREST_WORKING_ID,
    CAMERAS_SEEING, NEAREST_FAULTY_ID, NEAREST_FAULTY_M, REPAIR_CAMERA_ID, SITE_EXTENT_COL,
    INCIDENTS_NEAR, IN_HOTSPOT, HOTSPOT_ID, PRIORITY_SCORE, PRIORITY, GAP_RANK, THANA_RANK, WHY,
)  # fmt: skip

# ---- thana summary columns ----
SITES_COL: Final = "sites"
COVERED_COL: Final = "covered"
REPAIRABLE_COL: Final = "repairable"
UNCOVERED_COL: Final = "uncovered"
HIGH_PRIORITY_COL: Final = "high_priority"
INCIDENTS_COL: Final = "incidents"
INCIDENTS_IN_VIEW_SHARE: Final = "incidents_in_view_share"
HOTSPOTS_COL: Final = "hotspots"
HOTSPOTS_IN_VIEW_SHARE: Final = "hotspots_in_view_share"
CAMERAS_COL: Final = "cameras"
CAMERAS_WORKING_COL: Final = "cameras_working"
CAMERAS_FAULTY_COL: Final = "cameras_faulty"
CAMERAS_UNKNOWN_COL: Final = "cameras_unknown"
TOP_GAPS: Final = "top_gaps"
SUMMARY_COLUMNS: Final = (
    THANA, SITES_COL, COVERED_COL, REPAIRABLE_COL, UNCOVERED_COL, HIGH_PRIORITY_COL,
    INCIDENTS_COL, INCIDENTS_IN_VIEW_SHARE, HOTSPOTS_COL, HOTSPOTS_IN_VIEW_SHARE, CAMERAS_COL,
    CAMERAS_WORKING_COL, CAMERAS_FAULTY_COL, CAMERAS_UNKNOWN_COL, TOP_GAPS,
)  # fmt: skip
#: Thana label of points in no thana polygon.
NO_THANA: Final = "(no thana)"

# ---- defaults ----
#: View radius of a camera whose register gives none (as models.hotspots assumes).
DEFAULT_VIEW_RADIUS_M: Final = 50.0
#: Register rows this close together are one camera listed twice.
DUPLICATE_M: Final = 3.0
#: Incidents within this distance of a site count for it.
DEFAULT_RADIUS_M: Final = 300.0
#: ... in this many days up to the reference time.
DEFAULT_DAYS: Final = 90
#: How far a site extends around its point, by kind: a camera covers the site when its view
#: radius plus this reaches the point (a college campus is wide, a coaching centre a doorway).
SITE_EXTENT_M: Final[Mapping[str, float]] = MappingProxyType(
    {
        "school": 20.0,
        "college": 100.0,
        "coaching-centre": 10.0,
        "womens-training-centre": 20.0,
        "hostel": 20.0,
        "market": 50.0,
        "ghat": 50.0,
        "transit": 50.0,
        "other": 0.0,
    }
)
#: How much a gap at each kind of site matters (0..1), a component of the priority.
KIND_PRIORITY: Final[Mapping[str, float]] = MappingProxyType(
    {
        "school": 1.0,
        "college": 1.0,
        "coaching-centre": 1.0,
        "womens-training-centre": 1.0,
        "hostel": 0.8,
        "transit": 0.6,
        "market": 0.5,
        "ghat": 0.5,
        "other": 0.3,
    }
)
#: Weights of the priority components (they sum to 1): nearby incidents (saturating at
#: :data:`INCIDENT_SATURATION`), lying in a hotspot, the kind of site, and how far the nearest
#: working camera is (saturating at :data:`FAR_M`).
PRIORITY_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {"incidents": 0.45, "hotspot": 0.25, "kind": 0.2, "distance": 0.1}
)
INCIDENT_SATURATION: Final = 10
FAR_M: Final = 500.0
#: Names listed in the per-thana ``top_gaps``.
TOP_N: Final = 5


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class CameraRegistry:
    """A camera register cleaned for analysis: one row per physical camera.

    Attributes
    ----------
    cameras : geopandas.GeoDataFrame
        EPSG:4326, columns :data:`CAMERA_COLUMNS`; ``status`` is one of :data:`STATUSES` and
        ``view_radius_m`` is always set (a default where the register gave none).
    xy : numpy.ndarray
        ``(n, 2)`` camera coordinates in the metric CRS.
    metric_crs : str
    defaults_used : tuple of str
        One sentence per default applied (merged duplicates, unknown status, missing radius).
    counts : dict
        ``rows``, ``cameras``, ``duplicates_merged``, ``status_unknown``, ``status_defaulted``,
        ``radius_defaulted``, ``working``, ``faulty``.
    """

    cameras: gpd.GeoDataFrame
    xy: FloatArray
    metric_crs: str
    defaults_used: tuple[str, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def working(self) -> BoolArray:
        """Return which cameras work."""
        return np.asarray(self.cameras[STATUS].to_numpy() == WORKING, dtype=bool)

    @property
    def radius_m(self) -> FloatArray:
        """Return each camera's view radius in metres."""
        return np.asarray(self.cameras[VIEW_RADIUS_M].to_numpy(dtype=float))


def _check_metres(value: float, what: str, *, positive: bool = False) -> float:
    v = float(value)
    if not np.isfinite(v) or v < 0 or (positive and v == 0):
        raise ParameterError(
            f"{what} must be a {'positive' if positive else 'non-negative'} number of metres, "
            f"got {value!r}",
            fix=f"pass {what} in metres, e.g. 50",
        )
    return v


def _status_of(values: pd.Series) -> tuple[npt.NDArray[np.object_], BoolArray]:
    text = values.astype("string").str.strip().str.lower()
    known = text.isin(STATUSES).fillna(False).to_numpy(dtype=bool)
    status = np.where(known, text.fillna(UNKNOWN).to_numpy(dtype=object), UNKNOWN)
    return status.astype(object), ~known


def clean_registry(
    cctv: gpd.GeoDataFrame | None,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
    default_radius_m: float = DEFAULT_VIEW_RADIUS_M,
    duplicate_m: float = DUPLICATE_M,
) -> CameraRegistry:
    """Clean a camera register: merge duplicates, default unknown status and missing radius.

    Rules (each one applied is reported in ``defaults_used``):

    * rows within ``duplicate_m`` of each other are one camera (connected groups): it works if
      any row says so, else it is faulty if any row says so; its radius is the largest given;
      its id is the smallest id and ``merged_ids`` lists them all;
    * a missing or unrecognised status is ``unknown``, which counts as not working (a repair or
      check candidate, never coverage);
    * a missing, negative or zero view radius is ``default_radius_m``.

    Parameters
    ----------
    cctv : geopandas.GeoDataFrame or None
        The cctv layer (any CRS) with ``id``, ``status``, ``view_radius_m`` (all optional).
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons: each camera gets its ``thana`` (missing outside every polygon).
    metric_crs : str, optional
    default_radius_m : float
    duplicate_m : float

    Returns
    -------
    CameraRegistry

    Raises
    ------
    geo.errors.ParameterError
        For a bad parameter or a camera that is not a point.
    """
    default_r = _check_metres(default_radius_m, "default_radius_m", positive=True)
    dup_m = _check_metres(duplicate_m, "duplicate_m")
    if cctv is None or cctv.empty:
        empty = gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in CAMERA_COLUMNS}, geometry=[], crs=WGS84
        )
        crs = metric_crs or "EPSG:32644"  # nominal: an empty register has nothing to project
        zero = dict.fromkeys(
            ("rows", "cameras", "duplicates_merged", "status_unknown", "status_defaulted",
             "radius_defaulted", "working", "faulty"), 0,
        )  # fmt: skip
        return CameraRegistry(empty, np.empty((0, 2)), crs, (), zero)
    xy, crs_obj = metric_coordinates(cctv, metric_crs, what="cctv")
    crs = crs_obj.to_string()
    n = len(cctv)
    ids = (
        cctv[ID].astype("string").fillna("").to_numpy(dtype=object)
        if ID in cctv.columns
        else np.asarray([f"row {i + 1}" for i in range(n)], dtype=object)
    )
    ids = np.asarray([s if s else f"row {i + 1}" for i, s in enumerate(ids)], dtype=object)
    if STATUS in cctv.columns:
        status, status_defaulted = _status_of(cctv[STATUS])
    else:
        status, status_defaulted = np.full(n, UNKNOWN, dtype=object), np.ones(n, dtype=bool)
    radius = (
        pd.to_numeric(cctv[VIEW_RADIUS_M], errors="coerce").to_numpy(dtype=float)
        if VIEW_RADIUS_M in cctv.columns
        else np.full(n, np.nan)
    )
    radius_missing = ~np.isfinite(radius) | (radius <= 0)
    radius = np.where(radius_missing, np.nan, radius)
    owner = (
        cctv[OWNER].astype("string").to_numpy(dtype=object)
        if OWNER in cctv.columns
        else np.full(n, None, dtype=object)
    )

    # Duplicates: connected groups of rows closer than duplicate_m (scipy's graph components).
    pairs = cKDTree(xy).query_pairs(r=dup_m, output_type="ndarray") if n > 1 else np.empty((0, 2))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    n_groups, group = connected_components(graph, directed=False)
    # Canonical order of groups: by their smallest id, so output is independent of row order.
    smallest: dict[int, str] = {}
    for g, i in zip(group.tolist(), ids.astype(str).tolist(), strict=True):
        smallest[g] = min(smallest.get(g, i), i)
    keys = sorted(range(n_groups), key=lambda g: smallest[g])
    records: list[dict[str, Any]] = []
    geoms: list[Any] = []
    cam_xy = np.empty((n_groups, 2))
    conflicts = 0
    status_rank = {WORKING: 0, FAULTY: 1, UNKNOWN: 2}
    src = cctv.to_crs(WGS84).geometry.to_numpy() if cctv.crs is not None else cctv.geometry
    for out_i, g in enumerate(keys):
        rows = np.flatnonzero(group == g)
        rows = rows[np.argsort(ids[rows].astype(str), kind="stable")]
        sts = {str(s) for s in status[rows]}
        if len(sts - {UNKNOWN}) > 1:
            conflicts += 1
        best = min(sts, key=lambda s: status_rank[s])
        known_r = radius[rows][np.isfinite(radius[rows])]
        r_assumed = known_r.size == 0
        owners = [o for o in owner[rows] if o is not None and not pd.isna(o)]
        records.append(
            {
                CAMERA_ID: str(ids[rows[0]]),
                MERGED_IDS: ";".join(str(i) for i in ids[rows]),
                RECORDS: int(rows.size),
                OWNER: owners[0] if owners else None,
                STATUS: best,
                VIEW_RADIUS_M: default_r if r_assumed else float(known_r.max()),
                STATUS_ASSUMED: bool(status_defaulted[rows].all()),
                RADIUS_ASSUMED: bool(r_assumed),
            }
        )
        cam_xy[out_i] = xy[rows].mean(axis=0) if rows.size > 1 else xy[rows[0]]
        geoms.append(src[rows[0]])
    cameras = gpd.GeoDataFrame(records, geometry=list(geoms), crs=WGS84)
    if len(cameras) and (cameras.geometry.is_empty.any() or cameras.geometry.isna().any()):
        raise ParameterError("a camera has no position", fix="drop cctv rows without coordinates")
    cameras[THANA] = (
        assign_thanas(cameras, thanas)[THANA].to_numpy()
        if thanas is not None and len(thanas)
        else pd.Series(pd.NA, index=cameras.index, dtype="string")
    )
    cameras = cameras[[*CAMERA_COLUMNS, "geometry"]]
    merged = n - n_groups
    n_unknown = int((cameras[STATUS] == UNKNOWN).sum())
    n_radius = int(cameras[RADIUS_ASSUMED].sum())
    n_status_default = int(status_defaulted.sum())
    notes: list[str] = []
    if merged:
        notes.append(
            f"{merged} duplicate register rows merged ({n} rows → {n_groups} cameras within "
            f"{dup_m:g} m of each other): a merged camera works if any row says so, and keeps "
            "the largest view radius"
            + (f"; {conflicts} merged cameras had conflicting statuses" if conflicts else "")
        )
    if n_status_default:
        notes.append(f"{n_status_default} register rows have no usable status: assumed 'unknown'")
    if n_unknown:
        notes.append(
            f"{n_unknown} cameras of unknown status are treated as not working (offered for a "
            "check or repair, never counted as coverage)"
        )
    if n_radius:
        notes.append(f"{n_radius} cameras have no view radius: assumed {default_r:g} m")
    counts = {
        "rows": n,
        "cameras": n_groups,
        "duplicates_merged": merged,
        "status_unknown": n_unknown,
        "status_defaulted": n_status_default,
        "radius_defaulted": n_radius,
        "working": int((cameras[STATUS] == WORKING).sum()),
        "faulty": int((cameras[STATUS] == FAULTY).sum()),
    }
    for note in notes:
        logger.info("camera register: %s", note)
    return CameraRegistry(cameras, cam_xy, crs, tuple(notes), counts)


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


def _nearest(
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
        _check_metres(value, f"site extent of {kind!r}")
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


# --------------------------------------------------------------------------- gap analysis


@dataclass(frozen=True)
class GapAnalysis:
    """The CCTV gaps of a set of sites.

    Attributes
    ----------
    gaps : geopandas.GeoDataFrame
        One row per site (EPSG:4326, columns :data:`GAP_COLUMNS`), most urgent gap first,
        covered sites last.
    summary : pandas.DataFrame
        One row per thana (columns :data:`SUMMARY_COLUMNS`), most uncovered first.
    registry : CameraRegistry
    parameters : dict
    notes : tuple of str
        The defaults used (register cleaning, missing inputs), in plain words.
    """

    gaps: gpd.GeoDataFrame
    summary: pd.DataFrame
    registry: CameraRegistry
    parameters: Mapping[str, Any]
    notes: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """Return the number of sites by gap status."""
        values = self.gaps[GAP_STATUS].value_counts() if len(self.gaps) else pd.Series()
        return {status: int(values.get(status, 0)) for status in GAP_STATUSES}


def _thana_of(layer: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame | None) -> pd.Series:
    if THANA in layer.columns:
        return pd.Series(layer[THANA], index=layer.index, dtype="string")
    if thanas is None or thanas.empty or layer.empty:
        return pd.Series(pd.NA, index=layer.index, dtype="string")
    return pd.Series(assign_thanas(layer, thanas)[THANA], index=layer.index, dtype="string")


def reference_of(incidents: gpd.GeoDataFrame | None, reference_time: Any) -> pd.Timestamp | None:
    """Return "now" of an analysis: ``reference_time``, else the latest incident (or None)."""
    if reference_time is not None:
        return pd.Timestamp(reference_time)
    if incidents is None or incidents.empty or OCCURRED_AT not in incidents.columns:
        return None
    return pd.Timestamp(incidents[OCCURRED_AT].max())


def recent_incidents(
    incidents: gpd.GeoDataFrame | None, reference: pd.Timestamp | None, days: int | None
) -> gpd.GeoDataFrame | None:
    """Return the incidents of the ``days`` up to ``reference`` (all of them without ``days``).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame or None
    reference : pandas.Timestamp or None
    days : int or None

    Returns
    -------
    geopandas.GeoDataFrame or None
    """
    if incidents is None or incidents.empty or days is None or reference is None:
        return incidents
    times = incidents[OCCURRED_AT]
    ref = reference
    if times.dt.tz is not None and ref.tzinfo is None:
        ref = ref.tz_localize(times.dt.tz)
    elif times.dt.tz is None and ref.tzinfo is not None:
        ref = ref.tz_localize(None)
    keep = (times > ref - pd.Timedelta(days=days)) & (times <= ref)
    return incidents[keep.to_numpy()]


def _hotspot_ids(hotspots: gpd.GeoDataFrame) -> IntArray:
    values = hotspots[HOTSPOT_ID] if HOTSPOT_ID in hotspots.columns else hotspots.index
    return np.asarray(values, dtype=np.int64)


def _priority(score: float) -> str:
    if score >= PRIORITY_BREAKS[HIGH]:
        return HIGH
    if score >= PRIORITY_BREAKS[MEDIUM]:
        return MEDIUM
    return LOW


def _m(value: float) -> str:
    return f"{round(value):,} m"


def gap_analysis(
    sites: gpd.GeoDataFrame,
    cctv: gpd.GeoDataFrame | None,
    *,
    incidents: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    thanas: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
    radius_m: float = DEFAULT_RADIUS_M,
    days: int | None = DEFAULT_DAYS,
    reference_time: pd.Timestamp | str | None = None,
    default_radius_m: float = DEFAULT_VIEW_RADIUS_M,
    site_extent_m: Mapping[str, float] | None = None,
    duplicate_m: float = DUPLICATE_M,
) -> GapAnalysis:
    """Find, for every sensitive site, whether a working camera sees it, and rank the gaps.

    For each site: the nearest working camera and its distance, the number of working cameras
    whose view reaches it (view radius + the site's extent by kind), the nearest faulty or
    unchecked camera and whether its repair would cover the site, the incidents within
    ``radius_m`` in the last ``days`` days, whether it lies in a hotspot, and a priority score
    (weights :data:`PRIORITY_WEIGHTS`) with its reasons in ``why``.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Sites (any CRS) with ``name`` and ``kind`` (optional ``id``, ``thana``).
    cctv : geopandas.GeoDataFrame or None
        The camera register (cleaned with :func:`clean_registry`).
    incidents : geopandas.GeoDataFrame, optional
        With ``occurred_at`` (and ``thana``).
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output.
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons (for the thana of sites and cameras).
    metric_crs : str, optional
    radius_m : float
        Incidents within this distance of a site count.
    days : int or None
        ... in this many days up to ``reference_time`` (None: all of them).
    reference_time : Timestamp or str, optional
        "Now"; default the latest incident (never the wall clock).
    default_radius_m, duplicate_m : float
        Register cleaning (see :func:`clean_registry`).
    site_extent_m : mapping, optional
        Extent of a site by kind (default :data:`SITE_EXTENT_M`).

    Returns
    -------
    GapAnalysis

    Raises
    ------
    geo.errors.ParameterError
        For bad parameters or non-point geometries.
    """
    r_inc = _check_metres(radius_m, "radius_m")
    if days is not None and (int(days) != days or days < 1):
        raise ParameterError(f"days must be a positive whole number, got {days!r}", fix="use 90")
    if NAME not in sites.columns:
        raise ParameterError(
            "the sites have no 'name' column",
            why="a gap list names each site",
            fix="pass the sites layer of the store",
        )
    crs = metric_crs_for(sites, metric_crs).to_string() if len(sites) else metric_crs
    reg = clean_registry(
        cctv, thanas=thanas, metric_crs=crs, default_radius_m=default_radius_m,
        duplicate_m=duplicate_m,
    )  # fmt: skip
    crs = reg.metric_crs if crs is None else crs
    notes = list(reg.defaults_used)
    if cctv is None or cctv.empty:
        notes.append("no camera register: every site is uncovered")
    n = len(sites)
    sxy, _ = metric_coordinates(sites, crs, what="sites")
    extent = site_extents(sites, site_extent_m)
    ok = reg.working
    not_ok = ~ok
    d_work, j_work = _nearest(sxy, reg.xy, ok)
    d_bad, j_bad = _nearest(sxy, reg.xy, not_ok)
    tgt, cam, dist = covering_pairs(sxy, reg.xy, reg.radius_m, extent)
    seeing = np.bincount(tgt[ok[cam]], minlength=n)
    covered = seeing > 0
    # repair candidate: the nearest non-working camera whose view would reach the site
    repair = np.full(n, -1, dtype=np.int64)
    bad_pairs = not_ok[cam]
    if bad_pairs.any():
        order = np.lexsort((dist[bad_pairs], tgt[bad_pairs]))
        t_sorted = tgt[bad_pairs][order]
        first = np.r_[True, t_sorted[1:] != t_sorted[:-1]]
        repair[t_sorted[first]] = cam[bad_pairs][order][first]
    status = np.where(covered, COVERED_STATUS, np.where(repair >= 0, REPAIRABLE, UNCOVERED))

    reference = reference_of(incidents, reference_time)
    recent = recent_incidents(incidents, reference, days)
    near = np.zeros(n, dtype=np.int64)
    if recent is not None and len(recent) and n:
        ixy, _ = metric_coordinates(recent, crs, what="incidents")
        counts = cKDTree(ixy).query_ball_point(sxy, r=r_inc, return_length=True)
        near = np.asarray(counts, dtype=np.int64)
    hot_id = np.full(n, -1, dtype=np.int64)
    if hotspots is not None and len(hotspots) and n:
        polys = hotspots.to_crs(WGS84).geometry.to_numpy()
        ids = _hotspot_ids(hotspots)
        pts = sites.to_crs(WGS84).geometry.to_numpy()
        p_idx, h_idx = shapely.STRtree(polys).query(pts, predicate="intersects")
        for p, h in sorted(zip(p_idx, h_idx, strict=True), key=lambda ph: (ph[0], ids[ph[1]])):
            if hot_id[p] < 0:
                hot_id[p] = ids[h]
    in_hot = hot_id >= 0

    kinds = (
        sites[KIND].astype("string").fillna("").to_numpy(dtype=object)
        if KIND in sites.columns
        else np.full(n, "", dtype=object)
    )
    w = PRIORITY_WEIGHTS
    kind_w = np.asarray([KIND_PRIORITY.get(str(k), KIND_PRIORITY["other"]) for k in kinds])
    far = np.where(np.isfinite(d_work), np.minimum(d_work / FAR_M, 1.0), 1.0)
    score = (
        w["incidents"] * np.minimum(near / INCIDENT_SATURATION, 1.0)
        + w["hotspot"] * in_hot
        + w["kind"] * kind_w
        + w["distance"] * far
    )
    score = np.where(covered, 0.0, np.round(score, 4))
    cam_ids = reg.cameras[CAMERA_ID].to_numpy(dtype=object)
    names = sites[NAME].astype("string").fillna("").to_numpy(dtype=object)
    window = f"in the last {days} days" if days is not None else "in the selection"
    whys: list[str] = []
    for i in range(n):
        parts: list[str] = []
        if covered[i]:
            parts.append(
                f"seen by {seeing[i]} working camera{'s' if seeing[i] > 1 else ''} "
                f"(nearest {cam_ids[j_work[i]]}, {_m(d_work[i])})"
            )
        else:
            if np.isfinite(d_work[i]):
                parts.append(f"no working camera sees it (nearest {_m(d_work[i])} away)")
            else:
                parts.append("no working camera at all")
            if repair[i] >= 0:
                parts.append(
                    f"repairing {reg.cameras[STATUS].iat[repair[i]]} camera "
                    f"{cam_ids[repair[i]]} ({_m(dist_of(tgt, cam, dist, i, repair[i]))}) "
                    "would cover it"
                )
            elif j_bad[i] >= 0:
                parts.append(f"nearest broken camera {_m(d_bad[i])} away is too far to help")
        parts.append(f"{near[i]} incident{'s' if near[i] != 1 else ''} within {_m(r_inc)} "
                     f"{window}")  # fmt: skip
        if in_hot[i]:
            parts.append(f"inside hotspot {hot_id[i]}")
        if kinds[i]:
            parts.append(str(kinds[i]))
        whys.append("; ".join(parts))

    site_ids = (
        sites[ID].astype("string").to_numpy(dtype=object)
        if ID in sites.columns
        else np.asarray([str(i) for i in sites.index], dtype=object)
    )
    thana = _thana_of(sites, thanas)
    gaps = gpd.GeoDataFrame(
        {
            SITE_ID: site_ids,
            NAME: names,
            KIND: kinds,
            THANA: thana.to_numpy(dtype=object),
            GAP_STATUS: status,
            COVERED: covered,
            NEAREST_WORKING_M: np.where(np.isfinite(d_work), np.round(d_work, 1), np.nan),
            NEAREST_WORKING_ID: [cam_ids[j] if j >= 0 else None for j in j_work],
            CAMERAS_SEEING: seeing.astype(np.int64),
            NEAREST_FAULTY_ID: [cam_ids[j] if j >= 0 else None for j in j_bad],
            NEAREST_FAULTY_M: np.where(np.isfinite(d_bad), np.round(d_bad, 1), np.nan),
            REPAIR_CAMERA_ID: [cam_ids[j] if j >= 0 else None for j in repair],
            SITE_EXTENT_COL: extent,
            INCIDENTS_NEAR: near,
            IN_HOTSPOT: in_hot,
            HOTSPOT_ID: pd.Series(np.where(in_hot, hot_id, 0), dtype="Int64").where(in_hot),
            PRIORITY_SCORE: score,
            PRIORITY: [NO_GAP if c else _priority(s) for c, s in zip(covered, score, strict=True)],
            WHY: whys,
        },
        geometry=sites.to_crs(WGS84).geometry.to_numpy() if n else [],
        crs=WGS84,
    )
    gaps = _rank(gaps)
    summary = thana_summary(gaps, reg, recent, hotspots, thanas=thanas, metric_crs=crs)
    parameters = {
        "radius_m": r_inc, "days": days,
        "reference_time": None if reference is None else reference.isoformat(),
        "default_radius_m": float(default_radius_m), "duplicate_m": float(duplicate_m),
        "site_extent_m": dict(SITE_EXTENT_M if site_extent_m is None else site_extent_m),
        "metric_crs": crs,
    }  # fmt: skip
    logger.info(
        "CCTV gaps: %d sites, %s", n, ", ".join(f"{k} {v}" for k, v in _counts(gaps).items())
    )
    return GapAnalysis(gaps, summary, reg, parameters, tuple(notes))


def dist_of(tgt: IntArray, cam: IntArray, dist: FloatArray, i: int, j: int) -> float:
    """Return the distance of the pair (target ``i``, camera ``j``) among covering pairs."""
    hit = np.flatnonzero((tgt == i) & (cam == j))
    return float(dist[hit[0]]) if hit.size else float("nan")


def _counts(gaps: gpd.GeoDataFrame) -> dict[str, int]:
    values = gaps[GAP_STATUS].value_counts()
    return {s: int(values.get(s, 0)) for s in GAP_STATUSES}


def _rank(gaps: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sort gaps most urgent first (covered sites last) and number them overall and per thana."""
    is_gap = gaps[GAP_STATUS] != COVERED_STATUS
    order = gaps.assign(_gap=~is_gap, _name=gaps[NAME].astype(str), _id=gaps[SITE_ID].astype(str))
    order = order.sort_values(
        ["_gap", PRIORITY_SCORE, INCIDENTS_NEAR, "_name", "_id"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    ranked = gaps.loc[order.index].copy()
    gap = (ranked[GAP_STATUS] != COVERED_STATUS).to_numpy()
    overall = pd.Series(np.cumsum(gap), index=ranked.index, dtype="Int64")
    ranked[GAP_RANK] = overall.where(gap)
    thana_key = ranked[THANA].astype("string").fillna(NO_THANA)
    per = ranked.assign(_t=thana_key, _g=gap).groupby("_t", sort=False)["_g"].cumsum()
    ranked[THANA_RANK] = pd.Series(
        per.to_numpy(dtype=np.int64), index=ranked.index, dtype="Int64"
    ).where(gap)
    return ranked[[*GAP_COLUMNS, "geometry"]]


def thana_summary(
    gaps: gpd.GeoDataFrame,
    registry: CameraRegistry,
    incidents: gpd.GeoDataFrame | None,
    hotspots: gpd.GeoDataFrame | None,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
) -> pd.DataFrame:
    """Summarise gaps per thana: sites by status, and what share working cameras watch.

    Parameters
    ----------
    gaps : geopandas.GeoDataFrame
        :attr:`GapAnalysis.gaps`.
    registry : CameraRegistry
    incidents : geopandas.GeoDataFrame, optional
        The incidents of the window (their share in a working camera's view is reported).
    hotspots : geopandas.GeoDataFrame, optional
        A hotspot counts as watched when a working camera's view circle touches its polygon.
    thanas : geopandas.GeoDataFrame, optional
    metric_crs : str, optional

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per thana (and :data:`NO_THANA` for sites,
        cameras or incidents in none), most uncovered sites first.
    """
    crs = metric_crs or registry.metric_crs
    ok = registry.working
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name,
            {THANA: name, SITES_COL: 0, COVERED_COL: 0, REPAIRABLE_COL: 0, UNCOVERED_COL: 0,
             HIGH_PRIORITY_COL: 0, INCIDENTS_COL: 0, "_inc_seen": 0, HOTSPOTS_COL: 0,
             "_hot_seen": 0, CAMERAS_COL: 0, CAMERAS_WORKING_COL: 0, CAMERAS_FAULTY_COL: 0,
             CAMERAS_UNKNOWN_COL: 0, TOP_GAPS: []},
        )  # fmt: skip

    if thanas is not None and NAME in thanas.columns:
        for name in sorted(thanas[NAME].astype(str)):
            row(name)
    status_col = {
        COVERED_STATUS: COVERED_COL, REPAIRABLE: REPAIRABLE_COL, UNCOVERED: UNCOVERED_COL,
    }  # fmt: skip
    for rec in gaps[[THANA, GAP_STATUS, PRIORITY, NAME]].itertuples(index=False):
        r = row(NO_THANA if pd.isna(rec[0]) else str(rec[0]))
        r[SITES_COL] += 1
        r[status_col[str(rec[1])]] += 1
        r[HIGH_PRIORITY_COL] += rec[2] == HIGH
        if rec[1] != COVERED_STATUS and len(r[TOP_GAPS]) < TOP_N:
            r[TOP_GAPS].append(str(rec[3]))
    cam_status = {WORKING: CAMERAS_WORKING_COL, FAULTY: CAMERAS_FAULTY_COL,
                  UNKNOWN: CAMERAS_UNKNOWN_COL}  # fmt: skip
    for t, s in zip(registry.cameras[THANA], registry.cameras[STATUS], strict=True):
        r = row(NO_THANA if pd.isna(t) else str(t))
        r[CAMERAS_COL] += 1
        r[cam_status[str(s)]] += 1
    if incidents is not None and len(incidents):
        ixy, _ = metric_coordinates(incidents, crs, what="incidents")
        seen = np.zeros(len(ixy), dtype=bool)
        tgt, _, _ = covering_pairs(ixy, registry.xy[ok], registry.radius_m[ok])
        seen[tgt] = True
        where = _thana_of(incidents, thanas).fillna(NO_THANA)
        for t, s in zip(where, seen, strict=True):
            r = row(str(t))
            r[INCIDENTS_COL] += 1
            r["_inc_seen"] += bool(s)
    if hotspots is not None and len(hotspots):
        polys = hotspots.to_crs(crs).geometry.to_numpy()
        discs = shapely.buffer(shapely.points(registry.xy[ok]), registry.radius_m[ok])
        watched = np.zeros(len(polys), dtype=bool)
        if len(discs):
            h_idx, _ = shapely.STRtree(discs).query(polys, predicate="intersects")
            watched[h_idx] = True
        if PRIMARY_THANA in hotspots.columns:
            where = hotspots[PRIMARY_THANA].astype("string")
        else:
            where = _thana_of(
                gpd.GeoDataFrame(geometry=hotspots.geometry.representative_point()), thanas
            )
        for t, s in zip(where.fillna(NO_THANA), watched, strict=True):
            r = row(str(t))
            r[HOTSPOTS_COL] += 1
            r["_hot_seen"] += bool(s)
    out = pd.DataFrame(list(rows.values()))
    if out.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
    with np.errstate(invalid="ignore", divide="ignore"):
        out[INCIDENTS_IN_VIEW_SHARE] = np.round(out["_inc_seen"] / out[INCIDENTS_COL], 3)
        out[HOTSPOTS_IN_VIEW_SHARE] = np.round(out["_hot_seen"] / out[HOTSPOTS_COL], 3)
    out[TOP_GAPS] = out[TOP_GAPS].map("; ".join)
    out = out.sort_values(
        [UNCOVERED_COL, REPAIRABLE_COL, THANA], ascending=[False, False, True], kind="stable"
    )
    return out[list(SUMMARY_COLUMNS)].reset_index(drop=True)
