"""The GeoPackage store's Arrow read of a whole layer equals its row-by-row read, value by value."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.store.gpkg as gpkg_store
from geo.schema import LAYERS, LayerKind
from geo.store import arrow_rows
from geo.store.arrow_rows import decode_arrow_column
from geo.store.gpkg import GeoPackageStore
from geo.store.rows import Col, decode_column
from tests.geo.store.test_store import layer_frame, make_batch


def _by_rows(
    store: GeoPackageStore, kind: LayerKind, monkeypatch: pytest.MonkeyPatch
) -> gpd.GeoDataFrame:
    """Read a layer the old way: rows fetched from SQLite and decoded one column at a time."""
    with monkeypatch.context() as patch:
        patch.setattr(GeoPackageStore, "_read_arrow", lambda self, conn, spec: None)
        return store.read(kind)


def assert_same_read(fast: gpd.GeoDataFrame, slow: gpd.GeoDataFrame) -> None:
    """Assert that a fast store read equals the reference read: values, dtypes, CRS, shapes."""
    pd.testing.assert_frame_equal(
        fast.drop(columns="geometry"), slow.drop(columns="geometry"), check_exact=True
    )
    assert list(fast.dtypes.astype(str)) == list(slow.dtypes.astype(str))
    assert fast.crs == slow.crs
    assert (fast.geometry.isna() == slow.geometry.isna()).all()
    both = fast.geometry.notna()
    assert fast.geometry[both].geom_equals_exact(slow.geometry[both], 0).all()


@pytest.fixture
def filled(tmp_path: Path) -> GeoPackageStore:
    store = GeoPackageStore(tmp_path / "store.gpkg")
    sizes = {LayerKind.THANAS: 3}
    for kind in LAYERS:
        store.apply(make_batch(kind, layer_frame(kind, sizes.get(kind, 40), seed=7)))
    return store


@pytest.mark.parametrize("kind", list(LAYERS))
def test_the_arrow_read_is_taken_and_equals_the_row_read(
    filled: GeoPackageStore, kind: LayerKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = gpkg_store.pyogrio.read_arrow

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(str(kwargs.get("sql")))
        return real(*args, **kwargs)

    monkeypatch.setattr(gpkg_store.pyogrio, "read_arrow", spy)
    fast = filled.read(kind)
    assert calls, "the whole-layer read did not go through Arrow"
    assert_same_read(fast, _by_rows(filled, kind, monkeypatch))


def test_odd_stored_values_read_the_same_both_ways(
    filled: GeoPackageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # values another program could have written: a time with an offset (not the store's own
    # form), booleans other than 0/1 and NULL, empty text, NULL everywhere, a missing geometry
    with sqlite3.connect(filled.location) as conn:
        # the R-tree triggers call SpatiaLite functions GDAL provides; stand-ins suffice here
        conn.create_function("ST_IsEmpty", 1, lambda blob: int(blob is None))
        for name in ("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
            conn.create_function(name, 1, lambda blob: 0.0)
        conn.execute(
            "UPDATE incidents SET occurred_at = '2026-03-01T18:30:00.5+05:30' WHERE fid = 1"
        )
        conn.execute("UPDATE incidents SET thana_mismatch = 2, id_derived = NULL WHERE fid = 2")
        conn.execute("UPDATE incidents SET thana_mismatch = 1.0, category = '' WHERE fid = 3")
        conn.execute(
            "UPDATE incidents SET arrests = NULL, place = NULL, time_precision = NULL WHERE fid = 4"
        )
        conn.execute("UPDATE incidents SET geom = NULL WHERE fid = 5")
        conn.execute("UPDATE cctv SET installed_on = NULL")
        conn.execute("UPDATE campaigns SET held_on = '2026-02-03T00:00:00' WHERE fid = 1")
    for kind in (LayerKind.INCIDENTS, LayerKind.CCTV, LayerKind.CAMPAIGNS):
        fast = filled.read(kind)
        assert_same_read(fast, _by_rows(filled, kind, monkeypatch))
    incidents = filled.read(LayerKind.INCIDENTS)
    assert incidents["thana_mismatch"].iloc[1:3].tolist() == [False, True]
    assert incidents["occurred_at"].iloc[0] == pd.Timestamp("2026-03-01 13:00:00.5", tz="UTC")
    assert incidents.geometry.iloc[4] is None


def test_an_empty_layer_reads_by_rows(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "store.gpkg")
    frame = store.read(LayerKind.INCIDENTS)
    assert frame.empty and list(frame.columns)[-1] == "geometry"


@pytest.mark.parametrize(
    ("values", "col"),
    [
        (pa.array(["a", None, "", "नमस्ते"]), Col.TEXT),
        (pa.array([1, None, -(2**62)], pa.int64()), Col.INTEGER),
        (pa.array([1.5, None, 0.0]), Col.REAL),
        (pa.array([1, 0, 0], pa.int32()), Col.BOOLEAN),
        (pa.array([None, None], pa.null()), Col.BOOLEAN),
        (pa.array([None, None], pa.null()), Col.INTEGER),
        (pa.array(["2026-10-01", None]), Col.DATE),
        (pa.array(["2026-10-01T13:00:00.250Z", None]), Col.DATETIME),
        (pa.array(["2026-10-01T18:30:00+05:30", "2026-10-01 13:00Z"]), Col.DATETIME),
    ],
)
def test_an_arrow_column_decodes_like_its_values(values: pa.Array, col: Col) -> None:
    got = pd.Series(decode_arrow_column(values, col))
    want = pd.Series(decode_column(values.to_pylist(), col))
    pd.testing.assert_series_equal(got, want, check_exact=True)


_FORM_TEXT = st.one_of(
    st.sampled_from(["2026-10-01T13:00:00.250Z", "2026-10-01", "1999-12-31T23:59:59.999Z"]),
    st.text(alphabet="0123456789-T:.Z +x٣२\n", max_size=26),
)


def _matches(values: pa.Array | pa.ChunkedArray, col: Col) -> bool:
    """The old test: every value matches the store's pattern (as Arrow's RE2 matches it)."""
    return bool(pc.all(pc.match_substring_regex(values, arrow_rows._CANONICAL[col][0])).as_py())


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.one_of(st.none(), _FORM_TEXT), max_size=12),
    col=st.sampled_from([Col.DATE, Col.DATETIME]),
    cut=st.integers(0, 3),
)
def test_the_byte_test_of_the_stored_form_equals_the_pattern(
    texts: list[str | None], col: Col, cut: int
) -> None:
    values = pa.array(texts, pa.string())
    for variant in (values, values.slice(min(cut, len(values))), pa.chunked_array([values] * 2)):
        assert arrow_rows._has_form(variant, col) == _matches(variant, col)
    # the same places filled with the column's own form: a match, unless all are missing
    own = "2026-10-01T13:00:00.250Z" if col is Col.DATETIME else "2026-10-01"
    if texts:
        canonical = pa.array([None if t is None else own for t in texts], pa.string())
        assert arrow_rows._has_form(canonical, col) == _matches(canonical, col)


def test_null_slots_holding_bytes_are_matched_by_the_pattern() -> None:
    # Arrow lets a null slot span bytes; GDAL never writes that, but the test stays the pattern
    data = b"2026-10-01xx2026-10-02"
    offsets = pa.py_buffer(np.array([0, 10, 12, 22], dtype=np.int32).tobytes())
    validity = pa.py_buffer(np.packbits([1, 0, 1, 0, 0, 0, 0, 0], bitorder="little").tobytes())
    values = pa.Array.from_buffers(pa.string(), 3, [validity, offsets, pa.py_buffer(data)])
    assert values.to_pylist() == ["2026-10-01", None, "2026-10-02"]
    assert arrow_rows._has_form(values, Col.DATE) and _matches(values, Col.DATE)
