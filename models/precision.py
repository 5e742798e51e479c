"""Which incidents have a time of day or a day: imprecise times never feed hour or weekday views."""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import counted
from geo.schema import TIME_DAY, TIME_EXACT, TIME_MONTH, TIME_PRECISION

logger = logging.getLogger(__name__)


def time_precision(incidents: pd.DataFrame) -> npt.NDArray[np.object_] | None:
    """Return how precisely each incident's time is known, or ``None`` when every one is exact.

    A missing column or value (a store made before the column existed) means exact.

    Parameters
    ----------
    incidents : pandas.DataFrame

    Returns
    -------
    numpy.ndarray or None
        ``geo.schema.TIME_PRECISIONS`` values aligned to ``incidents``.

    Examples
    --------
    >>> time_precision(pd.DataFrame({"time_precision": ["exact", None, "month"]})).tolist()
    ['exact', 'exact', 'month']
    >>> time_precision(pd.DataFrame({"x": [1]})) is None
    True
    """
    if TIME_PRECISION not in incidents.columns:
        return None
    column = incidents[TIME_PRECISION].astype("object")
    values: npt.NDArray[np.object_] = column.where(column.notna(), TIME_EXACT).to_numpy(
        dtype=object
    )
    if (values == TIME_EXACT).all():
        return None
    return values


def imprecise_note(precision: npt.NDArray[np.object_] | None) -> str | None:
    """Return the note saying how many incidents hour and weekday views left out, if any.

    Examples
    --------
    >>> note = imprecise_note(np.array(["exact", "day", "month"], dtype=object))
    >>> note.startswith("2 incident(s) have no time of day"), note.endswith("weekday profiles")
    (True, True)
    >>> imprecise_note(None) is None
    True
    """
    if precision is None:
        return None
    days = int((precision == TIME_DAY).sum())
    months = int((precision == TIME_MONTH).sum())
    if days + months == 0:
        return None
    text = counted(
        days + months,
        "{n} incident(s) have no time of day (date or month only) and are left out of the "
        "hour profiles",
        "{n} incident(s) have no time of day (date or month only) and are left out of the "
        "hour profiles",
    )
    if months:
        more = counted(
            months,
            "{n} has only a month and is left out of the weekday profiles",
            "{n} have only a month and are left out of the weekday profiles",
        )
        text = f"{text}; {more}"
    return text
