"""Register date-times: Indian forms, Devanagari digits, Hindi months and times, precision."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd
import pytest

from geo.ingest.datetimes import TWO_DIGIT_YEAR_PIVOT, parse_one
from geo.ingest.parsing import parse_datetimes_precision

TZ = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("text", "want", "precision"),
    [
        ("28-Nov-2025", dt.datetime(2025, 11, 28), "day"),
        ("28/11/25", dt.datetime(2025, 11, 28), "day"),
        ("28.11.2025", dt.datetime(2025, 11, 28), "day"),
        ("05/11/2025", dt.datetime(2025, 11, 5), "day"),  # day first
        ("२८/११/२०२५", dt.datetime(2025, 11, 28), "day"),
        ("28 नवंबर 2025", dt.datetime(2025, 11, 28), "day"),
        ("28 नवम्बर 2025", dt.datetime(2025, 11, 28), "day"),
        ("3 जनवरी 2026 सुबह 9:05", dt.datetime(2026, 1, 3, 9, 5), "exact"),
        ("28 November 2025 2:30 PM", dt.datetime(2025, 11, 28, 14, 30), "exact"),
        ("28/11/2025 02:30 pm", dt.datetime(2025, 11, 28, 14, 30), "exact"),
        ("28/11/2025 12:10 AM", dt.datetime(2025, 11, 28, 0, 10), "exact"),
        ("28/11/2025 दोपहर 1:15", dt.datetime(2025, 11, 28, 13, 15), "exact"),
        ("28/11/2025 शाम ६:३० बजे", dt.datetime(2025, 11, 28, 18, 30), "exact"),
        ("28/11/2025 रात 10:00", dt.datetime(2025, 11, 28, 22, 0), "exact"),
        ("28/11/2025 रात 2:00", dt.datetime(2025, 11, 28, 2, 0), "exact"),
        ("28/11/2025 18.30", dt.datetime(2025, 11, 28, 18, 30), "exact"),
        ("Nov 28, 2025", dt.datetime(2025, 11, 28), "day"),
        ("2025-11", dt.datetime(2025, 11, 1), "month"),
        ("Nov-2025", dt.datetime(2025, 11, 1), "month"),
        ("नवंबर 2025", dt.datetime(2025, 11, 1), "month"),
    ],
)
def test_register_forms(text: str, want: dt.datetime, precision: str) -> None:
    found = parse_one(text)
    assert found is not None
    assert found.value == want
    assert found.precision.value == precision


@pytest.mark.parametrize(
    "text", ["31/02/2025", "28/11/2025 25:00", "शाम", "28/11/2025 शाम", "13/13/2025", "hello"]
)
def test_not_dates(text: str) -> None:
    assert parse_one(text) is None


def test_two_digit_year_pivot() -> None:
    below = f"{TWO_DIGIT_YEAR_PIVOT - 1:02d}"
    assert parse_one(f"01/01/{below}").value.year == 2000 + TWO_DIGIT_YEAR_PIVOT - 1  # type: ignore[union-attr]
    assert parse_one(f"01/01/{TWO_DIGIT_YEAR_PIVOT}").value.year == 1900 + TWO_DIGIT_YEAR_PIVOT  # type: ignore[union-attr]


def test_offsets_and_ist_are_honoured() -> None:
    raw = pd.Series(
        ["28/11/2025 2:30 PM IST", "2025-11-28T09:00Z", "28-11-2025 14:30 +05:30", "2025-11-28"]
    )
    values, precision = parse_datetimes_precision(raw, TZ)
    local = [v.strftime("%Y-%m-%d %H:%M") for v in values]
    assert local == ["2025-11-28 14:30", "2025-11-28 14:30", "2025-11-28 14:30", "2025-11-28 00:00"]
    assert precision.tolist() == ["exact", "exact", "exact", "day"]


def test_dates_without_a_time_are_never_given_one() -> None:
    raw = pd.Series(["2025-11", "2025-11-28", "28/11/2025", "2025-11-28 18:30", None, "x"])
    values, precision = parse_datetimes_precision(raw, TZ)
    assert precision.tolist()[:4] == ["month", "day", "day", "exact"]
    assert values.iloc[:3].dt.hour.tolist() == [0, 0, 0]
    assert values.iloc[4:].isna().all() and precision.iloc[4:].isna().all()
