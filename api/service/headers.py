"""Security headers of every response: CSP by content type, nosniff, frame policy, HSTS, caching."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Final
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.errors import ShaktiError

logger = logging.getLogger(__name__)

#: Headers added to every response (unless the route set its own).
SECURITY_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
)
#: Paths of files that browsers may keep for an hour; everything else is ``no-store``.
STATIC_PREFIXES: Final = ("/static/", "/assets/")
STATIC_CACHE: Final = b"private, max-age=3600"
NO_STORE: Final = b"no-store"
#: Content types a browser renders as a document (they get an HTML policy).
DOCUMENT_TYPES: Final = ("text/html", "application/xhtml+xml")
#: Any HTML page that sets no policy of its own: no script at all, nothing from elsewhere,
#: inline styles (printable pages such as the patrol sheet carry a ``<style>``).
DOCUMENT_CSP: Final = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
#: Every other response (JSON, CSV, files): nothing may run or load if it is ever rendered.
DATA_CSP: Final = "default-src 'none'; frame-ancestors 'self'; base-uri 'none'"
#: The Swagger UI page; its one inline script is allowed by hash (see :func:`docs_csp`).
_DOCS_CSP: Final = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Folium maps: inline scripts and styles, tiles from the base-map host, embedded by the page.
#: ``'unsafe-eval'``: leaflet-measure (folium's MeasureControl, on every map) compiles its
#: lodash templates with ``new Function`` when it loads; without it no map control works.
_MAP_CSP: Final = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:{tiles}; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_source(tiles: str | None) -> str | None:
    """Return the CSP source of a base map's tiles: ``scheme://host`` of its XYZ URL.

    Parameters
    ----------
    tiles : str or None
        ``Settings.tiles``: a folium provider name (``openstreetmap``...), an XYZ URL
        template, or ``None`` / ``"none"`` for no base map.

    Returns
    -------
    str or None
        ``None`` for no tiles, tiles of this origin (a path) or a name that cannot be
        resolved (the map itself then fails with its own error). A ``{s}`` subdomain
        becomes ``*``.
    """
    name = (tiles or "").strip()
    if name.lower() in ("", "none", "off", "no"):
        return None
    url = name
    if "://" not in name and not name.startswith("/"):
        try:
            from maps.base import tile_layer

            url = str(tile_layer(name, None).tiles)
        except (ImportError, ShaktiError):
            logger.warning("base map %r unknown: its tiles are not allowed by the maps' CSP", name)
            return None
    parts = urlsplit(url)
    if not parts.netloc:
        return None  # served by this service: 'self'
    labels = parts.netloc.split(".")
    if _PLACEHOLDER.fullmatch(labels[0]):
        labels[0] = "*"
    host = ".".join(labels)
    if _PLACEHOLDER.search(host) or parts.scheme not in ("http", "https"):
        logger.warning("tile URL %s: its host cannot be allowed by the maps' CSP", url)
        return None
    return f"{parts.scheme}://{host}"


def map_csp(tiles: str | None) -> str:
    """Return the Content-Security-Policy of the folium map pages.

    Folium writes inline scripts and styles; Leaflet loads tiles as images from the base
    map's host (:func:`tile_source`); the web page shows maps in an ``<iframe>`` of this
    origin. Nothing else may load, and no other site may frame a map.

    Parameters
    ----------
    tiles : str or None
        ``Settings.tiles``.

    Returns
    -------
    str
    """
    source = tile_source(tiles)
    return _MAP_CSP.format(tiles=f" {source}" if source else "")


def docs_csp(page: str) -> str:
    """Return the Content-Security-Policy of the Swagger UI page, its inline scripts by hash.

    Parameters
    ----------
    page : str
        The page's HTML.

    Returns
    -------
    str
    """
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(page)
    ]
    return _DOCS_CSP.format(hashes="".join(" " + h for h in hashes))


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


class SecurityHeaders:
    """ASGI middleware adding defensive headers to every response; data is never cached.

    A response that sets its own ``Content-Security-Policy`` keeps it; otherwise an HTML
    response gets the policy of the first matching path prefix, else :data:`DOCUMENT_CSP`,
    and any other response :data:`DATA_CSP`. Everything gets :data:`SECURITY_HEADERS`,
    ``Cache-Control`` (static files an hour, the rest ``no-store``) and, when
    ``hsts_seconds > 0``, ``Strict-Transport-Security``.

    Parameters
    ----------
    app : ASGI app
    html_policies : sequence of (str, str)
        ``(path prefix, policy)`` of HTML pages; the first match wins.
    hsts_seconds : int
        ``Settings.hsts_seconds``; 0: no HSTS header.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        html_policies: Sequence[tuple[str, str]] = (),
        hsts_seconds: int = 0,
    ) -> None:
        self.app = app
        self.html_policies = tuple(html_policies)
        self.hsts = (
            f"max-age={hsts_seconds}; includeSubDomains".encode() if hsts_seconds > 0 else None
        )

    def policy(self, path: str, content_type: str) -> str:
        """Return the CSP of a response that set none.

        Parameters
        ----------
        path : str
        content_type : str

        Returns
        -------
        str
        """
        if not content_type.strip().lower().startswith(DOCUMENT_TYPES):
            return DATA_CSP
        for prefix, policy in self.html_policies:
            if path.startswith(prefix):
                return policy
        return DOCUMENT_CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        extra = [
            *SECURITY_HEADERS,
            (b"cache-control", STATIC_CACHE if path.startswith(STATIC_PREFIXES) else NO_STORE),
        ]
        if self.hsts is not None:
            extra.append((b"strict-transport-security", self.hsts))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in present:
                    content_type = (_header(headers, b"content-type") or b"").decode("latin-1")
                    policy = self.policy(path, content_type)
                    headers.append((b"content-security-policy", policy.encode()))
                headers.extend((name, value) for name, value in extra if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
