"""Small seeded drawing, frame and calendar helpers shared by the demo layer builders."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.crs import WGS84
from geo.demo.constants import REFERENCE_DATE, START_DATE
from geo.demo.knobs import PROFILE_CAMPAIGN, PROFILE_DISPERSAL, PROFILE_EVENING, TREND_FLOOR
from geo.schema import (
    LayerSpec,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


def pick_weighted(
    rng: np.random.Generator, weights: Sequence[float] | FloatArray, size: int
) -> IntArray:
    """Draw ``size`` indices with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return np.asarray(rng.choice(w.size, size=size, p=w / w.sum()), dtype=np.int64)


def pick_named(
    rng: np.random.Generator, probs: Mapping[str, float], vocab: Sequence[str], size: int
) -> IntArray:
    """Draw ``size`` indices into ``vocab`` with the probabilities given by name."""
    unknown = set(probs) - set(vocab)
    if unknown:
        raise ValueError(f"not in the vocabulary: {sorted(unknown)}")
    return pick_weighted(rng, [probs.get(v, 0.0) for v in vocab], size)


def dedupe(names: Sequence[str]) -> list[str]:
    """Return the names with repeats numbered: ``X``, ``X No. 2``, ``X No. 3`` ..."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} No. {seen[name]}")
    return out


def dedupe_hi(names: Sequence[str], names_hi: Sequence[str]) -> list[str]:
    """Return the Hindi names numbered where the English names repeat (``X``, ``X नं. 2`` ...).

    Numbering follows the English names, so a site's two names carry the same number.
    """
    seen: dict[str, int] = {}
    out: list[str] = []
    for name, name_hi in zip(names, names_hi, strict=True):
        seen[name] = seen.get(name, 0) + 1
        out.append(name_hi if seen[name] == 1 else f"{name_hi} नं. {seen[name]}")
    return out


def dedupe_names(names: Sequence[str], names_hi: Sequence[str]) -> tuple[list[str], list[str]]:
    """Return the English and Hindi names, repeats numbered alike (``X No. 2``, ``X नं. 2``)."""
    return dedupe(names), dedupe_hi(names, names_hi)


def as_strings(values: Sequence[object] | ObjArray) -> pd.Series:
    """Return a ``string`` Series (missing values as ``<NA>``), like the importer's text."""
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="string"))


def as_ints(values: IntArray, missing: BoolArray | None = None) -> pd.Series:
    """Return an ``Int64`` Series with ``<NA>`` where ``missing``."""
    mask = np.zeros(values.shape, dtype=bool) if missing is None else missing
    return pd.Series(pd.arrays.IntegerArray(values.astype(np.int64), mask))


def layer_frame(
    spec: LayerSpec, columns: Mapping[str, pd.Series], x: FloatArray, y: FloatArray
) -> gpd.GeoDataFrame:
    """Assemble a point layer with exactly ``spec.columns``."""
    missing = [c for c in spec.columns if c not in columns and c != "geometry"]
    if missing:
        raise RuntimeError(f"demo {spec.kind.value} lacks {missing}")
    data = {c: columns[c].reset_index(drop=True) for c in spec.columns if c != "geometry"}
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(x, y), crs=WGS84)


@functools.cache
def _calendar() -> tuple[IntArray, IntArray, IntArray]:
    """Return weekday (Mon = 0), month and day of month of every day of the span."""
    days = np.arange(np.datetime64(START_DATE, "D"), np.datetime64(REFERENCE_DATE, "D") + 1)
    ordinal = days.astype(np.int64)
    weekday = (ordinal + 3) % 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    dom = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return weekday, month, dom


def n_days() -> int:
    """Return the number of days from START_DATE to REFERENCE_DATE, both included."""
    return (REFERENCE_DATE - START_DATE).days + 1


def day_p(profile: int, trend: int) -> FloatArray:
    """Return the probability of each day of the span for a seasonal profile and a trend."""
    weekday, month, dom = _calendar()
    w = np.ones(weekday.size)
    vacation = (month == 6) | ((month == 5) & (dom >= 20))  # UP schools' summer break
    if profile == PROFILE_DISPERSAL:
        w *= np.where(weekday == 6, 0.12, 1.0) * np.where(vacation, 0.35, 1.0)
    elif profile == PROFILE_EVENING:  # festival seasons: Sawan, Holi, Navratri to Dev Deepawali
        w *= np.select(
            [np.isin(month, (10, 11)), np.isin(month, (7, 8)), month == 3], [2.0, 1.4, 1.4], 1.0
        )
        w *= np.where(weekday >= 5, 1.25, 1.0)
    elif profile == PROFILE_CAMPAIGN:  # Mission Shakti phases start around Navratri
        w *= np.where(weekday == 6, 0.3, 1.0) * np.where(vacation, 0.5, 1.0)
        w *= np.where(month == 10, 1.6, 1.0)
    t = np.linspace(0.0, 1.0, w.size)
    if trend > 0:
        w *= TREND_FLOOR + t
    elif trend < 0:
        w *= TREND_FLOOR + 1.0 - t
    return np.asarray(w / w.sum(), dtype=np.float64)


def minutes_of_day(times: str) -> list[int]:
    """Return the minutes of the day of ``HH:MM;HH:MM`` times."""
    return [int(t[:2]) * 60 + int(t[3:5]) for t in times.split(";")]
