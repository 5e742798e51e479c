"""The CCTV plan of an analysis selection: its hotspots, site gaps and proposed cameras."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd

from geo.schema import THANA
from models.cctv import gaps as cg
from models.cctv import placement as pl
from models.cctv.forecast_demand import DemandForecast, with_forecast_why
from models.hotspots import DEFAULT_EPS_M, DEFAULT_MIN_SAMPLES, hotspots_of_inputs
from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CctvParams:
    """Parameters of the CCTV gap analysis and placement of a selection.

    Attributes
    ----------
    eps_m, min_samples : float, int
        Hotspot parameters (:func:`models.hotspots.find_hotspots`).
    radius_m : float
        Incidents within this distance of a site count for its priority.
    days : int or None
        ... in the last ``days`` days of the selection (None: all of it).
    metric_crs : str, optional
    """

    eps_m: float = DEFAULT_EPS_M
    min_samples: int = DEFAULT_MIN_SAMPLES
    radius_m: float = cg.DEFAULT_RADIUS_M
    days: int | None = cg.DEFAULT_DAYS
    metric_crs: str | None = None


def selection_hotspots(data: AnalysisInputs, p: CctvParams) -> gpd.GeoDataFrame | None:
    """Return the hotspots of the selected incidents (None without incidents).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    p : CctvParams

    Returns
    -------
    geopandas.GeoDataFrame or None
    """
    if data.incidents.empty:
        return None
    return hotspots_of_inputs(
        data,
        eps_m=p.eps_m,
        min_samples=p.min_samples,
        metric_crs=p.metric_crs,
        campaigns=False,
    )


def selection_gaps(
    data: AnalysisInputs,
    p: CctvParams,
    hotspots: gpd.GeoDataFrame | None = None,
    forecast: DemandForecast | None = None,
) -> cg.GapAnalysis:
    """Return the gap analysis of a selection; with a thana, only that thana's sites.

    Cameras anywhere count (a camera across the boundary may see a site); the summary keeps
    only the selected thana's row.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    p : CctvParams
    hotspots : geopandas.GeoDataFrame, optional
        Default: :func:`selection_hotspots`.
    forecast : models.cctv.forecast_demand.DemandForecast, optional
        When given, each gap gets its cell's expected incidents, and its ``why`` says them.

    Returns
    -------
    models.cctv.gaps.GapAnalysis
    """
    spots = selection_hotspots(data, p) if hotspots is None else hotspots
    result = cg.gap_analysis(
        data.sites,
        data.cctv,
        incidents=data.incidents,
        hotspots=spots,
        thanas=data.thanas,
        metric_crs=p.metric_crs,
        radius_m=p.radius_m,
        days=p.days,
        reference_time=data.reference_time(),
    )
    if forecast is not None:
        crs = str(result.parameters["metric_crs"] or result.registry.metric_crs)
        gaps = with_forecast_why(result.gaps, forecast, cg.WHY, crs)
        result = cg.GapAnalysis(
            gaps, result.summary, result.registry, result.parameters, result.notes
        )
    thana = data.selection.thana
    if thana is None:
        return result
    gaps = result.gaps[result.gaps[THANA].astype("string") == thana]
    summary = result.summary[result.summary[THANA] == thana].reset_index(drop=True)
    return cg.GapAnalysis(gaps, summary, result.registry, result.parameters, result.notes)


def selection_placement(
    data: AnalysisInputs,
    p: CctvParams,
    *,
    k: int,
    budget: float | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    method: pl.Method = "auto",
    new_cost: float = pl.NEW_COST,
    repair_cost: float = pl.REPAIR_COST,
    time_limit_s: float = pl.TIME_LIMIT_S,
    forecast: DemandForecast | None = None,
) -> pl.Placement:
    """Return up to ``k`` proposed cameras for a selection (its thana, or overall).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    p : CctvParams
    k : int
    budget : float, optional
    hotspots : geopandas.GeoDataFrame, optional
        Default: :func:`selection_hotspots`.
    method : {"auto", "milp", "greedy"}
    new_cost, repair_cost : float
    time_limit_s : float
        Time limit of the MILP.
    forecast : models.cctv.forecast_demand.DemandForecast, optional
        Weights demand and speaks in each camera's ``why``
        (:func:`~models.cctv.placement.place_cameras`).

    Returns
    -------
    models.cctv.placement.Placement
    """
    spots = selection_hotspots(data, p) if hotspots is None else hotspots
    thana = data.selection.thana
    return pl.place_cameras(
        data.sites,
        data.cctv,
        k=k,
        budget=budget,
        incidents=data.incidents,
        hotspots=spots,
        thanas=data.thanas,
        thana=thana,
        metric_crs=p.metric_crs,
        days=p.days,
        reference_time=data.reference_time(),
        method=method,
        new_cost=new_cost,
        repair_cost=repair_cost,
        time_limit_s=time_limit_s,
        forecast=forecast,
    )
