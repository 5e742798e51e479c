"""The store: the ``Store`` protocol, its GeoPackage and PostGIS backends, and ``open_store``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import geopandas as gpd

from geo.schema import FieldType, LayerKind, layer_spec
from geo.store.frames import (
    IMP_ACCEPTED,
    IMP_AT,
    IMP_ID,
    IMP_KIND,
    IMP_QUARANTINED,
    IMP_ROWS,
    IMP_SHA256,
    IMP_SOURCE,
    IMPORT_LOG_COLUMNS,
)
from geo.store.gpkg import GeoPackageStore
from geo.store.protocol import ImportBatch, ImportRecord, Store

if TYPE_CHECKING:
    from geo.store.postgis import PostgisStore

__all__ = [
    "DATABASE_URL_SCHEMES",
    "IMPORT_LOG_COLUMNS",
    "IMP_ACCEPTED",
    "IMP_AT",
    "IMP_ID",
    "IMP_KIND",
    "IMP_QUARANTINED",
    "IMP_ROWS",
    "IMP_SHA256",
    "IMP_SOURCE",
    "GeoPackageStore",
    "ImportBatch",
    "ImportRecord",
    "PostgisStore",
    "Store",
    "is_database_url",
    "open_store",
    "read_layer",
]


def __getattr__(name: str) -> Any:
    """Return :class:`PostgisStore` on first use (PEP 562): psycopg loads only when needed."""
    if name != "PostgisStore":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from geo.store.postgis import PostgisStore

    return PostgisStore


#: URL schemes of a PostgreSQL database (the PostGIS store) in :func:`open_store`.
DATABASE_URL_SCHEMES: Final = ("postgresql", "postgres")


def is_database_url(location: object) -> bool:
    """Return whether ``location`` is a PostgreSQL URL (``postgresql://...``), not a path."""
    return (
        isinstance(location, str)
        and "://" in location
        and location.split("://", 1)[0].lower() in DATABASE_URL_SCHEMES
    )


def open_store(location: str | Path) -> Store:
    """Open (creating if needed) the store at ``location``.

    Parameters
    ----------
    location : str or Path
        Path of a GeoPackage file (``*.gpkg``, the embedded store), or a PostgreSQL URL
        ``postgresql://user@host:port/database[?schema=NAME]`` (the shared PostGIS store,
        :class:`geo.store.postgis.PostgisStore`).

    Returns
    -------
    Store
    """
    if is_database_url(location):
        from geo.store.postgis import PostgisStore

        return PostgisStore(str(location))
    return GeoPackageStore(Path(location))


def read_layer(
    store: Store,
    kind: LayerKind | str,
    *,
    timezone: str | dt.tzinfo,
    thana: str | None = None,
) -> gpd.GeoDataFrame:
    """Return a layer with its date-times in the deployment's local time.

    Stores keep instants in UTC; analytics (hour-of-day profiles, dispersal windows) need
    local time, so every analysis reads layers through this function.

    Parameters
    ----------
    store : Store
    kind : LayerKind or str
    timezone : str or tzinfo
        The ``SHAKTI_TIMEZONE`` setting (``Region.timezone``).
    thana : str, optional
        Only the rows of this thana.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, tz-aware local date-times.
    """
    layer = store.read(kind, thana=thana)
    tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    for spec in layer_spec(kind).fields:
        if spec.type is FieldType.DATETIME and spec.name in layer.columns:
            layer[spec.name] = layer[spec.name].dt.tz_convert(tz)
    return layer
