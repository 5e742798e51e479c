"""The field loop in a review: hotspots of each thana and, when recorded, patrol visits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd

from geo.schema import THANA
from models.hotspots.columns import PRIMARY_THANA
from models.review import columns as rc
from models.review.groups import count_by, group_keys, groups_of
from models.review.period import Period, local_days

#: Column of a visit's local day or time in the optional visits table.
VISITED_AT: Final = "visited_at"


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
        Patrol visits recorded in the field (one row per visit with ``thana`` and
        :data:`VISITED_AT`); without it the visits column is missing (NA), not zero.
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
        out[rc.PATROL_VISITS] = pd.Series(pd.NA, index=index, dtype="Int64")
    else:
        days = local_days(visits[VISITED_AT]) if VISITED_AT in visits.columns else None
        chosen = period.contains(days) if days is not None else pd.Series(True, index=visits.index)
        counts = count_by(chosen, group_keys(visits, whole=whole), index)
        out[rc.PATROL_VISITS] = counts.astype("Int64")
    return out
