"""``GET /emerging``: emerging hot-spot patterns (space-time Gi* + Mann-Kendall), as GeoJSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.service.routes.common import Analysis, geojson_route
from api.service.routes.params import AllCellsQuery, GridDep
from api.usecases.significance import emerging_geojson

router = APIRouter(tags=["analysis"])

_EXAMPLE = {
    "type": "FeatureCollection",
    "meta": {"cells": 7384, "flagged": 40, "patterns": {"persistent hot spot": 12}},
    "features": [
        {
            "type": "Feature",
            "id": "sq250m_1316_11379",
            "properties": {"count": 31, "n_hot_bins": 17, "pattern": "persistent hot spot"},
            "geometry": {"type": "Polygon", "coordinates": [[[82.99, 25.31], [82.99, 25.32]]]},
        }
    ],
}


@router.get("/emerging", summary="Emerging hot spots (GeoJSON)", **geojson_route(_EXAMPLE))
async def emerging(
    call: Analysis,
    g: GridDep,
    time_bin: Annotated[
        Literal["W", "14D", "M"],
        Query(description="Time bin: weekly, fortnightly or calendar months."),
    ] = "M",
    all_cells: AllCellsQuery = False,
) -> Response:
    """Classify cells as new, consecutive, intensifying, persistent, … hot or cold spots.

    Gi* per time bin and a Mann-Kendall trend of each cell's z-scores, with ArcGIS's pattern
    rules. Only cells with a pattern unless ``all_cells``.
    """
    return await call.respond(
        "emerging",
        {**asdict(g), "time_bin": time_bin, "all_cells": all_cells},
        lambda source: emerging_geojson(source, g, time_bin=time_bin, all_cells=all_cells),
    )
