"""Numbers, dates and times as people read them: Indian grouping, DD-MM-YYYY, 24 h or 12 h."""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
from typing import Final, Literal, TypeAlias

import pandas as pd
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from geo.i18n.context import current_lang
from geo.i18n.langs import Lang, parse_lang

TimeFormat: TypeAlias = Literal["24h", "12h"]
TIME_FORMATS: Final[tuple[TimeFormat, ...]] = ("24h", "12h")
#: Babel locale of each language: India's conventions (lakh grouping, Latin digits) in both.
BABEL_LOCALES: Final[dict[Lang, str]] = {"hi": "hi_IN", "en": "en_IN"}
#: Shown for a missing number, date or time (``None``, NaN, ``pd.NA``, ``NaT``).
MISSING: Final = "–"
#: Between the two ends of a time window (an en dash, no spaces: ``13:00–15:00``).
RANGE_DASH: Final = "–"
#: Babel patterns of a 12-hour time: "1:00 PM"; in Hindi the time of day in words, "दोपहर 1:00".
_TWELVE_HOUR: Final[dict[Lang, str]] = {"en": "h:mm a", "hi": "B h:mm"}
#: Narrow no-break spaces CLDR puts in times, made plain spaces so texts compare and print simply.
_NARROW_SPACES: Final = str.maketrans({"\u202f": " ", "\u00a0": " "})


def _locale(lang: str | None) -> str:
    return BABEL_LOCALES[parse_lang(lang) if lang is not None else current_lang()]


def _is_missing(value: object) -> bool:
    """Return whether ``value`` is None, NaN, ``pd.NA``, ``NaT`` or an infinite number."""
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return not math.isfinite(float(value))
    return value is None or value is pd.NA or value is pd.NaT


def format_int(n: float | None, *, lang: str | None = None) -> str:
    """Return ``n`` rounded to a whole number with Indian grouping: ``1,00,000``.

    Parameters
    ----------
    n : int or float or None
        Any real number (numpy numbers too); missing or not finite gives :data:`MISSING`.
    lang : str, optional
        Default: the current language (both group the Indian way, with Latin digits).

    Returns
    -------
    str

    Examples
    --------
    >>> format_int(100000), format_int(1234567), format_int(-1500.4), format_int(None)
    ('1,00,000', '12,34,567', '-1,500', '–')
    """
    if _is_missing(n):
        return MISSING
    whole = int(n) if isinstance(n, numbers.Integral) else round(float(n))  # type: ignore[arg-type]
    return _grouped(whole, _locale(lang))


@functools.lru_cache(maxsize=8192)
def _grouped(whole: int, locale: str) -> str:
    """Return a whole number grouped the Indian way, cached (Babel: ~0.1 ms a call)."""
    return babel_numbers.format_decimal(whole, format="#,##,##0", locale=locale)


def format_number(x: float | None, digits: int = 1, *, lang: str | None = None) -> str:
    """Return ``x`` with ``digits`` decimals (always shown) and Indian grouping.

    Examples
    --------
    >>> format_number(1234567.84), format_number(0.5, digits=2), format_number(2, digits=0)
    ('12,34,567.8', '0.50', '2')
    """
    if _is_missing(x):
        return MISSING
    assert x is not None
    pattern = "#,##,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(float(x), format=pattern, locale=_locale(lang))


def format_percent(share: float | None, digits: int = 0, *, lang: str | None = None) -> str:
    """Return a share in [0, 1] as a percentage: ``0.372`` → ``37%``.

    Examples
    --------
    >>> format_percent(0.372), format_percent(0.372, digits=1), format_percent(12.5)
    ('37%', '37.2%', '1,250%')
    """
    if _is_missing(share):
        return MISSING
    assert share is not None
    pattern = "#,##,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return babel_numbers.format_percent(float(share), format=pattern, locale=_locale(lang))


def format_date(d: dt.date | str | None) -> str:
    """Return a date as ``DD-MM-YYYY`` (the same in every language).

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, ISO text or None
        A date-time gives its own (local) date.

    Examples
    --------
    >>> format_date(dt.date(2024, 3, 9)), format_date("2024-03-09"), format_date(None)
    ('09-03-2024', '09-03-2024', '–')
    """
    if _is_missing(d):
        return MISSING
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    assert d is not None
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _as_time(t: dt.time | dt.datetime | str) -> dt.time:
    if isinstance(t, dt.datetime):
        return t.time()
    if isinstance(t, str):
        return dt.time.fromisoformat(t.strip())
    return t


def _time_format(time_format: TimeFormat | None) -> TimeFormat:
    if time_format is not None:
        return time_format
    from geo.settings import get_settings  # geo.settings imports this module

    return get_settings().time_format


def format_time(
    t: dt.time | dt.datetime | str | None,
    *,
    time_format: TimeFormat | None = None,
    lang: str | None = None,
) -> str:
    """Return a time of day: ``13:00`` (24 h) or ``1:00 PM`` / ``दोपहर 1:00`` (12 h).

    Parameters
    ----------
    t : datetime.time, datetime.datetime, ``"HH:MM"`` text or None
    time_format : {"24h", "12h"}, optional
        Default: the setting ``time_format`` (``SHAKTI_TIME_FORMAT``, default ``"24h"``).
    lang : str, optional
        Default: the current language.

    Examples
    --------
    >>> format_time("13:00", time_format="24h"), format_time(dt.time(9, 5), time_format="24h")
    ('13:00', '09:05')
    >>> format_time("13:00", time_format="12h", lang="en")
    '1:00 PM'
    >>> format_time("13:00", time_format="12h", lang="hi")
    'दोपहर 1:00'
    """
    if _is_missing(t):
        return MISSING
    assert t is not None
    value = _as_time(t)
    if _time_format(time_format) == "24h":
        return f"{value.hour:02d}:{value.minute:02d}"
    lang_code: Lang = parse_lang(lang) if lang is not None else current_lang()
    text = babel_dates.format_time(value, _TWELVE_HOUR[lang_code], locale=BABEL_LOCALES[lang_code])
    return text.translate(_NARROW_SPACES)


def format_time_window(
    start: dt.time | dt.datetime | str | None,
    end: dt.time | dt.datetime | str | None,
    *,
    time_format: TimeFormat | None = None,
    lang: str | None = None,
) -> str:
    """Return a window of time: ``13:00–15:00`` (each end as :func:`format_time` gives it).

    Examples
    --------
    >>> format_time_window("13:00", "15:00", time_format="24h")
    '13:00–15:00'
    >>> format_time_window("13:00", "15:00", time_format="12h", lang="en")
    '1:00 PM–3:00 PM'
    """
    ends = (format_time(t, time_format=time_format, lang=lang) for t in (start, end))
    return RANGE_DASH.join(ends)
