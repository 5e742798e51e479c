"""Data commands of the ``shakti`` command line: validate, import, quarantine, layers, demo-data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import (
    DefaultOpt,
    FixSwappedOpt,
    JsonOpt,
    MapOpt,
    RegionOpt,
    StoreOpt,
    command,
    console,
    err_console,
    settings,
    store_at,
)
from api.usecases.datasets import Reading, validate_or_import
from geo.ingest import ImportResult
from geo.ingest.quarantine import export_csv
from geo.ingest.readers import parse_mapping
from geo.schema import LayerKind
from geo.store import open_store

KindArg = Annotated[LayerKind, typer.Argument(help="Layer kind.")]
PresetOpt = Annotated[
    str | None,
    typer.Option(
        "--preset",
        help="Register preset (see `shakti presets`); detected from the headers when not given.",
    ),
]
FileArg = Annotated[Path, typer.Argument(help="CSV, XLSX, GeoJSON, GPKG or zipped Shapefile.")]


def _reading(
    mapping: list[str] | None,
    region: str | None,
    default: list[str] | None,
    fix_swapped: bool,
    preset: str | None = None,
) -> Reading:
    """Return how to read a file (keywords of ``validate_file`` and ``import_file``).

    ``--map`` and ``--default`` may name files (@FILE): paths the operator typed.
    """
    return Reading(
        region=region,
        mapping=parse_mapping(mapping or [], allow_files=True),
        defaults=parse_mapping(default or [], allow_files=True),
        fix_swapped=fix_swapped,
        preset=preset,
    )


def _print_result(result: ImportResult, *, title: str) -> None:
    report = result.report
    summary = result.summary()
    for note in report.notes:
        console.print(f"note: {note}")
    table = Table(title=title, show_header=False)
    table.add_row("file", report.source)
    table.add_row("layer", report.kind.value)
    table.add_row("rows", str(summary["rows"]))
    table.add_row("accepted", str(summary["accepted"]))
    table.add_row("quarantined", str(summary["quarantined"]))
    if result.record is not None:
        table.add_row("inserted / updated", f"{result.record.inserted} / {result.record.updated}")
        table.add_row("import id", result.record.import_id)
    for flag, count in summary.get("flags", {}).items():
        table.add_row(flag.replace("_", " "), str(count))
    console.print(table)
    if summary["reasons"]:
        reasons = Table(title="quarantined rows by reason")
        reasons.add_column("reason")
        reasons.add_column("rows", justify="right")
        for reason, count in summary["reasons"].items():
            reasons.add_row(reason, str(count))
        console.print(reasons)
        for message in report.quarantine["message"].head(5):
            console.print(f"  • {message}")
        if len(report.quarantine) > 5:
            console.print(
                f"  … {len(report.quarantine) - 5} more problems in the quarantine report"
            )
    if report.personal_columns:
        console.print(
            "[bold]personal columns dropped, never stored:[/bold] "
            + "; ".join(f"{col} ({why})" for col, why in report.personal_columns.items())
        )
    if report.ignored_columns:
        console.print("columns not in the schema, not stored: " + ", ".join(report.ignored_columns))
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


def _finish(result: ImportResult, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.summary(), sort_keys=False))
    if result.report.rows and not len(result.report.accepted):
        err_console.print(
            f"error: none of the {result.report.rows} rows of {result.report.source} is valid; "
            "see the quarantine report"
        )
        raise typer.Exit(1)


@command("validate")
def validate_cmd(
    kind: KindArg,
    path: FileArg,
    mapping: MapOpt = None,
    region: RegionOpt = None,
    default: DefaultOpt = None,
    fix_swapped: FixSwappedOpt = False,
    store: StoreOpt = None,
    preset: PresetOpt = None,
    quarantine_out: Annotated[
        Path | None, typer.Option("--quarantine-out", help="Write the quarantine report (CSV).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a file row by row without storing anything."""
    cfg = settings()
    store_path = store if store is not None else cfg.store
    checked = open_store(store_path) if store_path.exists() else None
    reading = _reading(mapping, region, default, fix_swapped, preset)
    result = validate_or_import(path, kind, checked, cfg, reading, dry_run=True)
    report = result.report
    _print_result(result, title="validation (nothing stored)")
    if quarantine_out is not None:
        export_csv(report.quarantine, quarantine_out)
        console.print(f"quarantine report written to {quarantine_out}")
    _finish(result, as_json)


@command("import")
def import_cmd(
    kind: KindArg,
    path: FileArg,
    mapping: MapOpt = None,
    region: RegionOpt = None,
    default: DefaultOpt = None,
    fix_swapped: FixSwappedOpt = False,
    store: StoreOpt = None,
    preset: PresetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate a file and store its valid rows (a new store when there is none yet)."""
    cfg = settings()
    target = store_at(store, create=True)
    with console.status(f"importing {path.name} …"):
        reading = _reading(mapping, region, default, fix_swapped, preset)
        result = validate_or_import(path, kind, target, cfg, reading, dry_run=False)
    _print_result(result, title=f"import into {target.location}")
    _finish(result, as_json)


@command("presets")
def presets_cmd(as_json: JsonOpt = False) -> None:
    """List the register presets `--preset` takes, one line each."""
    from geo.ingest.presets import presets

    table = Table(title="register presets")
    table.add_column("preset")
    table.add_column("layer")
    table.add_column("register")
    for name, preset in presets().items():
        table.add_row(name, preset.layer.value, preset.describe())
    console.print(table)
    if as_json:
        listing = {
            n: {"layer": p.layer.value, "description": p.describe()} for n, p in presets().items()
        }
        typer.echo(json.dumps(listing, ensure_ascii=False))


@command("quarantine")
def quarantine_cmd(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    kind: Annotated[LayerKind | None, typer.Option("--kind", help="Only this layer.")] = None,
    import_id: Annotated[str | None, typer.Option("--import", help="Only this import.")] = None,
    store: StoreOpt = None,
) -> None:
    """Export the quarantine report (row, field, reason, fix, original values) as CSV."""
    table = store_at(store).quarantine(kind, import_id=import_id)
    export_csv(table, out)
    console.print(f"{len(table)} quarantine lines written to {out}")


@command("layers")
def layers_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show how many rows each layer of the store holds."""
    target = store_at(store)
    counts = {kind.value: target.count(kind) for kind in LayerKind}
    table = Table(title=f"store {target.location} (version {target.version})")
    table.add_column("layer")
    table.add_column("rows", justify="right")
    for kind, count in counts.items():
        table.add_row(kind, str(count))
    table.add_row("quarantine", str(len(target.quarantine())))
    console.print(table)
    if as_json:
        typer.echo(json.dumps({"version": target.version, "layers": counts}))


@command("demo-data")
def demo_data_cmd(
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2026,
    incidents: Annotated[
        int | None, typer.Option("--incidents", help="Number of incidents (default ~6,000).")
    ] = None,
    store: StoreOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the generated files (default: beside the store)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Generate the SYNTHETIC Varanasi demo data set and import it through the normal path."""
    from geo import demo

    cfg = settings()
    target = store_at(store, create=True)
    folder = out if out is not None else Path(target.location).parent / "demo-data"
    n = incidents if incidents is not None else demo.DEMO_INCIDENTS
    with console.status("demo data …") as status:
        results = demo.load_demo(
            target,
            folder,
            settings=cfg,
            seed=seed,
            n_incidents=n,
            progress=lambda msg: status.update(msg + " …"),
        )
    console.print(f"[bold]SYNTHETIC[/bold] demo files (not real incidents) written to {folder}")
    for kind, result in results.items():
        _print_result(result, title=f"{kind} → {target.location}")
    if as_json:
        summaries = {kind: result.summary() for kind, result in results.items()}
        typer.echo(json.dumps({"seed": seed, "store": target.location, "imports": summaries}))
