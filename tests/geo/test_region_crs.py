from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.crs import WGS84, resolve_metric_crs, to_metric, to_wgs84, utm_crs_for
from geo.errors import RegionError, SettingsError
from geo.region import region_from_settings
from geo.settings import Settings
from tests.conftest import shared_file


def test_varanasi_defaults() -> None:
    region = region_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert region.metric_crs.to_epsg() == 32644
    assert str(region.timezone) == "Asia/Kolkata"
    assert region.contains([83.0104], [25.3176]).tolist() == [True]
    assert region.contains([80.95], [26.85]).tolist() == [False]  # Lucknow


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (83.0, 25.3, 32644),
        (80.95, 26.85, 32644),
        (80.33, 26.45, 32644),
        (85.82, 20.29, 32645),
        (-111.8, 33.4, 32612),
    ],
)
def test_utm_zone_is_picked_automatically(lon: float, lat: float, epsg: int) -> None:
    assert utm_crs_for(lon, lat).to_epsg() == epsg


def test_metric_crs_setting_is_checked() -> None:
    assert resolve_metric_crs("EPSG:32644", (0, 0)).to_epsg() == 32644
    with pytest.raises(SettingsError, match=r"not a projected CRS in metres.*Fix: use a UTM zone"):
        resolve_metric_crs("EPSG:4326", (83, 25))
    with pytest.raises(SettingsError, match="is not a known CRS"):
        resolve_metric_crs("EPSG:999999", (83, 25))


def test_bbox_errors_say_how_to_fix() -> None:
    with pytest.raises(RegionError, match=r"not W,S,E,N.*Fix: give it as lon_min,lat_min"):
        region_from_settings(Settings(region="83,25,82,26", _env_file=None))  # type: ignore[call-arg]
    with pytest.raises(RegionError, match="neither a W,S,E,N bounding box nor an existing file"):
        region_from_settings(Settings(region="/nope/region.geojson", _env_file=None))  # type: ignore[call-arg]


def test_region_from_polygon_file_in_another_crs(tmp_path: Path) -> None:
    square = gpd.GeoDataFrame(geometry=[shapely.box(82.9, 25.2, 83.1, 25.4)], crs=WGS84)
    path = tmp_path / "r.gpkg"
    square.to_crs(32644).to_file(path)
    region = region_from_settings(Settings(region=str(path), _env_file=None))  # type: ignore[call-arg]
    assert region.contains([83.0], [25.3]).tolist() == [True]
    assert region.label == "r.gpkg"


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHAKTI_CATEGORIES", "a, b,c")
    monkeypatch.setenv("SHAKTI_TIMEZONE", "Asia/Kolkata")
    assert Settings(_env_file=None).categories == ["a", "b", "c"]  # type: ignore[call-arg]
    monkeypatch.setenv("SHAKTI_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="unknown timezone"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_to_metric_round_trip_keeps_index_and_input() -> None:
    pts = gpd.GeoSeries(shapely.points([83.0, 83.01], [25.3, 25.3]), index=[7, 9], crs=WGS84)
    metric = to_metric(pts, "EPSG:32644")
    assert metric.index.tolist() == [7, 9]
    assert pts.crs.to_epsg() == 4326  # input untouched
    assert 990 < metric.iloc[0].distance(metric.iloc[1]) < 1010  # ~1 km at 25°N
    back = to_wgs84(metric)
    assert np.allclose(shapely.get_coordinates(back), shapely.get_coordinates(pts))
    with pytest.raises(SettingsError, match="has no CRS"):
        to_wgs84(gpd.GeoSeries(shapely.points([1], [2])))


@pytest.mark.shared_data
def test_lucknow_region_needs_no_code_change() -> None:
    boundary = shared_file("analogs_india", "lucknow_city_boundary_ccby4.geojson")
    region = region_from_settings(
        Settings(region=str(boundary), _env_file=None)  # type: ignore[call-arg]
    )
    assert region.metric_crs.to_epsg() == 32644
    assert region.contains([80.95], [26.85]).tolist() == [True]
    assert region.contains([83.0], [25.3]).tolist() == [False]


@settings(max_examples=40, deadline=None)
@given(
    lon=st.floats(-178.0, 178.0),
    lat=st.floats(-79.0, 83.0),
    spread=st.sampled_from([0.001, 0.05, 0.3, 2.0]),
    shift=st.integers(-1, 1),
)
def test_points_already_projected_get_the_zone_of_every_point(lon, lat, spread, shift) -> None:
    from geo.crs import _utm_of_projected, metric_coordinates, metric_crs_for, utm_crs_for

    rng = np.random.default_rng(0)
    lonlat = np.column_stack(
        [
            lon + rng.uniform(-spread, spread, 40),
            np.clip(lat + rng.uniform(-spread, spread, 40), -79.9, 83.9),
        ]
    )
    # in the zone of the centre or a neighbouring one, as a user's file might be
    zone_crs = utm_crs_for(float(np.clip(lon + 6 * shift, -179.9, 179.9)), lat)
    wgs = gpd.GeoSeries(shapely.points(lonlat), crs="EPSG:4326")
    projected = wgs.to_crs(zone_crs)
    coords = shapely.get_coordinates(projected.to_numpy())
    quick = _utm_of_projected(coords, projected.crs)
    want = metric_crs_for(projected)
    assert quick is None or quick.equals(want)
    xy, crs = metric_coordinates(projected)
    assert crs.equals(want)
    if crs.equals(projected.crs):  # already in its metric CRS: the coordinates as they are
        assert np.array_equal(xy, coords)


def test_a_projected_layer_in_its_own_zone_is_not_unprojected(monkeypatch) -> None:
    import geo.crs as crs_module

    wgs = gpd.GeoSeries(shapely.points([[82.95, 25.30], [83.05, 25.35]]), crs="EPSG:4326")
    utm = wgs.to_crs("EPSG:32644")

    def fail(*args, **kwargs):
        raise AssertionError("every point was unprojected")

    monkeypatch.setattr(crs_module, "_metric_crs_for_bounds", fail)
    xy, crs = crs_module.metric_coordinates(utm)
    assert crs.to_epsg() == 32644
    assert np.array_equal(xy, shapely.get_coordinates(utm.to_numpy()))


def test_to_metric_of_points_equals_geopandas_to_crs() -> None:
    from geopandas.testing import assert_geodataframe_equal, assert_geoseries_equal

    from geo.crs import projected_points

    rng = np.random.default_rng(2)
    n = 250_000  # above the size that projects in threads
    pts = shapely.points(rng.uniform(82.8, 83.2, n), rng.uniform(25.1, 25.5, n))
    index = pd.Index(rng.permutation(n) * 3, name="row")
    series = gpd.GeoSeries(pts, crs=WGS84, index=index, name="where")
    frame = gpd.GeoDataFrame({"k": np.arange(n)}, geometry=series, crs=WGS84)
    for crs in ("EPSG:32644", "EPSG:3857", WGS84):
        fast, slow = to_metric(series, crs), series.to_crs(crs)
        assert_geoseries_equal(fast, slow, check_less_precise=False)
        assert np.array_equal(
            shapely.get_coordinates(fast.array), shapely.get_coordinates(slow.array)
        )
        assert fast.name == slow.name and fast.index.equals(slow.index)
        fast_frame, slow_frame = to_metric(frame, crs), frame.to_crs(crs)
        assert_geodataframe_equal(fast_frame, slow_frame, check_less_precise=False)
    # anything but plain points goes the ordinary way
    mixed = gpd.GeoSeries([shapely.Point(83, 25.3), shapely.box(83, 25.3, 83.1, 25.4)], crs=WGS84)
    assert projected_points(mixed, "EPSG:32644") is None
    assert projected_points(gpd.GeoSeries([shapely.Point()], crs=WGS84), "EPSG:32644") is None
    assert to_metric(mixed, "EPSG:32644").geom_equals_exact(mixed.to_crs("EPSG:32644"), 0).all()


def test_cached_transformer_projects_exactly_as_a_fresh_one(monkeypatch) -> None:
    """The kept transformer and threads give the bits of a new Transformer, input untouched."""
    from pyproj import CRS, Transformer

    from geo import crs as gc

    source, target = CRS.from_user_input(WGS84), CRS.from_user_input("EPSG:32644")
    assert gc.transformer(source, target) is gc.transformer(source, target)
    rng = np.random.default_rng(5)
    coords = np.column_stack([rng.uniform(82.8, 83.2, 5000), rng.uniform(25.1, 25.5, 5000)])
    before = coords.copy()
    fresh = np.column_stack(
        Transformer.from_crs(source, target, always_xy=True).transform(coords[:, 0], coords[:, 1])
    )
    for threshold in (10**9, 100, 100):  # one thread, then the kept threads twice
        monkeypatch.setattr(gc, "_PARALLEL_PROJECT_MIN", threshold)
        assert np.array_equal(gc._project(coords, source, target), fresh)
    one = coords[:1].copy()
    gc._project(one, source, target)
    assert np.array_equal(coords, before) and np.array_equal(one, before[:1])


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_projects_with_threads_of_its_own(monkeypatch) -> None:
    """The kept threads and transformers are not inherited half-alive by a forked child."""
    import multiprocessing

    from geo import crs as gc

    monkeypatch.setattr(gc, "_PARALLEL_PROJECT_MIN", 10)
    coords = np.column_stack([np.linspace(82.9, 83.1, 100), np.linspace(25.2, 25.4, 100)])
    source, target = gc.CRS.from_user_input(WGS84), gc.CRS.from_user_input("EPSG:32644")
    want = gc._project(coords, source, target)  # the parent's pool and transformer now exist
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(gc._project, (coords, source, target)).get(timeout=30)
    assert np.array_equal(got, want)
