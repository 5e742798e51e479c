"""Hostile query parameters: every date, number and list of the analysis routes is bounded."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.service.errors import PROBLEM_JSON
from models.selection import FIRST_DAY, LAST_DAY
from tests.api.conftest import OWN_THANA, Env

#: Every analysis route that takes a selection (dates, categories, thana) and numbers.
ANALYSIS_ROUTES = (
    "/hotspots",
    "/significance",
    "/emerging",
    "/backtest",
    "/forecast",
    "/thanas",
    f"/thanas/{OWN_THANA}/scorecard",
    "/cctv/gaps",
    "/cctv/placement",
    "/maps/hotspots",
    "/maps/cctv",
)
#: Dates outside the accepted window (or an empty range), the field and what the detail says.
WINDOW = f"is outside {FIRST_DAY} .. {LAST_DAY}"
BAD_DATES = (
    ({"to": "9999-12-31"}, "to", WINDOW),
    ({"from": "0001-01-01"}, "from", WINDOW),
    ({"from": (FIRST_DAY - dt.timedelta(days=1)).isoformat()}, "from", WINDOW),
    ({"to": (LAST_DAY + dt.timedelta(days=1)).isoformat()}, "to", WINDOW),
    ({"from": "2026-05-01", "to": "2026-01-01"}, "from", "is empty"),
)
#: Numbers no bounded parameter accepts (text as sent in a query string).
BAD_NUMBERS = ("nan", "inf", "-inf", "1e309", "-1e308", "99999999999999999999999", "-5")


def _schema_params(env: Env, path: str) -> list[dict[str, Any]]:
    template = "/thanas/{name}/scorecard" if path.endswith("/scorecard") else path
    operation = env.client.app.openapi()["paths"][template]["get"]  # type: ignore[attr-defined]
    params: list[dict[str, Any]] = operation.get("parameters", [])
    return params


def _schema(param: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = param["schema"]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return dict(option)
    return schema


def _numbers(env: Env, path: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (p["name"], _schema(p))
        for p in _schema_params(env, path)
        if p["in"] == "query" and _schema(p).get("type") in ("integer", "number")
    ]


def _assert_problem(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["field"] == field, body
    assert body["fix"], body
    return body


@pytest.mark.parametrize("path", ANALYSIS_ROUTES)
@pytest.mark.parametrize(("params", "field", "detail"), BAD_DATES)
def test_dates_outside_the_window_are_422_naming_the_field(
    env: Env, path: str, params: dict[str, str], field: str, detail: str
) -> None:
    # Before: to=9999-12-31 raised inside pandas (500, connection reset) on every route, and
    # from=0001-01-01 on /emerging.
    response = env.client.get(path, params=params, headers=env.headers("planner"))
    body = _assert_problem(response, field)
    assert detail in body["detail"]
    if detail == WINDOW:
        assert f"between {FIRST_DAY} and {LAST_DAY}" in body["fix"]


@pytest.mark.parametrize("path", ANALYSIS_ROUTES)
def test_the_widest_window_is_served(env: Env, path: str) -> None:
    params = {"from": FIRST_DAY.isoformat(), "to": LAST_DAY.isoformat(), "cell_m": "5000"}
    if not path.endswith("/scorecard"):
        params["thana"] = OWN_THANA
    response = env.client.get(path, params=params, headers=env.headers("planner"))
    assert response.status_code in (200, 422), response.text  # 422: a work budget says so


@pytest.mark.parametrize("path", ANALYSIS_ROUTES)
def test_extreme_numbers_are_422_naming_the_field(env: Env, path: str) -> None:
    for name, schema in _numbers(env, path):
        low = float(schema.get("minimum", schema.get("exclusiveMinimum", math.nan)))
        assert math.isfinite(low), (path, name)  # every number has a lower bound
        values = [*BAD_NUMBERS, str(schema["maximum"] * 10 + 1), str(low - 1)]
        if schema["type"] == "integer":
            values.append("1.5")
        for value in values:
            response = env.client.get(path, params={name: value}, headers=env.headers("planner"))
            _assert_problem(response, name)


#: Route prefixes whose parameters :func:`test_every_parameter_is_bounded` checks: analysis,
#: maps, CCTV and patrol (uploads, users and the audit are tested with their routes).
BOUNDED_PREFIXES = ("/hotspots", "/significance", "/emerging", "/backtest", "/forecast", "/thanas",
                    "/cctv", "/maps", "/patrol")  # fmt: skip


def test_long_or_unknown_category_is_422_naming_it(env: Env) -> None:
    for value in ("x" * 10_000, "no-such-category"):
        response = env.client.get(
            "/hotspots", params={"category": value}, headers=env.headers("planner")
        )
        body = _assert_problem(response, "category")
        assert len(body["detail"]) < 200


def test_every_parameter_is_bounded(env: Env) -> None:
    """Nothing is left unbounded: numbers have both bounds, lists and strings a length."""
    document = env.client.app.openapi()  # type: ignore[attr-defined]
    loose = []
    for path, operations in document["paths"].items():
        if not path.startswith(BOUNDED_PREFIXES):
            continue
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                schema = _schema(param)
                if not _bounded(schema, document):
                    loose.append(f"{method.upper()} {path} {param['name']}")
    for name, model in document["components"]["schemas"].items():
        if name not in ("PlanRequest", "TeamIn"):
            continue
        for field, schema in model["properties"].items():
            if not _bounded(_schema({"schema": schema}), document):
                loose.append(f"{name}.{field}")
    assert not loose, loose


def _bounded(schema: dict[str, Any], document: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if "enum" in schema or "const" in schema or kind == "boolean" or "$ref" in schema:
        return True
    if kind in ("integer", "number"):
        has_low = "minimum" in schema or "exclusiveMinimum" in schema
        return has_low and ("maximum" in schema or "exclusiveMaximum" in schema)
    if kind == "array":
        items = _schema({"schema": schema.get("items", {})})
        return "maxItems" in schema and _bounded(items, document)
    if kind == "string":
        # A date is checked against FIRST_DAY .. LAST_DAY by the service; binary is an upload.
        return "maxLength" in schema or schema.get("format") in ("date", "binary")
    return kind is None and not schema  # an unconstrained value without a type


#: Routes and the parameters the property test fills with extreme values.
FUZZED = {
    "/hotspots": ("eps_m", "min_samples", "from", "to"),
    "/emerging": ("cell_m", "from", "to"),
    "/cctv/placement": ("k", "budget", "days", "from", "to"),
    "/backtest": ("cell_m", "folds", "eps_m", "bandwidth_m", "from", "to"),
}
#: Extreme query values: huge or tiny numbers, non-finite floats, days outside the window, junk.
EXTREME = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).filter(lambda v: abs(v) > 10**4),
    st.floats(allow_nan=True, allow_infinity=True).filter(
        lambda v: not math.isfinite(v) or abs(v) > 1e4
    ),
    st.dates().filter(lambda d: not FIRST_DAY <= d <= LAST_DAY).map(dt.date.isoformat),
    st.sampled_from(("", "1e309", "-0", "0x10", "1_000", "२०२६-०१-०१", "2026-02-30")),
).map(str)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(data=st.data())
def test_random_extreme_values_never_fail_the_service(env: Env, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(FUZZED)), label="path")
    names = st.sampled_from(FUZZED[path])
    params = data.draw(st.dictionaries(names, EXTREME, min_size=1, max_size=3), label="params")
    response = env.client.get(path, params=params, headers=env.headers("planner"))
    assert response.status_code < 500, (path, params, response.text)
