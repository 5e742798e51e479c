"""Maps in a real headless Chromium (Debian's, via Playwright) with every non-local request
aborted: the page loads cleanly, Leaflet draws, layers toggle, popups open, PNG export works."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely

from maps import assets
from maps.browser import (
    offline_browser,
    offline_page,
    save_png,
    serve_page,
    unavailable_reason,
    wait_until_drawn,
)
from maps.render import map_html
from models.hotspots import RISK_RANK, WHY
from tests.maps.test_maps import World, build_map, build_world

REASON = unavailable_reason()
pytestmark = pytest.mark.skipif(
    REASON is not None, reason=f"no headless browser: {REASON} (run scripts/install_browser.sh)"
)

#: folium's element ids are renumbered (maps.render.stable_ids): the map is always this one.
MAP = "map_" + "0" * 31 + "1"


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture(scope="module")
def vendor() -> Path:
    assets.fetch()
    return assets.asset_dir()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with offline_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def browser_page(world: World, vendor: Path, browser: Any) -> Iterator[tuple[Any, Any, str]]:
    """The inline (offline) map served from 127.0.0.1, in one page for several tests."""
    html = map_html(build_map(world))
    with (
        serve_page(html) as url,
        offline_page(width=1200, height=800, browser=browser) as (page, log),
    ):
        page.goto(url, wait_until="load")
        wait_until_drawn(page)
        yield page, log, url


def layer_labels(page: Any, starts_with: str) -> Any:
    """The layer-control entries whose name starts with ``starts_with`` (control opened)."""
    page.hover(".leaflet-control-layers")
    pattern = re.compile(r"^\s*" + re.escape(starts_with))
    return page.locator(".leaflet-control-layers-overlays label", has_text=pattern)


def layer_checkbox(page: Any, starts_with: str) -> Any:
    return layer_labels(page, starts_with).locator("input[type=checkbox]")


def test_page_loads_offline_without_errors(browser_page: tuple[Any, Any, str]) -> None:
    page, log, _ = browser_page
    assert log.console_errors == [] and log.page_errors == []
    assert log.blocked == []  # nothing even tried to reach the internet
    assert page.locator(".folium-map.leaflet-container").count() == 1
    assert page.locator(".leaflet-control-minimap").count() == 1
    assert page.locator("path.leaflet-interactive").count() > 5  # thanas, hotspots, sites...
    assert page.locator(".shakti-legend").is_visible()
    assert page.locator(".marker-cluster, .shakti-dot").count() > 0


def test_layers_toggle_in_the_layer_control(browser_page: tuple[Any, Any, str]) -> None:
    page, log, _ = browser_page
    paths = page.locator("path.leaflet-interactive")
    before = paths.count()
    gi = layer_checkbox(page, "Gi* hot and cold spots")
    assert not gi.is_checked()
    gi.check()
    assert paths.count() > before
    gi.uncheck()
    assert paths.count() == before
    hotspots = layer_checkbox(page, "Hotspots (")
    hotspots.uncheck()
    assert paths.count() < before
    hotspots.check()
    assert paths.count() == before
    weekly = layer_checkbox(page, "Weekly incidents per thana")
    weekly.check()
    slider = page.locator(".shakti-slider input[type=range]")
    assert slider.is_visible()
    first = page.locator(".shakti-week").inner_text()
    slider.fill("0")
    assert page.locator(".shakti-week").inner_text() != first
    weekly.uncheck()
    assert page.locator(".shakti-slider").count() == 0
    assert log.console_errors == [] and log.page_errors == []


def test_a_hotspot_popup_opens_on_click(world: World, vendor: Path, browser: Any) -> None:
    # no incident markers (max_points=0) above the polygons; the sites are switched off below
    html = map_html(build_map(world, max_points=0))
    top = world.hotspots.sort_values(RISK_RANK).iloc[0]
    lon, lat = shapely.get_coordinates(top.geometry.representative_point())[0]
    with (
        serve_page(html) as url,
        offline_page(width=1200, height=800, browser=browser) as (page, log),
    ):
        page.goto(url, wait_until="load")
        wait_until_drawn(page)
        layer_checkbox(page, "Sensitive sites").uncheck()
        page.mouse.move(600, 790)  # leave the layer control: it collapses
        page.evaluate(f"{MAP}.setView([{lat}, {lon}], 16, {{animate: false}})")
        x, y = page.evaluate(
            f"(() => {{ const p = {MAP}.latLngToContainerPoint([{lat}, {lon}]);"
            f" const r = {MAP}.getContainer().getBoundingClientRect();"
            " return [r.left + p.x, r.top + p.y]; })()"
        )
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5000)
        text = popup.inner_text()
        assert f"Hotspot #{top[RISK_RANK]}" in text
        assert str(top[WHY])[:60] in text
        assert log.clean, (log.console_errors, log.page_errors, log.blocked)


def test_search_finds_a_thana(browser_page: tuple[Any, Any, str]) -> None:
    page, log, url = browser_page
    page.goto(url, wait_until="load")
    wait_until_drawn(page)
    control = page.locator(".leaflet-control-search").first
    control.locator(".search-button").click()
    control.locator("input.search-input").press_sequentially("Bet", delay=50)
    tip = control.locator(".search-tip", has_text="Beta")
    tip.wait_for(state="visible", timeout=5000)
    assert log.console_errors == [] and log.page_errors == []


def test_served_page_loads_from_the_asset_folder(world: World, vendor: Path, browser: Any) -> None:
    html = map_html(build_map(world, share=True), assets="served", asset_prefix="/assets")
    with (
        serve_page(html, asset_root=vendor, asset_prefix="/assets") as url,
        offline_page(browser=browser) as (page, log),
    ):
        page.goto(url, wait_until="load")
        wait_until_drawn(page)
        assert page.evaluate("typeof L.Control.MiniMap") == "function"
        assert page.locator("path.leaflet-interactive").count() > 0
        assert log.clean, (log.console_errors, log.page_errors, log.blocked)


def test_png_export(world: World, vendor: Path, tmp_path: Path, browser: Any) -> None:
    html_path = tmp_path / "map.html"
    html_path.write_text(map_html(build_map(world, share=True)), encoding="utf-8")
    out = save_png(html_path, tmp_path / "map.png", width=640, height=400, browser=browser)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (640, 400)
    assert len(data) > 10_000  # not a blank page
