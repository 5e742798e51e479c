"""The analysis layers of the maps: thanas, hotspots, heat, incidents, hexagons, Gi*, trends."""

# Every function draws one layer on a folium map from a model output or a store layer (EPSG:4326
# or any CRS) and returns what it drew plus its legend block (``maps.places`` draws sites,
# cameras and drives the same way). Popups and tooltips show only the
# columns of the layer's whitelist (``*_POPUP_COLUMNS``), checked by ``maps.popups.guard_columns``,
# with every text HTML-escaped; ``share=True`` suppresses small counts and blurs shapes drawn
# through incident positions.
#
# The layers live in one module per kind and are re-exported here, where callers import them:
# ``maps.thana_layers`` (choropleth, names, weekly slider), ``maps.hotspot_layers`` (hotspots,
# underserved), ``maps.incident_layers`` (heat, clusters, hexagons) and ``maps.cell_layers``
# (Gi* cells, emerging trends).

from __future__ import annotations

from maps.cell_layers import CELL_CARD, add_emerging, add_gi_cells
from maps.hotspot_layers import (
    HOTSPOT_CARD,
    HOTSPOT_POPUP_COLUMNS,
    HOTSPOT_SIMPLIFY_M,
    UNDERSERVED_CARD,
    UNDERSERVED_POPUP_COLUMNS,
    add_drive_clusters,
    add_hotspots,
    add_ranked_hotspots,
    add_underserved,
)
from maps.incident_layers import (
    HEX_CARD,
    INCIDENT_CARD,
    INCIDENT_POPUP_COLUMNS,
    add_heat,
    add_hex_counts,
    add_incident_clusters,
)
from maps.thana_layers import (
    INCIDENTS_MEASURE,
    RESOURCE_LABELS,
    SITES_WITHOUT_CAMERA,
    THANA_POPUP_COLUMNS,
    THANA_SIMPLIFY_M,
    add_thana_labels,
    add_thanas,
    add_weekly_slider,
    count_legend,
)

__all__ = [
    "CELL_CARD",
    "HEX_CARD",
    "HOTSPOT_CARD",
    "HOTSPOT_POPUP_COLUMNS",
    "HOTSPOT_SIMPLIFY_M",
    "INCIDENTS_MEASURE",
    "INCIDENT_CARD",
    "INCIDENT_POPUP_COLUMNS",
    "RESOURCE_LABELS",
    "SITES_WITHOUT_CAMERA",
    "THANA_POPUP_COLUMNS",
    "THANA_SIMPLIFY_M",
    "UNDERSERVED_CARD",
    "UNDERSERVED_POPUP_COLUMNS",
    "add_drive_clusters",
    "add_emerging",
    "add_gi_cells",
    "add_heat",
    "add_hex_counts",
    "add_hotspots",
    "add_incident_clusters",
    "add_ranked_hotspots",
    "add_thana_labels",
    "add_thanas",
    "add_underserved",
    "add_weekly_slider",
    "count_legend",
]
