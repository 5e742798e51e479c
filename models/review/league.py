"""The league table of thanas: a score from the review's measures, the lowest flagged with why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from geo.errors import ParameterError
from geo.i18n import NP_, format_int, format_number, format_percent, pgettext
from models.review import columns as rc

#: Measures of the league (key → (English name, higher is better)); a measure that is a
#: figure as it stands is keyed by that figure's column.
DISPOSAL_RATE: Final = "disposal_rate"
OLD_PENDING: Final = "pending_over_30d_share"
DISPOSAL_DAYS: Final = rc.MEDIAN_DISPOSAL_DAYS
CYBER_DAYS: Final = rc.CYBER_YOUNG_MEDIAN_DAYS
STUDY_COVERAGE: Final = rc.STUDY_COVERAGE
UNITS_SHORT: Final = rc.SHORT_UNITS
MEASURES: Final[Mapping[str, tuple[str, bool]]] = MappingProxyType(
    {
        DISPOSAL_RATE: (NP_("league measure", "complaints disposed of"), True),
        OLD_PENDING: (NP_("league measure", "complaints pending over 30 days"), False),
        DISPOSAL_DAYS: (NP_("league measure", "median days to disposal"), False),
        CYBER_DAYS: (NP_("league measure", "median days to dispose of cyber complaints"), False),
        STUDY_COVERAGE: (NP_("league measure", "places of study seen by a working camera"), True),
        UNITS_SHORT: (NP_("league measure", "centre resources short"), False),
    }
)
#: A measure pulls a thana down when its percentile among thanas is at most this (bottom half).
PULL_DOWN_PERCENTILE: Final = 0.5
#: Most reasons given per thana.
MAX_REASONS: Final = 3


@dataclass(frozen=True)
class LeagueParams:
    """How the league is drawn.

    Attributes
    ----------
    flag_lowest : int
        How many of the lowest-scoring thanas are flagged.
    """

    flag_lowest: int = 3

    def __post_init__(self) -> None:
        """Check the count."""
        if int(self.flag_lowest) != self.flag_lowest or self.flag_lowest < 0:
            raise ParameterError(
                f"flag_lowest must be a whole number ≥ 0, got {self.flag_lowest!r}", fix="use 3"
            )


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.replace(0, np.nan)).astype("float64")


def measures(figures: pd.DataFrame) -> pd.DataFrame:
    """Return the league's measures of each row of a figures table (NaN where not measurable).

    Examples
    --------
    >>> f = pd.DataFrame({"complaints_disposed": [3], "complaints_pending": [1],
    ...                   "pending_over_30d": [1], "median_days_to_disposal": [4.0],
    ...                   "cyber_young_median_days": [None], "study_sites_coverage": [0.5],
    ...                   "units_short": [2]})
    >>> measures(f).iloc[0].tolist()
    [0.75, 1.0, 4.0, nan, 0.5, 2.0]
    """
    out = pd.DataFrame(index=figures.index)
    out[DISPOSAL_RATE] = _ratio(figures[rc.DISPOSED], figures[rc.DISPOSED] + figures[rc.PENDING])
    out[OLD_PENDING] = _ratio(figures[rc.pending_over(30)], figures[rc.PENDING])
    out[DISPOSAL_DAYS] = figures[rc.MEDIAN_DISPOSAL_DAYS].astype("float64")
    out[CYBER_DAYS] = figures[rc.CYBER_YOUNG_MEDIAN_DAYS].astype("float64")
    out[STUDY_COVERAGE] = figures[rc.STUDY_COVERAGE].astype("float64")
    out[UNITS_SHORT] = figures[rc.SHORT_UNITS].astype("float64")
    return out


_SHOW: Final[Mapping[str, Callable[[float], str]]] = MappingProxyType(
    {
        DISPOSAL_RATE: format_percent,
        OLD_PENDING: format_percent,
        DISPOSAL_DAYS: format_number,
        CYBER_DAYS: format_number,
        STUDY_COVERAGE: format_percent,
        UNITS_SHORT: format_int,
    }
)


def _reason(key: str, value: float, whole: float) -> str:
    name = pgettext("league measure", MEASURES[key][0])
    show = _SHOW[key]
    # TRANSLATORS: a measure that pulls a thana down, its value and the commissionerate's.
    return pgettext("league reason", "{measure} {value} (commissionerate {whole})").format(
        measure=name, value=show(value), whole=show(whole) if pd.notna(whole) else "–"
    )


def league_table(
    figures: pd.DataFrame, commissionerate: pd.DataFrame, params: LeagueParams | None = None
) -> pd.DataFrame:
    """Rank thanas on the review's measures and flag the lowest, saying what pulls each down.

    Each measure (:data:`MEASURES`) is turned into a percentile among the thanas that have it
    (1 best, direction by measure); the score is the mean percentile × 100 over the measures a
    thana has. A measure pulls a thana down when its percentile is at most
    :data:`PULL_DOWN_PERCENTILE` and it is worse than the commissionerate's value; ``why``
    names up to :data:`MAX_REASONS` of them, worst first. The ``flag_lowest`` lowest scores
    are flagged, and every thana tied with the last of them (no tie is broken by name). A
    thana with no measure has no score, ranks last and is not flagged.

    Parameters
    ----------
    figures : pandas.DataFrame
        The review's figures per thana; not modified.
    commissionerate : pandas.DataFrame
        Its one commissionerate row.
    params : LeagueParams, optional

    Returns
    -------
    pandas.DataFrame
        Indexed like ``figures`` and sorted by rank, columns
        :data:`models.review.columns.LEAGUE_COLUMNS`.
    """
    p = params or LeagueParams()
    m = measures(figures)
    whole = measures(commissionerate).iloc[0] if len(commissionerate) else None
    pct = pd.DataFrame(index=m.index)
    for key, (_name, higher) in MEASURES.items():
        pct[key] = m[key].rank(pct=True, ascending=higher, method="average")
    out = pd.DataFrame(index=figures.index)
    out[rc.SCORE] = (pct.mean(axis=1, skipna=True) * 100).round(1)
    out[rc.RANK] = (
        out[rc.SCORE].rank(ascending=False, method="min", na_option="bottom").astype("int64")
    )
    scored = out[rc.SCORE].notna()
    ordered = out[rc.SCORE][scored].sort_values(kind="stable")
    if p.flag_lowest and len(ordered):
        bar = float(ordered.iloc[min(p.flag_lowest, len(ordered)) - 1])
        out[rc.FLAGGED] = scored & (out[rc.SCORE] <= bar)
    else:
        out[rc.FLAGGED] = False
    keys, whys = [], []
    values = m[list(MEASURES)].to_numpy(dtype="float64")
    shares = pct[list(MEASURES)].to_numpy(dtype="float64")
    refs = [float(whole[k]) if whole is not None else np.nan for k in MEASURES]
    for i in range(len(out)):
        pulls: list[tuple[float, str, float, float]] = []
        for j, (key, (_name, higher)) in enumerate(MEASURES.items()):
            value, share, ref = float(values[i, j]), float(shares[i, j]), refs[j]
            worse = np.isnan(ref) or (value < ref if higher else value > ref)
            if not np.isnan(share) and share <= PULL_DOWN_PERCENTILE and worse:
                pulls.append((share, key, value, ref))
        pulls.sort(key=lambda t: t[0])
        chosen = pulls[:MAX_REASONS]
        keys.append(",".join(k for _s, k, _v, _r in chosen))
        whys.append("; ".join(_reason(k, v, r) for _s, k, v, r in chosen))
    out[rc.PULLED_DOWN_BY] = keys
    out[rc.WHY] = whys
    return out.sort_values([rc.RANK], kind="stable")
