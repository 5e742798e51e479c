"""``GET /significance``: Getis-Ord Gi* hot and cold cells (FDR-corrected), as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query, Request, Response

from api.service.deps import SelectionDep, State
from api.service.routes.common import cached_selection, geojson_responses
from api.usecases.budget import GridParams
from api.usecases.common import GEOJSON
from api.usecases.significance import gi_geojson

router = APIRouter(tags=["analysis"])

#: Smallest and largest cell size accepted (a smaller cell makes grids too large to serve).
MIN_CELL_M: Final = 100.0
MAX_CELL_M: Final = 5000.0

CellQuery = Annotated[
    float,
    Query(
        ge=MIN_CELL_M,
        le=MAX_CELL_M,
        description="Cell size in metres (square side or H3 edge).",
        openapi_examples={"default": {"value": 250}},
    ),
]
GridQuery = Annotated[Literal["square", "h3"], Query(description="Kind of grid.")]
AllCellsQuery = Annotated[bool, Query(description="Every cell, not only the flagged ones.")]

_EXAMPLE = {
    "type": "FeatureCollection",
    "meta": {"cells": 7384, "flagged": 152, "classes": {"hot-99": 60, "not-significant": 7232}},
    "features": [
        {
            "type": "Feature",
            "id": "sq250m_1316_11379",
            "properties": {"count": 14, "gi_z": 9.1, "gi_p_fdr": 0.0001, "gi_class": "hot-99"},
            "geometry": {"type": "Polygon", "coordinates": [[[82.99, 25.31], [82.99, 25.32]]]},
        }
    ],
}


@router.get(
    "/significance",
    summary="Gi* hot and cold cells (GeoJSON)",
    response_class=Response,
    responses=geojson_responses(_EXAMPLE),
)
async def significance(
    request: Request,
    state: State,
    selection: SelectionDep,
    cell_m: CellQuery = 250.0,
    grid: GridQuery = "square",
    all_cells: AllCellsQuery = False,
) -> Response:
    """Count incidents per cell and flag statistically significant hot and cold cells.

    Gi* on binary contiguity weights with normal p-values and a Benjamini-Hochberg
    correction; classes ``hot-99`` … ``cold-99`` (90/95/99 % confidence).
    """
    g = GridParams(cell_m=cell_m, grid=grid)
    return await cached_selection(
        request,
        state,
        "significance",
        selection,
        {"cell_m": cell_m, "grid": grid, "all_cells": all_cells},
        lambda: gi_geojson(state.store, state.settings, selection, g, all_cells=all_cells),
        GEOJSON,
    )
