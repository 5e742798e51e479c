"""CCTV routes: `GET /cctv/gaps`, `GET /cctv/placement` and the `GET /maps/cctv` map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request, Response

from api.deps import MapSelectionDep, SelectionDep, State
from api.routes.common import PROBLEM_RESPONSES, cached_selection, geojson_responses
from api.usecases.common import GEOJSON, geojson_bytes, inputs
from api.usecases.maps import tiles_of
from geo.schema import NAME
from geo.settings import Settings
from geo.store import Store
from models.inputs import Selection

router = APIRouter(tags=["cctv"])

#: Most cameras one placement request may ask for.
MAX_K: Final = 200
#: Time limit of one placement solve in the service (seconds).
SERVICE_TIME_LIMIT_S: Final = 20.0

RadiusQuery = Annotated[
    float,
    Query(gt=0, le=5000, description="Incidents within this many metres of a site count."),
]
DaysQuery = Annotated[
    int, Query(ge=1, le=3660, description="... in this many days up to the latest incident.")
]
KQuery = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_K,
        description="Most cameras proposed (new or repaired).",
        openapi_examples={"five": {"value": 5}},
    ),
]
BudgetQuery = Annotated[
    float | None,
    Query(
        ge=0,
        le=10_000,
        description="Most total cost in new-camera equivalents (a repair costs 0.3).",
    ),
]


@dataclass(frozen=True)
class CctvQuery:
    """Parameters of a CCTV request.

    Attributes
    ----------
    radius_m : float
    days : int
    k : int
    budget : float or None
    """

    radius_m: float = 300.0
    days: int = 90
    k: int = 5
    budget: float | None = None


def _params(settings: Settings, q: CctvQuery) -> Any:
    from models.cctv_plan import CctvParams

    return CctvParams(radius_m=q.radius_m, days=q.days, metric_crs=settings.metric_crs)


def gaps_geojson(store: Store, settings: Settings, selection: Selection, q: CctvQuery) -> bytes:
    """Return the CCTV gaps of a selection's sites as GeoJSON (most urgent first).

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    q : CctvQuery

    Returns
    -------
    bytes
    """
    from models.cctv_gaps import SITE_ID
    from models.cctv_plan import selection_gaps

    data = inputs(store, settings, selection, require=False)
    result = selection_gaps(data, _params(settings, q))
    meta = {
        "selection": data.describe(),
        "store_version": data.version,
        "parameters": {"radius_m": q.radius_m, "days": q.days},
        "counts": result.counts(),
        "registry": dict(result.registry.counts),
        "summary": result.summary.to_dict(orient="records"),
        "defaults_used": list(result.notes),
    }
    return geojson_bytes(result.gaps, id_column=SITE_ID, meta=meta)


def placement_geojson(
    store: Store, settings: Settings, selection: Selection, q: CctvQuery
) -> bytes:
    """Return up to ``k`` proposed cameras as GeoJSON Points, in order of marginal gain.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    q : CctvQuery

    Returns
    -------
    bytes
    """
    from models import placement as pl
    from models.cctv_plan import selection_placement

    data = inputs(store, settings, selection, require=False)
    plan = selection_placement(
        data, _params(settings, q), k=q.k, budget=q.budget, time_limit_s=SERVICE_TIME_LIMIT_S
    )
    meta = {
        "selection": data.describe(),
        "store_version": data.version,
        "plan": dict(plan.summary),
        "notes": list(plan.notes),
    }
    return geojson_bytes(plan.cameras, id_column=pl.ORDER, meta=meta)


def cctv_map_html(
    store: Store, settings: Settings, selection: Selection, q: CctvQuery, *, asset_prefix: str
) -> str:
    """Render the CCTV map of a selection (gaps, cameras, proposed cameras) as HTML.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    q : CctvQuery
    asset_prefix : str

    Returns
    -------
    str
    """
    from maps.cctv_map import cctv_map
    from maps.render import map_html
    from models.cctv_plan import selection_gaps, selection_hotspots, selection_placement

    data = inputs(store, settings, selection, require=False)
    params = _params(settings, q)
    spots = selection_hotspots(data, params)
    result = selection_gaps(data, params, spots)
    plan = (
        selection_placement(
            data, params, k=q.k, budget=q.budget, hotspots=spots, time_limit_s=SERVICE_TIME_LIMIT_S
        )
        if q.k
        else None
    )
    thana = selection.thana
    thanas = data.thanas if thana is None else data.thanas[data.thanas[NAME] == thana]
    cams = data.cctv
    if thana is not None and len(thanas) and len(cams):
        cams = cams[cams.within(thanas.to_crs(cams.crs).union_all())]
    m = cctv_map(
        result.gaps,
        cams,
        thanas=thanas,
        hotspots=spots,
        gaps=result,
        proposed=None if plan is None else plan.cameras,
        tiles=tiles_of(settings),
        tile_attribution=settings.tile_attribution,
        title=f"Shakti Hotspots: CCTV, {thana or 'all thanas'}",
        metric_crs=settings.metric_crs,
    )
    html: str = map_html(m, assets="served", asset_prefix=asset_prefix)
    return html


@router.get(
    "/cctv/gaps",
    summary="CCTV gaps at sensitive sites (GeoJSON)",
    response_class=Response,
    responses=geojson_responses(),
)
async def cctv_gaps(
    request: Request,
    state: State,
    selection: SelectionDep,
    radius_m: RadiusQuery = 300.0,
    days: DaysQuery = 90,
) -> Response:
    """List every sensitive site with its CCTV gap, most urgent first.

    Each feature is a site: covered / repairable / uncovered, the nearest working and faulty
    cameras, incidents nearby, whether it lies in a hotspot, a priority and ``why``. ``meta``
    holds the per-thana summary and the defaults used for a messy camera register. An
    in-charge gets only their thana's sites.
    """
    q = CctvQuery(radius_m=radius_m, days=days)
    return await cached_selection(
        request,
        state,
        "cctv/gaps",
        selection,
        {"radius_m": radius_m, "days": days},
        lambda: gaps_geojson(state.store, state.settings, selection, q),
        GEOJSON,
    )


@router.get(
    "/cctv/placement",
    summary="Proposed cameras (GeoJSON, in order of marginal gain)",
    response_class=Response,
    responses=geojson_responses(),
)
async def cctv_placement(
    request: Request,
    state: State,
    selection: SelectionDep,
    k: KQuery = 5,
    budget: BudgetQuery = None,
    days: DaysQuery = 90,
) -> Response:
    """Propose up to ``k`` cameras (new or repairs of broken ones) within an optional budget.

    Maximal covering of incidents, hotspot cells and sensitive sites not yet seen by a working
    camera (exact MILP with HiGHS; greedy with its optimality gap for very large requests).
    Features are Points in the order of marginal gain, so the plan can stop at any row. An
    in-charge's plan covers only their thana.
    """
    q = CctvQuery(days=days, k=k, budget=budget)
    return await cached_selection(
        request,
        state,
        "cctv/placement",
        selection,
        {"k": k, "budget": budget, "days": days},
        lambda: placement_geojson(state.store, state.settings, selection, q),
        GEOJSON,
    )


@router.get(
    "/maps/cctv",
    summary="CCTV map (HTML)",
    response_class=Response,
    responses={
        200: {
            "description": "A standalone HTML page (Leaflet via folium, assets from /assets).",
            "content": {"text/html": {"example": "<!DOCTYPE html>…"}},
        },
        **PROBLEM_RESPONSES,
    },
)
async def cctv_map_page(
    request: Request,
    state: State,
    selection: MapSelectionDep,
    k: KQuery = 5,
    budget: BudgetQuery = None,
    days: DaysQuery = 90,
) -> Response:
    """Draw sites by CCTV gap (red, amber, green), cameras and ``k`` proposed cameras.

    Authenticated like ``/maps/hotspots`` (bearer token or the map cookie); an in-charge's map
    shows only their thana.
    """
    from api.routes.maps import ASSET_PREFIX

    q = CctvQuery(days=days, k=k, budget=budget)
    return await cached_selection(
        request,
        state,
        "maps/cctv",
        selection,
        {"k": k, "budget": budget, "days": days},
        lambda: cctv_map_html(
            state.store, state.settings, selection, q, asset_prefix=ASSET_PREFIX
        ).encode("utf-8"),
        "text/html; charset=utf-8",
    )
