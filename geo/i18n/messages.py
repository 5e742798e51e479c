"""Translating a text: ``_``, ``ngettext``, ``pgettext`` in the current language, and markers.

Msgids are the English texts with ``{name}`` placeholders; the caller formats *after*
translating (``_("{n} stops").format(n=...)``), so a translation may move the placeholders.
"""

from __future__ import annotations

from geo.i18n.catalog import translations
from geo.i18n.context import current_lang
from geo.i18n.langs import Lang, parse_lang


def _(msgid: str) -> str:
    """Return ``msgid`` translated into the current language (itself when untranslated).

    Examples
    --------
    >>> from geo.i18n import use_lang
    >>> with use_lang("en"):
    ...     _("a text with no translation")
    'a text with no translation'
    """
    return translations(current_lang()).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the form of ``singular``/``plural`` for ``n`` in the current language.

    English uses the singular for 1 only; Hindi (CLDR) for 0 and 1.

    Examples
    --------
    >>> ngettext("{n} incident", "{n} incidents", 0).format(n=0)
    '0 incidents'
    """
    return translations(current_lang()).ngettext(singular, plural, n)


def pgettext(context: str, msgid: str) -> str:
    """Return ``msgid`` of ``context`` (``"category"``, ``"site kind"``...) translated.

    The context tells two same English words apart (``"other"`` category and site kind).

    Examples
    --------
    >>> from geo.i18n import use_lang
    >>> with use_lang("hi"):
    ...     pgettext("category", "eve-teasing")
    'छेड़छाड़'
    """
    return translations(current_lang()).pgettext(context, msgid)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """Return the form for ``n`` of a plural text with a context, in the current language."""
    return translations(current_lang()).npgettext(context, singular, plural, n)


def translate(msgid: str, lang: str, *, context: str | None = None) -> str:
    """Return ``msgid`` (of ``context``) translated into ``lang``, whatever the current language.

    Examples
    --------
    >>> translate("stable", "hi", context="trend"), translate("stable", "en", context="trend")
    ('स्थिर', 'stable')
    """
    chosen: Lang = parse_lang(lang)
    if context is None:
        return translations(chosen).gettext(msgid)
    return translations(chosen).pgettext(context, msgid)


def N_(msgid: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``msgid`` for extraction and return it unchanged (translate it later with ``_``).

    For module-level vocabularies and constants, built before any language is chosen.
    """
    return msgid


def NP_(context: str, msgid: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``msgid`` of ``context`` for extraction and return ``msgid`` (see :func:`N_`).

    Translate it later with ``pgettext(context, msgid)``.
    """
    return msgid


#: The label before an error's fix ("Fix: give the first day."), used by :mod:`geo.errors`.
FIX_LABEL = NP_("error", "Fix:")
