"""Selecting the incidents an analysis looks at: a date range, categories and a thana."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from geo.errors import ParameterError
from geo.schema import CATEGORY, OCCURRED_AT, THANA


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
    first = _day(start, "start")
    last = _day(end, "end")
    if first is not None and last is not None and first > last:
        raise ParameterError(
            f"the date range {first} .. {last} is empty",
            fix="give --from on or before --to",
        )
    if first is not None:
        mask &= times >= pd.Timestamp(first, tz=tz)
    if last is not None:
        mask &= times < pd.Timestamp(last, tz=tz) + pd.Timedelta(days=1)
    if categories:
        mask &= incidents[CATEGORY].isin(list(categories))
    if thana is not None:
        mask &= incidents[THANA] == thana
    return incidents.loc[mask.fillna(False).astype(bool)].copy()


def _day(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(
            f"{what} date {value!r} is not a date",
            fix="write it as YYYY-MM-DD, e.g. 2026-01-31",
        ) from None
