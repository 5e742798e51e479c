"""Names of the review's figures and the centre resources, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from geo.i18n import NP_, pgettext
from models.review import columns as rc

#: Context of the resource names in the catalogue.
RESOURCE_CONTEXT: Final = "centre resource"
#: English names of the audited resources (:data:`geo.centre.CENTRE_RESOURCES`).
RESOURCE_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "rooms": NP_("centre resource", "rooms"),
        "womens_toilet": NP_("centre resource", "women's toilet"),
        "registers": NP_("centre resource", "registers"),
        "furniture": NP_("centre resource", "furniture"),
        "computers": NP_("centre resource", "working computers"),
        "mobile_phones": NP_("centre resource", "mobile phones"),
        "sim_cards": NP_("centre resource", "SIM cards"),
        "vehicles": NP_("centre resource", "vehicles"),
        "women_staff": NP_("centre resource", "women staff"),
        rc.NO_AUDIT: NP_("centre resource", "no audit on record"),
    }
)
#: Context of the figure names in the catalogue.
FIGURE_CONTEXT: Final = "review figure"
#: English names of the figures a sheet prints (keys: :mod:`models.review.columns`).
FIGURE_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        rc.RECEIVED: NP_("review figure", "Complaints received"),
        rc.DISPOSED: NP_("review figure", "Complaints disposed of"),
        rc.PENDING: NP_("review figure", "Complaints pending at the end"),
        rc.pending_over(7): NP_("review figure", "… pending more than 7 days"),
        rc.pending_over(15): NP_("review figure", "… pending more than 15 days"),
        rc.pending_over(30): NP_("review figure", "… pending more than 30 days"),
        rc.MEDIAN_DISPOSAL_DAYS: NP_("review figure", "Median days to disposal"),
        rc.REUNITED: NP_("review figure", "Families reunited after counselling"),
        rc.CYBER_YOUNG: NP_("review figure", "Cyber complaints of young women received"),
        rc.CYBER_YOUNG_DISPOSED: NP_("review figure", "… disposed of"),
        rc.CYBER_YOUNG_PENDING: NP_("review figure", "… pending at the end"),
        rc.CYBER_YOUNG_MEDIAN_DAYS: NP_("review figure", "… median days to disposal"),
        rc.AR_CASES: NP_("review figure", "Anti-Romeo cases registered"),
        rc.AR_ARRESTS: NP_("review figure", "Arrests in anti-Romeo actions"),
        rc.DETENTIONS: NP_("review figure", "Detentions"),
        rc.detentions_under("126"): NP_("review figure", "… under BNSS section 126"),
        rc.detentions_under("135"): NP_("review figure", "… under BNSS section 135"),
        rc.detentions_under("170"): NP_("review figure", "… under BNSS section 170"),
        rc.detentions_under(rc.SECTION_UNSTATED): NP_("review figure", "… section not recorded"),
        rc.AR_COUNSELLED: NP_("review figure", "Couples counselled and reunited by the squads"),
        rc.DRIVES: NP_("review figure", "Awareness drives"),
        rc.PLACES: NP_("review figure", "Places reached"),
        rc.WOMEN_REACHED: NP_("review figure", "Women and girls reached"),
        rc.STUDY_SITES: NP_("review figure", "Schools, colleges, coaching and training centres"),
        rc.STUDY_SITES_COVERED: NP_("review figure", "… seen by a working camera"),
        rc.STUDY_COVERAGE: NP_("review figure", "… share seen by a working camera"),
        rc.sites_of("school"): NP_("review figure", "Schools"),
        rc.covered_of("school"): NP_("review figure", "… covered"),
        rc.sites_of("college"): NP_("review figure", "Colleges"),
        rc.covered_of("college"): NP_("review figure", "… covered"),
        rc.sites_of("coaching-centre"): NP_("review figure", "Coaching centres"),
        rc.covered_of("coaching-centre"): NP_("review figure", "… covered"),
        rc.sites_of("womens-training-centre"): NP_("review figure", "Women's training centres"),
        rc.covered_of("womens-training-centre"): NP_("review figure", "… covered"),
        rc.CAMERAS_ADDED: NP_("review figure", "Cameras added in the period"),
        rc.HOTSPOTS: NP_("review figure", "Hotspots"),
        rc.PATROL_VISITS: NP_("review figure", "Patrol visits"),
        rc.PATROL_MINUTES: NP_("review figure", "Minutes of patrol presence"),
        rc.PATROL_MISSED: NP_("review figure", "Planned visits missed"),
        rc.AUDITED_ON: NP_("review figure", "Last resources audit"),
        rc.SHORT_ITEMS: NP_("review figure", "Resources short"),
        rc.SHORT_UNITS: NP_("review figure", "Units short"),
        rc.FIX_FIRST: NP_("review figure", "Fix first"),
    }
)


def resource_name(key: str) -> str:
    """Return the name of a centre resource (or of ``no-audit``) in the current language."""
    return pgettext(RESOURCE_CONTEXT, RESOURCE_NAMES[key]) if key in RESOURCE_NAMES else key


def figure_name(column: str) -> str:
    """Return the name of a review figure in the current language."""
    name = FIGURE_NAMES.get(column)
    return pgettext(FIGURE_CONTEXT, name) if name is not None else column
