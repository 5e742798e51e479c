"""Printable patrol sheets: a page per team and day, in Hindi, English or both, with a sketch."""

from __future__ import annotations

import html
import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Final

from geo.i18n import (
    NP_,
    Lang,
    _,
    counted,
    format_date,
    format_int,
    format_number,
    patrol_mode_name,
    thana_display,
    use_lang,
    weekday_name,
)
from maps.sheet_html import document
from maps.sheet_lang import BOTH, body_lang, heading, sheet_langs
from maps.style import ROUTE_COLOR, STATION_COLOR, STOP_COLOR
from models.patrol import CONDUCT_EN, CONDUCT_HI, PatrolPlan, Route
from models.patrol.navigation import geo_uri, route_urls
from models.patrol.routing import solver_name
from models.patrol.teams import clock

logger = logging.getLogger(__name__)

#: Size of the route sketch (SVG user units ≈ CSS pixels).
SVG_WIDTH: Final = 640
SVG_HEIGHT: Final = 360
SVG_MARGIN: Final = 24
#: The sheet's headings, marked for translation (context :data:`CONTEXT`).
CONTEXT: Final = "patrol sheet"
TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "title": NP_("patrol sheet", "Patrol sheet"),
        "thana": NP_("patrol sheet", "Thana"),
        "team": NP_("patrol sheet", "Team"),
        "date": NP_("patrol sheet", "Date"),
        "shift": NP_("patrol sheet", "Shift"),
        "mode": NP_("patrol sheet", "Mode"),
        "stops": NP_("patrol sheet", "Stops"),
        "distance": NP_("patrol sheet", "Distance"),
        "back": NP_("patrol sheet", "Back at start"),
        "conduct": NP_("patrol sheet", "Conduct"),
        "map": NP_("patrol sheet", "Route"),
        "table": NP_("patrol sheet", "Stops and times"),
        "order": NP_("patrol sheet", "#"),
        "arrive": NP_("patrol sheet", "Arrive between"),
        "dwell": NP_("patrol sheet", "Stay (min)"),
        "place": NP_("patrol sheet", "Place"),
        "window": NP_("patrol sheet", "Time window"),
        "why": NP_("patrol sheet", "Why"),
        "notes": NP_("patrol sheet", "Notes"),
        "none": NP_("patrol sheet", "No stop could be planned for this team today."),
        "synthetic": NP_("patrol sheet", "SYNTHETIC demo data — not real incidents"),
        "phone": NP_("patrol sheet", "On a phone"),
        "qr": NP_("patrol sheet", "Scan to open the day's route in a maps app (part {n} of {of})."),
    }
)


def sheet_heading(key: str, langs: tuple[Lang, ...]) -> str:
    """Return the heading ``key`` of :data:`TEXTS` in each of ``langs`` (``"Team / टीम"``)."""
    return heading(TEXTS[key], langs, context=CONTEXT)


#: The bilingual headings of a ``both`` sheet (English / Hindi).
HEADINGS: Final[Mapping[str, str]] = MappingProxyType(
    {key: sheet_heading(key, BOTH) for key in TEXTS}
)
#: The conduct guidance in each language.
CONDUCT: Final[Mapping[str, str]] = MappingProxyType({"en": CONDUCT_EN, "hi": CONDUCT_HI})
_STYLE: Final = """
body { font-family: FONTS; margin: 16px; color: #111; font-size: 13px; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; }
table.meta td { border: none; padding: 2px 8px 2px 0; }
.conduct { border: 2px solid #1f4e9c; padding: 6px 10px; background: #f3f7ff; }
.warn { color: #a00; font-weight: bold; }
.why { font-size: 11px; color: #333; }
.qr { display: inline-block; margin: 0 16px 8px 0; text-align: center; font-size: 11px; }
.qr svg { border: none; background: #fff; }
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
    label = _("route of {team}").format(team=route.team.team)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" '
        f'width="{SVG_WIDTH}" height="{SVG_HEIGHT}" role="img" '
        f'aria-label="{html.escape(label)}">',
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


#: Size of a QR module on the sheet (SVG units); a 4-M code of a route link is ~45 modules.
QR_SCALE: Final = 3


def route_qr_svgs(route: Route) -> list[str]:
    """Return a QR code (inline SVG, by segno) for each leg of the day's route link.

    A phone's camera opens the link in its maps app (Google Maps, or any app handling
    the link). Error correction M survives a creased or smudged printout.
    """
    import segno

    return [
        segno.make(url, error="m", micro=False).svg_inline(scale=QR_SCALE, border=4)
        for url in route_urls(route)
    ]


def _phone_section(route: Route, langs: tuple[Lang, ...]) -> list[str]:
    """Return the sheet's "on a phone" part: a QR code per route leg, each a link too."""
    esc = html.escape
    urls = route_urls(route)
    if not urls:
        return []
    out = [f"<h2>{esc(sheet_heading('phone', langs))}</h2><div>"]
    for i, (url, svg) in enumerate(zip(urls, route_qr_svgs(route), strict=True)):
        caption = sheet_heading("qr", langs).format(n=i + 1, of=len(urls))
        out.append(
            f"<figure class='qr'><a href='{esc(url)}'>{svg}</a>"
            f"<figcaption>{esc(caption)}</figcaption></figure>"
        )
    out.append("</div>")
    return out


def _meta_rows(plan: PatrolPlan, route: Route, langs: tuple[Lang, ...]) -> list[tuple[str, str]]:
    """Return the sheet's head rows (heading, value); values in the current language."""
    team = route.team
    date = route.date
    return [
        (sheet_heading("thana", langs), thana_display(team.thana, plan.thana_names_hi)),
        (sheet_heading("team", langs), team.team),
        (
            sheet_heading("date", langs),
            f"{format_date(date)} ({weekday_name(date.weekday())})",
        ),
        (sheet_heading("shift", langs), team.shift_label),
        (
            sheet_heading("mode", langs),
            # TRANSLATORS: a patrol's means of travel and its speed, e.g. "foot (4 km/h)".
            _("{mode} ({speed} km/h)").format(
                mode=patrol_mode_name(team.mode), speed=f"{team.speed_kmh:g}"
            ),
        ),
        (sheet_heading("stops", langs), format_int(len(route.stops))),
        (
            sheet_heading("distance", langs),
            _("{km} km").format(km=format_number(route.distance_km, 1)),
        ),
        (sheet_heading("back", langs), clock(route.back_min)),
    ]


def _stop_table(route: Route, langs: tuple[Lang, ...]) -> list[str]:
    """Return the table of stops, arrival windows and reasons (or the no-stop line)."""
    esc = html.escape
    if not route.stops:
        return [f"<p>{esc(sheet_heading('none', langs))}</p>"]
    heads = ("order", "arrive", "dwell", "place", "window", "why")
    out = ["<table><thead><tr>"]
    out.extend(f"<th>{esc(sheet_heading(k, langs))}</th>" for k in heads)
    out.append("</tr></thead><tbody>")
    for s in route.stops:
        window = f"{clock(s.window.start_min)}–{clock(s.window.end_min)} ({s.window.label})"
        arrive = f"{clock(s.arrive_min)}–{clock(s.arrive_latest_min)}"
        out.append(
            f"<tr><td>{s.order}</td><td>{esc(arrive)}</td><td>{s.dwell_min}</td>"
            f"<td>{esc(s.place.name)}<br><span class='why'>{esc(s.place.place_id)} · "
            f"<a href='{esc(geo_uri((s.place.lon, s.place.lat), s.place.name))}'>"
            f"{s.place.lat:.5f}, {s.place.lon:.5f}</a></span></td><td>{esc(window)}</td>"
            f"<td class='why'>{esc(s.reason)}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _plan_note(plan: PatrolPlan) -> str:
    """Return the sentence saying how the plan was made."""
    return counted(
        plan.days,
        "Plan from {start}, {n} day, seed {seed}; travel: {travel}; solver: {solver}.",
        "Plan from {start}, {n} days, seed {seed}; travel: {travel}; solver: {solver}.",
        start=format_date(plan.start),
        seed=plan.seed,
        travel=plan.travel,
        solver=solver_name(plan.params.solution_limit),
    )


def sheet_html(plan: PatrolPlan, route: Route, *, sheet_lang: str | None = None) -> str:
    """Return the printable patrol sheet of one route (team and day) as a standalone page.

    Parameters
    ----------
    plan : models.patrol.PatrolPlan
    route : models.patrol.Route
    sheet_lang : {"hi", "en", "both"}, optional
        Hindi only, English only, or both (headings in English / Hindi, the conduct guidance
        in both); default the setting ``SHAKTI_SHEET_LANG`` (``both``). The values and
        sentences of a ``both`` sheet are in the current language.

    Returns
    -------
    str
        HTML with the headings, the conduct guidance, a route sketch (inline SVG) and the stop
        table with arrival windows and reasons; the Devanagari font is embedded. Nothing names
        a person.
    """
    langs = sheet_langs(sheet_lang)
    with use_lang(body_lang(langs)):
        return _sheet_html(plan, route, langs)


def _sheet_html(plan: PatrolPlan, route: Route, langs: tuple[Lang, ...]) -> str:
    esc = html.escape
    team = route.team
    title = f"{sheet_heading('title', langs)}: {team.team} {format_date(route.date)}"
    out = [f"<h1>{esc(sheet_heading('title', langs))}</h1>"]
    if plan.synthetic:
        out.append(f"<p class='warn'>{esc(sheet_heading('synthetic', langs))}</p>")
    out.append("<table class='meta'>")
    out.extend(
        f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>"
        for k, v in _meta_rows(plan, route, langs)
    )
    out.append("</table>")
    conduct = "".join(f"<p lang='{lang}'>{esc(CONDUCT[lang])}</p>" for lang in langs)
    out.append(
        f"<section class='conduct'><h2>{esc(sheet_heading('conduct', langs))}</h2>"
        f"{conduct}</section>"
    )
    out.append(f"<h2>{esc(sheet_heading('map', langs))}</h2>{route_svg(route)}")
    out.extend(_phone_section(route, langs))
    out.append(f"<h2>{esc(sheet_heading('table', langs))}</h2>")
    out.extend(_stop_table(route, langs))
    notes = [_plan_note(plan), *plan.notes]
    out.append(f"<h2>{esc(sheet_heading('notes', langs))}</h2><ul class='notes'>")
    out.extend(f"<li>{esc(n)}</li>" for n in notes)
    out.append("</ul>")
    return document(title, _STYLE, langs, out, viewport=True)


def sheet_name(route: Route) -> str:
    """Return the file name of a route's sheet: ``day<N>-<date>/<team>.html``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in route.team.team)
    return f"day{route.day + 1}-{route.date.isoformat()}/{safe}.html"


def write_sheets(plan: PatrolPlan, folder: Path, *, sheet_lang: str | None = None) -> list[Path]:
    """Write one sheet per team and day under ``folder/sheets`` and return the paths.

    ``sheet_lang`` is as for :func:`sheet_html` (default ``SHAKTI_SHEET_LANG``).
    """
    paths = []
    for route in plan.routes:
        path = folder / "sheets" / sheet_name(route)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sheet_html(plan, route, sheet_lang=sheet_lang), encoding="utf-8")
        paths.append(path)
    logger.info("%d patrol sheets written to %s", len(paths), folder / "sheets")
    return paths
