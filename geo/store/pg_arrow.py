"""Reading the PostGIS store through ADBC: the binary COPY stream straight into Arrow columns."""

# Why ADBC and not psycopg's COPY
# -------------------------------
# psycopg hands a COPY out stream over one row per Python call (~2 µs a row before any parsing),
# and the text it carries must then be parsed: reading 100k incidents took 3× pyogrio's Arrow
# read of the same rows from a GeoPackage. The PostgreSQL driver of ADBC (Apache Arrow's
# database connectivity, libpq inside) runs the query as a binary COPY and decodes it in C++
# into Arrow columns, which ``geo.store.arrow_rows`` turns into the store's frame exactly as
# the GeoPackage backend's Arrow read does. A reader reads only: any failure here (no driver,
# a URL the driver refuses, a value Arrow cannot hold) returns ``None`` and the caller reads
# the layer the old way, which reports real errors properly.
#
# Opening an ADBC database loads the server's type catalogue (a query, ~20–80 ms), so the
# database handle is kept per URL and process; each read opens its own connection from it
# (~5 ms, like psycopg's) and closes it, as every other store operation does.

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyarrow as pa

if TYPE_CHECKING:  # imported when first used: the CLI's start-up stays quick
    from adbc_driver_manager import AdbcDatabase

logger = logging.getLogger(__name__)

#: libpq parameters every fast read adds to the store's URL unless the URL sets them.
CONNECT_PARAMS: Final = {"connect_timeout": "10", "application_name": "shakti"}

_DATABASES: dict[tuple[str, int], AdbcDatabase] = {}
_DATABASES_LOCK: Final = threading.Lock()


def adbc_url(url: str) -> str:
    """Return the libpq URL with :data:`CONNECT_PARAMS` added where it does not set them."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    given = {key for key, _ in query}
    query += [(key, value) for key, value in CONNECT_PARAMS.items() if key not in given]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _database(url: str) -> AdbcDatabase:
    """Return this process's ADBC database handle of ``url``, opened on first use."""
    import adbc_driver_postgresql

    key = (url, os.getpid())  # a forked worker opens its own
    with _DATABASES_LOCK:
        database = _DATABASES.get(key)
        if database is None:
            database = adbc_driver_postgresql.connect(adbc_url(url))
            _DATABASES[key] = database
        return database


def read_arrow(url: str, query: str, params: Sequence[str | int]) -> pa.Table | None:
    """Return the result of a query as an Arrow table, or ``None`` when ADBC cannot read it.

    Parameters
    ----------
    url : str
        libpq URL of the database (no store-specific parameters).
    query : str
        One ``SELECT``; parameters are ``$1``, ``$2``, … in the order of ``params``.
    params : sequence of str or int
        The values of the parameters (sent apart from the query, never spliced into it).

    Returns
    -------
    pyarrow.Table or None
        ``None`` when the driver is missing or the read failed (logged at debug level with
        the error's type only: a server message may quote stored values).
    """
    try:
        import adbc_driver_manager
    except ImportError:
        logger.debug("the ADBC PostgreSQL driver is not installed: reading by COPY")
        return None
    try:
        database = _database(url)
        with (
            adbc_driver_manager.AdbcConnection(database) as conn,
            adbc_driver_manager.AdbcStatement(conn) as statement,
        ):
            statement.set_sql_query(query)
            if params:
                arrays = [pa.array([value]) for value in params]
                names = [f"p{i}" for i in range(1, len(params) + 1)]
                statement.bind(pa.record_batch(arrays, names=names))
            stream, _rows = statement.execute_query()
            table: pa.Table = pa.RecordBatchReader.from_stream(stream).read_all()
    except (ImportError, adbc_driver_manager.Error, pa.ArrowException, OSError) as exc:
        logger.debug("ADBC read failed (%s): reading by COPY", type(exc).__name__)
        return None
    return table
