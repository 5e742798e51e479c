"""Tests for models.cctv.forecast_demand: the forecast weights camera demand and speaks in why."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.schema import ID, KIND, NAME, OCCURRED_AT
from models.cctv import gaps as cg
from models.cctv import placement as pl
from models.cctv.forecast_demand import DemandForecast, forecast_at, forecast_weights
from models.forecast.risk import EXPECTED, FORECAST_EXPECTED, TIMES_THANA_MEAN

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0


def forecast_cells(left: float = 1.0, right: float = 3.0) -> gpd.GeoDataFrame:
    """Two 1500 m cells: x in [-500, 1000) and [1000, 2500) from X0."""
    mean = (left + right) / 2
    return gpd.GeoDataFrame(
        {EXPECTED: [left, right], TIMES_THANA_MEAN: [left / mean, right / mean]},
        geometry=[
            shapely.box(X0 - 500, Y0 - 500, X0 + 1000, Y0 + 500),
            shapely.box(X0 + 1000, Y0 - 500, X0 + 2500, Y0 + 500),
        ],
        crs=UTM,
    )


def layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    sites = gpd.GeoDataFrame(
        {ID: ["S1", "S2"], NAME: ["West School", "East School"], KIND: ["school", "school"]},
        geometry=[shapely.Point(X0, Y0), shapely.Point(X0 + 2000, Y0)],
        crs=UTM,
    )
    t = pd.Timestamp("2026-06-01 17:00", tz="Asia/Kolkata")
    xy = [(10, 0), (0, 15), (-20, 5), (2000, 20), (2010, -10)]  # 3 at the west, 2 at the east
    incidents = gpd.GeoDataFrame(
        {OCCURRED_AT: [t] * 5},
        geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in xy],
        crs=UTM,
    )
    return sites, incidents


def test_forecast_at_finds_each_points_cell() -> None:
    xy = np.array([[X0, Y0], [X0 + 2000, Y0], [X0 + 9000, Y0]])
    expected, times = forecast_at(xy, UTM, DemandForecast(forecast_cells()))
    assert expected.tolist() == [1.0, 3.0, 0.0]  # outside every cell: 0
    assert times.tolist() == [0.5, 1.5, 0.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 50), min_size=1, max_size=20))
def test_forecast_weights_keep_the_total(expected: list[float]) -> None:
    e = np.asarray(expected)
    w = forecast_weights(np.full(len(e), 2.0), e)
    assert w.sum() == pytest.approx(2.0 * len(e))
    if e.sum() > 0:  # in proportion to the forecast
        assert np.allclose(w * e.mean(), 2.0 * e)


def test_layout_weights_incidents_by_the_forecast() -> None:
    sites, incidents = layers()
    reg = cg.clean_registry(None, metric_crs=UTM)
    plain = pl.build_layout(sites, reg, incidents=incidents, hotspots=None, crs=UTM)
    weighted = pl.build_layout(
        sites, reg, incidents=incidents, hotspots=None, crs=UTM,
        forecast=DemandForecast(forecast_cells()),
    )  # fmt: skip
    inc = plain.demand_kind == pl.DEMAND_INCIDENT
    assert plain.demand_weight[inc].tolist() == [1.0] * 5
    mean = (3 * 1.0 + 2 * 3.0) / 5
    assert weighted.demand_weight[inc] == pytest.approx([1 / mean] * 3 + [3 / mean] * 2)
    assert weighted.demand_weight[~inc].tolist() == plain.demand_weight[~inc].tolist()
    kept = pl.build_layout(
        sites, reg, incidents=incidents, hotspots=None, crs=UTM,
        forecast=DemandForecast(forecast_cells(), weigh=False),
    )  # fmt: skip
    assert kept.demand_weight.tolist() == plain.demand_weight.tolist()


def test_the_forecast_moves_the_camera_and_speaks_in_why() -> None:
    sites, incidents = layers()
    plain = pl.place_cameras(sites, None, k=1, incidents=incidents, metric_crs=UTM)
    assert plain.cameras.iloc[0][pl.LABEL] == "entrance of West School"  # 3 incidents > 2
    assert FORECAST_EXPECTED not in plain.cameras.columns
    assert "forecast_weighted" not in plain.summary
    cells = forecast_cells()
    moved = pl.place_cameras(
        sites, None, k=1, incidents=incidents, metric_crs=UTM, forecast=DemandForecast(cells)
    )
    row = moved.cameras.iloc[0]
    assert row[pl.LABEL] == "entrance of East School"  # the forecast expects 3× more there
    assert row[FORECAST_EXPECTED] == pytest.approx(3.0)
    assert row[pl.WHY].endswith("expected 3.0 incidents next week, 1.5× the thana's average")
    assert moved.summary["forecast_weighted"] is True
    # not weighted (a naive forecast): the same plan as without, the why says the forecast
    said = pl.place_cameras(
        sites, None, k=1, incidents=incidents, metric_crs=UTM,
        forecast=DemandForecast(cells, weigh=False, note=" (last-period counts)"),
    )  # fmt: skip
    assert said.cameras[pl.LABEL].tolist() == plain.cameras[pl.LABEL].tolist()
    assert said.cameras.iloc[0][pl.WHY].startswith(plain.cameras.iloc[0][pl.WHY])
    assert said.cameras.iloc[0][pl.WHY].endswith("average (last-period counts)")
