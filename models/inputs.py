"""The inputs of an analysis: the store's layers in local time and the selected incidents."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import ParameterError
from geo.schema import NAME, OCCURRED_AT, LayerKind
from geo.store import Store, read_layer
from models.selection import select_incidents

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """Which incidents an analysis looks at (all fields optional).

    Attributes
    ----------
    start, end : str or date, optional
        First and last local day included (``"2026-01-31"``).
    thana : str, optional
        Only incidents of this thana; the study area becomes its polygon.
    categories : tuple of str
        Only these categories (empty: all).
    """

    start: str | dt.date | None = None
    end: str | dt.date | None = None
    thana: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)

    def key(self) -> tuple[Any, ...]:
        """Return a hashable key of the selection, for caches."""
        return (str(self.start), str(self.end), self.thana, tuple(sorted(self.categories)))


@dataclass(frozen=True)
class AnalysisInputs:
    """Every layer of a store in local time, plus the selected incidents.

    Attributes
    ----------
    selection : Selection
    incidents : geopandas.GeoDataFrame
        The selected incidents (EPSG:4326, local times).
    all_incidents, campaigns, cctv, sites, thanas : geopandas.GeoDataFrame
        The whole layers. Nearby sites, cameras and drives are not cut at the thana boundary.
    timezone : str
    version : int
        The store version they were read at (for caches).
    """

    selection: Selection
    incidents: gpd.GeoDataFrame
    all_incidents: gpd.GeoDataFrame
    campaigns: gpd.GeoDataFrame
    cctv: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    thanas: gpd.GeoDataFrame
    timezone: str
    version: int

    def study_area(self) -> gpd.GeoDataFrame | None:
        """Return the thana polygons (only the selected thana's), or ``None`` without any."""
        if self.thanas.empty:
            return None
        if self.selection.thana is not None:
            return self.thanas[self.thanas[NAME] == self.selection.thana]
        return self.thanas

    def reference_time(self) -> pd.Timestamp | None:
        """Return the end of the selection's last day (local), or ``None`` without an end.

        "Recent" then means recent as of that day; without an end the models use the latest
        incident (never the wall clock).
        """
        if self.selection.end is None:
            return None
        day = self.selection.end
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        return pd.Timestamp(day, tz=self.timezone) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)

    def describe(self) -> dict[str, Any]:
        """Describe the selection (counts and dates, nothing per incident) for summaries."""
        times = self.incidents[OCCURRED_AT]
        return {
            "incidents": len(self.incidents),
            "first": times.min().date().isoformat() if len(times) else None,
            "last": times.max().date().isoformat() if len(times) else None,
            "thana": self.selection.thana,
            "categories": list(self.selection.categories),
        }


def load_inputs(
    store: Store,
    selection: Selection | None = None,
    *,
    timezone: str,
    require_incidents: bool = True,
) -> AnalysisInputs:
    """Read the store's layers in local time and select the incidents.

    Parameters
    ----------
    store : geo.store.Store
    selection : Selection, optional
        Default: everything.
    timezone : str
        The deployment's ``SHAKTI_TIMEZONE``.
    require_incidents : bool, default True
        Raise when the selection leaves no incident.

    Returns
    -------
    AnalysisInputs

    Raises
    ------
    geo.errors.ParameterError
        For a thana that is not in the store, a bad date, or (with ``require_incidents``) an
        empty selection.
    """
    sel = selection if selection is not None else Selection()
    version = store.version

    def read(kind: LayerKind) -> gpd.GeoDataFrame:
        return read_layer(store, kind, timezone=timezone)

    incidents = read(LayerKind.INCIDENTS)
    thanas = read(LayerKind.THANAS)
    if sel.thana is not None and not thanas.empty and sel.thana not in set(thanas[NAME]):
        known = ", ".join(sorted(thanas[NAME].astype(str))[:8])
        raise ParameterError(
            f"thana {sel.thana!r} is not in the store",
            why=f"the store's thanas include: {known}, …",
            fix="spell the thana exactly as the thana layer does (see `shakti layers`)",
        )
    chosen = select_incidents(
        incidents,
        start=sel.start,
        end=sel.end,
        categories=list(sel.categories) or None,
        thana=sel.thana,
    )
    if require_incidents and chosen.empty:
        raise ParameterError(
            f"no incidents match the selection (of {len(incidents)} in the store)",
            why="the date range, thana or categories leave nothing to analyse",
            fix="widen the dates, drop the thana/category filter, or import incidents first",
        )
    logger.info("selected %d of %d incidents", len(chosen), len(incidents))
    return AnalysisInputs(
        selection=sel,
        incidents=chosen,
        all_incidents=incidents,
        campaigns=read(LayerKind.CAMPAIGNS),
        cctv=read(LayerKind.CCTV),
        sites=read(LayerKind.SITES),
        thanas=thanas,
        timezone=timezone,
        version=version,
    )


def categories_of(values: Sequence[str] | None) -> tuple[str, ...]:
    """Return a selection's categories as a tuple (``None`` → all)."""
    return tuple(values) if values else ()
