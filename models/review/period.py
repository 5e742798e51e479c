"""The review period: first and last local day, its length and the period before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.errors import ParameterError


def _day(value: str | dt.date, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(
            f"{name} {value!r} is not a date",
            why="the review covers whole local days",
            fix="write the day as YYYY-MM-DD, e.g. 2026-01-31",
        ) from None


@dataclass(frozen=True)
class Period:
    """First and last local day of a review, both included.

    Attributes
    ----------
    start, end : datetime.date
    """

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, start: str | dt.date, end: str | dt.date) -> Period:
        """Return the period from ``start`` to ``end`` (ISO days or dates).

        Raises
        ------
        geo.errors.ParameterError
            For a day that is not a date, or an end before the start.

        Examples
        --------
        >>> Period.of("2026-01-01", "2026-01-31").days
        31
        """
        first, last = _day(start, "from"), _day(end, "to")
        if last < first:
            raise ParameterError(
                f"the review ends ({last}) before it starts ({first})",
                why="a period runs from its first day to its last",
                fix="swap --from and --to",
            )
        return cls(first, last)

    @property
    def days(self) -> int:
        """Return the number of days of the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """Return the period of equal length that ends the day before this one starts.

        Examples
        --------
        >>> Period.of("2026-02-01", "2026-02-28").previous()
        Period(start=datetime.date(2026, 1, 4), end=datetime.date(2026, 1, 31))
        """
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def first_day(self) -> pd.Timestamp:
        """Return the first day as a (naive) timestamp."""
        return pd.Timestamp(self.start)

    def last_day(self) -> pd.Timestamp:
        """Return the last day as a (naive) timestamp."""
        return pd.Timestamp(self.end)

    def contains(self, days: pd.Series) -> pd.Series:
        """Return which local days (from :func:`local_days`) fall in the period."""
        return (days >= self.first_day()) & (days <= self.last_day())

    def rows_in(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Return which rows of ``frame`` fall in the period by the local day of ``column``.

        A row without a day, or a frame without the column, is not in the period.
        """
        if column not in frame.columns:
            return pd.Series(False, index=frame.index)
        return self.contains(local_days(frame[column]))

    def label(self) -> str:
        """Return the period as ``YYYY-MM-DD – YYYY-MM-DD``."""
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def local_days(values: Any) -> pd.Series:
    """Return the local day of each date or date-time (naive midnight; missing → NaT).

    Date-times with a time zone are taken in the zone they carry (the store's readers give
    local time); dates and ISO texts are read as days.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    parsed = pd.to_datetime(series, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize()
