"""The forecast is chosen once per data and selection and used by default when it beat naive."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from api.usecases.budget import GridParams
from api.usecases.forecast import UsedForecast
from api.usecases.forecast_choice import (
    current_choice,
    data_fingerprint,
    resolve_forecast,
    used_message,
)
from api.usecases.hotspots import HotspotParams, find_hotspots
from geo.settings import Settings
from geo.store import open_store
from geo.store.choices import DATA_KEY, SELECTION_KEY, save_choice, sidecar_of
from models.forecast import RECENCY
from models.forecast.risk import EXPECTED, FORECAST_EXPECTED
from models.hotspots import WHY
from models.inputs import AnalysisInputs, Selection, load_inputs


@pytest.fixture(scope="module")
def store_copy(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("choice-store") / "store.gpkg"
    shutil.copyfile(demo_store_file, path)
    return path


@pytest.fixture
def setup(store_copy: Path) -> tuple[Settings, AnalysisInputs]:
    settings = Settings(store=store_copy, _env_file=None)  # type: ignore[call-arg]
    sidecar = sidecar_of(store_copy)
    assert sidecar is not None
    sidecar.unlink(missing_ok=True)
    data = load_inputs(open_store(store_copy), Selection(), timezone=settings.timezone)
    return settings, data


def keep(settings: Settings, data: AnalysisInputs, *, beats: bool, gain: float = 12.3) -> None:
    g = GridParams(cell_m=400.0)
    save_choice(
        sidecar_of(settings.store_location),
        {
            DATA_KEY: data_fingerprint(data), SELECTION_KEY: [None, None, None, []],
            "store_version": data.version, "chosen": RECENCY, "beats_naive": beats,
            "gain_points": gain, "area_share": 0.05, "folds": 2, "horizon": "7D",
            "train": "90D", "seed": 0, "cell_m": g.cell_m, "grid": g.grid,
        },
    )  # fmt: skip


def test_without_a_choice_nothing_changes_and_a_hint_says_how(
    setup: tuple[Settings, AnalysisInputs],
) -> None:
    settings, data = setup
    use = resolve_forecast(data, settings, None)
    assert use.forecast is None and "run `shakti forecast`" in use.message
    assert resolve_forecast(data, settings, False).message == ""
    spots = find_hotspots(data, settings, HotspotParams())
    assert FORECAST_EXPECTED not in spots.columns


def test_a_kept_choice_that_beat_naive_is_used_by_default(
    setup: tuple[Settings, AnalysisInputs],
) -> None:
    settings, data = setup
    plain = find_hotspots(data, settings, HotspotParams(forecast=False))
    keep(settings, data, beats=True)
    use = resolve_forecast(data, settings, None)
    assert isinstance(use.forecast, UsedForecast) and use.forecast.chosen == RECENCY
    assert use.message == (
        "risk from the forecast (multi-scale recency, +12.3 points over last-period counts at 5%)"
    )
    assert use.forecast.cells[EXPECTED].sum() > 0
    spots = find_hotspots(data, settings, HotspotParams())
    assert len(spots) == len(plain) and all("incidents next week" in w for w in spots[WHY])
    # --no-forecast: the table without it, identical to before
    off = find_hotspots(data, settings, HotspotParams(forecast=False))
    assert off.drop(columns="geometry").equals(plain.drop(columns="geometry"))
    # a thana's selection uses the choice made on everything
    lanka = load_inputs(
        open_store(settings.store), Selection(thana="Lanka"), timezone=settings.timezone
    )
    assert current_choice(lanka, settings) is not None


def test_a_choice_that_did_not_beat_naive_is_not_used_unless_asked(
    setup: tuple[Settings, AnalysisInputs],
) -> None:
    settings, data = setup
    keep(settings, data, beats=False, gain=-1.0)
    use = resolve_forecast(data, settings, None)
    assert use.forecast is None and "does not beat last-period counts" in use.message
    asked = resolve_forecast(data, settings, True)
    assert isinstance(asked.forecast, UsedForecast) and not asked.forecast.beats_naive


def test_a_choice_goes_stale_when_the_data_change(setup: tuple[Settings, AnalysisInputs]) -> None:
    settings, data = setup
    keep(settings, data, beats=True)
    assert current_choice(data, settings) is not None
    newer = dataclasses.replace(data, version=data.version + 1)  # an import since
    assert current_choice(newer, settings) is None
    fewer = dataclasses.replace(data, all_incidents=data.all_incidents.iloc[1:])
    assert current_choice(fewer, settings) is None
    assert resolve_forecast(newer, settings, None).forecast is None


def test_used_message_signs_the_gain() -> None:
    entry = {"chosen": RECENCY, "gain_points": -2.0, "area_share": 0.01}
    assert "-2.0 points over last-period counts at 1%" in used_message(entry)


def test_patrol_plans_use_a_kept_choice_by_default(setup: tuple[Settings, AnalysisInputs]) -> None:
    from api.usecases.patrol import PatrolRequest, plan_patrols
    from models.patrol.stops import PLACE_HOTSPOT

    settings, data = setup
    store = open_store(settings.store)
    plain = plan_patrols(store, settings, PatrolRequest(thana="Lanka", days=1))
    assert not any("forecast" in n for n in plain.notes)  # nothing kept: as before
    keep(settings, data, beats=True)
    plan = plan_patrols(store, settings, PatrolRequest(thana="Lanka", days=1))
    assert any(n.startswith("risk from the forecast (multi-scale recency") for n in plan.notes)
    stops = [s.place for r in plan.routes for s in r.stops if s.place.kind == PLACE_HOTSPOT]
    assert stops and all("incidents next week" in p.why for p in stops)
    off = plan_patrols(store, settings, PatrolRequest(thana="Lanka", days=1, forecast=False))
    assert not any("forecast" in n for n in off.notes)
