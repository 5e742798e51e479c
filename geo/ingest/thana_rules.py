"""A register keyed by thana name: every row's thana must be one of the store's thanas."""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import _
from geo.ingest.columns import ColumnPlan
from geo.ingest.problems import Problems, problem_message
from geo.ingest.public_text import describe_names
from geo.ingest.quarantine import Reason
from geo.places.thana_names import match_thana_names
from geo.schema import NAME, THANA

logger = logging.getLogger(__name__)


def check_stated_thanas(
    stated: pd.Series,
    thanas: pd.DataFrame,
    frame: pd.DataFrame,
    plan: ColumnPlan,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> tuple[pd.Series, pd.DataFrame]:
    """Write each row's thana as the thanas layer names it; quarantine a name meaning none.

    Centre audits and casework are keyed to a thana by name, in any script (``लंका``,
    ``Thana Lanka``: :func:`geo.places.thana_names.match_thana_names`). A value that means no
    thana of the store, or several, is not a thana: it may be a person's name typed into the
    wrong column. Its row is quarantined as ``unknown-thana`` and the value itself is emptied
    in the file's cells the quarantine keeps, so it is never stored or shown; the message
    names the row, the field and the store's spellings to use instead.

    Parameters
    ----------
    stated : pandas.Series
        The validated ``thana`` of every row of the file (missing where empty).
    thanas : pandas.DataFrame
        The store's thanas layer (``name``, optionally ``name_hi``); not empty.
    frame : pandas.DataFrame
        The file's columns (not modified).
    plan : ColumnPlan
        Which column of the file is the ``thana`` field.
    problems : Problems
        Where the quarantined rows are recorded.
    rows : numpy.ndarray
        The file row number of every position.

    Returns
    -------
    thana : pandas.Series
        ``stated`` with every matched name replaced by the thanas layer's name.
    frame : pandas.DataFrame
        ``frame``, or a copy with the unmatched cells of the thana column emptied.
    """
    found = match_thana_names(stated, thanas)
    unknown = (found.matched.isna() & stated.notna()).to_numpy(dtype=bool)
    thana = found.matched.where(~unknown, stated).astype("string")
    if not unknown.any():
        return thana, frame
    examples = describe_names(thanas[NAME].astype(str), limit=3)
    positions = np.flatnonzero(unknown)
    problems.add(
        positions,
        THANA,
        Reason.UNKNOWN_THANA,
        [
            problem_message(
                int(rows[p]),
                THANA,
                _(
                    "the value is not the name of one of the store's thanas, so it is not "
                    "kept (it may be personal)"
                ),
                # TRANSLATORS: {examples} are thana names of the store, e.g. 'Lanka', 'Kotwali'.
                _("write the thana as the thanas layer names it, for example {examples}").format(
                    examples=examples
                ),
            )
            for p in positions
        ],
    )
    column = plan.fields.get(THANA)
    if column is not None and column in frame.columns:
        frame = frame.copy()
        frame.loc[frame.index[unknown], column] = ""
    logger.info("%d rows name no single thana of the store", int(unknown.sum()))
    return thana, frame
