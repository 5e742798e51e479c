"""Login throttling: failed logins counted per user name and per client address.

A small counter kept in the users SQLite file rather than slowapi. slowapi (on ``limits``)
counts *requests* per key, in each process's memory unless a Redis or Memcached server is
deployed. A login limit must count *failures* (a successful login clears the user's count),
be keyed by the user name from the form body, be shared by every uvicorn worker and survive a
restart (otherwise an attacker waits for the next deploy). A table in the users file, which
every worker already opens, does all of that with a few indexed queries and no new server.

``POST /auth/token`` calls :meth:`LoginThrottle.begin` before it hashes anything: one indexed
query per key decides, so a throttled request costs no scrypt hash and a flood cannot slow
everyone down. ``begin`` records the attempt as a failure in the same transaction as the check,
so parallel requests cannot all slip through between check and record;
:meth:`LoginThrottle.succeeded` takes it back and clears the user's failures. Keys are SHA-256
digests of the user name and the address (a password typed into the name field is not stored
as typed), and rows are deleted once they leave the window.
"""

from __future__ import annotations

import hashlib
import logging
import math
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from api.service.errors import TooManyRequestsError
from api.service.settings import ServiceSettings

logger = logging.getLogger(__name__)

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE INDEX IF NOT EXISTS login_failures_at ON login_failures (at);
"""
#: Seconds a request waits for another process's write to the users file.
_BUSY_S: Final = 5.0
#: Key prefixes of the two counters.
USER_KEY: Final = "user"
CLIENT_KEY: Final = "client"


def failure_key(kind: str, value: str) -> str:
    """Return the stored key of a counter: a digest, never the name or address itself.

    Parameters
    ----------
    kind : str
        :data:`USER_KEY` or :data:`CLIENT_KEY`.
    value : str
        The user name or client address.

    Returns
    -------
    str
    """
    data = f"{kind}\0{value}".encode("utf-8", errors="replace")
    return kind + ":" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """A login attempt admitted by :meth:`LoginThrottle.begin`, provisionally a failure.

    Attributes
    ----------
    user_key : str
        The user name's counter key.
    client_row : int
        Row id of the attempt in the client address's counter.
    """

    user_key: str
    client_row: int


class LoginThrottle:
    """Failed logins per user name and per client address, in the users SQLite file.

    Each call opens a short-lived connection, so the object is cheap, safe in any thread and
    needs no closing; several processes share the counts through the file.

    Parameters
    ----------
    path : Path
        The users file (``api.service.users.UserStore.path``).
    max_failures : int
        Failed logins of one user name within the window before it is throttled.
    max_failures_per_client : int
        Failed logins from one client address within the window before it is throttled.
    window_s : float
        Seconds over which failures are counted.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_failures: int,
        max_failures_per_client: int,
        window_s: float,
    ) -> None:
        self.path = Path(path)
        self.max_failures = int(max_failures)
        self.max_failures_per_client = int(max_failures_per_client)
        self.window_s = float(window_s)
        self._ready = False

    @classmethod
    def from_settings(cls, path: Path, settings: ServiceSettings) -> LoginThrottle:
        """Return the throttle of a deployment (``SHAKTI_LOGIN_*`` settings).

        Parameters
        ----------
        path : Path
            The users file.
        settings : api.service.settings.ServiceSettings

        Returns
        -------
        LoginThrottle
        """
        return cls(
            path,
            max_failures=settings.login_max_failures,
            max_failures_per_client=settings.login_max_failures_per_client,
            window_s=settings.login_window_minutes * 60.0,
        )

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=_BUSY_S, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            if not self._ready:
                conn.executescript(_SCHEMA)
                self._ready = True
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _wait_s(self, conn: sqlite3.Connection, key: str, limit: int, now: float) -> float:
        """Return the seconds until ``key`` has fewer than ``limit`` failures (0: not now)."""
        row = conn.execute(
            "SELECT at FROM login_failures WHERE key = ? AND at > ? "
            "ORDER BY at DESC LIMIT 1 OFFSET ?",
            (key, now - self.window_s, limit - 1),
        ).fetchone()
        return 0.0 if row is None else float(row[0]) + self.window_s - now

    def begin(self, name: str, client: str, *, now: float | None = None) -> Attempt:
        """Admit a login attempt, or refuse it when the name or the address is throttled.

        Call it before checking the password; the attempt counts as a failure until
        :meth:`succeeded` is called.

        Parameters
        ----------
        name : str
            The user name as typed.
        client : str
            The client address.
        now : float, optional
            Seconds since the epoch (tests pin it); default ``time.time()``.

        Returns
        -------
        Attempt

        Raises
        ------
        api.service.errors.TooManyRequestsError
            With ``Retry-After``: too many failures of the name or from the address (429).
        """
        at = time.time() if now is None else now
        user_key, client_key = failure_key(USER_KEY, name), failure_key(CLIENT_KEY, client)
        with self._tx() as conn:
            conn.execute("DELETE FROM login_failures WHERE at <= ?", (at - self.window_s,))
            wait = max(
                self._wait_s(conn, user_key, self.max_failures, at),
                self._wait_s(conn, client_key, self.max_failures_per_client, at),
            )
            if wait <= 0:
                conn.execute("INSERT INTO login_failures VALUES (?, ?)", (user_key, at))
                cursor = conn.execute("INSERT INTO login_failures VALUES (?, ?)", (client_key, at))
                return Attempt(user_key, int(cursor.lastrowid or 0))
        seconds = max(1, math.ceil(wait))
        logger.warning("login throttled for %d s", seconds)
        minutes = round(self.window_s / 60)
        raise TooManyRequestsError(
            f"too many failed logins: try again in {seconds} seconds",
            why=f"after {self.max_failures} failed logins for one user name, or "
            f"{self.max_failures_per_client} from one address, within {minutes} minutes, "
            "logins are refused for a while so that passwords cannot be guessed",
            fix="wait, then log in with the right password; an administrator can reset it",
            headers={"Retry-After": str(seconds)},
        )

    def succeeded(self, attempt: Attempt) -> None:
        """Record that an admitted attempt succeeded: clear the user name's failures.

        The address keeps its other failures (one good account must not reset a guesser's
        count); only this attempt is taken back.

        Parameters
        ----------
        attempt : Attempt
        """
        with self._tx() as conn:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (attempt.user_key,))
            conn.execute("DELETE FROM login_failures WHERE rowid = ?", (attempt.client_row,))

    def reset(self, name: str) -> None:
        """Clear a user name's failures (after an administrator sets a new password).

        Parameters
        ----------
        name : str
        """
        with self._tx() as conn:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (failure_key(USER_KEY, name),))

    def failures(self, *, name: str | None = None, client: str | None = None) -> int:
        """Return the failures counted now for a user name or a client address.

        Parameters
        ----------
        name, client : str, optional
            Exactly one of them.

        Returns
        -------
        int
        """
        if name is not None:
            key = failure_key(USER_KEY, name)
        else:
            key = failure_key(CLIENT_KEY, client or "")
        with self._tx() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at > ?",
                (key, time.time() - self.window_s),
            ).fetchone()
        return int(row[0])
