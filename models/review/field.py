"""The field loop in a review: hotspots of each thana and, when recorded, patrol visits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd

from geo.schema import ARRIVED, DAY, LEFT, STATUS, THANA, VISIT_CUT_SHORT, VISIT_VISITED
from models.hotspots.columns import PRIMARY_THANA
from models.review import columns as rc
from models.review.groups import count_by, group_keys, groups_of, sum_by
from models.review.period import Period, local_days

#: Statuses of a visit that put a team at the stop (the others are misses).
PRESENT: Final = (VISIT_VISITED, VISIT_CUT_SHORT)


def field_figures(
    hotspots: pd.DataFrame | None,
    period: Period,
    thanas: Sequence[str],
    *,
    visits: pd.DataFrame | None = None,
    whole: bool = False,
) -> pd.DataFrame:
    """Return each thana's hotspots and patrol visits (dosage) in a period.

    Parameters
    ----------
    hotspots : pandas.DataFrame or None
        :func:`models.hotspots.find_hotspots` of the period's incidents (a hotspot counts in
        its ``primary_thana``); None: no incidents, no hotspot.
    period : Period
    thanas : sequence of str
    visits : pandas.DataFrame, optional
        The visit log (the ``visits`` layer: ``thana``, ``day``, ``status``, ``arrived``,
        ``left``); visits of the period's days count. Without it the visit columns are missing
        (NA), not zero.
    whole : bool
        One row for the commissionerate.

    Returns
    -------
    pandas.DataFrame
        Indexed by thana, columns :data:`models.review.columns.FIELD_COLUMNS`.
    """
    index = groups_of(thanas, whole=whole)
    out = pd.DataFrame(index=index)
    if hotspots is None or hotspots.empty:
        out[rc.HOTSPOTS] = pd.Series(0, index=index, dtype="int64")
    else:
        named = hotspots.rename(columns={PRIMARY_THANA: THANA})[[THANA]]
        out[rc.HOTSPOTS] = count_by(
            pd.Series(True, index=named.index), group_keys(named, whole=whole), index
        )
    if visits is None:
        for column in (rc.PATROL_VISITS, rc.PATROL_MINUTES, rc.PATROL_MISSED):
            out[column] = pd.Series(pd.NA, index=index, dtype="Int64")
        return out
    return out.join(_visit_figures(visits, period, index, whole=whole))


def _visit_figures(
    visits: pd.DataFrame, period: Period, index: pd.Index, *, whole: bool
) -> pd.DataFrame:
    """Return visits, minutes of presence and misses of the period per thana (or in all)."""
    in_period = period.contains(local_days(visits[DAY])).to_numpy(dtype=bool)
    present = visits[STATUS].isin(PRESENT).to_numpy(dtype=bool) & in_period
    missed = ~visits[STATUS].isin(PRESENT).to_numpy(dtype=bool) & in_period
    stay = pd.to_datetime(visits[LEFT], errors="coerce") - pd.to_datetime(
        visits[ARRIVED], errors="coerce"
    )
    minutes = (stay.dt.total_seconds() / 60).clip(lower=0).fillna(0).where(present, 0)
    keys = group_keys(visits, whole=whole)
    return pd.DataFrame(
        {
            rc.PATROL_VISITS: count_by(pd.Series(present, index=visits.index), keys, index),
            rc.PATROL_MINUTES: sum_by(minutes.round(), keys, index),
            rc.PATROL_MISSED: count_by(pd.Series(missed, index=visits.index), keys, index),
        },
        index=index,
    ).astype("Int64")
