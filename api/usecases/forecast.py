"""Use case: choose a risk forecast by rolling back-test and forecast the next period per cell."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.usecases.budget import GridParams, check_cell_folds
from api.usecases.common import Source, geojson_bytes, jsonable, selection_meta

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from geo.settings import Settings
    from models.cctv.forecast_demand import DemandForecast
    from models.evaluation.backtest import BacktestResult, Scorer
    from models.forecast.choose import Choice
    from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForecastParams:
    """Parameters of the forecast.

    Attributes
    ----------
    horizon : str
        The period forecast (``7D``): also each fold's test window and the step between folds.
    train : str
        Training window of each fold and of the final fit (``90D``).
    folds : int
        Latest folds of the back-test.
    area_share : float
        Share of the area patrols can cover: models are compared at this share.
    seed : int
        Seed of the random steps (the gradient-boosted model).
    """

    horizon: str = "7D"
    train: str = "90D"
    folds: int = 6
    area_share: float = 0.05
    seed: int = 0


@dataclass(frozen=True)
class ForecastRun:
    """A chosen forecast and the evidence for it.

    Attributes
    ----------
    choice : models.forecast.choose.Choice
        Every candidate against naive at equal area, and the model chosen.
    cells : geopandas.GeoDataFrame
        Next period's risk per cell (EPSG:4326), riskiest first
        (:func:`models.forecast.risk.next_period`).
    hours : pandas.DataFrame
        The forecast spread over the hours of the week (:func:`models.forecast.risk.hour_of_week`).
    params : dict
        Fitted parameters of every candidate on the latest window.
    backtest : models.evaluation.backtest.BacktestResult
    start, end : pandas.Timestamp
        The forecast period (local time).
    """

    choice: Choice
    cells: gpd.GeoDataFrame
    hours: pd.DataFrame
    params: dict[str, dict[str, Any]]
    backtest: BacktestResult
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def beats_naive(self) -> bool:
        """Whether the chosen forecast beat last-period counts."""
        return self.choice.beats_naive


@dataclass(frozen=True)
class UsedForecast:
    """A forecast chosen before (by ``shakti forecast``), fitted again for this call.

    Attributes
    ----------
    chosen : str
        The model's name.
    beats_naive : bool
    cells : geopandas.GeoDataFrame
        Next period's risk per cell (EPSG:4326).
    """

    chosen: str
    beats_naive: bool
    cells: gpd.GeoDataFrame


def forecast_methods(data: AnalysisInputs, horizon: str, seed: int) -> dict[str, Scorer]:
    """Return the naive baseline and every candidate forecast for ``data``'s registers.

    The baseline is last-period counts (the back-test's standard scorer: cells without an
    incident are not ranked, so at equal area they are credited only a random pick's hits).
    """
    from models.evaluation.scorers import LAST_PERIOD, last_period_scorer
    from models.forecast import candidate_models

    candidates = candidate_models(
        sites=data.sites, cctv=data.cctv, campaigns=data.campaigns, horizon=horizon, seed=seed
    )
    return {LAST_PERIOD: last_period_scorer("30D"), **candidates}


def run_forecast(
    data: AnalysisInputs, settings: Settings, g: GridParams, f: ForecastParams
) -> ForecastRun:
    """Back-test the candidates, choose one and forecast the next ``horizon`` per cell.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    g : GridParams
    f : ForecastParams

    Returns
    -------
    ForecastRun
    """
    import pandas as pd

    from geo.crs import to_wgs84
    from geo.schema import OCCURRED_AT
    from models.evaluation.backtest import backtest
    from models.forecast import NAIVE, Forecaster, naive_scorer
    from models.forecast.base import reference_time
    from models.forecast.choose import choose
    from models.forecast.risk import EXPECTED, hour_of_week, next_period
    from models.surfaces.grid import CELL_ID

    incidents, cells, crs = forecast_grid(data, settings, g, f)
    methods = forecast_methods(data, f.horizon, f.seed)
    result = backtest(
        incidents,
        methods,
        grid=cells,
        cell_id=CELL_ID,
        train=f.train,
        test=f.horizon,
        step=f.horizon,
        n_folds=f.folds,
        area_shares=(f.area_share,),
        metric_crs=crs,
    )
    choice = choose(result, f.area_share, naive=NAIVE)
    chosen = methods[choice.chosen]
    model = chosen if isinstance(chosen, Forecaster) else naive_scorer("30D", horizon=f.horizon)
    risk = next_period(model, incidents, cells, train=f.train, thanas=data.thanas)
    params = {}
    for name, candidate in methods.items():
        if isinstance(candidate, Forecaster):
            if candidate is not model:
                next_period(candidate, incidents, cells, train=f.train)
            params[name] = dict(candidate.params)
    start = reference_time(incidents)
    recent = data.incidents[data.incidents[OCCURRED_AT] >= start - pd.Timedelta(f.train)]
    hours = hour_of_week(recent, float(risk[EXPECTED].sum()))
    return ForecastRun(
        choice=choice,
        cells=to_wgs84(risk),
        hours=hours,
        params=params,
        backtest=result,
        start=start,
        end=start + pd.Timedelta(f.horizon),
    )


def forecast_grid(
    data: AnalysisInputs, settings: Settings, g: GridParams, f: ForecastParams
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, str]:
    """Return the precisely located incidents, the grid and the metric CRS of a forecast.

    Raises
    ------
    geo.errors.ParameterError
        For a bad area share, too few cells or folds, or no precisely located incident.
    """
    from geo.crs import metric_crs_for
    from geo.errors import ParameterError
    from models.selection import point_incidents
    from models.surfaces.grid import make_grid

    if not 0 < f.area_share <= 1:
        raise ParameterError(
            f"area share {f.area_share:g} is not in (0, 1]", fix="use e.g. 0.05 (5 % of the area)"
        )
    check_cell_folds(data, settings, g, f.folds)
    incidents, _left_out = point_incidents(data.incidents)
    if incidents.empty:
        raise ParameterError(
            "no precisely located incidents to forecast", fix="widen the date range or import"
        )
    crs = metric_crs_for(incidents, settings.metric_crs).to_string()
    cells = make_grid(
        incidents,
        cell_m=g.cell_m,
        grid=g.grid,  # type: ignore[arg-type]
        metric_crs=crs,
        study_area=data.study_area(),
    )
    return incidents, cells, crs


def fit_chosen(
    data: AnalysisInputs, settings: Settings, g: GridParams, f: ForecastParams, chosen: str
) -> gpd.GeoDataFrame:
    """Fit the model named ``chosen`` on the latest window and forecast the next period.

    No back-test: the choice was made before (:mod:`api.usecases.forecast_choice`).

    Returns
    -------
    geopandas.GeoDataFrame
        :func:`models.forecast.risk.next_period` in EPSG:4326.
    """
    from geo.crs import to_wgs84
    from models.forecast import Forecaster, naive_scorer
    from models.forecast.risk import next_period

    incidents, cells, _crs = forecast_grid(data, settings, g, f)
    model = forecast_methods(data, f.horizon, f.seed).get(chosen)
    if not isinstance(model, Forecaster):
        model = naive_scorer("30D", horizon=f.horizon)
    return to_wgs84(next_period(model, incidents, cells, train=f.train, thanas=data.thanas))


def forecast_note(run: ForecastRun) -> str:
    """Return the sentence saying which forecast is used and why (in the current language)."""
    from geo.i18n import _, format_percent
    from models.evaluation.scorers import method_name

    share = format_percent(run.choice.area_share)
    if run.choice.beats_naive:
        # TRANSLATORS: {method} is a forecast model's name; {share} a share of the area, "5 %".
        return _(
            "{method} beats last-period counts at {share} of the area on your own data, "
            "by more than the spread across folds: it is used"
        ).format(method=method_name(run.choice.chosen), share=share)
    # TRANSLATORS: {share} is a share of the area such as "5 %".
    return _(
        "no candidate beats last-period counts at {share} of the area on your data by more "
        "than the spread across folds: the forecast is last-period counts"
    ).format(share=share)


def comparison_rows(choice: Choice) -> list[dict[str, Any]]:
    """Return the comparison table as JSON rows (every candidate and naive, best first)."""
    return [
        {str(k): jsonable(v) for k, v in row.items()}
        for row in choice.table.to_dict(orient="records")
    ]


def run_meta(run: ForecastRun, g: GridParams, f: ForecastParams) -> dict[str, Any]:
    """Return what a forecast's JSON says besides the cells: the comparison, choice, params."""
    from models.forecast.risk import EXPECTED, HOUR, WEEKDAY

    return {
        "horizon": f.horizon,
        "train": f.train,
        "folds": run.choice.folds,
        "area_share": f.area_share,
        "cell_m": g.cell_m,
        "grid": g.grid,
        "start": run.start.date().isoformat(),
        "end": run.end.date().isoformat(),
        "chosen": run.choice.chosen,
        "beats_naive": run.choice.beats_naive,
        "note": forecast_note(run),
        "candidates": comparison_rows(run.choice),
        "params": jsonable(run.params),
        "expected_total": jsonable(round(float(run.cells[EXPECTED].sum()), 2)),
        "hour_of_week": [
            {"weekday": int(r[WEEKDAY]), "hour": int(r[HOUR]), "expected": round(r[EXPECTED], 4)}
            for _, r in run.hours.iterrows()
        ],
    }


def forecast_geojson(source: Source, g: GridParams, f: ForecastParams) -> bytes:
    """Choose a forecast and return next period's risk per cell as GeoJSON (meta: the table).

    Parameters
    ----------
    source : api.usecases.common.Source
    g : GridParams
    f : ForecastParams

    Returns
    -------
    bytes
    """
    from api.usecases.forecast_choice import remember_choice
    from models.surfaces.grid import CELL_ID

    data = source.load()
    run = run_forecast(data, source.settings, g, f)
    remember_choice(data, source.settings, run, g, f)  # hotspot, patrol and CCTV calls reuse it
    meta = {**run_meta(run, g, f), **selection_meta(data)}
    return geojson_bytes(run.cells, id_column=CELL_ID, meta=meta)


def forecast_hotspots(
    spots: gpd.GeoDataFrame, run: ForecastRun | UsedForecast, f: ForecastParams
) -> gpd.GeoDataFrame:
    """Add the chosen forecast to explained hotspots: expected incidents, rank and "why".

    Each hotspot gets :data:`~models.forecast.risk.FORECAST_EXPECTED` (expected incidents of
    the cells centred inside it over the horizon) and how many times its thanas' average that
    is, and its ``why`` ends with them. When the forecast beats naive on this data, the risk
    rank follows the expected incidents (the score's rank breaks ties); otherwise the rank is
    kept and ``why`` says the forecast is naive.

    Parameters
    ----------
    spots : geopandas.GeoDataFrame
        The output of :func:`api.usecases.hotspots.explained_hotspots`.
    run : ForecastRun
        The forecast of the same selection (:func:`run_forecast`).
    f : ForecastParams
        Its parameters.

    Returns
    -------
    geopandas.GeoDataFrame
        ``spots`` with the two forecast columns, ``why`` and (when used) ``risk_rank`` updated.
    """
    import numpy as np

    from models.evaluation.scorers import LAST_PERIOD, method_name
    from models.forecast import horizon_days
    from models.forecast.risk import (
        FORECAST_EXPECTED,
        FORECAST_TIMES_THANA_MEAN,
        expected_in_areas,
        forecast_why,
    )
    from models.hotspots import RISK_RANK, WHY

    if spots.empty:
        return spots
    out = spots.join(expected_in_areas(spots, run.cells))
    out.attrs = dict(spots.attrs)  # the join drops them (DBSCAN choice, reference time, notes)
    days = horizon_days(f.horizon)
    note = "" if run.beats_naive else " (" + method_name(LAST_PERIOD) + ")"
    out[WHY] = [
        f"{why}; {forecast_why(e, t, days)}{note}"
        for why, e, t in zip(
            out[WHY], out[FORECAST_EXPECTED], out[FORECAST_TIMES_THANA_MEAN], strict=True
        )
    ]
    if run.beats_naive:
        order = np.lexsort((out[RISK_RANK].to_numpy(), -out[FORECAST_EXPECTED].to_numpy()))
        ranks = np.empty(len(out), dtype=np.int64)
        ranks[order] = np.arange(1, len(out) + 1)
        out[RISK_RANK] = ranks
    return out


def forecast_patrol_hotspots(
    spots: gpd.GeoDataFrame, run: ForecastRun | UsedForecast, f: ForecastParams
) -> gpd.GeoDataFrame:
    """Return hotspots whose patrol-stop weight is the forecast when it beats naive.

    The hotspots get :func:`forecast_hotspots`; when the forecast beats naive, the risk score
    a patrol stop's prize is made of becomes the hotspot's expected incidents relative to the
    riskiest hotspot's (in [0, 1]); otherwise the scores are kept.

    Parameters
    ----------
    spots : geopandas.GeoDataFrame
        :func:`models.hotspots.find_hotspots` output.
    run : ForecastRun
    f : ForecastParams

    Returns
    -------
    geopandas.GeoDataFrame
    """
    from models.forecast.risk import FORECAST_EXPECTED
    from models.hotspots import RISK_SCORE

    out = forecast_hotspots(spots, run, f)
    if out.empty or not run.beats_naive:
        return out
    top = float(out[FORECAST_EXPECTED].max())
    out[RISK_SCORE] = out[FORECAST_EXPECTED] / top if top > 0 else 0.0
    return out


def demand_forecast(run: ForecastRun | UsedForecast, f: ForecastParams) -> DemandForecast:
    """Return the forecast as CCTV placement and gap analysis use it.

    Demand is weighted by the forecast only when it beats naive; either way each "why" says
    the expected incidents (marked as last-period counts when the forecast is naive).

    Parameters
    ----------
    run : ForecastRun
    f : ForecastParams

    Returns
    -------
    models.cctv.forecast_demand.DemandForecast
    """
    from models.cctv.forecast_demand import DemandForecast
    from models.evaluation.scorers import LAST_PERIOD, method_name
    from models.forecast import horizon_days

    note = "" if run.beats_naive else " (" + method_name(LAST_PERIOD) + ")"
    return DemandForecast(
        cells=run.cells,
        horizon_days=horizon_days(f.horizon),
        weigh=run.beats_naive,
        note=note,
    )
