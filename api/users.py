"""The service's users: roles, salted scrypt password hashes, kept in a small SQLite file."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from geo.errors import ParameterError, SettingsError, StoreError
from geo.store import is_database_url

logger = logging.getLogger(__name__)


class Role(StrEnum):
    """What a user may do.

    ``admin`` and ``planner`` see every thana and may upload data (``admin`` also reads the
    audit log); ``incharge`` sees only their own thana; ``analyst`` reads every thana but
    uploads nothing.
    """

    ADMIN = "admin"
    PLANNER = "planner"
    INCHARGE = "incharge"
    ANALYST = "analyst"


#: Roles that may upload data.
UPLOAD_ROLES: Final = (Role.ADMIN, Role.PLANNER)

#: scrypt cost (RFC 7914): N=2^14, r=8, p=1 uses 16 MiB and ~50 ms per hash, so a stolen
#: users file costs an attacker that much per guess. Stored with each hash, so it can grow.
SCRYPT_N: Final = 2**14
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
_SCRYPT_MAXMEM: Final = 64 * 1024 * 1024
_SALT_BYTES: Final = 16
_KEY_BYTES: Final = 32
#: Shortest password accepted.
MIN_PASSWORD_LENGTH: Final = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_SECRET_KEY: Final = "token_secret"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    thana TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class User:
    """A user of the service (never carries the password hash).

    Attributes
    ----------
    name : str
    role : Role
    thana : str or None
        The in-charge's thana; ``None`` for the other roles.
    created_at : str
        ISO 8601 UTC.
    """

    name: str
    role: Role
    thana: str | None
    created_at: str = ""

    @property
    def may_upload(self) -> bool:
        """Return whether the user may upload data."""
        return self.role in UPLOAD_ROLES

    @property
    def all_thanas(self) -> bool:
        """Return whether the user sees every thana (everyone but an in-charge)."""
        return self.role is not Role.INCHARGE


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Return a salted scrypt hash of ``password`` (``scrypt$N$r$p$salt$key``, base64).

    Parameters
    ----------
    password : str
    salt : bytes, optional
        Default: 16 random bytes.

    Returns
    -------
    str
    """
    salt = salt if salt is not None else secrets.token_bytes(_SALT_BYTES)
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_SCRYPT_MAXMEM,
        dklen=_KEY_BYTES,
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """Return whether ``password`` matches a hash made by :func:`hash_password`.

    Parameters
    ----------
    password : str
    encoded : str

    Returns
    -------
    bool
        ``False`` for a malformed hash too. The comparison takes constant time.
    """
    try:
        scheme, n, r, p, salt, key = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


#: Hash checked when the user does not exist, so that a wrong name costs as much as a wrong
#: password (no timing oracle for user names).
_DUMMY_HASH: Final = hash_password("not a password", salt=b"\x00" * _SALT_BYTES)


def generate_password() -> str:
    """Return a random password (16 URL-safe characters, ~96 bits)."""
    return secrets.token_urlsafe(12)


def default_users_path(store_location: str | Path) -> Path:
    """Return the users file beside a store: ``<store>.users.sqlite``.

    Parameters
    ----------
    store_location : str or Path

    Returns
    -------
    Path
    """
    path = Path(store_location)
    return path.with_name(path.name + ".users.sqlite")


def users_path(users_db: Path | None, store_location: str | Path) -> Path:
    """Return the users file of a deployment: ``SHAKTI_USERS_DB`` or beside the store.

    Parameters
    ----------
    users_db : Path or None
        The ``users_db`` setting.
    store_location : str or Path

    Returns
    -------
    Path

    Raises
    ------
    geo.errors.SettingsError
        When the store is a database URL and no users file is configured.
    """
    if users_db is not None:
        return Path(users_db)
    if is_database_url(store_location):
        raise SettingsError(
            "SHAKTI_USERS_DB is not set while the store is a database",
            why="the users file defaults to a file beside a GeoPackage store, and a database "
            "URL has no folder",
            fix="set SHAKTI_USERS_DB to the path of the users and audit file",
        )
    return default_users_path(store_location)


class UserStore:
    """Users, their password hashes and the token-signing secret, in one SQLite file.

    The file is created (mode 0600) when missing. The audit log (:mod:`api.audit`) lives in
    the same file. Safe to share between threads.

    Parameters
    ----------
    path : Path
        The SQLite file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if new:
                self.path.chmod(0o600)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open the users database {self.path}: {exc}",
                fix="check that the folder is writable, or set SHAKTI_USERS_DB",
            ) from exc

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def token_secret(self) -> bytes:
        """Return the token-signing secret kept in the file, creating it on first use.

        Returns
        -------
        bytes
            32 random bytes.
        """
        with self._tx() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (_SECRET_KEY,)).fetchone()
            if row is None:
                value = secrets.token_hex(32)
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (_SECRET_KEY, value))
            else:
                value = str(row[0])
        return bytes.fromhex(value)

    def add(
        self,
        name: str,
        role: Role | str,
        *,
        password: str,
        thana: str | None = None,
        known_thanas: Iterable[str] | None = None,
        replace: bool = False,
    ) -> User:
        """Add a user (or, with ``replace``, reset an existing one).

        Parameters
        ----------
        name : str
            Letters, digits and ``_ . @ -``, at most 64 characters.
        role : Role or str
        password : str
            At least :data:`MIN_PASSWORD_LENGTH` characters; stored only as a scrypt hash.
        thana : str, optional
            Required for an in-charge, refused for the other roles.
        known_thanas : iterable of str, optional
            The store's thana names; an in-charge's thana must be one of them.
        replace : bool, default False
            Overwrite a user of the same name.

        Returns
        -------
        User

        Raises
        ------
        geo.errors.ParameterError
            For a bad name, role, password or thana, or an existing user without ``replace``.
        """
        if not _NAME.fullmatch(name):
            raise ParameterError(
                f"user name {name!r} is not allowed",
                fix="use letters, digits and _ . @ - (at most 64 characters)",
            )
        try:
            role = Role(role)
        except ValueError:
            raise ParameterError(
                f"unknown role {role!r}", fix="use one of " + ", ".join(r.value for r in Role)
            ) from None
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ParameterError(
                f"the password is shorter than {MIN_PASSWORD_LENGTH} characters",
                fix="choose a longer one, or leave --password out to get a generated one",
            )
        if role is Role.INCHARGE:
            if not thana:
                raise ParameterError(
                    "an in-charge needs a thana",
                    why="an in-charge sees only their own thana",
                    fix="give --thana with the thana's name as the store spells it",
                )
            if known_thanas is not None:
                names = sorted(set(known_thanas))
                if thana not in names:
                    raise ParameterError(
                        f"thana {thana!r} is not in the store",
                        why="the store's thanas include: " + ", ".join(names[:8]) + ", …",
                        fix="spell the thana exactly as the thana layer does",
                    )
        elif thana:
            raise ParameterError(
                f"a {role.value} sees every thana; --thana is only for an in-charge",
                fix="leave --thana out",
            )
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        encoded = hash_password(password)
        with self._tx() as conn:
            exists = conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise ParameterError(
                    f"user {name!r} already exists", fix="choose another name or use --replace"
                )
            conn.execute(
                "INSERT OR REPLACE INTO users (name, role, thana, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, role.value, thana if role is Role.INCHARGE else None, encoded, created),
            )
        logger.info("user %s (%s) %s", name, role.value, "reset" if exists else "added")
        return User(name, role, thana if role is Role.INCHARGE else None, created)

    def get(self, name: str) -> User | None:
        """Return the user called ``name``, or ``None``.

        Parameters
        ----------
        name : str

        Returns
        -------
        User or None
        """
        with self._lock:
            row = self._conn.execute(
                "SELECT name, role, thana, created_at FROM users WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            return None
        return User(str(row[0]), Role(row[1]), row[2], str(row[3]))

    def authenticate(self, name: str, password: str) -> User | None:
        """Return the user when ``password`` is theirs, else ``None`` (same cost either way).

        Parameters
        ----------
        name, password : str

        Returns
        -------
        User or None
        """
        with self._lock:
            row = self._conn.execute(
                "SELECT password_hash FROM users WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            verify_password(password, _DUMMY_HASH)
            return None
        if not verify_password(password, str(row[0])):
            return None
        return self.get(name)

    def list_users(self) -> list[User]:
        """Return every user, by name.

        Returns
        -------
        list of User
        """
        with self._lock:
            rows = self._conn.execute(
                "SELECT name, role, thana, created_at FROM users ORDER BY name"
            ).fetchall()
        return [User(str(r[0]), Role(r[1]), r[2], str(r[3])) for r in rows]
