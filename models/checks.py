"""Checks of parameters in metres, counts, days and date-times: each error names it and the fix."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import ParameterError
from geo.ingest.public_text import quoted


def _number(value: Any) -> float:
    """Return ``value`` as a float, NaN when it is not a number (booleans are not numbers)."""
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def check_metres(
    value: Any,
    name: str,
    *,
    low: float = 0.0,
    high: float = math.inf,
    allow_low: bool = False,
    example: float = 300.0,
    why: str | None = None,
    fix: str | None = None,
) -> float:
    """Return a distance in metres as a float after checking its range.

    Parameters
    ----------
    value : float
        The distance given by the caller.
    name : str
        The parameter's name, as the caller spells it (said in the error).
    low, high : float
        The range: ``low < value <= high`` (``low <= value`` when ``allow_low``).
    allow_low : bool
        Whether ``low`` itself is allowed (``True`` with ``low=0``: zero metres is fine).
    example : float
        A sensible value, suggested in the error's fix.
    why, fix : str, optional
        What the distance means and how to fix it, when the defaults say too little.

    Returns
    -------
    float
        The distance in metres (a number given as text or a numpy scalar becomes a float).

    Raises
    ------
    ParameterError
        When ``value`` is not a finite number in the range.

    Examples
    --------
    >>> check_metres(150, "eps_m")
    150.0
    """
    v = _number(value)
    too_low = v < low or (v == low and not allow_low)
    if not math.isfinite(v) or too_low or v > high:
        kind = "non-negative" if allow_low and low == 0 else "positive"
        limit = f" up to {high:g}" if math.isfinite(high) else ""
        raise ParameterError(
            f"{name} must be a {kind} number of metres{limit}, got {value!r}",
            why=why or "",
            fix=fix or f"pass {name} in metres, such as {example:g}",
        )
    return v


def check_count(
    value: Any, name: str, *, low: int = 1, high: int | None = None, why: str | None = None
) -> int:
    """Return a whole number after checking ``low <= value (<= high)``.

    Parameters
    ----------
    value : int
        The count given by the caller (``bool`` and fractional numbers are refused).
    name : str
        The parameter's name (said in the error).
    low, high : int
        The inclusive range; no upper bound when ``high`` is ``None``.
    why : str, optional
        What the count means; default ``"<name> counts points"``.

    Returns
    -------
    int
        The count as a Python ``int`` (a numpy integer is converted).

    Raises
    ------
    ParameterError
        When ``value`` is not a whole number in the range.

    Examples
    --------
    >>> check_count(10, "min_samples")
    10
    """
    whole = not isinstance(value, bool) and isinstance(value, int | np.integer)
    if not whole or int(value) < low or (high is not None and int(value) > high):
        span = f"≥ {low}" if high is None else f"in {low}..{high}"
        raise ParameterError(
            f"{name} must be a whole number {span}, got {value!r}",
            why=why or f"{name} counts points",
            fix=f"pass {name} such as {max(low, min(10, high or 10))}",
        )
    return int(value)


def check_days(value: Any, name: str, *, high: int | None = None) -> int:
    """Return a number of days (a whole number ≥ 1, at most ``high``).

    Parameters
    ----------
    value : int
    name : str
        The parameter's name (said in the error).
    high : int, optional
        The most days allowed.

    Returns
    -------
    int
        The number of days as a Python ``int``.

    Raises
    ------
    ParameterError
        When ``value`` is not a whole number of days in range.

    Examples
    --------
    >>> check_days(90, "recent_days")
    90
    """
    return check_count(value, name, low=1, high=high, why=f"{name} is a number of days")


def check_time(value: Any, name: str) -> pd.Timestamp:
    """Return a date-time given by the caller (an ISO 8601 text, datetime or Timestamp).

    Parameters
    ----------
    value : str, datetime.datetime or pandas.Timestamp
        The date-time given by the caller.
    name : str
        The parameter's name (said in the error).

    Returns
    -------
    pandas.Timestamp
        With the time zone ``value`` carries, if any.

    Raises
    ------
    ParameterError
        When ``value`` cannot be read as a date-time, or is missing (``NaT``).

    Examples
    --------
    >>> check_time("2026-10-31T23:59", "reference_time")
    Timestamp('2026-10-31 23:59:00')
    """
    try:
        stamp: pd.Timestamp | None = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise ParameterError(
            f"{name} {quoted(value)} is not a date-time",
            fix=f"pass {name} such as '2026-10-31T23:59' (ISO 8601) or a pandas.Timestamp",
        )
    return stamp
