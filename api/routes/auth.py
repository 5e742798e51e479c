"""``/auth``: log in (OAuth2 password form → bearer token), who am I, log out."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.auth import MAP_COOKIE, MAP_COOKIE_PATH, issue_token
from api.deps import CurrentUser, State
from api.errors import AuthenticationError
from api.users import User

router = APIRouter(prefix="/auth", tags=["auth"])


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


def _user_out(user: User) -> UserOut:
    return UserOut(name=user.name, role=user.role.value, thana=user.thana)


@router.post(
    "/token",
    summary="Log in",
    responses={401: {"description": "Wrong user name or password (problem+json)."}},
)
def login(
    request: Request,
    response: Response,
    state: State,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    """Exchange a user name and password for a signed bearer token.

    The token also goes into an HttpOnly, SameSite=Strict cookie limited to ``/maps``, so that
    a map can be shown in an ``<iframe>`` (which cannot send an ``Authorization`` header).
    """
    request.state.audit_user = form.username[:64]
    user = state.users.authenticate(form.username, form.password)
    if user is None:
        raise AuthenticationError(
            "wrong user name or password", fix="check both, or ask an administrator"
        )
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
        secure=request.url.scheme == "https",
    )
    expires = dt.datetime.fromtimestamp(token.expires_at, dt.UTC)
    return TokenOut(
        access_token=token.value,
        token_type="bearer",
        expires_in=lifetime,
        expires_at=expires.isoformat(),
        user=_user_out(user),
    )


@router.get("/me", summary="The logged-in user")
async def me(user: CurrentUser, state: State) -> Me:
    """Return the user, their role and thana, and the deployment's incident categories."""
    return Me(
        **_user_out(user).model_dump(),
        may_upload=user.may_upload,
        all_thanas=user.all_thanas,
        categories=list(state.settings.categories),
        map_tiles=bool((state.settings.tiles or "").strip().lower() not in ("", "none", "off")),
    )


@router.post("/logout", status_code=204, summary="Log out (forget the map cookie)")
async def logout(response: Response) -> None:
    """Delete the map cookie. Bearer tokens simply expire; the page forgets its copy."""
    response.delete_cookie(MAP_COOKIE, path=MAP_COOKIE_PATH)
