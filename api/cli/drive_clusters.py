"""What ``shakti hotspots --layer campaigns`` shows: the clusters of awareness drives."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import typer

from api.cli.common import console
from api.cli.tables import table
from geo.i18n import format_int, ngettext, pgettext
from models.hotspots.columns import WIDTH_M


def _ids(values: Any) -> str:
    """Return hotspot ids as "3, 7, 12" ("–" for none)."""
    return ", ".join(str(v) for v in values) if len(values) else "–"


def print_drive_clusters(clusters: gpd.GeoDataFrame, top: int, reason: str) -> None:
    """Print the ``top`` drive clusters with the most drives, their incident load and hotspots."""
    from models.hotspots import drives as dr

    n = len(clusters)
    title = ngettext("{n} cluster of awareness drives", "{n} clusters of awareness drives", n)
    columns = (
        (pgettext("drive cluster table", "id"), True),
        (pgettext("drive cluster table", "drives"), True),
        (pgettext("drive cluster table", "first – last"), False),
        (pgettext("drive cluster table", "width (m)"), True),
        (pgettext("drive cluster table", "incidents within 500 m"), True),
        (pgettext("drive cluster table", "hotspots within 500 m"), False),
    )
    shown = table(title.format(n=format_int(n)), columns)
    for cluster_id, row in ranked(clusters).head(top).iterrows():
        shown.add_row(
            str(cluster_id),
            format_int(row[dr.DRIVES]),
            f"{row[dr.FIRST_DRIVE] or ''} – {row[dr.LAST_DRIVE] or ''}",
            format_int(round(float(row[WIDTH_M]))),
            format_int(row[dr.INCIDENTS_NEARBY]),
            _ids(row[dr.HOTSPOTS_NEARBY]),
        )
    console.print(shown)
    console.print(reason)


def ranked(clusters: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the clusters with the most drives first (then by id)."""
    from models.hotspots import drives as dr

    if clusters.empty:
        return clusters
    return clusters.sort_values(dr.DRIVES, ascending=False, kind="stable")


def echo_json(
    clusters: gpd.GeoDataFrame, top: int, chosen: dict[str, Any], extra: dict[str, Any]
) -> None:
    """Print the JSON summary of the drive clusters (the top ``top`` as rows)."""
    from models.hotspots import drives as dr

    rows = [
        {
            "drive_cluster_id": int(i),
            "drives": int(r[dr.DRIVES]),
            "first_drive": r[dr.FIRST_DRIVE],
            "last_drive": r[dr.LAST_DRIVE],
            "width_m": round(float(r[WIDTH_M])),
            "incidents_nearby": int(r[dr.INCIDENTS_NEARBY]),
            "hotspots_nearby": [int(h) for h in r[dr.HOTSPOTS_NEARBY]],
        }
        for i, r in ranked(clusters).head(top).iterrows()
    ]
    summary = {
        "layer": "campaigns",
        "drive_clusters": len(clusters),
        "clustered_drives": int(clusters[dr.DRIVES].sum()) if len(clusters) else 0,
        "eps_m": chosen["eps_m"],
        "min_samples": chosen["min_samples"],
        "parameters": chosen,
        **extra,
        "top": rows,
    }
    typer.echo(json.dumps(summary, default=str))
