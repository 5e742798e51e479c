"""The hotspot table: DBSCAN clusters described for a patrol briefing, with a risk score."""

from __future__ import annotations

import logging
import math
from typing import Any, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84, metric_coordinates, metric_crs_for
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
from models.checks import check_count, check_days, check_metres
from models.hotspots.clusterings import times_ns
from models.hotspots.columns import (
    ALL_WEEK,
    AREA_KM2,
    CAMERAS_NOT_WORKING,
    CAMERAS_WORKING,
    CAMPAIGNS_RECENT,
    CATEGORY_MIX,
    CCTV_COVERED_SHARE,
    CROSS_THANA,
    DAY_PATTERN,
    DAY_PATTERN_FACTOR,
    DAYS_SINCE_CAMPAIGN,
    DAYS_SINCE_LAST,
    DEFAULT_BUFFER_M,
    DEFAULT_EPS_M,
    DEFAULT_HULL_RATIO,
    DEFAULT_MIN_SAMPLES,
    DENSITY_PER_KM2,
    FALLING,
    FIRST_DATE,
    HOTSPOT_COLUMNS,
    HOTSPOT_ID,
    HOTSPOTS_ATTR,
    HOUR_PROFILE,
    HULL_CONCAVE,
    HULLS,
    INCIDENTS,
    LAST_CAMPAIGN,
    LAST_DATE,
    N_NEAREST_SITES,
    NEAREST_SITES,
    NOTES,
    PEAK_HOURS,
    PEAK_HOURS_SHARE,
    PEAK_WEEKDAY,
    PEAK_WINDOW_HOURS,
    PREVIOUS_INCIDENTS,
    PRIMARY_THANA,
    RECENT_INCIDENTS,
    RISING,
    RISK_COUNT,
    RISK_NO_CAMERA,
    RISK_NO_CAMPAIGN,
    RISK_RANK,
    RISK_RECENCY,
    RISK_SCORE,
    RISK_SITES,
    RISK_TREND,
    RISK_WEIGHTS,
    SITES_BY_KIND,
    SITES_NEARBY,
    SITES_SATURATION,
    SOURCE_MIX,
    STABLE,
    THANA_LIST,
    TOP_CATEGORY,
    TOP_CATEGORY_SHARE,
    TREND,
    TREND_DOWN,
    TREND_MIN_CHANGE,
    TREND_RATIO,
    TREND_UP,
    UNDERSERVED_RANK,
    UNDERSERVED_REASON,
    UNKNOWN,
    WEEKDAY_NAMES,
    WEEKDAY_PROFILE,
    WEEKDAYS,
    WEEKENDS,
    WHY,
    WORKING,
    FloatArray,
    HullKind,
    IntArray,
    Method,
)
from models.hotspots.dbscan import check_eps, dbscan_xy, point_weights, resolve_method
from models.hotspots.explain import WhyParams, why_text

logger = logging.getLogger(__name__)


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
    eps = check_eps(eps_m)
    ms = check_count(min_samples, "min_samples", low=1)
    recent_days = check_days(recent_days, "recent_days")
    campaign_days = check_days(campaign_days, "campaign_days")
    site_r = check_metres(site_radius_m, "site_radius_m")
    camp_r = check_metres(campaign_radius_m, "campaign_radius_m")
    cam_default = check_metres(cctv_default_radius_m, "cctv_default_radius_m")
    buf = check_metres(buffer_m, "buffer_m")
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
    w = point_weights(incidents, weights)
    resolve_method(method, w is not None)
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
    t_ns = times_ns(mtimes, OCCURRED_AT)
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
    ref_ns = int(times_ns(pd.Series([ref]), "reference_time")[0])
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
    params = WhyParams(
        recent_days=recent_days,
        site_radius_m=site_r,
        campaign_radius_m=camp_r,
        campaign_days=campaign_days,
        have_sites=sites is not None,
        have_cctv=cctv is not None,
        have_campaigns=campaigns is not None,
    )
    for row in rows:
        row[WHY] = why_text(row, params)
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
    r = check_metres(radius_m, "radius_m", allow_low=True)
    days = check_days(days, "days")
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
