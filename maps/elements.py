"""Map controls folium lacks: legend, title box, weekly time slider, offline mini-map, page CSS."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import HeatMap, MiniMap
from folium.template import Template
from folium.utilities import remove_empty

from geo.i18n import _
from maps.assets import DEVANAGARI_CSS_URL
from maps.geojson import compact_json

#: CSS of the Shakti controls and popups (added once to the page head).
PAGE_CSS: Final = """
.shakti-card { font: 13px/1.35 'Noto Sans Devanagari', system-ui, sans-serif; max-width: 340px; }
.shakti-card table { border-collapse: collapse; margin-top: 4px; }
.shakti-card th { text-align: left; padding: 1px 8px 1px 0; color: #555; font-weight: 500;
  vertical-align: top; white-space: nowrap; }
.shakti-card td { padding: 1px 0; }
.shakti-why { margin: 4px 0; }
.shakti-legend, .shakti-title, .shakti-slider { background: rgba(255,255,255,.92);
  padding: 6px 9px; border-radius: 5px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  font: 12px/1.3 'Noto Sans Devanagari', system-ui, sans-serif; }
.shakti-legend { max-height: 45vh; overflow-y: auto; max-width: 260px; }
.shakti-legend summary { font-weight: 600; cursor: pointer; }
.shakti-legend h4 { font-size: 12px; margin: 6px 0 2px; }
.shakti-legend .row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.shakti-legend i { display: inline-block; width: 14px; height: 12px; flex: none;
  border: 1px solid rgba(0,0,0,.35); }
.shakti-legend i.circle { border-radius: 50%; width: 10px; height: 10px; }
.shakti-legend i.line { height: 0; border-width: 2px 0 0 0; border-color: inherit; }
.shakti-legend i.dashed { height: 0; border-width: 2px 0 0 0; border-style: dashed; }
.shakti-legend i.heat { width: 60px; border: 0; }
.shakti-legend p { margin: 4px 0 0; color: #444; }
.shakti-title { font-size: 14px; font-weight: 600; text-align: center; }
.shakti-title small { display: block; font-weight: 400; font-size: 11px; color: #444; }
.shakti-title .shakti-warn { color: #9c0f20; }
.shakti-slider { min-width: 240px; }
.shakti-slider input { width: 100%; }
.shakti-slider button { border: 1px solid #999; background: #fff; border-radius: 3px;
  padding: 0 6px; margin-right: 6px; cursor: pointer; }
.shakti-label { font: 600 11px/1.1 'Noto Sans Devanagari', system-ui, sans-serif; color: #222;
  text-align: center; text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap;
  pointer-events: none; }
.shakti-dot { border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 1px #000; }
.leaflet-container { background: #f2efe9; font-family: 'Noto Sans Devanagari', system-ui,
  sans-serif; }
"""


def page(m: folium.Map) -> Figure:
    """Return the HTML page (branca ``Figure``) a map is rendered into."""
    root = m.get_root()
    if not isinstance(root, Figure):  # pragma: no cover - folium maps always have one
        raise TypeError("the map is not in a page")
    return root


def add_to_head(m: folium.Map, html: str, key: str) -> None:
    """Add an element to the page head once (``key`` names it; a second add replaces it)."""
    page(m).header.add_child(Element(html), name=key)


def add_page_css(m: folium.Map) -> None:
    """Add :data:`PAGE_CSS` and the Devanagari font (a local asset, inlined on export)."""
    add_to_head(m, f'<link rel="stylesheet" href="{DEVANAGARI_CSS_URL}"/>', "shakti_font")
    add_to_head(m, f"<style>{PAGE_CSS}</style>", "shakti_css")


# --------------------------------------------------------------------------- legend

Swatch = Literal["fill", "circle", "line", "dashed", "heat"]


@dataclass
class LegendSection:
    """One block of the legend.

    Attributes
    ----------
    title : str
    items : list of (colour, label, swatch)
        ``swatch`` is ``fill`` (a box), ``circle``, ``line``, ``dashed`` or ``heat`` (the
        colour is then a CSS gradient).
    note : str
        A sentence under the items.
    """

    title: str
    items: list[tuple[str, str, Swatch]] = field(default_factory=list)
    note: str = ""


def legend_html(sections: Sequence[LegendSection], *, notes: Sequence[str] = ()) -> str:
    """Return the legend's HTML (every text escaped)."""
    esc = html.escape
    title = _("Legend")
    parts = [f"<details open><summary>{esc(title)}</summary>"]
    for section in sections:
        parts.append(f"<h4>{esc(section.title)}</h4>")
        for color, label, swatch in section.items:
            if swatch == "heat":
                style = f"background: {color}"
            elif swatch in ("line", "dashed"):
                style = f"border-color: {color}"
            else:
                style = f"background: {color}"
            klass = "" if swatch == "fill" else f' class="{swatch}"'
            parts.append(f'<div class="row"><i{klass} style="{esc(style)}"></i>{esc(label)}</div>')
        if section.note:
            parts.append(f"<p>{esc(section.note)}</p>")
    parts.extend(f"<p>{esc(note)}</p>" for note in notes)
    parts.append("</details>")
    return "".join(parts)


class Legend(MacroElement):
    """A collapsible legend in a Leaflet control (inside the map, so fullscreen keeps it).

    Parameters
    ----------
    sections : sequence of LegendSection
    notes : sequence of str
        Sentences at the bottom (e.g. what a shareable map leaves out).
    position : str, default "bottomleft"
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "shakti-legend leaflet-control");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        sections: Sequence[LegendSection],
        *,
        notes: Sequence[str] = (),
        position: str = "bottomleft",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.html = legend_html(sections, notes=notes)
        self.position = position


class TitleBox(MacroElement):
    """The map title (and a subtitle line) at the top centre of the map.

    Parameters
    ----------
    title : str
    subtitle : str
    warning : str
        Shown in red (e.g. "SYNTHETIC data").
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var box = L.control({position: "topright"});
            box.onAdd = function() {
                var div = L.DomUtil.create("div", "shakti-title leaflet-control");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            box.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, *, subtitle: str = "", warning: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TitleBox"
        esc = html.escape
        parts = [esc(title)]
        if subtitle:
            parts.append(f"<small>{esc(subtitle)}</small>")
        if warning:
            parts.append(f'<small class="shakti-warn">{esc(warning)}</small>')
        self.html = "".join(parts)


# --------------------------------------------------------------------------- weekly slider


class WeeklySlider(MacroElement):
    """A week slider (with play) that recolours a polygon layer by its weekly counts.

    The control appears while the layer is shown. folium's ``TimeSliderChoropleth`` is not
    used: it restyles every SVG path of the page (hotspots included) when it is switched on,
    and ``TimestampedGeoJson`` repeats each polygon once per week.

    Parameters
    ----------
    layer : folium.GeoJson
        Polygons whose ``properties[key]`` names their series.
    key : str
        Property of a feature identifying its row in ``values``.
    weeks : sequence of str
        Label of each step (the week's Monday).
    values : mapping of str to list of (int or None)
        Weekly counts per feature key; ``None`` is a suppressed small count.
    breaks, colors : sequence
        Class upper bounds and their fill colours.
    empty_color, suppressed_color : str
        Fill of zero and of suppressed counts.
    suppressed_text : str
        Tooltip text of a suppressed count.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var layer = {{ this.layer.get_name() }};
            var map = {{ this._parent.get_name() }};
            var data = {{ this.payload|tojson }};
            var index = data.weeks.length - 1;
            var timer = null;
            var div = null;
            function colorOf(v) {
                if (v === null || v === undefined) return data.suppressed_color;
                if (v <= 0) return data.empty_color;
                for (var i = 0; i < data.breaks.length; i++) {
                    if (v <= data.breaks[i]) return data.colors[i];
                }
                return data.colors[data.colors.length - 1];
            }
            function restyle() {
                if (!div) return;
                div.querySelector(".shakti-week").textContent = data.week_text
                    .replace("{week}", data.weeks[index])
                    .replace("{i}", String(index + 1))
                    .replace("{n}", String(data.weeks.length));
                div.querySelector("input").value = index;
                layer.eachLayer(function(l) {
                    var key = l.feature.properties[data.key];
                    var series = data.values[key];
                    var v = series ? series[index] : 0;
                    l.setStyle({fillColor: colorOf(v), fillOpacity: 0.8});
                    var text = (v === null) ? data.suppressed_text : String(v);
                    if (!l.getTooltip()) l.bindTooltip("");
                    l.setTooltipContent(data.tip_text.replace("{thana}", key)
                        .replace("{count}", text).replace("{week}", data.weeks[index]));
                });
            }
            var control = L.control({position: "bottomleft"});
            control.onAdd = function() {
                div = L.DomUtil.create("div", "shakti-slider leaflet-control");
                div.innerHTML = '<div><button type="button" title="' + data.play_text +
                    '">&#9654;</button>' +
                    '<span class="shakti-week"></span></div>' +
                    '<input type="range" min="0" step="1" max="' +
                    (data.weeks.length - 1) + '" value="' + index + '">';
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                div.querySelector("input").addEventListener("input", function() {
                    index = parseInt(this.value, 10);
                    restyle();
                });
                div.querySelector("button").addEventListener("click", function() {
                    if (timer) {
                        clearInterval(timer); timer = null; this.innerHTML = "&#9654;"; return;
                    }
                    this.innerHTML = "&#10074;&#10074;";
                    if (index >= data.weeks.length - 1) index = 0;
                    timer = setInterval(function() {
                        index = Math.min(index + 1, data.weeks.length - 1);
                        restyle();
                        if (index >= data.weeks.length - 1) { clearInterval(timer); timer = null; }
                    }, 700);
                });
                return div;
            };
            control.onRemove = function() {
                if (timer) { clearInterval(timer); timer = null; }
                div = null;
            };
            layer.on("add", function() { control.addTo(map); restyle(); });
            layer.on("remove", function() { control.remove(); });
            if (map.hasLayer(layer)) { control.addTo(map); restyle(); }
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layer: Any,
        *,
        key: str,
        weeks: Sequence[str],
        values: Mapping[str, Sequence[int | None]],
        breaks: Sequence[float],
        colors: Sequence[str],
        empty_color: str,
        suppressed_color: str,
        suppressed_text: str,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "WeeklySlider"
        self.layer = layer
        self.payload = {
            "key": key,
            "weeks": list(weeks),
            "values": {k: list(v) for k, v in values.items()},
            "breaks": list(breaks),
            "colors": list(colors),
            "empty_color": empty_color,
            "suppressed_color": suppressed_color,
            "suppressed_text": suppressed_text,
            # TRANSLATORS: the weekly slider's label, "Week of 2024-03-04 (3/12)".
            "week_text": _("Week of {week} ({i}/{n})"),
            # TRANSLATORS: a thana's tooltip on the weekly slider; {count} may be "fewer than 3".
            "tip_text": _("{thana}: {count} incidents, week of {week}"),
            "play_text": html.escape(_("Play"), quote=True),
        }


# --------------------------------------------------------------------------- mini-map


class OverviewMiniMap(JSCSSMixin, MacroElement):
    """A corner overview map that also works offline.

    With base tiles it shows them (as folium's ``MiniMap``); without (police networks with no
    tile server) it shows the thana outlines instead of requesting tiles.

    Parameters
    ----------
    tiles : str, optional
        Tile URL template (``None``: draw ``outline`` instead).
    tile_options : dict
        Leaflet tile-layer options (attribution, max zoom...).
    outline : dict, optional
        GeoJSON drawn when there are no tiles.
    position : str, default "bottomright"
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            {%- if this.tiles %}
            var base = L.tileLayer({{ this.tiles|tojson }}, {{ this.tile_options|tojson }});
            {%- else %}
            var base = L.geoJson({{ this.outline|tojson }}, {
                style: {color: "#555", weight: 1, fillColor: "#ddd", fillOpacity: 0.6},
                interactive: false
            });
            {%- endif %}
            var mini = new L.Control.MiniMap(base, {{ this.options|tojson }});
            {{ this._parent.get_name() }}.addControl(mini);
        })();
        {% endmacro %}
        """
    )
    default_js = MiniMap.default_js
    default_css = MiniMap.default_css

    def __init__(
        self,
        *,
        tiles: str | None,
        tile_options: Mapping[str, Any] | None = None,
        outline: Mapping[str, Any] | None = None,
        position: str = "bottomright",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "OverviewMiniMap"
        self.tiles = tiles
        self.tile_options = dict(tile_options or {})
        self.outline = (
            dict(outline)
            if outline is not None
            else {
                "type": "FeatureCollection",
                "features": [],
            }
        )
        self.options = {
            "position": position,
            "toggleDisplay": True,
            "zoomLevelOffset": -4,
            "width": 150,
            "height": 150,
        }


# --------------------------------------------------------------------------- heat


class CompactHeatMap(HeatMap):
    """folium's ``HeatMap`` with its points written as compact JSON (no spaces).

    Parameters
    ----------
    data : list of [lat, lon, weight]
        Finite floats (as :func:`maps.aggregate.heat_points` returns them).
    name : str
        Name in the layer control.
    show : bool
    **options
        Leaflet.heat options as for ``folium.plugins.HeatMap`` (``radius``, ``blur``,
        ``min_opacity``, ``max_zoom``, ``gradient``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.heatLayer(
                {{ this.compact }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: list[list[float]],
        *,
        name: str,
        show: bool = True,
        **options: Any,
    ) -> None:
        # HeatMap.__init__ checks every row in Python (slow for 10^5 rows); rows built by
        # maps.aggregate are valid [lat, lon, weight] floats already.
        Layer.__init__(self, name=name, overlay=True, control=True, show=show)
        self._name = "HeatMap"
        self.data = data
        self.options = remove_empty(**options)
        self.compact = compact_json(data)
