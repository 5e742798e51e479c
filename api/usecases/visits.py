"""Use case: visits of a plan's stops come back from the field (entered, a file, a GPS track).

Every way in ends in the visit layer's one import pipeline (validated, quarantined, one
atomic store write, thana derived from the stop's point). The plan a visit belongs to is
found through one function, :data:`PlanLookup` (plan id → :class:`PatrolPlan`): the service
passes its plan store's, the command line a plan JSON file's stops.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import pandas as pd

from geo.errors import InputFileError, ParameterError
from geo.ingest.gpx_track import TIME, read_track
from geo.ingest.importer import ImportResult, import_file, import_table
from geo.ingest.readers import RawTable
from geo.ingest.visit_rules import PlanStops
from geo.schema import DAY, PLAN_ID, STOP, TEAM, THANA, LayerKind
from geo.settings import Settings
from geo.store import Store, read_layer

if TYPE_CHECKING:
    from models.patrol import PatrolPlan

logger = logging.getLogger(__name__)

#: The seam to stored plans: plan id → the plan (raising ``ParameterError`` when unknown).
PlanLookup = Callable[[str], "PatrolPlan"]
#: Most visits one request may record (a team's day has at most a few dozen stops).
MAX_VISITS_PER_REQUEST: Final = 200
#: Largest plan JSON file read by :func:`stops_from_json_file`.
MAX_PLAN_JSON_BYTES: Final = 16 * 1024 * 1024
GPX_SUFFIX: Final = ".gpx"
#: Weeks a dosage report looks back on by default, and at most.
DOSAGE_WEEKS: Final = 4
MAX_DOSAGE_WEEKS: Final = 52


@dataclass(frozen=True)
class TrackOptions:
    """How a GPS track is matched to the plan's stops.

    Attributes
    ----------
    team : str or None
        The team whose track it is; needed when several teams of the plan patrolled its days.
    radius_m : float
        A track point this close to a stop counts as being there.
    min_dwell_min : float
        A shorter stay is passing by, not a visit.
    """

    team: str | None = None
    radius_m: float = 75.0
    min_dwell_min: float = 3.0


def stops_of(plan_id: str, plan_lookup: PlanLookup) -> PlanStops:
    """Return the stops of a plan found through the lookup (the one seam to stored plans)."""
    from models.patrol.visits import plan_stops

    return plan_stops(plan_lookup(plan_id), plan_id)


def stops_from_json_file(path: Path, plan_id: str | None = None) -> PlanStops:
    """Return the stops of a plan JSON file (``plan.json`` of ``shakti patrol plan``, the API's).

    Raises
    ------
    InputFileError
        When the file is too large or not JSON.
    """
    from models.patrol.visits import plan_stops_from_json

    if Path(path).stat().st_size > MAX_PLAN_JSON_BYTES:
        raise InputFileError(
            f"{Path(path).name} is too large for a plan JSON",
            fix="give the plan.json written by `shakti patrol plan`",
        )
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            f"{Path(path).name} is not a plan JSON",
            why=str(exc)[:200],
            fix="give the plan.json written by `shakti patrol plan`",
        ) from None
    if not isinstance(data, dict):
        raise InputFileError(f"{Path(path).name} is not a plan JSON", fix="give plan.json")
    return plan_stops_from_json(data, plan_id)


def import_visit_log(
    path: Path,
    store: Store,
    settings: Settings,
    *,
    stops: PlanStops | None = None,
    track: TrackOptions | None = None,
) -> ImportResult:
    """Import a visit log: a spreadsheet of visits, or a team's GPS track matched to the plan.

    Parameters
    ----------
    path : Path
        CSV / XLSX / ... of visit rows, or a ``.gpx`` track.
    store : Store
    settings : Settings
    stops : PlanStops, optional
        The plan's stops (:func:`stops_of`); required for a track. With them every row must
        name one of the plan's stops and needs no coordinates; a log without a plan column
        is of this plan.
    track : TrackOptions, optional

    Returns
    -------
    geo.ingest.importer.ImportResult

    Raises
    ------
    ParameterError
        A track without a plan, or a track of several teams' days without a team.
    """
    plans = {stops.plan_id: stops} if stops is not None else None
    if Path(path).suffix.lower() != GPX_SUFFIX:
        return import_file(
            Path(path),
            LayerKind.VISITS,
            store,
            settings=settings,
            defaults={PLAN_ID: stops.plan_id} if stops is not None else None,
            visit_plans=plans,
        )
    if stops is None:
        raise ParameterError(
            "a GPS track needs its plan",
            why="the track is matched to the plan's stops by distance and time",
            fix="give --plan ID (and --plan-json plan.json until plans are stored)",
        )
    frame = track_rows(read_track(Path(path)), stops, settings, track or TrackOptions())
    raw = RawTable(
        frame=frame,
        geometry=None,
        source=Path(path).name,
        sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        native_crs=None,
    )
    return import_table(raw, LayerKind.VISITS, store, settings=settings, visit_plans=plans)


def track_rows(
    points: gpd.GeoDataFrame, stops: PlanStops, settings: Settings, options: TrackOptions
) -> pd.DataFrame:
    """Return the visit rows of a track: one per stop of the team on each day the track covers.

    Raises
    ------
    ParameterError
        When several teams have stops on the track's days and no team is given, or the team
        has none.
    """
    from models.patrol.visits import TRACK_VISIT_COLUMNS, track_visits

    days = set(points[TIME].dt.tz_convert(settings.timezone).dt.date)
    teams = sorted({k[0] for k in stops.stops if k[1] in days})
    team = options.team
    if team is None and len(teams) == 1:
        team = teams[0]
    if team is None or team not in teams:
        shown = ", ".join(teams[:10]) or "none"
        raise ParameterError(
            f"cannot tell whose track it is: teams of plan {stops.plan_id} on its days: {shown}",
            why="a track is matched to one team's stops",
            fix="give --team with one of them (the track's dates must be days of the plan)",
        )
    parts = [
        track_visits(
            points,
            stops,
            team,
            day,
            radius_m=options.radius_m,
            min_dwell_min=options.min_dwell_min,
            metric_crs=settings.metric_crs,
        )
        for day in sorted(days)
    ]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return frame.reindex(columns=list(TRACK_VISIT_COLUMNS)).astype("object")


def record_visits(
    rows: Sequence[Mapping[str, Any]],
    store: Store,
    settings: Settings,
    stops: PlanStops,
    *,
    source: str = "visit page",
) -> ImportResult:
    """Record visits entered on the page or sent to the API (the same pipeline as a file).

    Parameters
    ----------
    rows : sequence of Mapping
        Visit fields (``team``, ``day``, ``stop``, ``status``, ``arrived``, ``left``,
        ``seen_category``, ``seen_count``); ``plan_id`` is the plan's.
    store : Store
    settings : Settings
    stops : PlanStops
        The plan's stops: every row must name one.
    source : str
        What the import log records as the source.

    Returns
    -------
    geo.ingest.importer.ImportResult

    Raises
    ------
    ParameterError
        Above :data:`MAX_VISITS_PER_REQUEST` rows.
    """
    if len(rows) > MAX_VISITS_PER_REQUEST:
        raise ParameterError(
            f"{len(rows)} visits in one request, above {MAX_VISITS_PER_REQUEST}",
            fix="send a team's day at a time",
        )
    records = [
        {**{k: None if v is None else str(v) for k, v in r.items()}, PLAN_ID: stops.plan_id}
        for r in rows
    ]
    frame = pd.DataFrame(records).astype("object")
    digest = hashlib.sha256(frame.to_json(orient="records").encode()).hexdigest()
    raw = RawTable(frame=frame, geometry=None, source=source, sha256=digest, native_crs=None)
    return import_table(
        raw, LayerKind.VISITS, store, settings=settings, visit_plans={stops.plan_id: stops}
    )


def plan_visits(
    store: Store, settings: Settings, plan_id: str, *, thana: str | None = None
) -> gpd.GeoDataFrame:
    """Return the recorded visits of a plan (of one thana's stops when given), in stop order."""
    visits = read_layer(store, LayerKind.VISITS, timezone=settings.timezone, thana=thana)
    if not len(visits):
        return visits
    mine = visits[visits[PLAN_ID] == plan_id]
    if thana is not None and THANA in mine.columns:
        mine = mine[mine[THANA] == thana]
    return mine.sort_values([DAY, TEAM, STOP], kind="stable").reset_index(drop=True)


def dosage_of(
    store: Store,
    settings: Settings,
    *,
    plan_id: str | None = None,
    thana: str | None = None,
    stops: PlanStops | None = None,
) -> pd.DataFrame:
    """Return the dosage table of the stored visits (of one plan and thana when given).

    Parameters
    ----------
    store : Store
    settings : Settings
    plan_id : str, optional
    thana : str, optional
    stops : PlanStops, optional
        The plan's stops: planned stops without a visit row count as unlogged.

    Returns
    -------
    pandas.DataFrame
        :func:`models.patrol.dosage.dosage_table`.
    """
    from models.patrol.dosage import DOSAGE_COLUMNS, dosage_table

    if not store.count(LayerKind.VISITS):
        return pd.DataFrame(columns=list(DOSAGE_COLUMNS))
    visits = read_layer(store, LayerKind.VISITS, timezone=settings.timezone, thana=thana)
    if plan_id is not None and len(visits):
        visits = visits[visits[PLAN_ID] == plan_id]
    return dosage_table(visits, stops)


def follow_up_of(
    store: Store,
    settings: Settings,
    *,
    thana: str | None = None,
    strength: float = 1.0,
) -> dict[str, Any]:
    """Return the follow-up of the latest week of stored visits (place id → factor and why).

    What :class:`api.usecases.patrol.PatrolRequest` takes as ``follow_up``: the next plan
    raises the weight of the places missed that week.
    """
    from models.patrol.dosage import follow_up

    if not store.count(LayerKind.VISITS):
        return {}
    return dict(follow_up(dosage_of(store, settings, thana=thana), strength=strength))


def dosage_report(
    store: Store, settings: Settings, *, thana: str | None = None, weeks: int = DOSAGE_WEEKS
) -> pd.DataFrame:
    """Return the dosage table of the latest ``weeks`` weeks of recorded visits.

    Parameters
    ----------
    store : Store
    settings : Settings
    thana : str, optional
        Only visits of this thana's stops.
    weeks : int
        Weeks looked back on, ending with the latest week that has a visit (1 ..
        :data:`MAX_DOSAGE_WEEKS`).

    Returns
    -------
    pandas.DataFrame
        :data:`models.patrol.dosage.DOSAGE_COLUMNS`, one row per place and week, newest week
        first, then the most missed places.

    Raises
    ------
    ParameterError
        For ``weeks`` outside 1 .. :data:`MAX_DOSAGE_WEEKS`.
    """
    from models.patrol.dosage import MISSED, WEEK

    if not 1 <= weeks <= MAX_DOSAGE_WEEKS:
        raise ParameterError(
            f"{weeks} weeks is outside 1 .. {MAX_DOSAGE_WEEKS}",
            fix=f"look back on 1 to {MAX_DOSAGE_WEEKS} weeks (default {DOSAGE_WEEKS})",
        )
    table = dosage_of(store, settings, thana=thana)
    if not len(table):
        return table
    first = max(table[WEEK]) - dt.timedelta(weeks=weeks - 1)
    table = table[table[WEEK] >= first]
    order: pd.DataFrame = table.sort_values([WEEK, MISSED], ascending=[False, False], kind="stable")
    return order.reset_index(drop=True)


def dosage_dict(table: pd.DataFrame) -> dict[str, Any]:
    """Return a dosage report as JSON-ready data: Koper's reference, totals and the rows.

    ``summary`` sums the table: visits planned, made, cut short and missed, minutes of
    presence, and how many place-weeks averaged under the reference's 10 minutes a visit.
    """
    from models.patrol.dosage import (
        BELOW_REFERENCE,
        CUT_SHORT,
        DOSAGE_COLUMNS,
        MINUTES,
        MINUTES_PER_VISIT,
        MISSED,
        PLANNED,
        REFERENCE_MIN,
        UNLOGGED,
        VISITED,
        WEEK,
    )
    from models.patrol.records import PLACE_ID

    counts = (PLANNED, VISITED, CUT_SHORT, MISSED, UNLOGGED)
    summary: dict[str, Any] = {name: int(table[name].sum()) for name in counts}
    summary |= {
        "places": int(table[PLACE_ID].nunique()),
        "weeks": sorted({w.isoformat() for w in table[WEEK]}),
        MINUTES: round(float(table[MINUTES].sum()), 1),
        BELOW_REFERENCE: int(table[BELOW_REFERENCE].sum()),
    }
    rows = []
    for record in table.loc[:, list(DOSAGE_COLUMNS)].astype(object).to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        row[WEEK] = row[WEEK].isoformat()
        per_visit = row[MINUTES_PER_VISIT]
        row[MINUTES_PER_VISIT] = None if pd.isna(per_visit) else float(per_visit)
        for name in (*counts, MINUTES):
            row[name] = float(row[name]) if name == MINUTES else int(row[name])
        row[BELOW_REFERENCE] = bool(row[BELOW_REFERENCE])
        rows.append(row)
    return {"reference_min": list(REFERENCE_MIN), "summary": summary, "rows": rows}
