"""The saved patrol plans of the PostGIS store: the plans table's SQL (psycopg)."""

from __future__ import annotations

from typing import Any, Final

import psycopg
from psycopg import sql

from geo.errors import StoreError
from geo.store.frames import FID_COLUMN
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


def insert_plan(conn: Conn, schema: str, plan: StoredPlan, location: str) -> None:
    """Insert a new plan (in the caller's transaction); refuse an id already saved."""
    ensure_plans(conn, schema)
    found = conn.execute(
        sql.SQL("SELECT 1 FROM {} WHERE {} = %s").format(_t(schema), sql.Identifier(PLAN_ID)),
        (plan.plan_id,),
    ).fetchone()
    if found is not None:
        raise StoreError(
            f"the store {location} already has a patrol plan {plan.plan_id!r}",
            why="a saved plan is never overwritten",
            fix="save the plan under a new id",
        )
    conn.execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            _t(schema),
            sql.SQL(", ").join(map(sql.Identifier, PLAN_COLUMNS)),
            sql.SQL(", ").join(sql.Placeholder() * len(PLAN_COLUMNS)),
        ),
        plan_row(plan),
    )


def select_plan(conn: Conn, schema: str, plan_id: str) -> StoredPlan | None:
    """Return a saved plan with its data, or ``None``."""
    if not has_plans(conn, schema):
        return None
    row = conn.execute(
        sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
            sql.SQL(", ").join(map(sql.Identifier, PLAN_COLUMNS)),
            _t(schema),
            sql.Identifier(PLAN_ID),
        ),
        (plan_id,),
    ).fetchone()
    return None if row is None else stored_plan(row)


def select_plans(conn: Conn, schema: str, thana: str | None) -> list[StoredPlan]:
    """Return the saved plans (newest first) without their data, optionally of one thana."""
    if not has_plans(conn, schema):
        return []
    query = sql.SQL("SELECT {}, NULL AS {} FROM {}").format(
        sql.SQL(", ").join(map(sql.Identifier, PLAN_META_COLUMNS)),
        sql.Identifier(PLAN_BODY),
        _t(schema),
    )
    args: tuple[str, ...] = ()
    if thana is not None:
        query += sql.SQL(" WHERE {} = %s").format(sql.Identifier(PLAN_THANA))
        args = (thana,)
    query += sql.SQL(" ORDER BY {} DESC").format(sql.Identifier(FID_COLUMN))
    return [stored_plan(row) for row in conn.execute(query, args).fetchall()]


def update_status(
    conn: Conn, schema: str, plan_id: str, expected: str, status: str, at: str, by: str
) -> bool:
    """Change a plan's status if it is ``expected`` (in the caller's transaction)."""
    if not has_plans(conn, schema):
        return False
    cur = conn.execute(
        sql.SQL("UPDATE {} SET {} = %s, {} = %s, {} = %s WHERE {} = %s AND {} = %s").format(
            _t(schema),
            sql.Identifier(PLAN_STATUS),
            sql.Identifier(PLAN_UPDATED_AT),
            sql.Identifier(PLAN_UPDATED_BY),
            sql.Identifier(PLAN_ID),
            sql.Identifier(PLAN_STATUS),
        ),
        (status, at, by, plan_id, expected),
    )
    return cur.rowcount == 1
