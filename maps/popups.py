"""Popup and tooltip content: whitelisted columns only, HTML-escaped, never a personal field."""

# Popups are built in the browser from compact per-feature value lists (``[title, lead, row
# values..., tooltip extras...]``) and one card spec per layer (the row labels, which values
# the tooltip shows), so a map of thousands of features does not repeat the same HTML tags
# thousands of times. Every value is escaped here, in Python; the browser only concatenates.

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from geo.errors import ExportError
from geo.i18n import _, format_date, format_int, format_number, format_time, ngettext
from geo.ingest.privacy import VALUE_SAMPLE_SIZE, find_personal_columns
from geo.schema import NAME, SITES, LayerSpec
from maps.aggregate import SUPPRESS_BELOW

#: Columns whose name reads as personal to :mod:`geo.ingest.privacy` but hold public institutions
#: (site and thana names).
PUBLIC_NAME_COLUMNS: Final = frozenset({NAME})
#: Text shown for a suppressed small count in shareable maps (English; see :func:`suppressed_text`).
SUPPRESSED_TEXT: Final = f"fewer than {SUPPRESS_BELOW}"


def suppressed_text() -> str:
    """Return :data:`SUPPRESSED_TEXT` in the current language (``"fewer than 3"``)."""
    return ngettext("fewer than {n}", "fewer than {n}", SUPPRESS_BELOW).format(n=SUPPRESS_BELOW)


#: The browser side: ``shaktiCard(spec, values)`` and ``shaktiTip(spec, values)``.
CARD_JS: Final = """
function shaktiCard(spec, v) {
  var out = '<div class="shakti-card"><b>' + v[0] + '</b>';
  if (v[1]) { out += '<p class="shakti-why">' + v[1] + '</p>'; }
  var rows = '';
  for (var i = 0; i < spec.rows.length; i++) {
    var x = v[i + 2];
    if (x !== '' && x !== null && x !== undefined) {
      rows += '<tr><th>' + spec.rows[i] + '</th><td>' + x + '</td></tr>';
    }
  }
  if (rows) { out += '<table>' + rows + '</table>'; }
  return out + '</div>';
}
function shaktiTip(spec, v) {
  return spec.tip.map(function (i) { return v[i]; })
    .filter(function (x) { return x !== '' && x !== null && x !== undefined; }).join('<br>');
}
"""


def guard_columns(
    frame: pd.DataFrame, allowed: Sequence[str], *, layer: str, spec: LayerSpec = SITES
) -> list[str]:
    """Return the whitelisted columns present in ``frame``, after a personal-data check.

    Only columns named in ``allowed`` can ever reach a popup or tooltip; on top of that,
    :func:`geo.ingest.privacy.find_personal_columns` checks their names (the layer's own fields
    pass) and their values (every column, own fields too), so a column holding phone numbers,
    Aadhaar-like numbers or e-mail addresses is refused rather than shown.

    Parameters
    ----------
    frame : pandas.DataFrame
        The layer.
    allowed : sequence of str
        The columns this layer's popups may show.
    layer : str
        Name of the layer, for the error message.
    spec : geo.schema.LayerSpec, default ``SITES``
        The store layer it comes from: its own fields (a thana's ``phones`` count, a site's
        ``name``) are not personal. Analysis outputs use the default.

    Returns
    -------
    list of str
        ``allowed`` columns present in ``frame``, in ``allowed`` order.

    Raises
    ------
    geo.errors.ExportError
        When one of them looks personal.
    """
    present = [c for c in allowed if c in frame.columns]
    rows = frame[present]
    if len(rows) > VALUE_SAMPLE_SIZE:  # the check samples this many values anyway
        picks = np.linspace(0, len(rows) - 1, VALUE_SAMPLE_SIZE).round().astype(np.intp)
        rows = rows.iloc[np.unique(picks)]
    values = pd.DataFrame(
        {c: rows[c].map(_plain) if rows[c].dtype == object else rows[c] for c in present},
        index=rows.index,
    )
    by_name = find_personal_columns(values, spec)  # the layer's own fields pass by name...
    neutral = [f"value_{i}" for i in range(len(present))]
    by_value = find_personal_columns(values.set_axis(neutral, axis=1), SITES)  # ...not by value
    personal = {c: why for c, why in by_name.items() if c not in PUBLIC_NAME_COLUMNS}
    for column, label in zip(present, neutral, strict=True):
        if label in by_value:
            personal.setdefault(column, by_value[label])
    if personal:
        raise ExportError(
            f"refusing to put columns that look personal on the {layer} map layer: "
            + ", ".join(personal),
            why="maps never show names, phone numbers or other personal data",
            fix="drop those columns before building the map",
        )
    return present


def _plain(value: Any) -> Any:
    """Return a value the privacy check can sample (containers become text)."""
    if isinstance(value, Mapping | list | tuple):
        return str(value)
    return value


def is_missing(value: Any) -> bool:
    """Return whether a cell is empty (None, NaN, NA, NaT, empty text)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def number(value: Any) -> float:
    """Return a cell as a float (NaN when missing or not a number)."""
    if is_missing(value):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def text(value: Any) -> str:
    """Return a cell as text ("" when missing)."""
    return "" if is_missing(value) else str(value)


def fmt(value: Any, *, digits: int = 2) -> str:
    """Return a short display text of a cell (numbers rounded, mixes as ``a 3, b 2``).

    Numbers are grouped the Indian way (``1,00,000``), dates are ``DD-MM-YYYY``, words in the
    current language.
    """
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return format_int(int(value))
        return format_number(value, digits)
    if isinstance(value, Mapping):
        return _(", ").join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, pd.Timestamp):
        if value.hour or value.minute:
            return f"{format_date(value.date())} {format_time(value.time())}"
        return format_date(value.date())
    if hasattr(value, "item"):  # numpy scalar
        return fmt(value.item(), digits=digits)
    return str(value)


def percent(value: Any) -> str:
    """Return a share in [0, 1] as ``"42 %"`` (empty when missing)."""
    if is_missing(value):
        return ""
    return f"{100 * float(value):.0f} %"


def count_text(value: float, share: bool) -> str:
    """Return a count, or :data:`SUPPRESSED_TEXT` when ``share`` and ``0 < value < 3``."""
    if is_missing(value) or not math.isfinite(float(value)):
        return ""
    if share and 0 < float(value) < SUPPRESS_BELOW:
        return suppressed_text()
    return fmt(int(value))


@dataclass(frozen=True)
class CardSpec:
    """The layout of one layer's popups and tooltips.

    A feature's values are ``[title, lead, *row values, *extras]``; the popup shows the title,
    the lead sentence and one table row per label whose value is not empty; the tooltip shows
    the values at ``tip`` (indices into the same list), one per line.

    Attributes
    ----------
    rows : tuple of str
        Row labels of the popup table (English, marked with ``N_``; translated when sent).
    tip : tuple of int
        Which values the tooltip shows.
    popup : bool
        Whether features get a popup (else only the tooltip).
    """

    rows: tuple[str, ...] = ()
    tip: tuple[int, ...] = (0,)
    popup: bool = True

    def values(
        self, title: str, lead: str = "", rows: Sequence[str] = (), extras: Sequence[str] = ()
    ) -> list[str]:
        """Return the escaped value list of one feature.

        Raises
        ------
        ValueError
            When the number of row values does not match the labels.
        """
        if len(rows) != len(self.rows):
            raise ValueError(f"{len(rows)} row values for {len(self.rows)} labels")
        return [html.escape(str(v)) for v in (title, lead, *rows, *extras)]

    def extra_index(self, k: int) -> int:
        """Return the value index of the ``k``-th extra (for ``tip``)."""
        return 2 + len(self.rows) + k

    def to_json(self) -> str:
        """Return the spec for the browser (labels escaped; safe inside a script element)."""
        payload = {
            "rows": [html.escape(_(label)) for label in self.rows],
            "tip": list(self.tip),
            "popup": self.popup,
        }
        return script_json(payload)


def script_json(value: Any) -> str:
    """Return JSON that is safe inside an HTML ``<script>`` element."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
