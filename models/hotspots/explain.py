"""The plain-language reason ("why") of each hotspot, from its row of the hotspot table."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from geo.i18n import (
    _,
    category_name,
    counted,
    day_pattern_name,
    format_date,
    format_int,
    format_percent,
    format_time_window,
    ngettext,
    thana_display,
    weekday_name,
)
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
#: How a count of sites of each kind reads in a sentence ("2 colleges", "2 महाविद्यालय").
_KIND_COUNTS: Final[Mapping[str, Callable[[int], str]]] = MappingProxyType(
    {
        "school": lambda n: ngettext("{n} school", "{n} schools", n),
        "college": lambda n: ngettext("{n} college", "{n} colleges", n),
        "coaching-centre": lambda n: ngettext("{n} coaching centre", "{n} coaching centres", n),
        "womens-training-centre": lambda n: ngettext(
            "{n} women's training centre", "{n} women's training centres", n
        ),
        "hostel": lambda n: ngettext("{n} hostel", "{n} hostels", n),
        "market": lambda n: ngettext("{n} market", "{n} markets", n),
        "ghat": lambda n: ngettext("{n} ghat", "{n} ghats", n),
        "transit": lambda n: ngettext("{n} transit point", "{n} transit points", n),
        "other": lambda n: ngettext("{n} other site", "{n} other sites", n),
    }
)


def site_kind_count(count: int, kind: str) -> str:
    """Return ``count`` sites of ``kind`` in the current language ("2 colleges").

    Examples
    --------
    >>> site_kind_count(1, "school"), site_kind_count(1200, "ghat")
    ('1 school', '1,200 ghats')
    """
    words = _KIND_COUNTS.get(kind)
    if words is not None:
        return words(count).format(n=format_int(count))
    # TRANSLATORS: a count of sites of a kind the catalogue does not know; {kind} stays as given.
    return counted(count, "{n} {kind}", "{n} {kind}s", kind=kind.replace("-", " "))


def join_and(parts: Sequence[str]) -> str:
    """Return ``parts`` as a list in the current language ("a, b and c", "a, b और c")."""
    if len(parts) <= 1:
        return "".join(parts)
    # TRANSLATORS: the end of a list: {items} are the first ones joined with ", ".
    return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def metres(value: float) -> str:
    """Return a distance in metres as a number in a sentence: ``300``, ``1,500``, ``12.5``."""
    if float(value) == round(float(value)):
        return format_int(value)
    return f"{value:g}"


def _hours(label: object) -> str:
    """Return a peak-hours label (``"13:00–15:00"``) in the configured time format."""
    text = str(label)
    start, sep, end = text.partition("–")
    if not sep:
        return text
    try:
        return format_time_window(start, end)
    except ValueError:
        return text


def _signed_percent(change: int) -> str:
    return ("+" if change >= 0 else "-") + format_int(abs(change)) + "%"


def _incidents(row: Mapping[str, Any]) -> str:
    n = int(row[INCIDENTS])
    top, share = row[TOP_CATEGORY], float(row[TOP_CATEGORY_SHARE])
    if top is None:
        text = ngettext("{n} incident", "{n} incidents", n)
    elif share >= 0.5:
        # TRANSLATORS: {category} is the commonest kind of incident, {share} its percentage.
        text = ngettext(
            "{n} incident (mostly {category}, {share})",
            "{n} incidents (mostly {category}, {share})",
            n,
        )
    else:
        text = ngettext(
            "{n} incident (largest share {category}, {share})",
            "{n} incidents (largest share {category}, {share})",
            n,
        )
    return text.format(
        n=format_int(n),
        category=category_name(top) if top is not None else "",
        share=format_percent(share),
    )


def _peak(row: Mapping[str, Any]) -> str:
    hours, share = _hours(row[PEAK_HOURS]), format_percent(float(row[PEAK_HOURS_SHARE]))
    if row[DAY_PATTERN] == ALL_WEEK:
        # TRANSLATORS: {hours} is a time window ("13:00–15:00"), {weekday} a day ("Monday").
        text = _("peak {hours} ({share} of incidents), busiest on {weekday}s")
        return text.format(hours=hours, share=share, weekday=weekday_name(row[PEAK_WEEKDAY]))
    # TRANSLATORS: {days} is "weekdays" or "weekends", {hours} a time window ("13:00–15:00").
    text = _("peak {days} {hours} ({share} of incidents)")
    return text.format(days=day_pattern_name(row[DAY_PATTERN]), hours=hours, share=share)


def _trend(row: Mapping[str, Any], days: int) -> str:
    recent, previous = int(row[RECENT_INCIDENTS]), int(row[PREVIOUS_INCIDENTS])
    period = counted(days, "in the last {n} day", "in the last {n} days")
    counts = {"period": period, "recent": format_int(recent), "previous": format_int(previous)}
    trend = row[TREND]
    if trend == UNKNOWN:
        # TRANSLATORS: {recent} incidents {period} ("in the last 90 days").
        return _("{recent} {period} (trend not judged: too little history)").format(**counts)
    if trend in (RISING, FALLING) and previous > 0:
        change = _signed_percent(round(100 * (recent - previous) / previous))
        if trend == RISING:
            # TRANSLATORS: {change} is a signed percentage ("+50%"); {recent} and {previous}
            # are incidents in the last period and in the period before.
            text = _("rising {change} {period} ({recent} vs {previous} before)")
        else:
            text = _("falling {change} {period} ({recent} vs {previous} before)")
        return text.format(change=change, **counts)
    if trend == RISING:
        text = ngettext(
            "rising: {recent} in the last {days} day, none in the {days} before",
            "rising: {recent} in the last {days} days, none in the {days} before",
            days,
        )
        return text.format(recent=format_int(recent), days=format_int(days))
    return _("stable {period} ({recent} vs {previous} before)").format(**counts)


def _sites(row: Mapping[str, Any], radius: str) -> str:
    kinds: dict[str, int] = row[SITES_BY_KIND]
    if not kinds:
        return _("no sensitive site within {radius} m").format(radius=radius)
    items = list(kinds.items())
    words = [site_kind_count(c, kind) for kind, c in items[:_WHY_MAX_ITEMS]]
    more = sum(c for _kind, c in items[_WHY_MAX_ITEMS:])
    if more:
        words.append(counted(more, "{n} more site", "{n} more sites"))
    # TRANSLATORS: {sites} is a list such as "2 schools and 1 college".
    return _("{sites} within {radius} m").format(sites=join_and(words), radius=radius)


def _cameras(row: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    covered = float(row[CCTV_COVERED_SHARE])
    if covered <= 0:
        parts.append(_("no working camera covers any of its incidents"))
    elif covered < 1:
        text = _("no working camera covers {share} of incidents")
        parts.append(text.format(share=format_percent(1 - covered)))
    else:
        parts.append(_("working cameras cover every incident"))
    broken = int(row[CAMERAS_NOT_WORKING])
    if broken:
        parts.append(
            counted(
                broken,
                "{n} faulty or unchecked camera here",
                "{n} faulty or unchecked cameras here",
            )
        )
    return parts


def _campaigns(row: Mapping[str, Any], p: WhyParams) -> str:
    recent_drives = int(row[CAMPAIGNS_RECENT])
    radius, days, last = metres(p.campaign_radius_m), p.campaign_days, row[LAST_CAMPAIGN]
    if recent_drives:
        period = ngettext("in the last {n} day", "in the last {n} days", days)
        # TRANSLATORS: {period} is "in the last 90 days", {last} the date of the last drive.
        return counted(
            recent_drives,
            "{n} awareness drive within {radius} m {period} (last {last})",
            "{n} awareness drives within {radius} m {period} (last {last})",
            radius=radius,
            period=period.format(n=format_int(days)),
            last=format_date(last),
        )
    if last is not None:
        text = ngettext(
            "no awareness drive within {radius} m in {days} day (last {last})",
            "no awareness drive within {radius} m in {days} days (last {last})",
            days,
        )
        return text.format(radius=radius, days=format_int(days), last=format_date(last))
    return _("no awareness drive within {radius} m on record").format(radius=radius)


def _thanas(row: Mapping[str, Any], names_hi: Mapping[str, str]) -> str:
    names = [thana_display(name, names_hi) for name in str(row[THANA_LIST]).split("; ")]
    shown = names[:_WHY_MAX_ITEMS]
    if len(names) > len(shown):
        rest = len(names) - len(shown)
        # TRANSLATORS: the end of a list of thana names: how many more are not named.
        shown.append(counted(rest, "{n} more", "{n} more"))
    # TRANSLATORS: {names} is a list of thana names ("Lanka, Bhelupur and Sigra").
    return counted(
        len(names), "spans {n} thana ({names})", "spans {n} thanas ({names})", names=join_and(shown)
    )


def why_text(row: Mapping[str, Any], p: WhyParams) -> str:
    """Return the one-sentence explanation of a hotspot from its aggregates.

    The sentence is in the current language (:func:`geo.i18n.current_lang`), composed from
    translated parts joined with commas.
    """
    parts: list[str] = [_incidents(row), _peak(row), _trend(row, p.recent_days)]
    if p.have_sites:
        parts.append(_sites(row, metres(p.site_radius_m)))
    if p.have_cctv:
        parts.extend(_cameras(row))
    if p.have_campaigns:
        parts.append(_campaigns(row, p))
    if row[CROSS_THANA]:
        parts.append(_thanas(row, p.thana_names_hi))
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
    #: Thana name → Hindi name (:func:`geo.i18n.hindi_names` of the thanas layer).
    thana_names_hi: Mapping[str, str] = field(default_factory=dict)
