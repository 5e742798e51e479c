"""Settings of the web service: keys, sessions, users, cache, login, audit, proxies, backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from geo.settings import Settings


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ServiceSettings(Settings):
    """The deployment's settings plus those of the web service, from the same ``SHAKTI_*``.

    The data settings (region, CRS, timezone, store, file limits, tiles) stay in
    :class:`geo.settings.Settings`; the fields below matter only to ``shakti serve``, the
    service's users, audit log and backups (and the CLI commands that manage them).
    """

    secret_key: str | None = Field(
        default=None,
        repr=False,
        description="Key signing the service's access tokens (SHAKTI_SECRET_KEY); unset: a "
        "random key generated once and kept in the users database.",
    )
    token_minutes: int = Field(
        default=480, ge=1, le=7 * 24 * 60, description="Lifetime of an access token (minutes)."
    )
    users_db: Path | None = Field(
        default=None,
        description="SQLite file of the service's users and audit log; default "
        "'<store>.users.sqlite' beside the store.",
    )
    cache_entries: int = Field(
        default=256, ge=0, description="Results the service keeps in memory (LRU); 0: none."
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body on every route but uploads (JSON, forms), in bytes.",
    )

    # ---- login, sessions and the audit log ----
    login_max_failures: int = Field(
        default=10, ge=1, description="Failed logins of one user name before it is throttled."
    )
    login_max_failures_per_client: int = Field(
        default=30, ge=1, description="Failed logins from one client address before throttling."
    )
    login_window_minutes: int = Field(
        default=15, ge=1, description="Window over which failed logins are counted (minutes)."
    )
    audit_retention_days: int = Field(
        default=365, ge=1, description="Days the audit log keeps entries; older ones are removed."
    )

    # ---- deployment behind a proxy ----
    hsts_seconds: int = Field(
        default=0,
        ge=0,
        description="Strict-Transport-Security max-age sent on every response; 0: no header "
        "(set it only when the service is reached over HTTPS).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed "
        "(comma-separated); empty: none.",
    )

    # ---- backups ----
    backup_dir: Path | None = Field(
        default=None, description="Folder of scheduled backups; unset: no scheduled backups."
    )
    backup_every_hours: float = Field(
        default=24.0, gt=0, description="Hours between scheduled backups (with backup_dir)."
    )
    backup_keep: int = Field(default=7, ge=1, description="Scheduled backups kept (newest).")

    _split_proxies = field_validator("trusted_proxies", mode="before")(_split_csv)


def service_settings(settings: Settings | None = None) -> ServiceSettings:
    """Return service settings: ``settings`` itself, or its fields plus the service's.

    Parameters
    ----------
    settings : geo.settings.Settings, optional
        Data settings (their values win); default: read everything from ``SHAKTI_*``.

    Returns
    -------
    ServiceSettings
        The service fields not in ``settings`` come from ``SHAKTI_*`` (or their defaults).
    """
    if isinstance(settings, ServiceSettings):
        return settings
    if settings is None:
        return ServiceSettings()
    return ServiceSettings(**settings.model_dump())
