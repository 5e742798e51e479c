"""The hotspots plans stand on are those ``shakti hotspots`` finds; none without incidents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from api.usecases.chosen_hotspots import chosen_hotspots
from api.usecases.hotspots import HotspotParams, explained_hotspots
from geo.settings import Settings
from geo.store import open_store
from models.hotspots import WIDTH_M
from models.inputs import load_inputs


def test_chosen_hotspots_are_those_of_shakti_hotspots(demo_store_file: Path) -> None:
    settings = Settings(_env_file=None, max_hotspot_m=600)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), timezone=settings.timezone)
    spots = chosen_hotspots(
        data, settings, HotspotParams(), metric_crs=settings.metric_crs, campaigns=True
    )
    assert spots is not None
    expected = explained_hotspots(data, settings, HotspotParams())
    assert len(spots) == len(expected) > 0
    assert (spots[WIDTH_M] <= 600).all()
    assert list(spots[WIDTH_M]) == list(expected[WIDTH_M])


def test_no_incidents_no_hotspots(demo_store_file: Path) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), timezone=settings.timezone)
    empty = replace(data, incidents=data.incidents.iloc[:0])
    spots = chosen_hotspots(
        empty, settings, HotspotParams(), metric_crs=settings.metric_crs, campaigns=False
    )
    assert spots is None
