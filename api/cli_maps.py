"""Map commands of the ``shakti`` command line: ``shakti map hotspots | cctv | patrol``."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Final, ParamSpec, TypeVar

import typer

from api.cli_analysis import CategoryOpt, FromOpt, ThanaOpt, ToOpt
from api.cli_common import JsonOpt, StoreOpt, app, console, err_console, settings, store_at
from geo.errors import ExportError, ParameterError, ShaktiError
from models.inputs import AnalysisInputs, Selection, categories_of, load_inputs

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

#: Cell size (metres) of the Gi* and emerging-trend layers.
MAP_CELL_M: Final = 250.0
#: Time bin of the emerging-trend layer.
MAP_TIME_BIN: Final = "M"

map_app = typer.Typer(
    name="map",
    help="Interactive maps as one HTML file that works offline (optionally a PNG).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(map_app, name="map")


def map_command(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a ``shakti map`` command whose domain errors become one line and exit 2."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except ShaktiError as exc:
                err_console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from exc

        map_app.command(name)(wrapper)
        return wrapper

    return decorate


OutOpt = Annotated[
    Path, typer.Option("--out", help="The map: one .html file (scripts inlined, works offline).")
]
PngOpt = Annotated[
    Path | None,
    typer.Option("--png", help="Also save a PNG (headless Chromium, network off)."),
]
ShareOpt = Annotated[
    bool,
    typer.Option(
        "--share",
        help="Shareable map: no incident locations, counts on cells, small counts hidden.",
    ),
]
NoTilesOpt = Annotated[
    bool, typer.Option("--no-tiles", help="No base map tiles (offline networks).")
]
TilesOpt = Annotated[
    str | None,
    typer.Option("--tiles", help="Base tiles: a name (openstreetmap) or an XYZ URL template."),
]
AttributionOpt = Annotated[
    str | None, typer.Option("--tile-attribution", help="Attribution of a --tiles URL.")
]
EpsOpt = Annotated[float, typer.Option("--eps-m", help="DBSCAN radius in metres.", min=0.001)]
MinSamplesOpt = Annotated[
    int, typer.Option("--min-samples", help="Incidents within eps_m to make a core.", min=1)
]
WidthOpt = Annotated[int, typer.Option("--width", help="PNG width in pixels.", min=200)]
HeightOpt = Annotated[int, typer.Option("--height", help="PNG height in pixels.", min=200)]


def _check_out(out: Path, png: Path | None) -> None:
    if out.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(
            f"cannot write {out.name}: maps are written as HTML", fix="give --out a .html file"
        )
    if png is not None and png.suffix.lower() != ".png":
        raise ParameterError(f"cannot write {png.name} as a PNG", fix="give --png a .png file")


def _tiles(no_tiles: bool, tiles: str | None) -> str | None:
    """Return the base tiles: none, the --tiles value, or the SHAKTI_TILES setting."""
    if no_tiles:
        return None
    chosen = tiles if tiles is not None else getattr(settings(), "tiles", "openstreetmap")
    if chosen is None or str(chosen).strip().lower() in ("", "none", "off", "no"):
        return None
    return str(chosen)


def _attribution(attribution: str | None) -> str | None:
    if attribution is not None:
        return attribution
    configured = getattr(settings(), "tile_attribution", None)
    return str(configured) if configured else None


def _inputs(
    store: Path | None,
    start: str | None,
    end: str | None,
    thana: str | None,
    category: list[str] | None,
    *,
    require_incidents: bool = True,
) -> AnalysisInputs:
    selection = Selection(start=start, end=end, thana=thana, categories=categories_of(category))
    return load_inputs(
        store_at(store),
        selection,
        timezone=settings().timezone,
        require_incidents=require_incidents,
    )


def _when(inputs: AnalysisInputs) -> str:
    described = inputs.describe()
    where = inputs.selection.thana or "all thanas"
    return f"{where}, {described['first'] or '…'} to {described['last'] or '…'}"


def _save(html: str, out: Path, png: Path | None, width: int, height: int) -> str | None:
    from maps.render import save_png

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(f"map written to {out} ({len(html.encode()) / 1e6:.2f} MB, works offline)")
    if png is None:
        return None
    save_png(out, png, width=width, height=height)
    console.print(f"PNG written to {png}")
    return str(png)


def _finish(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary, default=str))


# --------------------------------------------------------------------------- hotspots


@map_command("hotspots")
def map_hotspots_cmd(
    out: OutOpt,
    store: StoreOpt = None,
    thana: ThanaOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    eps_m: EpsOpt = 150.0,
    min_samples: MinSamplesOpt = 10,
    share: ShareOpt = False,
    no_tiles: NoTilesOpt = False,
    tiles: TilesOpt = None,
    tile_attribution: AttributionOpt = None,
    max_points: Annotated[
        int,
        typer.Option(
            "--max-points", help="Above this many incidents: heat and counts only.", min=0
        ),
    ] = 2000,
    significance: Annotated[
        bool,
        typer.Option("--significance/--no-significance", help="Gi* hot/cold cells layer."),
    ] = True,
    emerging: Annotated[
        bool,
        typer.Option("--emerging/--no-emerging", help="Emerging hot-spot trends layer (monthly)."),
    ] = True,
    png: PngOpt = None,
    width: WidthOpt = 1280,
    height: HeightOpt = 800,
    as_json: JsonOpt = False,
) -> None:
    """Map of hotspots and why, heat, incidents, trends, sites, cameras and drives."""
    from maps.hotspot_map import hotspot_map
    from maps.render import map_html
    from models import hotspots as hs

    _check_out(out, png)
    chosen_tiles = _tiles(no_tiles, tiles)
    inputs = _inputs(store, start, end, thana, category)
    cfg = settings()
    area = inputs.study_area()
    notes: list[str] = []
    with console.status(f"hotspots of {len(inputs.incidents)} incidents …"):
        spots = hs.find_hotspots(
            inputs.incidents,
            eps_m=eps_m,
            min_samples=min_samples,
            metric_crs=cfg.metric_crs,
            sites=inputs.sites,
            cctv=inputs.cctv,
            campaigns=inputs.campaigns,
            thanas=inputs.thanas,
            reference_time=inputs.reference_time(),
        )
        under = hs.underserved_hotspots(spots, inputs.campaigns, metric_crs=cfg.metric_crs)
    gi_cells = None
    if significance:
        from models.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star

        with console.status(f"Gi* on {MAP_CELL_M:g} m cells …"):
            cells = gi_star(
                inputs.incidents, cell_m=MAP_CELL_M, metric_crs=cfg.metric_crs, study_area=area
            )
        gi_cells = cells[cells[GI_CLASS] != NOT_SIGNIFICANT]
    trends = None
    if emerging:
        from models.emerging import NO_PATTERN, PATTERN, emerging_hotspots

        try:
            with console.status("emerging hot-spot trends (monthly) …"):
                cube = emerging_hotspots(
                    inputs.incidents,
                    cell_m=MAP_CELL_M,
                    bin=MAP_TIME_BIN,
                    start=start,
                    end=end,
                    metric_crs=cfg.metric_crs,
                    study_area=area,
                )
            trends = cube[cube[PATTERN] != NO_PATTERN]
        except ParameterError as exc:  # e.g. too few weeks in the selection
            notes.append(f"no emerging-trend layer: {exc.what}")
            console.print(f"[yellow]note:[/yellow] {notes[-1]}")
    thanas = area if area is not None else inputs.thanas
    m = hotspot_map(
        inputs.incidents,
        thanas=thanas,
        hotspots=spots,
        sites=inputs.sites,
        cctv=inputs.cctv,
        campaigns=inputs.campaigns,
        gi_cells=gi_cells,
        emerging=trends,
        underserved=under,
        share=share,
        tiles=chosen_tiles,
        tile_attribution=_attribution(tile_attribution),
        title="Shakti Hotspots",
        subtitle=_when(inputs) + (" · shareable" if share else ""),
        max_points=max_points,
        metric_crs=cfg.metric_crs,
    )
    html = map_html(m, assets="inline")
    written_png = _save(html, out, png, width, height)
    _finish(
        {
            "map": "hotspots",
            "out": str(out),
            "bytes": len(html.encode()),
            "png": written_png,
            "share": share,
            "tiles": chosen_tiles,
            "incidents": len(inputs.incidents),
            "aggregated": share or len(inputs.incidents) > max_points,
            "hotspots": len(spots),
            "underserved": len(under),
            "gi_cells": None if gi_cells is None else len(gi_cells),
            "emerging_cells": None if trends is None else len(trends),
            "selection": inputs.describe(),
            "notes": notes,
        },
        as_json,
    )


# --------------------------------------------------------------------------- cctv


@map_command("cctv")
def map_cctv_cmd(
    out: OutOpt,
    store: StoreOpt = None,
    thana: ThanaOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    eps_m: EpsOpt = 150.0,
    min_samples: MinSamplesOpt = 10,
    share: ShareOpt = False,
    no_tiles: NoTilesOpt = False,
    tiles: TilesOpt = None,
    tile_attribution: AttributionOpt = None,
    hotspots: Annotated[
        bool, typer.Option("--hotspots/--no-hotspots", help="Draw the hotspots for context.")
    ] = True,
    png: PngOpt = None,
    width: WidthOpt = 1280,
    height: HeightOpt = 800,
    as_json: JsonOpt = False,
) -> None:
    """Map of CCTV cameras, their view circles and the sites no working camera sees."""
    from maps.cctv_map import cctv_map, coverage_summary
    from maps.render import map_html
    from models import hotspots as hs

    _check_out(out, png)
    chosen_tiles = _tiles(no_tiles, tiles)
    inputs = _inputs(store, start, end, thana, category, require_incidents=False)
    cfg = settings()
    if inputs.sites.empty and inputs.cctv.empty:
        raise ExportError(
            "the store has no sites and no cameras to map",
            fix="import them first: shakti import sites FILE; shakti import cctv FILE",
        )
    area = inputs.study_area()
    sites, cctv = inputs.sites, inputs.cctv
    if thana is not None and area is not None:  # only what lies in the thana
        shape = area.to_crs(sites.crs).union_all() if not sites.empty else None
        sites = sites[sites.within(shape)] if shape is not None else sites
        if not cctv.empty:
            cctv = cctv[cctv.within(area.to_crs(cctv.crs).union_all())]
    spots = None
    if hotspots and len(inputs.incidents):
        with console.status(f"hotspots of {len(inputs.incidents)} incidents …"):
            spots = hs.find_hotspots(
                inputs.incidents,
                eps_m=eps_m,
                min_samples=min_samples,
                metric_crs=cfg.metric_crs,
                sites=sites,
                cctv=cctv,
                thanas=inputs.thanas,
                reference_time=inputs.reference_time(),
            )
    summary = coverage_summary(sites, cctv, metric_crs=cfg.metric_crs)
    m = cctv_map(
        sites,
        cctv,
        thanas=area if area is not None else inputs.thanas,
        hotspots=spots,
        share=share,
        tiles=chosen_tiles,
        tile_attribution=_attribution(tile_attribution),
        metric_crs=cfg.metric_crs,
    )
    html = map_html(m, assets="inline")
    console.print(
        f"{summary.uncovered} of {summary.sites} sites have no working camera; "
        f"{summary.working} of {summary.cameras} cameras work"
    )
    written_png = _save(html, out, png, width, height)
    _finish(
        {
            "map": "cctv",
            "out": str(out),
            "bytes": len(html.encode()),
            "png": written_png,
            "share": share,
            "tiles": chosen_tiles,
            "sites": summary.sites,
            "sites_without_working_camera": summary.uncovered,
            "cameras": summary.cameras,
            "cameras_working": summary.working,
            "hotspots": None if spots is None else len(spots),
            "thana": thana,
        },
        as_json,
    )


# --------------------------------------------------------------------------- patrol


@map_command("patrol")
def map_patrol_cmd(
    out: OutOpt,
    store: StoreOpt = None,
    thana: ThanaOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    share: ShareOpt = False,
    no_tiles: NoTilesOpt = False,
    tiles: TilesOpt = None,
    png: PngOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Map of patrol routes and beats (not available yet)."""
    raise ShaktiError(
        "patrol planning is not available yet",
        why="the patrol-route and beat planning analysis has not landed in this version",
        fix="use `shakti map hotspots` (peak hours and places) until it does",
    )
