"""``/thanas``: boundaries with incident counts (GeoJSON) and each thana's scorecard."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from api.service.deps import (
    CategoryQuery,
    CurrentUser,
    FromQuery,
    State,
    ToQuery,
    check_categories,
    request_scope,
    selection_of,
)
from api.service.routes.common import (
    PROBLEM_RESPONSES,
    Analysis,
    AnalysisCall,
    geojson_route,
    json_bytes,
)
from api.service.routes.params import DbscanDep
from api.usecases.thanas import scorecard, thanas_geojson

router = APIRouter(prefix="/thanas", tags=["thanas"])

_EXAMPLE = {
    "type": "FeatureCollection",
    "meta": {"thanas": 29, "store_version": 6},
    "features": [
        {
            "type": "Feature",
            "id": "Lanka",
            "properties": {"name": "Lanka", "zone": "Kashi", "vehicles": 4, "incidents": 197},
            "geometry": {"type": "Polygon", "coordinates": [[[82.99, 25.27], [83.01, 25.27]]]},
        }
    ],
}


@router.get(
    "", summary="Thana boundaries with incident counts (GeoJSON)", **geojson_route(_EXAMPLE)
)
async def thanas(call: Analysis) -> Response:
    """Return the thana boundaries with the incidents of the selection.

    Every thana (an in-charge: their own) with zone, station, resources and the number of
    incidents in the selected dates and categories.
    """
    return await call.respond("thanas", {}, thanas_geojson)


class Scorecard(BaseModel):
    """One thana at a glance."""

    thana: str = Field(examples=["Lanka"])
    zone: str | None = Field(examples=["Kashi"])
    period: dict[str, str | None]
    categories: list[str]
    store_version: int
    incidents: dict[str, Any] = Field(
        description="total, by_category, by_month (YYYY-MM), by_month_category rows."
    )
    hotspots: dict[str, Any] = Field(description="count, underserved, eps_m, min_samples.")
    campaigns: dict[str, Any] = Field(description="held, attendees, by_kind.")
    cctv: dict[str, int] = Field(description="working, faulty, unknown, total.")
    sites: dict[str, Any] = Field(
        description="total, without_working_camera, camera_radius_m, list_without_camera."
    )
    resources: dict[str, int | float | None] = Field(
        description="Resource audit: vehicles, women_staff, rooms, toilets, computers, phones."
    )


@router.get(
    "/{name}/scorecard",
    summary="A thana's scorecard",
    response_model=Scorecard,
    responses={**PROBLEM_RESPONSES, 404: {"description": "No such thana (problem+json)."}},
)
async def thana_scorecard(
    request: Request,
    state: State,
    user: CurrentUser,
    name: Annotated[str, Path(max_length=200, description="The thana, as the layer spells it.")],
    dbscan: DbscanDep,
    start: FromQuery = None,
    end: ToQuery = None,
    category: CategoryQuery = None,
    camera_radius_m: Annotated[
        float,
        Query(ge=0, le=2000, description="A site is watched with a working camera this near."),
    ] = 100.0,
) -> Response:
    """Return a thana's scorecard.

    Incidents by category and month, hotspots, awareness drives and attendees, CCTV
    working/faulty, sensitive sites without a working camera, and the resource audit.
    An in-charge may only ask for their own thana.
    """
    check_categories(category, state.settings)
    scope = request_scope(request, user, name, field="name")
    assert scope is not None
    selection = selection_of(scope, start, end, category)
    eps_m, min_samples = dbscan.eps_m, dbscan.min_samples
    return await AnalysisCall(request, state, selection).respond(
        "scorecard",
        {"eps_m": eps_m, "min_samples": min_samples, "camera_radius_m": camera_radius_m},
        lambda source: json_bytes(
            scorecard(source, eps_m=eps_m, min_samples=min_samples, camera_radius_m=camera_radius_m)
        ),
        "application/json",
    )
