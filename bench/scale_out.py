"""Benchmark: Dask scale-out (models.scale) against the single-process path, state-sized data.

Run with ``.venv/bin/python bench/scale_out.py [--sizes 1000000,3000000,10000000]``. Prints a
table and a final JSON line.

Data: SYNTHETIC incidents over the extent of Uttar Pradesh (77.1-84.6 E, 23.9-30.4 N): 75
district towns of Zipf-like sizes, each with 25 dense hotspots (60 % of incidents), a diffuse
town spread (30 %), and 10 % scattered over the whole state. Generated in seeded partitions of
``--partition-size`` rows, so the Dask path builds every partition on a worker (no process
ever holds all incidents) and the single-process path concatenates the same partitions.
Both use EPSG:32644 (what a state deployment sets as SHAKTI_METRIC_CRS).

* ``single``: ``models.hotspots.cluster`` + ``models.surfaces.grid``-style counting in one process
  (a fresh subprocess: wall time and peak RSS above its start).
* ``dask``: ``models.scale.dask_cluster`` (labels brought back to the client) and
  ``dask_grid_counts`` on a ``distributed.LocalCluster`` of ``--workers`` processes with one
  thread each, started fresh for each size; peak RSS of every worker process (VmHWM) and of
  the client. Where both run, the labels are compared: they must be identical.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

UP_BOUNDS = (77.1, 23.9, 84.6, 30.4)
METRIC_CRS = "EPSG:32644"
N_TOWNS = 75
HOTSPOTS_PER_TOWN = 25


def _warm_up() -> None:
    """Import and run everything once on a few points (imports and PROJ set-up not timed)."""
    from models.hotspots import cluster
    from models.surfaces.grid import count_in_cells, square_grid

    tiny = state_partition(0, 0, 500)
    cluster(tiny, eps_m=100, min_samples=3, metric_crs=METRIC_CRS)
    count_in_cells(square_grid(tiny, cell_m=5000, metric_crs=METRIC_CRS), tiny)


def _peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # not allowed everywhere: peaks then since start
        Path("/proc/self/clear_refs").write_text("5")


def state_partition(seed: int, part: int, n: int) -> Any:
    """Return partition ``part`` (``n`` rows) of the synthetic state-wide incidents."""
    import geopandas as gpd
    import shapely

    towns_rng = np.random.default_rng(seed)  # the same towns for every partition
    w, s, e, nth = UP_BOUNDS
    towns = towns_rng.uniform([w + 0.3, s + 0.3], [e - 0.3, nth - 0.3], (N_TOWNS, 2))
    weight = 1.0 / np.arange(1, N_TOWNS + 1) ** 0.8
    weight /= weight.sum()
    hot = towns[:, None, :] + towns_rng.normal(0, 0.04, (N_TOWNS, HOTSPOTS_PER_TOWN, 2))
    spread_m = towns_rng.uniform(80, 400, (N_TOWNS, HOTSPOTS_PER_TOWN))
    rng = np.random.default_rng([seed, part])
    kind = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    town = rng.choice(N_TOWNS, size=n, p=weight)
    spot = rng.integers(0, HOTSPOTS_PER_TOWN, n)
    deg_m = 1 / 111_000
    lonlat = np.empty((n, 2))
    h = kind == 0
    lonlat[h] = hot[town[h], spot[h]] + rng.normal(0, 1, (int(h.sum()), 2)) * (
        spread_m[town[h], spot[h]][:, None] * deg_m
    )
    d = kind == 1
    lonlat[d] = towns[town[d]] + rng.normal(0, 5000 * deg_m, (int(d.sum()), 2))
    r = kind == 2
    lonlat[r] = rng.uniform([w, s], [e, nth], (int(r.sum()), 2))
    index = np.arange(part * 10**9, part * 10**9 + n)
    return gpd.GeoDataFrame(geometry=shapely.points(lonlat), index=index, crs="EPSG:4326")


def _sizes(n: int, partition_size: int) -> list[int]:
    parts = max(1, -(-n // partition_size))
    base = np.full(parts, n // parts)
    base[: n - base.sum()] += 1
    return [int(v) for v in base]


# --------------------------------------------------------------------------- single process


def single_run(
    n: int, seed: int, partition_size: int, eps_m: float, ms: int, cell_m: float
) -> None:
    """Child process: the single-process path; prints one JSON line (and saves labels)."""
    import pandas as pd

    from models.hotspots import cluster
    from models.surfaces.grid import CELL_ID, count_in_cells, square_grid

    parts = [state_partition(seed, i, k) for i, k in enumerate(_sizes(n, partition_size))]
    points = pd.concat(parts)
    del parts
    _warm_up()
    base = _rss_kb()
    _reset_peak()
    t0 = time.perf_counter()
    labels = cluster(points, eps_m=eps_m, min_samples=ms, metric_crs=METRIC_CRS)
    t1 = time.perf_counter()
    grid = square_grid(points, cell_m=cell_m, metric_crs=METRIC_CRS, occupied_only=False)
    counts = count_in_cells(grid, points)
    t2 = time.perf_counter()
    np.save(f"/tmp/shakti_scale_single_{n}.npy", labels.to_numpy())
    print(
        json.dumps(
            {
                "cluster_s": t1 - t0,
                "grid_s": t2 - t1,
                "peak_mb": (_peak_kb() - base) / 1024,
                "clusters": int(labels.max()) + 1,
                "occupied_cells": int((counts > 0).sum()),
                "cells": len(grid[CELL_ID]),
            }
        )
    )


# --------------------------------------------------------------------------- dask


def _worker_peak_mb() -> float:
    return _peak_kb() / 1024


def _worker_reset() -> None:
    _reset_peak()


def dask_run(
    n: int, seed: int, partition_size: int, eps_m: float, ms: int, cell_m: float, workers: int
) -> dict[str, Any]:
    import dask
    import dask.dataframe as dd
    import dask_geopandas
    import distributed
    import geopandas as gpd

    from models.scale import dask_client, dask_cluster, dask_grid_counts

    sizes = _sizes(n, partition_size)
    meta = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    with dask_client(n_workers=workers, threads_per_worker=1, processes=True) as client:
        client.run(_warm_up)
        _warm_up()
        client.run(_worker_reset)
        parts = [dask.delayed(state_partition)(seed, i, k) for i, k in enumerate(sizes)]
        ddf = dd.from_delayed(parts, meta=meta, verify_meta=False)
        assert isinstance(ddf, dask_geopandas.GeoDataFrame)
        ddf = ddf.persist()  # generate on the workers first: time the analysis only
        distributed.wait(ddf)
        base = client.run(_worker_peak_mb)
        client.run(_worker_reset)
        _reset_peak()
        t0 = time.perf_counter()
        result = dask_cluster(ddf, eps_m=eps_m, min_samples=ms, metric_crs=METRIC_CRS)
        labels = result.labels.compute()
        t1 = time.perf_counter()
        counts, _crs = dask_grid_counts(ddf, cell_m=cell_m, metric_crs=METRIC_CRS)
        t2 = time.perf_counter()
        peaks = client.run(_worker_peak_mb)
    return {
        "cluster_s": t1 - t0,
        "grid_s": t2 - t1,
        "worker_peak_mb": max(peaks.values()),
        "worker_data_mb": max(base.values()),
        "client_peak_mb": _peak_kb() / 1024,
        "clusters": result.n_clusters,
        "strips": result.strips.n,
        "partitions": len(sizes),
        "shared_points": result.shared_points,
        "occupied_cells": len(counts),
        "labels": labels.to_numpy(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,3000000,10000000")
    parser.add_argument("--single-max", type=int, default=3_000_000)
    parser.add_argument("--partition-size", type=int, default=500_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--eps-m", type=float, default=100.0)
    parser.add_argument("--min-samples", type=int, default=10)
    parser.add_argument("--cell-m", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--single-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    common = (args.seed, args.partition_size, args.eps_m, args.min_samples, args.cell_m)
    if args.single_child:
        single_run(args.single_child, *common)
        return 0
    rows = []
    print(
        f"{'n':>10} {'path':>7} {'cluster_s':>9} {'grid_s':>7} {'peak_mb':>16} "
        f"{'clusters':>8} {'ratio':>6} same"
    )
    for n in [int(v) for v in args.sizes.split(",")]:
        single: dict[str, Any] | None = None
        if n <= args.single_max:
            proc = subprocess.run(
                [sys.executable, __file__, "--single-child", str(n), "--seed", str(args.seed),
                 "--partition-size", str(args.partition_size), "--eps-m", str(args.eps_m),
                 "--min-samples", str(args.min_samples), "--cell-m", str(args.cell_m)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            single = json.loads(proc.stdout.strip().splitlines()[-1])
            print(
                f"{n:>10} {'single':>7} {single['cluster_s']:>9.1f} {single['grid_s']:>7.1f} "
                f"{single['peak_mb']:>13.0f} MB {single['clusters']:>8}",
                flush=True,
            )
        d = dask_run(n, *common, args.workers)
        same = None
        if single is not None:
            ref = np.load(f"/tmp/shakti_scale_single_{n}.npy")
            same = bool(np.array_equal(ref, d["labels"]))
            Path(f"/tmp/shakti_scale_single_{n}.npy").unlink()
        ratio = (single["cluster_s"] / d["cluster_s"]) if single else None
        print(
            f"{n:>10} {'dask':>7} {d['cluster_s']:>9.1f} {d['grid_s']:>7.1f} "
            f"{d['worker_peak_mb']:>6.0f} MB/worker {d['clusters']:>8} "
            f"{'' if ratio is None else f'{ratio:.2f}':>6} {'' if same is None else same}",
            flush=True,
        )
        rows.append(
            {
                "n": n,
                "single": single,
                "dask": {k: v for k, v in d.items() if k != "labels"},
                "speedup": ratio,
                "identical_labels": same,
            }
        )
    print(json.dumps({"benchmark": "scale_out", "workers": args.workers, "rows": rows}))
    return 0 if all(r["identical_labels"] in (None, True) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
