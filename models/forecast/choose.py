"""Choosing a forecast: every candidate against naive at equal area, with the spread over folds."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.errors import ParameterError
from models.evaluation.backtest import (
    AREA_SHARE,
    FOLD,
    HIT_RATE_EQUAL_AREA,
    HIT_RATE_EQUAL_AREA_SD,
    METHOD,
    PAI_EQUAL_AREA,
    BacktestResult,
)
from models.forecast.naive import NAIVE

logger = logging.getLogger(__name__)

# ---- columns of the comparison table ----
#: Mean paired gain in equal-area hit rate over naive (same folds), and its standard error.
GAIN_OVER_NAIVE: Final = "gain_over_naive"
GAIN_SE: Final = "gain_se"
#: Whether the gain is positive and larger than its standard error.
BEATS_NAIVE: Final = "beats_naive"
#: Whether this is the chosen model.
CHOSEN: Final = "chosen"
COMPARISON_COLUMNS: Final = (
    METHOD,
    HIT_RATE_EQUAL_AREA,
    HIT_RATE_EQUAL_AREA_SD,
    PAI_EQUAL_AREA,
    GAIN_OVER_NAIVE,
    GAIN_SE,
    BEATS_NAIVE,
    CHOSEN,
)


@dataclass(frozen=True)
class Choice:
    """The comparison at one area share and the model chosen.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method (:data:`COMPARISON_COLUMNS`), best first, naive included.
    chosen : str
        The best candidate when it beats naive, else naive.
    beats_naive : bool
        Whether any candidate beat naive by more than the noise across folds.
    area_share : float
    folds : int
    """

    table: pd.DataFrame
    chosen: str
    beats_naive: bool
    area_share: float
    folds: int


def choose(result: BacktestResult, area_share: float, naive: str = NAIVE) -> Choice:
    """Compare each method with ``naive`` at ``area_share`` and pick the best.

    A candidate beats naive when its mean equal-area hit rate gain over naive on the same
    folds is positive and above one standard error of the per-fold gains (with one fold, any
    positive gain). The best such candidate is chosen, otherwise naive.

    Parameters
    ----------
    result : models.evaluation.backtest.BacktestResult
        A back-test that scored ``naive`` and the candidates at ``area_share``.
    area_share : float
        The share of the area patrols can cover (e.g. 0.05).
    naive : str
        Name of the baseline method.

    Returns
    -------
    Choice
    """
    folds = result.folds
    at = folds[np.isclose(folds[AREA_SHARE], area_share)]
    if at.empty or naive not in set(at[METHOD]):
        raise ParameterError(
            f"the back-test has no '{naive}' scores at area share {area_share:g}",
            fix="back-test the naive forecast with the candidates at that share",
        )
    wide = at.pivot_table(index=FOLD, columns=METHOD, values=HIT_RATE_EQUAL_AREA)
    pai = at.groupby(METHOD)[PAI_EQUAL_AREA].mean()
    n = len(wide)
    rows = []
    for method in wide.columns:
        gains = (wide[method] - wide[naive]).dropna()
        gain = float(gains.mean()) if len(gains) else math.nan
        se = float(gains.std(ddof=1) / math.sqrt(len(gains))) if len(gains) > 1 else 0.0
        rows.append(
            {
                METHOD: str(method),
                HIT_RATE_EQUAL_AREA: float(wide[method].mean()),
                HIT_RATE_EQUAL_AREA_SD: float(wide[method].std(ddof=1)) if n > 1 else 0.0,
                PAI_EQUAL_AREA: float(pai[method]),
                GAIN_OVER_NAIVE: gain,
                GAIN_SE: se,
                BEATS_NAIVE: bool(method != naive and gain > 0 and gain > se),
            }
        )
    table = pd.DataFrame(rows).sort_values(
        [HIT_RATE_EQUAL_AREA, METHOD], ascending=[False, True], kind="stable"
    )
    winners = table[table[BEATS_NAIVE]]
    chosen = str(winners[METHOD].iloc[0]) if not winners.empty else naive
    table[CHOSEN] = table[METHOD] == chosen
    logger.info("forecast chosen at %g of the area: %s", area_share, chosen)
    return Choice(
        table=table.reset_index(drop=True)[list(COMPARISON_COLUMNS)],
        chosen=chosen,
        beats_naive=not winners.empty,
        area_share=float(area_share),
        folds=n,
    )
