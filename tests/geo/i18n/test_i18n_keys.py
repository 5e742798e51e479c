"""Match keys across scripts: fold, latin, skeleton."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.i18n.keys import fold, latin, skeleton

#: Varanasi thana names as the polygons spell them and as a Hindi register does.
THANAS = [
    ("Lanka", "लंका"),
    ("Bhelupur", "भेलूपुर"),
    ("Sigra", "सिगरा"),
    ("Chetganj", "चेतगंज"),
    ("Cantt", "कैंट"),
    ("Kotwali", "कोतवाली"),
    ("Dashashwamedh", "दशाश्वमेध"),
    ("Adampur", "आदमपुर"),
    ("Jaitpura", "जैतपुरा"),
    ("Chowk", "चौक"),
    ("Shivpur", "शिवपुर"),
    ("Sarnath", "सारनाथ"),
    ("Ramnagar", "रामनगर"),
    ("Phoolpur", "फूलपुर"),
    ("Cholapur", "चोलापुर"),
    ("Baragaon", "बड़ागांव"),
    ("Rohania", "रोहनिया"),
    ("Mirzamurad", "मिर्जामुराद"),
    ("Kapsethi", "कपसेठी"),
    ("Lohta", "लोहता"),
    ("Chitaipur", "चितईपुर"),
    ("Lalpur Pandeypur", "लालपुर पांडेयपुर"),
]


@pytest.mark.parametrize(("english", "hindi"), THANAS)
def test_a_thana_has_one_skeleton_in_both_scripts(english: str, hindi: str) -> None:
    assert skeleton(english) == skeleton(hindi)


def test_different_thanas_keep_different_skeletons() -> None:
    keys = [skeleton(e) for e, _h in THANAS]
    assert len(set(keys)) == len(keys)


def test_fold_drops_nukta_chandrabindu_and_invisible_characters() -> None:
    assert fold("पीड़िता का नाम") == fold("पीडिता\u200d का  नाम") == "पीडिता_का_नाम"
    assert fold("गाँव") == fold("गांव")
    assert fold("दिनांक (१२)") == "दिनांक_12"
    assert fold("  Date & Time ") == "date_time"


def test_latin_transliterates_and_drops_the_final_schwa() -> None:
    assert latin("थाना") == "thana"
    assert latin("भेलूपुर") == "bhelupur"
    assert latin("अक्षांश") == latin("अक्षांश")  # deterministic (cached)
    assert latin("Police Station 2") == "police_station_2"


@given(st.text(max_size=40))
def test_keys_are_ascii_or_devanagari_and_idempotent(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert all(c.isascii() or "\u0900" <= c <= "\u097f" for c in folded)
    assert latin(text).isascii() and skeleton(text).isascii()
