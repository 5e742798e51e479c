"""Tests of the patrol inputs and outputs: teams, travel, stops, exports, sheets and the map."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.crs import WGS84
from geo.errors import InputFileError, ParameterError
from geo.schema import DISPERSES_AT, KIND, NAME, OPENS_AT, STATUS, STUDENTS, VIEW_RADIUS_M
from maps.patrol_map import patrol_map
from maps.patrol_sheet import HEADINGS, sheet_html, write_sheets
from maps.render import map_html
from models import hotspots as hs
from models.patrol import CONDUCT_EN, CONDUCT_HI, STOP_COLUMNS, plan_patrols
from models.patrol.export import (
    ALL_DAYS,
    FEATURE,
    FEATURE_ROUTE,
    PLAN_JSON,
    coverage_table,
    plan_dict,
    stops_table,
    write_plan,
)
from models.patrol.stops import (
    DISPERSAL_AFTER_MIN,
    DISPERSAL_BEFORE_MIN,
    PLACE_SITE,
    SITE_BASE_RISK,
    SITE_NO_CAMERA_RISK,
    hotspot_places,
    hour_weights,
    site_places,
)
from models.patrol.teams import (
    DEFAULT_SHIFTS,
    MODE_SPEED_KMH,
    make_team,
    read_teams,
    resolve_teams,
)
from models.patrol.travel import (
    DEFAULT_DETOUR_FACTOR,
    ROAD,
    STRAIGHT,
    load_road_graph,
    road_distances,
    road_graph_from_networkx,
    straight_distances,
    travel_seconds,
)
from tests.conftest import shared_file
from tests.models.patrol.test_patrol import MONDAY, PLACES, STATION, TEAMS, UTM44, X0, Y0

TO_WGS = Transformer.from_crs(UTM44, WGS84, always_xy=True)


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A rectangle given in metres (UTM 44N), returned in degrees."""
    return shapely.transform(
        shapely.box(x0, y0, x1, y1),
        lambda xy: np.column_stack(TO_WGS.transform(xy[:, 0], xy[:, 1])),
    )


def point(x: float, y: float) -> shapely.Point:
    return shapely.Point(*TO_WGS.transform(x, y))


THANAS = gpd.GeoDataFrame(
    {NAME: ["A", "B"]},
    geometry=[box(X0 - 5000, Y0 - 5000, X0, Y0 + 5000), box(X0, Y0 - 5000, X0 + 5000, Y0 + 5000)],
    crs=WGS84,
)


# --------------------------------------------------------------------------- teams


def test_default_teams_are_reported() -> None:
    teams = resolve_teams(["A", "B"])
    assert len(teams.teams) == 2 * len(DEFAULT_SHIFTS)
    assert teams.defaults_used and "3 default teams" in teams.defaults_used[0]
    assert [t.team for t in teams.of_thana("A")] == ["A-1", "A-2", "A-3"]


def test_given_teams_replace_defaults_of_their_thana(tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(
        "thana,team,shift_start,shift_end,mode,speed_kmh\n"
        "A,A-bike,09:00,15:00,bike,\n"
        "A,,20:00,02:00,foot,5\n",
        encoding="utf-8",
    )
    given = read_teams(path)
    assert given[0].speed_kmh == MODE_SPEED_KMH["bike"]
    assert given[1].team == "A-2" and given[1].shift_end_min == 26 * 60  # past midnight
    teams = resolve_teams(["A", "B"], given)
    assert [t.team for t in teams.of_thana("A")] == ["A-bike", "A-2"]
    assert len(teams.of_thana("B")) == 3 and "B" in teams.defaults_used[0]


def test_teams_json(tmp_path: Path) -> None:
    path = tmp_path / "teams.json"
    path.write_text(
        json.dumps(
            [{"thana": "A", "shift_start": "08:00", "shift_end": "12:00", "mode": "vehicle"}]
        ),
        encoding="utf-8",
    )
    (team,) = read_teams(path)
    assert team.mode == "vehicle" and team.shift_label == "08:00–12:00"


HEAD = "thana,shift_start,shift_end,mode"
BAD_TEAMS = [
    ("thana,shift_start,mode\nA,08:00,bike\n", InputFileError, "has no shift_end column"),
    (HEAD + "\nA,8am,12:00,bike\n", ParameterError, "row 1: shift_start '8am' is not a time"),
    (HEAD + "\nA,08:00,12:00,car\n", ParameterError, "row 1: unknown mode 'car'"),
    (HEAD + ",speed_kmh\nA,08:00,12:00,bike,-3\n", ParameterError, "speed_kmh must be"),
    (HEAD + "\n,08:00,12:00,bike\n", ParameterError, "row 1: thana is empty"),
    (HEAD + "\nA,06:00,23:00,bike\n", ParameterError, "longer than 16 hours"),
    (
        "team," + HEAD + "\nx,A,08:00,12:00,bike\nx,A,12:00,16:00,bike\n",
        ParameterError,
        "team 'x' appears more than once",
    ),
]


@pytest.mark.parametrize(("text", "error", "message"), BAD_TEAMS)
def test_bad_teams_files_name_row_and_fix(
    tmp_path: Path, text: str, error: type[Exception], message: str
) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=message) as info:
        read_teams(path)
    assert "Fix:" in str(info.value)


def test_teams_of_unplanned_thanas_only_are_refused() -> None:
    with pytest.raises(ParameterError, match="no given team patrols a planned thana"):
        resolve_teams(["A"], [make_team("Z", "Z-1", "08:00", "12:00", "bike")])


@pytest.mark.parametrize("thana", ["Ravi Kumar", "Ravi Kumar 9876543210", "श्रीमती सुनीता", "a@b.in"])
def test_a_team_thana_holding_a_person_or_phone_is_refused_without_echo(thana: str) -> None:
    # the thana of a teams file row or request is kept with the plan's request: never a person
    with pytest.raises(ParameterError, match=r"^teams\[1\]: the thana holds a phone") as info:
        make_team(thana, "Z-1", "08:00", "12:00", "bike", where="teams[1]")
    assert thana not in str(info.value)


@pytest.mark.parametrize("thana", ["Lanka", "Kamla Nagar", "Lalpur-Pandeypur", "लंका"])
def test_place_names_of_thanas_pass(thana: str) -> None:
    assert make_team(thana, "Z-1", "08:00", "12:00", "bike").thana == thana


# --------------------------------------------------------------------------- travel


def test_travel_seconds_and_straight_distances() -> None:
    assert travel_seconds(np.array([1800.0]), 18.0).tolist() == [360]
    d = straight_distances(np.array([[0.0, 0.0], [300.0, 400.0]]))
    assert d.method == STRAIGHT and d.distance_m[0, 1] == pytest.approx(500 * DEFAULT_DETOUR_FACTOR)
    with pytest.raises(ParameterError, match="detour_factor must be a number in"):
        straight_distances(np.zeros((2, 2)), detour_factor=0.9)


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_WGS.transform(x, y)
    return float(lon), float(lat)


def test_road_distances_follow_the_graph() -> None:
    nx = pytest.importorskip("networkx")
    graph = nx.MultiDiGraph()
    corners = {1: (X0, Y0), 2: (X0 + 1000, Y0), 3: (X0 + 1000, Y0 + 1000)}
    for node, (x, y) in corners.items():
        lon, lat = _lonlat(x, y)
        graph.add_node(node, x=lon, y=lat)
    for u, v in ((1, 2), (2, 3)):
        graph.add_edge(u, v, length=1000.0)
        graph.add_edge(v, u, length=1000.0)
    graph.add_edge(1, 3, length=5000.0)  # a longer parallel road is not taken
    road = road_graph_from_networkx(graph, metric_crs=UTM44, source="test")
    xy = np.array([[X0, Y0], [X0 + 1000, Y0 + 1000]])
    lonlat = np.array([_lonlat(*p) for p in xy])
    d = road_distances(xy, lonlat, road)
    assert d.method == ROAD
    assert d.distance_m[0, 1] == pytest.approx(2000.0, abs=0.5)  # around the corner, not 1414
    path = d.path_lonlat(0, 1)
    assert len(path) == 5  # stop, 3 nodes, stop


OSM_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="25.3000" lon="83.0000" version="1"/>
  <node id="2" lat="25.3000" lon="83.0100" version="1"/>
  <node id="3" lat="25.3090" lon="83.0100" version="1"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/></way>
</osm>
"""


def test_road_graph_from_a_local_osm_file(tmp_path: Path) -> None:
    pytest.importorskip("osmnx")
    path = tmp_path / "roads.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    road = load_road_graph(path, metric_crs=UTM44)
    assert road.source == "roads.osm" and road.lengths.nnz >= 2


def test_road_graph_from_lines_joins_at_shared_vertices(tmp_path: Path) -> None:
    a, b, c = (X0, Y0), (X0 + 1000, Y0), (X0 + 1000, Y0 + 1000)
    lines = gpd.GeoDataFrame(
        geometry=[shapely.LineString([a, b]), shapely.LineString([b, c])], crs=UTM44
    ).to_crs(WGS84)
    path = tmp_path / "roads.geojson"
    lines.to_file(path, driver="GeoJSON")
    road = load_road_graph(path, metric_crs=UTM44)
    xy = np.array([a, c])
    d = road_distances(xy, np.array([_lonlat(*p) for p in xy]), road)
    assert d.distance_m[0, 1] == pytest.approx(2000.0, abs=1.0)


@pytest.mark.shared_data
def test_plan_on_the_real_varanasi_major_roads() -> None:
    path = shared_file("varanasi", "major_roads_osm_odbl.geojson")
    road = load_road_graph(path, metric_crs=UTM44)
    assert road.lengths.nnz > 1000
    plan = plan_patrols(PLACES, TEAMS, STATION, start=MONDAY, days=1, metric_crs=UTM44, road=road)
    assert "road graph major_roads_osm_odbl.geojson" in plan.travel
    assert all(len(r.path) >= 2 for r in plan.routes if r.stops)


def test_road_graph_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        load_road_graph(tmp_path / "missing.osm", metric_crs=UTM44)
    bad = tmp_path / "roads.txt"
    bad.write_text("x", encoding="utf-8")
    pytest.importorskip("osmnx")
    with pytest.raises(InputFileError, match=r"cannot read a road graph from roads\.txt"):
        load_road_graph(bad, metric_crs=UTM44)


# --------------------------------------------------------------------------- stops


def _spots() -> gpd.GeoDataFrame:
    profile = [0] * 24
    profile[18] = 10
    return gpd.GeoDataFrame(
        {
            hs.RISK_SCORE: [0.8, 0.5],
            hs.HOUR_PROFILE: [profile, profile],
            hs.WEEKDAY_PROFILE: [[1] * 7, [1] * 7],
            hs.PRIMARY_THANA: ["A", "B"],
            hs.THANA_LIST: ["A; B", "B"],
            hs.NEAREST_SITES: ["Girls School (school, inside)", None],
            hs.WHY: ["30 incidents", "12 incidents"],
        },
        geometry=[box(X0 - 300, Y0, X0 + 300, Y0 + 200), box(X0 + 2000, Y0, X0 + 2200, Y0 + 200)],
        crs=WGS84,
    ).rename_axis(hs.HOTSPOT_ID)


def test_cross_thana_hotspot_is_shared_by_each_thana_inside_it() -> None:
    places = hotspot_places(_spots(), thanas=THANAS, metric_crs=UTM44)
    ids = sorted(p.place_id for p in places)
    assert ids == ["hotspot-0@A", "hotspot-0@B", "hotspot-1"]
    shared = {p.place_id: p for p in places}
    assert shared["hotspot-0@A"].x < X0 < shared["hotspot-0@B"].x  # each part in its own thana
    assert "shared with B" in shared["hotspot-0@A"].why
    assert shared["hotspot-0@A"].name == "Hotspot 0 near Girls School"
    only_b = hotspot_places(_spots(), thanas=THANAS, metric_crs=UTM44, only_thanas=["B"])
    assert {p.thana for p in only_b} == {"B"}


def test_hour_weights_peak_at_the_busiest_hour() -> None:
    profile = [0] * 24
    profile[18] = 10
    weights = hour_weights(profile)
    assert weights[18] == 1.0 and min(weights) == pytest.approx(0.2)
    with pytest.raises(ParameterError, match="24 counts"):
        hour_weights([1, 2])


def test_site_places_windows_risk_and_reasons() -> None:
    sites = gpd.GeoDataFrame(
        {
            "id": ["S1", "S2", "S3"],
            NAME: ["Kanya School", "Bazaar", "Coaching Hub"],
            KIND: ["school", "market", "coaching-centre"],
            OPENS_AT: ["08:00", None, None],
            DISPERSES_AT: ["13:30", "21:00", None],
            STUDENTS: [1000, None, 300],
        },
        geometry=[point(X0 - 1000, Y0), point(X0 - 1200, Y0), point(X0 + 1000, Y0)],
        crs=WGS84,
    )
    cctv = gpd.GeoDataFrame(
        {STATUS: ["faulty"], VIEW_RADIUS_M: [100.0]}, geometry=[point(X0 - 1000, Y0)], crs=WGS84
    )
    places, notes = site_places(sites, THANAS, cctv=cctv, metric_crs=UTM44)
    assert [p.place_id for p in places] == ["site-S1"]  # markets have no dispersal; S3 no times
    (school,) = places
    assert school.kind == PLACE_SITE and school.thana == "A"
    assert school.risk == pytest.approx(SITE_BASE_RISK + 0.2 * 0.5 + SITE_NO_CAMERA_RISK)
    dispersal = next(w for w in school.windows if "dispersal" in w.label)
    assert (dispersal.start_min, dispersal.end_min) == (
        13 * 60 + 30 - DISPERSAL_BEFORE_MIN,
        13 * 60 + 30 + DISPERSAL_AFTER_MIN,
    )
    assert "no working camera" in school.why and "disperses 13:30" in school.why
    assert school.weekday_weights[6] == 0.0
    assert any("no opening or dispersal time" in n for n in notes)
    assert any("Sundays" in n for n in notes)


# --------------------------------------------------------------------------- outputs


@pytest.fixture(scope="module")
def plan() -> object:
    return plan_patrols(PLACES, TEAMS, STATION, start=MONDAY, days=2, seed=1, metric_crs=UTM44)


def test_write_plan_files(plan: object, tmp_path: Path) -> None:
    files = write_plan(plan, tmp_path)  # type: ignore[arg-type]
    assert all(path.exists() for path in files.values())
    data = json.loads((tmp_path / PLAN_JSON).read_text(encoding="utf-8"))
    assert data["meta"]["conduct"]["en"] == CONDUCT_EN
    assert data["meta"]["days"] == 2 and data["routes"] and data["coverage"]
    assert data["meta"]["solver"].startswith("OR-Tools 9.")
    stops = pd.read_csv(files["stops"])
    assert tuple(stops.columns) == STOP_COLUMNS
    routes = gpd.read_file(files["routes"])
    lines = routes[routes[FEATURE] == FEATURE_ROUTE]
    assert len(lines) == 2 * len(TEAMS.teams)
    assert set(lines.geometry.geom_type) == {"LineString"}


def test_coverage_levels_and_shares(plan: object) -> None:
    cov = coverage_table(plan)  # type: ignore[arg-type]
    assert set(cov["level"]) == {"team", "thana", "all"}
    shares = cov["risk_share"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
    whole = cov[(cov["level"] == "all") & (cov["day"] == ALL_DAYS)].iloc[0]
    assert whole["places_total"] == len(PLACES)
    team_rows = cov[(cov["level"] == "team") & (cov["day"] == 1)]
    thana_row = cov[(cov["level"] == "thana") & (cov["day"] == 1)].iloc[0]
    assert thana_row["risk_share"] >= team_rows["risk_share"].max()


def test_plan_json_has_no_person_fields(plan: object) -> None:
    text = json.dumps(plan_dict(plan))  # type: ignore[arg-type]
    for word in ("phone", "victim", "complainant", "mobile"):
        assert word not in text.lower()


def test_sheet_is_bilingual_printable_and_has_conduct(plan: object, tmp_path: Path) -> None:
    paths = write_sheets(plan, tmp_path)  # type: ignore[arg-type]
    assert len(paths) == 2 * len(TEAMS.teams)
    route = plan.routes[0]  # type: ignore[attr-defined]
    page = sheet_html(plan, route)  # type: ignore[arg-type]
    for heading in ("title", "arrive", "conduct", "why"):
        assert HEADINGS[heading] in page
    assert CONDUCT_HI in page and "moral police" in page
    assert "<svg" in page and "marker-end" in page and "<script" not in page
    assert page.count("<tr><td>") >= len(route.stops)


def test_patrol_map_draws_routes_arrows_and_numbered_stops(plan: object) -> None:
    m = patrol_map(plan, day=1, thanas=THANAS, tiles=None)  # type: ignore[arg-type]
    page = map_html(m, assets="cdn")
    assert "shakti-arrow" in page and "rotate(" in page  # direction arrows
    assert "shakti-stop" in page and "moral police" in page
    with pytest.raises(ParameterError, match="day 5 is not in the plan"):
        patrol_map(plan, day=5)  # type: ignore[arg-type]


def test_stops_table_is_ordered_per_route(plan: object) -> None:
    table = stops_table(plan)  # type: ignore[arg-type]
    for _, group in table.groupby(["day", "team"]):
        assert group["order"].tolist() == list(range(1, len(group) + 1))
        assert group["arrive"].is_monotonic_increasing


def test_plan_starts_on_given_date(plan: object) -> None:
    assert plan.start == dt.date(2026, 11, 2)  # type: ignore[attr-defined]


def test_osm_file_without_osmnx_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    path = tmp_path / "roads.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "osmnx", None)  # import osmnx now raises ImportError
    with pytest.raises(InputFileError, match="needs the optional package osmnx") as info:
        load_road_graph(path, metric_crs=UTM44)
    assert "pip install osmnx" in str(info.value)
