"""Locating rows without coordinates from their place text during validation (offline)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import _
from geo.ingest.columns import ColumnPlan
from geo.ingest.problems import Problems, as_text, problem_message
from geo.ingest.quarantine import Q_FIELD, Q_REASON, Reason
from geo.places.gazetteer import Gazetteer
from geo.places.matching import PlaceStatus, locate_places
from geo.places.thana_names import match_thana_names
from geo.schema import LAT, LON, PLACE, THANA_STATED

logger = logging.getLogger(__name__)

#: Names of the coordinate columns added to a file that has none (never stored).
_LAT: Final = "\x00place_lat"
_LON: Final = "\x00place_lon"
#: Reasons of the location problems a place problem replaces (its message says more).
_COORDINATE_REASONS: Final = (Reason.MISSING_COORDINATES.value,)


@dataclass(frozen=True)
class PlaceFill:
    """Rows located from their place text.

    Attributes
    ----------
    frame : pandas.DataFrame
        The file with the located coordinates filled in (for the location step only).
    plan : ColumnPlan
        The column plan reading those coordinates.
    precision, matched : pandas.Series
        Per row: the precision of the place it was located at and that place's name
        (missing for rows not located from their place).
    place_problems : numpy.ndarray
        Rows whose place could not be located (a place problem was recorded).
    """

    frame: pd.DataFrame
    plan: ColumnPlan
    precision: pd.Series
    matched: pd.Series
    place_problems: npt.NDArray[np.bool_]


def needs_place(frame: pd.DataFrame, plan: ColumnPlan, has_geometry: bool) -> bool:
    """Return whether rows of this file can be located from a place column."""
    return PLACE in plan.fields and not has_geometry and not plan.wkt


def fill_from_places(
    frame: pd.DataFrame,
    plan: ColumnPlan,
    gazetteer: Gazetteer,
    thanas: pd.DataFrame | None,
    *,
    threshold: float,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> PlaceFill:
    """Locate the rows without coordinates at the gazetteer place their text names.

    Call :func:`drop_coordinate_problems` with ``place_problems`` after the location step.
    Rows with both coordinates keep them. A row without is located when its place text
    matches a place with at least ``threshold`` confidence (restricted to the stated
    thana's places when the stated thana is known); otherwise a place problem lists up to
    three candidate place names (never the text as written, which may hold an address).

    Returns
    -------
    PlaceFill
    """
    n = len(frame)
    place = as_text(frame[plan.fields[PLACE]])
    if plan.lat and plan.lon:
        no_coords = (as_text(frame[plan.lat]).isna() & as_text(frame[plan.lon]).isna()).to_numpy()
    else:
        no_coords = np.ones(n, dtype=bool)
    todo = no_coords & place.notna().to_numpy()
    thana = None
    if thanas is not None and len(thanas) and THANA_STATED in plan.fields:
        thana = match_thana_names(as_text(frame[plan.fields[THANA_STATED]]), thanas).matched
    found = locate_places(
        place[todo],
        gazetteer,
        threshold=threshold,
        thanas=None if thana is None else thana[todo],
    )
    status = pd.Series(pd.NA, index=frame.index, dtype="string")
    status[todo] = found["status"].astype("string")
    located = (status == PlaceStatus.LOCATED).fillna(False).to_numpy(dtype=bool)
    lat_col, lon_col = plan.lat or _LAT, plan.lon or _LON
    filled = frame.copy()
    if lat_col not in filled.columns:
        filled[lat_col] = pd.Series(pd.NA, index=frame.index, dtype="string")
        filled[lon_col] = pd.Series(pd.NA, index=frame.index, dtype="string")
    filled[lat_col] = filled[lat_col].astype(object)
    filled[lon_col] = filled[lon_col].astype(object)
    pos = np.flatnonzero(located)
    hits = found.loc[frame.index[pos]]
    for col, values in ((lat_col, hits[LAT]), (lon_col, hits[LON])):
        column = filled[col].to_numpy(dtype=object, copy=True)
        column[pos] = values.map(repr).to_numpy(dtype=object)
        filled[col] = column
    precision = pd.Series(pd.NA, index=frame.index, dtype="string")
    matched = pd.Series(pd.NA, index=frame.index, dtype="string")
    precision.iloc[pos] = hits["precision"].astype(str).to_numpy()
    matched.iloc[pos] = hits["matched_place"].astype(str).to_numpy()
    bad = np.zeros(n, dtype=bool)
    bad[todo] = ~located[todo]
    # a row with neither coordinates nor a place, in a file without coordinate columns
    empty = no_coords & place.isna().to_numpy() & (plan.lat is None)
    _record(
        found, frame.index, bad, empty, place_col=plan.fields[PLACE], problems=problems, rows=rows
    )
    n_loc = int(located.sum())
    logger.info("%d rows located from their place text, %d not", n_loc, int(bad.sum()))
    return PlaceFill(
        frame=filled,
        plan=replace(plan, lat=lat_col, lon=lon_col),
        precision=precision,
        matched=matched,
        place_problems=bad | empty,
    )


def _record(
    found: pd.DataFrame,
    index: pd.Index,
    bad: npt.NDArray[np.bool_],
    empty: npt.NDArray[np.bool_],
    *,
    place_col: str,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> None:
    """Record a place problem for every row not located (candidates named, text not)."""
    fix = _(
        "write the place as the gazetteer names it, add the place to the gazetteer layer "
        "(shakti import gazetteer FILE), or give latitude and longitude"
    )
    pos = np.flatnonzero(bad)
    messages = []
    for p in pos:
        hit = found.loc[index[int(p)]]
        # TRANSLATORS: no gazetteer place is near the place written in a row.
        names = ", ".join(hit["candidates"]) if len(hit["candidates"]) else _("none")
        # TRANSLATORS: {names} are gazetteer place names, separated by commas.
        what = (
            _("the place could mean several places ({names})")
            if hit["status"] == PlaceStatus.AMBIGUOUS
            else _("the place is not in the gazetteer with enough confidence; nearest: {names}")
        ).format(names=names)
        messages.append(problem_message(int(rows[p]), place_col, what, fix))
    problems.add(pos, PLACE, Reason.PLACE_NOT_FOUND, messages)
    problems.add_rows(
        empty,
        PLACE,
        Reason.MISSING_COORDINATES,
        rows,
        lambda p: (place_col, _("the row has neither coordinates nor a place"), fix),
    )


def drop_coordinate_problems(problems: Problems, mask: npt.NDArray[np.bool_]) -> None:
    """Forget the empty-coordinate problems of rows whose place problem says more."""
    for i, part in enumerate(problems.parts):
        drop = mask[part["pos"].to_numpy()] & part[Q_REASON].isin(_COORDINATE_REASONS).to_numpy()
        drop &= (part[Q_FIELD] != PLACE).to_numpy()
        if drop.any():
            problems.parts[i] = part[~drop].reset_index(drop=True)
