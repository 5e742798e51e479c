"""Service commands of the ``shakti`` command line: ``serve`` and ``users add`` / ``users list``."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.table import Table

from api.cli_common import JsonOpt, P, R, StoreOpt, command, console, group, settings
from api.users import Role, User, UserStore, generate_password, users_path
from geo.schema import NAME, THANA, LayerKind
from geo.store import Store, open_store

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


def _users_command(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a ``users`` sub-command whose domain errors exit with status 2."""
    return command(name, group=users_app)


def _store_path(store: Path | None) -> Path:
    return store if store is not None else settings().store


def _users_for(store_path: Path) -> UserStore:
    return UserStore(users_path(settings().users_db, store_path))


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
    users : api.users.UserStore

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

    from api.app import create_app

    cfg = settings()
    path = _store_path(store)
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
    uvicorn.run(web, host=host, port=port, log_level="info")


@_users_command("add")
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
        bool, typer.Option("--replace", help="Reset an existing user (role, thana, password).")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Add a user of the web service."""
    path = _store_path(store)
    known = _thana_names(open_store(path)) if role is Role.INCHARGE else None
    generated = password is None
    secret = password if password is not None else generate_password()
    users = _users_for(path)
    try:
        user = users.add(
            name, role, password=secret, thana=thana, known_thanas=known, replace=replace
        )
    finally:
        users.close()
    where = f" of thana {user.thana}" if user.thana else ""
    console.print(f"user {user.name} ({user.role.value}{where}) saved in {users.path}")
    if generated:
        console.print(f"password: {secret}  (shown once; give it to the user privately)")


@_users_command("list")
def users_list_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List the users of the web service (never their passwords)."""
    users = _users_for(_store_path(store))
    try:
        everyone = users.list_users()
    finally:
        users.close()
    table = Table(title=f"users in {users.path}")
    for col in ("user", "role", "thana", "created"):
        table.add_column(col)
    for user in everyone:
        table.add_row(user.name, user.role.value, user.thana or "all", user.created_at)
    console.print(table)
    if as_json:
        rows = [{"name": u.name, "role": u.role.value, "thana": u.thana} for u in everyone]
        typer.echo(json.dumps({"users": rows}))
