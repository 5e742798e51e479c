"""Did hotspot patrols work? Difference in differences against matched unpatrolled hotspots.

For every patrolled hotspot (patrols started on day ``t0``) incidents are counted in the
``window_days`` before and after ``t0``, inside the hotspot and in a ring around it
(``ring_m``, for displacement). Each patrolled hotspot is matched to the ``k`` unpatrolled
hotspots most like it before ``t0`` (pre-period count and trend, standardised; counted in the
same windows), and its change (after − before) is compared with theirs. The average of these
differences is the estimate (incidents per hotspot per window); its confidence interval comes
from a seeded bootstrap over patrolled hotspots (hand-written: a few lines of numpy over a
small table, where statsmodels would need a panel model and gives no matched design). With
fewer than :data:`MIN_TREATED` patrolled hotspots, :data:`MIN_CONTROLS` comparable ones or
:data:`MIN_PRE_INCIDENTS` incidents before, the answer is a plain "too few data to tell".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import metric_crs_for
from geo.i18n import _, format_int
from geo.schema import OCCURRED_AT
from models.checks import check_count, check_days, check_metres

logger = logging.getLogger(__name__)

#: Fewest patrolled hotspots, comparable unpatrolled ones and pre-period incidents to tell.
MIN_TREATED: Final = 5
MIN_CONTROLS: Final = 5
MIN_PRE_INCIDENTS: Final = 20
DEFAULT_WINDOW_DAYS: Final = 56
DEFAULT_RING_M: Final = (250.0, 500.0)
DEFAULT_MATCHES: Final = 3
DEFAULT_BOOTSTRAP: Final = 2000
#: Verdicts of :class:`EffectResult`.
FEWER: Final = "fewer"
MORE: Final = "more"
NO_CLEAR_CHANGE: Final = "no-clear-change"
TOO_FEW: Final = "too-few"
#: Columns of :attr:`EffectResult.per_hotspot`.
HOTSPOT: Final = "hotspot"
START: Final = "start"
PRE: Final = "pre"
POST: Final = "post"
CONTROL_PRE: Final = "control_pre"
CONTROL_POST: Final = "control_post"
DID: Final = "did"
RING_DID: Final = "ring_did"
PER_HOTSPOT_COLUMNS: Final = (HOTSPOT, START, PRE, POST, CONTROL_PRE, CONTROL_POST, DID, RING_DID)


@dataclass(frozen=True)
class EffectResult:
    """What patrolling changed, with its uncertainty, or that the data are too few to tell.

    Attributes
    ----------
    verdict : str
        :data:`FEWER`, :data:`MORE`, :data:`NO_CLEAR_CHANGE` or :data:`TOO_FEW`.
    text : str
        The verdict in words (current language), with the figures.
    treated, controls : int
        Patrolled hotspots compared, and unpatrolled hotspots available as comparisons.
    estimate, ci_low, ci_high : float
        Change in incidents per patrolled hotspot and window, beyond the matched comparisons'
        change, and its 95 % interval (NaN when too few).
    pre_mean : float
        Incidents per patrolled hotspot in the window before (the scale of ``estimate``).
    ring_estimate, ring_ci_low, ring_ci_high : float
        The same in the ring around each hotspot: a rise there would be displacement.
    window_days : int
    per_hotspot : pandas.DataFrame
        :data:`PER_HOTSPOT_COLUMNS`, one row per patrolled hotspot compared.
    """

    verdict: str
    text: str
    treated: int
    controls: int
    estimate: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    pre_mean: float = float("nan")
    ring_estimate: float = float("nan")
    ring_ci_low: float = float("nan")
    ring_ci_high: float = float("nan")
    window_days: int = DEFAULT_WINDOW_DAYS
    per_hotspot: pd.DataFrame = field(default_factory=pd.DataFrame)


def _times_in(
    incidents: gpd.GeoDataFrame, areas: gpd.GeoSeries, crs: str
) -> dict[object, np.ndarray]:
    """Return, for every area (by index), the sorted incident times inside it (ns)."""
    points = gpd.GeoDataFrame(
        {"t": incidents[OCCURRED_AT].to_numpy()}, geometry=incidents.geometry
    ).to_crs(crs)
    zones = gpd.GeoDataFrame({"area": areas.index}, geometry=areas.to_crs(crs).to_numpy(), crs=crs)
    joined = gpd.sjoin(points, zones, predicate="within", how="inner")
    stamps = pd.DatetimeIndex(pd.to_datetime(joined["t"], utc=True)).as_unit("ns").asi8
    out: dict[object, np.ndarray] = {a: np.zeros(0, dtype=np.int64) for a in areas.index}
    for area, idx in joined.groupby("area").indices.items():
        out[area] = np.sort(stamps[idx])
    return out


def _count(times: np.ndarray, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Return how many times fall in [start, end)."""
    lo, hi = np.searchsorted(times, [start.value, end.value])
    return int(hi - lo)


def _windows(times: np.ndarray, t0: pd.Timestamp, days: int) -> tuple[int, int, int, int]:
    """Return (pre, post, baseline, baseline trend) counts around ``t0``.

    The baseline is the window before the pre window: matching on it, not on the pre window
    itself, keeps the pre window's chance highs and lows out of the match (no regression to
    the mean in the estimate). Its trend is its late half − its early half.
    """
    width = pd.Timedelta(days=days)
    half = pd.Timedelta(days=days / 2)
    pre = _count(times, t0 - width, t0)
    post = _count(times, t0, t0 + width)
    base_start = t0 - 2 * width
    base = _count(times, base_start, t0 - width)
    trend = _count(times, base_start + half, t0 - width) - _count(
        times, base_start, base_start + half
    )
    return pre, post, base, trend


def _match(own: np.ndarray, ctrl: np.ndarray, k: int) -> np.ndarray:
    """Return the positions of the ``k`` controls nearest ``own`` in standardised baseline."""
    feats = np.vstack([ctrl, own[None, :]])
    scale = feats.std(axis=0)
    scale[scale == 0] = 1.0
    dist = np.hypot(*((ctrl - own) / scale).T)
    return np.argsort(dist, kind="stable")[:k]


def _did(own: np.ndarray, ctrl: np.ndarray, k: int, chosen: np.ndarray | None = None) -> np.ndarray:
    """Return each treated hotspot's difference in differences (inside, ring).

    ``own`` is (treated, 6): pre, post, baseline, trend, ring pre, ring post; ``ctrl`` is
    (treated, controls, 6), the controls counted in each treated hotspot's windows;
    ``chosen`` limits the controls (a bootstrap sample).
    """
    out = np.empty((len(own), 2))
    pool = np.arange(ctrl.shape[1]) if chosen is None else chosen
    for i, row in enumerate(own):
        cands = ctrl[i, pool]
        best = cands[_match(row[2:4], cands[:, 2:4], k)]
        out[i, 0] = (row[1] - row[0]) - (best[:, 1] - best[:, 0]).mean()
        out[i, 1] = (row[5] - row[4]) - (best[:, 5] - best[:, 4]).mean()
    return out


def _bootstrap(
    own: np.ndarray, ctrl: np.ndarray, k: int, n: int, seed: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return the 95 % intervals (inside, ring) resampling patrolled and unpatrolled hotspots.

    Each resample draws both with replacement and matches again, so the interval holds the
    uncertainty of the comparisons too (seeded).
    """
    rng = np.random.default_rng(seed)
    means = np.empty((n, 2))
    for b in range(n):
        rows = rng.integers(0, len(own), size=len(own))
        chosen: np.ndarray = rng.integers(0, ctrl.shape[1], size=int(ctrl.shape[1]))
        means[b] = _did(own[rows], ctrl[rows], k, chosen).mean(axis=0)
    low, high = np.percentile(means, [2.5, 97.5], axis=0)
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def _too_few(treated: int, controls: int, pre: int, days: int) -> EffectResult:
    # TRANSLATORS: the "did patrolling work?" report when the data cannot tell.
    text = _(
        "too few data to tell: {treated} patrolled hotspots, {controls} comparable "
        "unpatrolled ones and {pre} incidents before patrolling (needed: {t}, {c} and {p})"
    ).format(
        treated=format_int(treated),
        controls=format_int(controls),
        pre=format_int(pre),
        t=MIN_TREATED,
        c=MIN_CONTROLS,
        p=MIN_PRE_INCIDENTS,
    )
    return EffectResult(TOO_FEW, text, treated, controls, window_days=days)


def patrol_effect(
    incidents: gpd.GeoDataFrame,
    hotspots: gpd.GeoSeries,
    started: Mapping[object, pd.Timestamp | dt.date],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    ring_m: tuple[float, float] = DEFAULT_RING_M,
    matches: int = DEFAULT_MATCHES,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    metric_crs: str | None = None,
) -> EffectResult:
    """Estimate what patrolling changed in patrolled hotspots, against matched unpatrolled ones.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        With tz-aware ``occurred_at``.
    hotspots : geopandas.GeoSeries
        Hotspot polygons indexed by hotspot id (patrolled and not).
    started : Mapping
        Hotspot id → first day of patrols (the rest are unpatrolled).
    window_days : int
        Length of the windows before and after.
    ring_m : (float, float)
        Inner and outer distance of the displacement ring around each hotspot, metres.
    matches : int
        Unpatrolled hotspots compared with each patrolled one.
    bootstrap : int
        Bootstrap resamples of the interval.
    seed : int
    metric_crs : str, optional

    Returns
    -------
    EffectResult
    """
    days = check_days(window_days, "window_days", high=366)
    inner = check_metres(ring_m[0], "ring_m[0]", high=5000.0, allow_low=True)
    outer = check_metres(ring_m[1], "ring_m[1]", low=inner, high=5000.0)
    k = check_count(matches, "matches", low=1, high=20)
    n_boot = check_count(bootstrap, "bootstrap", low=100, high=100_000)
    crs = metric_crs or metric_crs_for(gpd.GeoDataFrame(geometry=hotspots)).to_string()
    treated_ids = [h for h in hotspots.index if h in started]
    control_ids = [h for h in hotspots.index if h not in started]
    if not len(incidents) or not treated_ids:
        return _too_few(len(treated_ids), len(control_ids), 0, days)
    inside = _times_in(incidents, hotspots, crs)
    tz = incidents[OCCURRED_AT].dt.tz
    starts = []
    for h in treated_ids:
        t0 = pd.Timestamp(started[h])
        starts.append(t0.tz_localize(tz) if t0.tzinfo is None else t0)
    if len(treated_ids) < MIN_TREATED or len(control_ids) < MIN_CONTROLS:
        # the report says how many incidents there were before: counted, not assumed 0
        pre = sum(
            _windows(inside[h], t0, days)[0] for h, t0 in zip(treated_ids, starts, strict=True)
        )
        return _too_few(len(treated_ids), len(control_ids), pre, days)
    metric = hotspots.to_crs(crs)
    rings = metric.buffer(outer).difference(metric.buffer(inner)).to_crs(hotspots.crs)
    around = _times_in(incidents, rings, crs)

    def counts(h: object, t0: pd.Timestamp) -> list[int]:
        return [*_windows(inside[h], t0, days), *_windows(around[h], t0, days)[:2]]

    own = np.array([counts(h, t0) for h, t0 in zip(treated_ids, starts, strict=True)], float)
    ctrl = np.array([[counts(c, t0) for c in control_ids] for t0 in starts], dtype=float)
    dids = _did(own, ctrl, min(k, len(control_ids)))
    best = [_match(own[i, 2:4], ctrl[i, :, 2:4], k) for i in range(len(own))]
    table = pd.DataFrame(
        {
            HOTSPOT: treated_ids,
            START: [t.date() for t in starts],
            PRE: own[:, 0].astype(int),
            POST: own[:, 1].astype(int),
            CONTROL_PRE: [ctrl[i, b, 0].mean() for i, b in enumerate(best)],
            CONTROL_POST: [ctrl[i, b, 1].mean() for i, b in enumerate(best)],
            DID: dids[:, 0],
            RING_DID: dids[:, 1],
        }
    )
    if int(table[PRE].sum()) < MIN_PRE_INCIDENTS:
        return _too_few(len(treated_ids), len(control_ids), int(table[PRE].sum()), days)
    est, r_est = float(table[DID].mean()), float(table[RING_DID].mean())
    (low, high), (r_low, r_high) = _bootstrap(own, ctrl, k, n_boot, seed)
    verdict = FEWER if high < 0 else MORE if low > 0 else NO_CLEAR_CHANGE
    result = EffectResult(
        verdict,
        _verdict_text(verdict, est, low, high, float(table[PRE].mean()), r_est, r_low, r_high),
        len(treated_ids),
        len(control_ids),
        est,
        low,
        high,
        float(table[PRE].mean()),
        r_est,
        r_low,
        r_high,
        days,
        table,
    )
    logger.info("patrol effect: %s (%.2f [%.2f, %.2f])", verdict, est, low, high)
    return result


def _verdict_text(
    verdict: str,
    est: float,
    low: float,
    high: float,
    pre: float,
    r_est: float,
    r_low: float,
    r_high: float,
) -> str:
    """Return the verdict in words with its figures (current language)."""
    heads = {
        FEWER: _("patrolled hotspots had fewer incidents than comparable unpatrolled ones"),
        MORE: _("patrolled hotspots had more incidents than comparable unpatrolled ones"),
        NO_CLEAR_CHANGE: _("no clear change in patrolled hotspots against comparable ones"),
    }
    # TRANSLATORS: {est} is a change of incidents per hotspot (signed), [{low}, {high}] its
    # 95 % interval, {pre} incidents per hotspot before; the ring checks displacement.
    body = _(
        "{est} incidents per hotspot (95 % interval {low} to {high}; {pre} before); "
        "in the ring around them {ring} ({ring_low} to {ring_high}): a clear rise there "
        "would mean displacement"
    ).format(
        est=f"{est:+.1f}",
        low=f"{low:+.1f}",
        high=f"{high:+.1f}",
        pre=f"{pre:.1f}",
        ring=f"{r_est:+.1f}",
        ring_low=f"{r_low:+.1f}",
        ring_high=f"{r_high:+.1f}",
    )
    return f"{heads[verdict]}: {body}"
