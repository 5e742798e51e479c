"""Analysis commands of the ``shakti`` command line: hotspots, significance, back-tests."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from api.cli.common import JsonOpt, StoreOpt, command, console, selection_inputs, settings
from geo.csv_safe import write_csv
from geo.errors import ParameterError
from geo.export import write_output

FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day included (YYYY-MM-DD, local).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day included (YYYY-MM-DD, local).")]
ThanaOpt = Annotated[str | None, typer.Option("--thana", help="Only incidents of this thana.")]
CategoryOpt = Annotated[
    list[str] | None,
    typer.Option("--category", help="Only incidents of this category (repeatable)."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Write the result: .geojson, .gpkg or .csv.")
]
CellOpt = Annotated[float, typer.Option("--cell-m", help="Grid cell size in metres.", min=1)]
GridOpt = Annotated[str, typer.Option("--grid", help="Grid kind: square or h3.")]


def _num(value: Any, digits: int = 3) -> Any:
    """Return a JSON-safe number (NaN → None)."""
    if value is None:
        return None
    f = float(value)
    return None if math.isnan(f) else round(f, digits)


def _write(layer: pd.DataFrame, out: Path | None, name: str) -> str | None:
    if out is None:
        return None
    write_output(layer, out, layer_name=name)
    console.print(f"{len(layer)} rows written to {out}")
    return str(out)


# --------------------------------------------------------------------------- hotspots


@command("hotspots", lang=True)
def hotspots_cmd(
    store: StoreOpt = None,
    eps_m: Annotated[
        float, typer.Option("--eps-m", help="DBSCAN radius in metres.", min=0.001)
    ] = 150.0,
    min_samples: Annotated[
        int, typer.Option("--min-samples", help="Incidents within eps_m to make a core.", min=1)
    ] = 10,
    start: FromOpt = None,
    end: ToOpt = None,
    thana: ThanaOpt = None,
    category: CategoryOpt = None,
    method: Annotated[
        str, typer.Option("--method", help="DBSCAN implementation: auto, grid or sklearn.")
    ] = "auto",
    hull: Annotated[str, typer.Option("--hull", help="Polygon: concave or buffer.")] = "concave",
    underserved: Annotated[
        bool,
        typer.Option("--underserved", help="Only hotspots with no awareness drive nearby lately."),
    ] = False,
    top: Annotated[int, typer.Option("--top", help="Rows shown on screen.", min=1)] = 10,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find incident hotspots (DBSCAN in metres) and explain each one."""
    from api.usecases.hotspots import HotspotParams, find_hotspots
    from models import hotspots as hs

    inputs = selection_inputs(store, start, end, thana, category)
    params = HotspotParams(eps_m, min_samples, underserved, method=method, hull=hull)
    with console.status(f"clustering {len(inputs.incidents)} incidents …"):
        spots = find_hotspots(inputs, settings(), params)
    rank_col = hs.UNDERSERVED_RANK if underserved else hs.RISK_RANK
    clustered = int(spots[hs.INCIDENTS].sum()) if not spots.empty else 0
    title = "underserved hotspots" if underserved else "hotspots"
    table = Table(title=f"{len(spots)} {title} (eps {eps_m:g} m, min {min_samples})")
    for col in ("rank", "id", "incidents", "thana", "peak", "trend", "risk"):
        table.add_column(
            col, justify="right" if col in ("rank", "id", "incidents", "risk") else "left"
        )
    shown = spots.head(top)
    for hotspot_id, row in shown.iterrows():
        table.add_row(
            str(row[rank_col]),
            str(hotspot_id),
            str(row[hs.INCIDENTS]),
            str(row[hs.PRIMARY_THANA]) + (" +" if bool(row[hs.CROSS_THANA]) else ""),
            f"{row[hs.DAY_PATTERN]} {row[hs.PEAK_HOURS]}",
            str(row[hs.TREND]),
            f"{row[hs.RISK_SCORE]:.2f}",
        )
    console.print(table)
    for hotspot_id, row in shown.iterrows():
        console.print(f"[bold]#{row[rank_col]}[/bold] (hotspot {hotspot_id}): {row[hs.WHY]}")
    share = clustered / len(inputs.incidents)
    console.print(
        f"{clustered} of {len(inputs.incidents)} incidents ({share:.0%}) lie in {title}; "
        "+ = crosses a thana boundary"
    )
    written = _write(spots, out, "hotspots")
    if as_json:
        summary = {
            "hotspots": len(spots),
            "underserved_only": underserved,
            "eps_m": eps_m,
            "min_samples": min_samples,
            "selection": inputs.describe(),
            "clustered_incidents": clustered,
            "clustered_share": _num(share),
            "out": written,
            "top": [
                {
                    "hotspot_id": int(i),
                    "rank": int(r[rank_col]),
                    "risk_rank": int(r[hs.RISK_RANK]),
                    "risk_score": _num(r[hs.RISK_SCORE]),
                    "incidents": int(r[hs.INCIDENTS]),
                    "primary_thana": r[hs.PRIMARY_THANA],
                    "peak_hours": r[hs.PEAK_HOURS],
                    "trend": r[hs.TREND],
                }
                for i, r in shown.iterrows()
            ],
        }
        typer.echo(json.dumps(summary, default=str))


# --------------------------------------------------------------------------- significance


@command("significance", lang=True)
def significance_cmd(
    store: StoreOpt = None,
    cell_m: CellOpt = 250.0,
    grid: GridOpt = "square",
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
    start: FromOpt = None,
    end: ToOpt = None,
    thana: ThanaOpt = None,
    category: CategoryOpt = None,
    all_cells: Annotated[
        bool, typer.Option("--all-cells", help="Write every cell, not only the flagged ones.")
    ] = False,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Getis-Ord Gi* hot and cold cells (FDR-corrected), or emerging hot-spot trends."""
    from models.surfaces.emerging import NO_PATTERN, PATTERN, PATTERNS, emerging_hotspots
    from models.surfaces.significance import GI_CLASS, GI_CLASSES, NOT_SIGNIFICANT, gi_star

    inputs = selection_inputs(store, start, end, thana, category)
    area = inputs.study_area()
    if emerging:
        with console.status(f"emerging hot spots on {cell_m:g} m cells, bins {time_bin} …"):
            cells = emerging_hotspots(
                inputs.incidents,
                cell_m=cell_m,
                bin=time_bin,
                grid=grid,  # type: ignore[arg-type]  # checked by the model
                permutations=permutations,
                seed=seed,
                start=start,
                end=end,
                metric_crs=settings().metric_crs,
                study_area=area,
            )
        column, order, quiet = PATTERN, list(PATTERNS), NO_PATTERN
        title = f"emerging hot spots ({cell_m:g} m {grid} cells, bins {time_bin})"
    else:
        with console.status(f"Gi* on {cell_m:g} m {grid} cells …"):
            cells = gi_star(
                inputs.incidents,
                cell_m=cell_m,
                grid=grid,  # type: ignore[arg-type]
                permutations=permutations,
                seed=seed,
                metric_crs=settings().metric_crs,
                study_area=area,
            )
        column, order, quiet = GI_CLASS, list(GI_CLASSES), NOT_SIGNIFICANT
        title = f"Gi* ({cell_m:g} m {grid} cells, FDR-corrected)"
    counts = cells[column].value_counts()
    table = Table(title=title)
    table.add_column("class")
    table.add_column("cells", justify="right")
    for name in order:
        if counts.get(name, 0):
            table.add_row(name, str(int(counts[name])))
    console.print(table)
    flagged = cells if all_cells else cells[cells[column] != quiet]
    written = _write(flagged, out, "emerging" if emerging else "gi_star")
    if as_json:
        summary = {
            "analysis": "emerging" if emerging else "gi_star",
            "cell_m": cell_m,
            "grid": grid,
            "cells": len(cells),
            "flagged": int((cells[column] != quiet).sum()),
            "classes": {str(k): int(v) for k, v in counts.items()},
            "selection": inputs.describe(),
            "out": written,
        }
        typer.echo(json.dumps(summary, default=str))


# --------------------------------------------------------------------------- back-test


@command("backtest", lang=True)
def backtest_cmd(
    store: StoreOpt = None,
    cell_m: CellOpt = 250.0,
    grid: GridOpt = "square",
    train: Annotated[str, typer.Option("--train", help="Training window, e.g. 90D.")] = "90D",
    test: Annotated[str, typer.Option("--test", help="Scoring window, e.g. 30D.")] = "30D",
    folds: Annotated[int, typer.Option("--folds", help="Latest folds to run.", min=1)] = 6,
    eps_m: Annotated[float, typer.Option("--eps-m", help="DBSCAN radius (m).", min=0.001)] = 150.0,
    min_samples: Annotated[
        int, typer.Option("--min-samples", help="DBSCAN core threshold.", min=1)
    ] = 10,
    bandwidth_m: Annotated[
        float, typer.Option("--bandwidth-m", help="KDE radius (m).", min=0.001)
    ] = 300.0,
    start: FromOpt = None,
    end: ToOpt = None,
    thana: ThanaOpt = None,
    category: CategoryOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Save a PAI / hit-rate plot (.png, .svg).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the per-fold table (.csv).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Back-test DBSCAN, KDE, Gi* and last-period counts: hit rate, PAI, PEI (rolling)."""
    from models.evaluation.backtest import AREA_SHARE, HIT_RATE, METHOD, PAI, PEI
    from models.evaluation.scorers import standard_backtest

    for value, what in ((train, "--train"), (test, "--test")):
        try:
            pd.Timedelta(value)
        except ValueError:
            raise ParameterError(
                f"{what} {value!r} is not a length of time", fix="write it like 90D or 4W"
            ) from None
    if out is not None and out.suffix.lower() != ".csv":
        raise ParameterError(
            f"cannot write {out.name}: the per-fold table is written as CSV",
            fix="give --out a .csv file",
        )
    inputs = selection_inputs(store, start, end, thana, category)
    with console.status(f"back-test over {folds} folds …"):
        result = standard_backtest(
            inputs.incidents,
            cell_m=cell_m,
            grid=grid,  # type: ignore[arg-type]
            study_area=inputs.study_area(),
            train=train,
            test=test,
            n_folds=folds,
            metric_crs=settings().metric_crs,
            eps_m=eps_m,
            min_samples=min_samples,
            bandwidth_m=bandwidth_m,
        )
    n_folds = int(result.folds["fold"].nunique())
    table = Table(title=f"back-test: {n_folds} folds, train {train}, test {test}, {cell_m:g} m")
    for col in ("method", "area", "hit rate", "PAI", "PEI", "area used"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for _, row in result.summary.iterrows():
        table.add_row(
            str(row[METHOD]),
            f"{row[AREA_SHARE]:.0%}",
            f"{row[HIT_RATE]:.1%}",
            f"{row[PAI]:.1f}",
            f"{row[PEI]:.2f}",
            f"{row['area_share_used']:.1%}",
        )
    console.print(table)
    if out is not None:
        write_csv(result.folds, out)
        console.print(f"{len(result.folds)} fold rows written to {out}")
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plot.parent.mkdir(parents=True, exist_ok=True)
        fig = result.plot(PAI)
        fig.savefig(plot, dpi=120)  # type: ignore[attr-defined]
        plt.close(fig)  # type: ignore[arg-type]
        console.print(f"plot written to {plot}")
    if as_json:
        summary = {
            "folds": n_folds,
            "train": train,
            "test": test,
            "cell_m": cell_m,
            "selection": inputs.describe(),
            "summary": [
                {
                    "method": r[METHOD],
                    "area_share": _num(r[AREA_SHARE]),
                    "hit_rate": _num(r[HIT_RATE]),
                    "pai": _num(r[PAI]),
                    "pei": _num(r[PEI]),
                }
                for _, r in result.summary.iterrows()
            ],
            "out": str(out) if out is not None else None,
            "plot": str(plot) if plot is not None else None,
        }
        typer.echo(json.dumps(summary, default=str))
