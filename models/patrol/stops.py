"""Patrol stops: places worth a visit (hotspots, sensitive sites), their risk and time windows."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree

from geo.crs import WGS84, metric_crs_for
from geo.errors import ParameterError
from geo.i18n import (
    NP_,
    _,
    counted,
    hindi_names,
    pgettext,
    place_name,
    site_kind_name,
    thana_display,
)
from geo.schema import (
    DISPERSES_AT,
    KIND,
    NAME,
    NAME_HI,
    OPENS_AT,
    STATUS,
    STUDENTS,
    VIEW_RADIUS_M,
)
from models import hotspots as hs
from models.cctv.columns import DEFAULT_VIEW_RADIUS_M, WORKING
from models.patrol.teams import clock

logger = logging.getLogger(__name__)

#: Kinds of place.
PLACE_HOTSPOT: Final = "hotspot"
PLACE_SITE: Final = "site"
#: Site kinds whose dispersal/opening times make a patrol window (students leave together).
DISPERSAL_KINDS: Final = (
    "school",
    "college",
    "coaching-centre",
    "womens-training-centre",
    "hostel",
)
#: Site kinds assumed closed on Sundays (no dispersal to watch); said in the plan's notes.
CLOSED_ON_SUNDAY: Final = ("school", "college", "coaching-centre")
SUNDAY: Final = 6
#: Arrival window around a dispersal time (minutes before, after) and its weight.
DISPERSAL_BEFORE_MIN: Final = 20
DISPERSAL_AFTER_MIN: Final = 10
DISPERSAL_WEIGHT: Final = 1.0
#: Arrival window before an opening time (minutes) and its weight.
OPENING_BEFORE_MIN: Final = 30
OPENING_WEIGHT: Final = 0.6
#: A hotspot's hour weight is FLOOR + (1 − FLOOR) × (smoothed hour count ÷ its maximum): the
#: peak hour is worth 1, a quiet hour still FLOOR (visible presence deters at any time).
HOUR_WEIGHT_FLOOR: Final = 0.2
#: A weekday weight is FLOOR + (1 − FLOOR) × (weekday count ÷ maximum).
WEEKDAY_WEIGHT_FLOOR: Final = 0.6
#: Site risk components (they add up to at most 1).
SITE_BASE_RISK: Final = 0.2
SITE_STUDENTS_RISK: Final = 0.2
SITE_STUDENTS_SATURATION: Final = 2000
SITE_NO_CAMERA_RISK: Final = 0.15
SITE_HOTSPOT_RISK: Final = 0.25
#: A site this close to a hotspot polygon takes part of the hotspot's risk.
SITE_HOTSPOT_RADIUS_M: Final = 300.0
MINUTES_PER_DAY: Final = 24 * 60

#: Words for site kinds in a sentence.
_KIND_WORD: Final[Mapping[str, str]] = MappingProxyType(
    {
        "school": NP_("site in a reason", "school"),
        "college": NP_("site in a reason", "college"),
        "coaching-centre": NP_("site in a reason", "coaching centre"),
        "womens-training-centre": NP_("site in a reason", "women's training centre"),
        "hostel": NP_("site in a reason", "hostel"),
    }
)


@dataclass(frozen=True)
class Window:
    """A time window to arrive at a place, in minutes after local midnight.

    Attributes
    ----------
    start_min, end_min : int
        Earliest and latest arrival.
    weight : float
        Share of the place's risk a visit then is worth, in (0, 1].
    label : str
        Why then (``"dispersal 13:30"``, ``"hour 18:00–19:00 (12% of incidents)"``).
    """

    start_min: int
    end_min: int
    weight: float
    label: str


@dataclass(frozen=True)
class Place:
    """A place a patrol may visit.

    Attributes
    ----------
    place_id : str
        Unique in a plan: ``hotspot-<id>`` (``hotspot-<id>@<thana>`` for the part of a
        cross-thana hotspot inside one thana) or ``site-<site id>``.
    kind : str
        :data:`PLACE_HOTSPOT` or :data:`PLACE_SITE`.
    thana : str
        The thana whose teams visit it.
    name : str
        What to call it on a sheet (an institution or "Hotspot 7 near …", never a person).
    lon, lat : float
        Where to stand, EPSG:4326.
    x, y : float
        The same in the metric CRS.
    risk : float
        In [0, 1]; the prize of visiting at the best time.
    why : str
        Why it matters (counts, peak hours, nearby sites, cameras).
    hour_weights : tuple of float
        Hotspots: 24 weights (local hours 0..23). Empty for sites.
    windows : tuple of Window
        Sites: arrival windows (dispersal, opening). Empty for hotspots.
    weekday_weights : tuple of float
        7 weights (Monday..Sunday); 0 on a day the place needs no patrol.
    hotspot_id : int, optional
        The hotspot it belongs to.
    shared_with : tuple of str
        Other thanas a cross-thana hotspot extends into.
    """

    place_id: str
    kind: str
    thana: str
    name: str
    lon: float
    lat: float
    x: float
    y: float
    risk: float
    why: str
    hour_weights: tuple[float, ...] = ()
    windows: tuple[Window, ...] = ()
    weekday_weights: tuple[float, ...] = (1.0,) * 7
    hotspot_id: int | None = None
    shared_with: tuple[str, ...] = ()

    def windows_on(self, weekday: int, start_min: int, end_min: int) -> list[Window]:
        """Return the arrival windows of a day within ``[start_min, end_min)``.

        Hotspots get one window per hour (weighted by their hour profile); sites their
        dispersal and opening windows. Windows are clipped to the span; none on a day whose
        weekday weight is 0.

        Parameters
        ----------
        weekday : int
            0 = Monday.
        start_min, end_min : int
            The span of the day's shifts (``end_min`` may pass midnight).

        Returns
        -------
        list of Window
        """
        if self.weekday_weights[weekday % 7] <= 0:
            return []
        out: list[Window] = []
        if self.hour_weights:
            first = start_min // 60
            for h in range(first, math.ceil(end_min / 60)):
                a, b = max(h * 60, start_min), min(h * 60 + 59, end_min - 1)
                if a > b:
                    continue
                w = self.hour_weights[h % 24]
                span = f"{clock(h * 60)}–{clock(h * 60 + 60)}"
                # TRANSLATORS: a visit window of one hour of the day ("hour 18:00–19:00").
                out.append(Window(a, b, w, _("hour {window}").format(window=span)))
        for win in self.windows:
            for shift in (0, MINUTES_PER_DAY):  # a shift past midnight sees the next morning
                a = max(win.start_min + shift, start_min)
                b = min(win.end_min + shift, end_min - 1)
                if a <= b:
                    out.append(Window(a, b, win.weight, win.label))
        return out


def _check_frame(layer: Any, what: str) -> gpd.GeoDataFrame | None:
    if layer is None:
        return None
    if not isinstance(layer, gpd.GeoDataFrame):
        raise ParameterError(
            f"{what} must be a GeoDataFrame, got {type(layer).__name__}",
            fix="read it with geo.store.read_layer",
        )
    return layer


def _smooth(profile: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Return a circular [1/4, 1/2, 1/4] smoothing of a 24-hour profile."""
    p = np.asarray(profile, dtype=np.float64)
    smoothed: np.ndarray[Any, np.dtype[np.float64]] = (
        0.25 * np.roll(p, 1) + 0.5 * p + 0.25 * np.roll(p, -1)
    )
    return smoothed


def hour_weights(profile: Sequence[float]) -> tuple[float, ...]:
    """Return 24 hour weights from a 24-count hour profile (see :data:`HOUR_WEIGHT_FLOOR`)."""
    if len(profile) != 24:
        raise ParameterError(
            f"an hour profile has 24 counts, got {len(profile)}",
            fix="pass models.hotspots.find_hotspots output",
        )
    p = _smooth(profile)
    top = float(p.max())
    if top <= 0:
        return (1.0,) * 24
    return tuple(float(HOUR_WEIGHT_FLOOR + (1 - HOUR_WEIGHT_FLOOR) * v / top) for v in p)


def weekday_weights(profile: Sequence[float] | None) -> tuple[float, ...]:
    """Return 7 weekday weights from a weekday profile (see :data:`WEEKDAY_WEIGHT_FLOOR`)."""
    if profile is None or len(profile) != 7:
        return (1.0,) * 7
    p = np.asarray(profile, dtype=np.float64)
    top = float(p.max())
    if top <= 0:
        return (1.0,) * 7
    return tuple(float(WEEKDAY_WEIGHT_FLOOR + (1 - WEEKDAY_WEIGHT_FLOOR) * v / top) for v in p)


def _times(value: Any) -> list[int]:
    """Return the ``HH:MM;HH:MM`` times of a site field as minutes (bad parts are skipped)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    out = []
    for part in str(value).split(";"):
        h, sep, m = part.strip().partition(":")
        if sep and h.isdigit() and m.isdigit() and int(h) < 24 and int(m) < 60:
            out.append(int(h) * 60 + int(m))
    return sorted(set(out))


def _thana_parts(
    poly: Any, thanas: gpd.GeoDataFrame | None, names: Sequence[str], crs: CRS
) -> dict[str, Any]:
    """Return the representative point of a (metric) hotspot polygon's part in each thana."""
    out: dict[str, Any] = {}
    if thanas is None or thanas.empty:
        return {name: poly.representative_point() for name in names}
    shapes = thanas.set_index(NAME).geometry.to_crs(crs)
    for name in names:
        part = None
        if name in shapes.index:
            part = poly.intersection(shapes.loc[name])
        if part is None or part.is_empty or part.area <= 0:
            out[name] = poly.representative_point()
        else:
            out[name] = part.representative_point()
    return out


def _first_site_name(nearest: Any) -> str | None:
    if not isinstance(nearest, str) or not nearest.strip():
        return None
    return nearest.split(";")[0].split(" (")[0].strip() or None


def hotspot_places(
    hotspots: gpd.GeoDataFrame,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
    only_thanas: Iterable[str] | None = None,
) -> list[Place]:
    """Return one place per hotspot and thana it lies in.

    A hotspot in one thana is one place at its polygon's representative point. A hotspot that
    crosses thana lines is *shared*: each neighbouring thana gets the part inside it (its
    representative point), visited by that thana's own teams, and its ``why`` says so.

    Parameters
    ----------
    hotspots : geopandas.GeoDataFrame
        :func:`models.hotspots.find_hotspots` output (not modified).
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons with ``name``; without them a hotspot goes to its primary thana only.
    metric_crs : str, optional
    only_thanas : iterable of str, optional
        Keep places of these thanas only.

    Returns
    -------
    list of Place
    """
    spots = _check_frame(hotspots, "hotspots")
    if spots is None or spots.empty:
        return []
    needed = (hs.RISK_SCORE, hs.HOUR_PROFILE, hs.PRIMARY_THANA, hs.WHY)
    missing = [c for c in needed if c not in spots.columns]
    if missing:
        raise ParameterError(
            f"the hotspots have no {', '.join(missing)} column",
            fix="pass the output of models.hotspots.find_hotspots with the thanas layer",
        )
    keep = None if only_thanas is None else set(only_thanas)
    crs = metric_crs_for(spots, metric_crs)
    polys = spots.geometry.to_crs(crs).to_numpy()
    to_wgs = Transformer.from_crs(crs, WGS84, always_xy=True)
    places: list[Place] = []
    names_hi = hindi_names(thanas) if thanas is not None else {}
    for pos, (hid, row) in enumerate(spots.iterrows()):
        primary = row[hs.PRIMARY_THANA]
        listed = row.get(hs.THANA_LIST)
        names = [t.strip() for t in str(listed).split(";") if t.strip()] if listed else []
        if not names and isinstance(primary, str):
            names = [primary]
        names = [n for n in names if keep is None or n in keep]
        if not names:
            continue
        risk = float(row[hs.RISK_SCORE]) if pd.notna(row[hs.RISK_SCORE]) else 0.0
        hours = hour_weights(list(row[hs.HOUR_PROFILE]))
        days = weekday_weights(row.get(hs.WEEKDAY_PROFILE))
        near = _first_site_name(row.get(hs.NEAREST_SITES))
        points = _thana_parts(polys[pos], thanas, names, crs)
        all_names = [t.strip() for t in str(listed or primary).split(";") if t.strip()]
        for name in names:
            point = points[name]
            lon, lat = to_wgs.transform(point.x, point.y)
            others = tuple(n for n in all_names if n != name)
            why = str(row[hs.WHY])
            if others:
                # TRANSLATORS: {why} is the hotspot's reason, {thanas} the other thanas' names.
                text = _(
                    "{why}; crosses thana lines (shared with {thanas}): this stop is its part "
                    "inside {thana}"
                )
                why = text.format(
                    why=why,
                    thanas=", ".join(thana_display(o, names_hi) for o in others),
                    thana=thana_display(name, names_hi),
                )
            if near:
                # TRANSLATORS: the name of a patrol stop: a hotspot's number and a site near it.
                label = _("Hotspot {id} near {site}").format(id=int(hid), site=near)
            else:
                label = _("Hotspot {id}").format(id=int(hid))
            places.append(
                Place(
                    place_id=f"hotspot-{int(hid)}" + (f"@{name}" if others else ""),
                    kind=PLACE_HOTSPOT,
                    thana=name,
                    name=label,
                    lon=float(lon),
                    lat=float(lat),
                    x=float(point.x),
                    y=float(point.y),
                    risk=min(max(risk, 0.0), 1.0),
                    why=why,
                    hour_weights=hours,
                    weekday_weights=days,
                    hotspot_id=int(hid),
                    shared_with=others,
                )
            )
    return places


def _working_camera_sees(
    xy: np.ndarray[Any, Any], cctv: gpd.GeoDataFrame | None, crs: CRS
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    seen = np.zeros(len(xy), dtype=bool)
    if cctv is None or cctv.empty or len(xy) == 0:
        return seen
    status = (
        cctv[STATUS].astype("string").fillna("unknown").to_numpy(dtype=object)
        if STATUS in cctv.columns
        else np.full(len(cctv), "unknown", dtype=object)
    )
    working = status == WORKING
    if not working.any():
        return seen
    radius = (
        pd.to_numeric(cctv[VIEW_RADIUS_M], errors="coerce").fillna(DEFAULT_VIEW_RADIUS_M)
        if VIEW_RADIUS_M in cctv.columns
        else pd.Series(DEFAULT_VIEW_RADIUS_M, index=cctv.index)
    ).to_numpy(dtype=np.float64)
    cams = cctv.geometry.to_crs(crs)
    cxy = shapely.get_coordinates(cams.to_numpy())
    hits = cKDTree(np.asarray(xy)).query_ball_point(cxy[working], r=radius[working])
    for hit in hits:
        seen[np.asarray(hit, dtype=np.int64)] = True
    return seen


def _thana_of_sites(
    pts: npt.NDArray[np.object_], thanas: gpd.GeoDataFrame, crs: CRS | str
) -> npt.NDArray[np.object_]:
    """Return the thana each point lies within (the first polygon hit), else None."""
    shapes = thanas[[NAME, thanas.geometry.name]].to_crs(crs)
    tree = shapely.STRtree(shapes.geometry.to_numpy())
    q, g = tree.query(pts, predicate="within")
    thana_of = np.full(len(pts), None, dtype=object)
    names = shapes[NAME].astype(str).to_numpy(dtype=object)
    for qi, gi in sorted(zip(q.tolist(), g.tolist(), strict=True)):
        if thana_of[qi] is None:
            thana_of[qi] = names[gi]
    return thana_of


def _nearby_hotspot(
    pts: npt.NDArray[np.object_], hotspots: gpd.GeoDataFrame | None, crs: CRS | str
) -> tuple[np.ndarray[Any, Any], list[str | None]]:
    """Return the highest risk of a hotspot near each point, and that hotspot's label."""
    near_risk = np.zeros(len(pts))
    near_name: list[str | None] = [None] * len(pts)
    if hotspots is not None and not hotspots.empty and hs.RISK_SCORE in hotspots.columns:
        polys = hotspots.geometry.to_crs(crs).to_numpy()
        risks = pd.to_numeric(hotspots[hs.RISK_SCORE], errors="coerce").fillna(0).to_numpy()
        ids = hotspots.index.to_numpy()
        htree = shapely.STRtree(polys)
        qq, gg = htree.query(pts, predicate="dwithin", distance=SITE_HOTSPOT_RADIUS_M)
        for qi, gi in zip(qq.tolist(), gg.tolist(), strict=True):
            if risks[gi] > near_risk[qi]:
                near_risk[qi] = risks[gi]
                text = _("hotspot {id} (risk {risk})")
                near_name[qi] = text.format(id=int(ids[gi]), risk=f"{risks[gi]:.2f}")
    return near_risk, near_name


def _site_windows(opens: Sequence[int], leaves: Sequence[int]) -> tuple[list[Window], list[str]]:
    """Return a site's visit windows (dispersal, opening) and the times said in its reason."""
    windows: list[Window] = []
    for t in leaves:
        windows.append(
            Window(
                t - DISPERSAL_BEFORE_MIN,
                t + DISPERSAL_AFTER_MIN,
                DISPERSAL_WEIGHT,
                # TRANSLATORS: a visit window: the time a school or college lets out.
                _("dispersal {time}").format(time=clock(t)),
            )
        )
    for t in opens:
        label = _("opening {time}").format(time=clock(t))
        windows.append(Window(t - OPENING_BEFORE_MIN, t, OPENING_WEIGHT, label))
    times = []
    if leaves:
        times.append(_("disperses {times}").format(times=", ".join(clock(t) for t in leaves)))
    if opens:
        times.append(_("opens {times}").format(times=", ".join(clock(t) for t in opens)))
    return windows, times


def _site_times(layer: gpd.GeoDataFrame, column: str) -> list[list[int]]:
    """Return each site's times of ``column`` (opening or dispersal) as minutes."""
    return [_times(v) for v in (layer[column] if column in layer.columns else [None] * len(layer))]


def _students(sub: gpd.GeoDataFrame) -> npt.NDArray[np.float64]:
    """Return each site's number of students (NaN when unknown)."""
    if STUDENTS not in sub.columns:
        return np.full(len(sub), np.nan)
    counts = pd.to_numeric(sub[STUDENTS], errors="coerce")
    values: npt.NDArray[np.float64] = counts.to_numpy(dtype=np.float64, na_value=np.nan)
    return values


def _site_risk(
    kind: str, n_students: float, seen: bool, near_risk: float, near_name: str | None
) -> tuple[float, list[str]]:
    """Return a site's risk (at most 1) and the reasons that make it up."""
    share = 0.0 if math.isnan(n_students) else min(1.0, n_students / SITE_STUDENTS_SATURATION)
    risk = SITE_BASE_RISK + SITE_STUDENTS_RISK * share
    word = _KIND_WORD.get(kind)
    parts = [pgettext("site in a reason", word) if word is not None else site_kind_name(kind)]
    if not math.isnan(n_students):
        n = int(n_students)
        parts.append(counted(n, "{n} student", "{n} students"))
    if not seen:
        risk += SITE_NO_CAMERA_RISK
        parts.append(_("no working camera sees it"))
    if near_name is not None:
        risk += SITE_HOTSPOT_RISK * near_risk
        text = _("within {radius} m of {hotspot}")
        parts.append(text.format(radius=f"{SITE_HOTSPOT_RADIUS_M:g}", hotspot=near_name))
    return min(1.0, float(risk)), parts


def site_places(
    sites: gpd.GeoDataFrame,
    thanas: gpd.GeoDataFrame,
    *,
    cctv: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
    only_thanas: Iterable[str] | None = None,
) -> tuple[list[Place], list[str]]:
    """Return a place per sensitive site with dispersal or opening times, and notes.

    Risk (at most 1): :data:`SITE_BASE_RISK` + :data:`SITE_STUDENTS_RISK` × students ÷
    :data:`SITE_STUDENTS_SATURATION` (capped) + :data:`SITE_NO_CAMERA_RISK` when no working
    camera sees it + :data:`SITE_HOTSPOT_RISK` × the risk of the riskiest hotspot within
    :data:`SITE_HOTSPOT_RADIUS_M`. Windows: arrive :data:`DISPERSAL_BEFORE_MIN` minutes before
    to :data:`DISPERSAL_AFTER_MIN` after each dispersal, and in the
    :data:`OPENING_BEFORE_MIN` minutes before opening (worth :data:`OPENING_WEIGHT`).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The sites layer (not modified).
    thanas : geopandas.GeoDataFrame
        Thana polygons with ``name``: a site belongs to the thana containing it.
    cctv, hotspots : geopandas.GeoDataFrame, optional
    metric_crs : str, optional
    only_thanas : iterable of str, optional

    Returns
    -------
    (list of Place, list of str)
        The places and notes (sites left out and why, assumptions).
    """
    layer = _check_frame(sites, "sites")
    notes: list[str] = []
    if layer is None or layer.empty:
        return [], notes
    if KIND not in layer.columns or NAME not in layer.columns:
        raise ParameterError(
            "the sites have no kind/name columns", fix="pass the sites layer of geo.store"
        )
    crs = metric_crs_for(layer, metric_crs)
    kinds = layer[KIND].astype("string").fillna("other").to_numpy(dtype=object)
    candidates = np.isin(kinds, DISPERSAL_KINDS)
    opens = _site_times(layer, OPENS_AT)
    leaves = _site_times(layer, DISPERSES_AT)
    timed = np.array([bool(o or d) for o, d in zip(opens, leaves, strict=True)])
    untimed = int((candidates & ~timed).sum())
    if untimed:
        notes.append(
            counted(
                untimed,
                "{n} schools/colleges/coaching centres/hostels have no opening or dispersal time "
                "and are not patrol stops of their own (add opens_at/disperses_at)",
                "{n} schools/colleges/coaching centres/hostels have no opening or dispersal time "
                "and are not patrol stops of their own (add opens_at/disperses_at)",
            )
        )
    chosen = np.flatnonzero(candidates & timed)
    if chosen.size == 0:
        return [], notes
    sub = layer.iloc[chosen]
    xy = shapely.get_coordinates(sub.geometry.to_crs(crs).to_numpy())
    lonlat = shapely.get_coordinates(sub.geometry.to_crs(WGS84).to_numpy())
    pts = np.asarray(shapely.points(xy), dtype=object)
    thana_of = _thana_of_sites(pts, thanas, crs)
    outside = int(sum(t is None for t in thana_of))
    if outside:
        notes.append(
            counted(
                outside,
                "{n} timed sites lie outside every thana polygon and are not stops",
                "{n} timed sites lie outside every thana polygon and are not stops",
            )
        )
    seen = _working_camera_sees(xy, cctv, crs)
    near_risk, near_name = _nearby_hotspot(pts, hotspots, crs)
    students = _students(sub)
    keep = None if only_thanas is None else set(only_thanas)
    site_ids = sub.index.to_numpy()
    id_col = sub["id"].astype(str).to_numpy(dtype=object) if "id" in sub.columns else None
    places: list[Place] = []
    closed_sunday = False
    for i in range(len(sub)):
        thana = thana_of[i]
        if thana is None or (keep is not None and thana not in keep):
            continue
        kind = str(kinds[chosen[i]])
        risk, parts = _site_risk(kind, students[i], seen[i], near_risk[i], near_name[i])
        windows, times = _site_windows(opens[chosen[i]], leaves[chosen[i]])
        days = (1.0,) * 7
        if kind in CLOSED_ON_SUNDAY:
            days = (1.0,) * 6 + (0.0,)
            closed_sunday = True
        sid = str(id_col[i]) if id_col is not None else str(site_ids[i])
        places.append(
            Place(
                place_id=f"site-{sid}",
                kind=PLACE_SITE,
                thana=str(thana),
                name=place_name(
                    sub[NAME].iloc[i], sub[NAME_HI].iloc[i] if NAME_HI in sub.columns else None
                ),
                lon=float(lonlat[i, 0]),
                lat=float(lonlat[i, 1]),
                x=float(xy[i, 0]),
                y=float(xy[i, 1]),
                risk=risk,
                why="; ".join(parts) + "; " + "; ".join(times),
                windows=tuple(sorted(windows, key=lambda w: w.start_min)),
                weekday_weights=days,
            )
        )
    if closed_sunday:
        notes.append(_("schools, colleges and coaching centres are assumed closed on Sundays"))
    return places, notes
