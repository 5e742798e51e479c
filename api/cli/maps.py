"""Map commands of the ``shakti`` command line: ``shakti map hotspots | cctv | patrol``."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from api.cli.common import (
    JsonOpt,
    SelectionOptions,
    command,
    console,
    group,
    option,
    option_group,
    selection_options,
    settings,
    store_at,
)
from api.cli.options import (
    AutoEpsOpt,
    AutoMinSamplesOpt,
    EpsOpt,
    MinSamplesOpt,
)
from api.cli.patrol import PlanOptions, plan_options
from geo.errors import ExportError, ParameterError
from geo.i18n import (
    _,
    counted,
    format_date,
    format_int,
    format_number,
    hindi_names,
    thana_display,
)
from models.inputs import AnalysisInputs

if TYPE_CHECKING:
    import folium

logger = logging.getLogger(__name__)

#: Cell size (metres) of the Gi* and emerging-trend layers.
MAP_CELL_M: Final = 250.0

map_app = group(
    "map",
    "Interactive maps as one HTML file that works offline (optionally a PNG).",
)


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


def _when(inputs: AnalysisInputs) -> str:
    described = inputs.describe()
    first, last = described["first"], described["last"]
    # TRANSLATORS: the map's subtitle: a thana (or "all thanas") and the first and last day.
    return _("{where}, {first} to {last}").format(
        where=thana_display(inputs.selection.thana, hindi_names(inputs.thanas))
        if inputs.selection.thana
        else _("all thanas"),
        first=format_date(first) if first else "…",
        last=format_date(last) if last else "…",
    )


def _save(html: str, out: Path, png: Path | None, width: int, height: int) -> str | None:
    from maps.render import save_png

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    size = format_number(len(html.encode()) / 1e6, digits=2)
    console.print(_("map written to {path} ({size} MB, works offline)").format(path=out, size=size))
    if png is None:
        return None
    save_png(out, png, width=width, height=height)
    console.print(_("PNG written to {path}").format(path=png))
    return str(png)


@dataclass(frozen=True)
class _MapFile:
    """Where and how a map command writes its map: the HTML, an optional PNG, the base tiles.

    ``share``: a shareable map (no incident locations, counts on cells, small counts hidden).
    """

    out: Path
    png: Path | None
    width: int
    height: int
    tiles: str | None
    attribution: str | None
    share: bool

    @classmethod
    def of(
        cls,
        *,
        out: Path,
        png: Path | None,
        width: int,
        height: int,
        no_tiles: bool,
        tiles: str | None,
        tile_attribution: str | None,
        share: bool,
    ) -> _MapFile:
        """Check ``--out``/``--png`` and choose the tiles and their attribution."""
        _check_out(out, png)
        chosen = _tiles(no_tiles, tiles)
        return cls(out, png, width, height, chosen, _attribution(tile_attribution), share)

    def write(self, m: folium.Map) -> dict[str, Any]:
        """Write the map (and its PNG); return the summary's out, bytes, png, share, tiles."""
        from maps.render import map_html

        html = map_html(m, assets="inline")
        written_png = _save(html, self.out, self.png, self.width, self.height)
        return {
            "out": str(self.out),
            "bytes": len(html.encode()),
            "png": written_png,
            "share": self.share,
            "tiles": self.tiles,
        }


#: The options of a map command's file and view, in the order ``--help`` lists them.
MAP_FILE_PARAMS: Final = (
    option("out", OutOpt),
    option("share", ShareOpt, False),
    option("no_tiles", NoTilesOpt, False),
    option("tiles", TilesOpt, None),
    option("tile_attribution", AttributionOpt, None),
    option("png", PngOpt, None),
    option("width", WidthOpt, 1280),
    option("height", HeightOpt, 800),
)
#: Gives a map command the options of its file and view (``MAP_FILE_PARAMS``) as ``view``.
map_file_options = option_group("view", MAP_FILE_PARAMS, _MapFile.of)


def _finish(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary, default=str))


# --------------------------------------------------------------------------- hotspots


@command("hotspots", group=map_app, lang=True)
@map_file_options
@selection_options
def map_hotspots_cmd(
    view: _MapFile,
    selection: SelectionOptions,
    eps_m: AutoEpsOpt = None,
    min_samples: AutoMinSamplesOpt = None,
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
    campaigns: Annotated[
        bool,
        typer.Option("--campaigns/--no-campaigns", help="Clusters of awareness drives layer."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Map of hotspots and why, heat, incidents, trends, sites, cameras and drives."""
    from api.usecases.hotspots import HotspotParams
    from api.usecases.maps import MapParams, hotspot_folium_map, map_layers

    inputs = selection.inputs()
    cfg = settings()
    params = MapParams(
        hotspots=HotspotParams(eps_m=eps_m, min_samples=min_samples, underserved=True),
        significance=significance,
        cell_m=MAP_CELL_M,
        share=view.share,
        max_points=max_points,
        emerging=emerging,
        campaigns=campaigns,
    )
    n = len(inputs.incidents)
    with console.status(
        counted(
            n,
            "hotspots, Gi* and trends of {n} incident …",
            "hotspots, Gi* and trends of {n} incidents …",
        )
    ):
        layers = map_layers(inputs, cfg, params, budgets=False)
    for note in layers.notes:
        console.print(_("[yellow]note:[/yellow] {note}").format(note=note))
    m = hotspot_folium_map(
        store_at(selection.store),
        cfg,
        layers,
        params,
        tiles=view.tiles,
        tile_attribution=view.attribution,
        title=_("Shakti Hotspots"),
        subtitle=_("{when} · shareable").format(when=_when(inputs))
        if view.share
        else _when(inputs),
    )
    written = view.write(m)
    under, gi_cells, trends = layers.underserved, layers.gi_cells, layers.trends
    _finish(
        {
            "map": "hotspots",
            **written,
            "incidents": len(inputs.incidents),
            "aggregated": view.share or len(inputs.incidents) > max_points,
            "hotspots": len(layers.hotspots),
            "underserved": 0 if under is None else len(under),
            "gi_cells": None if gi_cells is None else len(gi_cells),
            "emerging_cells": None if trends is None else len(trends),
            "selection": inputs.describe(),
            "notes": layers.notes,
        },
        as_json,
    )


# --------------------------------------------------------------------------- cctv


@command("cctv", group=map_app, lang=True)
@map_file_options
@selection_options
def map_cctv_cmd(
    view: _MapFile,
    selection: SelectionOptions,
    eps_m: EpsOpt = 150.0,
    min_samples: MinSamplesOpt = 10,
    hotspots: Annotated[
        bool, typer.Option("--hotspots/--no-hotspots", help="Draw the hotspots for context.")
    ] = True,
    k: Annotated[
        int,
        typer.Option("--k", help="Proposed cameras drawn with their view (0: none).", min=0),
    ] = 5,
    budget: Annotated[
        float | None,
        typer.Option("--budget", help="Most cost of the proposed cameras (new = 1).", min=0),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Map of CCTV gaps at sites (red, amber, green), cameras, views and proposed cameras."""
    from api.usecases.cctv import CctvRequest, cctv_folium_map, cctv_plan
    from models.cctv import gaps as cg

    inputs = selection.inputs(require_incidents=False)
    cfg = settings()
    if inputs.sites.empty and inputs.cctv.empty:
        raise ExportError(
            "the store has no sites and no cameras to map",
            fix="import them first: shakti import sites FILE; shakti import cctv FILE",
        )
    q = CctvRequest(k=k, budget=budget, eps_m=eps_m, min_samples=min_samples)
    n = len(inputs.incidents)
    with console.status(
        counted(
            n,
            "CCTV gaps and hotspots of {n} incident …",
            "CCTV gaps and hotspots of {n} incidents …",
        )
    ):
        planned = cctv_plan(inputs, cfg, q)
    spots, gaps, plan = planned.hotspots, planned.gaps, planned.placement
    m = cctv_folium_map(
        planned,
        cfg,
        tiles=view.tiles,
        tile_attribution=view.attribution,
        share=view.share,
        show_hotspots=hotspots,
    )
    counts = gaps.counts()
    n_sites = len(gaps.gaps)
    without = counts[cg.UNCOVERED] + counts[cg.REPAIRABLE]
    console.print(
        counted(
            n_sites,
            "{without} of {n} site have no working camera ({repairable} repairable); "
            "{working} of {cameras} cameras work",
            "{without} of {n} sites have no working camera ({repairable} repairable); "
            "{working} of {cameras} cameras work",
            without=format_int(without),
            repairable=format_int(counts[cg.REPAIRABLE]),
            working=format_int(gaps.registry.counts["working"]),
            cameras=format_int(gaps.registry.counts["cameras"]),
        )
    )
    written = view.write(m)
    _finish(
        {
            "map": "cctv",
            **written,
            "sites": n_sites,
            "sites_without_working_camera": without,
            "sites_repairable": counts[cg.REPAIRABLE],
            "cameras": int(gaps.registry.counts["cameras"]),
            "cameras_working": int(gaps.registry.counts["working"]),
            "proposed_cameras": 0 if plan is None else len(plan.cameras),
            "hotspots": None if spots is None or not hotspots else len(spots),
            "thana": selection.thana,
        },
        as_json,
    )


# --------------------------------------------------------------------------- patrol


@command("patrol", group=map_app, lang=True)
@map_file_options
@plan_options
def map_patrol_cmd(
    view: _MapFile,
    planning: PlanOptions,
    day: Annotated[
        int, typer.Option("--day", help="Day of the plan to draw (1-based).", min=1)
    ] = 1,
    days: Annotated[int, typer.Option("--days", help="Days planned (1..31).", min=1)] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Map of patrol routes: each team's route with direction, numbered stops, time windows."""
    from api.usecases.patrol import plan_patrols
    from geo.schema import NAME
    from maps.patrol_map import patrol_map

    if day > days:
        days = day
    cfg = settings()
    target = store_at(planning.store)
    q = planning.request(days)
    with console.status(_("planning patrols …")):
        plan = plan_patrols(target, cfg, q)
    from geo.schema import LayerKind
    from geo.store import read_layer

    outlines = read_layer(target, LayerKind.THANAS, timezone=cfg.timezone)
    outlines = outlines[outlines[NAME].isin(plan.thanas)]
    m = patrol_map(
        plan,
        day=day,
        thanas=outlines,
        tiles=view.tiles,
        tile_attribution=view.attribution,
        share=view.share,
    )
    written = view.write(m)
    routes = [r for r in plan.routes if r.day == day - 1]
    _finish(
        {
            "map": "patrol",
            **written,
            "thana": planning.thana,
            "day": day,
            "date": plan.date_of(day - 1).isoformat(),
            "seed": planning.seed,
            "routes": 0 if view.share else len(routes),
            "stops": sum(len(r.stops) for r in routes),
        },
        as_json,
    )
