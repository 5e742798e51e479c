"""Shared pieces of the ``shakti`` command line: the app, consoles, options, error handling."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from geo.errors import ShaktiError
from geo.settings import Settings, get_settings
from geo.store import Store, open_store

app = typer.Typer(
    name="shakti",
    help="Shakti Hotspots: hotspot analysis and patrol planning for women's-safety units.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def group(name: str, help_text: str) -> typer.Typer:
    """Return a new sub-command group ``shakti NAME ...`` (registered in :mod:`api.cli`)."""
    return typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


def command(
    name: str, *, group: typer.Typer | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a command whose domain errors become a clear message and exit status 2.

    Parameters
    ----------
    name : str
        The command's name.
    group : typer.Typer, optional
        A sub-command group (``shakti map``, ``shakti cctv`` ...); default the top level.
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except ShaktiError as exc:
                err_console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from exc

        (group if group is not None else app).command(name)(wrapper)
        return wrapper

    return decorate


StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Store file (default: SHAKTI_STORE or ./shakti-store.gpkg)."),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="Column mapping SRC=DST (repeatable), or @FILE (.json object or two-column CSV).",
    ),
]
RegionOpt = Annotated[
    str | None,
    typer.Option("--region", help="Region: a polygon file or W,S,E,N in degrees."),
]
DefaultOpt = Annotated[
    list[str] | None,
    typer.Option("--default", help="FIELD=VALUE for a missing column or empty cells (repeatable)."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print a one-line JSON summary as the last line.")
]
FixSwappedOpt = Annotated[
    bool,
    typer.Option(
        "--fix-swapped", help="Accept rows whose lat/lon are swapped, swapping them back."
    ),
]


def settings() -> Settings:
    """Return the process settings (``SHAKTI_*``)."""
    return get_settings()


def store_at(path: Path | None) -> Store:
    """Open the store at ``path``, or the configured one (SHAKTI_DATABASE_URL or SHAKTI_STORE)."""
    return open_store(path if path is not None else settings().store_location)
