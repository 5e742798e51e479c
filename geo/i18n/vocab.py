"""Names of the project's vocabularies in each language: categories, site kinds, statuses, days.

The keys are the values stored in the data (``geo.schema``, ``geo.settings.DEFAULT_CATEGORIES``,
the CCTV, hotspot and patrol constants of ``models``); the English name of a key is the key
itself, so English output stays as it was. Each vocabulary is a gettext context, because one
English word can be two Hindi ones (``"other"`` category and site kind, ``"unknown"`` trend
and camera status). A key no catalogue knows (a deployment's own category) is shown as is.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from babel import Locale

from geo.i18n.context import current_lang
from geo.i18n.formats import BABEL_LOCALES
from geo.i18n.langs import Lang, parse_lang
from geo.i18n.messages import NP_, translate

# ---- contexts (one per vocabulary) ----
CATEGORY: Final = "category"
SITE_KIND: Final = "site kind"
CAMPAIGN_KIND: Final = "campaign kind"
SOURCE: Final = "source"
CAMERA_STATUS: Final = "camera status"
GAP_STATUS: Final = "gap status"
PRIORITY: Final = "priority"
TREND: Final = "trend"
DAY_PATTERN: Final = "day pattern"
PATROL_MODE: Final = "patrol mode"
CASE_TYPE: Final = "case type"
CASE_ROUTE: Final = "case route"
CASE_OUTCOME: Final = "case outcome"
AGE_BAND: Final = "age band"
CENTRE_RESOURCE: Final = "centre resource"
LAYER: Final = "layer"
VISIT_STATUS: Final = "visit status"
SEEN_CATEGORY: Final = "seen category"

#: The keys of each vocabulary, marked for extraction (translated on use, in its context).
VOCABULARIES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        CATEGORY: (
            NP_("category", "eve-teasing"),
            NP_("category", "stalking"),
            NP_("category", "harassment"),
            NP_("category", "cyber"),
            NP_("category", "assault"),
            NP_("category", "other"),
        ),
        SITE_KIND: (
            NP_("site kind", "school"),
            NP_("site kind", "college"),
            NP_("site kind", "coaching-centre"),
            NP_("site kind", "womens-training-centre"),
            NP_("site kind", "hostel"),
            NP_("site kind", "market"),
            NP_("site kind", "ghat"),
            NP_("site kind", "transit"),
            NP_("site kind", "other"),
        ),
        CAMPAIGN_KIND: (
            NP_("campaign kind", "awareness-drive"),
            NP_("campaign kind", "self-defence-training"),
            NP_("campaign kind", "school-session"),
            NP_("campaign kind", "helpline-awareness"),
            NP_("campaign kind", "street-play"),
            NP_("campaign kind", "other"),
        ),
        SOURCE: (
            NP_("source", "complaint"),
            NP_("source", "anti-romeo-action"),
            NP_("source", "helpline-call"),
            NP_("source", "mission-shakti-centre"),
        ),
        CAMERA_STATUS: (
            NP_("camera status", "working"),
            NP_("camera status", "faulty"),
            NP_("camera status", "unknown"),
        ),
        GAP_STATUS: (
            NP_("gap status", "covered"),
            NP_("gap status", "repairable"),
            NP_("gap status", "uncovered"),
        ),
        PRIORITY: (
            NP_("priority", "high"),
            NP_("priority", "medium"),
            NP_("priority", "low"),
            NP_("priority", "none"),
        ),
        TREND: (
            NP_("trend", "rising"),
            NP_("trend", "falling"),
            NP_("trend", "stable"),
            NP_("trend", "unknown"),
        ),
        DAY_PATTERN: (
            NP_("day pattern", "weekdays"),
            NP_("day pattern", "weekends"),
            NP_("day pattern", "all week"),
        ),
        PATROL_MODE: (
            NP_("patrol mode", "foot"),
            NP_("patrol mode", "bike"),
            NP_("patrol mode", "vehicle"),
        ),
        VISIT_STATUS: (
            NP_("visit status", "visited"),
            NP_("visit status", "missed"),
            NP_("visit status", "cut-short"),
            NP_("visit status", "no-team-available"),
        ),
        SEEN_CATEGORY: (
            NP_("seen category", "none"),
            NP_("seen category", "eve-teasing"),
            NP_("seen category", "stalking"),
            NP_("seen category", "crowd-at-gate"),
            NP_("seen category", "suspicious-vehicle"),
            NP_("seen category", "other"),
        ),
        # the Mission Shakti centre layers (geo.centre)
        CASE_TYPE: (
            NP_("case type", "domestic-family-dispute"),
            NP_("case type", "harassment"),
            NP_("case type", "stalking"),
            NP_("case type", "cyber"),
            NP_("case type", "other"),
        ),
        CASE_ROUTE: (
            NP_("case route", "counselling"),
            NP_("case route", "fir"),
            NP_("case route", "referred"),
        ),
        CASE_OUTCOME: (
            NP_("case outcome", "reunited"),
            NP_("case outcome", "fir-registered"),
            NP_("case outcome", "disposed"),
            NP_("case outcome", "pending"),
        ),
        AGE_BAND: (
            NP_("age band", "under-18"),
            NP_("age band", "18-25"),
            NP_("age band", "26-35"),
            NP_("age band", "36-plus"),
            NP_("age band", "unknown"),
        ),
        CENTRE_RESOURCE: (
            NP_("centre resource", "rooms"),
            NP_("centre resource", "womens_toilet"),
            NP_("centre resource", "registers"),
            NP_("centre resource", "furniture"),
            NP_("centre resource", "computers"),
            NP_("centre resource", "mobile_phones"),
            NP_("centre resource", "sim_cards"),
            NP_("centre resource", "vehicles"),
            NP_("centre resource", "women_staff"),
        ),
        LAYER: (
            NP_("layer", "incidents"),
            NP_("layer", "campaigns"),
            NP_("layer", "cctv"),
            NP_("layer", "sites"),
            NP_("layer", "thanas"),
            NP_("layer", "gazetteer"),
            NP_("layer", "centre-audit"),
            NP_("layer", "casework"),
            NP_("layer", "visits"),
        ),
    }
)
#: English weekday names (Monday first, as ``models.hotspots`` writes them).
ENGLISH_WEEKDAYS: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip


def vocabulary_name(context: str, key: object, lang: str | None = None) -> str:
    """Return the name of ``key`` of the vocabulary ``context`` in ``lang``.

    Parameters
    ----------
    context : str
        One of the keys of :data:`VOCABULARIES` (:data:`CATEGORY`, :data:`SITE_KIND`, ...).
    key : object
        The stored value; an unknown key is returned as text, unchanged.
    lang : str, optional
        Default: the current language.

    Returns
    -------
    str

    Examples
    --------
    >>> vocabulary_name(TREND, "rising", "hi"), vocabulary_name(TREND, "rising", "en")
    ('बढ़ रहा है', 'rising')
    """
    chosen: Lang = parse_lang(lang) if lang is not None else current_lang()
    return translate(str(key), chosen, context=context)


def category_name(key: object, lang: str | None = None) -> str:
    """Return the name of an incident category.

    Examples
    --------
    >>> category_name("eve-teasing", "hi"), category_name("chain-snatching", "hi")
    ('छेड़छाड़', 'chain-snatching')
    """
    return vocabulary_name(CATEGORY, key, lang)


def site_kind_name(key: object, lang: str | None = None) -> str:
    """Return the name of a kind of sensitive site (``"college"`` → ``"महाविद्यालय"``)."""
    return vocabulary_name(SITE_KIND, key, lang)


def campaign_kind_name(key: object, lang: str | None = None) -> str:
    """Return the name of a kind of awareness campaign."""
    return vocabulary_name(CAMPAIGN_KIND, key, lang)


def source_name(key: object, lang: str | None = None) -> str:
    """Return the name of an incident source (complaint, helpline call...)."""
    return vocabulary_name(SOURCE, key, lang)


def camera_status_name(key: object, lang: str | None = None) -> str:
    """Return the name of a camera status (working, faulty, unknown)."""
    return vocabulary_name(CAMERA_STATUS, key, lang)


def gap_status_name(key: object, lang: str | None = None) -> str:
    """Return the name of a site's CCTV gap status (covered, repairable, uncovered)."""
    return vocabulary_name(GAP_STATUS, key, lang)


def priority_name(key: object, lang: str | None = None) -> str:
    """Return the name of a priority class (high, medium, low, none)."""
    return vocabulary_name(PRIORITY, key, lang)


def trend_name(key: object, lang: str | None = None) -> str:
    """Return the name of a hotspot trend (rising, falling, stable, unknown)."""
    return vocabulary_name(TREND, key, lang)


def day_pattern_name(key: object, lang: str | None = None) -> str:
    """Return the name of a hotspot's day pattern (weekdays, weekends, all week)."""
    return vocabulary_name(DAY_PATTERN, key, lang)


def patrol_mode_name(key: object, lang: str | None = None) -> str:
    """Return the name of a patrol mode (foot, bike, vehicle)."""
    return vocabulary_name(PATROL_MODE, key, lang)


def layer_name(key: object, lang: str | None = None) -> str:
    """Return the name of a store layer (``incidents``, ``cctv`` ...) in ``lang``."""
    return vocabulary_name(LAYER, key, lang)


def visit_status_name(key: object, lang: str | None = None) -> str:
    """Return the name of a visit's status (visited, missed, cut short, no team available)."""
    return vocabulary_name(VISIT_STATUS, key, lang)


def seen_category_name(key: object, lang: str | None = None) -> str:
    """Return the name of what a patrol team saw at a stop (a category)."""
    return vocabulary_name(SEEN_CATEGORY, key, lang)


def weekday_name(day: int | str, lang: str | None = None) -> str:
    """Return the name of a weekday (CLDR's, through Babel).

    Parameters
    ----------
    day : int or str
        0 = Monday ... 6 = Sunday (``datetime.date.weekday()``), or the English name.
    lang : str, optional
        Default: the current language.

    Examples
    --------
    >>> weekday_name(0, "hi"), weekday_name("Sunday", "hi"), weekday_name(4, "en")
    ('सोमवार', 'रविवार', 'Friday')
    """
    if isinstance(day, str):
        index = ENGLISH_WEEKDAYS.index(day) if day in ENGLISH_WEEKDAYS else -1
    else:
        index = int(day)
    if not 0 <= index < len(ENGLISH_WEEKDAYS):
        raise ValueError(f"weekday {day!r} is not 0 (Monday) .. 6 (Sunday) or an English name")
    chosen: Lang = parse_lang(lang) if lang is not None else current_lang()
    return str(Locale.parse(BABEL_LOCALES[chosen]).days["format"]["wide"][index])
