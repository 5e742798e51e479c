"""``GET /forecast``: next period's risk per cell from the back-test's best model (GeoJSON)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.service.routes.common import Analysis, geojson_route
from api.service.routes.params import GridDep, WindowQuery
from api.usecases.forecast import ForecastParams, forecast_geojson

router = APIRouter(tags=["analysis"])


_EXAMPLE = {
    "type": "FeatureCollection",
    "meta": {
        "chosen": "multi-scale recency",
        "beats_naive": True,
        "candidates": [
            {"method": "multi-scale recency", "hit_rate_equal_area": 0.31, "gain_over_naive": 0.04}
        ],
        "expected_total": 90.2,
    },
    "features": [
        {
            "type": "Feature",
            "id": "sq250m_2805_11189",
            "properties": {
                "expected_incidents": 0.87,
                "risk_rank": 1,
                "thana": "Lanka",
                "times_thana_mean": 12.8,
            },
            "geometry": {"type": "Polygon", "coordinates": [[[82.99, 25.31], [82.99, 25.32]]]},
        }
    ],
}


@router.get("/forecast", summary="Next period's risk per cell (GeoJSON)", **geojson_route(_EXAMPLE))
async def forecast(
    call: Analysis,
    g: GridDep,
    horizon: WindowQuery = "7D",
    train: WindowQuery = "90D",
    folds: Annotated[int, Query(ge=1, le=12, description="Latest folds to run.")] = 6,
    area_share: Annotated[
        float, Query(gt=0, le=0.5, description="Share of the area patrols cover.")
    ] = 0.05,
) -> Response:
    """Back-test every forecast model against last-period counts and forecast the next period.

    Models (multi-scale recency, self-exciting near-repeat, gradient-boosted cells, their
    ensemble) are compared at equal area over rolling folds; the best is used when it beats
    naive by more than the spread across folds, naive otherwise. ``meta`` holds the comparison.
    """
    f = ForecastParams(horizon=horizon, train=train, folds=folds, area_share=area_share)
    return await call.respond(
        "forecast",
        {**asdict(g), **asdict(f)},
        lambda source: forecast_geojson(source, g, f),
    )
