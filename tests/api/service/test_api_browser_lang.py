"""The web page's हिन्दी / English switch in headless Chromium, with the network off."""

from __future__ import annotations

from typing import Any

import pytest

from geo.i18n import devanagari_share
from maps.browser import offline_page, unavailable_reason
from tests.api.conftest import OTHER_THANA, OWN_THANA, PASSWORDS
from tests.api.service.test_api_browser import browser, log_in, served

REASON = unavailable_reason()
pytestmark = pytest.mark.skipif(
    REASON is not None, reason=f"no headless browser: {REASON} (run scripts/install_browser.sh)"
)
__all__ = ["browser", "served"]  # the fixtures of the page's other browser tests

#: The page's own texts (labels, buttons, legends, table headers, status), not the data.
LABELS = "header button, h1, h2, legend, label, th, caption, #patrol > p, footer, #login-form"
#: What is not the page's text: names, numbers and the Latin the Hindi keeps on purpose.
NOT_TEXT = ["Shakti", "Gi*", "eps", "planner", OWN_THANA, OTHER_THANA, "English"]


def _labels(page: Any) -> str:
    """Return the visible labels of the page, the thana names (data) left out."""
    text = "\n".join(el.inner_text() for el in page.locator(LABELS).all() if el.is_visible())
    for name in page.locator("#thana option").all_inner_texts()[1:]:
        text = text.replace(name, " ")
    return text


def _switch(page: Any, lang: str) -> None:
    page.click(f".lang-switch button[data-lang={lang}]")
    page.locator(f"html[lang={lang}]").wait_for(state="attached", timeout=10_000)
    page.locator(f".lang-switch button[data-lang={lang}][aria-pressed=true]").wait_for(
        timeout=10_000
    )
    page.locator("#hotspots tbody tr").first.wait_for(timeout=60_000)


def test_the_page_switches_to_hindi_and_back_offline(served: str, browser: Any) -> None:
    with offline_page(width=1400, height=1000, browser=browser) as (page, log):
        log_in(page, served, "planner")
        assert page.locator("html").get_attribute("lang") == "en"
        assert devanagari_share(_labels(page), ignore=NOT_TEXT) < 0.05
        _switch(page, "hi")
        hindi = _labels(page)
        assert devanagari_share(hindi, ignore=NOT_TEXT) > 0.9, hindi
        assert "लॉग आउट" in page.locator("#logout").inner_text()
        assert page.locator("#thana option").first.inner_text() == "सभी थाने"
        assert "हॉटस्पॉट" in page.locator("#hotspots-caption").inner_text()
        assert page.locator(".lang-switch button[data-lang=en]").get_attribute("aria-pressed") == (
            "false"
        )
        assert page.evaluate("localStorage.getItem('shakti.lang')") == "hi"
        saved = page.evaluate(
            """async () => (await (await fetch('/auth/me', {headers: {Authorization:
               'Bearer ' + sessionStorage.getItem('shakti.token')}})).json()).lang"""
        )
        assert saved == "hi"  # the user's preference, for their other devices
        assert "lang=hi" in (page.locator("#map").get_attribute("src") or "")
        page.reload(wait_until="load")  # remembered: the page opens in Hindi
        page.locator("#app-view").wait_for(state="visible", timeout=30_000)
        page.locator("html[lang=hi]").wait_for(state="attached", timeout=10_000)
        assert devanagari_share(_labels(page), ignore=NOT_TEXT) > 0.9
        _switch(page, "en")
        english = _labels(page)
        assert devanagari_share(english, ignore=NOT_TEXT) < 0.05, english
        assert page.locator("#logout").inner_text() == "Log out"
        page.click("#logout")
        page.locator("#login-view").wait_for(state="visible", timeout=10_000)
        assert log.console_errors == [] and log.page_errors == []
        assert log.blocked == []


def test_the_login_form_follows_the_switch_before_logging_in(served: str, browser: Any) -> None:
    with offline_page(width=1000, height=800, browser=browser) as (page, log):
        page.goto(served + "/", wait_until="load")
        page.locator("#login-form").wait_for(state="visible", timeout=10_000)
        page.click(".lang-switch button[data-lang=hi]")
        page.locator("html[lang=hi]").wait_for(state="attached", timeout=10_000)
        form = page.locator("#login-form").inner_text()
        assert "उपयोगकर्ता नाम" in form and "पासवर्ड" in form
        page.fill("input[name=username]", "planner")
        page.fill("input[name=password]", PASSWORDS["planner"] + "-wrong")
        page.click("#login-form button[type=submit]")
        error = page.locator("#login-error")
        error.wait_for(state="visible", timeout=10_000)
        assert devanagari_share(error.inner_text()) > 0.9
        page.evaluate("localStorage.removeItem('shakti.lang')")
        assert log.page_errors == []
