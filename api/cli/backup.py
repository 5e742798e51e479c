"""Backup commands of the ``shakti`` command line: ``backup`` and ``restore``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import JsonOpt, StoreOpt, command, console, service_config, settings
from api.service.backup import BackupResult, Manifest, RestoreResult, write_backup
from api.service.restore import restore_backup
from api.service.users import users_path

#: Printed after every backup.
_KEEP_SAFE = (
    "the file holds password hashes and the token secret: keep it where only admins read it"
)


def _targets(store: Path | None) -> tuple[str | Path, Path]:
    """Return the store and its users file.

    The store is ``--store``, else SHAKTI_DATABASE_URL, else SHAKTI_STORE; the users file is
    SHAKTI_USERS_DB or beside the store.
    """
    location = store if store is not None else settings().store_location
    return location, users_path(service_config().users_db, location)


def _rows_table(title: str, manifest: Manifest) -> Table:
    """Return a table of what an archive holds: store version, rows per layer, users."""
    table = Table(title=title, show_header=False)
    table.add_row("taken at (UTC)", manifest.created_at.strftime("%Y-%m-%d %H:%M:%S"))
    table.add_row("written by", f"Shakti {manifest.app_version}, SQLite {manifest.sqlite_version}")
    if manifest.store.kind == "geopackage":
        table.add_row("store version", str(manifest.store.version))
        for layer, rows in manifest.store.layers.items():
            table.add_row(f"  {layer}", f"{rows:,}")
        table.add_row("  quarantine lines", f"{manifest.store.quarantine or 0:,}")
        table.add_row("  imports", f"{manifest.store.imports or 0:,}")
    else:
        table.add_row("store", "PostGIS (not in the archive: use pg_dump / pg_restore)")
    if manifest.users is not None:
        for name, rows in manifest.users.items():
            table.add_row(f"users file: {name}", f"{rows:,}")
    return table


def _backup_table(result: BackupResult) -> Table:
    table = _rows_table(f"backup {result.path}", result.manifest)
    table.add_row("size", f"{result.size / 1e6:.1f} MB")
    table.add_row("took", f"{result.seconds:.2f} s")
    return table


def _restore_table(result: RestoreResult) -> Table:
    table = _rows_table("restored", result.manifest)
    for member, path in result.restored.items():
        table.add_row(f"{member} →", str(path))
    for member, path in result.kept.items():
        table.add_row(f"previous {member} kept as", str(path))
    table.add_row("took", f"{result.seconds:.2f} s")
    return table


def _show(
    result: BackupResult | RestoreResult, table: Table, as_json: bool, *, advice: str = ""
) -> None:
    """Print a backup's or restore's table, notes and advice, then the JSON summary if asked."""
    console.print(table)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    if advice:
        console.print(advice)
    if as_json:
        typer.echo(json.dumps(result.summary()))


@command("backup")
def backup_cmd(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Archive to write (.zip); a folder gets shakti-backup-<UTC time>.zip."
        ),
    ],
    store: StoreOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing archive file.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a consistent backup of the store and the users file, safe while the service runs."""
    location, users_file = _targets(store)
    with console.status("backing up …"):
        result = write_backup(out, store_location=location, users_file=users_file, overwrite=force)
    _show(result, _backup_table(result), as_json, advice=_KEEP_SAFE)


@command("restore")
def restore_cmd(
    archive: Annotated[Path, typer.Argument(help="A file written by shakti backup.")],
    store: StoreOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace an existing store and users file (kept beside as *.replaced-<time>).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check a backup completely, then put its store and users file in place (service stopped)."""
    location, users_file = _targets(store)
    with console.status("checking and restoring …"):
        result = restore_backup(
            archive, store_location=location, users_file=users_file, force=force
        )
    _show(result, _restore_table(result), as_json)
