"""Emerging hot spot analysis: ArcGIS pattern rules, time bins, hand-built space-time cubes."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import ParameterError
from geo.schema import OCCURRED_AT
from models.surfaces.emerging import (
    CONSECUTIVE_COLD,
    CONSECUTIVE_HOT,
    DIMINISHING_COLD,
    DIMINISHING_HOT,
    FINAL_Z,
    HISTORICAL_COLD,
    HISTORICAL_HOT,
    INTENSIFYING_COLD,
    INTENSIFYING_HOT,
    N_BINS,
    N_COLD,
    N_HOT,
    NEW_COLD,
    NEW_HOT,
    NO_PATTERN,
    OSCILLATING_COLD,
    OSCILLATING_HOT,
    PATTERN,
    PATTERN_CODE,
    PATTERN_CODES,
    PATTERNS,
    PERSISTENT_COLD,
    PERSISTENT_HOT,
    SPORADIC_COLD,
    SPORADIC_HOT,
    TREND_P,
    TREND_Z,
    classify_series,
    emerging_hotspots,
    mann_kendall,
    space_time_gi,
    time_bin_edges,
)
from models.surfaces.grid import AREA_KM2, CELL_ID, COUNT

TZ = "Asia/Kolkata"
UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0
CELL = 100.0
SIDE = 16  # 16 x 16 cells
START = dt.date(2026, 1, 5)
WEEKS = 20
END = START + dt.timedelta(days=7 * WEEKS - 1)

UP, DOWN, FLAT = (3.0, 0.001), (-3.0, 0.001), (0.2, 0.8)


def series(text: str) -> tuple[list[bool], list[bool]]:
    """'H' hot, 'C' cold, '.' neither — oldest first."""
    return [ch == "H" for ch in text], [ch == "C" for ch in text]


# --------------------------------------------------------------------------- the rules

CASES = [
    # (bins, trend, expected)
    ("." * 9 + "H", FLAT, NEW_HOT),
    ("." * 9 + "C", FLAT, NEW_COLD),
    ("." * 7 + "HHH", FLAT, CONSECUTIVE_HOT),
    ("." * 7 + "CCC", FLAT, CONSECUTIVE_COLD),
    ("H" * 10, UP, INTENSIFYING_HOT),
    (".HHHHHHHHH", UP, INTENSIFYING_HOT),  # 90 % incl. the final bin
    ("C" * 10, DOWN, INTENSIFYING_COLD),
    ("H" * 10, FLAT, PERSISTENT_HOT),
    ("HHHH.HHHHH", FLAT, PERSISTENT_HOT),
    ("C" * 10, FLAT, PERSISTENT_COLD),
    ("H" * 10, DOWN, DIMINISHING_HOT),
    ("C" * 10, UP, DIMINISHING_COLD),
    ("..H..H...H", FLAT, SPORADIC_HOT),
    ("H......HHH", FLAT, SPORADIC_HOT),  # hot before the final run: not consecutive
    ("..C.C....C", FLAT, SPORADIC_COLD),
    ("..C..C...H", FLAT, OSCILLATING_HOT),
    ("C........H", FLAT, OSCILLATING_HOT),  # history of cold beats "new"
    ("H..H.....C", FLAT, OSCILLATING_COLD),
    ("HHHHHHHHH.", FLAT, HISTORICAL_HOT),
    ("HHHHHHHHH.", DOWN, HISTORICAL_HOT),
    ("CCCCCCCCC.", FLAT, HISTORICAL_COLD),
    ("." * 10, UP, NO_PATTERN),
    ("..HH..H...", FLAT, NO_PATTERN),  # hot earlier, not in the final bin, < 90 %
    ("..CC......", DOWN, NO_PATTERN),
]


@pytest.mark.parametrize(("bins", "trend", "expected"), CASES)
def test_classify_series(bins: str, trend: tuple[float, float], expected: str) -> None:
    hot, cold = series(bins)
    assert classify_series(hot, cold, *trend) == expected


def test_every_pattern_is_covered_and_coded() -> None:
    assert {expected for _, _, expected in CASES} == set(PATTERNS)
    assert len(PATTERNS) == 17
    assert PATTERN_CODES[NEW_HOT] == 1 and PATTERN_CODES[HISTORICAL_HOT] == 8
    assert PATTERN_CODES[NEW_COLD] == -1 and PATTERN_CODES[NO_PATTERN] == 0


def test_classify_series_edges() -> None:
    # exactly 90 % hot (9 of 10) is "90 % of the bins"; 8 of 10 is not
    assert classify_series(*series("H.HHHHHHHH"), *FLAT) == PERSISTENT_HOT
    assert classify_series(*series("H..HHHHHHH"), *FLAT) == SPORADIC_HOT
    # a trend is significant only below trend_alpha; NaN means none
    assert classify_series(*series("H" * 10), 3.0, 0.04, trend_alpha=0.01) == PERSISTENT_HOT
    assert classify_series(*series("H" * 10), float("nan"), float("nan")) == PERSISTENT_HOT
    # a one-bin series that is hot is hot in 100 % of its bins
    assert classify_series([True], [False], 0.0, 1.0) == PERSISTENT_HOT
    with pytest.raises(ParameterError, match="both a hot and a cold spot"):
        classify_series([True, False], [True, False], 0.0, 1.0)
    with pytest.raises(ParameterError, match="equal length"):
        classify_series([True], [False, False], 0.0, 1.0)


def test_mann_kendall_uses_pymannkendall() -> None:
    z, p = mann_kendall(np.arange(10.0))
    assert z > 3 and p < 0.01
    assert mann_kendall(np.ones(10)) == (0.0, 1.0)


# --------------------------------------------------------------------------- time bins


def test_weekly_bins_are_whole_and_end_with_the_last_day() -> None:
    tz_times = pd.Series(pd.to_datetime(["2026-01-01 10:00", "2026-05-31 23:00"]).tz_localize(TZ))
    edges = time_bin_edges(tz_times, bin="W")
    assert edges[-1] == pd.Timestamp("2026-06-01", tz=TZ)
    assert (np.diff(edges.as_unit("ns").asi8) == pd.Timedelta(days=7).value).all()
    assert edges[0] == pd.Timestamp("2026-01-05", tz=TZ)  # 151 days hold 21 whole weeks
    assert len(edges) - 1 == 21
    monthly = time_bin_edges(tz_times, bin="M")
    assert list(monthly) == list(pd.date_range("2026-01-01", "2026-06-01", freq="MS", tz=TZ))
    fixed = time_bin_edges(
        tz_times, bin=pd.Timedelta(days=14), start="2026-01-01", end="2026-02-25"
    )
    assert len(fixed) - 1 == 4
    with pytest.raises(ParameterError, match="whole time bins"):
        time_bin_edges(tz_times, bin="M", end="2026-02-10")
    with pytest.raises(ParameterError, match="is not a duration"):
        time_bin_edges(tz_times, bin="fortnightly")


# --------------------------------------------------------------------------- hand-built cubes


def make_incidents(
    planted: dict[tuple[int, int], list[int]], *, background: int = 40, seed: int = 0
) -> gpd.GeoDataFrame:
    """Uniform background each week plus ``planted[(col, row)][week]`` points in a cell."""
    rng = np.random.default_rng(seed)
    xs: list[float] = []
    ys: list[float] = []
    weeks: list[int] = []
    for week in range(WEEKS):
        xs += list(X0 + rng.uniform(0, SIDE * CELL, background))
        ys += list(Y0 + rng.uniform(0, SIDE * CELL, background))
        weeks += [week] * background
    for (col, row), counts in planted.items():
        for week, k in enumerate(counts):
            xs += list(X0 + col * CELL + rng.uniform(10, 90, k))
            ys += list(Y0 + row * CELL + rng.uniform(10, 90, k))
            weeks += [week] * k
    days = rng.integers(0, 7, len(weeks))
    start = pd.Timestamp(START, tz=TZ) + pd.Timedelta(hours=12)
    times = [start + pd.Timedelta(days=7 * w + int(d)) for w, d in zip(weeks, days, strict=True)]
    frame = gpd.GeoDataFrame(
        {OCCURRED_AT: pd.DatetimeIndex(times)}, geometry=gpd.points_from_xy(xs, ys), crs=UTM
    )
    return frame.to_crs("EPSG:4326")


def cell_id(col: int, row: int) -> str:
    return f"sq100m_{int(X0 // CELL) + col}_{int(Y0 // CELL) + row}"


def pattern_of(out: gpd.GeoDataFrame, col: int, row: int) -> str:
    return str(out.set_index(CELL_ID).loc[cell_id(col, row), PATTERN])


def test_new_and_consecutive_hot_spots() -> None:
    incidents = make_incidents({(4, 15): [0] * 19 + [10], (12, 4): [0] * 17 + [10] * 3})
    before = incidents.copy()
    out = emerging_hotspots(incidents, cell_m=CELL, start=START, end=END)
    assert pattern_of(out, 4, 15) == NEW_HOT
    assert pattern_of(out, 12, 4) == CONSECUTIVE_HOT
    row = out.set_index(CELL_ID).loc[cell_id(12, 4)]
    assert row[N_HOT] == 3 and row[N_COLD] == 0 and row[N_BINS] == WEEKS
    assert out.crs.to_epsg() == 4326
    assert list(out.columns) == [
        CELL_ID, COUNT, N_BINS, N_HOT, N_COLD, FINAL_Z, TREND_Z, TREND_P, PATTERN,
        PATTERN_CODE, AREA_KM2, "geometry",
    ]  # fmt: skip
    assert (out[COUNT] > 0).all()  # as ArcGIS: only cells with incidents without a mask
    assert out[COUNT].sum() == len(incidents)
    assert set(out[PATTERN]) <= set(PATTERNS)
    pd.testing.assert_frame_equal(incidents, before)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (list(range(4, 24)), INTENSIFYING_HOT),
        (list(range(23, 3, -1)), DIMINISHING_HOT),
        ([10] * 20, PERSISTENT_HOT),
        ([10] * 19 + [0], HISTORICAL_HOT),
    ],
)
def test_long_running_hot_spots(counts: list[int], expected: str) -> None:
    out = emerging_hotspots(
        make_incidents({(10, 10): counts}, seed=2), cell_m=CELL, start=START, end=END
    )
    assert pattern_of(out, 10, 10) == expected


def test_cube_is_aligned_and_deterministic_with_permutations() -> None:
    incidents = make_incidents({(12, 4): [0] * 17 + [10] * 3}, background=20)
    end = START + dt.timedelta(days=7 * 8 - 1)  # the first 8 weeks
    kwargs = {"cell_m": CELL, "start": START, "end": end, "permutations": 19, "fdr": False}
    cube = space_time_gi(incidents, seed=4, **kwargs)  # type: ignore[arg-type]
    assert cube.n_bins == 8
    assert cube.counts.shape == cube.gi_z.shape == cube.hot.shape == (len(cube.grid), 8)
    assert list(cube.counts.index) == list(cube.grid[CELL_ID])
    assert list(cube.counts.columns) == list(cube.edges[:-1])
    assert not (cube.hot & cube.cold).to_numpy().any()
    again = space_time_gi(incidents, seed=4, **kwargs)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(cube.gi_p, again.gi_p)
    other = space_time_gi(incidents, seed=5, **kwargs)  # type: ignore[arg-type]
    assert not np.array_equal(cube.gi_p.to_numpy(), other.gi_p.to_numpy())
    pd.testing.assert_frame_equal(cube.gi_z, other.gi_z)  # z does not depend on the seed


def test_study_area_keeps_every_cell_and_h3_works() -> None:
    incidents = make_incidents({(12, 4): [0] * 17 + [10] * 3}, background=20)
    area_metric = shapely.box(X0, Y0, X0 + SIDE * CELL, Y0 + SIDE * CELL).buffer(-1)
    area = gpd.GeoSeries([area_metric], crs=UTM).to_crs("EPSG:4326").iloc[0]
    out = emerging_hotspots(incidents, cell_m=CELL, start=START, end=END, study_area=area)
    assert len(out) == SIDE * SIDE
    assert (out[COUNT] == 0).any()
    hexes = emerging_hotspots(incidents, cell_m=CELL, grid="h3", start=START, end=END)
    assert hexes.crs.to_epsg() == 4326 and hexes[CELL_ID].is_unique


def test_errors() -> None:
    incidents = make_incidents({}, background=10)
    with pytest.raises(ParameterError, match="no 'occurred_at' column"):
        emerging_hotspots(incidents.drop(columns=OCCURRED_AT), cell_m=CELL)
    with pytest.raises(ParameterError, match="no 'when' column"):
        emerging_hotspots(incidents, cell_m=CELL, time_column="when")
    with pytest.raises(ParameterError, match="no points to analyse"):
        emerging_hotspots(incidents.iloc[:0], cell_m=CELL)
    with pytest.raises(ParameterError, match="cell_m must be a positive number"):
        emerging_hotspots(incidents, cell_m=-1)
    with pytest.raises(ParameterError, match="whole time bins"):
        emerging_hotspots(incidents, cell_m=CELL, bin="90D")
    with pytest.raises(ParameterError, match="does not hold date-times"):
        emerging_hotspots(incidents.assign(**{OCCURRED_AT: "yesterday"}), cell_m=CELL)
