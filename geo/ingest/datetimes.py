"""Date-time text of Indian registers: day-first dates, month names, 12-hour clocks, precision.

Registers write ``28/11/2025 18:30``, ``28-Nov-2025``, ``28.11.25``, ``२८/११/२०२५ शाम 6:30``,
``28 नवंबर 2025 2:30 PM IST`` or only a month (police.uk ``2025-11``). :func:`parse_one` reads
one such text into its parts and its :class:`TimePrecision`: a value without a time of day is
never given one (it is stored at midnight with precision ``day``, or on the 1st with ``month``).

Rules (each one documented where it is applied):

- Devanagari digits anywhere are read as ASCII digits.
- Day first: ``05/11/2025`` is 5 November (Indian registers); year first when the first
  number has four digits.
- Two-digit years: ``YY`` below :data:`TWO_DIGIT_YEAR_PIVOT` is ``20YY``, otherwise ``19YY``.
- Month names in English (``Nov``, ``November``, ``Sept``) and Hindi (``नवंबर``, ``नवम्बर``…).
- 12-hour clocks: ``2:30 PM``, ``02:30 pm``, ``2 PM``, and the Hindi times of day सुबह
  (morning), दोपहर (afternoon), शाम (evening), रात (night); ``बजे`` ("o'clock") is ignored.
- ``IST`` is ``+05:30``; an explicit offset (``+05:30``, ``Z``) is honoured.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class TimePrecision(StrEnum):
    """How precisely a stored time is known."""

    EXACT = "exact"
    DAY = "day"
    MONTH = "month"


#: Two-digit years below the pivot are 20YY, the others 19YY (``25`` → 2025, ``85`` → 1985).
TWO_DIGIT_YEAR_PIVOT: Final = 80
#: Offset of India Standard Time.
IST_OFFSET: Final = dt.timedelta(hours=5, minutes=30)

_DEVANAGARI_DIGITS: Final = {ord(chr(0x0966 + d)): str(d) for d in range(10)}
_ENGLISH_MONTHS: Final = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_HINDI_MONTHS: Final = (
    ("जनवरी",),
    ("फरवरी", "फ़रवरी"),
    ("मार्च",),
    ("अप्रैल", "अप्रेल", "अप्रल"),
    ("मई",),
    ("जून",),
    ("जुलाई",),
    ("अगस्त",),
    ("सितंबर", "सितम्बर"),
    ("अक्टूबर", "अक्तूबर", "अक्टुबर"),
    ("नवंबर", "नवम्बर"),
    ("दिसंबर", "दिसम्बर"),
)
#: Month name (lower case) → month number.
MONTHS: Final[dict[str, int]] = {
    name: number
    for table in (_ENGLISH_MONTHS, _HINDI_MONTHS)
    for number, names in enumerate(table, start=1)
    for name in names
}
# Hindi times of day → how an hour on the 12-hour clock becomes a 24-hour one.
_MORNING: Final = ("सुबह", "सुबहे", "प्रातः", "प्रात")
_AFTERNOON: Final = ("दोपहर",)
_EVENING: Final = ("शाम", "सायं")
_NIGHT: Final = ("रात", "रात्रि")
_PERIODS: Final = (
    *((w, "am") for w in _MORNING),
    *((w, "noon") for w in _AFTERNOON),
    *((w, "pm") for w in _EVENING),
    *((w, "night") for w in _NIGHT),
)

_MONTH_WORD = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"(?<![^\W\d_])(?:बजे|hrs?|hours|o'clock)(?![^\W\d_])", re.IGNORECASE)
_OFFSET = re.compile(
    r"\s*(?:(?P<ist>\bIST)|(?<=:\d\d|\s[ap]m)\s*(?:(?P<z>Z)|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})))"
    r"\s*$",
    re.IGNORECASE,
)
_PERIOD_WORD = re.compile(
    r"(?:^|\s)(?P<word>" + "|".join(re.escape(w) for w, _ in _PERIODS) + r")(?:\s|$)"
)
_TIME = re.compile(
    r"(?:[T\s,]+|^)(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?$",
    re.IGNORECASE,
)
_MONTH_NAME = r"(?P<mname>" + _MONTH_WORD + r")\.?"
_DATE_FORMS: Final = (
    # 2025-11-28, 2025/11/28, 2025.11.28
    re.compile(r"^(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})$"),
    # 28/11/2025, 28-11-25, 28.11.2025, 28 11 2025
    re.compile(r"^(?P<d>\d{1,2})[-/. ](?P<mo>\d{1,2})[-/. ](?P<y>\d{4}|\d{2})$"),
    # 28-Nov-2025, 28 November 2025, 28 नवंबर 2025, 28-Nov-25
    re.compile(
        r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?[-/. ]*" + _MONTH_NAME + r"[-/., ]*(?P<y>\d{4}|\d{2})$",
        re.IGNORECASE,
    ),
    # Nov 28, 2025 / November 28 2025
    re.compile(
        r"^" + _MONTH_NAME + r"[ -]*(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[ -]*(?P<y>\d{4})$",
        re.IGNORECASE,
    ),
    # 20251128
    re.compile(r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})$"),
)
_MONTH_FORMS: Final = (
    # 2025-11 (police.uk), 2025/11
    re.compile(r"^(?P<y>\d{4})[-/.](?P<mo>\d{1,2})$"),
    # 11/2025, 11-2025
    re.compile(r"^(?P<mo>\d{1,2})[-/.](?P<y>\d{4})$"),
    # Nov 2025, November-2025, नवंबर 2025, Nov-25
    re.compile(r"^" + _MONTH_NAME + r"[-/., ]*(?P<y>\d{4}|\d{2})$", re.IGNORECASE),
)


@dataclass(frozen=True)
class Parsed:
    """One date-time text read into its parts.

    Attributes
    ----------
    value : datetime
        The time; naive (local) unless ``aware``. Midnight when the precision is not exact,
        the 1st of the month when it is ``month``.
    aware : bool
        Whether ``value`` carries the offset the text gave.
    precision : TimePrecision
    """

    value: dt.datetime
    aware: bool
    precision: TimePrecision


def full_year(year: str) -> int:
    """Return the year a register's year text means (two digits pivot on the constant).

    Examples
    --------
    >>> full_year("25"), full_year("85"), full_year("2025")
    (2025, 1985, 2025)
    """
    value = int(year)
    if len(year) == 2:
        return 2000 + value if value < TWO_DIGIT_YEAR_PIVOT else 1900 + value
    return value


def ascii_digits(text: str) -> str:
    """Return ``text`` with Devanagari digits as ASCII digits.

    Examples
    --------
    >>> ascii_digits("२८/११/२०२५")
    '28/11/2025'
    """
    return text.translate(_DEVANAGARI_DIGITS)


def _hour24(hour: int, marker: str | None) -> int | None:
    """Return the 24-hour hour of a 12-hour ``hour`` with its marker (``am``, ``pm``, Hindi)."""
    if marker is None:
        return hour if hour <= 23 else None
    if not 1 <= hour <= 12:
        # "सुबह 0:30" or "शाम 18:30": a 24-hour value with a redundant marker
        return hour if hour <= 23 and (marker != "am" or hour < 12) else None
    if marker == "am":
        return 0 if hour == 12 else hour
    if marker == "pm":
        return 12 if hour == 12 else hour + 12
    if marker == "noon":  # दोपहर: 12 is noon, 1-5 afternoon, 11 late morning
        return hour if hour >= 11 else hour + 12
    # रात (night): 7-11 in the evening, 12-5 after midnight
    return hour + 12 if 6 <= hour <= 11 else (0 if hour == 12 else hour)


def _date_part(text: str) -> tuple[int, int, int, TimePrecision] | None:
    for form in _DATE_FORMS:
        found = form.match(text)
        if found:
            parts = found.groupdict()
            month = MONTHS[parts["mname"].lower()] if parts.get("mname") else int(parts["mo"])
            return full_year(parts["y"]), month, int(parts["d"]), TimePrecision.DAY
    for form in _MONTH_FORMS:
        found = form.match(text)
        if found:
            parts = found.groupdict()
            month = MONTHS[parts["mname"].lower()] if parts.get("mname") else int(parts["mo"])
            return full_year(parts["y"]), month, 1, TimePrecision.MONTH
    return None


def parse_one(text: str) -> Parsed | None:
    """Read one date-time text of a register; ``None`` when it is not one.

    Parameters
    ----------
    text : str

    Returns
    -------
    Parsed or None

    Examples
    --------
    >>> parse_one("28-Nov-2025 2:30 PM").value
    datetime.datetime(2025, 11, 28, 14, 30)
    >>> p = parse_one("२८ नवंबर २०२५ शाम ६:३० बजे")
    >>> p.value, p.precision.value
    (datetime.datetime(2025, 11, 28, 18, 30), 'exact')
    >>> parse_one("2025-11").precision.value
    'month'
    >>> parse_one("28/11/25").precision.value
    'day'
    >>> parse_one("31/02/2025") is None
    True
    """
    s = _SPACE.sub(" ", ascii_digits(str(text)).strip())
    s = _SPACE.sub(" ", _WORDS.sub(" ", s)).strip()
    offset: dt.timedelta | None = None
    found = _OFFSET.search(s)
    if found:
        if found.group("ist"):
            offset = IST_OFFSET
        elif found.group("z"):
            offset = dt.timedelta(0)
        else:
            sign = -1 if found.group("sign") == "-" else 1
            offset = sign * dt.timedelta(
                hours=int(found.group("oh")), minutes=int(found.group("om"))
            )
        s = s[: found.start()].strip()
    marker: str | None = None
    period = _PERIOD_WORD.search(s)
    if period:
        marker = dict(_PERIODS)[period.group("word")]
        s = _SPACE.sub(" ", s[: period.start()] + " " + s[period.end() :]).strip()
    hour = minute = second = 0
    precision: TimePrecision | None = None
    date = _date_part(s)
    if date is None:
        time = _TIME.search(s)
        if time is None or (time.group("m") is None and not (time.group("ampm") or marker)):
            return None
        date = _date_part(s[: time.start()].strip(" ,T"))
        if date is None or date[3] is TimePrecision.MONTH:
            return None
        ampm = time.group("ampm")
        mark = ampm.lower().replace(".", "").replace(" ", "") if ampm else marker
        h24 = _hour24(int(time.group("h")), mark)
        minute, second = int(time.group("m") or 0), int(time.group("s") or 0)
        if h24 is None or minute > 59 or second > 59:
            return None
        hour, precision = h24, TimePrecision.EXACT
    elif marker is not None:
        return None  # "शाम" with no time: not a time of day
    year, month, day, date_precision = date
    try:
        value = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if offset is not None:
        if precision is None:
            offset = None  # a date has no offset to honour
        else:
            value = value.replace(tzinfo=dt.timezone(offset))
    return Parsed(value, offset is not None, precision or date_precision)
