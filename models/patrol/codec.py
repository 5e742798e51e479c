"""A patrol plan as JSON data and back, without loss (what the store keeps of a plan)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Final

from geo.errors import StoreError
from models.patrol.records import PatrolPlan, PlanParams, Route, Stop, Uncovered
from models.patrol.stops import Place, Window
from models.patrol.teams import Teams, TeamSpec

#: Version of the encoding below (``format`` of the data); a newer one is refused.
PLAN_FORMAT: Final = 1


def _place(p: Place) -> dict[str, Any]:
    data = asdict(p)
    data["windows"] = [asdict(w) for w in p.windows]
    return data


def _place_of(data: dict[str, Any]) -> Place:
    return Place(
        place_id=data["place_id"],
        kind=data["kind"],
        thana=data["thana"],
        name=data["name"],
        lon=float(data["lon"]),
        lat=float(data["lat"]),
        x=float(data["x"]),
        y=float(data["y"]),
        risk=float(data["risk"]),
        why=data["why"],
        hour_weights=tuple(float(v) for v in data["hour_weights"]),
        windows=tuple(Window(**w) for w in data["windows"]),
        weekday_weights=tuple(float(v) for v in data["weekday_weights"]),
        hotspot_id=data["hotspot_id"],
        shared_with=tuple(data["shared_with"]),
    )


def _stop(s: Stop) -> dict[str, Any]:
    return {
        "order": s.order,
        "place": s.place.place_id,
        "arrive_min": s.arrive_min,
        "arrive_latest_min": s.arrive_latest_min,
        "leave_min": s.leave_min,
        "dwell_min": s.dwell_min,
        "travel_min": s.travel_min,
        "window": asdict(s.window),
        "prize": s.prize,
        "must_visit": s.must_visit,
        "reason": s.reason,
    }


def _route(r: Route) -> dict[str, Any]:
    return {
        "day": r.day,
        "date": r.date.isoformat(),
        "team": asdict(r.team),  # with its start point (the plan's teams may lack it)
        "stops": [_stop(s) for s in r.stops],
        "back_min": r.back_min,
        "distance_km": r.distance_km,
        "path": [list(p) for p in r.path],
    }


def plan_data(plan: PatrolPlan) -> dict[str, Any]:
    """Return a plan as JSON-ready data that :func:`plan_from_data` turns back into it.

    Places are written once and referred to by id from stops and uncovered entries.

    Parameters
    ----------
    plan : PatrolPlan

    Returns
    -------
    dict
    """
    params = asdict(plan.params)
    params["dwell_min"] = list(plan.params.dwell_min)
    return {
        "format": PLAN_FORMAT,
        "start": plan.start.isoformat(),
        "days": plan.days,
        "seed": plan.seed,
        "params": params,
        "teams": [asdict(t) for t in plan.teams.teams],
        "defaults_used": list(plan.teams.defaults_used),
        "places": [_place(p) for p in plan.places],
        "routes": [_route(r) for r in plan.routes],
        "uncovered": [
            {"day": u.day, "place": u.place.place_id, "reason": u.reason} for u in plan.uncovered
        ],
        "notes": list(plan.notes),
        "travel": plan.travel,
        "solve": plan.solve,
        "synthetic": plan.synthetic,
        "thana_names_hi": dict(plan.thana_names_hi),
    }


def _params_of(data: dict[str, Any]) -> PlanParams:
    values = dict(data)
    lo, hi = values.pop("dwell_min")
    return PlanParams(dwell_min=(int(lo), int(hi)), **values)


def plan_from_data(data: dict[str, Any]) -> PatrolPlan:
    """Return the plan that :func:`plan_data` wrote.

    Parameters
    ----------
    data : dict

    Returns
    -------
    PatrolPlan

    Raises
    ------
    geo.errors.StoreError
        When the data is of a newer format or does not hold a plan.
    """
    if not isinstance(data, dict) or int(data.get("format", 0)) != PLAN_FORMAT:
        raise StoreError(
            "a saved patrol plan is of an unknown format",
            why=f"this version of Shakti reads plan format {PLAN_FORMAT}",
            fix="upgrade Shakti, or make the plan again",
        )
    try:
        places = {p["place_id"]: _place_of(p) for p in data["places"]}
        teams = tuple(TeamSpec(**t) for t in data["teams"])
        routes = [
            Route(
                day=int(r["day"]),
                date=dt.date.fromisoformat(r["date"]),
                team=TeamSpec(**r["team"]),
                stops=tuple(
                    Stop(
                        **{k: v for k, v in s.items() if k not in ("place", "window")},
                        place=places[s["place"]],
                        window=Window(**s["window"]),
                    )
                    for s in r["stops"]
                ),
                back_min=int(r["back_min"]),
                distance_km=float(r["distance_km"]),
                path=tuple((float(x), float(y)) for x, y in r["path"]),
            )
            for r in data["routes"]
        ]
        return PatrolPlan(
            start=dt.date.fromisoformat(data["start"]),
            days=int(data["days"]),
            seed=int(data["seed"]),
            params=_params_of(data["params"]),
            teams=Teams(teams, tuple(data["defaults_used"])),
            places=list(places.values()),
            routes=routes,
            uncovered=[
                Uncovered(u["day"], places[u["place"]], u["reason"]) for u in data["uncovered"]
            ],
            notes=list(data["notes"]),
            travel=data["travel"],
            solve=list(data["solve"]),
            synthetic=bool(data["synthetic"]),
            thana_names_hi=dict(data["thana_names_hi"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            "a saved patrol plan cannot be read",
            why=f"its data is incomplete ({type(exc).__name__}: {exc})",
            fix="make the plan again",
        ) from exc
