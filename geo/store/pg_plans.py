"""The saved patrol plans of the PostGIS store: its plans table (queries in `plan_queries`)."""

from __future__ import annotations

from typing import Any, Final

import psycopg
from psycopg import sql

from geo.store import plan_queries
from geo.store.frames import FID_COLUMN
from geo.store.plans import PLAN_ID, PLAN_THANA, PLANS_STORAGE, PLANS_TABLE, StoredPlan
from geo.store.rows import Col

Conn = psycopg.Connection[tuple[Any, ...]]

_PG_TYPES: Final[dict[Col, str]] = {Col.TEXT: "text", Col.INTEGER: "bigint"}


def _t(schema: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(PLANS_TABLE))


def has_plans(conn: Conn, schema: str) -> bool:
    """Return whether the schema has the plans table (stores made before plans lack it)."""
    row = conn.execute("SELECT to_regclass(%s)", (f'"{schema}"."{PLANS_TABLE}"',)).fetchone()
    return row is not None and row[0] is not None


def ensure_plans(conn: Conn, schema: str) -> None:
    """Create the plans table when missing (the caller holds the writers' lock)."""
    if has_plans(conn, schema):
        return
    cols = [sql.SQL("{} bigserial PRIMARY KEY").format(sql.Identifier(FID_COLUMN))]
    for name, col in PLANS_STORAGE.items():
        extra = " NOT NULL UNIQUE" if name == PLAN_ID else ""
        cols.append(
            sql.SQL("{} {}{}").format(sql.Identifier(name), sql.SQL(_PG_TYPES[col]), sql.SQL(extra))
        )
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(_t(schema), sql.SQL(", ").join(cols)))
    conn.execute(
        sql.SQL("CREATE INDEX {} ON {} ({})").format(
            sql.Identifier(f"{PLANS_TABLE}_thana"), _t(schema), sql.Identifier(PLAN_THANA)
        )
    )


def _queries(schema: str) -> plan_queries.PlanQueries:
    return plan_queries.PlanQueries(_t(schema).as_string(None), "%s")


def insert_plan(conn: Conn, schema: str, plan: StoredPlan, location: str) -> None:
    """Insert a new plan (in the caller's transaction); refuse an id already saved."""
    ensure_plans(conn, schema)
    plan_queries.insert_plan(conn, _queries(schema), plan, location)


def select_plan(conn: Conn, schema: str, plan_id: str) -> StoredPlan | None:
    """Return a saved plan with its data, or ``None``."""
    if not has_plans(conn, schema):
        return None
    return plan_queries.select_plan(conn, _queries(schema), plan_id)


def select_plans(conn: Conn, schema: str, thana: str | None) -> list[StoredPlan]:
    """Return the saved plans (newest first) without their data, optionally of one thana."""
    if not has_plans(conn, schema):
        return []
    return plan_queries.select_plans(conn, _queries(schema), thana)


def update_status(
    conn: Conn, schema: str, plan_id: str, expected: str, status: str, at: str, by: str
) -> bool:
    """Change a plan's status if it is ``expected`` (in the caller's transaction)."""
    if not has_plans(conn, schema):
        return False
    return plan_queries.update_status(conn, _queries(schema), plan_id, expected, status, at, by)
