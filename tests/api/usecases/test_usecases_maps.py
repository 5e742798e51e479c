"""The one hotspot-map pipeline: an emerging-trend layer that cannot be computed is a note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from api.usecases.hotspots import HotspotParams
from api.usecases.maps import MapParams, map_layers
from geo.store import open_store
from models.inputs import Selection, load_inputs
from tests.api.conftest import settings_for


def test_too_few_months_for_trends_becomes_a_note(demo_store_file: Path, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    store = open_store(demo_store_file)
    whole = load_inputs(store, Selection(), timezone=settings.timezone)
    last = dt.date.fromisoformat(str(whole.describe()["last"])[:10])
    start = (last - dt.timedelta(days=20)).isoformat()
    data = load_inputs(store, Selection(start=start, end=last.isoformat()), timezone="Asia/Kolkata")
    params = MapParams(hotspots=HotspotParams(min_samples=3, underserved=True), emerging=True)
    for budgets in (True, False):
        layers = map_layers(data, settings, params, budgets=budgets)
        assert layers.trends is None
        assert len(layers.notes) == 1 and layers.notes[0].startswith("no emerging-trend layer")
        assert layers.underserved is not None and layers.gi_cells is None
