"""Hour and weekday profiles use only incidents precise enough, and say how many they left out."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.schema import OCCURRED_AT, TIME_PRECISION
from models.hotspots import find_hotspots
from models.hotspots.columns import HOTSPOTS_ATTR, HOUR_PROFILE, NOTES, WEEKDAY_PROFILE


def incidents(precision: list[str] | None) -> gpd.GeoDataFrame:
    n = 30
    rng = np.random.default_rng(3)
    times = pd.Series(
        pd.Timestamp("2026-10-01 18:30", tz="Asia/Kolkata")
        + pd.to_timedelta(np.arange(n), unit="D")
    )
    frame = gpd.GeoDataFrame(
        {OCCURRED_AT: times},
        geometry=gpd.points_from_xy(83.0 + rng.normal(0, 1e-4, n), 25.3 + rng.normal(0, 1e-4, n)),
        crs=WGS84,
    )
    if precision is not None:
        frame[TIME_PRECISION] = (precision * n)[:n]
    return frame


def test_day_and_month_rows_are_left_out_and_counted() -> None:
    exact = find_hotspots(incidents(None), eps_m=100, min_samples=5)
    assert sum(exact[HOUR_PROFILE].iloc[0]) == 30
    assert "time of day" not in exact[NOTES].iloc[0]
    mixed = find_hotspots(incidents(["exact", "day", "month"]), eps_m=100, min_samples=5)
    assert sum(mixed[HOUR_PROFILE].iloc[0]) == 10
    assert sum(mixed[WEEKDAY_PROFILE].iloc[0]) == 20
    assert "20 incident(s) here have no time of day" in mixed[NOTES].iloc[0]
    assert "10 incident(s) here have only a month" in mixed[NOTES].iloc[0]
    notes = mixed.attrs[HOTSPOTS_ATTR]["notes"]
    assert any("20 incident(s) have no time of day" in n for n in notes)


def test_missing_precision_reads_as_exact() -> None:
    frame = incidents(["exact"])
    frame[TIME_PRECISION] = None
    out = find_hotspots(frame, eps_m=100, min_samples=5)
    assert sum(out[HOUR_PROFILE].iloc[0]) == 30
