"""Helpers shared by the routes: the analysis request, cached responses and documented examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from api.service.cache import CachedBody, CacheKey
from api.service.deps import (
    MapSelectionDep,
    SelectionDep,
    ServiceState,
    State,
    add_audit_detail,
    selection_params,
)
from api.usecases.common import GEOJSON, Source, jsonable
from geo.ingest.privacy import holds_personal_number, reads_as_person_name
from models.inputs import Selection

#: Problem responses every authenticated route may give (documented in OpenAPI).
PROBLEM_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: {"description": "Not logged in, or the token is invalid or expired (problem+json)."},
    403: {"description": "The role or thana does not allow this request (problem+json)."},
    422: {"description": "A parameter is invalid (problem+json naming the field)."},
}

#: A short GeoJSON example for the documentation.
GEOJSON_EXAMPLE: Final[dict[str, Any]] = {
    "type": "FeatureCollection",
    "meta": {"selection": {"incidents": 1512, "thana": None}, "store_version": 6},
    "features": [
        {
            "type": "Feature",
            "id": 0,
            "properties": {"incidents": 39, "risk_rank": 1, "why": "39 incidents (mostly …"},
            "geometry": {"type": "Polygon", "coordinates": [[[82.97, 25.33], [82.98, 25.33]]]},
        }
    ],
}


#: The media type of an HTML page.
HTML: Final = "text/html; charset=utf-8"


def raw_route(
    description: str,
    media_type: str,
    example: Any,
    more: dict[int | str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the ``router.get`` arguments of a route answering with a ready body.

    Parameters
    ----------
    description : str
        What the 200 response is.
    media_type : str
    example : object
        The documented 200 response.
    more : dict, optional
        Further responses by status code (beyond :data:`PROBLEM_RESPONSES`).

    Returns
    -------
    dict
        ``response_class`` and ``responses``.
    """
    return {
        "response_class": Response,
        "responses": {
            200: {"description": description, "content": {media_type: {"example": example}}},
            **PROBLEM_RESPONSES,
            **(more or {}),
        },
    }


def geojson_route(example: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the ``router.get`` arguments of a GeoJSON route (see :func:`raw_route`).

    Parameters
    ----------
    example : dict, optional
        The documented response (default :data:`GEOJSON_EXAMPLE`).

    Returns
    -------
    dict
    """
    description = (
        "A GeoJSON FeatureCollection in EPSG:4326; `meta` holds the parameters and selection."
    )
    return raw_route(description, GEOJSON, example or GEOJSON_EXAMPLE)


def html_route(more: dict[int | str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the ``router.get`` arguments of a map page (see :func:`raw_route`).

    Parameters
    ----------
    more : dict, optional
        Further responses by status code.

    Returns
    -------
    dict
    """
    description = "A standalone HTML page (Leaflet via folium, assets from /assets)."
    return raw_route(description, "text/html", "<!DOCTYPE html>…", more)


def json_route(
    description: str,
    more: dict[int | str, dict[str, Any]] | None = None,
    *,
    status_code: int = 200,
) -> dict[str, Any]:
    """Return the ``router`` arguments of a route answering with :func:`json_response`.

    Parameters
    ----------
    description : str
        What the answer (``status_code``) is.
    more : dict, optional
        Further responses by status code (beyond :data:`PROBLEM_RESPONSES`).
    status_code : int
        The answer's status (``201`` for what a request created).

    Returns
    -------
    dict
        ``status_code``, ``response_class`` and ``responses``.
    """
    answer = {"description": description, "content": {"application/json": {}}}
    return {
        "status_code": status_code,
        "response_class": Response,
        "responses": {status_code: answer, **PROBLEM_RESPONSES, **(more or {})},
    }


def page_route(summary: str) -> dict[str, Any]:
    """Return the ``router`` arguments of a web page's twin of a documented route.

    The page authenticates like the maps (a link cannot send a bearer token), so the twin
    answers as the documented route does but stays out of the OpenAPI document.

    Parameters
    ----------
    summary : str

    Returns
    -------
    dict
        ``summary``, ``response_class`` and ``include_in_schema``.
    """
    return {"summary": summary, "response_class": Response, "include_in_schema": False}


def accepts_gzip(request: Request) -> bool:
    """Return whether the client accepts a gzip-encoded response.

    Parameters
    ----------
    request : fastapi.Request

    Returns
    -------
    bool
    """
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


async def cached(
    request: Request,
    state: ServiceState,
    key: CacheKey,
    compute: Callable[[], bytes],
    media_type: str,
) -> Response:
    """Return the cached body of ``key`` or compute it in a worker thread (once).

    Large bodies are kept gzip-compressed too and sent so to clients that accept it: repeated
    views cost neither recomputation nor recompression.

    Parameters
    ----------
    request : fastapi.Request
        For ``Accept-Encoding``.
    state : api.service.deps.ServiceState
    key : api.service.cache.CacheKey
    compute : callable
        Returns the response body.
    media_type : str

    Returns
    -------
    fastapi.Response
    """
    body: CachedBody | None = state.cache.get(key)
    if body is None:
        body = await run_in_threadpool(
            state.cache.get_or_compute, key, lambda: CachedBody.of(compute())
        )
    if body.gzipped is not None and accepts_gzip(request):
        return Response(
            content=body.gzipped,
            media_type=media_type,
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(content=body.raw, media_type=media_type, headers={"Vary": "Accept-Encoding"})


@dataclass(frozen=True)
class AnalysisCall:
    """An analysis request: the HTTP request, the service state and the request's selection.

    Attributes
    ----------
    request : fastapi.Request
    state : api.service.deps.ServiceState
    selection : models.inputs.Selection
        Dates, categories and thana scope (an in-charge: their own thana).
    """

    request: Request
    state: ServiceState
    selection: Selection

    async def respond(
        self,
        route: str,
        params: dict[str, Any],
        compute: Callable[[Source], bytes],
        media_type: str = GEOJSON,
    ) -> Response:
        """Return the cached result of ``route`` for the selection and parameters (computed once).

        The key is the store version, the route, the selection's and the route's parameters and
        the thana scope; the audit entry records the store version the result was computed on.

        Parameters
        ----------
        route : str
            Name of the result (``hotspots``, ``maps/cctv`` ...).
        params : dict
            The route's own parameters.
        compute : callable
            Returns the response body of the use case's source (store, settings, selection).
        media_type : str

        Returns
        -------
        fastapi.Response
        """
        state, selection = self.state, self.selection
        key = state.key(route, {**selection_params(selection), **params}, selection.thana)
        add_audit_detail(self.request, store_version=key.version)
        source = Source(state.store, state.settings, selection)
        return await cached(self.request, state, key, lambda: compute(source), media_type)


async def _analysis(request: Request, state: State, selection: SelectionDep) -> AnalysisCall:
    return AnalysisCall(request, state, selection)


async def _map_analysis(request: Request, state: State, selection: MapSelectionDep) -> AnalysisCall:
    return AnalysisCall(request, state, selection)


#: An analysis request authenticated by the bearer token.
Analysis = Annotated[AnalysisCall, Depends(_analysis)]
#: A map page's analysis request: the bearer token or the map cookie.
MapAnalysis = Annotated[AnalysisCall, Depends(_map_analysis)]


def json_bytes(data: Any) -> bytes:
    """Encode JSON-ready data (NaN → null) as UTF-8 bytes.

    Parameters
    ----------
    data : object

    Returns
    -------
    bytes
    """
    return json.dumps(jsonable(data), ensure_ascii=False).encode("utf-8")


def json_response(data: Any, status_code: int = 200) -> Response:
    """Return JSON-ready data as an ``application/json`` response (NaN → null: :func:`json_bytes`).

    Parameters
    ----------
    data : object
    status_code : int
        The response's status (``201`` for what a request created).

    Returns
    -------
    fastapi.Response
    """
    return Response(json_bytes(data), status_code=status_code, media_type="application/json")


def shown(text: str) -> str:
    """Return `` 'text'`` to echo in an error, or nothing when it may be a person's name or phone.

    A team or place a request names but the plan lacks is the user's text; an error never
    repeats something personal (a phone, Aadhaar, e-mail or name typed there).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    if holds_personal_number(text) or reads_as_person_name(text):
        return ""
    return f" {text!r}"
