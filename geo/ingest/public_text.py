"""Text about a user's file that is safe to show them: no server path, no SQL, no long lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath
from typing import Final

from geo.errors import InputFileError
from geo.i18n import counted
from geo.ingest.privacy import WITHHELD, holds_personal_number, reads_as_person_name

#: At most this many names (columns, sheets, layers) are echoed back in one message.
MAX_ECHOED_NAMES: Final = 10
#: Each echoed name (or user-given value) is cut to this many characters.
MAX_NAME_CHARS: Final = 40
#: A reason taken from a library's exception is cut to this many characters.
MAX_REASON_CHARS: Final = 200
#: What replaces a path that is not the user's file.
HIDDEN_PATH: Final = "(a path)"

# An absolute path (POSIX, Windows drive or UNC) or a GDAL virtual path, not preceded by a
# word character (so "N/A" and "25/03/2026" stay).
_PATH = re.compile(r"""(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\s'"`,;()<>\[\]{}|]+)+""")
# GDAL's SQLite errors quote their SQL: "sqlite3_prepare_v2(SELECT ...) failed: why".
_SQLITE_CALL = re.compile(r"sqlite3_\w+\(.*\)\s*failed:\s*", re.DOTALL)
_SQL = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ATTACH|WITH)\s")
_CONNECTION = re.compile(r"\b[A-Za-z][A-Za-z0-9_]+:(?=\S)")


def clip(text: object, limit: int = MAX_NAME_CHARS) -> str:
    """Return ``str(text)`` on one line, cut to ``limit`` characters (with ``…``).

    Parameters
    ----------
    text : object
    limit : int

    Returns
    -------
    str

    Examples
    --------
    >>> clip("Latitude (degrees north, WGS84)", 12)
    'Latitude (d…'
    """
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: max(limit - 1, 0)] + "…"


def quoted(value: object) -> str:
    """Return a user-given value as an error quotes it: clipped, withheld when personal.

    A phone, Aadhaar or e-mail value or a person's name (:mod:`geo.ingest.privacy`) typed
    into a parameter or a cell is quoted as :data:`~geo.ingest.privacy.WITHHELD`, never
    sent back nor logged with the error; any other is cut to :data:`MAX_NAME_CHARS`.

    Examples
    --------
    >>> quoted("8am"), quoted(-3.5), quoted("98765 43210")
    ("'8am'", '-3.5', "'(withheld: personal)'")
    """
    text = str(value)
    if holds_personal_number(text) or reads_as_person_name(text.strip()):
        return repr(WITHHELD)
    return repr(clip(text)) if isinstance(value, str) else clip(repr(value))


def describe_names(names: Iterable[object], *, limit: int = MAX_ECHOED_NAMES) -> str:
    """Return a few names quoted and comma-separated, each clipped, with ``and N more``.

    Parameters
    ----------
    names : iterable
        Column, sheet or layer names, in order.
    limit : int
        How many to show.

    Returns
    -------
    str
        ``"(none)"`` for no name.

    Examples
    --------
    >>> describe_names(["lat", "lon", "Thana"], limit=2)
    "'lat', 'lon' and 1 more"
    """
    items = [str(n) for n in names]
    if not items:
        return "(none)"
    shown = ", ".join(repr(clip(n)) for n in items[:limit])
    rest = len(items) - limit
    if rest <= 0:
        return shown
    # TRANSLATORS: {names} lists quoted names from the user's file; {n} how many are not shown.
    return counted(rest, "{names} and {n} more", "{names} and {n} more", names=shown)


def refused_for_names(
    message: str, source: str, names: Iterable[object], *, why: str, fix: str
) -> InputFileError:
    """Return the error refusing ``source`` for the inner parts it holds, naming the first three.

    Parameters
    ----------
    message : str
        Translated text with the placeholders ``{source}`` and ``{names}``.
    source : str
        The user's file name.
    names : iterable
        The members, sheets or layers refused (see :func:`describe_names`).
    why, fix : str
        Translated reason and remedy.

    Returns
    -------
    geo.errors.InputFileError
    """
    listed = describe_names(names, limit=3)
    return InputFileError(message.format(source=source, names=listed), why=why, fix=fix)


def _basename(token: str) -> str:
    return PureWindowsPath(token).name if "\\" in token else PurePosixPath(token).name


def scrub(text: str, source: str, private: Iterable[str] = ()) -> str:
    """Return a library's error text fit to show the user of ``source``.

    Every known private string (the server path of the file, GDAL's name for it, its
    folder) becomes the file name; other absolute or virtual paths become
    :data:`HIDDEN_PATH` (or the file name when they end in it); quoted SQL and what follows
    an SQL keyword are dropped; the result is one line of at most :data:`MAX_REASON_CHARS`.

    Parameters
    ----------
    text : str
        E.g. ``str(exc)`` of a GDAL, pandas or openpyxl error.
    source : str
        The user's file name.
    private : iterable of str
        Strings that must not appear (temporary paths, GDAL dataset names).

    Returns
    -------
    str

    Examples
    --------
    >>> scrub("Failed to open '/tmp/shakti-uploads/x1/r.json': no such file", "r.json")
    "Failed to open 'r.json': no such file"
    >>> scrub("sqlite3_prepare_v2(SELECT 1 FROM t) failed: file is not a database", "a.gpkg")
    'file is not a database'
    """
    for secret in sorted({p for p in private if p}, key=len, reverse=True):
        text = text.replace(secret, source)
    text = _SQLITE_CALL.sub("", text)
    sql = _SQL.search(text)
    if sql:
        text = text[: sql.start()].rstrip(" :(") + " (SQL details omitted)"

    def _path(match: re.Match[str]) -> str:
        token = match.group(0)
        return source if _basename(token) == source else HIDDEN_PATH

    text = _PATH.sub(_path, text)
    text = _CONNECTION.sub(
        lambda m: m.group(0) if m.group(0)[:-1].lower() in _KEEP_PREFIXES else "", text
    )
    return clip(text, MAX_REASON_CHARS) or "unknown error"


# Words followed by ":" that stay in a message (everything else that looks like a GDAL
# connection prefix, e.g. "CSV:" or "PG:", is dropped).
_KEEP_PREFIXES: Final = frozenset(
    {"fix", "why", "line", "row", "column", "sheet", "layer", "error"}
)
