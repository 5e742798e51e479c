"""The HTML pieces every printed sheet and report shares: document head, values, headings."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.i18n import Lang, _, translate
from maps.render import devanagari_font_css
from maps.sheet_lang import FONT_STACK, heading, page_lang

_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def html_value(value: Any) -> str:
    """Return a value as escaped HTML text; a missing one (``None``, NaN, NA) as nothing.

    Examples
    --------
    >>> html_value("<b>Lanka</b>"), html_value(None), html_value(float("nan")), html_value(3)
    ('&lt;b&gt;Lanka&lt;/b&gt;', '', '', '3')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def document_head(
    title: str, css: str, langs: tuple[Lang, ...], *, viewport: bool = False
) -> list[str]:
    """Return the lines of a standalone sheet up to ``<body>``: title, embedded font and style.

    Parameters
    ----------
    title : str
        The page title (escaped here).
    css : str
        The sheet's style; ``FONTS`` in it becomes the sheets' font stack.
    langs : tuple of str
        The sheet's languages (:func:`maps.sheet_lang.sheet_langs`); they set ``<html lang>``.
    viewport : bool
        Add the viewport tag of a page read on a phone.

    Returns
    -------
    list of str
        Lines to join with the body's; the document ends with ``</body></html>``.
    """
    return [
        "<!DOCTYPE html>",
        f'<html lang="{page_lang(langs)}"><head><meta charset="utf-8">',
        *([_VIEWPORT] if viewport else []),
        f"<title>{html_value(title)}</title>",
        f"<style>{devanagari_font_css()}{css.replace('FONTS', FONT_STACK)}</style></head><body>",
    ]


def synthetic_warning() -> str:
    """Return the warning paragraph of a report made from the SYNTHETIC demo data."""
    warning = _("SYNTHETIC demo data — not real incidents or cameras.")
    return f"<p class='warn'>{html_value(warning)}</p>"


def section_heading(msgid: str, langs: tuple[Lang, ...], *, context: str, level: int = 2) -> str:
    """Return a heading element: English with the Hindi below it (``both``), else one language.

    Parameters
    ----------
    msgid : str
        The heading, marked for translation with ``NP_(context, ...)``.
    langs : tuple of str
        The sheet's languages (:func:`maps.sheet_lang.sheet_langs`): one, or English and Hindi.
    context : str
        The sheet's context in the catalogue.
    level : int
        ``1`` for the title, ``2`` for a section.

    Examples
    --------
    >>> section_heading("Thana", ("en",), context="cctv report")
    '<h2 lang="en">Thana</h2>'
    >>> section_heading("Thana", ("en", "hi"), context="cctv report", level=1)
    '<h1 lang="en">Thana<span class="hi" lang="hi">थाना</span></h1>'
    """
    texts = [html_value(translate(msgid, lang, context=context)) for lang in langs]
    if len(langs) == 1:
        return f'<h{level} lang="{langs[0]}">{texts[0]}</h{level}>'
    return f'<h{level} lang="en">{texts[0]}<span class="hi" lang="hi">{texts[1]}</span></h{level}>'


@dataclass(frozen=True)
class SheetTexts:
    """A sheet's texts: its context in the catalogue and its section headings by key.

    Attributes
    ----------
    context : str
        The context every heading and label of the sheet is marked with (``NP_(context, ...)``).
    sections : mapping of str to str
        Section key → heading (the msgid).

    Examples
    --------
    >>> texts = SheetTexts("cctv report", {"thana": "Thana"})
    >>> texts.section("thana", ("en",)), texts.label("Thana", ("en", "hi"))
    ('<h2 lang="en">Thana</h2>', 'Thana / थाना')
    """

    context: str
    sections: Mapping[str, str]

    def section(self, key: str, langs: tuple[Lang, ...], level: int = 2) -> str:
        """Return the heading element of section ``key`` in the sheet's languages."""
        return section_heading(self.sections[key], langs, context=self.context, level=level)

    def label(self, msgid: str, langs: tuple[Lang, ...]) -> str:
        """Return a label or column header (marked with the sheet's context) in each language."""
        return heading(msgid, langs, context=self.context)
