"""The accepted rows of a validation run: exactly the layer's stored columns, derived ones too."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.crs import WGS84
from geo.i18n import counted
from geo.ingest.ids import serial_ids
from geo.schema import (
    ID,
    ID_DERIVED,
    OCCURRED_AT,
    THANA_MISMATCH,
    THANA_STATED,
    TIME_PRECISION,
    LayerSpec,
)


def derived_columns(
    values: dict[str, pd.Series],
    spec: LayerSpec,
    index: pd.Index,
    derived_ids: npt.NDArray[np.bool_],
    time_precision: pd.Series | None,
    warnings: list[str],
) -> dict[str, pd.Series]:
    """Return the derived columns known at validation, aligned to the file's rows.

    Parameters
    ----------
    values : dict of str to pandas.Series
        The validated field values; bare serial-number ids in ``values["id"]`` are replaced
        by ``thana/serial/year`` ids (:func:`geo.ingest.ids.serial_ids`), with a warning.
    spec : LayerSpec
    index : pandas.Index
        The file's rows.
    derived_ids : numpy.ndarray
        Rows whose id the import derived from their content.
    time_precision : pandas.Series or None
        Precision of each row's ``occurred_at``, if the layer has one.
    warnings : list of str
        Collects the serial-number warning.

    Returns
    -------
    dict of str to pandas.Series
        ``id_derived`` and ``time_precision`` where the layer derives them.
    """
    extra: dict[str, pd.Series] = {}
    if ID_DERIVED in spec.derived:
        if THANA_STATED in values:
            values[ID], serials = serial_ids(
                values[ID], values[THANA_STATED], values.get(OCCURRED_AT)
            )
            if serials.any():
                n_serials = int(serials.sum())
                warnings.append(
                    counted(
                        n_serials,
                        "{n} row has a serial number as id: its id is thana/serial/year, so "
                        "serials restarting per thana do not collide",
                        "{n} rows have a serial number as id: their ids are thana/serial/year, so "
                        "serials restarting per thana do not collide",
                    )
                )
            derived_ids = derived_ids | serials
        extra[ID_DERIVED] = pd.Series(derived_ids, index=index, dtype=bool)
    if TIME_PRECISION in spec.derived:
        extra[TIME_PRECISION] = (
            time_precision.astype("string")
            if time_precision is not None
            else pd.Series(pd.NA, index=index, dtype="string")
        )
    return extra


def accepted_frame(
    out: Mapping[str, pd.Series],
    geometry: gpd.GeoSeries,
    good: npt.NDArray[np.bool_],
    spec: LayerSpec,
    extra: Mapping[str, pd.Series],
) -> gpd.GeoDataFrame:
    """Return the accepted rows with exactly the layer's stored columns.

    Derived columns are taken from ``extra`` (aligned to the file's rows) or left empty
    (``thana`` and ``thana_mismatch`` are filled later by :mod:`geo.thanas`).
    """
    accepted = gpd.GeoDataFrame(
        {name: series[good].reset_index(drop=True) for name, series in out.items()},
        geometry=gpd.GeoSeries(geometry[good].reset_index(drop=True), crs=WGS84),
        crs=WGS84,
    )
    for derived in spec.derived:
        if derived in extra:
            accepted[derived] = extra[derived][good].reset_index(drop=True)
        else:
            accepted[derived] = (
                pd.Series(False, index=accepted.index, dtype=bool)
                if derived == THANA_MISMATCH
                else pd.Series(pd.NA, index=accepted.index, dtype="string")
            )
    result: gpd.GeoDataFrame = accepted.loc[:, list(spec.columns)]
    return result
