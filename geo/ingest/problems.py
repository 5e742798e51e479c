"""Problems found while validating: collected per row and field, with what/why/fix messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.i18n import _
from geo.ingest.quarantine import Q_FIELD, Q_MESSAGE, Q_REASON, Reason


class Problems:
    """Accumulates (row position, field, reason, message) vectors."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(
        self,
        positions: npt.NDArray[np.intp],
        field_name: str,
        reason: Reason,
        messages: Sequence[str],
    ) -> None:
        """Record one problem of the rows at ``positions`` (one message per row)."""
        if len(positions) == 0:
            return
        self.parts.append(
            pd.DataFrame(
                {
                    "pos": np.asarray(positions, dtype=np.intp),
                    Q_FIELD: field_name,
                    Q_REASON: reason.value,
                    Q_MESSAGE: list(messages),
                }
            )
        )

    def add_rows(
        self,
        mask: npt.NDArray[np.bool_],
        field_name: str,
        reason: Reason,
        rows: npt.NDArray[np.int64],
        describe: Callable[[int], tuple[str, str, str]],
    ) -> None:
        """Record ``reason`` for the rows in ``mask``.

        ``describe(position)`` gives the message's (column, what, fix); ``rows`` the file row
        number of every position.
        """
        pos = np.flatnonzero(mask)
        self.add(
            pos,
            field_name,
            reason,
            [problem_message(int(rows[p]), *describe(int(p))) for p in pos],
        )

    def bad_mask(self, n: int) -> npt.NDArray[np.bool_]:
        """Return which of ``n`` rows have at least one problem."""
        mask = np.zeros(n, dtype=bool)
        for part in self.parts:
            mask[part["pos"].to_numpy()] = True
        return mask

    def frame(self) -> pd.DataFrame:
        """Return every problem recorded, one line each (``pos``, field, reason, message)."""
        if not self.parts:
            return pd.DataFrame(
                {
                    "pos": pd.Series(dtype=np.intp),
                    Q_FIELD: pd.Series(dtype=str),
                    Q_REASON: pd.Series(dtype=str),
                    Q_MESSAGE: pd.Series(dtype=str),
                }
            )
        return pd.concat(self.parts, ignore_index=True)


def problem_message(row: int, field_name: str, what: str, fix: str) -> str:
    """Return a quarantine message: which row and field, what is wrong, how to fix it.

    The frame of the message is in the current language; ``field_name`` (a column of the
    user's file) stays as it is.

    Examples
    --------
    >>> problem_message(12, "lat", "the value is empty", "fill in lat")
    "row 12, field 'lat': the value is empty. Fix: fill in lat."
    """
    # TRANSLATORS: a rejected row of an imported file: {field} is a column name of the file,
    # {what} says what is wrong and {fix} how to correct it.
    text = _("row {row}, field '{field}': {what}. Fix: {fix}.")
    return text.format(row=row, field=field_name, what=what, fix=fix)


def as_text(series: pd.Series) -> pd.Series:
    """Return values as stripped strings (pandas ``str`` dtype) with empty → missing."""
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype("str")
    out = series.str.strip()
    return out.where(out != "")
