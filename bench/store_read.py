"""Benchmark: reading the incidents layer from each store backend against pyogrio with Arrow.

Run with ``.venv/bin/python bench/store_read.py [--sizes 100000,1000000] [--workdir DIR]
[--repeat 7] [--no-postgis]``. Prints a table and a final JSON line.

For each size a SYNTHETIC demo store is made once with ``shakti demo-data --incidents N`` in
``--workdir`` (kept, so later runs reuse it). Then, in this one process, each measure is timed
in turn with its reference ``--repeat`` times, and the median of the per-pair ratios is
reported (goal ≤ 1.5 for both backends):

* ``gpkg``: ``GeoPackageStore.read("incidents")`` against
  ``pyogrio.read_dataframe(store, layer="incidents", use_arrow=True)`` of the same file.
* ``postgis``: the same rows imported into a throwaway PostgreSQL + PostGIS cluster (the one
  ``tests/postgis`` starts; skipped when the server binaries are missing, see
  ``scripts/install_postgis.sh``) and vacuumed as autovacuum would;
  ``PostgisStore.read("incidents")`` (ADBC, binary COPY into Arrow) against the same pyogrio
  read of the GeoPackage; and, for the before/after figure, the COPY text read it replaced
  (``copy``). The two PostGIS reads are checked equal first.

The machine is shared: quote ratios, the medians of repeated runs and the load average
(printed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests" / "postgis"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench.demo_stores import make_store, paired, print_table  # noqa: E402


def timed(a: Callable[[], Any], b: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Return :func:`~bench.demo_stores.paired` medians as ``s``, ``pyogrio_s`` and ``ratio``."""
    ta, tb, ratio = paired(a, b, repeat)
    return {"s": round(ta, 3), "pyogrio_s": round(tb, 3), "ratio": round(ratio, 2)}


def bench_gpkg(store_path: Path, repeat: int) -> dict[str, Any]:
    import pyogrio

    from geo.store import open_store

    store = open_store(store_path)
    store.read("incidents")  # warm the file cache and lazy imports
    pyogrio.read_dataframe(store_path, layer="incidents", use_arrow=True)
    return timed(
        lambda: store.read("incidents"),
        lambda: pyogrio.read_dataframe(store_path, layer="incidents", use_arrow=True),
        repeat,
    )


@contextmanager
def postgis_url() -> Iterator[str | None]:
    """Yield the URL of a throwaway PostGIS database (``None`` without the server binaries)."""
    from pg_cluster import find_bin_dir, postgis_cluster

    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    with postgis_cluster(bin_dir) as url:
        yield url


def bench_postgis(url: str, store_path: Path, repeat: int) -> dict[str, Any]:
    import pandas as pd
    import psycopg
    import pyogrio

    from geo.ingest.quarantine import QUARANTINE_COLUMNS
    from geo.schema import LayerKind, layer_spec
    from geo.store import open_store
    from geo.store.postgis import PostgisStore
    from geo.store.protocol import ImportBatch

    incidents = open_store(store_path).read("incidents")
    store = PostgisStore(f"{url}?schema=bench_{len(incidents)}")
    if store.count("incidents") != len(incidents):
        no_quarantine = pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
        batch = ImportBatch(
            "bench", LayerKind.INCIDENTS, store_path.name, "-", incidents, no_quarantine,
            len(incidents),
        )  # fmt: skip
        t0 = time.perf_counter()
        store.apply(batch)
        print(f"imported {len(incidents):,} incidents in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)  # fmt: skip
        # the state autovacuum leaves a freshly loaded table in (hint bits set, statistics),
        # so that its first pass does not run during the timed reads
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'VACUUM ANALYZE "{store.schema}".incidents')
    spec = layer_spec(LayerKind.INCIDENTS)

    def copy_read() -> Any:
        return store._read_copy(spec, thana=None, fids=None)

    fast = store.read("incidents")
    slow = copy_read()
    pd.testing.assert_frame_equal(fast.drop(columns="geometry"), slow.drop(columns="geometry"))
    assert fast.geometry.geom_equals_exact(slow.geometry, 0).all()

    def reference() -> Any:
        return pyogrio.read_dataframe(store_path, layer="incidents", use_arrow=True)

    out = {
        f"adbc_{k}": v for k, v in timed(lambda: store.read("incidents"), reference, repeat).items()
    }
    out.update({f"copy_{k}": v for k, v in timed(copy_read, reference, repeat).items()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/shakti-bench"))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-postgis", action="store_true", help="only the GeoPackage store")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    stores = {n: make_store(n, args.workdir) for n in sizes}
    rows: list[dict[str, Any]] = []
    with postgis_url() as url:
        if url is None and not args.no_postgis:
            print("PostgreSQL with PostGIS not found: scripts/install_postgis.sh", file=sys.stderr)
        for n in sizes:
            row: dict[str, Any] = {"n": n, "load_before": os.getloadavg()[0]}
            row.update({f"gpkg_{k}": v for k, v in bench_gpkg(stores[n], args.repeat).items()})
            if url is not None and not args.no_postgis:
                row.update(bench_postgis(url, stores[n], args.repeat))
            row["load_after"] = os.getloadavg()[0]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)

    shown = [{**r, "load": f"{r['load_before']:.1f}–{r['load_after']:.1f}"} for r in rows]
    print_table(
        f"repeat={args.repeat} (medians; ÷ = median of paired ratios to pyogrio+Arrow)",
        [("incidents", "n", ",", 9), ("pyogrio s", "gpkg_pyogrio_s", ".3f", 9),
         ("gpkg s", "gpkg_s", ".3f", 7), ("÷", "gpkg_ratio", ".2f", 5),
         ("postgis s", "adbc_s", ".3f", 9), ("÷", "adbc_ratio", ".2f", 5),
         ("COPY s", "copy_s", ".3f", 7), ("÷", "copy_ratio", ".2f", 5), ("load", "load", "", 9)],
        shown,
    )  # fmt: skip
    print(json.dumps({"benchmark": "store_read", "repeat": args.repeat, "rows": rows}))


if __name__ == "__main__":
    main()
