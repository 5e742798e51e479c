"""Snapshots of SQLite files (geo.store.backup.snapshot_sqlite): a copy, or a StoreError."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from geo.errors import StoreError
from geo.store.backup import snapshot_sqlite


def test_a_snapshot_is_a_self_contained_copy(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    snapshot_sqlite(source, tmp_path / "copy.db")
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        assert conn.execute("SELECT sum(x) FROM t").fetchone() == (3,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_a_file_that_is_not_sqlite_is_refused_by_name(tmp_path: Path) -> None:
    source = tmp_path / "notes.db"
    source.write_text("not a database, " * 100)
    with pytest.raises(StoreError, match=r"could not copy notes\.db") as info:
        snapshot_sqlite(source, tmp_path / "copy.db")
    assert "free space" in str(info.value.fix)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="there is no database"):
        snapshot_sqlite(tmp_path / "absent.db", tmp_path / "copy.db")
