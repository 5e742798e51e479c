from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.schema import NAME, THANA, THANA_MISMATCH, THANA_STATED
from geo.thanas import assign_thanas, normalise_thana


def two_thanas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {NAME: ["Lanka", "Bhelupur"]},
        geometry=[shapely.box(83.0, 25.0, 83.1, 25.1), shapely.box(82.9, 25.0, 83.0, 25.1)],
        crs=WGS84,
    )


def test_assigns_flags_and_keeps_index() -> None:
    pts = gpd.GeoDataFrame(
        {THANA_STATED: ["Thana Lanka", "LANKA P.S.", None, "Sigra"]},
        geometry=shapely.points([83.05, 82.95, 83.05, 84.0], [25.05, 25.05, 25.05, 25.0]),
        index=[10, 11, 12, 13],
        crs=WGS84,
    )
    out = assign_thanas(pts, two_thanas())
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out[THANA].tolist()[:3] == ["Lanka", "Bhelupur", "Lanka"]
    assert pd.isna(out[THANA].iloc[3])
    assert out[THANA_MISMATCH].tolist() == [False, True, False, True]


def test_boundary_point_goes_to_first_name_whatever_the_order() -> None:
    pts = gpd.GeoDataFrame(geometry=shapely.points([83.0], [25.05]), crs=WGS84)
    thanas = two_thanas()
    assert assign_thanas(pts, thanas)[THANA].tolist() == ["Bhelupur"]
    assert assign_thanas(pts, thanas.iloc[::-1])[THANA].tolist() == ["Bhelupur"]


def test_projected_points_are_handled() -> None:
    pts = gpd.GeoDataFrame(geometry=shapely.points([83.05], [25.05]), crs=WGS84).to_crs(32644)
    assert assign_thanas(pts, two_thanas())[THANA].tolist() == ["Lanka"]


def test_normalise() -> None:
    assert normalise_thana("P.S. Cantt") == "cantt"
    assert normalise_thana("Lalpur-Pandeypur thana") == "lalpur pandeypur"
