"""The PostGIS store's URL: its schema parameter, the URL libpq gets and the URL people see."""

from __future__ import annotations

from typing import Final, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from geo.errors import StoreError

#: Query parameter of the URL naming the database schema of the store (not sent to libpq).
SCHEMA_PARAM: Final = "schema"
#: Schema used when the URL names none.
DEFAULT_SCHEMA: Final = "shakti"


class StoreUrl(NamedTuple):
    """A store URL taken apart.

    Attributes
    ----------
    conn : str
        The URL libpq connects with: the given one without :data:`SCHEMA_PARAM`.
    schema : str
        The database schema holding the store's tables (a plain identifier).
    shown : str
        The URL as messages show it (:func:`shown_url`).
    """

    conn: str
    schema: str
    shown: str


def shown_url(url: str, *, query: bool = True) -> str:
    """Return a database URL fit to show: never a password, in the user part nor the query.

    Parameters
    ----------
    url : str
        A libpq URL (``postgresql://user:secret@host:port/database?...``).
    query : bool, default True
        Keep the query parameters (but ``password``, ``sslpassword``); ``False`` drops the
        whole query.

    Returns
    -------
    str

    Examples
    --------
    >>> shown_url("postgresql://ann:secret@db:5432/shakti?schema=varanasi&password=x")
    'postgresql://ann@db:5432/shakti?schema=varanasi'
    >>> shown_url("postgresql://ann:secret@db/shakti?schema=varanasi", query=False)
    'postgresql://ann@db/shakti'
    """
    scheme, sep, rest = url.partition("://")
    if "@" in rest:  # the user part ends at the last @: a password may hold / ? # unescaped
        userinfo, rest = rest.rsplit("@", 1)
        rest = userinfo.split(":", 1)[0] + "@" + rest
    parts = urlsplit(scheme + sep + rest)
    pairs = parse_qsl(parts.query, keep_blank_values=True) if query else []
    kept = urlencode([(k, v) for k, v in pairs if "password" not in k.lower()])
    return urlunsplit(parts._replace(query=kept, fragment=""))


def split_store_url(url: str) -> StoreUrl:
    """Return the URL libpq gets, the schema the URL names (or the default) and the shown URL.

    Parameters
    ----------
    url : str
        ``postgresql://user@host:port/database``, optionally with ``?schema=NAME``.

    Returns
    -------
    StoreUrl

    Raises
    ------
    StoreError
        When the schema is not a plain identifier.

    Examples
    --------
    >>> store = split_store_url("postgresql://ann@db/shakti?schema=varanasi&sslmode=require")
    >>> store.conn, store.schema
    ('postgresql://ann@db/shakti?sslmode=require', 'varanasi')
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == SCHEMA_PARAM), DEFAULT_SCHEMA)
    rest = urlencode([(k, v) for k, v in query if k != SCHEMA_PARAM])
    shown = shown_url(url)
    if not schema.isidentifier():
        raise StoreError(
            f"the store URL {shown} names the schema {schema!r}",
            why="a schema name must be a plain identifier (letters, digits, underscores)",
            fix=f"use e.g. ?{SCHEMA_PARAM}={DEFAULT_SCHEMA}",
        )
    return StoreUrl(urlunsplit(parts._replace(query=rest)), schema, shown)
