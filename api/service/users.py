"""The service's users: roles, salted scrypt password hashes, kept in a small SQLite file."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from geo.errors import ParameterError, SettingsError, StoreError
from geo.i18n import Lang, parse_lang
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
#: Longest user name.
MAX_NAME_LENGTH: Final = 64
#: Pattern of a user name (also used by the API's path parameters).
NAME_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"
_NAME = re.compile(NAME_PATTERN)
_SECRET_KEY: Final = "token_secret"
#: Bits of a session stamp (see :attr:`User.token_version`).
_STAMP_BITS: Final = 62

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    thana TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    token_version INTEGER NOT NULL DEFAULT 0,
    lang TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
#: Columns added after the first release: ``ALTER TABLE`` adds them to older files.
_ADDED_COLUMNS: Final = (
    ("disabled", "INTEGER NOT NULL DEFAULT 0"),
    ("token_version", "INTEGER NOT NULL DEFAULT 0"),
    ("lang", "TEXT"),
)
_COLUMNS: Final = "name, role, thana, created_at, disabled, token_version, lang"


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
    disabled : bool
        A disabled user cannot log in and their tokens are refused.
    token_version : int
        The user's session stamp, carried in every token issued to them (claim ``ver``). It is
        replaced by a new random value on logout and on every change to the user (password,
        role, thana, disabled), which ends every token issued before. Random rather than a
        counter, so that a removed and re-added name never revives the old name's tokens.
        Not part of equality.
    lang : {"hi", "en"} or None
        The language the user chose for the page and the service's texts (``None``: no
        choice; the browser's ``Accept-Language`` or the setting decides). Not part of equality.
    """

    name: str
    role: Role
    thana: str | None
    created_at: str = ""
    disabled: bool = False
    token_version: int = field(default=0, compare=False, repr=False)
    lang: Lang | None = field(default=None, compare=False)

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


@functools.cache
def _dummy_hash() -> str:
    """Return the hash checked when the user does not exist (made once, on first use).

    A wrong name then costs as much as a wrong password (no timing oracle for user names). It
    is not made at import (scrypt takes ~0.05 s, which every ``shakti`` command would pay) but
    when a :class:`UserStore` opens.
    """
    return hash_password("not a password", salt=b"\x00" * _SALT_BYTES)


def _new_stamp() -> int:
    return secrets.randbits(_STAMP_BITS)


def _user(row: tuple[Any, ...]) -> User:
    """Return the user of a row of :data:`_COLUMNS`."""
    return User(
        name=str(row[0]),
        role=Role(str(row[1])),
        thana=None if row[2] is None else str(row[2]),
        created_at=str(row[3]),
        disabled=bool(row[4]),
        token_version=int(row[5]),
        lang=_saved_lang(row[6]),
    )


def _saved_lang(value: object) -> Lang | None:
    """Return a stored language (``None`` for none, or a value this version does not speak)."""
    if value is None:
        return None
    try:
        return parse_lang(str(value))
    except ParameterError:
        return None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ParameterError(
            f"the password is shorter than {MIN_PASSWORD_LENGTH} characters",
            fix="choose a longer one, or leave --password out to get a generated one",
        )


def _check_role_thana(
    role: Role | str, thana: str | None, known_thanas: Iterable[str] | None
) -> tuple[Role, str | None]:
    """Return the role and thana of a user, checked: only an in-charge has (and needs) one."""
    try:
        role = Role(role)
    except ValueError:
        raise ParameterError(
            f"unknown role {role!r}", fix="use one of " + ", ".join(r.value for r in Role)
        ) from None
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
        return role, thana
    if thana:
        raise ParameterError(
            f"a {role.value} sees every thana; --thana is only for an in-charge",
            fix="leave --thana out",
        )
    return role, None


def _unknown(name: str) -> ParameterError:
    return ParameterError(
        f"user {name!r} does not exist", fix="check the spelling with 'shakti users list'"
    )


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

    The file is created (mode 0600) when missing, and columns added by later versions
    (``disabled``, ``token_version``) are added to an older file when it is opened. The audit
    log (:mod:`api.service.audit`) and the login throttle (:mod:`api.service.throttle`) live in
    the same file.
    Safe to share between threads; several processes may share the file.

    Every change to a user (password, role, thana, disabled) replaces their session stamp
    (:attr:`User.token_version`), so tokens issued before stop working at once.

    Parameters
    ----------
    path : Path
        The SQLite file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        _dummy_hash()  # made before the first login, so that no login pays for it
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if new:
                self.path.chmod(0o600)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open the users database {self.path}: {exc}",
                fix="check that the folder is writable, or set SHAKTI_USERS_DB",
            ) from exc

    def _migrate(self) -> None:
        """Add the columns an older users file lacks (one transaction: workers may race)."""
        with self._tx() as conn:
            present = {str(row[1]) for row in conn.execute("PRAGMA table_info(users)")}
            for column, definition in _ADDED_COLUMNS:
                if column not in present:
                    conn.execute(f"ALTER TABLE users ADD COLUMN {column} {definition}")
                    logger.info("users file %s: column %s added", self.path, column)

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
        """Add a user (or, with ``replace``, reset an existing one and end their sessions).

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
            Overwrite the role, thana and password of a user of the same name (a disabled
            user stays disabled).

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
        role, thana = _check_role_thana(role, thana, known_thanas)
        _check_password(password)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        encoded = hash_password(password)
        stamp = _new_stamp()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT disabled, lang FROM users WHERE name = ?", (name,)
            ).fetchone()
            if row is not None and not replace:
                raise ParameterError(
                    f"user {name!r} already exists", fix="choose another name or use --replace"
                )
            if row is None:
                conn.execute(
                    "INSERT INTO users (name, role, thana, password_hash, created_at, disabled, "
                    "token_version) VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (name, role.value, thana, encoded, created, stamp),
                )
            else:
                conn.execute(
                    "UPDATE users SET role = ?, thana = ?, password_hash = ?, created_at = ?, "
                    "token_version = ? WHERE name = ?",
                    (role.value, thana, encoded, created, stamp, name),
                )
        logger.info("user %s (%s) %s", name, role.value, "reset" if row else "added")
        disabled = bool(row[0]) if row is not None else False
        lang = _saved_lang(row[1]) if row is not None else None
        return User(name, role, thana, created, disabled=disabled, token_version=stamp, lang=lang)

    def update(
        self,
        name: str,
        *,
        role: Role | str | None = None,
        thana: str | None = None,
        disabled: bool | None = None,
        known_thanas: Iterable[str] | None = None,
    ) -> User:
        """Change a user's role, thana or disabled flag; any change ends their sessions.

        Parameters
        ----------
        name : str
        role : Role or str, optional
            The new role (default: unchanged). A role other than in-charge drops the thana.
        thana : str, optional
            The new thana of an in-charge (default: unchanged).
        disabled : bool, optional
            Disable (``True``) or enable (``False``) the user (default: unchanged).
        known_thanas : iterable of str, optional
            The store's thana names; a new thana must be one of them.

        Returns
        -------
        User
            As stored afterwards.

        Raises
        ------
        geo.errors.ParameterError
            For an unknown user, a bad role, or a thana that does not suit the role.
        """
        with self._tx() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise _unknown(name)
            current = _user(row)
            wanted = Role(role) if isinstance(role, Role) else role or current.role
            keep = thana is None and wanted == Role.INCHARGE
            new_role, new_thana = _check_role_thana(
                wanted,
                current.thana if keep else thana,
                None if thana is None or thana == current.thana else known_thanas,
            )
            new_disabled = current.disabled if disabled is None else bool(disabled)
            if (new_role, new_thana, new_disabled) == (
                current.role,
                current.thana,
                current.disabled,
            ):
                return current
            stamp = _new_stamp()
            conn.execute(
                "UPDATE users SET role = ?, thana = ?, disabled = ?, token_version = ? "
                "WHERE name = ?",
                (new_role.value, new_thana, int(new_disabled), stamp, name),
            )
        logger.info("user %s changed (sessions ended)", name)
        return User(
            name,
            new_role,
            new_thana,
            current.created_at,
            new_disabled,
            token_version=stamp,
            lang=current.lang,
        )

    def set_lang(self, name: str, lang: str | None) -> User:
        """Save the language a user chose (``None`` forgets it); their sessions go on.

        Parameters
        ----------
        name : str
        lang : str or None
            Anything :func:`geo.i18n.parse_lang` reads (``"hi"``, ``"en"``), or ``None``.

        Returns
        -------
        User
            As stored afterwards.

        Raises
        ------
        geo.errors.ParameterError
            For an unknown user or language.
        """
        chosen = None if lang is None else parse_lang(lang)
        user = self._changed(name, self._set(name, "lang = ?", chosen))
        logger.info("user %s: language %s", name, chosen or "(not chosen)")
        return user

    def disable(self, name: str) -> User:
        """Disable a user: they cannot log in and their tokens stop working.

        Parameters
        ----------
        name : str

        Returns
        -------
        User
        """
        return self.update(name, disabled=True)

    def enable(self, name: str) -> User:
        """Enable a disabled user again (they log in anew; old tokens stay ended).

        Parameters and return value are those of :meth:`disable`.
        """
        return self.update(name, disabled=False)

    def set_password(self, name: str, password: str) -> User:
        """Set a user's password and end their sessions.

        Parameters
        ----------
        name : str
        password : str
            At least :data:`MIN_PASSWORD_LENGTH` characters.

        Returns
        -------
        User

        Raises
        ------
        geo.errors.ParameterError
            For an unknown user or a short password.
        """
        _check_password(password)
        encoded = hash_password(password)
        changed = self._set(name, "password_hash = ?, token_version = ?", encoded, _new_stamp())
        user = self._changed(name, changed)
        logger.info("user %s: password set (sessions ended)", name)
        return user

    def _set(self, name: str, assignments: str, *values: object) -> int:
        """Run ``UPDATE users SET <assignments> WHERE name = ?``; return the rows changed.

        ``assignments`` is this module's own SQL (``"lang = ?"``); ``values`` fill its ``?``.
        """
        with self._tx() as conn:
            sql = f"UPDATE users SET {assignments} WHERE name = ?"
            return int(conn.execute(sql, (*values, name)).rowcount)

    def _changed(self, name: str, changed: int) -> User:
        """Return the user an update changed ``changed`` rows of, as stored afterwards.

        Raises
        ------
        geo.errors.ParameterError
            When no row changed (an unknown user) or the user was removed in between.
        """
        user = self.get(name) if changed else None
        if user is None:
            raise _unknown(name)
        return user

    def end_sessions(self, name: str) -> bool:
        """End every token issued to a user (log out everywhere).

        Parameters
        ----------
        name : str

        Returns
        -------
        bool
            Whether the user exists.
        """
        return bool(self._set(name, "token_version = ?", _new_stamp()))

    def remove(self, name: str) -> None:
        """Remove a user (their tokens stop working at once).

        Parameters
        ----------
        name : str

        Raises
        ------
        geo.errors.ParameterError
            For an unknown user.
        """
        with self._tx() as conn:
            removed = conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount
        if not removed:
            raise _unknown(name)
        logger.info("user %s removed", name)

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
                f"SELECT {_COLUMNS} FROM users WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else _user(row)

    def authenticate(self, name: str, password: str) -> User | None:
        """Return the user when ``password`` is theirs and they are enabled, else ``None``.

        An unknown name, a wrong password and a disabled user cost the same scrypt hash.

        Parameters
        ----------
        name, password : str

        Returns
        -------
        User or None
        """
        with self._lock:
            row = self._conn.execute(
                "SELECT password_hash, disabled FROM users WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            verify_password(password, _dummy_hash())
            return None
        if not verify_password(password, str(row[0])) or row[1]:
            return None
        user = self.get(name)
        return None if user is None or user.disabled else user

    def list_users(self) -> list[User]:
        """Return every user, by name.

        Returns
        -------
        list of User
        """
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()
        return [_user(r) for r in rows]
