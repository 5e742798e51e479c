"""Request body limits: one ASGI middleware refusing oversize bodies on every route (413)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Final

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.service.errors import PROBLEM_TYPE_PREFIX, problem

logger = logging.getLogger(__name__)

#: Room for multipart boundaries and part headers beyond the uploaded file itself.
MULTIPART_SLACK_BYTES: Final = 64 * 1024
#: The upload route (``POST /datasets/{kind}``): its ceiling is the upload limit.
UPLOAD_METHOD: Final = "POST"
UPLOAD_PATH: Final = re.compile(r"^/datasets/[^/]+/?$")
#: Settings named by a refusal (the problem's ``field``).
UPLOAD_SETTING: Final = "max_upload_bytes"
BODY_SETTING: Final = "max_body_bytes"
#: ``type`` of the 413 problem (as :class:`api.service.errors.PayloadTooLargeError` would give).
PAYLOAD_TOO_LARGE_TYPE: Final = PROBLEM_TYPE_PREFIX + "payload-too-large-error"


@dataclass(frozen=True)
class BodyCeiling:
    """The largest body a request may send, and the setting that says so.

    Attributes
    ----------
    max_bytes : int
        Bytes accepted on the wire (the setting plus any multipart slack).
    setting : str
        The setting's name (``max_upload_bytes`` or ``max_body_bytes``).
    limit : int
        The setting's value, as the message states it.
    """

    max_bytes: int
    setting: str
    limit: int

    def refusal(self, size: int | None) -> Response:
        """Return the ``413`` problem for a body of ``size`` bytes (``None``: not declared).

        Parameters
        ----------
        size : int or None

        Returns
        -------
        starlette.responses.Response
        """
        upload = self.setting == UPLOAD_SETTING
        said = f" ({size:,} bytes)" if size is not None else ""
        what = "upload" if upload else "request body"
        return problem(
            413,
            title="Upload too large" if upload else "Request too large",
            detail=f"the {what}{said} is above the limit of {self.limit:,} bytes ({self.setting})",
            why="the service refuses large bodies before reading them, so that no request "
            "can exhaust its memory",
            fix="split the file, or raise SHAKTI_MAX_UPLOAD_BYTES"
            if upload
            else "send a smaller request, or raise SHAKTI_MAX_BODY_BYTES",
            field=self.setting,
            type_=PAYLOAD_TOO_LARGE_TYPE,
            # the rest of the body is never read: the connection cannot be reused
            headers={"Connection": "close"},
        )


class _BodyTooLargeError(Exception):
    """Raised inside ``receive`` when a body streams past its ceiling."""


def _declared_length(scope: Scope) -> int | None:
    """Return the largest ``Content-Length`` the request declares (``None``: none or invalid)."""
    lengths = [
        int(value)
        for name, value in scope.get("headers") or []
        if name.lower() == b"content-length" and value.strip().isdigit()
    ]
    return max(lengths) if lengths else None


class BodyLimit:
    """ASGI middleware enforcing one body-size ceiling per request, before anything reads it.

    A declared ``Content-Length`` above the ceiling is refused at once, before routing,
    authentication or any handler runs; a body without one (chunked) is counted as it
    streams, and the first chunk that passes the ceiling stops it: the app never receives
    more than the ceiling, whatever answer it was about to give is dropped and a ``413``
    ``application/problem+json`` naming the setting goes out instead. Uploads
    (``POST /datasets/{kind}``) may send ``max_upload_bytes`` plus
    :data:`MULTIPART_SLACK_BYTES`; every other request (JSON, forms, and methods that
    should have no body at all) ``max_body_bytes``.

    Hand-written rather than Starlette's ``RequestBodyLimitMiddleware``: that one checks a
    declared length only when the route reads the body or answers (after routing and
    authentication ran), answers ``text/plain``, and takes per-route limits at import time,
    while these come from the settings given to :func:`api.service.app.create_app`.

    Parameters
    ----------
    app : ASGI app
    max_body_bytes : int
        ``Settings.max_body_bytes``.
    max_upload_bytes : int
        ``Settings.max_upload_bytes``.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.upload = BodyCeiling(
            max_upload_bytes + MULTIPART_SLACK_BYTES, UPLOAD_SETTING, max_upload_bytes
        )
        self.body = BodyCeiling(max_body_bytes, BODY_SETTING, max_body_bytes)

    def ceiling(self, method: str, path: str) -> BodyCeiling:
        """Return the ceiling of a request.

        Parameters
        ----------
        method : str
            HTTP method.
        path : str
            URL path.

        Returns
        -------
        BodyCeiling
        """
        if method.upper() == UPLOAD_METHOD and UPLOAD_PATH.match(path):
            return self.upload
        return self.body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, refusing its body once it is known to be too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ceiling = self.ceiling(str(scope.get("method", "")), str(scope.get("path", "")))
        declared = _declared_length(scope)
        if declared is not None and declared > ceiling.max_bytes:
            logger.info("refused a declared %d-byte body (%s)", declared, ceiling.setting)
            await ceiling.refusal(declared)(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _BodyTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > ceiling.max_bytes:
                    exceeded = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a cut-off body (400, 401...) is replaced
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if not exceeded:
            return
        if started:
            logger.warning("a body passed %s after the response had started", ceiling.setting)
            return
        logger.info("cut off a streamed body above %d bytes (%s)", received, ceiling.setting)
        await ceiling.refusal(None)(scope, receive, send)
