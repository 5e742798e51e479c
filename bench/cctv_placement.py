"""Benchmark: CCTV placement (maximal-covering MILP with HiGHS, greedy, LP bound) and CCTV gaps.

Run with ``.venv/bin/python bench/cctv_placement.py [--candidates 5000 --demand 20000
--k 20,100]``. Prints a table and a final JSON line.

1. **Synthetic MCLP instance** of the issue's size: ``--demand`` weighted demand points
   clustered around 60 centres over 10 km × 10 km (σ 400 m) and ``--candidates`` candidate
   positions (half near the centres, half uniform), a 150 m view radius, seeded. For each
   ``k``: the coverage matrix build (cKDTree), the solve as the product runs it
   (:func:`models.cctv.placement.solve`, ``method="auto"``: reduction + HiGHS with its 45 s time
   limit, then the best of its incumbent and greedy with the solver's bound), greedy alone,
   and the LP-relaxation bound; the optimality gaps.
2. **Demo data** (SYNTHETIC Varanasi, ``geo.demo``, seed 2026): gap analysis time, then
   placement overall and for one thana with ``k`` cameras: solve time, method, coverage
   gained by each camera in order (marginal gains) and demand share seen before/after.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.cctv import placement as pl  # noqa: E402

SEED = 2026
RADIUS_M = 150.0


def synthetic_problem(n_candidates: int, n_demand: int, seed: int) -> tuple[Any, float]:
    """Return a seeded clustered MCLP instance and the time to build its coverage matrix."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 10_000, (60, 2))
    demand = centres[rng.integers(0, 60, n_demand)] + rng.normal(0, 400, (n_demand, 2))
    half = n_candidates // 2
    cand = np.vstack(
        [
            centres[rng.integers(0, 60, half)] + rng.normal(0, 500, (half, 2)),
            rng.uniform(0, 10_000, (n_candidates - half, 2)),
        ]
    )
    weights = rng.integers(1, 5, n_demand).astype(float)
    cost = np.where(rng.random(n_candidates) < 0.1, pl.REPAIR_COST, pl.NEW_COST)
    t0 = time.perf_counter()
    hits = cKDTree(cand).query_ball_point(demand, r=RADIUS_M)
    rows = np.repeat(np.arange(n_demand), [len(h) for h in hits])
    cols = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
    cover = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_demand, n_candidates))
    build_s = time.perf_counter() - t0
    return pl.make_problem(weights, cover, cost), build_s


def bench_synthetic(n_candidates: int, n_demand: int, ks: list[int]) -> list[dict[str, Any]]:
    """Time the exact, greedy and LP-bound solves of the synthetic instance for each k."""
    problem, build_s = synthetic_problem(n_candidates, n_demand, SEED)
    out = []
    for k in ks:
        exact = pl.solve(problem, k=k)
        t0 = time.perf_counter()
        chosen, _ = pl.greedy(problem, k)
        greedy_s = time.perf_counter() - t0
        greedy_value = problem.value(chosen)
        t0 = time.perf_counter()
        bound = pl.lp_bound(problem, k)
        lp_s = time.perf_counter() - t0
        out.append(
            {
                "k": k,
                "candidates": n_candidates,
                "demand": n_demand,
                "coverage_pairs": int(problem.cover.nnz),
                "build_s": round(build_s, 3),
                "solve_s": round(exact.solve_s, 2),
                "method": exact.method,
                "optimal": exact.optimal,
                "value": exact.value,
                "gap": round(exact.gap, 6),
                "greedy_s": round(greedy_s, 3),
                "greedy_value": greedy_value,
                "greedy_vs_solution": round(greedy_value / exact.value, 5) if exact.value else 1.0,
                "lp_s": round(lp_s, 2),
                "lp_bound": round(bound, 2),
                "greedy_gap_vs_lp": round((bound - greedy_value) / bound, 5) if bound else 0.0,
                "under_60_s": exact.solve_s + build_s < 60,
                "notes": list(exact.notes),
            }
        )
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def bench_demo(k: int, thana: str) -> dict[str, Any]:
    """Time gaps and placement on the SYNTHETIC demo store; report gains per camera."""
    from geo import demo
    from geo.settings import Settings
    from geo.store import open_store
    from models.cctv.plan import CctvParams, selection_gaps, selection_hotspots
    from models.inputs import Selection, load_inputs

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store.gpkg")
        settings = Settings(_env_file=None)
        demo.load_demo(store, Path(tmp) / "files", settings=settings, seed=SEED)
        result: dict[str, Any] = {}
        for where in (None, thana):
            data = load_inputs(store, Selection(thana=where), timezone=settings.timezone)
            params = CctvParams(metric_crs="EPSG:32644")
            t0 = time.perf_counter()
            spots = selection_hotspots(data, params)
            hot_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            gaps = selection_gaps(data, params, spots)
            gaps_s = time.perf_counter() - t0
            row: dict[str, Any] = {
                "hotspots_s": round(hot_s, 2),
                "gaps_s": round(gaps_s, 2),
                "sites": gaps.counts(),
            }
            for method in ("milp", "greedy"):
                t0 = time.perf_counter()
                plan = pl.place_cameras(
                    data.sites, data.cctv, k=k, incidents=data.incidents, hotspots=spots,
                    thanas=data.thanas, thana=where, metric_crs="EPSG:32644", days=90,
                    reference_time=data.reference_time(), method=method,
                )  # fmt: skip
                s = plan.summary
                row[method] = {
                    "total_s": round(time.perf_counter() - t0, 2),
                    "solve_s": s["solve_s"],
                    "optimality_gap": s["optimality_gap"],
                    "weight_gained": s["weight_gained"],
                    "share_seen_before": s["share_seen_before"],
                    "share_seen_after": s["share_seen_after"],
                    "repairs": s["repairs"],
                    "gains": [float(g) for g in plan.cameras[pl.MARGINAL_GAIN]],
                }
            result[where or "all thanas"] = row
        return result


def main() -> None:
    """Run both benchmarks and print a table and a final JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--demand", type=int, default=20_000)
    parser.add_argument("--k", default="10,20,50,100", help="comma-separated k values")
    parser.add_argument("--demo-k", type=int, default=10)
    parser.add_argument("--thana", default="Lanka")
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    ks = [int(x) for x in args.k.split(",") if x]
    synthetic = bench_synthetic(args.candidates, args.demand, ks)
    print(
        f"{'k':>5} {'pairs':>8} {'solve s':>8} {'method':>7} {'gap':>8} {'greedy s':>9} "
        f"{'greedy/sol':>11} {'greedy gap (LP)':>16}"
    )
    for r in synthetic:
        print(
            f"{r['k']:>5} {r['coverage_pairs']:>8} {r['solve_s']:>8} {r['method']:>7} "
            f"{r['gap']:>8} {r['greedy_s']:>9} {r['greedy_vs_solution']:>11} "
            f"{r['greedy_gap_vs_lp']:>16}"
        )
    demo_result = None if args.no_demo else bench_demo(args.demo_k, args.thana)
    if demo_result:
        for where, row in demo_result.items():
            print(f"demo {where}: gaps {row['gaps_s']} s, sites {row['sites']}")
            for method in ("milp", "greedy"):
                m = row[method]
                print(
                    f"  {method}: {m['solve_s']} s (gap {m['optimality_gap']}), seen "
                    f"{m['share_seen_before']} → {m['share_seen_after']}, gains {m['gains']}"
                )
    print(json.dumps({"synthetic": synthetic, "demo": demo_result}))


if __name__ == "__main__":
    main()
