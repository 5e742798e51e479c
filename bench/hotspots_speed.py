"""Benchmark: from a store of N incidents to explained hotspots (read, cluster, analysis, command).

Run with ``.venv/bin/python bench/hotspots_speed.py [--sizes 6112,100000,1000000]
[--workdir DIR] [--repeat 3]``. Prints a table and a final JSON line.

For each size a SYNTHETIC demo store is made once with ``shakti demo-data --incidents N`` in
``--workdir`` (kept, so later runs reuse it). Then, with explicit ``eps_m=150`` and
``min_samples=10`` (so that numbers compare across versions whose defaults differ):

* ``read``: ``Store.read("incidents")`` against ``pyogrio.read_dataframe(..., use_arrow=True)``
  of the same file, in turn in this process, ``--repeat`` times; the median of the per-pair
  ratios (goal ≤ 1.5).
* ``cluster``: ``models.hotspots.cluster`` of the incidents against scikit-learn's DBSCAN
  (k-d tree, on the projected points; sizes ≤ ``--sklearn-max``) and against building a
  ``scipy.spatial.cKDTree`` of the projected points, in turn; median ratios (goals: ≥ 20x
  scikit-learn at 100k, ≤ 3x the k-d tree at 1M).
* ``analysis``: the hotspot map's analysis (``find_hotspots``, ``underserved_hotspots``, Gi*
  and monthly emerging trends on 250 m cells, as ``bench/map_load.py``) on the store's layers,
  once (sizes ≤ ``--analysis-max``; goal ≤ 4 s at 100k).
* ``command``: ``shakti hotspots --store S --eps-m 150 --min-samples 10 --json`` as a whole
  process under ``/usr/bin/time -v``: wall seconds and peak RSS (goals at 1M: ≤ 10 s, ≤ 1.5 GB).

The machine is shared: quote ratios, and the medians of repeated runs. ``cluster`` at 100k
and 1M (the ``bench_cluster`` step alone, 7 and 5 pairs, load average 2.8-3.2), before (the
``dbscan`` package) → after (the numba grid core, ``models.hotspots.grid_core``): 10.4-11.1x →
21.5-21.8x scikit-learn; 1.49-1.54 → 0.94-0.99 times the k-d tree build.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.demo_stores import env_for, make_store, paired, print_table  # noqa: E402

EPS_M = 150.0
MIN_SAMPLES = 10


def bench_read(store_path: Path, repeat: int) -> dict[str, Any]:
    import pyogrio

    from geo.store import open_store

    store = open_store(store_path)
    store.read("incidents")  # warm the file cache and lazy imports
    ours, ref, ratio = paired(
        lambda: store.read("incidents"),
        lambda: pyogrio.read_dataframe(store_path, layer="incidents", use_arrow=True),
        repeat,
    )
    return {"read_s": round(ours, 3), "pyogrio_s": round(ref, 3), "read_ratio": round(ratio, 2)}


def bench_cluster(store_path: Path, repeat: int, sklearn_max: int) -> dict[str, Any]:
    import geopandas as gpd
    from scipy.spatial import cKDTree

    from geo.store import open_store
    from models import hotspots as hs

    incidents = open_store(store_path).read("incidents")
    gdf = gpd.GeoDataFrame(geometry=incidents.geometry)
    xy, _crs = hs.metric_coordinates(gdf)
    hs.cluster(gdf.iloc[:50], eps_m=EPS_M, min_samples=MIN_SAMPLES)  # imports, lazy set-up

    def ours() -> None:
        hs.cluster(gdf, eps_m=EPS_M, min_samples=MIN_SAMPLES)

    out: dict[str, Any] = {}
    t_ours, t_tree, ratio = paired(ours, lambda: cKDTree(xy), repeat)
    out.update(cluster_s=round(t_ours, 3), kdtree_s=round(t_tree, 3), vs_kdtree=round(ratio, 2))
    if len(xy) <= sklearn_max:
        from sklearn.cluster import DBSCAN

        def ref() -> None:
            DBSCAN(eps=EPS_M, min_samples=MIN_SAMPLES, algorithm="kd_tree").fit(xy)

        _t, t_ref, ratio = paired(ours, ref, repeat)
        out.update(sklearn_s=round(t_ref, 3), sklearn_speedup=round(1 / ratio, 1))
    return out


def bench_analysis(store_path: Path) -> dict[str, Any]:
    from geo.store import open_store
    from models.hotspots import find_hotspots, underserved_hotspots
    from models.surfaces.emerging import emerging_hotspots
    from models.surfaces.significance import gi_star

    store = open_store(store_path)
    layers = {k: store.read(k) for k in ("incidents", "sites", "cctv", "campaigns", "thanas")}
    inc = layers["incidents"]
    t0 = time.perf_counter()
    spots = find_hotspots(
        inc, eps_m=EPS_M, min_samples=MIN_SAMPLES, sites=layers["sites"], cctv=layers["cctv"],
        campaigns=layers["campaigns"], thanas=layers["thanas"],
    )  # fmt: skip
    t1 = time.perf_counter()
    underserved_hotspots(spots, layers["campaigns"])
    gi_star(inc, cell_m=250.0, study_area=layers["thanas"])
    emerging_hotspots(inc, cell_m=250.0, bin="M", study_area=layers["thanas"])
    t2 = time.perf_counter()
    return {"find_hotspots_s": round(t1 - t0, 2), "analysis_s": round(t2 - t0, 2)}


def bench_command(store_path: Path) -> dict[str, Any]:
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "api.cli", "hotspots",
           "--store", str(store_path), "--eps-m", f"{EPS_M:g}",
           "--min-samples", str(MIN_SAMPLES), "--json", "--lang", "en"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env_for(ROOT))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    seconds = None
    if wall:
        parts = [float(p) for p in wall.group(1).split(":")]
        seconds = sum(v * 60**i for i, v in enumerate(reversed(parts)))
    summary: dict[str, Any] = {}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if lines:
        summary = json.loads(lines[-1])
    return {
        "command_s": seconds,
        "command_peak_mb": round(int(peak.group(1)) / 1024, 1) if peak else None,
        "command_ok": done.returncode == 0,
        "hotspots": summary.get("hotspots"),
        "clustered_share": summary.get("clustered_share"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="6112,100000,1000000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/shakti-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sklearn-max", type=int, default=200_000)
    parser.add_argument("--analysis-max", type=int, default=200_000)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for n in sorted(int(s) for s in args.sizes.split(",")):
        store = make_store(n, args.workdir)
        row: dict[str, Any] = {"n": n}
        row.update(bench_read(store, args.repeat))
        row.update(bench_cluster(store, args.repeat, args.sklearn_max))
        if n <= args.analysis_max:
            row.update(bench_analysis(store))
        row.update(bench_command(store))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

    print_table(
        f"eps_m={EPS_M:g}, min_samples={MIN_SAMPLES}, repeat={args.repeat} (medians)",
        [("incidents", "n", ",", 9), ("read s", "read_s", ".2f", 7),
         ("÷pyogrio", "read_ratio", ".2f", 8), ("cluster s", "cluster_s", ".3f", 9),
         ("÷kd-tree", "vs_kdtree", ".2f", 8), ("×sklearn", "sklearn_speedup", ".1f", 8),
         ("analysis s", "analysis_s", ".2f", 10), ("command s", "command_s", ".2f", 9),
         ("peak MB", "command_peak_mb", ".0f", 8), ("hotspots", "hotspots", "d", 8)],
        rows,
    )  # fmt: skip
    print(json.dumps({"benchmark": "hotspots_speed", "eps_m": EPS_M,
                      "min_samples": MIN_SAMPLES, "rows": rows}))  # fmt: skip


if __name__ == "__main__":
    main()
