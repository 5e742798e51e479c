"""``/review``: the monthly Mission Shakti review (JSON) and its printable sheets (HTML)."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Query, Response

from api.service.routes.common import HTML, Analysis, MapAnalysis, html_route, json_bytes, raw_route
from api.usecases.common import Source
from api.usecases.review import ReviewRequest, ReviewResult, monthly_review, review_tables
from geo.errors import ParameterError
from models.inputs import Selection

router = APIRouter(tags=["review"])

#: Where the web page opens review sheets (under ``/maps``, so the map cookie reaches it).
SHEET_PAGE: Final = "/maps/review-sheet"

SheetLangQuery = Annotated[
    Literal["hi", "en", "both"] | None,
    Query(
        description="Sheet language: hi (Hindi only), en (English only) or both. "
        "Default: SHAKTI_SHEET_LANG, else Hindi only in a Hindi request and both otherwise."
    ),
]
FlagQuery = Annotated[int, Query(ge=0, le=100, description="Thanas the league flags.")]

_EXAMPLE: Final = {
    "period": {"from": "2026-10-01", "to": "2026-10-31", "days": 31},
    "thana": "Lanka",
    "totals": {"complaints_received": 12, "complaints_pending": 3, "detentions": 10},
    "flagged": [],
    "league": [{"thana": "Lanka", "score": 61.6, "rank": 9, "flagged": False, "why": ""}],
    "tables": {"review_figures": [{"thana": "Lanka", "complaints_received": 12}]},
}


def _request(selection: Selection, flag_lowest: int) -> ReviewRequest:
    """Return the review request of a selection (the dates are required)."""
    if selection.start is None or selection.end is None:
        raise ParameterError(
            "a review needs a period",
            why="the review compares the figures of a period with the period before it",
            fix="give from and to (YYYY-MM-DD), e.g. from=2026-10-01&to=2026-10-31",
        )
    return ReviewRequest(
        start=str(selection.start),
        end=str(selection.end),
        thana=selection.thana,
        flag_lowest=flag_lowest,
    )


def _json(source: Source, q: ReviewRequest) -> bytes:
    result = monthly_review(source, q)
    tables = {
        name: frame.to_dict(orient="records") for name, frame in review_tables(result).items()
    }
    body: dict[str, Any] = {**result.summary(), "tables": tables}
    return json_bytes(body)


def _sheet(source: Source, q: ReviewRequest, sheet_lang: str | None) -> bytes:
    from maps.review_sheet import review_sheet_html, summary_sheet_html

    result: ReviewResult = monthly_review(source, q)
    common: dict[str, Any] = {
        "sheet_lang": sheet_lang,
        "thana_names_hi": result.thana_names_hi,
        "synthetic": result.synthetic,
    }
    if result.thana is not None:
        page = review_sheet_html(result.review, result.thana, **common)
    else:
        page = summary_sheet_html(result.review, notes=result.notes, **common)
    return page.encode("utf-8")


@router.get(
    "/review",
    summary="The monthly Mission Shakti review (JSON)",
    **raw_route("The review: totals, league, tables.", "application/json", _EXAMPLE),
)
async def review(call: Analysis, flag_lowest: FlagQuery = 3) -> Response:
    """Return the review of a period: every figure per thana and for the commissionerate.

    Complaints received / disposed / pending with ageing and median days to disposal,
    counselling reunions, anti-Romeo cases, arrests and detentions by BNSS section, awareness,
    cyber complaints of young women, CCTV at places of study, hotspots, resource shortfalls,
    change against the previous period and the league of thanas (lowest flagged, with why).
    An in-charge gets only their own thana (no commissionerate totals); planners and admins
    every thana. ``from`` and ``to`` are required.
    """
    q = _request(call.selection, flag_lowest)
    return await call.respond(
        "review", {"flag_lowest": flag_lowest}, lambda source: _json(source, q), "application/json"
    )


@router.get(SHEET_PAGE, summary="A printable review sheet (HTML)", **html_route())
async def review_sheet(
    call: MapAnalysis, sheet_lang: SheetLangQuery = None, flag_lowest: FlagQuery = 3
) -> Response:
    """Return one thana's printable review page, or the commissionerate summary without thana.

    Authenticated like the maps (bearer token or the map cookie); an in-charge gets their own
    thana's page only.
    """
    q = _request(call.selection, flag_lowest)
    return await call.respond(
        "review/sheet",
        {"sheet_lang": sheet_lang, "flag_lowest": flag_lowest},
        lambda source: _sheet(source, q, sheet_lang),
        HTML,
    )
