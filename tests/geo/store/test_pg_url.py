"""The PostGIS store's URL: schema parameter, libpq URL, shown URL (no database needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.errors import StoreError
from geo.store.pg_url import DEFAULT_SCHEMA, StoreUrl, shown_url, split_store_url
from geo.store.postgis import DEFAULT_SCHEMA as POSTGIS_DEFAULT_SCHEMA


def test_the_schema_parameter_is_taken_out_of_the_libpq_url() -> None:
    url = "postgresql://ann@db:5432/shakti?sslmode=require&schema=varanasi"
    assert split_store_url(url) == StoreUrl(
        conn="postgresql://ann@db:5432/shakti?sslmode=require",
        schema="varanasi",
        shown="postgresql://ann@db:5432/shakti?sslmode=require&schema=varanasi",
    )


def test_without_a_schema_parameter_the_default_schema() -> None:
    store = split_store_url("postgresql://ann@db/shakti")
    assert store.schema == DEFAULT_SCHEMA == POSTGIS_DEFAULT_SCHEMA
    assert store.conn == "postgresql://ann@db/shakti"


def test_a_schema_that_is_no_identifier_is_refused_without_showing_the_password() -> None:
    with pytest.raises(StoreError, match=r"names the schema 'a; drop'") as caught:
        split_store_url("postgresql://ann:s3cret@db/shakti?schema=a;%20drop")
    assert "s3cret" not in str(caught.value)


def test_the_shown_url_drops_the_password_or_the_whole_query() -> None:
    url = "postgresql://ann:s3cret@db/shakti?PASSWORD=x&schema=varanasi"
    assert shown_url(url) == "postgresql://ann@db/shakti?schema=varanasi"
    assert shown_url(url, query=False) == "postgresql://ann@db/shakti"


@given(st.text(alphabet="abcXYZ019:!%_-", min_size=1, max_size=12))
def test_a_password_is_never_shown(password: str) -> None:
    url = f"postgresql://ann:{password}@db/shakti?schema=s"
    shown = shown_url(url)
    assert shown == "postgresql://ann@db/shakti?schema=s"
    assert split_store_url(url).shown == shown


@given(st.text(alphabet="abcXYZ019:!%_-/?#@", min_size=1, max_size=12))
def test_a_password_with_unescaped_url_characters_is_never_shown(password: str) -> None:
    """A password typed with an unescaped / ? # or @ is not shown as a host, path or query."""
    shown = shown_url(f"postgresql://ann:{password}@db/shakti?schema=s")
    assert shown == "postgresql://ann@db/shakti?schema=s"


def test_an_ssl_key_password_in_the_query_is_never_shown() -> None:
    shown = shown_url("postgresql://ann@db/shakti?sslpassword=k3y&schema=s")
    assert shown == "postgresql://ann@db/shakti?schema=s"
