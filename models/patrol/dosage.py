"""Patrol dosage: minutes of presence per place and week against Koper's 10–15 minutes.

From the visit log (the ``visits`` layer): per place (the stop's hotspot or site) and ISO week
(Monday first), how many visits were planned, made, cut short and missed, how many minutes a
team was there in all and per visit, and whether a visit was shorter than Koper's (1995)
reference of 10–15 minutes of presence. :func:`follow_up` turns the missed visits of a week
into a prize factor per place for the next plan, with its "why" (``plan_patrols(...,
follow_up=...)``): a place missed in 2 of 3 planned visits weighs 1 + 2/3 × strength.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.i18n import format_int, ngettext
from geo.ingest.visit_rules import PlanStops
from geo.schema import (
    ARRIVED,
    DAY,
    LEFT,
    STATUS,
    STOP,
    STOP_PLACE,
    TEAM,
    VISIT_ABSENT,
    VISIT_CUT_SHORT,
    VISIT_VISITED,
)
from models.patrol.records import DEFAULT_DWELL_MIN, FAIRNESS_BOUNDS, PLACE_ID

logger = logging.getLogger(__name__)

#: Koper's reference dwell (minutes): the least and the most presence that deters longest.
REFERENCE_MIN: Final = DEFAULT_DWELL_MIN
#: Columns of :func:`dosage_table`.
WEEK: Final = "week"
PLANNED: Final = "planned"
VISITED: Final = "visited"
CUT_SHORT: Final = "cut_short"
MISSED: Final = "missed"
UNLOGGED: Final = "unlogged"
MINUTES: Final = "minutes"
MINUTES_PER_VISIT: Final = "minutes_per_visit"
BELOW_REFERENCE: Final = "below_reference"
DOSAGE_COLUMNS: Final = (
    PLACE_ID, WEEK, PLANNED, VISITED, CUT_SHORT, MISSED, UNLOGGED, MINUTES, MINUTES_PER_VISIT,
    BELOW_REFERENCE,
)  # fmt: skip
#: Default strength of the follow-up: a place missed at every planned visit weighs double.
DEFAULT_FOLLOW_UP: Final = 1.0


@dataclass(frozen=True)
class FollowUp:
    """How much more the next plan weighs a place, and why.

    Attributes
    ----------
    factor : float
        Prize factor (≥ 1) of the place's visits in the next plan.
    why : str
        "missed 2 of 3 planned visits last week", added to the stop's reason.
    """

    factor: float
    why: str


def week_of(day: dt.date) -> dt.date:
    """Return the Monday of a day's ISO week.

    Examples
    --------
    >>> week_of(dt.date(2026, 12, 3))
    datetime.date(2026, 11, 30)
    """
    return day - dt.timedelta(days=day.weekday())


def _unlogged(visits: pd.DataFrame, planned: PlanStops | None) -> pd.DataFrame:
    """Return the planned stops without any visit row: (place, day) per stop."""
    if planned is None:
        return pd.DataFrame({PLACE_ID: pd.Series(dtype=str), DAY: pd.Series(dtype=object)})
    logged = {
        (str(t), pd.Timestamp(d).date(), int(s))
        for t, d, s in zip(visits[TEAM], visits[DAY], visits[STOP], strict=True)
        if pd.notna(s)
    }
    rows = [(stop.place_id, key[1]) for key, stop in planned.stops.items() if key not in logged]
    return pd.DataFrame(rows, columns=[PLACE_ID, DAY])


def dosage_table(visits: pd.DataFrame, planned: PlanStops | None = None) -> pd.DataFrame:
    """Return minutes of presence and missed visits per place and week.

    Parameters
    ----------
    visits : pandas.DataFrame
        Rows of the ``visits`` layer (``day``, ``team``, ``stop``, ``place_id``, ``status``,
        ``arrived``, ``left``).
    planned : PlanStops, optional
        The plan's stops: a stop without any row counts as planned and ``unlogged``.

    Returns
    -------
    pandas.DataFrame
        :data:`DOSAGE_COLUMNS`, one row per place and week (Monday), sorted. ``minutes`` sums
        ``left - arrived`` of visited and cut-short stops; ``minutes_per_visit`` is missing
        without a visit; ``below_reference`` says a visit averaged under the reference's
        10 minutes.
    """
    status = visits[STATUS].astype("string")
    present = status.isin([VISIT_VISITED, VISIT_CUT_SHORT]).fillna(False)
    minutes = (visits[LEFT] - visits[ARRIVED]).dt.total_seconds().div(60).where(present, 0.0)
    rows = pd.DataFrame(
        {
            PLACE_ID: visits[STOP_PLACE].astype("string"),
            WEEK: [week_of(pd.Timestamp(d).date()) for d in visits[DAY]],
            PLANNED: 1,
            VISITED: present.astype(int),
            CUT_SHORT: (status == VISIT_CUT_SHORT).fillna(False).astype(int),
            MISSED: status.isin(VISIT_ABSENT).fillna(False).astype(int),
            UNLOGGED: 0,
            MINUTES: minutes.fillna(0.0),
        }
    )
    extra = _unlogged(visits, planned)
    if len(extra):
        rows = pd.concat(
            [
                rows,
                pd.DataFrame(
                    {
                        PLACE_ID: extra[PLACE_ID].astype("string"),
                        WEEK: [week_of(d) for d in extra[DAY]],
                        PLANNED: 1,
                        VISITED: 0,
                        CUT_SHORT: 0,
                        MISSED: 0,
                        UNLOGGED: 1,
                        MINUTES: 0.0,
                    }
                ),
            ],
            ignore_index=True,
        )
    rows = rows[rows[PLACE_ID].notna()]
    sums = [PLANNED, VISITED, CUT_SHORT, MISSED, UNLOGGED, MINUTES]
    table = rows.groupby([PLACE_ID, WEEK], sort=True)[sums].sum().reset_index()
    table[MINUTES] = table[MINUTES].round(1)
    per_visit = table[MINUTES] / table[VISITED].replace(0, np.nan)
    table[MINUTES_PER_VISIT] = per_visit.round(1)
    table[BELOW_REFERENCE] = (per_visit < REFERENCE_MIN[0]).fillna(False).astype(bool)
    return table.loc[:, list(DOSAGE_COLUMNS)]


def follow_up(
    dosage: pd.DataFrame,
    *,
    week: dt.date | None = None,
    strength: float = DEFAULT_FOLLOW_UP,
) -> dict[str, FollowUp]:
    """Return the prize factor and reason of every place missed in a week, for the next plan.

    Parameters
    ----------
    dosage : pandas.DataFrame
        :func:`dosage_table`.
    week : datetime.date, optional
        The Monday of the week looked back on (default: the latest week in ``dosage``).
    strength : float
        0: no follow-up; 1: a place missed at every planned visit weighs double. The factor
        stays within :data:`models.patrol.records.FAIRNESS_BOUNDS`.

    Returns
    -------
    dict
        Place id → :class:`FollowUp` (only places with a missed visit).
    """
    if not len(dosage) or strength <= 0:
        return {}
    chosen = week if week is not None else max(dosage[WEEK])
    rows = dosage[(dosage[WEEK] == week_of(chosen)) & (dosage[MISSED] > 0)]
    out: dict[str, FollowUp] = {}
    for row in rows.itertuples(index=False):
        missed, planned = int(getattr(row, MISSED)), int(getattr(row, PLANNED))
        factor = float(np.clip(1 + strength * missed / planned, 1.0, FAIRNESS_BOUNDS[1]))
        # TRANSLATORS: the reason a place weighs more in the next plan.
        text = ngettext(
            "missed {missed} of {planned} planned visit last week",
            "missed {missed} of {planned} planned visits last week",
            planned,
        )
        why = text.format(missed=format_int(missed), planned=format_int(planned))
        out[str(getattr(row, PLACE_ID))] = FollowUp(factor, why)
    logger.info("follow-up: %d places missed in the week of %s", len(out), week_of(chosen))
    return out


def follow_up_factors(follow: Mapping[str, FollowUp]) -> dict[str, float]:
    """Return the prize factor per place id (what the planner multiplies prizes by)."""
    return {place: f.factor for place, f in follow.items()}
