"""Awareness drives in a period: drives held, distinct places, women and girls reached."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import pandas as pd

from geo.schema import ATTENDEES, HELD_ON
from models.review import columns as rc
from models.review.groups import count_by, group_keys, groups_of, sum_by
from models.review.period import Period

#: Decimal places of longitude/latitude that make two drives one place (~1 cm: the same
#: point in the register).
PLACE_DECIMALS: Final = 7


def _place_keys(campaigns: pd.DataFrame) -> pd.Series:
    """Return a key of each drive's place (rounded coordinates; each row its own without)."""
    if isinstance(campaigns, gpd.GeoDataFrame) and campaigns.geometry.name in campaigns:
        geom = campaigns.geometry
        ok = geom.notna() & ~geom.is_empty
        x = geom.x.where(ok).round(PLACE_DECIMALS).astype(str)
        y = geom.y.where(ok).round(PLACE_DECIMALS).astype(str)
        keys: pd.Series = (x + "," + y).where(
            ok, pd.Series(campaigns.index.astype(str), campaigns.index)
        )
        return keys
    return pd.Series(campaigns.index.astype(str), index=campaigns.index)


def awareness_figures(
    campaigns: pd.DataFrame, period: Period, thanas: Sequence[str], *, whole: bool = False
) -> pd.DataFrame:
    """Return each thana's awareness drives, places and attendees in a period.

    Drives are the campaign rows held in the period; places the distinct drive locations
    (coordinates rounded to :data:`PLACE_DECIMALS` decimals, per thana); women reached the
    sum of ``attendees`` (a missing count reaches nobody on paper).

    Parameters
    ----------
    campaigns : pandas.DataFrame or geopandas.GeoDataFrame
        The campaigns layer (EPSG:4326); not modified.
    period : Period
        The days whose drives count (by ``held_on``).
    thanas : sequence of str
        The rows of the result (every thana of the commissionerate).
    whole : bool
        One row, :data:`models.review.columns.COMMISSIONERATE`, for every drive (a place
        counted once however many thanas it served).

    Returns
    -------
    pandas.DataFrame
        Indexed by thana, columns :data:`models.review.columns.AWARENESS_COLUMNS`; a thana
        without a drive in the period has 0 drives, places and women reached.
    """
    index = groups_of(thanas, whole=whole)
    keys = group_keys(campaigns, whole=whole)
    held = period.rows_in(campaigns, HELD_ON)
    out = pd.DataFrame(index=index)
    out[rc.DRIVES] = count_by(held, keys, index)
    places = pd.DataFrame({"key": keys, "place": _place_keys(campaigns)})[held.to_numpy()]
    distinct = places.drop_duplicates().groupby("key").size()
    out[rc.PLACES] = distinct.reindex(index, fill_value=0).astype("int64")
    attendees = (
        campaigns[ATTENDEES] if ATTENDEES in campaigns.columns else pd.Series(0, campaigns.index)
    )
    out[rc.WOMEN_REACHED] = sum_by(attendees.where(held, 0), keys, index)
    return out
