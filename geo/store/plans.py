"""Saved patrol plans in the store: columns, statuses, the stored record and its row encoding."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import pandas as pd

from geo.store.frames import IMP_ID, IMP_SHA256
from geo.store.rows import Col

#: The table of saved plans (both backends).
PLANS_TABLE: Final = "patrol_plans"

# ---- plan statuses ----
STATUS_DRAFT: Final = "draft"
STATUS_ISSUED: Final = "issued"
STATUS_DONE: Final = "done"
STATUS_CANCELLED: Final = "cancelled"
PLAN_STATUSES: Final = (STATUS_DRAFT, STATUS_ISSUED, STATUS_DONE, STATUS_CANCELLED)
#: Status → the statuses it may change to (re-issuing an issued plan is allowed: it is sent
#: to the teams again; done and cancelled plans are final).
PLAN_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    STATUS_DRAFT: frozenset({STATUS_ISSUED, STATUS_CANCELLED}),
    STATUS_ISSUED: frozenset({STATUS_ISSUED, STATUS_DONE, STATUS_CANCELLED}),
    STATUS_DONE: frozenset(),
    STATUS_CANCELLED: frozenset(),
}

# ---- columns of the plans table (import these, never spell them) ----
PLAN_ID: Final = "plan_id"
PLAN_THANA: Final = "thana"
PLAN_STATUS: Final = "status"
PLAN_AUTHOR: Final = "author"
PLAN_CREATED_AT: Final = "created_at"
PLAN_UPDATED_AT: Final = "updated_at"
PLAN_UPDATED_BY: Final = "updated_by"
PLAN_START: Final = "start"
PLAN_DAYS: Final = "days"
PLAN_SEED: Final = "seed"
PLAN_DATA_VERSION: Final = "data_version"
PLAN_STORE_VERSION: Final = "store_version"
PLAN_PARAMS: Final = "params"
PLAN_BODY: Final = "plan"
#: How each column is stored (both backends map :class:`geo.store.rows.Col` to their types).
PLANS_STORAGE: Final[dict[str, Col]] = {
    PLAN_ID: Col.TEXT,
    PLAN_THANA: Col.TEXT,
    PLAN_STATUS: Col.TEXT,
    PLAN_AUTHOR: Col.TEXT,
    PLAN_CREATED_AT: Col.TEXT,
    PLAN_UPDATED_AT: Col.TEXT,
    PLAN_UPDATED_BY: Col.TEXT,
    PLAN_START: Col.TEXT,
    PLAN_DAYS: Col.INTEGER,
    PLAN_SEED: Col.INTEGER,
    PLAN_DATA_VERSION: Col.TEXT,
    PLAN_STORE_VERSION: Col.INTEGER,
    PLAN_PARAMS: Col.TEXT,
    PLAN_BODY: Col.TEXT,
}
PLAN_COLUMNS: Final = tuple(PLANS_STORAGE)
#: The columns of a listing (everything but the plan itself).
PLAN_META_COLUMNS: Final = tuple(c for c in PLAN_COLUMNS if c != PLAN_BODY)


@dataclass(frozen=True)
class StoredPlan:
    """A patrol plan as the store keeps it: metadata, parameters and the plan as JSON data.

    Attributes
    ----------
    plan_id : str
        Unique id (URL-safe).
    thana : str or None
        The thana the plan was limited to (``None``: every thana); in-charges see only
        plans of their thana.
    status : str
        One of :data:`PLAN_STATUSES`.
    author : str
        The account (or ``shakti-cli``) that made it: an operator, never a person in the data.
    created_at, updated_at : str
        ISO 8601 UTC.
    updated_by : str
        Who made the last status change.
    start : str
        First day, ``YYYY-MM-DD``.
    days, seed : int
    data_version : str
        Digest of the import log when the plan was made (:func:`data_digest`): the data it
        was made from.
    store_version : int
        The store's version then.
    params : dict
        The request (thana, days, seed, start, teams, must-visit places, travel).
    plan : dict or None
        The plan (``models.patrol.codec.plan_data``); ``None`` in listings.
    """

    plan_id: str
    thana: str | None
    status: str
    author: str
    created_at: str
    updated_at: str
    updated_by: str
    start: str
    days: int
    seed: int
    data_version: str
    store_version: int
    params: dict[str, Any]
    plan: dict[str, Any] | None = None

    def meta(self) -> dict[str, Any]:
        """Return the metadata as JSON-ready data (every column but the plan)."""
        row = dict(zip(PLAN_COLUMNS, plan_row(replace(self, plan=None)), strict=True))
        row[PLAN_PARAMS] = self.params
        del row[PLAN_BODY]
        return row


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def plan_row(plan: StoredPlan) -> tuple[Any, ...]:
    """Return the stored row of a plan, in :data:`PLAN_COLUMNS` order (JSON as text)."""
    return (
        plan.plan_id,
        plan.thana,
        plan.status,
        plan.author,
        plan.created_at,
        plan.updated_at,
        plan.updated_by,
        plan.start,
        int(plan.days),
        int(plan.seed),
        plan.data_version,
        int(plan.store_version),
        _dump(plan.params),
        None if plan.plan is None else _dump(plan.plan),
    )


def stored_plan(row: Sequence[Any]) -> StoredPlan:
    """Return a plan from a stored row in :data:`PLAN_COLUMNS` order (the plan may be NULL)."""
    values = dict(zip(PLAN_COLUMNS, row, strict=True))
    body = values[PLAN_BODY]
    return StoredPlan(
        plan_id=str(values[PLAN_ID]),
        thana=None if values[PLAN_THANA] is None else str(values[PLAN_THANA]),
        status=str(values[PLAN_STATUS]),
        author=str(values[PLAN_AUTHOR]),
        created_at=str(values[PLAN_CREATED_AT]),
        updated_at=str(values[PLAN_UPDATED_AT]),
        updated_by=str(values[PLAN_UPDATED_BY]),
        start=str(values[PLAN_START]),
        days=int(values[PLAN_DAYS]),
        seed=int(values[PLAN_SEED]),
        data_version=str(values[PLAN_DATA_VERSION]),
        store_version=int(values[PLAN_STORE_VERSION]),
        params=json.loads(values[PLAN_PARAMS]),
        plan=None if body is None else json.loads(body),
    )


def data_digest(import_log: pd.DataFrame) -> str:
    """Return the digest of an import log: which files (by content) the data came from.

    Two stores with the same imports in the same order have the same digest; any further
    import changes it. A plan keeps it, so anyone can tell whether the data changed since.

    Parameters
    ----------
    import_log : pandas.DataFrame
        ``Store.imports()``.

    Returns
    -------
    str
        ``sha256:<hex>`` (of an empty log for a store without imports).
    """
    digest = hashlib.sha256()
    for import_id, sha in zip(import_log[IMP_ID], import_log[IMP_SHA256], strict=True):
        digest.update(f"{import_id}:{sha}\n".encode())
    return f"sha256:{digest.hexdigest()}"
