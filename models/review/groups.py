"""Grouping of review figures: per thana, or every thana as the commissionerate."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.schema import THANA
from models.review.columns import COMMISSIONERATE, THANA_INDEX


def group_keys(frame: pd.DataFrame, *, whole: bool) -> pd.Series:
    """Return each row's group: its thana, or :data:`COMMISSIONERATE` with ``whole``.

    A row without a thana (outside every thana polygon) counts only for the commissionerate,
    so the commissionerate may hold more than the sum of its thanas; a frame without a thana
    column has no row of any thana.
    """
    if whole:
        return pd.Series(COMMISSIONERATE, index=frame.index, dtype=object)
    if THANA not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype=object)
    return frame[THANA].astype(object)


def groups_of(thanas: Sequence[str], *, whole: bool) -> pd.Index:
    """Return the row labels of a figures table: the thanas, or the commissionerate."""
    labels = [COMMISSIONERATE] if whole else list(thanas)
    return pd.Index(labels, name=THANA_INDEX, dtype=object)


def count_by(mask: pd.Series, keys: pd.Series, index: pd.Index) -> pd.Series:
    """Return the number of rows of ``mask`` per group of ``index`` (0 for none)."""
    counts = keys[mask.to_numpy(dtype=bool)].value_counts()
    return counts.reindex(index, fill_value=0).astype("int64")


def sum_by(values: pd.Series, keys: pd.Series, index: pd.Index) -> pd.Series:
    """Return the sum of ``values`` per group of ``index`` (0 for none)."""
    sums = pd.to_numeric(values, errors="coerce").fillna(0).groupby(keys.to_numpy()).sum()
    return sums.reindex(index, fill_value=0).astype("int64")


def median_by(values: pd.Series, keys: pd.Series, index: pd.Index) -> pd.Series:
    """Return the median of ``values`` per group of ``index`` (NaN for none)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.empty:
        return pd.Series(float("nan"), index=index, dtype="float64")
    medians = numbers.groupby(keys.to_numpy()).median()
    return medians.reindex(index).astype("float64")
