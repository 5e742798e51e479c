"""Writing analysis outputs (GeoJSON, GeoPackage, CSV) in EPSG:4326 with nothing personal."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import to_wgs84
from geo.csv_safe import write_csv
from geo.errors import ExportError
from geo.ingest.privacy import find_personal_columns
from geo.schema import LAT, LON, SITES

logger = logging.getLogger(__name__)

#: Output formats by file extension.
FORMATS: Final = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".csv": "CSV"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def flatten_for_export(layer: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose list/dict/array cells are JSON text and timestamps ISO text.

    Parameters
    ----------
    layer : pandas.DataFrame or geopandas.GeoDataFrame
        Any table; not modified.

    Returns
    -------
    pandas.DataFrame
        Same index and columns, scalar cells only.
    """
    out = layer.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col == geometry:
            continue
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[col] = series.map(lambda v: v.isoformat() if pd.notna(v) else None)
        elif series.dtype == object:
            out[col] = series.map(
                lambda v: (
                    json.dumps(v, default=_jsonable, ensure_ascii=False)
                    if isinstance(v, dict | list | tuple | np.ndarray)
                    else v
                )
            )
    return out


def write_output(layer: pd.DataFrame, path: Path, *, layer_name: str = "output") -> Path:
    """Write an analysis output; the format follows the extension.

    Geometry goes out in EPSG:4326 (CSV gets ``lon``/``lat`` of representative points for
    points, WKT otherwise; text cells are escaped for spreadsheets by :mod:`geo.csv_safe`).
    Columns that look personal are refused, never written.

    Parameters
    ----------
    layer : pandas.DataFrame or geopandas.GeoDataFrame
        The output (not modified).
    path : Path
        ``.geojson``, ``.json``, ``.gpkg`` or ``.csv``.
    layer_name : str
        Layer name inside a GeoPackage.

    Returns
    -------
    Path
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(
            f"cannot write {path.name}: unknown output format {path.suffix!r}",
            fix="use one of " + ", ".join(FORMATS),
        )
    personal = find_personal_columns(
        layer.drop(columns=[layer.geometry.name]) if isinstance(layer, gpd.GeoDataFrame) else layer,
        SITES,
    )
    personal = {c: why for c, why in personal.items() if c != "name"}
    if personal:
        raise ExportError(
            f"refusing to write {path.name}: columns look personal: " + ", ".join(personal),
            why="no export may carry names, phone numbers or other personal data",
            fix="drop those columns before exporting",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    flat = flatten_for_export(layer)
    if isinstance(flat, gpd.GeoDataFrame):
        flat = to_wgs84(flat)
    if fmt == "CSV":
        if isinstance(flat, gpd.GeoDataFrame):
            geom = flat.geometry
            table = pd.DataFrame(flat.drop(columns=[geom.name]))
            if (geom.geom_type == "Point").all():
                table[LON], table[LAT] = geom.x.round(6), geom.y.round(6)
            else:
                table["wkt"] = geom.to_wkt(rounding_precision=6)
            flat = table
        write_csv(flat, path)
    else:
        if path.exists():
            path.unlink()
        gpd.GeoDataFrame(flat).to_file(
            path, driver=fmt, layer=layer_name if fmt == "GPKG" else None
        )
    logger.info("wrote %d rows to %s", len(layer), path)
    return path
