"""Languages of printed sheets and reports: Hindi, English or both, and their headings."""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, get_args

from geo.errors import ParameterError
from geo.i18n import Lang, current_lang, translate

#: ``hi``: Hindi only; ``en``: English only; ``both``: every heading in English and Hindi.
SheetLang: TypeAlias = Literal["hi", "en", "both"]
SHEET_LANGS: Final = get_args(SheetLang)
#: The order of the languages of a ``both`` sheet (as the bilingual sheets always printed).
BOTH: Final[tuple[Lang, ...]] = ("en", "hi")
#: The font stack of sheets and reports (the Devanagari font is embedded in the page).
FONT_STACK: Final = "'Noto Sans Devanagari', 'Noto Sans', Arial, sans-serif"


def sheet_langs(sheet_lang: str | None = None) -> tuple[Lang, ...]:
    """Return the languages a sheet shows, in order.

    Parameters
    ----------
    sheet_lang : {"hi", "en", "both"}, optional
        Default: the setting ``SHAKTI_SHEET_LANG``; unset, Hindi only when texts are made in
        Hindi (:func:`geo.i18n.current_lang`), else both.

    Returns
    -------
    tuple of str

    Raises
    ------
    geo.errors.ParameterError
        For another value.

    Examples
    --------
    >>> sheet_langs("both"), sheet_langs("hi")
    (('en', 'hi'), ('hi',))
    """
    if sheet_lang is None:
        from geo.settings import get_settings

        sheet_lang = get_settings().sheet_lang
        if sheet_lang is None:
            sheet_lang = "hi" if current_lang() == "hi" else "both"
    if sheet_lang not in SHEET_LANGS:
        raise ParameterError(
            f"unknown sheet language {sheet_lang!r}",
            why="printed sheets are in Hindi, in English, or in both",
            fix="use one of " + ", ".join(SHEET_LANGS) + " (SHAKTI_SHEET_LANG)",
        )
    return BOTH if sheet_lang == "both" else (sheet_lang,)  # type: ignore[return-value]


def body_lang(langs: tuple[Lang, ...]) -> Lang:
    """Return the language of a sheet's values and sentences: its one language, else the current."""
    return langs[0] if len(langs) == 1 else current_lang()


def heading(
    msgid: str, langs: tuple[Lang, ...], *, context: str | None = None, sep: str = " / "
) -> str:
    """Return a heading (marked with ``N_``) in each language, joined by ``sep``.

    Examples
    --------
    >>> heading("Thana", ("en", "hi"), context="patrol sheet")
    'Thana / थाना'
    """
    return sep.join(dict.fromkeys(translate(msgid, lang, context=context) for lang in langs))


def page_lang(langs: tuple[Lang, ...]) -> str:
    """Return the ``lang`` attribute of a sheet's ``<html>`` element."""
    return "hi" if langs == ("hi",) else "en"
