"""Emerging hot spot analysis like ArcGIS: Gi* per time bin, Mann-Kendall trend, 17 patterns."""

# How it works (after ArcGIS Pro, "How Emerging Hot Spot Analysis works"):
#
# 1. Space-time cube: the incidents are counted per grid cell (models.surfaces.grid) and per
#    time bin.
#    Bins have one length (e.g. 7 days) laid back from the end of the last day; only whole bins
#    are used, so a partial first bin (fewer days, hence fewer incidents) cannot fake a trend.
#    "M" gives calendar months instead.
# 2. Gi* per bin: esda's Gi* of each time slice with SPATIAL neighbours in the same bin only
#    (ArcGIS can also add neighbouring time steps; we do not), binary weights with self, FDR
#    (Benjamini-Hochberg) within each bin, as ArcGIS applies. A bin is a hot (cold) spot when
#    its Gi* is significant at ``alpha`` (default 0.10, i.e. any of ArcGIS's 90/95/99 % bins)
#    with z > 0 (z < 0). Default permutations=0: normal p-values, as ArcGIS computes them;
#    weekly bins are sparse, and permutation p-values (floor 2/(P+1)) rarely survive the FDR.
# 3. Trend: Mann-Kendall (pymannkendall ``original_test``) of each cell's series of Gi* z.
# 4. Pattern: :func:`classify_series`, the ArcGIS definitions below.
#
# ArcGIS's definitions (hot; cold ones mirror them, "intensifying cold" meaning z falling):
#   New          hot in the final bin, never hot before.
#   Consecutive  a single uninterrupted run of >= 2 hot bins ending with the final bin, never
#                hot before the run, < 90 % of the bins hot.
#   Intensifying hot in >= 90 % of the bins incl. the final one; significant increasing trend.
#   Persistent   hot in >= 90 % of the bins; no significant trend.
#   Diminishing  hot in >= 90 % of the bins incl. the final one; significant decreasing trend.
#   Sporadic     hot in the final bin, on-again off-again before; < 90 % hot; never cold.
#   Oscillating  hot in the final bin, cold in some earlier bin; < 90 % hot.
#   Historical   the final bin is not hot, but >= 90 % of the bins were hot.
# The text overlaps in three places; the order used, and why:
#   * ">= 90 % hot" patterns are decided first, by the final bin: hot → intensifying /
#     diminishing / persistent by the trend; not hot → historical (the one pattern defined by
#     a non-hot final bin), so "persistent" here also has a hot final bin.
#   * A cell with any cold bin and a hot final bin is oscillating, never new/consecutive/
#     sporadic (sporadic excludes cold bins explicitly; new/consecutive are read likewise).
#   * ">= 90 % hot" (decided first) wins over the final-bin cold patterns.
# Sporadic requires the final bin hot, as in the current ArcGIS Pro / AllSource text ("a
# statistically significant hot spot for the final time-step interval with a history of also
# being an on-again and off-again hot spot"); older ArcMap text omitted that condition.

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, Required, TypedDict, Unpack

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pymannkendall as mk

from geo.errors import ParameterError
from geo.i18n import NP_, _, ngettext, pgettext
from geo.schema import OCCURRED_AT
from models.arrays import BoolArray
from models.selection import IMPRECISE_LEFT_OUT
from models.surfaces.grid import (
    COUNT,
    GridKind,
    StudyArea,
    cell_frame,
    count_in_cells,
    make_grid,
    precise_points,
    valid_points,
)
from models.surfaces.mann_kendall import mann_kendall_rows
from models.surfaces.significance import cell_weights, gi_star_values

logger = logging.getLogger(__name__)


# ---- patterns (ArcGIS's names) ----
NO_PATTERN: Final = NP_("emerging pattern", "No Pattern Detected")
NEW_HOT: Final = NP_("emerging pattern", "New Hot Spot")
CONSECUTIVE_HOT: Final = NP_("emerging pattern", "Consecutive Hot Spot")
INTENSIFYING_HOT: Final = NP_("emerging pattern", "Intensifying Hot Spot")
PERSISTENT_HOT: Final = NP_("emerging pattern", "Persistent Hot Spot")
DIMINISHING_HOT: Final = NP_("emerging pattern", "Diminishing Hot Spot")
SPORADIC_HOT: Final = NP_("emerging pattern", "Sporadic Hot Spot")
OSCILLATING_HOT: Final = NP_("emerging pattern", "Oscillating Hot Spot")
HISTORICAL_HOT: Final = NP_("emerging pattern", "Historical Hot Spot")
NEW_COLD: Final = NP_("emerging pattern", "New Cold Spot")
CONSECUTIVE_COLD: Final = NP_("emerging pattern", "Consecutive Cold Spot")
INTENSIFYING_COLD: Final = NP_("emerging pattern", "Intensifying Cold Spot")
PERSISTENT_COLD: Final = NP_("emerging pattern", "Persistent Cold Spot")
DIMINISHING_COLD: Final = NP_("emerging pattern", "Diminishing Cold Spot")
SPORADIC_COLD: Final = NP_("emerging pattern", "Sporadic Cold Spot")
OSCILLATING_COLD: Final = NP_("emerging pattern", "Oscillating Cold Spot")
HISTORICAL_COLD: Final = NP_("emerging pattern", "Historical Cold Spot")
HOT_PATTERNS: Final = (
    NEW_HOT, CONSECUTIVE_HOT, INTENSIFYING_HOT, PERSISTENT_HOT, DIMINISHING_HOT, SPORADIC_HOT,
    OSCILLATING_HOT, HISTORICAL_HOT,
)  # fmt: skip
COLD_PATTERNS: Final = (
    NEW_COLD, CONSECUTIVE_COLD, INTENSIFYING_COLD, PERSISTENT_COLD, DIMINISHING_COLD,
    SPORADIC_COLD, OSCILLATING_COLD, HISTORICAL_COLD,
)  # fmt: skip
#: Every pattern: no pattern, the hot ones, the cold ones.
PATTERNS: Final = (NO_PATTERN, *HOT_PATTERNS, *COLD_PATTERNS)


def pattern_name(pattern: object) -> str:
    """Return an emerging-trend pattern as people read it, in the current language.

    The stored value (:data:`PATTERN`) stays English; an unknown value is shown as it is.

    Examples
    --------
    >>> pattern_name(NEW_HOT)
    'New Hot Spot'
    """
    return pgettext("emerging pattern", str(pattern))


#: ArcGIS's CATEGORY codes: 1..8 hot (new … historical), -1..-8 cold, 0 no pattern.
PATTERN_CODES: Final = {
    NO_PATTERN: 0,
    **{name: i for i, name in enumerate(HOT_PATTERNS, start=1)},
    **{name: -i for i, name in enumerate(COLD_PATTERNS, start=1)},
}

# ---- output columns ----
N_BINS: Final = "n_bins"
N_HOT: Final = "n_hot_bins"
N_COLD: Final = "n_cold_bins"
FINAL_Z: Final = "final_gi_z"
TREND_Z: Final = "trend_z"
TREND_P: Final = "trend_p"
PATTERN: Final = "pattern"
PATTERN_CODE: Final = "pattern_code"

#: Share of bins that makes a persistent/intensifying/diminishing/historical spot.
SHARE: Final = 0.9
#: Default significance of a hot/cold bin (90 % confidence, after FDR).
DEFAULT_BIN_ALPHA: Final = 0.10
#: Default significance of the Mann-Kendall trend.
DEFAULT_TREND_ALPHA: Final = 0.05
#: Fewest time bins accepted (Mann-Kendall has no power below this; ten or more advised).
MIN_BINS: Final = 4
#: ``bin=`` value for calendar months.
MONTHLY: Final = "M"


# --------------------------------------------------------------------------- classification


def _final_run(flags: BoolArray) -> int:
    """Return the length of the run of True at the end of ``flags``."""
    if not flags[-1]:
        return 0
    falses = np.flatnonzero(~flags)
    return len(flags) if len(falses) == 0 else len(flags) - 1 - int(falses[-1])


def _final_bin_pattern(own: BoolArray, other: BoolArray, names: Sequence[str]) -> str:
    """Pattern of a cell whose final bin is ``own`` and < 90 % of whose bins are ``own``."""
    new, consecutive, sporadic, oscillating = names
    if other.any():
        return oscillating
    n_own = int(own.sum())
    if n_own == 1:
        return new
    run = _final_run(own)
    if run >= 2 and run == n_own:
        return consecutive
    return sporadic


def classify_series(
    hot: Sequence[bool] | BoolArray,
    cold: Sequence[bool] | BoolArray,
    trend_z: float,
    trend_p: float,
    *,
    trend_alpha: float = DEFAULT_TREND_ALPHA,
) -> str:
    """Return the ArcGIS emerging hot spot pattern of one cell's series of bins.

    Parameters
    ----------
    hot, cold : sequence of bool
        Whether each bin (oldest first) is a significant hot / cold spot; never both.
    trend_z, trend_p : float
        Mann-Kendall z and two-sided p of the cell's Gi* z-scores (NaN: no trend).
    trend_alpha : float, default 0.05
        Significance of the trend.

    Returns
    -------
    str
        One of :data:`PATTERNS`. The rules and their order are in the module comment.

    Raises
    ------
    ParameterError
        When the series are empty, of different lengths, or a bin is both hot and cold.

    Examples
    --------
    >>> classify_series([False, False, False, True], [False] * 4, 1.0, 0.3)
    'New Hot Spot'
    """
    h = np.asarray(hot, dtype=bool).reshape(-1)
    c = np.asarray(cold, dtype=bool).reshape(-1)
    if len(h) == 0 or len(h) != len(c):
        raise ParameterError(
            f"hot and cold must be non-empty and of equal length, got {len(h)} and {len(c)}"
        )
    if (h & c).any():
        raise ParameterError("a bin cannot be both a hot and a cold spot")
    n = len(h)
    trending = math.isfinite(trend_p) and math.isfinite(trend_z) and trend_p < trend_alpha
    up = trending and trend_z > 0
    down = trending and trend_z < 0
    n_hot, n_cold = int(h.sum()), int(c.sum())
    if 10 * n_hot >= 9 * n:  # hot in >= 90 % of the bins
        if not h[-1]:
            return HISTORICAL_HOT
        return INTENSIFYING_HOT if up else DIMINISHING_HOT if down else PERSISTENT_HOT
    if 10 * n_cold >= 9 * n:
        if not c[-1]:
            return HISTORICAL_COLD
        return INTENSIFYING_COLD if down else DIMINISHING_COLD if up else PERSISTENT_COLD
    if h[-1]:
        return _final_bin_pattern(h, c, (NEW_HOT, CONSECUTIVE_HOT, SPORADIC_HOT, OSCILLATING_HOT))
    if c[-1]:
        return _final_bin_pattern(
            c, h, (NEW_COLD, CONSECUTIVE_COLD, SPORADIC_COLD, OSCILLATING_COLD)
        )
    return NO_PATTERN


def mann_kendall(values: npt.ArrayLike) -> tuple[float, float]:
    """Return the Mann-Kendall trend ``(z, p)`` of a series (pymannkendall ``original_test``)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 3 or np.ptp(x) == 0:
        return 0.0, 1.0
    result = mk.original_test(x)
    return float(result.z), float(result.p)


# --------------------------------------------------------------------------- time bins


def _bin_length(bin: str | pd.Timedelta | dt.timedelta) -> pd.Timedelta | Literal["M"]:
    if isinstance(bin, str):
        key = bin.strip().upper()
        if key in ("M", "MS", "ME", "MONTH", "MONTHLY"):
            return MONTHLY
        aliases = {"W": "7D", "WEEK": "7D", "WEEKLY": "7D", "D": "1D", "DAY": "1D", "DAILY": "1D"}
        text = aliases.get(key, bin)
    else:
        text = bin  # type: ignore[assignment]
    try:
        length = pd.Timedelta(text)
    except (ValueError, TypeError):
        raise ParameterError(
            f"time bin {bin!r} is not a duration",
            fix="use 'W' (weekly), 'M' (monthly), '14D' or a pandas.Timedelta",
        ) from None
    if length <= pd.Timedelta(0):
        raise ParameterError(f"time bin {bin!r} must be longer than zero", fix="use e.g. 'W'")
    return length


def _day_start(
    value: dt.date | str | None, tz: str | dt.tzinfo | None, what: str
) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(
            f"{what} date {value!r} is not a date", fix="write it as YYYY-MM-DD, e.g. 2026-01-31"
        ) from None
    if isinstance(day, dt.datetime):
        day = day.date()
    return pd.Timestamp(day).tz_localize(tz) if tz is not None else pd.Timestamp(day)


def time_bin_edges(
    times: pd.Series,
    *,
    bin: str | pd.Timedelta | dt.timedelta = "W",
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> pd.DatetimeIndex:
    """Return the edges of the time bins (``n + 1`` instants, oldest first).

    Fixed-length bins end at the end of ``end`` (default: the day of the latest incident)
    and are laid back from there; the first edge is the last one that keeps every bin whole
    and on or after ``start`` (default: the day of the earliest incident). Monthly bins are
    the whole calendar months between ``start`` and ``end``. Days are local days of the
    times' timezone.

    Parameters
    ----------
    times : pandas.Series
        Incident times (tz-aware, or naive local times).
    bin : str or timedelta, default "W"
        ``"W"`` (7 days), ``"D"``, ``"14D"``…, ``"M"`` (calendar months), or a timedelta.
    start, end : date or str, optional
        First and last day to use (inclusive).

    Returns
    -------
    pandas.DatetimeIndex
    """
    length = _bin_length(bin)
    known = times.dropna()
    tz = getattr(known.dt, "tz", None)
    first = _day_start(start, tz, "start")
    last = _day_start(end, tz, "end")
    if first is None:
        if known.empty:
            raise ParameterError("no incident has a time", fix="check the time column")
        first = known.min().normalize()
    if last is None:
        if known.empty:
            raise ParameterError("no incident has a time", fix="check the time column")
        last = known.max().normalize()
    stop = last + pd.Timedelta(days=1)
    if stop <= first:
        raise ParameterError(
            f"the date range {first.date()} .. {last.date()} is empty",
            fix="give start on or before end",
        )
    if isinstance(length, str):  # calendar months
        lo = first if first.day == 1 else (first + pd.offsets.MonthBegin(1))
        hi = stop if stop.day == 1 else (stop - pd.offsets.MonthBegin(1))
        edges = pd.date_range(lo, hi, freq="MS") if hi > lo else pd.DatetimeIndex([], tz=tz)
    else:
        n_bins = int((stop - first) // length)
        edges = pd.DatetimeIndex([stop - length * (n_bins - k) for k in range(n_bins + 1)])
    if len(edges) - 1 < MIN_BINS:
        n_fit = max(len(edges) - 1, 0)
        # TRANSLATORS: {bin} is a length of time such as 'M' (monthly) or '14D'; then dates.
        what = ngettext(
            "only {n} whole time bins of {bin} fit between {first} and {last}",
            "only {n} whole time bins of {bin} fit between {first} and {last}",
            n_fit,
        )
        raise ParameterError(
            what.format(n=n_fit, bin=repr(bin), first=first.date(), last=last.date()),
            why=_("a trend needs at least {n} bins (ten or more are advised)").format(n=MIN_BINS),
            fix=_("use a shorter bin or a longer date range"),
        )
    return edges


# --------------------------------------------------------------------------- the cube


@dataclass(frozen=True)
class SpaceTimeCube:
    """Counts and Gi* per cell and time bin.

    Attributes
    ----------
    grid : geopandas.GeoDataFrame
        The cells (metric CRS), rows in the order of the tables below.
    edges : pandas.DatetimeIndex
        Bin edges, ``n_bins + 1`` of them; bin ``k`` is ``[edges[k], edges[k + 1])``.
    counts, gi_z, gi_p : pandas.DataFrame
        Cells × bins (index :data:`models.surfaces.grid.CELL_ID`, columns the bin starts): incident
        counts, Gi* z-scores, and the p-values used for significance (FDR-adjusted when on).
    hot, cold : pandas.DataFrame
        Cells × bins booleans: significant hot / cold spot.
    """

    grid: gpd.GeoDataFrame
    edges: pd.DatetimeIndex
    counts: pd.DataFrame
    gi_z: pd.DataFrame
    gi_p: pd.DataFrame
    hot: pd.DataFrame
    cold: pd.DataFrame

    @property
    def n_bins(self) -> int:
        """Number of time bins."""
        return len(self.edges) - 1


def _time_codes(times: pd.Series, edges: pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Return the bin of every time (-1 outside the bins or missing)."""
    stamps = pd.DatetimeIndex(times)
    if (stamps.tz is None) != (edges.tz is None):
        raise ParameterError(
            "incident times and bin edges mix timezone-aware and naive values",
            fix="store occurred_at with its timezone (as the importer does)",
        )
    t = stamps.as_unit("ns").asi8
    e = edges.as_unit("ns").asi8
    codes = np.searchsorted(e, t, side="right") - 1
    codes[(codes >= len(e) - 1) | stamps.isna()] = -1
    return codes.astype(np.int64)


def _precise(points: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Return the incidents precise enough for a cube (not a locality or pincode centroid)."""
    kept, _weights, left_out = precise_points(points)
    assert isinstance(kept, gpd.GeoDataFrame)
    return kept, left_out


class CubeOptions(TypedDict, total=False):
    """The keywords of a space-time cube (:func:`space_time_gi`, which has their defaults).

    :func:`emerging_hotspots` passes them on as given; their meaning is in its docstring.
    """

    cell_m: Required[float]
    bin: str | pd.Timedelta | dt.timedelta
    time_column: str
    grid: GridKind
    distance_m: float | None
    permutations: int
    seed: int
    fdr: bool
    alpha: float
    start: dt.date | str | None
    end: dt.date | str | None
    metric_crs: str | None
    study_area: StudyArea | None
    n_jobs: int


def space_time_gi(
    points: gpd.GeoDataFrame,
    *,
    cell_m: float,
    bin: str | pd.Timedelta | dt.timedelta = "W",
    time_column: str = OCCURRED_AT,
    grid: GridKind = "square",
    distance_m: float | None = None,
    permutations: int = 0,
    seed: int = 0,
    fdr: bool = True,
    alpha: float = DEFAULT_BIN_ALPHA,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    metric_crs: str | None = None,
    study_area: StudyArea | None = None,
    n_jobs: int = 1,
) -> SpaceTimeCube:
    """Build the space-time cube and compute Gi* in every time bin.

    Parameters are those of :func:`emerging_hotspots` (which calls this).

    Returns
    -------
    SpaceTimeCube
    """
    if not isinstance(points, gpd.GeoDataFrame) or time_column not in points.columns:
        raise ParameterError(
            f"the incidents have no '{time_column}' column",
            why="emerging hot spot analysis counts incidents per time bin",
            fix="pass time_column= naming the column of incident times",
        )
    points = _precise(points)[0]
    valid_points(points)
    times = points[time_column]
    if not pd.api.types.is_datetime64_any_dtype(times):
        raise ParameterError(
            f"column '{time_column}' does not hold date-times (dtype {times.dtype})",
            fix="parse it with pandas.to_datetime first",
        )
    edges = time_bin_edges(times, bin=bin, start=start, end=end)
    codes = _time_codes(times, edges)
    n_bins = len(edges) - 1
    used = codes >= 0
    if not used.any():
        raise ParameterError(
            "no incident falls in the time bins", fix="check start, end and the time column"
        )
    dropped = int((~used).sum())
    if dropped:
        logger.info("%d incidents fall outside the %d whole time bins", dropped, n_bins)
    in_window = points.loc[used]
    cells = make_grid(
        in_window, cell_m=cell_m, grid=grid, metric_crs=metric_crs, study_area=study_area
    )
    labels = pd.Categorical.from_codes(codes, categories=pd.Index(range(n_bins)))
    counts = count_in_cells(cells, points, time_bins=labels)
    assert isinstance(counts, pd.DataFrame)
    counts.columns = edges[:-1]
    w = cell_weights(cells, distance_m=distance_m)
    matrix = counts.to_numpy(dtype=float)
    z = np.zeros_like(matrix)
    p = np.ones_like(matrix)
    raw_hits = 0
    for k in range(n_bins):
        result = gi_star_values(
            matrix[:, k],
            w,
            permutations=permutations,
            seed=seed + k,
            fdr=fdr,
            alpha=(alpha,),
            n_jobs=n_jobs,
            warn_coarse=False,
        )
        z[:, k] = result.z
        p[:, k] = result.p_fdr if result.p_fdr is not None else result.p
        raw_hits += int((result.p <= alpha).sum())
    significant = p <= alpha
    if fdr and permutations and raw_hits and not significant.any():
        logger.warning(
            "no bin of any cell survives the FDR correction: with %d permutations the "
            "smallest two-sided pseudo p-value is %.4f, too coarse for %d cells; use "
            "permutations=0 (normal p-values, as ArcGIS)",
            permutations, 2 / (permutations + 1), len(cells),
        )  # fmt: skip

    def table(values: npt.NDArray[np.float64] | BoolArray) -> pd.DataFrame:
        return pd.DataFrame(dict(zip(counts.columns, values.T, strict=True)), index=counts.index)

    logger.info(
        "space-time cube: %d cells x %d bins of %s from %s", len(cells), n_bins, bin, edges[0]
    )
    return SpaceTimeCube(
        grid=cells,
        edges=edges,
        counts=counts,
        gi_z=table(z),
        gi_p=table(p),
        hot=table(significant & (z > 0)),
        cold=table(significant & (z < 0)),
    )


def _trends_and_patterns(
    z: np.ndarray[Any, Any],
    hot: np.ndarray[Any, Any],
    cold: np.ndarray[Any, Any],
    trend_alpha: float,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str]]:
    """Return each cell's Mann-Kendall trend (z, p) of its Gi* z series and its pattern."""
    trend_z, trend_p = mann_kendall_rows(z.reshape(len(z), -1), mann_kendall)
    patterns = []
    for i in range(len(z)):
        patterns.append(
            classify_series(hot[i], cold[i], trend_z[i], trend_p[i], trend_alpha=trend_alpha)
        )
    return trend_z, trend_p, patterns


def _reported(
    totals: npt.NDArray[Any], *, occupied_only: bool | None, has_study_area: bool
) -> npt.NDArray[np.bool_]:
    """Return which cells are reported: all, or (by default without a mask) the occupied ones."""
    keep = np.ones(len(totals), dtype=bool)
    if occupied_only if occupied_only is not None else not has_study_area:
        keep = totals > 0
    return keep


def _pattern_cells(
    cube: SpaceTimeCube,
    totals: npt.NDArray[Any],
    keep: npt.NDArray[np.bool_],
    trend_alpha: float,
) -> gpd.GeoDataFrame:
    """Return the trend and pattern of each kept cell, in EPSG:4326, indexed like the grid."""
    z = cube.gi_z.to_numpy()[keep]
    hot = cube.hot.to_numpy()[keep]
    cold = cube.cold.to_numpy()[keep]
    trend_z, trend_p, patterns = _trends_and_patterns(z, hot, cold, trend_alpha)
    cells = cube.grid[keep]
    return cell_frame(
        cells,
        {
            COUNT: totals[keep],
            N_BINS: np.full(len(z), cube.n_bins, dtype=np.int64),
            N_HOT: hot.sum(axis=1).astype(np.int64),
            N_COLD: cold.sum(axis=1).astype(np.int64),
            FINAL_Z: z[:, -1] if len(z) else np.empty(0),
            TREND_Z: trend_z,
            TREND_P: trend_p,
            PATTERN: np.asarray(patterns, dtype=object),
            PATTERN_CODE: np.asarray([PATTERN_CODES[p] for p in patterns], dtype=np.int64),
        },
    )


def emerging_hotspots(
    points: gpd.GeoDataFrame,
    *,
    trend_alpha: float = DEFAULT_TREND_ALPHA,
    occupied_only: bool | None = None,
    **options: Unpack[CubeOptions],
) -> gpd.GeoDataFrame:
    """Classify every cell as a new, consecutive, intensifying, … hot or cold spot (ArcGIS).

    The cube's keywords (:class:`CubeOptions`) go to :func:`space_time_gi` with its defaults.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Incidents in any CRS with a time column; not modified. Those located only to a
        locality or pincode centroid are left out (``attrs[IMPRECISE_LEFT_OUT]`` says how
        many).
    cell_m : float
        Cell size in metres (square side or H3 edge length).
    bin : str or timedelta, default "W"
        Time-bin length: ``"W"`` weekly, ``"M"`` calendar months, ``"14D"``, a Timedelta.
    time_column : str, default ``occurred_at``
        Column of incident times (tz-aware).
    grid : {"square", "h3"}
        Kind of grid.
    distance_m : float, optional
        Spatial neighbourhood radius; default queen (squares) / k-ring 1 (hexagons).
    permutations : int, default 0
        Gi* permutations per bin; 0 gives normal p-values, as ArcGIS.
    seed : int, default 0
        Seed of the permutations (bin ``k`` uses ``seed + k``).
    fdr : bool, default True
        Benjamini-Hochberg correction within each bin.
    alpha : float, default 0.10
        Significance of a hot/cold bin.
    trend_alpha : float, default 0.05
        Significance of the Mann-Kendall trend.
    start, end : date or str, optional
        First and last day to analyse (local, inclusive).
    metric_crs : str, optional
        Projected CRS; default the local UTM zone.
    study_area : shapely geometry or GeoDataFrame, optional
        Analysis mask: the grid covers it and keeps the cells overlapping it.
    occupied_only : bool, optional
        Report only cells with at least one incident in the analysed window. Default, as
        ArcGIS: yes without a study area, no (every cell of the mask) with one. Gi* is always
        computed over the whole grid, empty cells included.
    n_jobs : int, default 1
        Processes for the permutations.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per reported cell, in EPSG:4326, indexed like the cube's grid:
        :data:`models.surfaces.grid.CELL_ID`, :data:`models.surfaces.grid.COUNT`, :data:`N_BINS`,
        :data:`N_HOT`, :data:`N_COLD`, :data:`FINAL_Z`, :data:`TREND_Z`, :data:`TREND_P`,
        :data:`PATTERN`, :data:`PATTERN_CODE`, :data:`models.surfaces.grid.AREA_KM2`, ``geometry``.

    Raises
    ------
    ParameterError
        For a missing time column, bad sizes or bins, or too few whole bins.
    """
    if not 0 < trend_alpha < 1:
        raise ParameterError(f"trend_alpha must be in (0, 1), got {trend_alpha!r}")
    if isinstance(points, gpd.GeoDataFrame):
        points, left_out = _precise(points)
    else:
        left_out = 0  # space_time_gi refuses it
    cube = space_time_gi(points, **options)
    totals = cube.counts.to_numpy().sum(axis=1)
    has_study_area = options.get("study_area") is not None
    keep = _reported(totals, occupied_only=occupied_only, has_study_area=has_study_area)
    out = _pattern_cells(cube, totals, keep, trend_alpha)
    if left_out:
        out.attrs[IMPRECISE_LEFT_OUT] = left_out
    summary = out[PATTERN].value_counts()
    logger.info(
        "emerging hot spots: %d cells, %s",
        len(out), ", ".join(f"{k}: {v}" for k, v in summary.items() if k != NO_PATTERN) or "none",
    )  # fmt: skip
    return out
