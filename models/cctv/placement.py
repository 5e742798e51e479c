"""Camera placement: maximal-covering MILP (HiGHS) over weighted demand, with a greedy fallback."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
import shapely

from geo.crs import WGS84, metric_coordinates, metric_crs_for
from geo.errors import ParameterError
from geo.i18n import NP_, _, camera_status_name, format_int, format_percent, ngettext, pgettext
from geo.schema import KIND, NAME, STATUS, THANA
from models.arrays import BoolArray, FloatArray, IntArray
from models.cctv.covering import (
    AUTO,
    EXACT_MAX_CANDIDATES,
    EXACT_MAX_NONZEROS,
    GREEDY,
    METHODS,
    MILP,
    MIP_REL_GAP,
    TIME_LIMIT_S,
    CoverageProblem,
    Method,
    Solution,
    check_limits,
    greedy,
    greedy_order,
    lp_bound,
    make_problem,
    reduce_problem,
    solve,
)
from models.cctv.gaps import (
    CAMERA_ID,
    DEFAULT_VIEW_RADIUS_M,
    FAULTY,
    KIND_PRIORITY,
    CameraRegistry,
    clean_registry,
    covering_pairs,
    recent_incidents,
    reference_of,
    site_extents,
)
from models.checks import check_metres
from models.hotspots import HOTSPOT_ID
from models.selection import IMPRECISE_LEFT_OUT, imprecise_location_note, point_incidents

logger = logging.getLogger(__name__)

#: The public names, with the covering solver's re-exported from :mod:`models.cctv.covering`.
__all__ = [
    "ACTION",
    "ACTIONS",
    "APPROACH",
    "APPROACH_RADIUS_M",
    "APPROACH_STEPS",
    "AUTO",
    "CANDIDATE_KIND",
    "CANDIDATE_KINDS",
    "COST",
    "CUMULATIVE_COST",
    "CUMULATIVE_GAIN",
    "CUMULATIVE_SHARE",
    "DEMAND_HOTSPOT",
    "DEMAND_INCIDENT",
    "DEMAND_SITE",
    "DEMAND_WEIGHTS",
    "EXACT_MAX_CANDIDATES",
    "EXACT_MAX_NONZEROS",
    "GREEDY",
    "HOTSPOT_CELL",
    "HOTSPOT_CELLS_GAINED",
    "HOTSPOT_CELL_M",
    "INCIDENTS_GAINED",
    "LABEL",
    "MARGINAL_GAIN",
    "METHODS",
    "MILP",
    "MIP_REL_GAP",
    "NEW",
    "NEW_CAMERA_RADIUS_M",
    "NEW_COST",
    "ORDER",
    "PLACEMENT_ATTR",
    "PLACEMENT_COLUMNS",
    "REPAIR",
    "REPAIR_COST",
    "SITES_GAINED",
    "SITE_ENTRANCE",
    "SITE_NAMES",
    "TIME_LIMIT_S",
    "VIEW_RADIUS_M",
    "WHY",
    "CoverageProblem",
    "Layout",
    "Method",
    "Placement",
    "PlacementParams",
    "Solution",
    "build_layout",
    "greedy",
    "greedy_order",
    "hotspot_cells",
    "lp_bound",
    "make_problem",
    "place_cameras",
    "place_cameras_with",
    "reduce_problem",
    "solve",
]


# ---- candidate kinds ----
SITE_ENTRANCE: Final = "site-entrance"
APPROACH: Final = "approach"
HOTSPOT_CELL: Final = "hotspot-cell"
REPAIR: Final = "repair"
CANDIDATE_KINDS: Final = (SITE_ENTRANCE, APPROACH, HOTSPOT_CELL, REPAIR)
# ---- actions ----
NEW: Final = "new"
#: (the action of a repair candidate is :data:`REPAIR`)
ACTIONS: Final = (NEW, REPAIR)
# ---- demand kinds ----
DEMAND_INCIDENT: Final = "incident"
DEMAND_HOTSPOT: Final = "hotspot-cell"
DEMAND_SITE: Final = "site"
# ---- output columns ----
ORDER: Final = "order"
ACTION: Final = "action"
CANDIDATE_KIND: Final = "candidate_kind"
LABEL: Final = "label"
COST: Final = "cost"
VIEW_RADIUS_M: Final = "view_radius_m"
MARGINAL_GAIN: Final = "marginal_gain"
CUMULATIVE_GAIN: Final = "cumulative_gain"
CUMULATIVE_COST: Final = "cumulative_cost"
#: Share of all demand weight in scope seen once this and every earlier camera are in place.
CUMULATIVE_SHARE: Final = "cumulative_share"
INCIDENTS_GAINED: Final = "incidents_gained"
HOTSPOT_CELLS_GAINED: Final = "hotspot_cells_gained"
SITES_GAINED: Final = "sites_gained"
SITE_NAMES: Final = "site_names"
WHY: Final = "why"
PLACEMENT_COLUMNS: Final = (
    ORDER, ACTION, CANDIDATE_KIND, LABEL, CAMERA_ID, THANA, COST, VIEW_RADIUS_M, MARGINAL_GAIN,
    CUMULATIVE_GAIN, CUMULATIVE_COST, CUMULATIVE_SHARE, INCIDENTS_GAINED, HOTSPOT_CELLS_GAINED,
    SITES_GAINED, SITE_NAMES, WHY,
)  # fmt: skip

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
#: Key of ``GeoDataFrame.attrs`` with the summary of a placement.
PLACEMENT_ATTR: Final = "shakti_placement"


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
        dw.append(np.full(len(ixy), float(weights[DEMAND_INCIDENT])))
        dext.append(np.zeros(len(ixy)))
        dlab += [""] * len(ixy)
    hxy, hid = hotspot_cells(hotspots, crs, cell_m)
    inside = _inside(hxy, area)
    hxy, hid = hxy[inside], hid[inside]
    dxy.append(hxy)
    dkind += [DEMAND_HOTSPOT] * len(hxy)
    dw.append(np.full(len(hxy), float(weights[DEMAND_HOTSPOT])))
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


# --------------------------------------------------------------------------- placement


@dataclass(frozen=True)
class Placement:
    """Proposed cameras and how the plan was found.

    Attributes
    ----------
    cameras : geopandas.GeoDataFrame
        One Point per proposed camera (EPSG:4326), columns :data:`PLACEMENT_COLUMNS`, in the
        order of marginal gain: an in-charge can stop at any row.
    solution : Solution
    summary : dict
        Demand and candidate counts, weights (total, already seen, coverable, gained),
        method, optimality gap, solve time, parameters.
    notes : tuple of str
    """

    cameras: gpd.GeoDataFrame
    solution: Solution
    summary: Mapping[str, Any]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PlacementParams:
    """The parameters of a camera placement (see :func:`place_cameras` for each one).

    :meth:`check` returns them checked, with the demand weights completed.
    """

    k: int
    budget: float | None = None
    thana: str | None = None
    metric_crs: str | None = None
    days: int | None = None
    reference_time: pd.Timestamp | str | None = None
    weights: Mapping[str, float] | None = None
    new_cost: float = NEW_COST
    repair_cost: float = REPAIR_COST
    new_radius_m: float = NEW_CAMERA_RADIUS_M
    approach_radius_m: float = APPROACH_RADIUS_M
    cell_m: float = HOTSPOT_CELL_M
    default_radius_m: float = DEFAULT_VIEW_RADIUS_M
    site_extent_m: Mapping[str, float] | None = None
    method: Method = "auto"
    time_limit_s: float = TIME_LIMIT_S

    def check(self) -> PlacementParams:
        """Return the parameters checked: limits, costs, radii and complete demand weights.

        Raises
        ------
        geo.errors.ParameterError
            For a bad limit, cost, radius or demand weight.
        """
        k, budget = check_limits(self.k, self.budget)
        for value, what in ((self.new_cost, "new_cost"), (self.repair_cost, "repair_cost")):
            if not math.isfinite(float(value)) or value <= 0:
                raise ParameterError(f"{what} must be > 0, got {value!r}", fix="use e.g. 1 and 0.3")
        for value, what in (
            (self.new_radius_m, "new_radius_m"), (self.approach_radius_m, "approach_radius_m"),
            (self.cell_m, "cell_m"),
        ):  # fmt: skip
            check_metres(value, what, example=50.0)
        w = dict(DEMAND_WEIGHTS)
        w.update(self.weights or {})
        unknown = set(w) - set(DEMAND_WEIGHTS)
        if unknown or any(not math.isfinite(v) or v < 0 for v in w.values()):
            raise ParameterError(
                f"bad demand weights {w!r}",
                fix="give weights ≥ 0 for " + ", ".join(DEMAND_WEIGHTS),
            )
        return replace(self, k=k, budget=budget, weights=w)


def _placement_crs(layers: Sequence[gpd.GeoDataFrame | None], metric_crs: str | None) -> str:
    """Return the metric CRS of the first non-empty layer (the configured one when given)."""
    given = [x for x in layers if x is not None and len(x)]
    if given:
        return metric_crs_for(given[0], metric_crs).to_string()
    return metric_crs or "EPSG:32644"  # nominal: no layer has anything to project


def _thana_area(thanas: gpd.GeoDataFrame | None, thana: str | None, crs: str) -> Any:
    """Return the polygon of ``thana`` in ``crs`` (``None`` for no thana)."""
    if thana is None:
        return None
    if thanas is None or thanas.empty or thana not in set(thanas[NAME].astype(str)):
        raise ParameterError(
            f"thana {thana!r} is not in the thana layer",
            fix="spell the thana exactly as the thana layer does (see `shakti layers`)",
        )
    return thanas[thanas[NAME].astype(str) == thana].to_crs(crs).union_all()


def _open_demand(
    layout: Layout, registry: CameraRegistry
) -> tuple[BoolArray, IntArray, sp.csr_matrix]:
    """Return the demand working cameras already see, the rest, and who covers the rest."""
    ok = registry.working
    seen_t, _cam, _dist = covering_pairs(
        layout.demand_xy, registry.xy[ok], registry.radius_m[ok], layout.demand_extent
    )
    seen = np.zeros(len(layout.demand_xy), dtype=bool)
    seen[seen_t] = True
    open_idx = np.flatnonzero(~seen)
    tgt, cand, _dist = covering_pairs(
        layout.demand_xy[open_idx], layout.candidate_xy, layout.candidate_radius,
        layout.demand_extent[open_idx],
    )  # fmt: skip
    cover = sp.csr_matrix(
        (np.ones(len(tgt)), (tgt, cand)), shape=(len(open_idx), len(layout.candidate_xy))
    )
    return seen, open_idx, cover


def _summary(
    p: PlacementParams, layout: Layout, solution: Solution, cameras: gpd.GeoDataFrame,
    seen: BoolArray, open_idx: IntArray, cover: sp.csr_matrix, crs: str,
) -> dict[str, Any]:  # fmt: skip
    """Return the summary of a placement: demand, weights gained, method, parameters."""
    coverable = np.asarray(cover.sum(axis=1)).ravel() > 0
    total_w = float(layout.demand_weight.sum())
    seen_w = float(layout.demand_weight[seen].sum())
    counts = {kind: int((layout.demand_kind == kind).sum()) for kind in DEMAND_WEIGHTS}
    cand_counts = {kind: int((layout.candidate_kind == kind).sum()) for kind in CANDIDATE_KINDS}
    return {
        "thana": p.thana,
        "k": p.k,
        "budget": p.budget,
        "method": solution.method,
        "optimal": solution.optimal,
        "optimality_gap": round(solution.gap, 6),
        "bound": solution.bound,
        "solve_s": round(solution.solve_s, 3),
        "demand": counts,
        "candidates": cand_counts,
        "demand_weight": round(total_w, 3),
        "weight_seen_before": round(seen_w, 3),
        "weight_coverable": round(float(layout.demand_weight[open_idx][coverable].sum()), 3),
        "weight_gained": round(solution.value, 3),
        "share_seen_before": round(seen_w / total_w, 4) if total_w else None,
        "share_seen_after": round((seen_w + solution.value) / total_w, 4) if total_w else None,
        "cameras": len(cameras),
        "new_cameras": int((cameras[ACTION] == NEW).sum()) if len(cameras) else 0,
        "repairs": int((cameras[ACTION] == REPAIR).sum()) if len(cameras) else 0,
        "cost": round(float(cameras[COST].sum()), 3) if len(cameras) else 0.0,
        "weights": p.weights,
        "new_cost": p.new_cost,
        "repair_cost": p.repair_cost,
        "new_radius_m": p.new_radius_m,
        "approach_radius_m": p.approach_radius_m,
        "cell_m": p.cell_m,
        "metric_crs": crs,
    }


def place_cameras(
    sites: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    *,
    k: int,
    budget: float | None = None,
    incidents: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    thanas: gpd.GeoDataFrame | None = None,
    thana: str | None = None,
    metric_crs: str | None = None,
    days: int | None = None,
    reference_time: pd.Timestamp | str | None = None,
    weights: Mapping[str, float] | None = None,
    new_cost: float = NEW_COST,
    repair_cost: float = REPAIR_COST,
    new_radius_m: float = NEW_CAMERA_RADIUS_M,
    approach_radius_m: float = APPROACH_RADIUS_M,
    cell_m: float = HOTSPOT_CELL_M,
    default_radius_m: float = DEFAULT_VIEW_RADIUS_M,
    site_extent_m: Mapping[str, float] | None = None,
    method: Method = "auto",
    time_limit_s: float = TIME_LIMIT_S,
) -> Placement:
    """Recommend up to ``k`` cameras (new or repaired) that see the most weighted demand.

    Working cameras are held fixed: demand they already see counts for nothing. Repairs of
    faulty or unchecked cameras compete with new cameras at their (lower) cost. Solved by
    :func:`solve` on the layout of :func:`build_layout`.

    Parameters
    ----------
    sites, cctv : geopandas.GeoDataFrame or None
    k : int
        Most cameras proposed.
    budget : float, optional
        Most total cost (a new camera costs ``new_cost``, a repair ``repair_cost``).
    incidents, hotspots, thanas : geopandas.GeoDataFrame, optional
        Incidents located only to a locality or pincode centroid are never demand (the notes
        and ``summary[IMPRECISE_LEFT_OUT]`` say how many).
    thana : str, optional
        Only demand and candidates inside this thana (cameras anywhere still count).
    metric_crs : str, optional
    days : int, optional
        Only incidents of the last ``days`` days before ``reference_time`` (default: all).
    reference_time : Timestamp or str, optional
    weights : mapping, optional
        Demand weights (default :data:`DEMAND_WEIGHTS`).
    new_cost, repair_cost, new_radius_m, approach_radius_m, cell_m, default_radius_m : float
    site_extent_m : mapping, optional
    method : {"auto", "milp", "greedy"}
    time_limit_s : float

    Returns
    -------
    Placement

    Raises
    ------
    geo.errors.ParameterError
        For bad parameters or a thana not in ``thanas``.
    """
    params = PlacementParams(
        k=k, budget=budget, thana=thana, metric_crs=metric_crs, days=days,
        reference_time=reference_time, weights=weights, new_cost=new_cost,
        repair_cost=repair_cost, new_radius_m=new_radius_m, approach_radius_m=approach_radius_m,
        cell_m=cell_m, default_radius_m=default_radius_m, site_extent_m=site_extent_m,
        method=method, time_limit_s=time_limit_s,
    )  # fmt: skip
    return place_cameras_with(
        sites, cctv, params, incidents=incidents, hotspots=hotspots, thanas=thanas
    )


def place_cameras_with(
    sites: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    params: PlacementParams,
    *,
    incidents: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    thanas: gpd.GeoDataFrame | None = None,
) -> Placement:
    """Recommend cameras as :func:`place_cameras` does, its parameters in one dataclass.

    Parameters
    ----------
    sites, cctv, incidents, hotspots, thanas : geopandas.GeoDataFrame or None
        The layers (see :func:`place_cameras`).
    params : PlacementParams

    Returns
    -------
    Placement
    """
    p = params.check()
    crs = _placement_crs((sites, incidents, cctv), p.metric_crs)
    area = _thana_area(thanas, p.thana, crs)
    registry = clean_registry(
        cctv, thanas=thanas, metric_crs=crs, default_radius_m=p.default_radius_m
    )
    chosen_incidents = incidents
    if p.days is not None and incidents is not None and len(incidents):
        ref = reference_of(incidents, p.reference_time)
        chosen_incidents = recent_incidents(incidents, ref, p.days)
    # locality and pincode centroids would pile up at one point: never demand
    left_out = 0
    if chosen_incidents is not None:
        chosen_incidents, left_out = point_incidents(chosen_incidents)
    layout = build_layout(
        sites, registry, incidents=chosen_incidents, hotspots=hotspots, crs=crs, area=area,
        weights=p.weights or DEMAND_WEIGHTS, new_cost=p.new_cost, repair_cost=p.repair_cost,
        new_radius_m=p.new_radius_m, approach_radius_m=p.approach_radius_m, cell_m=p.cell_m,
        site_extent_m=p.site_extent_m,
    )  # fmt: skip
    # Demand already seen by a working camera is held fixed (it counts for nothing).
    seen, open_idx, cover = _open_demand(layout, registry)
    problem = make_problem(layout.demand_weight[open_idx], cover, layout.candidate_cost)
    solution = solve(problem, k=p.k, budget=p.budget, method=p.method, time_limit_s=p.time_limit_s)
    total_w = float(layout.demand_weight.sum())
    seen_w = float(layout.demand_weight[seen].sum())
    cameras = _cameras(layout, cover, open_idx, solution, registry, thanas, crs, total_w, seen_w)
    notes = list(registry.defaults_used) + list(solution.notes)
    if total_w == 0:
        notes.append(_("nothing to cover: no incidents, hotspots or sites in scope"))
    summary = _summary(p, layout, solution, cameras, seen, open_idx, cover, crs)
    imprecise = imprecise_location_note(left_out)
    if imprecise is not None:
        summary[IMPRECISE_LEFT_OUT] = left_out
        notes.append(imprecise)
    cameras.attrs[PLACEMENT_ATTR] = {**summary, "notes": notes}
    return Placement(cameras, solution, summary, tuple(notes))


def _cameras(
    layout: Layout,
    cover: sp.csr_matrix,
    open_idx: IntArray,
    solution: Solution,
    registry: CameraRegistry,
    thanas: gpd.GeoDataFrame | None,
    crs: str,
    total_w: float,
    seen_w: float,
) -> gpd.GeoDataFrame:
    ac = cover.T.tocsr()
    covered = np.zeros(cover.shape[0], dtype=bool)
    kind = layout.demand_kind[open_idx]
    label = layout.demand_label[open_idx]
    records = []
    cum_gain = cum_cost = 0.0
    for rank, (c, g) in enumerate(zip(solution.chosen, solution.gains, strict=True), start=1):
        rows = ac.indices[ac.indptr[c] : ac.indptr[c + 1]]
        new = rows[~covered[rows]]
        covered[rows] = True
        n_inc = int((kind[new] == DEMAND_INCIDENT).sum())
        n_cell = int((kind[new] == DEMAND_HOTSPOT).sum())
        names = sorted(str(s) for s in label[new][kind[new] == DEMAND_SITE])
        cost = float(layout.candidate_cost[c])
        cum_gain += float(g)
        cum_cost += cost
        action = REPAIR if layout.candidate_kind[c] == REPAIR else NEW
        share = (seen_w + cum_gain) / total_w if total_w else float("nan")
        why = _placement_why(
            layout.candidate_label[c], action == REPAIR, n_inc, n_cell, names,
            float(layout.candidate_radius[c]), float(g), share, cum_cost,
        )  # fmt: skip
        records.append(
            {
                ORDER: rank, ACTION: action, CANDIDATE_KIND: layout.candidate_kind[c],
                LABEL: layout.candidate_label[c], CAMERA_ID: layout.candidate_camera[c],
                THANA: None, COST: cost, VIEW_RADIUS_M: float(layout.candidate_radius[c]),
                MARGINAL_GAIN: round(float(g), 4), CUMULATIVE_GAIN: round(cum_gain, 4),
                CUMULATIVE_COST: round(cum_cost, 4), CUMULATIVE_SHARE: round(share, 4),
                INCIDENTS_GAINED: n_inc, HOTSPOT_CELLS_GAINED: n_cell,
                SITES_GAINED: len(names), SITE_NAMES: "; ".join(names), WHY: why,
            }
        )  # fmt: skip
    xy = layout.candidate_xy[solution.chosen] if len(solution.chosen) else np.empty((0, 2))
    geoms = gpd.GeoSeries(shapely.points(xy) if len(xy) else [], crs=crs).to_crs(WGS84)
    frame = gpd.GeoDataFrame(
        records or {c: [] for c in PLACEMENT_COLUMNS}, geometry=geoms.to_numpy(), crs=WGS84
    )
    if len(frame) and thanas is not None and len(thanas):
        from geo.thanas import assign_thanas

        frame[THANA] = assign_thanas(frame, thanas)[THANA].to_numpy()
    return frame[[*PLACEMENT_COLUMNS, "geometry"]]


def _placement_why(
    label: str, repair: bool, n_inc: int, n_cell: int, names: list[str], radius_m: float,
    gain: float, share: float, cum_cost: float,
) -> str:  # fmt: skip
    """Return why a camera is proposed: what it would newly see, its gain and the running share."""
    what = []
    if n_inc:
        text = ngettext("{n} incident", "{n} incidents", n_inc)
        what.append(text.format(n=format_int(n_inc)))
    if n_cell:
        text = ngettext("{n} hotspot cell", "{n} hotspot cells", n_cell)
        what.append(text.format(n=format_int(n_cell)))
    if names:
        shown = "; ".join(names[:3]) + ("; …" if len(names) > 3 else "")
        # TRANSLATORS: {names} are the names of the sites, separated by "; ".
        text = ngettext("{n} site ({names})", "{n} sites ({names})", len(names))
        what.append(text.format(n=format_int(len(names)), names=shown))
    # TRANSLATORS: {label} is a place such as "entrance of St. Mary's School".
    where = label if repair else _("new camera at the {label}").format(label=label)
    # TRANSLATORS: {what} lists what the camera would see ("3 incidents, 1 site (...)"),
    # {radius} is its view radius in metres, {gain} a score, {share} a percentage, {cost} a number.
    text = _(
        "{where}: would see {what} that no working camera sees ({radius} m view); gain {gain}, "
        "cumulative {share} of the demand seen at cost {cost}"
    )
    return text.format(
        where=where,
        what=", ".join(what) or _("nothing new"),
        radius=f"{radius_m:g}",
        gain=f"{gain:.1f}",
        share=format_percent(share),
        cost=f"{cum_cost:g}",
    )
