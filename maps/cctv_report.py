"""The printable per-thana CCTV report (HTML in Hindi, English or both): gaps, repairs, plan."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geo.i18n import (
    NP_,
    Lang,
    _,
    counted,
    format_int,
    format_percent,
    gap_status_name,
    ngettext,
    place_name,
    priority_name,
    site_kind_name,
    thana_display,
    translate,
    use_lang,
)
from geo.schema import KIND, NAME, NAME_HI, THANA
from maps.sheet_html import SheetTexts, document, html_value
from maps.sheet_lang import body_lang, sheet_langs
from models.cctv import gaps as cg
from models.cctv import placement as pl

#: Context of the report's headings and labels in the catalogue.
CONTEXT: Final = "cctv report"
#: Section headings, marked for translation.
TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "title": NP_("cctv report", "CCTV coverage report"),
        "summary": NP_("cctv report", "Summary"),
        "gaps": NP_("cctv report", "Gaps by priority"),
        "repairs": NP_("cctv report", "Sites a repair would cover"),
        "plan": NP_("cctv report", "Proposed cameras (in order of gain)"),
        "covered": NP_("cctv report", "Sites already covered"),
        "notes": NP_("cctv report", "Assumptions and defaults"),
    }
)
#: Section headings: (Hindi, English).
HEADINGS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {k: (translate(v, "hi", context=CONTEXT), v) for k, v in TEXTS.items()}
)
N_THANA: Final = NP_("cctv report", "Thana")
N_PERIOD: Final = NP_("cctv report", "Period")
#: Most gap rows printed (the CSV/GeoJSON export has them all).
MAX_ROWS: Final = 60

_CSS: Final = """
body { font-family: FONTS; margin: 1.5em; color: #111; font-size: 11pt; }
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


def _site_name(row: pd.Series) -> str:
    """Return a gap row's site name in the output language (its Hindi name in Hindi)."""
    return place_name(row[NAME], row.get(NAME_HI))


_e = html_value
#: The section headings (:data:`TEXTS`) and labels (marked ``NP_("cctv report", ...)``).
_SHEET: Final = SheetTexts(CONTEXT, TEXTS)
_h = _SHEET.section
_label = _SHEET.label


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


def _labelled_table(
    headers: Sequence[str],
    langs: tuple[Lang, ...],
    rows: Sequence[Sequence[Any]],
    classes: Sequence[str] | None = None,
) -> str:
    """Return a table whose headers (marked ``NP_("cctv report", ...)``) are in each language."""
    labels = [_label(h, langs) for h in headers]
    return _table(labels, rows, [""] * len(rows) if classes is None else classes)


def _share(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_percent(float(value))


def _window(params: Mapping[str, Any]) -> str:
    """Return the time window the incident counts cover, as text."""
    days = params.get("days")
    if not days:
        return _("the selection")
    return ngettext("last {n} day", "last {n} days", int(days)).format(n=format_int(days))


def _summary_section(
    table: gpd.GeoDataFrame,
    summary: pd.DataFrame,
    window: str,
    langs: tuple[Lang, ...],
    *,
    per_thana: bool,
) -> list[str]:
    """Return the summary table (and, with ``per_thana``, one row per thana)."""
    counts = table[cg.GAP_STATUS].value_counts()
    parts = [_h("summary", langs)]
    inc_share = hot_share = None
    if len(summary):
        row = summary.iloc[0] if len(summary) == 1 else None
        if row is not None:
            inc_share, hot_share = row[cg.INCIDENTS_IN_VIEW_SHARE], row[cg.HOTSPOTS_IN_VIEW_SHARE]
    lab = functools.partial(_label, langs=langs)
    summary_rows = [
        (lab(NP_("cctv report", "Sensitive sites")), format_int(len(table))),
        (
            lab(NP_("cctv report", "Covered by a working camera")),
            format_int(counts.get(cg.COVERED_STATUS, 0)),
        ),
        (lab(NP_("cctv report", "Repairable")), format_int(counts.get(cg.REPAIRABLE, 0))),
        (lab(NP_("cctv report", "Uncovered")), format_int(counts.get(cg.UNCOVERED, 0))),
        (
            lab(NP_("cctv report", "High priority gaps")),
            format_int((table[cg.PRIORITY] == cg.HIGH).sum()),
        ),
        (
            # TRANSLATORS: {window} is "last 90 days" or "the selection".
            _("Incidents in a working camera's view ({window})").format(window=window),
            _share(inc_share),
        ),
        (_("Hotspots touched by a working camera's view"), _share(hot_share)),
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
        heads = (
            N_THANA, NP_("cctv report", "Sites"), NP_("cctv report", "Covered"),
            NP_("cctv report", "Repairable"), NP_("cctv report", "Uncovered"),
            NP_("cctv report", "Incidents in view"),
        )  # fmt: skip
        parts.append(_labelled_table(heads, langs, rows))
    return parts


def _gaps_section(table: gpd.GeoDataFrame, langs: tuple[Lang, ...]) -> list[str]:
    """Return the gaps by priority (at most :data:`MAX_ROWS` rows)."""
    gap_rows = table[table[cg.GAP_STATUS] != cg.COVERED_STATUS]
    parts = [_h("gaps", langs)]
    if gap_rows.empty:
        line = _("Every site is covered by a working camera.")
        parts.append(f"<p>{_e(line)}</p>")
        return parts
    shown = gap_rows.head(MAX_ROWS)
    rows = [
        (
            int(r[cg.GAP_RANK]) if pd.notna(r[cg.GAP_RANK]) else "", _site_name(r),
            site_kind_name(r[KIND]), gap_status_name(r[cg.GAP_STATUS]),
            priority_name(r[cg.PRIORITY]), int(r[cg.INCIDENTS_NEAR]), r[cg.WHY],
        )
        for _, r in shown.iterrows()
    ]  # fmt: skip
    heads = (
        NP_("cctv report", "#"), NP_("cctv report", "Site"), NP_("cctv report", "Kind"),
        NP_("cctv report", "Status"), NP_("cctv report", "Priority"),
        NP_("cctv report", "Incidents"), NP_("cctv report", "Why"),
    )  # fmt: skip
    parts.append(_labelled_table(heads, langs, rows, [str(s) for s in shown[cg.GAP_STATUS]]))
    if len(gap_rows) > MAX_ROWS:
        more = len(gap_rows) - MAX_ROWS
        line = counted(
            more, "… and {n} more (see the CSV export).", "… and {n} more (see the CSV export)."
        )
        parts.append(f"<p>{_e(line)}</p>")
    return parts


def _repairs_section(table: gpd.GeoDataFrame, langs: tuple[Lang, ...]) -> list[str]:
    """Return the sites a repair would cover."""
    repair = table[table[cg.GAP_STATUS] == cg.REPAIRABLE]
    parts = [_h("repairs", langs)]
    if repair.empty:
        line = _("No site would be covered by repairing a camera.")
        parts.append(f"<p>{_e(line)}</p>")
        return parts
    rows = [
        (_site_name(r), r[cg.REPAIR_CAMERA_ID], r[cg.NEAREST_FAULTY_M])
        for _, r in repair.iterrows()
    ]
    heads = (
        NP_("cctv report", "Site"),
        NP_("cctv report", "Camera to repair"),
        NP_("cctv report", "Nearest broken camera (m)"),
    )
    parts.append(_labelled_table(heads, langs, rows, ["repairable"] * len(rows)))
    return parts


def _plan_section(placement: pl.Placement | None, langs: tuple[Lang, ...]) -> list[str]:
    """Return the proposed cameras in order of gain (nothing without a placement)."""
    if placement is None:
        return []
    parts = [_h("plan", langs)]
    cams = placement.cameras
    s = placement.summary
    method = _(
        "Method {method}, optimality gap {gap}, solved in {seconds} s; demand seen before: "
        "{before}, after: {after}. Stop at any row: each camera is the best next one."
    ).format(
        method=s.get("method"),
        gap=format_percent(float(s.get("optimality_gap") or 0), 2),
        seconds=s.get("solve_s"),
        before=_share(s.get("share_seen_before")),
        after=_share(s.get("share_seen_after")),
    )
    parts.append(f"<p class='meta'>{_e(method)}</p>")
    if cams.empty:
        line = _("No camera would add coverage.")
        parts.append(f"<p>{_e(line)}</p>")
        return parts
    rows = [
        (
            int(r[pl.ORDER]), pl.action_name(r[pl.ACTION]), r[pl.LABEL],
            round(float(r[pl.MARGINAL_GAIN]), 1), _share(r[pl.CUMULATIVE_SHARE]),
            round(float(r[pl.CUMULATIVE_COST]), 2),
            f"{r.geometry.y:.5f}, {r.geometry.x:.5f}", r[pl.WHY],
        )
        for _, r in cams.iterrows()
    ]  # fmt: skip
    heads = (
        NP_("cctv report", "#"), NP_("cctv report", "Action"), NP_("cctv report", "Where"),
        NP_("cctv report", "Gain"), NP_("cctv report", "Seen"), NP_("cctv report", "Cost"),
        NP_("cctv report", "Lat, lon"), NP_("cctv report", "Why"),
    )  # fmt: skip
    classes = ["repairable" if a == pl.REPAIR else "" for a in cams[pl.ACTION]]
    parts.append(_labelled_table(heads, langs, rows, classes))
    return parts


def _covered_section(table: gpd.GeoDataFrame, langs: tuple[Lang, ...]) -> list[str]:
    """Return the names of the sites a working camera already covers."""
    covered = table[table[cg.GAP_STATUS] == cg.COVERED_STATUS]
    return [
        _h("covered", langs),
        "<p>"
        + (_e("; ".join(sorted(_site_name(r) for _, r in covered.iterrows()))) or _e(_("None.")))
        + "</p>",
    ]


def _notes_section(
    gaps: cg.GapAnalysis, placement: pl.Placement | None, window: str, langs: tuple[Lang, ...]
) -> list[str]:
    """Return the assumptions and defaults the report rests on."""
    params = gaps.parameters
    extents = _(", ").join(
        # TRANSLATORS: a kind of site and how far it extends, e.g. "college 150 m".
        _("{kind} {metres} m").format(kind=site_kind_name(k), metres=f"{v:g}")
        for k, v in params.get("site_extent_m", {}).items()
    )
    notes = [
        _(
            "A site is covered when a working camera's view radius plus the site's extent "
            "({extents}) reaches it."
        ).format(extents=extents),
        # TRANSLATORS: {window} is "last 90 days" or "the selection"; {until} a date and time.
        _("Incidents counted within {metres} m in the {window} up to {until}.").format(
            metres=f"{params.get('radius_m', cg.DEFAULT_RADIUS_M):g}",
            window=window,
            until=params.get("reference_time") or _("the latest incident"),
        ),
        *gaps.notes,
        *(placement.notes if placement is not None else ()),
    ]
    return [_h("notes", langs), "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in notes) + "</ul>"]


def cctv_report_html(
    gaps: cg.GapAnalysis,
    *,
    thana: str | None = None,
    placement: pl.Placement | None = None,
    period: str = "",
    synthetic: bool = False,
    sheet_lang: str | None = None,
    thana_names_hi: Mapping[str, str] | None = None,
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
    sheet_lang : {"hi", "en", "both"}, optional
        Hindi only, English only, or both (headings in English and Hindi; values and
        sentences in the current language); default the setting ``SHAKTI_SHEET_LANG``.
    thana_names_hi : mapping of str to str, optional
        Thana name → Hindi name (:func:`geo.i18n.hindi_names` of the thanas layer), to name the
        thana in Hindi.

    Returns
    -------
    str
        A standalone HTML document (no script, no remote resource); institution names only.
    """
    langs = sheet_langs(sheet_lang)
    with use_lang(body_lang(langs)):
        where = thana_display(thana, thana_names_hi) if thana is not None else _("all thanas")
        return _report_html(gaps, thana, where, placement, period, langs, synthetic=synthetic)


def _report_html(
    gaps: cg.GapAnalysis,
    thana: str | None,
    where: str,
    placement: pl.Placement | None,
    period: str,
    langs: tuple[Lang, ...],
    *,
    synthetic: bool,
) -> str:
    table: gpd.GeoDataFrame = gaps.gaps
    summary = gaps.summary
    if thana is not None:
        table = table[table[THANA].astype("string") == thana]
        summary = summary[summary[THANA] == thana]
    window = _window(gaps.parameters)
    parts = [
        *_SHEET.title_block(
            "title", langs, [(N_THANA, where), (N_PERIOD, period)], synthetic=synthetic
        ),
        *_summary_section(table, summary, window, langs, per_thana=thana is None),
        *_gaps_section(table, langs),
        *_repairs_section(table, langs),
        *_plan_section(placement, langs),
        *_covered_section(table, langs),
        *_notes_section(gaps, placement, window, langs),
    ]
    return document(_SHEET.page_title("title", langs, where), _CSS, langs, parts)
