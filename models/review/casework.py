"""Complaints at the Mission Shakti centres: received, disposed, pending with ageing, reunions."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.centre import (
    AGE_BAND,
    CASE_CYBER,
    CASE_OUTCOME,
    CASE_TYPE,
    DISPOSED_ON,
    OUTCOME_PENDING,
    OUTCOME_REUNITED,
    RECEIVED_ON,
    YOUNG_AGE_BANDS,
)
from models.review import columns as rc
from models.review.groups import count_by, group_keys, groups_of, median_by
from models.review.period import Period, local_days


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype=object)


def casework_figures(
    casework: pd.DataFrame, period: Period, thanas: Sequence[str], *, whole: bool = False
) -> pd.DataFrame:
    """Return the complaint figures of each thana (or of the commissionerate) in a period.

    A complaint is *received* in the period when its ``received_on`` day is in it, *disposed*
    when its ``disposed_on`` day is (whatever day it came in), and *pending* at the period's
    last day when it came in by then and was not disposed of by then (an outcome ``pending``
    counts as not disposed whatever its date says). Ageing counts pending complaints more than
    7, 15 and 30 days old on the last day (exactly 7 days is not "over 7"). Days to disposal are
    ``disposed_on - received_on`` of the complaints disposed in the period (a disposal before
    the complaint came in is a register error and has no duration). A reunion is a
    complaint with outcome ``reunited`` disposed in the period (received in it when no
    disposal day is on record). Cyber complaints of young women are those of type ``cyber``
    with an age band in :data:`geo.centre.YOUNG_AGE_BANDS`.

    Parameters
    ----------
    casework : pandas.DataFrame
        The casework layer (:mod:`geo.centre` columns and ``thana``); not modified.
    period : Period
    thanas : sequence of str
        The rows of the result (every thana of the commissionerate).
    whole : bool
        One row, :data:`models.review.columns.COMMISSIONERATE`, for every complaint.

    Returns
    -------
    pandas.DataFrame
        Indexed by thana, columns :data:`models.review.columns.CASEWORK_COLUMNS`.

    Examples
    --------
    >>> frame = pd.DataFrame({"thana": ["A"], "received_on": ["2026-01-01"],
    ...                       "disposed_on": [None], "case_outcome": ["pending"]})
    >>> row = casework_figures(frame, Period.of("2026-01-01", "2026-01-31"), ["A"]).loc["A"]
    >>> int(row["complaints_pending"]), int(row["pending_over_15d"]), int(row["pending_over_30d"])
    (1, 1, 0)
    """
    index = groups_of(thanas, whole=whole)
    keys = group_keys(casework, whole=whole)
    received = local_days(_column(casework, RECEIVED_ON))
    outcome = _column(casework, CASE_OUTCOME).astype(object)
    disposed = local_days(_column(casework, DISPOSED_ON)).where(outcome != OUTCOME_PENDING)
    end = period.last_day()
    came_in = period.contains(received)
    went_out = period.contains(disposed)
    pending = (received <= end) & ~(disposed <= end)
    age = (end - received).dt.days
    took = (disposed - received).dt.days
    took = took.where(went_out & (took >= 0))  # disposed before received: a register error
    reunion_day = disposed.fillna(received)
    cyber = (_column(casework, CASE_TYPE) == CASE_CYBER) & _column(casework, AGE_BAND).isin(
        YOUNG_AGE_BANDS
    ).astype(bool)
    cyber = cyber.fillna(False).astype(bool)
    out = pd.DataFrame(index=index)
    out[rc.RECEIVED] = count_by(came_in, keys, index)
    out[rc.DISPOSED] = count_by(went_out, keys, index)
    out[rc.PENDING] = count_by(pending, keys, index)
    for days, column in zip(rc.AGEING_DAYS, rc.PENDING_OVER, strict=True):
        out[column] = count_by(pending & (age > days), keys, index)
    out[rc.MEDIAN_DISPOSAL_DAYS] = median_by(took, keys, index)
    reunited = (outcome == OUTCOME_REUNITED).fillna(False).astype(bool)
    out[rc.REUNITED] = count_by(reunited & period.contains(reunion_day), keys, index)
    out[rc.CYBER_YOUNG] = count_by(cyber & came_in, keys, index)
    out[rc.CYBER_YOUNG_DISPOSED] = count_by(cyber & went_out, keys, index)
    out[rc.CYBER_YOUNG_PENDING] = count_by(cyber & pending, keys, index)
    out[rc.CYBER_YOUNG_MEDIAN_DAYS] = median_by(took.where(cyber), keys, index)
    return out
