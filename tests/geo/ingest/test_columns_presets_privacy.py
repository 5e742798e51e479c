"""Hindi / CCTNS column matching, register presets and the privacy guard on real registers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import api.cli  # noqa: F401  (registers the commands)
from api.cli.common import app
from geo.errors import ColumnMappingError, ParameterError
from geo.ingest.columns import plan_columns
from geo.ingest.presets import choose_preset, detect_preset, get_preset, presets
from geo.ingest.privacy import find_personal_columns, verhoeff_valid
from geo.schema import CAMPAIGNS, CCTV, INCIDENTS, SITES, THANAS, LayerSpec
from geo.settings import get_settings

runner = CliRunner()

#: Personal values of the test registers: none may appear in any stored or shown byte.
PERSONAL = (
    "सुनीता देवी", "रामप्रसाद", "मकान नं. 12, गली 4, लंका", "9839012345", "२३४५ ६७८९ ०१२३",
    "Priya Yadav", "Mohan Lal", "H.No. 7, Ward 12, Sigra", "+91 98390 54321", "2345 6789 0124",
)  # fmt: skip


def _hindi_fir_register(n: int = 12) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append(
            {
                "एफआईआर संख्या": f"{100 + i}/2025",
                "थाना": "लंका" if i % 2 else "Sigra",
                "दिनांक": f"{1 + i:02d}/11/2025",
                "समय": "18:30",
                "अपराध": "eve-teasing",
                "अक्षांश": "" if i == n - 1 else f"{25.28 + i * 0.002:.4f}",
                "देशांतर": f"{82.99 + i * 0.002:.4f}",
                "पीड़िता का नाम": PERSONAL[0] if i % 2 else PERSONAL[5],
                "पिता/पति का नाम": PERSONAL[1],
                "पता": PERSONAL[2],
                "मोबाइल नं.": PERSONAL[3],
                "आधार": PERSONAL[4],
                "Complainant": PERSONAL[6],
                "Address": PERSONAL[7],
                "Contact": PERSONAL[8],
                "remarks": PERSONAL[9] if i % 3 else PERSONAL[5],
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("headers", "spec", "expected"),
    [
        (
            ["थाना", "घटना की तिथि", "अपराध", "मु.अ.सं.", "स्रोत", "कार्यवाही"],
            INCIDENTS,
            {
                "thana_stated": "थाना", "occurred_at": "घटना की तिथि", "category": "अपराध",
                "id": "मु.अ.सं.", "source": "स्रोत", "action_taken": "कार्यवाही",
            },
        ),
        (
            ["FIR No.", "PS Name", "Date of Occurrence", "Crime Head", "No. of Arrests"],
            INCIDENTS,
            {
                "id": "FIR No.", "thana_stated": "PS Name", "occurred_at": "Date of Occurrence",
                "category": "Crime Head", "arrests": "No. of Arrests",
            },
        ),
        (["दिनांक", "कार्यक्रम का प्रकार", "स्थल", "प्रतिभागी"], CAMPAIGNS,
         {"held_on": "दिनांक", "kind": "कार्यक्रम का प्रकार", "venue_type": "स्थल",
          "attendees": "प्रतिभागी"}),
        (["कैमरा", "स्वामी", "स्थिति", "स्थापना तिथि"], CCTV,
         {"id": "कैमरा", "owner": "स्वामी", "status": "स्थिति", "installed_on": "स्थापना तिथि"}),
        (["संस्था का नाम", "प्रकार", "छुट्टी का समय"], SITES,
         {"name": "संस्था का नाम", "kind": "प्रकार", "disperses_at": "छुट्टी का समय"}),
        (["थाने का नाम", "सर्किल", "महिला कर्मी"], THANAS,
         {"name": "थाने का नाम", "zone": "सर्किल", "women_staff": "महिला कर्मी"}),
    ],
)  # fmt: skip
def test_hindi_and_cctns_headers(headers: list[str], spec: LayerSpec, expected: dict) -> None:
    assert plan_columns(headers, spec).fields == expected


def test_nukta_and_transliteration_match() -> None:
    plan = plan_columns(["Thaana", "घटना की तारीख़", "अक्षांश", "देशांतर"], INCIDENTS)
    assert plan.lat == "अक्षांश" and plan.lon == "देशांतर"
    assert plan.fields["thana_stated"] == "Thaana"


def test_date_and_time_parts_in_hindi() -> None:
    plan = plan_columns(["दिनांक", "समय", "अपराध"], INCIDENTS)
    assert (plan.date_part, plan.time_part) == ("दिनांक", "समय")


def test_ambiguous_header_names_both_columns() -> None:
    with pytest.raises(ColumnMappingError) as err:
        plan_columns(["Thana", "थाना", "lat", "lon"], INCIDENTS)
    assert "'Thana'" in str(err.value) and "'थाना'" in str(err.value)
    assert "--map" in str(err.value)


def test_presets_listed_detected_and_checked() -> None:
    assert set(presets()) == {
        "fir-register", "up112-calls", "helpline-1090", "anti-romeo-register",
        "awareness-drives", "cctv-register", "centre-audit", "centre-casework", "patrol-visit-log",
    }  # fmt: skip
    assert all(p.description and p.description_hi for p in presets().values())
    found, notes = choose_preset(None, _hindi_fir_register().columns, "incidents")
    assert found is not None and found.name == "fir-register"
    assert notes == ["looks like a FIR register or CCTNS FIR export: using preset fir-register"]
    assert detect_preset(["Event ID", "PRV", "Call Time"], "incidents").name == "up112-calls"
    assert detect_preset(["id", "lat", "lon", "category"], "incidents") is None
    with pytest.raises(ParameterError):
        get_preset("no-such")
    with pytest.raises(ParameterError):
        get_preset("cctv-register", "incidents")


def test_personal_columns_in_both_scripts() -> None:
    report = find_personal_columns(_hindi_fir_register(), INCIDENTS)
    assert set(report) == {
        "पीड़िता का नाम", "पिता/पति का नाम", "पता", "मोबाइल नं.", "आधार", "Complainant",
        "Address", "Contact", "remarks",
    }  # fmt: skip
    assert verhoeff_valid("234567890124") and not verhoeff_valid("234567890123")


def test_hindi_fir_register_imports_and_nothing_personal_anywhere(tmp_path: Path) -> None:
    get_settings.cache_clear()
    frame = _hindi_fir_register()
    src = tmp_path / "fir.csv"
    frame.to_csv(src, index=False, encoding="utf-8")
    store = tmp_path / "store.gpkg"
    outputs = []
    imported = runner.invoke(
        app, ["import", "incidents", str(src), "--store", str(store), "--json"]
    )
    assert imported.exit_code == 0, imported.output
    outputs.append(imported.output)
    assert "using preset fir-register" in imported.output
    assert "every row gets source = complaint" in imported.output
    summary = json.loads(imported.output.strip().splitlines()[-1])
    assert summary["rows"] == summary["accepted"] + summary["quarantined"] == len(frame)
    assert (summary["accepted"], summary["quarantined"]) == (11, 1)
    checked = runner.invoke(
        app,
        ["validate", "incidents", str(src), "--preset", "fir-register", "--json",
         "--quarantine-out", str(tmp_path / "q1.csv")],
    )  # fmt: skip
    outputs.append(checked.output)
    exported = runner.invoke(
        app, ["quarantine", "--out", str(tmp_path / "q2.csv"), "--store", str(store)]
    )
    outputs.append(exported.output)
    blobs = [
        store.read_bytes(),
        (tmp_path / "q1.csv").read_bytes(),
        (tmp_path / "q2.csv").read_bytes(),
    ]
    blobs += [text.encode("utf-8") for text in outputs]
    for value in PERSONAL:
        for blob in blobs:
            assert value.encode("utf-8") not in blob, value
    assert "थाना" in (tmp_path / "q2.csv").read_text("utf-8-sig")  # the schema columns are kept
