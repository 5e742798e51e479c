"""A messy legacy register of demo incidents, with every problem the validator quarantines."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.demo.constants import (
    M_CATEGORY,
    M_DATETIME,
    M_LAT,
    M_LON,
    M_MOBILE,
    M_SOURCE,
    M_SR_NO,
    M_THANA,
    M_VICTIM,
    MESSY_COLUMNS,
    MESSY_PROBLEMS,
    MESSY_ROWS,
)
from geo.demo.places import OUTSIDE_PLACES
from geo.incident_vocab import (
    SOURCE_ANTI_ROMEO,
)
from geo.ingest.quarantine import Reason
from geo.schema import (
    CATEGORY,
    OCCURRED_AT,
    SOURCE,
    THANA_STATED,
)

# --------------------------------------------------------------------------- legacy register


def messy_register(rng: np.random.Generator, incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Build the legacy register: mostly valid rows, each problem class a few times."""
    n_dup = MESSY_PROBLEMS[Reason.DUPLICATE_ID]
    n_base = MESSY_ROWS - n_dup
    pool = np.flatnonzero((incidents[SOURCE] != SOURCE_ANTI_ROMEO).to_numpy(dtype=bool))
    picked = np.sort(rng.choice(pool, size=n_base, replace=False))
    sub = incidents.iloc[picked]
    local = sub[OCCURRED_AT].dt.tz_localize(None)
    iso = rng.random(n_base) < 0.25
    when = np.where(iso, local.dt.strftime("%Y-%m-%d %H:%M"), local.dt.strftime("%d/%m/%Y %H:%M"))
    style = rng.integers(0, 3, n_base)
    stated = sub[THANA_STATED].astype(object).tolist()
    police = [
        "" if pd.isna(s) else (str(s), f"Thana {s}", f"{s} PS")[int(k)]
        for s, k in zip(stated, style, strict=True)
    ]
    records: list[dict[str, str]] = [
        {
            M_DATETIME: str(when[i]),
            M_LAT: f"{sub.geometry.iloc[i].y:.6f}",
            M_LON: f"{sub.geometry.iloc[i].x:.6f}",
            M_CATEGORY: str(sub[CATEGORY].iloc[i]),
            M_SOURCE: str(sub[SOURCE].iloc[i]),
            M_THANA: police[i],
        }
        for i in range(n_base)
    ]

    # Corrupt a random subset, one problem per row.
    problems = [
        r for r, k in MESSY_PROBLEMS.items() if r is not Reason.DUPLICATE_ID for _ in range(k)
    ]
    victims = rng.choice(n_base, size=len(problems), replace=False)
    bad_text = ("25.3O12", "see map", "Godowlia crossing", "83.0l5")
    unparseable = ("31/02/2026 10:00", "yesterday evening", "25/13/2025 18:00", "2026-09-31T25:61")
    future = ("15/03/2031 18:00", "01/01/2031 09:30", "2031-06-12 20:15", "28/11/2031 19:45")
    unknown_cat = ("chain-snatching", "dowry", "theft", "road-accident")
    unknown_src = ("walk-in", "newspaper report")
    counters: dict[Reason, int] = {}
    for row, reason in zip(victims, problems, strict=True):
        rec = records[int(row)]
        k = counters.get(reason, 0)
        counters[reason] = k + 1
        if reason is Reason.MISSING_COORDINATES:
            rec[M_LAT] = ""
            if k % 2:
                rec[M_LON] = ""
        elif reason is Reason.NON_NUMERIC_COORDINATES:
            rec[M_LAT if k % 2 == 0 else M_LON] = bad_text[k % len(bad_text)]
        elif reason is Reason.LAT_LON_SWAPPED:
            rec[M_LAT], rec[M_LON] = rec[M_LON], rec[M_LAT]
        elif reason is Reason.OUTSIDE_REGION:
            lon, lat = OUTSIDE_PLACES[k % len(OUTSIDE_PLACES)]
            rec[M_LAT], rec[M_LON] = f"{lat:.4f}", f"{lon:.4f}"
        elif reason is Reason.INVALID_COORDINATES:
            rec[M_LAT] = ("125.3120", "-95.2040")[k % 2]
        elif reason is Reason.UNPARSEABLE_TIMESTAMP:
            rec[M_DATETIME] = unparseable[k % len(unparseable)]
        elif reason is Reason.FUTURE_TIMESTAMP:
            rec[M_DATETIME] = future[k % len(future)]
        elif reason is Reason.UNKNOWN_CATEGORY:
            rec[M_CATEGORY] = unknown_cat[k % len(unknown_cat)]
        elif reason is Reason.UNKNOWN_VALUE:
            rec[M_SOURCE] = unknown_src[k % len(unknown_src)]
        elif reason is Reason.MISSING_VALUE:
            rec[M_CATEGORY] = ""
    for i, rec in enumerate(records):
        rec[M_SR_NO] = str(i + 1)

    # Duplicate ids: exact copies, and rows reusing another row's number, placed after it.
    problem_rows = {int(v) for v in victims}
    valid_rows = [i for i in range(n_base) if i not in problem_rows]
    sources = rng.choice(valid_rows, size=n_dup, replace=False)
    donors = rng.choice([i for i in valid_rows if i not in set(sources)], size=n_dup, replace=False)
    inserts: list[tuple[int, dict[str, str]]] = []
    for k, (src_row, donor) in enumerate(zip(sources, donors, strict=True)):
        copy = dict(records[int(src_row)] if k % 2 == 0 else records[int(donor)])
        # the same serial at the same thana in the same year: a real collision (serials
        # restart per thana, so ids are thana/serial/year, geo.ingest.ids)
        for column in (M_SR_NO, M_THANA, M_DATETIME):
            copy[column] = records[int(src_row)][column]
        position = int(rng.integers(int(src_row) + 1, n_base + 1))
        inserts.append((position, copy))
    final: list[dict[str, str]] = []
    by_position: dict[int, list[dict[str, str]]] = {}
    for position, rec in inserts:
        by_position.setdefault(position, []).append(rec)
    for i in range(n_base + 1):
        final.extend(by_position.get(i, []))
        if i < n_base:
            final.append(records[i])
    for j, rec in enumerate(final):
        rec[M_VICTIM] = f"Test Name {j + 1}"
        rec[M_MOBILE] = f"90000 {j + 1:05d}"
    frame = pd.DataFrame(final, columns=list(MESSY_COLUMNS))
    return frame.astype(object)
