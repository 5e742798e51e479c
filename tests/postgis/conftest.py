"""The PostGIS fixtures: one throwaway cluster per test session, a fresh schema per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pg_cluster import INSTALL_HINT, find_bin_dir, postgis_cluster


@pytest.fixture(scope="session")
def postgis_url() -> Iterator[str]:
    """URL of a PostGIS database in a private cluster started for this test session."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(f"PostgreSQL server binaries with PostGIS not found: {INSTALL_HINT}")
    with postgis_cluster(bin_dir) as url:
        yield url


@pytest.fixture
def store_url(postgis_url: str) -> str:
    """URL of a new, empty store (its own schema) in the session's PostGIS database."""
    return f"{postgis_url}?schema=t_{uuid.uuid4().hex[:12]}"
