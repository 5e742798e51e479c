"""``GET /backtest``: rolling back-test of the standard methods (hit rate, PAI, PEI), as JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.service.routes.common import PROBLEM_RESPONSES, Analysis, json_bytes
from api.service.routes.params import DbscanDep, GridDep, WindowQuery
from api.usecases.backtest import BacktestParams, backtest_summary

router = APIRouter(tags=["analysis"])


class BacktestRow(BaseModel):
    """One method at one share of the area, averaged over the folds."""

    method: str = Field(examples=["kde"])
    area_share: float | None = Field(examples=[0.05])
    hit_rate: float | None = Field(examples=[0.41])
    pai: float | None = Field(examples=[8.2])
    pei: float | None = Field(examples=[0.59])
    area_share_used: float | None = Field(examples=[0.05])
    hit_rate_equal_area: float | None = Field(default=None, examples=[0.41])
    pai_equal_area: float | None = Field(default=None, examples=[8.2])
    hit_rate_equal_area_sd: float | None = Field(default=None, examples=[0.04])


class BacktestOut(BaseModel):
    """The back-test summary table."""

    folds: int = Field(examples=[6])
    train: str = Field(examples=["90D"])
    test: str = Field(examples=["30D"])
    cell_m: float = Field(examples=[250])
    grid: str = Field(examples=["square"])
    selection: dict[str, object]
    store_version: int
    summary: list[BacktestRow]


@router.get(
    "/backtest",
    summary="Back-test of the standard methods",
    response_model=BacktestOut,
    responses=PROBLEM_RESPONSES,
)
async def backtest(
    call: Analysis,
    g: GridDep,
    dbscan: DbscanDep,
    train: WindowQuery = "90D",
    test: WindowQuery = "30D",
    folds: Annotated[int, Query(ge=1, le=24, description="Latest folds to run.")] = 6,
    bandwidth_m: Annotated[
        float, Query(ge=10, le=5000, description="KDE radius in metres.")
    ] = 300.0,
    forecasts: Annotated[
        bool, Query(description="Also back-test the forecast models (recency, near-repeat ...).")
    ] = True,
) -> Response:
    """Back-test the standard hotspot methods on rolling windows.

    DBSCAN hotspots, KDE, Gi* hot cells and last-period counts are fitted on past windows and
    scored on the next one: hit rate, PAI and PEI at 1, 5, 10 and 20 % of the area, and at
    equal area (a method flagging less area is padded) with the spread across folds. With
    ``forecasts`` the forecast models are scored beside them.
    """
    b = BacktestParams(
        train=train,
        test=test,
        folds=folds,
        eps_m=dbscan.eps_m,
        min_samples=dbscan.min_samples,
        bandwidth_m=bandwidth_m,
        forecasts=forecasts,
    )
    return await call.respond(
        "backtest",
        {**asdict(g), **asdict(b)},
        lambda source: json_bytes(backtest_summary(source, g, b)),
        "application/json",
    )
