"""Change of the review's figures against the previous period of equal length."""

from __future__ import annotations

import pandas as pd

from models.review import columns as rc


def period_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Return ``current - previous`` of every figure (index-aligned; NaN where either is).

    Counts change by their difference; medians (days) and coverage shares too (a share's
    change is in share points). Dates and keys (last audit, fix-first) have no change.

    Parameters
    ----------
    current, previous : pandas.DataFrame
        Figures tables of the two periods, same index; not modified.

    Returns
    -------
    pandas.DataFrame
        Same index, the numeric figure columns.

    Examples
    --------
    >>> now = pd.DataFrame({"complaints_received": [5]}, index=["A"])
    >>> before = pd.DataFrame({"complaints_received": [3]}, index=["A"])
    >>> int(period_change(now, before).loc["A", "complaints_received"])
    2
    """
    skip = {rc.AUDITED_ON, rc.FIX_FIRST}
    columns = [c for c in current.columns if c not in skip and c in previous.columns]
    now = current[columns].apply(pd.to_numeric, errors="coerce").astype("float64")
    before = previous.reindex(current.index)[columns]
    before = before.apply(pd.to_numeric, errors="coerce").astype("float64")
    change: pd.DataFrame = now - before
    return change
