"""The demo incidents layer: a seeded point process over thanas, sites and hours."""

from __future__ import annotations

from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.centre import BNSS_SECTION
from geo.demo.constants import (
    N_CASE_ARRESTS,
    N_CASES_REGISTERED,
    N_COUNSELLED,
    N_DETAINED,
    N_DETAINED_BY_SECTION,
    START_DATE,
    TIMEZONE,
)
from geo.demo.draws import (
    BoolArray,
    IntArray,
    as_ints,
    as_strings,
    day_p,
    layer_frame,
    n_days,
    pick_named,
    pick_weighted,
)
from geo.demo.geography import Geography, n_fixed_actions
from geo.demo.knobs import (
    ANTI_ROMEO_CATEGORY_P,
    BACKGROUND,
    CATEGORY_P,
    COMPONENT_P,
    COMPONENT_PROFILE,
    DISPERSAL,
    EVENING,
    HOURLY,
    MISSING_THANA_SHARE,
    OTHER_ACTION_P,
    OTHER_SOURCE_P,
    RESIDENTIAL,
    TRANSIT_C,
    WARNED_SHARE,
    WRONG_THANA_SHARE,
)
from geo.demo.places import STATIONS
from geo.demo.registers import Sites
from geo.incident_vocab import (
    ACTION_CASE_REGISTERED,
    ACTION_COUNSELLED,
    ACTION_DETAINED,
    ACTION_WARNED,
    SOURCE_ANTI_ROMEO,
)
from geo.schema import (
    ACTION_TAKEN,
    ACTIONS,
    ARRESTS,
    CATEGORY,
    ID,
    ID_DERIVED,
    INCIDENTS,
    LOCATION_PRECISION,
    LOCATION_PRECISIONS,
    MATCHED_PLACE,
    OCCURRED_AT,
    PLACE,
    SOURCE,
    SOURCES,
    THANA,
    THANA_MISMATCH,
    THANA_STATED,
    TIME_EXACT,
    TIME_PRECISION,
)
from geo.settings import DEFAULT_CATEGORIES

# --------------------------------------------------------------------------- incidents


def incidents_layer(
    rng: np.random.Generator, geo: Geography, sites: Sites, n: int
) -> gpd.GeoDataFrame:
    """Return ``n`` SYNTHETIC incidents drawn around sites, thanas and hours."""
    # Sources and actions: the fixed anti-Romeo block first, then "warned" anti-Romeo rows,
    # then the other sources. Rows are sorted by time at the end, which mixes them.
    i_ar = SOURCES.index(SOURCE_ANTI_ROMEO)
    n_fixed = n_fixed_actions()
    n_warned = round(WARNED_SHARE * (n - n_fixed))
    n_ar = n_fixed + n_warned
    src = np.full(n, i_ar, dtype=np.int64)
    others = [SOURCES.index(s) for s in OTHER_SOURCE_P]
    src[n_ar:] = np.asarray(others)[pick_weighted(rng, list(OTHER_SOURCE_P.values()), n - n_ar)]
    act = np.empty(n, dtype=np.int64)
    bounds = np.cumsum([0, N_CASES_REGISTERED, N_DETAINED, N_COUNSELLED, n_warned])
    fixed_actions = (ACTION_CASE_REGISTERED, ACTION_DETAINED, ACTION_COUNSELLED, ACTION_WARNED)
    for (lo, hi), action in zip(pairwise(bounds.tolist()), fixed_actions, strict=True):
        act[lo:hi] = ACTIONS.index(action)
    for name, probs in OTHER_ACTION_P.items():
        rows = np.flatnonzero(src == SOURCES.index(name))
        act[rows] = pick_named(rng, probs, ACTIONS, rows.size)
    arrests = np.zeros(n, dtype=np.int64)
    arrests[:N_CASES_REGISTERED] = 1 + rng.multinomial(
        N_CASE_ARRESTS - N_CASES_REGISTERED, np.full(N_CASES_REGISTERED, 1 / N_CASES_REGISTERED)
    )
    no_arrest_field = src != i_ar  # arrests are recorded for anti-Romeo actions only
    # BNSS sections of the detained block, in a fixed order (no draw: the other layers'
    # draws stay as they were); the block's rows are already random in place and time.
    section = np.full(n, None, dtype=object)
    section[N_CASES_REGISTERED : N_CASES_REGISTERED + N_DETAINED] = np.repeat(
        np.asarray(list(N_DETAINED_BY_SECTION), dtype=object),
        list(N_DETAINED_BY_SECTION.values()),
    )

    # Component (where/when) of each incident, by source.
    comp = np.empty(n, dtype=np.int64)
    for code, name in enumerate(SOURCES):
        rows = np.flatnonzero(src == code)
        comp[rows] = pick_weighted(rng, COMPONENT_P[name], rows.size)

    # Anchors.
    ax = np.zeros(n)
    ay = np.zeros(n)
    sigma = np.zeros(n)
    site = np.full(n, -1, dtype=np.int64)
    for c, weights, s in (
        (DISPERSAL, sites.w_dispersal, 120.0),
        (EVENING, sites.w_evening, 100.0),
        (TRANSIT_C, sites.w_transit, 150.0),
    ):
        rows = np.flatnonzero(comp == c)
        pick = pick_weighted(rng, weights, rows.size)
        site[rows] = pick
        ax[rows], ay[rows], sigma[rows] = sites.x[pick], sites.y[pick], s
    rows = np.flatnonzero(comp == RESIDENTIAL)
    urban = np.array([s.urban for s in STATIONS])
    at = pick_weighted(rng, np.where(urban, 4.0, 1.0), rows.size)
    ax[rows] = np.array([s.lon for s in STATIONS])[at]
    ay[rows] = np.array([s.lat for s in STATIONS])[at]
    sigma[rows] = np.where(urban[at], 700.0, 1800.0)
    trend = np.where(site >= 0, sites.trend[np.maximum(site, 0)], 0)

    # Locations: Gaussian around anchors, uniform for the background.
    x = np.empty(n)
    y = np.empty(n)
    thana = np.empty(n, dtype=np.int64)
    bg = comp == BACKGROUND
    x[~bg], y[~bg], thana[~bg] = geo.scatter(rng, ax[~bg], ay[~bg], sigma[~bg])
    x[bg], y[bg], thana[bg] = geo.uniform(rng, np.full(int(bg.sum()), -1, dtype=np.int64))

    # Days: a seasonal profile per component, times the site's trend.
    day = np.empty(n, dtype=np.int64)
    for c, profile in enumerate(COMPONENT_PROFILE):
        for t in (-1, 0, 1):
            rows = np.flatnonzero((comp == c) & (trend == t))
            if rows.size:
                day[rows] = rng.choice(n_days(), size=rows.size, p=day_p(profile, t))

    minute = _minutes(rng, comp, site, sites)

    # Categories.
    cat = np.empty(n, dtype=np.int64)
    for c, probs in CATEGORY_P.items():
        for anti_romeo in (False, True):
            rows = np.flatnonzero((comp == c) & ((src == i_ar) == anti_romeo))
            p = ANTI_ROMEO_CATEGORY_P if anti_romeo else probs
            cat[rows] = pick_named(rng, p, DEFAULT_CATEGORIES, rows.size)

    stated, missing, wrong = _stated_thanas(rng, geo, thana)

    # Sort by time and assemble.
    local = np.datetime64(START_DATE, "s") + (day * 86_400 + minute * 60).astype("timedelta64[s]")
    order = np.argsort(local, kind="stable")
    names = np.asarray([s.name for s in STATIONS], dtype=object)
    stated_names = names[stated[order]]
    stated_names[missing[order]] = None
    width = max(7, len(str(n)))
    ids = np.char.add("DEMO-INC-", np.char.zfill(np.arange(1, n + 1).astype(str), width))
    occurred = pd.DatetimeIndex(local[order].astype("datetime64[ns]")).tz_localize(TIMEZONE)
    columns = {
        ID: as_strings(ids.astype(object)),
        OCCURRED_AT: pd.Series(occurred),
        CATEGORY: as_strings(np.asarray(DEFAULT_CATEGORIES, dtype=object)[cat[order]]),
        SOURCE: as_strings(np.asarray(SOURCES, dtype=object)[src[order]]),
        THANA_STATED: as_strings(stated_names),
        ACTION_TAKEN: as_strings(np.asarray(ACTIONS, dtype=object)[act[order]]),
        ARRESTS: as_ints(arrests[order], no_arrest_field[order]),
        THANA: as_strings(names[thana[order]]),
        THANA_MISMATCH: pd.Series(wrong[order], dtype=bool),
        # every demo incident has its own coordinates: no place text, located exactly
        PLACE: as_strings(np.full(n, None, dtype=object)),
        LOCATION_PRECISION: as_strings(np.full(n, LOCATION_PRECISIONS[0], dtype=object)),
        MATCHED_PLACE: as_strings(np.full(n, None, dtype=object)),
        TIME_PRECISION: as_strings(np.full(n, TIME_EXACT, dtype=object)),
        ID_DERIVED: pd.Series(np.zeros(n, dtype=bool)),
        BNSS_SECTION: as_strings(section[order]),
    }
    return layer_frame(INCIDENTS, columns, x[order], y[order])


def _minutes(rng: np.random.Generator, comp: IntArray, site: IntArray, sites: Sites) -> IntArray:
    """Return the minute of the day of each incident, by component."""
    minute = np.empty(comp.size, dtype=np.int64)
    rows = np.flatnonzero(comp == DISPERSAL)
    slot = (rng.random(rows.size) * sites.n_dispersal[site[rows]]).astype(np.int64)
    offset = np.round(rng.gamma(2.0, 12.0, rows.size) - 10.0).astype(np.int64)
    minute[rows] = sites.dispersal_min[site[rows], slot] + offset
    rows = np.flatnonzero(comp == EVENING)
    minute[rows] = np.clip(np.round(rng.normal(19.25 * 60, 80.0, rows.size)), 15 * 60, 1439)
    rows = np.flatnonzero(comp >= TRANSIT_C)
    minute[rows] = pick_weighted(rng, HOURLY, rows.size) * 60 + rng.integers(0, 60, rows.size)
    return np.clip(minute, 0, 1439)


def _stated_thanas(
    rng: np.random.Generator, geo: Geography, thana: IntArray
) -> tuple[IntArray, BoolArray, BoolArray]:
    """Return the stated thana of each incident and which are missing or wrong.

    Mostly right, sometimes missing, ~2 % a neighbouring station.
    """
    u = rng.random(thana.size)
    missing = u < MISSING_THANA_SHARE
    wrong = (~missing) & (u < MISSING_THANA_SHARE + WRONG_THANA_SHARE)
    stated = thana.copy()
    w_rows = np.flatnonzero(wrong)
    nb_slot = (rng.random(w_rows.size) * geo.n_neighbours[thana[w_rows]]).astype(np.int64)
    stated[w_rows] = geo.neighbours[thana[w_rows], nb_slot]
    return stated, missing, wrong
