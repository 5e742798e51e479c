"""Did patrols work? A planted effect is recovered; tiny data are "too few to tell"."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.i18n import use_lang
from geo.schema import OCCURRED_AT
from models.patrol.effect import (
    DID,
    FEWER,
    NO_CLEAR_CHANGE,
    PER_HOTSPOT_COLUMNS,
    TOO_FEW,
    patrol_effect,
)

UTM44 = "EPSG:32644"
T0 = pd.Timestamp("2026-06-01", tz="Asia/Kolkata")


def world(effect: float, *, n: int = 30, seed: int = 1, ring_rise: float = 0.0):  # type: ignore[no-untyped-def]
    """``n`` 100 m hotspots 2 km apart; half patrolled from T0, then rate × (1 + effect)."""
    rng = np.random.default_rng(seed)
    x0, y0 = 700_000.0, 2_800_000.0
    squares, points, times = [], [], []
    started = {}
    for h in range(n):
        cx, cy = x0 + 2000 * (h % 6), y0 + 2000 * (h // 6)
        squares.append(shapely.box(cx - 50, cy - 50, cx + 50, cy + 50))
        rate = rng.uniform(0.15, 0.6)  # incidents a day
        patrolled = h % 2 == 0
        if patrolled:
            started[h] = T0
        for day in range(-120, 120):
            factor = 1 + effect if patrolled and day >= 0 else 1.0
            for _ in range(rng.poisson(rate * factor)):
                points.append((cx + rng.uniform(-45, 45), cy + rng.uniform(-45, 45)))
                times.append(T0 + pd.Timedelta(days=day, minutes=int(rng.integers(0, 1440))))
            ring = 1 + ring_rise if patrolled and day >= 0 else 1.0
            for _ in range(rng.poisson(0.2 * ring)):
                points.append((cx + 350, cy + rng.uniform(-40, 40)))  # in the 250–500 m ring
                times.append(T0 + pd.Timedelta(days=day, minutes=int(rng.integers(0, 1440))))
    hotspots = gpd.GeoSeries(squares, crs=UTM44).to_crs("EPSG:4326")
    xy = np.array(points)
    incidents = gpd.GeoDataFrame(
        {OCCURRED_AT: pd.Series(times)},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=UTM44,
    ).to_crs("EPSG:4326")
    return incidents, hotspots, started


def test_recovers_a_planted_halving_with_an_interval() -> None:
    incidents, hotspots, started = world(-0.5)
    result = patrol_effect(incidents, hotspots, started, seed=3, bootstrap=500, metric_crs=UTM44)
    assert result.verdict == FEWER and result.treated == 15 and result.controls == 15
    expected = -0.5 * result.pre_mean  # half of what they had before
    assert result.ci_low < expected < result.ci_high
    assert abs(result.estimate - expected) < 0.25 * abs(expected)
    assert result.ring_ci_low < 0 < result.ring_ci_high  # no displacement planted
    assert tuple(result.per_hotspot.columns) == PER_HOTSPOT_COLUMNS
    assert result.estimate == result.per_hotspot[DID].mean()
    again = patrol_effect(incidents, hotspots, started, seed=3, bootstrap=500, metric_crs=UTM44)
    assert (again.ci_low, again.ci_high) == (result.ci_low, result.ci_high)  # seeded


def test_no_effect_and_displacement_are_told_apart() -> None:
    incidents, hotspots, started = world(0.0, ring_rise=1.5, seed=2)
    result = patrol_effect(incidents, hotspots, started, seed=3, bootstrap=500, metric_crs=UTM44)
    assert result.verdict == NO_CLEAR_CHANGE
    assert result.ring_ci_low > 0  # the planted rise around the hotspots shows
    assert "displacement" in result.text


def test_tiny_data_are_too_few_to_tell_in_both_languages() -> None:
    incidents, hotspots, started = world(-0.5, n=6)
    result = patrol_effect(incidents, hotspots, started, metric_crs=UTM44)
    assert result.verdict == TOO_FEW and np.isnan(result.estimate)
    assert result.text.startswith("too few data to tell: 3 patrolled hotspots")
    # the incidents before patrolling are counted, not reported as 0: 56 days at 0.15–0.6 a day
    pre = int(re.search(r"and (\d+) incidents before", result.text).group(1))  # type: ignore[union-attr]
    assert 3 * 56 * 0.15 < pre < 3 * 56 * 0.6 * 1.5
    with use_lang("hi"):
        hindi = patrol_effect(incidents.iloc[:0], hotspots, started, metric_crs=UTM44)
    assert hindi.verdict == TOO_FEW
