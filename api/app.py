"""The FastAPI service: ``create_app`` wires settings, store, users, audit, cache and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import AuditLog, AuditMiddleware
from api.cache import ResultCache, StoreVersion
from api.deps import ServiceState
from api.errors import install_error_handlers
from api.routes import (
    audit,
    auth,
    backtest,
    cctv,
    datasets,
    docs,
    emerging,
    health,
    hotspots,
    maps,
    patrol,
    significance,
    thanas,
    web,
)
from api.services import maps_asset_dir
from api.users import UserStore, users_path
from geo.errors import SettingsError
from geo.settings import Settings, get_settings
from geo.store import is_database_url, open_store

logger = logging.getLogger(__name__)

#: Shortest ``SHAKTI_SECRET_KEY`` accepted.
MIN_SECRET_LENGTH: Final = 32
#: Headers added to every response.
SECURITY_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
)
_STATIC_PREFIXES: Final = ("/static/", "/assets/")

DESCRIPTION: Final = """
Hotspot analysis for women's-safety units (Mission Shakti centres, anti-Romeo squads).

* Log in with `POST /auth/token` (OAuth2 password form) and send `Authorization: Bearer …`.
* Roles: **admin** and **planner** see every thana and upload data; **incharge** sees only
  their own thana (asking for another is 403; without `thana` they get theirs);
  **analyst** reads every thana, uploads nothing. `GET /audit` is for admins.
* Errors are `application/problem+json` with `detail`, `why`, `fix` and the `field`.
* GeoJSON is EPSG:4326; nothing returned names or identifies a person.
"""


class SecurityHeaders:
    """ASGI middleware adding defensive headers; data responses are never cached by browsers.

    Parameters
    ----------
    app : ASGI app
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(_STATIC_PREFIXES)
        cache_control = b"private, max-age=3600" if static else b"no-store"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                for name, value in (*SECURITY_HEADERS, (b"cache-control", cache_control)):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secret(settings: Settings, users: UserStore) -> bytes:
    if settings.secret_key is None:
        return users.token_secret()
    if len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"SHAKTI_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters",
            why="a short key lets anyone who guesses it forge access tokens",
            fix='use e.g. python -c "import secrets; print(secrets.token_hex(32))"',
        )
    return settings.secret_key.encode("utf-8")


def create_app(
    settings: Settings | None = None, *, store_path: Path | str | None = None
) -> FastAPI:
    """Build the web service on a store.

    Parameters
    ----------
    settings : geo.settings.Settings, optional
        Default: the process settings (``SHAKTI_*``).
    store_path : Path or str, optional
        The store (a GeoPackage path or a ``postgresql://`` URL); default
        ``settings.store_location`` (``SHAKTI_DATABASE_URL``, else ``SHAKTI_STORE``). The users
        and audit database is ``settings.users_db`` or ``<store>.users.sqlite``.

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    geo.errors.SettingsError
        For a ``SHAKTI_SECRET_KEY`` that is too short.
    geo.errors.StoreError
        When the store or the users database cannot be opened.
    """
    cfg = settings if settings is not None else get_settings()
    location: str | Path
    if store_path is None:
        location = cfg.store_location
    else:
        location = str(store_path) if is_database_url(store_path) else Path(store_path)
    store = open_store(location)
    users_file = users_path(cfg.users_db, location)
    users = UserStore(users_file)
    audit_log = AuditLog(users_file)
    state = ServiceState(
        settings=cfg,
        store=store,
        users=users,
        audit=audit_log,
        cache=ResultCache(cfg.cache_entries),
        version=StoreVersion(store),
        secret=_secret(cfg, users),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        users.close()
        audit_log.close()

    app = FastAPI(
        title="Shakti Hotspots",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.service = state
    install_error_handlers(app)
    for module in (
        health,
        auth,
        datasets,
        hotspots,
        significance,
        emerging,
        backtest,
        thanas,
        maps,
        cctv,
        patrol,
        audit,
        web,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    assets = maps_asset_dir()
    if assets is not None:
        app.mount(maps.ASSET_PREFIX, StaticFiles(directory=assets), name="assets")
        app.include_router(docs.router)  # Swagger UI needs the vendored swagger-ui-dist
    # the last added middleware runs first: headers → audit → upload limit → routes
    app.add_middleware(datasets.UploadLimit, max_bytes=cfg.max_upload_bytes)
    app.add_middleware(AuditMiddleware, audit=audit_log)
    app.add_middleware(SecurityHeaders)
    logger.info("service on store %s (users %s)", store.location, users_file)
    return app
