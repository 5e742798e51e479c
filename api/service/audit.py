"""The audit log: who asked what, when, for which thana, and the outcome, bounded on disk."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl

import pandas as pd
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.service.settings import ServiceSettings
from geo.errors import ParameterError
from geo.ingest.privacy import WITHHELD, holds_personal_number, reads_as_person_name

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
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS audit_counts (
    day TEXT NOT NULL,
    route TEXT NOT NULL,
    method TEXT NOT NULL,
    status INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, route, method, status)
) WITHOUT ROWID;
"""
_INSERT: Final = (
    "INSERT INTO audit (at, user, role, method, route, path, params, thana, status, outcome, "
    "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_COUNT: Final = (
    "INSERT INTO audit_counts (day, route, method, status, count) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (day, route, method, status) DO UPDATE SET count = count + excluded.count"
)
_SELECT: Final = (
    "SELECT id, at, user, role, method, route, path, params, thana, status, outcome, "
    "duration_ms FROM audit"
)

#: How long the writer gathers entries before a transaction (keeps it off the request path).
_GATHER_S: Final = 0.05
#: Most entries the writer stores in one transaction.
_BATCH: Final = 500
#: Queue item that only wakes the writer to store the anonymous request counters.
_WAKE: Final[tuple[()]] = ()

# ---- what one stored entry may hold ----
#: Longest stored parameter value (characters); longer ones are cut and end with :data:`CUT`.
MAX_PARAM_CHARS: Final = 200
#: Longest stored parameter name, user name, role or thana (characters).
MAX_NAME_CHARS: Final = 64
#: Most parameter values stored per entry (a repeated parameter counts each value).
MAX_PARAMS: Final = 20
#: Longest stored parameter JSON (characters); parameters are dropped from the end past it.
MAX_PARAMS_JSON: Final = 4096
#: Longest stored request path (characters).
MAX_PATH_CHARS: Final = 512
#: Ends a value that was cut.
CUT: Final = "…"
#: Parameter set to ``true`` when the stored parameters are not all of the request's.
TRUNCATED: Final = "_truncated"
#: Route of requests that matched no route (counted under this, never under their path).
UNMATCHED: Final = "(unmatched)"
#: Methods stored as sent; any other is stored as :data:`OTHER_METHOD`.
METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD: Final = "(other)"

# ---- how much the log keeps ----
#: Hard cap on stored entries (a second guard after retention): the oldest go past it.
MAX_ROWS: Final = 2_000_000
#: The writer applies retention at least this often (seconds) while requests come in ...
PRUNE_EVERY_S: Final = 3600.0
#: ... and after at most this many stored entries.
PRUNE_EVERY_ROWS: Final = 10_000

#: Query parameters never written to the log.
SECRET_PARAMS: Final = frozenset({"token", "access_token", "password", "secret"})
#: Paths not audited: static files, the page shell and the health probe (no data).
UNAUDITED_PREFIXES: Final = ("/assets/", "/static/", "/favicon")
UNAUDITED_PATHS: Final = frozenset({"/", "/healthz", "/openapi.json"})
#: Every parameter (path, query, route extras) but these is checked for a phone, Aadhaar,
#: e-mail or name before it is stored: a client may add any query parameter, or type a name
#: where a thana, team, layer kind or file name goes.
#: Parameters stored as given: ids the server made (a plan's 16 hex digits or an import's
#: time stamp may hold ten or twelve digits in a row) and the account name an audit read
#: filters on (``who``); on the ``/users`` routes, the account's ``name`` too.
KEPT_PARAMS: Final = frozenset({"plan_id", "import_id", "who", "user"})
#: The parameter naming an account, kept on the routes that manage accounts.
ACCOUNT_PARAMS: Final = frozenset({"name"})
KEPT_ROUTE_PARAMS: Final = dict.fromkeys(
    ("/users", "/users/{name}", "/users/{name}/password"), ACCOUNT_PARAMS
)
#: Route of the command line's account changes in the log: ``shakti users <action>``.
USERS_CLI_ROUTE: Final = "shakti users "
#: ``scope["state"]`` keys the routes fill in.
STATE_USER: Final = "audit_user"
STATE_ROLE: Final = "audit_role"
STATE_THANA: Final = "audit_thana"
STATE_EXTRA: Final = "audit_extra"
#: Columns of an exported entry table (:func:`entries_table`) and counter table.
AUDIT_COLUMNS: Final = ("at", "user", "role", "method", "route", "path", "params", "thana",
                        "status", "outcome", "duration_ms")  # fmt: skip
COUNT_COLUMNS: Final = ("day", "route", "method", "status", "count")


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
        return asdict(self)


@dataclass(frozen=True)
class AuditCount:
    """How many anonymous requests one route answered with one status on one (UTC) day.

    Attributes
    ----------
    day : str
        ``YYYY-MM-DD`` (UTC).
    route : str
        Route template, or :data:`UNMATCHED`.
    method : str
    status : int
    count : int
    """

    day: str
    route: str
    method: str
    status: int
    count: int

    def as_dict(self) -> dict[str, Any]:
        """Return the counter as a JSON-ready dict."""
        return asdict(self)


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[: limit - len(CUT)] + CUT, True


def _short(text: object, limit: int = MAX_NAME_CHARS) -> str | None:
    return None if text is None else _cut(str(text), limit)[0]


def _kept(value: Any) -> Any:
    """Return ``value``, or :data:`WITHHELD` when it holds a phone/Aadhaar/e-mail or a name."""
    if isinstance(value, list | tuple):
        return [_kept(item) for item in value]
    if isinstance(value, str) and (holds_personal_number(value) or reads_as_person_name(value)):
        return WITHHELD
    return value


def _withheld(entry: AuditEntry) -> tuple[dict[str, Any], str, Any]:
    """Return the entry's parameters, path and thana with personal values withheld.

    Every parameter but :data:`KEPT_PARAMS` is checked (path, query and route extras alike);
    a path with a withheld value is stored as its route template.
    """
    kept = KEPT_PARAMS | KEPT_ROUTE_PARAMS.get(entry.route, frozenset())
    if entry.route.startswith(USERS_CLI_ROUTE):  # ``shakti users add``: an account's name
        kept |= ACCOUNT_PARAMS
    params = {k: v if k in kept else _kept(v) for k, v in entry.params.items()}
    changed = any(params[k] != v for k, v in entry.params.items())
    return params, entry.route if changed else entry.path, _kept(entry.thana)


def _bound_value(value: Any) -> tuple[Any, bool]:
    if value is None or isinstance(value, bool | int | float):
        return value, False
    return _cut(str(value), MAX_PARAM_CHARS)


def bound_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return the parameters as stored: bounded in count, length and total size.

    Values are cut to :data:`MAX_PARAM_CHARS` (ending in :data:`CUT`), names to
    :data:`MAX_NAME_CHARS`; at most :data:`MAX_PARAMS` values are kept (in the given order, so
    put the ones that matter first), and parameters are dropped from the end while the JSON is
    longer than :data:`MAX_PARAMS_JSON`. When anything was cut or dropped, :data:`TRUNCATED` is
    ``True``.

    Parameters
    ----------
    params : Mapping
        Name → value (a list for a repeated parameter).

    Returns
    -------
    dict
    """
    out: dict[str, Any] = {}
    cut = False
    kept = 0
    for name, value in params.items():
        if kept >= MAX_PARAMS:
            cut = True
            break
        key, key_cut = _cut(str(name), MAX_NAME_CHARS)
        cut |= key_cut
        if isinstance(value, list | tuple):
            items = []
            for item in value:
                if kept >= MAX_PARAMS:
                    cut = True
                    break
                bounded, item_cut = _bound_value(item)
                items.append(bounded)
                cut |= item_cut
                kept += 1
            out[key] = items
        else:
            out[key], value_cut = _bound_value(value)
            cut |= value_cut
            kept += 1
    while out and len(json.dumps(out, default=str)) > MAX_PARAMS_JSON - 20:
        out.popitem()
        cut = True
    if cut:
        out[TRUNCATED] = True
    return out


def method_of(method: object) -> str:
    """Return the method as stored: one of :data:`METHODS` or :data:`OTHER_METHOD`."""
    text = str(method).upper()
    return text if text in METHODS else OTHER_METHOD


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """Raise :class:`geo.errors.ParameterError` when ``start`` is after ``end``.

    Parameters
    ----------
    start, end : datetime.date or None
        First and last (UTC) day, both included.
    """
    if start is not None and end is not None and start > end:
        raise ParameterError(
            f"the period starts ({start}) after it ends ({end})",
            fix="give a 'from' day on or before the 'to' day",
        )


def _period_sql(
    column: str, start: dt.date | None, end: dt.date | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if start is not None:
        where.append(f"{column} >= ?")
        args.append(start.isoformat())
    if end is not None:
        where.append(f"{column} < ?")
        args.append((end + dt.timedelta(days=1)).isoformat())
    return where, args


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(
        at=row[1],
        user=row[2],
        role=row[3],
        method=row[4],
        route=row[5],
        path=row[6],
        params=json.loads(row[7]),
        thana=row[8],
        status=int(row[9]),
        outcome=row[10],
        duration_ms=float(row[11]),
    )


class AuditLog:
    """The ``audit`` tables of the service's SQLite file (beside the users).

    Authenticated requests and login attempts are stored one row each (:meth:`record`, values
    bounded by :func:`bound_params`); anonymous requests are only counted per day, route,
    method and status (:meth:`record_anonymous`), so anonymous traffic cannot fill the disk.
    Entries older than ``retention_days`` are deleted when the log opens and then by the writer
    thread (at least hourly while requests come in, and every :data:`PRUNE_EVERY_ROWS`
    entries); past ``max_rows`` entries the oldest are deleted too.

    Parameters
    ----------
    path : Path
        The SQLite file (shared with :class:`api.service.users.UserStore`).
    retention_days : int, optional
        Days entries and counters are kept; default the ``audit_retention_days`` setting.
    max_rows : int
        Most stored entries.
    """

    def __init__(
        self, path: Path, *, retention_days: int | None = None, max_rows: int = MAX_ROWS
    ) -> None:
        self.path = Path(path)
        self.retention_days = (
            retention_days if retention_days is not None else ServiceSettings().audit_retention_days
        )
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        self._pending_lock = threading.Lock()
        self._pending: dict[tuple[str, str, str, int], int] = {}
        self._written_since_prune = 0
        self._last_prune = time.monotonic()
        try:
            self.prune()
        except sqlite3.Error:  # busy with another process: the writer prunes later
            logger.warning("audit log: retention not applied on opening", exc_info=True)
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
        waits until everything queued is stored. The stored entry is bounded: parameters by
        :func:`bound_params`, user, role and thana to :data:`MAX_NAME_CHARS`, the path to
        :data:`MAX_PATH_CHARS`; a personal value (the thana or any parameter) is stored as
        :data:`WITHHELD` (and the path as its route template).

        Parameters
        ----------
        entry : AuditEntry
        """
        params, path, thana = _withheld(entry)
        self._queue.put(
            (
                entry.at,
                _short(entry.user),
                _short(entry.role),
                method_of(entry.method),
                _cut(entry.route, MAX_PATH_CHARS)[0],
                _cut(path, MAX_PATH_CHARS)[0],
                json.dumps(bound_params(params), sort_keys=True, default=str),
                _short(thana),
                entry.status,
                entry.outcome,
                round(entry.duration_ms, 3),
            )
        )

    def record_anonymous(self, at: str, method: str, route: str | None, status: int) -> None:
        """Count one anonymous request (no row is stored for it).

        Counters are held in memory per (day, route, method, status), a set bounded by the
        routes of the app, and added to the ``audit_counts`` table by the writer.

        Parameters
        ----------
        at : str
            ISO 8601 UTC time of the request; its day is counted.
        method : str
        route : str or None
            The route template; ``None`` for a path no route matched.
        status : int
        """
        key = (at[:10], _short(route, MAX_PATH_CHARS) or UNMATCHED, method_of(method), status)
        with self._pending_lock:
            wake = not self._pending
            self._pending[key] = self._pending.get(key, 0) + 1
        if wake:
            self._queue.put(_WAKE)

    def flush(self) -> None:
        """Wait until every queued entry and counter is stored."""
        if self._writer.is_alive():
            self._queue.join()

    def prune(self, now: dt.datetime | None = None) -> int:
        """Delete entries and counters older than the retention, and entries past the cap.

        Parameters
        ----------
        now : datetime.datetime, optional
            Default the current time.

        Returns
        -------
        int
            Entries deleted.
        """
        moment = now if now is not None else dt.datetime.now(dt.UTC)
        cutoff = (moment - dt.timedelta(days=self.retention_days)).astimezone(dt.UTC)
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                old = self._conn.execute(
                    "DELETE FROM audit WHERE at < ?", (cutoff.isoformat(timespec="milliseconds"),)
                ).rowcount
                self._conn.execute(
                    "DELETE FROM audit_counts WHERE day < ?", (cutoff.date().isoformat(),)
                )
                capped = self._cap()
                self._conn.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
        self._written_since_prune = 0
        self._last_prune = time.monotonic()
        if old or capped:
            logger.info(
                "audit log: %d entries older than %d days and %d past the cap of %d deleted",
                old, self.retention_days, capped, self.max_rows,
            )  # fmt: skip
        return int(old) + capped

    def _cap(self) -> int:
        """Delete the oldest entries past ``max_rows`` (ids only grow); caller holds the lock."""
        deleted = self._conn.execute(
            "DELETE FROM audit WHERE id <= (SELECT MAX(id) FROM audit) - ?", (self.max_rows,)
        ).rowcount
        return int(deleted)

    def _store(self, rows: list[tuple[Any, ...]], counts: Mapping[tuple[Any, ...], int]) -> None:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                if rows:
                    self._conn.executemany(_INSERT, rows)
                    self._cap()
                if counts:
                    self._conn.executemany(_COUNT, [(*key, n) for key, n in counts.items()])
                self._conn.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
        self._written_since_prune += len(rows)

    def _prune_due(self) -> bool:
        return (
            self._written_since_prune >= PRUNE_EVERY_ROWS
            or time.monotonic() - self._last_prune >= PRUNE_EVERY_S
        )

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is not None:
                time.sleep(_GATHER_S)  # one wake-up and one transaction per burst, not per request
            batch = [first]
            while len(batch) < _BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            rows = [row for row in batch if row]
            with self._pending_lock:
                counts, self._pending = self._pending, {}
            try:
                self._store(rows, counts)
                if self._prune_due():
                    self.prune()
            except sqlite3.Error:
                logger.exception(
                    "%d audit entries and %d counted requests not written",
                    len(rows), sum(counts.values()),
                )  # fmt: skip
            finally:
                for _ in batch:
                    self._queue.task_done()
            if any(row is None for row in batch):
                return

    def _select(
        self,
        *,
        user: str | None,
        start: dt.date | None,
        end: dt.date | None,
        before_id: int | None,
        limit: int | None,
        offset: int = 0,
    ) -> list[tuple[Any, ...]]:
        where, args = _period_sql("at", start, end)
        if user is not None:
            where.append("user = ?")
            args.append(user)
        if before_id is not None:
            where.append("id < ?")
            args.append(before_id)
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        args += [-1 if limit is None else int(limit), int(offset)]
        with self._lock:
            return list(self._conn.execute(sql, args).fetchall())

    def entries(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        user: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[AuditEntry]:
        """Return entries, newest first.

        Parameters
        ----------
        limit, offset : int
        user : str, optional
            Only this user's requests.
        start, end : datetime.date, optional
            Only requests on or after ``start`` and on or before ``end`` (UTC days).

        Returns
        -------
        list of AuditEntry
        """
        self.flush()
        rows = self._select(
            user=user, start=start, end=end, before_id=None, limit=limit, offset=offset
        )
        return [_entry(r) for r in rows]

    def iter_entries(
        self,
        *,
        user: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        page: int = 5000,
    ) -> Iterator[list[AuditEntry]]:
        """Yield every matching entry, newest first, ``page`` at a time (for exports).

        Parameters
        ----------
        user : str, optional
        start, end : datetime.date, optional
            First and last UTC day, both included.
        page : int
            Entries per list.

        Yields
        ------
        list of AuditEntry
        """
        self.flush()
        before: int | None = None
        while True:
            rows = self._select(user=user, start=start, end=end, before_id=before, limit=page)
            if not rows:
                return
            yield [_entry(r) for r in rows]
            before = int(rows[-1][0])

    def count(self) -> int:
        """Return the number of stored entries."""
        self.flush()
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0])

    def counts(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[AuditCount]:
        """Return the anonymous request counters, newest day first.

        Parameters
        ----------
        start, end : datetime.date, optional
            First and last UTC day, both included.

        Returns
        -------
        list of AuditCount
        """
        where, args = _period_sql("day", start, end)
        sql = "SELECT day, route, method, status, count FROM audit_counts"
        sql += (" WHERE " + " AND ".join(where) if where else "") + (
            " ORDER BY day DESC, route, method, status"
        )
        self.flush()
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [AuditCount(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in rows]


def entries_table(entries: Iterable[AuditEntry]) -> pd.DataFrame:
    """Return entries as a flat table of :data:`AUDIT_COLUMNS` (``params`` as JSON text).

    Parameters
    ----------
    entries : iterable of AuditEntry

    Returns
    -------
    pandas.DataFrame
    """
    rows = [
        {**e.as_dict(), "params": json.dumps(e.params, sort_keys=True, ensure_ascii=False)}
        for e in entries
    ]
    return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))


def counts_table(counts: Iterable[AuditCount]) -> pd.DataFrame:
    """Return counters as a table of :data:`COUNT_COLUMNS`.

    Parameters
    ----------
    counts : iterable of AuditCount

    Returns
    -------
    pandas.DataFrame
    """
    return pd.DataFrame([c.as_dict() for c in counts], columns=list(COUNT_COLUMNS))


def _params(scope: Scope, extra: object) -> dict[str, Any]:
    """Return the request's parameters: route extras, then path, then query (secrets removed)."""
    params: dict[str, Any] = dict(extra) if isinstance(extra, Mapping) else {}
    for name, value in (scope.get("path_params") or {}).items():
        params.setdefault(name, value)
    query = scope.get("query_string", b"").decode("latin-1")
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() not in SECRET_PARAMS and name not in params:
            values.setdefault(name, []).append(value)
    for name, found in values.items():
        params[name] = found[0] if len(found) == 1 else found
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
    """ASGI middleware auditing every HTTP request, after the response.

    A request with a user (set by the authentication dependencies of :mod:`api.service.deps`, or the
    user name of a login attempt) becomes one :class:`AuditEntry`; an anonymous one is only
    counted (:meth:`AuditLog.record_anonymous`). Routes put the user, role, thana scope and
    extras in ``scope["state"]`` under the ``STATE_*`` keys.

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
            route = getattr(scope.get("route"), "path", None)
            user = state.get(STATE_USER)
            if user is None:
                self.audit.record_anonymous(at, str(scope.get("method", "")), route, status)
            else:
                self.audit.record(
                    AuditEntry(
                        at=at,
                        user=str(user),
                        role=state.get(STATE_ROLE),
                        method=str(scope.get("method", "")),
                        route=str(route or UNMATCHED),
                        path=str(scope.get("path", "")),
                        params=_params(scope, state.get(STATE_EXTRA)),
                        thana=state.get(STATE_THANA),
                        status=status,
                        outcome=outcome_of(status),
                        duration_ms=(time.perf_counter() - started) * 1000.0,
                    )
                )
