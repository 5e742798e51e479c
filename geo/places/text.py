"""Place text as registers write it, reduced to the names and the pincode it gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from geo.i18n.keys import fold

#: Words around a place name that are not part of it ("near", "के पास", "opposite"...),
#: compared after :func:`geo.i18n.keys.fold` word by word.
STOP_WORDS: Final = frozenset(
    fold(w)
    for w in (
        "near",
        "nr",
        "nearby",
        "opposite",
        "opp",
        "behind",
        "beside",
        "next",
        "to",
        "in",
        "front",
        "of",
        "at",
        "the",
        "infront",
        "area",
        "के",
        "की",
        "का",
        "पास",
        "निकट",
        "नजदीक",
        "नज़दीक",
        "सामने",
        "पीछे",
        "बगल",
        "में",
        "पर",
        "से",
        "क्षेत्र",
        "इलाका",
    )
)
#: Longest place text looked at, in characters (longer text is cut: it is not a place name).
MAX_PLACE_CHARS: Final = 200
#: Most name parts of one place text looked at.
MAX_PARTS: Final = 6
_SEPARATORS: Final = re.compile(r"[,;/|()\[\]\n\r\t]+|\s-\s")
_PINCODE: Final = re.compile(r"(?<!\d)([1-9]\d{2})\s?(\d{3})(?!\d)")


@dataclass(frozen=True)
class PlaceQuery:
    """What a place text gives: name parts (folded, stop words dropped) and a pincode.

    Attributes
    ----------
    parts : tuple of str
        The comma-separated parts of the text that name something, folded, words joined
        by ``_``; stop words and pincodes removed.
    pincode : str or None
        The first 6-digit pincode in the text (Devanagari digits read too).
    """

    parts: tuple[str, ...]
    pincode: str | None


def parse_place(text: object) -> PlaceQuery:
    """Reduce a place text to its name parts and pincode.

    Parameters
    ----------
    text : object
        A place of occurrence as written (any script).

    Returns
    -------
    PlaceQuery

    Examples
    --------
    >>> parse_place("बीएचयू गेट के पास, लंका")
    PlaceQuery(parts=('बीएचयू_गेट', 'लंका'), pincode=None)
    >>> parse_place("near Prayas Coaching, Lanka, Varanasi २२१००५")
    PlaceQuery(parts=('prayas_coaching', 'lanka', 'varanasi'), pincode='221005')
    """
    raw = str(text)[:MAX_PLACE_CHARS]
    folded_digits = fold(raw.replace(",", " , "))  # fold only to read Devanagari digits
    pins = _PINCODE.findall(folded_digits.replace("_", " "))
    pincode = pins[0][0] + pins[0][1] if pins else None
    parts: list[str] = []
    for segment in _SEPARATORS.split(raw):
        words = [w for w in fold(segment).split("_") if w and w not in STOP_WORDS]
        words = [w for w in words if not w.isdigit()]
        if words:
            parts.append("_".join(words))
    return PlaceQuery(parts=tuple(dict.fromkeys(parts))[:MAX_PARTS], pincode=pincode)
