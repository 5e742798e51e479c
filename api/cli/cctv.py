"""CCTV commands of the ``shakti`` command line: ``shakti cctv gaps | place | report``."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from api.cli.common import (
    JsonOpt,
    SelectionOptions,
    SheetLangOpt,
    command,
    console,
    group,
    selection_options,
    settings,
)
from api.cli.options import ForecastOpt
from api.cli.tables import table, write_rows
from api.usecases.cctv import (
    CCTV_DEFAULTS,
    DAYS_HELP,
    K_HELP,
    RADIUS_HELP,
    CctvRequest,
    cctv_plan,
    model_params,
    placement,
    selection_forecast,
)
from geo.errors import ParameterError
from geo.i18n import (
    _,
    counted,
    format_date,
    format_int,
    format_number,
    format_percent,
    gap_status_name,
    hindi_names,
    ngettext,
    pgettext,
    priority_name,
    site_kind_name,
)
from geo.schema import KIND, NAME, THANA
from geo.synthetic import is_synthetic
from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)

#: Files written when ``--out`` of ``shakti cctv gaps`` is a folder.
GAPS_CSV: Final = "cctv_gaps.csv"
GAPS_GEOJSON: Final = "cctv_gaps.geojson"
SUMMARY_CSV: Final = "cctv_thana_summary.csv"
REPORT_HTML: Final = "cctv_report.html"
#: Report file of one thana inside an output folder.
THANA_REPORT: Final = "cctv_report_{slug}.html"

cctv_app = group(
    "cctv",
    "CCTV gaps at sensitive sites and where new (or repaired) cameras would help most.",
)


RadiusOpt = Annotated[float, typer.Option("--radius-m", help=RADIUS_HELP, min=0)]
DaysOpt = Annotated[int, typer.Option("--days", help=DAYS_HELP, min=1)]
KOpt = Annotated[int, typer.Option("--k", help=K_HELP, min=0)]
BudgetOpt = Annotated[
    float | None,
    typer.Option(
        "--budget", help="Most total cost, in new-camera equivalents (a repair costs less).", min=0
    ),
]
RepairCostOpt = Annotated[
    float,
    typer.Option("--repair-cost", help="Cost of a repair, in new-camera equivalents.", min=0.001),
]
MethodOpt = Annotated[
    str, typer.Option("--method", help="Solver: auto (exact MILP, greedy if huge), milp, greedy.")
]


def _period(inputs: AnalysisInputs) -> str:
    described = inputs.describe()
    first, last = described["first"], described["last"]
    return _("{first} to {last}").format(
        first=format_date(first) if first else "…", last=format_date(last) if last else "…"
    )


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "thana"


def _finish(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary, default=str, ensure_ascii=False))


@command("gaps", group=cctv_app, lang=True)
@selection_options
def gaps_cmd(
    selection: SelectionOptions,
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="FILE.csv, FILE.xlsx, FILE.geojson, or a folder (tables and reports)."
        ),
    ],
    radius_m: RadiusOpt = CCTV_DEFAULTS.radius_m,
    days: DaysOpt = CCTV_DEFAULTS.days,
    top: Annotated[int, typer.Option("--top", help="Gaps shown on screen.", min=0)] = 10,
    forecast: ForecastOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List every sensitive site's CCTV gap: covered, repairable or uncovered, with priority."""
    from maps.cctv_report import cctv_report_html
    from models.cctv import gaps as cg
    from models.cctv.plan import selection_gaps

    suffix = out.suffix.lower()
    if suffix not in ("", ".csv", ".xlsx", ".geojson"):
        raise ParameterError(
            f"cannot write {out.name}: gaps are written as .csv, .xlsx, .geojson or into a folder",
            fix="give --out FILE.csv, FILE.xlsx, FILE.geojson or a folder",
        )
    inputs = selection.inputs(require_incidents=False)
    thana = selection.thana
    with console.status(_("CCTV gaps …")):
        q = CctvRequest(radius_m, days, forecast=forecast)
        demand, message = selection_forecast(inputs, selection.settings(), q)
        result = selection_gaps(inputs, model_params(settings(), q), forecast=demand)
    if message:
        console.print(message)
    gaps = result.gaps
    written: list[str] = []
    if suffix in (".csv", ".xlsx", ".geojson"):
        written.append(str(write_rows(gaps, out, layer_name="cctv_gaps")))
    else:
        out.mkdir(parents=True, exist_ok=True)
        written.append(str(write_rows(gaps, out / GAPS_CSV)))
        written.append(str(write_rows(gaps, out / GAPS_GEOJSON)))
        written.append(str(write_rows(result.summary, out / SUMMARY_CSV)))
        period = _period(inputs)
        synthetic = is_synthetic(inputs.incidents, inputs.sites, inputs.cctv, inputs.thanas)
        names_hi = hindi_names(inputs.thanas)
        overall = out / REPORT_HTML
        overall.write_text(
            cctv_report_html(
                result, thana=thana, period=period, synthetic=synthetic, thana_names_hi=names_hi
            ),
            encoding="utf-8",
        )
        written.append(str(overall))
        if thana is None:
            names = sorted(set(gaps[THANA].dropna().astype(str)))
            for name in names:
                path = out / THANA_REPORT.format(slug=_slug(name))
                page = cctv_report_html(
                    result, thana=name, period=period, synthetic=synthetic, thana_names_hi=names_hi
                )
                path.write_text(page, encoding="utf-8")
                written.append(str(path))
    counts = result.counts()
    where = thana or _("all thanas")
    title = ngettext("CCTV gaps: {where} ({n} site)", "CCTV gaps: {where} ({n} sites)", len(gaps))
    columns = (
        (pgettext("CCTV gap table", "#"), True),
        (pgettext("CCTV gap table", "site"), False),
        (pgettext("CCTV gap table", "kind"), False),
        (pgettext("CCTV gap table", "thana"), False),
        (pgettext("CCTV gap table", "status"), False),
        (pgettext("CCTV gap table", "priority"), False),
        (pgettext("CCTV gap table", "incidents"), True),
    )
    shown_table = table(title.format(where=where, n=format_int(len(gaps))), columns)
    shown = gaps[gaps[cg.GAP_STATUS] != cg.COVERED_STATUS].head(top)
    for _i, row in shown.iterrows():
        shown_table.add_row(
            str(row[cg.GAP_RANK]), str(row[NAME]), site_kind_name(row[KIND]), str(row[THANA]),
            gap_status_name(row[cg.GAP_STATUS]), priority_name(row[cg.PRIORITY]),
            format_int(row[cg.INCIDENTS_NEAR]),
        )  # fmt: skip
    console.print(shown_table)
    # TRANSLATORS: {files} lists up to four files written.
    line = _("{covered} covered, {repairable} repairable, {uncovered} uncovered; written: {files}")
    console.print(
        line.format(
            covered=format_int(counts[cg.COVERED_STATUS]),
            repairable=format_int(counts[cg.REPAIRABLE]),
            uncovered=format_int(counts[cg.UNCOVERED]),
            files=_(", ").join(written[:4]),
        )
    )
    if len(written) > 4:
        more = len(written) - 4
        console.print(counted(more, "and {n} more report", "and {n} more reports"))
    for note in result.notes:
        console.print(_("[yellow]note:[/yellow] {note}").format(note=note))
    _finish(
        {
            "command": "cctv gaps",
            "thana": thana,
            "sites": len(gaps),
            **counts,
            "high_priority": int((gaps[cg.PRIORITY] == cg.HIGH).sum()),
            "registry": dict(result.registry.counts),
            "defaults_used": list(result.notes),
            "parameters": dict(result.parameters),
            "selection": inputs.describe(),
            "out": written,
        },
        as_json,
    )


@command("place", group=cctv_app, lang=True)
@selection_options
def place_cmd(
    selection: SelectionOptions,
    k: KOpt,
    out: Annotated[
        Path, typer.Option("--out", help="FILE.geojson: one Point per proposed camera, in order.")
    ],
    budget: BudgetOpt = None,
    days: DaysOpt = CCTV_DEFAULTS.days,
    repair_cost: RepairCostOpt = CCTV_DEFAULTS.repair_cost,
    method: MethodOpt = CCTV_DEFAULTS.method,
    forecast: ForecastOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose up to k cameras (new or repaired) that see the most incidents, hotspots and sites."""
    from models.cctv import placement as pl

    if out.suffix.lower() != ".geojson":
        raise ParameterError(
            f"cannot write {out.name}: the plan is written as GeoJSON",
            fix="give --out FILE.geojson",
        )
    if method not in pl.METHODS:
        raise ParameterError(f"unknown method {method!r}", fix="use auto, milp or greedy")
    inputs = selection.inputs(require_incidents=False)
    placing = ngettext("placing up to {k} camera …", "placing up to {k} cameras …", k)
    with console.status(placing.format(k=format_int(k))):
        q = CctvRequest(
            days=days, k=k, budget=budget, repair_cost=repair_cost, method=method,
            forecast=False,
        )  # fmt: skip
        demand, message = selection_forecast(
            inputs, selection.settings(), replace(q, forecast=forecast)
        )
        plan = placement(inputs, settings(), q, forecast=demand)
    if message:
        console.print(message)
    cams = plan.cameras
    write_rows(cams, out, layer_name="cameras")
    where = selection.thana or _("all thanas")
    title = counted(
        len(cams), "{n} proposed camera: {where}", "{n} proposed cameras: {where}", where=where
    )
    columns = (
        (pgettext("camera plan table", "#"), True),
        (pgettext("camera plan table", "action"), False),
        (pgettext("camera plan table", "where"), False),
        (pgettext("camera plan table", "gain"), True),
        (pgettext("camera plan table", "seen"), True),
        (pgettext("camera plan table", "cost"), True),
    )
    shown_table = table(title, columns)
    for _i, row in cams.iterrows():
        shown_table.add_row(
            str(row[pl.ORDER]), pl.action_name(row[pl.ACTION]), str(row[pl.LABEL]),
            format_number(row[pl.MARGINAL_GAIN], digits=1),
            format_percent(row[pl.CUMULATIVE_SHARE]), f"{row[pl.CUMULATIVE_COST]:g}",
        )  # fmt: skip
    console.print(shown_table)
    s = plan.summary
    if s["optimal"]:
        quality = _("optimal")
    else:
        quality = _("gap ≤ {gap}").format(gap=format_percent(s["optimality_gap"], digits=2))
    if s["share_seen_before"] is None:
        console.print(_("nothing to cover; plan written to {path}").format(path=out))
    else:
        # TRANSLATORS: {method} is the solver (milp or greedy), {quality} "optimal" or a gap.
        line = _(
            "{method} ({quality}) in {seconds} s; demand seen {before} → {after}; "
            "plan written to {path}"
        )
        console.print(
            line.format(
                method=s["method"],
                quality=quality,
                seconds=s["solve_s"],
                before=format_percent(s["share_seen_before"]),
                after=format_percent(s["share_seen_after"]),
                path=out,
            )
        )
    for note in plan.notes:
        console.print(_("[yellow]note:[/yellow] {note}").format(note=note))
    _finish(
        {
            "command": "cctv place",
            **{key: value for key, value in s.items() if key != "weights"},
            "weights": dict(s["weights"]),
            "gains": [float(g) for g in cams[pl.MARGINAL_GAIN]] if len(cams) else [],
            "notes": list(plan.notes),
            "selection": inputs.describe(),
            "out": str(out),
        },
        as_json,
    )


@command("report", group=cctv_app, lang=True)
@selection_options
def report_cmd(
    selection: SelectionOptions,
    out: Annotated[Path, typer.Option("--out", help="FILE.html: the printable report.")],
    k: Annotated[
        int, typer.Option("--k", help="Proposed cameras in the report (0: none).", min=0)
    ] = CCTV_DEFAULTS.k,
    budget: BudgetOpt = CCTV_DEFAULTS.budget,
    radius_m: RadiusOpt = CCTV_DEFAULTS.radius_m,
    days: DaysOpt = CCTV_DEFAULTS.days,
    sheet_lang: SheetLangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the printable CCTV report of a thana (in the --lang language)."""
    from maps.cctv_report import cctv_report_html

    if out.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(
            f"cannot write {out.name}: the report is HTML", fix="give --out FILE.html"
        )
    inputs = selection.inputs(require_incidents=False)
    q = CctvRequest(radius_m=radius_m, days=days, k=k, budget=budget)
    with console.status(_("CCTV report …")):
        planned = cctv_plan(inputs, settings(), q)
    result, plan = planned.gaps, planned.placement
    page = cctv_report_html(
        result,
        thana=selection.thana,
        placement=plan,
        period=_period(inputs),
        synthetic=is_synthetic(inputs.incidents, inputs.sites, inputs.cctv, inputs.thanas),
        sheet_lang=sheet_lang,
        thana_names_hi=hindi_names(inputs.thanas),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    console.print(_("report written to {path} (print it from the browser)").format(path=out))
    _finish(
        {
            "command": "cctv report",
            "thana": selection.thana,
            "out": str(out),
            "bytes": len(page.encode()),
            "sites": len(result.gaps),
            **result.counts(),
            "proposed": 0 if plan is None else len(plan.cameras),
        },
        as_json,
    )
