"""Use case: Gi* hot and cold cells and emerging hot-spot trends of a selection."""

from __future__ import annotations

import logging

import geopandas as gpd

from api.usecases.budget import (
    GridParams,
    check_cell_bins,
    check_cells,
)
from api.usecases.common import (
    Source,
    geojson_bytes,
    selection_meta,
)
from geo.settings import Settings
from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- significance


def gi_geojson(source: Source, g: GridParams, *, all_cells: bool) -> bytes:
    """Return Getis-Ord Gi* cells as GeoJSON (only the hot/cold ones unless ``all_cells``).

    Parameters
    ----------
    source : api.usecases.common.Source
    g : GridParams
    all_cells : bool

    Returns
    -------
    bytes
    """
    from models.surfaces.grid import CELL_ID
    from models.surfaces.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star

    data = source.load()
    check_cells(data, source.settings, g)
    cells = gi_star(
        data.incidents,
        cell_m=g.cell_m,
        grid=g.grid,  # type: ignore[arg-type]  # checked by the model
        metric_crs=source.settings.metric_crs,
        study_area=data.study_area(),
    )
    counts = {str(k): int(v) for k, v in cells[GI_CLASS].value_counts().items()}
    flagged = cells if all_cells else cells[cells[GI_CLASS] != NOT_SIGNIFICANT]
    meta = {
        **selection_meta(data),
        "parameters": {"cell_m": g.cell_m, "grid": g.grid},
        "cells": len(cells),
        "flagged": int((cells[GI_CLASS] != NOT_SIGNIFICANT).sum()),
        "classes": counts,
        "all_cells": all_cells,
    }
    return geojson_bytes(flagged, id_column=CELL_ID, meta=meta)


def emerging_cells(
    data: AnalysisInputs, settings: Settings, g: GridParams, *, time_bin: str, budgets: bool = True
) -> gpd.GeoDataFrame:
    """Return every cell's emerging hot-spot pattern, within the service's size budget.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
        The selection (its dates bound the time bins).
    settings : geo.settings.Settings
    g : GridParams
    time_bin : str
        ``W``, ``14D`` or ``M``.
    budgets : bool
        Refuse cells × time bins above :data:`api.usecases.budget.MAX_CELL_BINS` first.

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`models.emerging.emerging_hotspots`.

    Raises
    ------
    geo.errors.ParameterError
        Above the budget, saying how to shrink the request; or from the model (too few bins).
    """
    from models.surfaces.emerging import emerging_hotspots

    if budgets:
        check_cell_bins(data, settings, g, time_bin)
    return emerging_hotspots(
        data.incidents,
        cell_m=g.cell_m,
        bin=time_bin,
        grid=g.grid,  # type: ignore[arg-type]
        start=data.selection.start,
        end=data.selection.end,
        metric_crs=settings.metric_crs,
        study_area=data.study_area(),
    )


def emerging_geojson(source: Source, g: GridParams, *, time_bin: str, all_cells: bool) -> bytes:
    """Return emerging hot-spot patterns as GeoJSON (cells with a pattern unless ``all_cells``).

    Parameters
    ----------
    source : api.usecases.common.Source
    g : GridParams
    time_bin : str
        ``W``, ``14D`` or ``M``.
    all_cells : bool

    Returns
    -------
    bytes
    """
    from models.surfaces.emerging import NO_PATTERN, PATTERN
    from models.surfaces.grid import CELL_ID

    data = source.load()
    cells = emerging_cells(data, source.settings, g, time_bin=time_bin)
    counts = {str(k): int(v) for k, v in cells[PATTERN].value_counts().items()}
    flagged = cells if all_cells else cells[cells[PATTERN] != NO_PATTERN]
    meta = {
        **selection_meta(data),
        "parameters": {"cell_m": g.cell_m, "grid": g.grid, "time_bin": time_bin},
        "cells": len(cells),
        "flagged": int((cells[PATTERN] != NO_PATTERN).sum()),
        "patterns": counts,
        "all_cells": all_cells,
    }
    return geojson_bytes(flagged, id_column=CELL_ID, meta=meta)
