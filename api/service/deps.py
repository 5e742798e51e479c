"""Dependencies of the routes: the service state, the current user, roles and the thana scope."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import StringConstraints

from api.service.audit import STATE_EXTRA, AuditLog
from api.service.auth import MAP_COOKIE, verify_token
from api.service.cache import CachedBody, CacheKey, ResultCache, StoreVersion, make_key
from api.service.errors import AuthenticationError, PermissionDeniedError
from api.service.settings import ServiceSettings
from api.service.users import Role, User, UserStore
from geo.errors import ParameterError
from geo.ingest.privacy import holds_personal_number, reads_as_person_name
from geo.settings import Settings
from geo.store import Store
from models.inputs import Selection
from models.selection import FIRST_DAY, LAST_DAY, check_dates

logger = logging.getLogger(__name__)


@dataclass
class ServiceState:
    """Everything a request needs, built once by :func:`api.service.app.create_app`.

    Attributes
    ----------
    settings : api.service.settings.ServiceSettings
    store : geo.store.Store
    users : api.service.users.UserStore
    audit : api.service.audit.AuditLog
    cache : api.service.cache.ResultCache
    version : api.service.cache.StoreVersion
    secret : bytes
        Token-signing key.
    """

    settings: ServiceSettings
    store: Store
    users: UserStore
    audit: AuditLog
    cache: ResultCache[CachedBody]
    version: StoreVersion
    secret: bytes

    def key(self, route: str, params: dict[str, Any], scope: str | None) -> CacheKey:
        """Return the cache key of a result at the store's current version.

        Parameters
        ----------
        route : str
        params : dict
        scope : str or None

        Returns
        -------
        api.service.cache.CacheKey
        """
        return make_key(self.version.current(), route, params, scope)


async def get_state(request: Request) -> ServiceState:
    """Return the service state of the app serving ``request``."""
    state: ServiceState = request.app.state.service
    return state


State = Annotated[ServiceState, Depends(get_state)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
_MISSING = AuthenticationError(
    "not logged in: no access token",
    fix="log in with POST /auth/token and send 'Authorization: Bearer <token>'",
)


def _mark(request: Request, user: User) -> None:
    request.state.audit_user = user.name
    request.state.audit_role = user.role.value
    if user.role is Role.INCHARGE:
        request.state.audit_thana = user.thana


def user_from_token(state: ServiceState, token: str) -> User:
    """Return the user of a token: validly signed, within the lifetime, enabled, session current.

    Parameters
    ----------
    state : ServiceState
    token : str
        The compact token.

    Returns
    -------
    api.service.users.User

    Raises
    ------
    api.service.errors.AuthenticationError
        For an invalid or expired token, an unknown or disabled user, or a token whose session
        stamp is not the user's (they logged out or were changed since) (401).
    """
    claims = verify_token(
        token,
        secret=state.secret,
        now=time.time(),
        max_lifetime_s=state.settings.token_minutes * 60,
    )
    user = state.users.get(claims.subject)
    if user is None:
        raise AuthenticationError(
            f"user {claims.subject!r} no longer exists", fix="ask an administrator"
        )
    if user.disabled:
        raise AuthenticationError(
            f"user {user.name!r} is disabled", fix="ask an administrator to enable the user"
        )
    if claims.version != user.token_version:
        raise AuthenticationError(
            "the access token has ended",
            why="the user logged out, or their password, role or thana changed since it was issued",
            fix="log in again (POST /auth/token) and use the new token",
        )
    return user


async def current_user(
    request: Request, state: State, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """Return the user of the request's bearer token.

    Raises
    ------
    api.service.errors.AuthenticationError
        Without a token, or with an invalid or expired one (401).
    """
    if not token:
        raise _MISSING
    user = user_from_token(state, token)
    _mark(request, user)
    return user


async def current_map_user(
    request: Request, state: State, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """Return the user of the bearer token or, for map pages, of the map cookie.

    An ``<iframe>`` cannot send an ``Authorization`` header, so ``POST /auth/token`` also sets
    an HttpOnly, SameSite=Strict cookie limited to ``/maps``
    (see :data:`api.service.auth.MAP_COOKIE`).
    """
    value = token or request.cookies.get(MAP_COOKIE)
    if not value:
        raise _MISSING
    user = user_from_token(state, value)
    _mark(request, user)
    return user


CurrentUser = Annotated[User, Depends(current_user)]
MapUser = Annotated[User, Depends(current_map_user)]


def require(*roles: Role) -> Callable[..., Coroutine[Any, Any, User]]:
    """Return a dependency admitting only users with one of ``roles`` (else 403).

    Parameters
    ----------
    *roles : Role

    Returns
    -------
    callable
    """
    allowed = tuple(roles)

    async def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise PermissionDeniedError(
                f"a {user.role.value} may not do this",
                why="allowed roles: " + ", ".join(r.value for r in allowed),
                fix="ask a user with one of those roles",
            )
        return user

    return dependency


Uploader = Annotated[User, Depends(require(Role.ADMIN, Role.PLANNER))]
Admin = Annotated[User, Depends(require(Role.ADMIN))]


def scope_for(user: User, thana: str | None, *, field: str = "thana") -> str | None:
    """Return the thana a request of ``user`` is limited to.

    An in-charge always gets their own thana (implicitly when ``thana`` is not given);
    asking for another one is refused. Other roles get what they asked for.

    Parameters
    ----------
    user : api.service.users.User
    thana : str or None
        The requested thana.
    field : str
        Name of the request field holding it (for the error).

    Returns
    -------
    str or None

    Raises
    ------
    api.service.errors.PermissionDeniedError
        An in-charge asking for another thana (403).
    """
    if user.role is Role.INCHARGE:
        if thana is not None and thana != user.thana:
            raise PermissionDeniedError(
                f"an in-charge of {user.thana} may not see thana {thana!r}",
                why="in-charges see only their own thana",
                fix=f"leave {field} out or ask for {user.thana!r}",
                field=field,
            )
        return user.thana
    return thana


ThanaQuery = Annotated[
    str | None,
    Query(
        description="Only this thana (spelled as the thana layer does). An in-charge gets "
        "their own thana without it and may not ask for another one.",
        max_length=200,
        openapi_examples={"Lanka": {"value": "Lanka"}},
    ),
]


def request_scope(
    request: Request, user: User, thana: str | None, *, field: str = "thana"
) -> str | None:
    """Return :func:`scope_for` of a request and audit it; refuse a thana that may be personal.

    A thana naming none of the store's is repeated in later errors ("thana … is not in the
    store", an in-charge's 403): one holding a phone, Aadhaar or e-mail value or reading as a
    person's name is refused here (422), unrepeated (the audit log withholds it).

    Parameters
    ----------
    request : fastapi.Request
    user : api.service.users.User
    thana : str or None
    field : str

    Returns
    -------
    str or None

    Raises
    ------
    geo.errors.ParameterError
        A thana that may be a person's name or phone (422).
    """
    if thana is not None and (holds_personal_number(thana) or reads_as_person_name(thana)):
        request.state.audit_thana = thana
        raise ParameterError(
            f"{field} holds a phone, Aadhaar or e-mail value or reads as a person's name",
            why="a person's details are not kept or repeated",
            fix="spell the thana as the thana layer does (GET /thanas lists them)",
        )
    scope = scope_for(user, thana, field=field)
    request.state.audit_thana = scope
    return scope


async def _thana_scope(request: Request, user: CurrentUser, thana: ThanaQuery = None) -> str | None:
    return request_scope(request, user, thana)


async def _map_thana_scope(request: Request, user: MapUser, thana: ThanaQuery = None) -> str | None:
    return request_scope(request, user, thana)


ThanaScope = Annotated[str | None, Depends(_thana_scope)]
MapThanaScope = Annotated[str | None, Depends(_map_thana_scope)]

FromQuery = Annotated[
    dt.date | None,
    Query(
        alias="from",
        description=f"First local day included (YYYY-MM-DD), {FIRST_DAY} .. {LAST_DAY}.",
        openapi_examples={"start of 2026": {"value": "2026-01-01"}},
    ),
]
ToQuery = Annotated[
    dt.date | None,
    Query(
        alias="to",
        description=f"Last local day included (YYYY-MM-DD), {FIRST_DAY} .. {LAST_DAY}, "
        "not before `from`.",
        openapi_examples={"end of June 2026": {"value": "2026-06-30"}},
    ),
]
#: Longest category name a request may send (the deployment's categories are short words).
MAX_CATEGORY_CHARS: Final = 100
CategoryQuery = Annotated[
    list[Annotated[str, StringConstraints(max_length=MAX_CATEGORY_CHARS)]] | None,
    Query(
        alias="category",
        description="Only these incident categories (repeatable).",
        max_length=50,
        openapi_examples={"eve-teasing": {"value": ["eve-teasing"]}},
    ),
]


def selection_of(
    scope: str | None,
    start: dt.date | None,
    end: dt.date | None,
    categories: list[str] | None,
) -> Selection:
    """Return the model selection of a request's filters.

    Parameters
    ----------
    scope : str or None
        The thana scope.
    start, end : date or None
    categories : list of str or None

    Returns
    -------
    models.inputs.Selection

    Raises
    ------
    geo.errors.ParameterError
        For a day outside :data:`models.selection.FIRST_DAY` .. :data:`models.selection.LAST_DAY`
        or a start after the end (422 naming ``from`` or ``to``), before anything is computed.
    """
    check_dates(start, end)
    return Selection(
        start=start, end=end, thana=scope, categories=tuple(sorted(set(categories or ())))
    )


#: Characters of a refused value repeated in an error (a long value is cut).
_SHOWN_CHARS: Final = 60


def check_categories(categories: list[str] | None, settings: Settings) -> None:
    """Refuse a category that is not one of the deployment's (``SHAKTI_CATEGORIES``).

    Parameters
    ----------
    categories : list of str or None
    settings : geo.settings.Settings

    Raises
    ------
    geo.errors.ParameterError
        Naming the field ``category`` (422).
    """
    unknown = sorted(set(categories or ()) - set(settings.categories))
    if unknown:
        shown = unknown[0][:_SHOWN_CHARS] + ("…" if len(unknown[0]) > _SHOWN_CHARS else "")
        raise ParameterError(
            f"unknown category {shown!r}",
            fix="use one of " + ", ".join(settings.categories),
        )


async def _selection(
    state: State,
    scope: ThanaScope,
    start: FromQuery = None,
    end: ToQuery = None,
    category: CategoryQuery = None,
) -> Selection:
    check_categories(category, state.settings)
    return selection_of(scope, start, end, category)


async def _map_selection(
    state: State,
    scope: MapThanaScope,
    start: FromQuery = None,
    end: ToQuery = None,
    category: CategoryQuery = None,
) -> Selection:
    return await _selection(state, scope, start, end, category)


#: The request's selection: dates, categories and thana scope (in-charge: own thana).
SelectionDep = Annotated[Selection, Depends(_selection)]
MapSelectionDep = Annotated[Selection, Depends(_map_selection)]


def selection_params(selection: Selection) -> dict[str, Any]:
    """Return a selection as cache-key parameters.

    Parameters
    ----------
    selection : models.inputs.Selection

    Returns
    -------
    dict
    """
    return {
        "from": selection.start,
        "to": selection.end,
        "category": list(selection.categories),
    }


def add_audit_detail(request: Request, **values: Any) -> None:
    """Add route-specific details (upload name, size, result counts) to the audit entry.

    Parameters
    ----------
    request : fastapi.Request
    **values
        JSON-ready values.
    """
    extra = request.scope.setdefault("state", {}).setdefault(STATE_EXTRA, {})
    extra.update(values)
