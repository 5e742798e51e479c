"""Rules across the fields of one row (casework dates and outcome), recorded as problems."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.centre import CASE_OUTCOME, DISPOSED_ON, OUTCOME_PENDING, RECEIVED_ON
from geo.i18n import _
from geo.ingest.problems import Problems
from geo.ingest.quarantine import Q_FIELD, Reason
from geo.schema import LayerKind, LayerSpec

#: One rule: the field values, the problems, the file row numbers and the file's column of
#: each field (for messages).
Rule = Callable[[Mapping[str, pd.Series], Problems, npt.NDArray[np.int64], Mapping[str, str]], None]


def _casework_dates(
    values: Mapping[str, pd.Series],
    problems: Problems,
    rows: npt.NDArray[np.int64],
    columns: Mapping[str, str],
) -> None:
    """Check a complaint's disposal against its outcome and receipt.

    A pending complaint has no disposal date; any other needs one, on or after the day it
    was received. Rows whose dates or outcome could not be read are left to their own
    problems.
    """
    received, disposed = values[RECEIVED_ON], values[DISPOSED_ON]
    outcome = values[CASE_OUTCOME]
    pending = (outcome == OUTCOME_PENDING).fillna(False).to_numpy(dtype=bool)
    known = outcome.notna().to_numpy(dtype=bool)
    has_disposal = disposed.notna().to_numpy(dtype=bool, copy=True)
    # a disposal date given but unreadable (or in the future) is already a problem of its own
    has_disposal |= _rows_with_problem(problems, DISPOSED_ON, len(disposed))
    column = columns.get(DISPOSED_ON, DISPOSED_ON)
    problems.add_rows(
        pending & has_disposal,
        DISPOSED_ON,
        Reason.PENDING_WITH_DISPOSAL,
        rows,
        lambda p: (
            column,
            _("the complaint is pending but has a disposal date ({day})").format(
                day=disposed.iloc[p].date().isoformat()
            ),
            _("empty the disposal date, or give the outcome the complaint was disposed with"),
        ),
    )
    problems.add_rows(
        known & ~pending & ~has_disposal,
        DISPOSED_ON,
        Reason.MISSING_VALUE,
        rows,
        lambda p: (
            column,
            _("the complaint is {outcome} but has no disposal date").format(
                outcome=outcome.iloc[p]
            ),
            _("give the day it was disposed of, or mark it pending"),
        ),
    )
    early = (disposed < received).fillna(False).to_numpy(dtype=bool) & ~pending
    problems.add_rows(
        early,
        DISPOSED_ON,
        Reason.DISPOSED_BEFORE_RECEIVED,
        rows,
        lambda p: (
            column,
            _("disposed of on {disposed}, before it was received on {received}").format(
                disposed=disposed.iloc[p].date().isoformat(),
                received=received.iloc[p].date().isoformat(),
            ),
            _("check both dates and the day/month order; dates are read day-first"),
        ),
    )


def _rows_with_problem(problems: Problems, field_name: str, n: int) -> npt.NDArray[np.bool_]:
    """Return which of ``n`` rows already have a problem in field ``field_name``."""
    mask = np.zeros(n, dtype=bool)
    lines = problems.frame()
    mask[lines.loc[lines[Q_FIELD] == field_name, "pos"].to_numpy(dtype=np.intp)] = True
    return mask


#: The rules of each layer (layers without one have none).
ROW_RULES: Mapping[LayerKind, tuple[Rule, ...]] = {
    LayerKind.CASEWORK: (_casework_dates,),
}


def check_rows(
    spec: LayerSpec,
    values: Mapping[str, pd.Series],
    problems: Problems,
    rows: npt.NDArray[np.int64],
    columns: Mapping[str, str],
) -> None:
    """Apply the row rules of a layer, recording a problem for every row breaking one.

    Parameters
    ----------
    spec : LayerSpec
    values : mapping of str to pandas.Series
        The parsed field values, aligned to the file's rows.
    problems : Problems
        Collects the problems.
    rows : numpy.ndarray
        1-based file row numbers.
    columns : mapping of str to str
        Field → the file's column it was read from (messages name the user's column).
    """
    for rule in ROW_RULES.get(spec.kind, ()):
        rule(values, problems, rows, columns)
