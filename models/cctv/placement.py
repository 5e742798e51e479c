"""Camera placement: maximal-covering MILP (HiGHS) over weighted demand, with a greedy fallback."""

from __future__ import annotations

import heapq
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from geo.crs import WGS84, metric_coordinates, metric_crs_for
from geo.errors import ParameterError
from geo.schema import KIND, NAME, STATUS, THANA
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
from models.hotspots import HOTSPOT_ID

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Method: TypeAlias = Literal["auto", "milp", "greedy"]

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
# ---- methods ----
AUTO: Final = "auto"
MILP: Final = "milp"
GREEDY: Final = "greedy"
METHODS: Final = (AUTO, MILP, GREEDY)

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
_BEARINGS: Final = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
#: Above this many nonzeros (demand × candidate pairs after reduction) ``auto`` uses greedy.
EXACT_MAX_NONZEROS: Final = 2_000_000
#: Above this many candidates (after reduction) ``auto`` uses greedy.
EXACT_MAX_CANDIDATES: Final = 50_000
#: Time limit of one MILP solve; past it the best of the MILP's incumbent and greedy is used
#: with the solver's bound (45 s leaves room for greedy and the LP bound within a minute).
TIME_LIMIT_S: Final = 45.0
#: Relative MILP gap at which HiGHS stops (its default; the gap reached is reported). With
#: integer weights and a covered weight below 10,000 this is the exact optimum.
MIP_REL_GAP: Final = 1e-4
#: Key of ``GeoDataFrame.attrs`` with the summary of a placement.
PLACEMENT_ATTR: Final = "shakti_placement"


# --------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class CoverageProblem:
    """A maximal-covering problem: weighted demand, candidate sites, who covers whom.

    Attributes
    ----------
    weights : numpy.ndarray
        ``(n_demand,)`` non-negative demand weights.
    cover : scipy.sparse.csr_matrix
        ``(n_demand, n_candidates)``; 1 where the candidate covers the demand point.
    cost : numpy.ndarray
        ``(n_candidates,)`` positive costs.
    """

    weights: FloatArray
    cover: sp.csr_matrix
    cost: FloatArray

    @property
    def n_demand(self) -> int:
        """Return the number of demand points."""
        return int(self.cover.shape[0])

    @property
    def n_candidates(self) -> int:
        """Return the number of candidates."""
        return int(self.cover.shape[1])

    def value(self, chosen: Sequence[int] | IntArray) -> float:
        """Return the demand weight covered by the ``chosen`` candidates."""
        idx = np.asarray(chosen, dtype=np.int64)
        if idx.size == 0:
            return 0.0
        hit = np.asarray(self.cover[:, idx].sum(axis=1)).ravel() > 0
        return float(self.weights[hit].sum())


def make_problem(
    weights: npt.ArrayLike, cover: sp.spmatrix | npt.ArrayLike, cost: npt.ArrayLike
) -> CoverageProblem:
    """Return a checked :class:`CoverageProblem`.

    Parameters
    ----------
    weights : array-like
        Demand weights (finite, ≥ 0).
    cover : sparse matrix or array-like
        ``(n_demand, n_candidates)`` coverage (nonzero = covers).
    cost : array-like
        Candidate costs (finite, > 0).

    Returns
    -------
    CoverageProblem

    Raises
    ------
    geo.errors.ParameterError
        For shapes that do not match, negative weights or non-positive costs.
    """
    w = np.asarray(weights, dtype=float).ravel()
    c = np.asarray(cost, dtype=float).ravel()
    a = sp.csr_matrix(cover, dtype=float)
    a.data[:] = 1.0
    a.eliminate_zeros()
    if a.shape != (w.size, c.size):
        raise ParameterError(
            f"the coverage matrix is {a.shape[0]}×{a.shape[1]}, but there are {w.size} demand "
            f"weights and {c.size} costs",
            fix="pass one weight per row and one cost per column",
        )
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise ParameterError("demand weights must be finite and ≥ 0", fix="check the weights")
    if not np.all(np.isfinite(c)) or (c <= 0).any():
        raise ParameterError("candidate costs must be finite and > 0", fix="check the costs")
    return CoverageProblem(w, a, c)


@dataclass(frozen=True)
class Solution:
    """A solved placement, in the order of marginal gain.

    Attributes
    ----------
    chosen : numpy.ndarray
        Candidate indices, in the order of marginal gain (each the best next addition).
    gains : numpy.ndarray
        The marginal gain of each, in that order.
    value : float
        Covered demand weight.
    bound : float
        An upper bound on the optimum (the optimum itself when exact).
    method : str
        ``milp`` or ``greedy``.
    optimal : bool
        Whether ``value`` is proven optimal (within ``mip_rel_gap``).
    solve_s : float
        Wall time of the solve (reduction included).
    notes : tuple of str
    """

    chosen: IntArray
    gains: FloatArray
    value: float
    bound: float
    method: str
    optimal: bool
    solve_s: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gap(self) -> float:
        """Return the relative optimality gap ``(bound − value) / bound`` (0 when exact)."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.value) / self.bound)


def _check_limits(k: int, budget: float | None) -> tuple[int, float | None]:
    if isinstance(k, bool) or int(k) != k or k < 0:
        raise ParameterError(f"k must be a whole number ≥ 0, got {k!r}", fix="use e.g. --k 5")
    if budget is not None and (not math.isfinite(float(budget)) or budget < 0):
        raise ParameterError(
            f"budget must be a number ≥ 0, got {budget!r}",
            fix="give the budget in new-camera equivalents, e.g. --budget 4.5",
        )
    return int(k), None if budget is None else float(budget)


@dataclass(frozen=True)
class _Reduced:
    problem: CoverageProblem
    candidates: IntArray  # original index of each kept candidate


def reduce_problem(problem: CoverageProblem) -> _Reduced:
    """Return an equivalent smaller problem (same optimum and optimal value).

    Drops demand no candidate covers and merges demand points covered by exactly the same
    candidates (summing weights); drops candidates that cover nothing and candidates dominated
    by another that covers a superset at no higher cost (ties: the lower index stays).

    Parameters
    ----------
    problem : CoverageProblem

    Returns
    -------
    _Reduced
    """
    a = problem.cover
    w = problem.weights
    keep = (np.diff(a.indptr) > 0) & (w > 0)
    a = a[keep]
    w = w[keep]
    a.sort_indices()
    # Identical rows: hash each row's column list (bytes of a sorted int array).
    groups: dict[bytes, int] = {}
    gid = np.empty(a.shape[0], dtype=np.int64)
    for i in range(a.shape[0]):
        key = a.indices[a.indptr[i] : a.indptr[i + 1]].tobytes()
        gid[i] = groups.setdefault(key, len(groups))
    first = np.full(len(groups), -1, dtype=np.int64)
    first[gid[::-1]] = np.arange(a.shape[0])[::-1]
    weights = np.bincount(gid, weights=w, minlength=len(groups)).astype(np.float64)
    a = a[first] if len(groups) else a[:0]
    cost = problem.cost
    ac = a.T.tocsr()
    size = np.diff(ac.indptr)
    alive = size > 0
    overlap = (ac @ ac.T).tocoo()
    i, j, v = overlap.row, overlap.col, overlap.data
    sub = (i != j) & (np.rint(v).astype(np.int64) == size[i]) & (cost[j] <= cost[i])
    i, j = i[sub], j[sub]
    strictly = (size[j] > size[i]) | (cost[j] < cost[i]) | (j < i)
    alive[i[strictly]] = False
    kept = np.flatnonzero(alive)
    reduced = CoverageProblem(weights, a[:, kept].tocsr(), cost[kept])
    return _Reduced(reduced, kept)


def greedy_order(
    problem: CoverageProblem, chosen: Sequence[int] | IntArray
) -> tuple[IntArray, FloatArray]:
    """Order ``chosen`` by marginal gain: each next camera adds the most of those left.

    Parameters
    ----------
    problem : CoverageProblem
    chosen : sequence of int

    Returns
    -------
    order : numpy.ndarray
        The chosen indices in that order (those adding nothing last, by cost).
    gains : numpy.ndarray
    """
    left = [int(c) for c in chosen]
    ac = problem.cover.T.tocsr()
    covered = np.zeros(problem.n_demand, dtype=bool)
    order: list[int] = []
    gains: list[float] = []
    while left:
        best, best_gain = left[0], -1.0
        for c in left:
            rows = ac.indices[ac.indptr[c] : ac.indptr[c + 1]]
            gain = float(problem.weights[rows[~covered[rows]]].sum())
            better = gain > best_gain + 1e-12
            tie = abs(gain - best_gain) <= 1e-12 and (problem.cost[c], c) < (
                problem.cost[best],
                best,
            )
            if better or tie:
                best, best_gain = c, gain
        rows = ac.indices[ac.indptr[best] : ac.indptr[best + 1]]
        covered[rows] = True
        order.append(best)
        gains.append(best_gain)
        left.remove(best)
    return np.asarray(order, dtype=np.int64), np.asarray(gains, dtype=float)


def greedy(
    problem: CoverageProblem, k: int, budget: float | None = None, *, ratio: bool = False
) -> tuple[IntArray, FloatArray]:
    """Pick up to ``k`` candidates greedily by marginal gain (lazy evaluation, CELF).

    Marginal gains only shrink as coverage grows (the objective is submodular), so a stale
    gain on the heap is an upper bound and is recomputed only when it reaches the top
    (Leskovec et al. 2007) — written by hand because no maintained library does lazy greedy
    on a sparse coverage matrix. Without a budget this is within ``1 − 1/e`` of the optimum.

    Parameters
    ----------
    problem : CoverageProblem
    k : int
    budget : float, optional
        Total cost allowed; candidates that no longer fit are skipped.
    ratio : bool
        Rank by gain per unit cost instead of gain (for budgets).

    Returns
    -------
    chosen, gains : numpy.ndarray
        In the order picked.
    """
    ac = problem.cover.T.tocsr()
    w = problem.weights
    covered = np.zeros(problem.n_demand, dtype=bool)

    def gain(c: int) -> float:
        rows = ac.indices[ac.indptr[c] : ac.indptr[c + 1]]
        return float(w[rows[~covered[rows]]].sum())

    def key(c: int, g: float) -> float:
        return g / problem.cost[c] if ratio else g

    heap = [(-key(c, gain(c)), float(problem.cost[c]), c) for c in range(problem.n_candidates)]
    heapq.heapify(heap)
    spent = 0.0
    chosen: list[int] = []
    gains: list[float] = []
    fresh = np.zeros(problem.n_candidates, dtype=np.int64)  # round at which a gain was computed
    while heap and len(chosen) < k:
        _, cost, c = heapq.heappop(heap)
        if budget is not None and spent + cost > budget + 1e-9:
            continue
        if fresh[c] != len(chosen):
            fresh[c] = len(chosen)
            heapq.heappush(heap, (-key(c, gain(c)), cost, c))
            continue
        g = gain(c)
        if g <= 0:
            break
        rows = ac.indices[ac.indptr[c] : ac.indptr[c + 1]]
        covered[rows] = True
        chosen.append(c)
        gains.append(g)
        spent += cost
    return np.asarray(chosen, dtype=np.int64), np.asarray(gains, dtype=float)


def _matrices(problem: CoverageProblem, k: int, budget: float | None) -> dict[str, Any]:
    nc, nd = problem.n_candidates, problem.n_demand
    link = sp.hstack([-problem.cover, sp.identity(nd, format="csr")], format="csr")
    rows = [sp.hstack([sp.csr_matrix(np.ones((1, nc))), sp.csr_matrix((1, nd))], format="csr")]
    upper = [float(k)]
    if budget is not None:
        rows.append(
            sp.hstack([sp.csr_matrix(problem.cost[None, :]), sp.csr_matrix((1, nd))], format="csr")
        )
        upper.append(budget)
    limits = sp.vstack(rows, format="csr")
    # A tiny cost term breaks ties between equal coverages in favour of the cheaper plan; it
    # is far below any demand weight, so it never trades coverage for cost.
    w_min = float(problem.weights[problem.weights > 0].min()) if nd else 1.0
    eps = 1e-6 * w_min / max(1.0, float(np.sort(problem.cost)[::-1][: max(k, 1)].sum()))
    c = np.concatenate([eps * problem.cost, -problem.weights])
    return {"c": c, "link": link, "limits": limits, "upper": np.asarray(upper), "nc": nc}


def lp_bound(problem: CoverageProblem, k: int, budget: float | None = None) -> float:
    """Return the LP-relaxation optimum: an upper bound on the covered weight.

    Parameters
    ----------
    problem : CoverageProblem
    k : int
    budget : float, optional

    Returns
    -------
    float
    """
    if problem.n_demand == 0 or problem.n_candidates == 0 or k == 0:
        return 0.0
    m = _matrices(problem, k, budget)
    a = sp.vstack([m["link"], m["limits"]], format="csr")
    b = np.concatenate([np.zeros(problem.n_demand), m["upper"]])
    c = np.concatenate([np.zeros(m["nc"]), -problem.weights])
    res = linprog(c, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    if res.status != 0:
        return float(problem.weights.sum())
    return float(-res.fun)


def _online_bound(problem: CoverageProblem, chosen: IntArray, k: int) -> float:
    """Return f(S) + the sum of the k largest marginal gains w.r.t. S (Leskovec 2007)."""
    covered = np.zeros(problem.n_demand, dtype=bool)
    ac = problem.cover.T.tocsr()
    for c in chosen:
        covered[ac.indices[ac.indptr[c] : ac.indptr[c + 1]]] = True
    open_w = np.where(covered, 0.0, problem.weights)
    gains = np.asarray(ac @ open_w).ravel()
    top = np.sort(gains)[::-1][:k].sum() if gains.size else 0.0
    return float(problem.weights[covered].sum() + top)


def _solve_milp(
    problem: CoverageProblem,
    k: int,
    budget: float | None,
    *,
    time_limit_s: float,
    mip_rel_gap: float,
) -> tuple[IntArray | None, float, bool, str]:
    m = _matrices(problem, k, budget)
    nc, nd = m["nc"], problem.n_demand
    integrality = np.concatenate([np.ones(nc), np.zeros(nd)])
    res = milp(
        m["c"],
        integrality=integrality,
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(m["link"], -np.inf, 0.0),
            LinearConstraint(m["limits"], -np.inf, m["upper"]),
        ],
        options={"time_limit": float(time_limit_s), "mip_rel_gap": float(mip_rel_gap)},
    )
    if res.x is None:
        return None, float(problem.weights.sum()), False, str(res.message)
    chosen = np.flatnonzero(res.x[:nc] > 0.5).astype(np.int64)
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(-dual) if dual is not None and np.isfinite(dual) else float("nan")
    return chosen, bound, res.status == 0, str(res.message)


def solve(
    problem: CoverageProblem,
    *,
    k: int,
    budget: float | None = None,
    method: Method = "auto",
    time_limit_s: float = TIME_LIMIT_S,
    mip_rel_gap: float = MIP_REL_GAP,
    max_exact_nonzeros: int = EXACT_MAX_NONZEROS,
    max_exact_candidates: int = EXACT_MAX_CANDIDATES,
) -> Solution:
    """Choose at most ``k`` candidates (cost ≤ ``budget``) covering the most demand weight.

    The maximal-covering location problem (Church & ReVelle 1974) as a MILP solved by HiGHS
    (``scipy.optimize.milp``): binary ``x_j`` per candidate, ``0 ≤ y_i ≤ 1`` per demand
    point, maximise ``Σ w_i y_i`` subject to ``y_i ≤ Σ_{j covers i} x_j``, ``Σ x_j ≤ k`` and
    ``Σ c_j x_j ≤ budget``; ties go to the cheaper plan. The problem is first reduced
    (:func:`reduce_problem`). ``auto`` uses greedy (:func:`greedy`) above
    ``max_exact_nonzeros`` / ``max_exact_candidates`` and then reports the gap against the
    better of the LP-relaxation bound and greedy's own online bound; when the MILP stops at
    its time limit, the better of its incumbent and greedy is used with the solver's bound.

    Parameters
    ----------
    problem : CoverageProblem
    k : int
        Most candidates chosen.
    budget : float, optional
        Most total cost.
    method : {"auto", "milp", "greedy"}
    time_limit_s : float
    mip_rel_gap : float
    max_exact_nonzeros, max_exact_candidates : int

    Returns
    -------
    Solution
        Chosen candidates (original indices) in the order of marginal gain.

    Raises
    ------
    geo.errors.ParameterError
        For a bad ``k``, ``budget`` or ``method``.
    """
    k, budget = _check_limits(k, budget)
    if method not in METHODS:
        raise ParameterError(f"unknown method {method!r}", fix="use auto, milp or greedy")
    t0 = time.perf_counter()
    red = reduce_problem(problem)
    p = red.problem
    notes = [
        f"reduced to {p.n_demand:,} distinct demand groups × {p.n_candidates:,} candidates "
        f"({p.cover.nnz:,} coverage pairs) from {problem.n_demand:,} × {problem.n_candidates:,}"
    ]
    if p.n_demand == 0 or p.n_candidates == 0 or k == 0:
        return Solution(
            np.empty(0, dtype=np.int64), np.empty(0), 0.0, 0.0, MILP, True,
            time.perf_counter() - t0, tuple(notes),
        )  # fmt: skip
    big = p.cover.nnz > max_exact_nonzeros or p.n_candidates > max_exact_candidates
    use_milp = method == MILP or (method == AUTO and not big)
    chosen: IntArray | None = None
    optimal = False
    bound = float("nan")
    used = MILP
    if use_milp:
        chosen, bound, optimal, message = _solve_milp(
            p, k, budget, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap
        )
        if not optimal:
            notes.append(f"the MILP stopped early ({message})")
    elif method == AUTO:
        notes.append(
            f"greedy fallback: {p.cover.nnz:,} coverage pairs / {p.n_candidates:,} candidates "
            f"exceed the exact limits ({max_exact_nonzeros:,} / {max_exact_candidates:,})"
        )
    if chosen is None or not optimal:
        g_chosen, _ = greedy(p, k, budget)
        if budget is not None:  # gain per cost often does better under a budget
            r_chosen, _ = greedy(p, k, budget, ratio=True)
            if p.value(r_chosen) > p.value(g_chosen):
                g_chosen = r_chosen
        if chosen is None or p.value(g_chosen) > p.value(chosen):
            if chosen is not None:
                notes.append("greedy beat the MILP's incumbent")
            chosen, used = g_chosen, GREEDY
        bounds = [lp_bound(p, k, budget)]
        if budget is None:
            bounds.append(_online_bound(p, g_chosen, k))
        if np.isfinite(bound):
            bounds.append(bound)
        bound = min(bounds)
    order, gains = greedy_order(p, chosen)
    keep = gains > 0
    order, gains = order[keep], gains[keep]
    value = float(gains.sum())
    if optimal and not np.isfinite(bound):
        bound = value
    solution = Solution(
        red.candidates[order], gains, value, max(bound, value), used, optimal,
        time.perf_counter() - t0, tuple(notes),
    )  # fmt: skip
    logger.info(
        "placement (%s): %d cameras, value %.1f, gap %.4f, %.2f s",
        used, len(order), value, solution.gap, solution.solve_s,
    )  # fmt: skip
    return solution


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
        ixy, _ = metric_coordinates(incidents, crs, what="incidents")
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
    clab += [f"cell of hotspot {h}" for h in hid]
    if sites is not None and len(sites):
        sxy, _ = metric_coordinates(sites, crs, what="sites")
        ok = _inside(sxy, area)
        sxy = sxy[ok]
        chosen = sites[ok]
        names = chosen[NAME].astype("string").fillna("site").to_numpy(dtype=object)
        kinds = (
            chosen[KIND].astype("string").fillna("").to_numpy(dtype=object)
            if KIND in chosen.columns
            else np.full(len(chosen), "", dtype=object)
        )
        prio = np.asarray([KIND_PRIORITY.get(str(k), KIND_PRIORITY["other"]) for k in kinds])
        dxy.append(sxy)
        dkind += [DEMAND_SITE] * len(sxy)
        dw.append(float(weights[DEMAND_SITE]) * prio)
        dext.append(site_extents(chosen, site_extent_m))
        dlab += [str(n) for n in names]
        cxy.append(sxy)
        ckind += [SITE_ENTRANCE] * len(sxy)
        clab += [f"entrance of {n}" for n in names]
        angles = np.deg2rad(90.0 - 45.0 * np.arange(8))  # N, NE, E, ... clockwise from north
        for step in APPROACH_STEPS:
            r = approach_radius_m * step
            for b, a in zip(_BEARINGS, angles, strict=True):
                pts = sxy + r * np.array([np.cos(a), np.sin(a)])
                keep = _inside(pts, area)
                cxy.append(pts[keep])
                ckind += [APPROACH] * int(keep.sum())
                clab += [f"approach to {n} ({b}, {r:g} m)" for n in names[keep]]
    n_new = sum(len(x) for x in cxy)
    cost = [np.full(n_new, float(new_cost))]
    radius = [np.full(n_new, float(new_radius_m))]
    camera: list[Any] = [None] * n_new
    broken = ~registry.working
    if broken.any():
        bxy = registry.xy[broken]
        keep = _inside(bxy, area)
        cams = registry.cameras[broken][keep]
        cxy.append(bxy[keep])
        ckind += [REPAIR] * len(cams)
        clab += [
            f"repair faulty camera {c}" if s == FAULTY else f"check and repair camera {c} ({s})"
            for c, s in zip(cams[CAMERA_ID], cams[STATUS], strict=True)
        ]
        cost.append(np.full(len(cams), float(repair_cost)))
        radius.append(registry.radius_m[broken][keep])
        camera += [str(c) for c in cams[CAMERA_ID]]
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
    k, budget = _check_limits(k, budget)
    for value, what in ((new_cost, "new_cost"), (repair_cost, "repair_cost")):
        if not math.isfinite(float(value)) or value <= 0:
            raise ParameterError(f"{what} must be > 0, got {value!r}", fix="use e.g. 1 and 0.3")
    for value, what in (
        (new_radius_m, "new_radius_m"), (approach_radius_m, "approach_radius_m"),
        (cell_m, "cell_m"),
    ):  # fmt: skip
        if not math.isfinite(float(value)) or value <= 0:
            raise ParameterError(f"{what} must be a positive number of metres, got {value!r}")
    w = dict(DEMAND_WEIGHTS)
    w.update(weights or {})
    unknown = set(w) - set(DEMAND_WEIGHTS)
    if unknown or any(not math.isfinite(v) or v < 0 for v in w.values()):
        raise ParameterError(
            f"bad demand weights {w!r}",
            fix="give weights ≥ 0 for " + ", ".join(DEMAND_WEIGHTS),
        )
    layers = [x for x in (sites, incidents, cctv) if x is not None and len(x)]
    crs = (
        metric_crs_for(layers[0], metric_crs).to_string()
        if layers
        else (metric_crs or "EPSG:32644")  # nominal: no layer has anything to project
    )
    area = None
    if thana is not None:
        if thanas is None or thanas.empty or thana not in set(thanas[NAME].astype(str)):
            raise ParameterError(
                f"thana {thana!r} is not in the thana layer",
                fix="spell the thana exactly as the thana layer does (see `shakti layers`)",
            )
        area = thanas[thanas[NAME].astype(str) == thana].to_crs(crs).union_all()
    registry = clean_registry(
        cctv, thanas=thanas, metric_crs=crs, default_radius_m=default_radius_m
    )
    chosen_incidents = incidents
    if days is not None and incidents is not None and len(incidents):
        ref = reference_of(incidents, reference_time)
        chosen_incidents = recent_incidents(incidents, ref, days)
    layout = build_layout(
        sites, registry, incidents=chosen_incidents, hotspots=hotspots, crs=crs, area=area,
        weights=w, new_cost=new_cost, repair_cost=repair_cost, new_radius_m=new_radius_m,
        approach_radius_m=approach_radius_m, cell_m=cell_m, site_extent_m=site_extent_m,
    )  # fmt: skip
    # Demand already seen by a working camera is held fixed (it counts for nothing).
    ok = registry.working
    seen_t, _, _ = covering_pairs(
        layout.demand_xy, registry.xy[ok], registry.radius_m[ok], layout.demand_extent
    )
    seen = np.zeros(len(layout.demand_xy), dtype=bool)
    seen[seen_t] = True
    open_idx = np.flatnonzero(~seen)
    tgt, cand, _ = covering_pairs(
        layout.demand_xy[open_idx], layout.candidate_xy, layout.candidate_radius,
        layout.demand_extent[open_idx],
    )  # fmt: skip
    cover = sp.csr_matrix(
        (np.ones(len(tgt)), (tgt, cand)), shape=(len(open_idx), len(layout.candidate_xy))
    )
    problem = make_problem(layout.demand_weight[open_idx], cover, layout.candidate_cost)
    solution = solve(problem, k=k, budget=budget, method=method, time_limit_s=time_limit_s)
    coverable = np.asarray(cover.sum(axis=1)).ravel() > 0
    total_w = float(layout.demand_weight.sum())
    seen_w = float(layout.demand_weight[seen].sum())
    cameras = _cameras(layout, cover, open_idx, solution, registry, thanas, crs, total_w, seen_w)
    counts = {kind: int((layout.demand_kind == kind).sum()) for kind in DEMAND_WEIGHTS}
    cand_counts = {kind: int((layout.candidate_kind == kind).sum()) for kind in CANDIDATE_KINDS}
    notes = list(registry.defaults_used) + list(solution.notes)
    if total_w == 0:
        notes.append("nothing to cover: no incidents, hotspots or sites in scope")
    summary = {
        "thana": thana,
        "k": k,
        "budget": budget,
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
        "weights": w,
        "new_cost": new_cost,
        "repair_cost": repair_cost,
        "new_radius_m": new_radius_m,
        "approach_radius_m": approach_radius_m,
        "cell_m": cell_m,
        "metric_crs": crs,
    }
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
        what = [f"{n_inc} incident{'s' if n_inc != 1 else ''}"] if n_inc else []
        if n_cell:
            what.append(f"{n_cell} hotspot cell{'s' if n_cell != 1 else ''}")
        if names:
            what.append(
                f"{len(names)} site{'s' if len(names) != 1 else ''} ("
                + "; ".join(names[:3])
                + ("; …" if len(names) > 3 else "")
                + ")"
            )
        share = (seen_w + cum_gain) / total_w if total_w else float("nan")
        where = (
            layout.candidate_label[c]
            if action == REPAIR
            else f"new camera at the {layout.candidate_label[c]}"
        )
        why = (
            f"{where}: would see {', '.join(what) or 'nothing new'} that no working camera "
            f"sees ({layout.candidate_radius[c]:g} m view); gain {g:.1f}, cumulative "
            f"{share:.0%} of the demand seen at cost {cum_cost:g}"
        )
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
