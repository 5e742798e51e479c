"""The monthly Mission Shakti review: every figure per thana and for the commissionerate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from models.review import columns as rc
from models.review.anti_romeo import anti_romeo_figures
from models.review.awareness import awareness_figures
from models.review.casework import casework_figures
from models.review.cctv import cctv_figures
from models.review.change import period_change
from models.review.field import field_figures
from models.review.league import LeagueParams, league_table
from models.review.period import Period
from models.review.resources import ResourceNorm, resource_figures, shortfalls

logger = logging.getLogger(__name__)


def _empty() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True)
class ReviewLayers:
    """The layers a review reads (plain frames; none is modified).

    Attributes
    ----------
    thanas : sequence of str
        The thanas of the commissionerate (the rows of every table, in this order).
    incidents, campaigns, cctv : pandas.DataFrame
        The store's layers (local times), each with ``thana``.
    casework, audit : pandas.DataFrame
        The centre casework and resources audit layers (:mod:`geo.centre`); empty when absent.
    gaps : pandas.DataFrame
        The CCTV gap table (``GapAnalysis.gaps``) at the period's end.
    hotspots : pandas.DataFrame or None
        Hotspots of the period's incidents.
    previous_gaps, previous_hotspots : pandas.DataFrame or None
        The same for the previous period (gaps: default ``gaps``; hotspots: none known, so
        the previous count is missing).
    visits : pandas.DataFrame or None
        The visit log (the ``visits`` layer), when one is stored: visits, minutes, misses.
    """

    thanas: Sequence[str]
    incidents: pd.DataFrame = field(default_factory=_empty)
    campaigns: pd.DataFrame = field(default_factory=_empty)
    cctv: pd.DataFrame = field(default_factory=_empty)
    casework: pd.DataFrame = field(default_factory=_empty)
    audit: pd.DataFrame = field(default_factory=_empty)
    gaps: pd.DataFrame = field(default_factory=_empty)
    hotspots: pd.DataFrame | None = None
    previous_gaps: pd.DataFrame | None = None
    previous_hotspots: pd.DataFrame | None = None
    visits: pd.DataFrame | None = None


@dataclass(frozen=True)
class Review:
    """A review of one period and its comparison with the previous one.

    Attributes
    ----------
    period, previous_period : Period
    figures : pandas.DataFrame
        Per thana, columns :data:`models.review.columns.FIGURE_COLUMNS`.
    commissionerate : pandas.DataFrame
        One row, :data:`models.review.columns.COMMISSIONERATE` (counts summed, medians and
        shares over every row).
    previous, previous_commissionerate : pandas.DataFrame
        The same for the previous period.
    change, commissionerate_change : pandas.DataFrame
        Current minus previous (:func:`models.review.change.period_change`).
    shortfalls : pandas.DataFrame
        Resources short per thana at the latest audit, in the order to fix.
    league : pandas.DataFrame
        The league of thanas, lowest flagged with why.
    norm : ResourceNorm
    """

    period: Period
    previous_period: Period
    figures: pd.DataFrame
    commissionerate: pd.DataFrame
    previous: pd.DataFrame
    previous_commissionerate: pd.DataFrame
    change: pd.DataFrame
    commissionerate_change: pd.DataFrame
    shortfalls: pd.DataFrame
    league: pd.DataFrame
    norm: ResourceNorm


def figures_table(
    layers: ReviewLayers,
    period: Period,
    norm: ResourceNorm,
    *,
    whole: bool = False,
    previous: bool = False,
) -> pd.DataFrame:
    """Return every figure of a period per thana (or the commissionerate with ``whole``).

    Parameters
    ----------
    layers : ReviewLayers
    period : Period
    norm : ResourceNorm
    whole : bool
        One row for the commissionerate.
    previous : bool
        Use the previous period's gaps and hotspots of ``layers``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`models.review.columns.FIGURE_COLUMNS`.
    """
    thanas = list(layers.thanas)
    gaps = layers.previous_gaps if previous and layers.previous_gaps is not None else layers.gaps
    hotspots = layers.previous_hotspots if previous else layers.hotspots
    short = shortfalls(layers.audit, period, norm)
    parts = [
        casework_figures(layers.casework, period, thanas, whole=whole),
        anti_romeo_figures(layers.incidents, period, thanas, whole=whole),
        awareness_figures(layers.campaigns, period, thanas, whole=whole),
        cctv_figures(gaps, layers.cctv, period, thanas, whole=whole),
        field_figures(hotspots, period, thanas, visits=layers.visits, whole=whole),
        resource_figures(layers.audit, short, period, thanas, whole=whole),
    ]
    table = pd.concat(parts, axis=1)
    if previous and layers.previous_hotspots is None:
        table[rc.HOTSPOTS] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    return table[list(rc.FIGURE_COLUMNS)]


def monthly_review(
    layers: ReviewLayers,
    period: Period,
    *,
    norm: ResourceNorm | None = None,
    league: LeagueParams | None = None,
) -> Review:
    """Return the review of a period: figures, commissionerate, change, shortfalls, league.

    Parameters
    ----------
    layers : ReviewLayers
    period : Period
    norm : ResourceNorm, optional
        Default :class:`ResourceNorm()` (one working computer, a women's toilet, two phones
        with SIMs, one vehicle).
    league : LeagueParams, optional

    Returns
    -------
    Review
    """
    the_norm = norm or ResourceNorm()
    before = period.previous()
    figures = figures_table(layers, period, the_norm)
    whole = figures_table(layers, period, the_norm, whole=True)
    prev = figures_table(layers, before, the_norm, previous=True)
    prev_whole = figures_table(layers, before, the_norm, whole=True, previous=True)
    logger.info("review %s of %d thanas", period.label(), len(figures))
    return Review(
        period=period,
        previous_period=before,
        figures=figures,
        commissionerate=whole,
        previous=prev,
        previous_commissionerate=prev_whole,
        change=period_change(figures, prev),
        commissionerate_change=period_change(whole, prev_whole),
        shortfalls=shortfalls(layers.audit, period, the_norm),
        league=league_table(figures, whole, league),
        norm=the_norm,
    )
