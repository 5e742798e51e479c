"""Tests of the embedded GeoPackage store (geo.store.gpkg)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

import geo.store.gpkg as gpkg_store
from geo.centre import (
    AGE_BAND,
    AGE_BANDS,
    AUDITED_ON,
    BNSS_SECTION,
    BNSS_SECTIONS,
    CASE_OUTCOME,
    CASE_OUTCOMES,
    CASE_ROUTE,
    CASE_ROUTES,
    CASE_TYPE,
    CASE_TYPES,
    CENTRE_RESOURCES,
    DISPOSED_ON,
    RECEIVED_ON,
    needed_column,
    working_column,
)
from geo.errors import StoreError, StoreLockedError
from geo.ingest.quarantine import (
    Q_FIELD,
    Q_IMPORT_ID,
    Q_KIND,
    Q_MESSAGE,
    Q_ORIGINAL,
    Q_REASON,
    Q_ROW,
    Q_SOURCE,
    QUARANTINE_COLUMNS,
)
from geo.schema import (
    ARRESTS,
    CATEGORY,
    GEOMETRY,
    ID,
    ID_DERIVED,
    NAME,
    NAME_HI,
    OCCURRED_AT,
    RESOURCES,
    THANA,
    THANA_MISMATCH,
    THANA_STATED,
    TIME_PRECISION,
    TIME_PRECISIONS,
    FieldType,
    LayerKind,
    LayerSpec,
    layer_spec,
)
from geo.store import (
    IMP_ACCEPTED,
    IMP_AT,
    IMP_ID,
    IMP_KIND,
    IMP_QUARANTINED,
    IMP_ROWS,
    IMP_SHA256,
    IMP_SOURCE,
    IMPORT_LOG_COLUMNS,
    ImportBatch,
    Store,
    open_store,
)
from geo.store.gpkg import GeoPackageStore

WGS84 = "EPSG:4326"
THANA_NAMES = ("Kotwali", "Lanka", "Bhelupur")
THANA_NAMES_HI = ("कोतवाली", None, "भेलूपुर")  # one thana without a Hindi name
#: The dtype every logical field type reads back as (the store's documented conventions).
READ_DTYPES = {
    FieldType.TEXT: "str",
    FieldType.VOCAB: "str",
    FieldType.TIMES: "str",
    FieldType.INTEGER: "Int64",
    FieldType.NUMBER: "float64",
    FieldType.DATE: "datetime64[ns]",
    FieldType.DATETIME: "datetime64[ns, UTC]",
}
DERIVED_DTYPES = {
    THANA: "str",
    THANA_MISMATCH: "bool",
    "location_precision": "str",
    "matched_place": "str",
    TIME_PRECISION: "str",
    ID_DERIVED: "bool",
}


# ---- helpers -------------------------------------------------------------------------------


def thana_polygons() -> list[Polygon | MultiPolygon]:
    """Three side-by-side thanas over Varanasi; the last is a MultiPolygon."""
    west = shapely.box(82.90, 25.25, 82.98, 25.35)
    middle = shapely.box(82.98, 25.25, 83.06, 25.35)
    east = MultiPolygon(
        [shapely.box(83.06, 25.25, 83.10, 25.35), shapely.box(83.11, 25.25, 83.12, 25.30)]
    )
    return [west, middle, east]


def layer_frame(kind: LayerKind, n: int, *, seed: int = 0, start: int = 0) -> gpd.GeoDataFrame:
    """Return ``n`` rows of a layer with ids ``start..``, some values missing."""
    rng = np.random.default_rng(seed)
    spec = layer_spec(kind)
    ids = [f"{kind.value[:3]}-{i:05d}" for i in range(start, start + n)]
    gaps = rng.random(n) < 0.3  # rows where optional values are missing
    data: dict[str, Any] = {}
    if kind is LayerKind.THANAS:
        polys = thana_polygons()
        data = {
            NAME: list(THANA_NAMES[:n]),
            NAME_HI: list(THANA_NAMES_HI[:n]),
            "zone": ["Kashi", None, "Varuna"][:n],
            "station_lon": [82.94, np.nan, 83.08][:n],
            "station_lat": [25.30, 25.31, np.nan][:n],
        }
        for j, res in enumerate(RESOURCES):
            data[res] = pd.array([j, None, 2 * j][:n], dtype="Int64")
        return gpd.GeoDataFrame(data, geometry=polys[:n], crs=WGS84)
    data[ID] = ids
    if kind is LayerKind.INCIDENTS:
        base = pd.Timestamp("2026-01-01 00:00", tz="Asia/Kolkata")
        offsets = pd.to_timedelta(rng.integers(0, 300 * 24 * 3600 * 1000, n), unit="ms")
        data[OCCURRED_AT] = pd.Series(base + offsets)
        data[CATEGORY] = rng.choice(["eve-teasing", "stalking", "cyber"], n)
        data["source"] = rng.choice(["complaint", "helpline-call"], n)
        data[THANA_STATED] = [
            None if g else t for g, t in zip(gaps, rng.choice(THANA_NAMES, n), strict=True)
        ]
        data["action_taken"] = [None if g else "warned" for g in gaps]
        data[ARRESTS] = pd.array(
            [None if g else int(v) for g, v in zip(gaps, rng.integers(0, 4, n), strict=True)],
            dtype="Int64",
        )
        data[THANA] = rng.choice(THANA_NAMES, n)
        data[THANA_MISMATCH] = rng.random(n) < 0.2
        data["place"] = [None if g else "BHU Gate" for g in gaps]
        data["location_precision"] = ["exact" if g else "landmark" for g in gaps]
        data["matched_place"] = [None if g else "BHU Gate" for g in gaps]
        data[TIME_PRECISION] = rng.choice(list(TIME_PRECISIONS), n)
        data[ID_DERIVED] = rng.random(n) < 0.5
        data[BNSS_SECTION] = [
            None if g else s for g, s in zip(gaps, rng.choice(BNSS_SECTIONS, n), strict=True)
        ]
    elif kind in (LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK):
        return centre_frame(kind, rng, ids, gaps)
    elif kind is LayerKind.CAMPAIGNS:
        data["held_on"] = [
            dt.date(2026, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 300, n)
        ]
        data["kind"] = rng.choice(["awareness-drive", "street-play"], n)
        data["venue_type"] = rng.choice(["school", "market"], n)
        data["attendees"] = pd.array(rng.integers(0, 500, n), dtype="Int64")
    elif kind is LayerKind.CCTV:
        data["owner"] = rng.choice(["police", "private"], n)
        data["status"] = [None if g else "working" for g in gaps]
        data["view_radius_m"] = np.where(gaps, np.nan, rng.uniform(10, 60, n))
        installed = pd.Series(
            pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
        )
        data["installed_on"] = installed.mask(pd.Series(gaps))
    elif kind is LayerKind.SITES:
        data[NAME] = [f"Site {i}" for i in range(start, start + n)]
        numbers = range(start, start + n)
        data[NAME_HI] = [None if g else f"स्थल {i}" for g, i in zip(gaps, numbers, strict=True)]
        data["kind"] = rng.choice(["school", "college", "ghat"], n)
        data["opens_at"] = [None if g else "08:00" for g in gaps]
        data["disperses_at"] = [None if g else "13:30;17:00" for g in gaps]
        data["students"] = pd.array([None if g else 300 for g in gaps], dtype="Int64")
    elif kind is LayerKind.GAZETTEER:
        data[NAME] = [f"Mohalla {i}" for i in range(start, start + n)]
        data["name_hi"] = [None if g else "मोहल्ला" for g in gaps]
        data["kind"] = rng.choice(["landmark", "locality", "pincode"], n)
        data["pincode"] = [None if g else "221005" for g in gaps]
    elif kind is LayerKind.VISITS:
        data["plan_id"] = ["P1"] * n
        data["team"] = rng.choice(["Lanka-1", "Lanka-2"], n)
        days = rng.integers(0, 7, n)
        data["day"] = [dt.date(2026, 11, 1) + dt.timedelta(days=int(d)) for d in days]
        data["stop"] = pd.array(rng.integers(1, 9, n), dtype="Int64")
        base = pd.Timestamp("2026-11-01 18:00", tz="Asia/Kolkata")
        arrived = pd.Series(base + pd.to_timedelta(rng.integers(0, 7 * 24 * 60, n), unit="min"))
        data["arrived"] = arrived.mask(pd.Series(gaps))
        data["left"] = (arrived + pd.Timedelta(minutes=12)).mask(pd.Series(gaps))
        data["status"] = ["missed" if g else "visited" for g in gaps]
        data["seen_category"] = rng.choice(["none", "crowd-at-gate"], n)
        data["seen_count"] = pd.array([None if g else 2 for g in gaps], dtype="Int64")
        data["place_id"] = [f"hotspot-{i}" for i in range(start, start + n)]
        data[THANA] = rng.choice(THANA_NAMES, n)
    points = shapely.points(rng.uniform(82.91, 83.09, n), rng.uniform(25.26, 25.34, n))
    frame = gpd.GeoDataFrame(data, geometry=points, crs=WGS84)
    return frame.loc[:, list(spec.columns)]


def centre_frame(
    kind: LayerKind, rng: np.random.Generator, ids: list[str], gaps: np.ndarray
) -> gpd.GeoDataFrame:
    """Return rows of a layer without geometry (centre audits, casework), geometry empty."""
    n = len(ids)
    days = pd.Series(pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D"))
    data: dict[str, Any] = {ID: ids, THANA: rng.choice(THANA_NAMES, n)}
    if kind is LayerKind.CENTRE_AUDIT:
        data[AUDITED_ON] = days
        for resource in CENTRE_RESOURCES:
            data[working_column(resource)] = pd.array(
                [None if g else int(v) for g, v in zip(gaps, rng.integers(0, 4, n), strict=True)],
                dtype="Int64",
            )
            data[needed_column(resource)] = pd.array(rng.integers(1, 4, n), dtype="Int64")
    else:
        outcome = rng.choice(list(CASE_OUTCOMES), n)
        data[RECEIVED_ON] = days
        data[CASE_TYPE] = rng.choice(list(CASE_TYPES), n)
        data[CASE_ROUTE] = rng.choice(list(CASE_ROUTES), n)
        data[CASE_OUTCOME] = outcome
        disposed = days + pd.to_timedelta(rng.integers(0, 40, n), "D")
        data[DISPOSED_ON] = disposed.mask(pd.Series(outcome == "pending"))
        data[AGE_BAND] = rng.choice(list(AGE_BANDS), n)
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([None] * n, crs=WGS84), crs=WGS84)
    return frame.loc[:, list(layer_spec(kind).columns)]


def quarantine_frame(rows: list[int], *, reason: str = "missing-value") -> pd.DataFrame:
    """Return quarantine lines for file rows (``import_id``/``kind`` left for the store)."""
    return pd.DataFrame(
        {
            Q_SOURCE: ["file.csv"] * len(rows),
            Q_ROW: rows,
            Q_FIELD: [None if i % 2 else "category" for i in range(len(rows))],
            Q_REASON: [reason] * len(rows),
            Q_MESSAGE: ["value missing"] * len(rows),
            Q_ORIGINAL: [{"row": r, "category": ""} for r in rows],
        }
    )


def make_batch(
    kind: LayerKind,
    accepted: gpd.GeoDataFrame,
    *,
    import_id: str = "imp-1",
    quarantine: pd.DataFrame | None = None,
) -> ImportBatch:
    """Return an ImportBatch as the ingest pipeline builds it."""
    q = quarantine if quarantine is not None else pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    return ImportBatch(
        import_id=import_id,
        kind=kind,
        source="file.csv",
        sha256="0" * 64,
        accepted=accepted,
        quarantine=q,
        rows=len(accepted) + (q[Q_ROW].nunique() if len(q) else 0),
    )


def expected(frame: gpd.GeoDataFrame, spec: LayerSpec) -> pd.DataFrame:
    """Return the non-geometry columns of ``frame`` as the store reads them back."""
    out: dict[str, Any] = {}
    for field in spec.fields:
        col = frame[field.name].reset_index(drop=True)
        if field.type is FieldType.DATE:
            col = pd.to_datetime(col)
        elif field.type is FieldType.DATETIME:
            col = col.dt.tz_convert("UTC").dt.floor("ms")
        out[field.name] = col.astype(READ_DTYPES[field.type])
    for name in spec.derived:
        out[name] = frame[name].reset_index(drop=True).astype(DERIVED_DTYPES[name])
    return pd.DataFrame(out)


def assert_layer_equal(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame, spec: LayerSpec) -> None:
    """Assert a read layer equals the frame that was stored (types as documented)."""
    assert list(got.columns) == list(spec.columns)
    assert isinstance(got.index, pd.RangeIndex)
    assert got.crs == WGS84
    pd.testing.assert_frame_equal(got.drop(columns=GEOMETRY), expected(want, spec))
    if not spec.spatial:
        assert got.geometry.isna().all()
        return
    assert got.geometry.geom_equals_exact(want.geometry.reset_index(drop=True), 1e-12).all()


def store_snapshot(store: GeoPackageStore) -> dict[str, Any]:
    """Return everything observable about a store, to compare before/after."""
    return {
        "version": store.version,
        "layers": {kind: store.read(kind) for kind in LayerKind},
        "quarantine": store.quarantine(),
        "imports": store.imports(),
    }


def assert_same_state(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["version"] == before["version"]
    for kind in LayerKind:
        pd.testing.assert_frame_equal(after["layers"][kind], before["layers"][kind])
    pd.testing.assert_frame_equal(after["quarantine"], before["quarantine"])
    pd.testing.assert_frame_equal(after["imports"], before["imports"])


def leftovers(folder: Path, store_name: str = "store.gpkg") -> list[str]:
    """Return the files of a store's folder other than the store and its lock file."""
    keep = {store_name, store_name + ".lock"}
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture
def store(tmp_path: Path) -> GeoPackageStore:
    return GeoPackageStore(tmp_path / "store.gpkg", lock_timeout=0.2)


# ---- creating and opening ------------------------------------------------------------------


def test_new_store_is_empty_and_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store.gpkg"
    store = GeoPackageStore(path)
    assert path.is_file()
    assert store.location == str(path)
    assert store.version == 0
    assert isinstance(store, Store)
    for kind in LayerKind:
        spec = layer_spec(kind)
        assert store.count(kind) == 0
        empty = store.read(kind)
        assert isinstance(empty, gpd.GeoDataFrame)
        assert list(empty.columns) == list(spec.columns)
        assert empty.crs == WGS84
        assert len(empty) == 0
        for field in spec.fields:
            assert str(empty[field.name].dtype) == READ_DTYPES[field.type]
    assert list(store.quarantine().columns) == list(QUARANTINE_COLUMNS)
    assert list(store.imports().columns) == list(IMPORT_LOG_COLUMNS)
    assert leftovers(path.parent) == []


def test_open_store_opens_existing_store(tmp_path: Path, store: GeoPackageStore) -> None:
    store.apply(make_batch(LayerKind.CCTV, layer_frame(LayerKind.CCTV, 4)))
    again = open_store(store.location)
    assert isinstance(again, GeoPackageStore)
    assert again.version == 1
    assert again.count(LayerKind.CCTV) == 4


def test_file_is_a_standard_geopackage(store: GeoPackageStore) -> None:
    frame = layer_frame(LayerKind.SITES, 6, seed=3)
    store.apply(make_batch(LayerKind.SITES, frame))
    layers = dict(pyogrio.list_layers(store.location).tolist())
    assert {k.value for k in LayerKind} | {"quarantine", "imports", "meta"} <= set(layers)
    via_gdal = pyogrio.read_dataframe(store.location, layer="sites")
    assert via_gdal["id"].tolist() == frame["id"].tolist()
    assert via_gdal.geometry.geom_equals(frame.geometry).all()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"id,lat,lon\n1,25.3,83.0\n", "not even an SQLite database"),
        (b"", "not even an SQLite database"),
    ],
)
def test_non_geopackage_file_raises_store_error(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "incidents.gpkg"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=re.escape(str(path))) as info:
        GeoPackageStore(path)
    assert why in str(info.value)
    assert "Fix:" in str(info.value)
    assert path.read_bytes() == content  # never overwritten


def test_plain_sqlite_and_foreign_geopackage_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "plain.gpkg"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="SQLite database but not a GeoPackage"):
        GeoPackageStore(db)
    foreign = tmp_path / "foreign.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(83, 25.3)], crs=WGS84).to_file(foreign)
    with pytest.raises(StoreError, match=r"GeoPackage but lacks the table\(s\)") as info:
        GeoPackageStore(foreign)
    assert str(foreign) in str(info.value)


# ---- round trip, upsert, idempotence -------------------------------------------------------


@pytest.mark.parametrize("kind", list(LayerKind))
def test_round_trip_every_layer(store: GeoPackageStore, kind: LayerKind) -> None:
    spec = layer_spec(kind)
    frame = layer_frame(kind, 3 if kind is LayerKind.THANAS else 40, seed=7)
    record = store.apply(make_batch(kind, frame))
    assert (record.inserted, record.updated, record.version) == (len(frame), 0, 1)
    got = store.read(kind)
    assert_layer_equal(got, frame, spec)
    for field in spec.fields:
        assert str(got[field.name].dtype) == READ_DTYPES[field.type], field.name
    for name in spec.derived:
        assert str(got[name].dtype) == DERIVED_DTYPES[name]
    assert store.count(kind) == len(frame)


def test_datetimes_are_stored_as_utc_instants(store: GeoPackageStore) -> None:
    frame = layer_frame(LayerKind.INCIDENTS, 2)
    local = ["2026-11-28 18:30:00.250", "2026-03-01 00:10:00"]
    frame[OCCURRED_AT] = pd.Series(
        pd.to_datetime(local, format="ISO8601").tz_localize("Asia/Kolkata")
    )
    store.apply(make_batch(LayerKind.INCIDENTS, frame))
    got = store.read(LayerKind.INCIDENTS)[OCCURRED_AT]
    assert str(got.dt.tz) == "UTC"
    assert got.tolist() == [
        pd.Timestamp("2026-11-28 13:00:00.250", tz="UTC"),
        pd.Timestamp("2026-02-28 18:40", tz="UTC"),
    ]
    with sqlite3.connect(store.location) as conn:
        raw = conn.execute(f"SELECT {OCCURRED_AT} FROM incidents ORDER BY fid").fetchall()
    conn.close()
    assert raw[0][0] == "2026-11-28T13:00:00.250Z"


def test_reimporting_the_same_batch_is_idempotent(store: GeoPackageStore) -> None:
    frame = layer_frame(LayerKind.INCIDENTS, 50, seed=1)
    batch = make_batch(LayerKind.INCIDENTS, frame, quarantine=quarantine_frame([51, 52]))
    first = store.apply(batch)
    once = store.read(LayerKind.INCIDENTS)
    second = store.apply(batch)
    assert (first.inserted, first.updated, first.version) == (50, 0, 1)
    assert (second.inserted, second.updated, second.version) == (0, 50, 2)
    assert store.version == 2
    assert store.count(LayerKind.INCIDENTS) == 50
    pd.testing.assert_frame_equal(store.read(LayerKind.INCIDENTS), once)
    assert len(store.quarantine(import_id=batch.import_id)) == 2  # replaced, not doubled
    assert len(store.imports()) == 2


def test_upsert_replaces_changed_rows_by_key(store: GeoPackageStore) -> None:
    old = layer_frame(LayerKind.CCTV, 6, seed=2)
    store.apply(make_batch(LayerKind.CCTV, old, import_id="a"))
    changed = old.iloc[[1, 4]].copy()
    changed["owner"] = "smart-city"
    changed["view_radius_m"] = [5.0, 6.0]
    changed = changed.set_geometry(
        [shapely.Point(83.0, 25.3), shapely.Point(83.01, 25.31)], crs=WGS84
    )
    new = layer_frame(LayerKind.CCTV, 1, seed=9, start=100)
    record = store.apply(make_batch(LayerKind.CCTV, pd.concat([changed, new]), import_id="b"))
    assert (record.inserted, record.updated, record.version) == (1, 2, 2)
    got = store.read(LayerKind.CCTV).set_index(ID)
    assert len(got) == 7
    assert got.loc[changed[ID], "owner"].tolist() == ["smart-city", "smart-city"]
    assert got.loc[changed[ID], "view_radius_m"].tolist() == [5.0, 6.0]
    assert got.loc[changed[ID].iloc[0], GEOMETRY].equals(shapely.Point(83.0, 25.3))
    untouched = old[~old[ID].isin(changed[ID])]
    want = expected(untouched, layer_spec(LayerKind.CCTV)).set_index(ID)
    pd.testing.assert_frame_equal(got.loc[untouched[ID]].drop(columns=GEOMETRY), want)
    assert new[ID].iloc[0] in got.index


def test_spatial_index_stays_valid_through_bulk_and_row_by_row_writes(
    store: GeoPackageStore,
) -> None:
    # 3,000 points: a bulk-loaded R-tree two levels deep; then a small row-by-row upsert.
    big = layer_frame(LayerKind.INCIDENTS, 3000, seed=4)
    store.apply(make_batch(LayerKind.INCIDENTS, big, import_id="big"))
    small = layer_frame(LayerKind.INCIDENTS, 100, seed=5, start=2950)  # 50 updates, 50 new
    record = store.apply(make_batch(LayerKind.INCIDENTS, small, import_id="small"))
    assert (record.inserted, record.updated) == (50, 50)
    with sqlite3.connect(store.location) as conn:
        assert conn.execute("SELECT rtreecheck('rtree_incidents_geom')").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM rtree_incidents_geom").fetchone() == (3050,)
        assert conn.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'incidents'"
        ).fetchone() == (3050,)
    conn.close()
    bbox = (82.95, 25.28, 83.0, 25.31)
    via_gdal = pyogrio.read_dataframe(store.location, layer="incidents", bbox=bbox)
    everything = store.read(LayerKind.INCIDENTS)
    inside = everything.geometry.intersects(shapely.box(*bbox))
    assert sorted(via_gdal[ID]) == sorted(everything.loc[inside, ID])


# ---- atomicity -----------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["_append_quarantine", "_bump_version", "_replace_file"])
def test_failure_mid_import_leaves_store_unchanged(
    store: GeoPackageStore, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    store.apply(
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 20),
            quarantine=quarantine_frame([21]),
        )
    )
    before = store_snapshot(store)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"simulated failure in {step}")

    monkeypatch.setattr(gpkg_store, step, boom)
    changed = layer_frame(LayerKind.INCIDENTS, 30, seed=8, start=10)
    batch = make_batch(
        LayerKind.INCIDENTS, changed, import_id="imp-2", quarantine=quarantine_frame([40, 41])
    )
    with pytest.raises(RuntimeError, match="simulated failure"):
        store.apply(batch)
    assert_same_state(before, store_snapshot(store))
    assert leftovers(Path(store.location).parent) == []
    monkeypatch.undo()
    record = store.apply(batch)  # the lock was released and the store still works
    assert (record.inserted, record.updated, record.version) == (20, 10, 2)


def test_bad_batch_is_refused_before_writing(store: GeoPackageStore) -> None:
    frame = layer_frame(LayerKind.INCIDENTS, 5)
    store.apply(make_batch(LayerKind.INCIDENTS, frame))
    before = store_snapshot(store)
    duplicated = pd.concat([frame, frame.iloc[[0]]])
    with pytest.raises(StoreError, match="repeat"):
        store.apply(make_batch(LayerKind.INCIDENTS, duplicated, import_id="dup"))
    naive = frame.copy()
    naive[OCCURRED_AT] = naive[OCCURRED_AT].dt.tz_localize(None)
    with pytest.raises(StoreError, match="without a timezone"):
        store.apply(make_batch(LayerKind.INCIDENTS, naive, import_id="naive"))
    with pytest.raises(StoreError, match="lack the column"):
        store.apply(make_batch(LayerKind.INCIDENTS, frame.drop(columns=[THANA]), import_id="cols"))
    polygons = frame.set_geometry([shapely.box(83, 25.3, 83.01, 25.31)] * 5, crs=WGS84)
    with pytest.raises(StoreError, match="non-Point geometry"):
        store.apply(make_batch(LayerKind.INCIDENTS, polygons, import_id="geom"))
    assert_same_state(before, store_snapshot(store))


_KILLED_IMPORT = """
import sys, time
from pathlib import Path
import numpy as np, pandas as pd, geopandas as gpd, shapely
import geo.store.gpkg as gpkg_store
from geo.schema import LayerKind
from geo.store import ImportBatch

store_path, marker, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
frame = gpd.GeoDataFrame(
    {
        "id": [f"k{i}" for i in range(n)],
        "occurred_at": pd.Series(
            pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(np.arange(n), unit="s")
        ),
        "category": ["stalking"] * n,
        "source": ["complaint"] * n,
        "thana_stated": [None] * n,
        "action_taken": ["none"] * n,
        "arrests": pd.array([0] * n, dtype="Int64"),
        "thana": ["Lanka"] * n,
        "thana_mismatch": [False] * n,
        "place": [None] * n,
        "location_precision": ["exact"] * n,
        "matched_place": [None] * n,
    },
    geometry=shapely.points(rng.uniform(82.9, 83.1, n), rng.uniform(25.2, 25.4, n)),
    crs="EPSG:4326",
)
rows_of = gpkg_store._feature_rows

def pausing_rows(*args):
    # Half-way through inserting the rows, tell the parent and wait to be killed.
    for i, row in enumerate(rows_of(*args)):
        if i == n // 2:
            marker.touch()
            time.sleep(60)
        yield row

gpkg_store._feature_rows = pausing_rows
batch = ImportBatch("killed", LayerKind.INCIDENTS, "big.csv", "f" * 64, frame, pd.DataFrame(), n)
gpkg_store.GeoPackageStore(store_path).apply(batch)
"""


def test_sigkill_mid_write_keeps_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "store.gpkg"
    store = GeoPackageStore(path)
    store.apply(
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 10),
            quarantine=quarantine_frame([11]),
        )
    )
    before = store_snapshot(store)
    marker = tmp_path / "half-written"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, str(path), str(marker), "60000"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the import never reached the middle of its write"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert [p for p in leftovers(tmp_path) if p.endswith(".tmp.gpkg")]  # killed mid-write
    reopened = GeoPackageStore(path)
    assert_same_state(before, store_snapshot(reopened))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    # The next import takes the (released) lock, cleans the leftover up and works.
    record = reopened.apply(
        make_batch(
            LayerKind.INCIDENTS, layer_frame(LayerKind.INCIDENTS, 3, start=50), import_id="next"
        )
    )
    assert (record.inserted, record.version) == (3, 2)
    assert leftovers(tmp_path) == ["half-written"]


# ---- quarantine, import log, thana filter, lock --------------------------------------------


def test_quarantine_is_persisted_and_filterable(store: GeoPackageStore) -> None:
    store.apply(
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 5),
            import_id="i1",
            quarantine=quarantine_frame([6, 7, 7]),
        )
    )
    store.apply(
        make_batch(
            LayerKind.CCTV,
            layer_frame(LayerKind.CCTV, 2),
            import_id="c1",
            quarantine=quarantine_frame([3], reason="out-of-range"),
        )
    )
    store.apply(
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 1, start=9),
            import_id="i2",
            quarantine=quarantine_frame([2]),
        )
    )
    reopened = GeoPackageStore(Path(store.location))
    everything = reopened.quarantine()
    assert list(everything.columns) == list(QUARANTINE_COLUMNS)
    assert everything[Q_ROW].dtype == "int64"
    assert everything[Q_IMPORT_ID].tolist() == ["i1", "i1", "i1", "c1", "i2"]
    assert everything[Q_KIND].tolist() == ["incidents"] * 3 + ["cctv", "incidents"]
    assert everything[Q_FIELD].isna().tolist() == [False, True, False, False, False]
    assert everything[Q_ORIGINAL].iloc[0] == '{"row": 6, "category": ""}'
    assert reopened.quarantine(LayerKind.CCTV)[Q_REASON].tolist() == ["out-of-range"]
    assert reopened.quarantine("incidents")[Q_ROW].tolist() == [6, 7, 7, 2]
    assert reopened.quarantine(import_id="i2")[Q_ROW].tolist() == [2]
    assert reopened.quarantine(LayerKind.CCTV, import_id="i1").empty


def test_import_log_records_every_import(store: GeoPackageStore) -> None:
    started = pd.Timestamp.now(tz="UTC").floor("ms")
    store.apply(
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 5),
            import_id="i1",
            quarantine=quarantine_frame([6, 7, 7]),
        )
    )
    store.apply(make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3), import_id="t1"))
    log = store.imports()
    assert list(log.columns) == list(IMPORT_LOG_COLUMNS)
    assert log[IMP_ID].tolist() == ["i1", "t1"]
    assert log[IMP_KIND].tolist() == ["incidents", "thanas"]
    assert log[IMP_SOURCE].tolist() == ["file.csv", "file.csv"]
    assert log[IMP_SHA256].tolist() == ["0" * 64] * 2
    assert log[IMP_ROWS].tolist() == [7, 3]
    assert log[IMP_ACCEPTED].tolist() == [5, 3]
    assert log[IMP_QUARANTINED].tolist() == [2, 0]
    for column in (IMP_ROWS, IMP_ACCEPTED, IMP_QUARANTINED):
        assert log[column].dtype == "int64"
    stamps = pd.to_datetime(log[IMP_AT], utc=True)
    assert (stamps >= started).all()
    assert (stamps <= pd.Timestamp.now(tz="UTC")).all()
    assert stamps.is_monotonic_increasing


def test_thana_filter(store: GeoPackageStore) -> None:
    incidents = layer_frame(LayerKind.INCIDENTS, 60, seed=11)
    cctv = layer_frame(LayerKind.CCTV, 60, seed=12)
    for kind, frame in [
        (LayerKind.INCIDENTS, incidents),
        (LayerKind.CCTV, cctv),
        (LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3)),
    ]:
        store.apply(make_batch(kind, frame, import_id=kind.value))
    lanka = store.read(LayerKind.INCIDENTS, thana="Lanka")
    assert isinstance(lanka.index, pd.RangeIndex)
    assert lanka[ID].tolist() == incidents.loc[incidents[THANA] == "Lanka", ID].tolist()
    one = store.read(LayerKind.THANAS, thana="Bhelupur")
    assert one[NAME].tolist() == ["Bhelupur"]
    assert isinstance(one.geometry.iloc[0], MultiPolygon)
    # Layers without a thana column are cut by the thana's polygon.
    polygon = thana_polygons()[0]
    in_kotwali = store.read(LayerKind.CCTV, thana="Kotwali")
    assert in_kotwali[ID].tolist() == cctv.loc[cctv.intersects(polygon), ID].tolist()
    assert list(in_kotwali.columns) == list(layer_spec(LayerKind.CCTV).columns)
    assert store.read(LayerKind.INCIDENTS, thana="Nowhere").empty
    assert store.read(LayerKind.CCTV, thana="Nowhere").empty


def test_lock_contention_raises_store_locked_error(store: GeoPackageStore) -> None:
    lock_path = Path(store.location + ".lock")
    with lock_path.open("a+b") as other:  # another process's import holds the lock
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        batch = make_batch(LayerKind.SITES, layer_frame(LayerKind.SITES, 2))
        with pytest.raises(
            StoreLockedError, match=r"locked by another import.*wait for the other import"
        ):
            store.apply(batch)
        assert store.read(LayerKind.SITES).empty  # readers need no lock
        assert store.version == 0
        fcntl.flock(other, fcntl.LOCK_UN)
    assert store.apply(batch).version == 1


def test_hindi_names_round_trip_in_nfc_devanagari(store: GeoPackageStore) -> None:
    frame = layer_frame(LayerKind.THANAS, 3)
    store.apply(make_batch(LayerKind.THANAS, frame))
    got = store.read(LayerKind.THANAS)
    assert got[NAME_HI].tolist()[::2] == ["कोतवाली", "भेलूपुर"]
    assert got[NAME_HI].isna().tolist() == [False, True, False]
    assert store.read(LayerKind.THANAS, thana="Kotwali")[NAME_HI].tolist() == ["कोतवाली"]


def test_store_of_an_older_version_reads_name_hi_empty_and_gains_it_on_import(
    store: GeoPackageStore,
) -> None:
    first = layer_frame(LayerKind.SITES, 4, seed=1)
    store.apply(make_batch(LayerKind.SITES, first))
    with sqlite3.connect(store.location) as conn:  # the layout before name_hi existed
        conn.execute(f"ALTER TABLE sites DROP COLUMN {NAME_HI}")
    old = store.read(LayerKind.SITES)
    assert list(old.columns) == list(layer_spec(LayerKind.SITES).columns)
    assert old[NAME_HI].isna().all()
    assert str(old[NAME_HI].dtype) == READ_DTYPES[FieldType.TEXT]
    second = layer_frame(LayerKind.SITES, 3, seed=2, start=4)
    second[NAME_HI] = ["दशाश्वमेध घाट", None, "अस्सी घाट"]
    store.apply(make_batch(LayerKind.SITES, second, import_id="imp-2"))
    got = store.read(LayerKind.SITES)
    assert got[NAME_HI].isna().sum() == 5
    assert got[NAME_HI].iloc[4:].tolist()[::2] == ["दशाश्वमेध घाट", "अस्सी घाट"]
    with sqlite3.connect(store.location) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(thanas)")}
    assert NAME_HI in columns  # every layer table gained the column in the same import


@pytest.mark.parametrize("kind", [LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK])
def test_layers_without_geometry_are_filtered_by_their_thana_column(
    store: GeoPackageStore, kind: LayerKind
) -> None:
    frame = layer_frame(kind, 30, seed=21)
    store.apply(make_batch(kind, frame, import_id=kind.value))
    lanka = store.read(kind, thana="Lanka")
    assert lanka[ID].tolist() == frame.loc[frame[THANA] == "Lanka", ID].tolist()
    assert lanka.geometry.isna().all() and lanka.crs == WGS84
    assert store.read(kind, thana="Nowhere").empty
    # a re-import upserts on the key, as for every layer
    record = store.apply(make_batch(kind, frame.iloc[:5], import_id="again"))
    assert (record.inserted, record.updated) == (0, 5)
    assert store.count(kind) == 30
