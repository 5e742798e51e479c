"""The vectorised hints of geo.ingest.privacy's masks never skip a cell the exact rules find."""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo.ingest.privacy import (
    _holds_number,
    _reads_as_name,
    holds_personal_number,
    reads_as_person_name,
)

#: Zero of a few scripts' digits: ASCII, Devanagari, Bengali, full-width, Arabic-Indic,
#: mathematical bold (outside the BMP).
_ZEROS = (0x30, 0x966, 0x9E6, 0xFF10, 0x660, 0x1D7CE)
_DIGITS = st.builds(lambda zero, d: chr(zero + d), st.sampled_from(_ZEROS), st.integers(0, 9))
_SEPARATORS = st.sampled_from([" ", "-", ".", "/", "(", ")", "\u00a0", "\t", "+", "@", "_"])
_WORDS = st.sampled_from(
    ["Smt", "SI", "Sunita", "Yadav", "Devi", "श्री", "रवि", "कुमार", "x", "in", "mail.com", "2nd"]
)
_TEXTS = st.lists(st.one_of(_DIGITS, _DIGITS, _DIGITS, _SEPARATORS, _WORDS), max_size=24).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
@example("9１２３４５６７８９")
@example("９８７６５４３２１०")
@example("98765৪৩২১০")
@example("2345 ６７８９ 0123")
def test_number_hint_is_a_necessary_condition_of_the_exact_rule(text: str) -> None:
    hit = _holds_number(pd.Series([text], dtype="string"))
    assert bool(hit[0]) == holds_personal_number(text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
@example("Smt Sunita 2nd")
@example("SI Yadav B2")
def test_name_hint_is_a_necessary_condition_of_the_exact_rule(text: str) -> None:
    hit = _reads_as_name(pd.Series([text], dtype="string"))
    assert bool(hit[0]) == reads_as_person_name(text)


def test_full_width_and_bengali_phone_numbers_are_personal() -> None:
    assert holds_personal_number("Team ９８７６５４３２１０")
    assert holds_personal_number("Team ৯৮৭৬৫৪৩২১০")
    assert not holds_personal_number("Lanka-1")
