"""CCTV routes: `GET /cctv/gaps`, `GET /cctv/placement` and the `GET /maps/cctv` map."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.service.routes.common import (
    HTML,
    Analysis,
    AnalysisCall,
    MapAnalysis,
    geojson_route,
    html_route,
)
from api.service.routes.params import (
    DaysQuery,
    ForecastQuery,
    PlacementDep,
    RadiusQuery,
    forecast_key,
)
from api.usecases.cctv import (
    CCTV_DEFAULTS,
    CctvRequest,
    cctv_map_html,
    gaps_geojson,
    placement_geojson,
)

router = APIRouter(tags=["cctv"])


@router.get("/cctv/gaps", summary="CCTV gaps at sensitive sites (GeoJSON)", **geojson_route())
async def cctv_gaps(
    call: Analysis,
    radius_m: RadiusQuery = CCTV_DEFAULTS.radius_m,
    days: DaysQuery = CCTV_DEFAULTS.days,
    forecast: ForecastQuery = None,
) -> Response:
    """List every sensitive site with its CCTV gap, most urgent first.

    Each feature is a site: covered / repairable / uncovered, the nearest working and faulty
    cameras, incidents nearby, whether it lies in a hotspot, a priority and ``why``. ``meta``
    holds the per-thana summary and the defaults used for a messy camera register. An
    in-charge gets only their thana's sites.
    """
    q = CctvRequest(radius_m=radius_m, days=days, forecast=forecast)
    return await call.respond(
        "cctv/gaps",
        {
            "radius_m": radius_m,
            "days": days,
            "forecast": forecast_key(call.state.settings, forecast),
        },
        lambda source: gaps_geojson(source, q),
    )


def _placement_params(call: AnalysisCall, q: CctvRequest) -> dict[str, object]:
    return {
        "k": q.k,
        "budget": q.budget,
        "days": q.days,
        "forecast": forecast_key(call.state.settings, q.forecast),
    }


@router.get(
    "/cctv/placement",
    summary="Proposed cameras (GeoJSON, in order of marginal gain)",
    **geojson_route(),
)
async def cctv_placement(call: Analysis, q: PlacementDep) -> Response:
    """Propose up to ``k`` cameras (new or repairs of broken ones) within an optional budget.

    Maximal covering of incidents, hotspot cells and sensitive sites not yet seen by a working
    camera (exact MILP with HiGHS; greedy with its optimality gap for very large requests).
    Features are Points in the order of marginal gain, so the plan can stop at any row. An
    in-charge's plan covers only their thana.
    """
    return await call.respond(
        "cctv/placement", _placement_params(call, q), lambda source: placement_geojson(source, q)
    )


@router.get("/maps/cctv", summary="CCTV map (HTML)", **html_route())
async def cctv_map_page(call: MapAnalysis, q: PlacementDep) -> Response:
    """Draw sites by CCTV gap (red, amber, green), cameras and ``k`` proposed cameras.

    Authenticated like ``/maps/hotspots`` (bearer token or the map cookie); an in-charge's map
    shows only their thana.
    """
    from api.service.routes.maps import ASSET_PREFIX

    return await call.respond(
        "maps/cctv",
        _placement_params(call, q),
        lambda source: cctv_map_html(source, q, asset_prefix=ASSET_PREFIX).encode("utf-8"),
        HTML,
    )
