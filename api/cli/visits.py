"""Visit-log commands: ``shakti patrol log import FILE`` (a spreadsheet or a team's GPS track)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import JsonOpt, StoreOpt, command, console, group, settings, store_at
from api.cli.data import finish_import, print_import
from api.cli.patrol import patrol_app
from api.cli.tables import check_table_path, table, write_rows
from api.usecases.effect import EFFECT_DEFAULTS
from geo.i18n import _, format_int
from geo.ingest.visit_rules import PlanStops
from geo.store import Store

logger = logging.getLogger(__name__)

log_app = group(
    "log",
    "Visits of a plan's stops back from the field: import a visit log or a GPS track.",
)
patrol_app.add_typer(log_app, name="log")


def plan_stops_for(plan_id: str | None, plan_json: Path | None, store: Store) -> PlanStops | None:
    """Return the stops of the plan a log belongs to: the saved plan, or a plan JSON file.

    Raises
    ------
    geo.errors.PlanNotFoundError
        ``--plan`` names no plan saved in the store (and no ``--plan-json`` is given).
    geo.errors.PlanStatusError
        The saved plan is a draft or cancelled (only issued and done plans take visits).
    """
    from api.usecases.plans import check_takes_visits
    from api.usecases.visits import stops_from_json_file, stops_of
    from models.patrol.saved import load_plan

    if plan_json is not None:
        return stops_from_json_file(plan_json, plan_id)
    if plan_id is None:
        return None
    loaded = load_plan(store, plan_id)
    check_takes_visits(loaded.meta)
    return stops_of(plan_id, lambda _pid: loaded.plan)


@command("import", group=log_app, lang=True)
def log_import_cmd(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="Visit log (CSV, XLSX, ...; preset patrol-visit-log) or a GPS track (.gpx).",
        ),
    ],
    plan: Annotated[
        str | None, typer.Option("--plan", help="Id of the plan the visits belong to.")
    ] = None,
    plan_json: Annotated[
        Path | None,
        typer.Option(
            "--plan-json",
            exists=True,
            dir_okay=False,
            help="The plan's JSON (plan.json of `shakti patrol plan`, or GET /patrol/plans/ID) "
            "instead of the plan saved in the store.",
        ),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="GPS track: the team whose track it is.")
    ] = None,
    radius_m: Annotated[
        float, typer.Option("--radius-m", help="GPS track: metres from a stop counted as there.")
    ] = 75.0,
    min_dwell_min: Annotated[
        float,
        typer.Option("--min-dwell-min", help="GPS track: shortest stay (minutes) that is a visit."),
    ] = 3.0,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import visits: each row is checked against the plan's stops and quarantined if wrong."""
    from api.usecases.visits import TrackOptions, import_visit_log

    target = store_at(store)
    stops = plan_stops_for(plan, plan_json, target)
    options = TrackOptions(team=team, radius_m=radius_m, min_dwell_min=min_dwell_min)
    with console.status(_("importing {file} …").format(file=path.name)):
        result = import_visit_log(path, target, settings(), stops=stops, track=options)
    print_import(result, title=_("import into {location}").format(location=target.location))
    finish_import(result, as_json)


@command("demo", group=log_app, lang=True)
def log_demo_cmd(
    plan: Annotated[
        str, typer.Option("--plan", help="Id of the (issued) plan to make up visits of.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="The SYNTHETIC visit log written (.csv), then imported."),
    ],
    seed: Annotated[int, typer.Option("--seed", help="Seed of every draw.")] = 0,
    miss_share: Annotated[
        float,
        typer.Option("--miss-share", help="Mean share of stops missed.", min=0.0, max=1.0),
    ] = 0.15,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write and import a SYNTHETIC visit log of a plan, to try dosage and follow-up (demo)."""
    from api.usecases.plans import check_takes_visits
    from api.usecases.visits import import_visit_log, stops_of
    from geo.csv_safe import write_csv
    from geo.demo.visits import synthetic_visit_log
    from geo.errors import ParameterError
    from models.patrol.export import plan_dict
    from models.patrol.saved import load_plan

    if out.suffix.lower() != ".csv":
        raise ParameterError(
            f"cannot write {out.name}: the synthetic visit log is written as CSV",
            fix="give --out a .csv file",
        )
    target = store_at(store)
    loaded = load_plan(target, plan)
    check_takes_visits(loaded.meta)
    stops = stops_of(plan, lambda _pid: loaded.plan)
    routes = plan_dict(loaded.plan)["routes"]
    log = synthetic_visit_log(routes, seed=seed, miss_share=miss_share)
    write_csv(log, out)
    console.print(
        _("wrote a SYNTHETIC visit log of plan {id} ({n} rows, seed {seed}) to {out}").format(
            id=plan, n=format_int(len(log)), seed=seed, out=out
        )
    )
    result = import_visit_log(out, target, settings(), stops=stops)
    print_import(result, title=_("import into {location}").format(location=target.location))
    finish_import(result, as_json)


@command("effect", group=patrol_app, lang=True)
def patrol_effect_cmd(
    thana: Annotated[
        str | None, typer.Option("--thana", help="Only the hotspots of this thana.")
    ] = None,
    window_days: Annotated[
        int,
        typer.Option("--window-days", help="Days before and after patrols started compared."),
    ] = EFFECT_DEFAULTS.window_days,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the bootstrap interval.")
    ] = EFFECT_DEFAULTS.seed,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Did patrols work? Patrolled hotspots against matched unpatrolled ones, before and after."""
    from api.usecases.effect import EffectRequest, effect_dict, patrol_effect_of

    q = EffectRequest(thana=thana, window_days=window_days, seed=seed)
    with console.status(_("comparing patrolled and unpatrolled hotspots …")):
        result = patrol_effect_of(store_at(store), settings(), q)
    console.print(result.text)
    if as_json:
        typer.echo(json.dumps(effect_dict(result), ensure_ascii=False))


@command("dosage", group=patrol_app, lang=True)
def patrol_dosage_cmd(
    thana: Annotated[
        str | None, typer.Option("--thana", help="Only the visits of this thana's stops.")
    ] = None,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", help="Weeks looked back on, ending with the latest visit's.", min=1
        ),
    ] = 4,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the table (.csv or .xlsx).")
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Minutes of presence per place and week against Koper's 10-15 minutes; missed visits."""
    from api.usecases.visits import dosage_dict, dosage_report

    if out is not None:
        check_table_path(out, "the dosage table")
    frame = dosage_report(store_at(store), settings(), thana=thana, weeks=weeks)
    report = dosage_dict(frame)
    _print_dosage(report)
    if out is not None:
        write_rows(frame.assign(week=frame["week"].astype(str)), out, layer_name="dosage")
        console.print(_("dosage table written to {out}").format(out=out))
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))


def _print_dosage(report: dict[str, Any]) -> None:
    """Print the dosage rows (at most 40) and the totals in the current language."""
    rows = report["rows"]
    if not rows:
        console.print(_("no visits recorded yet: `shakti patrol log import` adds them"))
        return
    shown = table(
        _("Minutes of presence per place and week (reference 10-15 min a visit)"),
        [
            (_("Place"), False),
            (_("Week"), False),
            (_("Planned"), True),
            (_("Visited"), True),
            (_("Cut short"), True),
            (_("Missed"), True),
            (_("Minutes"), True),
            (_("Min per visit"), True),
        ],
    )
    for column in shown.columns[:2]:
        column.no_wrap = True  # place ids and weeks are read whole
    for row in rows[:40]:
        per_visit = row["minutes_per_visit"]
        per_text = "–" if per_visit is None else f"{per_visit:.1f}"
        shown.add_row(
            row["place_id"], row["week"], format_int(row["planned"]), format_int(row["visited"]),
            format_int(row["cut_short"]), format_int(row["missed"]), f"{row['minutes']:.0f}",
            per_text + (" !" if row["below_reference"] else ""),
        )  # fmt: skip
    console.print(shown)
    total = report["summary"]
    console.print(
        _(
            "{visited} of {planned} planned visits made, {missed} missed; {minutes} minutes of "
            "presence; {below} place-weeks under 10 minutes a visit (!)"
        ).format(
            visited=format_int(total["visited"]),
            planned=format_int(total["planned"]),
            missed=format_int(total["missed"]),
            minutes=format_int(round(total["minutes"])),
            below=format_int(total["below_reference"]),
        )
    )
