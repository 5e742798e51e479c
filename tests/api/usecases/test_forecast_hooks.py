"""The forecast feeds the hotspots: expected incidents inside each, rank and "why"."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.usecases.hotspots import HotspotParams, find_hotspots
from geo.settings import Settings
from geo.store import open_store
from models.forecast.risk import FORECAST_EXPECTED, FORECAST_TIMES_THANA_MEAN, forecast_why
from models.hotspots import RISK_RANK, WHY
from models.inputs import Selection, load_inputs


def test_forecast_why_says_expected_incidents_and_the_multiple() -> None:
    assert forecast_why(4.2, 3.0, 7.0) == "expected 4.2 incidents next week, 3× the thana's average"
    assert "in the next 14 days" in forecast_why(1.0, 12.0, 14.0)


def test_hotspots_with_the_forecast(demo_store_file: Path) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), Selection(), timezone=settings.timezone)
    plain = find_hotspots(data, settings, HotspotParams())
    spots = find_hotspots(data, settings, HotspotParams(forecast=True))
    assert len(spots) == len(plain) > 0
    assert (spots[FORECAST_EXPECTED] >= 0).all() and spots[FORECAST_EXPECTED].sum() > 0
    assert (spots[FORECAST_TIMES_THANA_MEAN] >= 0).all()
    assert all("incidents next week" in why for why in spots[WHY])
    assert sorted(spots[RISK_RANK]) == list(range(1, len(spots) + 1))
    with pytest.raises(KeyError):
        plain[FORECAST_EXPECTED]  # off by default: the plain table is unchanged


def test_hotspots_with_the_forecast_keep_their_parameters(demo_store_file: Path) -> None:
    """The forecast columns join the hotspots without losing the table's attrs.

    ``shakti hotspots --forecast`` crashed with ``KeyError: 'eps_m'``: the join dropped the
    hotspot table's attrs (the DBSCAN choice, reference time and notes) the summary reads.
    """
    from api.usecases.hotspots import hotspot_analysis
    from models.hotspots import HOTSPOTS_ATTR

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), Selection(), timezone=settings.timezone)
    plain = hotspot_analysis(data, settings, HotspotParams())
    forecast = hotspot_analysis(data, settings, HotspotParams(forecast=True))
    assert forecast.use.forecast is not None
    assert forecast.hotspots.attrs[HOTSPOTS_ATTR] == plain.hotspots.attrs[HOTSPOTS_ATTR]
    assert forecast.summary["parameters"]["eps_m"] == plain.summary["parameters"]["eps_m"]


def test_patrol_plan_with_the_forecast(demo_store_file: Path) -> None:
    from api.usecases.patrol import PatrolRequest, plan_patrols
    from models.patrol.stops import PLACE_HOTSPOT

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    plan = plan_patrols(
        open_store(demo_store_file), settings, PatrolRequest(thana="Lanka", days=1, forecast=True)
    )
    places = [s.place for r in plan.routes for s in r.stops if s.place.kind == PLACE_HOTSPOT]
    assert places, "the Lanka plan visits hotspots"
    assert all("incidents next week" in p.why for p in places)
    assert all(0 <= p.risk <= 1 for p in places)


def test_cctv_gaps_and_cameras_with_the_forecast(demo_store_file: Path) -> None:
    from api.usecases.cctv import CctvRequest, cctv_plan
    from models.cctv.gaps import WHY as GAP_WHY

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), Selection(), timezone=settings.timezone)
    plain = cctv_plan(data, settings, CctvRequest(k=3))
    plan = cctv_plan(data, settings, CctvRequest(k=3, forecast=True))
    assert plan.placement is not None and plain.placement is not None
    assert FORECAST_EXPECTED not in plain.gaps.gaps.columns
    assert FORECAST_EXPECTED not in plain.placement.cameras.columns
    gaps = plan.gaps.gaps
    assert len(gaps) == len(plain.gaps.gaps) > 0
    assert all("incidents next week" in why for why in gaps[GAP_WHY])
    assert (gaps[FORECAST_EXPECTED] >= 0).all() and gaps[FORECAST_EXPECTED].sum() > 0
    cams = plan.placement.cameras
    assert len(cams) > 0 and all("incidents next week" in why for why in cams[WHY])
    assert "forecast_weighted" in plan.placement.summary
