"""``/users``: administrators list, create, change, disable, reset and remove users."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import OWN_THANA, Env

PASSWORD = "managed-password-1"


def _call(env: Env, method: str, url: str, user: str | None = "admin", **kwargs: Any) -> Any:
    headers = env.headers(user) if user else {}
    return env.client.request(method, url, headers=headers, **kwargs)


def _create(env: Env, name: str, role: str = "analyst", **extra: Any) -> Any:
    if env.state.users.get(name) is not None:
        env.state.users.remove(name)
    body = {"name": name, "role": role, "password": PASSWORD, **extra}
    response = _call(env, "POST", "/users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _login(env: Env, name: str, password: str = PASSWORD) -> Any:
    response = env.client.post("/auth/token", data={"username": name, "password": password})
    env.client.cookies.clear()
    return response


def _token(env: Env, name: str, password: str = PASSWORD) -> dict[str, str]:
    response = _login(env, name, password)
    assert response.status_code == 200, response.text
    return {"Authorization": "Bearer " + response.json()["access_token"]}


ROUTES = [
    ("GET", "/users", None),
    ("POST", "/users", {"name": "x-user", "role": "analyst"}),
    ("PATCH", "/users/analyst", {"disabled": True}),
    ("POST", "/users/analyst/password", {}),
    ("DELETE", "/users/analyst", None),
]


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_users_routes_are_for_admins(
    env: Env, method: str, url: str, body: dict[str, Any] | None
) -> None:
    assert _call(env, method, url, None, json=body).status_code == 401
    for user in ("planner", "analyst", "lanka"):
        response = _call(env, method, url, user, json=body)
        assert response.status_code == 403, (user, response.text)
    assert env.state.users.get("analyst") is not None  # nothing happened
    assert env.state.users.get("x-user") is None


def test_list_shows_roles_thanas_and_status(env: Env) -> None:
    rows = {row["name"]: row for row in _call(env, "GET", "/users").json()}
    assert rows["lanka"]["role"] == "incharge" and rows["lanka"]["thana"] == OWN_THANA
    assert rows["admin"]["disabled"] is False and rows["admin"]["created_at"]
    assert not any("password" in key for row in rows.values() for key in row)


def test_create_returns_a_generated_password_once(env: Env) -> None:
    response = _call(env, "POST", "/users", json={"name": "newbie", "role": "planner"})
    assert response.status_code == 201
    body = response.json()
    assert body["user"] == {
        "name": "newbie",
        "role": "planner",
        "thana": None,
        "disabled": False,
        "created_at": body["user"]["created_at"],
    }
    password = body["password"]
    assert isinstance(password, str) and len(password) >= 10
    assert response.headers["cache-control"] == "no-store"
    assert _login(env, "newbie", password).status_code == 200
    assert password not in _call(env, "GET", "/users").text
    given = _create(env, "chosen", "incharge", thana=OWN_THANA)
    assert given["password"] is None and given["user"]["thana"] == OWN_THANA


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "admin", "role": "analyst"}, "already exists"),
        ({"name": "io", "role": "incharge"}, "needs a thana"),
        ({"name": "io", "role": "incharge", "thana": "Atlantis"}, "not in the store"),
        ({"name": "io", "role": "planner", "thana": OWN_THANA}, "only for an in-charge"),
        ({"name": "bad name!", "role": "analyst"}, "pattern"),
        ({"name": "io", "role": "boss"}, "role"),
        ({"name": "io", "role": "analyst", "password": "short"}, "password"),
        ({"name": "io", "role": "analyst", "is_admin": True}, "is_admin"),
    ],
)
def test_bad_new_users_are_422(env: Env, body: dict[str, Any], message: str) -> None:
    response = _call(env, "POST", "/users", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.text
    assert env.state.users.get("io") is None


def test_disable_and_enable(env: Env) -> None:
    _create(env, "pausable")
    headers = _token(env, "pausable")
    response = _call(env, "PATCH", "/users/pausable", json={"disabled": True})
    assert response.status_code == 200 and response.json()["disabled"] is True
    assert env.client.get("/auth/me", headers=headers).status_code == 401
    assert _login(env, "pausable").status_code == 401
    response = _call(env, "PATCH", "/users/pausable", json={"disabled": False})
    assert response.json()["disabled"] is False
    assert env.client.get("/auth/me", headers=headers).status_code == 401  # stays ended
    assert _login(env, "pausable").status_code == 200


def test_change_role_and_thana(env: Env) -> None:
    _create(env, "mover")
    headers = _token(env, "mover")
    response = _call(env, "PATCH", "/users/mover", json={"role": "incharge", "thana": OWN_THANA})
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "incharge" and response.json()["thana"] == OWN_THANA
    assert env.client.get("/auth/me", headers=headers).status_code == 401
    response = _call(env, "PATCH", "/users/mover", json={"role": "analyst"})
    assert response.json()["thana"] is None  # only an in-charge has a thana
    bad = _call(env, "PATCH", "/users/mover", json={"thana": "Atlantis"})
    assert bad.status_code == 422


def test_reset_password(env: Env) -> None:
    _create(env, "amnesiac")
    headers = _token(env, "amnesiac")
    for _ in range(env.settings.login_max_failures):
        _login(env, "amnesiac", "wrong-password!")
    assert _login(env, "amnesiac").status_code == 429
    response = _call(env, "POST", "/users/amnesiac/password")
    assert response.status_code == 200, response.text
    password = response.json()["password"]
    assert env.client.get("/auth/me", headers=headers).status_code == 401
    assert _login(env, "amnesiac", PASSWORD).status_code == 401  # the old one is gone
    assert _login(env, "amnesiac", password).status_code == 200  # and the lockout cleared
    chosen = _call(env, "POST", "/users/amnesiac/password", json={"password": "chosen-pass-12"})
    assert chosen.json()["password"] is None
    assert _login(env, "amnesiac", "chosen-pass-12").status_code == 200
    short = _call(env, "POST", "/users/amnesiac/password", json={"password": "short"})
    assert short.status_code == 422


def test_remove(env: Env) -> None:
    _create(env, "goner")
    headers = _token(env, "goner")
    assert _call(env, "DELETE", "/users/goner").status_code == 204
    assert env.client.get("/auth/me", headers=headers).status_code == 401
    assert _login(env, "goner").status_code == 401
    again = _call(env, "DELETE", "/users/goner")
    assert again.status_code == 404 and again.json()["field"] == "name"


@pytest.mark.parametrize(
    ("method", "url", "body", "word"),
    [
        ("PATCH", "/users/admin", {"disabled": True}, "disable"),
        ("PATCH", "/users/admin", {"role": "planner"}, "demote"),
        ("DELETE", "/users/admin", None, "remove"),
    ],
)
def test_an_admin_cannot_lock_themselves_out(
    env: Env, method: str, url: str, body: dict[str, Any] | None, word: str
) -> None:
    response = _call(env, method, url, json=body)
    assert response.status_code == 422
    problem = response.json()
    assert f"may not {word} their own account" in problem["detail"]
    assert "another administrator" in problem["fix"]
    me = env.get("/auth/me", "admin")
    assert me.status_code == 200 and me.json()["role"] == "admin"


@pytest.mark.parametrize(
    ("method", "url"),
    [("PATCH", "/users/ghost"), ("POST", "/users/ghost/password"), ("DELETE", "/users/ghost")],
)
def test_unknown_users_are_404(env: Env, method: str, url: str) -> None:
    body = {"disabled": True} if method == "PATCH" else None
    response = _call(env, method, url, json=body)
    assert response.status_code == 404 and "does not exist" in response.json()["detail"]


def test_changes_are_audited_without_passwords(env: Env) -> None:
    _create(env, "audited-one")
    _call(env, "PATCH", "/users/audited-one", json={"disabled": True})
    _call(env, "POST", "/users/audited-one/password", json={"password": "secret-password-77"})
    entries = env.get("/audit?who=admin&limit=50", "admin").json()
    patch = next(e for e in entries if e["method"] == "PATCH")
    assert patch["route"] == "/users/{name}" and patch["params"]["name"] == "audited-one"
    assert patch["params"]["changed"] == ["disabled"] and patch["outcome"] == "ok"
    created = next(e for e in entries if e["route"] == "/users" and e["method"] == "POST")
    assert created["params"]["name"] == "audited-one"
    assert "secret-password-77" not in str(entries) and PASSWORD not in str(entries)
