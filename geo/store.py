"""The store interface: what every backend (embedded GeoPackage, shared PostGIS) provides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd

from geo.schema import FieldType, LayerKind, layer_spec

# ---- import log columns ----
IMP_ID: Final = "import_id"
IMP_KIND: Final = "kind"
IMP_SOURCE: Final = "source"
IMP_SHA256: Final = "sha256"
IMP_AT: Final = "imported_at"
IMP_ROWS: Final = "rows"
IMP_ACCEPTED: Final = "accepted"
IMP_QUARANTINED: Final = "quarantined"
IMPORT_LOG_COLUMNS: Final = (
    IMP_ID,
    IMP_KIND,
    IMP_SOURCE,
    IMP_SHA256,
    IMP_AT,
    IMP_ROWS,
    IMP_ACCEPTED,
    IMP_QUARANTINED,
)


@dataclass(frozen=True)
class ImportBatch:
    """Everything one import writes, applied to the store all together or not at all.

    Attributes
    ----------
    import_id : str
        Unique id of this import (also stamped on its quarantine rows).
    kind : LayerKind
        Which layer the accepted rows go to.
    source : str
        File name the rows came from.
    sha256 : str
        Digest of the file, for the import log.
    accepted : geopandas.GeoDataFrame
        Valid rows with the layer's stored columns (``LayerSpec.columns``), EPSG:4326.
    quarantine : pandas.DataFrame
        Rejected rows, :data:`geo.quarantine.QUARANTINE_COLUMNS`.
    rows : int
        Number of rows in the file (accepted rows + distinct quarantined rows).
    """

    import_id: str
    kind: LayerKind
    source: str
    sha256: str
    accepted: gpd.GeoDataFrame
    quarantine: pd.DataFrame
    rows: int
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportRecord:
    """What an applied import changed.

    Attributes
    ----------
    import_id : str
    inserted : int
        Rows whose key was new.
    updated : int
        Rows that replaced a stored row with the same key.
    version : int
        Store version after the import.
    """

    import_id: str
    inserted: int
    updated: int
    version: int


@runtime_checkable
class Store(Protocol):
    """A place that keeps the five layers, the quarantine and the import log.

    Guarantees every backend keeps: an import is atomic (all of a batch or none of it is
    visible, even after a crash or a kill); re-importing rows upserts them on the layer key;
    the quarantine is persisted; layers go in and out in EPSG:4326 with the columns of
    ``geo.schema``.
    """

    location: str

    @property
    def version(self) -> int:
        """Return a counter that increases with every applied import (for caches)."""
        ...

    def apply(self, batch: ImportBatch) -> ImportRecord:
        """Apply one import atomically: upsert accepted rows, append quarantine and log."""
        ...

    def read(self, kind: LayerKind | str, *, thana: str | None = None) -> gpd.GeoDataFrame:
        """Return a layer (EPSG:4326), optionally only the rows of one thana."""
        ...

    def count(self, kind: LayerKind | str) -> int:
        """Return the number of rows in a layer."""
        ...

    def quarantine(
        self, kind: LayerKind | str | None = None, *, import_id: str | None = None
    ) -> pd.DataFrame:
        """Return quarantined rows, optionally of one layer or one import."""
        ...

    def imports(self) -> pd.DataFrame:
        """Return the import log, one row per import, oldest first."""
        ...


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
        :class:`geo.postgis_store.PostgisStore`).

    Returns
    -------
    Store
    """
    if is_database_url(location):
        from geo.postgis_store import PostgisStore  # psycopg is needed only for databases

        return PostgisStore(str(location))
    from geo.gpkg_store import GeoPackageStore

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
