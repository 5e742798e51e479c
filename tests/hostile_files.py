"""Hostile files built in code for the reader and upload tests: VRTs, bombs, zips, a listener."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: A line planted in a server-side file: no answer may ever contain it.
SECRET_LINE = "SERVER-SECRET-LINE-7f3a"

_CT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main">'
)


def vrt(source: str, *, layer: str = "secret", sql: str | None = None) -> bytes:
    """Return an OGR VRT naming ``source`` (a path, ``CSV:path``, a URL, a database)."""
    inner = f"<SrcSQL>{sql}</SrcSQL>" if sql else f"<SrcLayer>{layer}</SrcLayer>"
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource>'
        f"{inner}</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def zip_bytes(members: Iterable[tuple[str, bytes]], *, level: int = 6) -> bytes:
    """Return a deflated zip of ``(name, content)`` members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def write_xlsx(
    path: Path,
    sheet: Iterable[bytes],
    strings: Iterable[bytes] = (STRINGS_HEAD + b"<si><t>id</t></si></sst>",),
    *,
    extra: Iterable[tuple[str, bytes]] = (),
) -> Path:
    """Write a minimal workbook whose sheet and shared strings are streamed from chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, data in extra:
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            for chunk in strings:
                out.write(chunk)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            for chunk in sheet:
                out.write(chunk)
    return path


def cell_bomb(megabytes: int) -> Iterator[bytes]:
    """Shared strings holding one cell of ``megabytes`` MiB of ``A`` (the XLSX bomb)."""
    yield STRINGS_HEAD + b"<si><t>id</t></si><si><t>"
    block = b"A" * (1 << 20)
    for _ in range(megabytes):
        yield block
    yield b"</t></si></sst>"


def numbered_rows(count: int, *, first: int = 2) -> Iterator[bytes]:
    """A sheet: header ``id`` (shared string 0), then ``count`` rows holding their number."""
    yield SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    batch: list[bytes] = []
    for i in range(first, first + count):
        batch.append(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i))
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch) + SHEET_TAIL


def sheet_of(rows: Iterable[bytes]) -> list[bytes]:
    """A sheet from literal ``<row>`` elements."""
    return [SHEET_HEAD, *rows, SHEET_TAIL]


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 recording every connection (and answering 404)."""

    port: int = 0
    connections: list[bytes] = field(default_factory=list)


@contextlib.contextmanager
def local_listener() -> Iterator[Listener]:
    """Listen on 127.0.0.1 (a free port) for the duration; every accept is recorded."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    listener = Listener(port=server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    listener.connections.append(conn.recv(4096))
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    listener.connections.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
