"""Golden output of models.hotspots.find_hotspots on a small seeded layout with every layer."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.schema import (
    CATEGORY,
    HELD_ON,
    KIND,
    NAME,
    OCCURRED_AT,
    SOURCE,
    STATUS,
    THANA,
    VIEW_RADIUS_M,
)
from models.hotspots import HOTSPOTS_ATTR, find_hotspots

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "find_hotspots.json"
UTM44 = "EPSG:32644"
ORIGIN = np.array([700_000.0, 2_800_000.0])


def _points(xy: np.ndarray, **cols: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(dict(cols), geometry=shapely.points(xy), crs=UTM44)


def _layers(seed: int = 13) -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [900.0, 200.0], [300.0, 1200.0], [1500.0, 1400.0]])
    which = rng.integers(0, 4, 420)
    xy = centres[which] + rng.normal(scale=40.0, size=(420, 2))
    xy = np.vstack([xy, rng.uniform(-300, 1800, size=(60, 2))]) + ORIGIN
    n = len(xy)
    start = pd.Timestamp("2024-01-01 00:00", tz="Asia/Kolkata")
    times = start + pd.to_timedelta(rng.integers(0, 300 * 24 * 60, n), unit="min")
    incidents = _points(
        xy,
        **{
            OCCURRED_AT: times,
            CATEGORY: rng.choice(["stalking", "eve-teasing", "harassment"], n),
            SOURCE: rng.choice(["112", "fir"], n),
            THANA: rng.choice(["Lanka", "Bhelupur"], n),
        },
    )
    sxy = centres[[0, 0, 1, 2, 3, 3]] + rng.normal(scale=80.0, size=(6, 2)) + ORIGIN
    sites = _points(
        sxy,
        **{
            KIND: ["school", "college", "market", "bus_stop", "school", "hostel"],
            NAME: ["A", None, "C", "D", "E", "F"],
        },
    )
    cxy = centres[[0, 1, 1, 2]] + rng.normal(scale=30.0, size=(4, 2)) + ORIGIN
    cctv = _points(
        cxy,
        **{STATUS: ["working", "not working", "working", "working"],
           VIEW_RADIUS_M: [60.0, 40.0, None, 80.0]},
    )  # fmt: skip
    kxy = centres[[0, 2, 3]] + ORIGIN
    campaigns = _points(kxy, **{HELD_ON: ["2024-10-01", "2024-03-05", None]})
    west = shapely.box(*(ORIGIN - 400), ORIGIN[0] + 600, ORIGIN[1] + 2000)
    east = shapely.box(ORIGIN[0] + 600, ORIGIN[1] - 400, *(ORIGIN + 2000))
    thanas = gpd.GeoDataFrame({NAME: ["Lanka", "Bhelupur"]}, geometry=[west, east], crs=UTM44)
    return {"incidents": incidents, "sites": sites, "cctv": cctv, "campaigns": campaigns,
            "thanas": thanas}  # fmt: skip


def _as_json(frame: gpd.GeoDataFrame) -> dict[str, object]:
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table["geometry"] = shapely.to_wkt(frame.geometry.to_numpy(), rounding_precision=7)
    text = table.to_json(orient="split", double_precision=10, date_format="iso")
    return {"table": json.loads(text), "attrs": frame.attrs[HOTSPOTS_ATTR],
            "dtypes": [str(t) for t in frame.dtypes]}  # fmt: skip


CASES = {
    "all_layers": {"eps_m": 90.0, "min_samples": 8},
    "thana_column": {"eps_m": 90.0, "min_samples": 8, "thanas": None, "hull": "buffer"},
    "incidents_only": {"eps_m": 120.0, "min_samples": 12, "sites": None, "cctv": None,
                       "campaigns": None, "thanas": None, "recent_days": 200},
}  # fmt: skip


def _run(case: str) -> dict[str, object]:
    layers = _layers()
    kwargs = {**{k: v for k, v in layers.items() if k != "incidents"}, **CASES[case]}
    return _as_json(find_hotspots(layers["incidents"], **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", list(CASES))
def test_find_hotspots_output_is_unchanged(case: str) -> None:
    got = _run(case)
    if os.environ.get("SHAKTI_WRITE_GOLDEN"):
        stored = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
        stored[case] = got
        GOLDEN.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    want = json.loads(GOLDEN.read_text())[case]
    assert got == want
