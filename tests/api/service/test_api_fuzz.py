"""Schemathesis fuzzing of the OpenAPI schema: no request makes the service fail (no 5xx)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

import api.usecases.budget
from api.service.app import create_app
from tests.api.conftest import Env, make_env, settings_for

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

#: Small work budgets: fuzzed grids and folds are refused (422) instead of running for seconds.
FUZZ_BUDGETS = {"MAX_CELLS": 20_000, "MAX_CELL_BINS": 60_000, "MAX_CELL_FOLDS": 20_000}
#: Bounded run: the documented examples plus a few generated valid and invalid requests per
#: operation; no "coverage" phase (it sends hundreds of boundary combinations).
CONFIG = """
[phases.coverage]
enabled = false
[generation]
max-examples = 4
mode = "all"
deterministic = true
"""


def _openapi() -> dict[str, Any]:
    """Return the service's OpenAPI document (from an app on a throw-away empty store)."""
    with tempfile.TemporaryDirectory(prefix="shakti-openapi-") as tmp:
        app = create_app(settings_for(Path(tmp)))
        document = app.openapi()
        app.state.service.users.close()
        app.state.service.audit.close()
    return document


schema = schemathesis.openapi.from_dict(_openapi(), config=SchemathesisConfig.from_str(CONFIG))


@pytest.fixture(scope="module")
def fuzz_env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FUZZ_BUDGETS.items():
            patch.setattr(api.usecases.budget, name, value)
        env = make_env(demo_store_file, tmp_path_factory.mktemp("fuzz"))
        yield env
        env.client.close()


def _items(files: Any) -> list[tuple[str, Any]]:
    return list(files.items()) if isinstance(files, dict) else list(files)


def _as_file(item: tuple[str, Any]) -> tuple[str, Any]:
    """Make a generated multipart part sendable (schemathesis may generate non-bytes)."""
    name, value = item
    if isinstance(value, tuple):
        filename, content, *rest = value
        if not isinstance(content, bytes):
            content = str(content).encode()
        return name, (filename, content, *rest)
    return name, value if isinstance(value, bytes) else str(value).encode()


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(fuzz_env: Env, case: Any) -> None:
    user = "lanka" if case.path.startswith("/maps") else "admin"
    # logging out ends every session of the user: fuzz it anonymously, or every later case is 401
    headers = {} if case.path == "/auth/logout" else fuzz_env.headers(user)
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    cookies = kwargs.pop("cookies", None)  # httpx wants them on the client, not the request
    if cookies:
        kwargs["headers"]["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if kwargs.get("files"):
        kwargs["files"] = [_as_file(item) for item in _items(kwargs["files"])]
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    response = fuzz_env.client.request(**kwargs)
    response.request.read()  # multipart bodies stream; schemathesis reads the request back
    case.validate_response(response, checks=[not_a_server_error])
