"""Benchmark: hotspot parameter rules across data volume (count, widest, share, back-test).

Run with ``.venv/bin/python bench/hotspot_volume.py [--sizes 6112,100000,1000000]``. Prints a
table and a final JSON line; docs/hotspots.md quotes it.

Each size is the SYNTHETIC demo of ``geo.demo`` generated with that many incidents (same seed).
Rules compared, all on the same projected points:

* ``fixed``: the old defaults, eps 150 m and min_samples 10, clusters as DBSCAN gives them;
* ``knee``: min_samples 10, eps at the knee of the 9-distance curve within 50–300 m, split to
  patrol size (:func:`models.hotspots.split_wide`);
* ``density``: :func:`models.hotspots.choose_params` (min_samples = 10 × the city's mean count
  within 150 m) split to patrol size: the default of ``shakti hotspots``.

Columns: hotspots, widest polygon (members' diameter + 2 × 25 m buffer), the largest hotspot's
share of the clustered incidents, the share of incidents in hotspots, clustering seconds, how
many of the smallest size's top-10 hotspots (by incidents) have a hotspot of this size within
500 m, and a back-test: PAI of the top 20 hotspots found on the first 75 % of the period over
the last 25 % (share of later incidents inside their hulls / share of the city's area).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.crs import metric_coordinates  # noqa: E402
from geo.demo.dataset import generate  # noqa: E402
from models.hotspots import choose_params, dbscan_xy, knee_index, split_wide  # noqa: E402
from models.hotspots.density import DEFAULT_MAX_WIDTH_M, diameter_m  # noqa: E402

UTM44 = "EPSG:32644"
BUFFER_M = 25.0
RULES = ("fixed", "knee", "density")


def _params(rule: str, xy: np.ndarray, area_m2: float) -> tuple[float, int, bool]:
    """Return eps, min_samples and whether to split, for a rule."""
    if rule == "fixed":
        return 150.0, 10, False
    if rule == "knee":
        dist, _ = cKDTree(xy).query(xy, k=[10])
        curve = np.sort(dist[:, 0])
        top = max(3, int(0.98 * len(curve)))
        return float(np.clip(curve[knee_index(curve[:top])], 50, 300)), 10, True
    choice = choose_params(len(xy), area_m2=area_m2, days=365)
    return choice.eps_m, choice.min_samples, True


def _labels(rule: str, xy: np.ndarray, area_m2: float) -> np.ndarray:
    eps, ms, split = _params(rule, xy, area_m2)
    labels = dbscan_xy(xy, eps_m=eps, min_samples=ms).labels
    if split:
        limit = DEFAULT_MAX_WIDTH_M - 2 * BUFFER_M
        labels = split_wide(xy, labels, eps_m=eps, min_samples=ms, max_width_m=limit)
    return labels


def _pai(rule: str, xy: np.ndarray, train: np.ndarray, area_m2: float) -> float:
    labels = _labels(rule, xy[train], area_m2)
    k = int(labels.max()) + 1
    if k == 0:
        return 0.0
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    hulls = [
        shapely.convex_hull(shapely.multipoints(xy[train][labels == j])).buffer(BUFFER_M)
        for j in np.argsort(-sizes)[:20]
    ]
    union = shapely.union_all(hulls)
    later = xy[~train]
    hit = float(shapely.contains_xy(union, later[:, 0], later[:, 1]).mean())
    return hit / (union.area / area_m2)


def _run(n: int) -> dict[str, Any]:
    data = generate(n_incidents=n)
    xy, _crs = metric_coordinates(data.incidents, UTM44)
    area_m2 = float(data.thanas.to_crs(UTM44).union_all().area)
    times = data.incidents["occurred_at"]
    train = (times < times.quantile(0.75)).to_numpy()
    out: dict[str, Any] = {"n": len(xy)}
    for rule in RULES:
        start = time.perf_counter()
        labels = _labels(rule, xy, area_m2)
        seconds = time.perf_counter() - start
        k = int(labels.max()) + 1
        sizes = np.bincount(labels[labels >= 0], minlength=k)
        widths = [diameter_m(xy[labels == j]) + 2 * BUFFER_M for j in range(k)]
        centres = np.array([xy[labels == j].mean(axis=0) for j in range(k)]).reshape(-1, 2)
        out[rule] = {
            "eps_m": round(_params(rule, xy, area_m2)[0], 1),
            "min_samples": _params(rule, xy, area_m2)[1],
            "hotspots": k,
            "widest_m": round(max(widths, default=0.0)),
            "largest_share": round(float(sizes.max() / sizes.sum()), 3) if k else None,
            "clustered_share": round(float(sizes.sum() / len(xy)), 3),
            "seconds": round(seconds, 2),
            "pai_top20": round(_pai(rule, xy, train, area_m2), 1),
            "top10": centres[np.argsort(-sizes)[:10]].tolist(),
            "centres": centres,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the comparison for each size and print the table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="6112,100000,1000000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [_run(n) for n in sizes]
    head = f"{'n':>9} {'rule':>8} {'eps':>6} {'min':>5} {'spots':>6} {'widest':>7} "
    print(head + f"{'largest':>8} {'in':>5} {'s':>6} {'top10':>6} {'PAI':>5}")
    for run in runs:
        for rule in RULES:
            r = run[rule]
            tree = cKDTree(r["centres"]) if len(r["centres"]) else None
            first = np.array(runs[0][rule]["top10"]).reshape(-1, 2)
            kept = int((tree.query(first)[0] <= 500).sum()) if tree is not None else 0
            r["top10_kept"] = kept
            print(
                f"{run['n']:>9} {rule:>8} {r['eps_m']:>6} {r['min_samples']:>5} "
                f"{r['hotspots']:>6} {r['widest_m']:>7} {r['largest_share']!s:>8} "
                f"{r['clustered_share']:>5} {r['seconds']:>6} {kept:>6} {r['pai_top20']:>5}"
            )
    for run in runs:
        for rule in RULES:
            run[rule].pop("centres")
            run[rule].pop("top10")
    print(json.dumps(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
