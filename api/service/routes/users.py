"""``/users``: list, create, change, disable, reset the password of and remove users (admins)."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.service.deps import Admin, State, add_audit_detail
from api.service.errors import NotFoundError
from api.service.routes.auth import login_throttle
from api.service.routes.common import PROBLEM_RESPONSES
from api.service.users import (
    MAX_NAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    NAME_PATTERN,
    Role,
    User,
    generate_password,
)
from geo.errors import ParameterError
from geo.schema import NAME, LayerKind

router = APIRouter(prefix="/users", tags=["users"])

#: Longest password accepted by the API.
MAX_PASSWORD_LENGTH: Final = 256
#: Responses of the routes naming a user.
_USER_RESPONSES: Final = {
    **PROBLEM_RESPONSES,
    404: {"description": "No user of that name (problem+json)."},
}

UserName = Annotated[
    str,
    Path(
        description="The user name.",
        max_length=MAX_NAME_LENGTH,
        pattern=NAME_PATTERN,
        openapi_examples={"an in-charge": {"value": "lanka-incharge"}},
    ),
]


class AccountOut(BaseModel):
    """A user as an administrator sees it (never the password or its hash)."""

    name: str = Field(examples=["lanka-incharge"])
    role: Role = Field(examples=["incharge"])
    thana: str | None = Field(examples=["Lanka"])
    disabled: bool = Field(description="A disabled user cannot log in.", examples=[False])
    created_at: str = Field(description="ISO 8601 UTC.", examples=["2026-11-28T12:00:00+00:00"])


class UserCreate(BaseModel):
    """A new user. Without ``password`` one is generated and returned once."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=NAME_PATTERN,
        description="Letters, digits and _ . @ -",
        examples=["lanka-incharge"],
    )
    role: Role = Field(examples=["incharge"])
    thana: str | None = Field(
        default=None,
        max_length=200,
        description="The in-charge's thana (required for them, refused for other roles).",
        examples=["Lanka"],
    )
    password: str | None = Field(
        default=None,
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description="Default: a generated password, returned once.",
        examples=[None],
    )


class UserPatch(BaseModel):
    """Changes to a user; fields left out stay as they are. Any change ends their sessions."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = Field(
        default=None,
        description="New role; a role other than incharge drops the thana.",
        examples=["analyst"],
    )
    thana: str | None = Field(
        default=None, max_length=200, description="New thana of an in-charge.", examples=["Sigra"]
    )
    disabled: bool | None = Field(
        default=None,
        description="true: the user cannot log in and their tokens stop working; false: enable.",
        examples=[True],
    )


class PasswordIn(BaseModel):
    """A password reset. Without ``password`` one is generated and returned once."""

    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(
        default=None,
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        examples=[None],
    )


class AccountWithPassword(BaseModel):
    """A user and, when the service generated it, their new password (shown this once)."""

    user: AccountOut
    password: str | None = Field(
        description="The generated password: give it to the user privately; it is not kept "
        "and cannot be shown again. null when the request gave the password.",
        examples=["q3JcL0nV7bX2mWfA"],
    )


def _out(user: User) -> AccountOut:
    return AccountOut.model_validate(user, from_attributes=True)


def _known_thanas(state: State) -> list[str]:
    return sorted(str(n) for n in state.store.read(LayerKind.THANAS)[NAME])


def _existing(state: State, name: str) -> User:
    user = state.users.get(name)
    if user is None:
        raise NotFoundError(
            f"user {name!r} does not exist", fix="see GET /users for the users", field="name"
        )
    return user


def _not_yourself(admin: User, name: str, action: str) -> None:
    if admin.name == name:
        raise ParameterError(
            f"an administrator may not {action} their own account",
            why="the service could be left without anyone to manage it",
            fix="ask another administrator to do it (or use 'shakti users' on the server)",
        )


@router.get("", summary="List users (admins)", responses=PROBLEM_RESPONSES)
def list_users(state: State, admin: Admin) -> list[AccountOut]:
    """Return every user with role, thana and whether they are disabled, by name."""
    return [_out(user) for user in state.users.list_users()]


@router.post("", status_code=201, summary="Create a user (admins)", responses=PROBLEM_RESPONSES)
def create_user(
    request: Request, state: State, admin: Admin, body: UserCreate
) -> AccountWithPassword:
    """Create a user; the generated password (when none is given) is in the answer, once."""
    known = _known_thanas(state) if body.role is Role.INCHARGE else None
    password = body.password if body.password is not None else generate_password()
    user = state.users.add(
        body.name, body.role, password=password, thana=body.thana, known_thanas=known
    )
    add_audit_detail(request, name=user.name, role=user.role.value, user_thana=user.thana)
    return AccountWithPassword(user=_out(user), password=None if body.password else password)


@router.patch("/{name}", summary="Change or disable a user (admins)", responses=_USER_RESPONSES)
def update_user(
    request: Request, state: State, admin: Admin, name: UserName, body: UserPatch
) -> AccountOut:
    """Change a user's role or thana, or disable / enable them; their sessions end at once.

    An administrator may not disable or demote themselves (422).
    """
    current = _existing(state, name)
    if body.disabled:
        _not_yourself(admin, name, "disable")
    if body.role is not None and body.role is not Role.ADMIN:
        _not_yourself(admin, name, "demote")
    wants_thanas = body.thana is not None or body.role is Role.INCHARGE
    user = state.users.update(
        name,
        role=body.role,
        thana=body.thana,
        disabled=body.disabled,
        known_thanas=_known_thanas(state) if wants_thanas else None,
    )
    changed = [
        field
        for field, before, after in (
            ("role", current.role, user.role),
            ("thana", current.thana, user.thana),
            ("disabled", current.disabled, user.disabled),
        )
        if before != after
    ]
    add_audit_detail(request, changed=changed, role=user.role.value, disabled=user.disabled)
    return _out(user)


@router.post(
    "/{name}/password", summary="Reset a user's password (admins)", responses=_USER_RESPONSES
)
def reset_password(
    request: Request,
    state: State,
    admin: Admin,
    name: UserName,
    body: PasswordIn | None = None,
) -> AccountWithPassword:
    """Set a new password (generated and returned once when none is given).

    The user's sessions end at once and their failed-login count is cleared.
    """
    _existing(state, name)
    given = body.password if body is not None else None
    password = given if given is not None else generate_password()
    user = state.users.set_password(name, password)
    login_throttle(request, state).reset(name)
    add_audit_detail(request, generated=given is None)
    return AccountWithPassword(user=_out(user), password=None if given else password)


@router.delete(
    "/{name}",
    status_code=204,
    summary="Remove a user (admins)",
    response_class=Response,
    responses=_USER_RESPONSES,
)
def remove_user(state: State, admin: Admin, name: UserName) -> None:
    """Remove a user; their tokens stop working at once. Not oneself (422)."""
    _existing(state, name)
    _not_yourself(admin, name, "remove")
    state.users.remove(name)
