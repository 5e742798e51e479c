"""Login throttling: per user name and per client address, before any hashing, shared by workers."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.service.throttle
from api.service.errors import TooManyRequestsError
from api.service.throttle import LoginThrottle
from api.service.users import Role
from tests.api.conftest import Env

PASSWORD = "throttle-password-1"
WRONG = "not-the-password"


@pytest.fixture
def client_at(env: Env) -> Iterator[Callable[[str], TestClient]]:
    """Return clients of the module's app seen from a given address."""
    made: list[TestClient] = []

    def make(host: str) -> TestClient:
        client = TestClient(env.client.app, client=(host, 50000))
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the scrypt hashes computed."""
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def _user(env: Env, name: str) -> None:
    if env.state.users.get(name) is None:
        env.state.users.add(name, Role.ANALYST, password=PASSWORD)


def _login(client: TestClient, name: str, password: str) -> Any:
    return client.post("/auth/token", data={"username": name, "password": password})


def test_thirty_wrong_passwords_are_throttled(
    env: Env, client_at: Callable[[str], TestClient], scrypt_calls: list[int]
) -> None:
    _user(env, "target")
    scrypt_calls.clear()
    client = client_at("10.0.0.1")
    limit = env.settings.login_max_failures
    statuses = [_login(client, "target", f"{WRONG}-{i}").status_code for i in range(30)]
    assert statuses == [401] * limit + [429] * (30 - limit)  # before: 30 × 401
    assert len(scrypt_calls) == limit  # a throttled request costs no hash
    response = _login(client, "target", PASSWORD)  # the right password during lockout
    assert response.status_code == 429  # else the lockout would be an oracle
    assert response.headers["content-type"] == "application/problem+json"
    retry = int(response.headers["retry-after"])
    assert 0 < retry <= env.settings.login_window_minutes * 60
    body = response.json()
    assert "too many failed logins" in body["detail"] and body["fix"]
    assert len(scrypt_calls) == limit
    # the name is throttled from any address
    assert _login(client_at("10.0.0.2"), "target", PASSWORD).status_code == 429


def test_unknown_names_are_throttled_the_same(
    env: Env, client_at: Callable[[str], TestClient]
) -> None:
    client = client_at("10.0.1.1")
    limit = env.settings.login_max_failures
    statuses = [_login(client, "nobody-here", WRONG).status_code for _ in range(limit + 1)]
    assert statuses == [401] * limit + [429]


def test_one_client_guessing_many_names_is_throttled(
    env: Env, client_at: Callable[[str], TestClient]
) -> None:
    _user(env, "bystander")
    client = client_at("10.0.2.1")
    per_client = env.settings.login_max_failures_per_client
    for i in range(per_client):
        assert _login(client, f"guess-{i}", WRONG).status_code == 401
    assert _login(client, "bystander", PASSWORD).status_code == 429
    assert _login(client_at("10.0.2.2"), "bystander", PASSWORD).status_code == 200


def test_a_successful_login_resets_the_users_count(
    env: Env, client_at: Callable[[str], TestClient]
) -> None:
    _user(env, "forgetful")
    limit = env.settings.login_max_failures
    for round_ in range(2):
        client = client_at(f"10.0.3.{round_}")
        for _ in range(limit - 1):
            assert _login(client, "forgetful", WRONG).status_code == 401
        assert _login(client, "forgetful", PASSWORD).status_code == 200
    env.client.cookies.clear()


def test_the_lockout_ends_after_the_window(
    env: Env, client_at: Callable[[str], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    _user(env, "patient")
    client = client_at("10.0.4.1")
    for _ in range(env.settings.login_max_failures):
        _login(client, "patient", WRONG)
    assert _login(client, "patient", PASSWORD).status_code == 429
    later = time.time() + env.settings.login_window_minutes * 60 + 1

    class Later:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(api.service.throttle, "time", Later)
    assert _login(client, "patient", PASSWORD).status_code == 200


def test_retry_after_counts_down_to_the_oldest_failure(tmp_path: Path) -> None:
    throttle = LoginThrottle(
        tmp_path / "u.sqlite", max_failures=3, max_failures_per_client=100, window_s=600
    )
    for second in range(3):
        throttle.begin("a", "c", now=1000.0 + second)
    with pytest.raises(TooManyRequestsError, match="try again in 597 seconds") as caught:
        throttle.begin("a", "c", now=1003.0)
    assert caught.value.headers == {"Retry-After": "597"}
    throttle.begin("a", "c", now=1600.5)  # the first failure left the window
    with pytest.raises(TooManyRequestsError):
        throttle.begin("a", "c", now=1600.6)


def test_counts_are_shared_by_workers_and_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"

    def worker() -> LoginThrottle:
        return LoginThrottle(path, max_failures=10, max_failures_per_client=1000, window_s=900)

    admitted: list[int] = []
    refused: list[int] = []

    def attempt(i: int) -> None:
        try:
            worker().begin("victim", f"10.1.0.{i}")
            admitted.append(i)
        except TooManyRequestsError:
            refused.append(i)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 10 and len(refused) == 20  # check and record are one transaction
    assert worker().failures(name="victim") == 10  # a new process sees them
    with pytest.raises(TooManyRequestsError):
        worker().begin("victim", "10.1.1.1")


def test_nothing_typed_is_stored_in_clear(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    throttle = LoginThrottle(path, max_failures=3, max_failures_per_client=3, window_s=60)
    throttle.begin("my-secret-password-typed-as-name", "203.0.113.9")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"my-secret-password" not in raw and b"203.0.113.9" not in raw


def test_a_success_takes_back_only_its_own_attempt(tmp_path: Path) -> None:
    throttle = LoginThrottle(
        tmp_path / "u.sqlite", max_failures=5, max_failures_per_client=5, window_s=60
    )
    throttle.begin("x", "c")
    throttle.begin("y", "c")
    throttle.succeeded(throttle.begin("y", "c"))
    assert throttle.failures(name="y") == 0 and throttle.failures(name="x") == 1
    assert throttle.failures(client="c") == 2  # the guesser's other failures stay
    throttle.reset("x")
    assert throttle.failures(name="x") == 0
