"""Use case: CCTV gaps at sensitive sites, proposed cameras and the CCTV map of a selection."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

import geopandas as gpd

from api.usecases.common import Source, geojson_bytes, selection_meta
from geo.settings import Settings
from models.hotspots import DEFAULT_EPS_M, DEFAULT_MIN_SAMPLES
from models.inputs import AnalysisInputs

if TYPE_CHECKING:
    import folium

    from models.cctv.forecast_demand import DemandForecast
    from models.cctv.gaps import GapAnalysis
    from models.cctv.placement import Placement
    from models.cctv.plan import CctvParams

logger = logging.getLogger(__name__)

#: Help texts shared by the CLI options and the query parameters.
RADIUS_HELP: Final = "Incidents within this many metres of a site count."
DAYS_HELP: Final = "... in this many days up to the latest incident."
K_HELP: Final = "Most cameras proposed (new or repaired)."


@dataclass(frozen=True)
class CctvRequest:
    """Parameters of a CCTV gap analysis, placement or map, declared once.

    Attributes
    ----------
    radius_m : float
        Incidents within this distance of a site count for its priority.
    days : int
        ... in this many days up to the latest incident.
    k : int
        Most cameras proposed (0: none).
    budget : float or None
        Most total cost in new-camera equivalents.
    eps_m, min_samples : float, int
        Hotspot parameters.
    repair_cost : float
        Cost of a repair, in new-camera equivalents.
    method : str
        Placement solver: ``auto``, ``milp`` or ``greedy``.
    time_limit_s : float or None
        Time limit of the placement solve (None: the model's default).
    forecast : bool or None
        Weight incident and hotspot-cell demand by next week's expected incidents when the
        chosen forecast beats naive, and say them in each camera's and gap's why. None
        (default): when ``shakti forecast`` chose one for this data and it beat naive; True:
        always (back-tests when none is chosen); False: never.
    """

    radius_m: float = 300.0
    days: int = 90
    k: int = 5
    budget: float | None = None
    eps_m: float = DEFAULT_EPS_M
    min_samples: int = DEFAULT_MIN_SAMPLES
    repair_cost: float = 0.3
    method: str = "auto"
    time_limit_s: float | None = None
    forecast: bool | None = None


#: The defaults of every CCTV parameter (the CLI options and query parameters use them).
CCTV_DEFAULTS: Final = CctvRequest()


def model_params(settings: Settings, q: CctvRequest) -> CctvParams:
    """Return the model's parameters of a request.

    Parameters
    ----------
    settings : geo.settings.Settings
    q : CctvRequest

    Returns
    -------
    models.cctv_plan.CctvParams
    """
    from models.cctv.plan import CctvParams

    return CctvParams(
        eps_m=q.eps_m,
        min_samples=q.min_samples,
        radius_m=q.radius_m,
        days=q.days,
        metric_crs=settings.metric_crs,
    )


@dataclass(frozen=True)
class CctvPlan:
    """Hotspots, site gaps and (optionally) proposed cameras of one selection.

    Attributes
    ----------
    data : models.inputs.AnalysisInputs
    hotspots : geopandas.GeoDataFrame or None
        None without incidents.
    gaps : models.cctv_gaps.GapAnalysis
    placement : models.placement.Placement or None
        None when ``k`` is 0 or there are no sites.
    """

    data: AnalysisInputs
    hotspots: gpd.GeoDataFrame | None
    gaps: GapAnalysis
    placement: Placement | None


def selection_forecast(
    data: AnalysisInputs, settings: Settings, q: CctvRequest
) -> tuple[DemandForecast | None, str]:
    """Return the selection's forecast for CCTV demand as ``q.forecast`` decides (or None).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    q : CctvRequest

    Returns
    -------
    forecast : models.cctv.forecast_demand.DemandForecast or None
        None also without incidents (nothing to forecast from).
    message : str
        What the user is told (:class:`api.usecases.forecast_choice.ForecastUse`).
    """
    from api.usecases.forecast import demand_forecast
    from api.usecases.forecast_choice import resolve_forecast

    use = resolve_forecast(data, settings, q.forecast)
    if use.forecast is None:
        return None, use.message
    return demand_forecast(use.forecast, use.params), use.message


def placement(
    data: AnalysisInputs,
    settings: Settings,
    q: CctvRequest,
    hotspots: gpd.GeoDataFrame | None = None,
    forecast: DemandForecast | None = None,
) -> Placement:
    """Return up to ``q.k`` proposed cameras of a selection.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    q : CctvRequest
    hotspots : geopandas.GeoDataFrame, optional
        Default: the selection's hotspots.
    forecast : models.cctv.forecast_demand.DemandForecast, optional
        Default: :func:`selection_forecast`.

    Returns
    -------
    models.placement.Placement
    """
    from models.cctv import placement as pl
    from models.cctv.plan import selection_placement

    return selection_placement(
        data,
        model_params(settings, q),
        k=q.k,
        budget=q.budget,
        hotspots=hotspots,
        method=q.method,  # type: ignore[arg-type]  # checked by the adapters
        repair_cost=q.repair_cost,
        time_limit_s=pl.TIME_LIMIT_S if q.time_limit_s is None else q.time_limit_s,
        forecast=selection_forecast(data, settings, q)[0] if forecast is None else forecast,
    )


def cctv_plan(data: AnalysisInputs, settings: Settings, q: CctvRequest) -> CctvPlan:
    """Return the hotspots, gaps and proposed cameras of a selection (the map and the report).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    q : CctvRequest

    Returns
    -------
    CctvPlan
    """
    from models.cctv.plan import selection_gaps, selection_hotspots

    params = model_params(settings, q)
    spots = selection_hotspots(data, params)
    forecast, _message = selection_forecast(data, settings, q)
    gaps = selection_gaps(data, params, spots, forecast)
    if q.k and not data.sites.empty:  # the forecast decided once (none: the plan without)
        plan = placement(data, settings, replace(q, forecast=False), spots, forecast)
    else:
        plan = None
    return CctvPlan(data, spots, gaps, plan)


def cctv_folium_map(
    plan: CctvPlan,
    settings: Settings,
    *,
    tiles: str | None,
    tile_attribution: str | None,
    title: str | None = None,
    share: bool = False,
    show_hotspots: bool = True,
) -> folium.Map:
    """Draw the CCTV map of a plan; cameras and outlines are limited to the selection's thana.

    Parameters
    ----------
    plan : CctvPlan
    settings : geo.settings.Settings
    tiles, tile_attribution : str or None
    title : str, optional
        Default: the map builder's.
    share : bool
    show_hotspots : bool
        Draw the hotspots for context.

    Returns
    -------
    folium.Map
    """
    from maps.cctv_map import cctv_map

    data = plan.data
    area = data.study_area()
    cams = data.cctv
    if data.selection.thana is not None and area is not None and len(area) and len(cams):
        cams = cams[cams.within(area.to_crs(cams.crs).union_all())]
    extra = {} if title is None else {"title": title}
    return cctv_map(
        plan.gaps.gaps,
        cams,
        thanas=area if area is not None else data.thanas,
        hotspots=plan.hotspots if show_hotspots else None,
        gaps=plan.gaps,
        proposed=None if plan.placement is None else plan.placement.cameras,
        share=share,
        tiles=tiles,
        tile_attribution=tile_attribution,
        metric_crs=settings.metric_crs,
        **extra,
    )


def gaps_geojson(source: Source, q: CctvRequest) -> bytes:
    """Return the CCTV gaps of a selection's sites as GeoJSON (most urgent first).

    Parameters
    ----------
    source : api.usecases.common.Source
    q : CctvRequest

    Returns
    -------
    bytes
    """
    from models.cctv.gaps import SITE_ID
    from models.cctv.plan import selection_gaps

    data = source.load(require=False)
    forecast, _message = selection_forecast(data, source.settings, q)
    result = selection_gaps(data, model_params(source.settings, q), forecast=forecast)
    meta = {
        **selection_meta(data),
        "parameters": {"radius_m": q.radius_m, "days": q.days},
        "counts": result.counts(),
        "registry": dict(result.registry.counts),
        "summary": result.summary.to_dict(orient="records"),
        "defaults_used": list(result.notes),
    }
    return geojson_bytes(result.gaps, id_column=SITE_ID, meta=meta)


def placement_geojson(source: Source, q: CctvRequest) -> bytes:
    """Return up to ``k`` proposed cameras as GeoJSON Points, in order of marginal gain.

    Parameters and return value are those of :func:`gaps_geojson`.
    """
    from models.cctv import placement as pl

    data = source.load(require=False)
    plan = placement(data, source.settings, q)
    meta = {**selection_meta(data), "plan": dict(plan.summary), "notes": list(plan.notes)}
    return geojson_bytes(plan.cameras, id_column=pl.ORDER, meta=meta)


def cctv_map_html(source: Source, q: CctvRequest, *, asset_prefix: str) -> str:
    """Render the CCTV map of a selection (gaps, cameras, proposed cameras) as HTML.

    Parameters
    ----------
    source : api.usecases.common.Source
    q : CctvRequest
    asset_prefix : str

    Returns
    -------
    str
    """
    from api.usecases.maps import tiles_of
    from maps.render import map_html

    settings = source.settings
    m = cctv_folium_map(
        cctv_plan(source.load(require=False), settings, q),
        settings,
        tiles=tiles_of(settings),
        tile_attribution=settings.tile_attribution,
        title=f"Shakti Hotspots: CCTV, {source.selection.thana or 'all thanas'}",
    )
    html: str = map_html(m, assets="served", asset_prefix=asset_prefix)
    return html
