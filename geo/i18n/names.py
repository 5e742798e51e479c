"""Thana and site names as people read them: the Hindi name (``name_hi``) in Hindi output."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.i18n.context import current_lang
from geo.i18n.langs import Lang, parse_lang
from geo.schema import NAME, NAME_HI


def _text(value: object) -> str | None:
    """Return a non-empty stripped string, or ``None`` for a missing or blank value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _lang(lang: Lang | str | None) -> Lang:
    """Return the language asked for, or the current one."""
    return current_lang() if lang is None else parse_lang(lang)


def place_name(name: object, name_hi: object = None, *, lang: Lang | str | None = None) -> str:
    """Return a place's name in the output language: its Hindi name in Hindi, when it has one.

    English output, and a place without a Hindi name, show ``name`` (the store's key, as
    imported). ``lang`` is only for output in both languages at once (a bilingual sheet);
    everything else uses the current language (:func:`geo.i18n.use_lang`).

    Parameters
    ----------
    name : str
        The place's name (``name`` of a site or thana).
    name_hi : str, optional
        Its Hindi name (``name_hi``); missing, ``NaN`` or blank means none.
    lang : {"hi", "en"}, optional
        The language; default :func:`geo.i18n.current_lang`.

    Returns
    -------
    str
        ``""`` only when ``name`` is missing too.

    Examples
    --------
    >>> place_name("Lanka", "लंका", lang="hi")
    'लंका'
    >>> place_name("Lanka", None, lang="hi")
    'Lanka'
    >>> place_name("Lanka", "लंका", lang="en")
    'Lanka'
    """
    english = _text(name) or ""
    if _lang(lang) == "hi":
        return _text(name_hi) or english
    return english


def place_names(layer: pd.DataFrame, *, lang: Lang | str | None = None) -> pd.Series:
    """Return the display name of every row of a sites or thanas layer (see :func:`place_name`).

    Parameters
    ----------
    layer : pandas.DataFrame
        Rows with a ``name`` column and, optionally, ``name_hi``.
    lang : {"hi", "en"}, optional
        The language; default :func:`geo.i18n.current_lang`.

    Returns
    -------
    pandas.Series
        Strings, index-aligned to ``layer``.
    """
    names = layer[NAME] if NAME in layer.columns else pd.Series(pd.NA, index=layer.index)
    hindi = layer[NAME_HI] if NAME_HI in layer.columns else pd.Series(pd.NA, index=layer.index)
    chosen = _lang(lang)
    return pd.Series(
        [place_name(n, h, lang=chosen) for n, h in zip(names, hindi, strict=True)],
        index=layer.index,
        dtype=object,
    )


def hindi_names(layer: pd.DataFrame) -> dict[str, str]:
    """Return ``name`` → ``name_hi`` of the rows of a layer that have a Hindi name.

    The thana of an incident, hotspot or stop is stored as the thana's ``name`` (its key);
    this table, built once from the thanas layer, lets :func:`thana_display` show it.

    Parameters
    ----------
    layer : pandas.DataFrame
        A thanas (or sites) layer; without a ``name_hi`` column the table is empty.

    Returns
    -------
    dict of str to str
    """
    if NAME not in layer.columns or NAME_HI not in layer.columns:
        return {}
    table: dict[str, str] = {}
    for name, name_hi in zip(layer[NAME], layer[NAME_HI], strict=True):
        english, hindi = _text(name), _text(name_hi)
        if english is not None and hindi is not None:
            table.setdefault(english, hindi)
    return table


def thana_display(
    thana: object, names_hi: Mapping[str, str] | None = None, *, lang: Lang | str | None = None
) -> str:
    """Return a thana key (the thana's ``name``) as shown in the output language.

    Parameters
    ----------
    thana : str
        The thana's name as stored (``thana`` column of a layer, ``name`` of the thanas).
    names_hi : mapping, optional
        ``name`` → ``name_hi`` (:func:`hindi_names` of the thanas layer); without it, or for
        a thana it does not know, the name is shown as stored.
    lang : {"hi", "en"}, optional
        The language; default :func:`geo.i18n.current_lang`.

    Returns
    -------
    str

    Examples
    --------
    >>> thana_display("Sigra", {"Sigra": "सिगरा"}, lang="hi")
    'सिगरा'
    >>> thana_display("Sigra", {}, lang="hi")
    'Sigra'
    """
    key = _text(thana)
    hindi = None if key is None or names_hi is None else names_hi.get(key)
    return place_name(key, hindi, lang=lang)
