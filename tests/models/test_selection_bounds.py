"""The date window of a selection: days far out are clear errors, never a failure in pandas."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from api.cli.patrol import parse_start
from geo.errors import ParameterError
from models.selection import FIRST_DAY, LAST_DAY, check_dates, select_incidents
from tests.models.test_selection import incidents

WINDOW = re.escape(f"is outside {FIRST_DAY} .. {LAST_DAY}")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (None, "9999-12-31", f"end date 9999-12-31 {WINDOW}"),
        ("0001-01-01", None, f"start date 0001-01-01 {WINDOW}"),
        (dt.date(1949, 12, 31), None, f"start date 1949-12-31 {WINDOW}"),
        (None, LAST_DAY + dt.timedelta(days=1), f"end date 2101-01-01 {WINDOW}"),
        ("2026-02-01", "2026-01-01", "the date range 2026-02-01 .. 2026-01-01 is empty"),
    ],
)
def test_days_outside_the_window_are_clear_errors(start: object, end: object, message: str) -> None:
    # Before: 9999-12-31 raised NotImplementedError inside pandas (a 500 in the service).
    with pytest.raises(ParameterError, match=message) as info:
        select_incidents(incidents(), start=start, end=end)  # type: ignore[arg-type]
    assert "Fix:" in str(info.value)


def test_the_window_edges_select_everything() -> None:
    data = incidents()
    assert check_dates(FIRST_DAY, LAST_DAY) == (FIRST_DAY, LAST_DAY)
    chosen = select_incidents(data, start=FIRST_DAY.isoformat(), end=LAST_DAY.isoformat())
    assert chosen.index.tolist() == data.index.tolist()
    assert check_dates(None, None) == (None, None)


def test_the_window_is_within_pandas_and_after_the_last_ist_change() -> None:
    assert pd.Timestamp.min.date() < FIRST_DAY
    assert pd.Timestamp.max.date() > LAST_DAY
    # Every local midnight of the window exists in Asia/Kolkata (1942-09-01's did not).
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D").tz_localize("Asia/Kolkata")
    assert len(days) == (LAST_DAY - FIRST_DAY).days + 1
    with pytest.raises(ValueError, match="nonexistent"):
        pd.Timestamp("1942-09-01").tz_localize("Asia/Kolkata")


def test_cli_plan_start_outside_the_window_is_refused() -> None:
    assert parse_start("2026-12-01") == dt.date(2026, 12, 1)
    with pytest.raises(ParameterError, match=f"--start 9999-12-31 {WINDOW}"):
        parse_start("9999-12-31")
