"""The extent of a map with nothing to draw comes from the region's settings, not a city."""

from __future__ import annotations

import geopandas as gpd
import pytest

from maps.base import extent, region_bounds


@pytest.fixture(autouse=True)
def _fresh_settings() -> None:
    from geo.settings import get_settings

    get_settings.cache_clear()


def test_empty_layers_take_the_configured_region(monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.settings import get_settings

    monkeypatch.setenv("SHAKTI_REGION", "80.85,26.75,81.05,26.95")  # Lucknow
    get_settings.cache_clear()
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    assert extent([None, empty]) == pytest.approx((80.85, 26.75, 81.05, 26.95))
    assert region_bounds() == pytest.approx((80.85, 26.75, 81.05, 26.95))
    get_settings.cache_clear()


def test_an_explicit_region_wins() -> None:
    assert extent([], region="72.7,18.9,73.0,19.3") == pytest.approx((72.7, 18.9, 73.0, 19.3))
