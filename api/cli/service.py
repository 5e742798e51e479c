"""Service commands of the ``shakti`` command line: ``serve`` and the ``users`` commands."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.table import Table

from api.cli.common import (
    JsonOpt,
    StoreOpt,
    check_store_exists,
    command,
    console,
    group,
    service_config,
    settings,
    store_at,
)
from api.service.users import Role, User, UserStore, generate_password, users_path
from geo.errors import ParameterError
from geo.schema import NAME, THANA, LayerKind
from geo.store import Store

logger = logging.getLogger(__name__)

users_app = group(
    "users",
    "Users of the web service (roles: admin, planner, incharge, analyst).",
)

#: Names of the users ``shakti serve --demo-users`` creates.
DEMO_USERS: Final = (
    ("demo-admin", Role.ADMIN),
    ("demo-planner", Role.PLANNER),
    ("demo-incharge", Role.INCHARGE),
)


#: Who the audit log names for a change made with ``shakti users`` (no account name is kept).
CLI_AUDIT_USER: Final = "shakti-cli"
#: The role the audit log gives the command line: whoever can run it owns the users file.
CLI_AUDIT_ROLE: Final = "operator"
#: Audit status of a command line change that succeeded, was refused, or failed.
_CLI_OK, _CLI_REFUSED, _CLI_FAILED = 200, 422, 500
#: Audit method of each ``shakti users`` change: that of the ``/users`` route doing the same.
CLI_AUDIT_METHODS: Final = {
    "add": "POST",
    "disable": "PATCH",
    "enable": "PATCH",
    "set": "PATCH",
    "passwd": "POST",
    "remove": "DELETE",
}

UserNameArg = Annotated[str, typer.Argument(help="User name.")]
PasswordOpt = Annotated[
    str | None,
    typer.Option("--password", help="Password (default: a generated one, printed once)."),
]


@contextmanager
def audited_change(users_file: Path, action: str, name: str, **details: Any) -> Iterator[None]:
    """Write one audit entry for a ``shakti users`` change, whether it succeeds or not.

    The entry goes into the same audit log as the web service's requests: route
    ``shakti users <action>``, the method of the ``/users`` route doing the same change
    (:data:`CLI_AUDIT_METHODS`), the user name and details as parameters (never a password).

    Parameters
    ----------
    users_file : Path
        The users and audit file.
    action : str
        The sub-command (``add``, ``disable`` ...).
    name : str
        The user changed.
    **details
        JSON-ready values (role, thana, ...).
    """
    from api.service.audit import USERS_CLI_ROUTE, AuditEntry, AuditLog, outcome_of

    at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    started = time.perf_counter()
    status = _CLI_FAILED
    try:
        yield
        status = _CLI_OK
    except ParameterError:
        status = _CLI_REFUSED
        raise
    finally:
        log = AuditLog(users_file)
        try:
            log.record(
                AuditEntry(
                    at=at,
                    user=CLI_AUDIT_USER,
                    role=CLI_AUDIT_ROLE,
                    method=CLI_AUDIT_METHODS[action],
                    route=USERS_CLI_ROUTE + action,
                    path=USERS_CLI_ROUTE + action,
                    params={"name": name, **details},
                    thana=None,
                    status=status,
                    outcome=outcome_of(status),
                    duration_ms=(time.perf_counter() - started) * 1000.0,
                )
            )
        finally:
            log.close()


def _store_path(store: Path | None) -> Path:
    return store if store is not None else settings().store


def _users_for(store_path: Path) -> UserStore:
    return UserStore(users_path(service_config().users_db, store_path))


@contextmanager
def _user_change(store: Path | None, action: str, name: str, **details: Any) -> Iterator[UserStore]:
    """Open the users file of ``store`` for one audited change (see :func:`audited_change`)."""
    users = _users_for(_store_path(store))
    try:
        with audited_change(users.path, action, name, **details):
            yield users
    finally:
        users.close()


def _thana_names(store: Store) -> list[str]:
    return sorted(str(n) for n in store.read(LayerKind.THANAS)[NAME])


def _busiest_thana(store: Store) -> str | None:
    """Return the thana with the most incidents (ties: first by name), for the demo in-charge."""
    incidents = store.read(LayerKind.INCIDENTS)
    counts = incidents[THANA].dropna().astype(str).value_counts()
    if counts.empty:
        names = _thana_names(store)
        return names[0] if names else None
    best = int(counts.max())
    return sorted(str(k) for k, v in counts.items() if int(v) == best)[0]


def create_demo_users(store: Store, users: UserStore) -> list[tuple[User, str]]:
    """Create (or reset) the demo admin, planner and in-charge with fresh passwords.

    Parameters
    ----------
    store : geo.store.Store
        The in-charge gets the thana with the most incidents.
    users : api.service.users.UserStore

    Returns
    -------
    list of (User, password)
    """
    thana = _busiest_thana(store)
    made: list[tuple[User, str]] = []
    for name, role in DEMO_USERS:
        if role is Role.INCHARGE and thana is None:
            logger.warning("no thanas in the store: no demo in-charge")
            continue
        password = generate_password()
        user = users.add(
            name,
            role,
            password=password,
            thana=thana if role is Role.INCHARGE else None,
            replace=True,
        )
        made.append((user, password))
    return made


@command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.", min=1, max=65535)] = 8000,
    store: StoreOpt = None,
    demo_users: Annotated[
        bool,
        typer.Option(
            "--demo-users",
            help="Create (or reset) demo-admin, demo-planner and demo-incharge; print passwords.",
        ),
    ] = False,
) -> None:
    """Run the web service (API, maps and the web page) with uvicorn."""
    import uvicorn

    from api.service.app import create_app

    cfg = service_config()
    if store is None and cfg.database_url:
        web = create_app(cfg)  # the PostGIS store of SHAKTI_DATABASE_URL
    else:
        path = _store_path(store)
        check_store_exists(path)
        web = create_app(cfg, store_path=path)
    if demo_users:
        state = web.state.service
        table = Table(title="demo users (SYNTHETIC data only; passwords change every start)")
        for col in ("user", "role", "thana", "password"):
            table.add_column(col)
        for user, password in create_demo_users(state.store, state.users):
            table.add_row(user.name, user.role.value, user.thana or "all", password)
        console.print(table)
    console.print(f"open http://{host}:{port}")
    # proxy headers are believed only from SHAKTI_TRUSTED_PROXIES (create_app), never from
    # uvicorn's default 127.0.0.1; no "server: uvicorn" header
    uvicorn.run(
        web, host=host, port=port, log_level="info", proxy_headers=False, server_header=False
    )


@command("add", group=users_app)
def users_add_cmd(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[Role, typer.Option("--role", help="admin, planner, incharge or analyst.")],
    thana: Annotated[
        str | None, typer.Option("--thana", help="The in-charge's thana (required for them).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="Password (default: a generated one, printed once)."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Reset an existing user (role, thana, password); their sessions end.",
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Add a user of the web service."""
    path = _store_path(store)
    known = _thana_names(store_at(path)) if role is Role.INCHARGE else None
    generated = password is None
    secret = password if password is not None else generate_password()
    details = {"role": role.value, "user_thana": thana, "replace": replace}
    with _user_change(path, "add", name, **details) as users:
        user = users.add(
            name, role, password=secret, thana=thana, known_thanas=known, replace=replace
        )
    where = f" of thana {user.thana}" if user.thana else ""
    console.print(f"user {user.name} ({user.role.value}{where}) saved in {users.path}")
    if generated:
        console.print(f"password: {secret}  (shown once; give it to the user privately)")


@command("list", group=users_app)
def users_list_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List the users of the web service (never their passwords)."""
    users = _users_for(_store_path(store))
    try:
        everyone = users.list_users()
    finally:
        users.close()
    table = Table(title=f"users in {users.path}")
    for col in ("user", "role", "thana", "created", "status"):
        table.add_column(col)
    for user in everyone:
        status = "disabled" if user.disabled else "active"
        table.add_row(user.name, user.role.value, user.thana or "all", user.created_at, status)
    console.print(table)
    if as_json:
        rows = [{"name": u.name, "role": u.role.value, "thana": u.thana} for u in everyone]
        typer.echo(json.dumps({"users": rows}))


def _user_step(
    action: str, change: Callable[[UserStore, str], object], done: str, doc: str
) -> Callable[..., None]:
    """Register ``shakti users ACTION NAME``: one audited change of a user, then ``done``."""

    def run(name: UserNameArg, store: StoreOpt = None) -> None:
        with _user_change(store, action, name) as users:
            change(users, name)
        console.print(done.format(name=name))

    run.__name__ = run.__qualname__ = f"users_{action}_cmd"
    run.__doc__ = doc
    return command(action, group=users_app)(run)


users_disable_cmd = _user_step(
    "disable",
    UserStore.disable,
    "user {name} disabled; their sessions have ended",
    "Disable a user: they cannot log in and their tokens stop working at once.",
)
users_enable_cmd = _user_step(
    "enable",
    UserStore.enable,
    "user {name} enabled",
    "Enable a disabled user again (they log in anew).",
)
users_remove_cmd = _user_step(
    "remove",
    UserStore.remove,
    "user {name} removed",
    "Remove a user; their tokens stop working at once.",
)


@command("passwd", group=users_app)
def users_passwd_cmd(
    name: UserNameArg, password: PasswordOpt = None, store: StoreOpt = None
) -> None:
    """Set a user's password (printed once when generated); their sessions end."""
    from api.service.throttle import LoginThrottle

    secret = password if password is not None else generate_password()
    with _user_change(store, "passwd", name, generated=password is None) as users:
        users.set_password(name, secret)
    LoginThrottle.from_settings(users.path, service_config()).reset(name)
    console.print(f"password of {name} set; their sessions have ended")
    if password is None:
        console.print(f"password: {secret}  (shown once; give it to the user privately)")


@command("set", group=users_app)
def users_set_cmd(
    name: UserNameArg,
    role: Annotated[
        Role | None, typer.Option("--role", help="New role: admin, planner, incharge or analyst.")
    ] = None,
    thana: Annotated[str | None, typer.Option("--thana", help="New thana of an in-charge.")] = None,
    store: StoreOpt = None,
) -> None:
    """Change a user's role or thana; their sessions end."""
    path = _store_path(store)
    needs_thanas = thana is not None or role is Role.INCHARGE
    known = _thana_names(store_at(path)) if needs_thanas else None
    details = {"role": role.value if role else None, "user_thana": thana}
    with _user_change(path, "set", name, **details) as users:
        user = users.update(name, role=role, thana=thana, known_thanas=known)
    where = f" of thana {user.thana}" if user.thana else ""
    console.print(f"user {user.name} is now {user.role.value}{where}")
