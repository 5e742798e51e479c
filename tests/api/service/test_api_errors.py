"""The one table of domain errors → HTTP statuses, and problem+json bodies."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from api.service.errors import (
    PROBLEM_JSON,
    STATUS_BY_ERROR,
    STORE_BUSY_TEXTS,
    STORE_ERROR_TEXTS,
    AuthenticationError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    UnavailableError,
    UnsupportedFileTypeError,
    guess_field,
    install_error_handlers,
    status_for,
)
from geo.errors import (
    ColumnMappingError,
    ExportError,
    InputFileError,
    NothingValidError,
    ParameterError,
    RegionError,
    SettingsError,
    ShaktiError,
    StoreError,
    StoreLockedError,
    UnknownLayerError,
)
from tests.api.conftest import Env

EXPECTED = [
    (ParameterError, 422),
    (UnknownLayerError, 404),
    (NothingValidError, 422),
    (ColumnMappingError, 422),
    (InputFileError, 400),
    (UnsupportedFileTypeError, 415),
    (StoreLockedError, 503),
    (StoreError, 500),
    (ExportError, 422),
    (SettingsError, 500),
    (RegionError, 500),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (PayloadTooLargeError, 413),
    (UnavailableError, 503),
    (ShaktiError, 400),
]


@pytest.mark.parametrize(("cls", "status"), EXPECTED)
def test_status_table(cls: type[ShaktiError], status: int) -> None:
    assert status_for(cls("x")) == status


def test_every_domain_error_class_is_in_the_table() -> None:
    import geo.errors

    classes = {
        obj
        for obj in vars(geo.errors).values()
        if isinstance(obj, type) and issubclass(obj, ShaktiError)
    }
    assert classes <= set(STATUS_BY_ERROR)


def test_subclass_without_entry_takes_its_parents_status() -> None:
    class OddError(ParameterError):
        pass

    assert status_for(OddError("x")) == 422


def _app(exc: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom(eps_m: float = Query(1.0), thana: str | None = None) -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(("cls", "status"), EXPECTED)
def test_problem_json_shape(cls: type[ShaktiError], status: int) -> None:
    exc = cls("eps_m must be positive", why="a radius is a length", fix="use 150")
    response = _app(exc).get("/boom?eps_m=-1")
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "why", "fix", "field"}
    assert body["status"] == status
    if issubclass(cls, StoreError):  # its own texts would name the server's store
        texts = STORE_BUSY_TEXTS if issubclass(cls, StoreLockedError) else STORE_ERROR_TEXTS
        assert (body["detail"], body["why"], body["fix"]) == texts
        return
    assert body["detail"] == "eps_m must be positive"
    assert body["why"] == "a radius is a length" and body["fix"] == "use 150"
    assert body["field"] == "eps_m"
    assert body["type"].startswith("urn:shakti:problem:")
    assert "Traceback" not in response.text


@pytest.mark.parametrize("cls", [StoreError, StoreLockedError])
def test_a_store_error_never_names_the_servers_store(cls: type[StoreError]) -> None:
    exc = cls(
        "could not write layer incidents in the store /srv/shakti/store.gpkg",
        why="disk I/O error at postgresql://shakti:secret@db/shakti",
        fix="check /srv/shakti",
    )
    response = _app(exc).get("/boom")
    assert response.status_code == status_for(exc)
    for server_text in ("/srv", "store.gpkg", "postgresql", "secret"):
        assert server_text not in response.text


def test_busy_store_says_when_to_retry() -> None:
    response = _app(StoreLockedError("another import is running")).get("/boom")
    assert response.status_code == 503 and response.headers["retry-after"]


def test_unexpected_errors_are_500_problems_without_traceback() -> None:
    response = _app(RuntimeError("secret internals")).get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "secret internals" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("eps_m must be > 0", "eps_m"),
        ("start date 'x' is not a date", "from"),
        ("give --from on or before --to", "from"),
        ("thana 'X' is not in the store", "thana"),
        ("nothing to say", None),
        ("min_samples_extra is odd", None),
    ],
)
def test_guess_field(text: str, field: str | None) -> None:
    assert guess_field(text, ["eps_m", "min_samples", "from", "to", "thana"]) == field


def test_unknown_route_and_method_are_problems(env: Env) -> None:
    missing = env.get("/no-such-route", "planner")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM_JSON
    wrong = env.client.delete("/hotspots", headers=env.headers("planner"))
    assert wrong.status_code == 405 and wrong.json()["status"] == 405
