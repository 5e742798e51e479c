"""Revocable sessions and strict tokens: logout and every change end tokens; lifetimes capped."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli.service  # noqa: F401  (registers the users commands)
from api.cli.common import app as cli
from api.service.auth import MAX_LIFETIME_S, VERSION_CLAIM, issue_token, verify_token
from api.service.errors import AuthenticationError
from api.service.users import Role, User, UserStore, hash_password
from tests.api.conftest import Env

PASSWORD = "session-password-1"
runner = CliRunner()


def _login(env: Env, name: str, password: str = PASSWORD) -> str:
    response = env.client.post("/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    env.client.cookies.clear()
    return str(response.json()["access_token"])


def _me(env: Env, token: str) -> int:
    return int(env.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code)


def _fresh(env: Env, name: str, role: Role = Role.ANALYST) -> str:
    if env.state.users.get(name) is not None:
        env.state.users.remove(name)
    env.state.users.add(name, role, password=PASSWORD)
    return _login(env, name)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_logout_ends_the_token(env: Env) -> None:
    token = _fresh(env, "leaver")
    other_tab = _login(env, "leaver")
    assert _me(env, token) == 200
    response = env.client.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert _me(env, token) == 401  # before: 200 for up to 8 hours
    assert _me(env, other_tab) == 401  # logout ends every session of the user
    body = env.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert "ended" in body["detail"] and "log in again" in body["fix"]
    assert _me(env, _login(env, "leaver")) == 200


def test_logout_without_a_valid_token_only_forgets_the_cookie(env: Env) -> None:
    token = _fresh(env, "stayer")
    for headers in ({}, {"Authorization": "Bearer a.b.c"}):
        assert env.client.post("/auth/logout", headers=headers).status_code == 204
    assert _me(env, token) == 200


def test_password_reset_with_cli_replace_ends_the_token(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.settings import get_settings

    monkeypatch.delenv("SHAKTI_USERS_DB", raising=False)
    get_settings.cache_clear()
    token = _fresh(env, "resetme")
    store = env.folder / "store.gpkg"
    result = runner.invoke(
        cli,
        ["users", "add", "resetme", "--role", "analyst", "--replace",
         "--password", "another-password-2", "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _me(env, token) == 401  # before: 200
    assert _me(env, _login(env, "resetme", "another-password-2")) == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda users: users.set_password("changed", "a-new-password-9"),
        lambda users: users.update("changed", role=Role.PLANNER),
        lambda users: users.update("changed", role=Role.INCHARGE, thana="Lanka"),
        lambda users: users.disable("changed"),
        lambda users: users.remove("changed"),
    ],
    ids=["password", "role", "thana", "disable", "remove"],
)
def test_every_change_to_a_user_ends_their_tokens(env: Env, change: object) -> None:
    token = _fresh(env, "changed")
    assert _me(env, token) == 200
    change(env.state.users)  # type: ignore[operator]
    assert _me(env, token) == 401


def test_a_removed_and_re_added_name_does_not_revive_old_tokens(env: Env) -> None:
    token = _fresh(env, "phoenix")
    env.state.users.remove("phoenix")
    env.state.users.add("phoenix", Role.ANALYST, password=PASSWORD)
    assert _me(env, token) == 401


def test_a_ten_year_token_is_refused(env: Env) -> None:
    user = env.state.users.get("analyst")
    ten_years = 10 * 365 * 24 * 3600
    forged = issue_token(user, secret=env.state.secret, lifetime_s=ten_years, now=time.time())
    response = env.client.get("/auth/me", headers={"Authorization": f"Bearer {forged.value}"})
    assert response.status_code == 401  # before: 200 for ten years
    assert "longer than the service allows" in response.json()["detail"]
    # issued long ago with a far expiry: refused too
    old = issue_token(user, secret=env.state.secret, lifetime_s=ten_years, now=time.time() - 9e5)
    assert _me(env, old.value) == 401
    allowed = issue_token(
        user, secret=env.state.secret, lifetime_s=env.settings.token_minutes * 60, now=time.time()
    )
    assert _me(env, allowed.value) == 200


def test_token_lifetime_unit() -> None:
    user = User("u", Role.ANALYST, None)
    token = issue_token(user, secret=b"k" * 32, lifetime_s=7200, now=1_000_000)
    assert verify_token(token.value, secret=b"k" * 32, now=1_000_001, max_lifetime_s=7200)
    with pytest.raises(AuthenticationError, match="longer than the service allows"):
        verify_token(token.value, secret=b"k" * 32, now=1_000_001, max_lifetime_s=3600)
    long = issue_token(user, secret=b"k" * 32, lifetime_s=MAX_LIFETIME_S + 1, now=1_000_000)
    with pytest.raises(AuthenticationError, match="longer than the service allows"):
        verify_token(long.value, secret=b"k" * 32, now=1_000_001)


def _variants(token: str) -> list[str]:
    """Spellings of a valid token that decode to the same bytes (non-canonical base64url)."""
    head, body, sig = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # 32 signature bytes = 43 characters; the last one's 2 low bits are unused
    last = alphabet[alphabet.index(sig[-1]) ^ 1]
    assert base64.urlsafe_b64decode(sig[:-1] + last + "=") == base64.urlsafe_b64decode(sig + "=")
    return [
        f"{head}.{body}.{sig[:-1]}{last}",  # stray trailing bits
        f"{head}.{body}.{sig}=",  # padding
        f"{head}.{body}={'=' * (-len(body) % 4)}.{sig}",  # padding in the payload
        f"{head}.{body}.{sig[:20]}\n{sig[20:]}",  # whitespace
        f"{head}.{body}.{sig.replace('-', '+').replace('_', '/')}",  # standard alphabet
    ]


def test_non_canonical_base64_is_refused(env: Env) -> None:
    token = _fresh(env, "canonical")
    assert _me(env, token) == 200
    for variant in _variants(token):
        if variant == token:
            continue
        assert _me(env, variant) == 401, variant  # before: 200 (same signature bytes)
    with pytest.raises(AuthenticationError, match="malformed"):
        verify_token(_variants(token)[0], secret=env.state.secret, now=time.time())


def test_a_token_without_session_stamp_is_refused(env: Env) -> None:
    """A token signed before this change (no ``ver`` claim) no longer works."""
    now = int(time.time())
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": "analyst", "role": "analyst", "iat": now, "exp": now + 600}
    payload = _b64(json.dumps(claims).encode())
    signature = _b64(
        hmac.new(env.state.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    )
    assert _me(env, f"{header}.{payload}.{signature}") == 401
    assert VERSION_CLAIM not in claims


def test_disabled_users_cannot_log_in_and_cost_the_same_hash(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(env, "sleeper")
    env.state.users.disable("sleeper")
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "scrypt", counting)
    response = env.client.post("/auth/token", data={"username": "sleeper", "password": PASSWORD})
    assert response.status_code == 401 and calls == [1]
    assert response.json()["detail"] == "wrong user name or password"
    env.state.users.enable("sleeper")
    assert _me(env, _login(env, "sleeper")) == 200


def test_an_old_users_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, thana TEXT, "
            "password_hash TEXT NOT NULL, created_at TEXT NOT NULL);"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        conn.execute(
            "INSERT INTO users VALUES ('old', 'planner', NULL, ?, '2025-01-01T00:00:00+00:00')",
            (hash_password("old long password"),),
        )
    users = UserStore(path)
    user = users.authenticate("old", "old long password")
    assert user is not None and user.disabled is False and user.token_version == 0
    users.disable("old")
    assert users.get("old").disabled is True  # type: ignore[union-attr]
    users.close()
    again = UserStore(path)  # opening twice adds nothing twice
    assert [u.name for u in again.list_users()] == ["old"]
    again.close()
