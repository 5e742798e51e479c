"""Rolling back-tests of hotspot methods: hit rate, PAI and PEI at fixed shares of the area."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import metric_crs_for, to_metric
from geo.errors import ParameterError
from geo.i18n import _, pgettext
from geo.schema import OCCURRED_AT
from models.selection import point_incidents
from models.surfaces.grid import locate_points

logger = logging.getLogger(__name__)

# ---- output columns ----
METHOD: Final = "method"
FOLD: Final = "fold"
TRAIN_START: Final = "train_start"
TEST_START: Final = "test_start"
TEST_END: Final = "test_end"
AREA_SHARE: Final = "area_share"
AREA_SHARE_USED: Final = "area_share_used"
HITS: Final = "hits"
TEST_INCIDENTS: Final = "test_incidents"
HIT_RATE: Final = "hit_rate"
PAI: Final = "pai"
PEI: Final = "pei"
#: Hit rate and PAI at exactly the asked share: a method that flags fewer cells is padded with
#: cells it cannot rank (credited with the hits a random pick of them would have on average).
HIT_RATE_EQUAL_AREA: Final = "hit_rate_equal_area"
PAI_EQUAL_AREA: Final = "pai_equal_area"
#: Spread across folds (sample standard deviation) of the equal-area hit rate.
HIT_RATE_EQUAL_AREA_SD: Final = "hit_rate_equal_area_sd"
#: Folds a summary row averages.
N_FOLDS: Final = "folds"

#: Shares of the study area at which methods are scored (1, 5, 10 and 20 %).
DEFAULT_AREA_SHARES: Final = (0.01, 0.05, 0.10, 0.20)

#: A method: given training incidents (metric CRS) and the grid, score every cell.
#: Higher scores are patrolled first; NaN means "never selected by this method".
Scorer = Callable[[gpd.GeoDataFrame, gpd.GeoDataFrame], pd.Series]


@dataclass(frozen=True)
class BacktestResult:
    """Per-fold scores and their summary.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per (method, fold, area share).
    summary : pandas.DataFrame
        Mean hit rate, PAI and PEI per (method, area share) over the folds.
    left_out : int
        Incidents left out: located only to a locality or pincode centroid.
    """

    folds: pd.DataFrame
    summary: pd.DataFrame
    left_out: int = 0

    def plot(self, metric: str = PAI) -> object:
        """Plot ``metric`` against the area share, one line per method.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for method, rows in self.summary.groupby(METHOD, sort=True):
            # x is the share a method actually selected: a method that flags less area than
            # asked (few hotspots) is one point, not a flat line over shares it never used
            used = rows.drop_duplicates(AREA_SHARE_USED)
            name = pgettext("back-test method", str(method))
            ax.plot(used[AREA_SHARE_USED] * 100, used[metric], marker="o", label=name)
        ax.set_xlabel(_("share of the study area selected (%)"))
        ax.set_xscale("log")
        label = {PAI: "PAI", PEI: "PEI", HIT_RATE: _("hit rate")}.get(metric, metric)
        ax.set_ylabel(label)
        # TRANSLATORS: the title of the back-test chart; {metric} is "PAI", "PEI" or "hit rate".
        ax.set_title(_("Back-test: {metric} by method").format(metric=label))
        ax.legend()
        fig.tight_layout()
        return fig


def select_cells(scores: pd.Series, n_cells: int) -> pd.Index:
    """Return the ids of the ``n_cells`` best-scoring cells (ties broken by cell id).

    Parameters
    ----------
    scores : pandas.Series
        Score per cell id; NaN cells are never selected.
    n_cells : int
        How many cells to take at most.

    Returns
    -------
    pandas.Index
    """
    valid = scores.dropna()
    order = pd.DataFrame({"score": valid.to_numpy(), "cell": valid.index.astype(str)})
    order = order.sort_values(["score", "cell"], ascending=[False, True], kind="stable")
    chosen: pd.Index = pd.Index(valid.index[order.index[:n_cells]])
    return chosen


def score_selection(
    scores: pd.Series,
    test_counts: pd.Series,
    *,
    area_shares: Sequence[float] = DEFAULT_AREA_SHARES,
) -> pd.DataFrame:
    """Score one method's ranking against the incidents of the test window.

    With ``n`` cells of equal area, the selection at share ``a`` is the best
    ``ceil(a * n)`` cells (fewer when the method scores fewer cells). Then

    - hit rate = test incidents in the selection / all test incidents;
    - PAI (predictive accuracy index, Chainey et al. 2008) = hit rate / share of area used;
    - PEI (predictive efficiency index, Hunt 2016) = hits / the most hits any selection of
      the same number of cells could have had (the test window's own top cells);
    - at equal area: the selection is padded to exactly ``ceil(a * n)`` cells with cells the
      method does not rank, credited with the hits a random pick of them would have on
      average (the unselected cells' hits × padded cells / unselected cells), so a method that
      flags less area gets no credit for it (:data:`HIT_RATE_EQUAL_AREA`, :data:`PAI_EQUAL_AREA`).

    Parameters
    ----------
    scores : pandas.Series
        Score per cell id (higher first, NaN = not selectable).
    test_counts : pandas.Series
        Test-window incidents per cell id, for every cell of the study area.
    area_shares : sequence of float
        Shares of the study area in (0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AREA_SHARE`, :data:`AREA_SHARE_USED`, :data:`HITS`,
        :data:`TEST_INCIDENTS`, :data:`HIT_RATE`, :data:`PAI`, :data:`PEI`,
        :data:`HIT_RATE_EQUAL_AREA`, :data:`PAI_EQUAL_AREA`.
    """
    n = len(test_counts)
    total = float(test_counts.sum())
    best = np.sort(test_counts.to_numpy(dtype=float))[::-1]
    rows = []
    for share in area_shares:
        if not 0 < share <= 1:
            raise ParameterError(
                f"area share {share} is not in (0, 1]",
                fix="give shares of the study area such as 0.01, 0.05, 0.1, 0.2",
            )
        k = max(1, math.ceil(share * n))
        chosen = select_cells(scores.reindex(test_counts.index), k)
        used = len(chosen) / n if n else 0.0
        hits = float(test_counts.loc[chosen].sum())
        hit_rate = hits / total if total else math.nan
        ideal = float(best[: len(chosen)].sum())
        rest = n - len(chosen)
        padded = hits + ((k - len(chosen)) * (total - hits) / rest if rest else 0.0)
        equal = padded / total if total else math.nan
        rows.append(
            {
                AREA_SHARE: share,
                AREA_SHARE_USED: used,
                HITS: hits,
                TEST_INCIDENTS: total,
                HIT_RATE: hit_rate,
                PAI: hit_rate / used if used else math.nan,
                PEI: hits / ideal if ideal else math.nan,
                HIT_RATE_EQUAL_AREA: equal,
                PAI_EQUAL_AREA: equal / (k / n) if n else math.nan,
            }
        )
    return pd.DataFrame(rows)


def rolling_windows(
    times: pd.Series,
    *,
    train: pd.Timedelta,
    test: pd.Timedelta,
    step: pd.Timedelta | None = None,
    n_folds: int | None = None,
) -> list[tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]]:
    """Return ``(train_start, test_start, test_end)`` windows, latest last.

    Folds are laid back from the latest incident's day: the last test window ends at the
    midnight after it, and each earlier fold is ``step`` (default: ``test``) earlier, while
    the training window still fits in the data from the midnight starting its first day.
    Whole days keep incidents known only to the day or month (stored at midnight of their
    first day) inside the window they belong to, the first day's included.

    Parameters
    ----------
    times : pandas.Series
        Incident times (tz-aware).
    train, test : pandas.Timedelta
        Lengths of the fitting and scoring windows.
    step : pandas.Timedelta, optional
        Distance between folds.
    n_folds : int, optional
        At most this many folds (the latest ones).

    Returns
    -------
    list of tuple
    """
    if times.empty:
        return []
    step = step if step is not None else test
    day = pd.Timedelta(days=1)
    first = times.min().floor("D")
    end = times.max().floor("D") + day
    windows = []
    while end - test - train >= first:
        test_start = end - test
        windows.append((test_start - train, test_start, end))
        end = end - step
        if n_folds is not None and len(windows) >= n_folds:
            break
    return windows[::-1]


def backtest(
    incidents: gpd.GeoDataFrame,
    methods: Mapping[str, Scorer],
    *,
    grid: gpd.GeoDataFrame,
    cell_id: str,
    train: pd.Timedelta | str = "90D",
    test: pd.Timedelta | str = "30D",
    step: pd.Timedelta | str | None = None,
    n_folds: int | None = 6,
    area_shares: Sequence[float] = DEFAULT_AREA_SHARES,
    time_column: str = OCCURRED_AT,
    metric_crs: str | None = None,
) -> BacktestResult:
    """Fit each method on a past window and score it on the next, fold after fold.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points (any CRS) with a time column. Those located only to a locality or
        pincode centroid are left out (:attr:`BacktestResult.left_out`).
    methods : mapping
        Name → :data:`Scorer`.
    grid : geopandas.GeoDataFrame
        The study area's cells (equal areas), with a ``cell_id`` column.
    cell_id : str
        Name of the grid's id column.
    train, test, step : pandas.Timedelta or str
        Window lengths (``"90D"``) and distance between folds (default ``test``).
    n_folds : int, optional
        Use at most this many of the latest folds.
    area_shares : sequence of float
        Shares of the area at which to score.
    time_column : str
        Column with tz-aware incident times.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone (:func:`geo.crs.metric_crs_for`).

    Returns
    -------
    BacktestResult
    """
    if time_column not in incidents.columns:
        raise ParameterError(
            f"the incidents have no '{time_column}' column",
            why="a back-test splits incidents into past and future windows by time",
            fix="pass time_column= naming the column of incident times",
        )
    # locality and pincode centroids would pile up in one cell: never scored
    incidents, left_out = point_incidents(incidents)
    if incidents.empty:
        raise ParameterError(
            "no incidents to back-test", fix="widen the date range or import incidents"
        )
    crs = metric_crs_for(incidents, metric_crs)
    points = to_metric(incidents[[time_column, incidents.geometry.name]], crs)
    cells = to_metric(grid[[cell_id, grid.geometry.name]], crs)
    # the same point-to-cell rule as the scorers' training counts
    # (models.surfaces.grid.count_in_cells),
    # so a point on a cell edge is counted in one and the same cell in training and test
    position = locate_points(grid, points)
    located = position >= 0
    cell_of = pd.Series(
        grid[cell_id].to_numpy()[position[located]], index=points.index[located], name=cell_id
    )
    windows = rolling_windows(
        points[time_column],
        train=pd.Timedelta(train),
        test=pd.Timedelta(test),
        step=pd.Timedelta(step) if step is not None else None,
        n_folds=n_folds,
    )
    if not windows:
        raise ParameterError(
            f"the incidents span less than one training window ({train}) plus one test "
            f"window ({test})",
            fix="shorten train/test or use a longer date range",
        )
    all_cells = cells[cell_id]
    parts = []
    for fold, (train_start, test_start, test_end) in enumerate(windows):
        t = points[time_column]
        train_pts = points[(t >= train_start) & (t < test_start)]
        if train_pts.empty:
            raise empty_window_error(train_start, test_start, pd.Timedelta(train))
        in_test = (t >= test_start) & (t < test_end)
        test_counts = (
            cell_of[in_test.reindex(cell_of.index, fill_value=False)]
            .value_counts()
            .reindex(all_cells, fill_value=0)
        )
        test_counts.index = pd.Index(all_cells)
        for name, scorer in methods.items():
            scores = scorer(train_pts, cells)
            table = score_selection(scores, test_counts, area_shares=area_shares)
            table.insert(0, METHOD, name)
            table.insert(1, FOLD, fold)
            table.insert(2, TRAIN_START, train_start)
            table.insert(3, TEST_START, test_start)
            table.insert(4, TEST_END, test_end)
            parts.append(table)
        logger.info("back-test fold %d/%d scored", fold + 1, len(windows))
    folds = pd.concat(parts, ignore_index=True)
    return BacktestResult(folds=folds, summary=summarise(folds), left_out=left_out)


def summarise(folds: pd.DataFrame) -> pd.DataFrame:
    """Return the mean scores per (method, area share) over the folds, and their spread.

    Parameters
    ----------
    folds : pandas.DataFrame
        Per-fold rows as :attr:`BacktestResult.folds`.

    Returns
    -------
    pandas.DataFrame
        :data:`METHOD`, :data:`AREA_SHARE`, the means of :data:`HIT_RATE`, :data:`PAI`,
        :data:`PEI`, :data:`AREA_SHARE_USED`, :data:`HIT_RATE_EQUAL_AREA`,
        :data:`PAI_EQUAL_AREA`; :data:`HIT_RATE_EQUAL_AREA_SD` (0 with one fold) and
        :data:`N_FOLDS`.
    """
    means = [HIT_RATE, PAI, PEI, AREA_SHARE_USED, HIT_RATE_EQUAL_AREA, PAI_EQUAL_AREA]
    groups = folds.groupby([METHOD, AREA_SHARE], sort=True)
    summary = groups[means].mean()
    summary[HIT_RATE_EQUAL_AREA_SD] = groups[HIT_RATE_EQUAL_AREA].std(ddof=1).fillna(0.0)
    summary[N_FOLDS] = groups[FOLD].nunique()
    return summary.reset_index()


def empty_window_error(
    train_start: pd.Timestamp, test_start: pd.Timestamp, train: pd.Timedelta
) -> ParameterError:
    """Return the error of a fold whose training window holds no incident (a gap in the data)."""
    # TRANSLATORS: {start} and {end} are dates (YYYY-MM-DD).
    what = _("no incident falls in the training window from {start} to {end}")
    return ParameterError(
        what.format(start=train_start.date(), end=(test_start - pd.Timedelta(days=1)).date()),
        why=_(
            "the data has a gap there (months without records), so that fold has nothing to "
            "learn from and would report only zeros"
        ),
        # TRANSLATORS: {train} is a length of time such as "90D" (90 days).
        fix=_(
            "choose a date range without gaps (--from/--to), fewer folds (--folds) or a "
            "longer training window than {train} (--train)"
        ).format(train=f"{train.days}D"),
    )
