"""The plain-language reason ("why") of each hotspot, from its row of the hotspot table."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from models.hotspots.columns import (
    ALL_WEEK,
    CAMERAS_NOT_WORKING,
    CAMPAIGNS_RECENT,
    CCTV_COVERED_SHARE,
    CROSS_THANA,
    DAY_PATTERN,
    FALLING,
    INCIDENTS,
    LAST_CAMPAIGN,
    PEAK_HOURS,
    PEAK_HOURS_SHARE,
    PEAK_WEEKDAY,
    PREVIOUS_INCIDENTS,
    RECENT_INCIDENTS,
    RISING,
    SITES_BY_KIND,
    THANA_LIST,
    TOP_CATEGORY,
    TOP_CATEGORY_SHARE,
    TREND,
    UNKNOWN,
)

logger = logging.getLogger(__name__)


#: Longest list (site kinds, thanas) spelled out in :data:`WHY`.
_WHY_MAX_ITEMS: Final = 3
#: How site kinds read in a sentence (singular, plural).
_KIND_WORDS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "school": ("school", "schools"),
        "college": ("college", "colleges"),
        "coaching-centre": ("coaching centre", "coaching centres"),
        "womens-training-centre": ("women's training centre", "women's training centres"),
        "hostel": ("hostel", "hostels"),
        "market": ("market", "markets"),
        "ghat": ("ghat", "ghats"),
        "transit": ("transit point", "transit points"),
        "other": ("other site", "other sites"),
    }
)


def _plural(count: int, kind: str) -> str:
    one, many = _KIND_WORDS.get(kind, (kind.replace("-", " "), kind.replace("-", " ") + "s"))
    return f"{count} {one if count == 1 else many}"


def _join_and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def why_text(row: Mapping[str, Any], p: WhyParams) -> str:
    """Return the one-sentence explanation of a hotspot from its aggregates."""
    n = int(row[INCIDENTS])
    parts: list[str] = []
    top, share = row[TOP_CATEGORY], float(row[TOP_CATEGORY_SHARE])
    if top is None:
        parts.append(f"{n} incidents")
    elif share >= 0.5:
        parts.append(f"{n} incidents (mostly {top}, {_percent(share)})")
    else:
        parts.append(f"{n} incidents (largest share {top}, {_percent(share)})")
    hours = f"{row[PEAK_HOURS]} ({_percent(float(row[PEAK_HOURS_SHARE]))} of incidents)"
    if row[DAY_PATTERN] == ALL_WEEK:
        parts.append(f"peak {hours}, busiest on {row[PEAK_WEEKDAY]}s")
    else:
        parts.append(f"peak {row[DAY_PATTERN]} {hours}")
    recent, previous = int(row[RECENT_INCIDENTS]), int(row[PREVIOUS_INCIDENTS])
    days = p.recent_days
    trend = row[TREND]
    if trend == UNKNOWN:
        parts.append(f"{recent} in the last {days} days (trend not judged: too little history)")
    elif trend in (RISING, FALLING) and previous > 0:
        change = round(100 * (recent - previous) / previous)
        parts.append(
            f"{trend} {change:+d}% in the last {days} days ({recent} vs {previous} before)"
        )
    elif trend == RISING:
        parts.append(f"rising: {recent} in the last {days} days, none in the {days} before")
    else:
        parts.append(f"stable in the last {days} days ({recent} vs {previous} before)")
    if p.have_sites:
        kinds: dict[str, int] = row[SITES_BY_KIND]
        if kinds:
            items = list(kinds.items())
            words = [_plural(c, kind) for kind, c in items[:_WHY_MAX_ITEMS]]
            more = sum(c for _kind, c in items[_WHY_MAX_ITEMS:])
            if more:
                words.append(f"{more} more site{'s' if more > 1 else ''}")
            parts.append(f"{_join_and(words)} within {p.site_radius_m:g} m")
        else:
            parts.append(f"no sensitive site within {p.site_radius_m:g} m")
    if p.have_cctv:
        covered = float(row[CCTV_COVERED_SHARE])
        if covered <= 0:
            parts.append("no working camera covers any of its incidents")
        elif covered < 1:
            parts.append(f"no working camera covers {_percent(1 - covered)} of incidents")
        else:
            parts.append("working cameras cover every incident")
        broken = int(row[CAMERAS_NOT_WORKING])
        if broken:
            parts.append(f"{broken} faulty or unchecked camera{'s' if broken > 1 else ''} here")
    if p.have_campaigns:
        recent_drives = int(row[CAMPAIGNS_RECENT])
        where = f"within {p.campaign_radius_m:g} m"
        if recent_drives:
            parts.append(
                f"{recent_drives} awareness drive{'s' if recent_drives > 1 else ''} {where} "
                f"in the last {p.campaign_days} days (last {row[LAST_CAMPAIGN]})"
            )
        elif row[LAST_CAMPAIGN] is not None:
            parts.append(
                f"no awareness drive {where} in {p.campaign_days} days (last {row[LAST_CAMPAIGN]})"
            )
        else:
            parts.append(f"no awareness drive {where} on record")
    if row[CROSS_THANA]:
        names = str(row[THANA_LIST]).split("; ")
        shown = names[:_WHY_MAX_ITEMS]
        if len(names) > len(shown):
            shown.append(f"{len(names) - len(shown)} more")
        parts.append(f"spans {len(names)} thanas ({_join_and(shown)})")
    return ", ".join(parts)


@dataclass(frozen=True)
class WhyParams:
    """The analysis parameters a hotspot's reason mentions, and which layers were given."""

    recent_days: int
    site_radius_m: float
    campaign_radius_m: float
    campaign_days: int
    have_sites: bool
    have_cctv: bool
    have_campaigns: bool
