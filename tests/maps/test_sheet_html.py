"""The printable-page builder every sheet and report uses: escaping, ``lang``, nothing remote."""

from __future__ import annotations

import re
from html import unescape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.i18n import NP_, Lang
from maps.sheet_html import SheetTexts, document, meta_line
from maps.sheet_lang import BOTH

SHEET = SheetTexts("cctv report", {"title": NP_("cctv report", "CCTV coverage report")})
FIELDS = [(NP_("cctv report", "Thana"), "<b>Lanka</b>"), (NP_("cctv report", "Period"), "")]
#: Anything that would make a browser fetch: a scheme-relative or absolute URL, an import.
REMOTE = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|<script|<link", re.IGNORECASE)


def page(langs: tuple[Lang, ...], where: str = "<b>Lanka</b>") -> str:
    block = SHEET.title_block("title", langs, FIELDS, synthetic=True)
    return document(SHEET.page_title("title", langs, where), "body { font: FONTS; }", langs, block)


@pytest.mark.parametrize(("langs", "lang"), [(("hi",), "hi"), (("en",), "en"), (BOTH, "en")])
def test_the_html_lang_is_the_sheets_language(langs: tuple[Lang, ...], lang: str) -> None:
    html = page(langs)
    assert html.startswith(f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">')
    assert html.endswith("</p>\n</body></html>") and html.count("<body>") == 1


def test_user_values_are_escaped_in_title_and_facts() -> None:
    html = page(BOTH)
    assert "<title>CCTV coverage report: &lt;b&gt;Lanka&lt;/b&gt;</title>" in html
    assert "<p class='meta'><b>Thana / थाना:</b> &lt;b&gt;Lanka&lt;/b&gt;</p>" in html
    assert "<b>Lanka</b>" not in html and "Period" not in html  # the empty period is left out


def test_the_title_block_is_title_facts_then_the_warning() -> None:
    block = SHEET.title_block("title", ("hi",), FIELDS, synthetic=True)
    assert block[0] == '<h1 lang="hi">सीसीटीवी कवरेज रिपोर्ट</h1>'
    assert block[1].startswith("<p class='meta'>") and block[2].startswith("<p class='warn'>")
    assert len(SHEET.title_block("title", ("hi",), FIELDS, synthetic=False)) == 2


def test_the_page_title_is_in_the_first_language_only() -> None:
    assert SHEET.page_title("title", BOTH) == "CCTV coverage report"
    assert SHEET.page_title("title", ("hi",), "लंका") == "सीसीटीवी कवरेज रिपोर्ट: लंका"


def test_the_page_fetches_nothing() -> None:
    html = page(BOTH)
    assert not REMOTE.search(html)
    # the font, if fetched, is embedded: every url() of the style is a data: URI
    assert "url(" not in re.sub(r"url\(\s*[\"']?data:", "", html)


@given(st.text(max_size=40), st.text(max_size=40))
def test_no_value_becomes_markup(label: str, value: str) -> None:
    body = document(value, "", ("en",), [meta_line([(label, value)])]).split("<body>", 1)[1]
    text = re.sub(r"</?(p|b|body|html)\b[^>]*>", "", body)
    assert "<" not in text and ">" not in text
    if value:
        assert unescape(text).strip() == f"{label}: {value}".strip()
