"""Printable patrol sheets: a page per team and day, Hindi and English, with a route sketch."""

from __future__ import annotations

import html
import itertools
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from models.patrol import CONDUCT_EN, CONDUCT_HI, PatrolPlan, Route
from models.patrol.routing import solver_name
from models.patrol.teams import clock

logger = logging.getLogger(__name__)

#: Size of the route sketch (SVG user units ≈ CSS pixels).
SVG_WIDTH: Final = 640
SVG_HEIGHT: Final = 360
SVG_MARGIN: Final = 24
#: Colours of the sketch.
ROUTE_COLOR: Final = "#1f4e9c"
STOP_COLOR: Final = "#c0392b"
STATION_COLOR: Final = "#222222"
#: Bilingual headings (English / Hindi).
HEADINGS: Final = {
    "title": "Patrol sheet / गश्त पत्रक",
    "thana": "Thana / थाना",
    "team": "Team / टीम",
    "date": "Date / दिनांक",
    "shift": "Shift / पाली",
    "mode": "Mode / साधन",
    "stops": "Stops / पड़ाव",
    "distance": "Distance / दूरी",
    "back": "Back at start / वापसी",
    "conduct": "Conduct / आचरण",
    "map": "Route / मार्ग",
    "table": "Stops and times / पड़ाव और समय",
    "order": "# / क्रम",
    "arrive": "Arrive between / पहुँचें",
    "dwell": "Stay (min) / ठहराव (मिनट)",
    "place": "Place / स्थान",
    "window": "Time window / समय",
    "why": "Why / कारण",
    "notes": "Notes / टिप्पणी",
    "none": "No stop could be planned for this team today. / आज इस टीम के लिए कोई पड़ाव नहीं।",
    "synthetic": "SYNTHETIC demo data — not real incidents / कृत्रिम डेमो डेटा",
}
_STYLE: Final = """
body { font-family: "Noto Sans", "Noto Sans Devanagari", Arial, sans-serif; margin: 16px;
       color: #111; font-size: 13px; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; }
table.meta td { border: none; padding: 2px 8px 2px 0; }
.conduct { border: 2px solid #1f4e9c; padding: 6px 10px; background: #f3f7ff; }
.warn { color: #a00; font-weight: bold; }
.why { font-size: 11px; color: #333; }
.notes { font-size: 11px; color: #444; }
svg { border: 1px solid #ccc; background: #fafafa; max-width: 100%; height: auto; }
@media print { body { margin: 8mm; } .noprint { display: none; } tr { page-break-inside: avoid; } }
"""


def _project(
    points: Sequence[tuple[float, float]],
) -> list[tuple[float, float]]:
    """Return points scaled into the sketch box (equirectangular; a sketch needs no CRS)."""
    if not points:
        return []
    lat0 = sum(p[1] for p in points) / len(points)
    k = math.cos(math.radians(lat0))
    xs = [p[0] * k for p in points]
    ys = [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    scale = min(
        (SVG_WIDTH - 2 * SVG_MARGIN) / max(max(xs) - min(xs), span * 0.1),
        (SVG_HEIGHT - 2 * SVG_MARGIN) / max(max(ys) - min(ys), span * 0.1),
    )
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    return [
        (SVG_WIDTH / 2 + (x - cx) * scale, SVG_HEIGHT / 2 - (y - cy) * scale)
        for x, y in zip(xs, ys, strict=True)
    ]


def route_svg(route: Route) -> str:
    """Return an inline SVG sketch of a route: path, direction arrows, numbered stops, start.

    Drawn by hand (no map tiles, no script): the sheet must print the same on any machine,
    offline.
    """
    start = (route.team.start_lon or 0.0, route.team.start_lat or 0.0)
    stops = [(s.place.lon, s.place.lat) for s in route.stops]
    path = list(route.path) or [start, *stops, start]
    projected = _project([*path, start, *stops])
    p_path = projected[: len(path)]
    p_start = projected[len(path)]
    p_stops = projected[len(path) + 1 :]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" '
        f'width="{SVG_WIDTH}" height="{SVG_HEIGHT}" role="img" '
        f'aria-label="route of {html.escape(route.team.team)}">',
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='5' refY='5' markerWidth='7' "
        f"markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' "
        f"fill='{ROUTE_COLOR}'/></marker></defs>",
    ]
    if len(p_path) >= 2:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in p_path)
        parts.append(
            f"<polyline points='{pts}' fill='none' stroke='{ROUTE_COLOR}' stroke-width='2' "
            "stroke-opacity='0.8'/>"
        )
    legs = [p_start, *p_stops, p_start]
    for (x1, y1), (x2, y2) in itertools.pairwise(legs):
        if math.hypot(x2 - x1, y2 - y1) < 12:
            continue
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = (x2 - x1) * 0.05, (y2 - y1) * 0.05
        parts.append(
            f"<line x1='{mx - dx:.1f}' y1='{my - dy:.1f}' x2='{mx + dx:.1f}' y2='{my + dy:.1f}' "
            f"stroke='{ROUTE_COLOR}' stroke-width='2' marker-end='url(#arrow)'/>"
        )
    sx, sy = p_start
    parts.append(
        f"<rect x='{sx - 7:.1f}' y='{sy - 7:.1f}' width='14' height='14' fill='{STATION_COLOR}'/>"
        f"<text x='{sx:.1f}' y='{sy + 4:.1f}' font-size='10' fill='#fff' "
        "text-anchor='middle'>S</text>"
    )
    for s, (x, y) in zip(route.stops, p_stops, strict=True):
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='9' fill='{STOP_COLOR}' stroke='#fff'/>"
            f"<text x='{x:.1f}' y='{y + 4:.1f}' font-size='10' fill='#fff' "
            f"text-anchor='middle'>{s.order}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def sheet_html(plan: PatrolPlan, route: Route) -> str:
    """Return the printable patrol sheet of one route (team and day) as a standalone page.

    Parameters
    ----------
    plan : models.patrol.PatrolPlan
    route : models.patrol.Route

    Returns
    -------
    str
        HTML with bilingual headings, the conduct guidance, a route sketch (inline SVG) and
        the stop table with arrival windows and reasons. Nothing names a person.
    """
    esc = html.escape
    h = HEADINGS
    team = route.team
    date = route.date
    meta_rows = [
        (h["thana"], team.thana),
        (h["team"], team.team),
        (h["date"], f"{date.isoformat()} ({date.strftime('%A')})"),
        (h["shift"], team.shift_label),
        (h["mode"], f"{team.mode} ({team.speed_kmh:g} km/h)"),
        (h["stops"], str(len(route.stops))),
        (h["distance"], f"{route.distance_km:.1f} km"),
        (h["back"], clock(route.back_min)),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(f'Patrol sheet {team.team} {date.isoformat()}')}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{esc(h['title'])}</h1>",
    ]
    if plan.synthetic:
        out.append(f"<p class='warn'>{esc(h['synthetic'])}</p>")
    out.append("<table class='meta'>")
    out.extend(f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>" for k, v in meta_rows)
    out.append("</table>")
    out.append(
        f"<section class='conduct'><h2>{esc(h['conduct'])}</h2>"
        f"<p lang='en'>{esc(CONDUCT_EN)}</p><p lang='hi'>{esc(CONDUCT_HI)}</p></section>"
    )
    out.append(f"<h2>{esc(h['map'])}</h2>{route_svg(route)}")
    out.append(f"<h2>{esc(h['table'])}</h2>")
    if not route.stops:
        out.append(f"<p>{esc(h['none'])}</p>")
    else:
        heads = ("order", "arrive", "dwell", "place", "window", "why")
        out.append("<table><thead><tr>")
        out.extend(f"<th>{esc(h[k])}</th>" for k in heads)
        out.append("</tr></thead><tbody>")
        for s in route.stops:
            window = f"{clock(s.window.start_min)}–{clock(s.window.end_min)} ({s.window.label})"
            arrive = f"{clock(s.arrive_min)}–{clock(s.arrive_latest_min)}"
            out.append(
                f"<tr><td>{s.order}</td><td>{esc(arrive)}</td><td>{s.dwell_min}</td>"
                f"<td>{esc(s.place.name)}<br><span class='why'>{esc(s.place.place_id)} · "
                f"{s.place.lat:.5f}, {s.place.lon:.5f}</span></td><td>{esc(window)}</td>"
                f"<td class='why'>{esc(s.reason)}</td></tr>"
            )
        out.append("</tbody></table>")
    notes = [
        f"Plan from {plan.start.isoformat()}, {plan.days} day(s), seed {plan.seed}; "
        f"travel: {plan.travel}; solver: {solver_name(plan.params.solution_limit)}.",
        *plan.notes,
    ]
    out.append(f"<h2>{esc(h['notes'])}</h2><ul class='notes'>")
    out.extend(f"<li>{esc(n)}</li>" for n in notes)
    out.append("</ul></body></html>")
    return "\n".join(out)


def sheet_name(route: Route) -> str:
    """Return the file name of a route's sheet: ``day<N>-<date>/<team>.html``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in route.team.team)
    return f"day{route.day + 1}-{route.date.isoformat()}/{safe}.html"


def write_sheets(plan: PatrolPlan, folder: Path) -> list[Path]:
    """Write one sheet per team and day under ``folder/sheets`` and return the paths."""
    paths = []
    for route in plan.routes:
        path = folder / "sheets" / sheet_name(route)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sheet_html(plan, route), encoding="utf-8")
        paths.append(path)
    logger.info("%d patrol sheets written to %s", len(paths), folder / "sheets")
    return paths
