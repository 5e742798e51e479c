"""The audit log: who asked what, when, for which thana, and the outcome, for every request."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT,
    role TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    path TEXT NOT NULL,
    params TEXT NOT NULL,
    thana TEXT,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    duration_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_user ON audit (user);
"""

#: How long the writer gathers entries before a transaction (keeps it off the request path).
_GATHER_S: Final = 0.05
#: Most entries the writer stores in one transaction.
_BATCH: Final = 500
#: Query parameters never written to the log.
SECRET_PARAMS: Final = frozenset({"token", "access_token", "password", "secret"})
#: Paths not audited: static files, the page shell and the health probe (no data).
UNAUDITED_PREFIXES: Final = ("/assets/", "/static/", "/favicon")
UNAUDITED_PATHS: Final = frozenset({"/", "/healthz", "/openapi.json"})
#: ``scope["state"]`` keys the routes fill in.
STATE_USER: Final = "audit_user"
STATE_ROLE: Final = "audit_role"
STATE_THANA: Final = "audit_thana"
STATE_EXTRA: Final = "audit_extra"


def outcome_of(status: int) -> str:
    """Return the outcome word of an HTTP status.

    Parameters
    ----------
    status : int

    Returns
    -------
    str
        ``ok``, ``unauthenticated``, ``denied``, ``rejected`` (other 4xx) or ``error``.
    """
    if status < 400:
        return "ok"
    if status == 401:
        return "unauthenticated"
    if status == 403:
        return "denied"
    if status < 500:
        return "rejected"
    return "error"


@dataclass(frozen=True)
class AuditEntry:
    """One audited request.

    Attributes
    ----------
    at : str
        ISO 8601 UTC time the request arrived.
    user, role : str or None
        Who (``None`` when unauthenticated).
    method, route, path : str
        HTTP method, route template and actual path.
    params : dict
        Query and path parameters (secrets removed) plus route extras (upload name, size).
    thana : str or None
        The thana the request was limited to.
    status : int
    outcome : str
    duration_ms : float
    """

    at: str
    user: str | None
    role: str | None
    method: str
    route: str
    path: str
    params: dict[str, Any]
    thana: str | None
    status: int
    outcome: str
    duration_ms: float

    def as_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict."""
        return {
            "at": self.at,
            "user": self.user,
            "role": self.role,
            "method": self.method,
            "route": self.route,
            "path": self.path,
            "params": self.params,
            "thana": self.thana,
            "status": self.status,
            "outcome": self.outcome,
            "duration_ms": self.duration_ms,
        }


class AuditLog:
    """The ``audit`` table of the service's SQLite file (beside the users).

    Parameters
    ----------
    path : Path
        The SQLite file (shared with :class:`api.users.UserStore`).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        self._queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write_loop, name="audit-writer", daemon=True)
        self._writer.start()

    def close(self) -> None:
        """Write what is queued, stop the writer and close the database connection."""
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join(timeout=10)
        with self._lock:
            self._conn.close()

    def record(self, entry: AuditEntry) -> None:
        """Queue one entry; a writer thread stores it (in order) moments later.

        Requests never wait for the disk; :meth:`flush` (called by every read of the log)
        waits until everything queued is stored.

        Parameters
        ----------
        entry : AuditEntry
        """
        self._queue.put(
            (
                entry.at,
                entry.user,
                entry.role,
                entry.method,
                entry.route,
                entry.path,
                json.dumps(entry.params, sort_keys=True, default=str),
                entry.thana,
                entry.status,
                entry.outcome,
                round(entry.duration_ms, 3),
            )
        )

    def flush(self) -> None:
        """Wait until every queued entry is stored."""
        if self._writer.is_alive():
            self._queue.join()

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is not None:
                time.sleep(_GATHER_S)  # one wake-up and one transaction per burst, not per request
            batch = [first]
            while len(batch) < _BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            rows = [row for row in batch if row is not None]
            try:
                if rows:
                    with self._lock:
                        self._conn.execute("BEGIN")
                        self._conn.executemany(
                            "INSERT INTO audit (at, user, role, method, route, path, params, "
                            "thana, status, outcome, duration_ms) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            rows,
                        )
                        self._conn.execute("COMMIT")
            except sqlite3.Error:
                logger.exception("%d audit entries not written", len(rows))
                with self._lock, contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            finally:
                for _ in batch:
                    self._queue.task_done()
            if any(row is None for row in batch):
                return

    def entries(
        self, *, limit: int = 100, offset: int = 0, user: str | None = None
    ) -> list[AuditEntry]:
        """Return entries, newest first.

        Parameters
        ----------
        limit, offset : int
        user : str, optional
            Only this user's requests.

        Returns
        -------
        list of AuditEntry
        """
        sql = (
            "SELECT at, user, role, method, route, path, params, thana, status, outcome, "
            "duration_ms FROM audit"
        )
        args: list[Any] = []
        if user is not None:
            sql += " WHERE user = ?"
            args.append(user)
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        args += [int(limit), int(offset)]
        self.flush()
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [
            AuditEntry(
                at=r[0],
                user=r[1],
                role=r[2],
                method=r[3],
                route=r[4],
                path=r[5],
                params=json.loads(r[6]),
                thana=r[7],
                status=int(r[8]),
                outcome=r[9],
                duration_ms=float(r[10]),
            )
            for r in rows
        ]

    def count(self) -> int:
        """Return the number of entries."""
        self.flush()
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0])


def _params(scope: Scope) -> dict[str, Any]:
    from urllib.parse import parse_qsl

    query = scope.get("query_string", b"").decode("latin-1")
    params: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() in SECRET_PARAMS:
            continue
        if name in params:
            previous = params[name]
            params[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[name] = value
    for name, value in (scope.get("path_params") or {}).items():
        params.setdefault(name, value)
    return params


def audited(path: str) -> bool:
    """Return whether requests to ``path`` are audited.

    Parameters
    ----------
    path : str

    Returns
    -------
    bool
    """
    return path not in UNAUDITED_PATHS and not path.startswith(UNAUDITED_PREFIXES)


class AuditMiddleware:
    """ASGI middleware writing one :class:`AuditEntry` per HTTP request, after the response.

    Routes put the user, role, thana scope and extras in ``scope["state"]`` under the
    ``STATE_*`` keys (the dependencies of :mod:`api.deps` do).

    Parameters
    ----------
    app : ASGI app
    audit : AuditLog
    """

    def __init__(self, app: ASGIApp, audit: AuditLog) -> None:
        self.app = app
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request and record it."""
        if scope["type"] != "http" or not audited(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        status = 500
        scope.setdefault("state", {})

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            state: Mapping[str, Any] = scope.get("state") or {}
            route = scope.get("route")
            params = _params(scope)
            extra = state.get(STATE_EXTRA)
            if isinstance(extra, Mapping):
                params.update(extra)
            self.audit.record(
                AuditEntry(
                    at=at,
                    user=state.get(STATE_USER),
                    role=state.get(STATE_ROLE),
                    method=str(scope.get("method", "")),
                    route=str(getattr(route, "path", None) or scope.get("path", "")),
                    path=str(scope.get("path", "")),
                    params=params,
                    thana=state.get(STATE_THANA),
                    status=status,
                    outcome=outcome_of(status),
                    duration_ms=(time.perf_counter() - started) * 1000.0,
                )
            )
