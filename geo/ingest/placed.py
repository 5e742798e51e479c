"""Rows located from a gazetteer place during validation: the place step and its columns."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.crs import WGS84
from geo.ingest.columns import ColumnPlan
from geo.ingest.geocode import PlaceFill, drop_coordinate_problems, fill_from_places, needs_place
from geo.ingest.location import locate
from geo.ingest.problems import Problems
from geo.ingest.readers import RawTable
from geo.places.gazetteer import Gazetteer
from geo.region import Region
from geo.schema import LOCATION_PRECISION, LOCATION_PRECISIONS, MATCHED_PLACE, LayerSpec


@dataclass(frozen=True)
class PlaceSource:
    """What rows without coordinates may be located with (see :mod:`geo.ingest.geocode`).

    Attributes
    ----------
    gazetteer : geo.places.gazetteer.Gazetteer
    thanas : pandas.DataFrame or None
        The thana layer, to restrict a row's places to its stated thana.
    threshold : float
        Least match confidence (``Settings.place_match_threshold``).
    """

    gazetteer: Gazetteer
    thanas: pd.DataFrame | None
    threshold: float


def locate_rows(
    raw: RawTable,
    frame: pd.DataFrame,
    plan: ColumnPlan,
    spec: LayerSpec,
    region: Region,
    problems: Problems,
    rows: npt.NDArray[np.int64],
    warnings: list[str],
    fix_swapped: bool,
    places_from: PlaceSource | None,
) -> tuple[gpd.GeoSeries, PlaceFill | None]:
    """Build every row's geometry, first locating rows without coordinates from their place.

    Parameters
    ----------
    raw : RawTable
        The file as read (its own geometry, if any).
    frame : pandas.DataFrame
        The file's columns without the personal ones.
    plan : ColumnPlan
        Which columns give which fields and the coordinates.
    spec : LayerSpec
    region : Region
    problems : Problems
        Collects location problems (a place problem replaces the row's missing-coordinates one).
    rows : numpy.ndarray
        1-based file row numbers.
    warnings : list of str
        Collects the repairs applied.
    fix_swapped : bool
        Swap swapped lat/lon back instead of quarantining the row.
    places_from : PlaceSource or None
        The gazetteer; without one no row is located from its place.

    Returns
    -------
    geometry : geopandas.GeoSeries
        One geometry per file row (missing for rows not located), positionally aligned.
    places : PlaceFill or None
        The place step's outcome, or None when it did not run.
        An attribute table (``spec.spatial`` false: centre audits, casework) has no
        location: every geometry is missing and no location problem is recorded.
    """
    if not spec.spatial:
        return gpd.GeoSeries([None] * len(frame), index=frame.index, crs=WGS84), None
    places = None
    if places_from is not None and needs_place(frame, plan, raw.geometry is not None):
        places = fill_from_places(
            frame,
            plan,
            places_from.gazetteer,
            places_from.thanas,
            threshold=places_from.threshold,
            problems=problems,
            rows=rows,
        )
    loc_frame, loc_plan = (frame, plan) if places is None else (places.frame, places.plan)
    geometry = locate(raw, loc_frame, loc_plan, spec, region, problems, rows, warnings, fix_swapped)
    if places is not None:
        drop_coordinate_problems(problems, places.place_problems)
    return geometry, places


def stored_place(written: pd.Series, places: PlaceFill | None) -> pd.Series:
    """Return the place to store for every file row: the gazetteer name matched, never the text.

    The place as written may hold an address: only a gazetteer name is ever stored.
    """
    if places is None:
        return pd.Series(pd.NA, index=written.index, dtype="string")
    return places.matched.reset_index(drop=True)


def set_location_precision(
    accepted: gpd.GeoDataFrame, places: PlaceFill | None, good: npt.NDArray[np.bool_]
) -> None:
    """Fill ``location_precision`` and ``matched_place`` of the accepted rows."""
    precision = pd.Series(LOCATION_PRECISIONS[0], index=accepted.index, dtype="string")
    matched = pd.Series(pd.NA, index=accepted.index, dtype="string")
    if places is not None:
        located = places.precision[good].reset_index(drop=True)
        precision = located.fillna(LOCATION_PRECISIONS[0]).astype("string")
        matched = places.matched[good].reset_index(drop=True).astype("string")
    accepted[LOCATION_PRECISION] = precision.to_numpy()
    accepted[LOCATION_PRECISION] = accepted[LOCATION_PRECISION].astype("string")
    accepted[MATCHED_PLACE] = matched.to_numpy()
    accepted[MATCHED_PLACE] = accepted[MATCHED_PLACE].astype("string")
