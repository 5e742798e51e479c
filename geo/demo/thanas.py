"""The demo thanas layer."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.demo.draws import as_ints, as_strings
from geo.demo.geography import Geography
from geo.demo.places import STATIONS
from geo.schema import (
    NAME,
    NAME_HI,
    RESOURCES,
    STATION_LAT,
    STATION_LON,
    THANAS,
    ZONE,
)

# --------------------------------------------------------------------------- thanas


def thanas_layer(rng: np.random.Generator, geo: Geography) -> gpd.GeoDataFrame:
    """Return the thanas layer: station points, zones and Voronoi polygons."""
    k = len(STATIONS)
    urban = np.array([s.urban for s in STATIONS], dtype=np.int64)
    audit = {
        "vehicles": rng.integers(2, 6, k) + 2 * urban,
        "women_staff": rng.integers(3, 10, k) + urban * rng.integers(2, 9, k),
        "rooms": rng.integers(1, 4, k),
        "toilets": rng.integers(0, 3, k),
        "computers": rng.integers(1, 5, k) + urban,
        "phones": rng.integers(1, 4, k) + urban,
    }
    columns: dict[str, pd.Series] = {
        NAME: as_strings([s.name for s in STATIONS]),
        NAME_HI: as_strings([s.name_hi for s in STATIONS]),
        ZONE: as_strings([s.zone for s in STATIONS]),
        STATION_LON: pd.Series([s.lon for s in STATIONS], dtype=float),
        STATION_LAT: pd.Series([s.lat for s in STATIONS], dtype=float),
    }
    for res in RESOURCES:
        columns[res] = as_ints(np.asarray(audit[res], dtype=np.int64))
    return gpd.GeoDataFrame(
        {c: columns[c] for c in THANAS.names}, geometry=list(geo.polygons), crs=WGS84
    )
