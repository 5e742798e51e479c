"""Counted nouns ("1 incident", "5 घटनाएँ"): a number in Indian grouping with its plural form."""

from __future__ import annotations

from geo.i18n.formats import format_int
from geo.i18n.messages import ngettext


def counted(n: int, singular: str, plural: str, **values: object) -> str:
    """Return the form of ``singular``/``plural`` for ``n``, with ``{n}`` written in full.

    One call for the usual ``ngettext(singular, plural, n).format(n=format_int(n))``: the
    count chooses the form and is the number shown, so the two cannot differ. Other
    ``{placeholders}`` are filled from ``values``. ``make messages`` extracts the texts
    (keyword ``counted:2,3``).

    Examples
    --------
    >>> counted(3, "{n} stop is far from a road", "{n} stops are far from a road")
    '3 stops are far from a road'
    >>> counted(1, "{n} of {total} cameras", "{n} of {total} cameras", total="1,200")
    '1 of 1,200 cameras'
    """
    return ngettext(singular, plural, n).format(n=format_int(n), **values)


def incidents_count(n: int) -> str:
    """Return ``n`` incidents in the current language.

    Examples
    --------
    >>> incidents_count(1), incidents_count(100000)
    ('1 incident', '1,00,000 incidents')
    """
    return counted(n, "{n} incident", "{n} incidents")


def days_count(n: int) -> str:
    """Return ``n`` days in the current language (``"3 days"``, ``"3 दिन"``)."""
    return counted(n, "{n} day", "{n} days")
