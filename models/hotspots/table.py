"""The hotspot table: DBSCAN clusters described for a patrol briefing, with a risk score."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import CRS

from geo.crs import WGS84, metric_coordinates, metric_crs_for
from geo.errors import ParameterError
from geo.i18n import _, counted, format_int, hindi_names, ngettext
from geo.schema import (
    OCCURRED_AT,
)
from models.arrays import IntArray
from models.checks import check_count, check_days, check_metres, check_time
from models.hotspots.columns import (
    CAMERAS_NOT_WORKING,
    CAMERAS_WORKING,
    CAMPAIGNS_RECENT,
    DAYS_SINCE_CAMPAIGN,
    DEFAULT_BUFFER_M,
    DEFAULT_EPS_M,
    DEFAULT_HULL_RATIO,
    DEFAULT_MIN_SAMPLES,
    HOTSPOT_COLUMNS,
    HOTSPOT_ID,
    HOTSPOTS_ATTR,
    HULLS,
    INCIDENTS,
    LAST_CAMPAIGN,
    LAST_DATE,
    NOISE,
    NOTES,
    RISK_SCORE,
    RISK_WEIGHTS,
    SITES_NEARBY,
    UNDERSERVED_RANK,
    UNDERSERVED_REASON,
    WHY,
    HullKind,
    Method,
)
from models.hotspots.dbscan import check_eps, dbscan_xy, point_weights, resolve_method
from models.hotspots.density import split_across_thanas, split_wide
from models.hotspots.explain import WhyParams, metres, why_text
from models.hotspots.parts import (
    CAMERAS_ASSUMED,
    Clusters,
    area_part,
    campaign_stats,
    campaigns_part,
    cctv_part,
    incidents_part,
    member_thanas,
    polygons,
    ref_day,
    risk_part,
    sites_part,
    thana_part,
    time_part,
    trend_part,
)
from models.inputs import AnalysisInputs
from models.precision import imprecise_note, time_precision
from models.selection import IMPRECISE_LEFT_OUT, imprecise_location_note, precise_mask

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- hotspot table


def _reference_time(reference_time: Any, times: pd.Series) -> pd.Timestamp:
    """Return the reference time in the timezone of ``times`` (default: the latest time)."""
    tz = times.dt.tz
    if reference_time is None:
        ref = pd.Timestamp(times.max())
    else:
        ref = check_time(reference_time, "reference_time")
        if tz is not None:
            ref = ref.tz_localize(tz) if ref.tzinfo is None else ref.tz_convert(tz)
        elif ref.tzinfo is not None:
            ref = ref.tz_localize(None)
    return ref


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


@dataclass(frozen=True)
class _TableParams:
    """The checked parameters of :func:`find_hotspots`."""

    eps: float
    min_samples: int
    recent_days: int
    campaign_days: int
    site_r: float
    camp_r: float
    cam_default: float
    buffer_m: float
    hull: str
    ratio: float

    def attrs(self) -> dict[str, Any]:
        """Return the parameters as :data:`HOTSPOTS_ATTR` records them."""
        return {
            "eps_m": self.eps, "min_samples": self.min_samples, "recent_days": self.recent_days,
            "site_radius_m": self.site_r, "campaign_radius_m": self.camp_r,
            "campaign_days": self.campaign_days, "cctv_default_radius_m": self.cam_default,
            "hull": self.hull, "hull_ratio": self.ratio, "buffer_m": self.buffer_m,
            "risk_weights": dict(RISK_WEIGHTS), "notes": [],
        }  # fmt: skip


def _check_params(
    eps_m: float, min_samples: int, recent_days: int, campaign_days: int, site_radius_m: float,
    campaign_radius_m: float, cctv_default_radius_m: float, buffer_m: float, hull: str,
    hull_ratio: float,
) -> _TableParams:  # fmt: skip
    """Check the parameters of :func:`find_hotspots` (in the order it always checked them)."""
    eps = check_eps(eps_m)
    ms = check_count(min_samples, "min_samples", low=1)
    recent = check_days(recent_days, "recent_days")
    camp_days = check_days(campaign_days, "campaign_days")
    site_r = check_metres(site_radius_m, "site_radius_m")
    camp_r = check_metres(campaign_radius_m, "campaign_radius_m")
    cam_default = check_metres(cctv_default_radius_m, "cctv_default_radius_m")
    buf = check_metres(buffer_m, "buffer_m")
    if hull not in HULLS:
        raise ParameterError(f"unknown hull {hull!r}", fix="use 'concave' or 'buffer'")
    ratio = float(hull_ratio)
    if not 0.0 <= ratio <= 1.0:
        raise ParameterError(f"hull_ratio must be in [0, 1], got {hull_ratio!r}", fix="use 0.4")
    return _TableParams(eps, ms, recent, camp_days, site_r, camp_r, cam_default, buf, hull, ratio)


def _check_layers(incidents: Any, **layers: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Check that the layers given are GeoDataFrames and the incidents have a time column."""
    incidents = _check_layer(incidents, "incidents")
    for what, layer in layers.items():
        if layer is not None:
            _check_layer(layer, what)
    if OCCURRED_AT not in incidents.columns:
        raise ParameterError(
            f"the incidents have no {OCCURRED_AT!r} column",
            why="peak hours, trends and recency need the time of each incident",
            fix="pass the incidents layer of geo.store",
        )
    return incidents


def _incident_times(incidents: gpd.GeoDataFrame) -> pd.Series:
    """Return the incidents' times, refusing missing ones."""
    times: pd.Series = pd.to_datetime(incidents[OCCURRED_AT])
    if times.isna().any():
        raise ParameterError(
            f"{int(times.isna().sum())} incidents have no {OCCURRED_AT}",
            fix="drop or fix them before finding hotspots",
        )
    return times


def _history_note(times: pd.Series, ref: pd.Timestamp, recent_days: int) -> str | None:
    """Return why the trend cannot be judged (too little history), or ``None`` when it can."""
    if bool(times.min() <= ref - 2 * pd.Timedelta(days=recent_days)):
        return None
    # TRANSLATORS: {start} and {reference} are dates; {days} is a number of days.
    text = _(
        "trend not judged: the incidents start {start}, less than 2 × {days} days before the "
        "reference time {reference}"
    )
    return text.format(
        start=pd.Timestamp(times.min()).date(), days=format_int(recent_days), reference=ref.date()
    )


def _underserved_reason(radius_m: float, days: int, day: pd.Timestamp, last: Any, age: Any) -> str:
    """Return why a hotspot is underserved: no awareness drive nearby in the last days."""
    # TRANSLATORS: {day} is the date the period ends on.
    text = ngettext(
        "no awareness drive within {radius} m in the {days} day to {day}",
        "no awareness drive within {radius} m in the {days} days to {day}",
        days,
    ).format(radius=metres(radius_m), days=format_int(days), day=day.date())
    if pd.isna(last):
        # TRANSLATORS: {text} says no drive was held nearby lately; none was ever recorded.
        return _("{text}; none on record nearby").format(text=text)
    # TRANSLATORS: {text} says no drive was held lately; {last} is the date of the last one.
    more = ngettext(
        "{text}; the last one was on {last} ({age} day before)",
        "{text}; the last one was on {last} ({age} days before)",
        int(age),
    )
    return more.format(text=text, last=last, age=format_int(int(age)))


def _hotspot_notes(
    assumed: pd.Series,
    default_radius_m: float,
    history: str | None,
    left_out: tuple[IntArray, IntArray],
) -> list[str]:
    """Return each hotspot's notes: assumed camera radii, a trend not judged, times left out."""
    notes = []
    for n, no_hour, no_day in zip(assumed.to_numpy(dtype=np.int64), *left_out, strict=True):
        here = []
        if no_hour:
            here.append(
                counted(
                    int(no_hour),
                    "{n} incident(s) here have no time of day (date or month only): not in the "
                    "hour profile",
                    "{n} incident(s) here have no time of day (date or month only): not in the "
                    "hour profile",
                )
            )
        if no_day:
            here.append(
                counted(
                    int(no_day),
                    "{n} incident(s) here have only a month: not in the weekday profile",
                    "{n} incident(s) here have only a month: not in the weekday profile",
                )
            )
        if n:
            here.append(
                counted(
                    int(n),
                    "{n} camera(s) here have no view radius: assumed {radius} m",
                    "{n} camera(s) here have no view radius: assumed {radius} m",
                    radius=metres(default_radius_m),
                )
            )
        if history is not None:
            here.append(history)
        notes.append("; ".join(here))
    return notes


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``table`` as dicts, a missing text as ``None`` (as the parts made it)."""
    text = [col for col in table.columns if isinstance(table[col].dtype, pd.StringDtype)]
    rows: list[dict[str, Any]] = [
        {str(col): value for col, value in row.items()} for row in table.to_dict("records")
    ]
    for row in rows:
        for col in text:
            if pd.isna(row[col]):
                row[col] = None
    return rows


def _describe(
    c: Clusters, polys: npt.NDArray[np.object_], p: _TableParams, incidents: gpd.GeoDataFrame,
    member: IntArray, notes: list[str], history: str | None, *,
    sites: gpd.GeoDataFrame | None, cctv: gpd.GeoDataFrame | None,
    campaigns: gpd.GeoDataFrame | None, thanas: gpd.GeoDataFrame | None,
    thana_names: npt.NDArray[Any] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Return the hotspot table: the parts joined on :data:`HOTSPOT_ID`, risk, notes and why.

    ``thana_names``: the members' thanas when already looked up (else :func:`thana_part` does).
    """
    cameras = cctv_part(c, polys, cctv, p.cam_default, notes)
    table = pd.concat(
        [
            incidents_part(c, incidents, member),
            time_part(c),
            area_part(c, polys),
            trend_part(c, p.recent_days, history is None),
            thana_part(c, incidents, member, thanas, names=thana_names),
            sites_part(c, polys, sites, p.site_r),
            cameras.drop(columns=CAMERAS_ASSUMED),
            campaigns_part(c, polys, campaigns, p.camp_r, p.campaign_days),
        ],
        axis=1,
    )
    risk = risk_part(
        table, recent_days=p.recent_days, campaign_days=p.campaign_days,
        history_ok=history is None, have_sites=sites is not None,
        have_campaigns=campaigns is not None,
    )  # fmt: skip
    table = table.join(risk)
    table[NOTES] = _hotspot_notes(cameras[CAMERAS_ASSUMED], p.cam_default, history, c.left_out())
    why = WhyParams(
        recent_days=p.recent_days,
        site_radius_m=p.site_r,
        campaign_radius_m=p.camp_r,
        campaign_days=p.campaign_days,
        have_sites=sites is not None,
        have_cctv=cctv is not None,
        have_campaigns=campaigns is not None,
        thana_names_hi=hindi_names(thanas) if thanas is not None else {},
    )
    table[WHY] = [why_text(row, why) for row in _records(table)]
    table = table[list(HOTSPOT_COLUMNS)]
    for col in (SITES_NEARBY, CAMERAS_WORKING, CAMERAS_NOT_WORKING, CAMPAIGNS_RECENT):
        table[col] = table[col].astype("Int64")
    return table


def patrol_sized(
    xy: npt.NDArray[np.float64],
    labels: IntArray,
    p: _TableParams,
    max_width_m: float | None,
    method: Method,
    attrs: dict[str, Any],
) -> IntArray:
    """Split the clusters whose polygon (members + ``buffer_m`` all round) is wider than the cap.

    ``None``: no cap, ``labels`` as they are. The cap is recorded in ``attrs``.
    """
    if max_width_m is None:
        return labels
    cap = check_metres(max_width_m, "max_width_m")
    if cap <= 2 * p.buffer_m:
        raise ParameterError(
            f"max_width_m={cap:g} leaves no room inside the {p.buffer_m:g} m buffer of a hotspot",
            fix=f"use a max_width_m above {2 * p.buffer_m:g}, e.g. 1000",
        )
    limit = cap - 2 * p.buffer_m
    attrs["max_width_m"] = cap
    return split_wide(
        xy, labels, eps_m=p.eps, min_samples=p.min_samples, max_width_m=limit, method=method
    )


def _within_two_thanas(
    xy: npt.NDArray[np.float64],
    crs: CRS,
    labels: IntArray,
    p: _TableParams,
    method: Method,
    incidents: gpd.GeoDataFrame,
    thanas: gpd.GeoDataFrame | None,
    max_width_m: float | None,
) -> tuple[IntArray, npt.NDArray[Any] | None]:
    """Split the patrol-sized clusters whose incidents lie in more than two thanas.

    Only with a cap (``max_width_m``): without one, DBSCAN's clusters stay as they are.
    Also returns the thana of every point clustered before the split (``None`` elsewhere),
    which :func:`thana_part` reuses (the final members are among them), or ``None`` when no
    thana was looked up.
    """
    if max_width_m is None:
        return labels, None
    member = np.flatnonzero(labels >= 0)
    names = member_thanas(xy[member], crs, incidents, member, thanas)
    if names is None or len(member) == 0:
        return labels, None
    every = np.full(len(labels), None, dtype=object)
    every[member] = names
    sub = split_across_thanas(
        xy[member], labels[member], names, eps_m=p.eps, min_samples=p.min_samples, method=method
    )
    if np.array_equal(sub, labels[member]):
        return labels, every
    out = np.full(len(labels), NOISE, dtype=np.int64)
    out[member] = sub
    return out, every


def _precise_only(
    incidents: gpd.GeoDataFrame, w: npt.NDArray[np.float64] | None, attrs: dict[str, Any]
) -> tuple[gpd.GeoDataFrame, npt.NDArray[np.float64] | None]:
    """Drop locality and pincode centroids (they would pile up on one point), noting how many."""
    precise = precise_mask(incidents)
    if precise is None:
        return incidents, w
    left_out = int(np.count_nonzero(~precise))
    note = imprecise_location_note(left_out)
    if note is not None:
        attrs[IMPRECISE_LEFT_OUT] = left_out
        attrs["notes"].append(note)
    return incidents.loc[precise], None if w is None else w[precise]


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
    max_width_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Find incident hotspots with DBSCAN and describe each one for a patrol briefing.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points in any CRS with ``occurred_at`` (local, tz-aware or naive); optional
        ``category``, ``source``, ``thana`` and ``location_precision`` columns. Not modified.
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
    max_width_m : float, optional
        Widest hotspot polygon (:data:`WIDTH_M`, > ``2 × buffer_m``); wider clusters are split
        (:func:`models.hotspots.density.split_wide`). ``None``: DBSCAN's clusters as they are.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, one row per hotspot, index :data:`HOTSPOT_ID` (0..k-1, as
        :func:`cluster` numbers them), columns :data:`HOTSPOT_COLUMNS` and ``geometry``. Only
        aggregates: no incident id or other per-incident value. The risk components and
        their weights are documented at :data:`RISK_WEIGHTS`. ``attrs[HOTSPOTS_ATTR]`` holds
        the parameters, the reference time, the metric CRS, general notes and, when some
        incidents are located only to a locality or pincode centroid (they never form a
        hotspot), their number under ``models.selection.IMPRECISE_LEFT_OUT``.

    Raises
    ------
    ParameterError
        For bad parameters or an incidents layer without ``occurred_at``.
    """
    p = _check_params(
        eps_m, min_samples, recent_days, campaign_days, site_radius_m, campaign_radius_m,
        cctv_default_radius_m, buffer_m, hull, hull_ratio,
    )  # fmt: skip
    incidents = _check_layers(incidents, sites=sites, cctv=cctv, campaigns=campaigns, thanas=thanas)
    w = point_weights(incidents, weights)
    resolve_method(method, w is not None)
    attrs = p.attrs()
    incidents, w = _precise_only(incidents, w, attrs)
    if len(incidents) == 0:
        return _empty_hotspots(attrs)
    xy, crs = metric_coordinates(incidents, metric_crs, what="incidents")
    times = _incident_times(incidents)
    ref = _reference_time(reference_time, times)
    attrs.update(reference_time=ref.isoformat(), metric_crs=crs.to_string())
    notes: list[str] = attrs["notes"]
    labels = dbscan_xy(xy, eps_m=p.eps, min_samples=p.min_samples, weights=w, method=method).labels
    labels = patrol_sized(xy, labels, p, max_width_m, method, attrs)
    labels, names = _within_two_thanas(xy, crs, labels, p, method, incidents, thanas, max_width_m)
    k = int(labels.max()) + 1
    if k == 0:
        return _empty_hotspots(attrs)
    member = np.flatnonzero(labels >= 0)
    lab = labels[member]
    precision = time_precision(incidents)
    c = Clusters(
        k=k, labels=lab, xy=xy[member], times=times.iloc[member],
        counts=np.bincount(lab, minlength=k).astype(np.int64), crs=crs, ref=ref,
        precision=None if precision is None else precision[member],
    )  # fmt: skip
    history = _history_note(times, ref, p.recent_days)
    notes.extend(note for note in (imprecise_note(precision), history) if note is not None)
    polys = polygons(c, p.hull, p.ratio, p.buffer_m)
    table = _describe(
        c, polys, p, incidents, member, notes, history,
        sites=sites, cctv=cctv, campaigns=campaigns, thanas=thanas,
        thana_names=None if names is None else names[member],
    )  # fmt: skip
    out = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(polys, crs=crs, index=table.index))
    out = out.to_crs(WGS84)
    out.attrs[HOTSPOTS_ATTR] = attrs
    logger.info(
        "%d hotspots from %d incidents (%d in hotspots), eps=%g m, min_samples=%d",
        k, len(incidents), len(member), p.eps, p.min_samples,
    )  # fmt: skip
    return out


def hotspots_of_inputs(
    data: AnalysisInputs,
    *,
    eps_m: float = DEFAULT_EPS_M,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    metric_crs: str | None = None,
    campaigns: bool = True,
    hull: HullKind = "concave",
    method: Method = "auto",
    max_width_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Return :func:`find_hotspots` of an analysis' selected incidents, with its other layers.

    The one place that hands a selection's sites, cameras, campaigns, thanas and "now" (the end
    of its last day) to :func:`find_hotspots`; the hotspot, map, CCTV and thana use cases all
    call it.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    eps_m, min_samples, metric_crs, hull, method, max_width_m
        As for :func:`find_hotspots`.
    campaigns : bool, default True
        Describe awareness drives near each hotspot (the CCTV plan does not need them).

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`find_hotspots`.
    """
    return find_hotspots(
        data.incidents,
        eps_m=eps_m,
        min_samples=min_samples,
        metric_crs=metric_crs,
        sites=data.sites,
        cctv=data.cctv,
        campaigns=data.campaigns if campaigns else None,
        thanas=data.thanas,
        reference_time=data.reference_time(),
        hull=hull,
        method=method,
        max_width_m=max_width_m,
    )


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
    ref = check_time(reference_time, "reference_time")
    day = ref_day(ref)
    crs = metric_crs_for(out, metric_crs)
    polys = out.geometry.to_crs(crs).to_numpy()
    recent, last, age = campaign_stats(polys, campaigns, crs, day, r, days)
    out[CAMPAIGNS_RECENT] = pd.array(recent, dtype="Int64")
    out[LAST_CAMPAIGN] = last
    out[DAYS_SINCE_CAMPAIGN] = age
    keep = recent == 0
    out = out.loc[keep].copy()
    reasons: list[str] = []
    for lastd, agev in zip(out[LAST_CAMPAIGN], out[DAYS_SINCE_CAMPAIGN], strict=True):
        reasons.append(_underserved_reason(r, days, day, lastd, agev))
    out[UNDERSERVED_REASON] = reasons
    sort_cols = [c for c in (RISK_SCORE, INCIDENTS) if c in out.columns]
    if sort_cols:
        out = out.sort_values(sort_cols, ascending=False, kind="stable")
    out[UNDERSERVED_RANK] = np.arange(1, len(out) + 1, dtype=np.int64)
    if out.crs is not None and not CRS.from_user_input(out.crs).equals(CRS.from_user_input(WGS84)):
        out = out.to_crs(WGS84)
    return out
