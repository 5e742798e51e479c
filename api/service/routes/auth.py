"""``/auth``: log in (OAuth2 password form → bearer token, throttled), who am I, log out."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.service.auth import MAP_COOKIE, MAP_COOKIE_PATH, issue_token
from api.service.deps import CurrentUser, State, oauth2_scheme, user_from_token
from api.service.errors import AuthenticationError
from api.service.throttle import LoginThrottle
from api.service.users import User
from geo.i18n import Lang

#: What the audit log records as the user of a login with a name that is no user's.
UNKNOWN_LOGIN: Final = "(unknown name)"

router = APIRouter(prefix="/auth", tags=["auth"])

#: Attribute of ``app.state`` holding the app's login throttle.
_THROTTLE_ATTR = "login_throttle"
#: Client address used when the server does not know it.
UNKNOWN_CLIENT = "unknown"


class UserOut(BaseModel):
    """A user as the service shows it."""

    name: str = Field(examples=["lanka-incharge"])
    role: str = Field(examples=["incharge"])
    thana: str | None = Field(default=None, examples=["Lanka"])


class TokenOut(BaseModel):
    """A bearer token (OAuth2 password flow)."""

    access_token: str
    token_type: str = Field(examples=["bearer"])
    expires_in: int = Field(description="Seconds until the token expires.", examples=[28800])
    expires_at: str = Field(description="Expiry, ISO 8601 UTC.")
    user: UserOut


class Me(UserOut):
    """The logged-in user and what the page needs to know."""

    may_upload: bool
    all_thanas: bool
    categories: list[str] = Field(examples=[["eve-teasing", "stalking"]])
    map_tiles: bool = Field(description="Whether maps have a base layer (SHAKTI_TILES).")
    lang: Lang | None = Field(
        default=None,
        description="The language the user chose (`PATCH /auth/me`); null: none chosen.",
        examples=["hi"],
    )


class MeChange(BaseModel):
    """What a user may change about themselves."""

    lang: Lang | None = Field(
        description="`hi` (हिन्दी) or `en` (English): the language of the page and of the "
        "service's texts when a request has no `?lang=`; null forgets the choice.",
        examples=["hi"],
    )


def _user_out(user: User) -> UserOut:
    return UserOut(name=user.name, role=user.role.value, thana=user.thana)


def login_throttle(request: Request, state: State) -> LoginThrottle:
    """Return the app's login throttle (failures in the users file; see api.service.throttle)."""
    throttle: LoginThrottle | None = getattr(request.app.state, _THROTTLE_ATTR, None)
    if throttle is None:
        throttle = LoginThrottle.from_settings(state.users.path, state.settings)
        setattr(request.app.state, _THROTTLE_ATTR, throttle)
    return throttle


@router.post(
    "/token",
    summary="Log in",
    responses={
        401: {"description": "Wrong user name or password, or a disabled user (problem+json)."},
        429: {
            "description": "Too many failed logins for the user name or from the address; "
            "`Retry-After` gives the seconds to wait (problem+json)."
        },
    },
)
def login(
    request: Request,
    response: Response,
    state: State,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    throttle: Annotated[LoginThrottle, Depends(login_throttle)],
) -> TokenOut:
    """Exchange a user name and password for a signed bearer token.

    The token also goes into an HttpOnly, SameSite=Strict cookie limited to ``/maps``, so that
    a map can be shown in an ``<iframe>`` (which cannot send an ``Authorization`` header).
    After ``SHAKTI_LOGIN_MAX_FAILURES`` failed logins for one user name (or
    ``SHAKTI_LOGIN_MAX_FAILURES_PER_CLIENT`` from one address) within
    ``SHAKTI_LOGIN_WINDOW_MINUTES``, logins are refused with 429 and ``Retry-After``, even
    with the right password; the check comes before any password hashing.
    """
    # a name that is no user's may be a password or a person's name typed in the wrong field:
    # the audit log records only that some unknown name was tried
    known = state.users.get(form.username[:64]) is not None
    request.state.audit_user = form.username[:64] if known else UNKNOWN_LOGIN
    client = request.client.host if request.client else UNKNOWN_CLIENT
    attempt = throttle.begin(form.username, client)
    user = state.users.authenticate(form.username, form.password)
    if user is None:
        raise AuthenticationError(
            "wrong user name or password", fix="check both, or ask an administrator"
        )
    throttle.succeeded(attempt)
    request.state.audit_role = user.role.value
    lifetime = state.settings.token_minutes * 60
    token = issue_token(user, secret=state.secret, lifetime_s=lifetime, now=time.time())
    response.set_cookie(
        MAP_COOKIE,
        token.value,
        max_age=lifetime,
        path=MAP_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or state.settings.hsts_seconds > 0,
    )
    expires = dt.datetime.fromtimestamp(token.expires_at, dt.UTC)
    return TokenOut(
        access_token=token.value,
        token_type="bearer",
        expires_in=lifetime,
        expires_at=expires.isoformat(),
        user=_user_out(user),
    )


def _me(user: User, state: State) -> Me:
    return Me(
        **_user_out(user).model_dump(),
        may_upload=user.may_upload,
        all_thanas=user.all_thanas,
        categories=list(state.settings.categories),
        map_tiles=bool((state.settings.tiles or "").strip().lower() not in ("", "none", "off")),
        lang=user.lang,
    )


@router.get("/me", summary="The logged-in user")
async def me(user: CurrentUser, state: State) -> Me:
    """Return the user, their role, thana and language, and the deployment's categories."""
    return _me(user, state)


@router.patch("/me", summary="Change the logged-in user's language")
def change_me(change: MeChange, user: CurrentUser, state: State) -> Me:
    """Save the user's language (their sessions go on); the page uses it on every device."""
    return _me(state.users.set_lang(user.name, change.lang), state)


@router.post("/logout", status_code=204, summary="Log out (end every session of the user)")
def logout(
    request: Request,
    response: Response,
    state: State,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> None:
    """End the sessions of the bearer token's user and delete the map cookie.

    Logging out replaces the user's session stamp, so every token issued to them (this one,
    other tabs and devices, the map cookie) stops working at once: on a shared station
    computer nothing usable is left behind. Without a valid token it only deletes the cookie.
    """
    if token:
        try:
            user: User | None = user_from_token(state, token)
        except AuthenticationError:
            user = None
        if user is not None:
            state.users.end_sessions(user.name)
            request.state.audit_user = user.name
            request.state.audit_role = user.role.value
    response.delete_cookie(MAP_COOKIE, path=MAP_COOKIE_PATH)
