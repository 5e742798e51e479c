"""``GET /emerging``: emerging hot-spot patterns (space-time Gi* + Mann-Kendall), as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.service.deps import SelectionDep, State
from api.service.routes.common import cached_selection, geojson_responses
from api.service.routes.significance import AllCellsQuery, CellQuery, GridQuery
from api.usecases.budget import GridParams
from api.usecases.common import GEOJSON
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


@router.get(
    "/emerging",
    summary="Emerging hot spots (GeoJSON)",
    response_class=Response,
    responses=geojson_responses(_EXAMPLE),
)
async def emerging(
    request: Request,
    state: State,
    selection: SelectionDep,
    cell_m: CellQuery = 250.0,
    grid: GridQuery = "square",
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
    g = GridParams(cell_m=cell_m, grid=grid)
    return await cached_selection(
        request,
        state,
        "emerging",
        selection,
        {
            "cell_m": cell_m,
            "grid": grid,
            "time_bin": time_bin,
            "all_cells": all_cells,
        },
        lambda: emerging_geojson(
            state.store, state.settings, selection, g, time_bin=time_bin, all_cells=all_cells
        ),
        GEOJSON,
    )
