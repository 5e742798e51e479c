"""The planner's web page in a real headless Chromium against the service on loopback.

Debian's Chromium driven by Playwright, every non-local request aborted: the page logs in, the
map draws inside it with no console error, a layer toggles, a hotspot popup opens, and an
in-charge sees one thana only.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maps.browser import offline_browser, offline_page, unavailable_reason
from tests.api.conftest import OTHER_THANA, OWN_THANA, PASSWORDS, Env, make_env

REASON = unavailable_reason()
pytestmark = pytest.mark.skipif(
    REASON is not None, reason=f"no headless browser: {REASON} (run scripts/install_browser.sh)"
)

#: Column of the thana in the page's hotspot table (Rank, Incidents, Thana, ...).
THANA_COLUMN = 3


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service (uvicorn, one thread) on a free loopback port; yields its base URL."""
    import uvicorn

    environment: Env = make_env(demo_store_file, tmp_path_factory.mktemp("browser"))
    port = _free_port()
    config = uvicorn.Config(
        environment.client.app, host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    environment.client.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with offline_browser() as launched:
        yield launched


def log_in(page: Any, base: str, user: str) -> None:
    """Open the page, log in as ``user`` and wait until the map has drawn in its frame."""
    page.goto(base + "/", wait_until="load")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("#login-form button[type=submit]")
    page.locator("#app-view").wait_for(state="visible", timeout=30_000)
    page.locator("#hotspots tbody tr").first.wait_for(timeout=60_000)
    frame = page.frame_locator("#map")
    frame.locator(".folium-map.leaflet-container").wait_for(timeout=60_000)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)


def test_planner_page_draws_the_map_offline_and_layers_toggle(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "planner")
        assert page.locator("#thana option").count() > 2  # "All thanas" and every thana
        assert page.locator("#thana").is_enabled()
        assert page.locator("#admin").is_hidden()  # user administration is for admins
        about = page.locator("#hotspots-about").inner_text()  # the chosen parameters and why
        assert "the mean density" in about and "The top " in about
        frame = page.frame_locator("#map")
        paths = frame.locator("path.leaflet-interactive")
        before = paths.count()
        frame.locator(".leaflet-control-layers").hover()
        hotspots = frame.locator(".leaflet-control-layers-overlays label", has_text="Hotspots (")
        hotspots.locator("input[type=checkbox]").uncheck()
        assert paths.count() < before
        hotspots.locator("input[type=checkbox]").check()
        assert paths.count() == before
        assert log.console_errors == [] and log.page_errors == []
        assert log.blocked == []  # nothing even tried to leave the machine


def test_a_hotspot_popup_opens_in_the_page(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "planner")
        frame = page.frame_locator("#map")
        frame.locator(".leaflet-control-layers").hover()
        overlays = frame.locator(".leaflet-control-layers-overlays label")
        for index in range(overlays.count()):  # only the hotspot polygons stay clickable
            label = overlays.nth(index)
            box = label.locator("input[type=checkbox]")
            if box.is_checked() and not label.inner_text().strip().startswith("Hotspots ("):
                box.uncheck()
        frame.locator(".shakti-legend, .leaflet-control-layers").first.hover()
        frame.locator("path.leaflet-interactive").first.click(force=True)
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert "incidents" in popup.inner_text().lower()
        assert log.console_errors == [] and log.page_errors == []


def test_incharge_sees_only_their_thana(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "lanka")
        options = page.locator("#thana option")
        assert options.count() == 1
        assert options.first.inner_text() == OWN_THANA
        assert page.locator("#thana").is_disabled()
        rows = page.locator("#hotspots tbody tr")
        assert rows.count() > 0
        for index in range(rows.count()):
            cells = rows.nth(index).locator("td")
            assert OWN_THANA in cells.nth(THANA_COLUMN - 1).inner_text()
        map_html = page.frame_locator("#map").locator("html").inner_html()
        assert OWN_THANA in map_html
        assert OTHER_THANA not in map_html
        assert log.console_errors == [] and log.page_errors == []


def test_incharge_plans_a_week_and_opens_a_patrol_sheet(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "lanka")
        page.fill("#patrol-days", "7")
        page.click("#plan-patrols")
        page.locator("#patrol-teams").wait_for(state="visible", timeout=120_000)
        rows = page.locator("#patrol-teams tbody tr")
        assert rows.count() >= 1
        for index in range(rows.count()):
            assert rows.nth(index).locator("td").nth(1).inner_text() == OWN_THANA
        links = rows.first.locator("a[target=_blank]")
        assert links.count() == 7  # a sheet a day
        assert rows.first.locator("a[download]").count() == 14  # a GPX and a KML a day
        page.click("#patrol-issue")
        page.locator("#patrol-issue").wait_for(state="hidden", timeout=10_000)
        assert "issued" in page.locator("#patrol-status").inner_text()
        with page.context.expect_page() as opened:
            links.nth(1).click()
        sheet = opened.value
        sheet.wait_for_load_state("load")
        text = sheet.locator("body").inner_text()
        assert "Patrol sheet" in text and OWN_THANA in text
        assert "moral police" in text
        assert log.console_errors == [] and log.page_errors == []


def test_incharge_shows_the_review_and_opens_its_sheet(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "lanka")
        page.click("#show-review")  # no dates yet: the page says so
        assert "From, To" in page.locator("#review-error").inner_text()
        page.fill("input[name=from]", "2026-10-01")
        page.fill("input[name=to]", "2026-10-31")
        page.select_option("#review-lang", "en")
        page.click("#show-review")
        page.locator("#review-league").wait_for(state="visible", timeout=120_000)
        rows = page.locator("#review-league tbody tr")
        assert rows.count() == 1 and rows.first.locator("td").nth(1).inner_text() == OWN_THANA
        assert "complaints received" in page.locator("#review-summary").inner_text()
        with page.context.expect_page() as opened:
            page.click("#review-sheet")
        sheet = opened.value
        sheet.wait_for_load_state("load")
        text = sheet.locator("body").inner_text()
        assert "Mission Shakti monthly review" in text and OTHER_THANA not in text
        assert log.console_errors == [] and log.page_errors == []


def test_admin_manages_users_in_the_page(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "admin")
        admin = page.locator("#admin")
        assert admin.is_visible()
        own = page.locator("#users tr[data-name=admin] button")
        assert own.count() == 3 and all(own.nth(i).is_disabled() for i in range(3))
        page.fill("#add-user input[name=name]", "page-user")
        page.select_option("#add-user select[name=role]", "incharge")
        page.select_option("#add-user select[name=thana]", OWN_THANA)
        page.click("#add-user button[type=submit]")
        row = page.locator("#users tr[data-name=page-user]")
        row.wait_for(timeout=10_000)
        secret = page.locator("#admin-secret code")
        first = secret.inner_text()
        assert len(first) >= 10 and "page-user" in page.locator("#admin-secret").inner_text()
        assert OWN_THANA in row.inner_text() and "active" in row.inner_text()
        row.locator("button[data-action=disable]").click()
        page.locator("#users tr.disabled[data-name=page-user]").wait_for(timeout=10_000)
        assert page.locator("#admin-secret").is_hidden()  # a password is shown once
        row.locator("button[data-action=password]").click()
        page.locator("#admin-secret code").wait_for(timeout=10_000)
        assert page.locator("#admin-secret code").inner_text() not in ("", first)
        page.once("dialog", lambda dialog: dialog.accept())
        row.locator("button[data-action=remove]").click()
        row.wait_for(state="detached", timeout=10_000)
        page.click("#logout")
        page.locator("#login-view").wait_for(state="visible", timeout=10_000)
        assert page.locator("#users tbody tr").count() == 0
        assert log.console_errors == [] and log.page_errors == []
