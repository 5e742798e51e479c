"""The HTML pieces every printed sheet and report shares: the document, values, headings."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from geo.i18n import Lang, _, translate
from maps.render import devanagari_font_css
from maps.sheet_lang import FONT_STACK, heading, page_lang

_VIEWPORT: Final = '<meta name="viewport" content="width=device-width, initial-scale=1">'
#: The closing tags of every sheet.
_END: Final = "</body></html>"


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


def document(
    title: str,
    css: str,
    langs: tuple[Lang, ...],
    body: Iterable[str],
    *,
    viewport: bool = False,
) -> str:
    """Return a whole standalone sheet: :func:`document_head`, the body lines, the closing tags.

    Parameters
    ----------
    title : str
        The page title (escaped here).
    css : str
        The sheet's style (as for :func:`document_head`).
    langs : tuple of str
        The sheet's languages; they set ``<html lang>``.
    body : iterable of str
        The body's lines, already HTML (every value in them escaped by the sheet).
    viewport : bool
        Add the viewport tag of a page read on a phone.

    Returns
    -------
    str
        The lines joined by newlines; no script and no remote resource (the font is embedded).

    Examples
    --------
    >>> lines = document("<Lanka>", "", ("hi",), ["<p>x</p>"]).splitlines()
    >>> lines[1], lines[2]
    ('<html lang="hi"><head><meta charset="utf-8">', '<title>&lt;Lanka&gt;</title>')
    >>> lines[-2:]
    ['<p>x</p>', '</body></html>']
    """
    return "\n".join([*document_head(title, css, langs, viewport=viewport), *body, _END])


def meta_line(fields: Sequence[tuple[str, str]]) -> str:
    """Return the line of facts under a sheet's title: bold labels with their values.

    A field whose value is empty is left out.

    Examples
    --------
    >>> meta_line([("Thana", "<Lanka>"), ("Period", ""), ("Team", "A")])
    "<p class='meta'><b>Thana:</b> &lt;Lanka&gt; &nbsp; <b>Team:</b> A</p>"
    """
    shown = [f"<b>{html_value(label)}:</b> {html_value(value)}" for label, value in fields if value]
    return "<p class='meta'>" + " &nbsp; ".join(shown) + "</p>"


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

    def page_title(self, key: str, langs: tuple[Lang, ...], where: str | None = None) -> str:
        """Return the page title: heading ``key`` in the sheet's first language, then ``where``."""
        title = self.label(self.sections[key], langs[:1])
        return title if where is None else f"{title}: {where}"

    def title_block(
        self,
        key: str,
        langs: tuple[Lang, ...],
        fields: Sequence[tuple[str, str]],
        *,
        synthetic: bool,
    ) -> list[str]:
        """Return the title (heading ``key``), the line of facts and the SYNTHETIC-data warning.

        Parameters
        ----------
        key : str
            The section key of the title.
        langs : tuple of str
            The sheet's languages.
        fields : sequence of (str, str)
            The facts under the title (thana, period…): label (a msgid marked with the
            sheet's context) and value; an empty value is left out (:func:`meta_line`).
        synthetic : bool
            Add the warning of a sheet made from the SYNTHETIC demo data.

        Returns
        -------
        list of str
            HTML lines.
        """
        lines = [
            self.section(key, langs, level=1),
            meta_line([(self.label(msgid, langs), value) for msgid, value in fields]),
        ]
        return [*lines, synthetic_warning()] if synthetic else lines
