"""The printable per-thana CCTV report (HTML, Hindi and English headings): gaps, repairs, plan."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geo.schema import KIND, NAME, THANA
from models.cctv import gaps as cg
from models.cctv import placement as pl

#: Section headings: (Hindi, English).
HEADINGS: Final[Mapping[str, tuple[str, str]]] = {
    "title": ("सीसीटीवी कवरेज रिपोर्ट", "CCTV coverage report"),
    "summary": ("सारांश", "Summary"),
    "gaps": ("प्राथमिकता के अनुसार कमियाँ", "Gaps by priority"),
    "repairs": ("मरम्मत से ढके जा सकने वाले स्थल", "Sites a repair would cover"),
    "plan": ("प्रस्तावित कैमरे (लाभ के क्रम में)", "Proposed cameras (in order of gain)"),
    "covered": ("कैमरे से ढके स्थल", "Sites already covered"),
    "notes": ("मान्यताएँ और डिफ़ॉल्ट", "Assumptions and defaults"),
}
#: Most gap rows printed (the CSV/GeoJSON export has them all).
MAX_ROWS: Final = 60

_CSS: Final = """
body { font-family: "Noto Sans", "Noto Sans Devanagari", Arial, sans-serif; margin: 1.5em;
       color: #111; font-size: 11pt; }
h1 { font-size: 16pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; margin-top: 1.4em;
     border-bottom: 1px solid #999; } .hi { display: block; font-weight: normal; color: #333; }
table { border-collapse: collapse; width: 100%; margin-top: 0.4em; }
th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #eee; } td.n { text-align: right; }
.uncovered { background: #fbe3e3; } .repairable { background: #fff1dd; }
.covered { background: #e6f4e6; } .warn { color: #a00; font-weight: bold; }
p.meta { color: #444; margin: 0.2em 0; }
@media print { body { margin: 0.5cm; } h2 { page-break-after: avoid; }
               tr { page-break-inside: avoid; } }
"""


def _e(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _h(key: str, level: int = 2) -> str:
    hindi, english = HEADINGS[key]
    return (
        f'<h{level} lang="en">{_e(english)}<span class="hi" lang="hi">{_e(hindi)}</span></h{level}>'
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], classes: Sequence[str]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row, cls in zip(rows, classes, strict=True):
        cells = "".join(
            f'<td class="n">{_e(v)}</td>' if isinstance(v, int | float) else f"<td>{_e(v)}</td>"
            for v in row
        )
        body.append(f'<tr class="{_e(cls)}">{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _share(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.0%}"


def _window(params: Mapping[str, Any]) -> str:
    """Return the time window the incident counts cover, as text."""
    return f"last {params.get('days')} days" if params.get("days") else "the selection"


def _head_section(where: str, period: str, *, synthetic: bool) -> list[str]:
    """Return the document head, title and the thana / period line."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(HEADINGS['title'][1])}: {_e(where)}</title><style>{_CSS}</style></head><body>",
        _h("title", 1),
        f"<p class='meta'><b>Thana / थाना:</b> {_e(where)}"
        + (f" &nbsp; <b>Period / अवधि:</b> {_e(period)}" if period else "")
        + "</p>",
    ]
    if synthetic:
        parts.append("<p class='warn'>SYNTHETIC demo data — not real incidents or cameras.</p>")
    return parts


def _summary_section(
    table: gpd.GeoDataFrame, summary: pd.DataFrame, window: str, *, per_thana: bool
) -> list[str]:
    """Return the summary table (and, with ``per_thana``, one row per thana)."""
    counts = table[cg.GAP_STATUS].value_counts()
    parts = [_h("summary")]
    inc_share = hot_share = None
    if len(summary):
        row = summary.iloc[0] if len(summary) == 1 else None
        if row is not None:
            inc_share, hot_share = row[cg.INCIDENTS_IN_VIEW_SHARE], row[cg.HOTSPOTS_IN_VIEW_SHARE]
    summary_rows = [
        ("Sensitive sites / संवेदनशील स्थल", len(table)),
        ("Covered by a working camera / चालू कैमरे से ढके", int(counts.get(cg.COVERED_STATUS, 0))),
        ("Repairable / मरम्मत योग्य", int(counts.get(cg.REPAIRABLE, 0))),
        ("Uncovered / बिना कैमरे", int(counts.get(cg.UNCOVERED, 0))),
        ("High priority gaps / उच्च प्राथमिकता", int((table[cg.PRIORITY] == cg.HIGH).sum())),
        (f"Incidents in a working camera's view ({window})", _share(inc_share)),
        ("Hotspots touched by a working camera's view", _share(hot_share)),
    ]
    parts.append(_table(["", ""], summary_rows, [""] * len(summary_rows)))
    if per_thana and len(summary) > 1:
        rows: list[tuple[Any, ...]] = [
            (
                r[THANA], int(r[cg.SITES_COL]), int(r[cg.COVERED_COL]), int(r[cg.REPAIRABLE_COL]),
                int(r[cg.UNCOVERED_COL]), _share(r[cg.INCIDENTS_IN_VIEW_SHARE]),
            )
            for _, r in summary.iterrows()
        ]  # fmt: skip
        parts.append(
            _table(
                ["Thana", "Sites", "Covered", "Repairable", "Uncovered", "Incidents in view"],
                rows,
                [""] * len(rows),
            )
        )
    return parts


def _gaps_section(table: gpd.GeoDataFrame) -> list[str]:
    """Return the gaps by priority (at most :data:`MAX_ROWS` rows)."""
    gap_rows = table[table[cg.GAP_STATUS] != cg.COVERED_STATUS]
    parts = [_h("gaps")]
    if gap_rows.empty:
        parts.append("<p>Every site is covered by a working camera.</p>")
        return parts
    shown = gap_rows.head(MAX_ROWS)
    rows = [
        (
            int(r[cg.GAP_RANK]) if pd.notna(r[cg.GAP_RANK]) else "", r[NAME], r[KIND],
            r[cg.GAP_STATUS], r[cg.PRIORITY], int(r[cg.INCIDENTS_NEAR]), r[cg.WHY],
        )
        for _, r in shown.iterrows()
    ]  # fmt: skip
    parts.append(
        _table(
            ["#", "Site / स्थल", "Kind", "Status", "Priority", "Incidents", "Why / कारण"],
            rows,
            [str(s) for s in shown[cg.GAP_STATUS]],
        )
    )
    if len(gap_rows) > MAX_ROWS:
        parts.append(f"<p>… and {len(gap_rows) - MAX_ROWS} more (see the CSV export).</p>")
    return parts


def _repairs_section(table: gpd.GeoDataFrame) -> list[str]:
    """Return the sites a repair would cover."""
    repair = table[table[cg.GAP_STATUS] == cg.REPAIRABLE]
    parts = [_h("repairs")]
    if repair.empty:
        parts.append("<p>No site would be covered by repairing a camera.</p>")
        return parts
    rows = [(r[NAME], r[cg.REPAIR_CAMERA_ID], r[cg.NEAREST_FAULTY_M]) for _, r in repair.iterrows()]
    parts.append(
        _table(
            ["Site", "Camera to repair", "Nearest broken camera (m)"],
            rows,
            ["repairable"] * len(rows),
        )
    )
    return parts


def _plan_section(placement: pl.Placement | None) -> list[str]:
    """Return the proposed cameras in order of gain (nothing without a placement)."""
    if placement is None:
        return []
    parts = [_h("plan")]
    cams = placement.cameras
    s = placement.summary
    parts.append(
        f"<p class='meta'>Method {_e(s.get('method'))}, optimality gap "
        f"{float(s.get('optimality_gap') or 0):.2%}, solved in {_e(s.get('solve_s'))} s; "
        f"demand seen before: {_share(s.get('share_seen_before'))}, after: "
        f"{_share(s.get('share_seen_after'))}. Stop at any row: each camera is the best next "
        "one.</p>"
    )
    if cams.empty:
        parts.append("<p>No camera would add coverage.</p>")
        return parts
    rows = [
        (
            int(r[pl.ORDER]), r[pl.ACTION], r[pl.LABEL],
            round(float(r[pl.MARGINAL_GAIN]), 1), _share(r[pl.CUMULATIVE_SHARE]),
            round(float(r[pl.CUMULATIVE_COST]), 2),
            f"{r.geometry.y:.5f}, {r.geometry.x:.5f}", r[pl.WHY],
        )
        for _, r in cams.iterrows()
    ]  # fmt: skip
    parts.append(
        _table(
            ["#", "Action", "Where", "Gain", "Seen", "Cost", "Lat, lon", "Why / कारण"],
            rows,
            ["repairable" if a == pl.REPAIR else "" for a in cams[pl.ACTION]],
        )
    )
    return parts


def _covered_section(table: gpd.GeoDataFrame) -> list[str]:
    """Return the names of the sites a working camera already covers."""
    covered = table[table[cg.GAP_STATUS] == cg.COVERED_STATUS]
    return [
        _h("covered"),
        "<p>" + (_e("; ".join(sorted(covered[NAME].astype(str)))) or "None.") + "</p>",
    ]


def _notes_section(gaps: cg.GapAnalysis, placement: pl.Placement | None, window: str) -> list[str]:
    """Return the assumptions and defaults the report rests on."""
    params = gaps.parameters
    notes = [
        f"A site is covered when a working camera's view radius plus the site's extent "
        f"({', '.join(f'{k} {v:g} m' for k, v in params.get('site_extent_m', {}).items())}) "
        "reaches it.",
        f"Incidents counted within {params.get('radius_m', cg.DEFAULT_RADIUS_M):g} m in the "
        f"{window} up to {params.get('reference_time') or 'the latest incident'}.",
        *gaps.notes,
        *(placement.notes if placement is not None else ()),
    ]
    return [_h("notes"), "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in notes) + "</ul>"]


def cctv_report_html(
    gaps: cg.GapAnalysis,
    *,
    thana: str | None = None,
    placement: pl.Placement | None = None,
    period: str = "",
    synthetic: bool = False,
) -> str:
    """Return a printable HTML report of one thana's (or every thana's) CCTV gaps and plan.

    Parameters
    ----------
    gaps : models.cctv.gaps.GapAnalysis
    thana : str, optional
        Only this thana's sites (the report's title says which).
    placement : models.cctv.placement.Placement, optional
        Proposed cameras, listed in order of marginal gain.
    period : str
        The time window, as text.
    synthetic : bool
        Mark the report as made from SYNTHETIC demo data.

    Returns
    -------
    str
        A standalone HTML document (no script, no remote resource); institution names only.
    """
    table: gpd.GeoDataFrame = gaps.gaps
    summary = gaps.summary
    if thana is not None:
        table = table[table[THANA].astype("string") == thana]
        summary = summary[summary[THANA] == thana]
    where = thana or "all thanas"
    window = _window(gaps.parameters)
    parts = [
        *_head_section(where, period, synthetic=synthetic),
        *_summary_section(table, summary, window, per_thana=thana is None),
        *_gaps_section(table),
        *_repairs_section(table),
        *_plan_section(placement),
        *_covered_section(table),
        *_notes_section(gaps, placement, window),
    ]
    parts.append("</body></html>")
    return "\n".join(parts)
