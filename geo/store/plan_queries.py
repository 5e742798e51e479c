"""The saved plans' queries, written once for both backends (sqlite3 and psycopg run them alike)."""

# The two backends keep the plans table alike; their SQL differs only in how the table is named
# (a GeoPackage table, a schema-qualified PostgreSQL table) and in the parameter marker (``?``,
# ``%s``). Creating the table and telling whether it exists stay with each backend
# (``gpkg_plans``, ``pg_plans``); saving, reading, listing and changing a plan are here.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
    StoredPlan,
    plan_row,
    stored_plan,
)


class Cursor(Protocol):
    """What both drivers' cursors offer (``sqlite3.Cursor``, ``psycopg.Cursor``)."""

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""

    def fetchone(self) -> Any:
        """Return the next row or ``None``."""

    def fetchall(self) -> list[Any]:
        """Return the remaining rows."""


class Connection(Protocol):
    """What both drivers' connections offer: run one statement with positional parameters."""

    def execute(self, query: str, params: Sequence[Any], /) -> Cursor:
        """Run ``query`` with ``params``; return its cursor."""


@dataclass(frozen=True)
class PlanQueries:
    """The plans table's statements for one backend.

    Attributes
    ----------
    table : str
        The table as the backend's SQL names it (quoted, schema-qualified where needed).
    marker : str
        The driver's parameter marker (``?`` for sqlite3, ``%s`` for psycopg).
    """

    table: str
    marker: str

    def _list(self, names: Sequence[str]) -> str:
        return ", ".join(map(_q, names))

    @property
    def exists(self) -> str:
        """Select 1 when a plan id is saved."""
        return f"SELECT 1 FROM {self.table} WHERE {_q(PLAN_ID)} = {self.marker}"

    @property
    def insert(self) -> str:
        """Insert one plan row (:func:`geo.store.plans.plan_row`)."""
        markers = ", ".join([self.marker] * len(PLAN_COLUMNS))
        return f"INSERT INTO {self.table} ({self._list(PLAN_COLUMNS)}) VALUES ({markers})"

    @property
    def select_one(self) -> str:
        """Select one plan with its data, by id."""
        return (
            f"SELECT {self._list(PLAN_COLUMNS)} FROM {self.table} "
            f"WHERE {_q(PLAN_ID)} = {self.marker}"
        )

    def select_list(self, *, by_thana: bool) -> str:
        """Select plans without their data, newest first (optionally of one thana)."""
        where = f" WHERE {_q(PLAN_THANA)} = {self.marker}" if by_thana else ""
        return (
            f"SELECT {self._list(PLAN_META_COLUMNS)}, NULL AS {_q(PLAN_BODY)} FROM {self.table}"
            f"{where} ORDER BY {_q(FID_COLUMN)} DESC"
        )

    @property
    def update_status(self) -> str:
        """Set status, time and author of one plan if its status is still the expected one."""
        m = self.marker
        return (
            f"UPDATE {self.table} SET {_q(PLAN_STATUS)} = {m}, {_q(PLAN_UPDATED_AT)} = {m}, "
            f"{_q(PLAN_UPDATED_BY)} = {m} WHERE {_q(PLAN_ID)} = {m} AND {_q(PLAN_STATUS)} = {m}"
        )


def insert_plan(conn: Connection, queries: PlanQueries, plan: StoredPlan, location: str) -> None:
    """Insert a new plan (in the caller's transaction); refuse an id already saved."""
    if conn.execute(queries.exists, (plan.plan_id,)).fetchone() is not None:
        raise StoreError(
            f"the store {location} already has a patrol plan {plan.plan_id!r}",
            why="a saved plan is never overwritten",
            fix="save the plan under a new id",
        )
    conn.execute(queries.insert, plan_row(plan))


def select_plan(conn: Connection, queries: PlanQueries, plan_id: str) -> StoredPlan | None:
    """Return a saved plan with its data, or ``None``."""
    row = conn.execute(queries.select_one, (plan_id,)).fetchone()
    return None if row is None else stored_plan(row)


def select_plans(conn: Connection, queries: PlanQueries, thana: str | None) -> list[StoredPlan]:
    """Return the saved plans (newest first) without their data, optionally of one thana."""
    args = () if thana is None else (thana,)
    rows = conn.execute(queries.select_list(by_thana=thana is not None), args).fetchall()
    return [stored_plan(row) for row in rows]


def update_status(
    conn: Connection,
    queries: PlanQueries,
    plan_id: str,
    expected: str,
    status: str,
    at: str,
    by: str,
) -> bool:
    """Change a plan's status if it is ``expected`` (in the caller's transaction)."""
    cur = conn.execute(queries.update_status, (status, at, by, plan_id, expected))
    return cur.rowcount == 1
