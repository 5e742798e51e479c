"""The quarantine: rejected rows with their row number, original values, field and reason."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Final

import pandas as pd

from geo.csv_safe import csv_text, write_csv
from geo.i18n import NP_, pgettext
from geo.store.frames import (
    Q_FIELD as Q_FIELD,
)
from geo.store.frames import (
    Q_IMPORT_ID as Q_IMPORT_ID,
)
from geo.store.frames import (
    Q_KIND as Q_KIND,
)
from geo.store.frames import (
    Q_MESSAGE as Q_MESSAGE,
)
from geo.store.frames import (
    Q_ORIGINAL as Q_ORIGINAL,
)
from geo.store.frames import (
    Q_REASON as Q_REASON,
)
from geo.store.frames import (
    Q_ROW as Q_ROW,
)
from geo.store.frames import (
    Q_SOURCE as Q_SOURCE,
)
from geo.store.frames import (
    QUARANTINE_COLUMNS as QUARANTINE_COLUMNS,
)


class Reason(StrEnum):
    """Why a row was quarantined (one code per problem; a row may have several)."""

    MISSING_COORDINATES = "missing-coordinates"
    NON_NUMERIC_COORDINATES = "non-numeric-coordinates"
    INVALID_COORDINATES = "invalid-coordinates"
    LAT_LON_SWAPPED = "lat-lon-swapped"
    OUTSIDE_REGION = "outside-region"
    MISSING_GEOMETRY = "missing-geometry"
    WRONG_GEOMETRY_TYPE = "wrong-geometry-type"
    INVALID_GEOMETRY = "invalid-geometry"
    MISSING_VALUE = "missing-value"
    DUPLICATE_ID = "duplicate-id"
    UNPARSEABLE_TIMESTAMP = "unparseable-timestamp"
    FUTURE_TIMESTAMP = "future-timestamp"
    UNPARSEABLE_DATE = "unparseable-date"
    FUTURE_DATE = "future-date"
    UNPARSEABLE_TIME = "unparseable-time"
    UNKNOWN_CATEGORY = "unknown-category"
    UNKNOWN_VALUE = "unknown-value"
    NOT_A_NUMBER = "not-a-number"
    OUT_OF_RANGE = "out-of-range"
    PLACE_NOT_FOUND = "place-not-found"
    DISPOSED_BEFORE_RECEIVED = "disposed-before-received"
    PENDING_WITH_DISPOSAL = "pending-with-disposal"
    VISIT_TIMES = "visit-times"
    STOP_NOT_IN_PLAN = "stop-not-in-plan"
    UNKNOWN_THANA = "unknown-thana"


#: What each reason code means, for people (translated on use by :func:`reason_text`).
_REASON_TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        Reason.MISSING_COORDINATES: NP_("quarantine reason", "coordinates missing"),
        Reason.NON_NUMERIC_COORDINATES: NP_("quarantine reason", "coordinates are not numbers"),
        Reason.INVALID_COORDINATES: NP_("quarantine reason", "coordinates not possible"),
        Reason.LAT_LON_SWAPPED: NP_("quarantine reason", "latitude and longitude swapped"),
        Reason.OUTSIDE_REGION: NP_("quarantine reason", "outside the study region"),
        Reason.MISSING_GEOMETRY: NP_("quarantine reason", "location missing"),
        Reason.WRONG_GEOMETRY_TYPE: NP_("quarantine reason", "wrong kind of shape"),
        Reason.INVALID_GEOMETRY: NP_("quarantine reason", "broken shape"),
        Reason.MISSING_VALUE: NP_("quarantine reason", "required value missing"),
        Reason.DUPLICATE_ID: NP_("quarantine reason", "id used twice"),
        Reason.UNPARSEABLE_TIMESTAMP: NP_("quarantine reason", "date and time not readable"),
        Reason.FUTURE_TIMESTAMP: NP_("quarantine reason", "date and time in the future"),
        Reason.UNPARSEABLE_DATE: NP_("quarantine reason", "date not readable"),
        Reason.FUTURE_DATE: NP_("quarantine reason", "date in the future"),
        Reason.UNPARSEABLE_TIME: NP_("quarantine reason", "time not readable"),
        Reason.UNKNOWN_CATEGORY: NP_("quarantine reason", "unknown category"),
        Reason.UNKNOWN_VALUE: NP_("quarantine reason", "value not allowed"),
        Reason.NOT_A_NUMBER: NP_("quarantine reason", "not a number"),
        Reason.OUT_OF_RANGE: NP_("quarantine reason", "number out of range"),
        Reason.PLACE_NOT_FOUND: NP_("quarantine reason", "place not found in the gazetteer"),
        Reason.DISPOSED_BEFORE_RECEIVED: NP_(
            "quarantine reason", "disposed of before it was received"
        ),
        Reason.PENDING_WITH_DISPOSAL: NP_("quarantine reason", "pending but has a disposal date"),
        Reason.VISIT_TIMES: NP_("quarantine reason", "visit times disagree with the status"),
        Reason.STOP_NOT_IN_PLAN: NP_("quarantine reason", "stop not in the patrol plan"),
        Reason.UNKNOWN_THANA: NP_("quarantine reason", "not one of the store's thanas"),
    }
)


def reason_text(code: object) -> str:
    """Return what a quarantine reason code means, in the current language.

    The code itself (:data:`Q_REASON`) is data and stays English; an unknown code is returned
    as it is.

    Examples
    --------
    >>> reason_text("duplicate-id"), reason_text("no-such-code")
    ('id used twice', 'no-such-code')
    """
    text = _REASON_TEXTS.get(str(code))
    return pgettext("quarantine reason", text) if text is not None else str(code)


def empty_quarantine() -> pd.DataFrame:
    """Return an empty quarantine table with the right columns and types."""
    return pd.DataFrame(
        {
            Q_IMPORT_ID: pd.Series(dtype="str"),
            Q_KIND: pd.Series(dtype="str"),
            Q_SOURCE: pd.Series(dtype="str"),
            Q_ROW: pd.Series(dtype="int64"),
            Q_FIELD: pd.Series(dtype="str"),
            Q_REASON: pd.Series(dtype="str"),
            Q_MESSAGE: pd.Series(dtype="str"),
            Q_ORIGINAL: pd.Series(dtype="str"),
        }
    )


def export_csv(quarantine: pd.DataFrame, path: Path) -> Path:
    """Write a quarantine table to spreadsheet-safe CSV (UTF-8, one line per problem).

    Parameters
    ----------
    quarantine : pandas.DataFrame
        Rows with :data:`QUARANTINE_COLUMNS`.
    path : Path
        Destination file.

    Returns
    -------
    Path
        ``path``.
    """
    return write_csv(quarantine.loc[:, list(QUARANTINE_COLUMNS)], path)


def export_text(quarantine: pd.DataFrame) -> str:
    """Return a quarantine table (:data:`QUARANTINE_COLUMNS`) as spreadsheet-safe CSV text."""
    return csv_text(quarantine.loc[:, list(QUARANTINE_COLUMNS)])


def reason_counts(quarantine: pd.DataFrame) -> dict[str, int]:
    """Count quarantined *rows* by reason (a row with two problems counts under both).

    Parameters
    ----------
    quarantine : pandas.DataFrame
        Rows with :data:`QUARANTINE_COLUMNS`.

    Returns
    -------
    dict
        ``{reason: number of distinct rows}``, sorted by reason.
    """
    if quarantine.empty:
        return {}
    counts = quarantine.drop_duplicates([Q_ROW, Q_REASON]).groupby(Q_REASON)[Q_ROW].size()
    return {str(k): int(v) for k, v in sorted(counts.items())}
