"""The phone page in a headless browser: a team's stops, one tap each, recorded and checked."""

from __future__ import annotations

import re
from typing import Any

from maps.browser import offline_page
from tests.api.conftest import OWN_THANA
from tests.api.service.test_api_browser import browser, log_in, pytestmark, served

__all__ = ["browser", "pytestmark", "served"]  # the browser module's fixtures, reused

FETCH = (
    "(path) => fetch(path, {headers: {Authorization: 'Bearer ' + "
    "sessionStorage.getItem('shakti.token')}}).then((r) => r.json())"
)


def test_a_team_records_its_stops_on_the_phone_page(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "lanka")
        page.fill("#patrol-days", "1")
        page.click("#plan-patrols")
        page.locator("#patrol-teams").wait_for(state="visible", timeout=120_000)
        found = re.search(r"Plan (\S+):", page.locator("#patrol-summary").inner_text())
        assert found, page.locator("#patrol-summary").inner_text()
        plan_id = found.group(1)
        page.click("#patrol-issue")  # only an issued plan takes visits
        page.locator("#patrol-status", has_text="issued").wait_for(timeout=30_000)
        plan = page.evaluate(FETCH, f"/patrol/plans/{plan_id}")
        route = next(r for r in plan["routes"] if len(r["stops"]) >= 2)
        page.click("#patrol-effect")
        page.locator("#effect-text", has_text="too few data to tell").wait_for(timeout=60_000)

        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.goto(f"{served}/visits?plan={plan_id}&team={route['team']}&day={route['date']}")
        stops = page.locator("#stops li")
        stops.first.wait_for(timeout=30_000)
        assert stops.count() == len(route["stops"])
        first = stops.nth(0)
        first.locator("select").select_option("crowd-at-gate")
        first.locator("button", has_text="Arrived").click()
        stops.nth(0).locator("button", has_text="Left").click()
        page.locator("#status", has_text="stop 1 recorded").wait_for(timeout=30_000)
        stops.nth(1).locator("button", has_text="Missed").click()
        page.locator("#status", has_text="stop 2 recorded: missed").wait_for(timeout=30_000)
        page.click(".lang-switch button[data-lang=hi]")
        page.locator("h1", has_text="गश्त भ्रमण").wait_for(timeout=10_000)
        visits = page.evaluate(FETCH, f"/patrol/plans/{plan_id}/visits")["visits"]
        assert [v["stop"] for v in visits] == [1, 2]
        assert visits[0]["status"] == "cut-short"  # left at once: shorter than the planned dwell
        assert visits[0]["seen_category"] == "crowd-at-gate"
        assert visits[1]["status"] == "missed" and visits[1]["arrived"] is None
        assert {v["thana"] for v in visits} == {OWN_THANA}
        # back on the main page: the minutes of presence of the thana, beside the effect
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(f"{served}/")
        page.click(".lang-switch button[data-lang=en]")
        page.click("#patrol-dosage")
        page.locator("#dosage-text", has_text="1 missed").wait_for(timeout=30_000)
        assert page.locator("#dosage-table tbody tr").count() >= 1
        assert log.console_errors == [] and log.page_errors == []
