"""Hindi names of the vocabularies, plural forms, and the Devanagari share of a text."""

from __future__ import annotations

import pytest

import models.cctv.columns as cctv
import models.hotspots.columns as hot
import models.patrol.teams as teams
from geo import centre
from geo.i18n import (
    VOCABULARIES,
    camera_status_name,
    campaign_kind_name,
    category_name,
    day_pattern_name,
    days_count,
    devanagari_share,
    gap_status_name,
    incidents_count,
    ngettext,
    patrol_mode_name,
    priority_name,
    site_kind_name,
    source_name,
    trend_name,
    use_lang,
    vocabulary_name,
    weekday_name,
)
from geo.i18n import vocab as v
from geo.schema import (
    CAMPAIGN_KINDS,
    CCTV_STATUSES,
    SEEN_CATEGORIES,
    SITE_KINDS,
    SOURCES,
    VISIT_STATUSES,
)
from geo.settings import DEFAULT_CATEGORIES

#: Every vocabulary of the data and of the models, by its context.
KEYS = {
    v.CATEGORY: DEFAULT_CATEGORIES,
    v.SITE_KIND: SITE_KINDS,
    v.CAMPAIGN_KIND: CAMPAIGN_KINDS,
    v.SOURCE: SOURCES,
    v.CAMERA_STATUS: (*CCTV_STATUSES, *cctv.STATUSES),
    v.GAP_STATUS: cctv.GAP_STATUSES,
    v.PRIORITY: (cctv.HIGH, cctv.MEDIUM, cctv.LOW, cctv.NO_GAP),
    v.TREND: (hot.RISING, hot.FALLING, hot.STABLE, hot.UNKNOWN),
    v.DAY_PATTERN: (hot.WEEKDAYS, hot.WEEKENDS, hot.ALL_WEEK),
    v.PATROL_MODE: (teams.FOOT, teams.BIKE, teams.VEHICLE),
    v.CASE_TYPE: centre.CASE_TYPES,
    v.CASE_ROUTE: centre.CASE_ROUTES,
    v.CASE_OUTCOME: centre.CASE_OUTCOMES,
    v.AGE_BAND: centre.AGE_BANDS,
    v.CENTRE_RESOURCE: centre.CENTRE_RESOURCES,
    v.VISIT_STATUS: VISIT_STATUSES,
    v.SEEN_CATEGORY: SEEN_CATEGORIES,
}


@pytest.mark.parametrize("context", sorted(KEYS))
def test_every_key_of_every_vocabulary_has_a_hindi_name(context: str) -> None:
    assert set(VOCABULARIES[context]) == set(KEYS[context])
    for key in KEYS[context]:
        hindi = vocabulary_name(context, key, "hi")
        assert hindi != key and devanagari_share(hindi) == 1.0, (context, key, hindi)
        assert vocabulary_name(context, key, "en") == key  # English output stays as it was


def test_vocabulary_names_in_hindi() -> None:
    assert category_name("eve-teasing", "hi") == "छेड़छाड़"
    assert category_name("stalking", "hi") == "पीछा करना"
    assert site_kind_name("college", "hi") == "महाविद्यालय"
    assert site_kind_name("other", "hi") == campaign_kind_name("other", "hi") == "अन्य"
    assert camera_status_name("unknown", "hi") == trend_name("unknown", "hi") == "अज्ञात"
    assert gap_status_name("repairable", "hi") == "मरम्मत योग्य"
    assert priority_name("high", "hi") == "उच्च"
    assert day_pattern_name("weekdays", "hi") == "कार्यदिवस"
    assert source_name("helpline-call", "hi") == "हेल्पलाइन कॉल"
    assert patrol_mode_name("foot", "hi") == "पैदल"
    with use_lang("hi"):
        assert category_name("cyber") == "साइबर अपराध"
    assert category_name("cyber") == "cyber"


def test_unknown_keys_fall_back_to_the_key() -> None:
    assert category_name("chain-snatching", "hi") == "chain-snatching"
    assert site_kind_name("temple", "hi") == "temple"
    assert trend_name(None, "hi") == "None"


def test_weekday_names() -> None:
    hindi = [weekday_name(i, "hi") for i in range(7)]
    assert hindi == ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"]
    assert [weekday_name(i, "en") for i in range(7)] == list(hot.WEEKDAY_NAMES)
    assert weekday_name("Saturday", "hi") == "शनिवार"
    for bad in (7, -1, "Funday"):
        with pytest.raises(ValueError, match="0 \\(Monday\\)"):
            weekday_name(bad, "hi")


@pytest.mark.parametrize(
    ("n", "en", "hi"),
    [
        (0, "0 incidents", "0 घटना"),  # CLDR: Hindi uses the singular for 0 and 1
        (1, "1 incident", "1 घटना"),
        (2, "2 incidents", "2 घटनाएँ"),
        (5, "5 incidents", "5 घटनाएँ"),
        (100000, "1,00,000 incidents", "1,00,000 घटनाएँ"),
    ],
)
def test_plural_forms(n: int, en: str, hi: str) -> None:
    with use_lang("en"):
        assert incidents_count(n) == en
        assert days_count(n) == f"{n:,} day{'' if n == 1 else 's'}".replace("100,000", "1,00,000")
    with use_lang("hi"):
        assert incidents_count(n) == hi
        assert days_count(n).endswith(" दिन")
        assert ngettext("{n} incident", "{n} incidents", n) == hi.replace(hi.split()[0], "{n}")


def test_devanagari_share() -> None:
    assert devanagari_share("346 घटनाएँ, सबसे अधिक छेड़छाड़ (37%), कार्यदिवस 13:00–15:00") == 1.0
    assert devanagari_share("346 incidents, mostly eve-teasing") == 0.0
    assert devanagari_share("12, 13:00 – 37% !") == 1.0  # no letter: nothing English
    assert devanagari_share("") == 1.0
    mixed = devanagari_share("थाना Lanka")
    assert 0 < mixed < 1
    assert devanagari_share("थाना Lanka, पड़ाव Assi Ghat", ignore=["Lanka", "Assi Ghat"]) == 1.0
    # longest name first: "Assi Ghat" goes whole, not "Assi" leaving "Ghat"
    assert devanagari_share("Assi Ghat पर", ignore=["Assi", "Assi Ghat"]) == 1.0
    # vowel signs and nukta count as Devanagari letters
    assert devanagari_share("ज़ि", ignore=()) == 1.0
