"""Thana names a file states: a register's must be store thanas; a point's unknown one goes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import _, counted
from geo.ingest.columns import ColumnPlan
from geo.ingest.problems import Problems, problem_message
from geo.ingest.public_text import describe_names
from geo.ingest.quarantine import Reason
from geo.places.thana_names import match_thana_names
from geo.schema import NAME

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatedThanas:
    """The thana names one field of a file states, where they are, and the store's thanas.

    Attributes
    ----------
    field : str
        The field: ``thana`` (a layer keyed to a thana) or ``thana_stated`` (a point's).
    values : pandas.Series
        The validated value of the field in every row of the file (missing where empty).
    frame : pandas.DataFrame
        The file's columns (not modified).
    plan : ColumnPlan
        Which column of the file holds the field.
    thanas : pandas.DataFrame
        The store's thanas layer (``name``, optionally ``name_hi``) the names must be of; not
        empty.
    """

    field: str
    values: pd.Series
    frame: pd.DataFrame
    plan: ColumnPlan
    thanas: pd.DataFrame

    def frame_emptied(self, rows: npt.NDArray[np.bool_]) -> pd.DataFrame:
        """Return the file's columns, or a copy with the field's cells in ``rows`` emptied."""
        column = self.plan.fields.get(self.field)
        if column is None or column not in self.frame.columns:
            return self.frame
        frame = self.frame.copy()
        frame.loc[frame.index[rows], column] = ""
        return frame


def check_stated_thanas(
    stated: StatedThanas, problems: Problems, rows: npt.NDArray[np.int64]
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
    stated : StatedThanas
        The file's ``thana`` field.
    problems : Problems
        Where the quarantined rows are recorded.
    rows : numpy.ndarray
        The file row number of every position.

    Returns
    -------
    thana : pandas.Series
        The stated values with every matched name replaced by the thanas layer's name.
    frame : pandas.DataFrame
        The file's columns, or a copy with the unmatched cells of the thana column emptied.
    """
    found = match_thana_names(stated.values, stated.thanas)
    unknown = (found.matched.isna() & stated.values.notna()).to_numpy(dtype=bool)
    thana = found.matched.where(~unknown, stated.values).astype("string")
    if not unknown.any():
        return thana, stated.frame
    examples = describe_names(stated.thanas[NAME].astype(str), limit=3)
    positions = np.flatnonzero(unknown)
    problems.add(
        positions,
        stated.field,
        Reason.UNKNOWN_THANA,
        [
            problem_message(
                int(rows[p]),
                stated.field,
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
    logger.info("%d rows name no single thana of the store", int(unknown.sum()))
    return thana, stated.frame_emptied(unknown)


def withhold_unknown_stated(
    stated: StatedThanas, warnings: list[str]
) -> tuple[pd.Series, pd.DataFrame]:
    """Drop each point's stated thana (``thana_stated``) that names no thana of the store.

    A point's thana comes from the polygon that holds it; the thana its record states is kept
    to flag a disagreement (``thana_mismatch``) and to make serial ids unique per thana. A
    value meaning no thana of the store, nor several (:func:`match_thana_names`), is not a
    thana: it may be a person's name typed into the wrong column. The row is kept (its place
    and time are valid), but the value is withheld: emptied in the stated thanas and in the
    file's cells a quarantine keeps, so it is never stored, shown or part of an id. A warning
    counts the rows.

    Parameters
    ----------
    stated : StatedThanas
        The file's ``thana_stated`` field.
    warnings : list of str
        Where the warning is added.

    Returns
    -------
    thana_stated : pandas.Series
        The stated values with every unknown name missing.
    frame : pandas.DataFrame
        The file's columns, or a copy with the unknown cells of the stated-thana column emptied.
    """
    unknown = unknown_stated(stated.values, stated.thanas)
    if not unknown.any():
        return stated.values, stated.frame
    n_rows = int(unknown.sum())
    warnings.append(
        counted(
            n_rows,
            "{n} row names a police station that is not one of the store's thanas: the name "
            "was not kept (it may be personal); the row's thana comes from its place",
            "{n} rows name a police station that is not one of the store's thanas: the names "
            "were not kept (they may be personal); each row's thana comes from its place",
        )
    )
    logger.info("%d stated thanas name no thana of the store: withheld", n_rows)
    return stated.values.mask(unknown), stated.frame_emptied(unknown)


def unknown_stated(stated: pd.Series, thanas: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Return where a stated thana names no thana of ``thanas``, nor several (missing: False).

    Each distinct name is matched once (:func:`match_thana_names`); an ambiguous name is a
    thana's name, so it is known.
    """
    names = pd.Series(stated.dropna().unique(), dtype="string")
    found = match_thana_names(names, thanas)
    known = found.matched.notna() | names.isin(list(found.ambiguous))
    unknown: npt.NDArray[np.bool_] = stated.isin(
        names[~known.to_numpy(dtype=bool)].tolist()
    ).to_numpy(dtype=bool)
    return unknown
