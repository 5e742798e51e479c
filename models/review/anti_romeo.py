"""Anti-Romeo squad work in a period: cases registered, arrests, detentions by BNSS section."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.centre import BNSS_SECTION, BNSS_SECTIONS
from geo.incident_vocab import (
    ACTION_CASE_REGISTERED,
    ACTION_COUNSELLED,
    ACTION_DETAINED,
    SOURCE_ANTI_ROMEO,
)
from geo.schema import ACTION_TAKEN, ARRESTS, OCCURRED_AT, SOURCE
from models.review import columns as rc
from models.review.groups import count_by, group_keys, groups_of, sum_by
from models.review.period import Period


def _section(values: pd.Series) -> pd.Series:
    """Return each detention's BNSS section (``"126"``), or ``unstated``."""
    text = values.astype("string").str.strip().str.removesuffix(".0")
    return text.where(text.isin(BNSS_SECTIONS), rc.SECTION_UNSTATED).astype(object)


def anti_romeo_figures(
    incidents: pd.DataFrame, period: Period, thanas: Sequence[str], *, whole: bool = False
) -> pd.DataFrame:
    """Return each thana's anti-Romeo cases, arrests and detentions in a period.

    Counted from the incidents of source ``anti-romeo-action`` whose local day is in the
    period: cases are actions ``case-registered``, arrests the sum of ``arrests``,
    detentions the actions ``detained`` (split by ``bnss_section``; without one, or with a
    section outside :data:`geo.centre.BNSS_SECTIONS`, as ``unstated``), and couples
    counselled and reunited by the squads the actions ``counselled-reunited``.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The incidents layer (local times); not modified.
    period : Period
        The days whose squad actions count (by ``occurred_at``).
    thanas : sequence of str
        The rows of the result (every thana of the commissionerate).
    whole : bool
        One row, :data:`models.review.columns.COMMISSIONERATE`, for every action (those
        outside every thana included).

    Returns
    -------
    pandas.DataFrame
        Indexed by thana, columns :data:`models.review.columns.ANTI_ROMEO_COLUMNS`; 0 where
        the squads recorded no such action.
    """
    index = groups_of(thanas, whole=whole)
    keys = group_keys(incidents, whole=whole)
    if SOURCE in incidents.columns:
        squad = (incidents[SOURCE] == SOURCE_ANTI_ROMEO).fillna(False).astype(bool)
        chosen = squad & period.rows_in(incidents, OCCURRED_AT)
    else:
        chosen = pd.Series(False, index=incidents.index)
    action = (
        incidents[ACTION_TAKEN].astype(object)
        if ACTION_TAKEN in incidents.columns
        else pd.Series(None, index=incidents.index, dtype=object)
    )
    out = pd.DataFrame(index=index)
    out[rc.AR_CASES] = count_by(chosen & (action == ACTION_CASE_REGISTERED), keys, index)
    arrests = incidents[ARRESTS] if ARRESTS in incidents.columns else pd.Series(0, incidents.index)
    out[rc.AR_ARRESTS] = sum_by(arrests.where(chosen, 0), keys, index)
    detained = chosen & (action == ACTION_DETAINED)
    out[rc.DETENTIONS] = count_by(detained, keys, index)
    sections = (
        _section(incidents[BNSS_SECTION])
        if BNSS_SECTION in incidents.columns
        else pd.Series(rc.SECTION_UNSTATED, index=incidents.index, dtype=object)
    )
    sections_all = (*BNSS_SECTIONS, rc.SECTION_UNSTATED)
    for section, column in zip(sections_all, rc.DETENTION_COLUMNS, strict=True):
        out[column] = count_by(detained & (sections == section), keys, index)
    out[rc.AR_COUNSELLED] = count_by(chosen & (action == ACTION_COUNSELLED), keys, index)
    return out
