"""Hostile language and preset inputs: no file opened, bounded cost, input echoed only."""

from __future__ import annotations

import time

from tests.api.conftest import Env
from tests.api.service.uploads import register_csv


def test_the_catalogue_route_opens_no_file_a_client_names(env: Env) -> None:
    for path in ("/i18n/..%2F..%2Fetc%2Fpasswd.json", "/i18n/hi%00.json", "/i18n/xx.json",
                 "/i18n/../../pyproject.toml"):  # fmt: skip
        response = env.client.get(path)
        assert response.status_code in (404, 422), path
        assert "root:" not in response.text and "[project]" not in response.text
    assert env.client.get("/i18n/hi.json").status_code == 200


def test_a_huge_accept_language_header_costs_little(env: Env) -> None:
    header = ", ".join(f"x{i}-YY;q=0.{i % 9 + 1}" for i in range(1500)) + ", hi;q=0.05"
    started = time.perf_counter()
    response = env.client.get("/healthz", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.headers["content-language"] == "hi"
    assert time.perf_counter() - started < 2.0
    weird = env.client.get("/healthz", headers={"Accept-Language": "hi;q=nan, en;q=inf, ;;,"})
    assert weird.status_code == 200


def test_a_saved_language_must_be_one_of_ours(env: Env) -> None:
    for value in ("../../etc/passwd", "hi\x00", "x" * 10_000, 7):
        response = env.client.patch(
            "/auth/me", json={"lang": value}, headers=env.headers("planner")
        )
        assert response.status_code == 422, value
        assert "passwd" not in env.get("/auth/me", "planner").text


def test_an_unknown_preset_names_no_server_path(env: Env) -> None:
    response = env.client.post(
        "/datasets/incidents",
        params={"dry_run": "true"},
        data={"preset": "../../../../etc/passwd"},
        files={"file": ("register.csv", register_csv(3, bad_rows=0), "text/csv")},
        headers=env.headers("admin"),
    )
    assert response.status_code in (400, 422), response.text
    assert "root:" not in response.text and "/work/" not in response.text
    assert "fir-register" in response.text  # says which presets there are
