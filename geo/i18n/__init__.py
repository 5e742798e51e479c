"""Hindi and English texts: languages, message catalogues, number/date formats, vocabularies.

Mark a text with ``_()`` (``ngettext``, ``pgettext``; ``N_``/``NP_`` for module-level
constants), run ``make messages``, translate it in ``geo/i18n/locale/hi/LC_MESSAGES/shakti.po``
(see docs/i18n.md). The language is :func:`current_lang`: :func:`use_lang` in this thread or
task, else the setting ``SHAKTI_LANG`` (default English).
"""

from __future__ import annotations

from geo.i18n.catalog import DOMAIN, LOCALE_DIR, POT_PATH, po_path, translations
from geo.i18n.context import current_lang, use_lang
from geo.i18n.counts import counted, days_count, incidents_count
from geo.i18n.formats import (
    MISSING,
    TIME_FORMATS,
    TimeFormat,
    format_date,
    format_int,
    format_number,
    format_percent,
    format_time,
    format_time_window,
)
from geo.i18n.langs import DEFAULT_LANG, LANGS, Lang, negotiate, parse_lang
from geo.i18n.messages import N_, NP_, _, ngettext, npgettext, pgettext, translate
from geo.i18n.names import hindi_names, place_name, place_names, thana_display
from geo.i18n.script import devanagari_share
from geo.i18n.vocab import (
    VOCABULARIES,
    camera_status_name,
    campaign_kind_name,
    category_name,
    day_pattern_name,
    gap_status_name,
    layer_name,
    patrol_mode_name,
    priority_name,
    seen_category_name,
    site_kind_name,
    source_name,
    trend_name,
    visit_status_name,
    vocabulary_name,
    weekday_name,
)

__all__ = [
    "DEFAULT_LANG",
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "MISSING",
    "NP_",
    "N_",
    "POT_PATH",
    "TIME_FORMATS",
    "VOCABULARIES",
    "Lang",
    "TimeFormat",
    "_",
    "camera_status_name",
    "campaign_kind_name",
    "category_name",
    "counted",
    "current_lang",
    "day_pattern_name",
    "days_count",
    "devanagari_share",
    "format_date",
    "format_int",
    "format_number",
    "format_percent",
    "format_time",
    "format_time_window",
    "gap_status_name",
    "hindi_names",
    "incidents_count",
    "layer_name",
    "negotiate",
    "ngettext",
    "npgettext",
    "parse_lang",
    "patrol_mode_name",
    "pgettext",
    "place_name",
    "place_names",
    "po_path",
    "priority_name",
    "seen_category_name",
    "site_kind_name",
    "source_name",
    "thana_display",
    "translate",
    "translations",
    "trend_name",
    "use_lang",
    "visit_status_name",
    "vocabulary_name",
    "weekday_name",
]
