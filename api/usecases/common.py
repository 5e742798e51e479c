"""Shared parts of every use case: loading the selection and JSON / GeoJSON results."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.crs import to_wgs84
from geo.ingest.privacy import find_personal_columns
from geo.schema import (
    CATEGORY,
    NAME,
    OCCURRED_AT,
    RESOURCES,
    SITES,
    SOURCE,
    THANA,
)
from geo.settings import Settings
from geo.store import Store
from models.inputs import AnalysisInputs, Selection, load_inputs

logger = logging.getLogger(__name__)

#: Media type of GeoJSON responses (RFC 7946).
GEOJSON: Final = "application/geo+json"
#: Decimal places of coordinates in responses (~0.1 m).
COORD_DECIMALS: Final = 6
#: Incident columns a map may show: nothing that identifies a person or a record.
MAP_INCIDENT_COLUMNS: Final = (OCCURRED_AT, CATEGORY, SOURCE, THANA)
#: Layer fields a response may carry although their names look personal: the name of a thana
#: or site, and the thana resource counts (``phones`` is a number of telephones).
_ALLOWED_COLUMNS: Final = frozenset({NAME, *RESOURCES})

# --------------------------------------------------------------------------- JSON / GeoJSON


def jsonable(value: Any) -> Any:
    """Return ``value`` as plain JSON data (NaN and NA → None, numpy → Python, times → ISO).

    Parameters
    ----------
    value : object

    Returns
    -------
    object
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return jsonable(float(value))
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def public_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` without any column that looks personal (defence in depth).

    Analysis outputs are aggregates and carry no personal field; this guard drops (and logs)
    any column :func:`geo.ingest.privacy.find_personal_columns` flags, so a future column can never
    leak through the service.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
    """
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    attributes = frame.drop(columns=[geometry]) if geometry else frame
    flagged = [c for c in find_personal_columns(attributes, SITES) if c not in _ALLOWED_COLUMNS]
    if not flagged:
        return frame
    logger.warning("columns withheld from a response as personal: %s", ", ".join(flagged))
    return frame.drop(columns=flagged)


def _rounded(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    rounded: npt.NDArray[np.object_] = shapely.transform(
        geoms, lambda xy: np.round(xy, COORD_DECIMALS)
    )
    return rounded


def geojson_bytes(
    frame: gpd.GeoDataFrame, *, id_column: str | None = None, meta: Mapping[str, Any] | None = None
) -> bytes:
    """Encode a layer as a GeoJSON FeatureCollection (EPSG:4326) with JSON-object properties.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Any CRS; nested dict/list cells stay JSON objects/arrays.
    id_column : str, optional
        Column used as the feature ``id`` (default: the index).
    meta : mapping, optional
        A foreign member ``meta`` (parameters, selection, notes) of the collection.

    Returns
    -------
    bytes
        UTF-8 JSON.
    """
    layer = public_columns(to_wgs84(frame) if frame.crs is not None else frame)
    geometry = layer.geometry
    geoms = _rounded(geometry.to_numpy())
    texts = shapely.to_geojson(geoms)
    columns = [c for c in layer.columns if c != geometry.name]
    records = layer[columns].astype(object).to_dict(orient="records") if columns else []
    ids = layer[id_column].tolist() if id_column else layer.index.tolist()
    features = []
    for i, geom in enumerate(texts):
        props = json.dumps(jsonable(records[i]) if records else {}, ensure_ascii=False)
        fid = json.dumps(jsonable(ids[i]), ensure_ascii=False)
        features.append(
            f'{{"type":"Feature","id":{fid},"properties":{props},'
            f'"geometry":{geom if geom is not None else "null"}}}'
        )
    head = '{"type":"FeatureCollection"'
    if meta is not None:
        head += ',"meta":' + json.dumps(jsonable(meta), ensure_ascii=False)
    return (head + ',"features":[' + ",".join(features) + "]}").encode("utf-8")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Source:
    """What one use-case call analyses: the store, the deployment's settings and a selection.

    Attributes
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    """

    store: Store
    settings: Settings
    selection: Selection

    def load(self, *, require: bool = True) -> AnalysisInputs:
        """Load the store's layers and the selected incidents (:func:`models.inputs.load_inputs`).

        Parameters
        ----------
        require : bool
            Raise (422) when the selection leaves no incident.

        Returns
        -------
        models.inputs.AnalysisInputs
        """
        return load_inputs(
            self.store, self.selection, timezone=self.settings.timezone, require_incidents=require
        )


def selection_meta(data: AnalysisInputs) -> dict[str, Any]:
    """Return the ``selection`` and ``store_version`` members of a result's metadata.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs

    Returns
    -------
    dict
    """
    return {"selection": data.describe(), "store_version": data.version}
