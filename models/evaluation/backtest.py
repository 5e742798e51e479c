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
      the same number of cells could have had (the test window's own top cells).

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
        :data:`TEST_INCIDENTS`, :data:`HIT_RATE`, :data:`PAI`, :data:`PEI`.
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
        rows.append(
            {
                AREA_SHARE: share,
                AREA_SHARE_USED: used,
                HITS: hits,
                TEST_INCIDENTS: total,
                HIT_RATE: hit_rate,
                PAI: hit_rate / used if used else math.nan,
                PEI: hits / ideal if ideal else math.nan,
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

    Folds are laid back from the latest incident: the last test window ends just after it,
    and each earlier fold is ``step`` (default: ``test``) earlier, while the training window
    still fits in the data.

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
    first = times.min()
    end = times.max() + pd.Timedelta(seconds=1)
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
    summary = (
        folds.groupby([METHOD, AREA_SHARE], sort=True)[[HIT_RATE, PAI, PEI, AREA_SHARE_USED]]
        .mean()
        .reset_index()
    )
    return BacktestResult(folds=folds, summary=summary, left_out=left_out)
