"""Rows located from a gazetteer place during validation: the place step and its columns."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.crs import WGS84
from geo.ingest.geocode import PlaceFill, drop_coordinate_problems, fill_from_places, needs_place
from geo.ingest.location import Locating, locate
from geo.places.gazetteer import Gazetteer
from geo.schema import LOCATION_PRECISION, LOCATION_PRECISIONS, MATCHED_PLACE


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
    job: Locating, places_from: PlaceSource | None
) -> tuple[gpd.GeoSeries, PlaceFill | None]:
    """Build every row's geometry, first locating rows without coordinates from their place.

    Parameters
    ----------
    job : geo.ingest.location.Locating
        The file, its columns and plan, the layer, region and collectors; its ``problems``
        collect location problems (a place problem replaces the row's missing-coordinates one).
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
    if not job.spec.spatial:
        return gpd.GeoSeries([None] * len(job.frame), index=job.frame.index, crs=WGS84), None
    places = None
    if places_from is not None and needs_place(job.frame, job.plan, job.raw.geometry is not None):
        places = fill_from_places(
            job.frame,
            job.plan,
            places_from.gazetteer,
            places_from.thanas,
            threshold=places_from.threshold,
            problems=job.problems,
            rows=job.rows,
        )
    geometry = locate(job if places is None else replace(job, frame=places.frame, plan=places.plan))
    if places is not None:
        drop_coordinate_problems(job.problems, places.place_problems)
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
