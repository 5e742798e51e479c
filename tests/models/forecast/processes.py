"""Point processes with a known answer, built in code (metres, UTM 44N near Varanasi)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.schema import KIND, OCCURRED_AT

CRS = "EPSG:32644"
#: The square study area: SIDE_M metres from (X0, Y0).
X0, Y0, SIDE_M = 700_000.0, 2_800_000.0, 2_000.0
DAYS = 200.0
START = pd.Timestamp("2026-01-01", tz="Asia/Kolkata")


def frame(xs: np.ndarray, ys: np.ndarray, days: np.ndarray) -> gpd.GeoDataFrame:
    """Incidents at metres (x, y) from the area's corner, ``days`` after START."""
    inside = (xs >= 0) & (xs < SIDE_M) & (ys >= 0) & (ys < SIDE_M) & (days < DAYS)
    xs, ys, days = xs[inside], ys[inside], days[inside]
    order = np.argsort(days, kind="stable")
    times = START + pd.to_timedelta(days[order], unit="D")
    return gpd.GeoDataFrame(
        {OCCURRED_AT: times},
        geometry=shapely.points(X0 + xs[order], Y0 + ys[order]),
        crs=CRS,
    ).reset_index(drop=True)


def poisson(rate_per_day: float, seed: int) -> gpd.GeoDataFrame:
    """A homogeneous Poisson process: no place or time is riskier than another."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(rate_per_day * DAYS)
    return frame(rng.uniform(0, SIDE_M, n), rng.uniform(0, SIDE_M, n), rng.uniform(0, DAYS, n))


def near_repeat(
    background_per_day: float,
    offspring: float,
    time_scale_d: float,
    distance_m: float,
    seed: int,
) -> gpd.GeoDataFrame:
    """A Hawkes process: uniform background, each incident triggering more nearby, soon after."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(background_per_day * DAYS)
    xs, ys, ts = [rng.uniform(0, SIDE_M, n)], [rng.uniform(0, SIDE_M, n)], [rng.uniform(0, DAYS, n)]
    parents = (xs[0], ys[0], ts[0])
    while len(parents[0]):
        k = rng.poisson(offspring, len(parents[0]))
        px, py, pt = (np.repeat(p, k) for p in parents)
        child = (
            px + rng.normal(0, distance_m, len(px)),
            py + rng.normal(0, distance_m, len(px)),
            pt + rng.exponential(time_scale_d, len(px)),
        )
        keep = child[2] < DAYS
        parents = tuple(c[keep] for c in child)  # type: ignore[assignment]
        xs.append(parents[0])
        ys.append(parents[1])
        ts.append(parents[2])
    return frame(np.concatenate(xs), np.concatenate(ys), np.concatenate(ts))


def site_driven(
    n_sites: int, per_site_per_day: float, background_per_day: float, seed: int
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Incidents within ~60 m of colleges (sparse at each one) over a uniform background.

    Returns the incidents and the sites layer (kind ``college``).
    """
    rng = np.random.default_rng(seed)
    sx, sy = rng.uniform(100, SIDE_M - 100, n_sites), rng.uniform(100, SIDE_M - 100, n_sites)
    n_bg = rng.poisson(background_per_day * DAYS)
    n_site = rng.poisson(per_site_per_day * DAYS, n_sites)
    which = np.repeat(np.arange(n_sites), n_site)
    xs = np.r_[rng.uniform(0, SIDE_M, n_bg), sx[which] + rng.normal(0, 30, len(which))]
    ys = np.r_[rng.uniform(0, SIDE_M, n_bg), sy[which] + rng.normal(0, 30, len(which))]
    days = rng.uniform(0, DAYS, n_bg + len(which))
    sites = gpd.GeoDataFrame(
        {KIND: ["college"] * n_sites}, geometry=shapely.points(X0 + sx, Y0 + sy), crs=CRS
    )
    return frame(xs, ys, days), sites
