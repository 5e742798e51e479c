"""The store interface: what every backend (embedded GeoPackage, shared PostGIS) provides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import geopandas as gpd
import pandas as pd

from geo.schema import LayerKind

if TYPE_CHECKING:
    from geo.store.plans import StoredPlan


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
        Rejected rows, :data:`geo.ingest.quarantine.QUARANTINE_COLUMNS`.
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
        """Return a counter that increases with every applied import (0 for a new store).

        Returns
        -------
        int
        """
        ...

    def apply(self, batch: ImportBatch) -> ImportRecord:
        """Apply one import atomically: upsert accepted rows, append quarantine and log.

        Accepted rows replace stored rows with the same key (``layer_spec(kind).key``) and
        are added otherwise; other stored rows stay. The quarantine rows are stored under
        ``batch.import_id`` (replacing any stored under that id before), one row is added to
        the import log, and the version goes up by one. Either all of it becomes visible or,
        on any error, crash or kill, none of it.

        Parameters
        ----------
        batch : ImportBatch
            What to write.

        Returns
        -------
        ImportRecord
            Rows inserted (new key) and updated (known key), and the new version.

        Raises
        ------
        StoreLockedError
            When another process is writing the store.
        StoreError
            When the batch does not fit the layer or the store cannot be written; the store is
            then unchanged.
        """
        ...

    def read(self, kind: LayerKind | str, *, thana: str | None = None) -> gpd.GeoDataFrame:
        """Return a layer (EPSG:4326), optionally only the rows of one thana.

        Parameters
        ----------
        kind : LayerKind or str
            The layer.
        thana : str, optional
            Keep only the rows of this thana: for layers with a ``thana`` column
            (incidents, centre audits, casework), rows whose ``thana`` equals it; for
            thanas, the row whose ``name`` equals it; for the other layers, the rows whose
            geometry intersects the thana's polygon. An unknown thana gives an empty frame.

        Returns
        -------
        geopandas.GeoDataFrame
            Exactly the columns ``layer_spec(kind).columns``, in order, rows in the order
            they were stored, a ``RangeIndex`` and CRS EPSG:4326: the same frame from every
            backend. A layer without geometry (``LayerSpec.spatial`` false: centre audits,
            casework) has an empty ``geometry`` column; a store made before a layer existed
            reads it as empty.
        """
        ...

    def count(self, kind: LayerKind | str) -> int:
        """Return the number of rows in a layer.

        Parameters
        ----------
        kind : LayerKind or str

        Returns
        -------
        int
        """
        ...

    def quarantine(
        self, kind: LayerKind | str | None = None, *, import_id: str | None = None
    ) -> pd.DataFrame:
        """Return quarantined rows, optionally of one layer or one import.

        Parameters
        ----------
        kind : LayerKind or str, optional
            Only rows rejected from imports into this layer.
        import_id : str, optional
            Only rows of this import.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`geo.ingest.quarantine.QUARANTINE_COLUMNS` (``row`` as ``int64``, the
            others text), oldest first.
        """
        ...

    def imports(self) -> pd.DataFrame:
        """Return the import log, one row per import, oldest first.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`geo.store.IMPORT_LOG_COLUMNS`; ``imported_at`` is ISO 8601 text in
            UTC, the counts are ``int64``.
        """
        ...

    def save_plan(self, plan: StoredPlan) -> None:
        """Save a new patrol plan (its id must be new); atomic, the version is unchanged.

        Plans are not data layers: saving one does not bump :attr:`version` (cached analyses
        stay valid).

        Parameters
        ----------
        plan : StoredPlan
            With its ``plan`` data.

        Raises
        ------
        StoreError
            When a plan with this id exists or the store cannot be written.
        StoreLockedError
            When another process is writing the store.
        """
        ...

    def read_plan(self, plan_id: str) -> StoredPlan | None:
        """Return a saved plan with its data, or ``None`` when there is none with this id.

        Parameters
        ----------
        plan_id : str

        Returns
        -------
        StoredPlan or None
        """
        ...

    def list_plans(self, *, thana: str | None = None) -> list[StoredPlan]:
        """Return the saved plans without their data (``plan`` is ``None``), newest first.

        Parameters
        ----------
        thana : str, optional
            Only plans limited to this thana.

        Returns
        -------
        list of StoredPlan
        """
        ...

    def set_plan_status(
        self, plan_id: str, *, expected: str, status: str, at: str, by: str
    ) -> bool:
        """Change a plan's status if it still is ``expected`` (compare and set, atomic).

        Parameters
        ----------
        plan_id : str
        expected : str
            The status the caller saw; nothing changes when another change came first.
        status : str
            The new status.
        at : str
            ISO 8601 UTC time of the change.
        by : str
            Who changed it.

        Returns
        -------
        bool
            Whether the plan changed.
        """
        ...
