"""Import texts in Hindi and English, and registers that write vocabulary values in Hindi."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.i18n import devanagari_share, use_lang
from geo.i18n.keys import fold
from geo.ingest import validate_file
from geo.ingest.parsing import hindi_terms
from geo.ingest.privacy import find_personal_columns
from geo.schema import CCTV_STATUSES, INCIDENTS, SITE_KINDS
from geo.settings import Settings
from tests.conftest import NOW

HEADER = ["id", "lat", "lon", "occurred_at", "category", "source", "thana"]
#: A register written in Hindi: categories and sources as a constable writes them.
HINDI_VALUES = [
    ["h1", "25.3176", "83.0104", "28/10/2026 18:30", "छेड़छाड़", "शिकायत", "Lanka"],
    ["h2", "25.3177", "83.0105", "28/10/2026 18:30", "पीछा करना", "हेल्पलाइन कॉल", "Lanka"],
    ["h3", "25.3178", "83.0106", "28/10/2026 18:30", "उत्पीडन", "हेल्पलाइन", "Lanka"],
    ["h4", "25.3179", "83.0107", "28/10/2026 18:30", "साइबर", "शिकायत", "Lanka"],
    ["h5", "25.3180", "83.0108", "28/10/2026 18:30", "साइबर अपराध", "मिशन शक्ति", "Lanka"],
    ["h6", "25.3181", "83.0109", "28/10/2026 18:30", "छेड़खानी", "एंटी रोमियो", "Lanka"],
    ["h7", "25.3182", "83.0110", "28/10/2026 18:30", "अन्य", "complaint", "Lanka"],
]
#: One problem per row: every kind of text a constable reads from an import.
ERRORS = [
    ["e1", "", "83.0104", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["e2", "25.3176", "83.01x", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["e3", "83.0104", "25.3176", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["e4", "95.1", "83.0104", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["e5", "28.6", "77.2", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["e6", "25.3176", "83.0104", "kal shaam", "stalking", "complaint", "Lanka"],
    ["e7", "25.3176", "83.0104", "28/10/2031 18:30", "stalking", "complaint", "Lanka"],
    ["e8", "25.3176", "83.0104", "28/10/2026 18:30", "chhedkhani", "complaint", "Lanka"],
    ["e9", "25.3176", "83.0104", "28/10/2026 18:30", "stalking", "letter", "Lanka"],
    ["e9", "25.3177", "83.0105", "28/10/2026 18:30", "stalking", "complaint", "Lanka"],
    ["e10", "25.3176", "83.0104", "", "stalking", "complaint", "Lanka"],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    text = "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_hindi_vocabulary_values_import_as_their_keys(tmp_path: Path, settings: Settings) -> None:
    report = validate_file(
        write_csv(tmp_path / "hindi.csv", HINDI_VALUES), "incidents", settings=settings, now=NOW
    )
    assert report.quarantine.empty, report.quarantine["message"].tolist()
    acc = report.accepted.set_index("id")
    assert acc["category"].to_dict() == {
        "h1": "eve-teasing",
        "h2": "stalking",
        "h3": "harassment",
        "h4": "cyber",
        "h5": "cyber",
        "h6": "eve-teasing",
        "h7": "other",
    }
    assert acc["source"].tolist() == [
        "complaint",
        "helpline-call",
        "helpline-call",
        "complaint",
        "mission-shakti-centre",
        "anti-romeo-action",
        "complaint",
    ]


def test_hindi_names_of_every_vocabulary_are_known() -> None:
    statuses = hindi_terms(CCTV_STATUSES)
    assert statuses[fold("चालू")] == "working"
    assert statuses[fold("ख़राब")] == statuses[fold("खराब")] == "faulty"
    kinds = hindi_terms(SITE_KINDS)
    assert kinds[fold("महाविद्यालय")] == "college"
    assert kinds[fold("कॉलेज")] == "college"
    assert kinds[fold("विद्यालय")] == "school"
    # a name is only mapped onto terms the field allows
    assert fold("चालू") not in kinds


def _messages(tmp_path: Path, settings: Settings, lang: str) -> list[str]:
    with use_lang(lang):
        report = validate_file(
            write_csv(tmp_path / f"errors-{lang}.csv", ERRORS),
            "incidents",
            settings=settings,
            now=NOW,
        )
    # the second e9 is fine: the first one has a problem (its source), so it does not count
    assert report.n_quarantined == len(ERRORS) - 1
    return [str(m) for m in report.quarantine["message"]]


def test_hindi_import_problems_are_in_hindi(tmp_path: Path, settings: Settings) -> None:
    messages = _messages(tmp_path, settings, "hi")
    # names and values stay as written: columns, keys, the file's values, formats, options
    ignore = [
        *HEADER,
        *settings.categories,
        "complaint",
        "anti-romeo-action",
        "helpline-call",
        "mission-shakti-centre",
        "chhedkhani",
        "letter",
        "kal shaam",
        "SHAKTI_CATEGORIES",
        "SHAKTI_REGION",
        "--region",
        "--fix-swapped",
        "ISO 8601",
        "HH:MM",
        "bbox",
        "lon",
        "lat",
    ]
    for message in messages:
        assert message.startswith("पंक्ति ")
        assert devanagari_share(message, ignore=ignore) >= 0.9, message


def test_english_import_problems_are_unchanged(tmp_path: Path, settings: Settings) -> None:
    messages = _messages(tmp_path, settings, "en")
    assert (
        "row 8, field 'category': 'chhedkhani' is not an allowed category. Fix: use one of "
        + ", ".join(settings.categories)
        + " or extend SHAKTI_CATEGORIES."
    ) in messages
    assert (
        "row 1, field 'lat': the coordinate is empty. Fix: fill in both latitude and longitude "
        "in decimal degrees (25.3176, 83.0104)."
    ) in messages
    assert (
        "row 2, field 'lon': '83.01x' is not a number. Fix: write decimal degrees such as "
        "25.3176 (no N/E letters, no degree signs)."
    ) in messages
    assert (
        "row 6, field 'occurred_at': 'kal shaam' is not a date and time. Fix: write ISO 8601 "
        "(2026-11-28T18:30 or 2026-11-28T18:30+05:30) or day-first (28/11/2026 18:30)."
    ) in messages
    assert any(
        m.startswith("row 9, field 'source': 'letter' is not an allowed source") for m in messages
    )


@pytest.mark.parametrize(
    ("lang", "reason"),
    [("en", "column name suggests a phone number"), ("hi", "कॉलम के नाम से लगता है कि इसमें फ़ोन नंबर है")],
)
def test_personal_column_reasons_follow_the_language(lang: str, reason: str) -> None:
    with use_lang(lang):
        found = find_personal_columns(pd.DataFrame({"mobile_no": ["x"]}), INCIDENTS)
    assert found == {"mobile_no": reason}
