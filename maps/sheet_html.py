"""The HTML pieces every printed sheet and report shares: escaped values, section headings."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from geo.i18n import Lang, translate


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
