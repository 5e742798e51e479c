"""Texts people read from models/ in Hindi and English: whys, reasons, labels, notes, plurals."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pytest

from geo import demo
from geo.i18n import devanagari_share, use_lang
from geo.ingest.problems import problem_message
from geo.ingest.quarantine import Reason, reason_text
from models.cctv.columns import WHY as GAP_WHY
from models.cctv.gaps import gap_analysis
from models.cctv.placement import place_cameras
from models.evaluation.scorers import STANDARD_METHODS, method_name
from models.hotspots import find_hotspots
from models.hotspots.columns import NEAREST_SITES, NOTES, WHY
from models.hotspots.explain import join_and, site_kind_count
from models.patrol.layers import plan_from_layers
from models.surfaces.emerging import PATTERNS, pattern_name
from models.surfaces.significance import GI_CLASSES, class_name

#: Enough Devanagari for a Hindi text once names and ids are left out.
MIN_SHARE = 0.9
REFERENCE = "2026-10-31T23:59"


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate(seed=7, n_incidents=demo.MIN_INCIDENTS)


def _names(data: demo.DemoData) -> list[str]:
    """Thana, site and camera names and ids: they stay as written (names are not translated)."""
    names = [*data.thanas["name"].astype(str), *data.sites["name"].astype(str)]
    names += list(data.cctv["id"].astype(str)) if "id" in data.cctv.columns else []
    return names


def _hotspots(data: demo.DemoData, lang: str) -> gpd.GeoDataFrame:
    with use_lang(lang):
        return find_hotspots(
            data.incidents, sites=data.sites, cctv=data.cctv, campaigns=data.campaigns,
            thanas=data.thanas, reference_time=REFERENCE,
        )  # fmt: skip


def _assert_hindi(texts: Iterable[str], ignore: list[str]) -> None:
    texts = [t for t in texts if t]
    assert texts
    for text in texts:
        share = devanagari_share(text, ignore=ignore)
        assert share >= MIN_SHARE, (round(share, 2), text)


def test_hotspot_why_is_hindi_and_english_is_unchanged(data: demo.DemoData) -> None:
    hi, en = _hotspots(data, "hi"), _hotspots(data, "en")
    assert len(hi) == len(en) > 0
    _assert_hindi(hi[WHY], _names(data))
    _assert_hindi(hi[NEAREST_SITES].dropna(), _names(data))
    _assert_hindi(hi[NOTES], _names(data))
    why = str(hi[WHY].iloc[0])
    assert "घटनाएँ" in why and "पिछले" in why
    assert all("incidents" in w and "in the last" in w for w in en[WHY])
    assert not any("घटना" in w for w in en[WHY])
    # data stays English: only the texts people read change
    for column in en.columns:
        if column not in (WHY, NEAREST_SITES, NOTES, "geometry"):
            assert hi[column].astype(str).tolist() == en[column].astype(str).tolist(), column


def test_site_kind_counts_have_plurals() -> None:
    with use_lang("en"):
        assert site_kind_count(1, "college") == "1 college"
        assert site_kind_count(2, "college") == "2 colleges"
        assert site_kind_count(100000, "school") == "1,00,000 schools"
        assert site_kind_count(2, "tea-stall") == "2 tea stalls"
        assert join_and(["a", "b", "c"]) == "a, b and c"
    with use_lang("hi"):
        assert site_kind_count(1, "hostel") == "1 छात्रावास"
        assert site_kind_count(3, "coaching-centre") == "3 कोचिंग सेंटर"
        assert join_and(["क", "ख"]) == "क और ख"


def test_cctv_gap_reasons_and_placement_are_hindi(data: demo.DemoData) -> None:
    spots = _hotspots(data, "en")
    with use_lang("hi"):
        gaps = gap_analysis(
            data.sites, data.cctv, incidents=data.incidents, hotspots=spots,
            thanas=data.thanas, reference_time=REFERENCE,
        )  # fmt: skip
        placed = place_cameras(
            data.sites, data.cctv, k=3, incidents=data.incidents, hotspots=spots,
            thanas=data.thanas, reference_time=REFERENCE,
        )  # fmt: skip
    ignore = [*_names(data), *gaps.registry.cameras["camera_id"].astype(str)]
    _assert_hindi(gaps.gaps[GAP_WHY], ignore)
    _assert_hindi(gaps.notes, ignore)
    _assert_hindi(placed.cameras["why"], ignore)
    with use_lang("en"):
        english = gap_analysis(
            data.sites, data.cctv, incidents=data.incidents, hotspots=spots,
            thanas=data.thanas, reference_time=REFERENCE,
        )  # fmt: skip
    assert all("incident" in w for w in english.gaps[GAP_WHY])


def test_patrol_reasons_labels_and_notes_are_hindi(data: demo.DemoData) -> None:
    thana = str(data.thanas["name"].iloc[0])
    with use_lang("hi"):
        plan = plan_from_layers(
            incidents=data.incidents, sites=data.sites, cctv=data.cctv,
            campaigns=data.campaigns, thanas=data.thanas, thana=thana, days=1, seed=3,
            teams_per_thana=1, reference_time=REFERENCE,
        )  # fmt: skip
    stops = [s for r in plan.routes for s in r.stops]
    assert stops
    # column names of the user's files stay as they are
    ignore = [*_names(data), "opens_at", "disperses_at", "station_lon", "station_lat"]
    _assert_hindi([s.reason for s in stops], ignore)
    _assert_hindi([s.window.label for s in stops], ignore)
    _assert_hindi([p.name for p in plan.places if p.kind == "hotspot"], ignore)
    _assert_hindi([u.reason for u in plan.uncovered] or ["कोई नहीं"], ignore)
    _assert_hindi(plan.notes, ignore)


def test_labels_as_shown() -> None:
    with use_lang("en"):
        assert [method_name(m) for m in STANDARD_METHODS] == list(STANDARD_METHODS)
        assert [pattern_name(p) for p in PATTERNS] == list(PATTERNS)
        assert [class_name(c) for c in GI_CLASSES] == list(GI_CLASSES)
    with use_lang("hi"):
        _assert_hindi([pattern_name(p) for p in PATTERNS], [])
        _assert_hindi([class_name(c) for c in GI_CLASSES], [])
        assert class_name("hot-99") == "हॉटस्पॉट (99% विश्वास)"
        assert method_name("my own scorer") == "my own scorer"


def test_quarantine_texts_translate_but_codes_stay() -> None:
    with use_lang("en"):
        assert problem_message(4, "lat", "the value is empty", "fill in lat") == (
            "row 4, field 'lat': the value is empty. Fix: fill in lat."
        )
        assert reason_text(Reason.DUPLICATE_ID) == "id used twice"
    with use_lang("hi"):
        assert problem_message(4, "lat", "x", "y") == "पंक्ति 4, कॉलम 'lat': x। सुधार: y।"
        _assert_hindi([reason_text(r) for r in Reason], [])
    assert Reason.DUPLICATE_ID.value == "duplicate-id"
