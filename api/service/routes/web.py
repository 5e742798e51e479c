"""``GET /``: the planner's web page (static HTML, vanilla JS, no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

#: Folder of the page's files (served at ``/static``).
STATIC_DIR: Final = Path(__file__).resolve().parents[1] / "static"
#: The page loads nothing from elsewhere; the map is an ``<iframe>`` of this origin.
PAGE_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@router.get("/")
def index() -> FileResponse:
    """Serve the web page."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PAGE_CSP},
    )


@router.get("/visits")
def visits_page() -> FileResponse:
    """Serve the team's phone page: one tap per stop (arrived, left, missed)."""
    return FileResponse(
        STATIC_DIR / "visits.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PAGE_CSP},
    )
