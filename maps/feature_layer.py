"""A GeoJSON map layer whose styles, popups and tooltips are built in the browser."""

# Every feature carries only the values of its popup (``maps.popups.CardSpec``) and the index
# of its style; the distinct styles and the card layout are written once per layer, and one
# ``onEachFeature`` function binds them in the browser. Popups and tooltips are functions, so
# their HTML is only built when they open.

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import folium

from geo.schema import NAME
from maps.elements import LegendSection, add_to_head
from maps.geojson import DECIMALS, CompactGeoJson, add_decoder
from maps.popups import CARD_JS, CardSpec, script_json


@dataclass
class Drawn:
    """What a layer function put on the map.

    Attributes
    ----------
    layer : folium layer or None
        ``None`` when there was nothing to draw.
    legend : LegendSection or None
    count : int
        Features (or points) drawn.
    """

    layer: Any
    legend: LegendSection | None
    count: int = 0


NOTHING: Final = Drawn(None, None, 0)

_ON_EACH_FEATURE: Final = """function (feature, layer) {
  var spec = %(spec)s, styles = %(styles)s, hover = %(hover)s;
  var p = feature.properties, st = styles[p.s];
  p.style = st;
  if (layer.setStyle) { layer.setStyle(st); }
  if (p.r !== undefined && layer.setRadius) { layer.setRadius(p.r); }
  if (spec.popup) {
    layer.bindPopup(function () { return shaktiCard(spec, p.v); }, {maxWidth: 380});
  }
  if (spec.tip.length) {
    layer.bindTooltip(function () { return shaktiTip(spec, p.v); }, {sticky: true});
  }
  if (hover && layer.setStyle) {
    layer.on("mouseover", function () { layer.setStyle(hover); });
    layer.on("mouseout", function () { layer.setStyle(st); });
  }
}"""


def add_card_script(m: folium.Map) -> None:
    """Add the browser functions that build popups and tooltips (once per page)."""
    add_to_head(m, f"<script>{CARD_JS}</script>", "shakti_cards")


class _Styles:
    """Distinct styles of a layer, each stored once; features refer to them by index."""

    def __init__(self) -> None:
        self.styles: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}

    def __call__(self, style_: Mapping[str, Any]) -> int:
        key = json.dumps(style_, sort_keys=True)
        if key not in self._index:
            self._index[key] = len(self.styles)
            self.styles.append(dict(style_))
        return self._index[key]


def feature_layer(
    m: folium.Map,
    geoms: Any,
    *,
    name: str,
    spec: CardSpec,
    values: Sequence[Sequence[str]],
    styles: Sequence[Mapping[str, Any]],
    show: bool,
    decimals: int = DECIMALS,
    marker: Any = None,
    hover: Mapping[str, Any] | None = None,
    radii: Sequence[float] | None = None,
    names: Sequence[str] | None = None,
) -> Any:
    """Add a compact GeoJSON layer whose popups, tooltips and styles are built in the browser.

    Every feature carries only its value list ``v`` (see :class:`maps.popups.CardSpec`), the
    index ``s`` of its style (distinct styles are written once), optionally a radius in metres
    ``r`` (circles) and an escaped ``name`` (for the search box).

    Returns
    -------
    maps.geojson.CompactGeoJson or None
        ``None`` when no geometry is drawable.
    """
    distinct = _Styles()
    props: list[dict[str, Any]] = []
    for i, (vals, style_) in enumerate(zip(values, styles, strict=True)):
        prop: dict[str, Any] = {"v": list(vals), "s": distinct(style_)}
        if radii is not None:
            prop["r"] = round(float(radii[i]), 1)
        if names is not None:
            prop[NAME] = names[i]
        props.append(prop)
    code = _ON_EACH_FEATURE % {
        "spec": spec.to_json(),
        "styles": script_json(distinct.styles),
        "hover": script_json(dict(hover) if hover else None),
    }
    layer = CompactGeoJson(
        geoms, props, name=name, on_each_feature=code, show=show, decimals=decimals, marker=marker
    )
    if layer.n_features == 0:
        return None
    add_card_script(m)
    add_decoder(m)
    layer.add_to(m)
    return layer


def point_marker(radius: float) -> Any:
    """Return the folium marker that draws points as circles of ``radius`` pixels."""
    return folium.CircleMarker(radius=radius, weight=1, fill=True)
