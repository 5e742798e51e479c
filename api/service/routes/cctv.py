"""CCTV routes: `GET /cctv/gaps`, `GET /cctv/placement` and the `GET /maps/cctv` map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.service.deps import MapSelectionDep, SelectionDep, State
from api.service.routes.common import PROBLEM_RESPONSES, cached_selection, geojson_responses
from api.usecases.cctv import (
    CCTV_DEFAULTS,
    DAYS_HELP,
    K_HELP,
    MAX_BUDGET,
    MAX_DAYS,
    MAX_K,
    MAX_RADIUS_M,
    RADIUS_HELP,
    SERVICE_TIME_LIMIT_S,
    CctvRequest,
    cctv_map_html,
    gaps_geojson,
    placement_geojson,
)
from api.usecases.common import GEOJSON

router = APIRouter(tags=["cctv"])

RadiusQuery = Annotated[float, Query(gt=0, le=MAX_RADIUS_M, description=RADIUS_HELP)]
DaysQuery = Annotated[int, Query(ge=1, le=MAX_DAYS, description=DAYS_HELP)]
KQuery = Annotated[
    int, Query(ge=0, le=MAX_K, description=K_HELP, openapi_examples={"five": {"value": 5}})
]
BudgetQuery = Annotated[
    float | None,
    Query(
        ge=0,
        le=MAX_BUDGET,
        description="Most total cost in new-camera equivalents (a repair costs 0.3).",
    ),
]


@router.get(
    "/cctv/gaps",
    summary="CCTV gaps at sensitive sites (GeoJSON)",
    response_class=Response,
    responses=geojson_responses(),
)
async def cctv_gaps(
    request: Request,
    state: State,
    selection: SelectionDep,
    radius_m: RadiusQuery = CCTV_DEFAULTS.radius_m,
    days: DaysQuery = CCTV_DEFAULTS.days,
) -> Response:
    """List every sensitive site with its CCTV gap, most urgent first.

    Each feature is a site: covered / repairable / uncovered, the nearest working and faulty
    cameras, incidents nearby, whether it lies in a hotspot, a priority and ``why``. ``meta``
    holds the per-thana summary and the defaults used for a messy camera register. An
    in-charge gets only their thana's sites.
    """
    q = CctvRequest(radius_m=radius_m, days=days)
    return await cached_selection(
        request,
        state,
        "cctv/gaps",
        selection,
        {"radius_m": radius_m, "days": days},
        lambda: gaps_geojson(state.store, state.settings, selection, q),
        GEOJSON,
    )


@router.get(
    "/cctv/placement",
    summary="Proposed cameras (GeoJSON, in order of marginal gain)",
    response_class=Response,
    responses=geojson_responses(),
)
async def cctv_placement(
    request: Request,
    state: State,
    selection: SelectionDep,
    k: KQuery = CCTV_DEFAULTS.k,
    budget: BudgetQuery = CCTV_DEFAULTS.budget,
    days: DaysQuery = CCTV_DEFAULTS.days,
) -> Response:
    """Propose up to ``k`` cameras (new or repairs of broken ones) within an optional budget.

    Maximal covering of incidents, hotspot cells and sensitive sites not yet seen by a working
    camera (exact MILP with HiGHS; greedy with its optimality gap for very large requests).
    Features are Points in the order of marginal gain, so the plan can stop at any row. An
    in-charge's plan covers only their thana.
    """
    q = CctvRequest(days=days, k=k, budget=budget, time_limit_s=SERVICE_TIME_LIMIT_S)
    return await cached_selection(
        request,
        state,
        "cctv/placement",
        selection,
        {"k": k, "budget": budget, "days": days},
        lambda: placement_geojson(state.store, state.settings, selection, q),
        GEOJSON,
    )


@router.get(
    "/maps/cctv",
    summary="CCTV map (HTML)",
    response_class=Response,
    responses={
        200: {
            "description": "A standalone HTML page (Leaflet via folium, assets from /assets).",
            "content": {"text/html": {"example": "<!DOCTYPE html>…"}},
        },
        **PROBLEM_RESPONSES,
    },
)
async def cctv_map_page(
    request: Request,
    state: State,
    selection: MapSelectionDep,
    k: KQuery = CCTV_DEFAULTS.k,
    budget: BudgetQuery = CCTV_DEFAULTS.budget,
    days: DaysQuery = CCTV_DEFAULTS.days,
) -> Response:
    """Draw sites by CCTV gap (red, amber, green), cameras and ``k`` proposed cameras.

    Authenticated like ``/maps/hotspots`` (bearer token or the map cookie); an in-charge's map
    shows only their thana.
    """
    from api.service.routes.maps import ASSET_PREFIX

    q = CctvRequest(days=days, k=k, budget=budget, time_limit_s=SERVICE_TIME_LIMIT_S)
    return await cached_selection(
        request,
        state,
        "maps/cctv",
        selection,
        {"k": k, "budget": budget, "days": days},
        lambda: cctv_map_html(
            state.store, state.settings, selection, q, asset_prefix=ASSET_PREFIX
        ).encode("utf-8"),
        "text/html; charset=utf-8",
    )
