"""The languages of the project's texts: their codes, parsing a user's choice, Accept-Language."""

from __future__ import annotations

import logging
import unicodedata
from typing import Final, Literal, TypeAlias, cast

from babel import negotiate_locale
from babel.core import UnknownLocaleError, parse_locale

from geo.errors import ParameterError

logger = logging.getLogger(__name__)

Lang: TypeAlias = Literal["hi", "en"]
#: Every language the project speaks, Hindi first (the language most readers read first).
LANGS: Final[tuple[Lang, ...]] = ("hi", "en")
#: The language when nothing chooses one: English, so existing outputs stay as they were.
DEFAULT_LANG: Final[Lang] = "en"
#: Names a user may type for a language besides its code (compared case-insensitively).
LANG_NAMES: Final[dict[str, Lang]] = {
    "hindi": "hi",
    "हिन्दी": "hi",
    "हिंदी": "hi",
    "english": "en",
    "अंग्रेज़ी": "en",
    "अंग्रेजी": "en",
}


def parse_lang(value: str | None) -> Lang:
    """Return the language ``value`` names: a code with or without region, or the language's name.

    Parameters
    ----------
    value : str or None
        ``"hi"``, ``"en"``, ``"hi-IN"``, ``"en_IN"``, ``"Hindi"``, ``"हिन्दी"`` ... (any case,
        surrounding spaces ignored). ``None`` or an empty text give :data:`DEFAULT_LANG`.

    Returns
    -------
    Lang

    Raises
    ------
    geo.errors.ParameterError
        When ``value`` names no language of :data:`LANGS`; the message names the value and the
        allowed ones.

    Examples
    --------
    >>> parse_lang("hi-IN"), parse_lang("EN_in"), parse_lang("हिन्दी"), parse_lang(None)
    ('hi', 'en', 'hi', 'en')
    """
    if value is None or not value.strip():
        return DEFAULT_LANG
    text = unicodedata.normalize("NFC", value.strip())
    named = LANG_NAMES.get(text.casefold())
    if named is not None:
        return named
    try:
        language = parse_locale(text.replace("-", "_"))[0].lower()
    except (ValueError, UnknownLocaleError):
        language = ""
    if language in LANGS:
        return language
    raise ParameterError(
        f"unknown language {value!r}",
        why=f"texts exist in {', '.join(LANGS)} only",
        fix="use hi (हिन्दी) or en (English), e.g. --lang hi or SHAKTI_LANG=hi",
    )


def negotiate(accept_language_header: str | None) -> Lang | None:
    """Return the language of :data:`LANGS` a browser's ``Accept-Language`` header prefers.

    Languages are tried by their quality value (``q``, default 1; ``q=0`` means "not this"),
    in the header's order on ties; a region (``hi-IN``) matches its language.

    Parameters
    ----------
    accept_language_header : str or None
        The header, e.g. ``"en-GB;q=0.5, hi-IN"``.

    Returns
    -------
    Lang or None
        ``None`` when the header is missing, malformed or names neither language (the caller
        falls back to the user's preference or the setting).

    Examples
    --------
    >>> negotiate("en-GB;q=0.5, hi-IN;q=0.9"), negotiate("fr, de"), negotiate(None)
    ('hi', None, None)
    """
    if not accept_language_header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language_header.split(",")):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    preferred = [tag for _q, _p, tag in sorted(weighted)]
    found = negotiate_locale(preferred, list(LANGS), sep="-")
    logger.debug("Accept-Language %r -> %s", accept_language_header, found)
    return cast(Lang, found.lower()) if found and found.lower() in LANGS else None
