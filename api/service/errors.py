"""HTTP mapping of domain errors: one status table and ``application/problem+json`` bodies."""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from geo.errors import (
    ColumnMappingError,
    ExportError,
    InputFileError,
    InputTooLargeError,
    NothingValidError,
    ParameterError,
    PlanNotFoundError,
    PlanStatusError,
    RegionError,
    SettingsError,
    ShaktiError,
    StoreError,
    StoreLockedError,
    UnknownLayerError,
)

if TYPE_CHECKING:
    # FastAPI is imported where a response is built: the error classes above are raised by
    # use cases the command line runs too, which should not load the web stack at start.
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

#: Media type of every error body (RFC 9457).
PROBLEM_JSON: Final = "application/problem+json"
#: Prefix of the ``type`` URI of a problem; the rest is the problem's slug.
PROBLEM_TYPE_PREFIX: Final = "urn:shakti:problem:"


class ServiceError(ShaktiError):
    """An error of the web service itself (access, limits), optionally naming a field.

    Parameters
    ----------
    what, why, fix : str
        As for :class:`geo.errors.ShaktiError`.
    field : str, optional
        The request field (query parameter, form field) the error is about.
    headers : mapping, optional
        Extra response headers (``WWW-Authenticate``, ``Retry-After``).
    """

    def __init__(
        self,
        what: str,
        *,
        why: str = "",
        fix: str = "",
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(what, why=why, fix=fix)
        self.field = field
        self.headers = dict(headers or {})


class AuthenticationError(ServiceError):
    """No valid credentials: missing, malformed, badly signed or expired token; bad password."""

    def __init__(self, what: str, *, why: str = "", fix: str = "") -> None:
        super().__init__(what, why=why, fix=fix, headers={"WWW-Authenticate": "Bearer"})


class PermissionDeniedError(ServiceError):
    """The user is known but their role or thana does not allow this request."""


class NotFoundError(ServiceError):
    """The named resource (a thana, a route) does not exist."""


class PayloadTooLargeError(ServiceError):
    """An upload is above a configured limit (bytes or rows)."""


class TooManyRequestsError(ServiceError):
    """A client or user made too many attempts (login throttling); ``Retry-After`` says when."""


class UnsupportedFileTypeError(InputFileError):
    """An upload whose file type the readers do not support."""


class UnavailableError(ServiceError):
    """A part of the service cannot answer now (e.g. the maps package is not installed)."""


class NoValidRowError(NothingValidError):
    """An upload none of whose rows is valid; the problem body carries the validation report.

    Parameters
    ----------
    what, why, fix : str
        As for :class:`geo.errors.ShaktiError`.
    report : mapping
        The validation summary (rows, accepted, quarantined, reasons).
    """

    def __init__(self, what: str, *, why: str = "", fix: str = "", report: Mapping[str, Any]):
        super().__init__(what, why=why, fix=fix)
        self.field = "file"
        self.extra = {"report": dict(report)}


#: THE table: domain (and service) error class → HTTP status. The most specific class wins
#: (the exception's MRO is walked), so a subclass may refine its parent's status.
STATUS_BY_ERROR: Final[Mapping[type[ShaktiError], int]] = {
    ShaktiError: 400,
    ParameterError: 422,
    ColumnMappingError: 422,
    NothingValidError: 422,
    ExportError: 422,
    PlanNotFoundError: 404,
    PlanStatusError: 409,
    UnknownLayerError: 404,
    InputFileError: 400,
    InputTooLargeError: 413,
    UnsupportedFileTypeError: 415,
    StoreError: 500,
    StoreLockedError: 503,
    SettingsError: 500,
    RegionError: 500,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
    PayloadTooLargeError: 413,
    TooManyRequestsError: 429,
    UnavailableError: 503,
}

#: Short titles of the problems, by error class (same MRO walk).
TITLE_BY_ERROR: Final[Mapping[type[ShaktiError], str]] = {
    ShaktiError: "Request cannot be processed",
    ParameterError: "Invalid parameter",
    ColumnMappingError: "Invalid column mapping",
    NothingValidError: "No valid row",
    ExportError: "Output refused",
    PlanNotFoundError: "No such plan",
    PlanStatusError: "Plan status conflict",
    UnknownLayerError: "Unknown layer",
    InputFileError: "Unreadable file",
    InputTooLargeError: "File too large",
    UnsupportedFileTypeError: "Unsupported file type",
    StoreError: "Store unavailable",
    StoreLockedError: "Store busy",
    SettingsError: "Service misconfigured",
    AuthenticationError: "Not authenticated",
    PermissionDeniedError: "Forbidden",
    NotFoundError: "Not found",
    PayloadTooLargeError: "Upload too large",
    TooManyRequestsError: "Too many requests",
    UnavailableError: "Service unavailable",
}

#: How domain messages name some parameters ("--from" in a CLI hint, "start date").
_FIELD_ALIASES: Final[Mapping[str, str]] = {
    "--from": "from",
    "--to": "to",
    "start date": "from",
    "end date": "to",
    "bin": "time_bin",
}
#: Parameters that are everyday words: found only through an alias above.
_WORDY_FIELDS: Final = frozenset({"from", "to"})
#: Retry-After (seconds) sent with a busy store.
_RETRY_AFTER_S: Final = "2"


def _lookup(table: Mapping[type[ShaktiError], Any], exc: ShaktiError) -> Any:
    for cls in type(exc).__mro__:
        if cls in table:
            return table[cls]
    return table[ShaktiError]


def status_for(exc: ShaktiError) -> int:
    """Return the HTTP status of a domain error, from :data:`STATUS_BY_ERROR`.

    Parameters
    ----------
    exc : geo.errors.ShaktiError

    Returns
    -------
    int
    """
    status: int = _lookup(STATUS_BY_ERROR, exc)
    return status


def _slug(cls: type[BaseException]) -> str:
    name = cls.__name__.removesuffix("Error") or cls.__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower() + "-error"


def guess_field(text: str, candidates: Iterable[str]) -> str | None:
    """Return the request field a message is about: the candidate it names first.

    Parameters
    ----------
    text : str
        The error's "what" sentence.
    candidates : iterable of str
        The request's parameter names.

    Returns
    -------
    str or None
    """
    wanted = set(candidates)
    names = {name: name for name in wanted if name not in _WORDY_FIELDS}
    for alias, name in _FIELD_ALIASES.items():
        if name in wanted:
            names.setdefault(alias, name)
    best: tuple[int, str] | None = None
    for word, name in names.items():
        match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), name)
    return best[1] if best else None


def problem(
    status: int,
    *,
    title: str | None = None,
    detail: str = "",
    why: str = "",
    fix: str = "",
    field: str | None = None,
    type_: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Build an ``application/problem+json`` response.

    Parameters
    ----------
    status : int
        HTTP status.
    title : str, optional
        Short summary; default the status phrase.
    detail, why, fix : str
        What went wrong, why it matters, how to fix it.
    field : str, optional
        The request field concerned.
    type_ : str
        Problem type URI.
    headers : mapping, optional
    extra : mapping, optional
        Extension members (e.g. ``errors``, ``report``).

    Returns
    -------
    fastapi.responses.JSONResponse
    """
    body: dict[str, Any] = {
        "type": type_,
        "title": title or http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "why": why or None,
        "fix": fix or None,
        "field": field,
    }
    if extra:
        body.update(extra)
    from fastapi.responses import JSONResponse

    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


def _request_fields(request: Request) -> list[str]:
    names = list(request.query_params.keys()) + list(request.path_params.keys())
    route = request.scope.get("route")
    for param in getattr(getattr(route, "dependant", None), "query_params", []) or []:
        names.append(getattr(param, "alias", None) or param.name)
    return names


#: What a client is told of a store error: its own text names the server's file or database.
STORE_BUSY_TEXTS: Final = (
    "the store is busy with another change",
    "one import or change writes to the store at a time",
    "try again in a moment",
)
STORE_ERROR_TEXTS: Final = (
    "the store could not be read or written",
    "the server's store is unavailable or damaged; the details are in the server's log",
    "try again later; if it persists, tell the administrator",
)


def _public_texts(exc: ShaktiError) -> tuple[str, str, str]:
    """Return the what, why and fix a client sees of ``exc``.

    A store error's own texts name the store's path or URL (a server's file), so the client
    gets :data:`STORE_BUSY_TEXTS` or :data:`STORE_ERROR_TEXTS`; the full error is logged.
    """
    if isinstance(exc, StoreLockedError):
        return STORE_BUSY_TEXTS
    if isinstance(exc, StoreError):
        return STORE_ERROR_TEXTS
    return exc.what.strip(), exc.why, exc.fix


def domain_problem(exc: ShaktiError, request: Request | None = None) -> JSONResponse:
    """Return the problem response of a domain error (status from :data:`STATUS_BY_ERROR`).

    Parameters
    ----------
    exc : geo.errors.ShaktiError
    request : fastapi.Request, optional
        Used to find the field the error names.

    Returns
    -------
    fastapi.responses.JSONResponse
    """
    status = status_for(exc)
    field = getattr(exc, "field", None)
    if field is None and request is not None:
        candidates = _request_fields(request)
        for text in (exc.what, exc.why, exc.fix):
            field = guess_field(text, candidates)
            if field is not None:
                break
    headers = dict(getattr(exc, "headers", {}) or {})
    if isinstance(exc, StoreLockedError):
        headers.setdefault("Retry-After", _RETRY_AFTER_S)
    if status >= 500:
        logger.error("%s: %s", type(exc).__name__, exc)
    detail, why, fix = _public_texts(exc)
    return problem(
        status,
        title=_lookup(TITLE_BY_ERROR, exc),
        detail=detail,
        why=why,
        fix=fix,
        field=field,
        type_=PROBLEM_TYPE_PREFIX + _slug(type(exc)),
        headers=headers,
        extra=getattr(exc, "extra", None),
    )


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShaktiError)
    return domain_problem(exc, request)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    from fastapi.exceptions import RequestValidationError

    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        # The field is the last name in the location: list positions (category.0) are skipped.
        loc = [
            str(part)
            for part in err.get("loc", ())
            if part not in ("query", "path", "body") and not isinstance(part, int)
        ]
        errors.append({"field": loc[-1] if loc else None, "message": str(err.get("msg", ""))})
    first = errors[0] if errors else {"field": None, "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
    return problem(
        422,
        title="Invalid parameter",
        detail=detail,
        fix="see the OpenAPI description at /openapi.json for the allowed values",
        field=first["field"],
        type_=PROBLEM_TYPE_PREFIX + "request-validation-error",
        extra={"errors": errors},
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    from starlette.exceptions import HTTPException as StarletteHTTPException

    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else http.HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, detail=detail, headers=exc.headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(
        500,
        title="Internal error",
        detail="the service failed unexpectedly; the error is logged",
        fix="try again; if it persists, give the administrator the time of the request",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` an ``application/problem+json`` response.

    Parameters
    ----------
    app : fastapi.FastAPI
    """
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app.add_exception_handler(ShaktiError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
