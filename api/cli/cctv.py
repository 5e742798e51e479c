"""CCTV commands of the ``shakti`` command line: ``shakti cctv gaps | place | report``."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.table import Table

from api.cli.analysis import CategoryOpt, FromOpt, ThanaOpt, ToOpt
from api.cli.common import (
    JsonOpt,
    StoreOpt,
    command,
    console,
    group,
    selection_inputs,
    settings,
)
from api.usecases.cctv import (
    CCTV_DEFAULTS,
    DAYS_HELP,
    K_HELP,
    RADIUS_HELP,
    CctvRequest,
    cctv_plan,
    model_params,
    placement,
)
from geo.errors import ParameterError
from geo.export import write_output
from geo.schema import KIND, NAME, SYNTHETIC, THANA
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
    return f"{described['first'] or '…'} to {described['last'] or '…'}"


def _synthetic(inputs: AnalysisInputs) -> bool:
    return any(bool(x.attrs.get(SYNTHETIC)) for x in (inputs.sites, inputs.cctv, inputs.thanas))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "thana"


def _finish(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary, default=str, ensure_ascii=False))


@command("gaps", group=cctv_app, lang=True)
def gaps_cmd(
    out: Annotated[
        Path,
        typer.Option("--out", help="FILE.csv, FILE.geojson, or a folder (tables and reports)."),
    ],
    store: StoreOpt = None,
    thana: ThanaOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    radius_m: RadiusOpt = CCTV_DEFAULTS.radius_m,
    days: DaysOpt = CCTV_DEFAULTS.days,
    top: Annotated[int, typer.Option("--top", help="Gaps shown on screen.", min=0)] = 10,
    as_json: JsonOpt = False,
) -> None:
    """List every sensitive site's CCTV gap: covered, repairable or uncovered, with priority."""
    from maps.cctv_report import cctv_report_html
    from models.cctv import gaps as cg
    from models.cctv.plan import selection_gaps

    suffix = out.suffix.lower()
    if suffix not in ("", ".csv", ".geojson"):
        raise ParameterError(
            f"cannot write {out.name}: gaps are written as .csv, .geojson or into a folder",
            fix="give --out FILE.csv, FILE.geojson or a folder",
        )
    inputs = selection_inputs(store, start, end, thana, category, require_incidents=False)
    with console.status("CCTV gaps …"):
        result = selection_gaps(inputs, model_params(settings(), CctvRequest(radius_m, days)))
    gaps = result.gaps
    written: list[str] = []
    if suffix in (".csv", ".geojson"):
        written.append(str(write_output(gaps, out)))
    else:
        out.mkdir(parents=True, exist_ok=True)
        written.append(str(write_output(gaps, out / GAPS_CSV)))
        written.append(str(write_output(gaps, out / GAPS_GEOJSON)))
        written.append(str(write_output(result.summary, out / SUMMARY_CSV)))
        period, synthetic = _period(inputs), _synthetic(inputs)
        overall = out / REPORT_HTML
        overall.write_text(
            cctv_report_html(result, thana=thana, period=period, synthetic=synthetic),
            encoding="utf-8",
        )
        written.append(str(overall))
        if thana is None:
            names = sorted(set(gaps[THANA].dropna().astype(str)))
            for name in names:
                path = out / THANA_REPORT.format(slug=_slug(name))
                page = cctv_report_html(result, thana=name, period=period, synthetic=synthetic)
                path.write_text(page, encoding="utf-8")
                written.append(str(path))
    counts = result.counts()
    table = Table(title=f"CCTV gaps: {thana or 'all thanas'} ({len(gaps)} sites)")
    for col in ("#", "site", "kind", "thana", "status", "priority", "incidents"):
        table.add_column(col, justify="right" if col in ("#", "incidents") else "left")
    shown = gaps[gaps[cg.GAP_STATUS] != cg.COVERED_STATUS].head(top)
    for _, row in shown.iterrows():
        table.add_row(
            str(row[cg.GAP_RANK]), str(row[NAME]), str(row[KIND]), str(row[THANA]),
            str(row[cg.GAP_STATUS]), str(row[cg.PRIORITY]), str(row[cg.INCIDENTS_NEAR]),
        )  # fmt: skip
    console.print(table)
    console.print(
        f"{counts[cg.COVERED_STATUS]} covered, {counts[cg.REPAIRABLE]} repairable, "
        f"{counts[cg.UNCOVERED]} uncovered; written: {', '.join(written[:4])}"
        + (f" and {len(written) - 4} reports" if len(written) > 4 else "")
    )
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
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
def place_cmd(
    k: KOpt,
    out: Annotated[
        Path, typer.Option("--out", help="FILE.geojson: one Point per proposed camera, in order.")
    ],
    store: StoreOpt = None,
    thana: ThanaOpt = None,
    budget: BudgetOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    days: DaysOpt = CCTV_DEFAULTS.days,
    repair_cost: RepairCostOpt = CCTV_DEFAULTS.repair_cost,
    method: MethodOpt = CCTV_DEFAULTS.method,
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
    inputs = selection_inputs(store, start, end, thana, category, require_incidents=False)
    with console.status(f"placing up to {k} cameras …"):
        q = CctvRequest(days=days, k=k, budget=budget, repair_cost=repair_cost, method=method)
        plan = placement(inputs, settings(), q)
    cams = plan.cameras
    write_output(cams, out)
    table = Table(title=f"{len(cams)} proposed cameras: {thana or 'all thanas'}")
    for col in ("#", "action", "where", "gain", "seen", "cost"):
        table.add_column(col, justify="right" if col in ("#", "gain", "seen", "cost") else "left")
    for _, row in cams.iterrows():
        table.add_row(
            str(row[pl.ORDER]), str(row[pl.ACTION]), str(row[pl.LABEL]),
            f"{row[pl.MARGINAL_GAIN]:.1f}", f"{row[pl.CUMULATIVE_SHARE]:.0%}",
            f"{row[pl.CUMULATIVE_COST]:g}",
        )  # fmt: skip
    console.print(table)
    s = plan.summary
    quality = "optimal" if s["optimal"] else f"gap ≤ {s['optimality_gap']:.2%}"
    if s["share_seen_before"] is None:
        console.print(f"nothing to cover; plan written to {out}")
    else:
        console.print(
            f"{s['method']} ({quality}) in {s['solve_s']} s; demand seen "
            f"{s['share_seen_before']:.0%} → {s['share_seen_after']:.0%}; plan written to {out}"
        )
    for note in plan.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
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
def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="FILE.html: the printable report.")],
    store: StoreOpt = None,
    thana: ThanaOpt = None,
    k: Annotated[
        int, typer.Option("--k", help="Proposed cameras in the report (0: none).", min=0)
    ] = CCTV_DEFAULTS.k,
    budget: BudgetOpt = CCTV_DEFAULTS.budget,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    radius_m: RadiusOpt = CCTV_DEFAULTS.radius_m,
    days: DaysOpt = CCTV_DEFAULTS.days,
    as_json: JsonOpt = False,
) -> None:
    """Write the printable CCTV report of a thana (Hindi and English headings)."""
    from maps.cctv_report import cctv_report_html

    if out.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(
            f"cannot write {out.name}: the report is HTML", fix="give --out FILE.html"
        )
    inputs = selection_inputs(store, start, end, thana, category, require_incidents=False)
    q = CctvRequest(radius_m=radius_m, days=days, k=k, budget=budget)
    with console.status("CCTV report …"):
        planned = cctv_plan(inputs, settings(), q)
    result, plan = planned.gaps, planned.placement
    page = cctv_report_html(
        result, thana=thana, placement=plan, period=_period(inputs), synthetic=_synthetic(inputs)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    console.print(f"report written to {out} (print it from the browser)")
    _finish(
        {
            "command": "cctv report",
            "thana": thana,
            "out": str(out),
            "bytes": len(page.encode()),
            "sites": len(result.gaps),
            **result.counts(),
            "proposed": 0 if plan is None else len(plan.cameras),
        },
        as_json,
    )
