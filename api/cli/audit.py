"""Audit commands of the ``shakti`` command line: ``shakti audit export``."""

from __future__ import annotations

import datetime as dt
import json
import logging
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from api.cli.common import JsonOpt, StoreOpt, command, console, group, service_config
from api.cli.tables import check_not_store
from api.service.audit import AuditLog, check_period, counts_table, entries_table
from api.service.users import users_path
from geo.csv_safe import write_csv
from geo.errors import ParameterError, StoreError
from geo.table_export import write_table

logger = logging.getLogger(__name__)

audit_app = group("audit", "The service's audit log: who asked what, when, and the outcome.")


class ExportFormat(StrEnum):
    """File format of ``shakti audit export``."""

    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(
            f"{option} {value!r} is not a day", fix="write it as YYYY-MM-DD (UTC)"
        ) from None


def _open(store: Path | None, out: Path) -> AuditLog:
    """Open the audit log of ``store``'s service, refusing an ``out`` that is it or a store."""
    cfg = service_config()
    path = users_path(cfg.users_db, store if store is not None else cfg.store_location)
    check_not_store(out)
    if out.exists() and path.exists() and out.samefile(path):
        raise ParameterError(
            f"refusing to write {out.name}: it is the service's users and audit file",
            why="the export would replace the users and the log it reads",
            fix="write the export to another file",
        )
    if not path.exists():
        raise StoreError(
            f"no users and audit file {path.name} for this store",
            why="the audit log is written by the web service (shakti serve)",
            fix="give the --store the service runs on, or set SHAKTI_USERS_DB",
        )
    return AuditLog(path, retention_days=cfg.audit_retention_days)


@command("export", group=audit_app)
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="File to write (.csv, .json or .xlsx).")],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", help="csv, json or xlsx (default: from the --out extension, csv)."
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day (UTC, YYYY-MM-DD), included.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (UTC, YYYY-MM-DD), included.")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's requests.")] = None,
    counts: Annotated[
        bool,
        typer.Option("--counts", help="Export the anonymous request counters instead."),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export the audit log (newest first; CSV is spreadsheet-safe) of a store's service."""
    first, last = _day(start, "--from"), _day(end, "--to")
    check_period(first, last)
    if counts and user is not None:
        raise ParameterError(
            "--user does not apply to --counts",
            why="the counters are of anonymous requests, which have no user",
            fix="leave out --user, or --counts",
        )
    by_suffix = {".json": ExportFormat.JSON, ".xlsx": ExportFormat.XLSX}
    chosen = fmt or by_suffix.get(out.suffix.lower(), ExportFormat.CSV)
    log = _open(store, out)
    try:
        written = 0
        out.parent.mkdir(parents=True, exist_ok=True)
        if counts:
            rows = log.counts(start=first, end=last)
            written = len(rows)
            if chosen is ExportFormat.CSV:
                write_csv(counts_table(rows), out)
            elif chosen is ExportFormat.XLSX:
                write_table(counts_table(rows), out, sheet="counters")
            else:
                text = json.dumps([c.as_dict() for c in rows], ensure_ascii=False, indent=1)
                out.write_text(text + "\n", encoding="utf-8")
        elif chosen is ExportFormat.XLSX:
            pages = [
                entries_table(page) for page in log.iter_entries(user=user, start=first, end=last)
            ]
            written = sum(len(page) for page in pages)
            table = pd.concat(pages, ignore_index=True) if pages else entries_table([])
            write_table(table, out, sheet="audit")
        elif chosen is ExportFormat.CSV:
            write_csv(entries_table([]), out)
            for page in log.iter_entries(user=user, start=first, end=last):
                write_csv(entries_table(page), out, append=True)
                written += len(page)
        else:
            with out.open("w", encoding="utf-8") as file:
                file.write("[")
                for page in log.iter_entries(user=user, start=first, end=last):
                    for entry in page:
                        file.write(",\n" if written else "\n")
                        file.write(json.dumps(entry.as_dict(), ensure_ascii=False))
                        written += 1
                file.write("\n]\n")
    finally:
        log.close()
    what = "counters" if counts else "entries"
    console.print(f"{written} audit {what} written to {out}")
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "command": "audit export",
                    "format": chosen.value,
                    "what": what,
                    "rows": written,
                    "from": start,
                    "to": end,
                    "user": user,
                    "out": str(out),
                }
            )
        )
