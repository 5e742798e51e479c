"""``GET /docs``: the interactive API documentation (Swagger UI from this service's assets)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.service.headers import docs_csp
from api.service.routes.maps import ASSET_PREFIX
from maps.assets import SWAGGER_CSS, SWAGGER_JS

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs() -> HTMLResponse:
    """Serve Swagger UI for ``/openapi.json``, its script and styles from ``/assets`` (offline).

    FastAPI's own ``/docs`` loads Swagger UI from a public CDN, which police networks often
    cannot reach; the same page is built here on the pinned ``swagger-ui-dist`` package. Its
    CSP allows its one inline script by hash (:func:`api.service.headers.docs_csp`).
    """
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Shakti Hotspots API",
        swagger_js_url=f"{ASSET_PREFIX}/{SWAGGER_JS}",
        swagger_css_url=f"{ASSET_PREFIX}/{SWAGGER_CSS}",
        swagger_favicon_url="data:,",
        oauth2_redirect_url=None,
        swagger_ui_parameters={"persistAuthorization": False, "tryItOutEnabled": True},
    )
    page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body).decode("utf-8"))
    return page
