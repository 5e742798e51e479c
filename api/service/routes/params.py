"""Query parameters of the analysis routes, each declared once (bounds, help and examples)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final, Literal

from fastapi import Depends, Query

from api.usecases.budget import GRID_DEFAULTS, GridParams
from api.usecases.cctv import (
    CCTV_DEFAULTS,
    DAYS_HELP,
    K_HELP,
    RADIUS_HELP,
    CctvRequest,
)
from api.usecases.hotspots import HotspotParams
from geo.settings import Settings

#: Bounds of the DBSCAN parameters accepted by the service. Below a metre the grid DBSCAN
#: cannot be exact at a city's projected coordinates (``models.hotspots.grid_core``) and
#: scikit-learn's neighbourhoods of many incidents at one spot grow quadratically in memory.
MIN_EPS_M: Final = 1.0
MAX_EPS_M: Final = 5000.0
MAX_MIN_SAMPLES: Final = 1000
#: Smallest and largest cell size accepted (a smaller cell makes grids too large to serve).
MIN_CELL_M: Final = 100.0
#: A hotspot cap must leave room inside the polygons' buffer.
MIN_MAX_WIDTH_M: Final = 100.0
MAX_CELL_M: Final = 5000.0
#: Most cameras one request may ask for (the service's bound of ``k``).
MAX_K: Final = 200
#: Largest site radius (metres) and look-back (days) a request may ask for.
MAX_RADIUS_M: Final = 5000.0
MAX_DAYS: Final = 3660
#: Largest budget (new-camera equivalents) a request may ask for.
MAX_BUDGET: Final = 10_000.0
#: Time limit of one placement solve in the service (seconds).
SERVICE_TIME_LIMIT_S: Final = 20.0

EpsQuery = Annotated[
    float,
    Query(
        ge=MIN_EPS_M,
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
AutoEpsQuery = Annotated[
    float | None,
    Query(
        ge=MIN_EPS_M,
        le=MAX_EPS_M,
        description="DBSCAN radius in metres; omitted: chosen from the selection's density.",
        openapi_examples={"chosen": {"value": None}, "given": {"value": 150}},
    ),
]
AutoMinSamplesQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_MIN_SAMPLES,
        description="Incidents within eps_m that make a core point; omitted: chosen from the "
        "selection's density.",
    ),
]
MaxWidthQuery = Annotated[
    float | None,
    Query(
        gt=MIN_MAX_WIDTH_M,
        le=MAX_EPS_M * 4,
        description="Widest hotspot in metres (wider ones are split); omitted: the setting "
        "SHAKTI_MAX_HOTSPOT_M when a parameter is chosen, no cap when both are given.",
    ),
]
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
#: A back-test's or forecast's window: 1 to 999 days (``90D``) or weeks (``12W``).
WindowQuery = Annotated[
    str,
    Query(
        pattern=r"^[1-9][0-9]{0,2}[DW]$",
        max_length=4,
        description="Window length: days (90D, 7D) or weeks (12W, 1W).",
    ),
]
AllCellsQuery = Annotated[bool, Query(description="Every cell, not only the flagged ones.")]

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


@dataclass(frozen=True)
class DbscanParams(HotspotParams):
    """Hotspot parameters with both DBSCAN values given (the routes that need numbers)."""

    eps_m: float = 150.0
    min_samples: int = 10


async def _dbscan(eps_m: EpsQuery = 150.0, min_samples: MinSamplesQuery = 10) -> DbscanParams:
    return DbscanParams(eps_m=eps_m, min_samples=min_samples)


#: Help of the ``forecast`` query parameter and body field.
FORECAST_QUERY_HELP: Final = (
    "Use the forecast chosen for this data by GET /forecast or `shakti forecast`. Unset: when "
    "one is kept and beat last-period counts; true: always (back-tests when none is kept); "
    "false: never."
)
#: ``forecast``: unset (when a kept forecast beat naive), true or false.
ForecastQuery = Annotated[bool | None, Query(description=FORECAST_QUERY_HELP)]


def forecast_key(settings: Settings, forecast: bool | None) -> str:
    """Return the part of a cached response's key that changes when a forecast is kept.

    A choice is kept without a new store version, so a response that may use it is keyed by
    the sidecar's modification time (or, for a database store, this process's choices).
    """
    from api.usecases.forecast_choice import choice_token

    return "off" if forecast is False else f"{forecast}:{choice_token(settings)}"


async def _hotspots(
    eps_m: AutoEpsQuery = None,
    min_samples: AutoMinSamplesQuery = None,
    max_width_m: MaxWidthQuery = None,
    forecast: ForecastQuery = None,
) -> HotspotParams:
    return HotspotParams(
        eps_m=eps_m, min_samples=min_samples, max_width_m=max_width_m, forecast=forecast
    )


async def _grid(
    cell_m: CellQuery = GRID_DEFAULTS.cell_m,
    grid: GridQuery = GRID_DEFAULTS.grid,  # type: ignore[assignment]  # a str: "square"
) -> GridParams:
    return GridParams(cell_m=cell_m, grid=grid)


async def _placement(
    k: KQuery = CCTV_DEFAULTS.k,
    budget: BudgetQuery = CCTV_DEFAULTS.budget,
    days: DaysQuery = CCTV_DEFAULTS.days,
    forecast: ForecastQuery = None,
) -> CctvRequest:
    return CctvRequest(
        days=days, k=k, budget=budget, time_limit_s=SERVICE_TIME_LIMIT_S, forecast=forecast
    )


#: ``eps_m`` and ``min_samples`` of a DBSCAN (the other hotspot parameters at their defaults).
DbscanDep = Annotated[DbscanParams, Depends(_dbscan)]
#: ``eps_m``, ``min_samples`` (both optional: chosen from the density) and ``max_width_m``.
HotspotDep = Annotated[HotspotParams, Depends(_hotspots)]
#: ``cell_m`` and ``grid`` of a cell analysis.
GridDep = Annotated[GridParams, Depends(_grid)]
#: ``k``, ``budget`` and ``days`` of a camera placement, solved within the service's time limit.
PlacementDep = Annotated[CctvRequest, Depends(_placement)]
