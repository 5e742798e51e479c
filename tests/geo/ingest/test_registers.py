"""Registers built in code: missing ids, serials restarting per thana, month-only rows, .xls."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pandas as pd

from geo.ingest import import_file, validate_file
from geo.schema import ID, ID_DERIVED, TIME_PRECISION, LayerKind
from geo.settings import Settings
from geo.store import open_store
from tests.conftest import NOW
from tests.geo.ingest.biff import write_xls

HEADER = ["id", "lat", "lon", "occurred_at", "category", "source", "thana"]
#: police.uk-like: anti-social behaviour rows have no id and only a month.
POLICE_UK = [
    ["c1", "25.3176", "83.0104", "2026-10", "stalking", "complaint", "Lanka"],
    ["", "25.2677", "82.9913", "2026-10", "stalking", "complaint", "Lanka"],
    ["", "25.2680", "82.9915", "2026-10", "eve-teasing", "complaint", "Lanka"],
    ["c4", "25.2690", "82.9920", "2026-10-03", "stalking", "helpline-call", "Lanka"],
]
#: A register whose serial numbers restart per thana (FIR 1 in both thanas).
SERIALS = [
    ["1", "25.3176", "83.0104", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["2", "25.3177", "83.0105", "29/10/2026 19:30", "stalking", "complaint", "Lanka"],
    ["1", "25.2677", "82.9913", "२८/१०/२०२६ शाम 6:30", "stalking", "complaint", "थाना भेलूपुर"],
    ["1/2025", "25.2678", "82.9914", "28-Nov-2025 2:30 PM", "stalking", "complaint", "Lanka"],
    ["2", "25.3178", "83.0106", "30/10/2026", "stalking", "complaint", "Thana Lanka"],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    text = "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def figures(summary: dict[str, object]) -> tuple[object, ...]:
    return summary["rows"], summary["accepted"], summary["quarantined"], summary["ids_derived"]


def test_rows_without_an_id_get_stable_derived_ids(tmp_path: Path, settings: Settings) -> None:
    path = write_csv(tmp_path / "police_uk.csv", POLICE_UK)
    report = validate_file(path, "incidents", settings=settings, now=NOW)
    assert figures(report.summary()) == (4, 4, 0, 2)
    assert report.summary()["time_precision"] == {"exact": 0, "day": 1, "month": 3}
    acc = report.accepted.set_index(ID)
    derived = acc.index[acc[ID_DERIVED]].tolist()
    assert len(derived) == 2 and all(i.startswith("incidents-") for i in derived)
    again = validate_file(path, "incidents", settings=settings, now=NOW)
    assert again.accepted[ID].tolist() == report.accepted[ID].tolist()


def test_serials_restarting_per_thana_do_not_collide(tmp_path: Path, settings: Settings) -> None:
    report = validate_file(
        write_csv(tmp_path / "fir.csv", SERIALS), "incidents", settings=settings, now=NOW
    )
    s = report.summary()
    # the 5th row repeats FIR 2 of Lanka in 2026: a real duplicate
    assert (s["rows"], s["accepted"], s["quarantined"]) == (5, 4, 1)
    assert s["reasons"] == {"duplicate-id": 1}
    assert sorted(report.accepted[ID]) == [
        "bhelupur/1/2026",
        "lanka/1/2025",
        "lanka/1/2026",
        "lanka/2/2026",
    ]
    assert report.accepted[ID_DERIVED].all()
    assert s["time_precision"] == {"exact": 4, "day": 0, "month": 0}


def test_reimport_is_idempotent_and_precision_is_stored(tmp_path: Path, settings: Settings) -> None:
    store = open_store(settings.store)
    path = write_csv(tmp_path / "police_uk.csv", POLICE_UK)
    first = import_file(path, "incidents", store, settings=settings, now=NOW)
    second = import_file(path, "incidents", store, settings=settings, now=NOW)
    assert first.record is not None and second.record is not None
    assert (second.record.inserted, second.record.updated) == (0, 4)
    stored = store.read(LayerKind.INCIDENTS).set_index(ID)
    assert stored.loc["c1", TIME_PRECISION] == "month"
    assert stored.loc["c4", TIME_PRECISION] == "day"
    assert int(stored[ID_DERIVED].sum()) == 2


def test_stores_made_before_the_columns_keep_working(tmp_path: Path, settings: Settings) -> None:
    store = open_store(settings.store)
    import_file(
        write_csv(tmp_path / "a.csv", POLICE_UK[:1]), "incidents", store, settings=settings, now=NOW
    )
    with sqlite3.connect(settings.store) as conn:  # as an older version made it
        conn.execute("ALTER TABLE incidents DROP COLUMN time_precision")
        conn.execute("ALTER TABLE incidents DROP COLUMN id_derived")
    old = open_store(settings.store).read(LayerKind.INCIDENTS)
    assert old[TIME_PRECISION].tolist() == ["exact"] and old[ID_DERIVED].tolist() == [False]
    import_file(
        write_csv(tmp_path / "b.csv", POLICE_UK[1:]), "incidents", store, settings=settings, now=NOW
    )
    both = open_store(settings.store).read(LayerKind.INCIDENTS).set_index(ID)
    assert both.loc["c1", TIME_PRECISION] == "exact"  # written before: read as exact
    assert both.loc["c4", TIME_PRECISION] == "day"


def test_hindi_xls_register(tmp_path: Path, settings: Settings) -> None:
    rows: list[list[object]] = [HEADER]
    for r in SERIALS[:4]:
        rows.append([*r[:3], r[3], *r[4:]])
    rows.append(
        ["9", "25.3", "83.0", dt.datetime(2026, 10, 5, 21, 0), "stalking", "complaint", "Lanka"]
    )
    rows.append(["10", "25.3", "83.0", dt.date(2026, 10, 6), "stalking", "complaint", "Lanka"])
    path = write_xls(tmp_path / "register.xls", rows)  # type: ignore[arg-type]
    report = validate_file(path, "incidents", settings=settings, now=NOW)
    s = report.summary()
    assert (s["rows"], s["accepted"], s["quarantined"]) == (6, 6, 0)
    assert s["time_precision"] == {"exact": 5, "day": 1, "month": 0}
    when = report.accepted.set_index(ID)["occurred_at"]
    assert when["lanka/9/2026"] == pd.Timestamp("2026-10-05 21:00", tz="Asia/Kolkata")
