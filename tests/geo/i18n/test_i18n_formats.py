"""Numbers in the Indian system, dates as DD-MM-YYYY, times in 24 h or 12 h, in both languages."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.i18n import (
    LANGS,
    MISSING,
    format_date,
    format_int,
    format_number,
    format_percent,
    format_time,
    format_time_window,
    use_lang,
)
from geo.settings import get_settings


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (99999, "99,999"),
        (100000, "1,00,000"), (1234567, "12,34,567"), (10000000, "1,00,00,000"),
        (-100000, "-1,00,000"), (-7, "-7"), (np.int64(250000), "2,50,000"),
        (1234.4, "1,234"), (1234.6, "1,235"), (10**20, "10,00,00,00,00,00,00,00,00,000"),
    ],
)  # fmt: skip
def test_format_int_groups_the_indian_way(lang: str, n: float, text: str) -> None:
    with use_lang(lang):
        assert format_int(n) == text
    assert format_int(n, lang=lang) == text


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, pd.NA, math.inf])
def test_missing_numbers_show_a_dash(missing: object) -> None:
    assert format_int(missing) == MISSING  # type: ignore[arg-type]
    assert format_number(missing) == MISSING  # type: ignore[arg-type]
    assert format_percent(missing) == MISSING  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_format_number_and_percent(lang: str) -> None:
    assert format_number(1234567.84, lang=lang) == "12,34,567.8"
    assert format_number(-1234567.84, digits=2, lang=lang) == "-12,34,567.84"
    assert format_number(0, lang=lang) == "0.0"
    assert format_number(0.125, digits=0, lang=lang) == "0"
    assert format_number(100000.5, digits=3, lang=lang) == "1,00,000.500"
    assert format_percent(0.372, lang=lang) == "37%"
    assert format_percent(0.3725, digits=1, lang=lang) == "37.2%"
    assert format_percent(0, lang=lang) == "0%"
    assert format_percent(1, lang=lang) == "100%"


def test_digits_are_latin_in_hindi() -> None:
    with use_lang("hi"):
        text = format_int(1234567) + format_number(3.5) + format_percent(0.5)
    assert set(text) <= set("0123456789,.%")


@given(st.integers(min_value=-(10**18), max_value=10**18), st.sampled_from(LANGS))
def test_format_int_round_trips(n: int, lang: str) -> None:
    text = format_int(n, lang=lang)
    assert int(text.replace(",", "")) == n
    digits = text.lstrip("-").split(",")
    assert len(digits[-1]) == 3 or len(digits) == 1  # thousands, then groups of two
    assert all(len(group) == 2 for group in digits[1:-1])
    assert 1 <= len(digits[0]) <= (3 if len(digits) == 1 else 2)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2024, 3, 9), "09-03-2024"),
        (dt.datetime(2024, 12, 31, 23, 59), "31-12-2024"),
        (pd.Timestamp("2025-01-05 10:00", tz="Asia/Kolkata"), "05-01-2025"),
        ("2024-03-09", "09-03-2024"),
        ("2024-03-09T18:30:00+05:30", "09-03-2024"),
        (None, MISSING),
        (pd.NaT, MISSING),
    ],
)
def test_format_date_is_day_month_year(value: object, text: str) -> None:
    for lang in LANGS:
        with use_lang(lang):
            assert format_date(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "h24", "en12", "hi12"),
    [
        ("13:00", "13:00", "1:00 PM", "दोपहर 1:00"),
        (dt.time(9, 5), "09:05", "9:05 AM", "सुबह 9:05"),
        (dt.datetime(2024, 1, 1, 0, 30), "00:30", "12:30 AM", "रात 12:30"),
        ("19:45", "19:45", "7:45 PM", "शाम 7:45"),
    ],
)
def test_format_time_24h_and_12h(value: object, h24: str, en12: str, hi12: str) -> None:
    for lang in LANGS:
        assert format_time(value, time_format="24h", lang=lang) == h24  # type: ignore[arg-type]
    assert format_time(value, time_format="12h", lang="en") == en12  # type: ignore[arg-type]
    assert format_time(value, time_format="12h", lang="hi") == hi12  # type: ignore[arg-type]
    assert format_time(None) == MISSING


def test_time_format_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    try:
        assert format_time("13:00", lang="en") == "13:00"
        assert format_time_window("13:00", "15:00") == "13:00–15:00"
        monkeypatch.setenv("SHAKTI_TIME_FORMAT", "12h")
        get_settings.cache_clear()
        assert format_time("13:00", lang="en") == "1:00 PM"
        with use_lang("en"):
            assert format_time_window("13:00", "15:00") == "1:00 PM–3:00 PM"
        with use_lang("hi"):
            assert format_time_window("13:00", "15:00") == "दोपहर 1:00–दोपहर 3:00"
    finally:
        get_settings.cache_clear()
