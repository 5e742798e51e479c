"""``GET /hotspots``: explained DBSCAN hotspots of the selected incidents, as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query, Request, Response

from api.service.deps import SelectionDep, State
from api.service.routes.common import cached_selection, geojson_responses
from api.usecases.common import GEOJSON
from api.usecases.hotspots import HotspotParams, hotspots_geojson

router = APIRouter(tags=["analysis"])

#: Bounds of the DBSCAN parameters accepted by the service.
MAX_EPS_M: Final = 5000.0
MAX_MIN_SAMPLES: Final = 1000

EpsQuery = Annotated[
    float,
    Query(
        gt=0,
        le=MAX_EPS_M,
        description="DBSCAN radius in metres.",
        openapi_examples={"default": {"value": 150}, "tight": {"value": 75}},
    ),
]
MinSamplesQuery = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_MIN_SAMPLES,
        description="Incidents within eps_m that make a core point.",
        openapi_examples={"default": {"value": 10}},
    ),
]


@router.get(
    "/hotspots",
    summary="Hotspots (GeoJSON)",
    response_class=Response,
    responses=geojson_responses(),
)
async def hotspots(
    request: Request,
    state: State,
    selection: SelectionDep,
    eps_m: EpsQuery = 150.0,
    min_samples: MinSamplesQuery = 10,
    underserved: Annotated[
        bool,
        Query(description="Only hotspots with no awareness drive within 500 m in 90 days."),
    ] = False,
) -> Response:
    """Find incident hotspots (exact DBSCAN in metres) and explain each one.

    Each feature is a hotspot polygon with counts, category and source mix, peak hours, trend,
    nearby sensitive sites, CCTV coverage, recent drives, a risk score with its components
    and a plain-language ``why``. Aggregates only: no incident or person is in the output.
    """
    params = HotspotParams(eps_m=eps_m, min_samples=min_samples, underserved=underserved)
    return await cached_selection(
        request,
        state,
        "hotspots",
        selection,
        {
            "eps_m": eps_m,
            "min_samples": min_samples,
            "underserved": underserved,
        },
        lambda: hotspots_geojson(state.store, state.settings, selection, params),
        GEOJSON,
    )
