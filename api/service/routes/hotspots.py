"""``GET /hotspots``: explained DBSCAN hotspots of the selected incidents, as GeoJSON."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.service.routes.common import Analysis, geojson_route
from api.service.routes.params import HotspotDep, forecast_key
from api.usecases.hotspots import hotspots_geojson

router = APIRouter(tags=["analysis"])


@router.get("/hotspots", summary="Hotspots (GeoJSON)", **geojson_route())
async def hotspots(
    call: Analysis,
    dbscan: HotspotDep,
    underserved: Annotated[
        bool,
        Query(description="Only hotspots with no awareness drive within 500 m in 90 days."),
    ] = False,
    layer: Annotated[
        Literal["incidents", "campaigns"],
        Query(
            description="incidents: incident hotspots (each with the drive clusters within "
            "500 m); campaigns: clusters of awareness drives, each with the incidents and "
            "hotspots around it."
        ),
    ] = "incidents",
) -> Response:
    """Find incident hotspots (exact DBSCAN in metres) and explain each one.

    Each feature is a hotspot polygon with counts, category and source mix, peak hours, trend,
    nearby sensitive sites, CCTV coverage, recent drives, a risk score with its components
    and a plain-language ``why``. Aggregates only: no incident or person is in the output.
    Without ``eps_m``/``min_samples`` they are chosen from the selection's density and wide
    clusters are split to patrol size; ``meta.parameters`` says which values and why, and
    ``meta.concentration`` what share of incidents the top hotspots hold on what share of area.
    """
    params = replace(dbscan, underserved=underserved, layer=layer)
    return await call.respond(
        "hotspots",
        {
            "eps_m": params.eps_m,
            "min_samples": params.min_samples,
            "max_width_m": params.max_width_m,
            "underserved": underserved,
            "layer": layer,
            "forecast": forecast_key(call.state.settings, params.forecast),
        },
        lambda source: hotspots_geojson(source, params),
    )
