"""Saved patrol plans on the command line: ``shakti patrol list|show|issue|done|cancel|export``."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from api.cli.common import (
    JsonOpt,
    SheetLangOpt,
    StoreOpt,
    command,
    console,
    service_config,
    store_at,
)
from api.cli.patrol import PLAN_ID_FILE, patrol_app
from api.cli.tables import table
from api.usecases.plans import CLI_ACTOR, CLI_AUTHOR, change_status, get_plan, list_plans
from geo.errors import ShaktiError
from geo.i18n import _, format_date, format_int, pgettext, thana_display
from geo.store import Store
from geo.store.plans import StoredPlan

logger = logging.getLogger(__name__)

#: The role the audit log gives the command line (as for ``shakti users``).
CLI_AUDIT_ROLE: Final = "operator"
#: Audit status of a change that succeeded, was refused, or failed.
_OK, _REFUSED, _FAILED = 200, 409, 500

PlanIdArg = Annotated[str, typer.Argument(help="The plan's id (see `shakti patrol list`).")]
StatusOpt = Annotated[
    str | None,
    typer.Option("--status", help="Only plans with this status: draft, issued, done, cancelled."),
]
ListThanaOpt = Annotated[str | None, typer.Option("--thana", help="Only plans of this thana.")]


def audit_file(store: Store) -> Path | None:
    """Return the users and audit file of a store, or ``None`` when there is none to write.

    A GeoPackage store's file sits beside it; a database store needs ``SHAKTI_USERS_DB``.
    """
    from api.service.users import users_path

    try:
        return users_path(service_config().users_db, store.location)
    except ShaktiError:
        return None


@contextmanager
def audited(store: Store, action: str, plan_id: str, **details: Any) -> Iterator[dict[str, Any]]:
    """Write one audit entry for a change of a saved plan, whether it succeeds or not.

    The entry goes to the audit log of the web service (route ``shakti patrol <action>``,
    user :data:`api.usecases.plans.CLI_AUTHOR`, the plan id and details as parameters).
    Without a users file (a database store and no ``SHAKTI_USERS_DB``) the change is logged
    only, and the command says so. The block may add details to the dict it gets (the id
    of a new plan).
    """
    from api.service.audit import AuditEntry, AuditLog, outcome_of

    at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    started = time.perf_counter()
    status = _FAILED
    params: dict[str, Any] = {"plan_id": plan_id, **details}
    try:
        yield params
        status = _OK
    except ShaktiError:
        status = _REFUSED
        raise
    finally:
        path = audit_file(store)
        if path is None:
            console.print(_("[yellow]note:[/yellow] no audit file (set SHAKTI_USERS_DB)"))
        else:
            log = AuditLog(path)
            try:
                log.record(
                    AuditEntry(
                        at=at,
                        user=CLI_AUTHOR,
                        role=CLI_AUDIT_ROLE,
                        method="POST",
                        route=f"shakti patrol {action}",
                        path=f"shakti patrol {action}",
                        params=params,
                        thana=params.get("thana"),
                        status=status,
                        outcome=outcome_of(status),
                        duration_ms=(time.perf_counter() - started) * 1000.0,
                    )
                )
            finally:
                log.close()


def status_name(status: str) -> str:
    """Return a plan status in the current language."""
    names = {
        "draft": pgettext("plan status", "draft"),
        "issued": pgettext("plan status", "issued"),
        "done": pgettext("plan status", "done"),
        "cancelled": pgettext("plan status", "cancelled"),
    }
    return names.get(status, status)


def _created(meta: StoredPlan) -> str:
    try:
        return format_date(dt.datetime.fromisoformat(meta.created_at).date())
    except ValueError:
        return meta.created_at


@command("list", group=patrol_app, lang=True)
def patrol_list_cmd(
    store: StoreOpt = None,
    thana: ListThanaOpt = None,
    status: StatusOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the saved patrol plans, newest first: id, thana, status, days, author."""
    plans = list_plans(store_at(store), CLI_ACTOR, status=status)
    if thana is not None:
        plans = [p for p in plans if p.thana == thana]
    columns = (
        (pgettext("plan table", "id"), False),
        (pgettext("plan table", "thana"), False),
        (pgettext("plan table", "status"), False),
        (pgettext("plan table", "start"), False),
        (pgettext("plan table", "days"), True),
        (pgettext("plan table", "made"), False),
        (pgettext("plan table", "by"), False),
    )
    shown = table(_("saved patrol plans"), columns)
    shown.columns[0].no_wrap = True
    shown.columns[0].min_width = 12
    for p in plans:
        shown.add_row(
            p.plan_id,
            thana_display(p.thana) if p.thana else _("every thana"),
            status_name(p.status),
            format_date(dt.date.fromisoformat(p.start)),
            format_int(p.days),
            _created(p),
            p.author,
        )
    console.print(shown)
    if as_json:
        typer.echo(json.dumps({"plans": [p.meta() for p in plans]}, ensure_ascii=False))


@command("show", group=patrol_app, lang=True)
def patrol_show_cmd(plan_id: PlanIdArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show a saved plan: status, who made it from which data, and its teams and stops."""
    from models.patrol.export import summary

    plan, meta = get_plan(store_at(store), CLI_ACTOR, plan_id)
    console.print(
        _("plan {id}: {status}; made {made} by {by}; data {data}").format(
            id=meta.plan_id,
            status=status_name(meta.status),
            made=_created(meta),
            by=meta.author,
            data=meta.data_version[:19],
        )
    )
    columns = (
        (pgettext("patrol table", "day"), True),
        (pgettext("patrol table", "team"), False),
        (pgettext("patrol table", "stops"), True),
    )
    shown = table(_("routes"), columns)
    for route in plan.routes:
        shown.add_row(format_int(route.day + 1), route.team.team, format_int(len(route.stops)))
    console.print(shown)
    if as_json:
        typer.echo(json.dumps({**meta.meta(), "summary": summary(plan)}, ensure_ascii=False))


def _change(store: Path | None, plan_id: str, action: str, as_json: bool) -> None:
    opened = store_at(store)
    with audited(opened, action, plan_id) as details:
        meta = change_status(opened, CLI_ACTOR, plan_id, action)
        details.update(thana=meta.thana, status=meta.status)
    console.print(
        _("plan {id} is now {status}").format(id=plan_id, status=status_name(meta.status))
    )
    if as_json:
        typer.echo(json.dumps(meta.meta(), ensure_ascii=False))


@command("issue", group=patrol_app, lang=True)
def patrol_issue_cmd(plan_id: PlanIdArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Issue a saved plan to the teams (again, if issued before); audited."""
    _change(store, plan_id, "issue", as_json)


@command("done", group=patrol_app, lang=True)
def patrol_done_cmd(plan_id: PlanIdArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Mark an issued plan as done (final); audited."""
    _change(store, plan_id, "done", as_json)


@command("cancel", group=patrol_app, lang=True)
def patrol_cancel_cmd(plan_id: PlanIdArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Cancel a draft or issued plan (final); audited."""
    _change(store, plan_id, "cancel", as_json)


@command("export", group=patrol_app, lang=True)
def patrol_export_cmd(
    plan_id: PlanIdArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the plan's files.")],
    store: StoreOpt = None,
    sheet_lang: SheetLangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a saved plan's files: JSON and CSV tables, sheets, a GPX and KML per team and day."""
    from maps.field_files import write_field_files
    from maps.patrol_sheet import write_sheets
    from models.patrol.export import write_plan

    plan, meta = get_plan(store_at(store), CLI_ACTOR, plan_id)
    files = write_plan(plan, out)
    sheets = write_sheets(plan, out, sheet_lang=sheet_lang)
    field = write_field_files(plan, out)
    (out / PLAN_ID_FILE).write_text(plan_id + "\n", encoding="utf-8")
    console.print(
        _("plan {id} ({status}) written to {out}: {sheets} sheets, {field} GPX and KML files")
        .format(id=plan_id, status=status_name(meta.status), out=out,
                sheets=format_int(len(sheets)), field=format_int(len(field) - 1))
    )  # fmt: skip
    if as_json:
        summary = {
            **meta.meta(),
            "out": str(out),
            "files": {k: str(v) for k, v in files.items()},
            "sheets": len(sheets),
            "field_files": [str(p) for p in field],
        }
        typer.echo(json.dumps(summary, ensure_ascii=False))
