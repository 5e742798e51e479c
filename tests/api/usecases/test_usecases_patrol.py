"""The patrol use case plans over the hotspots ``shakti hotspots`` finds: patrol-sized."""

from __future__ import annotations

from pathlib import Path

from api.usecases.hotspots import HotspotParams, explained_hotspots
from api.usecases.patrol import PatrolRequest, plan_patrols
from geo.settings import Settings
from geo.store import open_store
from models.hotspots import HOTSPOT_ID, WIDTH_M
from models.inputs import load_inputs
from models.patrol.stops import PLACE_HOTSPOT


def test_hotspot_stops_are_patrol_sized_hotspots(demo_store_file: Path) -> None:
    settings = Settings(_env_file=None, max_hotspot_m=600)  # type: ignore[call-arg]
    store = open_store(demo_store_file)
    plan = plan_patrols(store, settings, PatrolRequest(thana="Lanka", days=1, seed=1))
    stops = [s for r in plan.routes for s in r.stops if s.place.kind == PLACE_HOTSPOT]
    assert stops, "the plan visits hotspots"
    data = load_inputs(store, timezone=settings.timezone)
    spots = explained_hotspots(data, settings, HotspotParams())
    ids = spots[HOTSPOT_ID] if HOTSPOT_ID in spots.columns else spots.index.to_series()
    widths = dict(zip(ids.astype(int), spots[WIDTH_M], strict=True))
    for stop in stops:
        assert stop.place.hotspot_id in widths  # the same hotspots as `shakti hotspots`
        assert widths[stop.place.hotspot_id] <= 600  # no stop stands for a sprawling area
