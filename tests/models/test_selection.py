from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.errors import ParameterError
from geo.schema import CATEGORY, OCCURRED_AT, THANA
from models.selection import select_incidents


def incidents() -> gpd.GeoDataFrame:
    times = pd.to_datetime(
        ["2026-01-01 00:30", "2026-01-31 23:59", "2026-02-01 00:00"]
    ).tz_localize("Asia/Kolkata")
    return gpd.GeoDataFrame(
        {
            OCCURRED_AT: times,
            CATEGORY: ["stalking", "cyber", "stalking"],
            THANA: ["Lanka", "Chowk", "Lanka"],
        },
        geometry=shapely.points([83.0] * 3, [25.3] * 3),
        crs="EPSG:4326",
        index=[5, 6, 7],
    )


def test_whole_local_days_categories_and_thana() -> None:
    data = incidents()
    assert select_incidents(data, start="2026-01-01", end="2026-01-31").index.tolist() == [5, 6]
    assert select_incidents(data, categories=["stalking"]).index.tolist() == [5, 7]
    assert select_incidents(data, thana="Chowk").index.tolist() == [6]
    assert len(data) == 3


def test_bad_dates_are_clear_errors() -> None:
    with pytest.raises(ParameterError, match=r"start date '31/01/2026' is not a date.*YYYY-MM-DD"):
        select_incidents(incidents(), start="31/01/2026")
    with pytest.raises(ParameterError, match="is empty"):
        select_incidents(incidents(), start="2026-02-01", end="2026-01-01")
