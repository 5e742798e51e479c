"""One decoding rule for every store backend: SQLite and psycopg values give the same frame."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import pandas as pd
import pytest

from geo.store.rows import Col, decode_column, decode_frame

#: The same stored values as SQLite returns them (text dates, 0/1 booleans) ...
SQLITE_ROWS: list[tuple[Any, ...]] = [
    ("a", 1, 1.5, "2026-10-01", "2026-10-01T13:00:00.250+00:00", 1),
    ("b", None, None, None, None, 0),
    (None, -3, 0.0, "2025-05-01", "2025-05-01T00:00:00.000+00:00", None),
]
#: ... and as psycopg returns them (date and datetime objects, Python booleans).
PSYCOPG_ROWS: list[tuple[Any, ...]] = [
    (
        "a",
        1,
        1.5,
        dt.date(2026, 10, 1),
        dt.datetime(2026, 10, 1, 18, 30, 0, 250_000, tzinfo=dt.timezone(dt.timedelta(hours=5.5))),
        True,
    ),
    ("b", None, None, None, None, False),
    (None, -3, 0.0, dt.date(2025, 5, 1), dt.datetime(2025, 5, 1, tzinfo=dt.UTC), None),
]
COLUMNS = [
    ("text", Col.TEXT),
    ("integer", Col.INTEGER),
    ("real", Col.REAL),
    ("date", Col.DATE),
    ("datetime", Col.DATETIME),
    ("boolean", Col.BOOLEAN),
]


def test_both_drivers_decode_to_the_same_frame() -> None:
    from_sqlite = decode_frame(SQLITE_ROWS, COLUMNS)
    from_psycopg = decode_frame(PSYCOPG_ROWS, COLUMNS)
    pd.testing.assert_frame_equal(from_sqlite, from_psycopg)
    assert str(from_sqlite["date"].dtype) == "datetime64[ns]"
    assert str(from_sqlite["datetime"].dtype) == "datetime64[ns, UTC]"
    assert from_sqlite["datetime"].iloc[0] == pd.Timestamp("2026-10-01 13:00:00.250", tz="UTC")
    assert from_sqlite["boolean"].tolist() == [True, False, False]
    assert str(from_sqlite["integer"].dtype) == "Int64"


def test_values_read_from_sqlite_decode_like_the_literals() -> None:
    with sqlite3.connect(":memory:") as conn:
        rows = conn.execute(
            "SELECT 'a', 1, 1.5, '2026-10-01', '2026-10-01T13:00:00.250+00:00', 1"
        ).fetchall()
    pd.testing.assert_frame_equal(
        decode_frame(rows, COLUMNS), decode_frame(SQLITE_ROWS[:1], COLUMNS)
    )


@pytest.mark.parametrize("col", list(Col))
def test_empty_columns_keep_their_dtype(col: Col) -> None:
    assert pd.Series(decode_column([], col)).dtype == pd.Series(decode_column([None], col)).dtype
