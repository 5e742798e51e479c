"""The saved patrol plans of the GeoPackage store: its plans table (queries in `plan_queries`)."""

from __future__ import annotations

import sqlite3
from typing import Final

from geo.store import plan_queries
from geo.store.frames import FID_COLUMN
from geo.store.gpkg_format import quote_identifier as _q
from geo.store.plans import PLAN_ID, PLAN_THANA, PLANS_STORAGE, PLANS_TABLE, StoredPlan

_QUERIES: Final = plan_queries.PlanQueries(_q(PLANS_TABLE), "?")


def has_plans(conn: sqlite3.Connection) -> bool:
    """Return whether the store has the plans table (stores made before plans lack it)."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (PLANS_TABLE,)
    ).fetchone()
    return found is not None


def ensure_plans(conn: sqlite3.Connection) -> None:
    """Create the plans table (an attribute table of the GeoPackage) when it is missing."""
    if has_plans(conn):
        return
    body = ", ".join(f"{_q(name)} {col.value}" for name, col in PLANS_STORAGE.items())
    conn.execute(
        f"CREATE TABLE {PLANS_TABLE} ({FID_COLUMN} INTEGER PRIMARY KEY AUTOINCREMENT, {body})"
    )
    conn.execute(f"CREATE UNIQUE INDEX {PLANS_TABLE}_id ON {PLANS_TABLE} ({_q(PLAN_ID)})")
    conn.execute(f"CREATE INDEX {PLANS_TABLE}_thana ON {PLANS_TABLE} ({_q(PLAN_THANA)})")
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES (?, 'attributes', ?, ?)",
        (PLANS_TABLE, PLANS_TABLE, "Saved patrol plans: parameters, status and the plan as JSON"),
    )


def insert_plan(conn: sqlite3.Connection, plan: StoredPlan, location: str) -> None:
    """Insert a new plan (in the caller's transaction); refuse an id already saved."""
    ensure_plans(conn)
    plan_queries.insert_plan(conn, _QUERIES, plan, location)


def select_plan(conn: sqlite3.Connection, plan_id: str) -> StoredPlan | None:
    """Return a saved plan with its data, or ``None``."""
    return plan_queries.select_plan(conn, _QUERIES, plan_id) if has_plans(conn) else None


def select_plans(conn: sqlite3.Connection, thana: str | None) -> list[StoredPlan]:
    """Return the saved plans (newest first) without their data, optionally of one thana."""
    return plan_queries.select_plans(conn, _QUERIES, thana) if has_plans(conn) else []


def update_status(
    conn: sqlite3.Connection, plan_id: str, expected: str, status: str, at: str, by: str
) -> bool:
    """Change a plan's status if it is ``expected`` (in the caller's transaction)."""
    if not has_plans(conn):
        return False
    return plan_queries.update_status(conn, _QUERIES, plan_id, expected, status, at, by)
