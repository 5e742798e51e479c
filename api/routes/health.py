"""``GET /healthz``: liveness, library versions (GEOS, PROJ, GDAL) and the store version."""

from __future__ import annotations

import pyogrio
import pyproj
import shapely
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import State
from api.errors import UnavailableError
from geo.errors import StoreError

router = APIRouter(tags=["health"])


class CacheStats(BaseModel):
    """Result-cache counters."""

    entries: int
    hits: int
    misses: int


class Health(BaseModel):
    """The service is up; versions of the geospatial libraries and of the store."""

    status: str = Field(examples=["ok"])
    geos: str = Field(examples=["3.13.1"])
    proj: str = Field(examples=["9.6.0"])
    gdal: str = Field(examples=["3.10.3"])
    store_version: int = Field(examples=[6])
    cache: CacheStats


@router.get(
    "/healthz",
    summary="Liveness and versions",
    responses={503: {"description": "The store cannot be read (problem+json)."}},
)
def healthz(state: State) -> Health:
    """Return ``ok`` with GEOS/PROJ/GDAL versions and the store version (no login needed)."""
    try:
        version = state.store.version
    except StoreError as exc:
        raise UnavailableError(
            "the store cannot be read", why=exc.what, fix=exc.fix or "check SHAKTI_STORE"
        ) from None
    return Health(
        status="ok",
        geos=shapely.geos_version_string,
        proj=pyproj.proj_version_str,
        gdal=pyogrio.__gdal_version_string__,
        store_version=version,
        cache=CacheStats(
            entries=len(state.cache), hits=state.cache.hits, misses=state.cache.misses
        ),
    )
