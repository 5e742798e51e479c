"""Counted nouns ("1 incident", "5 घटनाएँ"): a number in Indian grouping with its plural form."""

from __future__ import annotations

from geo.i18n.formats import format_int
from geo.i18n.messages import ngettext


def incidents_count(n: int) -> str:
    """Return ``n`` incidents in the current language.

    Examples
    --------
    >>> incidents_count(1), incidents_count(100000)
    ('1 incident', '1,00,000 incidents')
    """
    return ngettext("{n} incident", "{n} incidents", n).format(n=format_int(n))


def days_count(n: int) -> str:
    """Return ``n`` days in the current language (``"3 days"``, ``"3 दिन"``)."""
    return ngettext("{n} day", "{n} days", n).format(n=format_int(n))
