"""Files the service tests upload: small SYNTHETIC incident registers, some with planted PII."""

from __future__ import annotations

#: Planted personal values: no response may ever contain them.
PLANTED_NAME = "Sunita Plantedname"
PLANTED_PHONE = "9876501234"
PLANTED_FREE_TEXT = "PLANTED-FREE-TEXT about Rekha"
#: Personal columns of the planted file.
PERSONAL_COLUMNS = ("Victim Name", "Mobile No")


def register_csv(rows: int = 6, *, bad_rows: int = 2, prefix: str = "up") -> bytes:
    """Return a CSV incident register in Lanka with personal and free-text columns.

    The last ``bad_rows`` rows have an unknown category, so they land in the quarantine with
    their original values.
    """
    lines = ["id,occurred_at,lat,lon,category,source,thana_stated,Victim Name,Mobile No,Remarks"]
    for i in range(rows):
        category = "theft" if i >= rows - bad_rows else "eve-teasing"
        lines.append(
            f"{prefix}-{i},2026-09-{10 + i % 9:02d}T18:30,{25.2780 + i * 0.0001:.6f},"
            f"{83.0030 + i * 0.0001:.6f},{category},complaint,Thana Lanka,"
            f"{PLANTED_NAME},{PLANTED_PHONE},{PLANTED_FREE_TEXT}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")
