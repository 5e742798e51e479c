"""Golden output of validation: the full quarantine frame, accepted rows and warnings.

The golden file was written by the validator before ``_validate_field`` was split into one
parser per field type; the refactor must reproduce it exactly. Regenerate only on purpose:
``SHAKTI_WRITE_GOLDEN=1 pytest tests/test_validation_golden.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo import demo
from geo.ingest import validate_file
from geo.ingest.readers import RawTable
from geo.ingest.validation import ValidationReport, validate
from geo.region import Region
from geo.settings import DEFAULT_CATEGORIES, Settings
from tests.conftest import NOW

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "validation_quarantine.json"
RawFactory = Callable[..., RawTable]

#: Hand-built messy tables, one per layer kind: every field type and every problem.
MESSY: Mapping[str, tuple[str, dict[str, list[object]], dict[str, str]]] = {
    "incidents-split-date": (
        "incidents",
        {
            "id": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "lat": ["25.3176"] * 6,
            "lon": ["83.0104"] * 6,
            "date": ["01/10/2026", "2026-10-02", "", "31/02/2026", "01/10/2031", "02/10/2026"],
            "time": ["18:30", "7.15", "10:00", "10:00", "10:00", ""],
            "category": ["Eve Teasing", "stalkng", "", "eve-teasing", "eve-teasing", "xyz"],
            "source": ["complaint", "Complaint", "patrol", "1090", "complaint", "complaint"],
            "action_taken": ["", "warned", "arrest made", "", "", ""],
            "arrests": ["0", "1.5", "-1", "two", "", "3"],
        },
        {},
    ),
    "incidents-no-source-column": (
        "incidents",
        {
            "lat": ["25.3176", "25.3200"],
            "lon": ["83.0104", "83.0110"],
            "occurred_at": ["2026-10-01T18:30+05:30", "2026-10-01 19:00"],
            "category": ["eve-teasing", "stalking"],
        },
        {},
    ),
    "campaigns": (
        "campaigns",
        {
            "id": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "lat": ["25.3176"] * 6,
            "lon": ["83.0104"] * 6,
            "held_on": ["2026-10-01", "29/11/2026", "2026-11-28", "not a day", "", "01/09/2026"],
            "kind": ["awareness drive", "street play", "Other", "rally", "other", ""],
            "venue_type": ["school", "ghat", "market", "mall", "school", "school"],
            "attendees": ["120", "-5", "3.5", "many", "", "0"],
        },
        {"venue_type": "other"},
    ),
    "cctv": (
        "cctv",
        {
            "id": ["K1", "K2", "K3", "K4", "K5"],
            "lat": ["25.3176"] * 5,
            "lon": ["83.0104"] * 5,
            "owner": ["police", "Smart City", "privat", "", "school"],
            "status": ["", "working", "brokn", "Faulty", ""],
            "view_radius_m": ["30", "-2", "abc", "", "12,5"],
            "installed_on": ["2024-01-01", "", "2040-01-01", "xx", "05/06/2023"],
        },
        {},
    ),
    "sites": (
        "sites",
        {
            "id": ["S1", "S2", "S3", "S4"],
            "lat": ["25.3176"] * 4,
            "lon": ["83.0104"] * 4,
            "name": ["Alpha School", "", "Gamma Coaching", "Delta"],
            "kind": ["school", "coaching-centre", "coaching centre", "temple"],
            "opens_at": ["08:00", "7", "09:00;17:00", ""],
            "disperses_at": ["13:30;14:00", "25:00", "", "noon"],
            "students": ["800", "1e3", "-4", "x"],
        },
        {},
    ),
}


def _value(value: Any) -> Any:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "wkt"):
        return value.wkt
    if isinstance(value, float | int | str | bool):
        return value
    return str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): _value(v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def _outcome(report: ValidationReport) -> dict[str, Any]:
    return {
        "quarantine": _records(report.quarantine),
        "quarantine_dtypes": {str(k): str(v) for k, v in report.quarantine.dtypes.items()},
        "accepted": _records(report.accepted),
        "accepted_dtypes": {str(k): str(v) for k, v in report.accepted.dtypes.items()},
        "accepted_rows": [int(r) for r in report.accepted_rows],
        "warnings": list(report.warnings),
        "personal_columns": dict(report.personal_columns),
        "ignored_columns": list(report.ignored_columns),
    }


def _outcomes(raw: RawFactory, region: Region, settings: Settings, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    data = demo.generate(seed=demo.DEMO_SEED, n_incidents=demo.MIN_INCIDENTS)
    files = demo.write_files(data, tmp / "demo")
    report = validate_file(
        files[demo.MESSY_KEY],
        "incidents",
        settings=settings,
        now=NOW,
        mapping=demo.MESSY_MAPPING,
    )
    out["demo-messy-register"] = _outcome(report)
    for name, (kind, columns, defaults) in MESSY.items():
        table = raw(f"{name}.csv", **columns)
        report = validate(
            table, kind, region, categories=DEFAULT_CATEGORIES, defaults=defaults, now=NOW
        )
        out[name] = _outcome(report)
    return json.loads(json.dumps(out))


def test_quarantine_frames_are_golden(
    raw: RawFactory, region: Region, settings: Settings, tmp_path: Path
) -> None:
    got = _outcomes(raw, region, settings, tmp_path)
    if os.environ.get("SHAKTI_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        pytest.skip("golden file written")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    assert set(got) == set(expected)
    for name in expected:
        assert got[name] == expected[name], name
