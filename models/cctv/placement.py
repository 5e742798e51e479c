"""Camera placement: maximal-covering MILP (HiGHS) over weighted demand, with a greedy fallback."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Required, TypedDict, Unpack

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from geo.crs import WGS84, metric_crs_for
from geo.errors import ParameterError
from geo.i18n import NP_, _, counted, format_percent, pgettext
from geo.schema import NAME, THANA, VIEW_RADIUS_M
from models.arrays import BoolArray, IntArray
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
from models.cctv.forecast_demand import DemandForecast, with_forecast_why
from models.cctv.gaps import (
    CAMERA_ID,
    DEFAULT_VIEW_RADIUS_M,
    WHY,
    CameraRegistry,
    clean_registry,
    covering_pairs,
    recent_incidents,
    reference_of,
)
from models.cctv.layout import (
    APPROACH,
    APPROACH_RADIUS_M,
    APPROACH_STEPS,
    CANDIDATE_KINDS,
    DEMAND_HOTSPOT,
    DEMAND_INCIDENT,
    DEMAND_SITE,
    DEMAND_WEIGHTS,
    HOTSPOT_CELL,
    HOTSPOT_CELL_M,
    NEW_CAMERA_RADIUS_M,
    NEW_COST,
    REPAIR,
    REPAIR_COST,
    SITE_ENTRANCE,
    Layout,
    build_layout,
    hotspot_cells,
)
from models.checks import check_metres
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
    "PlacementOptions",
    "PlacementParams",
    "Solution",
    "action_name",
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


# ---- actions ----
NEW: Final = "new"
#: (the action of a repair candidate is :data:`REPAIR`)
ACTIONS: Final = (NEW, REPAIR)
#: What a proposed camera is, as people read it (marked for translation).
_ACTION_NAMES: Final = (NP_("camera action", "new"), NP_("camera action", "repair"))


def action_name(action: object) -> str:
    """Return a proposed camera's action (``new`` / ``repair``) in the current language.

    Examples
    --------
    >>> action_name(NEW), action_name("something else")
    ('new', 'something else')
    """
    return pgettext("camera action", str(action))


# ---- output columns ----
ORDER: Final = "order"
ACTION: Final = "action"
CANDIDATE_KIND: Final = "candidate_kind"
LABEL: Final = "label"
COST: Final = "cost"
MARGINAL_GAIN: Final = "marginal_gain"
CUMULATIVE_GAIN: Final = "cumulative_gain"
CUMULATIVE_COST: Final = "cumulative_cost"
#: Share of all demand weight in scope seen once this and every earlier camera are in place.
CUMULATIVE_SHARE: Final = "cumulative_share"
INCIDENTS_GAINED: Final = "incidents_gained"
HOTSPOT_CELLS_GAINED: Final = "hotspot_cells_gained"
SITES_GAINED: Final = "sites_gained"
SITE_NAMES: Final = "site_names"
PLACEMENT_COLUMNS: Final = (
    ORDER, ACTION, CANDIDATE_KIND, LABEL, CAMERA_ID, THANA, COST, VIEW_RADIUS_M, MARGINAL_GAIN,
    CUMULATIVE_GAIN, CUMULATIVE_COST, CUMULATIVE_SHARE, INCIDENTS_GAINED, HOTSPOT_CELLS_GAINED,
    SITES_GAINED, SITE_NAMES, WHY,
)  # fmt: skip

#: Key of ``GeoDataFrame.attrs`` with the summary of a placement.
PLACEMENT_ATTR: Final = "shakti_placement"


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
    forecast: DemandForecast | None = None

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


class PlacementOptions(TypedDict, total=False):
    """The keywords of a placement: the fields of :class:`PlacementParams` (with the defaults).

    :func:`place_cameras` takes them one by one; their meaning is in its docstring.
    """

    k: Required[int]
    budget: float | None
    thana: str | None
    metric_crs: str | None
    days: int | None
    reference_time: pd.Timestamp | str | None
    weights: Mapping[str, float] | None
    new_cost: float
    repair_cost: float
    new_radius_m: float
    approach_radius_m: float
    cell_m: float
    default_radius_m: float
    site_extent_m: Mapping[str, float] | None
    method: Method
    time_limit_s: float
    forecast: DemandForecast | None


def place_cameras(
    sites: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    *,
    incidents: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    thanas: gpd.GeoDataFrame | None = None,
    **params: Unpack[PlacementOptions],
) -> Placement:
    """Recommend up to ``k`` cameras (new or repaired) that see the most weighted demand.

    Working cameras are held fixed: demand they already see counts for nothing. Repairs of
    faulty or unchecked cameras compete with new cameras at their (lower) cost. Solved by
    :func:`solve` on the layout of :func:`build_layout`. The keywords other than the layers
    are :class:`PlacementParams` fields (:class:`PlacementOptions`), with its defaults.

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
    forecast : models.cctv.forecast_demand.DemandForecast, optional
        Next period's risk: weights incident and hotspot-cell demand (see
        :func:`models.cctv.layout.build_layout`) and each camera's ``why`` ends with its
        cell's expected incidents. Default: none (the plan as without a forecast).

    Returns
    -------
    Placement

    Raises
    ------
    geo.errors.ParameterError
        For bad parameters or a thana not in ``thanas``.
    """
    config = PlacementParams(**params)
    return place_cameras_with(
        sites, cctv, config, incidents=incidents, hotspots=hotspots, thanas=thanas
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
        site_extent_m=p.site_extent_m, forecast=p.forecast,
    )  # fmt: skip
    # Demand already seen by a working camera is held fixed (it counts for nothing).
    seen, open_idx, cover = _open_demand(layout, registry)
    problem = make_problem(layout.demand_weight[open_idx], cover, layout.candidate_cost)
    solution = solve(problem, k=p.k, budget=p.budget, method=p.method, time_limit_s=p.time_limit_s)
    total_w = float(layout.demand_weight.sum())
    seen_w = float(layout.demand_weight[seen].sum())
    cameras = _cameras(layout, cover, open_idx, solution, registry, thanas, crs, total_w, seen_w)
    if p.forecast is not None:
        cameras = with_forecast_why(cameras, p.forecast, WHY, crs)
    notes = list(registry.defaults_used) + list(solution.notes)
    if total_w == 0:
        notes.append(_("nothing to cover: no incidents, hotspots or sites in scope"))
    summary = _summary(p, layout, solution, cameras, seen, open_idx, cover, crs)
    if p.forecast is not None:
        summary["forecast_weighted"] = p.forecast.weigh
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
        what.append(counted(n_inc, "{n} incident", "{n} incidents"))
    if n_cell:
        what.append(counted(n_cell, "{n} hotspot cell", "{n} hotspot cells"))
    if names:
        shown = "; ".join(names[:3]) + ("; …" if len(names) > 3 else "")
        # TRANSLATORS: {names} are the names of the sites, separated by "; ".
        what.append(counted(len(names), "{n} site ({names})", "{n} sites ({names})", names=shown))
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
