"""Thana names in any script: a stated thana matched to the thana layer's names, or reported."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Final

import pandas as pd
from rapidfuzz import fuzz

from geo.i18n.keys import fold, latin, skeleton
from geo.schema import NAME, NAME_HI

logger = logging.getLogger(__name__)

#: Words around a thana name that are not part of it (folded): thana, PS, police station.
_NOISE: Final = re.compile(
    r"(^|_)(thana|ps|p_s|police_station|police|station|"
    + fold("थाना")
    + "|"
    + fold("थाने")
    + "|"
    + fold("पुलिस")
    + "|"
    + fold("स्टेशन")
    + r")(?=_|$)"
)
#: Least Latin-spelling similarity that confirms a skeleton match.
SKELETON_CONFIRM: Final = 70.0
#: Least similarity of a fuzzy match, and its least lead over the runner-up.
FUZZY_MIN: Final = 90.0
FUZZY_LEAD: Final = 5.0


def thana_key(name: object) -> str:
    """Return a thana name folded with "thana", "PS", "थाना" and the like removed.

    Examples
    --------
    >>> thana_key("Thana Lanka"), thana_key("LANKA P.S."), thana_key("थाना लंका")
    ('lanka', 'lanka', 'लंका')
    """
    key = fold(str(name).replace(".", " "))
    return _NOISE.sub("_", key).strip("_").replace("__", "_") or key


@dataclass(frozen=True)
class ThanaNames:
    """Stated thana names resolved to the thana layer's names.

    Attributes
    ----------
    matched : pandas.Series
        The thana layer's name each stated name means (missing when unknown or ambiguous).
    ambiguous : dict
        Stated name → the thana names it could mean (reported, not guessed).
    """

    matched: pd.Series
    ambiguous: dict[str, tuple[str, ...]]


def _resolve(stated: str, names: list[str], spellings: list[tuple[int, str]]) -> tuple[str, ...]:
    """Return the thana names a stated name may mean: one is a match, several are ambiguous."""
    key = thana_key(stated)
    if not key:
        return ()
    for keyer in (thana_key, lambda s: latin(thana_key(s)), lambda s: skeleton(thana_key(s))):
        want = keyer(stated)
        hits = {i for i, s in spellings if keyer(s) == want}
        if keyer is not thana_key and hits:
            q = latin(key)
            hits = {i for i in hits if _best(q, i, spellings) >= SKELETON_CONFIRM}
        if hits:
            return tuple(sorted(names[i] for i in hits))
    q = latin(key)
    scored = sorted(((_best(q, i, spellings), names[i]) for i in range(len(names))), reverse=True)
    if scored and scored[0][0] >= FUZZY_MIN:
        if len(scored) > 1 and scored[1][0] > scored[0][0] - FUZZY_LEAD:
            return tuple(n for s, n in scored[:3] if s > scored[0][0] - FUZZY_LEAD)
        return (scored[0][1],)
    return ()


def _best(q: str, i: int, spellings: list[tuple[int, str]]) -> float:
    """Return the best similarity of ``q`` to the spellings of thana ``i`` (Latin keys)."""
    return max((fuzz.ratio(q, latin(thana_key(s))) for j, s in spellings if j == i), default=0.0)


def match_thana_names(stated: pd.Series, thanas: pd.DataFrame) -> ThanaNames:
    """Resolve stated thana names (any script) to the names of the thana layer.

    A stated name matches a thana whose ``name`` or ``name_hi`` (when the layer has it)
    folds to the same text (``थाना लंका`` = ``लंका``), else has the same Latin spelling
    (``लंका`` finds ``Lanka``), else the same consonant skeleton confirmed by the spelling
    (``कोतवाली`` finds ``Kotwali``), else is at least 90 % similar and 5 points ahead of the
    next. Two different Hindi names never compare equal. A name matching several thanas
    equally is ambiguous: reported, not guessed.

    Parameters
    ----------
    stated : pandas.Series
        Stated thana names.
    thanas : pandas.DataFrame
        The thana layer (``name``, optionally ``name_hi``).

    Returns
    -------
    ThanaNames
    """
    names = thanas[NAME].astype(str).tolist() if len(thanas) else []
    hindi = thanas[NAME_HI].tolist() if NAME_HI in thanas.columns else []
    spellings = [(i, n) for i, n in enumerate(names)]
    spellings += [(i, str(h)) for i, h in enumerate(hindi) if pd.notna(h) and str(h).strip()]
    matched: dict[str, object] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for value in stated.dropna().astype(str).unique().tolist():
        found = _resolve(value, names, spellings)
        matched[value] = found[0] if len(found) == 1 else pd.NA
        if len(found) > 1:
            ambiguous[value] = found
    if ambiguous:
        logger.warning("%d stated thana names are ambiguous", len(ambiguous))
    out = stated.astype("string").map(matched).astype("string")
    return ThanaNames(matched=out, ambiguous=ambiguous)
