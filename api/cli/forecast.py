"""The ``shakti forecast`` command: a risk forecast chosen by back-test, next period per cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from api.cli.backtest_table import backtest_columns
from api.cli.common import (
    JsonOpt,
    SelectionOptions,
    command,
    console,
    grid_options,
    selection_options,
    settings,
)
from api.cli.options import (
    FoldsOpt,
    TrainOpt,
    check_windows,
)
from api.cli.tables import check_table_path, table, write_rows
from geo.errors import ParameterError
from geo.i18n import (
    _,
    counted,
    format_date,
    format_int,
    format_number,
    format_percent,
    ngettext,
    pgettext,
)

if TYPE_CHECKING:
    from api.usecases.budget import GridParams
    from api.usecases.forecast import ForecastRun

#: Riskiest cells printed under the table.
SHOWN_CELLS = 10
#: Extensions of the per-cell risk layer.
LAYER_SUFFIXES = (".geojson", ".gpkg", ".csv", ".xlsx")


@command("forecast", lang=True)
@selection_options
@grid_options
def forecast_cmd(
    selection: SelectionOptions,
    g: GridParams,
    horizon: Annotated[
        str, typer.Option("--horizon", help="Period forecast (and each fold's test), e.g. 7D.")
    ] = "7D",
    train: TrainOpt = "90D",
    folds: FoldsOpt = 6,
    area_share: Annotated[
        float,
        typer.Option("--area-share", help="Share of the area patrols cover (0.05 = 5 %).", min=0),
    ] = 0.05,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random steps.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write next period's risk per cell: .geojson, .gpkg, .csv, .xlsx."
        ),
    ] = None,
    hours_out: Annotated[
        Path | None,
        typer.Option("--hours-out", help="Write the risk per hour of the week (.csv or .xlsx)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Forecast next period's incidents per cell: every model against naive, the best used."""
    from api.usecases.forecast import ForecastParams, run_forecast, run_meta
    from api.usecases.forecast_choice import remember_choice

    check_windows({"--train": train, "--horizon": horizon}, "7D or 90D")
    if out is not None and out.suffix.lower() not in LAYER_SUFFIXES:
        raise ParameterError(
            f"cannot write {out.name}: the risk layer is written as GeoJSON, GPKG, CSV or XLSX",
            fix="give --out a .geojson, .gpkg, .csv or .xlsx file",
        )
    if hours_out is not None:
        check_table_path(hours_out, "the hour-of-week table", "--hours-out")
    inputs = selection.inputs()
    f = ForecastParams(horizon=horizon, train=train, folds=folds, area_share=area_share, seed=seed)
    with console.status(counted(folds, "back-test over {n} fold …", "back-test over {n} folds …")):
        run = run_forecast(inputs, settings(), g, f)
    remember_choice(inputs, selection.settings(), run, g, f)
    print_comparison(run, horizon=horizon, train=train, cell_m=g.cell_m)
    if run.beats_naive:
        console.print(
            _(
                "kept for this data: shakti hotspots, patrol plan and cctv place use it "
                "until the data change (--no-forecast turns it off)"
            )
        )
    if out is not None:
        write_rows(run.cells, out, layer_name="forecast")
        console.print(_("risk per cell written to {path}").format(path=out))
    if hours_out is not None:
        write_rows(run.hours, hours_out, layer_name="hour_of_week")
        console.print(_("risk per hour of the week written to {path}").format(path=hours_out))
    if as_json:
        summary = {
            **run_meta(run, g, f),
            "selection": inputs.describe(),
            "out": str(out) if out is not None else None,
            "hours_out": str(hours_out) if hours_out is not None else None,
        }
        typer.echo(json.dumps(summary, default=str, ensure_ascii=False))


def print_comparison(run: ForecastRun, *, horizon: str, train: str, cell_m: float) -> None:
    """Print every model against naive at equal area, the choice, and the riskiest cells."""
    from api.usecases.forecast import forecast_note
    from models.evaluation.backtest import (
        HIT_RATE_EQUAL_AREA,
        HIT_RATE_EQUAL_AREA_SD,
        METHOD,
        PAI_EQUAL_AREA,
    )
    from models.evaluation.scorers import method_name
    from models.forecast.choose import BEATS_NAIVE, CHOSEN, GAIN_OVER_NAIVE, GAIN_SE
    from models.forecast.risk import CELL_THANA, EXPECTED, RISK_RANK, TIMES_THANA_MEAN
    from models.surfaces.grid import CELL_ID

    choice = run.choice
    # TRANSLATORS: {share} is a share of the area ("5 %"); {horizon} and {train} lengths (7D).
    title = ngettext(
        "forecasts at {share} of the area: {n} fold, test {horizon}, train {train}, {cell} m",
        "forecasts at {share} of the area: {n} folds, test {horizon}, train {train}, {cell} m",
        choice.folds,
    )
    columns = backtest_columns(
        "method", "hit rate", "± across folds", "PAI", "gain over naive", "beats naive"
    )
    shown = table(
        title.format(
            share=format_percent(choice.area_share),
            n=format_int(choice.folds),
            horizon=horizon,
            train=train,
            cell=f"{cell_m:g}",
        ),
        columns,
    )
    yes, no = pgettext("back-test table", "yes"), pgettext("back-test table", "no")
    for _i, row in choice.table.iterrows():
        name = method_name(row[METHOD]) + (" ◀" if row[CHOSEN] else "")
        gain = f"{row[GAIN_OVER_NAIVE] * 100:+.1f} ± {row[GAIN_SE] * 100:.1f}"
        shown.add_row(
            name,
            format_percent(row[HIT_RATE_EQUAL_AREA], digits=1),
            format_percent(row[HIT_RATE_EQUAL_AREA_SD], digits=1),
            format_number(row[PAI_EQUAL_AREA], digits=1),
            gain,
            yes if row[BEATS_NAIVE] else no,
        )
    console.print(shown)
    console.print(forecast_note(run))
    # TRANSLATORS: {start} and {end} are the first and last day; {n} a number of incidents.
    console.print(
        _("expected incidents from {start} to {end}: {n}").format(
            start=format_date(run.start.date()),
            end=format_date((run.end - pd.Timedelta(days=1)).date()),  # the end is exclusive
            n=format_number(run.cells[EXPECTED].sum(), digits=1),
        )
    )
    cells = table(
        _("riskiest cells"),
        (
            (pgettext("forecast table", "rank"), True),
            (pgettext("forecast table", "cell"), False),
            (pgettext("forecast table", "thana"), False),
            (pgettext("forecast table", "expected incidents"), True),
            (pgettext("forecast table", "× thana average"), True),
        ),
    )
    for _i, row in run.cells.head(SHOWN_CELLS).iterrows():
        cells.add_row(
            format_int(row[RISK_RANK]),
            str(row[CELL_ID]),
            str(row[CELL_THANA]) if pd.notna(row[CELL_THANA]) else "",
            format_number(row[EXPECTED], digits=2),
            format_number(row[TIMES_THANA_MEAN], digits=1),
        )
    console.print(cells)
