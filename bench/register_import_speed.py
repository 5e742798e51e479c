"""Benchmark: reading and validating a 1M-row police register, as a ratio vs pandas.read_csv.

Run with ``.venv/bin/python bench/register_import_speed.py [--rows N] [--demo]``. The register
is built in code like a Varanasi thana's export: serial numbers restarting per thana, day-first
dates with 24-hour, 12-hour and Hindi times of day, Devanagari digits, month-only and date-only
rows, rows without an id. ``--demo`` measures the demo generator's incidents CSV (ISO 8601) as
well. Every time is wall-clock seconds in this one process; the ratio to ``pandas.read_csv`` of
the same file (all columns as text) is what to compare across machines. Prints a table and a
JSON line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geo.ingest.readers import read_table
from geo.ingest.validation import validate
from geo.region import region_from_settings
from geo.settings import Settings

THANAS = ("Lanka", "Bhelupur", "Chetganj", "Kotwali", "Sigra", "Cantt", "Sarnath", "Chowk")
_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
_MONTHS = np.array(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
)


def build_register(n: int, seed: int = 7) -> pd.DataFrame:
    """Return ``n`` register rows (text), deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    thana = rng.integers(0, len(THANAS), n)
    serial = np.zeros(n, dtype=np.int64)
    for t in range(len(THANAS)):
        at = np.flatnonzero(thana == t)
        serial[at] = np.arange(1, at.size + 1)
    start = np.datetime64("2024-01-01T00:00")
    minutes = rng.integers(0, 2 * 365 * 24 * 60, n)
    when = pd.DatetimeIndex(start + minutes.astype("timedelta64[m]"))
    dd, mm, yy = when.strftime("%d"), when.strftime("%m"), when.strftime("%Y")
    hh, mi = when.hour.to_numpy(), when.strftime("%M")
    form = rng.choice(6, n, p=[0.45, 0.2, 0.1, 0.1, 0.1, 0.05])
    text = pd.Series(dd + "/" + mm + "/" + yy + " " + when.strftime("%H:%M"))
    h12 = np.where(hh % 12 == 0, 12, hh % 12).astype(str)
    ampm = np.where(hh < 12, "AM", "PM")
    alt = pd.Series(
        dd + "-" + _MONTHS[when.month.to_numpy() - 1] + "-" + yy + " " + h12 + ":" + mi + " " + ampm
    )
    text[form == 1] = alt[form == 1]
    period = np.where(hh < 12, "सुबह", np.where(hh < 17, "दोपहर", np.where(hh < 20, "शाम", "रात")))
    hindi = pd.Series(dd + "/" + mm + "/" + yy + " " + period + " " + h12 + ":" + mi).str.translate(
        _DEVANAGARI
    )
    text[form == 2] = hindi[form == 2]
    short = pd.Series(dd + "." + mm + "." + pd.Index(yy).str[2:])
    text[form == 3] = short[form == 3]
    iso = pd.Series(when.strftime("%Y-%m-%dT%H:%M"))
    text[form == 4] = iso[form == 4]
    month = pd.Series(yy + "-" + mm)
    text[form == 5] = month[form == 5]
    ids = pd.Series(serial.astype(str))
    ids[rng.random(n) < 0.05] = ""
    return pd.DataFrame(
        {
            "id": ids,
            "lat": np.round(25.25 + rng.random(n) * 0.1, 6).astype(str),
            "lon": np.round(82.95 + rng.random(n) * 0.1, 6).astype(str),
            "occurred_at": text,
            "category": rng.choice(["eve-teasing", "stalking", "harassment", "cyber"], n),
            "source": rng.choice(["complaint", "helpline-call"], n),
            "thana": np.asarray(THANAS, dtype=object)[thana],
        }
    )


def measure(path: Path, settings: Settings) -> dict[str, float | int]:
    """Return the seconds of pandas.read_csv, read_table and validate on one file."""
    t0 = time.perf_counter()
    plain = pd.read_csv(path, dtype=str, keep_default_na=False)
    t_pandas = time.perf_counter() - t0
    t0 = time.perf_counter()
    raw = read_table(path)
    t_read = time.perf_counter() - t0
    region = region_from_settings(settings)
    t0 = time.perf_counter()
    report = validate(raw, "incidents", region, categories=settings.categories)
    t_validate = time.perf_counter() - t0
    summary = report.summary()
    return {
        "rows": len(plain),
        "pandas_read_csv_s": round(t_pandas, 2),
        "read_table_s": round(t_read, 2),
        "validate_s": round(t_validate, 2),
        "ratio_read_vs_pandas": round(t_read / t_pandas, 2),
        "ratio_read_validate_vs_pandas": round((t_read + t_validate) / t_pandas, 2),
        "accepted": summary["accepted"],
        "quarantined": summary["quarantined"],
        "ids_derived": summary.get("ids_derived", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--demo", action="store_true", help="also measure the demo incidents CSV")
    args = parser.parse_args()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    results: dict[str, dict[str, float | int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "register.csv"
        build_register(args.rows).to_csv(path, index=False)
        results["register"] = measure(path, settings)
        if args.demo:
            from geo import demo

            files = demo.write_files(demo.generate(n_incidents=args.rows), folder / "demo")
            results["demo"] = measure(files["incidents"], settings)
    for name, rows in results.items():
        print(name)
        width = max(map(len, rows))
        for key, value in rows.items():
            print(f"  {key:<{width}}  {value}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
