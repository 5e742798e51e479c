"""Parameter checks of models.checks: date-times given by the caller."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo.errors import ParameterError
from models.checks import check_time


def test_check_time_reads_texts_datetimes_and_keeps_the_zone() -> None:
    assert check_time("2026-10-31T23:59", "reference_time") == pd.Timestamp("2026-10-31 23:59")
    assert check_time(dt.datetime(2026, 1, 2), "t") == pd.Timestamp("2026-01-02")
    zoned = check_time("2026-10-31T23:59+05:30", "reference_time")
    assert zoned.utcoffset() == dt.timedelta(hours=5, minutes=30)


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", pd.NaT, [1, 2]])
def test_check_time_names_the_parameter_of_a_value_that_is_not_a_date_time(value: object) -> None:
    with pytest.raises(ParameterError, match=r"reference_time .* is not a date-time"):
        check_time(value, "reference_time")


@pytest.mark.parametrize("value", ["+91 98765 43210", "Smt Sunita Devi", "y" * 5000])
def test_check_time_never_quotes_a_personal_or_long_value(value: str) -> None:
    with pytest.raises(ParameterError, match=r"reference_time .* is not a date-time") as caught:
        check_time(value, "reference_time")
    message = str(caught.value)
    assert "43210" not in message and "Sunita" not in message and len(message) < 600
