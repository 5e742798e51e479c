"""Index-aligned parts of the hotspot table: each returns a frame indexed by HOTSPOT_ID."""

# Each part describes every hotspot from one angle (incidents, time, area, trend, thanas, sites,
# cameras, campaigns, risk) and returns a frame indexed by :data:`HOTSPOT_ID` (0..k-1); the
# hotspot table is their join. The parts share one :class:`Clusters`, the members of every
# hotspot in metres, computed once.

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.crs import metric_coordinates
from geo.errors import ParameterError
from geo.i18n import counted, format_int, pgettext, place_name, site_kind_name
from geo.schema import (
    CATEGORY,
    HELD_ON,
    KIND,
    NAME,
    NAME_HI,
    OCCURRED_AT,
    SOURCE,
    STATUS,
    THANA,
    TIME_EXACT,
    TIME_MONTH,
    VIEW_RADIUS_M,
)
from models.arrays import BoolArray, FloatArray, IntArray
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
    DENSITY_PER_KM2,
    FALLING,
    FIRST_DATE,
    HOTSPOT_ID,
    HOUR_PROFILE,
    HULL_CONCAVE,
    INCIDENTS,
    LAST_CAMPAIGN,
    LAST_DATE,
    N_NEAREST_SITES,
    NEAREST_SITES,
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
    UNKNOWN,
    WEEKDAY_NAMES,
    WEEKDAY_PROFILE,
    WEEKDAYS,
    WEEKENDS,
    WIDTH_M,
    WORKING,
)
from models.hotspots.density import geometry_widths_m


@dataclass(frozen=True)
class Clusters:
    """The incidents of every hotspot, in metres, and the reference time of the analysis.

    Attributes
    ----------
    k : int
        Number of hotspots (their ids are 0..k-1).
    labels : numpy.ndarray
        Hotspot id of each member incident.
    xy : numpy.ndarray
        ``(n, 2)`` metric coordinates of each member incident.
    times : pandas.Series
        Local time of each member incident.
    counts : numpy.ndarray
        Incidents per hotspot.
    crs : pyproj.CRS
        The metric CRS.
    ref : pandas.Timestamp
        The reference time ("now" of the analysis).
    precision : numpy.ndarray or None
        How precisely each member's time is known (``geo.schema.TIME_PRECISIONS``);
        ``None``: every time is exact.
    """

    k: int
    labels: IntArray
    xy: FloatArray
    times: pd.Series
    counts: IntArray
    crs: CRS
    ref: pd.Timestamp
    precision: npt.NDArray[np.object_] | None = None

    def timed(self) -> tuple[BoolArray, BoolArray]:
        """Return which members have a time of day, and which a day (not only a month)."""
        n = len(self.labels)
        if self.precision is None:
            return np.ones(n, dtype=bool), np.ones(n, dtype=bool)
        return self.precision == TIME_EXACT, self.precision != TIME_MONTH

    def left_out(self) -> tuple[IntArray, IntArray]:
        """Return per hotspot the members without a time of day, and those without a day."""
        hour_ok, day_ok = self.timed()
        no_hour = np.bincount(self.labels[~hour_ok], minlength=self.k).astype(np.int64)
        no_day = np.bincount(self.labels[~day_ok], minlength=self.k).astype(np.int64)
        return no_hour, no_day

    @property
    def index(self) -> pd.Index:
        """The hotspot ids, 0..k-1, named :data:`HOTSPOT_ID`."""
        return pd.RangeIndex(self.k, name=HOTSPOT_ID)

    def frame(self, columns: dict[str, Any]) -> pd.DataFrame:
        """Return ``columns`` (one value per hotspot each) as a frame indexed by hotspot id."""
        return pd.DataFrame(columns, index=self.index)


#: From this many hotspots on, :func:`polygons` computes hulls in threads.
_PARALLEL_HULLS_MIN = 32


def _hull(xy: FloatArray, hull: str, ratio: float, buffer_m: float) -> BaseGeometry:
    """Return the polygon of a cluster: a buffered concave (or convex) hull of its points."""
    pts = unique_rows(xy)
    multi = shapely.multipoints(pts)
    shape = (
        shapely.concave_hull(multi, ratio=ratio)
        if hull == HULL_CONCAVE and len(pts) >= 3
        else shapely.convex_hull(multi)
    )
    poly = shapely.buffer(shape, buffer_m)
    # every point strictly inside is enough (contains_xy, no geometry made); only otherwise
    # ask GEOS whether the polygon contains the points as a whole
    inside = bool(shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all())
    if not (inside or bool(shapely.contains(poly, multi))):  # never seen; keep the promise
        poly = shapely.buffer(shapely.convex_hull(multi), buffer_m)
    return cast(BaseGeometry, poly)


def unique_rows(xy: FloatArray) -> FloatArray:
    """Return the distinct rows of ``xy`` sorted by x then y: ``np.unique(xy, axis=0)``.

    One lexsort instead of numpy's structured-array path (about 3x faster on the points of
    the hotspots of 1M incidents); the order matters, as the concave hull depends on it.
    """
    rows = xy[np.lexsort((xy[:, 1], xy[:, 0]))]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    return rows[keep]


def _mix(labels: IntArray, values: Any, k: int) -> list[dict[str, int]]:
    """Per hotspot, ``{value: count}`` sorted by count (desc) then value; missing skipped.

    ``values`` is an array or Series (one value per label); they are counted by their codes
    (``pd.factorize``, missing values coded -1), not as Python objects.
    """
    out: list[dict[str, int]] = [{} for _ in range(k)]
    codes, uniques = pd.factorize(values)
    keep = codes >= 0
    if not keep.any():
        return out
    pairs, counts = np.unique(
        np.asarray(labels, dtype=np.int64)[keep] * len(uniques) + codes[keep], return_counts=True
    )
    hs, vs = np.divmod(pairs, len(uniques))
    names = np.asarray(uniques, dtype=object)
    triples = [
        (h, str(names[v]), c)
        for h, v, c in zip(hs.tolist(), vs.tolist(), counts.tolist(), strict=True)
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


def _nearest_site(name: str, kind: str, distance_m: float) -> str:
    """Return one of a hotspot's nearest sites: ``"St. Mary's (school, 120 m)"``."""
    if distance_m <= 0:
        where = pgettext("nearest site", "inside")
    else:
        where = pgettext("nearest site", "{distance} m").format(
            distance=format_int(round(distance_m))
        )
    # TRANSLATORS: a site near a hotspot: its name, its kind and how far it is ("120 m").
    text = pgettext("nearest site", "{name} ({kind}, {where})")
    return text.format(name=name, kind=site_kind_name(kind), where=where)


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
    *,
    distances: bool = True,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Return (query index, tree index, distance) of points within ``distance`` of polygons.

    With ``distances=False`` the distances are not computed (an empty array is returned).
    """
    if len(tree_geoms) == 0 or len(query_xy) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float64)
    pts = np.asarray(shapely.points(query_xy), dtype=object)
    tree = shapely.STRtree(tree_geoms)
    pairs = np.asarray(tree.query(pts, predicate="dwithin", distance=distance), dtype=np.int64)
    q, g = pairs[0], pairs[1]
    if not distances:
        return q, g, np.empty(0, dtype=np.float64)
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
    named = [i for i in range(len(names)) if not pd.isna(names[i]) and polys[i] is not None]
    # the smallest name among the polygons holding a point (edges included, as a distance of
    # 0): polygon by polygon, in name order, on the points of its bounding box only, with no
    # shapely point made (``intersects_xy``): 1M incidents cost a fraction of a second
    for i in sorted(named, key=lambda j: str(names[j])):
        x0, y0, x1, y1 = shapely.bounds(polys[i])
        free = np.flatnonzero(
            (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        )
        free = free[out[free] == None]  # noqa: E711  (object array: elementwise)
        if free.size:
            inside = shapely.intersects_xy(polys[i], xy[free, 0], xy[free, 1])
            out[free[inside]] = names[i]
    return out


def _display_names(layer: gpd.GeoDataFrame) -> npt.NDArray[np.object_]:
    """Return a layer's names as shown in the output language (``name_hi`` in Hindi)."""
    names = _text_column(layer, NAME, None)
    hindi = _text_column(layer, NAME_HI, None)
    shown = [None if n is None else place_name(n, h) for n, h in zip(names, hindi, strict=True)]
    return np.asarray(shown, dtype=object)


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


def campaign_stats(
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
    q, g, _d = _pairs_within(polys, xy, radius_m, distances=False)
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


def polygons(c: Clusters, hull: str, ratio: float, buffer_m: float) -> npt.NDArray[np.object_]:
    """Return the metric polygon of every hotspot (see :func:`_hull`).

    Hulls are computed in threads over blocks of hotspots when there are many: GEOS releases
    the GIL, so on two cores the hundreds of concave hulls of a large selection take about
    half the time. Each polygon is the same whichever thread computes it.
    """
    order = np.argsort(c.labels, kind="stable")
    bounds = np.searchsorted(c.labels[order], np.arange(c.k + 1))
    polys = np.empty(c.k, dtype=object)

    def block(lo: int, hi: int) -> None:
        for h in range(lo, hi):
            polys[h] = _hull(c.xy[order[bounds[h] : bounds[h + 1]]], hull, ratio, buffer_m)

    workers = min(os.cpu_count() or 1, 4) if c.k >= _PARALLEL_HULLS_MIN else 1
    if workers < 2:
        block(0, c.k)
        return polys
    # blocks of about equal numbers of points (hull cost grows with the points)
    cuts = np.searchsorted(bounds, np.linspace(0, bounds[-1], 2 * workers + 1)[1:-1])
    edges = [0, *sorted(set(int(x) for x in cuts) - {0, c.k}), c.k]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(block, edges[:-1], edges[1:]))
    return polys


def incidents_part(c: Clusters, incidents: gpd.GeoDataFrame, member: IntArray) -> pd.DataFrame:
    """Return incidents, category mix and top category, source mix."""
    k, lab = c.k, c.labels
    cat_mix = _mix(lab, incidents[CATEGORY].iloc[member], k) if (
        CATEGORY in incidents.columns) else [{} for _ in range(k)]  # fmt: skip
    src_mix = _mix(lab, incidents[SOURCE].iloc[member], k) if (
        SOURCE in incidents.columns) else [{} for _ in range(k)]  # fmt: skip
    tops = [next(iter(mix), None) for mix in cat_mix]
    shares = [
        (mix[top] / int(n)) if top is not None else math.nan
        for mix, top, n in zip(cat_mix, tops, c.counts, strict=True)
    ]
    return c.frame(
        {INCIDENTS: c.counts, CATEGORY_MIX: cat_mix, TOP_CATEGORY: tops,
         TOP_CATEGORY_SHARE: shares, SOURCE_MIX: src_mix}
    )  # fmt: skip


def _iso_day(ns: int) -> str:
    return pd.Timestamp(ns).date().isoformat()


def time_part(c: Clusters) -> pd.DataFrame:
    """Return first and last day, days since the last incident, hour and weekday profiles, peaks."""
    k, lab, mtimes = c.k, c.labels, c.times
    hours = mtimes.dt.hour.to_numpy(dtype=np.int64)
    wdays = mtimes.dt.day_of_week.to_numpy(dtype=np.int64)
    # a time known only to the day (or month) has no hour (or weekday): left out, not faked
    hour_ok, day_ok = c.timed()
    hour_prof = np.bincount(lab[hour_ok] * 24 + hours[hour_ok], minlength=k * 24).reshape(k, 24)
    wday_prof = np.bincount(lab[day_ok] * 7 + wdays[day_ok], minlength=k * 7).reshape(k, 7)
    timed = hour_prof.sum(axis=1)
    t_ns = times_ns(mtimes, OCCURRED_AT)
    last_ns = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(last_ns, lab, t_ns)
    local = mtimes.dt.tz_localize(None) if mtimes.dt.tz is not None else mtimes
    day_ns = local.dt.normalize().to_numpy(dtype="datetime64[ns]").astype(np.int64)
    first_day = np.full(k, np.iinfo(np.int64).max)
    last_day = np.full(k, np.iinfo(np.int64).min)
    np.minimum.at(first_day, lab, day_ns)
    np.maximum.at(last_day, lab, day_ns)
    ref_ns = int(times_ns(pd.Series([c.ref]), "reference_time")[0])
    days_since_last = np.maximum(0, (ref_ns - last_ns) // (86_400 * 10**9)).astype(np.int64)
    peaks = [_peak_window(hour_prof[h]) for h in range(k)]
    return c.frame(
        {
            FIRST_DATE: [_iso_day(int(v)) for v in first_day],
            LAST_DATE: [_iso_day(int(v)) for v in last_day],
            DAYS_SINCE_LAST: days_since_last,
            HOUR_PROFILE: [[int(v) for v in hour_prof[h]] for h in range(k)],
            WEEKDAY_PROFILE: [[int(v) for v in wday_prof[h]] for h in range(k)],
            PEAK_HOURS: [_hours_label(start) for start, _n in peaks],
            PEAK_HOURS_SHARE: [
                n / int(timed[h]) if timed[h] else 0.0 for h, (_s, n) in enumerate(peaks)
            ],
            PEAK_WEEKDAY: [WEEKDAY_NAMES[int(np.argmax(wday_prof[h]))] for h in range(k)],
            DAY_PATTERN: [_day_pattern(wday_prof[h]) for h in range(k)],
        }
    )


def area_part(c: Clusters, polys: npt.NDArray[np.object_]) -> pd.DataFrame:
    """Return the area of each hotspot polygon (km²), incidents per km² and its width (m)."""
    area_km2 = np.asarray(shapely.area(polys), dtype=np.float64) / 1e6
    width = geometry_widths_m(polys)
    return c.frame({AREA_KM2: area_km2, DENSITY_PER_KM2: c.counts / area_km2, WIDTH_M: width})


def trend_part(c: Clusters, recent_days: int, history_ok: bool) -> pd.DataFrame:
    """Return incidents in the recent window and the one before, their ratio and the trend."""
    k, lab, mtimes, ref = c.k, c.labels, c.times, c.ref
    span = pd.Timedelta(days=recent_days)
    in_recent = ((mtimes > ref - span) & (mtimes <= ref)).to_numpy(dtype=bool)
    in_previous = ((mtimes > ref - 2 * span) & (mtimes <= ref - span)).to_numpy(dtype=bool)
    recent = np.bincount(lab[in_recent], minlength=k).astype(np.int64)
    previous = np.bincount(lab[in_previous], minlength=k).astype(np.int64)
    ratio = [recent[h] / previous[h] if previous[h] > 0 else math.nan for h in range(k)]
    trend = [_trend(int(recent[h]), int(previous[h])) if history_ok else UNKNOWN for h in range(k)]
    return c.frame(
        {RECENT_INCIDENTS: recent, PREVIOUS_INCIDENTS: previous,
         TREND_RATIO: np.asarray(ratio, dtype=np.float64), TREND: trend}
    )  # fmt: skip


def member_thanas(
    xy: FloatArray,
    crs: CRS,
    incidents: gpd.GeoDataFrame,
    member: IntArray,
    thanas: gpd.GeoDataFrame | None,
) -> npt.NDArray[Any] | None:
    """Return the thana of each member incident (``xy`` = theirs): by polygon, else by column."""
    if thanas is not None:
        return _thana_of_points(xy, thanas, crs)
    if THANA in incidents.columns:
        column = incidents[THANA].astype("string").to_numpy(dtype=object)
        return cast(npt.NDArray[Any], column[member])
    return None


def thana_part(
    c: Clusters,
    incidents: gpd.GeoDataFrame,
    member: IntArray,
    thanas: gpd.GeoDataFrame | None,
    *,
    names: npt.NDArray[Any] | None = None,
) -> pd.DataFrame:
    """Return the primary thana, whether the hotspot crosses thanas, and the thanas it spans.

    ``names``: the members' thanas (:func:`member_thanas`) when the caller has them already.
    """
    if names is None:
        names = member_thanas(c.xy, c.crs, incidents, member, thanas)
    mixes = _mix(c.labels, names, c.k) if names is not None else [{}] * c.k
    return c.frame(
        {PRIMARY_THANA: [next(iter(m), None) for m in mixes],
         CROSS_THANA: [len(m) > 1 for m in mixes],
         THANA_LIST: ["; ".join(m) for m in mixes]}
    )  # fmt: skip


def sites_part(
    c: Clusters, polys: npt.NDArray[np.object_], sites: gpd.GeoDataFrame | None, radius_m: float
) -> pd.DataFrame:
    """Return the sites within ``radius_m`` of the polygon: count, kinds and the nearest ones."""
    k = c.k
    sites_n = np.zeros(k, dtype=np.int64)
    sites_kind: list[dict[str, int]] = [{} for _ in range(k)]
    sites_near: list[str] = [""] * k
    if sites is not None and len(sites):
        sxy, _ = metric_coordinates(sites, c.crs.to_string(), what="sites")
        kinds = _text_column(sites, KIND, "other")
        names = _display_names(sites)
        q, g, d = _pairs_within(polys, sxy, radius_m)
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
                _nearest_site(str(nm), str(kd), float(dd)) for dd, nm, kd in near[:N_NEAREST_SITES]
            )
    given = sites is not None
    return c.frame(
        {SITES_NEARBY: [int(v) if given else None for v in sites_n],
         SITES_BY_KIND: [v if given else None for v in sites_kind],
         NEAREST_SITES: [v if given else None for v in sites_near]}
    )  # fmt: skip


#: Column of :func:`cctv_part` (dropped after the notes are written): cameras whose view
#: radius was assumed.
CAMERAS_ASSUMED = "cameras_assumed"


def cctv_part(
    c: Clusters,
    polys: npt.NDArray[np.object_],
    cctv: gpd.GeoDataFrame | None,
    default_radius_m: float,
    notes: list[str],
) -> pd.DataFrame:
    """Return the share of incidents working cameras cover, and cameras in the polygon.

    Appends a general note to ``notes`` when some cameras have no view radius; the frame's
    :data:`CAMERAS_ASSUMED` column counts them per hotspot.
    """
    k = c.k
    cctv_share = np.full(k, np.nan)
    cams_ok = np.zeros(k, dtype=np.int64)
    cams_bad = np.zeros(k, dtype=np.int64)
    cams_assumed = np.zeros(k, dtype=np.int64)
    if cctv is not None:
        cctv_share[:] = 0.0
    if cctv is not None and len(cctv):
        cxy, _ = metric_coordinates(cctv, c.crs.to_string(), what="cctv")
        status = _text_column(cctv, STATUS, "unknown")
        radius = (
            pd.to_numeric(cctv[VIEW_RADIUS_M], errors="coerce").to_numpy(dtype=np.float64)
            if VIEW_RADIUS_M in cctv.columns
            else np.full(len(cctv), np.nan)
        )
        assumed = ~np.isfinite(radius) | (radius < 0)
        radius = np.where(assumed, default_radius_m, radius)
        if assumed.any():
            n_assumed = int(assumed.sum())
            notes.append(
                counted(
                    n_assumed,
                    "{n} cameras have no view radius: assumed {radius} m",
                    "{n} cameras have no view radius: assumed {radius} m",
                    radius=format(default_radius_m, "g"),
                )
            )
        working = status == WORKING
        covered = np.zeros(len(c.xy), dtype=bool)
        if working.any():
            hits = cKDTree(c.xy).query_ball_point(cxy[working], r=radius[working])
            flat = [i for hit in hits for i in hit]
            covered[np.asarray(flat, dtype=np.int64)] = True
        cctv_share = np.bincount(c.labels[covered], minlength=k) / c.counts
        q, g, _d = _pairs_within(polys, cxy, radius, distances=False)
        cams_ok = np.bincount(g[working[q]], minlength=k).astype(np.int64)
        cams_bad = np.bincount(g[~working[q]], minlength=k).astype(np.int64)
        cams_assumed = np.bincount(g[assumed[q]], minlength=k).astype(np.int64)
    given = cctv is not None
    return c.frame(
        {CCTV_COVERED_SHARE: cctv_share.astype(np.float64),
         CAMERAS_WORKING: [int(v) if given else None for v in cams_ok],
         CAMERAS_NOT_WORKING: [int(v) if given else None for v in cams_bad],
         CAMERAS_ASSUMED: cams_assumed}
    )  # fmt: skip


def campaigns_part(
    c: Clusters,
    polys: npt.NDArray[np.object_],
    campaigns: gpd.GeoDataFrame | None,
    radius_m: float,
    days: int,
) -> pd.DataFrame:
    """Return the drives within ``radius_m`` in the last ``days``, the last one and its age."""
    k = c.k
    recent = np.zeros(k, dtype=np.int64)
    last: list[str | None] = [None] * k
    age = np.full(k, np.nan)
    if campaigns is not None:
        recent, last, age = campaign_stats(polys, campaigns, c.crs, ref_day(c.ref), radius_m, days)
    given = campaigns is not None
    return c.frame(
        {CAMPAIGNS_RECENT: [int(v) if given else None for v in recent],
         LAST_CAMPAIGN: last, DAYS_SINCE_CAMPAIGN: age}
    )  # fmt: skip


def risk_part(
    table: pd.DataFrame, *, recent_days: int, campaign_days: int, history_ok: bool,
    have_sites: bool, have_campaigns: bool,
) -> pd.DataFrame:  # fmt: skip
    """Return the risk components (see :data:`RISK_WEIGHTS`), their weighted score and the rank.

    Components of a layer not given are NaN and left out of the score.
    """
    k = len(table)
    counts = table[INCIDENTS].to_numpy(dtype=np.int64)
    recent = table[RECENT_INCIDENTS].to_numpy(dtype=np.int64)
    previous = table[PREVIOUS_INCIDENTS].to_numpy(dtype=np.int64)
    days_since_last = table[DAYS_SINCE_LAST].to_numpy(dtype=np.int64)
    risk_count = np.log1p(counts) / math.log1p(int(counts.max()))
    risk_recency = np.clip(1 - days_since_last / recent_days, 0.0, 1.0)
    both = recent + previous
    risk_trend = np.where(both > 0, recent / np.maximum(both, 1), 0.5)
    if not history_ok:
        risk_trend = np.full(k, np.nan)
    sites_n = table[SITES_NEARBY].to_numpy(dtype=np.float64, na_value=np.nan)
    risk_sites = np.minimum(1.0, sites_n / SITES_SATURATION) if have_sites else np.full(k, np.nan)
    risk_no_camera = 1.0 - table[CCTV_COVERED_SHARE].to_numpy(dtype=np.float64)
    if have_campaigns:
        camp_recent = table[CAMPAIGNS_RECENT].to_numpy(dtype=np.float64, na_value=np.nan)
        camp_age = table[DAYS_SINCE_CAMPAIGN].to_numpy(dtype=np.float64)
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
    stack = np.column_stack([components[col] for col in RISK_WEIGHTS])
    wvec = np.array(list(RISK_WEIGHTS.values()))
    avail = np.isfinite(stack)
    score = (np.where(avail, stack, 0.0) * wvec).sum(axis=1) / (avail * wvec).sum(axis=1)
    rank = np.empty(k, dtype=np.int64)
    rank[np.lexsort((np.arange(k), -score))] = np.arange(1, k + 1)
    out = pd.DataFrame(
        {col: np.asarray(v, dtype=np.float64) for col, v in components.items()}, index=table.index
    )
    out[RISK_SCORE] = score.astype(np.float64)
    out[RISK_RANK] = rank
    return out


def ref_day(ref: pd.Timestamp) -> pd.Timestamp:
    """Return the local calendar day of ``ref`` as a naive midnight."""
    day = ref.normalize()
    return day.tz_localize(None) if day.tzinfo is not None else day
