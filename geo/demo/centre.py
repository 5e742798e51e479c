"""The demo centre layers: resources audits with shortfalls and casework with pendency."""

# Everything here is SYNTHETIC. Audits: every thana's centre is audited on the dates of
# AUDIT_DATES (a few days apart per thana); the norms below are what a centre should have;
# earlier audits show more gaps, most of them fixed by the last one, and a seeded handful of
# thanas keep a named shortfall at the last audit (no computer, no women's toilet, a phone
# without a SIM, no vehicle, a missing woman officer). Casework: complaints received over the
# demo span with a disposal delay each; a complaint whose disposal would fall after
# REFERENCE_DATE is pending (so pendency has every age), and the reunions are exactly the
# counselled-reunited anti-Romeo incidents (N_REUNITED), one case each.

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.centre import (
    AGE_BAND,
    AGE_BANDS,
    AUDITED_ON,
    CASE_CYBER,
    CASE_DOMESTIC,
    CASE_OUTCOME,
    CASE_ROUTE,
    CASE_TYPE,
    CASE_TYPES,
    CENTRE_RESOURCES,
    DISPOSED_ON,
    OUTCOME_DISPOSED,
    OUTCOME_FIR,
    OUTCOME_PENDING,
    OUTCOME_REUNITED,
    RECEIVED_ON,
    ROUTE_COUNSELLING,
    ROUTE_FIR,
    ROUTE_REFERRED,
    needed_column,
    working_column,
)
from geo.crs import WGS84
from geo.demo.constants import (
    AUDIT_DATES,
    DEMO_CASEWORK,
    N_REUNITED,
    REFERENCE_DATE,
    START_DATE,
)
from geo.demo.draws import as_ints, as_strings, n_days, pick_named, pick_weighted
from geo.demo.places import STATIONS
from geo.incident_vocab import (
    ACTION_COUNSELLED,
)
from geo.schema import ACTION_TAKEN, CASEWORK, CENTRE_AUDIT, ID, OCCURRED_AT, THANA, LayerSpec

#: What every centre should have (women staff: more in urban thanas, see :func:`_norms`).
NORMS: Final[Mapping[str, int]] = {
    "rooms": 2, "womens_toilet": 1, "registers": 6, "furniture": 8, "computers": 1,
    "mobile_phones": 2, "sim_cards": 2, "vehicles": 1, "women_staff": 4,
}  # fmt: skip
#: Shortfalls some thanas keep at their last audit: resource → working count left.
LAST_SHORTFALLS: Final[tuple[Mapping[str, int], ...]] = (
    {"computers": 0},
    {"womens_toilet": 0},
    {"sim_cards": 1},  # two phones, one without a SIM
    {"vehicles": 0},
    {"computers": 0, "vehicles": 0},
    {"women_staff": 2},
    {"womens_toilet": 0, "sim_cards": 1},
    {"furniture": 5, "registers": 4},
)
#: Chance that a resource is short at an audit before the last one (gaps get fixed).
EARLY_GAP_P: Final = (0.22, 0.12)
#: Share of each complaint type; cyber complaints come mostly from young women.
TYPE_P: Final[Mapping[str, float]] = {
    "domestic-family-dispute": 0.42, "harassment": 0.2, "stalking": 0.09, "cyber": 0.19,
    "other": 0.1,
}  # fmt: skip
ROUTE_P: Final[Mapping[str, Mapping[str, float]]] = {
    "domestic-family-dispute": {ROUTE_COUNSELLING: 0.75, ROUTE_FIR: 0.15, ROUTE_REFERRED: 0.10},
    "harassment": {ROUTE_COUNSELLING: 0.30, ROUTE_FIR: 0.50, ROUTE_REFERRED: 0.20},
    "stalking": {ROUTE_COUNSELLING: 0.20, ROUTE_FIR: 0.65, ROUTE_REFERRED: 0.15},
    "cyber": {ROUTE_COUNSELLING: 0.05, ROUTE_FIR: 0.55, ROUTE_REFERRED: 0.40},
    "other": {ROUTE_COUNSELLING: 0.40, ROUTE_FIR: 0.20, ROUTE_REFERRED: 0.40},
}
AGE_P: Final[Mapping[bool, Mapping[str, float]]] = {  # keyed by "is cyber"
    True: {"under-18": 0.14, "18-25": 0.52, "26-35": 0.22, "36-plus": 0.08, "unknown": 0.04},
    False: {"under-18": 0.06, "18-25": 0.24, "26-35": 0.36, "36-plus": 0.28, "unknown": 0.06},
}
#: Mean disposal delay in days by route (gamma, shape 2); some complaints get stuck.
DELAY_MEAN_D: Final[Mapping[str, float]] = {
    ROUTE_COUNSELLING: 12.0, ROUTE_FIR: 9.0, ROUTE_REFERRED: 6.0,
}  # fmt: skip
STUCK_P: Final = 0.025
STUCK_DELAY_D: Final = 10_000  # never disposed within the span: pending for months


def _frame(spec: LayerSpec, columns: Mapping[str, pd.Series]) -> gpd.GeoDataFrame:
    """Assemble an attribute layer with exactly ``spec.columns`` (geometry empty)."""
    n = len(next(iter(columns.values())))
    data = {c: columns[c].reset_index(drop=True) for c in spec.names}
    geometry = gpd.GeoSeries([None] * n, crs=WGS84)
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84).loc[:, list(spec.columns)]


def _days(values: np.ndarray) -> pd.Series:
    """Return day numbers since START_DATE (``-1`` = missing) as ``datetime64[ns]`` days."""
    start = np.datetime64(START_DATE, "D")
    stamps = (start + values.astype("timedelta64[D]")).astype("datetime64[ns]")
    return pd.Series(pd.DatetimeIndex(stamps).where(values >= 0))


def audits_layer(rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Return SYNTHETIC resources audits: every thana on every date of :data:`AUDIT_DATES`."""
    k, n_audits = len(STATIONS), len(AUDIT_DATES)
    urban = np.array([s.urban for s in STATIONS], dtype=bool)
    short_at = rng.choice(k, size=len(LAST_SHORTFALLS), replace=False)
    shifts = rng.integers(-6, 7, size=(k, n_audits))
    rows = [(t, a) for t in range(k) for a in range(n_audits)]
    ids = [f"DEMO-AUD-{t + 1:02d}-{a + 1}" for t, a in rows]
    day = np.array(
        [(AUDIT_DATES[a] - START_DATE).days + int(shifts[t, a]) for t, a in rows], dtype=np.int64
    )
    columns: dict[str, pd.Series] = {
        ID: as_strings(ids),
        THANA: as_strings([STATIONS[t].name for t, _ in rows]),
        AUDITED_ON: _days(np.minimum(day, (REFERENCE_DATE - START_DATE).days)),
    }
    last = {int(t): gaps for t, gaps in zip(short_at, LAST_SHORTFALLS, strict=True)}
    for resource in CENTRE_RESOURCES:
        needed = np.array(
            [
                NORMS[resource] + (2 if resource == "women_staff" and urban[t] else 0)
                for t, _ in rows
            ]
        )
        working = needed.copy()
        for i, (t, a) in enumerate(rows):
            if a == n_audits - 1:
                working[i] = min(working[i], last.get(t, {}).get(resource, working[i]))
            elif rng.random() < EARLY_GAP_P[a]:
                working[i] = int(rng.integers(0, needed[i]))
        columns[working_column(resource)] = as_ints(working)
        columns[needed_column(resource)] = as_ints(needed)
    return _frame(CENTRE_AUDIT, columns)


def casework_layer(
    rng: np.random.Generator, incidents: gpd.GeoDataFrame, n: int = DEMO_CASEWORK
) -> gpd.GeoDataFrame:
    """Return ``n`` SYNTHETIC centre complaints, :data:`N_REUNITED` of them reunions.

    Parameters
    ----------
    rng : numpy.random.Generator
    incidents : geopandas.GeoDataFrame
        The demo incidents: each ``counselled-reunited`` one becomes a reunion (its thana,
        received the day of the incident).
    n : int
        Number of complaints, at least the number of reunions.

    Returns
    -------
    geopandas.GeoDataFrame
        ``CASEWORK.columns``, sorted by ``received_on``; geometry empty.
    """
    counselled = incidents.loc[incidents[ACTION_TAKEN] == ACTION_COUNSELLED]
    if len(counselled) != N_REUNITED or n < N_REUNITED:
        raise ValueError(f"casework needs {N_REUNITED} counselled incidents and n >= that")
    span = n_days()
    m = n - N_REUNITED
    # the other complaints: thana, day, type, route, delay, outcome
    weights = np.where([s.urban for s in STATIONS], 2.0, 1.0)
    thana = pick_weighted(rng, weights, m)
    received = np.sort(rng.integers(0, span, m))
    types = np.asarray(CASE_TYPES, dtype=object)[pick_named(rng, TYPE_P, CASE_TYPES, m)]
    routes = np.empty(m, dtype=object)
    for case_type, probs in ROUTE_P.items():
        at = np.flatnonzero(types == case_type)
        routes[at] = np.asarray(list(probs), dtype=object)[
            pick_weighted(rng, list(probs.values()), at.size)
        ]
    mean = np.array([DELAY_MEAN_D[r] for r in routes])
    delay = np.round(rng.gamma(2.0, mean / 2.0)).astype(np.int64)
    delay[rng.random(m) < STUCK_P] = STUCK_DELAY_D
    outcome = np.where(routes == ROUTE_FIR, OUTCOME_FIR, OUTCOME_DISPOSED).astype(object)
    pending = received + delay > span - 1
    outcome[pending] = OUTCOME_PENDING
    disposed = np.where(pending, -1, received + delay)
    cyber = types == CASE_CYBER
    age = np.empty(m, dtype=object)
    for is_cyber in (True, False):
        at = np.flatnonzero(cyber == is_cyber)
        age[at] = np.asarray(AGE_BANDS, dtype=object)[
            pick_named(rng, AGE_P[is_cyber], AGE_BANDS, at.size)
        ]
    # the reunions: one per counselled-reunited incident
    r_day = (
        counselled[OCCURRED_AT].dt.tz_localize(None).dt.normalize() - pd.Timestamp(START_DATE)
    ).dt.days.to_numpy(dtype=np.int64)
    r_delay = np.round(rng.gamma(2.0, DELAY_MEAN_D[ROUTE_COUNSELLING] / 2.0, r_day.size))
    r_disposed = np.minimum(r_day + r_delay.astype(np.int64), span - 1)
    r_age = np.asarray(AGE_BANDS, dtype=object)[
        pick_named(rng, AGE_P[False], AGE_BANDS, r_day.size)
    ]
    names = np.asarray([s.name for s in STATIONS], dtype=object)
    frame = pd.DataFrame(
        {
            THANA: np.concatenate([names[thana], counselled[THANA].to_numpy(dtype=object)]),
            RECEIVED_ON: np.concatenate([received, r_day]),
            CASE_TYPE: np.concatenate([types, np.full(r_day.size, CASE_DOMESTIC, dtype=object)]),
            CASE_ROUTE: np.concatenate(
                [routes, np.full(r_day.size, ROUTE_COUNSELLING, dtype=object)]
            ),
            CASE_OUTCOME: np.concatenate(
                [outcome, np.full(r_day.size, OUTCOME_REUNITED, dtype=object)]
            ),
            DISPOSED_ON: np.concatenate([disposed, r_disposed]),
            AGE_BAND: np.concatenate([age, r_age]),
        }
    ).sort_values([RECEIVED_ON, THANA], kind="stable", ignore_index=True)
    columns = {
        ID: as_strings([f"DEMO-CW-{i:06d}" for i in range(1, n + 1)]),
        THANA: as_strings(frame[THANA].to_numpy()),
        RECEIVED_ON: _days(frame[RECEIVED_ON].to_numpy(dtype=np.int64)),
        CASE_TYPE: as_strings(frame[CASE_TYPE].to_numpy()),
        CASE_ROUTE: as_strings(frame[CASE_ROUTE].to_numpy()),
        CASE_OUTCOME: as_strings(frame[CASE_OUTCOME].to_numpy()),
        DISPOSED_ON: _days(frame[DISPOSED_ON].to_numpy(dtype=np.int64)),
        AGE_BAND: as_strings(frame[AGE_BAND].to_numpy()),
    }
    return _frame(CASEWORK, columns)
