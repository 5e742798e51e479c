"""Maximal covering: the problem, its reduction, greedy, the LP bound and the exact MILP."""

from __future__ import annotations

import heapq
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from geo.errors import ParameterError
from models.arrays import FloatArray, IntArray

logger = logging.getLogger(__name__)

Method: TypeAlias = Literal["auto", "milp", "greedy"]

# ---- methods ----
AUTO: Final = "auto"
MILP: Final = "milp"
GREEDY: Final = "greedy"
METHODS: Final = (AUTO, MILP, GREEDY)

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


def check_limits(k: int, budget: float | None) -> tuple[int, float | None]:
    """Return ``k`` (cameras, ≥ 0) and ``budget`` (≥ 0 or ``None``) after checking them."""
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
    k, budget = check_limits(k, budget)
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
