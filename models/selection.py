"""Selecting the incidents an analysis looks at: dates, categories, thana, precise points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import ParameterError
from geo.i18n import counted
from geo.schema import CATEGORY, LOCATION_PRECISION, OCCURRED_AT, PRECISE_LOCATIONS, THANA
from models.arrays import BoolArray

#: First and last day a selection may name; a day outside is a typing mistake (``0001-01-01``,
#: ``9999-12-31``), refused with a clear error instead of failing deep inside pandas, whose
#: timestamps only reach 1677..2262. The first day is after the last change of Indian local
#: time (1945-10-15): before it some local midnights do not exist (1906-01-01, 1941-10-01,
#: 1942-09-01 in Asia/Kolkata) and time bins starting there cannot be built.
FIRST_DAY: Final = dt.date(1950, 1, 1)
LAST_DAY: Final = dt.date(2100, 12, 31)

#: Key, in the attrs / parameters / summary of a point analysis, of the number of incidents
#: it left out because they are located only to a locality or pincode centroid.
IMPRECISE_LEFT_OUT: Final = "imprecise_locations_left_out"

_Points = TypeVar("_Points", gpd.GeoDataFrame, gpd.GeoSeries, pd.DataFrame)


def select_incidents(
    incidents: gpd.GeoDataFrame,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    categories: Sequence[str] | None = None,
    thana: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the incidents in ``[start, end]`` (whole local days), of some categories, in a thana.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents with tz-aware ``occurred_at`` in local time (see :func:`geo.store.read_layer`).
    start, end : date or str, optional
        First and last day included (``"2026-01-01"``), in the incidents' timezone.
    categories : sequence of str, optional
        Keep only these categories.
    thana : str, optional
        Keep only incidents whose polygon thana is this one.

    Returns
    -------
    geopandas.GeoDataFrame
        A filtered copy; the input is not changed, the index is kept.
    """
    mask = pd.Series(True, index=incidents.index)
    times = incidents[OCCURRED_AT]
    tz = getattr(times.dt, "tz", None)
    first, last = check_dates(start, end)
    if first is not None:
        mask &= times >= pd.Timestamp(first, tz=tz)
    if last is not None:
        mask &= times < pd.Timestamp(last, tz=tz) + pd.Timedelta(days=1)
    if categories:
        mask &= incidents[CATEGORY].isin(list(categories))
    if thana is not None:
        mask &= incidents[THANA] == thana
    return incidents.loc[mask.fillna(False).astype(bool)].copy()


def check_dates(
    start: dt.date | str | None, end: dt.date | str | None
) -> tuple[dt.date | None, dt.date | None]:
    """Return the first and last day of a selection, after checking them.

    Parameters
    ----------
    start, end : date or str, optional
        First and last day included (``"2026-01-01"``).

    Returns
    -------
    (date or None, date or None)

    Raises
    ------
    geo.errors.ParameterError
        For text that is not a date, a day outside :data:`FIRST_DAY` .. :data:`LAST_DAY`, or a
        start after the end; the message names the start or end date and the fix.
    """
    first = _day(start, "start")
    last = _day(end, "end")
    if first is not None and last is not None and first > last:
        raise ParameterError(
            f"the date range {first} .. {last} is empty",
            fix="give a start date (--from) on or before the end date (--to)",
        )
    return first, last


def _day(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ParameterError(
                f"{what} date {value!r} is not a date",
                fix="write it as YYYY-MM-DD, e.g. 2026-01-31",
            ) from None
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ParameterError(
            f"{what} date {day} is outside {FIRST_DAY} .. {LAST_DAY}",
            why="a day that far away is a typing mistake; no record or plan reaches it",
            fix=f"give a {what} date between {FIRST_DAY} and {LAST_DAY}, or none for no limit",
        )
    return value


def precise_mask(incidents: pd.DataFrame | gpd.GeoSeries) -> BoolArray | None:
    """Return which incidents are located precisely enough for point analyses (``None``: all).

    Precise means a ``location_precision`` in ``geo.schema.PRECISE_LOCATIONS`` (the row's own
    coordinates or a landmark); a missing column or value (a store made before the column, a
    frame built in code) means exact. Locality and pincode centroids are not precise: many
    rows share one such point, which would pile up into a false hotspot.

    Parameters
    ----------
    incidents : pandas.DataFrame or geopandas.GeoSeries
        A GeoSeries carries no precision: every point is precise.

    Returns
    -------
    numpy.ndarray of bool or None
        Aligned to ``incidents``; ``None`` when every row is precise.

    Examples
    --------
    >>> frame = pd.DataFrame({"location_precision": ["exact", None, "pincode", "landmark"]})
    >>> precise_mask(frame).tolist()
    [True, True, False, True]
    >>> precise_mask(pd.DataFrame({"x": [1]})) is None
    True
    """
    if not isinstance(incidents, pd.DataFrame) or LOCATION_PRECISION not in incidents.columns:
        return None
    values = incidents[LOCATION_PRECISION]
    mask: BoolArray = (values.isna() | values.isin(PRECISE_LOCATIONS)).to_numpy(dtype=bool)
    return None if mask.all() else mask


def point_incidents(incidents: _Points) -> tuple[_Points, int]:
    """Split off the incidents precise enough for point analyses, and count the rest.

    Hotspots, CCTV gaps and placement demand, patrol stops and the point surfaces (KDE, Gi*,
    emerging hotspots, back-tests) look only at these; thana totals still count every row.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame, GeoSeries or pandas.DataFrame
        Not modified.

    Returns
    -------
    (same type, int)
        The precise incidents (the input itself when all are precise, index kept) and how many
        were left out (located only to a locality or pincode centroid).

    Examples
    --------
    >>> frame = pd.DataFrame({"location_precision": ["exact", "locality", None]}, index=[4, 5, 6])
    >>> kept, left_out = point_incidents(frame)
    >>> kept.index.tolist(), left_out
    ([4, 6], 1)
    """
    mask = precise_mask(incidents)
    if mask is None:
        return incidents, 0
    return incidents.loc[mask], int(np.count_nonzero(~mask))


def imprecise_location_note(left_out: int) -> str | None:
    """Return the note saying how many incidents a point analysis left out, if any.

    Examples
    --------
    >>> imprecise_location_note(3).startswith("3 incidents located only to a locality")
    True
    >>> imprecise_location_note(0) is None
    True
    """
    if left_out <= 0:
        return None
    return counted(
        left_out,
        "{n} incident located only to a locality or pincode centre is left out of the "
        "hotspots, CCTV gaps and patrol stops (it still counts in the thana totals)",
        "{n} incidents located only to a locality or pincode centre are left out of the "
        "hotspots, CCTV gaps and patrol stops (they still count in the thana totals)",
    )
