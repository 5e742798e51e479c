"""Data commands of the ``shakti`` command line: validate, import, quarantine, layers, demo-data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

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
    option,
    option_group,
    settings,
    store_at,
)
from api.cli.tables import check_table_path, table, write_rows
from geo.errors import ParameterError
from geo.i18n import _, counted, format_int, layer_name, pgettext
from geo.schema import LayerKind
from geo.store import open_store

if TYPE_CHECKING:
    # The ingest stack (readers, workbook libraries, validation) and the upload use case are
    # imported by the commands that read a file, not when the command line starts.
    from api.usecases.datasets import Reading
    from geo.ingest import ImportResult

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
    *,
    mapping: list[str] | None,
    region: str | None,
    default: list[str] | None,
    fix_swapped: bool,
    preset: str | None,
) -> Reading:
    """Return how to read a file (keywords of ``validate_file`` and ``import_file``).

    ``--map`` and ``--default`` may name files (@FILE): paths the operator typed.
    """
    from api.usecases.datasets import Reading
    from geo.ingest.readers import parse_mapping

    return Reading(
        region=region,
        mapping=parse_mapping(mapping or [], allow_files=True),
        defaults=parse_mapping(default or [], allow_files=True),
        fix_swapped=fix_swapped,
        preset=preset,
    )


#: The options of how to read a file, in the order ``--help`` lists them.
READING_PARAMS: Final = (
    option("mapping", MapOpt, None),
    option("region", RegionOpt, None),
    option("default", DefaultOpt, None),
    option("fix_swapped", FixSwappedOpt, False),
    option("preset", PresetOpt, None),
)
#: Gives ``validate`` and ``import`` the options of how to read the file, as one ``reading``.
reading_options = option_group("reading", READING_PARAMS, _reading)


def print_import(result: ImportResult, *, title: str) -> None:
    """Print what an import or a validation did: counts, reasons, dropped columns, warnings."""
    report = result.report
    summary = result.summary()
    for note in report.notes:
        # TRANSLATORS: a note of an import, e.g. the preset detected from the headers.
        console.print(_("note: {note}").format(note=note))
    shown = table(title, (("", False), ("", False)), show_header=False)
    shown.add_row(pgettext("import summary", "file"), report.source)
    shown.add_row(pgettext("import summary", "layer"), layer_name(report.kind.value))
    shown.add_row(pgettext("import summary", "rows"), format_int(summary["rows"]))
    shown.add_row(pgettext("import summary", "accepted"), format_int(summary["accepted"]))
    shown.add_row(pgettext("import summary", "quarantined"), format_int(summary["quarantined"]))
    if result.record is not None:
        shown.add_row(
            pgettext("import summary", "inserted / updated"),
            f"{format_int(result.record.inserted)} / {format_int(result.record.updated)}",
        )
        shown.add_row(pgettext("import summary", "import id"), result.record.import_id)
    flag_names = {
        "thana_mismatch": pgettext("import summary", "thana mismatch"),
        "outside_thanas": pgettext("import summary", "outside thanas"),
    }
    for flag, count in summary.get("flags", {}).items():
        shown.add_row(flag_names.get(flag, flag.replace("_", " ")), format_int(count))
    console.print(shown)
    if summary["reasons"]:
        reasons = table(
            _("quarantined rows by reason"),
            ((pgettext("quarantine table", "reason"), False),
             (pgettext("quarantine table", "rows"), True)),
        )  # fmt: skip
        for reason, count in summary["reasons"].items():
            reasons.add_row(reason, format_int(count))
        console.print(reasons)
        for message in report.quarantine["message"].head(5):
            console.print(f"  • {message}")
        if len(report.quarantine) > 5:
            more = len(report.quarantine) - 5
            console.print(
                counted(
                    more,
                    "  … {n} more problem in the quarantine report",
                    "  … {n} more problems in the quarantine report",
                )
            )
    if report.personal_columns:
        # TRANSLATORS: {columns} lists "column (why)" items.
        line = _("[bold]personal columns dropped, never stored:[/bold] {columns}")
        console.print(
            line.format(
                columns=_("; ").join(
                    f"{col} ({why})" for col, why in report.personal_columns.items()
                )
            )
        )
    if report.ignored_columns:
        line = _("columns not in the schema, not stored: {columns}")
        console.print(line.format(columns=_(", ").join(report.ignored_columns)))
    for warning in report.warnings:
        console.print(_("[yellow]warning:[/yellow] {warning}").format(warning=warning))


def finish_import(result: ImportResult, as_json: bool) -> None:
    """Print the ``--json`` summary; exit 1 when no row of a non-empty file is valid."""
    if as_json:
        typer.echo(json.dumps(result.summary(), sort_keys=False))
    if result.report.rows and not len(result.report.accepted):
        rows = result.report.rows
        err_console.print(
            counted(
                rows,
                "error: the {n} row of {source} is not valid; see the quarantine report",
                "error: none of the {n} rows of {source} is valid; see the quarantine report",
                source=result.report.source,
            )
        )
        raise typer.Exit(1)


@command("validate", lang=True)
@reading_options
def validate_cmd(
    kind: KindArg,
    path: FileArg,
    reading: Reading,
    store: StoreOpt = None,
    quarantine_out: Annotated[
        Path | None,
        typer.Option("--quarantine-out", help="Write the quarantine report (.csv or .xlsx)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a file row by row without storing anything."""
    from api.usecases.datasets import validate_or_import
    from geo.ingest.quarantine import QUARANTINE_COLUMNS

    if quarantine_out is not None:
        check_table_path(quarantine_out, "the quarantine report", "--quarantine-out")
    cfg = settings()
    store_path = store if store is not None else cfg.store
    checked = open_store(store_path) if store_path.exists() else None
    result = validate_or_import(path, kind, checked, cfg, reading, dry_run=True)
    report = result.report
    print_import(result, title=_("validation (nothing stored)"))
    if quarantine_out is not None:
        lines = report.quarantine.loc[:, list(QUARANTINE_COLUMNS)]
        write_rows(lines, quarantine_out, layer_name="quarantine")
        console.print(_("quarantine report written to {path}").format(path=quarantine_out))
    finish_import(result, as_json)


@command("import", lang=True)
@reading_options
def import_cmd(
    kind: KindArg,
    path: FileArg,
    reading: Reading,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate a file and store its valid rows (a new store when there is none yet)."""
    from api.usecases.datasets import validate_or_import

    cfg = settings()
    target = store_at(store, create=True)
    with console.status(_("importing {file} …").format(file=path.name)):
        result = validate_or_import(path, kind, target, cfg, reading, dry_run=False)
    print_import(result, title=_("import into {location}").format(location=target.location))
    finish_import(result, as_json)


@command("presets", lang=True)
def presets_cmd(as_json: JsonOpt = False) -> None:
    """List the register presets `--preset` takes, one line each."""
    from geo.ingest.presets import presets

    shown = table(
        _("register presets"),
        ((pgettext("presets table", "preset"), False),
         (pgettext("presets table", "layer"), False),
         (pgettext("presets table", "register"), False)),
    )  # fmt: skip
    for name, preset in presets().items():
        shown.add_row(name, layer_name(preset.layer.value), preset.describe())
    console.print(shown)
    if as_json:
        listing = {
            n: {"layer": p.layer.value, "description": p.description} for n, p in presets().items()
        }
        typer.echo(json.dumps(listing, ensure_ascii=False))


@command("quarantine", lang=True)
def quarantine_cmd(
    out: Annotated[Path, typer.Option("--out", help="File to write: .csv or .xlsx.")],
    kind: Annotated[LayerKind | None, typer.Option("--kind", help="Only this layer.")] = None,
    import_id: Annotated[str | None, typer.Option("--import", help="Only this import.")] = None,
    store: StoreOpt = None,
) -> None:
    """Export the quarantine report (row, field, reason, fix, original values) as CSV or XLSX."""
    from geo.ingest.quarantine import QUARANTINE_COLUMNS

    check_table_path(out, "the quarantine report")
    lines = store_at(store).quarantine(kind, import_id=import_id)
    write_rows(lines.loc[:, list(QUARANTINE_COLUMNS)], out, layer_name="quarantine")
    n = len(lines)
    console.print(
        counted(
            n,
            "{n} quarantine line written to {path}",
            "{n} quarantine lines written to {path}",
            path=out,
        )
    )


@command("layers", lang=True)
def layers_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show how many rows each layer of the store holds."""
    target = store_at(store)
    counts = {kind.value: target.count(kind) for kind in LayerKind}
    title = _("store {location} (version {version})")
    shown = table(
        title.format(location=target.location, version=target.version),
        ((pgettext("layers table", "layer"), False), (pgettext("layers table", "rows"), True)),
    )
    for kind, count in counts.items():
        shown.add_row(layer_name(kind), format_int(count))
    shown.add_row(pgettext("layers table", "quarantine"), format_int(len(target.quarantine())))
    console.print(shown)
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

    n = incidents if incidents is not None else demo.DEMO_INCIDENTS
    if n < demo.MIN_INCIDENTS:  # before the store is made: a refused run leaves nothing behind
        raise ParameterError(
            f"--incidents {n} is too few",
            why="the demo's monthly review needs its fixed anti-Romeo actions besides the other "
            "incidents",
            fix=f"give --incidents {demo.MIN_INCIDENTS} or more, or leave it out (about "
            f"{format_int(demo.DEMO_INCIDENTS)})",
        )
    cfg = settings()
    target = store_at(store, create=True)
    folder = out if out is not None else Path(target.location).parent / "demo-data"
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
        print_import(result, title=f"{kind} → {target.location}")
    if as_json:
        summaries = {kind: result.summary() for kind, result in results.items()}
        typer.echo(json.dumps({"seed": seed, "store": target.location, "imports": summaries}))
