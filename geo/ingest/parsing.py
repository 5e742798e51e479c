"""Parsing raw cell text into numbers, local date-times, times of day and vocabulary keys."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.ingest.problems import as_text

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_DAYFIRST_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %I:%M %p",
    "%d-%m-%Y %I:%M %p",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

#: Common spellings mapped onto vocabulary terms (after lower-casing and ``-`` folding).
SYNONYMS: dict[str, str] = {
    "eveteasing": "eve-teasing",
    "eve-teaser": "eve-teasing",
    "sexual-harassment": "harassment",
    "molestation": "assault",
    "cyber-crime": "cyber",
    "cybercrime": "cyber",
    "anti-romeo": "anti-romeo-action",
    "anti-romeo-squad": "anti-romeo-action",
    "ars": "anti-romeo-action",
    "helpline": "helpline-call",
    "1090": "helpline-call",
    "112": "helpline-call",
    "181": "helpline-call",
    "mission-shakti": "mission-shakti-centre",
    "mission-shakti-center": "mission-shakti-centre",
    "coaching": "coaching-centre",
    "coaching-center": "coaching-centre",
    "womens-training-center": "womens-training-centre",
    "women-s-training-centre": "womens-training-centre",
    "fir": "case-registered",
    "case": "case-registered",
    "detention": "detained",
    "counselling": "counselled-reunited",
    "counseling": "counselled-reunited",
    "smartcity": "smart-city",
    "not-working": "faulty",
    "broken": "faulty",
    "ok": "working",
    "functional": "working",
    "non-functional": "faulty",
}


def fold(value: str) -> str:
    """Return ``value`` lower-cased with every run of other characters folded to ``-``."""
    return re.sub(r"[^0-9a-z]+", "-", value.strip().lower()).strip("-")


def parse_numbers(
    raw: pd.Series,
) -> tuple[pd.Series, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Return (floats, missing mask, non-numeric mask)."""
    text = as_text(raw)
    missing = text.isna().to_numpy()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    non_numeric = (~missing) & values.isna().to_numpy()
    return values, missing, non_numeric


def parse_datetimes(raw: pd.Series, tz: dt.tzinfo) -> pd.Series:
    """Parse date-time text into tz-aware local times; unparseable values become NaT.

    Values with an explicit offset (``+05:30``, ``Z``) are converted to ``tz``; naive values
    are taken as local time in ``tz``. ISO 8601 is tried first, then day-first formats
    common in Indian registers (``28/11/2026 18:30``, ``28-11-2026 06:30 PM``).

    Parameters
    ----------
    raw : pandas.Series
        Text or datetime values.
    tz : tzinfo
        The deployment's timezone.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, tz]`` aligned to ``raw``.
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        series = pd.Series(raw, copy=True)
        if getattr(series.dt, "tz", None) is None:
            localized: pd.Series = series.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            return localized
        converted: pd.Series = series.dt.tz_convert(tz)
        return converted
    values = raw.astype("object")
    if any(isinstance(v, dt.date) for v in values.dropna().head(50)):
        values = values.map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    text = as_text(values)
    result = pd.Series(pd.NaT, index=raw.index, dtype=f"datetime64[ns, {tz}]")
    present = text.notna()
    has_offset = present & text.str.contains(_OFFSET, na=False)
    if has_offset.any():
        aware = pd.to_datetime(text[has_offset], format="ISO8601", utc=True, errors="coerce")
        result.loc[has_offset] = aware.dt.tz_convert(tz)
    naive_mask = present & ~has_offset
    if naive_mask.any():
        naive_text = text[naive_mask]
        parsed = pd.to_datetime(naive_text, format="ISO8601", errors="coerce")
        for fmt in _DAYFIRST_FORMATS:
            todo = parsed.isna()
            if not todo.any():
                break
            parsed.loc[todo] = pd.to_datetime(naive_text[todo], format=fmt, errors="coerce")
        result.loc[naive_mask] = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    return result


def parse_times(raw: pd.Series) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Return ``HH:MM;HH:MM`` lists (normalised) and which values are not such lists."""
    text = as_text(raw)
    out: list[object] = []
    bad = np.zeros(len(text), dtype=bool)
    for i, value in enumerate(text.tolist()):
        if pd.isna(value):
            out.append(pd.NA)
            continue
        parts = [p for p in re.split(r"[;,/|]", str(value)) if p.strip()]
        times = []
        for part in parts:
            m = _TIME.match(part)
            if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
                bad[i] = True
                break
            times.append(f"{int(m.group(1)):02d}:{m.group(2)}")
        out.append(";".join(times) if not bad[i] else pd.NA)
    return pd.Series(out, index=raw.index, dtype="string"), bad
