"""Visits back from the field: entered rows and a GPS track end in the visit layer, checked."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import gpxpy
import gpxpy.gpx
import pytest

from api.usecases.patrol import PatrolRequest, plan_patrols
from api.usecases.visits import (
    TrackOptions,
    import_visit_log,
    plan_visits,
    record_visits,
    stops_of,
)
from geo.errors import InputFileError, ParameterError
from geo.ingest.quarantine import Q_REASON
from geo.schema import ARRIVED, LEFT, STATUS, STOP, STOP_PLACE, THANA
from geo.store import open_store
from models.patrol import PatrolPlan
from tests.api.conftest import OWN_THANA, settings_for

PLAN_ID = "plan-1"


@pytest.fixture(scope="module")
def world(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("visits")
    shutil.copyfile(demo_store_file, folder / "store.gpkg")
    settings = settings_for(folder)
    store = open_store(folder / "store.gpkg")
    plan = plan_patrols(store, settings, PatrolRequest(thana=OWN_THANA, days=2, seed=1))
    return store, settings, plan


def lookup(plan: PatrolPlan):  # type: ignore[no-untyped-def]
    def find(plan_id: str) -> PatrolPlan:
        if plan_id != PLAN_ID:
            raise ParameterError(f"no patrol plan {plan_id!r}", fix="use plan-1")
        return plan

    return find


def test_entered_visits_take_the_stop_point_place_and_thana(world) -> None:  # type: ignore[no-untyped-def]
    store, settings, plan = world
    route = next(r for r in plan.routes if len(r.stops) >= 2)
    stops = stops_of(PLAN_ID, lookup(plan))
    day = route.date.isoformat()
    rows = [
        {"team": route.team.team, "day": day, "stop": 1, "status": "visited",
         "arrived": f"{day}T18:00", "left": f"{day}T18:12", "seen_category": "crowd-at-gate",
         "seen_count": 4},
        {"team": route.team.team, "day": day, "stop": 2, "status": "missed"},
        {"team": route.team.team, "day": day, "stop": 99, "status": "missed"},
    ]  # fmt: skip
    result = record_visits(rows, store, settings, stops)
    assert len(result.report.accepted) == 2
    assert result.report.quarantine[Q_REASON].tolist() == ["stop-not-in-plan"]
    stored = plan_visits(store, settings, PLAN_ID, thana=OWN_THANA)
    assert stored[STOP].tolist() == [1, 2]
    assert stored[STOP_PLACE].tolist() == [s.place.place_id for s in route.stops[:2]]
    assert set(stored[THANA]) == {OWN_THANA}
    assert stored.geometry.x.iloc[0] == pytest.approx(route.stops[0].place.lon)
    with pytest.raises(ParameterError, match="no patrol plan 'nope'"):
        stops_of("nope", lookup(plan))


def _track(path: Path, route, minutes_at: list[float]) -> Path:  # type: ignore[no-untyped-def]
    """Write a GPX track: ``minutes_at[i]`` minutes at stop i (a point a minute), then travel."""
    gpx = gpxpy.gpx.GPX()
    seg = gpxpy.gpx.GPXTrackSegment()
    gpx.tracks.append(gpxpy.gpx.GPXTrack())
    gpx.tracks[0].segments.append(seg)
    t = dt.datetime.combine(route.date, dt.time(12, 0), tzinfo=dt.UTC)  # 17:30 IST
    for stop, minutes in zip(route.stops, minutes_at, strict=False):
        if minutes:
            for k in range(int(minutes) + 1):
                lat = stop.place.lat + 0.0001 * (k % 2)  # ~11 m jitter
                seg.points.append(
                    gpxpy.gpx.GPXTrackPoint(lat, stop.place.lon, time=t + dt.timedelta(minutes=k))
                )
        t += dt.timedelta(minutes=minutes + 30)
    path.write_text(gpx.to_xml())
    return path


def test_a_gps_track_becomes_visited_cut_short_and_missed(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, settings, plan = world
    route = next(r for r in plan.routes if len(r.stops) >= 3)
    stops = stops_of(PLAN_ID, lookup(plan))
    dwell = route.stops[0].dwell_min
    gpx = _track(tmp_path / "team.gpx", route, [dwell + 2, 5, 1])
    opts = TrackOptions(team=route.team.team)
    result = import_visit_log(gpx, store, settings, stops=stops, track=opts)
    acc = result.report.accepted.sort_values(STOP)
    statuses = acc[STATUS].tolist()
    assert statuses[:3] == ["visited", "cut-short", "missed"]
    assert set(statuses[3:]) <= {"missed"} and len(acc) == len(route.stops)
    first = acc.iloc[0]
    assert (first[LEFT] - first[ARRIVED]) == dt.timedelta(minutes=dwell + 2)
    with pytest.raises(ParameterError, match="needs its plan"):
        import_visit_log(gpx, store, settings)


def test_a_track_of_many_teams_needs_the_team_and_hostile_gpx_is_refused(
    world, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store, settings, plan = world
    route = next(r for r in plan.routes if len(r.stops) >= 1)
    stops = stops_of(PLAN_ID, lookup(plan))
    gpx = _track(tmp_path / "t.gpx", route, [5])
    with pytest.raises(ParameterError, match="cannot tell whose track"):
        import_visit_log(gpx, store, settings, stops=stops)
    bomb = tmp_path / "bomb.gpx"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>')
    with pytest.raises(InputFileError, match="declares a DOCTYPE"):
        import_visit_log(bomb, store, settings, stops=stops)
    junk = tmp_path / "junk.gpx"
    junk.write_text("not xml at all")
    with pytest.raises(InputFileError, match="not a readable GPX"):
        import_visit_log(junk, store, settings, stops=stops)


def test_a_hotspot_is_patrolled_from_its_first_recorded_visit_nearby() -> None:
    import geopandas as gpd
    import pandas as pd
    import shapely

    from api.usecases.effect import patrolled_since

    utm = "EPSG:32644"
    spots = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(1000, 0, 1100, 100)], crs=utm
    ).set_axis([7, 8])
    visits = gpd.GeoDataFrame(
        {
            "day": pd.to_datetime(["2026-11-05", "2026-11-02", "2026-11-01", "2026-11-01"]),
            STATUS: ["visited", "cut-short", "missed", "visited"],
        },
        geometry=gpd.points_from_xy([50, 150, 60, 1600], [50, 50, 50, 50]),
        crs=utm,
    ).to_crs("EPSG:4326")
    since = patrolled_since(spots.to_crs("EPSG:4326"), visits, utm)
    # hotspot 7: a visit inside and a cut-short one 50 m away (the missed one does not count);
    # hotspot 8: the only visit is 500 m away
    assert since == {7: pd.Timestamp("2026-11-02")}
