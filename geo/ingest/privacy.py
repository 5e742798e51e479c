"""Privacy guard: find and drop columns holding personal data before anything is stored."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cache
from itertools import pairwise
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import N_, _, format_percent
from geo.i18n.keys import fold, latin
from geo.ingest.columns import coordinate_aliases, field_aliases, normalise
from geo.schema import TEAM, FieldType, LayerSpec

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


#: Reason given when a column's *name* says it holds personal data (English; shown with
#: ``_()`` in the current language).
PII_COLUMN_REASON: Final[Mapping[PiiKind, str]] = MappingProxyType(
    {
        PiiKind.PERSON: N_("column name suggests a person's name or details"),
        PiiKind.PHONE: N_("column name suggests a phone number"),
        PiiKind.ADDRESS: N_("column name suggests a home address"),
        PiiKind.IDENTITY: N_(
            "column name suggests an identity number (Aadhaar, PAN, voter ID, passport)"
        ),
        PiiKind.EMAIL: N_("column name suggests an e-mail address"),
        PiiKind.BIRTH_DATE: N_("column name suggests a date of birth"),
        PiiKind.AGE: N_("column name suggests a person's age"),
    }
)

#: Reason given when a column's *values* look personal; translated with ``_()``, then
#: formatted with ``share`` (a percentage, :func:`geo.i18n.format_percent`).
PII_VALUE_REASON: Final[Mapping[PiiKind, str]] = MappingProxyType(
    {
        # TRANSLATORS: {share} is a percentage such as 40%.
        PiiKind.PHONE: N_("{share} of its values look like Indian mobile numbers"),
        PiiKind.IDENTITY: N_("{share} of its values look like Aadhaar numbers"),
        PiiKind.EMAIL: N_("{share} of its values look like e-mail addresses"),
        PiiKind.PERSON: N_("{share} of its values look like people's names"),
        PiiKind.ADDRESS: N_("{share} of its values look like home addresses"),
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
        "pita", "pati", "mata", "pidita", "peedit", "pidit", "pirita", "pirit", "abhiyukt",
        "aaropi", "aropi", "vadi", "shikayatakarta", "mulajim", "gavah",
        # Hindi, in Devanagari (folded: nukta dropped)
        "पीडिता", "पीडित", "पीडितों", "पिता", "पति", "माता", "अभिभावक", "पत्नी", "अभियुक्त",
        "अभियुक्तों", "आरोपी", "शिकायतकर्ता", "शिकायतकर्त्ता", "वादी", "वादिनी", "प्रतिवादी",
        "वादी_वादिनी", "गवाह", "साक्षी", "संदिग्ध", "मुलजिम", "मुल्जिम", "सूचनाकर्ता",
        "प्रार्थी", "प्रार्थिनी", "आवेदक", "आवेदिका", "कॉलर", "कालर", "व्यक्ति",
    }
)  # fmt: skip
#: Qualifiers that make ``<word>_name`` a person's name (``first_name``, ``full_name``...).
NAME_QUALIFIERS: Final = frozenset({"first", "last", "middle", "full", "given", "sur", "nick"})
NAME_WORDS: Final = frozenset({"name", "names", "naam", "nam", "surname", "नाम"})
#: Words naming a language: ``name_hi``, ``hindi_name`` or ``नाम (हिन्दी)`` is still a bare
#: name (a person's, unless the layer has a Hindi-name field such as a site's ``name_hi``).
LANGUAGE_WORDS: Final = frozenset(
    {"hi", "hin", "hindi", "en", "eng", "english", "हिन्दी", "हिंदी", "अंग्रेजी"}
)  # fmt: skip
#: Words that make a person-word column an aggregate (``victim_count``), not personal.
COUNT_WORDS: Final = frozenset(
    {
        "count", "counts", "cnt", "total", "totals", "qty", "nos", "reached", "attended",
        "संख्या", "कुल", "योग",
    }
)  # fmt: skip
#: Words that make an address the address of a place, not of a person.
PLACE_WORDS: Final = frozenset(
    {
        "office", "site", "station", "thana", "ps", "venue", "school", "college",
        "institution", "centre", "center", "camera", "cctv", "market", "shop", "hostel",
        "campaign", "event", "building", "branch",
        "थाना", "थाने", "कार्यालय", "स्थल", "संस्था", "संस्थान", "विद्यालय", "कैमरा", "घटना",
        "घटनास्थल", "कार्यक्रम",
    }
)  # fmt: skip
#: Devanagari words (folded) of the other kinds of personal column.
HINDI_WORDS: Final[Mapping[PiiKind, frozenset[str]]] = MappingProxyType(
    {
        PiiKind.PHONE: frozenset({"मोबाइल", "मोबाईल", "फोन", "दूरभाष", "संपर्क", "मो", "मोबा"}),
        PiiKind.ADDRESS: frozenset({"पता", "पते", "निवास", "मकान", "निवासी", "ग्राम_पता"}),
        PiiKind.IDENTITY: frozenset({"आधार", "पैन", "वोटर", "पहचान"}),
        PiiKind.EMAIL: frozenset({"ईमेल", "मेल"}),
        PiiKind.BIRTH_DATE: frozenset({"जन्म", "जन्मतिथि"}),
        PiiKind.AGE: frozenset({"उम्र", "आयु", "उमर"}),
    }
)
#: Whole column names of kinship abbreviations (son / daughter / wife / care of).
KINSHIP_KEYS: Final = frozenset({"s_o", "d_o", "w_o", "c_o", "f_h_name", "पुत्र", "पुत्री"})
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

#: Honorifics that open a person's name (folded; Latin and Devanagari).
HONORIFICS: Final = frozenset(
    {
        "smt", "shri", "sri", "shrimati", "km", "kumari", "mr", "mrs", "ms", "miss", "md", "mohd",
        "श्री", "श्रीमती", "कु", "कुमारी", "सुश्री", "मो",
    }
)  # fmt: skip
#: Police ranks (folded; Latin and Devanagari): a rank before a given name or surname
#: (``SI Yadav``, ``Constable Verma``, ``आरक्षी वर्मा``) names an officer.
RANKS: Final = frozenset(
    {
        "constable", "ct", "hc", "head_constable", "lady_constable", "woman_constable", "wct",
        "si", "asi", "ssi", "inspector", "insp", "sub_inspector", "dsp", "acp", "dcp", "sho",
        "सिपाही", "आरक्षी", "मुख्य_आरक्षी", "महिला_आरक्षी", "कांस्टेबल", "हेड_कांस्टेबल",
        "उपनिरीक्षक", "निरीक्षक", "दरोगा", "दारोगा",
    }
)  # fmt: skip
#: A small vocabulary of common given names of the region, in both scripts (folded).
GIVEN_NAMES: Final = frozenset(
    {
        "priya", "pooja", "puja", "sunita", "anita", "neha", "ritu", "kavita", "rekha", "geeta",
        "gita", "seema", "sita", "radha", "anjali", "shalini", "nisha", "asha", "usha", "meena",
        "sarita", "savita", "kiran", "suman", "rani", "shabana", "fatima", "nazia", "ayesha",
        "ram", "shyam", "rahul", "rakesh", "ramesh", "suresh", "mahesh", "dinesh", "rajesh",
        "mukesh", "sanjay", "ajay", "vijay", "amit", "sunil", "anil", "manoj", "santosh",
        "mohan", "sohan", "raju", "pappu", "vikas", "deepak", "arun", "ravi", "mohd", "mohammad",
        "imran", "salman", "arif", "rohit", "sachin", "pankaj", "ashok", "krishna", "gopal",
        "प्रिया", "पूजा", "सुनीता", "अनीता", "नेहा", "रितु", "कविता", "रेखा", "गीता", "सीमा",
        "सीता", "राधा", "अंजलि", "शालिनी", "निशा", "आशा", "उषा", "मीना", "सरिता", "सविता",
        "किरन", "किरण", "सुमन", "रानी", "शबाना", "फातिमा", "राम", "श्याम", "राहुल", "राकेश",
        "रमेश", "सुरेश", "महेश", "दिनेश", "राजेश", "मुकेश", "संजय", "अजय", "विजय", "अमित",
        "सुनील", "अनिल", "मनोज", "संतोष", "मोहन", "सोहन", "राजू", "पप्पू", "विकास", "दीपक",
        "अरुण", "रवि", "मोहम्मद", "इमरान", "सलमान", "रोहित", "सचिन", "पंकज", "अशोक", "गोपाल",
    }
)  # fmt: skip
#: Common surnames of the region, in both scripts (folded).
SURNAMES: Final = frozenset(
    {
        "kumar", "kumari", "devi", "singh", "yadav", "gupta", "sharma", "verma", "mishra",
        "pandey", "tiwari", "tripathi", "dubey", "shukla", "srivastava", "maurya", "patel",
        "chaurasia", "jaiswal", "khan", "ansari", "prajapati", "rajbhar", "sonkar", "pal",
        "कुमार", "कुमारी", "देवी", "सिंह", "यादव", "गुप्ता", "शर्मा", "वर्मा", "मिश्रा", "पांडेय",
        "पाण्डेय", "तिवारी", "त्रिपाठी", "दुबे", "शुक्ला", "श्रीवास्तव", "मौर्य", "पटेल",
        "चौरसिया", "जायसवाल", "खान", "अंसारी", "प्रजापति", "राजभर", "सोनकर", "पाल",
    }
)  # fmt: skip
#: Words (folded) that mark a house number: a value holding one is a home address.
HOUSE_WORDS: Final = frozenset(
    {
        "h_no", "hno", "house_no", "house_number", "flat_no", "plot_no", "d_no", "door_no",
        "मकान_नं", "मकान_नंबर", "मकान_संख्या", "म_नं", "म_न", "मकान_न",
    }
)  # fmt: skip
#: Street and ward words (folded): with a number in the value they make a home address.
STREET_WORDS: Final = frozenset(
    {"gali", "lane", "ward", "mohalla", "colony", "sector", "गली", "वार्ड", "मोहल्ला", "कॉलोनी"}
)

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"(?:\+?91|0)?[6-9]\d{9}")
_AADHAAR = re.compile(r"[2-9]\d{3}([ -]?)\d{4}\1\d{4}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
#: Twelve digits that read as a compact timestamp ``YYYYMMDDhhmm`` are not an Aadhaar number.
_COMPACT_TIMESTAMP = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d"
)
#: Every decimal digit of any script (Devanagari, Bengali, full-width...) as its ASCII digit.
_DIGITS: Final = {
    code: str(unicodedata.decimal(chr(code)))
    for code in range(0x20000)
    if chr(code).isdecimal() and code > 0x7F
}
#: Verhoeff tables: multiplication of the dihedral group D5 and the position permutation.
_VERHOEFF_D: Final = tuple(
    tuple(map(int, row))
    for row in (
        "0123456789", "1234067895", "2340178956", "3401289567", "4012395678",
        "5987604321", "6598710432", "7659821043", "8765932104", "9876543210",
    )
)  # fmt: skip
_VERHOEFF_P: Final = tuple(
    tuple(map(int, row))
    for row in (
        "0123456789", "1576283094", "5803796142", "8916043527",
        "9453128760", "4286573901", "2793806415", "7046913258",
    )
)  # fmt: skip
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: A column named only by these words holds people's names.
_BARE_NAMES: Final = frozenset({"name", "names", "naam", "nam", "नाम"})


def _tokens(column: str) -> list[str]:
    """Split a column name into lower-case words (``VictimName`` → ``victim``, ``name``).

    The words of :func:`~geo.i18n.keys.fold` (Devanagari kept) come first, then those of its
    transliteration :func:`~geo.i18n.keys.latin` when they differ (``पिता`` → ``pita``).
    """
    split = _CAMEL.sub("_", column)
    words = [t for t in fold(split).split("_") if t]
    return list(dict.fromkeys([*words, *(t for t in latin(split).split("_") if t)]))


def _hindi(tokens: Sequence[str], kind: PiiKind) -> bool:
    return bool(set(tokens) & HINDI_WORDS[kind])


def _is_person_name(tokens: Sequence[str]) -> bool:
    words = set(tokens)
    bare = {t for t in tokens if t not in LANGUAGE_WORDS}
    if (bare and bare <= _BARE_NAMES) or "surname" in words or "_".join(tokens) in KINSHIP_KEYS:
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
    if _hindi(tokens, PiiKind.PHONE) or any(_PHONE_TOKEN.fullmatch(t) for t in tokens):
        return True
    if list(tokens) == ["cell"]:
        return True
    return any(
        token in _PHONE_PREFIXES and following in _NUMBER_WORDS
        for token, following in pairwise(tokens)
    )


def _is_identity(tokens: Sequence[str]) -> bool:
    if _hindi(tokens, PiiKind.IDENTITY) or list(tokens) == ["pan"]:
        return True
    if any(_IDENTITY_TOKEN.fullmatch(t) for t in tokens):
        return True
    # "uid" alone is a record-id alias and "pan_india" is no PAN: both need a number word
    return any(
        token in ("uid", "pan") and following in _IDENTITY_NUMBER_WORDS
        for token, following in pairwise(tokens)
    )


def _is_address(tokens: Sequence[str]) -> bool:
    named = _hindi(tokens, PiiKind.ADDRESS) or any(_ADDRESS_TOKEN.fullmatch(t) for t in tokens)
    return named and not set(tokens) & PLACE_WORDS


def _is_birth_date(tokens: Sequence[str]) -> bool:
    joined = "_".join(tokens)
    if _hindi(tokens, PiiKind.BIRTH_DATE):
        return True
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
    return _hindi(tokens, PiiKind.EMAIL) or any(_EMAIL_TOKEN.fullmatch(t) for t in tokens)


def _is_age(tokens: Sequence[str]) -> bool:
    return _hindi(tokens, PiiKind.AGE) or any(_AGE_TOKEN.fullmatch(t) for t in tokens)


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


def _keys(column: str) -> set[str]:
    """Return the match keys of a column name: folded, camel-case split and transliterated."""
    return {fold(column), fold(_CAMEL.sub("_", column)), latin(column)} - {""}


@cache
def _coordinate_keys() -> frozenset[str]:
    roles = coordinate_aliases()
    names = [*roles["lat"], *roles["lon"], *roles["wkt"]]
    return frozenset({*map(fold, names), *map(latin, names)})


@cache
def _alias_keys(spec: LayerSpec) -> frozenset[str]:
    names = [alias for aliases in field_aliases(spec).values() for alias in aliases]
    return frozenset({*map(fold, names), *map(latin, names)} - {""})


def _is_coordinate(keys: set[str], tokens: Sequence[str]) -> bool:
    return bool(keys & _coordinate_keys()) or bool(set(tokens) & COORDINATE_WORDS)


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


def verhoeff_valid(digits: str) -> bool:
    """Return whether a string of digits passes the Verhoeff check (Aadhaar's last digit).

    Examples
    --------
    >>> verhoeff_valid("2363"), verhoeff_valid("2364")
    (True, False)
    """
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def _is_aadhaar(text: str) -> bool:
    """Twelve digits, first 2-9: grouped 4-4-4 as printed on the card, or passing Verhoeff."""
    match = _AADHAAR.fullmatch(text)
    if match is None or _COMPACT_TIMESTAMP.fullmatch(text):
        return False
    return bool(match.group(1)) or verhoeff_valid(text)


def _is_name_value(text: str) -> bool:
    """Return whether a value reads as a person's name (honorific, rank, vocabulary name)."""
    words = [w for w in fold(text).split("_") if w]
    if not 1 <= len(words) <= 5 or any(w.isdigit() for w in words):
        return False
    if words[0] in HONORIFICS or (len(words) > 1 and "_".join(words[:2]) in HONORIFICS):
        return True
    rank = 2 if "_".join(words[:2]) in RANKS else 1 if words[0] in RANKS else 0
    if rank and any(w in GIVEN_NAMES | SURNAMES for w in words[rank:]):
        return True
    if words[0] in GIVEN_NAMES:
        return len(words) == 1 or words[-1] in GIVEN_NAMES | SURNAMES
    return len(words) >= 2 and words[-1] in {"devi", "kumari", "देवी", "कुमारी"}


def _is_address_value(text: str) -> bool:
    """Return whether a value reads as a home address (house number, or street word + number)."""
    key = fold(text)
    padded = f"_{key}_"
    if any(f"_{word}_" in padded for word in HOUSE_WORDS):
        return True
    has_street = any(f"_{word}_" in padded for word in STREET_WORDS)
    return has_street and any(ch.isdigit() for ch in key)


def _value_kind(text: str, *, hard_only: bool = False) -> PiiKind | None:
    text = text.translate(_DIGITS)
    if "@" in text:
        return PiiKind.EMAIL if _EMAIL.fullmatch(text) else None
    if _is_aadhaar(text):
        return PiiKind.IDENTITY
    if _MOBILE.fullmatch(_SEPARATORS.sub("", text)):
        return PiiKind.PHONE
    if hard_only:
        return None
    if _is_address_value(text):
        return PiiKind.ADDRESS
    if _is_name_value(text):
        return PiiKind.PERSON
    return None


def _kind_from_values(
    series: pd.Series, *, hard_only: bool = False
) -> tuple[PiiKind, float] | None:
    """Return the most frequent personal kind of the values and the personal share, if any.

    ``hard_only`` (columns named like a field of the layer, e.g. a place of occurrence)
    looks for phone, Aadhaar and e-mail values only, not names or addresses.
    """
    texts = _sample_texts(series)
    if not texts:
        return None
    counts: dict[PiiKind, int] = {}
    for text in texts:
        kind = _value_kind(text, hard_only=hard_only)
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
    aliases = _alias_keys(spec)
    report: dict[str, str] = {}
    for position, label in enumerate(frame.columns):
        column = str(label)
        if column in report:
            continue
        tokens = _tokens(column)
        keys = _keys(column)
        if keys & fields or _is_coordinate(keys, tokens):
            continue
        alias = bool(keys & aliases)
        kind = None if alias else _kind_from_name(tokens)
        if kind is not None:
            report[column] = _(PII_COLUMN_REASON[kind])
            continue
        found = _kind_from_values(frame.iloc[:, position], hard_only=alias)
        if found is not None:
            value_kind, share = found
            report[column] = _(PII_VALUE_REASON[value_kind]).format(share=format_percent(share))
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


#: A phone number, an Aadhaar-like number or an e-mail address anywhere in a cell's text.
_PERSONAL_IN_TEXT: Final = re.compile(
    r"(?<!\d)(?:\+?91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}(?!\d)"
    r"|(?<!\d)[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}(?!\d)"
    r"|[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
)


def holds_personal_number(text: str) -> bool:
    """Return whether ``text`` holds a phone number, an Aadhaar number or an e-mail address.

    The pattern :func:`mask_personal_values` empties cells by (Devanagari digits read as
    digits), for a single value such as a team's name.

    Examples
    --------
    >>> holds_personal_number("Lanka-1"), holds_personal_number("Ravi ९८७६५४३२१०")
    (False, True)
    """
    return _PERSONAL_IN_TEXT.search(text.translate(_DIGITS)) is not None


def reads_as_person_name(text: str) -> bool:
    """Return whether ``text`` reads as a person's name (Latin or Devanagari).

    The rule the column detection counts name values by: an honorific first (``Smt``,
    ``श्रीमती``, ``Md``), a police rank before a given name or surname (``SI Yadav``), a common
    given name of the region alone or with a surname (``Ravi Kumar``, ``रवि कुमार``), or a last
    word ``devi``/``kumari``. A value with a digit is not a name, so
    ``Lanka-1`` or ``Ram Nagar 2`` pass.

    Examples
    --------
    >>> reads_as_person_name("Ravi Kumar"), reads_as_person_name("सुनीता देवी")
    (True, True)
    >>> reads_as_person_name("Constable Verma"), reads_as_person_name("Md Salim")
    (True, True)
    >>> reads_as_person_name("Lanka-1"), reads_as_person_name("Durga squad")
    (False, False)
    """
    return _is_name_value(text)


#: Fields that name a thing, never a person: a value reading as a person's name is emptied.
NAME_FREE_FIELDS: Final = frozenset({TEAM})


def _text_and_other_columns(
    plan_fields: Mapping[str, str], spec: LayerSpec
) -> tuple[list[str], list[str]]:
    """Return the source columns of the layer's text fields and of its other fields.

    The layer's key is in neither (a register number may look like a phone number).
    """
    fields = [f for f in spec.fields if f.name != spec.key and f.name in plan_fields]
    texts = [plan_fields[f.name] for f in fields if f.type is FieldType.TEXT]
    others = [plan_fields[f.name] for f in fields if f.type is not FieldType.TEXT]
    return texts, others


#: Shown and kept instead of a personal value: a date, time, number or vocabulary cell that
#: holds one (its row is still quarantined for its bad value), or an audited parameter.
WITHHELD: Final = "(withheld: personal)"


#: A rule over a column of text cells: which of them it finds.
Hits = Callable[[pd.Series], npt.NDArray[np.bool_]]


def _mask(
    frame: pd.DataFrame, emptied: tuple[list[str], Hits], withheld: tuple[list[str], Hits]
) -> tuple[pd.DataFrame, int]:
    """Empty the cells one rule finds in some columns, withhold those another finds in others.

    Returns the frame (``frame`` itself when nothing is found) and how many cells changed.
    """
    out, masked = _emptied(frame, *emptied)
    out, more = _emptied(out, *withheld, WITHHELD)
    return out, masked + more


def _emptied(
    frame: pd.DataFrame,
    columns: Iterable[str],
    hits: Hits,
    replacement: str = "",
) -> tuple[pd.DataFrame, int]:
    """Return ``frame`` with the cells ``hits`` finds in ``columns`` replaced, and their count.

    ``frame`` itself comes back when no cell is found; otherwise a copy. The cells become
    ``replacement``: empty, or :data:`WITHHELD` where an empty cell would pass as missing.
    """
    out = frame
    masked = 0
    for column in dict.fromkeys(columns):
        hit = hits(frame[column].astype("string"))
        if hit.any():
            out = out.copy() if out is frame else out
            out.loc[hit, column] = replacement
            masked += int(hit.sum())
    return out, masked


#: A decimal digit of any script, as literal ranges (Unicode keeps each script's 0-9 in a row).
_DIGIT: Final = (
    "[0-9" + "".join(f"{chr(c)}-{chr(c + 9)}" for c, d in _DIGITS.items() if d == "0") + "]"
)
#: What every phone, Aadhaar or e-mail value holds (five digits in a row, two groups of four,
#: or an ``@``): a pattern without look-behind, so pandas runs it as one vectorised pass, and
#: only the few cells it finds are read with :data:`_PERSONAL_IN_TEXT`. Digits of every
#: script are written as themselves (pyarrow's regex engine reads no \u escape): a phone
#: typed in full-width or Bengali digits is found too.
_NUMBER_HINT: Final = f"{_DIGIT}{{5}}|{_DIGIT}{{4}}[ -]?{_DIGIT}{{4}}|@"
#: Characters :func:`~geo.i18n.keys.fold` turns into a word break.
_BREAK: Final = "[ _/.,:;()+-]"
#: A word of digits only (``2026-11-20``, ``12.5``): a value holding one is no person's name.
_DIGIT_WORD: Final = f"(?:^|{_BREAK})[0-9०-९]+(?:{_BREAK}|$)"


def _holds_number(text: pd.Series) -> npt.NDArray[np.bool_]:
    """Which cells hold a phone, Aadhaar or e-mail value (Devanagari digits read as digits)."""
    hit = text.str.contains(_NUMBER_HINT, na=False).to_numpy(dtype=bool)
    if hit.any():
        found = text[hit].str.translate(_DIGITS).str.contains(_PERSONAL_IN_TEXT)
        hit[hit] = found.fillna(False).to_numpy(dtype=bool)
    return hit


#: A plain decimal with a fraction (a coordinate, a radius): never read as a phone or Aadhaar.
_PLAIN_DECIMAL: Final = re.compile(r"[+-]?\d*\.\d+")


def _holds_number_as_other(text: pd.Series) -> npt.NDArray[np.bool_]:
    """Which cells of a date, time, number or vocabulary field hold a phone, Aadhaar or e-mail.

    A plain decimal (``25.317654321098``) and a compact timestamp (``202611201800``) are
    values of such fields, not personal numbers.
    """
    hit = _holds_number(text)
    if hit.any():
        plain = text[hit].str.strip()
        valid = plain.str.fullmatch(_PLAIN_DECIMAL.pattern) | plain.str.fullmatch(
            _COMPACT_TIMESTAMP.pattern
        )
        hit[hit] = ~valid.fillna(False).to_numpy(dtype=bool)
    return hit


def _reads_as_name(text: pd.Series) -> npt.NDArray[np.bool_]:
    """Which cells read as a person's name (each distinct value without a digit word read once)."""
    hit = ~text.str.contains(_DIGIT_WORD, na=True).to_numpy(dtype=bool)
    if hit.any():
        candidates = text[hit]
        names = {v for v in candidates.unique().tolist() if reads_as_person_name(str(v))}
        hit[hit] = candidates.isin(names).fillna(False).to_numpy(dtype=bool)
    return hit


def mask_personal_values(
    frame: pd.DataFrame, plan_fields: Mapping[str, str], spec: LayerSpec
) -> tuple[pd.DataFrame, int]:
    """Empty the cells of a layer's fields that hold a phone, Aadhaar or e-mail.

    Column-level detection (:func:`drop_personal_columns`) drops a column when many of its
    values are personal; a single phone number typed into a field kept as written (a centre's
    ``thana``, ``thana_stated``, a team) would still be stored, and one typed into a date,
    time, number or vocabulary field would be shown as written in the quarantine.
    Such a cell is emptied before validation (a date, time, number or vocabulary cell becomes
    :data:`WITHHELD`, so its row is still quarantined as a bad value), so the value is never
    stored, quarantined or shown; a required field then quarantines its row as missing.
    The layer's key is left
    alone (a register number may look like a phone number). Vectorised: one regular
    expression over each text column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file's columns (not modified).
    plan_fields : mapping of str to str
        Field → source column (:attr:`geo.ingest.columns.ColumnPlan.fields`).
    spec : LayerSpec

    Returns
    -------
    frame : pandas.DataFrame
        A copy with those cells empty (the input itself when none is).
    masked : int
        How many cells were emptied.
    """
    texts, others = _text_and_other_columns(plan_fields, spec)
    out, masked = _mask(frame, (texts, _holds_number), (others, _holds_number_as_other))
    if masked:
        logger.warning("%d cells with a phone, Aadhaar or e-mail value emptied", masked)
    return out, masked


def mask_person_names(
    frame: pd.DataFrame, plan_fields: Mapping[str, str], spec: LayerSpec
) -> tuple[pd.DataFrame, int]:
    """Empty the cells that read as a person's name where no name belongs.

    That is a team field and every date, time, number or vocabulary field. A team is named
    by place and number (``Lanka-1``); a visit log whose team column holds an officer's name
    (``Ravi Kumar``) would store it, and a name typed into a date column would be shown as
    written in the quarantine. As :func:`mask_personal_values` does for a phone number, the
    cell is emptied (a date, time, number or vocabulary cell becomes :data:`WITHHELD`) before
    validation, so the name is never stored, quarantined or shown. The rule is
    :func:`reads_as_person_name`. Parameters and returns are those of
    :func:`mask_personal_values`.
    """
    _, others = _text_and_other_columns(plan_fields, spec)
    teams = [
        plan_fields[f.name]
        for f in spec.fields
        if f.name in NAME_FREE_FIELDS and f.name in plan_fields
    ]
    out, masked = _mask(frame, (teams, _reads_as_name), (others, _reads_as_name))
    if masked:
        logger.warning("%d cells reading as a person's name where none belongs emptied", masked)
    return out, masked
