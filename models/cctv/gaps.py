"""CCTV gap analysis: which sensitive sites a working camera sees, which a repair would, and why."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.crs import WGS84, metric_coordinates, metric_crs_for
from geo.errors import ParameterError
from geo.i18n import _, camera_status_name, counted, format_int, ngettext, site_kind_name
from geo.schema import ID, KIND, NAME, NAME_HI, OCCURRED_AT, STATUS, THANA
from geo.thanas import assign_thanas
from models.arrays import BoolArray, FloatArray, IntArray
from models.cctv.columns import (
    CAMERA_COLUMNS,
    CAMERA_ID,
    CAMERAS_COL,
    CAMERAS_FAULTY_COL,
    CAMERAS_SEEING,
    CAMERAS_UNKNOWN_COL,
    CAMERAS_WORKING_COL,
    COVERED,
    COVERED_COL,
    COVERED_STATUS,
    DEFAULT_DAYS,
    DEFAULT_RADIUS_M,
    DEFAULT_VIEW_RADIUS_M,
    DUPLICATE_M,
    FAR_M,
    FAULTY,
    GAP_COLUMNS,
    GAP_RANK,
    GAP_STATUS,
    GAP_STATUSES,
    HIGH,
    HIGH_PRIORITY_COL,
    HOTSPOTS_COL,
    HOTSPOTS_IN_VIEW_SHARE,
    IN_HOTSPOT,
    INCIDENT_SATURATION,
    INCIDENTS_COL,
    INCIDENTS_IN_VIEW_SHARE,
    INCIDENTS_NEAR,
    KIND_PRIORITY,
    LOW,
    MEDIUM,
    MERGED_IDS,
    NEAREST_FAULTY_ID,
    NEAREST_FAULTY_M,
    NEAREST_WORKING_ID,
    NEAREST_WORKING_M,
    NO_GAP,
    NO_THANA,
    PRIORITY,
    PRIORITY_BREAKS,
    PRIORITY_SCORE,
    PRIORITY_WEIGHTS,
    RADIUS_ASSUMED,
    RECORDS,
    REPAIR_CAMERA_ID,
    REPAIRABLE,
    REPAIRABLE_COL,
    SITE_EXTENT_COL,
    SITE_EXTENT_M,
    SITE_ID,
    SITES_COL,
    STATUS_ASSUMED,
    STATUSES,
    SUMMARY_COLUMNS,
    THANA_RANK,
    TOP_GAPS,
    TOP_N,
    UNCOVERED,
    UNCOVERED_COL,
    UNKNOWN,
    WHY,
    WORKING,
)
from models.cctv.coverage import (
    CoverageSummary,
    coverage_summary,
    covering_pairs,
    nearest_camera,
    site_coverage,
    site_extents,
)
from models.cctv.registry import (
    CameraRegistry,
    clean_registry,
)
from models.checks import check_metres, check_time
from models.hotspots import HOTSPOT_ID, PRIMARY_THANA
from models.selection import (
    IMPRECISE_LEFT_OUT,
    imprecise_location_note,
    point_incidents,
    precise_mask,
)

logger = logging.getLogger(__name__)

#: The public names, with the registry's and the columns' re-exported.
__all__ = [
    "CAMERAS_COL",
    "CAMERAS_FAULTY_COL",
    "CAMERAS_SEEING",
    "CAMERAS_UNKNOWN_COL",
    "CAMERAS_WORKING_COL",
    "CAMERA_COLUMNS",
    "CAMERA_ID",
    "COVERED",
    "COVERED_COL",
    "COVERED_STATUS",
    "DEFAULT_DAYS",
    "DEFAULT_RADIUS_M",
    "DEFAULT_VIEW_RADIUS_M",
    "DUPLICATE_M",
    "FAR_M",
    "FAULTY",
    "GAP_COLUMNS",
    "GAP_RANK",
    "GAP_STATUS",
    "GAP_STATUSES",
    "HIGH",
    "HIGH_PRIORITY_COL",
    "HOTSPOTS_COL",
    "HOTSPOTS_IN_VIEW_SHARE",
    "INCIDENTS_COL",
    "INCIDENTS_IN_VIEW_SHARE",
    "INCIDENTS_NEAR",
    "INCIDENT_SATURATION",
    "IN_HOTSPOT",
    "KIND_PRIORITY",
    "LOW",
    "MEDIUM",
    "MERGED_IDS",
    "NEAREST_FAULTY_ID",
    "NEAREST_FAULTY_M",
    "NEAREST_WORKING_ID",
    "NEAREST_WORKING_M",
    "NO_GAP",
    "NO_THANA",
    "PRIORITY",
    "PRIORITY_BREAKS",
    "PRIORITY_SCORE",
    "PRIORITY_WEIGHTS",
    "RADIUS_ASSUMED",
    "RECORDS",
    "REPAIRABLE",
    "REPAIRABLE_COL",
    "REPAIR_CAMERA_ID",
    "SITES_COL",
    "SITE_EXTENT_COL",
    "SITE_EXTENT_M",
    "SITE_ID",
    "STATUSES",
    "STATUS_ASSUMED",
    "SUMMARY_COLUMNS",
    "THANA_RANK",
    "TOP_GAPS",
    "TOP_N",
    "UNCOVERED",
    "UNCOVERED_COL",
    "UNKNOWN",
    "WHY",
    "WORKING",
    "CameraRegistry",
    "CoverageSummary",
    "GapAnalysis",
    "clean_registry",
    "coverage_summary",
    "covering_pairs",
    "dist_of",
    "gap_analysis",
    "recent_incidents",
    "reference_of",
    "site_coverage",
    "site_extents",
    "thana_summary",
]


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
        return check_time(reference_time, "reference_time")
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
    # TRANSLATORS: a distance in metres.
    return _("{n} m").format(n=format_int(round(value)))


@dataclass(frozen=True)
class _SiteCameras:
    """Per site: the nearest working and faulty cameras, the cameras seeing it, a repair."""

    d_work: FloatArray
    j_work: IntArray
    d_bad: FloatArray
    j_bad: IntArray
    seeing: IntArray
    covered: BoolArray
    repair: IntArray
    status: npt.NDArray[np.object_]
    tgt: IntArray
    cam: IntArray
    dist: FloatArray


def _site_cameras(sxy: FloatArray, reg: CameraRegistry, extent: FloatArray) -> _SiteCameras:
    """Return which cameras see each site, the nearest ones, and the repair that would help."""
    n = len(sxy)
    ok = reg.working
    not_ok = ~ok
    d_work, j_work = nearest_camera(sxy, reg.xy, ok)
    d_bad, j_bad = nearest_camera(sxy, reg.xy, not_ok)
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
    return _SiteCameras(
        d_work, j_work, d_bad, j_bad, seeing, covered, repair, status, tgt, cam, dist
    )


def _incidents_near(
    sxy: FloatArray, recent: gpd.GeoDataFrame | None, crs: str, radius_m: float
) -> IntArray:
    """Return the number of recent incidents within ``radius_m`` of each site."""
    near = np.zeros(len(sxy), dtype=np.int64)
    if recent is not None and len(recent) and len(sxy):
        ixy, _ids = metric_coordinates(recent, crs, what="incidents")
        counts = cKDTree(ixy).query_ball_point(sxy, r=radius_m, return_length=True)
        near = np.asarray(counts, dtype=np.int64)
    return near


def _hotspot_of_sites(sites: gpd.GeoDataFrame, hotspots: gpd.GeoDataFrame | None) -> IntArray:
    """Return the (lowest) id of the hotspot each site lies in, -1 for none."""
    n = len(sites)
    hot_id = np.full(n, -1, dtype=np.int64)
    if hotspots is not None and len(hotspots) and n:
        polys = hotspots.to_crs(WGS84).geometry.to_numpy()
        ids = _hotspot_ids(hotspots)
        pts = sites.to_crs(WGS84).geometry.to_numpy()
        p_idx, h_idx = shapely.STRtree(polys).query(pts, predicate="intersects")
        for p, h in sorted(zip(p_idx, h_idx, strict=True), key=lambda ph: (ph[0], ids[ph[1]])):
            if hot_id[p] < 0:
                hot_id[p] = ids[h]
    return hot_id


def _priority_scores(
    kinds: npt.NDArray[np.object_], near: IntArray, in_hot: BoolArray, sc: _SiteCameras
) -> FloatArray:
    """Return the priority score of each site's gap (0 for a covered site)."""
    w = PRIORITY_WEIGHTS
    kind_w = np.asarray([KIND_PRIORITY.get(str(k), KIND_PRIORITY["other"]) for k in kinds])
    far = np.where(np.isfinite(sc.d_work), np.minimum(sc.d_work / FAR_M, 1.0), 1.0)
    score = (
        w["incidents"] * np.minimum(near / INCIDENT_SATURATION, 1.0)
        + w["hotspot"] * in_hot
        + w["kind"] * kind_w
        + w["distance"] * far
    )
    return np.asarray(np.where(sc.covered, 0.0, np.round(score, 4)), dtype=np.float64)


def _site_why(
    i: int, sc: _SiteCameras, reg: CameraRegistry, cam_ids: npt.NDArray[np.object_],
    near: IntArray, hot_id: IntArray, kinds: npt.NDArray[np.object_], r_inc: float, window: str,
) -> str:  # fmt: skip
    """Return why site ``i`` is (not) covered, what would help, and what is near it."""
    d_work, j_work, d_bad, j_bad, seeing, repair = (
        sc.d_work,
        sc.j_work,
        sc.d_bad,
        sc.j_bad,
        sc.seeing,
        sc.repair,
    )
    parts: list[str] = []
    if sc.covered[i]:
        # TRANSLATORS: {camera} is the nearest camera's id, {distance} e.g. "40 m".
        text = ngettext(
            "seen by {n} working camera (nearest {camera}, {distance})",
            "seen by {n} working cameras (nearest {camera}, {distance})",
            int(seeing[i]),
        )
        parts.append(
            text.format(n=int(seeing[i]), camera=cam_ids[j_work[i]], distance=_m(d_work[i]))
        )
    else:
        if np.isfinite(d_work[i]):
            text = _("no working camera sees it (nearest {distance} away)")
            parts.append(text.format(distance=_m(d_work[i])))
        else:
            parts.append(_("no working camera at all"))
        if repair[i] >= 0:
            # TRANSLATORS: {status} is a camera status ("faulty", "unknown"), {camera} its id.
            text = _("repairing {status} camera {camera} ({distance}) would cover it")
            parts.append(
                text.format(
                    status=camera_status_name(reg.cameras[STATUS].iat[repair[i]]),
                    camera=cam_ids[repair[i]],
                    distance=_m(dist_of(sc.tgt, sc.cam, sc.dist, i, repair[i])),
                )
            )
        elif j_bad[i] >= 0:
            text = _("nearest broken camera {distance} away is too far to help")
            parts.append(text.format(distance=_m(d_bad[i])))
    # TRANSLATORS: {window} is "in the last 90 days" or "in the selection".
    parts.append(
        counted(
            int(near[i]),
            "{n} incident within {distance} {window}",
            "{n} incidents within {distance} {window}",
            distance=_m(r_inc),
            window=window,
        )
    )
    if hot_id[i] >= 0:
        parts.append(_("inside hotspot {id}").format(id=hot_id[i]))
    if kinds[i]:
        parts.append(site_kind_name(kinds[i]))
    return "; ".join(parts)


def _gaps_frame(
    sites: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame | None, reg: CameraRegistry,
    sc: _SiteCameras, extent: FloatArray, near: IntArray, hot_id: IntArray, r_inc: float,
    days: int | None,
) -> gpd.GeoDataFrame:  # fmt: skip
    """Return one row per site: its cameras, incidents near, hotspot, priority and why."""
    n = len(sites)
    covered, status = sc.covered, sc.status
    in_hot = hot_id >= 0
    kinds = (
        sites[KIND].astype("string").fillna("").to_numpy(dtype=object)
        if KIND in sites.columns
        else np.full(n, "", dtype=object)
    )
    score = _priority_scores(kinds, near, in_hot, sc)
    cam_ids = reg.cameras[CAMERA_ID].to_numpy(dtype=object)
    names = sites[NAME].astype("string").fillna("").to_numpy(dtype=object)
    names_hi = (
        sites[NAME_HI].astype("string").to_numpy(dtype=object, na_value=None)
        if NAME_HI in sites.columns
        else np.full(n, None, dtype=object)
    )
    window = (
        counted(days, "in the last {n} day", "in the last {n} days")
        if days is not None
        else _("in the selection")
    )
    whys = [_site_why(i, sc, reg, cam_ids, near, hot_id, kinds, r_inc, window) for i in range(n)]

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
            NAME_HI: names_hi,
            KIND: kinds,
            THANA: thana.to_numpy(dtype=object),
            GAP_STATUS: status,
            COVERED: covered,
            NEAREST_WORKING_M: np.where(np.isfinite(sc.d_work), np.round(sc.d_work, 1), np.nan),
            NEAREST_WORKING_ID: [cam_ids[j] if j >= 0 else None for j in sc.j_work],
            CAMERAS_SEEING: sc.seeing.astype(np.int64),
            NEAREST_FAULTY_ID: [cam_ids[j] if j >= 0 else None for j in sc.j_bad],
            NEAREST_FAULTY_M: np.where(np.isfinite(sc.d_bad), np.round(sc.d_bad, 1), np.nan),
            REPAIR_CAMERA_ID: [cam_ids[j] if j >= 0 else None for j in sc.repair],
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
    return gaps


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
        With ``occurred_at`` (and ``thana``, ``location_precision``). Those located only to
        a locality or pincode centroid are never counted near a site (the notes and
        ``parameters[IMPRECISE_LEFT_OUT]`` say how many).
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
    r_inc = check_metres(radius_m, "radius_m", allow_low=True, example=50.0)
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
    sxy, _ids = metric_coordinates(sites, crs, what="sites")
    extent = site_extents(sites, site_extent_m)
    sc = _site_cameras(sxy, reg, extent)

    reference = reference_of(incidents, reference_time)
    recent = recent_incidents(incidents, reference, days)
    # locality and pincode centroids would pile up at one point: never counted near a site
    points, left_out = (None, 0) if recent is None else point_incidents(recent)
    near = _incidents_near(sxy, points, crs, r_inc)
    hot_id = _hotspot_of_sites(sites, hotspots)
    gaps = _gaps_frame(sites, thanas, reg, sc, extent, near, hot_id, r_inc, days)
    gaps = _rank(gaps)
    summary = thana_summary(gaps, reg, recent, hotspots, thanas=thanas, metric_crs=crs)
    parameters = {
        "radius_m": r_inc, "days": days,
        "reference_time": None if reference is None else reference.isoformat(),
        "default_radius_m": float(default_radius_m), "duplicate_m": float(duplicate_m),
        "site_extent_m": dict(SITE_EXTENT_M if site_extent_m is None else site_extent_m),
        "metric_crs": crs,
    }  # fmt: skip
    imprecise = imprecise_location_note(left_out)
    if imprecise is not None:
        parameters[IMPRECISE_LEFT_OUT] = left_out
        notes.append(imprecise)
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
        The incidents of the window: all count in their thana, and the share of the precise
        ones (not a locality or pincode centroid) in a working camera's view is reported.
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
             HIGH_PRIORITY_COL: 0, INCIDENTS_COL: 0, "_inc_points": 0, "_inc_seen": 0,
             HOTSPOTS_COL: 0, "_hot_seen": 0, CAMERAS_COL: 0, CAMERAS_WORKING_COL: 0,
             CAMERAS_FAULTY_COL: 0, CAMERAS_UNKNOWN_COL: 0, TOP_GAPS: []},
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
        # every incident counts in its thana; only precise points can be in a camera's view
        precise = precise_mask(incidents)
        points = np.ones(len(incidents), dtype=bool) if precise is None else precise
        seen = np.zeros(len(incidents), dtype=bool)
        if points.any():
            ixy, _ids = metric_coordinates(incidents[points], crs, what="incidents")
            tgt, _cam, _dist = covering_pairs(ixy, registry.xy[ok], registry.radius_m[ok])
            seen[np.flatnonzero(points)[tgt]] = True
        where = _thana_of(incidents, thanas).fillna(NO_THANA)
        for t, s, pt in zip(where, seen, points, strict=True):
            r = row(str(t))
            r[INCIDENTS_COL] += 1
            r["_inc_points"] += bool(pt)
            r["_inc_seen"] += bool(s)
    if hotspots is not None and len(hotspots):
        polys = hotspots.to_crs(crs).geometry.to_numpy()
        discs = shapely.buffer(shapely.points(registry.xy[ok]), registry.radius_m[ok])
        watched = np.zeros(len(polys), dtype=bool)
        if len(discs):
            h_idx, _hit = shapely.STRtree(discs).query(polys, predicate="intersects")
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
        out[INCIDENTS_IN_VIEW_SHARE] = np.round(out["_inc_seen"] / out["_inc_points"], 3)
        out[HOTSPOTS_IN_VIEW_SHARE] = np.round(out["_hot_seen"] / out[HOTSPOTS_COL], 3)
    out[TOP_GAPS] = out[TOP_GAPS].map("; ".join)
    out = out.sort_values(
        [UNCOVERED_COL, REPAIRABLE_COL, THANA], ascending=[False, False, True], kind="stable"
    )
    return out[list(SUMMARY_COLUMNS)].reset_index(drop=True)
