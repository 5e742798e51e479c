"""The saved patrol plans of the GeoPackage store: the plans table's SQL (sqlite3)."""

from __future__ import annotations

import sqlite3

from geo.errors import StoreError
from geo.store.frames import FID_COLUMN
from geo.store.gpkg_format import quote_identifier as _q
from geo.store.plans import (
    PLAN_BODY,
    PLAN_COLUMNS,
    PLAN_ID,
    PLAN_META_COLUMNS,
    PLAN_STATUS,
    PLAN_THANA,
    PLAN_UPDATED_AT,
    PLAN_UPDATED_BY,
    PLANS_STORAGE,
    PLANS_TABLE,
    StoredPlan,
    plan_row,
    stored_plan,
)


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
    if conn.execute(
        f"SELECT 1 FROM {PLANS_TABLE} WHERE {_q(PLAN_ID)} = ?", (plan.plan_id,)
    ).fetchone():
        raise StoreError(
            f"the store {location} already has a patrol plan {plan.plan_id!r}",
            why="a saved plan is never overwritten",
            fix="save the plan under a new id",
        )
    names = ", ".join(map(_q, PLAN_COLUMNS))
    conn.execute(
        f"INSERT INTO {PLANS_TABLE} ({names}) VALUES ({', '.join('?' * len(PLAN_COLUMNS))})",
        plan_row(plan),
    )


def select_plan(conn: sqlite3.Connection, plan_id: str) -> StoredPlan | None:
    """Return a saved plan with its data, or ``None``."""
    if not has_plans(conn):
        return None
    row = conn.execute(
        f"SELECT {', '.join(map(_q, PLAN_COLUMNS))} FROM {PLANS_TABLE} WHERE {_q(PLAN_ID)} = ?",
        (plan_id,),
    ).fetchone()
    return None if row is None else stored_plan(row)


def select_plans(conn: sqlite3.Connection, thana: str | None) -> list[StoredPlan]:
    """Return the saved plans (newest first) without their data, optionally of one thana."""
    if not has_plans(conn):
        return []
    names = ", ".join(map(_q, PLAN_META_COLUMNS))
    sql = f"SELECT {names}, NULL AS {_q(PLAN_BODY)} FROM {PLANS_TABLE}"
    args: tuple[str, ...] = ()
    if thana is not None:
        sql += f" WHERE {_q(PLAN_THANA)} = ?"
        args = (thana,)
    rows = conn.execute(sql + f" ORDER BY {FID_COLUMN} DESC", args).fetchall()
    return [stored_plan(row) for row in rows]


def update_status(
    conn: sqlite3.Connection, plan_id: str, expected: str, status: str, at: str, by: str
) -> bool:
    """Change a plan's status if it is ``expected`` (in the caller's transaction)."""
    if not has_plans(conn):
        return False
    cur = conn.execute(
        f"UPDATE {PLANS_TABLE} SET {_q(PLAN_STATUS)} = ?, {_q(PLAN_UPDATED_AT)} = ?, "
        f"{_q(PLAN_UPDATED_BY)} = ? WHERE {_q(PLAN_ID)} = ? AND {_q(PLAN_STATUS)} = ?",
        (status, at, by, plan_id, expected),
    )
    return cur.rowcount == 1
