"""``GET /audit``: the audit log, newest first (administrators only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import Admin, State
from api.routes.common import PROBLEM_RESPONSES

router = APIRouter(tags=["audit"])


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


@router.get("/audit", summary="Audit log", responses=PROBLEM_RESPONSES)
def audit_log(
    state: State,
    user: Admin,
    limit: Annotated[int, Query(ge=1, le=1000, description="Entries to return.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Entries to skip.")] = 0,
    who: Annotated[
        str | None, Query(max_length=64, description="Only this user's requests.")
    ] = None,
) -> list[AuditOut]:
    """Return who asked what, when, for which thana, and the outcome, newest first."""
    entries = state.audit.entries(limit=limit, offset=offset, user=who)
    return [AuditOut(**entry.as_dict()) for entry in entries]
