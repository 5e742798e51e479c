"""``GET /maps/hotspots``: the interactive hotspot map (HTML, folium, assets served locally)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.service.routes.common import HTML, MapAnalysis, html_route
from api.service.routes.params import CellQuery, HotspotDep
from api.usecases.maps import MapParams, map_html

router = APIRouter(prefix="/maps", tags=["maps"])

#: URL prefix the maps' vendored JavaScript/CSS is served at.
ASSET_PREFIX = "/assets"


@router.get(
    "/hotspots",
    summary="Hotspot map (HTML)",
    **html_route({503: {"description": "The maps package is not installed (problem+json)."}}),
)
async def hotspot_map(
    call: MapAnalysis,
    dbscan: HotspotDep,
    underserved: Annotated[
        bool, Query(description="Also mark hotspots without a recent awareness drive.")
    ] = False,
    significance: Annotated[bool, Query(description="Add the Gi* hot and cold cells.")] = False,
    campaigns: Annotated[
        bool, Query(description="Add the clusters of awareness drives (where drives concentrate).")
    ] = False,
    emerging: Annotated[
        bool, Query(description="Add each cell's emerging hot-spot trend (monthly).")
    ] = False,
    cell_m: CellQuery = 250.0,
    share: Annotated[
        bool, Query(description="A map for sharing outside the police: no incident points.")
    ] = False,
    max_points: Annotated[
        int, Query(ge=0, le=20_000, description="Most incident points drawn.")
    ] = 2000,
) -> Response:
    """Draw the selection's hotspots (with incidents, thanas, sites, CCTV and drives) on a map.

    Authenticated by the bearer token or, for an ``<iframe>``, by the HttpOnly map cookie set
    at login. An in-charge's map shows only their thana.
    """
    params = MapParams(
        hotspots=replace(dbscan, underserved=underserved),
        significance=significance,
        emerging=emerging,
        campaigns=campaigns,
        cell_m=cell_m,
        share=share,
        max_points=max_points,
    )
    return await call.respond(
        "maps/hotspots",
        {
            "eps_m": dbscan.eps_m,
            "min_samples": dbscan.min_samples,
            "max_width_m": dbscan.max_width_m,
            "underserved": underserved,
            "significance": significance,
            "emerging": emerging,
            "campaigns": campaigns,
            "cell_m": cell_m,
            "share": share,
            "max_points": max_points,
        },
        lambda source: map_html(source, params, asset_prefix=ASSET_PREFIX).encode("utf-8"),
        HTML,
    )
