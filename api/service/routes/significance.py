"""``GET /significance``: Getis-Ord Gi* hot and cold cells (FDR-corrected), as GeoJSON."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from api.service.routes.common import Analysis, geojson_route
from api.service.routes.params import AllCellsQuery, GridDep
from api.usecases.significance import gi_geojson

router = APIRouter(tags=["analysis"])

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


@router.get("/significance", summary="Gi* hot and cold cells (GeoJSON)", **geojson_route(_EXAMPLE))
async def significance(call: Analysis, g: GridDep, all_cells: AllCellsQuery = False) -> Response:
    """Count incidents per cell and flag statistically significant hot and cold cells.

    Gi* on binary contiguity weights with normal p-values and a Benjamini-Hochberg
    correction; classes ``hot-99`` … ``cold-99`` (90/95/99 % confidence).
    """
    return await call.respond(
        "significance",
        {**asdict(g), "all_cells": all_cells},
        lambda source: gi_geojson(source, g, all_cells=all_cells),
    )
