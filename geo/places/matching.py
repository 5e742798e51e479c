"""Locating place texts in the gazetteer: fuzzy matches across scripts, with a confidence."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process

from geo.errors import InputFileError
from geo.i18n import _
from geo.i18n.keys import latin, skeleton
from geo.places.gazetteer import PRECISION_OF_KIND, PRECISION_RANK, Gazetteer
from geo.places.text import PlaceQuery, parse_place
from geo.schema import KIND, LAT, LON, NAME, THANA

logger = logging.getLogger(__name__)

#: Two entries matching equally well and further apart than this are ambiguous (metres).
AMBIGUOUS_M: Final = 250.0
#: Scores within this many points of the best count as equally good.
TIE_POINTS: Final = 2.0
#: How many candidates a row that was not located lists.
N_CANDIDATES: Final = 3
#: Score of a skeleton match (the loose cross-script key) confirmed by the spelling.
SKELETON_SCORE: Final = 90.0
#: Least Latin-spelling similarity that confirms a skeleton match.
SKELETON_CONFIRM: Final = 60.0
#: Discount of a match of all of one name's words inside the other (two words or more).
TOKEN_SET_WEIGHT: Final = 0.95
_METRES_PER_DEGREE: Final = 111_320.0
#: Most (name part, gazetteer spelling) pairs scored at once: the score matrices of one chunk
#: stay within a few tens of MB however large the file and the gazetteer are.
CHUNK_PAIRS: Final = 1_000_000
#: Most pairs one file may need scored (time): beyond, the file is refused with what to do.
MAX_PAIRS: Final = 2_000_000_000


class PlaceStatus(StrEnum):
    """What locating one place text found."""

    LOCATED = "located"
    EMPTY = "empty"
    NOT_FOUND = "not-found"
    AMBIGUOUS = "ambiguous"


#: Columns of :func:`locate_places`'s result.
MATCH_COLUMNS: Final = (
    "status",
    LON,
    LAT,
    "precision",
    "matched_place",
    "confidence",
    "candidates",
)


@dataclass(frozen=True)
class _Scores:
    """Score of every (unique name part, gazetteer spelling) pair."""

    parts: dict[str, int]
    matrix: npt.NDArray[np.float64]


def _score_parts(parts: list[str], gazetteer: Gazetteer) -> _Scores:
    """Score every name part against every spelling in the gazetteer (0-100)."""
    keys = gazetteer.keys
    index = {p: i for i, p in enumerate(parts)}
    if not parts or not len(keys):
        return _Scores(index, np.zeros((len(parts), len(keys))))
    q_latin = [latin(p).replace("_", " ") for p in parts]
    k_latin = keys["latin"].tolist()
    ratio = process.cdist(q_latin, k_latin, scorer=fuzz.ratio, dtype=np.float32)
    tset = process.cdist(q_latin, k_latin, scorer=fuzz.token_set_ratio, dtype=np.float32)
    q_words = np.array([len(q.split()) for q in q_latin])
    k_words = np.array([len(k.split()) for k in k_latin])
    # all of one name's words inside the other's: when both have two words or more, or the
    # text has more words than the place ("Godowlia crossing"); never a one-word text
    # inside a longer name ("gate" is not "BHU Gate")
    several = (np.minimum.outer(q_words, k_words) >= 2) | np.greater.outer(q_words, k_words)
    score = np.maximum(ratio, np.where(several, tset * TOKEN_SET_WEIGHT, 0)).astype(float)
    q_skel = np.array([skeleton(p) for p in parts], dtype=object)
    same_skel = q_skel[:, None] == keys["skeleton"].to_numpy(dtype=object)[None, :]
    score = np.where(
        same_skel & (ratio >= SKELETON_CONFIRM), np.maximum(score, SKELETON_SCORE), score
    )
    same_fold = np.array(parts, dtype=object)[:, None] == keys["fold"].to_numpy(dtype=object)
    score[same_fold] = 100.0
    return _Scores(index, score)


def _entry_scores(
    query: PlaceQuery, scores: _Scores, gazetteer: Gazetteer
) -> npt.NDArray[np.float64]:
    """Return the best score of each gazetteer entry for a query (over parts and spellings)."""
    out = np.zeros(len(gazetteer))
    if not query.parts or not len(gazetteer.keys):
        return out
    rows = [scores.parts[p] for p in query.parts]
    per_key = scores.matrix[rows].max(axis=0)
    np.maximum.at(out, gazetteer.keys["entry"].to_numpy(dtype=np.intp), per_key)
    return out


def _distance_m(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], i: int
) -> npt.NDArray[np.float64]:
    """Return the approximate distance of every entry from entry ``i`` (metres)."""
    dx = (lon - lon[i]) * np.cos(np.radians(lat[i]))
    dy = lat - lat[i]
    out: npt.NDArray[np.float64] = np.hypot(dx, dy) * _METRES_PER_DEGREE
    return out


def _pick(
    query: PlaceQuery,
    score: npt.NDArray[np.float64],
    allowed: npt.NDArray[np.bool_],
    gazetteer: Gazetteer,
    centroids: pd.DataFrame,
    threshold: float,
) -> dict[str, object]:
    """Return the match of one query (a row of :data:`MATCH_COLUMNS`)."""
    entries = gazetteer.entries
    names = entries[NAME].astype(str).to_numpy()
    score = np.where(allowed, score, -1.0)
    order = np.lexsort((np.arange(len(score)), -score))
    candidates = tuple(dict.fromkeys(names[i] for i in order if score[i] > 0))[:N_CANDIDATES]
    blank = dict.fromkeys(MATCH_COLUMNS)
    if not query.parts and query.pincode is None:
        return {**blank, "status": PlaceStatus.EMPTY, "candidates": ()}
    passing = score >= threshold
    if passing.any():
        rank = np.array([PRECISION_RANK[PRECISION_OF_KIND[k]] for k in entries[KIND]])
        best_rank = rank[passing].min()
        tier = passing & (rank == best_rank)
        best = int(np.flatnonzero(tier)[np.argmax(score[tier])])
        lon = entries[LON].to_numpy(dtype=float)
        lat = entries[LAT].to_numpy(dtype=float)
        rivals = (
            tier & (score >= score[best] - TIE_POINTS) & (_distance_m(lon, lat, best) > AMBIGUOUS_M)
        )
        if rivals.any():
            tied = [best, *np.flatnonzero(rivals)[: N_CANDIDATES - 1].tolist()]
            return {
                **blank,
                "status": PlaceStatus.AMBIGUOUS,
                "confidence": float(score[best]),
                "candidates": tuple(dict.fromkeys(names[i] for i in tied)),
            }
        return {
            "status": PlaceStatus.LOCATED,
            LON: float(lon[best]),
            LAT: float(lat[best]),
            "precision": PRECISION_OF_KIND[str(entries[KIND].iat[best])],
            "matched_place": names[best],
            "confidence": float(score[best]),
            "candidates": (names[best],),
        }
    if query.pincode is not None and query.pincode in centroids.index:
        lon_c, lat_c = centroids.loc[query.pincode, [LON, LAT]].to_numpy(dtype=float)
        return {
            "status": PlaceStatus.LOCATED,
            LON: float(lon_c),
            LAT: float(lat_c),
            "precision": "pincode",
            "matched_place": query.pincode,
            "confidence": 100.0,
            "candidates": (query.pincode,),
        }
    best_score = float(score.max()) if len(score) else 0.0
    return {
        **blank,
        "status": PlaceStatus.NOT_FOUND,
        "confidence": max(best_score, 0.0),
        "candidates": candidates,
    }


def _check_work(queries: list[PlaceQuery], gazetteer: Gazetteer) -> None:
    """Refuse a file whose place texts would need more than :data:`MAX_PAIRS` comparisons."""
    n_parts = len({p for q in queries for p in q.parts})
    pairs = n_parts * len(gazetteer.keys)
    if pairs > MAX_PAIRS:
        raise InputFileError(
            _(
                "the file has {parts} different place names and the gazetteer {keys} spellings: "
                "too many to compare in one import"
            ).format(parts=n_parts, keys=len(gazetteer.keys)),
            fix=_("split the file, or give latitude and longitude for most rows"),
        )


def _chunks(queries: list[PlaceQuery], n_keys: int) -> list[list[int]]:
    """Group queries so that each group scores at most :data:`CHUNK_PAIRS` pairs (at least one)."""
    chunks: list[list[int]] = []
    current: list[int] = []
    seen: set[str] = set()
    for i, query in enumerate(queries):
        new = set(query.parts) - seen
        if current and (len(seen) + len(new)) * max(n_keys, 1) > CHUNK_PAIRS:
            chunks.append(current)
            current, seen = [], set()
            new = set(query.parts)
        current.append(i)
        seen |= new
    if current:
        chunks.append(current)
    return chunks


def locate_places(
    texts: pd.Series,
    gazetteer: Gazetteer,
    *,
    threshold: float,
    thanas: pd.Series | None = None,
) -> pd.DataFrame:
    """Locate place texts at gazetteer entries, with a confidence.

    Each text is cut into name parts and a pincode (:func:`geo.places.text.parse_place`);
    every part is scored against every spelling of every place (0-100: the same folded
    text 100, the same consonant skeleton confirmed by the spelling 90, else the
    rapidfuzz similarity of the Latin spellings, all of one name's words inside the
    other's 95: both of two words or more, or the text the longer). Among places at or
    above ``threshold`` the most precise kind wins
    (landmark before locality), then the best score; equally good places of that kind
    more than :data:`AMBIGUOUS_M` apart make the text ambiguous (not guessed). Without a
    match, a pincode the gazetteer knows locates the text at its places' centroid.

    Parameters
    ----------
    texts : pandas.Series
        Place texts (missing or empty: nothing to locate).
    gazetteer : Gazetteer
    threshold : float
        Least score (0-100) that locates a text (``Settings.place_match_threshold``).
    thanas : pandas.Series, optional
        Aligned to ``texts``: the thana each row belongs to, when known; only places in
        that thana are considered for it.

    Returns
    -------
    pandas.DataFrame
        Index-aligned to ``texts`` with :data:`MATCH_COLUMNS`: ``status``
        (:class:`PlaceStatus`), ``lon``/``lat``, ``precision``, ``matched_place`` (a
        gazetteer name or the pincode), ``confidence`` and ``candidates`` (up to three place
        names: the match, the tied places, or the nearest misses). Nothing of the text
        itself is in it.
    """
    thana_of = (
        thanas.astype("string").reindex(texts.index)
        if thanas is not None
        else pd.Series(pd.NA, index=texts.index, dtype="string")
    )
    pairs = pd.DataFrame({"text": texts.astype("string").fillna(""), "thana": thana_of.fillna("")})
    unique = pairs.drop_duplicates().reset_index(drop=True)
    queries = [parse_place(t) for t in unique["text"]]
    _check_work(queries, gazetteer)
    centroids = gazetteer.pincode_centroids()
    entry_thana = gazetteer.entries[THANA].astype("string").fillna("").to_numpy()
    every = np.ones(len(gazetteer), dtype=bool)
    thanas_of = unique["thana"].tolist()
    results = []
    for chunk in _chunks(queries, len(gazetteer.keys)):
        parts = list(dict.fromkeys(p for i in chunk for p in queries[i].parts))
        scores = _score_parts(parts, gazetteer)
        for i in chunk:
            allowed = every if not thanas_of[i] else entry_thana == thanas_of[i]
            score = _entry_scores(queries[i], scores, gazetteer)
            results.append(_pick(queries[i], score, allowed, gazetteer, centroids, threshold))
    found = pd.DataFrame(results, columns=list(MATCH_COLUMNS))
    found = pd.concat([unique, found], axis=1)
    merged = pairs.merge(found, on=["text", "thana"], how="left", sort=False)
    merged.index = texts.index
    n_located = int((merged["status"] == PlaceStatus.LOCATED).sum())
    logger.info("located %d of %d place texts", n_located, len(texts))
    return merged.loc[:, list(MATCH_COLUMNS)]
