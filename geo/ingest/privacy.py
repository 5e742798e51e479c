"""Privacy guard: find and drop columns holding personal data before anything is stored."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from geo.ingest.columns import LAT_ALIASES, LON_ALIASES, WKT_ALIASES, normalise
from geo.schema import LayerSpec

logger = logging.getLogger(__name__)


class PiiKind(StrEnum):
    """The kinds of personal data the guard recognises."""

    PERSON = "person"
    PHONE = "phone"
    ADDRESS = "address"
    IDENTITY = "identity-number"
    EMAIL = "email"
    BIRTH_DATE = "birth-date"
    AGE = "age"


#: Reason given when a column's *name* says it holds personal data.
PII_COLUMN_REASON: Final[Mapping[PiiKind, str]] = MappingProxyType(
    {
        PiiKind.PERSON: "column name suggests a person's name or details",
        PiiKind.PHONE: "column name suggests a phone number",
        PiiKind.ADDRESS: "column name suggests a home address",
        PiiKind.IDENTITY: "column name suggests an identity number (Aadhaar, PAN, voter ID, "
        "passport)",
        PiiKind.EMAIL: "column name suggests an e-mail address",
        PiiKind.BIRTH_DATE: "column name suggests a date of birth",
        PiiKind.AGE: "column name suggests a person's age",
    }
)

#: Reason given when a column's *values* look personal; formatted with ``share`` (0..1).
PII_VALUE_REASON: Final[Mapping[PiiKind, str]] = MappingProxyType(
    {
        PiiKind.PHONE: "{share:.0%} of its values look like Indian mobile numbers",
        PiiKind.IDENTITY: "{share:.0%} of its values look like Aadhaar numbers",
        PiiKind.EMAIL: "{share:.0%} of its values look like e-mail addresses",
    }
)

#: A column is personal when at least this share of its non-empty values looks personal.
VALUE_SHARE_THRESHOLD: Final = 0.30
#: At most this many non-empty values of a column are inspected (evenly spaced).
VALUE_SAMPLE_SIZE: Final = 10_000

# ---- name patterns (matched against the tokens of the normalised column name) ----

#: Words that designate a person; ``<word>_name`` and a bare ``<word>`` column are personal.
PERSON_WORDS: Final = frozenset(
    {
        "victim", "victims", "complainant", "complainants", "accused", "father", "fathers",
        "husband", "husbands", "mother", "mothers", "guardian", "guardians", "person",
        "persons", "parent", "parents", "wife", "spouse", "witness", "witnesses", "suspect",
        "suspects", "offender", "offenders", "informant", "caller", "applicant",
        # Hindi, as written in Latin script
        "pita", "pati", "mata", "pidita", "peedit", "pidit", "abhiyukt", "aaropi",
        # Hindi, in Devanagari
        *(unicodedata.normalize("NFC", w) for w in (
            "पीड़िता", "पीड़ित", "पिता", "पति", "माता", "पत्नी", "अभियुक्त", "आरोपी",
            "शिकायतकर्ता", "वादी", "गवाह", "संदिग्ध", "व्यक्ति", "अभिभावक",
        )),
    }
)  # fmt: skip
#: Qualifiers that make ``<word>_name`` a person's name (``first_name``, ``full_name``...).
NAME_QUALIFIERS: Final = frozenset({"first", "last", "middle", "full", "given", "sur", "nick"})
NAME_WORDS: Final = frozenset({"name", "names", "naam", "surname", "नाम"})
#: Words naming a language: ``name_hi``, ``hindi_name`` or ``नाम (हिन्दी)`` is still a bare
#: name (a person's, unless the layer has a Hindi-name field such as a site's ``name_hi``).
LANGUAGE_WORDS: Final = frozenset(
    {
        "hi", "hin", "hindi", "en", "eng", "english",
        *(unicodedata.normalize("NFC", w) for w in ("हिन्दी", "हिंदी", "अंग्रेज़ी", "अंग्रेजी")),
    }
)  # fmt: skip
#: Words that make a person-word column an aggregate (``victim_count``), not personal.
COUNT_WORDS: Final = frozenset(
    {"count", "counts", "cnt", "total", "totals", "qty", "nos", "reached", "attended"}
)
#: Words that make an address the address of a place, not of a person.
PLACE_WORDS: Final = frozenset(
    {
        "office", "site", "station", "thana", "ps", "venue", "school", "college",
        "institution", "centre", "center", "camera", "cctv", "market", "shop", "hostel",
        "campaign", "event", "building", "branch",
    }
)  # fmt: skip
#: Tokens that mark a coordinate column, never personal.
COORDINATE_WORDS: Final = frozenset(
    {
        "lat", "lon", "lng", "long", "latitude", "longitude", "x", "y", "easting",
        "northing", "wkt", "geometry", "geom", "coord", "coords", "coordinate",
        "coordinates", "xcoord", "ycoord",
    }
)  # fmt: skip

_NUMBER_SUFFIX = r"(?:no|num|number|nos)?"
_PHONE_TOKEN = re.compile(
    rf"(?:tele)?phones?{_NUMBER_SUFFIX}|mobiles?{_NUMBER_SUFFIX}|contacts?{_NUMBER_SUFFIX}"
    rf"|whatsapp{_NUMBER_SUFFIX}|tel{_NUMBER_SUFFIX}|landlines?{_NUMBER_SUFFIX}"
    r"|cellphones?|cell(?:no|num|number)|mob(?:no|num|number)|ph(?:no|num)"
)
_PHONE_PREFIXES: Final = frozenset({"cell", "mob", "ph"})  # only with a following no/number
_NUMBER_WORDS: Final = frozenset({"no", "num", "number", "nos", "phone"})
_IDENTITY_NUMBER_WORDS: Final = frozenset({"no", "num", "number", "card", "id"})
_ADDRESS_TOKEN = re.compile(r"addr|address(?:es)?|addressline\d*|pata|house|houseno|residence")
_IDENTITY_TOKEN = re.compile(
    rf"a{{1,2}}dh{{1,2}}a{{1,2}}r(?:no|num|number|card|id)?|pan(?:no|num|number|card)"
    rf"|voters?(?:id|no|card)?|epic{_NUMBER_SUFFIX}|passports?{_NUMBER_SUFFIX}"
    r"|uid(?:no|num|number)|uidai"
)
_EMAIL_TOKEN = re.compile(r"e?mails?(?:id|address)?")
_BIRTH_TOKEN = re.compile(r"dob|birth\w*|janm\w*")
_AGE_TOKEN = re.compile(r"ages?|age(?:years|yrs|yr)|aayu|umra?")

# ---- value patterns ----

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"(?:\+?91|0)?[6-9]\d{9}")
_AADHAAR = re.compile(r"[2-9]\d{3}([ -]?)\d{4}\1\d{4}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
#: Twelve digits that read as a compact timestamp ``YYYYMMDDhhmm`` are not an Aadhaar number.
_COMPACT_TIMESTAMP = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _tokens(column: str) -> list[str]:
    """Split a column name into lower-case words (``VictimName`` → ``victim``, ``name``)."""
    return [t for t in normalise(_CAMEL.sub("_", column)).split("_") if t]


def _is_person_name(tokens: Sequence[str]) -> bool:
    words = set(tokens)
    bare = [t for t in tokens if t not in LANGUAGE_WORDS]
    if bare in (["name"], ["names"], ["naam"], ["नाम"]) or "surname" in words:
        return True
    if words & NAME_WORDS and words & (PERSON_WORDS | NAME_QUALIFIERS):
        return True
    for token in tokens:  # glued forms such as victimname, fathersname, firstname
        for suffix in ("name", "naam"):
            stem = token.removesuffix(suffix)
            if (
                stem != token
                and stem
                and (
                    stem in PERSON_WORDS
                    or stem in NAME_QUALIFIERS
                    or stem.removesuffix("s") in PERSON_WORDS
                )
            ):
                return True
    return False


def _is_phone(tokens: Sequence[str]) -> bool:
    if any(_PHONE_TOKEN.fullmatch(t) for t in tokens):
        return True
    if list(tokens) == ["cell"]:
        return True
    return any(
        token in _PHONE_PREFIXES and following in _NUMBER_WORDS
        for token, following in pairwise(tokens)
    )


def _is_identity(tokens: Sequence[str]) -> bool:
    if any(_IDENTITY_TOKEN.fullmatch(t) for t in tokens) or list(tokens) == ["pan"]:
        return True
    # "uid" alone is a record-id alias and "pan_india" is no PAN: both need a number word
    return any(
        token in ("uid", "pan") and following in _IDENTITY_NUMBER_WORDS
        for token, following in pairwise(tokens)
    )


def _is_address(tokens: Sequence[str]) -> bool:
    return any(_ADDRESS_TOKEN.fullmatch(t) for t in tokens) and not set(tokens) & PLACE_WORDS


def _is_birth_date(tokens: Sequence[str]) -> bool:
    joined = "_".join(tokens)
    return any(_BIRTH_TOKEN.fullmatch(t) for t in tokens) or "d_o_b" in joined


def _refers_to_person(tokens: Sequence[str]) -> bool:
    words = set(tokens)
    if not words & PERSON_WORDS or words & COUNT_WORDS:
        return False
    # "no_of_victims", "number_of_persons" are counts too
    return not any(
        token in ("no", "num", "number") and following == "of"
        for token, following in pairwise(tokens)
    )


def _is_email(tokens: Sequence[str]) -> bool:
    return any(_EMAIL_TOKEN.fullmatch(t) for t in tokens)


def _is_age(tokens: Sequence[str]) -> bool:
    return any(_AGE_TOKEN.fullmatch(t) for t in tokens)


#: What a column name says it holds: the first rule whose test matches decides.
_NAME_RULES: Final[tuple[tuple[Callable[[Sequence[str]], bool], PiiKind], ...]] = (
    (_is_person_name, PiiKind.PERSON),
    (_is_identity, PiiKind.IDENTITY),
    (_is_email, PiiKind.EMAIL),
    (_is_phone, PiiKind.PHONE),
    (_is_birth_date, PiiKind.BIRTH_DATE),
    (_is_age, PiiKind.AGE),
    (_is_address, PiiKind.ADDRESS),
    (_refers_to_person, PiiKind.PERSON),
)


def _kind_from_name(tokens: Sequence[str]) -> PiiKind | None:
    return next((kind for test, kind in _NAME_RULES if test(tokens)), None)


def _is_coordinate(column: str, tokens: Sequence[str]) -> bool:
    key = normalise(column)
    return key in (*LAT_ALIASES, *LON_ALIASES, *WKT_ALIASES) or bool(set(tokens) & COORDINATE_WORDS)


def _as_text(value: object) -> str:
    if isinstance(value, float | np.floating):
        number = float(value)
        if not np.isfinite(number):
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
    return str(value).strip()


def _sample_texts(series: pd.Series) -> list[str]:
    """Return up to :data:`VALUE_SAMPLE_SIZE` non-empty values, evenly spaced, as text."""
    values = series.dropna()
    if (
        pd.api.types.is_bool_dtype(values)
        or pd.api.types.is_datetime64_any_dtype(values)
        or pd.api.types.is_timedelta64_dtype(values)
    ):
        return []
    array = values.to_numpy()
    if len(array) > VALUE_SAMPLE_SIZE:
        picks = np.linspace(0, len(array) - 1, VALUE_SAMPLE_SIZE).round().astype(np.intp)
        array = array[picks]
    return [text for text in (_as_text(v) for v in array) if text]


def _value_kind(text: str) -> PiiKind | None:
    if "@" in text:
        return PiiKind.EMAIL if _EMAIL.fullmatch(text) else None
    if _AADHAAR.fullmatch(text) and not _COMPACT_TIMESTAMP.fullmatch(text):
        return PiiKind.IDENTITY
    if _MOBILE.fullmatch(_SEPARATORS.sub("", text)):
        return PiiKind.PHONE
    return None


def _kind_from_values(series: pd.Series) -> tuple[PiiKind, float] | None:
    """Return the most frequent personal kind of the values and the personal share, if any."""
    texts = _sample_texts(series)
    if not texts:
        return None
    counts: dict[PiiKind, int] = {}
    for text in texts:
        kind = _value_kind(text)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
    share = sum(counts.values()) / len(texts)
    if not counts or share < VALUE_SHARE_THRESHOLD:
        return None
    return max(counts, key=lambda k: counts[k]), share


def find_personal_columns(frame: pd.DataFrame, spec: LayerSpec) -> dict[str, str]:
    """Return the columns of ``frame`` that hold personal data, each with the reason.

    A column is personal when its name says so (a person's name or a word for a person
    such as victim or accused, a phone number, a home address, an identity number, an
    e-mail, a date of birth or an age), or when at least 30 % of its non-empty values are
    Indian mobile numbers, Aadhaar-like 12-digit numbers or e-mail addresses. The layer's
    own fields (e.g. ``name`` of a site or thana) and coordinate columns are never
    personal; aliases of the layer's fields are judged by their values only. A ``*_name``
    column is personal only when its prefix designates a person (``victim_name``,
    ``father_name``, ``first_name``), so ``thana_name`` or ``office_name`` are not; a bare
    ``name`` is personal unless it is a field of the layer, also with a language word
    (``name_hi``, ``hindi_name``, ``नाम (हिन्दी)``). Hindi column names are read too
    (``पीड़िता का नाम``, ``पिता का नाम``).

    Parameters
    ----------
    frame : pandas.DataFrame
        A raw table as read (before or after the column mapping).
    spec : LayerSpec
        The layer being imported.

    Returns
    -------
    dict of str to str
        Column name → reason, a short sentence, in column order. Values are never logged
        or returned.

    Examples
    --------
    >>> from geo.schema import INCIDENTS
    >>> frame = pd.DataFrame({"id": ["a"], "victim_name": ["x"], "thana_name": ["Bhelupur"]})
    >>> find_personal_columns(frame, INCIDENTS)
    {'victim_name': "column name suggests a person's name or details"}
    """
    fields = {normalise(name) for name in spec.columns}
    aliases = {normalise(alias) for fspec in spec.fields for alias in fspec.aliases}
    report: dict[str, str] = {}
    for position, label in enumerate(frame.columns):
        column = str(label)
        if column in report:
            continue
        tokens = _tokens(column)
        keys = {normalise(column), "_".join(tokens)}
        if keys & fields or _is_coordinate(column, tokens):
            continue
        kind = None if keys & aliases else _kind_from_name(tokens)
        if kind is not None:
            report[column] = PII_COLUMN_REASON[kind]
            continue
        found = _kind_from_values(frame.iloc[:, position])
        if found is not None:
            value_kind, share = found
            report[column] = PII_VALUE_REASON[value_kind].format(share=share)
    return report


def drop_personal_columns(
    frame: pd.DataFrame, spec: LayerSpec
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return a copy of ``frame`` without its personal columns, and what was dropped and why.

    Parameters
    ----------
    frame : pandas.DataFrame
        A raw table as read; it is not changed.
    spec : LayerSpec
        The layer being imported; its own fields are never dropped.

    Returns
    -------
    tuple
        ``(new frame, {dropped column: reason})``; see :func:`find_personal_columns`.
    """
    report = find_personal_columns(frame, spec)
    keep = [str(c) not in report for c in frame.columns]
    kept = frame.loc[:, keep].copy()
    for column, reason in report.items():
        logger.warning("column %r not stored: %s", column, reason)
    return kept, report
