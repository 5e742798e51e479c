"""``GET /i18n/{lang}.json``: the page's texts in a language, from the project's ``.po`` file."""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Final

from babel.messages.pofile import read_po
from fastapi import APIRouter, Response

from geo.i18n import DOMAIN, VOCABULARIES, Lang, po_path
from geo.i18n.catalog import SOURCE_LANG

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/i18n", tags=["i18n"])

#: Where the page's texts are written (``babel.cfg``): their catalogue entries are served.
PAGE_SOURCES: Final = ("api/service/static/",)
#: Separator of a context and its msgid in a key of ``messages`` (as in a compiled ``.mo``).
CONTEXT_SEPARATOR: Final = "\x04"
#: Browsers and proxies may keep a catalogue an hour (it holds no user data).
CATALOGUE_CACHE: Final = "public, max-age=3600"


def _is_page_message(locations: list[tuple[str, int | None]], context: str | None) -> bool:
    """Return whether a catalogue entry is one of the page's texts or a vocabulary name."""
    if context is not None and context in VOCABULARIES:
        return True
    return any(path.replace("\\", "/").startswith(PAGE_SOURCES) for path, _line in locations)


@functools.cache
def catalogue(lang: Lang) -> dict[str, Any]:
    r"""Return the page's catalogue of ``lang``: its texts and the vocabularies' names.

    Parameters
    ----------
    lang : {"hi", "en"}

    Returns
    -------
    dict
        ``{"lang": ..., "plural": ..., "messages": {msgid: text or [plural forms]}}``; a text
        with a context is keyed ``context + "\\x04" + msgid``. English (the msgids
        themselves) has no messages; untranslated and fuzzy entries are left out (the page
        shows the English msgid).
    """
    if lang == SOURCE_LANG:
        return {"lang": lang, "plural": "(n != 1)", "messages": {}}
    with po_path(lang).open("rb") as handle:
        po = read_po(handle, locale=lang, domain=DOMAIN)
    messages: dict[str, str | list[str]] = {}
    for message in list(po)[1:]:
        raw = message.string
        strings = [str(s) for s in raw] if isinstance(raw, tuple | list) else [str(raw or "")]
        if message.fuzzy or not all(strings):
            continue
        if not _is_page_message(list(message.locations), message.context):
            continue
        msgid = str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
        key = msgid if message.context is None else message.context + CONTEXT_SEPARATOR + msgid
        messages[key] = strings if message.pluralizable else strings[0]
    logger.debug("page catalogue %s: %d messages", lang, len(messages))
    return {"lang": lang, "plural": po.plural_expr, "messages": dict(sorted(messages.items()))}


@functools.cache
def _body(lang: Lang) -> bytes:
    return json.dumps(catalogue(lang), ensure_ascii=False, sort_keys=True).encode("utf-8")


@router.get(
    "/{lang}.json",
    summary="The web page's texts in a language (public)",
    responses={
        200: {
            "description": "The page's texts and the vocabularies' names, from the `.po` "
            "catalogue; no user data, cacheable.",
            "content": {
                "application/json": {
                    "example": {
                        "lang": "hi",
                        "plural": "(n > 1)",
                        "messages": {
                            "Log in": "लॉग इन",
                            "{n} hotspot": ["{n} हॉटस्पॉट", "{n} हॉटस्पॉट"],
                            "category\u0004stalking": "पीछा करना",
                        },
                    }
                }
            },
        }
    },
)
async def page_catalogue(lang: Lang) -> Response:
    """Return the texts of the web page in ``lang`` (``hi`` or ``en``), public and cacheable."""
    return Response(
        content=_body(lang),
        media_type="application/json",
        headers={"Cache-Control": CATALOGUE_CACHE, "Content-Language": lang},
    )
