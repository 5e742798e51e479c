"""Centre resources against a norm: what each thana's centre lacks and what to fix first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from geo.centre import AUDITED_ON, CENTRE_RESOURCES, needed_column, working_column
from geo.errors import ParameterError
from geo.schema import THANA
from models.review import columns as rc
from models.review.groups import groups_of
from models.review.period import Period, local_days

#: The default norm: the least a centre needs in working order.
DEFAULT_MINIMUM: Final[Mapping[str, int]] = MappingProxyType(
    {"computers": 1, "womens_toilet": 1, "mobile_phones": 2, "sim_cards": 2, "vehicles": 1}
)
#: The default order of fixing: what a centre cannot work without first.
DEFAULT_FIX_ORDER: Final = (
    "womens_toilet",
    "computers",
    "mobile_phones",
    "sim_cards",
    "vehicles",
    "women_staff",
    "rooms",
    "registers",
    "furniture",
)


def _default_minimum() -> Mapping[str, int]:
    return dict(DEFAULT_MINIMUM)


@dataclass(frozen=True)
class ResourceNorm:
    """What a centre should have in working order, and which shortfall to fix first.

    Attributes
    ----------
    minimum : mapping of str to int
        Least working count of a resource (of :data:`geo.centre.CENTRE_RESOURCES`).
    use_needed : bool
        Also hold each resource to the audit's own ``<resource>_needed`` count (the larger of
        the two is required).
    fix_order : tuple of str
        Resources in the order their shortfalls are fixed (others after them).
    """

    minimum: Mapping[str, int] = field(default_factory=_default_minimum)
    use_needed: bool = True
    fix_order: tuple[str, ...] = DEFAULT_FIX_ORDER

    def __post_init__(self) -> None:
        """Check the resources and counts."""
        unknown = sorted(set(self.minimum) - set(CENTRE_RESOURCES))
        if unknown:
            raise ParameterError(
                f"the resource norm names unknown resources: {', '.join(unknown)}",
                why="a norm holds the audited resources only",
                fix="use some of " + ", ".join(CENTRE_RESOURCES),
            )
        bad = {k: v for k, v in self.minimum.items() if int(v) != v or v < 0}
        if bad:
            raise ParameterError(
                f"the resource norm has counts that are not whole numbers ≥ 0: {bad}",
                fix="write each minimum as 0, 1, 2, …",
            )

    def rank(self, resource: str) -> int:
        """Return the place of a resource in the order of fixing (0 first)."""
        order = list(self.fix_order) + [r for r in CENTRE_RESOURCES if r not in self.fix_order]
        return order.index(resource) if resource in order else len(order)


def latest_audits(audit: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Return each thana's latest audit on or before the period's last day (one row each)."""
    if audit.empty or THANA not in audit.columns or AUDITED_ON not in audit.columns:
        return audit.iloc[0:0]
    days = local_days(audit[AUDITED_ON])
    ok = (days <= period.last_day()).to_numpy()
    chosen = audit[ok].assign(_day=days[ok])
    latest = chosen.sort_values([THANA, "_day"], kind="stable").groupby(THANA).tail(1)
    return latest.drop(columns="_day").set_index(THANA)


def _count(row: pd.Series, column: str) -> float:
    """Return a count of an audit row (NaN when missing or not a number)."""
    value = pd.to_numeric(pd.Series([row.get(column)]), errors="coerce").iloc[0]
    return float(value) if pd.notna(value) else float("nan")


def shortfalls(audit: pd.DataFrame, period: Period, norm: ResourceNorm) -> pd.DataFrame:
    """Return every resource a thana's centre lacks at its latest audit, in the order to fix.

    Required is the norm's minimum and (with ``norm.use_needed``) the audit's own needed
    count, whichever is larger; short is required minus working (a missing working count is
    0 working). Rows are ordered by thana, then by ``fix_order`` (the norm's order of fixing,
    then the larger shortfall).

    Parameters
    ----------
    audit : pandas.DataFrame
        The centre audit layer (:mod:`geo.centre` columns and ``thana``); not modified.
    period : Period
    norm : ResourceNorm

    Returns
    -------
    pandas.DataFrame
        Indexed by thana (repeated), columns :data:`models.review.columns.SHORTFALL_COLUMNS`.
    """
    rows: list[tuple[str, str, int, int, int, int]] = []
    for thana, row in latest_audits(audit, period).iterrows():
        for resource in CENTRE_RESOURCES:
            working = _count(row, working_column(resource))
            needed = _count(row, needed_column(resource)) if norm.use_needed else float("nan")
            required = np.nanmax([float(norm.minimum.get(resource, 0)), needed, 0.0])
            have = 0.0 if np.isnan(working) else working
            if have < required:
                rows.append(
                    (str(thana), resource, int(have), int(required), int(required - have), 0)
                )
    frame = pd.DataFrame(rows, columns=[rc.THANA_INDEX, *rc.SHORTFALL_COLUMNS])
    frame["_rank"] = [norm.rank(r) for r in frame[rc.RESOURCE]]
    frame = frame.sort_values(
        [rc.THANA_INDEX, "_rank", rc.SHORT], ascending=[True, True, False], kind="stable"
    )
    frame[rc.FIX_ORDER] = frame.groupby(rc.THANA_INDEX).cumcount().astype("int64") + 1
    return frame.drop(columns="_rank").set_index(rc.THANA_INDEX)


def resource_figures(
    audit: pd.DataFrame,
    short: pd.DataFrame,
    period: Period,
    thanas: Sequence[str],
    *,
    whole: bool = False,
) -> pd.DataFrame:
    """Return each thana's last audit day, resources short, units short and what to fix first.

    Parameters
    ----------
    audit : pandas.DataFrame
        The centre audit layer; not modified.
    short : pandas.DataFrame
        :func:`shortfalls` of it.
    period : Period
    thanas : sequence of str
    whole : bool
        One row for the commissionerate (its fix-first is the most common one).

    Returns
    -------
    pandas.DataFrame
        Indexed by thana, columns :data:`models.review.columns.RESOURCE_COLUMNS`; a thana
        without an audit has no day and fix-first :data:`models.review.columns.NO_AUDIT`.
    """
    index = groups_of(thanas, whole=whole)
    latest = latest_audits(audit, period)
    out = pd.DataFrame(index=index)
    if whole:
        days = local_days(latest[AUDITED_ON]) if len(latest) else pd.Series(dtype="datetime64[ns]")
        out[rc.AUDITED_ON] = days.max() if len(days) else pd.NaT
        out[rc.SHORT_ITEMS] = len(short)
        out[rc.SHORT_UNITS] = int(short[rc.SHORT].sum())
        first = short[short[rc.FIX_ORDER] == 1][rc.RESOURCE]
        out[rc.FIX_FIRST] = first.mode().iloc[0] if len(first) else ""
        return out
    days = local_days(latest[AUDITED_ON]) if len(latest) else pd.Series(dtype="datetime64[ns]")
    out[rc.AUDITED_ON] = days.reindex(index)
    grouped = short.groupby(level=0)
    out[rc.SHORT_ITEMS] = grouped.size().reindex(index, fill_value=0).astype("int64")
    out[rc.SHORT_UNITS] = grouped[rc.SHORT].sum().reindex(index, fill_value=0).astype("int64")
    first = short[short[rc.FIX_ORDER] == 1][rc.RESOURCE]
    fix = first.reindex(index).astype(object).fillna("")
    fix[~index.isin(latest.index)] = rc.NO_AUDIT
    out[rc.FIX_FIRST] = fix
    return out
