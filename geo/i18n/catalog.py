"""The message catalogues: the ``shakti`` domain's ``.po`` files, compiled in memory per lang."""

from __future__ import annotations

import functools
import gettext
import io
import logging
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from geo.i18n.langs import DEFAULT_LANG, Lang, parse_lang

logger = logging.getLogger(__name__)

#: The one gettext domain of the whole project.
DOMAIN: Final = "shakti"
#: ``<LOCALE_DIR>/<lang>/LC_MESSAGES/shakti.po``; the template is ``<LOCALE_DIR>/shakti.pot``.
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
POT_PATH: Final = LOCALE_DIR / f"{DOMAIN}.pot"
#: The language whose texts are the msgids themselves (it has no catalogue).
SOURCE_LANG: Final[Lang] = DEFAULT_LANG
#: Extraction keywords beyond Babel's defaults (``_``, ``N_``, ``ngettext``, ``pgettext``...):
#: ``NP_(context, msgid)`` marks a deferred text with a context, ``counted(n, singular, plural)``
#: a counted text. ``make messages`` passes the same (``-k NP_:1c,2 -k counted:2,3``).
EXTRA_KEYWORDS: Final = {"NP_": ((1, "c"), 2), "counted": (2, 3)}


def po_path(lang: Lang) -> Path:
    """Return the path of the ``.po`` catalogue of ``lang``.

    Examples
    --------
    >>> po_path("hi").relative_to(LOCALE_DIR).as_posix()
    'hi/LC_MESSAGES/shakti.po'
    """
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: Lang) -> gettext.NullTranslations:
    """Return the translations of ``lang`` (compiled once per process from its ``.po``).

    The ``.po`` text is the only form kept in git: it is read with Babel, compiled to the ``.mo``
    format in memory and wrapped in :class:`babel.support.Translations`. Fuzzy entries and
    entries with an empty translation (of any plural form) are left out, so their English
    msgid shows instead of an empty text. English (:data:`SOURCE_LANG`) is the msgids:
    :class:`gettext.NullTranslations`.

    Parameters
    ----------
    lang : Lang

    Returns
    -------
    gettext.NullTranslations
    """
    lang = parse_lang(lang)
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    path = po_path(lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    for message in list(catalog)[1:]:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    logger.debug("loaded %d %s messages from %s", len(catalog), lang, path)
    return Translations(fp=buffer, domain=DOMAIN)
