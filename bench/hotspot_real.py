"""Benchmark: the default hotspot rule on a real crime layer (PySAL's Mesa, Arizona points).

Run with ``.venv/bin/python bench/hotspot_real.py [--data ../shared/data]``. Prints one JSON
line for the default rule and one each for density multiples 5 and 3; docs/hotspots.md
quotes them.

The layer is ``crime_points_dev/mesa_az_geodanet_crimes.geojson`` of the shared real data
(287 crime points, libpysal examples, BSD-3; see ../shared/data/README.md). It has no times,
so every point gets one date: the period plays no part in the rule (only in its wording), and
the trend and recency columns mean nothing here. The parameters are
:func:`models.hotspots.choose_params` on the points' convex hull (as ``shakti hotspots`` does
without thanas), hotspots are capped at the default 1 km width, and the concentration is that
of the default top 20.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The real layer, under the shared data folder.
MESA = ("crime_points_dev", "mesa_az_geodanet_crimes.geojson")
#: The default number of hotspots that stand out (``SHAKTI_TOP_HOTSPOTS``).
TOP_N = 20


def evaluate(path: Path, top_n: int = TOP_N, multiple: float | None = None) -> dict[str, Any]:
    """Return the default rule's figures (or with another density multiple) on a layer."""
    import geopandas as gpd
    import shapely

    from geo.crs import metric_crs_for
    from geo.schema import OCCURRED_AT
    from models.hotspots import INCIDENTS, WIDTH_M, find_hotspots
    from models.hotspots.concentration import concentration
    from models.hotspots.density import (
        DEFAULT_MAX_WIDTH_M,
        DENSITY_EPS_M,
        DENSITY_MULTIPLE,
        choose_params,
        densest_count,
    )

    points = gpd.read_file(path)[["geometry"]]
    points[OCCURRED_AT] = "2024-01-01 12:00"
    crs = metric_crs_for(points)
    area = float(shapely.convex_hull(shapely.union_all(points.geometry.to_crs(crs))).area)
    choice = choose_params(
        len(points), area_m2=area, days=1, max_width_m=DEFAULT_MAX_WIDTH_M,
        multiple=DENSITY_MULTIPLE if multiple is None else multiple,
        densest=densest_count(shapely.get_coordinates(points.geometry.to_crs(crs)), DENSITY_EPS_M),
    )  # fmt: skip
    spots = find_hotspots(
        points, eps_m=choice.eps_m, min_samples=choice.min_samples,
        max_width_m=DEFAULT_MAX_WIDTH_M, metric_crs=crs.to_string(),
    )  # fmt: skip
    clustered = int(spots[INCIDENTS].sum()) if len(spots) else 0
    conc = concentration(spots, incidents=len(points), area_km2=area / 1e6, top_n=top_n)
    return {
        "incidents": len(points),
        "area_km2": round(area / 1e6, 2),
        "eps_m": choice.eps_m,
        "min_samples": choice.min_samples,
        "rule": choice.rule,
        "multiple": round(choice.multiple, 2),
        "hotspots": len(spots),
        "widest_m": round(float(spots[WIDTH_M].max()), 0) if len(spots) else None,
        "largest_share": round(int(spots[INCIDENTS].max()) / clustered, 3) if clustered else None,
        "clustered_share": round(clustered / len(points), 3),
        "top_n": conc.top_n,
        "top_incident_share": round(conc.incident_share, 3),
        "top_area_share": round(conc.area_share, 4),
    }


def main() -> None:
    """Print the figures of the default rule, then of multiples 5 and 3, one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    path = args.data.joinpath(*MESA)
    for multiple in (None, 5.0, 3.0):  # the default, then looser rules for comparison
        print(json.dumps(evaluate(path, multiple=multiple)))


if __name__ == "__main__":
    main()
