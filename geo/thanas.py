"""Thana assignment: which police station's polygon holds each point, and stated-thana checks."""

from __future__ import annotations

import logging
import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.places.thana_names import match_thana_names
from geo.schema import NAME, THANA, THANA_MISMATCH, THANA_STATED

logger = logging.getLogger(__name__)

_STOPWORDS = re.compile(r"\b(thana|ps|p s|police station|kotwali thana)\b")
#: Anything but Latin letters and digits and Devanagari letters, signs and digits.
_NON_WORD = re.compile(r"[^a-z0-9\u0900-\u0963\u0966-\u097f]+")
#: Hindi words for "thana" ignored like "thana" and "PS" (NFC).
_HINDI_STOPWORDS = frozenset(unicodedata.normalize("NFC", w) for w in ("थाना", "थाने", "थानाक्षेत्र"))


def normalise_thana(name: object) -> str:
    """Fold a thana name for comparison: case, punctuation and words like "thana"/"PS" ignored.

    Examples
    --------
    >>> normalise_thana("Thana Lanka")
    'lanka'
    >>> normalise_thana("LANKA P.S.")
    'lanka'
    >>> normalise_thana("थाना लंका")
    'लंका'
    """
    folded = unicodedata.normalize("NFC", str(name).lower().replace(".", ""))
    text = _STOPWORDS.sub(" ", _NON_WORD.sub(" ", folded))
    return " ".join(t for t in text.split() if t not in _HINDI_STOPWORDS)


def assign_thanas(points: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Find the thana polygon that contains each point.

    A point on a shared boundary goes to the alphabetically first thana, so the answer does
    not depend on row order. Points in no polygon get ``<NA>``.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Point layer in any CRS (not modified).
    thanas : geopandas.GeoDataFrame
        The thanas layer with a ``name`` column (and, optionally, ``name_hi``: a stated
        thana written with the thana's Hindi name agrees with it too).

    Returns
    -------
    pandas.DataFrame
        Index-aligned to ``points``, with column ``thana`` and, when ``points`` has a
        ``thana_stated`` column, ``thana_mismatch`` (True when a stated thana names a
        different station than the polygon; names in any script are matched by
        :func:`geo.places.thana_names.match_thana_names`, with the layer's ``name_hi`` when
        it has one).
    """
    out = pd.DataFrame(index=points.index)
    assigned = pd.Series(pd.NA, index=points.index, dtype="string")
    if len(points) and len(thanas):
        polys = thanas.to_crs(WGS84).sort_values(NAME, kind="stable")
        geoms = polys.geometry.to_numpy()
        names = polys[NAME].astype("string").to_numpy()
        tree = shapely.STRtree(geoms)
        pts = points.to_crs(WGS84).geometry.to_numpy()
        pt_idx, poly_idx = tree.query(pts, predicate="intersects")
        if len(pt_idx):
            # Keep, per point, the polygon that sorts first by name (lowest position).
            order = np.lexsort((poly_idx, pt_idx))
            pt_sorted, poly_sorted = pt_idx[order], poly_idx[order]
            first = np.r_[True, pt_sorted[1:] != pt_sorted[:-1]]
            values = assigned.to_numpy(dtype=object)
            values[pt_sorted[first]] = names[poly_sorted[first]]
            assigned = pd.Series(values, index=points.index, dtype="string")
    out[THANA] = assigned
    if THANA_STATED in points.columns:
        stated = points[THANA_STATED].astype("string")
        names = match_thana_names(stated, thanas)
        agrees = (names.matched == assigned).fillna(False).to_numpy(dtype=bool)
        # an ambiguous stated name agrees with the polygon when it is one of its readings
        for value, readings in names.ambiguous.items():
            at = (stated == value).fillna(False).to_numpy(dtype=bool)
            agrees[at] = assigned[at].isin(readings).to_numpy(dtype=bool)
        mismatch = stated.notna().to_numpy(dtype=bool) & ~agrees
        out[THANA_MISMATCH] = pd.Series(mismatch, index=points.index, dtype=bool)
    n_out = int(assigned.isna().sum())
    if n_out:
        logger.info("%d points lie in no thana polygon", n_out)
    return out
