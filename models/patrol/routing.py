"""Team orienteering with time windows: choose and order stops per team with OR-Tools routing."""

# Model
# -----
# Nodes 0..V-1 are the teams' depots (team v starts and ends at node v); the other nodes are
# *slots*: a place in one arrival window. Each slot is optional (an OR-Tools disjunction whose
# penalty is its prize, i.e. its risk at that time), so minimising travel + penalties maximises
# the risk covered first (prizes are scaled far above travel seconds) and the travel second.
# A "time" dimension carries travel + dwell with waiting allowed; every slot's cumul (arrival)
# lies in its window and every team's route within its shift. Two visits to the same place are
# at least ``revisit_s`` apart, whichever teams make them (linear constraints on the cumuls
# and active variables, big-M on "both visited"). Must-visit groups are one disjunction over
# all slots of the place with a very large penalty.
#
# Determinism: the search never stops on the clock alone. By default greedy descent from a
# cheapest-insertion start runs until no move improves (a local optimum, reached in ~0.1 s for
# a thana); with ``solution_limit`` guided local search stops after that many solutions. So the
# same problem gives the same routes; a safety time limit is kept, and when it is hit the
# result says so (it may then differ between runs).

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from ortools.constraint_solver import (  # type: ignore[import-untyped]
    pywrapcp as _pywrapcp,
)
from ortools.constraint_solver import routing_enums_pb2 as _enums

from geo.errors import ParameterError
from models.arrays import IntArray

logger = logging.getLogger(__name__)


# The OR-Tools stubs leave most methods untyped; everything goes through these two handles.
cp: Any = _pywrapcp
enums: Any = _enums

#: Penalty of leaving a must-visit place out (far above any sum of prizes and travel).
MUST_VISIT_PENALTY: Final = 10**12
#: Default: no guided local search; greedy descent stops at its local optimum by itself
#: (deterministic, ~0.1 s for a thana). A number runs guided local search for that many
#: solutions instead (better plans, ~10× slower, still deterministic).
DEFAULT_SOLUTION_LIMIT: Final = 0
#: Default safety time limit of one solve, in seconds.
DEFAULT_TIME_LIMIT_S: Final = 20.0
#: Solver statuses reported in :class:`RoutingSolution`.
SOLVED: Final = "solved"
SOLVED_AT_TIME_LIMIT: Final = "solved (time limit reached: may vary between runs)"
NO_SOLUTION: Final = "no solution"


@dataclass(frozen=True)
class RoutingProblem:
    """Integer data of one team-orienteering problem (seconds, prizes as penalties).

    Attributes
    ----------
    travel_s : sequence of (n, n) int arrays
        Travel seconds between nodes, one matrix per team (teams move at different speeds).
    dwell_s : (n,) int array
        Time spent at each node (0 at depots).
    window_s : (n, 2) int array
        Earliest and latest arrival at each node (depots: ignored).
    shift_s : (V, 2) int array
        Start and end of each team's shift.
    penalty : (n,) int array
        Cost of not visiting a slot (its prize); ignored at depots.
    place : (n,) int array
        Place of each slot (-1 at depots); visits of one place are ``revisit_s`` apart.
    revisit_s : int
    allowed : sequence of sequence of int, optional
        Teams allowed at each node (empty for depots); default all.
    must_groups : sequence of sequence of int
        Groups of slots of which exactly one should be visited (must-visit places).
    """

    travel_s: Sequence[IntArray]
    dwell_s: IntArray
    window_s: IntArray
    shift_s: IntArray
    penalty: IntArray
    place: IntArray
    revisit_s: int
    allowed: Sequence[Sequence[int]] | None = None
    must_groups: Sequence[Sequence[int]] = field(default_factory=tuple)

    @property
    def n_teams(self) -> int:
        """Return the number of teams (depots)."""
        return len(self.shift_s)

    @property
    def n_nodes(self) -> int:
        """Return the number of nodes (depots and slots)."""
        return len(self.dwell_s)


@dataclass(frozen=True)
class RoutingSolution:
    """Routes of a :class:`RoutingProblem`.

    Attributes
    ----------
    routes : list of list of (node, arrival_s)
        One list per team: the slots visited in order with the planned arrival.
    end_s : list of int
        When each team is back at its depot.
    objective : int
        Travel seconds + penalties of the slots left out.
    status : str
    solve_s : float
        Wall time of the solve.
    """

    routes: list[list[tuple[int, int]]]
    end_s: list[int]
    objective: int
    status: str
    solve_s: float


def solver_name(solution_limit: int = DEFAULT_SOLUTION_LIMIT) -> str:
    """Return the solver and search used, for reports (``"OR-Tools 9.15.6755 routing, …"``)."""
    import ortools  # type: ignore[import-untyped]

    search = (
        f"guided local search, {solution_limit} solutions"
        if solution_limit > 0
        else "greedy descent from local cheapest insertion"
    )
    return f"OR-Tools {ortools.__version__} routing, {search}"


def _check(problem: RoutingProblem) -> None:
    n, v = problem.n_nodes, problem.n_teams
    if v < 1:
        raise ParameterError("a routing problem needs at least one team", fix="add a team")
    if len(problem.travel_s) != v or any(m.shape != (n, n) for m in problem.travel_s):
        raise ParameterError(
            f"travel_s must hold {v} matrices of {n}×{n}", fix="give one matrix per team"
        )
    for name, arr, shape in (
        ("dwell_s", problem.dwell_s, (n,)),
        ("window_s", problem.window_s, (n, 2)),
        ("shift_s", problem.shift_s, (v, 2)),
        ("penalty", problem.penalty, (n,)),
        ("place", problem.place, (n,)),
    ):
        if np.shape(arr) != shape:
            raise ParameterError(f"{name} must have shape {shape}, got {np.shape(arr)}", fix="")
    if bool((problem.shift_s[:, 1] <= problem.shift_s[:, 0]).any()):
        raise ParameterError("a shift ends before it starts", fix="check the shift times")
    if bool((problem.window_s[v:, 1] < problem.window_s[v:, 0]).any()):
        raise ParameterError("a time window ends before it starts", fix="check the windows")
    if bool((problem.penalty[v:] < 0).any()):
        raise ParameterError("prizes must not be negative", fix="use risks in [0, 1]")


def _revisit_pairs(problem: RoutingProblem) -> list[tuple[int, int, str]]:
    """Return (earlier, later, kind) for slots of one place that could be too close.

    ``exclusive``: never ``revisit_s`` apart (at most one is visited); ``gap``: the first
    always comes first; ``either``: overlapping windows, either may come first.
    """
    v = problem.n_teams
    out: list[tuple[int, int, str]] = []
    places = problem.place[v:]
    for p in np.unique(places[places >= 0]):
        nodes = (np.flatnonzero(problem.place == p)).tolist()
        nodes.sort(key=lambda k: (int(problem.window_s[k, 0]), k))
        for a_pos, a in enumerate(nodes):
            for b in nodes[a_pos + 1 :]:
                wa, wb = problem.window_s[a], problem.window_s[b]
                if int(wb[0]) - int(wa[1]) >= problem.revisit_s:
                    continue  # always far enough apart
                if max(int(wb[1]) - int(wa[0]), int(wa[1]) - int(wb[0])) < problem.revisit_s:
                    out.append((a, b, "exclusive"))  # never far enough apart
                elif int(wb[0]) > int(wa[1]):
                    out.append((a, b, "gap"))  # a is always first
                else:
                    out.append((a, b, "either"))  # overlapping windows: either may be first
    return out


def solve_routing(
    problem: RoutingProblem,
    *,
    solution_limit: int = DEFAULT_SOLUTION_LIMIT,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> RoutingSolution:
    """Solve a team-orienteering problem with time windows with OR-Tools routing.

    Parameters
    ----------
    problem : RoutingProblem
    solution_limit : int
        0: greedy descent to a local optimum; more: guided local search stopped after this
        many solutions (both deterministic).
    time_limit_s : float
        Safety limit; the status says when it was reached.

    Returns
    -------
    RoutingSolution

    Raises
    ------
    geo.errors.ParameterError
        For inconsistent problem data.
    """
    _check(problem)
    started = time.perf_counter()
    n, v = problem.n_nodes, problem.n_teams
    depots = list(range(v))
    manager = cp.RoutingIndexManager(n, v, depots, depots)
    routing = cp.RoutingModel(manager)
    horizon = int(max(problem.shift_s[:, 1].max(), problem.window_s[v:, 1].max(initial=0))) + 1
    time_cbs = []
    for k in range(v):
        travel = np.asarray(problem.travel_s[k], dtype=np.int64)
        arc = routing.RegisterTransitMatrix(travel.tolist())
        routing.SetArcCostEvaluatorOfVehicle(arc, k)
        with_dwell = travel + problem.dwell_s[:, None]
        time_cbs.append(routing.RegisterTransitMatrix(with_dwell.tolist()))
    routing.AddDimensionWithVehicleTransits(time_cbs, horizon, horizon, False, "time")
    dim = routing.GetDimensionOrDie("time")
    for k in range(v):
        a, b = int(problem.shift_s[k, 0]), int(problem.shift_s[k, 1])
        dim.CumulVar(routing.Start(k)).SetRange(a, b)
        dim.CumulVar(routing.End(k)).SetRange(a, b)
    in_group = {node for group in problem.must_groups for node in group}
    for node in range(v, n):
        index = manager.NodeToIndex(node)
        dim.CumulVar(index).SetRange(int(problem.window_s[node, 0]), int(problem.window_s[node, 1]))
        if problem.allowed is not None:
            teams = [int(t) for t in problem.allowed[node]]
            if teams:  # -1: not visited (SetAllowedVehiclesForIndex's Python binding fails)
                routing.VehicleVar(index).SetValues([-1, *teams])
        if node not in in_group:
            routing.AddDisjunction([index], int(problem.penalty[node]))
    for group in problem.must_groups:
        routing.AddDisjunction([manager.NodeToIndex(int(g)) for g in group], MUST_VISIT_PENALTY, 1)
    solver = routing.solver()
    big_m = horizon + problem.revisit_s
    for a, b, kind in _revisit_pairs(problem):
        ia, ib = manager.NodeToIndex(a), manager.NodeToIndex(b)
        act_a, act_b = routing.ActiveVar(ia), routing.ActiveVar(ib)
        both_off = big_m * (2 - act_a - act_b)
        ta, tb = dim.CumulVar(ia), dim.CumulVar(ib)
        if kind == "exclusive":
            solver.Add(act_a + act_b <= 1)
        elif kind == "gap":
            solver.Add(tb - ta + both_off >= problem.revisit_s)
        else:
            a_first = solver.BoolVar(f"first_{a}_{b}")
            solver.Add(tb - ta + both_off + big_m * (1 - a_first) >= problem.revisit_s)
            solver.Add(ta - tb + both_off + big_m * a_first >= problem.revisit_s)
            routing.AddVariableMinimizedByFinalizer(a_first)
    params = cp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = enums.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    if solution_limit > 0:
        params.local_search_metaheuristic = enums.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        params.solution_limit = int(solution_limit)
    else:
        params.local_search_metaheuristic = enums.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    solution = routing.SolveWithParameters(params)
    elapsed = time.perf_counter() - started
    if solution is None:
        return RoutingSolution([[] for _ in range(v)], [0] * v, 0, NO_SOLUTION, elapsed)
    routes: list[list[tuple[int, int]]] = []
    ends: list[int] = []
    for k in range(v):
        index = solution.Value(routing.NextVar(routing.Start(k)))
        stops: list[tuple[int, int]] = []
        while not routing.IsEnd(index):
            stops.append((int(manager.IndexToNode(index)), int(solution.Min(dim.CumulVar(index)))))
            index = solution.Value(routing.NextVar(index))
        routes.append(stops)
        ends.append(int(solution.Min(dim.CumulVar(routing.End(k)))))
    status = SOLVED if elapsed < time_limit_s * 0.98 else SOLVED_AT_TIME_LIMIT
    return RoutingSolution(routes, ends, int(solution.ObjectiveValue()), status, elapsed)


def schedule(
    problem: RoutingProblem, team: int, nodes: Sequence[int]
) -> tuple[list[int], int] | None:
    """Return the earliest arrivals of ``team`` visiting ``nodes`` in order, and its return.

    ``None`` when the order breaks a time window or the shift. Used to check plans and by the
    brute-force reference of the tests.

    Parameters
    ----------
    problem : RoutingProblem
    team : int
    nodes : sequence of int

    Returns
    -------
    (list of int, int) or None
    """
    travel = problem.travel_s[team]
    t = int(problem.shift_s[team, 0])
    at = team
    arrivals: list[int] = []
    for node in nodes:
        t = max(
            t + int(problem.dwell_s[at]) + int(travel[at, node]), int(problem.window_s[node, 0])
        )
        if t > int(problem.window_s[node, 1]):
            return None
        arrivals.append(t)
        at = node
    back = t + int(problem.dwell_s[at]) + int(travel[at, team]) if nodes else t
    if back > int(problem.shift_s[team, 1]):
        return None
    return arrivals, back


def latest_arrivals(problem: RoutingProblem, team: int, nodes: Sequence[int]) -> list[int]:
    """Return the latest arrival at each node of a route that still keeps the later ones feasible.

    Parameters are those of :func:`schedule` (``team`` visiting ``nodes`` in order).

    Returns
    -------
    list of int
    """
    travel = problem.travel_s[team]
    latest: list[int] = [0] * len(nodes)
    nxt = team
    bound = int(problem.shift_s[team, 1])
    for pos in range(len(nodes) - 1, -1, -1):
        node = nodes[pos]
        bound = min(
            int(problem.window_s[node, 1]),
            bound - int(travel[node, nxt]) - int(problem.dwell_s[node]),
        )
        latest[pos] = bound
        nxt = node
    return latest
