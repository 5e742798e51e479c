"""Analysis commands of the ``shakti`` command line: hotspots, significance, back-tests."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    AutoEpsOpt,
    AutoMinSamplesOpt,
    EpsOpt,
    FoldsOpt,
    ForecastOpt,
    MinSamplesOpt,
    TrainOpt,
    check_windows,
)
from api.cli.tables import check_table_path, table, write_rows
from geo.errors import ParameterError
from geo.i18n import (
    _,
    counted,
    day_pattern_name,
    format_int,
    format_number,
    format_percent,
    hindi_names,
    ngettext,
    pgettext,
    thana_display,
    trend_name,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from api.usecases.budget import GridParams
    from models.evaluation.backtest import BacktestResult
    from models.inputs import AnalysisInputs

OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Write the result: .geojson, .gpkg, .csv or .xlsx.")
]


def _num(value: Any, digits: int = 3) -> Any:
    """Return a JSON-safe number (NaN → None)."""
    if value is None:
        return None
    f = float(value)
    return None if math.isnan(f) else round(f, digits)


def _write(layer: pd.DataFrame, out: Path | None, name: str) -> str | None:
    if out is None:
        return None
    write_rows(layer, out, layer_name=name)
    n = len(layer)
    console.print(counted(n, "{n} row written to {path}", "{n} rows written to {path}", path=out))
    return str(out)


# --------------------------------------------------------------------------- hotspots


@command("hotspots", lang=True)
@selection_options
def hotspots_cmd(
    selection: SelectionOptions,
    eps_m: AutoEpsOpt = None,
    min_samples: AutoMinSamplesOpt = None,
    max_width_m: Annotated[
        float | None,
        typer.Option(
            "--max-width-m",
            help="Widest hotspot in metres, wider ones are split (default: SHAKTI_MAX_HOTSPOT_M "
            "when a parameter is chosen, no cap when both are given).",
            min=100,
        ),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help="DBSCAN implementation: auto, grid or sklearn.")
    ] = "auto",
    hull: Annotated[str, typer.Option("--hull", help="Polygon: concave or buffer.")] = "concave",
    underserved: Annotated[
        bool,
        typer.Option("--underserved", help="Only hotspots with no awareness drive nearby lately."),
    ] = False,
    layer: Annotated[
        str,
        typer.Option(
            "--layer",
            help="incidents: incident hotspots; campaigns: clusters of awareness drives with "
            "the incidents and hotspots around each.",
        ),
    ] = "incidents",
    top: Annotated[int, typer.Option("--top", help="Rows shown on screen.", min=1)] = 10,
    out: OutOpt = None,
    forecast: ForecastOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find incident hotspots (DBSCAN in metres) and explain each one."""
    from api.usecases.hotspots import LAYER_CAMPAIGNS, LAYERS, HotspotParams, hotspot_analysis
    from models import hotspots as hs

    if layer not in LAYERS:
        raise ParameterError(
            f"--layer must be one of {', '.join(LAYERS)}, got {layer!r}",
            fix="use --layer incidents (the default) or --layer campaigns",
        )
    inputs = selection.inputs()
    params = HotspotParams(
        eps_m, min_samples, underserved, method=method, hull=hull, max_width_m=max_width_m,
        layer=layer, forecast=forecast,
    )  # fmt: skip
    n_in = len(inputs.incidents)
    with console.status(counted(n_in, "clustering {n} incident …", "clustering {n} incidents …")):
        result = hotspot_analysis(inputs, selection.settings(), params)
    use, spots, about = result.use, result.hotspots, result.summary
    if use.message:
        console.print(use.message)
    if layer == LAYER_CAMPAIGNS:
        choice = result.drive_choice.as_dict()
        _drive_output(result.drives, top, choice, inputs, out, as_json=as_json)
        return
    chosen = about["parameters"]
    rank_col = hs.UNDERSERVED_RANK if underserved else hs.RISK_RANK
    clustered = int(spots[hs.INCIDENTS].sum()) if not spots.empty else 0
    shown = spots.head(top)
    _print_hotspots(
        shown,
        len(spots),
        rank_col,
        inputs,
        underserved=underserved,
        eps_m=float(chosen["eps_m"]),
        min_samples=int(chosen["min_samples"]),
    )
    console.print(chosen["reason"])
    share = clustered / n_in
    _print_clustered(clustered, n_in, share, underserved=underserved)
    if len(spots):
        console.print(about["concentration"]["sentence"])
    written = _write(spots, out, "hotspots")
    if as_json:
        summary = {
            "hotspots": len(spots),
            "underserved_only": underserved,
            "eps_m": chosen["eps_m"],
            "min_samples": chosen["min_samples"],
            "parameters": chosen,
            "concentration": about["concentration"],
            "selection": inputs.describe(),
            "clustered_incidents": clustered,
            "clustered_share": _num(share),
            "out": written,
            "top": _hotspot_rows(shown, rank_col),
        }
        if use.forecast is not None:
            summary["forecast"] = use.message
        typer.echo(json.dumps(summary, default=str))


def _drive_output(
    drives: gpd.GeoDataFrame,
    top: int,
    chosen: dict[str, Any],
    inputs: AnalysisInputs,
    out: Path | None,
    *,
    as_json: bool,
) -> None:
    """Print (and write) the clusters of awareness drives of ``--layer campaigns``."""
    from api.cli import drive_clusters as dc

    dc.print_drive_clusters(drives, top, chosen["reason"])
    written = _write(drives, out, "drive_clusters")
    if as_json:
        dc.echo_json(drives, top, chosen, {"selection": inputs.describe(), "out": written})


def _print_hotspots(
    shown: gpd.GeoDataFrame,
    n: int,
    rank_col: str,
    inputs: AnalysisInputs,
    *,
    underserved: bool,
    eps_m: float,
    min_samples: int,
) -> None:
    """Print the table of the ``shown`` hotspots (``n`` found) and, under it, why each is one."""
    from models import hotspots as hs

    if underserved:
        title = ngettext(
            "{n} underserved hotspot (eps {eps} m, min {min})",
            "{n} underserved hotspots (eps {eps} m, min {min})",
            n,
        )
    else:
        title = ngettext(
            "{n} hotspot (eps {eps} m, min {min})", "{n} hotspots (eps {eps} m, min {min})", n
        )
    columns = (
        (pgettext("hotspot table", "rank"), True),
        (pgettext("hotspot table", "id"), True),
        (pgettext("hotspot table", "incidents"), True),
        (pgettext("hotspot table", "thana"), False),
        (pgettext("hotspot table", "peak"), False),
        (pgettext("hotspot table", "trend"), False),
        (pgettext("hotspot table", "risk"), True),
    )
    shown_table = table(
        title.format(n=format_int(n), eps=f"{eps_m:g}", min=format_int(min_samples)), columns
    )
    names_hi = hindi_names(inputs.thanas)
    for hotspot_id, row in shown.iterrows():
        shown_table.add_row(
            str(row[rank_col]),
            str(hotspot_id),
            format_int(row[hs.INCIDENTS]),
            thana_display(row[hs.PRIMARY_THANA], names_hi)
            + (" +" if bool(row[hs.CROSS_THANA]) else ""),
            f"{day_pattern_name(row[hs.DAY_PATTERN])} {row[hs.PEAK_HOURS]}",
            trend_name(row[hs.TREND]),
            format_number(row[hs.RISK_SCORE], digits=2),
        )
    console.print(shown_table)
    for hotspot_id, row in shown.iterrows():
        # TRANSLATORS: {rank} is the hotspot's rank, {id} its number, {why} its explanation.
        line = _("[bold]#{rank}[/bold] (hotspot {id}): {why}")
        console.print(line.format(rank=row[rank_col], id=hotspot_id, why=row[hs.WHY]))


def _print_clustered(clustered: int, n_in: int, share: float, *, underserved: bool) -> None:
    """Print how many of the ``n_in`` incidents lie in the (underserved) hotspots."""
    if underserved:
        lie = ngettext(
            "{clustered} of {n} incident ({share}) lies in underserved hotspots",
            "{clustered} of {n} incidents ({share}) lie in underserved hotspots",
            n_in,
        )
    else:
        lie = ngettext(
            "{clustered} of {n} incident ({share}) lies in hotspots",
            "{clustered} of {n} incidents ({share}) lie in hotspots",
            n_in,
        )
    clustered_text = lie.format(
        clustered=format_int(clustered), n=format_int(n_in), share=format_percent(share)
    )
    console.print(_("{clustered}; + = crosses a thana boundary").format(clustered=clustered_text))


def _hotspot_rows(shown: gpd.GeoDataFrame, rank_col: str) -> list[dict[str, Any]]:
    """Return the ``top`` rows of the hotspots JSON summary."""
    from models import hotspots as hs

    return [
        {
            "hotspot_id": int(i),
            "rank": int(r[rank_col]),
            "risk_rank": int(r[hs.RISK_RANK]),
            "risk_score": _num(r[hs.RISK_SCORE]),
            "incidents": int(r[hs.INCIDENTS]),
            "width_m": _num(r[hs.WIDTH_M], 0),
            "cross_thana": bool(r[hs.CROSS_THANA]),
            "primary_thana": r[hs.PRIMARY_THANA],
            "peak_hours": r[hs.PEAK_HOURS],
            "trend": r[hs.TREND],
        }
        for i, r in shown.iterrows()
    ]


# --------------------------------------------------------------------------- significance


@command("significance", lang=True)
@selection_options
@grid_options
def significance_cmd(
    selection: SelectionOptions,
    g: GridParams,
    emerging: Annotated[
        bool,
        typer.Option("--emerging", help="Emerging hot spots over time bins instead of Gi*."),
    ] = False,
    time_bin: Annotated[
        str, typer.Option("--bin", help="Time bin of --emerging: W (weekly), M, 14D, …")
    ] = "W",
    permutations: Annotated[
        int, typer.Option("--permutations", help="Gi* permutations (0: normal p-values).", min=0)
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the permutations.")] = 0,
    all_cells: Annotated[
        bool, typer.Option("--all-cells", help="Write every cell, not only the flagged ones.")
    ] = False,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Getis-Ord Gi* hot and cold cells (FDR-corrected), or emerging hot-spot trends."""
    from models.surfaces.emerging import NO_PATTERN, PATTERNS, emerging_hotspots, pattern_name
    from models.surfaces.emerging import PATTERN as PATTERN_COLUMN
    from models.surfaces.significance import GI_CLASS as GI_CLASS_COLUMN
    from models.surfaces.significance import GI_CLASSES, NOT_SIGNIFICANT, class_name, gi_star

    inputs = selection.inputs()
    area = inputs.study_area()
    cell = f"{g.cell_m:g}"
    if emerging:
        status = _("emerging hot spots on {cell} m cells, bins {bin} …")
        with console.status(status.format(cell=cell, bin=time_bin)):
            cells = emerging_hotspots(
                inputs.incidents,
                cell_m=g.cell_m,
                bin=time_bin,
                grid=g.grid,  # type: ignore[arg-type]  # checked by the model
                permutations=permutations,
                seed=seed,
                start=selection.start,
                end=selection.end,
                metric_crs=settings().metric_crs,
                study_area=area,
            )
        shown: Callable[[object], str] = pattern_name
        column, order, quiet = PATTERN_COLUMN, list(PATTERNS), NO_PATTERN
        # TRANSLATORS: {grid} is "square" or "h3"; {bin} a time bin such as W, M or 14D.
        title = _("emerging hot spots ({cell} m {grid} cells, bins {bin})")
    else:
        with console.status(_("Gi* on {cell} m {grid} cells …").format(cell=cell, grid=g.grid)):
            cells = gi_star(
                inputs.incidents,
                cell_m=g.cell_m,
                grid=g.grid,  # type: ignore[arg-type]
                permutations=permutations,
                seed=seed,
                metric_crs=settings().metric_crs,
                study_area=area,
            )
        shown = class_name
        column, order, quiet = GI_CLASS_COLUMN, list(GI_CLASSES), NOT_SIGNIFICANT
        # TRANSLATORS: {grid} is "square" or "h3".
        title = _("Gi* ({cell} m {grid} cells, FDR-corrected)")
    counts = cells[column].value_counts()
    classes = table(
        title.format(cell=cell, grid=g.grid, bin=time_bin),
        ((pgettext("significance table", "class"), False),
         (pgettext("significance table", "cells"), True)),
    )  # fmt: skip
    for name in order:
        if counts.get(name, 0):
            classes.add_row(shown(name), format_int(int(counts[name])))
    console.print(classes)
    flagged = cells if all_cells else cells[cells[column] != quiet]
    written = _write(flagged, out, "emerging" if emerging else "gi_star")
    if as_json:
        summary = {
            "analysis": "emerging" if emerging else "gi_star",
            "cell_m": g.cell_m,
            "grid": g.grid,
            "cells": len(cells),
            "flagged": int((cells[column] != quiet).sum()),
            "classes": {str(k): int(v) for k, v in counts.items()},
            "selection": inputs.describe(),
            "out": written,
        }
        typer.echo(json.dumps(summary, default=str))


# --------------------------------------------------------------------------- back-test


@command("backtest", lang=True)
@selection_options
@grid_options
def backtest_cmd(
    selection: SelectionOptions,
    g: GridParams,
    train: TrainOpt = "90D",
    test: Annotated[str, typer.Option("--test", help="Scoring window, e.g. 30D.")] = "30D",
    folds: FoldsOpt = 6,
    eps_m: EpsOpt = 150.0,
    min_samples: MinSamplesOpt = 10,
    bandwidth_m: Annotated[
        float, typer.Option("--bandwidth-m", help="KDE radius (m).", min=0.001)
    ] = 300.0,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Save a PAI / hit-rate plot (.png, .svg).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the per-fold table (.csv or .xlsx).")
    ] = None,
    forecasts: Annotated[
        bool,
        typer.Option(
            "--forecasts/--no-forecasts",
            help="Also back-test the forecast models (shakti forecast).",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Back-test DBSCAN, KDE, Gi*, last-period counts and forecasts: hit rate, PAI, PEI."""
    from api.usecases.backtest import BacktestParams, backtest_methods
    from models.evaluation.scorers import standard_backtest

    check_windows({"--train": train, "--test": test}, "90D or 4W")
    if out is not None:
        check_table_path(out, "the per-fold table")
    inputs = selection.inputs()
    params = BacktestParams(
        train=train,
        test=test,
        folds=folds,
        eps_m=eps_m,
        min_samples=min_samples,
        bandwidth_m=bandwidth_m,
        forecasts=forecasts,
    )
    with console.status(counted(folds, "back-test over {n} fold …", "back-test over {n} folds …")):
        result = standard_backtest(
            inputs.incidents,
            cell_m=g.cell_m,
            grid=g.grid,  # type: ignore[arg-type]
            study_area=inputs.study_area(),
            train=train,
            test=test,
            n_folds=folds,
            methods=backtest_methods(inputs, params),
            metric_crs=settings().metric_crs,
        )
    n_folds = int(result.folds["fold"].nunique())
    _print_scores(result, n_folds, train=train, test=test, cell_m=g.cell_m)
    if out is not None:
        write_rows(result.folds, out, layer_name="folds")
        n_rows = len(result.folds)
        console.print(
            counted(
                n_rows,
                "{n} fold row written to {path}",
                "{n} fold rows written to {path}",
                path=out,
            )
        )
    if plot is not None:
        _save_plot(result, plot)
    if as_json:
        summary = {
            "folds": n_folds,
            "train": train,
            "test": test,
            "cell_m": g.cell_m,
            "selection": inputs.describe(),
            "summary": _score_rows(result),
            "out": str(out) if out is not None else None,
            "plot": str(plot) if plot is not None else None,
        }
        typer.echo(json.dumps(summary, default=str))


def _print_scores(
    result: BacktestResult, n_folds: int, *, train: str, test: str, cell_m: float
) -> None:
    """Print the back-test's summary table: per method and area share, hit rate, PAI and PEI."""
    from models.evaluation.backtest import (
        AREA_SHARE,
        HIT_RATE,
        HIT_RATE_EQUAL_AREA,
        HIT_RATE_EQUAL_AREA_SD,
        PAI,
        PEI,
    )
    from models.evaluation.backtest import METHOD as METHOD_COLUMN
    from models.evaluation.scorers import method_name

    # TRANSLATORS: {train} and {test} are lengths of time such as 90D (days) or 4W (weeks).
    title = ngettext(
        "back-test: {n} fold, train {train}, test {test}, {cell} m",
        "back-test: {n} folds, train {train}, test {test}, {cell} m",
        n_folds,
    )
    columns = backtest_columns(
        "method",
        "area",
        "hit rate",
        "PAI",
        "PEI",
        "area used",
        "hit rate at equal area",
        "± across folds",
    )
    scores = table(
        title.format(n=format_int(n_folds), train=train, test=test, cell=f"{cell_m:g}"), columns
    )
    for _i, row in result.summary.iterrows():
        scores.add_row(
            method_name(row[METHOD_COLUMN]),
            format_percent(row[AREA_SHARE]),
            format_percent(row[HIT_RATE], digits=1),
            format_number(row[PAI], digits=1),
            format_number(row[PEI], digits=2),
            format_percent(row["area_share_used"], digits=1),
            # a caller's own summary may lack the equal-area columns: shown empty
            format_percent(row.get(HIT_RATE_EQUAL_AREA), digits=1),
            format_percent(row.get(HIT_RATE_EQUAL_AREA_SD), digits=1),
        )
    console.print(scores)


def _save_plot(result: BacktestResult, plot: Path) -> None:
    """Save the PAI plot of the back-test to ``plot`` (.png, .svg) and say where."""
    import matplotlib

    from models.evaluation.backtest import PAI

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plot.parent.mkdir(parents=True, exist_ok=True)
    fig = result.plot(PAI)
    fig.savefig(plot, dpi=120)  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    console.print(_("plot written to {path}").format(path=plot))


def _score_rows(result: BacktestResult) -> list[dict[str, Any]]:
    """Return the ``summary`` rows of the back-test JSON summary."""
    from models.evaluation.backtest import (
        AREA_SHARE,
        HIT_RATE,
        HIT_RATE_EQUAL_AREA,
        HIT_RATE_EQUAL_AREA_SD,
        PAI,
        PAI_EQUAL_AREA,
        PEI,
    )
    from models.evaluation.backtest import METHOD as METHOD_COLUMN

    return [
        {
            "method": r[METHOD_COLUMN],
            "area_share": _num(r[AREA_SHARE]),
            "hit_rate": _num(r[HIT_RATE]),
            "pai": _num(r[PAI]),
            "pei": _num(r[PEI]),
            "hit_rate_equal_area": _num(r.get(HIT_RATE_EQUAL_AREA)),
            "pai_equal_area": _num(r.get(PAI_EQUAL_AREA)),
            "hit_rate_equal_area_sd": _num(r.get(HIT_RATE_EQUAL_AREA_SD)),
        }
        for _, r in result.summary.iterrows()
    ]
