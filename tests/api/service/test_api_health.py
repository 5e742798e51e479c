"""GET /healthz, the web page, static files, OpenAPI and the security headers."""

from __future__ import annotations

import re

import pyogrio
import pyproj
import pytest
import shapely

from api.service.routes.web import STATIC_DIR
from geo.errors import StoreError
from tests.api.conftest import Env


def test_healthz_needs_no_login_and_says_only_ok(env: Env) -> None:
    response = env.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # no versions, no counters for anyone


def test_healthz_details_are_for_admins_and_report_versions(env: Env) -> None:
    assert env.get("/healthz/details").status_code == 401
    assert env.get("/healthz/details", "planner").status_code == 403
    response = env.get("/healthz/details", "admin")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["geos"] == shapely.geos_version_string
    assert body["proj"] == pyproj.proj_version_str
    assert body["gdal"] == pyogrio.__gdal_version_string__
    assert body["store_version"] == env.state.store.version > 0
    assert set(body["cache"]) == {"entries", "hits", "misses"}


def test_healthz_is_503_when_the_store_cannot_be_read(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreadable:
        @property
        def version(self) -> int:
            raise StoreError("cannot open /srv/shakti/store.gpkg", fix="check SHAKTI_STORE")

    monkeypatch.setattr(env.state, "store", Unreadable())
    anonymous = env.get("/healthz")
    assert anonymous.status_code == 503
    assert anonymous.json()["detail"] == "the store cannot be read"
    assert "/srv" not in anonymous.text  # no server path for anyone
    details = env.get("/healthz/details", "admin")
    assert details.status_code == 503 and "store.gpkg" in details.json()["why"]


def test_security_headers_and_no_caching_of_data(env: Env) -> None:
    response = env.get("/datasets", "planner")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


def test_web_page_is_served_with_a_strict_csp(env: Env) -> None:
    response = env.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert '<form id="login-form"' in response.text
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    for name in ("page.js", "app.js", "app.css"):
        asset = env.get(f"/static/{name}")
        assert asset.status_code == 200
        assert asset.headers["cache-control"].startswith("private")


def test_web_page_loads_nothing_from_elsewhere() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        # no CDN, no remote font: the page must work offline
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path.name
        assert "import(" not in text
        assert "<script>" not in text  # no inline script (CSP script-src 'self')


def test_openapi_and_offline_docs(env: Env) -> None:
    schema = env.get("/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/healthz",
        "/healthz/details",
        "/auth/token",
        "/auth/me",
        "/datasets",
        "/datasets/{kind}",
        "/datasets/{kind}/quarantine",
        "/hotspots",
        "/significance",
        "/emerging",
        "/backtest",
        "/forecast",
        "/thanas",
        "/thanas/{name}/scorecard",
        "/maps/hotspots",
        "/audit",
    ):
        assert path in paths, path
    hotspots = schema["paths"]["/hotspots"]["get"]
    names = {p["name"] for p in hotspots["parameters"]}
    assert {"eps_m", "min_samples", "from", "to", "category", "thana", "underserved"} <= names
    assert "application/geo+json" in hotspots["responses"]["200"]["content"]
    # Swagger UI comes from this service's pinned assets, never a CDN; ReDoc is off
    page = env.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page.text)
    assert urls, "the docs page links its script and styles"
    for url in urls:
        if url.startswith("data:"):
            continue
        assert url.startswith("/assets/"), url
        assert env.get(url).status_code == 200, url
    assert "cdn" not in page.text.lower()
    assert env.get("/redoc").status_code == 404
