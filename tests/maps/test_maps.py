"""Tests for the maps: layers, popups, shareable mode, offline assets, aggregation, size."""

from __future__ import annotations

import html
import io
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from branca.element import JavascriptLink

from geo.errors import ExportError, ParameterError
from geo.schema import (
    ACTION_TAKEN,
    ATTENDEES,
    CATEGORY,
    HELD_ON,
    KIND,
    NAME,
    OCCURRED_AT,
    OWNER,
    SOURCE,
    SOURCES,
    STATUS,
    STUDENTS,
    THANA,
    VENUE_TYPE,
    VIEW_RADIUS_M,
    ZONE,
)
from geo.settings import DEFAULT_CATEGORIES
from maps import assets
from maps.aggregate import SUPPRESS_BELOW, hex_counts, snap_counts, weekly_counts
from maps.cctv_map import COVERED, cctv_map, coverage_summary, site_coverage
from maps.geojson import compact_collection, compact_json
from maps.hotspot_map import hotspot_map
from maps.popups import guard_columns
from maps.render import map_html, stable_ids
from models.hotspots import PEAK_HOURS, RISK_RANK, WHY, find_hotspots, underserved_hotspots
from models.surfaces.emerging import emerging_hotspots
from models.surfaces.significance import gi_star

WGS84 = "EPSG:4326"
TZ = "Asia/Kolkata"
#: Two clusters (lon, lat) inside two square thanas west and east of 83.00.
CENTRES = ((82.9751, 25.3102), (83.0203, 25.3007))


@dataclass(frozen=True)
class World:
    """Tiny SYNTHETIC layers and model outputs built in code."""

    incidents: gpd.GeoDataFrame
    thanas: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    cctv: gpd.GeoDataFrame
    campaigns: gpd.GeoDataFrame
    hotspots: gpd.GeoDataFrame
    underserved: gpd.GeoDataFrame
    gi_cells: gpd.GeoDataFrame
    emerging: gpd.GeoDataFrame


def points(lon: list[float], lat: list[float]) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapely.points(np.column_stack([lon, lat])), crs=WGS84)


def build_world(seed: int = 7, n_cluster: int = 150, n_noise: int = 100) -> World:
    """Two dense clusters and noise over 16 weeks; sites, cameras and far-away drives."""
    rng = np.random.default_rng(seed)
    lon = np.concatenate(
        [rng.normal(c[0], 0.0008, n_cluster) for c in CENTRES]
        + [rng.uniform(82.951, 83.049, n_noise)]
    )
    lat = np.concatenate(
        [rng.normal(c[1], 0.0008, n_cluster) for c in CENTRES]
        + [rng.uniform(25.281, 25.339, n_noise)]
    )
    n = len(lon)
    start = pd.Timestamp("2026-03-02", tz=TZ)
    minutes = np.sort(rng.integers(0, 16 * 7 * 24 * 60, n))
    incidents = gpd.GeoDataFrame(
        {
            "id": [f"T-{i:04d}" for i in range(n)],
            OCCURRED_AT: start + pd.to_timedelta(minutes, unit="min"),
            CATEGORY: rng.choice(DEFAULT_CATEGORIES, n),
            SOURCE: rng.choice(SOURCES, n),
            THANA: np.where(lon < 83.0, "Alpha", "Beta"),
            ACTION_TAKEN: rng.choice(["none", "warned", "referred"], n),
        },
        geometry=points(list(lon), list(lat)),
    )
    thanas = gpd.GeoDataFrame(
        {NAME: ["Alpha", "Beta"], ZONE: ["Kashi", "Varuna"], "vehicles": [3, 2]},
        geometry=[shapely.box(82.95, 25.28, 83.0, 25.34), shapely.box(83.0, 25.28, 83.05, 25.34)],
        crs=WGS84,
    )
    sites = gpd.GeoDataFrame(
        {
            "id": ["S1", "S2", "S3"],
            NAME: ["Alpha Girls Inter College", "Beta Ghat", "Far Coaching Centre"],
            KIND: ["college", "ghat", "coaching-centre"],
            STUDENTS: pd.array([1200, None, 300], dtype="Int64"),
        },
        geometry=points([82.9761, 83.0213, 82.9550], [25.3110, 25.3015, 25.2850]),
    )
    cctv = gpd.GeoDataFrame(
        {
            "id": ["C1", "C2", "C3", "C4"],
            OWNER: ["police", "smart-city", "private", "police"],
            STATUS: ["working", "working", "faulty", "unknown"],
            VIEW_RADIUS_M: [80.0, 60.0, 50.0, np.nan],
        },
        geometry=points([82.9758, 83.0400, 83.0210, 82.9700], [25.3106, 25.3300, 25.3012, 25.3300]),
    )
    campaigns = gpd.GeoDataFrame(
        {
            "id": ["K1", "K2"],
            HELD_ON: pd.to_datetime(["2026-05-01", "2026-06-10"]),
            KIND: ["awareness-drive", "school-session"],
            VENUE_TYPE: ["school", "market"],
            ATTENDEES: pd.array([120, 45], dtype="Int64"),
        },
        geometry=points([83.045, 83.046], [25.336, 25.337]),
    )
    hotspots = find_hotspots(
        incidents, eps_m=100, min_samples=8, sites=sites, cctv=cctv, campaigns=campaigns,
        thanas=thanas,
    )  # fmt: skip
    return World(
        incidents=incidents,
        thanas=thanas,
        sites=sites,
        cctv=cctv,
        campaigns=campaigns,
        hotspots=hotspots,
        underserved=underserved_hotspots(hotspots, campaigns),
        gi_cells=gi_star(incidents, cell_m=250),
        emerging=emerging_hotspots(incidents, cell_m=250, bin="W"),
    )


def build_map(world: World, **kwargs: object) -> folium.Map:
    options: dict[str, object] = {"tiles": None}
    options.update(kwargs)
    return hotspot_map(
        world.incidents,
        thanas=world.thanas,
        hotspots=world.hotspots,
        sites=world.sites,
        cctv=world.cctv,
        campaigns=world.campaigns,
        gi_cells=world.gi_cells,
        emerging=world.emerging,
        underserved=world.underserved,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def vendor() -> Path:
    """The offline assets (fetched once from the npm registry when absent)."""
    assets.fetch()
    return assets.asset_dir()


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture(scope="module")
def page(world: World, vendor: Path) -> str:
    return map_html(build_map(world))


@pytest.fixture(scope="module")
def shared_page(world: World, vendor: Path) -> str:
    return map_html(build_map(world, share=True))


def encoded(text: str) -> str:
    """How a popup text appears inside the page (HTML-escaped, then JSON-escaped)."""
    return compact_json(html.escape(text))[1:-1]


def coordinate_strings(lon: float, lat: float) -> list[str]:
    """The ways an exact position could be written into a page."""
    return [
        repr(float(lon)),
        repr(float(lat)),
        f"{lat:.5f},{lon:.5f}",
        f"{lat:.5f}, {lon:.5f}",
        f"{round(lon * 1e5)},{round(lat * 1e5)}",
        f"{lon:.5f},{lat:.5f}",
    ]


# --------------------------------------------------------------------------- layers


def test_every_layer_and_control_is_on_the_map(world: World, page: str) -> None:
    for name in (
        "Thanas: incidents per thana",
        "Thana names",
        "Weekly incidents per thana (slider, 1",
        f"Hotspots ({len(world.hotspots)}, by risk)",
        "Underserved hotspots (",
        "Heat: incident density",
        "Incidents: eve-teasing (",
        "Gi* hot and cold spots (",
        "Emerging hot-spot trends (",
        "Awareness drives (2)",
        "Sensitive sites (3)",
        "CCTV cameras (4)",
        "CCTV coverage (view radius)",
    ):
        assert name in page, name
    for control in (
        "L.control.layers",
        "L.Control.Search",
        "L.control.fullscreen",
        "L.Control.Measure",
        "L.Control.MiniMap",
        "shakti-legend",
        "shakti-slider",
    ):
        assert control in page, control
    assert "Search thana" in page and "Search site" in page


def test_top_hotspots_stand_out_and_the_rest_start_hidden(world: World, vendor: Path) -> None:
    n = len(world.hotspots)
    assert n >= 2
    summary = ("eps 150 m, min 10: as given", "The top 1 hotspots hold 40% of the incidents")
    ranked = map_html(build_map(world, top_n=1, summary=summary))
    assert "Hotspots (top 1 by risk)" in ranked
    assert f"Lower-ranked hotspots: {n - 1}" in ranked
    assert f"Hotspots ({n}, by risk)" not in ranked
    assert all(encoded(t) in ranked for t in summary)
    top = world.hotspots.sort_values(RISK_RANK).iloc[0]
    assert encoded(f"Hotspot #{top[RISK_RANK]}") in ranked
    everything = map_html(build_map(world, top_n=n))
    assert f"Hotspots ({n}, by risk)" in everything and "Lower-ranked" not in everything


def test_hotspot_popups_explain_why(world: World, page: str) -> None:
    top = world.hotspots.sort_values(RISK_RANK).iloc[0]
    assert encoded(str(top[WHY])) in page
    assert encoded(str(top[PEAK_HOURS])) in page
    assert encoded(f"Hotspot #{top[RISK_RANK]}") in page


def test_internal_map_has_the_incident_positions(world: World, page: str) -> None:
    # the sanity check of the shareable test below: positions are found when they are there
    lon, lat = world.incidents.geometry.x.iloc[0], world.incidents.geometry.y.iloc[0]
    assert f"{round(lat, 5)}, {round(lon, 5)}" in page or f"{lat:.5f}, {lon:.5f}" in page


def test_shareable_map_has_no_exact_incident_position(world: World, shared_page: str) -> None:
    xy = shapely.get_coordinates(world.incidents.geometry.to_numpy())
    leaks = [
        text
        for lon, lat in xy
        for text in coordinate_strings(float(lon), float(lat))
        if text in shared_page
    ]
    assert leaks == []
    assert "Incidents: " not in shared_page  # no marker layer
    assert "L.markerClusterGroup" not in shared_page
    assert "Incident counts on hexagons" in shared_page
    # hotspot outlines are still there, blurred
    assert f"Hotspots ({len(world.hotspots)}, by risk)" in shared_page


def test_shareable_map_hides_an_outlying_incident(world: World, vendor: Path) -> None:
    # the westmost incident would set the map's extent: it is rounded outward
    outlier = world.incidents.iloc[:1].copy()
    outlier["geometry"] = points([82.9123456789], [25.2712345678]).to_numpy()
    incidents = pd.concat([world.incidents, outlier], ignore_index=True)
    page = map_html(build_map(World(**{**world.__dict__, "incidents": incidents}), share=True))
    for text in [*coordinate_strings(82.9123456789, 25.2712345678), "82.91235", "25.27123"]:
        assert text not in page


def test_shareable_map_suppresses_small_counts(world: World) -> None:
    hexes = hex_counts(world.incidents, min_count=SUPPRESS_BELOW)
    assert (hexes["count"] >= SUPPRESS_BELOW).all()
    cells = snap_counts(world.incidents, cell_m=250, min_count=SUPPRESS_BELOW)
    assert (cells["count"] >= SUPPRESS_BELOW).all()
    assert len(cells) < len(snap_counts(world.incidents, cell_m=250))


def test_no_personal_field_reaches_a_popup(world: World, vendor: Path) -> None:
    incidents = world.incidents.copy()
    incidents["victim_name"] = "Sunita Devi"
    incidents["complainant_mobile"] = "9876543210"
    page = map_html(build_map(World(**{**world.__dict__, "incidents": incidents})))
    assert "Sunita" not in page and "9876543210" not in page


def test_a_whitelisted_column_holding_phone_numbers_is_refused(world: World) -> None:
    incidents = world.incidents.copy()
    incidents[SOURCE] = "98765 43210"
    with pytest.raises(ExportError, match="look personal"):
        build_map(World(**{**world.__dict__, "incidents": incidents}))
    with pytest.raises(ExportError, match="look personal"):
        guard_columns(incidents, (SOURCE,), layer="incident")


def test_above_max_points_no_marker_per_incident(world: World, vendor: Path) -> None:
    many = map_html(build_map(world, max_points=len(world.incidents) - 1))
    assert "L.markerClusterGroup" not in many
    assert "Incident counts on hexagons" in many
    assert "more than" in many  # the legend says why
    few = map_html(build_map(world, max_points=len(world.incidents)))
    assert few.count("L.markerClusterGroup(") == world.incidents[CATEGORY].nunique()
    assert "Incident counts on hexagons" not in few


def test_weekly_counts_per_thana(world: World) -> None:
    weekly = weekly_counts(world.incidents, world.incidents[THANA], ["Alpha", "Beta", "Gamma"])
    assert len(weekly.weeks) == 16 and weekly.weeks[0] == "2026-03-02"
    assert int(weekly.counts.to_numpy().sum()) == len(world.incidents)
    assert weekly.counts.loc["Gamma"].sum() == 0


def test_same_inputs_give_the_same_page(world: World, page: str) -> None:
    assert map_html(build_map(world)) == page
    assert stable_ids("a map_0123456789abcdef0123456789abcdef b") == "a map_" + "0" * 31 + "1 b"


def test_tiles(world: World, vendor: Path) -> None:
    assert "L.tileLayer" not in map_html(build_map(world, max_points=0))
    url = "https://tiles.police.example/{z}/{x}/{y}.png"
    with pytest.raises(ParameterError, match="attribution"):
        build_map(world, tiles=url)
    page = map_html(build_map(world, tiles=url, tile_attribution="© UP Police GIS"))
    assert url in page and "L.tileLayer" in page
    with pytest.raises(ParameterError, match="unknown base map"):
        build_map(world, tiles="no-such-provider")


def test_bad_max_points(world: World) -> None:
    with pytest.raises(ParameterError, match="max_points"):
        build_map(world, max_points=-1)


def test_empty_optional_layers(world: World, vendor: Path) -> None:
    page = map_html(hotspot_map(world.incidents.iloc[:0], tiles=None))
    assert "leaflet" in page and "Hotspots (" not in page


# --------------------------------------------------------------------------- offline assets


REMOTE_TAG = re.compile(r"""<(?:script|link)\b[^>]*(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_inline_page_links_nothing_remote(page: str, shared_page: str) -> None:
    for text in (page, shared_page):
        assert REMOTE_TAG.search(text) is None
        for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "netdna."):
            assert cdn not in text


def test_served_page_links_local_files(world: World, vendor: Path) -> None:
    page = map_html(build_map(world), assets="served", asset_prefix="/assets")
    assert REMOTE_TAG.search(page) is None
    links = re.findall(r"""(?:src|href)="/assets/([^"]+)\"""", page)
    assert links and all((vendor / link).is_file() for link in links)


def test_an_unmapped_cdn_url_raises(vendor: Path) -> None:
    m = folium.Map(tiles=None)
    m.get_root().header.add_child(JavascriptLink("https://cdn.example.org/tracker.js"))
    for mode in ("inline", "served"):
        with pytest.raises(ExportError, match="not in the offline asset manifest"):
            map_html(m, assets=mode)  # type: ignore[arg-type]
    assert "cdn.example.org" in map_html(m, assets="cdn")
    with pytest.raises(ExportError, match="internet"):
        assets.local_asset("https://unpkg.com/leaflet@1.9.4/dist/leaflet.js")


def test_folium_defaults_and_used_plugins_are_pinned() -> None:
    from folium.plugins import Fullscreen, HeatMap, MarkerCluster, MeasureControl, MiniMap, Search

    for element in (
        folium.Map,
        Fullscreen,
        HeatMap,
        MarkerCluster,
        MeasureControl,
        MiniMap,
        Search,
    ):
        for _, url in [*element.default_js, *element.default_css]:
            assert url in assets.URL_MAP, url
    for package in assets.PACKAGES:
        assert package.integrity.startswith("sha512-") and package.version[0].isdigit()


def test_a_full_folium_page_inlines_fonts_as_woff2(vendor: Path) -> None:
    page = map_html(folium.Map(tiles=None))  # every folium default, Font Awesome included
    assert "data:font/woff2;base64," in page
    assert "font/ttf" not in page and ".eot" not in page
    assert REMOTE_TAG.search(page) is None


def test_missing_assets_say_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"maps\.assets fetch"):
        assets.asset_dir(tmp_path)
    with pytest.raises(ExportError, match=r"maps\.assets fetch"):
        map_html(folium.Map(tiles=None), directory=tmp_path)


def test_fetch_is_idempotent_and_offline_when_present(
    vendor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(url: str, timeout_s: float) -> bytes:
        raise AssertionError(f"downloaded {url} although it is present")

    monkeypatch.setattr(assets, "_download", no_network)
    report = assets.fetch(vendor)
    assert report.downloaded == [] and len(report.up_to_date) == len(assets.PACKAGES)


def test_fetch_refuses_a_tarball_with_the_wrong_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assets, "_download", lambda url, timeout_s: b"not the tarball")
    with pytest.raises(ExportError, match="does not match its pinned hash"):
        assets.fetch(tmp_path, packages=[assets.JQUERY])
    assert not (tmp_path / assets.JQUERY.folder / "dist").exists()


def fake_tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_fetch_extracts_the_files_and_what_their_css_refers_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tarball = fake_tarball(
        {
            "dist/widget.js": b"var widget = 1;",
            "dist/widget.css": b".w { background: url('../img/w.png?v=2#x') }",
            "img/w.png": b"\x89PNG fake",
            "src/unused.js": b"never extracted",
        }
    )
    package = assets.NpmPackage(
        "@scope/widget",
        "1.0.0",
        assets.integrity_of(tarball),
        ("dist/widget.js", "dist/widget.css"),
    )
    calls: list[str] = []

    def download(url: str, timeout_s: float) -> bytes:
        calls.append(url)
        return tarball

    monkeypatch.setattr(assets, "_download", download)
    report = assets.fetch(tmp_path, packages=[package])
    assert calls == ["https://registry.npmjs.org/@scope/widget/-/widget-1.0.0.tgz"]
    folder = tmp_path / "scope-widget@1.0.0"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".shakti-assets.json", "dist/widget.css", "dist/widget.js", "img/w.png",
    ]  # fmt: skip
    assert report.downloaded == ["@scope/widget@1.0.0"] and report.files == 3
    assert assets.fetch(tmp_path, packages=[package]).up_to_date == ["@scope/widget@1.0.0"]
    assert len(calls) == 1  # idempotent


def test_assets_command_line_lists_the_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    assert assets.main(["list"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"package": "leaflet", "version": "1.9.3"}.items() <= rows[0].items()


# --------------------------------------------------------------------------- compact GeoJSON


def test_compact_encoding_round_trips() -> None:
    geoms = [
        shapely.Point(82.123456, 25.5),
        shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 0)]),
        None,
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
    ]
    encoded_ = compact_collection(geoms, [{"i": i} for i in range(4)])
    assert encoded_["t"] == [0, 1, 2] and [p["i"] for p in encoded_["p"]] == [0, 1, 3]
    assert encoded_["g"][0] == [8212346, 2550000]
    ring = np.cumsum(np.reshape(encoded_["g"][1][0], (-1, 2)), axis=0) / 1e5
    assert np.allclose(ring, [(0, 0), (1, 0), (1, 1), (0, 0)])
    assert "<" not in compact_json({"a": "</script>"})


# --------------------------------------------------------------------------- CCTV


def test_site_coverage_uses_working_cameras_only(world: World) -> None:
    covered = site_coverage(world.sites, world.cctv)
    assert covered.name == COVERED
    # college: a working camera 80 m away covers it; ghat: only a faulty one; far: none
    assert covered.tolist() == [True, False, False]
    summary = coverage_summary(world.sites, world.cctv)
    assert (summary.sites, summary.covered, summary.cameras, summary.working) == (3, 1, 4, 2)


def test_cctv_map(world: World, vendor: Path) -> None:
    page = map_html(cctv_map(world.sites, world.cctv, thanas=world.thanas, tiles=None))
    assert "2 of 3 sites have no working camera; 2 of 4 cameras work" in page
    for name in ("Sites by camera coverage (3)", "CCTV cameras (4)", "CCTV coverage (view radius)"):
        assert name in page
    assert REMOTE_TAG.search(page) is None


# --------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_a_map_of_100k_incidents_stays_under_5_mb(vendor: Path) -> None:
    from geo import demo

    data = demo.generate(seed=11, n_incidents=100_000)
    spots = find_hotspots(data.incidents, sites=data.sites, cctv=data.cctv, thanas=data.thanas)
    m = hotspot_map(
        data.incidents, thanas=data.thanas, hotspots=spots, sites=data.sites, cctv=data.cctv,
        campaigns=data.campaigns, tiles=None,
    )  # fmt: skip
    page = map_html(m)
    assert len(page.encode()) <= 5_000_000
    assert "L.markerClusterGroup" not in page


def test_underserved_and_drive_clusters_are_dashed_unfilled_outlines(world: World) -> None:
    from maps import style
    from maps.layers import add_drive_clusters, add_underserved
    from models.hotspots.drives import DRIVES, FIRST_DRIVE, LAST_DRIVE

    assert len(world.underserved) > 0
    clusters = gpd.GeoDataFrame(
        {DRIVES: [3], FIRST_DRIVE: ["2026-01-02"], LAST_DRIVE: ["2026-02-01"]},
        geometry=[world.hotspots.geometry.iloc[0]],
        crs=world.hotspots.crs,
    )
    m = folium.Map(tiles=None)
    under = add_underserved(m, world.underserved, share=False)
    drives = add_drive_clusters(m, clusters, share=False)
    assert (under.count, drives.count) == (len(world.underserved), 1)
    assert under.legend is not None and drives.legend is not None
    assert under.legend.title == "Underserved hotspots"
    assert under.legend.items == [
        (style.UNDERSERVED_COLOR, "no awareness drive nearby lately", "dashed")
    ]
    assert drives.legend.items == [(style.CAMPAIGN_COLOR, "where drives concentrate", "dashed")]
    assert under.layer.layer_name == (
        f"Underserved hotspots ({len(world.underserved)}, no recent drive)"
    )
    assert drives.layer.layer_name == "Clusters of awareness drives: 1"
    script = m.get_root().render()
    for color, weight, dash in (
        (style.UNDERSERVED_COLOR, 4, "6 4"),
        (style.CAMPAIGN_COLOR, 3, "2 6"),
    ):
        line = {"color": color, "weight": weight, "dashArray": dash, "fill": False}
        assert f"styles = [{json.dumps(line, separators=(',', ':'))}]" in script


def test_a_shared_map_draws_no_hotspot_of_fewer_than_three_incidents(world: World) -> None:
    """A tiny hotspot's (blurred) shape is centred on its incidents: shared, it is left out."""
    from maps.layers import add_hotspots, add_underserved
    from models.hotspots import INCIDENTS

    assert (world.hotspots[INCIDENTS] >= SUPPRESS_BELOW).all() and len(world.underserved) > 0
    spots = world.hotspots.copy()
    spots.loc[spots.index[0], INCIDENTS] = SUPPRESS_BELOW - 1
    under = world.underserved.copy()
    under.loc[under.index[0], INCIDENTS] = 1
    m = folium.Map(tiles=None)
    assert add_hotspots(m, spots, share=False).count == len(spots)
    assert add_hotspots(m, spots, share=True).count == len(spots) - 1
    assert add_underserved(m, under, share=False).count == len(under)
    assert add_underserved(m, under, share=True).count == len(under) - 1
    alone = spots.iloc[:1]
    assert add_hotspots(m, alone, share=True).layer is None
