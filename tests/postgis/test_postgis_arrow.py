"""The PostGIS store's ADBC read (binary COPY into Arrow) equals its COPY text read exactly."""

from __future__ import annotations

import multiprocessing
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
import pytest

import geo.store.postgis as postgis_store
from geo.schema import LAYERS, LayerKind, layer_spec
from geo.store import pg_arrow
from geo.store.postgis import PostgisStore
from tests.geo.store.test_store import layer_frame, make_batch
from tests.geo.store.test_store_arrow import assert_same_read


def _copy_read(
    store: PostgisStore, kind: LayerKind, *, thana: str | None = None, fids: Any = None
) -> gpd.GeoDataFrame:
    """Read rows the old way: COPY in text format, parsed column by column."""
    return store._read_copy(layer_spec(kind), thana=thana, fids=fids)


@pytest.fixture
def filled(store_url: str) -> PostgisStore:
    store = PostgisStore(store_url)
    sizes = {LayerKind.THANAS: 3}
    for kind in LAYERS:
        store.apply(make_batch(kind, layer_frame(kind, sizes.get(kind, 40), seed=7)))
    return store


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the queries that went through ADBC (and whether they returned a table)."""
    calls: list[str] = []
    real = pg_arrow.read_arrow

    def recording(url: str, query: str, params: Any) -> Any:
        table = real(url, query, params)
        calls.append("table" if table is not None else "none")
        return table

    monkeypatch.setattr(postgis_store.pg_arrow, "read_arrow", recording)
    return calls


@pytest.mark.parametrize("kind", list(LAYERS))
def test_the_adbc_read_is_taken_and_equals_the_copy_read(
    filled: PostgisStore, kind: LayerKind, spy: list[str]
) -> None:
    fast = filled.read(kind)
    assert spy == ["table"], "the read did not go through ADBC"
    assert len(fast) == filled.count(kind)
    assert_same_read(fast, _copy_read(filled, kind))


@pytest.mark.parametrize("thana", ["Kotwali", "Lanka", "Nowhere", "O'Brien\\"])
def test_thana_and_range_reads_equal_the_copy_reads(
    filled: PostgisStore, thana: str, spy: list[str]
) -> None:
    for kind in (LayerKind.INCIDENTS, LayerKind.CCTV, LayerKind.THANAS, LayerKind.CASEWORK):
        assert_same_read(filled.read(kind, thana=thana), _copy_read(filled, kind, thana=thana))
    (start, stop), *_ = filled.fid_ranges(LayerKind.INCIDENTS, 3)
    fast = filled.read_range(LayerKind.INCIDENTS, start, stop, thana=thana)
    assert_same_read(fast, _copy_read(filled, LayerKind.INCIDENTS, thana=thana, fids=(start, stop)))
    assert spy and set(spy) == {"table"}


def test_odd_stored_values_read_the_same_both_ways(filled: PostgisStore, spy: list[str]) -> None:
    # values another program could have written: sub-millisecond instants (rounded half away
    # from zero, before and after 1970), text with COPY's special characters, NULL everywhere
    table = f'"{filled.schema}".incidents'
    odd = [
        ("2026-03-01 18:30:00.0005+00", "tab\there\\back\nline\r", True),
        ("1969-12-31 23:59:59.9985+00", "", None),
        ("1969-12-31 23:59:59.9994+00", None, False),
        ("2026-03-01 18:30:00.000499+00", "वाराणसी", None),
        (None, "\\N", True),
    ]
    with psycopg.connect(filled.location.split("?")[0], autocommit=True) as conn:
        fids = [r[0] for r in conn.execute(f"SELECT fid FROM {table} ORDER BY fid LIMIT 5")]
        for fid, (at, text, flag) in zip(fids, odd, strict=True):
            conn.execute(
                f"UPDATE {table} SET occurred_at = %s, place = %s, thana_mismatch = %s, "
                "arrests = NULL WHERE fid = %s",
                (at, text, flag, fid),
            )
        conn.execute(f'UPDATE "{filled.schema}".cctv SET installed_on = NULL WHERE fid % 2 = 0')
    for kind in (LayerKind.INCIDENTS, LayerKind.CCTV):
        fast = filled.read(kind)
        assert_same_read(fast, _copy_read(filled, kind))
    assert spy == ["table", "table"]
    got = filled.read(LayerKind.INCIDENTS)
    assert got["place"].iloc[0] == "tab\there\\back\nline\r"
    assert got["occurred_at"].iloc[0] == pd.Timestamp("2026-03-01 18:30:00.001", tz="UTC")
    assert got["occurred_at"].iloc[1] == pd.Timestamp("1969-12-31 23:59:59.998", tz="UTC")
    assert got["occurred_at"].iloc[2] == pd.Timestamp("1969-12-31 23:59:59.999", tz="UTC")
    assert got["occurred_at"].iloc[3] == pd.Timestamp("2026-03-01 18:30:00", tz="UTC")
    assert got["thana_mismatch"].iloc[:5].tolist() == [True, False, False, False, True]


def test_an_empty_layer_reads_the_same_both_ways(store_url: str, spy: list[str]) -> None:
    store = PostgisStore(store_url)
    for kind in LAYERS:
        assert_same_read(store.read(kind), _copy_read(store, kind))


def test_without_adbc_the_layer_is_read_by_copy(
    filled: PostgisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    want = filled.read(LayerKind.INCIDENTS)
    monkeypatch.setattr(postgis_store.pg_arrow, "read_arrow", lambda *args: None)
    assert_same_read(filled.read(LayerKind.INCIDENTS), want)


def test_read_arrow_returns_none_when_the_database_cannot_be_reached() -> None:
    assert pg_arrow.read_arrow("postgresql://nobody@127.0.0.1:1/none", "SELECT 1", []) is None


def test_adbc_url_adds_the_connection_settings_it_lacks() -> None:
    url = pg_arrow.adbc_url("postgresql://u@h:5432/db?sslmode=require&connect_timeout=3")
    assert url == (
        "postgresql://u@h:5432/db?sslmode=require&connect_timeout=3&application_name=shakti"
    )
    assert pg_arrow.adbc_url("postgresql://u@h/db").endswith(
        "/db?connect_timeout=10&application_name=shakti"
    )


def _backend_pid(url: str) -> int:
    table = pg_arrow.read_arrow(url, "SELECT pg_backend_pid() AS pid", [])
    assert table is not None
    return int(table.column("pid")[0].as_py())


def test_connections_are_kept_in_autocommit_and_replaced_when_broken(postgis_url: str) -> None:
    url = postgis_url.split("?")[0]
    first = _backend_pid(url)
    assert _backend_pid(url) == first  # the same connection served the next read
    with psycopg.connect(url, autocommit=True) as conn:
        # a kept connection holds no transaction open
        state = conn.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", (first,))
        assert state.fetchone() == ("idle",)
        conn.execute("SELECT pg_terminate_backend(%s)", (first,))  # as a server restart would
    replaced = _backend_pid(url)  # the broken one is dropped and the read tried anew
    assert replaced != first
    assert _backend_pid(url) == replaced


def test_a_read_in_many_batches_equals_the_copy_read(
    filled: PostgisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks: list[int] = []
    real = pg_arrow.read_arrow

    def counting(url: str, query: str, params: Any) -> Any:
        table = real(url, query, params)
        assert table is not None
        chunks.append(table.column(0).num_chunks)
        return table

    monkeypatch.setattr(pg_arrow, "BATCH_BYTES", 512)  # a few rows a batch
    monkeypatch.setattr(postgis_store.pg_arrow, "read_arrow", counting)
    for kind in (LayerKind.INCIDENTS, LayerKind.THANAS, LayerKind.CASEWORK):
        assert_same_read(filled.read(kind), _copy_read(filled, kind))
    assert chunks[0] > 4


def test_a_forked_process_opens_its_own_connection(postgis_url: str) -> None:
    url = postgis_url.split("?")[0]
    parent = _backend_pid(url)  # kept idle in the parent
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child = pool.apply(_backend_pid, (url,))
    assert child != parent
    assert _backend_pid(url) == parent  # the parent's connection was left alone
