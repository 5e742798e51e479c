"""Parsing raw cell text into numbers, local date-times, times of day and vocabulary keys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import VOCABULARIES, vocabulary_name
from geo.i18n.keys import fold as fold_any
from geo.ingest.datetimes import TimePrecision, parse_one
from geo.ingest.problems import as_text

# An explicit offset after a time of day (ISO 8601: 18:30+05:30, 18:30:00Z).
_OFFSET = re.compile(r"(?::\d\d(?:\.\d+)?|T\d\d)\s*(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

#: Common spellings mapped onto vocabulary terms (after lower-casing and ``-`` folding).
SYNONYMS: dict[str, str] = {
    "eveteasing": "eve-teasing",
    "eve-teaser": "eve-teasing",
    "sexual-harassment": "harassment",
    "molestation": "assault",
    "cyber-crime": "cyber",
    "cybercrime": "cyber",
    "anti-romeo": "anti-romeo-action",
    "anti-romeo-squad": "anti-romeo-action",
    "ars": "anti-romeo-action",
    "helpline": "helpline-call",
    "1090": "helpline-call",
    "112": "helpline-call",
    "181": "helpline-call",
    "mission-shakti": "mission-shakti-centre",
    "mission-shakti-center": "mission-shakti-centre",
    "coaching": "coaching-centre",
    "coaching-center": "coaching-centre",
    "womens-training-center": "womens-training-centre",
    "women-s-training-centre": "womens-training-centre",
    "fir": "case-registered",
    "case": "case-registered",
    "detention": "detained",
    "counselling": "counselled-reunited",
    "counseling": "counselled-reunited",
    "smartcity": "smart-city",
    "not-working": "faulty",
    "broken": "faulty",
    "ok": "working",
    "functional": "working",
    "non-functional": "faulty",
}


#: Hindi words registers use for vocabulary terms besides the catalogue's own Hindi names
#: (which :func:`hindi_terms` reads from ``geo.i18n.vocab``): everyday and English-derived
#: spellings. Matched after :func:`geo.i18n.keys.fold` (nukta, spacing and case do not matter).
HINDI_SYNONYMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # categories
        "छेड़खानी": "eve-teasing",
        "छेड़छाड़ी": "eve-teasing",
        "ईव टीजिंग": "eve-teasing",
        "पीछा": "stalking",
        "पीछा करना": "stalking",
        "स्टॉकिंग": "stalking",
        "यौन उत्पीड़न": "harassment",
        "परेशान करना": "harassment",
        "साइबर": "cyber",
        "साइबर क्राइम": "cyber",
        "ऑनलाइन उत्पीड़न": "cyber",
        "मारपीट": "assault",
        "शील भंग": "assault",
        # site kinds
        "स्कूल": "school",
        "कॉलेज": "college",
        "कालेज": "college",
        "कोचिंग": "coaching-centre",
        "कोचिंग सेंटर": "coaching-centre",
        "कोचिंग केंद्र": "coaching-centre",
        "हॉस्टल": "hostel",
        "होस्टल": "hostel",
        "बाजार": "market",
        "मंडी": "market",
        "बस अड्डा": "transit",
        "बस स्टैंड": "transit",
        "रेलवे स्टेशन": "transit",
        # campaign kinds
        "जागरूकता": "awareness-drive",
        "आत्मरक्षा": "self-defence-training",
        "नुक्कड़ नाटक": "street-play",
        # sources
        "एंटी रोमियो": "anti-romeo-action",
        "एंटी रोमियो स्क्वायड": "anti-romeo-action",
        "हेल्पलाइन": "helpline-call",
        "मिशन शक्ति": "mission-shakti-centre",
        # actions taken
        "एफआईआर": "case-registered",
        "मुकदमा दर्ज": "case-registered",
        "हिरासत": "detained",
        "चेतावनी": "warned",
        "परामर्श": "counselled-reunited",
        # CCTV owners and statuses
        "पुलिस": "police",
        "निजी": "private",
        "स्मार्ट सिटी": "smart-city",
        "ठीक": "working",
        "काम कर रहा": "working",
        "बंद": "faulty",
        "ख़राब": "faulty",
    }
)


@cache
def _hindi_keys() -> Mapping[str, frozenset[str]]:
    """Return every folded Hindi name of a vocabulary term → the term keys it names."""
    found: dict[str, set[str]] = {}
    for context, keys in VOCABULARIES.items():
        for key in keys:
            name = vocabulary_name(context, key, "hi")
            if name != key:
                found.setdefault(fold_any(name), set()).add(key)
    for name, key in HINDI_SYNONYMS.items():
        found.setdefault(fold_any(name), set()).add(key)
    return MappingProxyType({name: frozenset(keys) for name, keys in found.items()})


def hindi_terms(allowed: Iterable[str]) -> dict[str, str]:
    """Return the Hindi names of the ``allowed`` terms, folded, mapped onto their keys.

    The names are the catalogue's (``geo.i18n.vocab``: छेड़छाड़, महाविद्यालय, चालू...) and
    :data:`HINDI_SYNONYMS`; a name that could mean two of the allowed terms is left out.

    Examples
    --------
    >>> terms = hindi_terms(["eve-teasing", "stalking", "other"])
    >>> terms[fold_any("छेड़छाड़")], terms[fold_any("पीछा  करना")]
    ('eve-teasing', 'stalking')
    """
    chosen = set(allowed)
    out: dict[str, str] = {}
    for name, keys in _hindi_keys().items():
        matching = keys & chosen
        if len(matching) == 1:
            out[name] = next(iter(matching))
    return out


def fold(value: str) -> str:
    """Return ``value`` lower-cased with every run of other characters folded to ``-``."""
    return re.sub(r"[^0-9a-z]+", "-", value.strip().lower()).strip("-")


def parse_numbers(
    raw: pd.Series,
) -> tuple[pd.Series, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Return (floats, missing mask, non-numeric mask)."""
    text = as_text(raw)
    missing = text.isna().to_numpy()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    non_numeric = (~missing) & values.isna().to_numpy()
    return values, missing, non_numeric


def parse_datetimes(raw: pd.Series, tz: dt.tzinfo) -> pd.Series:
    """Parse date-time text into tz-aware local times; unparseable values become NaT.

    As :func:`parse_datetimes_precision`, without the precision.
    """
    return parse_datetimes_precision(raw, tz)[0]


def _iso_precision(text: pd.Series) -> pd.Series:
    """Return the precision of ISO 8601 texts by their length (``2025-11``, ``2025-11-28``)."""
    length = text.str.len()
    out = np.where(length <= 7, TimePrecision.MONTH.value, TimePrecision.EXACT.value)
    out = np.where((length > 7) & (length <= 10), TimePrecision.DAY.value, out)
    return pd.Series(out, index=text.index, dtype="object")


def parse_datetimes_precision(raw: pd.Series, tz: dt.tzinfo) -> tuple[pd.Series, pd.Series]:
    """Parse date-time text into tz-aware local times and how precise each one is.

    Values with an explicit offset (``+05:30``, ``Z``, ``IST``) are converted to ``tz``;
    naive values are taken as local time in ``tz``. ISO 8601 is tried first (vectorised),
    then the forms of Indian registers read by :func:`geo.ingest.datetimes.parse_one`
    (day-first, month names in English and Hindi, Devanagari digits, two-digit years,
    12-hour and Hindi times of day), once per distinct text. A value without a time of day
    is midnight with precision ``day`` (``month`` for a month alone, on the 1st): it is never
    given a time it did not have.

    Parameters
    ----------
    raw : pandas.Series
        Text or datetime values.
    tz : tzinfo
        The deployment's timezone.

    Returns
    -------
    values : pandas.Series
        ``datetime64[ns, tz]`` aligned to ``raw``.
    precision : pandas.Series
        :class:`~geo.ingest.datetimes.TimePrecision` values (text) aligned to ``raw``;
        missing where the value is.
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        series = pd.Series(raw, copy=True)
        if getattr(series.dt, "tz", None) is None:
            values = series.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        else:
            values = series.dt.tz_convert(tz)
        exact = pd.Series(TimePrecision.EXACT.value, index=raw.index, dtype="object")
        return values, exact.where(values.notna(), None)
    values_obj = raw.astype("object")
    if any(isinstance(v, dt.date) for v in values_obj.dropna().head(50)):
        values_obj = values_obj.map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    text = as_text(values_obj)
    result = pd.Series(pd.NaT, index=raw.index, dtype=f"datetime64[ns, {tz}]")
    precision = pd.Series(None, index=raw.index, dtype="object")
    present = text.notna()
    has_offset = present & text.str.contains(_OFFSET, na=False)
    if has_offset.any():
        aware = pd.to_datetime(text[has_offset], format="ISO8601", utc=True, errors="coerce")
        result.loc[has_offset] = aware.dt.tz_convert(tz)
    naive_mask = present & ~has_offset
    if naive_mask.any():
        naive_text = text[naive_mask]
        parsed = pd.to_datetime(naive_text, format="ISO8601", errors="coerce")
        result.loc[naive_mask] = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    iso = present & result.notna()
    if iso.any():
        precision.loc[iso] = _iso_precision(text[iso])
    rest = present & result.isna()
    if rest.any():
        _parse_registers(text[rest], tz, result, precision)
    return result, precision


def _parse_registers(
    text: pd.Series, tz: dt.tzinfo, result: pd.Series, precision: pd.Series
) -> None:
    """Fill ``result`` and ``precision`` at ``text``'s index with :func:`parse_one` (per text)."""
    codes, uniques = pd.factorize(text)
    found = [parse_one(str(value)) for value in uniques]
    naive = [f.value if f is not None and not f.aware else None for f in found]
    aware = [f.value if f is not None and f.aware else None for f in found]
    local = pd.Series(pd.to_datetime(pd.Series(naive, dtype="object"))).dt.tz_localize(
        tz, ambiguous="NaT", nonexistent="NaT"
    )
    if any(v is not None for v in aware):
        converted = pd.to_datetime(pd.Series(aware, dtype="object"), utc=True).dt.tz_convert(tz)
        local = local.where(local.notna(), converted)
    kinds = np.array(
        [None if f is None else f.precision.value for f in found] + [None], dtype=object
    )
    kinds[:-1][local.isna().to_numpy()] = None
    result.loc[text.index] = pd.Series(local.iloc[codes].array, index=text.index)
    precision.loc[text.index] = kinds[codes]


def parse_times(raw: pd.Series) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Return ``HH:MM;HH:MM`` lists (normalised) and which values are not such lists."""
    text = as_text(raw)
    out: list[object] = []
    bad = np.zeros(len(text), dtype=bool)
    for i, value in enumerate(text.tolist()):
        if pd.isna(value):
            out.append(pd.NA)
            continue
        parts = [p for p in re.split(r"[;,/|]", str(value)) if p.strip()]
        times = []
        for part in parts:
            m = _TIME.match(part)
            if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
                bad[i] = True
                break
            times.append(f"{int(m.group(1)):02d}:{m.group(2)}")
        out.append(";".join(times) if not bad[i] else pd.NA)
    return pd.Series(out, index=raw.index, dtype="string"), bad
