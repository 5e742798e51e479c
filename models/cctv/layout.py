"""The layout of a camera placement: candidate camera points and weighted demand, in metres."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from geo.crs import metric_coordinates
from geo.i18n import NP_, _, camera_status_name, pgettext
from geo.schema import KIND, NAME, STATUS
from models.arrays import BoolArray, FloatArray, IntArray
from models.cctv.forecast_demand import DemandForecast, forecast_at, forecast_weights
from models.cctv.gaps import (
    CAMERA_ID,
    FAULTY,
    KIND_PRIORITY,
    CameraRegistry,
    site_extents,
)
from models.hotspots import HOTSPOT_ID

logger = logging.getLogger(__name__)

# ---- candidate kinds ----
SITE_ENTRANCE: Final = "site-entrance"
APPROACH: Final = "approach"
HOTSPOT_CELL: Final = "hotspot-cell"
REPAIR: Final = "repair"
CANDIDATE_KINDS: Final = (SITE_ENTRANCE, APPROACH, HOTSPOT_CELL, REPAIR)
# ---- demand kinds ----
DEMAND_INCIDENT: Final = "incident"
DEMAND_HOTSPOT: Final = "hotspot-cell"
DEMAND_SITE: Final = "site"
# ---- defaults ----
#: Demand weight of one incident, one hotspot cell, and of a site (times its kind's priority).
DEMAND_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {DEMAND_INCIDENT: 1.0, DEMAND_HOTSPOT: 2.0, DEMAND_SITE: 10.0}
)
#: Cost of a new camera and of repairing (or checking) a camera that does not work; a budget is
#: in the same units (by default: new-camera equivalents).
NEW_COST: Final = 1.0
REPAIR_COST: Final = 0.3
#: View radius assumed for a new camera.
NEW_CAMERA_RADIUS_M: Final = 50.0
#: Hotspot cells (candidates and demand) are squares of this side.
HOTSPOT_CELL_M: Final = 50.0
#: Approach points: this far from a site ...
APPROACH_RADIUS_M: Final = 150.0
#: ... at these fractions of it, in 8 directions (N, NE, ...).
APPROACH_STEPS: Final = (0.5, 1.0)
_BEARINGS: Final = (
    NP_("compass", "N"), NP_("compass", "NE"), NP_("compass", "E"), NP_("compass", "SE"),
    NP_("compass", "S"), NP_("compass", "SW"), NP_("compass", "W"), NP_("compass", "NW"),
)  # fmt: skip

# --------------------------------------------------------------------------- the layout


@dataclass(frozen=True)
class Layout:
    """Demand and candidates of a placement in the metric CRS.

    Attributes
    ----------
    demand_xy : numpy.ndarray
    demand_kind : numpy.ndarray of str
    demand_weight : numpy.ndarray
    demand_extent : numpy.ndarray
        A site's extent (0 for incidents and cells).
    demand_label : numpy.ndarray of str
        Site names (empty for other demand).
    candidate_xy : numpy.ndarray
    candidate_kind : numpy.ndarray of str
    candidate_cost, candidate_radius : numpy.ndarray
    candidate_label : numpy.ndarray of str
    candidate_camera : numpy.ndarray of object
        Camera id of repair candidates (None for new ones).
    """

    demand_xy: FloatArray
    demand_kind: npt.NDArray[np.object_]
    demand_weight: FloatArray
    demand_extent: FloatArray
    demand_label: npt.NDArray[np.object_]
    candidate_xy: FloatArray
    candidate_kind: npt.NDArray[np.object_]
    candidate_cost: FloatArray
    candidate_radius: FloatArray
    candidate_label: npt.NDArray[np.object_]
    candidate_camera: npt.NDArray[np.object_]


def hotspot_cells(
    hotspots: gpd.GeoDataFrame | None, crs: str, cell_m: float = HOTSPOT_CELL_M
) -> tuple[FloatArray, IntArray]:
    """Return the centres of the aligned ``cell_m`` squares inside hotspots, and their hotspot.

    Squares are aligned to multiples of ``cell_m``; a hotspot too small to hold a centre is
    stood for by its representative point.

    Written with numpy rather than :func:`models.surfaces.grid.square_grid` because only the centres
    are needed, per hotspot, without building cell polygons.

    Parameters
    ----------
    hotspots : geopandas.GeoDataFrame or None
    crs : str
        Metric CRS.
    cell_m : float

    Returns
    -------
    xy : numpy.ndarray
    hotspot : numpy.ndarray of int64
    """
    if hotspots is None or hotspots.empty:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    ids = (
        hotspots[HOTSPOT_ID].to_numpy(dtype=np.int64)
        if HOTSPOT_ID in hotspots.columns
        else np.asarray(hotspots.index, dtype=np.int64)
    )
    xys, owners = [], []
    for hid, poly in zip(ids, hotspots.to_crs(crs).geometry, strict=True):
        if poly is None or poly.is_empty:
            continue
        x0, y0, x1, y1 = poly.bounds
        xs = np.floor(x0 / cell_m) + 0.5 + np.arange(int(np.ceil((x1 - x0) / cell_m)) + 1)
        ys = np.floor(y0 / cell_m) + 0.5 + np.arange(int(np.ceil((y1 - y0) / cell_m)) + 1)
        gx, gy = np.meshgrid(xs * cell_m, ys * cell_m)
        inside = shapely.contains_xy(poly, gx.ravel(), gy.ravel())
        if not inside.any():  # a tiny hotspot: its representative point stands for it
            pt = poly.representative_point()
            xys.append(np.array([[pt.x, pt.y]]))
        else:
            xys.append(np.column_stack([gx.ravel()[inside], gy.ravel()[inside]]))
        owners.append(np.full(len(xys[-1]), hid, dtype=np.int64))
    if not xys:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    return np.vstack(xys), np.concatenate(owners)


def _inside(xy: FloatArray, area: Any) -> BoolArray:
    if area is None:
        return np.ones(len(xy), dtype=bool)
    return np.asarray(shapely.contains_xy(area, xy[:, 0], xy[:, 1]), dtype=bool)


def _approach_points(
    sxy: FloatArray, names: npt.NDArray[np.object_], area: Any, approach_radius_m: float
) -> tuple[FloatArray, list[str]]:
    """Return the approach points around sites (8 bearings × :data:`APPROACH_STEPS`) in ``area``."""
    cxy: list[FloatArray] = []
    clab: list[str] = []
    angles = np.deg2rad(90.0 - 45.0 * np.arange(8))  # N, NE, E, ... clockwise from north
    for step in APPROACH_STEPS:
        r = approach_radius_m * step
        for b, a in zip(_BEARINGS, angles, strict=True):
            pts = sxy + r * np.array([np.cos(a), np.sin(a)])
            keep = _inside(pts, area)
            cxy.append(pts[keep])
            # TRANSLATORS: a point on the way to a site: its name, a compass bearing, a distance.
            text = _("approach to {site} ({bearing}, {distance} m)")
            bearing = pgettext("compass", b)
            clab += [text.format(site=n, bearing=bearing, distance=f"{r:g}") for n in names[keep]]
    return (np.vstack(cxy) if cxy else np.empty((0, 2))), clab


def _sites_in(
    sites: gpd.GeoDataFrame, crs: str, area: Any
) -> tuple[FloatArray, gpd.GeoDataFrame, npt.NDArray[np.object_], FloatArray]:
    """Return the sites inside ``area``: metric positions, rows, names and kind priorities."""
    sxy, _ids = metric_coordinates(sites, crs, what="sites")
    ok = _inside(sxy, area)
    chosen = sites[ok]
    names = chosen[NAME].astype("string").fillna("site").to_numpy(dtype=object)
    kinds = (
        chosen[KIND].astype("string").fillna("").to_numpy(dtype=object)
        if KIND in chosen.columns
        else np.full(len(chosen), "", dtype=object)
    )
    prio = np.asarray([KIND_PRIORITY.get(str(k), KIND_PRIORITY["other"]) for k in kinds])
    return sxy[ok], chosen, names, prio


def _repairs_in(
    registry: CameraRegistry, area: Any
) -> tuple[FloatArray, list[str], FloatArray, list[str]]:
    """Return the cameras inside ``area`` that do not work: positions, labels, radii and ids."""
    broken = ~registry.working
    bxy = registry.xy[broken]
    keep = _inside(bxy, area)
    cams = registry.cameras[broken][keep]
    labels = [
        _("repair faulty camera {camera}").format(camera=c)
        if s == FAULTY
        else _("check and repair camera {camera} ({status})").format(
            camera=c, status=camera_status_name(s)
        )
        for c, s in zip(cams[CAMERA_ID], cams[STATUS], strict=True)
    ]
    return bxy[keep], labels, registry.radius_m[broken][keep], [str(c) for c in cams[CAMERA_ID]]


def _weighed(
    weight: FloatArray, xy: FloatArray, crs: str, forecast: DemandForecast | None
) -> FloatArray:
    """Return ``weight`` in proportion to the forecast at ``xy`` (unchanged without one)."""
    if forecast is None or not forecast.weigh or not len(xy):
        return weight
    expected, _times = forecast_at(xy, crs, forecast)
    return forecast_weights(weight, expected)


def build_layout(
    sites: gpd.GeoDataFrame | None,
    registry: CameraRegistry,
    *,
    incidents: gpd.GeoDataFrame | None,
    hotspots: gpd.GeoDataFrame | None,
    crs: str,
    area: Any = None,
    weights: Mapping[str, float] = DEMAND_WEIGHTS,
    new_cost: float = NEW_COST,
    repair_cost: float = REPAIR_COST,
    new_radius_m: float = NEW_CAMERA_RADIUS_M,
    approach_radius_m: float = APPROACH_RADIUS_M,
    cell_m: float = HOTSPOT_CELL_M,
    site_extent_m: Mapping[str, float] | None = None,
    forecast: DemandForecast | None = None,
) -> Layout:
    """Build the demand points and candidate camera positions of a placement.

    Demand: every incident (weight ``weights["incident"]``), every hotspot cell
    (``weights["hotspot-cell"]``) and every site (``weights["site"]`` times its kind's
    :data:`models.cctv.gaps.KIND_PRIORITY`). Candidates: each site's entrance (its point), 16
    points on its approach (8 directions at half and all of ``approach_radius_m``), every
    hotspot cell centre (new cameras of ``new_radius_m``, cost ``new_cost``) and every camera
    that does not work (a repair at ``repair_cost`` with its own radius).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame or None
    registry : models.cctv.gaps.CameraRegistry
    incidents, hotspots : geopandas.GeoDataFrame or None
    crs : str
        Metric CRS.
    area : shapely geometry, optional
        Only demand and candidates inside it (metric CRS), e.g. a thana polygon.
    weights : mapping
    new_cost, repair_cost, new_radius_m, approach_radius_m, cell_m : float
    site_extent_m : mapping, optional
    forecast : models.cctv.forecast_demand.DemandForecast, optional
        When given (and ``forecast.weigh``), incident and hotspot-cell demand is weighted by
        the expected incidents of its forecast cell, each kind's total weight unchanged
        (:func:`models.cctv.forecast_demand.forecast_weights`). Default: unweighted.

    Returns
    -------
    Layout
    """
    dxy: list[FloatArray] = []
    dkind: list[str] = []
    dw: list[FloatArray] = []
    dext: list[FloatArray] = []
    dlab: list[str] = []
    cxy: list[FloatArray] = []
    ckind: list[str] = []
    clab: list[str] = []
    if incidents is not None and len(incidents):
        ixy, _ids = metric_coordinates(incidents, crs, what="incidents")
        ixy = ixy[_inside(ixy, area)]
        dxy.append(ixy)
        dkind += [DEMAND_INCIDENT] * len(ixy)
        dw.append(_weighed(np.full(len(ixy), float(weights[DEMAND_INCIDENT])), ixy, crs, forecast))
        dext.append(np.zeros(len(ixy)))
        dlab += [""] * len(ixy)
    hxy, hid = hotspot_cells(hotspots, crs, cell_m)
    inside = _inside(hxy, area)
    hxy, hid = hxy[inside], hid[inside]
    dxy.append(hxy)
    dkind += [DEMAND_HOTSPOT] * len(hxy)
    dw.append(_weighed(np.full(len(hxy), float(weights[DEMAND_HOTSPOT])), hxy, crs, forecast))
    dext.append(np.zeros(len(hxy)))
    dlab += [""] * len(hxy)
    cxy.append(hxy)
    ckind += [HOTSPOT_CELL] * len(hxy)
    clab += [_("cell of hotspot {id}").format(id=h) for h in hid]
    if sites is not None and len(sites):
        sxy, chosen, names, prio = _sites_in(sites, crs, area)
        dxy.append(sxy)
        dkind += [DEMAND_SITE] * len(sxy)
        dw.append(float(weights[DEMAND_SITE]) * prio)
        dext.append(site_extents(chosen, site_extent_m))
        dlab += [str(n) for n in names]
        cxy.append(sxy)
        ckind += [SITE_ENTRANCE] * len(sxy)
        clab += [_("entrance of {site}").format(site=n) for n in names]
        pts, labels = _approach_points(sxy, names, area, approach_radius_m)
        cxy.append(pts)
        ckind += [APPROACH] * len(pts)
        clab += labels
    n_new = sum(len(x) for x in cxy)
    cost = [np.full(n_new, float(new_cost))]
    radius = [np.full(n_new, float(new_radius_m))]
    camera: list[Any] = [None] * n_new
    if (~registry.working).any():
        rxy, rlab, rradius, rcamera = _repairs_in(registry, area)
        cxy.append(rxy)
        ckind += [REPAIR] * len(rxy)
        clab += rlab
        cost.append(np.full(len(rxy), float(repair_cost)))
        radius.append(rradius)
        camera += rcamera
    return Layout(
        demand_xy=np.vstack(dxy) if dxy else np.empty((0, 2)),
        demand_kind=np.asarray(dkind, dtype=object),
        demand_weight=np.concatenate(dw) if dw else np.empty(0),
        demand_extent=np.concatenate(dext) if dext else np.empty(0),
        demand_label=np.asarray(dlab, dtype=object),
        candidate_xy=np.vstack(cxy) if cxy else np.empty((0, 2)),
        candidate_kind=np.asarray(ckind, dtype=object),
        candidate_cost=np.concatenate(cost),
        candidate_radius=np.concatenate(radius),
        candidate_label=np.asarray(clab, dtype=object),
        candidate_camera=np.asarray(camera, dtype=object),
    )
