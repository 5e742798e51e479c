from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.errors import ExportError
from geo.export import write_output


def layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "hotspot_id": [0, 1],
            "mix": [{"stalking": 3}, {"cyber": 1}],
            "first": pd.to_datetime(["2026-01-01", "2026-02-01"]).tz_localize("Asia/Kolkata"),
        },
        geometry=shapely.points([83.0, 83.01], [25.3, 25.31]),
        crs="EPSG:4326",
    ).to_crs(32644)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv"])
def test_round_trip_in_wgs84(tmp_path: Path, suffix: str) -> None:
    path = write_output(layer(), tmp_path / f"out{suffix}")
    if suffix == ".csv":
        table = pd.read_csv(path)
        assert table["lon"].tolist() == [83.0, 83.01]
        assert json.loads(table["mix"].iloc[0]) == {"stalking": 3}
    else:
        back = gpd.read_file(path)
        assert back.crs.to_epsg() == 4326
        mix = back["mix"].iloc[1]
        assert (json.loads(mix) if isinstance(mix, str) else mix) == {"cyber": 1}
        assert back["first"].astype(str).iloc[0].startswith("2026-01-01")


def test_personal_columns_are_refused(tmp_path: Path) -> None:
    bad = layer().assign(victim_name=["a", "b"])
    with pytest.raises(ExportError, match=r"columns look personal: victim_name.*Fix: drop"):
        write_output(bad, tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"unknown output format '\.shp'"):
        write_output(layer(), tmp_path / "x.shp")
