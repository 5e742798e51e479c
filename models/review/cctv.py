"""CCTV at places of study and training: sites a working camera sees, cameras added."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo.schema import INSTALLED_ON, KIND
from models.cctv import columns as cc
from models.review import columns as rc
from models.review.groups import count_by, group_keys, groups_of
from models.review.period import Period


def cctv_figures(
    gaps: pd.DataFrame,
    cctv: pd.DataFrame,
    period: Period,
    thanas: Sequence[str],
    *,
    whole: bool = False,
) -> pd.DataFrame:
    """Return each thana's camera coverage of schools, colleges, coaching and training centres.

    Coverage comes from the CCTV gap analysis (:func:`models.cctv.gaps.gap_analysis`): a site
    is covered when its ``gap_status`` is ``covered`` (a working camera's view reaches it).
    Cameras added are the register's cameras installed in the period (``installed_on``).

    Parameters
    ----------
    gaps : pandas.DataFrame
        ``GapAnalysis.gaps`` (``kind``, ``gap_status``, ``thana``) at the period's end; not
        modified.
    cctv : pandas.DataFrame
        The CCTV layer (``installed_on``, ``thana``); not modified.
    period : Period
        The days whose camera installations count (``gaps`` is as of its last day).
    thanas : sequence of str
        The rows of the result (every thana of the commissionerate).
    whole : bool
        One row, :data:`models.review.columns.COMMISSIONERATE`, for every site and camera.

    Returns
    -------
    pandas.DataFrame
        Indexed by thana, columns :data:`models.review.columns.CCTV_COLUMNS`; the coverage
        share is NaN where there is no such site.
    """
    index = groups_of(thanas, whole=whole)
    keys = group_keys(gaps, whole=whole)
    kinds = gaps[KIND] if KIND in gaps.columns else pd.Series(None, index=gaps.index)
    covered = (
        (gaps[cc.GAP_STATUS] == cc.COVERED_STATUS).fillna(False).astype(bool)
        if cc.GAP_STATUS in gaps.columns
        else pd.Series(False, index=gaps.index)
    )
    out = pd.DataFrame(index=index)
    study = kinds.isin(rc.STUDY_SITE_KINDS).astype(bool)
    out[rc.STUDY_SITES] = count_by(study, keys, index)
    out[rc.STUDY_SITES_COVERED] = count_by(study & covered, keys, index)
    sites = out[rc.STUDY_SITES].replace(0, np.nan)
    out[rc.STUDY_COVERAGE] = (out[rc.STUDY_SITES_COVERED] / sites).astype("float64")
    for kind in rc.STUDY_SITE_KINDS:
        of_kind = (kinds == kind).fillna(False).astype(bool)
        out[rc.sites_of(kind)] = count_by(of_kind, keys, index)
        out[rc.covered_of(kind)] = count_by(of_kind & covered, keys, index)
    cam_keys = group_keys(cctv, whole=whole)
    added = period.rows_in(cctv, INSTALLED_ON)
    out[rc.CAMERAS_ADDED] = count_by(added, cam_keys, index)
    return out
