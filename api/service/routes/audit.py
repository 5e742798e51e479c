"""``GET /audit``: the audit log and anonymous request counters, JSON or CSV (administrators)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.service.audit import check_period, counts_table, entries_table
from api.service.deps import Admin, ServiceState, State
from api.service.routes.common import PROBLEM_RESPONSES
from geo.csv_safe import csv_text

router = APIRouter(tags=["audit"])

#: Download names of the CSV exports.
AUDIT_CSV: Final = "audit.csv"
COUNTS_CSV: Final = "audit-counts.csv"


class AuditFormat(StrEnum):
    """How the log is returned."""

    JSON = "json"
    CSV = "csv"


class AuditOut(BaseModel):
    """One audited request."""

    at: str = Field(examples=["2026-11-28T12:00:00.000+00:00"])
    user: str | None = Field(examples=["planner"])
    role: str | None = Field(examples=["planner"])
    method: str = Field(examples=["GET"])
    route: str = Field(examples=["/hotspots"])
    path: str = Field(examples=["/hotspots"])
    params: dict[str, Any] = Field(examples=[{"eps_m": "150"}])
    thana: str | None = Field(examples=["Lanka"])
    status: int = Field(examples=[200])
    outcome: str = Field(examples=["ok"])
    duration_ms: float


class AuditCountOut(BaseModel):
    """How many anonymous requests a route answered with a status on one UTC day."""

    day: str = Field(examples=["2026-11-28"])
    route: str = Field(examples=["(unmatched)"])
    method: str = Field(examples=["GET"])
    status: int = Field(examples=[404])
    count: int = Field(examples=[12])


FromOpt = Annotated[
    dt.date | None, Query(alias="from", description="First day (UTC, YYYY-MM-DD), included.")
]
ToOpt = Annotated[
    dt.date | None, Query(alias="to", description="Last day (UTC, YYYY-MM-DD), included.")
]
FormatOpt = Annotated[
    AuditFormat,
    Query(alias="format", description="json (default) or csv (spreadsheet-safe download)."),
]


@dataclass(frozen=True)
class Period:
    """The days a listing covers (UTC, both included; ``None``: open-ended)."""

    start: dt.date | None
    end: dt.date | None


def period(start: FromOpt = None, end: ToOpt = None) -> Period:
    """Return the ``from``/``to`` query parameters as a checked :class:`Period`."""
    check_period(start, end)
    return Period(start, end)


PeriodDep = Annotated[Period, Depends(period)]


@dataclass(frozen=True)
class Listing:
    """What both audit listings take: the service, the days (``from``, ``to``) and ``format``."""

    state: ServiceState
    days: Period
    fmt: AuditFormat

    def answer(
        self,
        rows: Sequence[Any],
        table: Callable[[Sequence[Any]], Any],
        filename: str,
        model: type[BaseModel],
    ) -> Any:
        """Return ``rows`` as JSON models, or as a spreadsheet-safe CSV download."""
        if self.fmt is AuditFormat.CSV:
            return _csv(csv_text(table(rows)), filename)
        return [model(**row.as_dict()) for row in rows]


def _listing(
    state: State, user: Admin, days: PeriodDep, fmt: FormatOpt = AuditFormat.JSON
) -> Listing:
    return Listing(state, days, fmt)


#: An administrator's listing of the audit log: the period and the format.
ListingDep = Annotated[Listing, Depends(_listing)]


def _responses(example: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "JSON list, or a CSV file with format=csv.",
            "content": {"text/csv": {"example": example}},
        },
        **PROBLEM_RESPONSES,
    }


def _csv(text: str, filename: str) -> Response:
    return Response(
        content=text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/audit",
    summary="Audit log",
    response_model=list[AuditOut],
    responses=_responses("at,user,role,method,route,path,params,thana,status,outcome,…\n"),
)
def audit_log(
    listing: ListingDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Entries to return.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Entries to skip.")] = 0,
    who: Annotated[
        str | None, Query(max_length=64, description="Only this user's requests.")
    ] = None,
) -> Any:
    """Return who asked what, when, for which thana, and the outcome, newest first.

    Requests with a user (and login attempts) are entries; anonymous requests are only
    counted (``GET /audit/counts``). ``shakti audit export`` writes the whole log to a file.
    """
    days = listing.days
    entries = listing.state.audit.entries(
        limit=limit, offset=offset, user=who, start=days.start, end=days.end
    )
    return listing.answer(entries, entries_table, AUDIT_CSV, AuditOut)


@router.get(
    "/audit/counts",
    summary="Anonymous request counters",
    response_model=list[AuditCountOut],
    responses=_responses("day,route,method,status,count\n2026-11-28,(unmatched),GET,404,12\n"),
)
def audit_counts(listing: ListingDep) -> Any:
    """Return how many anonymous requests each route answered with each status, per UTC day."""
    counts = listing.state.audit.counts(start=listing.days.start, end=listing.days.end)
    return listing.answer(counts, counts_table, COUNTS_CSV, AuditCountOut)
