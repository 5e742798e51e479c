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
# database handle is kept per URL and process. Connections are kept too, idle, a few per URL
# and process: a new one costs a server process with cold catalogue caches (~20 ms and ~15 ms
# of server CPU per read, nearly all of a small read). A read takes an idle connection (or
# opens one), and gives it back when the read succeeded; a connection that failed is closed,
# and a read that failed on a kept connection (the server restarted) is tried once more on a
# new one. Kept connections are in autocommit mode: they hold no transaction or lock, and
# every read sees the last committed import. A forked process never touches its parent's
# (keyed by process id; ADBC closes a connection only when told to, so none is closed by
# being dropped).

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyarrow as pa

if TYPE_CHECKING:  # imported when first used: the CLI's start-up stays quick
    from adbc_driver_manager import AdbcConnection, AdbcDatabase

logger = logging.getLogger(__name__)

#: libpq parameters every fast read adds to the store's URL unless the URL sets them.
CONNECT_PARAMS: Final = {"connect_timeout": "10", "application_name": "shakti"}

#: Idle connections kept per URL and process, at most.
MAX_IDLE: Final = 4
#: About how many bytes one record batch of a read holds (a hint to ADBC, whose default is
#: 16 MB). The driver reads a batch's worth of COPY data, then decodes it; with small batches
#: the server runs ahead while a batch is decoded (100k incidents, ~16 MB: ~15 % faster).
BATCH_BYTES: Final = 1 << 20
BATCH_BYTES_OPTION: Final = "adbc.postgresql.batch_size_hint_bytes"

_DATABASES: dict[tuple[str, int], AdbcDatabase] = {}
_IDLE: dict[tuple[str, int], list[AdbcConnection]] = {}
_LOCK = threading.Lock()


def _after_fork() -> None:
    """Give a forked child a free lock (another thread may have held it at the fork)."""
    global _LOCK
    _LOCK = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


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
    with _LOCK:
        database = _DATABASES.get(key)
        if database is None:
            database = adbc_driver_postgresql.connect(adbc_url(url))
            _DATABASES[key] = database
        return database


def _take(url: str) -> AdbcConnection | None:
    """Return an idle connection of this process to ``url``, or ``None``."""
    with _LOCK:
        idle = _IDLE.get((url, os.getpid()))
        return idle.pop() if idle else None


def _give_back(url: str, conn: AdbcConnection) -> None:
    """Keep a connection that served a read for the next one (close it when enough are kept)."""
    with _LOCK:
        idle = _IDLE.setdefault((url, os.getpid()), [])
        if len(idle) < MAX_IDLE:
            idle.append(conn)
            return
    conn.close()


def _query(conn: AdbcConnection, query: str, params: Sequence[str | int]) -> pa.Table:
    """Run one query on a connection and return its whole result."""
    import adbc_driver_manager

    with adbc_driver_manager.AdbcStatement(conn) as statement:
        statement.set_options(**{BATCH_BYTES_OPTION: str(BATCH_BYTES)})
        statement.set_sql_query(query)
        if params:
            arrays = [pa.array([value]) for value in params]
            names = [f"p{i}" for i in range(1, len(params) + 1)]
            statement.bind(pa.record_batch(arrays, names=names))
        stream, _rows = statement.execute_query()
        table: pa.Table = pa.RecordBatchReader.from_stream(stream).read_all()
    return table


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
    failures = (ImportError, adbc_driver_manager.Error, pa.ArrowException, OSError)
    kept = _take(url)
    for conn in (kept, None) if kept is not None else (None,):
        try:
            if conn is None:
                conn = adbc_driver_manager.AdbcConnection(_database(url))
            table = _query(conn, query, params)
        except failures as exc:
            logger.debug("ADBC read failed (%s)", type(exc).__name__)
            if conn is not None:
                _close(conn)
            continue
        _give_back(url, conn)
        return table
    logger.debug("reading by COPY instead")
    return None


def _close(conn: AdbcConnection) -> None:
    """Close a connection that failed (it may be broken already)."""
    import adbc_driver_manager

    try:
        conn.close()
    except (adbc_driver_manager.Error, RuntimeError) as exc:
        logger.debug("closing a failed ADBC connection: %s", type(exc).__name__)
