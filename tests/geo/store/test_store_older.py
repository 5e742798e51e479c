"""A store made before a layer was added to the schema keeps working and gains it on import."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.ingest import import_file
from geo.schema import LayerKind
from geo.settings import Settings
from geo.store import open_store


def _older_store(path: Path) -> None:
    """Make a new store, then remove its gazetteer layer as a store of an older version lacks it."""
    open_store(path).count(LayerKind.INCIDENTS)  # creates the file
    with sqlite3.connect(path) as conn:
        objects = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name LIKE '%gazetteer%' "
            "AND type IN ('trigger', 'table') ORDER BY type = 'table', name LIKE 'rtree%' DESC"
        ).fetchall()
        for kind, name in objects:
            if not name.startswith("rtree_gazetteer_geom_"):  # shadow tables go with the rtree
                conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        for table in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions"):
            conn.execute(f"DELETE FROM {table} WHERE table_name = 'gazetteer'")


def test_an_older_store_reads_the_missing_layer_as_empty_and_gains_it(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    _older_store(path)
    store = open_store(path)
    assert store.count(LayerKind.GAZETTEER) == 0
    assert store.read(LayerKind.GAZETTEER).empty
    places = tmp_path / "places.csv"
    pd.DataFrame(
        {"name": ["BHU Gate", "Assi Ghat"], "kind": ["landmark", "landmark"],
         "lat": [25.2677, 25.2896], "lon": [82.9913, 83.0064]}
    ).to_csv(places, index=False)  # fmt: skip
    settings = Settings(store=path)
    result = import_file(places, LayerKind.GAZETTEER, store=store, settings=settings)
    assert result.report.summary()["accepted"] == 2
    read = open_store(path).read(LayerKind.GAZETTEER)
    assert isinstance(read, gpd.GeoDataFrame)
    assert sorted(read["name"]) == ["Assi Ghat", "BHU Gate"]
    assert read.geometry.iloc[0].equals(read.geometry.iloc[0]) and isinstance(
        read.geometry.iloc[0], shapely.Point
    )


def test_an_older_store_without_the_centre_layers_reads_them_empty_and_gains_them(
    tmp_path: Path,
) -> None:
    from geo.centre import CASE_OUTCOME, DISPOSED_ON

    path = tmp_path / "old.gpkg"
    open_store(path).count(LayerKind.INCIDENTS)
    with sqlite3.connect(path) as conn:  # the layout before the centre layers existed
        for table in ("centre-audit", "casework"):
            conn.execute(f'DROP TABLE "{table}"')
            conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (table,))
    store = open_store(path)
    for kind in (LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK):
        assert store.count(kind) == 0 and store.read(kind).empty
        assert store.read(kind, thana="Lanka").empty
    cases = tmp_path / "cases.csv"
    pd.DataFrame(
        {"id": ["c1", "c2"], "thana": ["Lanka", "Lanka"], "received_on": ["2026-10-01"] * 2,
         "case_type": ["cyber", "stalking"], "case_route": ["fir", "counselling"],
         "case_outcome": ["fir-registered", "pending"], "disposed_on": ["2026-10-03", ""]}
    ).to_csv(cases, index=False)  # fmt: skip
    result = import_file(cases, LayerKind.CASEWORK, store=store, settings=Settings(store=path))
    assert result.report.summary()["accepted"] == 2
    read = open_store(path).read(LayerKind.CASEWORK)
    assert read[CASE_OUTCOME].tolist() == ["fir-registered", "pending"]
    assert read[DISPOSED_ON].isna().tolist() == [False, True]
    assert open_store(path).count(LayerKind.CENTRE_AUDIT) == 0


def _drop_layer(path: Path, layer: str) -> None:
    """Remove a layer from a store file, as a store made before the layer existed lacks it."""
    with sqlite3.connect(path) as conn:
        objects = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name LIKE ? "
            "AND type IN ('trigger', 'table') ORDER BY type = 'table', name LIKE 'rtree%' DESC",
            (f"%{layer}%",),
        ).fetchall()
        for kind, name in objects:
            if not name.startswith(f"rtree_{layer}_geom_"):
                conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        for table in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions"):
            conn.execute(f"DELETE FROM {table} WHERE table_name = ?", (layer,))


def test_a_store_made_before_the_visit_log_gains_it_on_the_first_log(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    open_store(path).count(LayerKind.INCIDENTS)
    _drop_layer(path, "visits")
    store = open_store(path)
    assert store.count(LayerKind.VISITS) == 0 and store.read(LayerKind.VISITS).empty
    log = tmp_path / "log.csv"
    pd.DataFrame(
        {"plan_id": ["P1"], "team": ["Lanka-1"], "day": ["2026-11-20"], "stop": [1],
         "arrived": ["2026-11-20 18:00"], "left": ["2026-11-20 18:12"], "status": ["visited"],
         "lat": [25.2677], "lon": [82.9913]}
    ).to_csv(log, index=False)  # fmt: skip
    result = import_file(log, LayerKind.VISITS, store=store, settings=Settings(store=path))
    assert result.report.summary()["accepted"] == 1
    assert open_store(path).read(LayerKind.VISITS)["status"].tolist() == ["visited"]
