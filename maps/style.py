"""Colours and class breaks of the maps (risk, Gi*, emerging trends, categories, cameras)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from geo.i18n import N_, NP_, format_int, pgettext
from geo.settings import DEFAULT_CATEGORIES

#: Risk classes (``risk_score`` in [0, 1], upper bounds) and their colours (YlOrRd).
RISK_BREAKS: Final = (0.2, 0.4, 0.6, 0.8, 1.0)
RISK_LABELS: Final = (
    NP_("risk", "very low"), NP_("risk", "low"), NP_("risk", "medium"), NP_("risk", "high"),
    NP_("risk", "very high"),
)  # fmt: skip
RISK_COLORS: Final = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")

#: Sequential palette of count choropleths (thanas, hex cells, weekly slider): YlOrRd.
COUNT_COLORS: Final = ("#ffffcc", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
#: Fill of a cell or thana whose count is suppressed (shareable maps) or zero.
SUPPRESSED_COLOR: Final = "#d9d9d9"
EMPTY_COLOR: Final = "#ffffff"


@functools.cache
def gi_styles() -> Mapping[str, tuple[str, str]]:
    """Return ``{Gi* class: (colour, label)}`` as ArcGIS draws them, hottest first.

    A function, not a constant, so that importing the maps does not import esda.
    """
    from models.surfaces import significance as sig

    return MappingProxyType(
        {
            sig.HOT_99: ("#d62f27", N_("Hot spot, 99 % confidence")),
            sig.HOT_95: ("#ed7551", N_("Hot spot, 95 % confidence")),
            sig.HOT_90: ("#fab984", N_("Hot spot, 90 % confidence")),
            sig.NOT_SIGNIFICANT: ("#f7f7f7", N_("Not significant")),
            sig.COLD_90: ("#c0ccbe", N_("Cold spot, 90 % confidence")),
            sig.COLD_95: ("#849eba", N_("Cold spot, 95 % confidence")),
            sig.COLD_99: ("#4575b5", N_("Cold spot, 99 % confidence")),
        }
    )


@functools.cache
def pattern_colors() -> Mapping[str, str]:
    """Return ``{emerging pattern: colour}`` (ArcGIS-like: reds for hot, blues for cold)."""
    from models.surfaces import emerging as em

    return MappingProxyType(
        {
            em.NEW_HOT: "#67000d",
            em.CONSECUTIVE_HOT: "#a50f15",
            em.INTENSIFYING_HOT: "#cb181d",
            em.PERSISTENT_HOT: "#ef3b2c",
            em.DIMINISHING_HOT: "#fb6a4a",
            em.SPORADIC_HOT: "#fc9272",
            em.OSCILLATING_HOT: "#fcbba1",
            em.HISTORICAL_HOT: "#fee0d2",
            em.NEW_COLD: "#08306b",
            em.CONSECUTIVE_COLD: "#08519c",
            em.INTENSIFYING_COLD: "#2171b5",
            em.PERSISTENT_COLD: "#4292c6",
            em.DIMINISHING_COLD: "#6baed6",
            em.SPORADIC_COLD: "#9ecae1",
            em.OSCILLATING_COLD: "#c6dbef",
            em.HISTORICAL_COLD: "#deebf7",
            em.NO_PATTERN: "#f7f7f7",
        }
    )


#: Incident categories (Okabe-Ito, colour-blind safe): the default categories in order, then
#: any other category in sorted order.
CATEGORY_PALETTE: Final = (
    "#d55e00", "#0072b2", "#cc79a7", "#009e73", "#e69f00", "#56b4e9", "#7f7f7f", "#f0e442",
    "#000000",
)  # fmt: skip

#: CCTV camera status.
CCTV_COLORS: Final[Mapping[str, str]] = MappingProxyType(
    {"working": "#1a9850", "faulty": "#f46d43", "unknown": "#878787"}
)
#: Sensitive site kinds.
SITE_COLOR: Final = "#6a3d9a"
SITE_UNCOVERED_COLOR: Final = "#b2182b"
SITE_COVERED_COLOR: Final = "#2166ac"
#: Awareness drives.
CAMPAIGN_COLOR: Final = "#1f78b4"
#: Underserved hotspots: outline.
UNDERSERVED_COLOR: Final = "#7b3294"
#: Thana boundaries.
THANA_LINE: Final = "#444444"
#: Patrols, on the patrol map and the printed sheet's sketch: the route (and a shared map's
#: places under patrol), the numbered stops, the police station a team starts from.
ROUTE_COLOR: Final = "#1f4e9c"
STOP_COLOR: Final = "#c0392b"
STATION_COLOR: Final = "#222222"
#: Heat-map gradient (light to dark).
HEAT_GRADIENT: Final[Mapping[float, str]] = MappingProxyType(
    {0.2: "#ffffb2", 0.4: "#fecc5c", 0.6: "#fd8d3c", 0.8: "#f03b20", 1.0: "#bd0026"}
)


def risk_class(score: float) -> int:
    """Return the risk class index (0 = very low … 4 = very high) of a score in [0, 1]."""
    if not math.isfinite(score):
        return 0
    for i, upper in enumerate(RISK_BREAKS):
        if score < upper:
            return i
    return len(RISK_BREAKS) - 1


def risk_color(score: float) -> str:
    """Return the fill colour of a risk score in [0, 1]."""
    return RISK_COLORS[risk_class(score)]


def risk_label(score: float) -> str:
    """Return the words for a risk score in [0, 1] (``"high"``), in the current language."""
    return pgettext("risk", RISK_LABELS[risk_class(score)])


def category_colors(categories: Sequence[str]) -> dict[str, str]:
    """Return a stable colour for every category (default categories first, then sorted)."""
    present = set(categories)
    order = [c for c in DEFAULT_CATEGORIES if c in present]
    order += sorted(present - set(order))
    return {c: CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)] for i, c in enumerate(order)}


def count_breaks(values: npt.ArrayLike, n_classes: int = len(COUNT_COLORS)) -> list[float]:
    """Return increasing upper class bounds for counts (rounded quantiles; last = max).

    Parameters
    ----------
    values : array-like
        Counts (NaN ignored; zeros are drawn apart and ignored here).
    n_classes : int
        Number of classes wanted; fewer come back when there are few distinct values.

    Returns
    -------
    list of float
        Upper bounds; a value ``v`` is in the first class whose bound is ``>= v``.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if arr.size == 0:
        return [1.0]
    qs = np.quantile(arr, np.linspace(0, 1, n_classes + 1)[1:])
    bounds = sorted({float(math.ceil(q)) for q in qs})
    return bounds


def count_color(value: float, breaks: Sequence[float]) -> str:
    """Return the colour of a count given :func:`count_breaks` (white for 0)."""
    if not math.isfinite(value):
        return SUPPRESSED_COLOR
    if value <= 0:
        return EMPTY_COLOR
    colors = class_colors(len(breaks))
    for bound, color in zip(breaks, colors, strict=True):
        if value <= bound:
            return color
    return colors[-1]


def class_colors(n: int) -> tuple[str, ...]:
    """Return ``n`` colours of :data:`COUNT_COLORS`, spread from light to dark."""
    if n >= len(COUNT_COLORS):
        return COUNT_COLORS
    picks = np.linspace(0, len(COUNT_COLORS) - 1, n).round().astype(int)
    return tuple(COUNT_COLORS[i] for i in picks)


def break_labels(breaks: Sequence[float], *, start: int = 1) -> list[str]:
    """Return legend labels of count classes (``"1–4"``, ``"5–9"``, ...) from ``start``."""
    labels: list[str] = []
    low = start
    for bound in breaks:
        high = int(bound)
        labels.append(format_int(low) if high <= low else f"{format_int(low)}–{format_int(high)}")
        low = high + 1
    return labels
