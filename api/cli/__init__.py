"""The ``shakti`` command line: its command groups, registered here, and the entry point."""

from __future__ import annotations

import logging
from typing import Final

import typer
from rich.logging import RichHandler

from api.cli import (
    analysis,
    audit,
    backup,
    cctv,
    data,
    forecast,
    maps,
    patrol,
    plans,
    review,
    service,
    visits,
)
from api.cli.common import app, err_console

#: Modules whose top-level commands register themselves on :data:`api.cli.common.app`
#: (``@command``) when imported: ``hotspots``, ``backup``, ``import``, ``serve`` ...
COMMAND_MODULES: Final = (analysis, backup, data, forecast, review, service)
#: Modules adding commands to a group of :data:`GROUPS` when imported (``shakti patrol list`` ...).
GROUP_COMMAND_MODULES: Final = (plans,)
#: Modules adding a sub-group to a group (``shakti patrol log ...``) when imported.
SUBGROUP_MODULES: Final = (visits,)
#: Every command group ``shakti NAME ...``, in the order the help lists them.
GROUPS: Final[tuple[tuple[str, typer.Typer], ...]] = (
    ("audit", audit.audit_app),
    ("cctv", cctv.cctv_app),
    ("map", maps.map_app),
    ("patrol", patrol.patrol_app),
    ("users", service.users_app),
)
for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)

__all__ = ["app", "main"]


def main() -> None:
    """Run the ``shakti`` command line (entry point)."""
    logging.basicConfig(
        level=logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )
    app()
