"""A GPS track as visits: distance and dwell, stops in route order, a place planned twice."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from geo.ingest.gpx_track import TIME
from geo.ingest.visit_rules import PlannedStop, PlanStops
from geo.schema import ARRIVED, LEFT, STATUS
from models.patrol.visits import track_visits

DAY = dt.date(2026, 11, 20)
A, B = (83.0000, 25.3000), (83.0100, 25.3000)  # ~1 km apart
STOPS = PlanStops(
    "P",
    {
        ("T-1", DAY, 1): PlannedStop(*A, "hotspot-1", 12),
        ("T-1", DAY, 2): PlannedStop(*B, "site-S1", 12),
        ("T-1", DAY, 3): PlannedStop(*A, "hotspot-1", 12),  # the same place again later
        ("T-2", DAY, 1): PlannedStop(*B, "site-S1", 12),
    },
)


def track(stays: list[tuple[tuple[float, float], int]]) -> gpd.GeoDataFrame:
    """One point a minute: ``minutes`` at each place in turn, 20 minutes' travel between."""
    t = pd.Timestamp(f"{DAY}T18:00", tz="Asia/Kolkata")
    lons, lats, times = [], [], []
    for (lon, lat), minutes in stays:
        for k in range(minutes + 1):
            lons.append(lon + 0.0003 * (k % 2))  # ~30 m jitter: inside 75 m
            lats.append(lat)
            times.append(t + pd.Timedelta(minutes=k))
        t += pd.Timedelta(minutes=minutes + 20)
    return gpd.GeoDataFrame(
        {TIME: pd.Series(times).dt.tz_convert("UTC")},
        geometry=gpd.points_from_xy(lons, lats),
        crs="EPSG:4326",
    )


def test_a_place_planned_twice_needs_two_stays() -> None:
    rows = track_visits(track([(A, 15), (B, 5)]), STOPS, "T-1", DAY, metric_crs="EPSG:32644")
    assert rows[STATUS].tolist() == ["visited", "cut-short", "missed"]
    assert rows[ARRIVED].iloc[0].startswith(f"{DAY}T12:30")  # UTC of 18:00 IST
    assert rows[LEFT].iloc[0].startswith(f"{DAY}T12:45")
    again = track_visits(
        track([(A, 15), (B, 13), (A, 2), (A, 12)]), STOPS, "T-1", DAY, metric_crs="EPSG:32644"
    )
    assert again[STATUS].tolist() == ["visited", "visited", "visited"]


def test_passing_by_is_not_a_visit_and_other_days_give_nothing() -> None:
    rows = track_visits(track([(A, 2), (B, 1)]), STOPS, "T-1", DAY, metric_crs="EPSG:32644")
    assert set(rows[STATUS]) == {"missed"} and rows[ARRIVED].isna().all()
    none = track_visits(track([(A, 15)]), STOPS, "T-1", DAY + dt.timedelta(days=1))
    assert none.empty
