"""The PostGIS store (geo.store.postgis) against the same contract as the GeoPackage store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
import shapely

import geo.store.postgis as postgis_store
from geo.errors import StoreError, StoreLockedError
from geo.ingest.quarantine import Q_IMPORT_ID, Q_ROW, QUARANTINE_COLUMNS
from geo.schema import NAME_HI, OCCURRED_AT, LayerKind, layer_spec
from geo.store import IMP_AT, IMPORT_LOG_COLUMNS, Store, open_store
from geo.store.gpkg import GeoPackageStore
from geo.store.postgis import DEFAULT_SCHEMA, PostgisStore

# The store contract cases of tests/geo/store/test_store.py, run here against the `store` fixture of
# this module (pytest resolves fixtures where a test is collected): every case that does not
# look inside a GeoPackage file. The file-specific cases have PostGIS counterparts below.
from tests.geo.store.test_store import (  # noqa: F401
    READ_DTYPES,
    assert_same_state,
    layer_frame,
    make_batch,
    quarantine_frame,
    store_snapshot,
    test_bad_batch_is_refused_before_writing,
    test_import_log_records_every_import,
    test_reimporting_the_same_batch_is_idempotent,
    test_round_trip_every_layer,
    test_thana_filter,
    test_upsert_replaces_changed_rows_by_key,
)

WGS84 = "EPSG:4326"


@pytest.fixture
def store(store_url: str) -> PostgisStore:
    return PostgisStore(store_url, lock_timeout=0.2)


def _schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def test_new_store_is_empty_and_is_a_store(store_url: str) -> None:
    store = open_store(store_url)
    assert isinstance(store, PostgisStore)
    assert isinstance(store, Store)
    assert store.location == store_url
    assert store.version == 0
    for kind in LayerKind:
        spec = layer_spec(kind)
        assert store.count(kind) == 0
        empty = store.read(kind)
        assert list(empty.columns) == list(spec.columns)
        assert empty.crs == WGS84
        for field in spec.fields:
            assert str(empty[field.name].dtype) == READ_DTYPES[field.type]
    assert list(store.quarantine().columns) == list(QUARANTINE_COLUMNS)
    assert list(store.imports().columns) == list(IMPORT_LOG_COLUMNS)


def test_open_store_reopens_by_url_and_hides_the_password(store: PostgisStore) -> None:
    store.apply(make_batch(LayerKind.CCTV, layer_frame(LayerKind.CCTV, 4)))
    again = open_store(store.location)
    assert isinstance(again, PostgisStore)
    assert (again.version, again.count(LayerKind.CCTV)) == (1, 4)
    with_password = store.location.replace("postgres@", "postgres:s3cret@")
    assert "s3cret" not in PostgisStore(with_password).location
    assert PostgisStore(store.location.split("?")[0]).schema == DEFAULT_SCHEMA


def test_same_batches_read_back_identically_in_both_backends(
    store: PostgisStore, tmp_path: Path
) -> None:
    gpkg = GeoPackageStore(tmp_path / "store.gpkg")
    batches = [
        make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3), import_id="t"),
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 80, seed=3),
            import_id="i1",
            quarantine=quarantine_frame([81, 82, 82]),
        ),
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 30, seed=4, start=60),
            import_id="i2",
        ),
        make_batch(LayerKind.CCTV, layer_frame(LayerKind.CCTV, 25, seed=5), import_id="c"),
        make_batch(LayerKind.SITES, layer_frame(LayerKind.SITES, 9, seed=6), import_id="s"),
        make_batch(LayerKind.CAMPAIGNS, layer_frame(LayerKind.CAMPAIGNS, 7), import_id="k"),
    ]
    for batch in batches:
        assert store.apply(batch) == gpkg.apply(batch)
    for kind in LayerKind:
        got, want = store.read(kind), gpkg.read(kind)
        pd.testing.assert_frame_equal(got.drop(columns="geometry"), want.drop(columns="geometry"))
        assert got.geometry.geom_equals_exact(want.geometry, 0).all()
        for thana in ("Kotwali", "Lanka", "Nowhere"):
            scoped, ref = store.read(kind, thana=thana), gpkg.read(kind, thana=thana)
            assert scoped["id" if "id" in scoped else "name"].tolist() == (
                ref["id" if "id" in ref else "name"].tolist()
            )
    pd.testing.assert_frame_equal(store.quarantine(), gpkg.quarantine())
    pd.testing.assert_frame_equal(
        store.imports().drop(columns=IMP_AT), gpkg.imports().drop(columns=IMP_AT)
    )


def test_datetimes_are_stored_as_utc_instants(store: PostgisStore, store_url: str) -> None:
    frame = layer_frame(LayerKind.INCIDENTS, 2)
    local = ["2026-11-28 18:30:00.250", "2026-03-01 00:10:00"]
    frame[OCCURRED_AT] = pd.Series(
        pd.to_datetime(local, format="ISO8601").tz_localize("Asia/Kolkata")
    )
    store.apply(make_batch(LayerKind.INCIDENTS, frame))
    got = store.read(LayerKind.INCIDENTS)[OCCURRED_AT]
    assert got.tolist() == [
        pd.Timestamp("2026-11-28 13:00:00.250", tz="UTC"),
        pd.Timestamp("2026-02-28 18:40", tz="UTC"),
    ]
    with psycopg.connect(store_url.split("?")[0]) as conn:
        raw = conn.execute(
            f"SELECT ({OCCURRED_AT} AT TIME ZONE 'UTC')::text, ST_SRID(geom), "
            f"GeometryType(geom) FROM {_schema_of(store_url)}.incidents ORDER BY fid"
        ).fetchall()
    assert raw[0] == ("2026-11-28 13:00:00.25", 4326, "POINT")


def test_quarantine_is_persisted_and_filterable(store: PostgisStore) -> None:
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
    reopened = PostgisStore(store.location)
    everything = reopened.quarantine()
    assert everything[Q_ROW].dtype == "int64"
    assert everything[Q_IMPORT_ID].tolist() == ["i1", "i1", "i1", "c1"]
    assert everything["original"].iloc[0] == '{"row": 6, "category": ""}'
    assert reopened.quarantine(LayerKind.CCTV)["reason"].tolist() == ["out-of-range"]
    assert reopened.quarantine("incidents", import_id="i1")[Q_ROW].tolist() == [6, 7, 7]
    assert reopened.quarantine(LayerKind.CCTV, import_id="i1").empty


@pytest.mark.parametrize("step", ["_write_layer", "_append_quarantine", "_bump_version"])
def test_failure_mid_import_rolls_everything_back(
    store: PostgisStore, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    store.apply(
        make_batch(
            LayerKind.INCIDENTS,
            layer_frame(LayerKind.INCIDENTS, 20),
            quarantine=quarantine_frame([21]),
        )
    )
    before = store_snapshot(store)  # type: ignore[arg-type]
    real = getattr(postgis_store, step)

    def boom(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # the step's writes happen, then the import fails
        raise RuntimeError(f"simulated failure after {step}")

    monkeypatch.setattr(postgis_store, step, boom)
    batch = make_batch(
        LayerKind.INCIDENTS,
        layer_frame(LayerKind.INCIDENTS, 30, seed=8, start=10),
        import_id="imp-2",
        quarantine=quarantine_frame([40, 41]),
    )
    with pytest.raises(RuntimeError, match="simulated failure"):
        store.apply(batch)
    assert_same_state(before, store_snapshot(store))  # type: ignore[arg-type]
    monkeypatch.undo()
    record = store.apply(batch)  # the lock went with the transaction
    assert (record.inserted, record.updated, record.version) == (20, 10, 2)


def test_database_errors_become_store_errors(store: PostgisStore, store_url: str) -> None:
    with psycopg.connect(store_url.split("?")[0], autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {_schema_of(store_url)}.cctv ADD CHECK (owner <> 'private')")
    frame = layer_frame(LayerKind.CCTV, 5, seed=2)
    frame["owner"] = "private"
    with pytest.raises(
        StoreError, match=r"could not write import imp-1.*violates check.*nothing was changed"
    ):
        store.apply(make_batch(LayerKind.CCTV, frame))
    assert store.version == 0
    unreachable = "postgresql://postgres@127.0.0.1:1/none"
    with pytest.raises(StoreError, match=r"could not connect.*Fix: check that PostgreSQL runs"):
        PostgisStore(unreachable)


def test_lock_contention_raises_store_locked_error(store: PostgisStore, store_url: str) -> None:
    batch = make_batch(LayerKind.SITES, layer_frame(LayerKind.SITES, 2))
    with psycopg.connect(store_url.split("?")[0]) as other:  # another worker's import
        other.execute("SELECT pg_advisory_xact_lock(%s)", (store._lock_key,))
        with pytest.raises(
            StoreLockedError, match=r"locked by another import.*wait for the other import"
        ):
            store.apply(batch)
        assert store.read(LayerKind.SITES).empty  # readers need no lock
        started = time.monotonic()
        assert PostgisStore(store.location).version == 0  # nor does opening the store
        assert time.monotonic() - started < 2
        other.rollback()
    assert store.apply(batch).version == 1


def test_concurrent_workers_get_distinct_increasing_versions(store_url: str) -> None:
    workers = [PostgisStore(store_url, lock_timeout=30) for _ in range(6)]
    versions: list[int] = []
    errors: list[BaseException] = []

    def work(i: int, s: PostgisStore) -> None:
        try:
            frame = layer_frame(LayerKind.INCIDENTS, 50, seed=i, start=40 * i)  # keys overlap
            versions.append(
                s.apply(make_batch(LayerKind.INCIDENTS, frame, import_id=f"w{i}")).version
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(versions) == [1, 2, 3, 4, 5, 6]
    assert workers[0].version == 6
    assert workers[0].count(LayerKind.INCIDENTS) == 40 * 5 + 50
    log = workers[0].imports()
    assert len(log) == 6


_KILLED_IMPORT = """
import sys, time
import geo.store.postgis as ps
from tests.geo.store.test_store import layer_frame, make_batch
from geo.schema import LayerKind

url, marker, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
real = ps._append_quarantine

def pausing(*args):
    real(*args)  # every row of the layer is written, inside the open transaction
    open(marker, "w").close()
    time.sleep(60)

ps._append_quarantine = pausing
frame = layer_frame(LayerKind.INCIDENTS, n, seed=1, start=5)
ps.PostgisStore(url).apply(make_batch(LayerKind.INCIDENTS, frame, import_id="killed"))
"""


def test_sigkill_mid_import_keeps_previous_state(store: PostgisStore, tmp_path: Path) -> None:
    store.apply(make_batch(LayerKind.INCIDENTS, layer_frame(LayerKind.INCIDENTS, 10)))
    before = store_snapshot(store)  # type: ignore[arg-type]
    marker = tmp_path / "half-written"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, store.location, str(marker), "5000"],
        stderr=subprocess.PIPE,
        env=env,
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
    assert_same_state(before, store_snapshot(PostgisStore(store.location)))  # type: ignore[arg-type]
    # The server notices the dead client, rolls back and releases the lock.
    record = PostgisStore(store.location, lock_timeout=10).apply(
        make_batch(
            LayerKind.INCIDENTS, layer_frame(LayerKind.INCIDENTS, 3, start=50), import_id="next"
        )
    )
    assert (record.inserted, record.version) == (3, 2)


def test_polygons_and_thana_scope_use_postgis(store: PostgisStore) -> None:
    thanas = layer_frame(LayerKind.THANAS, 3)
    store.apply(make_batch(LayerKind.THANAS, thanas, import_id="t"))
    got = store.read(LayerKind.THANAS)
    assert got.geometry.geom_equals_exact(thanas.geometry, 0).all()
    sites = gpd.GeoDataFrame(
        layer_frame(LayerKind.SITES, 3).drop(columns="geometry"),
        geometry=[shapely.Point(82.95, 25.3), shapely.Point(83.115, 25.28), shapely.Point(84, 26)],
        crs=WGS84,
    )
    store.apply(make_batch(LayerKind.SITES, sites, import_id="s"))
    assert store.read(LayerKind.SITES, thana="Kotwali")["id"].tolist() == [sites["id"][0]]
    # the second part of Bhelupur's MultiPolygon
    assert store.read(LayerKind.SITES, thana="Bhelupur")["id"].tolist() == [sites["id"][1]]


def test_missing_numbers_are_null_and_errors_quote_no_row(
    store: PostgisStore, store_url: str
) -> None:
    frame = layer_frame(LayerKind.CCTV, 40, seed=2)
    store.apply(make_batch(LayerKind.CCTV, frame))
    with psycopg.connect(store_url.split("?")[0]) as conn:
        nulls = conn.execute(
            f"SELECT count(*) FROM {_schema_of(store_url)}.cctv WHERE view_radius_m IS NULL"
        ).fetchone()
    assert nulls == (int(frame["view_radius_m"].isna().sum()),)
    assert nulls[0] > 0
    with psycopg.connect(store_url.split("?")[0], autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {_schema_of(store_url)}.sites ADD CHECK (name <> 'Secret')")
    sites = layer_frame(LayerKind.SITES, 2)
    sites["name"] = ["Open", "Secret"]
    with pytest.raises(StoreError, match="violates check constraint") as info:
        store.apply(make_batch(LayerKind.SITES, sites, import_id="s"))
    assert "Secret" not in str(info.value)
    assert "sit-00000" not in str(info.value)


def test_awkward_text_survives_the_bulk_copy(store: PostgisStore, tmp_path: Path) -> None:
    names = ["tab\there", "line\nbreak\r\n", "back\\slash", "\\N", "", "मिशन शक्ति", 'quote"s', "x"]
    sites = layer_frame(LayerKind.SITES, len(names))
    sites["name"] = names
    sites["opens_at"] = [None, "", "\\N", None, "08:00", None, "a\tb", "\\"]
    batch = make_batch(LayerKind.SITES, sites)
    store.apply(batch)
    got = store.read(LayerKind.SITES)
    assert got["name"].tolist() == names
    assert got["opens_at"].isna().tolist() == [True, False, False, True, False, True, False, False]
    assert got["opens_at"].dropna().tolist() == ["", "\\N", "08:00", "a\tb", "\\"]
    gpkg = GeoPackageStore(tmp_path / "store.gpkg")
    gpkg.apply(batch)
    pd.testing.assert_frame_equal(got, gpkg.read(LayerKind.SITES))


def test_both_backends_decode_stored_values_the_same(store_url: str) -> None:
    """Values of every storage type, read through psycopg and through SQLite, decode alike."""
    import sqlite3

    from geo.store.rows import Col, decode_frame

    columns = [
        ("text", Col.TEXT),
        ("integer", Col.INTEGER),
        ("real", Col.REAL),
        ("date", Col.DATE),
        ("datetime", Col.DATETIME),
        ("boolean", Col.BOOLEAN),
    ]
    with psycopg.connect(store_url.split("?")[0]) as conn:
        from_postgres = conn.execute(
            "SELECT 'a', 1, 1.5::float8, DATE '2026-10-01', "
            "TIMESTAMPTZ '2026-10-01 18:30:00.25+05:30', true "
            "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, false "
            "UNION ALL SELECT 'c', -3, 0, DATE '2025-05-01', TIMESTAMPTZ '2025-05-01Z', NULL"
        ).fetchall()
    with sqlite3.connect(":memory:") as conn:
        from_sqlite = conn.execute(
            "SELECT 'a', 1, 1.5, '2026-10-01', '2026-10-01T13:00:00.250+00:00', 1 "
            "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, 0 "
            "UNION ALL SELECT 'c', -3, 0.0, '2025-05-01', '2025-05-01T00:00:00.000+00:00', NULL"
        ).fetchall()
    pd.testing.assert_frame_equal(
        decode_frame(from_postgres, columns), decode_frame(from_sqlite, columns)
    )


def test_store_of_an_older_version_gains_name_hi_when_opened(store_url: str) -> None:
    store = PostgisStore(store_url)
    store.apply(make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3)))
    schema = _schema_of(store_url)
    with psycopg.connect(store_url.split("?", 1)[0], autocommit=True) as conn:
        for table in ("sites", "thanas"):  # the layout before name_hi existed
            conn.execute(f'ALTER TABLE "{schema}"."{table}" DROP COLUMN {NAME_HI}')
    reopened = PostgisStore(store_url)
    got = reopened.read(LayerKind.THANAS)
    assert list(got.columns) == list(layer_spec(LayerKind.THANAS).columns)
    assert got[NAME_HI].isna().all()
    frame = layer_frame(LayerKind.SITES, 4, seed=2)
    reopened.apply(make_batch(LayerKind.SITES, frame, import_id="s"))
    sites = reopened.read(LayerKind.SITES)
    assert sites[NAME_HI].tolist() == frame[NAME_HI].reset_index(drop=True).tolist()


def test_centre_layers_round_trip_alike_in_both_backends(
    store: PostgisStore, tmp_path: Path
) -> None:
    gpkg = GeoPackageStore(tmp_path / "store.gpkg")
    for kind in (LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK):
        frame = layer_frame(kind, 40, seed=9)
        batch = make_batch(kind, frame, import_id=kind.value)
        assert store.apply(batch) == gpkg.apply(batch)
        got, want = store.read(kind), gpkg.read(kind)
        pd.testing.assert_frame_equal(got.drop(columns="geometry"), want.drop(columns="geometry"))
        assert got.geometry.isna().all() and got.crs == WGS84
        scoped = store.read(kind, thana="Lanka")
        assert scoped["id"].tolist() == gpkg.read(kind, thana="Lanka")["id"].tolist()
        assert store.count(kind) == 40


def test_store_made_before_the_centre_layers_gains_them(store_url: str) -> None:
    store = PostgisStore(store_url)
    store.apply(make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3)))
    schema = _schema_of(store_url)
    with psycopg.connect(store_url.split("?", 1)[0], autocommit=True) as conn:
        for table in ("centre-audit", "casework"):  # the layout before they existed
            conn.execute(f'DROP TABLE "{schema}"."{table}"')
    reopened = PostgisStore(store_url)
    assert reopened.count(LayerKind.CASEWORK) == 0
    assert reopened.read(LayerKind.CENTRE_AUDIT).empty
    frame = layer_frame(LayerKind.CASEWORK, 6, seed=2)
    reopened.apply(make_batch(LayerKind.CASEWORK, frame, import_id="c"))
    assert reopened.read(LayerKind.CASEWORK)["id"].tolist() == frame["id"].tolist()
