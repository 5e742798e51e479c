"""Match keys of names in any script: folded text, a Latin transliteration and a sound skeleton.

A thana written ``लंका`` in a register and ``Lanka`` on the polygons, a column ``थाना`` or
``Thana``, a landmark ``बीएचयू गेट`` or ``BHU Gate``: people write the same name in Devanagari
or in Latin letters, with or without nukta, chandrabindu, long vowels and aspiration. Three
keys, from strict to loose, let code compare them:

- :func:`fold` keeps the script: NFC, case-folded, Devanagari digits as ASCII, nukta dropped,
  chandrabindu as anusvara, zero-width characters removed, every other run of
  non-alphanumerics as ``_``. Two spellings with the same :func:`fold` are the same text.
- :func:`latin` transliterates Devanagari with ``indic_transliteration`` (ITRANS, chosen because
  it spells the Hindi sounds with plain ASCII letters; a well-kept library rather than our own
  table) and drops the word-final inherent vowel Hindi does not pronounce (``भेलूपुर`` →
  ``bhelupur``); long vowels and anusvara fold to ``a i u n``.
- :func:`skeleton` keeps the consonants of :func:`latin` with aspiration, ``w/v``, ``z/j``,
  ``c/k``, ``f/ph`` and doubled letters folded: the key by which ``Kotwali`` finds ``कोतवाली``
  and ``Cantt`` finds ``कैंट``. It is loose on purpose; callers confirm a skeleton match with
  a fuzzy score and report ties as ambiguous rather than guess.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Final

logger = logging.getLogger(__name__)

#: Characters removed before anything else: zero-width (non-)joiner, joiner, BOM, soft hyphen.
_INVISIBLE: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"))
_NUKTA: Final = "\u093c"
_CHANDRABINDU: Final = "\u0901"
_ANUSVARA: Final = "\u0902"
_VIRAMA: Final = "\u094d"
_DEVANAGARI_DIGITS: Final = {ord(chr(0x0966 + d)): str(d) for d in range(10)}
#: What :func:`fold` keeps: ASCII letters and digits and the Devanagari block's letters/marks.
_NOT_KEPT: Final = re.compile(r"[^0-9a-z\u0900-\u0963\u0971-\u097f]+")
_DEVANAGARI_RUN: Final = re.compile(r"[\u0900-\u097f]+")
_CONSONANT: Final = re.compile(r"[\u0915-\u0939\u0958-\u095f]$")
#: ITRANS spellings folded before lower-casing (anusvara, retroflex flaps, nasals).
_ITRANS_FOLD: Final = (
    (".N", "n"),
    ("M", "n"),
    (".n", "n"),
    ("~N", "n"),
    ("~n", "n"),
    ("N^", "n"),
    (".D", "d"),
    (".Dh", "dh"),
    ("RRi", "ri"),
    ("R^i", "ri"),
    (".h", ""),
    (".a", ""),
)
#: Folds of :func:`skeleton`, applied in order to the lower-case Latin key.
_SKELETON_FOLD: Final = (
    ("chh", "C"),
    ("ch", "C"),
    ("sh", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("bh", "b"),
    ("jh", "j"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("z", "j"),
    ("x", "ks"),
)
#: A ``v``/``w`` after a vowel and before a consonant or the end is a vowel glide (``Chowk``,
#: ``gaanv``), not a consonant of the skeleton.
_GLIDE: Final = re.compile(r"(?<=[aou])[vw](?=[^aeiou]|$)|(?<=n)v$")
_VOWELS: Final = re.compile(r"[aeiouy]+")
_DOUBLED: Final = re.compile(r"(.)\1+")


def fold(text: object) -> str:
    """Return ``text`` folded for exact comparison in its own script.

    Parameters
    ----------
    text : object
        A name, column header or place text (anything else is converted with ``str``).

    Returns
    -------
    str
        Lower case, NFC, nukta dropped, chandrabindu as anusvara, Devanagari digits as ASCII,
        runs of anything but letters and digits as ``_`` (no leading or trailing ``_``).

    Examples
    --------
    >>> fold(" Date & Time ")
    'date_time'
    >>> fold("पीड़िता का  नाम") == fold("पीडिता का नाम")
    True
    >>> fold("थाना (१)")
    'थाना_1'
    """
    value = unicodedata.normalize("NFD", str(text).translate(_INVISIBLE))
    value = value.replace(_NUKTA, "").replace(_CHANDRABINDU, _ANUSVARA)
    value = unicodedata.normalize("NFC", value).translate(_DEVANAGARI_DIGITS).casefold()
    return _NOT_KEPT.sub("_", value).strip("_")


def _drop_final_schwa(word: str) -> str:
    """Add a virama to a word ending in a bare consonant (Hindi drops that inherent ``a``)."""
    return word + _VIRAMA if len(word) > 1 and _CONSONANT.search(word) else word


@lru_cache(maxsize=65536)
def _transliterate(run: str) -> str:
    # Imported here: the transliterator costs ~0.08 s to load, and most commands never call it.
    from indic_transliteration import sanscript

    words = "_".join(_drop_final_schwa(w) for w in run.split("_"))
    latin = str(sanscript.transliterate(words, sanscript.DEVANAGARI, sanscript.ITRANS))
    for old, new in _ITRANS_FOLD:
        latin = latin.replace(old, new)
    return latin.lower()


def latin(text: object) -> str:
    """Return ``text`` in Latin letters: :func:`fold`, then Devanagari transliterated.

    Parameters
    ----------
    text : object
        Text in Devanagari, in Latin letters or mixed (anything else is converted with
        ``str``); Latin letters pass through :func:`fold` unchanged.

    Returns
    -------
    str
        Only ``[0-9a-z_]``; long vowels folded (``ā`` → ``a``), anusvara as ``n``, the
        unpronounced word-final ``a`` dropped.

    Examples
    --------
    >>> latin("लंका"), latin("भेलूपुर"), latin("थाना")
    ('lanka', 'bhelupur', 'thana')
    >>> latin("Police Station")
    'police_station'
    """
    flaps = str(text).replace("ड़", "र").replace("ढ़", "र")  # ड़/ढ़ are written r in Latin
    folded = fold(flaps).replace("_", " ")
    joined = _DEVANAGARI_RUN.sub(lambda m: _transliterate(m.group(0)), folded)
    joined = re.sub(r"([aiu])\1", r"\1", joined)
    return re.sub(r"[^0-9a-z]+", "_", joined).strip("_")


def skeleton(text: object) -> str:
    """Return the consonant skeleton of ``text``: a loose key across scripts and spellings.

    Parameters
    ----------
    text : object
        A name as people type it, in either script (``Kotwali``, ``कोतवाली``); made Latin
        with :func:`latin` first.

    Returns
    -------
    str
        Per word: the first letter, then the consonants of :func:`latin` with aspiration and
        common spelling variants folded and doubled letters collapsed; words joined by ``_``.

    Examples
    --------
    >>> skeleton("Kotwali") == skeleton("कोतवाली")
    True
    >>> skeleton("Cantt") == skeleton("कैंट")
    True
    >>> skeleton("Sigra") == skeleton("सिगरा")
    True
    """
    words = []
    for word in latin(text).split("_"):
        if not word:
            continue
        for old, new in _SKELETON_FOLD:
            word = word.replace(old, new)
        word = _GLIDE.sub("", word)
        head, rest = word[0], _VOWELS.sub("", word[1:])
        words.append(_DOUBLED.sub(r"\1", head + rest).lower())
    return "_".join(words)
