"""Saved patrol plans in the GeoPackage store: kept across reopening, never overwritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from geo.store import GeoPackageStore
from geo.store.plans import PLANS_TABLE, data_digest
from tests.geo.store.plan_contract import (
    check_a_plan_id_is_never_overwritten,
    check_plans_survive_reopening,
    stored,
)


def test_plans_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.gpkg"
    check_plans_survive_reopening(lambda: GeoPackageStore(path))


def test_a_plan_id_is_never_overwritten(tmp_path: Path) -> None:
    check_a_plan_id_is_never_overwritten(GeoPackageStore(tmp_path / "store.gpkg"))


def test_plans_table_is_a_geopackage_attribute_table(tmp_path: Path) -> None:
    path = tmp_path / "store.gpkg"
    store = GeoPackageStore(path)
    store.save_plan(stored("a"))
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = ?", (PLANS_TABLE,)
        ).fetchone()
    assert row == ("attributes",)
    GeoPackageStore(path)  # still opens as a Shakti store


def test_data_digest_changes_with_every_import(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "store.gpkg")
    empty = data_digest(store.imports())
    assert empty.startswith("sha256:") and len(empty) == 7 + 64
    log = store.imports()
    log.loc[0] = ["imp-1", "incidents", "a.csv", "f" * 64, "2026-01-01", 1, 1, 0]
    assert data_digest(log) != empty
