"""``GET /healthz``: liveness for anyone; ``/healthz/details``: versions and cache, admins only."""

from __future__ import annotations

import logging
from typing import Final

import pyogrio
import pyproj
import shapely
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.service.deps import Admin, State
from api.service.errors import UnavailableError
from api.service.routes.common import PROBLEM_RESPONSES
from geo.errors import StoreError

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

#: Status of a healthy service.
OK: Final = "ok"


class Liveness(BaseModel):
    """The service is up and can read its store; nothing else is said to anyone."""

    status: str = Field(examples=[OK])


class CacheStats(BaseModel):
    """Result-cache counters."""

    entries: int
    hits: int
    misses: int


class Health(Liveness):
    """Versions of the geospatial libraries and of the store, and the result cache."""

    geos: str = Field(examples=["3.13.1"])
    proj: str = Field(examples=["9.6.0"])
    gdal: str = Field(examples=["3.10.3"])
    store_version: int = Field(examples=[6])
    cache: CacheStats


def _store_version(state: State, *, explain: bool) -> int:
    """Return the store version; a ``503`` when it cannot be read (why only when ``explain``)."""
    try:
        return state.store.version
    except StoreError as exc:
        logger.error("health check: the store cannot be read: %s", exc)
        raise UnavailableError(
            "the store cannot be read",
            why=exc.what if explain else "",
            fix=(exc.fix or "check SHAKTI_STORE")
            if explain
            else "tell the administrator; GET /healthz/details (admins) says more",
        ) from None


@router.get(
    "/healthz",
    summary="Liveness",
    responses={503: {"description": "The store cannot be read (problem+json)."}},
)
def healthz(state: State) -> Liveness:
    """Return ``{"status": "ok"}`` when the service can read its store (no login needed).

    Library versions and cache counters are for administrators: ``GET /healthz/details``.
    """
    _store_version(state, explain=False)
    return Liveness(status=OK)


@router.get(
    "/healthz/details",
    summary="Versions, store version and cache counters (admins)",
    responses={
        **PROBLEM_RESPONSES,
        503: {"description": "The store cannot be read (problem+json)."},
    },
)
def healthz_details(state: State, user: Admin) -> Health:
    """Return GEOS/PROJ/GDAL versions, the store version and the result-cache counters."""
    version = _store_version(state, explain=True)
    return Health(
        status=OK,
        geos=shapely.geos_version_string,
        proj=pyproj.proj_version_str,
        gdal=pyogrio.__gdal_version_string__,
        store_version=version,
        cache=CacheStats(
            entries=len(state.cache), hits=state.cache.hits, misses=state.cache.misses
        ),
    )
