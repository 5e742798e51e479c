"""Use case: back-test the standard hotspot methods (hit rate, PAI, PEI)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.usecases.budget import (
    GridParams,
    check_cell_folds,
)
from api.usecases.common import (
    Source,
    jsonable,
    selection_meta,
)
from models.hotspots import DEFAULT_EPS_M, DEFAULT_MIN_SAMPLES

if TYPE_CHECKING:
    from models.evaluation.backtest import Scorer
    from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BacktestParams:
    """Parameters of the standard back-test.

    Attributes
    ----------
    train, test : str
        Window lengths (``90D``).
    folds : int
    eps_m : float
    min_samples : int
    bandwidth_m : float
    forecasts : bool
        Also back-test the forecast models (:mod:`models.forecast`), forecasting the test window.
    """

    train: str = "90D"
    test: str = "30D"
    folds: int = 6
    eps_m: float = DEFAULT_EPS_M
    min_samples: int = DEFAULT_MIN_SAMPLES
    bandwidth_m: float = 300.0
    forecasts: bool = True


def backtest_methods(data: AnalysisInputs, b: BacktestParams) -> dict[str, Scorer]:
    """Return the standard methods and, with ``b.forecasts``, every forecast model.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
        The registers the feature model uses (sites, CCTV, drives).
    b : BacktestParams

    Returns
    -------
    dict
        Name → scorer.
    """
    from models.evaluation.scorers import standard_methods
    from models.forecast import candidate_models

    methods = standard_methods(eps_m=b.eps_m, min_samples=b.min_samples, bandwidth_m=b.bandwidth_m)
    if b.forecasts:
        methods.update(
            candidate_models(
                sites=data.sites, cctv=data.cctv, campaigns=data.campaigns, horizon=b.test
            )
        )
    return methods


def backtest_summary(source: Source, g: GridParams, b: BacktestParams) -> dict[str, Any]:
    """Back-test the standard methods; return the summary table (hit rate, PAI, PEI).

    Parameters
    ----------
    source : api.usecases.common.Source
    g : GridParams
    b : BacktestParams

    Returns
    -------
    dict
        ``folds``, the parameters, ``selection`` and ``summary`` rows.
    """
    from models.evaluation.backtest import (
        AREA_SHARE,
        HIT_RATE,
        HIT_RATE_EQUAL_AREA,
        HIT_RATE_EQUAL_AREA_SD,
        METHOD,
        PAI,
        PAI_EQUAL_AREA,
        PEI,
    )
    from models.evaluation.scorers import standard_backtest

    data = source.load()
    check_cell_folds(data, source.settings, g, b.folds)
    result = standard_backtest(
        data.incidents,
        cell_m=g.cell_m,
        grid=g.grid,  # type: ignore[arg-type]
        study_area=data.study_area(),
        train=b.train,
        test=b.test,
        n_folds=b.folds,
        methods=backtest_methods(data, b),
        metric_crs=source.settings.metric_crs,
    )
    rows = [
        {
            "method": str(r[METHOD]),
            "area_share": jsonable(r[AREA_SHARE]),
            "hit_rate": jsonable(r[HIT_RATE]),
            "pai": jsonable(r[PAI]),
            "pei": jsonable(r[PEI]),
            "area_share_used": jsonable(r["area_share_used"]),
            "hit_rate_equal_area": jsonable(r[HIT_RATE_EQUAL_AREA]),
            "pai_equal_area": jsonable(r[PAI_EQUAL_AREA]),
            "hit_rate_equal_area_sd": jsonable(r[HIT_RATE_EQUAL_AREA_SD]),
        }
        for _, r in result.summary.iterrows()
    ]
    return {
        "folds": int(result.folds["fold"].nunique()),
        "train": b.train,
        "test": b.test,
        "cell_m": g.cell_m,
        "grid": g.grid,
        **selection_meta(data),
        "summary": rows,
    }
