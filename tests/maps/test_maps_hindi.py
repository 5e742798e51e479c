"""Maps, patrol sheets and CCTV reports in Hindi: every UI text translated, sheets in hi / en /
both, the Devanagari font local and drawn in the offline browser (no missing-glyph boxes)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import pytest

from geo.errors import ParameterError
from geo.i18n import devanagari_share, use_lang
from geo.synthetic import is_synthetic
from maps import assets
from maps.browser import offline_page, save_png, serve_page, unavailable_reason, wait_until_drawn
from maps.cctv_map import cctv_map
from maps.cctv_report import cctv_report_html
from maps.elements import Legend, TitleBox
from maps.patrol_sheet import HEADINGS, sheet_heading, sheet_html
from maps.render import devanagari_font_css, map_html
from maps.sheet_lang import BOTH, sheet_langs
from models.cctv import gaps as cg
from models.cctv import placement as pl
from models.patrol import CONDUCT_EN, CONDUCT_HI, PatrolPlan, plan_patrols
from models.patrol.routing import solver_name
from tests.maps.test_cctv_maps import UTM, layers
from tests.maps.test_maps import World, build_map, build_world
from tests.models.patrol.test_patrol_inputs import MONDAY, PLACES, STATION, TEAMS, UTM44

#: Names and technical terms that stay as they are in a Hindi map (place names, methods).
KEEP = (
    "Alpha Girls Inter College", "Beta Ghat", "Far Coaching Centre", "Alpha", "Beta", "Kashi",
    "Varuna", "DBSCAN", "Getis-Ord", "Gi*", "FDR", "Mann-Kendall", "ArcGIS", "H3", "z",
)  # fmt: skip
#: English UI words that must not be left on a Hindi map.
ENGLISH_UI = (
    "Legend", "Hotspots (", "Incidents per", "Search thana", "Search site", "Full screen",
    "Heat: incident density", "Sensitive sites", "CCTV cameras", "Awareness drives", "risk",
    "SYNTHETIC demo data", "Thana names", "Peak hours", "Week of",
)  # fmt: skip
_SPEC = re.compile(r"var spec = (\{.*?\}), styles")
_TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def ui_texts(m: folium.Map) -> list[str]:
    """Every text of the map's own interface: title, legend, layer names, popup labels, search."""
    page = map_html(m, assets="cdn")
    texts: list[str] = []
    for element in _walk(m):
        if isinstance(element, Legend | TitleBox):
            texts.append(html.unescape(_TAG.sub(" ", element.html)))
        elif getattr(element, "control", False) and getattr(element, "layer_name", None):
            texts.append(element.layer_name)
        elif type(element).__name__ == "Search":
            texts.append(element.placeholder)
    for spec in _SPEC.findall(page):
        texts.extend(html.unescape(row) for row in json.loads(spec)["rows"])
    return [t for t in texts if t.strip()]


def test_hindi_hotspot_map_has_hindi_legend_layers_and_labels(world: World) -> None:
    with use_lang("hi"):
        texts = ui_texts(build_map(world))
    joined = "\n".join(texts)
    for hindi in ("हॉटस्पॉट", "संवेदनशील स्थल", "थानों के नाम", "मुख्य समय", "थाना खोजें"):
        assert hindi in joined, hindi
    assert devanagari_share(joined, ignore=KEEP) >= 0.95, joined
    for english in ENGLISH_UI:
        assert english not in joined, english
    assert "संकेत" in joined  # the legend's heading
    if is_synthetic(world.incidents, world.thanas, world.sites):
        assert "कृत्रिम डेमो डेटा" in joined


def test_english_map_is_unchanged_in_its_words(world: World) -> None:
    with use_lang("en"):
        joined = "\n".join(ui_texts(build_map(world)))
    assert "Legend" in joined and "Search thana" in joined and "Hotspots (" in joined
    assert devanagari_share(joined) == 0


def test_hindi_cctv_map(vendor_dir: Path) -> None:
    sites, cams, incidents = layers()
    with use_lang("hi"):
        gaps = cg.gap_analysis(sites, cams, incidents=incidents, metric_crs=UTM)
        m = cctv_map(sites, cams, gaps=gaps, tiles=None, metric_crs=UTM)
        joined = "\n".join(ui_texts(m))
    assert "कैमरा कवरेज के अनुसार स्थल" in joined and "सीसीटीवी कैमरे" in joined
    assert devanagari_share(joined, ignore=(*KEEP, "Girls", "School", "F1")) >= 0.9


# --------------------------------------------------------------------------- sheets


@pytest.fixture(scope="module")
def plan() -> PatrolPlan:
    return plan_patrols(PLACES, TEAMS, STATION, start=MONDAY, days=1, seed=1, metric_crs=UTM44)


def visible_text(page: str) -> str:
    """The text a reader sees: no head, style, SVG or tags."""
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.DOTALL)
    return html.unescape(_TAG.sub(" ", body))


def model_texts(plan: PatrolPlan) -> list[str]:
    """Names, ids, reasons and notes the sheet prints from the plan (made by models)."""
    out = [*plan.notes, plan.travel, solver_name(plan.params.solution_limit)]
    for route in plan.routes:
        out += [route.team.team, route.team.thana, route.team.mode]
        for s in route.stops:
            out += [s.place.name, s.place.place_id, s.reason, s.window.label]
    return sorted(set(out), key=len, reverse=True)


def test_hindi_only_sheet_has_no_english_in_its_body(plan: PatrolPlan) -> None:
    route = next(r for r in plan.routes if r.stops)
    page = sheet_html(plan, route, sheet_lang="hi")
    text = visible_text(page)
    ignore = model_texts(plan)
    assert devanagari_share(text, ignore=ignore) >= 0.95, text
    assert CONDUCT_HI in page and CONDUCT_EN not in page
    assert "गश्त पत्रक" in page and "Patrol sheet" not in page and '<html lang="hi">' in page
    assert "Noto Sans Devanagari" in page


def test_english_only_sheet(plan: PatrolPlan) -> None:
    route = plan.routes[0]
    page = sheet_html(plan, route, sheet_lang="en")
    assert CONDUCT_EN in page and CONDUCT_HI not in page
    assert devanagari_share(visible_text(page)) == 0
    assert "Patrol sheet" in page and "Conduct" in page


def test_both_sheet_keeps_both_languages(plan: PatrolPlan, monkeypatch: Any) -> None:
    route = plan.routes[0]
    page = sheet_html(plan, route, sheet_lang="both")
    assert CONDUCT_EN in page and CONDUCT_HI in page
    for key in ("title", "arrive", "conduct", "why", "notes"):
        assert HEADINGS[key] in page
    assert HEADINGS["title"] == "Patrol sheet / गश्त पत्रक" == sheet_heading("title", BOTH)
    monkeypatch.setenv("SHAKTI_SHEET_LANG", "hi")
    from geo.settings import get_settings

    get_settings.cache_clear()
    try:
        assert sheet_langs() == ("hi",)
        assert CONDUCT_EN not in sheet_html(plan, route)  # the setting is the default
    finally:
        monkeypatch.delenv("SHAKTI_SHEET_LANG")
        get_settings.cache_clear()
    assert sheet_langs() == BOTH
    with use_lang("hi"):  # unset: a Hindi run prints Hindi-only sheets
        assert sheet_langs() == ("hi",)


def test_unknown_sheet_language_is_refused(plan: PatrolPlan) -> None:
    with pytest.raises(ParameterError, match="sheet language"):
        sheet_html(plan, plan.routes[0], sheet_lang="fr")


def test_cctv_report_in_each_language() -> None:
    sites, cams, incidents = layers()
    gaps = cg.gap_analysis(sites, cams, incidents=incidents, metric_crs=UTM)
    placement = pl.place_cameras(sites, cams, k=2, incidents=incidents, metric_crs=UTM)
    hindi = cctv_report_html(gaps, placement=placement, period="जून", sheet_lang="hi")
    english = cctv_report_html(gaps, placement=placement, period="June", sheet_lang="en")
    both = cctv_report_html(gaps, placement=placement, period="June", sheet_lang="both")
    assert "सीसीटीवी कवरेज रिपोर्ट" in hindi and "CCTV coverage report" not in hindi
    assert "CCTV coverage report" in english and "सीसीटीवी" not in english
    assert "CCTV coverage report" in both and "सीसीटीवी कवरेज रिपोर्ट" in both
    names = [str(n) for n in gaps.gaps["name"]]
    model = [*names, *gaps.notes, *placement.notes, *map(str, gaps.gaps[cg.WHY])]
    model += [str(x) for x in placement.cameras[pl.WHY]] + [
        str(x) for x in placement.cameras[pl.LABEL]
    ]
    text = visible_text(hindi)
    ignore = (*sorted(set(model), key=len, reverse=True), "CSV", "F1", "s", "m", "greedy", "mip")
    assert devanagari_share(text, ignore=ignore) >= 0.9, text


# --------------------------------------------------------------------------- the font


@pytest.fixture(scope="module")
def vendor_dir() -> Path:
    assets.fetch()
    return assets.asset_dir()


def test_font_is_a_pinned_local_asset(vendor_dir: Path) -> None:
    assert assets.NOTO_DEVANAGARI in assets.PACKAGES
    assert all(f.endswith(".woff2") for f in assets.NOTO_DEVANAGARI.files)
    assert assets.local_asset(assets.DEVANAGARI_CSS_URL) == assets.DEVANAGARI_CSS
    css = devanagari_font_css(vendor_dir)
    assert css.count("@font-face") == 2 and css.count("data:font/woff2;base64,") == 2
    assert "U+0900-097F" in css
    assert devanagari_font_css(vendor_dir / "nowhere") == ""


def test_inline_map_embeds_the_font(world: World, vendor_dir: Path) -> None:
    with use_lang("hi"):
        page = map_html(build_map(world))
    assert "font-family: 'Noto Sans Devanagari'" in page
    assert "noto-sans-devanagari" not in re.sub(r"/\*.*?\*/", "", page).split("<body", 1)[0]


#: In the page: the web font is loaded (not a system fallback), Devanagari is declared
#: renderable, and glyphs have their own widths (missing-glyph boxes are all one width).
FONT_CHECK_JS = """async () => {
  await document.fonts.ready;
  const family = "'Noto Sans Devanagari'";
  await document.fonts.load("16px " + family, "हिन्दी");
  const loaded = [...document.fonts].filter(
      f => f.family.replace(/["']/g, "") === "Noto Sans Devanagari" && f.status === "loaded");
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = "32px " + family;
  const widths = ["क", "म", "ि", "ा", "श", "ट"].map(c => ctx.measureText(c).width);
  const title = document.querySelector(".shakti-title");
  return {
    loaded: loaded.length,
    check: document.fonts.check("16px " + family, "हिन्दी"),
    distinct: new Set(widths.map(w => w.toFixed(2))).size,
    title: title ? title.textContent : "",
    titleFont: title ? getComputedStyle(title).fontFamily : "",
  };
}"""


@pytest.mark.skipif(
    unavailable_reason() is not None, reason=f"no headless browser: {unavailable_reason()}"
)
def test_hindi_map_renders_devanagari_offline_and_exports_png(
    world: World, vendor_dir: Path, tmp_path: Path
) -> None:
    with use_lang("hi"):
        page_html = map_html(build_map(world))
    png = save_png(page_html, tmp_path / "hindi.png", width=900, height=600)
    assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (
        serve_page(page_html) as url,
        offline_page(width=900, height=600) as (page, log),
    ):
        page.goto(url, wait_until="load")
        wait_until_drawn(page)
        result = page.evaluate(FONT_CHECK_JS)
    assert not log.blocked and not log.page_errors
    assert result["loaded"] >= 1, result
    assert result["check"] is True
    assert result["distinct"] >= 4, result  # real glyphs, not one box repeated
    assert "शक्ति हॉटस्पॉट" in result["title"]
    assert result["titleFont"].startswith('"Noto Sans Devanagari"'), result
