"""Benchmark: a patrol plan for every thana × 3 teams of the demo data (target < 30 s a day).

Run with ``.venv/bin/python bench/patrol_plan.py [--days 1] [--seed 2026] [--guided 0]``.
Builds the SYNTHETIC demo store (seeded) in a temporary folder, then times
``models.patrol.plan_from_store`` for all thanas on a school day (a Monday): reading the
layers, finding hotspots, building the stops and solving one OR-Tools problem per thana and
day. Prints the time, the solver time per thana and day, the coverage (risk and hotspots
visited) and a final JSON line. ``--guided N`` runs guided local search for N solutions
instead of greedy descent, to compare quality and time. ``--quality`` also compares greedy
descent with brute force on tiny random instances.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The target of the issue: all thanas × 3 teams for a day, in seconds.
TARGET_S = 30.0


def _brute_force(problem: Any) -> int:
    from models.patrol.routing import schedule

    v = problem.n_teams
    slots = list(range(v, problem.n_nodes))
    best: int | None = None
    for assign in itertools.product(range(-1, v), repeat=len(slots)):
        cost = sum(int(problem.penalty[s]) for s, a in zip(slots, assign, strict=True) if a < 0)
        ok = True
        for k in range(v):
            mine = [s for s, a in zip(slots, assign, strict=True) if a == k]
            options = [
                sum(int(problem.travel_s[k][a, b]) for a, b in itertools.pairwise([k, *o, k]))
                for o in itertools.permutations(mine)
                if schedule(problem, k, o) is not None
            ]
            if not options:
                ok = False
                break
            cost += min(options)
        if ok and (best is None or cost < best):
            best = cost
    return int(best if best is not None else 0)


def quality(n_cases: int = 100) -> dict[str, Any]:
    """Return how often greedy descent equals brute force on tiny random instances."""
    from models.patrol.routing import RoutingProblem, solve_routing

    equal = 0
    gaps = []
    for seed in range(n_cases):
        rng = np.random.default_rng(seed)
        v, n = 1 + seed % 2, 4 + seed % 3
        xy = rng.uniform(0, 3000, (v + n, 2))
        xy[:v] = 1500
        d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        starts = rng.integers(0, 7200, n)
        problem = RoutingProblem(
            travel_s=[np.ceil(d / s).astype(np.int64) for s in rng.uniform(3, 6, v)],
            dwell_s=np.array([0] * v + list(rng.integers(600, 900, n)), dtype=np.int64),
            window_s=np.array(
                [[0, 0]] * v + [[a, a + int(rng.integers(300, 3600))] for a in starts],
                dtype=np.int64,
            ),
            shift_s=np.array([[0, int(rng.integers(3600, 7200))] for _ in range(v)]),
            penalty=np.array([0] * v + list(rng.integers(1000, 100_000, n)), dtype=np.int64),
            place=np.array([-1] * v + list(range(n)), dtype=np.int64),
            revisit_s=7200,
        )
        best = _brute_force(problem)
        got = solve_routing(problem).objective
        equal += got == best
        gaps.append((got - best) / max(best, 1))
    return {
        "cases": n_cases,
        "greedy_equal_to_brute_force": equal,
        "mean_gap": round(float(np.mean(gaps)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--guided", type=int, default=0, help="guided local search solutions")
    parser.add_argument("--quality", action="store_true", help="also compare with brute force")
    args = parser.parse_args(argv)

    from geo import demo
    from geo.settings import Settings
    from geo.store import open_store
    from models.patrol import PlanParams, plan_from_store
    from models.patrol.export import ALL_DAYS, coverage_table

    settings = Settings(_env_file=None)
    with tempfile.TemporaryDirectory(prefix="shakti-bench-") as tmp:
        store = open_store(Path(tmp) / "store.gpkg")
        demo.load_demo(store, Path(tmp) / "files", settings=settings, seed=demo.DEMO_SEED)
        monday = dt.date(2026, 11, 2)
        started = time.perf_counter()
        plan = plan_from_store(
            store,
            timezone=settings.timezone,
            metric_crs=settings.metric_crs,
            days=args.days,
            seed=args.seed,
            start=monday,
            params=PlanParams(solution_limit=args.guided),
        )
        total_s = time.perf_counter() - started
    solve = [s["seconds"] for s in plan.solve]
    cov = coverage_table(plan)
    daily = cov[(cov["level"] == "all") & (cov["day"] != ALL_DAYS)]
    whole = cov[(cov["level"] == "all") & (cov["day"] == ALL_DAYS)].iloc[0]
    result = {
        "thanas": len(plan.thanas),
        "teams": len(plan.teams.teams),
        "days": plan.days,
        "places": len(plan.places),
        "slots_max": max(s["slots"] for s in plan.solve),
        "search": f"guided local search, {args.guided} solutions" if args.guided else "greedy",
        "total_s": round(total_s, 2),
        "solver_s": round(sum(solve), 2),
        "solver_max_s": round(max(solve), 3),
        "target_s": TARGET_S * args.days,
        "within_target": total_s < TARGET_S * args.days,
        "risk_share_per_day": round(float(daily["risk_share"].mean()), 4),
        "hotspots_visited": f"{whole['hotspots_visited']}/{whole['hotspots_total']}",
        "stops": sum(len(r.stops) for r in plan.routes),
    }
    if args.quality:
        result["quality"] = quality()
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))
    return 0 if result["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
