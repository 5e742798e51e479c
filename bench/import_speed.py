"""Benchmark: import of N synthetic incidents (default 1M) against a plain pandas→GPKG reference.

Run with ``.venv/bin/python bench/import_speed.py [--incidents N]``. Prints one table and a JSON
line. Times are wall-clock seconds in this process; the ratio against the reference (read the
CSV with pandas, build points, write a GeoPackage with pyogrio, no validation) is what to
compare across machines.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import demo
from geo.ingest import import_file
from geo.ingest.readers import read_table
from geo.ingest.validation import validate
from geo.region import region_from_settings
from geo.settings import Settings
from geo.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=demo.DEMO_SEED)
    args = parser.parse_args()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        data = demo.generate(seed=args.seed, n_incidents=args.incidents)
        files = demo.write_files(data, folder / "files")
        t_gen = time.perf_counter() - t0
        path = files["incidents"]

        # Reference: no validation, no thanas, no atomicity.
        t0 = time.perf_counter()
        frame = pd.read_csv(path)
        ref = gpd.GeoDataFrame(
            frame.drop(columns=["lat", "lon"]),
            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
            crs="EPSG:4326",
        )
        pyogrio.write_dataframe(ref, folder / "ref.gpkg", layer="incidents")
        t_ref = time.perf_counter() - t0

        # Ours, step by step (read, validate) and end to end (import_file into a store
        # that already holds the thanas).
        region = region_from_settings(settings)
        t0 = time.perf_counter()
        raw = read_table(path)
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        validate(raw, "incidents", region, categories=settings.categories)
        t_validate = time.perf_counter() - t0
        store = open_store(folder / "store.gpkg")
        import_file(files["thanas"], "thanas", store, settings=settings)
        t0 = time.perf_counter()
        result = import_file(path, "incidents", store, settings=settings)
        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = import_file(path, "incidents", store, settings=settings)
        t_reimport = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = {
        "incidents": args.incidents,
        "generate_and_write_s": round(t_gen, 2),
        "reference_pandas_to_gpkg_s": round(t_ref, 2),
        "read_s": round(t_read, 2),
        "validate_s": round(t_validate, 2),
        "import_end_to_end_s": round(t_import, 2),
        "reimport_same_file_s": round(t_reimport, 2),
        "ratio_import_vs_reference": round(t_import / t_ref, 2),
        "rows_per_s": round(args.incidents / t_import),
        "accepted": result.summary()["accepted"],
        "reimport_inserted": again.summary()["inserted"],
        "peak_rss_mb": round(peak_mb),
    }
    width = max(map(len, rows))
    for key, value in rows.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
