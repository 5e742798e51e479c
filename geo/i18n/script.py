"""How much of a text is written in Devanagari: the check that a Hindi text has no English left."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

#: Unicode blocks of Devanagari (the main block and Devanagari Extended).
_DEVANAGARI = ((0x0900, 0x097F), (0xA8E0, 0xA8FF))


def _is_devanagari(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _DEVANAGARI)


def _is_letter(char: str) -> bool:
    # Letters and the combining vowel signs of Indic scripts (categories L* and M*).
    return unicodedata.category(char)[0] in "LM"


def devanagari_share(text: str, ignore: Iterable[str] = ()) -> float:
    """Return the share of the letters of ``text`` that are Devanagari.

    Digits, punctuation, symbols and spaces are not letters and do not count (Latin digits are
    the rule in Hindi output too). Every occurrence of each text in ``ignore`` (names of thanas,
    sites, teams, "CCTV"...) is removed first, longest first.

    Parameters
    ----------
    text : str
    ignore : iterable of str
        Names that may stay in their own script.

    Returns
    -------
    float
        In [0, 1]; 1.0 when no letter is left (nothing English).

    Examples
    --------
    >>> devanagari_share("346 घटनाएँ, सबसे अधिक छेड़छाड़ (37%)")
    1.0
    >>> round(devanagari_share("थाना Lanka में 12 stops"), 2)
    0.41
    >>> devanagari_share("थाना Lanka", ignore=["Lanka"])
    1.0
    """
    for name in sorted({n for n in ignore if n}, key=len, reverse=True):
        text = text.replace(name, " ")
    letters = [char for char in unicodedata.normalize("NFC", text) if _is_letter(char)]
    if not letters:
        return 1.0
    return sum(_is_devanagari(char) for char in letters) / len(letters)
