"""Rules of the visit log across fields: times agree with the status, the stop is in its plan.

A visit row is checked field by field like every other layer; these rules then look at a
row as a whole: a missed stop (or one no team was available for) has no times, a visited or
cut-short one has both, ``left`` is not before ``arrived``, and when the plan is known the
stop (team, day, number) exists in it. The stop's point and place come from the plan, so a
visit log needs no coordinates when its plan is known.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import _
from geo.ingest.columns import ColumnPlan
from geo.ingest.fields import FieldContext, validate_field
from geo.ingest.problems import Problems
from geo.ingest.quarantine import Q_REASON, Reason
from geo.schema import (
    ARRIVED,
    DAY,
    LEFT,
    PLAN_ID,
    STATUS,
    STOP,
    STOP_PLACE,
    TEAM,
    VISIT_ABSENT,
    VISIT_STATUSES,
)

#: Columns added to a visit log located from its plan (the stop's point).
STOP_LON: Final = "stop_lon"
STOP_LAT: Final = "stop_lat"


@dataclass(frozen=True)
class PlannedStop:
    """One stop of a plan: where it is and which place it visits.

    Attributes
    ----------
    lon, lat : float
        The stop's point, EPSG:4326.
    place_id : str
        The plan's place (``hotspot-3``, ``site-S12``).
    dwell_min : int
        The planned minutes at the stop (0 when unknown).
    """

    lon: float
    lat: float
    place_id: str
    dwell_min: int = 0


#: A stop's key in a plan: (team, local date, stop number).
StopKey = tuple[str, dt.date, int]


@dataclass(frozen=True)
class PlanStops:
    """The stops of one patrol plan, by team, date and number (what a visit row names).

    Attributes
    ----------
    plan_id : str
    stops : Mapping
        :data:`StopKey` → :class:`PlannedStop`.
    """

    plan_id: str
    stops: Mapping[StopKey, PlannedStop]


def _keys(
    context: FieldContext,
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Return each row's plan id, team, date and stop number, parsed without recording problems."""
    scratch = dataclasses.replace(context, problems=Problems(), precision={})
    spec = context.spec
    plan_ids = validate_field(spec.field(PLAN_ID), scratch)
    teams = validate_field(spec.field(TEAM), scratch)
    days = validate_field(spec.field(DAY), scratch)
    stops = validate_field(spec.field(STOP), scratch)
    return plan_ids, teams, days, stops


def _lookup(
    plans: Mapping[str, PlanStops],
    plan_id: Any,
    team: Any,
    day: Any,
    stop: Any,
) -> tuple[bool, PlannedStop | None]:
    """Return whether the row's plan is known and, if so, its planned stop (or ``None``)."""
    known = plans.get(str(plan_id)) if not pd.isna(plan_id) else None
    if known is None:
        return False, None
    if pd.isna(team) or pd.isna(day) or pd.isna(stop):
        return True, None
    key = (str(team), pd.Timestamp(day).date(), int(stop))
    return True, known.stops.get(key)


def with_stop_points(
    context: FieldContext, plans: Mapping[str, PlanStops]
) -> tuple[pd.DataFrame, ColumnPlan]:
    """Return the file with each row's stop point as coordinates, when the file has none.

    Parameters
    ----------
    context : FieldContext
        The validation run (its frame and column plan).
    plans : Mapping
        Plan id → its stops.

    Returns
    -------
    frame : pandas.DataFrame
        With :data:`STOP_LON` / :data:`STOP_LAT` (empty for a stop not found).
    plan : ColumnPlan
        Reading them as the coordinates.
    """
    plan_ids, teams, days, stops = _keys(context)
    lon = np.full(len(context.frame), np.nan)
    lat = np.full(len(context.frame), np.nan)
    for i, key in enumerate(zip(plan_ids, teams, days, stops, strict=True)):
        _known, stop = _lookup(plans, *key)
        if stop is not None:
            lon[i], lat[i] = stop.lon, stop.lat
    frame = context.frame.assign(**{STOP_LON: lon, STOP_LAT: lat})
    return frame, dataclasses.replace(context.plan, lon=STOP_LON, lat=STOP_LAT)


def needs_stop_points(plan: ColumnPlan, has_geometry: bool) -> bool:
    """Return whether a visit log has no coordinates of its own (its plan gives them)."""
    return not has_geometry and plan.wkt is None and (plan.lat is None or plan.lon is None)


def check_visits(
    values: dict[str, pd.Series],
    problems: Problems,
    rows: npt.NDArray[np.int64],
    plans: Mapping[str, PlanStops] | None,
) -> None:
    """Record the rows whose times disagree with their status or whose stop is not planned.

    The plan's place of every stop found is written to ``values["place_id"]``.

    Parameters
    ----------
    values : dict
        The validated field values of the visit log, aligned to the file's rows.
    problems : Problems
    rows : numpy.ndarray
        1-based file row numbers.
    plans : Mapping or None
        Plan id → its stops; rows of another plan are not checked against a plan.
    """
    status = values[STATUS]
    arrived, left = values[ARRIVED], values[LEFT]
    absent = status.isin(VISIT_ABSENT).to_numpy()
    present = status.isin([s for s in VISIT_STATUSES if s not in VISIT_ABSENT]).to_numpy()
    has_in, has_out = arrived.notna().to_numpy(), left.notna().to_numpy()
    problems.add_rows(
        absent & (has_in | has_out),
        ARRIVED,
        Reason.VISIT_TIMES,
        rows,
        lambda p: (
            ARRIVED,
            _("the stop is marked '{status}' but has a time of arrival or departure").format(
                status=status.iloc[p]
            ),
            _("leave arrived and left empty for a stop that was not visited, or change status"),
        ),
    )
    problems.add_rows(
        present & ~(has_in & has_out),
        ARRIVED,
        Reason.VISIT_TIMES,
        rows,
        lambda p: (
            ARRIVED,
            _("the stop is marked '{status}' but lacks its time of arrival or departure").format(
                status=status.iloc[p]
            ),
            _("give both arrived and left, or mark the stop missed"),
        ),
    )
    backwards = (has_in & has_out) & (left < arrived).fillna(False).to_numpy(dtype=bool)
    problems.add_rows(
        backwards,
        LEFT,
        Reason.VISIT_TIMES,
        rows,
        lambda p: (
            LEFT,
            _("the team left ({left}) before it arrived ({arrived})").format(
                left=left.iloc[p].isoformat(timespec="minutes"),
                arrived=arrived.iloc[p].isoformat(timespec="minutes"),
            ),
            _("check the times; left is when the team went on to the next stop"),
        ),
    )
    if plans:
        _check_planned(values, problems, rows, plans)


def _check_planned(
    values: dict[str, pd.Series],
    problems: Problems,
    rows: npt.NDArray[np.int64],
    plans: Mapping[str, PlanStops],
) -> None:
    """Record the stops missing from their known plan; fill the plan's place of the others."""
    places = values[STOP_PLACE].astype("object").copy()
    missing = np.zeros(len(places), dtype=bool)
    keys = zip(values[PLAN_ID], values[TEAM], values[DAY], values[STOP], strict=True)
    for i, key in enumerate(keys):
        known, stop = _lookup(plans, *key)
        if known and stop is None and not any(pd.isna(k) for k in key):
            missing[i] = True
        elif stop is not None:
            places.iloc[i] = stop.place_id
    values[STOP_PLACE] = places.astype("string")
    # a stop not in its plan has no point either: the plan problem says more
    for i, part in enumerate(problems.parts):
        drop = missing[part["pos"].to_numpy()] & (part[Q_REASON] == Reason.MISSING_COORDINATES)
        problems.parts[i] = part[~drop.to_numpy()].reset_index(drop=True)
    problems.add_rows(
        missing,
        STOP,
        Reason.STOP_NOT_IN_PLAN,
        rows,
        lambda p: (
            STOP,
            _("plan {plan} has no stop {stop} of team '{team}' on {day}").format(
                plan=values[PLAN_ID].iloc[p],
                stop=values[STOP].iloc[p],
                team=values[TEAM].iloc[p],
                day=pd.Timestamp(values[DAY].iloc[p]).date().isoformat(),
            ),
            _("check the team, the date and the stop number against the team's sheet"),
        ),
    )
