"""Work budgets: how much one service request may compute, refused (422) above them."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final

import pandas as pd

from geo.crs import metric_crs_for, to_metric
from geo.errors import ParameterError
from geo.schema import (
    OCCURRED_AT,
)
from geo.settings import Settings
from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- work budgets

#: Most grid cells one request may analyse (Gi*, a map's Gi* layer).
MAX_CELLS: Final = 200_000
#: Most cell × time-bin values of one emerging hot-spot request (~5 s on 2 cores).
MAX_CELL_BINS: Final = 1_000_000
#: Most cell × fold values of one back-test request (~6 s on 2 cores).
MAX_CELL_FOLDS: Final = 300_000
_BIN_DAYS: Final = {"W": 7.0, "14D": 14.0, "M": 30.44}


@dataclass(frozen=True)
class GridParams:
    """Grid of a cell analysis.

    Attributes
    ----------
    cell_m : float
        Cell size in metres.
    grid : str
        ``square`` or ``h3``.
    """

    cell_m: float = 250.0
    grid: str = "square"


#: The grid a cell analysis uses when none is asked for (``--cell-m`` / ``--grid`` defaults).
GRID_DEFAULTS: Final = GridParams()


def estimated_cells(data: AnalysisInputs, settings: Settings, cell_m: float, grid: str) -> int:
    """Estimate how many cells a grid of ``cell_m`` has over the selection's study area.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    cell_m : float
        Square side or hexagon edge, in metres.
    grid : str
        ``square`` or ``h3``.

    Returns
    -------
    int
    """
    area = data.study_area()
    layer = area if area is not None and len(area) else data.incidents
    if layer.empty:
        return 0
    crs = metric_crs_for(layer, settings.metric_crs)
    projected = to_metric(layer, crs)
    if area is not None and len(area):
        square_m2 = float(projected.geometry.area.sum())
    else:
        minx, miny, maxx, maxy = projected.total_bounds
        square_m2 = float((maxx - minx + cell_m) * (maxy - miny + cell_m))
    cell_area = cell_m * cell_m * (2.598 if grid == "h3" else 1.0)
    return math.ceil(square_m2 / cell_area * 1.1)


def _over_budget(what: str, amount: int, limit: int, fix: str) -> ParameterError:
    return ParameterError(
        f"{what} makes ~{amount:,} values to compute, above the service's limit of {limit:,}",
        why="one request may not hold the service for minutes",
        fix=fix,
    )


def check_cells(data: AnalysisInputs, settings: Settings, g: GridParams) -> int:
    """Refuse a grid with more than :data:`MAX_CELLS` cells (422); return the estimate.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    g : GridParams

    Returns
    -------
    int
    """
    cells = estimated_cells(data, settings, g.cell_m, g.grid)
    if cells > MAX_CELLS:
        raise _over_budget(
            f"cell_m {g.cell_m:g} over this area", cells, MAX_CELLS, "use larger cells or a thana"
        )
    return cells


def check_cell_bins(data: AnalysisInputs, settings: Settings, g: GridParams, time_bin: str) -> int:
    """Refuse cells × time bins above :data:`MAX_CELL_BINS` (422); return the cell estimate.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    g : GridParams
    time_bin : str
        ``W``, ``14D`` or ``M``.

    Returns
    -------
    int
    """
    n_cells = check_cells(data, settings, g)
    times = data.incidents[OCCURRED_AT]
    selection = data.selection
    first = pd.Timestamp(selection.start) if selection.start else times.min().tz_localize(None)
    last = pd.Timestamp(selection.end) if selection.end else times.max().tz_localize(None)
    bins = max(1, int((last - first).days / _BIN_DAYS.get(time_bin, 7.0)) + 1)
    if n_cells * bins > MAX_CELL_BINS:
        raise _over_budget(
            f"cell_m {g.cell_m:g} with {bins} time bins ({time_bin})",
            n_cells * bins,
            MAX_CELL_BINS,
            "use larger cells, monthly bins (time_bin=M), fewer dates or a thana",
        )
    return n_cells


def check_cell_folds(data: AnalysisInputs, settings: Settings, g: GridParams, folds: int) -> int:
    """Refuse cells × folds above :data:`MAX_CELL_FOLDS` (422); return the cell estimate.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    g : GridParams
    folds : int

    Returns
    -------
    int
    """
    n_cells = check_cells(data, settings, g)
    if n_cells * folds > MAX_CELL_FOLDS:
        raise _over_budget(
            f"cell_m {g.cell_m:g} with {folds} folds",
            n_cells * folds,
            MAX_CELL_FOLDS,
            "use larger cells, fewer folds or a thana",
        )
    return n_cells
