"""Helpers shared by the routes: cached responses and documented response examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from api.service.cache import CachedBody, CacheKey
from api.service.deps import ServiceState, add_audit_detail, selection_params
from api.usecases.common import GEOJSON, jsonable
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


def geojson_responses(example: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    """Return the OpenAPI ``responses`` of a GeoJSON route.

    Parameters
    ----------
    example : dict, optional

    Returns
    -------
    dict
    """
    return {
        200: {
            "description": "A GeoJSON FeatureCollection in EPSG:4326; `meta` holds the "
            "parameters and selection.",
            "content": {GEOJSON: {"example": example or GEOJSON_EXAMPLE}},
        },
        **PROBLEM_RESPONSES,
    }


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


async def cached_selection(
    request: Request,
    state: ServiceState,
    route: str,
    selection: Selection,
    params: dict[str, Any],
    compute: Callable[[], bytes],
    media_type: str,
) -> Response:
    """Return the cached result of ``route`` for a selection and parameters (computed once).

    The key is the store version, the route, the selection's and the route's parameters and the
    thana scope; the audit entry records the store version the result was computed on.

    Parameters
    ----------
    request : fastapi.Request
    state : api.service.deps.ServiceState
    route : str
        Name of the result (``hotspots``, ``maps/cctv`` ...).
    selection : models.inputs.Selection
    params : dict
        The route's own parameters.
    compute : callable
        Returns the response body.
    media_type : str

    Returns
    -------
    fastapi.Response
    """
    key = state.key(route, {**selection_params(selection), **params}, selection.thana)
    add_audit_detail(request, store_version=key.version)
    return await cached(request, state, key, compute, media_type)


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
