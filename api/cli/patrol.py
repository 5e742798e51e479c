"""Patrol commands of the ``shakti`` command line: ``shakti patrol plan`` (saved in the store)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from api.cli.common import (
    JsonOpt,
    SheetLangOpt,
    StoreOpt,
    command,
    console,
    group,
    option,
    option_group,
    settings_for,
    store_at,
)
from api.cli.options import ForecastOpt
from api.cli.tables import table, write_rows
from geo.errors import ParameterError
from geo.i18n import (
    _,
    counted,
    format_date,
    format_int,
    format_percent,
    ngettext,
    pgettext,
    thana_display,
)
from models.patrol.teams import MAX_TEAM_NAME_CHARS, MAX_TEAMS, MAX_TEAMS_PER_THANA
from models.selection import FIRST_DAY, LAST_DAY

if TYPE_CHECKING:
    from api.usecases.patrol import PatrolRequest
    from models.patrol.records import PatrolPlan

logger = logging.getLogger(__name__)

#: File of a plan folder holding the saved plan's id (for scripts: `shakti patrol issue $(cat …)`).
PLAN_ID_FILE: Final = "plan-id.txt"

patrol_app = group(
    "patrol",
    "Patrol planning for anti-Romeo teams: routes, times and printable sheets.",
)


PlanThanaOpt = Annotated[
    str | None, typer.Option("--thana", help="Plan only this thana (default: every thana).")
]
DaysOpt = Annotated[int, typer.Option("--days", help="Number of days (1..31).")]
SeedOpt = Annotated[
    int, typer.Option("--seed", help="Seed of the day-to-day variation (same seed, same plan).")
]
TeamsOpt = Annotated[
    Path | None,
    typer.Option(
        "--teams",
        help="Teams file (CSV or JSON): thana, team, shift_start, shift_end, mode, speed_kmh, "
        f"start_lon, start_lat; at most {MAX_TEAMS} teams, {MAX_TEAMS_PER_THANA} in a thana; "
        f"team names of at most {MAX_TEAM_NAME_CHARS} letters, digits, spaces, '-', '_', '.'. "
        "Default: 3 teams per thana (reported).",
    ),
]
MustVisitOpt = Annotated[
    list[str] | None,
    typer.Option("--must-visit", help="A place to visit every day: site id or hotspot-N."),
]
RoadGraphOpt = Annotated[
    Path | None,
    typer.Option(
        "--road-graph",
        help="Local OpenStreetMap extract (.osm) or osmnx .graphml for road travel times "
        "(needs osmnx). Default: straight line × 1.4.",
    ),
]
FollowUpOpt = Annotated[
    float,
    typer.Option(
        "--follow-up",
        help="Weight of places missed in the latest week of recorded visits: 1 doubles "
        "a place missed at every planned visit, 0 ignores the visits.",
        min=0.0,
        max=3.0,
    ),
]
StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start", help="First day (YYYY-MM-DD); default the day after the last incident."
    ),
]


def parse_start(value: str | None) -> dt.date | None:
    """Return the ``--start`` date, or ``None``.

    Raises
    ------
    geo.errors.ParameterError
        For text that is not an ISO date, or a day outside
        :data:`models.selection.FIRST_DAY` .. :data:`models.selection.LAST_DAY`.
    """
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(
            f"--start {value!r} is not a date", fix="write it as YYYY-MM-DD, e.g. 2026-12-01"
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ParameterError(
            f"--start {day} is outside {FIRST_DAY} .. {LAST_DAY}",
            fix="give the first day of the plan, e.g. 2026-12-01",
        )
    return day


@dataclass(frozen=True)
class PlanOptions:
    """The options a patrol plan is made from in every command that plans one.

    Attributes
    ----------
    store : Path or None
        ``--store``.
    thana : str or None
        ``--thana``: plan only this thana.
    seed : int
        ``--seed`` of the day-to-day variation.
    teams : Path or None
        ``--teams`` file (default: 3 teams a thana).
    start : str or None
        ``--start``, the first day as written (checked by :func:`parse_start`).
    """

    store: Path | None
    thana: str | None
    seed: int
    teams: Path | None
    start: str | None

    def request(self, days: int, **more: Any) -> PatrolRequest:
        """Return the plan's request of ``days`` days; ``more`` are its other fields.

        Raises
        ------
        geo.errors.ParameterError
            For a ``--start`` that is not a day (:func:`parse_start`) or a bad teams file.
        """
        from api.usecases.patrol import PatrolRequest
        from models.patrol.teams import read_teams

        return PatrolRequest(
            thana=self.thana,
            days=days,
            seed=self.seed,
            start=parse_start(self.start),
            teams=read_teams(self.teams) if self.teams is not None else None,
            **more,
        )


#: The options of :class:`PlanOptions`, in the order ``--help`` lists them.
PLAN_PARAMS: Final = (
    option("store", StoreOpt, None),
    option("thana", PlanThanaOpt, None),
    option("seed", SeedOpt, 0),
    option("teams", TeamsOpt, None),
    option("start", StartOpt, None),
)
#: Gives a command the options of a patrol plan (``PLAN_PARAMS``) as ``planning``.
plan_options = option_group("planning", PLAN_PARAMS, PlanOptions)


def _write_plan_files(
    plan: PatrolPlan, plan_id: str, out: Path, xlsx: bool, sheet_lang: str | None
) -> tuple[dict[str, Path], list[Path], list[Path]]:
    """Write a plan's tables (and workbooks), sheets and field files; return what was written."""
    from maps.field_files import FIELD_FOLDER, LINKS_CSV, write_field_files
    from maps.patrol_sheet import write_sheets
    from models.patrol.export import (
        coverage_table,
        stops_table,
        uncovered_table,
        visit_shares,
        write_plan,
    )

    files = write_plan(plan, out)
    files["plan_id"] = out / PLAN_ID_FILE
    files["plan_id"].write_text(plan_id + "\n", encoding="utf-8")
    if xlsx:
        tables = {
            "stops": stops_table,
            "coverage": coverage_table,
            "visits": visit_shares,
            "uncovered": uncovered_table,
        }
        for name, make in tables.items():
            path = files[name].with_suffix(".xlsx")
            files[f"{name}_xlsx"] = write_rows(make(plan), path, layer_name=path.stem)
    sheets = write_sheets(plan, out, sheet_lang=sheet_lang)
    field = write_field_files(plan, out)
    files["links"] = out / FIELD_FOLDER / LINKS_CSV
    return files, sheets, field


def _print_plan(plan: PatrolPlan, head: Mapping[str, Any]) -> None:
    """Print a plan's teams and stops per thana and what it covers."""
    # TRANSLATORS: {start} is the first day (DD-MM-YYYY), {seed} the seed of the variation.
    title = ngettext(
        "patrol plan {start} + {days} day (seed {seed})",
        "patrol plan {start} + {days} days (seed {seed})",
        plan.days,
    ).format(start=format_date(plan.start), days=format_int(plan.days), seed=plan.seed)
    columns = (
        (pgettext("patrol table", "thana"), False),
        (pgettext("patrol table", "teams"), True),
        (pgettext("patrol table", "stops"), True),
    )
    shown = table(title, columns)
    for name in plan.thanas:
        routes = [r for r in plan.routes if r.team.thana == name]
        shown.add_row(
            thana_display(name, plan.thana_names_hi),
            format_int(len(plan.teams.of_thana(name))),
            format_int(sum(len(r.stops) for r in routes)),
        )
    console.print(shown)
    never = int(head["never_visited"])
    console.print(
        counted(
            never,
            "risk covered per day: {risk} on average; hotspots visited per day: {hotspots}; "
            "never visited: {n} place",
            "risk covered per day: {risk} on average; hotspots visited per day: {hotspots}; "
            "never visited: {n} places",
            risk=format_percent(head["risk_share_per_day"]),
            hotspots=format_percent(head["hotspot_share_per_day"] or 0),
        )
    )


@command("plan", group=patrol_app, lang=True)
@plan_options
def patrol_plan_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for the plan files and sheets.")],
    planning: PlanOptions,
    days: DaysOpt = 7,
    must_visit: MustVisitOpt = None,
    road_graph: RoadGraphOpt = None,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Also write each CSV table as an Excel workbook (.xlsx).")
    ] = False,
    sheet_lang: SheetLangOpt = None,
    follow_up: FollowUpOpt = 1.0,
    forecast: ForecastOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Plan patrols per team and day, save it (draft); write tables, sheets, GPX and KML files."""
    from api.usecases.forecast_choice import may_have_choice, no_choice_hint
    from api.usecases.patrol import plan_patrols
    from api.usecases.visits import follow_up_of
    from models.patrol.export import summary

    thana, seed = planning.thana, planning.seed
    target, cfg = store_at(planning.store), settings_for(planning.store)
    q = planning.request(
        days,
        follow_up=follow_up_of(target, cfg, thana=thana, strength=follow_up),
        must_visit=tuple(must_visit or ()),
        road_graph=road_graph,
        forecast=forecast,
    )
    from api.cli.plans import audited
    from api.usecases.plans import CLI_AUTHOR, save_plan

    with console.status(_("planning patrols …")):
        plan = plan_patrols(target, cfg, q)
    if forecast is None and not may_have_choice(cfg):
        console.print(no_choice_hint())
    with audited(target, "plan", "", thana=thana, days=days, seed=seed) as details:
        saved = save_plan(target, plan, q, author=CLI_AUTHOR)
        details["plan_id"] = saved.plan_id
    files, sheets, field = _write_plan_files(plan, saved.plan_id, out, xlsx, sheet_lang)
    head = summary(plan)
    _print_plan(plan, head)
    for note in plan.notes:
        console.print(_("[yellow]note:[/yellow] {note}").format(note=note))
    console.print(
        counted(
            len(sheets),
            "plan written to {out} ({n} sheet in {sheets})",
            "plan written to {out} ({n} sheets in {sheets})",
            out=out,
            sheets=out / "sheets",
        )
    )
    console.print(
        _("saved as plan {id} (draft): `shakti patrol issue {id}` sends it out").format(
            id=saved.plan_id
        )
    )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    **head,
                    "plan_id": saved.plan_id,
                    "status": saved.status,
                    "out": str(out),
                    "files": {k: str(v) for k, v in files.items()},
                    "sheets": len(sheets),
                    "field_files": len(field),
                    "defaults_used": list(plan.teams.defaults_used),
                    "travel": plan.travel,
                },
                default=str,
            )
        )
