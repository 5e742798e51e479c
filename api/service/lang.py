"""The language of a request: ``?lang=``, the user's saved preference, Accept-Language, setting."""

from __future__ import annotations

import logging
from typing import Annotated, Final
from urllib.parse import parse_qsl

from fastapi import Query
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.service.auth import MAP_COOKIE
from api.service.deps import ServiceState, user_from_token
from geo.errors import ShaktiError
from geo.i18n import LANGS, Lang, current_lang, negotiate, use_lang

logger = logging.getLogger(__name__)

#: The query parameter choosing the language of a request's texts.
LANG_PARAM: Final = "lang"
#: Key of the chosen language in the request's ``scope["state"]`` (``request.state.lang``).
STATE_LANG: Final = "lang"
_BEARER: Final = "bearer "


def _query_lang(scope: Scope) -> Lang | None:
    """Return the language ``?lang=`` names; ``None`` if missing or invalid (:func:`lang_query`)."""
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == LANG_PARAM:
            return value if value in LANGS else None
    return None


def _token(scope: Scope, headers: Headers) -> str | None:
    """Return the request's access token: the bearer token, else the map cookie."""
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith(_BEARER):
        return authorization[len(_BEARER) :].strip() or None
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == MAP_COOKIE and value:
            return value
    return None


def _saved_lang(scope: Scope, headers: Headers) -> Lang | None:
    """Return the saved language of the request's user (``None``: no valid token, no choice)."""
    app = scope.get("app")
    state = getattr(getattr(app, "state", None), "service", None)
    token = _token(scope, headers)
    if not isinstance(state, ServiceState) or token is None:
        return None
    try:
        return user_from_token(state, token).lang
    except ShaktiError:
        return None  # the route itself refuses a bad token (401) when it needs one


def _setting_lang(scope: Scope) -> Lang:
    """Return the deployment's language (``SHAKTI_LANG`` of the app's settings)."""
    state = getattr(getattr(scope.get("app"), "state", None), "service", None)
    settings = getattr(state, "settings", None)
    lang = getattr(settings, "lang", None)
    return lang if lang in LANGS else current_lang()


def request_lang(scope: Scope) -> Lang:
    """Return the language of a request, from the most specific choice to the least.

    1. ``?lang=hi|en``;
    2. the logged-in user's saved preference (``PATCH /auth/me``), from the bearer token or the
       map cookie;
    3. the ``Accept-Language`` header (:func:`geo.i18n.negotiate`);
    4. the setting ``SHAKTI_LANG`` of the app (default English).

    Parameters
    ----------
    scope : dict
        The ASGI scope of an HTTP request.

    Returns
    -------
    Lang
    """
    chosen = _query_lang(scope)
    if chosen is not None:
        return chosen
    headers = Headers(scope=scope)
    return (
        _saved_lang(scope, headers)
        or negotiate(headers.get("accept-language"))
        or _setting_lang(scope)
    )


class RequestLanguage:
    """ASGI middleware: the whole request runs in its language; the response says which.

    The language (:func:`request_lang`) is applied with :func:`geo.i18n.use_lang` around the
    app, so every text made for the request is in it: in async routes, in sync routes and
    dependencies run in the thread pool (they run in a copy of the request's context), in
    cached computations and in error handlers. The response gets ``Content-Language`` (unless
    it set its own) and ``request.state.lang`` holds the language.

    Parameters
    ----------
    app : ASGI app
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request in its language and add ``Content-Language`` to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = request_lang(scope)
        scope.setdefault("state", {})[STATE_LANG] = lang

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(name.lower() == b"content-language" for name, _ in headers):
                    headers.append((b"content-language", lang.encode()))
                message["headers"] = headers
            await send(message)

        with use_lang(lang):
            await self.app(scope, receive, send_with_language)


LangQuery = Annotated[
    Lang | None,
    Query(
        alias=LANG_PARAM,
        description="Language of the texts in the response (hotspot `why`, reasons, notes, "
        "maps): `hi` (हिन्दी) or `en` (English). Default: the user's saved preference "
        "(`PATCH /auth/me`), else `Accept-Language`, else the setting `SHAKTI_LANG`.",
        openapi_examples={"Hindi": {"value": "hi"}, "English": {"value": "en"}},
    ),
]


async def lang_query(lang: LangQuery = None) -> Lang | None:
    """Document and check ``?lang=`` on every route (a value other than hi/en is a 422).

    The language itself is applied by :class:`RequestLanguage`, before routing.
    """
    return lang
