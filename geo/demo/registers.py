"""The demo sites, CCTV and campaigns layers (registers of places, cameras and drives)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.demo.constants import N_CAMPAIGNS, N_WOMEN_REACHED, REFERENCE_DATE, START_DATE
from geo.demo.draws import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    as_ints,
    as_strings,
    day_p,
    dedupe_names,
    layer_frame,
    minutes_of_day,
    n_days,
    pick_named,
    pick_weighted,
)
from geo.demo.geography import Geography
from geo.demo.knobs import (
    INSTALLED_FROM,
    KIND_P,
    MEAN_ATTENDEES,
    MIN_ATTENDEES,
    MISSING_INSTALLED_SHARE,
    MISSING_RADIUS_SHARE,
    OWNER_P,
    PROFILE_CAMPAIGN,
    RADIUS_M,
    SITE_VENUES,
    SIZES,
    STATUS_P,
    VENUE_P,
)
from geo.demo.places import (
    COACHING_BATCHES,
    COACHING_BRANDS,
    COACHING_HUBS,
    COACHING_SUFFIXES,
    COLLEGES,
    GHATS,
    HOSTEL_BRANDS,
    MARKETS,
    PARTS_HI,
    ROADS,
    SCHOOL_PREFIXES,
    STATIONS,
    TRANSIT,
)
from geo.schema import (
    ATTENDEES,
    CAMPAIGN_KINDS,
    CAMPAIGNS,
    CCTV,
    CCTV_OWNERS,
    CCTV_STATUSES,
    DISPERSES_AT,
    HELD_ON,
    ID,
    INSTALLED_ON,
    KIND,
    NAME,
    NAME_HI,
    OPENS_AT,
    OWNER,
    SITES,
    STATUS,
    STUDENTS,
    VENUE_TYPE,
    VENUE_TYPES,
    VIEW_RADIUS_M,
)

# --------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class Sites:
    """The sites layer and what the other layers need to know about each site."""

    frame: gpd.GeoDataFrame
    x: FloatArray
    y: FloatArray
    kind: ObjArray
    thana: IntArray
    w_dispersal: FloatArray
    w_evening: FloatArray
    w_transit: FloatArray
    trend: IntArray
    dispersal_min: IntArray  # (n, 5) minutes of the day, padded
    n_dispersal: IntArray


class _SiteBook:
    """The sites drawn so far: one row of attributes and one anchor (lon, lat, sigma) each."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.anchors: list[tuple[float, float, float]] = []  # lon, lat, sigma_m

    def add(
        self,
        kind: str,
        name: str,
        name_hi: str,
        lon: float,
        lat: float,
        sigma: float,
        *,
        opens: str | None = None,
        disperses: str | None = None,
        students: int | None = None,
        w_disp: float = 0.0,
        w_eve: float = 0.0,
        w_transit: float = 0.0,
        trend: int = 0,
    ) -> None:
        """Add one site around (lon, lat), ``sigma`` metres (0: exactly there)."""
        self.rows.append({
            "kind": kind, "name": name, "name_hi": name_hi, "opens": opens, "disperses": disperses,
            "students": students, "w_disp": w_disp, "w_eve": w_eve, "w_transit": w_transit,
            "trend": trend,
        })  # fmt: skip
        self.anchors.append((lon, lat, sigma))


def make_sites(rng: np.random.Generator, geo: Geography) -> Sites:
    """Return the SYNTHETIC sites with their drawing weights and dispersal times."""
    book = _SiteBook()
    _add_colleges(book)
    _add_schools(book, rng, geo)
    _add_coaching_centres(book, rng)
    _add_training_centres(book, rng)
    _add_hostels(book, rng)
    _add_places(book)
    return _sites(book, rng, geo)


def _add_colleges(book: _SiteBook) -> None:
    """Add the colleges (real names, approximate positions)."""
    for c in COLLEGES:
        book.add(
            "college",
            c.name,
            c.name_hi,
            c.lon,
            c.lat,
            0.0,
            opens=c.opens,
            disperses=c.disperses,
            students=c.students,
            w_disp=1.5 * math.sqrt(c.students),
        )


def _add_schools(book: _SiteBook, rng: np.random.Generator, geo: Geography) -> None:
    """Add schools spread over every thana, denser in the city."""
    urban = np.array([s.urban for s in STATIONS])
    n = SIZES["school"]
    where = pick_weighted(rng, np.where(urban, 2.5, 1.0), n)
    sx, sy, _ = geo.uniform(rng, where)
    prefixes = rng.integers(0, len(SCHOOL_PREFIXES), n)
    students = rng.integers(150, 1500, n)
    opens = rng.choice(["07:30", "08:00", "08:30"], n)
    disperses = rng.choice(["12:30", "13:00", "13:30", "14:00", "12:30;14:30"], n)
    plain = [
        f"{SCHOOL_PREFIXES[p]}, {STATIONS[t].name}" for p, t in zip(prefixes, where, strict=True)
    ]
    names, names_hi = dedupe_names(
        plain,
        [
            f"{PARTS_HI[SCHOOL_PREFIXES[p]]}, {STATIONS[t].name_hi}"
            for p, t in zip(prefixes, where, strict=True)
        ],
    )
    for i in range(n):
        book.add(
            "school",
            names[i],
            names_hi[i],
            float(sx[i]),
            float(sy[i]),
            0.0,
            opens=str(opens[i]),
            disperses=str(disperses[i]),
            students=int(students[i]),
            w_disp=math.sqrt(int(students[i])) * (1.0 if urban[where[i]] else 0.4),
        )


def _add_coaching_centres(book: _SiteBook, rng: np.random.Generator) -> None:
    """Add coaching centres, concentrated in hubs; the Mahmoorganj hub is emerging."""
    n = SIZES["coaching-centre"]
    hub = pick_weighted(rng, [h.weight for h in COACHING_HUBS], n)
    brand = rng.integers(0, len(COACHING_BRANDS), n)
    suffix = rng.integers(0, len(COACHING_SUFFIXES), n)
    batches = pick_weighted(rng, [b[1] for b in COACHING_BATCHES], n)
    students = rng.integers(40, 600, n)
    plain = [
        f"{COACHING_BRANDS[b]} {COACHING_SUFFIXES[s]}, {COACHING_HUBS[h].name}"
        for b, s, h in zip(brand, suffix, hub, strict=True)
    ]
    names, names_hi = dedupe_names(
        plain,
        [
            f"{PARTS_HI[COACHING_BRANDS[b]]} {PARTS_HI[COACHING_SUFFIXES[s]]}, "
            f"{COACHING_HUBS[h].name_hi}"
            for b, s, h in zip(brand, suffix, hub, strict=True)
        ],
    )
    for i in range(n):
        h = COACHING_HUBS[hub[i]]
        book.add(
            "coaching-centre",
            names[i],
            names_hi[i],
            h.lon,
            h.lat,
            250.0,
            opens="07:00" if batches[i] == 3 else "08:00",
            disperses=COACHING_BATCHES[batches[i]][0],
            students=int(students[i]),
            w_disp=3.0 * math.sqrt(int(students[i])),
            trend=h.trend,
        )


def _add_training_centres(book: _SiteBook, rng: np.random.Generator) -> None:
    """Add women's training centres near some thana stations."""
    n = SIZES["womens-training-centre"]
    chosen = np.sort(rng.choice(len(STATIONS), size=n, replace=False))
    students = rng.integers(20, 120, n)
    for i, t in enumerate(chosen):
        st = STATIONS[t]
        book.add(
            "womens-training-centre",
            f"Mahila Kaushal Vikas Kendra, {st.name}",
            f"महिला कौशल विकास केंद्र, {st.name_hi}",
            st.lon,
            st.lat,
            500.0,
            opens="10:00",
            disperses="13:00;16:00" if i % 2 else "14:00",
            students=int(students[i]),
            w_disp=0.8 * math.sqrt(int(students[i])),
        )


def _add_hostels(book: _SiteBook, rng: np.random.Generator) -> None:
    """Add girls' hostels around BHU and the coaching hubs."""
    bhu = COLLEGES[0]
    for i in range(SIZES["hostel_bhu"]):
        book.add(
            "hostel",
            f"Girls' Hostel {i + 1}, BHU",
            f"बालिका छात्रावास {i + 1}, बीएचयू",
            bhu.lon,
            bhu.lat,
            450.0,
            students=int(rng.integers(100, 400)),
        )
    n = SIZES["hostel_hub"]
    hub = pick_weighted(rng, [h.weight for h in COACHING_HUBS], n)
    brand = rng.integers(0, len(HOSTEL_BRANDS), n)
    students = rng.integers(30, 200, n)
    plain = [
        f"{HOSTEL_BRANDS[b]} Girls' Hostel, {COACHING_HUBS[h].name}"
        for b, h in zip(brand, hub, strict=True)
    ]
    names, names_hi = dedupe_names(
        plain,
        [
            f"{PARTS_HI[HOSTEL_BRANDS[b]]} बालिका छात्रावास, {COACHING_HUBS[h].name_hi}"
            for b, h in zip(brand, hub, strict=True)
        ],
    )
    for i in range(n):
        h = COACHING_HUBS[hub[i]]
        book.add("hostel", names[i], names_hi[i], h.lon, h.lat, 300.0, students=int(students[i]))


def _add_places(book: _SiteBook) -> None:
    """Add the markets, ghats and transit points (real names, approximate positions)."""
    for p in MARKETS:
        book.add("market", p.name, p.name_hi, p.lon, p.lat, 0.0, w_eve=p.weight, trend=p.trend)
    for p in GHATS:
        book.add("ghat", p.name, p.name_hi, p.lon, p.lat, 0.0, w_eve=p.weight, trend=p.trend)
    for p in TRANSIT:
        book.add("transit", p.name, p.name_hi, p.lon, p.lat, 0.0, w_transit=p.weight, trend=p.trend)


def _sites(book: _SiteBook, rng: np.random.Generator, geo: Geography) -> Sites:
    """Scatter the sites around their anchors and return the layer with its weights."""
    table = pd.DataFrame(book.rows)
    anchor = np.asarray(book.anchors, dtype=float)
    x, y, thana = geo.scatter(rng, anchor[:, 0], anchor[:, 1], anchor[:, 2])
    n = len(table)
    disp = np.zeros((n, 5), dtype=np.int64)
    n_disp = np.zeros(n, dtype=np.int64)
    for i, times in enumerate(table["disperses"]):
        if isinstance(times, str):
            minutes = minutes_of_day(times)
            disp[i, : len(minutes)] = minutes
            n_disp[i] = len(minutes)
    students_v = table["students"].to_numpy(dtype=float)
    columns = {
        ID: as_strings([f"DEMO-SITE-{i + 1:04d}" for i in range(n)]),
        NAME: as_strings(table["name"].tolist()),
        NAME_HI: as_strings(table["name_hi"].tolist()),
        KIND: as_strings(table["kind"].tolist()),
        OPENS_AT: as_strings(table["opens"].tolist()),
        DISPERSES_AT: as_strings(table["disperses"].tolist()),
        STUDENTS: as_ints(np.nan_to_num(students_v).astype(np.int64), np.isnan(students_v)),
    }
    return Sites(
        frame=layer_frame(SITES, columns, x, y),
        x=x,
        y=y,
        kind=table["kind"].to_numpy(dtype=object),
        thana=thana,
        w_dispersal=table["w_disp"].to_numpy(dtype=float),
        w_evening=table["w_eve"].to_numpy(dtype=float),
        w_transit=table["w_transit"].to_numpy(dtype=float),
        trend=table["trend"].to_numpy(dtype=np.int64),
        dispersal_min=disp,
        n_dispersal=n_disp,
    )


# --------------------------------------------------------------------------- cctv


def cctv_layer(rng: np.random.Generator, geo: Geography, sites: Sites) -> gpd.GeoDataFrame:
    """Return the SYNTHETIC cameras, clustered at sites, roads and markets."""
    ax: list[FloatArray] = []
    ay: list[FloatArray] = []
    sig: list[FloatArray] = []
    owner: list[IntArray] = []

    def group(x: FloatArray, y: FloatArray, sigma: float | FloatArray, placement: str) -> None:
        ax.append(np.asarray(x, dtype=float))
        ay.append(np.asarray(y, dtype=float))
        sig.append(np.broadcast_to(np.asarray(sigma, dtype=float), x.shape).copy())
        owner.append(pick_named(rng, OWNER_P[placement], CCTV_OWNERS, x.size))

    def around(mask: BoolArray, counts: IntArray) -> tuple[FloatArray, FloatArray]:
        idx = np.repeat(np.flatnonzero(mask), counts)
        return sites.x[idx], sites.y[idx]

    for kind, base, per_weight, sigma in (
        ("market", 3.0, 1.5, 70.0),
        ("ghat", 2.0, 1.2, 60.0),
        ("transit", 6.0, 1.0, 90.0),
    ):
        mask = sites.kind == kind
        weight = (sites.w_evening if kind != "transit" else sites.w_transit)[mask]
        x, y = around(mask, rng.poisson(base + per_weight * weight))
        group(x, y, sigma, kind)
    for _name, count, coords in ROADS:
        line = shapely.LineString(coords)
        pts = shapely.line_interpolate_point(line, rng.random(count), normalized=True)
        group(shapely.get_x(pts), shapely.get_y(pts), 15.0, "road")
    colleges = np.flatnonzero(sites.kind == "college")
    counts = rng.poisson(4.0, colleges.size) + 1
    counts[0] = 24  # BHU's large campus
    sigma_c = np.where(np.arange(colleges.size) == 0, 500.0, 120.0)
    x, y = around(sites.kind == "college", counts)
    group(x, y, np.repeat(sigma_c, counts), "college")
    schools = sites.kind == "school"
    counts = (rng.random(int(schools.sum())) < 0.25) * (1 + (rng.random(int(schools.sum())) < 0.4))
    x, y = around(schools, counts.astype(np.int64))
    group(x, y, 12.0, "school")
    coaching = sites.kind == "coaching-centre"
    counts = (rng.random(int(coaching.sum())) < 0.20).astype(np.int64)
    x, y = around(coaching, counts)
    group(x, y, 8.0, "coaching")
    st_x = np.array([s.lon for s in STATIONS])
    st_y = np.array([s.lat for s in STATIONS])
    group(np.repeat(st_x, 2), np.repeat(st_y, 2), 15.0, "station")
    urban = np.flatnonzero([s.urban for s in STATIONS])
    at = urban[rng.integers(0, urban.size, SIZES["private_cameras"])]
    group(st_x[at], st_y[at], 900.0, "private")

    x, y, _ = geo.scatter(rng, np.concatenate(ax), np.concatenate(ay), np.concatenate(sig))
    own = np.concatenate(owner)
    n = own.size
    status = np.empty(n, dtype=np.int64)
    radius = np.empty(n)
    installed = np.empty(n, dtype="datetime64[D]")
    end = np.datetime64(REFERENCE_DATE, "D")
    for code, name in enumerate(CCTV_OWNERS):
        rows = np.flatnonzero(own == code)
        status[rows] = pick_named(rng, STATUS_P[name], CCTV_STATUSES, rows.size)
        radius[rows] = np.round(RADIUS_M[name] * rng.uniform(0.7, 1.3, rows.size) / 5.0) * 5.0
        start = np.datetime64(INSTALLED_FROM[name], "D")
        span = int((end - start).astype(np.int64))
        installed[rows] = start + rng.integers(0, span + 1, rows.size).astype("timedelta64[D]")
    radius[rng.random(n) < MISSING_RADIUS_SHARE] = np.nan
    installed[rng.random(n) < MISSING_INSTALLED_SHARE] = np.datetime64("NaT")

    # A few cameras registered twice at the same spot (e.g. in two surveys).
    dup = np.sort(rng.choice(n, size=SIZES["duplicate_cameras"], replace=False))
    rows_all = np.concatenate([np.arange(n), dup])
    perm = rows_all[rng.permutation(rows_all.size)]
    m = perm.size
    columns = {
        ID: as_strings([f"DEMO-CAM-{i + 1:04d}" for i in range(m)]),
        OWNER: as_strings(np.asarray(CCTV_OWNERS, dtype=object)[own[perm]]),
        STATUS: as_strings(np.asarray(CCTV_STATUSES, dtype=object)[status[perm]]),
        VIEW_RADIUS_M: pd.Series(radius[perm], dtype=float),
        INSTALLED_ON: pd.Series(installed[perm].astype("datetime64[ns]")),
    }
    return layer_frame(CCTV, columns, x[perm], y[perm])


# --------------------------------------------------------------------------- campaigns


def campaigns_layer(rng: np.random.Generator, geo: Geography, sites: Sites) -> gpd.GeoDataFrame:
    """Return the SYNTHETIC awareness campaigns with the seed-review totals."""
    n = N_CAMPAIGNS
    venue = pick_named(rng, VENUE_P, VENUE_TYPES, n)
    kind = np.empty(n, dtype=np.int64)
    ax = np.zeros(n)
    ay = np.zeros(n)
    sigma = np.zeros(n)
    uniform_want = np.full(n, -2, dtype=np.int64)  # -2: anchored, -1: anywhere, k: in thana k
    urban = np.flatnonzero([s.urban for s in STATIONS])
    rural = np.flatnonzero([not s.urban for s in STATIONS])
    for code, name in enumerate(VENUE_TYPES):
        rows = np.flatnonzero(venue == code)
        kind[rows] = pick_named(rng, KIND_P[name], CAMPAIGN_KINDS, rows.size)
        if name in SITE_VENUES:
            of_kind = np.flatnonzero(sites.kind == name)
            at = of_kind[rng.integers(0, of_kind.size, rows.size)]
            ax[rows], ay[rows], sigma[rows] = sites.x[at], sites.y[at], 40.0
        elif name == "residential":
            at = urban[rng.integers(0, urban.size, rows.size)]
            ax[rows] = [STATIONS[i].lon for i in at]
            ay[rows] = [STATIONS[i].lat for i in at]
            sigma[rows] = 800.0
        elif name == "village":
            uniform_want[rows] = rural[rng.integers(0, rural.size, rows.size)]
        else:
            uniform_want[rows] = -1
    x = np.empty(n)
    y = np.empty(n)
    anchored = uniform_want == -2
    x[anchored], y[anchored], _ = geo.scatter(rng, ax[anchored], ay[anchored], sigma[anchored])
    x[~anchored], y[~anchored], _ = geo.uniform(rng, uniform_want[~anchored])

    day = rng.choice(n_days(), size=n, p=day_p(PROFILE_CAMPAIGN, 0))
    # Attendees: gamma-distributed around a mean per kind, then scaled to the exact total
    # (every drive reaches at least MIN_ATTENDEES; largest remainders get the last units).
    means = np.array([MEAN_ATTENDEES[k] for k in CAMPAIGN_KINDS])[kind]
    raw = rng.gamma(4.0, means / 4.0)
    extra = N_WOMEN_REACHED - MIN_ATTENDEES * n
    share = raw / raw.sum() * extra
    base = np.floor(share).astype(np.int64)
    left = extra - int(base.sum())
    base[np.argsort(-(share - base), kind="stable")[:left]] += 1
    attendees = MIN_ATTENDEES + base

    order = np.lexsort((np.arange(n), day))
    held = np.datetime64(START_DATE, "D") + day[order].astype("timedelta64[D]")
    columns = {
        ID: as_strings([f"DEMO-CMP-{i + 1:05d}" for i in range(n)]),
        HELD_ON: pd.Series(held.astype("datetime64[ns]")),
        KIND: as_strings(np.asarray(CAMPAIGN_KINDS, dtype=object)[kind[order]]),
        VENUE_TYPE: as_strings(np.asarray(VENUE_TYPES, dtype=object)[venue[order]]),
        ATTENDEES: as_ints(attendees[order]),
    }
    return layer_frame(CAMPAIGNS, columns, x[order], y[order])
