"""The FastAPI service: ``create_app`` wires settings, store, users, audit, cache and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.service.audit import AuditLog, AuditMiddleware
from api.service.backup_schedule import scheduled_backups
from api.service.cache import ResultCache, StoreVersion
from api.service.deps import ServiceState
from api.service.errors import install_error_handlers
from api.service.headers import DOCUMENT_CSP, SecurityHeaders, map_csp
from api.service.lang import RequestLanguage, lang_query
from api.service.limits import BodyLimit
from api.service.routes import (
    audit,
    auth,
    backtest,
    cctv,
    datasets,
    docs,
    emerging,
    forecast,
    health,
    hotspots,
    i18n,
    maps,
    patrol,
    review,
    significance,
    thanas,
    visits,
    web,
)
from api.service.routes import users as user_admin
from api.service.settings import ServiceSettings, service_settings
from api.service.uploads import clean_stale_uploads
from api.service.users import UserStore, users_path
from api.usecases.maps import maps_asset_dir, tiles_of
from geo.errors import SettingsError
from geo.settings import Settings, get_settings
from geo.store import is_database_url, open_store

logger = logging.getLogger(__name__)

#: Shortest ``SHAKTI_SECRET_KEY`` accepted.
MIN_SECRET_LENGTH: Final = 32

DESCRIPTION: Final = """
Hotspot analysis for women's-safety units (Mission Shakti centres, anti-Romeo squads).

* Log in with `POST /auth/token` (OAuth2 password form) and send `Authorization: Bearer …`.
* Roles: **admin** and **planner** see every thana and upload data; **incharge** sees only
  their own thana (asking for another is 403; without `thana` they get theirs);
  **analyst** reads every thana, uploads nothing. `GET /audit` is for admins.
* Errors are `application/problem+json` with `detail`, `why`, `fix` and the `field`.
* GeoJSON is EPSG:4326; nothing returned names or identifies a person.
"""


def _secret(settings: ServiceSettings, users: UserStore) -> bytes:
    if settings.secret_key is None:
        return users.token_secret()
    if len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"SHAKTI_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters",
            why="a short key lets anyone who guesses it forge access tokens",
            fix='use e.g. python -c "import secrets; print(secrets.token_hex(32))"',
        )
    return settings.secret_key.encode("utf-8")


def _add_edge(app: FastAPI, cfg: ServiceSettings, audit_log: AuditLog) -> None:
    """Wrap ``app`` in the edge middleware (the last added runs first).

    A request meets, in this order:

    1. ``ProxyHeadersMiddleware`` (only with ``trusted_proxies``): scheme and client address
       from ``X-Forwarded-Proto`` / ``-For`` when the peer is a trusted proxy, so that
       ``request.client.host`` is the real client (login throttling) and ``request.url`` is
       ``https`` behind a TLS proxy (the map cookie's ``Secure`` flag); any other peer's
       headers change nothing;
    2. ``SecurityHeaders``: every response, the refusals below included, gets its CSP,
       nosniff, frame policy, caching and HSTS headers;
    3. ``AuditMiddleware``: the request is recorded, a ``413`` too;
    4. ``BodyLimit``: an oversize body is refused before routing, authentication or any
       handler reads it;
    5. ``RequestLanguage`` (added by :func:`create_app`): the request runs in its language;
    6. the routes (FastAPI's exception handling inside).
    """
    app.add_middleware(
        BodyLimit, max_body_bytes=cfg.max_body_bytes, max_upload_bytes=cfg.max_upload_bytes
    )
    app.add_middleware(AuditMiddleware, audit=audit_log)
    app.add_middleware(
        SecurityHeaders,
        html_policies=(
            (patrol.SHEET_PAGE_PREFIX + "/", DOCUMENT_CSP),  # printable, no script
            (review.SHEET_PAGE, DOCUMENT_CSP),  # printable, no script
            (maps.router.prefix + "/", map_csp(tiles_of(cfg))),  # folium pages
        ),
        hsts_seconds=cfg.hsts_seconds,
    )
    if cfg.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(cfg.trusted_proxies))


def create_app(
    settings: Settings | None = None, *, store_path: Path | str | None = None
) -> FastAPI:
    """Build the web service on a store.

    Parameters
    ----------
    settings : geo.settings.Settings, optional
        Default: the process settings (``SHAKTI_*``). Plain data settings get the service's
        fields from ``SHAKTI_*`` (:func:`api.service.settings.service_settings`).
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
    cfg = service_settings(settings if settings is not None else get_settings())
    location: str | Path
    if store_path is None:
        location = cfg.store_location
    else:
        location = str(store_path) if is_database_url(store_path) else Path(store_path)
    store = open_store(location)
    clean_stale_uploads()  # uploads a crash left behind (api.service.uploads)
    users_file = users_path(cfg.users_db, location)
    users = UserStore(users_file)
    audit_log = AuditLog(users_file, retention_days=cfg.audit_retention_days)
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
        with scheduled_backups(cfg, location, users_file):  # a thread when SHAKTI_BACKUP_DIR set
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
        forecast,
        thanas,
        maps,
        cctv,
        visits,  # before patrol: POST /patrol/plans/{id}/{action} would shadow .../visits
        patrol,
        review,
        audit,
        user_admin,
    ):
        app.include_router(module.router, dependencies=[Depends(lang_query)])  # ?lang=hi|en
    app.include_router(i18n.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    assets = maps_asset_dir()
    if assets is not None:
        app.mount(maps.ASSET_PREFIX, StaticFiles(directory=assets), name="assets")
        app.include_router(docs.router)  # Swagger UI needs the vendored swagger-ui-dist
    app.add_middleware(RequestLanguage)  # innermost: every request runs in its language
    _add_edge(app, cfg, audit_log)
    logger.info("service on store %s (users %s)", store.location, users_file)
    return app
