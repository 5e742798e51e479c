from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import demo
from geo.crs import WGS84
from geo.i18n import devanagari_share
from geo.ingest import validate_file
from geo.ingest.columns import LAT_ALIASES, LON_ALIASES
from geo.ingest.quarantine import reason_counts
from geo.region import region_from_settings
from geo.schema import (
    ACTION_TAKEN,
    ACTIONS,
    ARRESTS,
    ATTENDEES,
    CAMPAIGN_KINDS,
    CATEGORY,
    CCTV_OWNERS,
    CCTV_STATUSES,
    DISPERSES_AT,
    HELD_ON,
    ID,
    INCIDENTS,
    KIND,
    LAYERS,
    NAME,
    NAME_HI,
    NAME_HI_MAX_CHARS,
    OCCURRED_AT,
    OPENS_AT,
    OWNER,
    RESOURCES,
    SITE_KINDS,
    SOURCE,
    SOURCES,
    STATION_LAT,
    STATION_LON,
    STATUS,
    STUDENTS,
    SYNTHETIC,
    THANA,
    THANA_MISMATCH,
    THANA_STATED,
    VENUE_TYPE,
    VENUE_TYPES,
    VIEW_RADIUS_M,
    ZONE,
    LayerKind,
)
from geo.settings import DEFAULT_CATEGORIES, VARANASI_BBOX, Settings
from geo.thanas import assign_thanas

SMALL = 1_500
SMALL_SEED = 7
#: Pinned "now" for the importer's future checks (as in conftest).
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
METRIC = "EPSG:32644"
POINT_KINDS = ("sites", "cctv", "campaigns", "incidents")


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate()


@pytest.fixture(scope="module")
def small() -> demo.DemoData:
    return demo.generate(seed=SMALL_SEED, n_incidents=SMALL)


@pytest.fixture(scope="module")
def files(data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return demo.write_files(data, tmp_path_factory.mktemp("demo"))


@pytest.fixture(params=["data", "small"])
def any_data(request: pytest.FixtureRequest) -> demo.DemoData:
    value: demo.DemoData = request.getfixturevalue(request.param)
    return value


def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def assert_layers_equal(a: demo.DemoData, b: demo.DemoData) -> None:
    for kind, layer in a.layers().items():
        other = b.layers()[kind]
        pd.testing.assert_frame_equal(
            pd.DataFrame(layer.drop(columns="geometry")),
            pd.DataFrame(other.drop(columns="geometry")),
        )
        assert layer.geometry.geom_equals_exact(other.geometry, tolerance=0).all()
    pd.testing.assert_frame_equal(a.messy_incidents, b.messy_incidents)


# --------------------------------------------------------------------------- totals


def test_seed_review_totals_are_exact(any_data: demo.DemoData) -> None:
    inc = any_data.incidents
    anti_romeo = inc[inc[SOURCE] == demo.ANTI_ROMEO]
    actions = anti_romeo[ACTION_TAKEN].value_counts()
    assert actions[demo.CASE_REGISTERED] == demo.N_CASES_REGISTERED == 94
    assert actions[demo.DETAINED] == demo.N_DETAINED == 659
    assert actions[demo.COUNSELLED] == demo.N_COUNSELLED == 255
    assert set(actions.index) <= {demo.CASE_REGISTERED, demo.DETAINED, demo.COUNSELLED, "warned"}
    cases = anti_romeo[anti_romeo[ACTION_TAKEN] == demo.CASE_REGISTERED]
    assert int(cases[ARRESTS].sum()) == demo.N_CASE_ARRESTS == 123
    assert (cases[ARRESTS] >= 1).all()
    # The totals hold without filtering by source too.
    assert int(inc[ARRESTS].sum()) == 123
    counts = inc[ACTION_TAKEN].value_counts()
    assert counts[demo.CASE_REGISTERED] == 94
    assert counts[demo.DETAINED] == 659
    assert counts[demo.COUNSELLED] == 255
    camp = any_data.campaigns
    assert len(camp) == demo.N_CAMPAIGNS == 2_114
    assert int(camp[ATTENDEES].sum()) == demo.N_WOMEN_REACHED == 90_000
    assert (camp[ATTENDEES] > 0).all()


def test_incident_count_is_n_incidents(data: demo.DemoData, small: demo.DemoData) -> None:
    assert len(data.incidents) == demo.DEMO_INCIDENTS
    assert len(small.incidents) == SMALL


def test_too_few_incidents_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        demo.generate(n_incidents=demo.MIN_INCIDENTS - 1)
    assert demo.MIN_INCIDENTS > 94 + 659 + 255
    assert len(demo.generate(n_incidents=demo.MIN_INCIDENTS).incidents) == demo.MIN_INCIDENTS


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_data_and_same_bytes(
    data: demo.DemoData, files: dict[str, Path], tmp_path: Path
) -> None:
    again = demo.generate()
    assert_layers_equal(data, again)
    files_again = demo.write_files(again, tmp_path)
    assert files_again.keys() == files.keys()
    for key, path in files.items():
        assert path.read_bytes() == files_again[key].read_bytes(), key


def test_different_seed_different_data(data: demo.DemoData, small: demo.DemoData) -> None:
    other = demo.generate(seed=demo.DEMO_SEED + 1)
    assert not other.incidents.geometry.geom_equals_exact(data.incidents.geometry, 0).all()
    assert not other.sites.geometry.geom_equals_exact(data.sites.geometry, 0).all()
    assert not np.array_equal(other.thanas["women_staff"], data.thanas["women_staff"])
    assert not data.messy_incidents.equals(other.messy_incidents)


def test_other_layers_do_not_depend_on_the_incident_count(data: demo.DemoData) -> None:
    smaller = demo.generate(n_incidents=SMALL)
    for kind in ("thanas", "sites", "cctv", "campaigns"):
        a, b = data.layers()[kind], smaller.layers()[kind]
        pd.testing.assert_frame_equal(
            pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
        )
        assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


# --------------------------------------------------------------------------- schema


def test_layers_follow_the_schema(any_data: demo.DemoData) -> None:
    layers = any_data.layers()
    assert list(layers) == ["thanas", "sites", "cctv", "campaigns", "incidents"]
    for kind, layer in layers.items():
        spec = LAYERS[LayerKind(kind)]
        assert tuple(layer.columns) == spec.columns
        assert layer.crs == WGS84
        assert layer.attrs[SYNTHETIC] is True
        assert layer[spec.key].is_unique
        assert layer[spec.key].notna().all()
        expected = {"Polygon", "MultiPolygon"} if spec.geometry == "Polygon" else {"Point"}
        assert set(layer.geom_type) <= expected
        for fspec in spec.fields:
            if fspec.required:
                assert layer[fspec.name].notna().all(), (kind, fspec.name)
            if fspec.minimum is not None:
                assert (layer[fspec.name].dropna() >= fspec.minimum).all(), (kind, fspec.name)
        if kind != "thanas":
            assert layer[ID].str.startswith("DEMO-").all()


def test_vocabularies_are_respected(any_data: demo.DemoData) -> None:
    inc = any_data.incidents
    assert set(inc[CATEGORY]) == set(DEFAULT_CATEGORIES)
    assert set(inc[SOURCE]) == set(SOURCES)
    assert set(inc[ACTION_TAKEN]) <= set(ACTIONS)
    names = set(any_data.thanas[NAME])
    assert set(inc[THANA_STATED].dropna()) <= names
    assert set(inc[THANA]) <= names
    assert set(any_data.sites[KIND]) <= set(SITE_KINDS)
    assert set(any_data.cctv[OWNER]) == set(CCTV_OWNERS)
    assert set(any_data.cctv[STATUS]) == set(CCTV_STATUSES)
    assert set(any_data.campaigns[KIND]) == set(CAMPAIGN_KINDS)
    assert set(any_data.campaigns[VENUE_TYPE]) == set(VENUE_TYPES)


# --------------------------------------------------------------------------- geography


def test_outline_is_valid_and_inside_the_default_region() -> None:
    outline = demo.city_outline()
    assert isinstance(outline, shapely.Polygon)
    assert outline.is_valid
    w, s, e, n = outline.bounds
    bw, bs, be, bn = VARANASI_BBOX
    assert bw <= w < 82.9 and 83.05 < e <= be
    assert bs <= s < 25.22 and 25.40 < n <= bn


def test_thanas_tile_the_outline(data: demo.DemoData) -> None:
    thanas = data.thanas
    assert 25 <= len(thanas) <= 35
    assert thanas[NAME].is_unique
    zones = thanas[ZONE].value_counts()
    assert set(zones.index) == {"Kashi", "Varuna", "Gomti"}
    assert (zones >= 5).all()
    geoms = thanas.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    outline = demo.city_outline()
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert shapely.intersection(geoms[i], geoms[j]).area < 1e-12
    union = shapely.union_all(geoms)
    assert shapely.symmetric_difference(union, outline).area < 1e-9 * outline.area
    assert abs(shapely.area(geoms).sum() - outline.area) < 1e-9 * outline.area
    stations = shapely.points(thanas[STATION_LON], thanas[STATION_LAT])
    assert shapely.contains(geoms, stations).all()
    for res in RESOURCES:
        assert (thanas[res] >= 0).all()
    assert "Lanka" in set(thanas[NAME]) and "Sarnath" in set(thanas[NAME])


def test_every_point_lies_in_a_thana_and_the_region(any_data: demo.DemoData) -> None:
    region = region_from_settings(settings())
    outline = demo.city_outline()
    for kind in POINT_KINDS:
        layer = any_data.layers()[kind]
        x, y = layer.geometry.x.to_numpy(), layer.geometry.y.to_numpy()
        assert region.contains(x, y).all(), kind
        assert shapely.intersects_xy(outline, x, y).all(), kind
        assigned = assign_thanas(layer, any_data.thanas)
        assert assigned[THANA].notna().all(), kind
    # The derived columns are exactly what the importer's thana assignment computes.
    inc = any_data.incidents
    assigned = assign_thanas(inc, any_data.thanas)
    assert assigned[THANA].tolist() == inc[THANA].tolist()
    assert assigned[THANA_MISMATCH].tolist() == inc[THANA_MISMATCH].tolist()


# --------------------------------------------------------------------------- layers


def test_sites(data: demo.DemoData) -> None:
    sites = data.sites
    assert 200 <= len(sites) <= 600
    kinds = sites[KIND].value_counts()
    for kind in (
        "school",
        "college",
        "coaching-centre",
        "womens-training-centre",
        "hostel",
        "market",
        "ghat",
        "transit",
    ):
        assert kinds[kind] >= 5, kind
    names = set(sites[NAME])
    for name in (
        "Banaras Hindu University",
        "Mahatma Gandhi Kashi Vidyapith",
        "Sampurnanand Sanskrit University",
        "Godowlia Market",
        "Dashashwamedh Ghat",
        "Assi Ghat",
        "Varanasi Junction (Cantt) Railway Station",
    ):
        assert name in names
    taught = sites[sites[KIND].isin(["school", "college", "coaching-centre"])]
    assert taught[STUDENTS].notna().all() and taught[DISPERSES_AT].notna().all()
    coaching = sites[sites[KIND] == "coaching-centre"]
    assert (coaching[DISPERSES_AT] == "11:00;14:00;17:00;20:00").mean() > 0.3
    times = pd.concat([sites[OPENS_AT], sites[DISPERSES_AT]]).dropna()
    assert times.str.fullmatch(r"\d{2}:\d{2}(;\d{2}:\d{2})*").all()
    hubs = coaching[NAME].str.rsplit(", ", n=1).str[-1].str.replace(r" No\. \d+$", "", regex=True)
    assert set(hubs) >= {"Lanka", "Sigra", "Mahmoorganj", "Bhelupur", "Nadesar"}


def test_cctv(data: demo.DemoData) -> None:
    cctv = data.cctv
    assert 300 <= len(cctv) <= 1_500
    status = cctv[STATUS].value_counts(normalize=True)
    assert 0.12 <= status["faulty"] <= 0.24
    assert 0.02 <= status["unknown"] <= 0.10
    assert 0 < cctv[VIEW_RADIUS_M].isna().sum() < 0.2 * len(cctv)
    same_spot = cctv.geometry.to_wkb().duplicated(keep=False)
    assert 3 <= same_spot.sum() <= 40
    assert cctv.loc[same_spot, ID].is_unique
    # Realistic gaps: many schools and coaching centres have no camera within 100 m.
    sites = data.sites.to_crs(METRIC)
    taught = sites[sites[KIND].isin(["school", "coaching-centre"])].geometry.to_numpy()
    tree = shapely.STRtree(cctv.to_crs(METRIC).geometry.to_numpy())
    seen, _ = tree.query(taught, predicate="dwithin", distance=100.0)
    uncovered = 1 - np.unique(seen).size / len(taught)
    assert 0.3 <= uncovered <= 0.9
    # ... while the busiest market and ghat are watched.
    for name in ("Godowlia Market", "Dashashwamedh Ghat"):
        point = sites.loc[sites[NAME] == name].geometry.to_numpy()
        assert tree.query(point, predicate="dwithin", distance=100.0)[0].size >= 3


def test_campaigns(data: demo.DemoData) -> None:
    camp = data.campaigns
    held = camp[HELD_ON]
    assert held.min().date() >= demo.START_DATE
    assert held.max().date() <= demo.REFERENCE_DATE
    assert held.dt.to_period("M").nunique() == 18
    assert held.is_monotonic_increasing
    # Drives at sites are held near a site of that kind.
    sites = data.sites.to_crs(METRIC)
    metric = camp.to_crs(METRIC)
    for venue in ("school", "college", "coaching-centre", "market", "ghat"):
        at = metric[metric[VENUE_TYPE] == venue].geometry.to_numpy()
        tree = shapely.STRtree(sites[sites[KIND] == venue].geometry.to_numpy())
        _, dist = tree.query_nearest(at, return_distance=True, all_matches=False)
        assert np.median(dist) < 100 and dist.max() < 400, venue


def test_incident_times(any_data: demo.DemoData) -> None:
    occurred = any_data.incidents[OCCURRED_AT]
    assert str(occurred.dt.tz) == demo.TIMEZONE == "Asia/Kolkata"
    assert occurred.dt.date.min() >= demo.START_DATE
    assert occurred.dt.date.max() <= demo.REFERENCE_DATE
    assert occurred.dt.tz_localize(None).dt.to_period("M").nunique() == 18
    assert occurred.is_monotonic_increasing


def test_incident_mix(data: demo.DemoData) -> None:
    inc = data.incidents
    top = inc[CATEGORY].value_counts().index[:2]
    assert set(top) == {"eve-teasing", "harassment"}
    assert inc[THANA_STATED].notna().mean() >= 0.85
    assert 0.01 <= inc[THANA_MISMATCH].mean() <= 0.035
    stated = inc[THANA_STATED]
    expected = stated.notna() & (stated != inc[THANA])
    assert (expected.fillna(False) == inc[THANA_MISMATCH]).all()
    # Arrests are recorded for anti-Romeo actions only.
    assert inc.loc[inc[SOURCE] != demo.ANTI_ROMEO, ARRESTS].isna().all()


def test_hotspots_emerge_fade_and_follow_dispersal(data: demo.DemoData) -> None:
    inc = data.incidents.to_crs(METRIC)
    sites = data.sites.to_crs(METRIC)
    mid = pd.Timestamp("2026-01-31", tz=demo.TIMEZONE)  # 9 months either side

    def halves(name: str, radius: float) -> tuple[int, int]:
        point = sites.loc[sites[NAME] == name].geometry.iloc[0]
        near = inc[inc.distance(point) < radius]
        return int((near[OCCURRED_AT] < mid).sum()), int((near[OCCURRED_AT] >= mid).sum())

    early, late = halves("Namo Ghat", 300)
    assert late > 1.15 * early
    early, late = halves("Lahurabir Market", 250)
    assert early > 1.15 * late
    # Around coaching centres incidents happen on weekdays, mostly at batch dispersal.
    coaching = sites[sites[KIND] == "coaching-centre"].geometry.to_numpy()
    tree = shapely.STRtree(coaching)
    near = np.unique(tree.query(inc.geometry.to_numpy(), predicate="dwithin", distance=150)[0])
    when = inc[OCCURRED_AT].iloc[near]
    assert (when.dt.day_of_week == 6).mean() < 0.08
    hours = when.dt.hour.value_counts(normalize=True)
    assert hours.reindex([11, 14, 17, 20], fill_value=0).sum() > 0.3


# --------------------------------------------------------------------------- files


def test_files_are_labelled_synthetic(data: demo.DemoData, files: dict[str, Path]) -> None:
    # the demo has no gazetteer of its own: its sites and stations are the places it knows;
    # visits come back from the field once a plan is made (notebook 08), not with the demo
    layers = {k.value for k in LayerKind if k not in (LayerKind.GAZETTEER, LayerKind.VISITS)}
    assert set(files) == {*layers, demo.MESSY_KEY, demo.README_KEY}
    assert files[demo.MESSY_KEY].name == "incidents_legacy_register.csv"
    readme = files[demo.README_KEY].read_text(encoding="utf-8")
    assert readme.startswith(
        f"SYNTHETIC demo data generated by shakti demo-data, seed {demo.DEMO_SEED} — not real "
        "incidents"
    )
    for key, path in files.items():
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            assert (frame[SYNTHETIC] == "True").all(), key
    collection = json.loads(files["thanas"].read_text(encoding="utf-8"))
    assert "SYNTHETIC" in collection["description"]
    assert all(f["properties"][SYNTHETIC] is True for f in collection["features"])
    assert demo.LAT in LAT_ALIASES and demo.LON in LON_ALIASES


def test_write_files_round_trip(data: demo.DemoData, files: dict[str, Path]) -> None:
    for kind in POINT_KINDS:
        layer = data.layers()[kind]
        spec = LAYERS[LayerKind(kind)]
        frame = pd.read_csv(files[kind], dtype=str, keep_default_na=False)
        assert list(frame.columns) == [*spec.names, demo.LAT, demo.LON, SYNTHETIC]
        assert frame[ID].tolist() == layer[ID].tolist()
        assert np.array_equal(frame[demo.LON].astype(float), layer.geometry.x)
        assert np.array_equal(frame[demo.LAT].astype(float), layer.geometry.y)
    inc = pd.read_csv(files["incidents"], dtype=str, keep_default_na=False)
    assert inc[OCCURRED_AT].str.endswith("+05:30").all()
    back = pd.to_datetime(inc[OCCURRED_AT], format="ISO8601").dt.tz_convert(demo.TIMEZONE)
    assert (back.to_numpy() == data.incidents[OCCURRED_AT].to_numpy()).all()
    assert (
        inc[THANA_STATED].replace("", None).dropna()
        == data.incidents[THANA_STATED].dropna().to_numpy()
    ).all()
    camp = pd.read_csv(files["campaigns"], dtype=str, keep_default_na=False)
    assert camp[ATTENDEES].astype(int).sum() == 90_000
    assert (pd.to_datetime(camp[HELD_ON]) == data.campaigns[HELD_ON]).all()
    thanas = gpd.read_file(files["thanas"])
    assert thanas[NAME].tolist() == data.thanas[NAME].tolist()
    assert thanas.geometry.geom_equals_exact(data.thanas.geometry, tolerance=0).all()
    messy = pd.read_csv(files[demo.MESSY_KEY], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(
        messy.drop(columns=SYNTHETIC), data.messy_incidents.astype(str), check_dtype=False
    )


@pytest.mark.parametrize("kind", ["thanas", "cctv", "campaigns", "incidents"])
def test_files_import_cleanly(data: demo.DemoData, files: dict[str, Path], kind: str) -> None:
    report = validate_file(files[kind], kind, settings=settings(), now=NOW)
    assert report.rows == len(data.layers()[kind])
    assert len(report.accepted) == report.rows, reason_counts(report.quarantine)
    assert report.ignored_columns == [SYNTHETIC]
    if kind == "incidents":
        assigned = assign_thanas(report.accepted, gpd.read_file(files["thanas"]))
        assert assigned[THANA].tolist() == data.incidents[THANA].tolist()
        assert assigned[THANA_MISMATCH].tolist() == data.incidents[THANA_MISMATCH].tolist()


def test_sites_file_imports_cleanly(data: demo.DemoData, files: dict[str, Path]) -> None:
    report = validate_file(files["sites"], "sites", settings=settings(), now=NOW)
    assert len(report.accepted) == len(data.sites), reason_counts(report.quarantine)


# --------------------------------------------------------------------------- legacy register


def test_messy_register_has_every_problem(data: demo.DemoData) -> None:
    m = data.messy_incidents
    assert tuple(m.columns) == demo.MESSY_COLUMNS
    assert len(m) == demo.MESSY_ROWS == 150
    assert m.attrs[SYNTHETIC] is True
    lat = pd.to_numeric(m[demo.M_LAT], errors="coerce")
    lon = pd.to_numeric(m[demo.M_LON], errors="coerce")
    w, s, e, n = VARANASI_BBOX

    def in_box(x: pd.Series, y: pd.Series) -> pd.Series:
        return x.between(w, e) & y.between(s, n)

    blank = (m[demo.M_LAT] == "") | (m[demo.M_LON] == "")
    non_numeric = ~blank & (lat.isna() | lon.isna())
    numeric = lat.notna() & lon.notna()
    swapped = numeric & in_box(lat, lon)
    invalid = numeric & (lat.abs() > 90)
    outside = numeric & ~invalid & ~in_box(lon, lat) & ~swapped
    when = m[demo.M_DATETIME]
    parsed = pd.to_datetime(when, format="%d/%m/%Y %H:%M", errors="coerce").fillna(
        pd.to_datetime(when, format="%Y-%m-%d %H:%M", errors="coerce")
    )
    unparseable = parsed.isna()
    future = parsed.dt.year >= 2031
    category = m[demo.M_CATEGORY]
    unknown_category = (category != "") & ~category.isin(DEFAULT_CATEGORIES)
    unknown_source = ~m[demo.M_SOURCE].isin(SOURCES)
    duplicate = m[demo.M_SR_NO].duplicated()
    found = {
        "missing-coordinates": blank, "non-numeric-coordinates": non_numeric,
        "lat-lon-swapped": swapped, "outside-region": outside, "invalid-coordinates": invalid,
        "duplicate-id": duplicate, "unparseable-timestamp": unparseable,
        "future-timestamp": future, "unknown-category": unknown_category,
        "unknown-value": unknown_source, "missing-value": category == "",
    }  # fmt: skip
    expected = {str(reason): count for reason, count in demo.MESSY_PROBLEMS.items()}
    assert {k: int(v.sum()) for k, v in found.items()} == expected
    assert (outside & (lat > 26.5)).any()  # Lucknow
    problem = pd.concat(found, axis=1).any(axis=1)
    assert (~problem).sum() >= 0.7 * len(m)
    # Obviously fake personal data.
    assert m[demo.M_VICTIM].str.fullmatch(r"Test Name \d+").all()
    assert m[demo.M_MOBILE].str.fullmatch(r"90000 \d{5}").all()
    # No fixed anti-Romeo action leaks into the register.
    assert demo.ANTI_ROMEO not in set(m[demo.M_SOURCE])


def test_messy_mapping(data: demo.DemoData) -> None:
    mapping = demo.MESSY_MAPPING
    assert set(mapping) <= set(data.messy_incidents.columns)
    assert set(mapping.values()) <= {*INCIDENTS.names, demo.LAT, demo.LON}
    assert demo.M_VICTIM not in mapping and demo.M_MOBILE not in mapping
    assert mapping[demo.M_CATEGORY] == CATEGORY


def test_messy_register_through_the_importer(files: dict[str, Path]) -> None:
    report = validate_file(
        files[demo.MESSY_KEY],
        "incidents",
        settings=settings(),
        now=NOW,
        mapping=demo.MESSY_MAPPING,
    )
    expected = {str(reason): count for reason, count in demo.MESSY_PROBLEMS.items()}
    assert reason_counts(report.quarantine) == expected
    assert len(report.accepted) == demo.MESSY_ROWS - sum(expected.values())
    assert set(report.personal_columns) == {demo.M_VICTIM, demo.M_MOBILE}
    assert not report.quarantine["original"].str.contains("Test Name|90000", regex=True).any()
    assert tuple(report.accepted.columns) == INCIDENTS.columns
    values = report.accepted.drop(columns="geometry").astype(str).to_numpy().ravel()
    assert not any(re.search("Test Name|90000", str(v)) for v in values)


def test_demo_has_a_hindi_name_for_every_thana_and_site(data: demo.DemoData) -> None:
    for layer in (data.thanas, data.sites):
        names_hi = layer[NAME_HI]
        assert names_hi.notna().all()
        assert names_hi.str.len().max() <= NAME_HI_MAX_CHARS
        assert not names_hi.duplicated().any()
        for text in names_hi:
            assert devanagari_share(text, ignore=["PG", "BHU"]) >= 0.9, text
    thanas = dict(zip(data.thanas[NAME], data.thanas[NAME_HI], strict=True))
    assert thanas["Lanka"] == "लंका"
    assert thanas["Bhelupur"] == "भेलूपुर"
    assert thanas["Cantt"] == "कैंट"
    sites = dict(zip(data.sites[NAME], data.sites[NAME_HI], strict=True))
    assert sites["Banaras Hindu University"] == "काशी हिन्दू विश्वविद्यालय"
    assert sites["Dashashwamedh Ghat"] == "दशाश्वमेध घाट"


def test_demo_files_carry_the_hindi_names(data: demo.DemoData, files: dict[str, Path]) -> None:
    sites = pd.read_csv(files["sites"], encoding="utf-8-sig", dtype=str)
    assert sites[NAME_HI].tolist() == data.sites[NAME_HI].tolist()
    thanas = gpd.read_file(files["thanas"])
    assert thanas[NAME_HI].tolist() == data.thanas[NAME_HI].tolist()
