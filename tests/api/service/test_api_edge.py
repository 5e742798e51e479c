"""The HTTP edge: one body limit before auth, security headers and CSP, HSTS, trusted proxies."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from api.service.app import create_app
from api.service.auth import MAP_COOKIE
from api.service.headers import DATA_CSP, DOCUMENT_CSP, map_csp, tile_source
from api.service.limits import MULTIPART_SLACK_BYTES
from api.service.routes.web import PAGE_CSP
from api.service.users import Role
from tests.api.conftest import OWN_THANA, PASSWORDS, Env, settings_for

MB = 1024 * 1024
#: The attack: an anonymous 60 MB body.
ATTACK_BYTES = 60 * MB
#: Size of one chunk a client streams.
CHUNK = 256 * 1024
PROBLEM_TYPE = "urn:shakti:problem:payload-too-large-error"
#: A multipart upload: a file part whose content the rest of the body is.
MULTIPART = "multipart/form-data; boundary=x"
FILE_PART = (
    b'--x\r\nContent-Disposition: form-data; name="file"; filename="register.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\n"
)
#: A trusted reverse proxy, a client behind it, and a peer that is no proxy.
PROXY = "10.0.0.1"
REAL_CLIENT = "198.51.100.7"
STRANGER = "203.0.113.9"
TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
HSTS_SECONDS = 31_536_000
#: Tight limits: JSON and forms 64 KiB, uploads 1 MiB.
TIGHT_BODY = 64 * 1024
TIGHT_UPLOAD = MB
_BLOCK = b" " * CHUNK


@dataclass
class Exchange:
    """One request driven at the ASGI level: the answer and how much body the app pulled."""

    status: int
    headers: dict[str, str]
    body: bytes
    pulled: int


def drive(
    app: Any,
    method: str,
    path: str,
    *,
    size: int,
    declare: bool,
    content_type: str,
    head: bytes = b"",
) -> Exchange:
    """Send ``size`` bytes in :data:`CHUNK` pieces, counting every byte the app takes.

    With ``declare`` the request says ``Content-Length``; without, it streams (chunked).
    The body is ``head`` then spaces.
    """

    async def run() -> Exchange:
        pulled = 0
        done = asyncio.Event()
        start: dict[str, Any] = {}
        body = bytearray()

        async def receive() -> dict[str, Any]:
            nonlocal pulled
            if pulled < size:
                piece = _BLOCK[: min(CHUNK, size - pulled)]
                if pulled == 0:
                    piece = (head + piece)[: len(piece)]
                pulled += len(piece)
                return {"type": "http.request", "body": piece, "more_body": pulled < size}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    done.set()

        headers = [(b"host", b"testserver"), (b"content-type", content_type.encode())]
        if declare:
            headers.append((b"content-length", str(size).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": headers,
            "client": (STRANGER, 40000),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)
        names = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        return Exchange(int(start["status"]), names, bytes(body), pulled)

    return asyncio.run(run())


def _new_app(folder: Path, source: Path, **overrides: Any) -> FastAPI:
    """An app on a copy of the demo store with one admin (no logins yet)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / "store.gpkg")
    app = create_app(settings_for(folder, **overrides), store_path=folder / "store.gpkg")
    app.state.service.users.add("admin", Role.ADMIN, password=PASSWORDS["admin"])

    @app.get("/test-echo", include_in_schema=False)
    def echo(request: Request) -> dict[str, str | None]:
        return {
            "client": request.client.host if request.client else None,
            "scheme": request.url.scheme,
        }

    return app


@pytest.fixture(scope="module")
def tight(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """Small limits, HSTS on, a custom tile server."""
    return _new_app(
        tmp_path_factory.mktemp("tight"),
        demo_store_file,
        max_body_bytes=TIGHT_BODY,
        max_upload_bytes=TIGHT_UPLOAD,
        hsts_seconds=HSTS_SECONDS,
        tiles=TILES,
        tile_attribution="© example",
    )


@pytest.fixture(scope="module")
def proxied(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """Behind a trusted proxy, no HSTS."""
    return _new_app(tmp_path_factory.mktemp("proxied"), demo_store_file, trusted_proxies=[PROXY])


def _login(client: TestClient, **headers: str) -> Any:
    return client.post(
        "/auth/token",
        data={"username": "admin", "password": PASSWORDS["admin"]},
        headers=headers,
    )


# ------------------------------------------------------------------ attack 1: bodies


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/patrol/plans", "application/json"), ("/auth/token", "application/x-www-form-urlencoded")],
)
@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
def test_anonymous_60mb_body_is_refused_before_it_is_read(
    env: Env, path: str, content_type: str, declare: bool
) -> None:
    limit = env.settings.max_body_bytes
    answer = drive(
        env.client.app, "POST", path, size=ATTACK_BYTES, declare=declare, content_type=content_type
    )
    assert answer.status == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["connection"] == "close"
    assert answer.headers["x-content-type-options"] == "nosniff"  # refusals get the headers
    if declare:
        assert answer.pulled == 0  # refused on its Content-Length alone
    else:
        assert answer.pulled <= limit + CHUNK  # the app never got more than the limit
    body = json.loads(answer.body)
    assert body["type"] == PROBLEM_TYPE and body["field"] == "max_body_bytes"
    assert f"{limit:,}" in body["detail"] and "SHAKTI_MAX_BODY_BYTES" in body["fix"]
    assert env.get("/healthz").status_code == 200  # and the service is still fine


def test_methods_without_a_body_are_limited_too(env: Env) -> None:
    answer = drive(
        env.client.app, "GET", "/hotspots", size=ATTACK_BYTES, declare=True, content_type="x/y"
    )
    assert answer.status == 413 and answer.pulled == 0


def test_uploads_have_their_own_ceiling(tight: FastAPI) -> None:
    between = TIGHT_BODY * 4  # above max_body_bytes, below max_upload_bytes
    upload = TestClient(tight).post(
        "/datasets/incidents", files={"file": ("register.csv", b"x" * between, "text/csv")}
    )
    assert upload.status_code == 401  # passed the edge; refused for want of a login
    other = drive(
        tight, "POST", "/patrol/plans", size=between, declare=True, content_type="application/json"
    )
    assert other.status == 413 and other.pulled == 0
    ceiling = TIGHT_UPLOAD + MULTIPART_SLACK_BYTES
    for declare in (True, False):
        big = drive(
            tight,
            "POST",
            "/datasets/incidents",
            size=ceiling + 4 * CHUNK,
            declare=declare,
            content_type=MULTIPART,
            head=FILE_PART,
        )
        assert big.status == 413
        assert big.pulled <= (ceiling + CHUNK if not declare else 0)
        assert b'"field":"max_upload_bytes"' in big.body


def test_bodies_within_the_limit_still_work(env: Env) -> None:
    response = env.client.post(
        "/auth/token", data={"username": "planner", "password": PASSWORDS["planner"]}
    )
    assert response.status_code == 200
    env.client.cookies.clear()


# ------------------------------------------------------------------ attacks 2, 3, 6: headers


def test_every_response_has_the_security_headers(env: Env) -> None:
    responses = [
        env.get("/datasets", "planner"),  # 200 JSON
        env.get("/hotspots"),  # 401
        env.get("/no-such-route"),  # 404
        env.get("/static/app.js"),
        env.get("/"),
    ]
    for response in responses:
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", response.url
        assert headers["x-frame-options"] == "SAMEORIGIN", response.url
        assert headers["referrer-policy"] == "no-referrer", response.url
        assert "content-security-policy" in headers, response.url
        assert "strict-transport-security" not in headers  # HSTS is off by default
    assert responses[0].headers["content-security-policy"] == DATA_CSP
    assert responses[1].headers["content-security-policy"] == DATA_CSP
    assert responses[0].headers["cache-control"] == "no-store"


def test_map_pages_get_the_map_csp(env: Env) -> None:
    response = env.get(f"/maps/hotspots?thana={OWN_THANA}&min_samples=3", "admin")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert csp == map_csp(None)  # SHAKTI_TILES=none: no tile host at all
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self' 'unsafe-inline' 'unsafe-eval'"
    assert directives["img-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"  # the page embeds maps in an <iframe>
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert "http" not in csp and "*" not in csp


def test_patrol_sheets_get_a_policy_without_script(env: Env) -> None:
    plan = env.client.post(
        "/patrol/plans", json={"days": 1, "thana": OWN_THANA}, headers=env.headers("planner")
    ).json()
    route = plan["routes"][0]
    for url in (route["sheet"], route["sheet_page"]):
        response = env.get(url, "planner")
        assert response.status_code == 200 and response.text.startswith("<!DOCTYPE html>")
        csp = response.headers["content-security-policy"]
        assert csp == DOCUMENT_CSP and "script-src" not in csp and "default-src 'none'" in csp


def test_docs_and_page_keep_their_own_stricter_policies(env: Env) -> None:
    page = env.get("/")
    assert page.headers["content-security-policy"] == PAGE_CSP
    docs = env.get("/docs")
    csp = docs.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


def test_map_csp_allows_the_tile_host_and_nothing_more() -> None:
    assert tile_source(None) is None and tile_source("none") is None
    assert tile_source("openstreetmap") == "https://tile.openstreetmap.org"
    assert tile_source(TILES) == "https://*.tiles.example.org"
    assert tile_source("http://tiles.lan:8080/{z}/{x}/{y}.png") == "http://tiles.lan:8080"
    assert tile_source("/tiles/{z}/{x}/{y}.png") is None  # this origin: 'self'
    assert tile_source("https://a.{s}.example.org/{z}/{x}/{y}.png") is None
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in map_csp("openstreetmap")


def test_hsts_and_the_configured_tile_host(tight: FastAPI) -> None:
    client = TestClient(tight)
    for response in (client.get("/healthz"), client.get("/"), client.get("/hotspots")):
        assert response.headers["strict-transport-security"] == (
            f"max-age={HSTS_SECONDS}; includeSubDomains"
        )
    login = _login(client)
    assert login.status_code == 200
    assert "Secure" in login.headers["set-cookie"]  # HSTS: the cookie is Secure over http
    token = login.json()["access_token"]
    response = client.get(
        f"/maps/hotspots?thana={OWN_THANA}&min_samples=3",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp


# ------------------------------------------------------------------ attack 4: proxies


def test_a_trusted_proxy_gives_the_scheme_and_the_client(proxied: FastAPI) -> None:
    client = TestClient(proxied, client=(PROXY, 40000))
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": REAL_CLIENT}
    echo = client.get("/test-echo", headers=forwarded).json()
    assert echo == {"client": REAL_CLIENT, "scheme": "https"}
    login = _login(client, **forwarded)
    assert login.status_code == 200
    cookie = login.headers["set-cookie"]
    assert cookie.startswith(MAP_COOKIE + "=") and "Secure" in cookie
    plain = _login(client)  # the proxy itself over http
    assert "Secure" not in plain.headers["set-cookie"]


def test_an_untrusted_peer_cannot_forge_proxy_headers(proxied: FastAPI) -> None:
    client = TestClient(proxied, client=(STRANGER, 40000))
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": REAL_CLIENT}
    assert client.get("/test-echo", headers=forged).json() == {
        "client": STRANGER,
        "scheme": "http",
    }
    login = _login(client, **forged)
    assert login.status_code == 200
    assert "Secure" not in login.headers["set-cookie"]


def test_without_trusted_proxies_nobody_is_believed(tight: FastAPI) -> None:
    client = TestClient(tight, client=("127.0.0.1", 40000))
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": REAL_CLIENT}
    assert client.get("/test-echo", headers=forged).json() == {
        "client": "127.0.0.1",
        "scheme": "http",
    }
