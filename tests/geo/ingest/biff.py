"""A tiny BIFF8 writer: .xls bytes for tests (xlwt is not a dependency; this is ~100 lines).

Writes one OLE2 compound document (512-byte sectors, no mini stream: the Workbook stream is
padded to 4096 bytes) holding a Workbook stream with one sheet of text (LABEL), number
(NUMBER) and date cells (NUMBER with the built-in date format 14, or 22 for date-times).
``declared`` overrides the sheet's DIMENSIONS record (hostile files lie about it).
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from pathlib import Path

Cell = str | float | int | dt.date | dt.datetime | None

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_EPOCH = dt.datetime(1899, 12, 30)


def _rec(code: int, body: bytes) -> bytes:
    return struct.pack("<HH", code, len(body)) + body


def _ustr(text: str, length_bytes: int = 2) -> bytes:
    fmt = "<H" if length_bytes == 2 else "<B"
    return struct.pack(fmt, len(text)) + b"\x01" + text.encode("utf-16-le")


def _xf(fmt: int, style: bool) -> bytes:
    # font 0, format, type/protection (style XF 0xFFF5, cell XF parent 0), the rest zero
    return _rec(
        0x00E0,
        struct.pack(
            "<HHHBBBBIIH", 0, fmt, 0xFFF5 if style else 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0
        ),
    )


def _workbook(rows: Sequence[Sequence[Cell]], declared: tuple[int, int] | None) -> bytes:
    font = _rec(
        0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _ustr("Arial", 1)
    )
    xfs = (
        b"".join(_xf(0, True) for _ in range(16)) + _xf(0, False) + _xf(14, False) + _xf(22, False)
    )
    bof_globals = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0600))
    sheet_name = "Register"
    boundsheet_len = 4 + 6 + 2 + 2 * len(sheet_name)  # header, pos and flags, name
    globals_ = (
        bof_globals
        + _rec(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
        + _rec(0x0022, struct.pack("<H", 0))  # DATEMODE 1900
        + font * 5
        + xfs
    )
    sheet_pos = len(globals_) + boundsheet_len + 4  # + EOF record
    globals_ += _rec(0x0085, struct.pack("<IBB", sheet_pos, 0, 0) + _ustr(sheet_name, 1))
    globals_ += _rec(0x000A, b"")
    assert len(globals_) == sheet_pos
    nrows = len(rows)
    ncols = max((len(r) for r in rows), default=0)
    dims = declared or (nrows, ncols)
    sheet = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0600))
    sheet += _rec(0x0200, struct.pack("<IIHHH", 0, dims[0], 0, dims[1], 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet += _rec(0x0204, struct.pack("<HHH", r, c, 16) + _ustr(value))
            elif isinstance(value, dt.datetime):
                serial = (value - _EPOCH) / dt.timedelta(days=1)
                sheet += _rec(0x0203, struct.pack("<HHHd", r, c, 18, serial))
            elif isinstance(value, dt.date):
                serial = (dt.datetime.combine(value, dt.time()) - _EPOCH).days
                sheet += _rec(0x0203, struct.pack("<HHHd", r, c, 17, float(serial)))
            else:
                sheet += _rec(0x0203, struct.pack("<HHHd", r, c, 16, float(value)))
    sheet += _rec(0x000A, b"")
    return globals_ + sheet


def _ole2(stream: bytes) -> bytes:
    stream = stream + b"\x00" * max(0, 4096 - len(stream))
    stream += b"\x00" * (-len(stream) % 512)
    n = len(stream) // 512
    nfat = 1
    while (n + 1 + nfat) > nfat * 128:
        nfat += 1
    dir_sector = n
    fat_start = n + 1
    fat = list(range(1, n)) + [_END] + [_END] + [_FATSECT] * nfat
    fat += [_FREE] * (nfat * 128 - len(fat))
    difat = list(range(fat_start, fat_start + nfat)) + [_FREE] * (109 - nfat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, nfat, dir_sector, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", _NOSTREAM, _NOSTREAM, child)
            + b"\x00" * 16
            + struct.pack("<I", 0)
            + b"\x00" * 16
            + struct.pack("<III", start, size, 0)
        )

    directory = (
        entry("Root Entry", 5, 1, _END, 0)
        + entry("Workbook", 2, _NOSTREAM, 0, len(stream))
        + entry("", 0, _NOSTREAM, 0, 0) * 2
    )
    return header + stream + directory + struct.pack(f"<{nfat * 128}I", *fat)


def write_xls(
    path: Path, rows: Sequence[Sequence[Cell]], *, declared: tuple[int, int] | None = None
) -> Path:
    """Write ``rows`` (the first is the header) as a one-sheet .xls file; return ``path``."""
    path.write_bytes(_ole2(_workbook(rows, declared)))
    return path
