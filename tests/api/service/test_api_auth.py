"""Logging in, bearer tokens (signature, expiry), the map cookie, password hashing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.service.app import create_app
from api.service.auth import MAP_COOKIE, issue_token, verify_token
from api.service.errors import AuthenticationError
from api.service.users import Role, User, UserStore, hash_password, verify_password
from geo.errors import ParameterError, SettingsError
from tests.api.conftest import PASSWORDS, Env, settings_for


def test_login_returns_a_bearer_token_and_the_map_cookie(env: Env) -> None:
    response = env.client.post(
        "/auth/token", data={"username": "planner", "password": PASSWORDS["planner"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == env.settings.token_minutes * 60
    assert body["user"] == {"name": "planner", "role": "planner", "thana": None}
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(MAP_COOKIE + "=")
    assert "HttpOnly" in cookie and "Path=/maps" in cookie and "SameSite=strict" in cookie
    env.client.cookies.clear()


@pytest.mark.parametrize(
    ("username", "password"), [("planner", "wrong-password!"), ("nobody", "whatever-pass")]
)
def test_wrong_credentials_are_401_problems(env: Env, username: str, password: str) -> None:
    response = env.client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "wrong user name or password"


def test_me_describes_the_user(env: Env) -> None:
    body = env.get("/auth/me", "lanka").json()
    assert body["role"] == "incharge" and body["thana"] == "Lanka"
    assert body["may_upload"] is False and body["all_thanas"] is False
    assert body["categories"] == list(env.settings.categories)
    assert env.get("/auth/me", "admin").json()["may_upload"] is True


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-token", "Bearer a.b.c", "Basic dXNlcjpwYXNz"],
)
def test_missing_or_malformed_tokens_are_401(env: Env, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = env.client.get("/hotspots", headers=headers)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_expired_token_is_401(env: Env) -> None:
    user = env.state.users.get("planner")
    lifetime = 60
    old = issue_token(user, secret=env.state.secret, lifetime_s=lifetime, now=time.time() - 61)
    response = env.client.get("/datasets", headers={"Authorization": f"Bearer {old.value}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    fresh = issue_token(user, secret=env.state.secret, lifetime_s=lifetime, now=time.time())
    ok = env.client.get("/datasets", headers={"Authorization": f"Bearer {fresh.value}"})
    assert ok.status_code == 200


def test_token_of_another_key_or_tampered_is_401(env: Env) -> None:
    user = env.state.users.get("lanka")
    forged = issue_token(user, secret=b"x" * 32, lifetime_s=600, now=time.time())
    response = env.client.get("/datasets", headers={"Authorization": f"Bearer {forged.value}"})
    assert response.status_code == 401
    # an in-charge editing their token into an admin one breaks the signature
    head, body, sig = env.tokens["lanka"].split(".")
    tampered = f"{head}.{body[:-2]}AA.{sig}"
    response = env.client.get("/audit", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401


def test_tokens_unit() -> None:
    user = User("u", Role.ANALYST, None)
    token = issue_token(user, secret=b"k" * 32, lifetime_s=100, now=1_000_000)
    claims = verify_token(token.value, secret=b"k" * 32, now=1_000_050)
    assert claims.subject == "u" and claims.expires_at == 1_000_100 == token.expires_at
    with pytest.raises(AuthenticationError, match="expired"):
        verify_token(token.value, secret=b"k" * 32, now=1_000_100)
    with pytest.raises(AuthenticationError, match="not validly signed"):
        verify_token(token.value, secret=b"j" * 32, now=1_000_050)
    with pytest.raises(AuthenticationError, match="not yet valid"):
        verify_token(token.value, secret=b"k" * 32, now=999_000)


def test_deleted_user_token_is_401(env: Env, tmp_path: Path) -> None:
    user = User("ghost", Role.ADMIN, None)
    token = issue_token(user, secret=env.state.secret, lifetime_s=600, now=time.time())
    response = env.client.get("/audit", headers={"Authorization": f"Bearer {token.value}"})
    assert response.status_code == 401
    assert "no longer exists" in response.json()["detail"]


def test_logout_deletes_the_map_cookie(env: Env) -> None:
    response = env.client.post("/auth/logout")
    assert response.status_code == 204
    assert MAP_COOKIE in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]


def test_passwords_are_salted_slow_hashes(tmp_path: Path) -> None:
    one, two = hash_password("same password"), hash_password("same password")
    assert one != two and one.startswith("scrypt$16384$8$1$")
    assert verify_password("same password", one) and not verify_password("Same password", one)
    assert not verify_password("x", "not-a-hash")
    users = UserStore(tmp_path / "u.sqlite")
    users.add("a", Role.ANALYST, password="long enough password")
    raw = (tmp_path / "u.sqlite").read_bytes()
    assert b"long enough password" not in raw
    assert (tmp_path / "u.sqlite").stat().st_mode & 0o077 == 0
    assert users.authenticate("a", "long enough password") == users.get("a")
    assert users.authenticate("a", "wrong password!") is None
    users.close()


@pytest.mark.parametrize(
    ("name", "role", "password", "thana", "message"),
    [
        ("bad name!", "analyst", "long enough password", None, "not allowed"),
        ("a", "boss", "long enough password", None, "unknown role"),
        ("a", "analyst", "short", None, "shorter"),
        ("a", "incharge", "long enough password", None, "needs a thana"),
        ("a", "incharge", "long enough password", "Atlantis", "not in the store"),
        ("a", "planner", "long enough password", "Lanka", "only for an in-charge"),
    ],
)
def test_bad_users_are_refused(
    tmp_path: Path, name: str, role: str, password: str, thana: str | None, message: str
) -> None:
    users = UserStore(tmp_path / "u.sqlite")
    with pytest.raises(ParameterError, match=message):
        users.add(name, role, password=password, thana=thana, known_thanas=["Lanka"])
    users.close()


def test_duplicate_user_needs_replace(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "u.sqlite")
    users.add("a", Role.ANALYST, password="long enough password")
    with pytest.raises(ParameterError, match="already exists"):
        users.add("a", Role.ADMIN, password="long enough password")
    users.add("a", Role.ADMIN, password="another long password", replace=True)
    assert users.get("a") == User("a", Role.ADMIN, None, users.get("a").created_at)  # type: ignore[union-attr]
    users.close()


def test_secret_key_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="shorter"):
        create_app(settings_for(tmp_path, secret_key="short"))
    key = "k" * 40
    app = create_app(settings_for(tmp_path, secret_key=key))
    assert app.state.service.secret == key.encode()
    # without a key, one is generated once and kept in the users file
    a = create_app(settings_for(tmp_path / "b")).state.service.secret
    b = create_app(settings_for(tmp_path / "b")).state.service.secret
    assert a == b and len(a) == 32
