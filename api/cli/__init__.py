"""The ``shakti`` command line: its command groups, registered here, and the entry point."""

from __future__ import annotations

import logging
from typing import Final

import typer
from rich.logging import RichHandler

from api.cli import analysis, audit, backup, cctv, data, forecast, maps, patrol, service
from api.cli.common import app, err_console

#: Modules whose top-level commands register themselves on :data:`api.cli.common.app`
#: (``@command``) when imported: ``hotspots``, ``backup``, ``import``, ``serve`` ...
COMMAND_MODULES: Final = (analysis, backup, data, forecast, service)
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
