"""The headings of the back-test tables (`shakti backtest`, `shakti forecast`), declared once."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from geo.i18n import NP_, pgettext

#: Context of the back-test tables' headings in the catalogue.
CONTEXT: Final = "back-test table"
#: Every column a back-test table may show: its heading (marked for translation) and whether
#: it is right-aligned. Both tables name the same measure the same way.
HEADINGS: Final[Mapping[str, tuple[str, bool]]] = MappingProxyType(
    {
        "method": (NP_("back-test table", "method"), False),
        "area": (NP_("back-test table", "area"), True),
        "hit rate": (NP_("back-test table", "hit rate"), True),
        "PAI": (NP_("back-test table", "PAI"), True),
        "PEI": (NP_("back-test table", "PEI"), True),
        "area used": (NP_("back-test table", "area used"), True),
        "hit rate at equal area": (NP_("back-test table", "hit rate at equal area"), True),
        "± across folds": (NP_("back-test table", "± across folds"), True),
        "gain over naive": (NP_("back-test table", "gain over naive"), True),
        "beats naive": (NP_("back-test table", "beats naive"), False),
    }
)


def backtest_columns(*keys: str) -> tuple[tuple[str, bool], ...]:
    """Return the columns ``keys`` of :data:`HEADINGS` for :func:`api.cli.tables.table`, now.

    Examples
    --------
    >>> from geo.i18n import use_lang
    >>> with use_lang("en"):
    ...     backtest_columns("method", "PAI")
    (('method', False), ('PAI', True))
    """
    return tuple((pgettext(CONTEXT, HEADINGS[key][0]), HEADINGS[key][1]) for key in keys)
