"""Visit-log commands: ``shakti patrol log import FILE`` (a spreadsheet or a team's GPS track)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import JsonOpt, StoreOpt, command, console, group, settings, store_at
from api.cli.data import finish_import, print_import
from api.cli.patrol import patrol_app
from geo.i18n import _
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


@command("effect", group=patrol_app, lang=True)
def patrol_effect_cmd(
    thana: Annotated[
        str | None, typer.Option("--thana", help="Only the hotspots of this thana.")
    ] = None,
    window_days: Annotated[
        int,
        typer.Option("--window-days", help="Days before and after patrols started compared."),
    ] = 56,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap interval.")] = 0,
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
