"""The printable monthly review: a page per thana and the commissionerate summary (HTML)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import pandas as pd

from geo.i18n import (
    NP_,
    Lang,
    _,
    format_date,
    format_int,
    format_number,
    format_percent,
    thana_display,
    use_lang,
)
from maps.sheet_html import SheetTexts, document, html_value
from maps.sheet_lang import body_lang, sheet_langs
from models.review import Review
from models.review import columns as rc
from models.review.labels import figure_name, resource_name

#: Context of the sheet's headings and labels in the catalogue.
CONTEXT: Final = "review sheet"
#: Section headings, marked for translation.
TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "title": NP_("review sheet", "Mission Shakti monthly review"),
        "summary_title": NP_("review sheet", "Mission Shakti monthly review: commissionerate"),
        "complaints": NP_("review sheet", "Complaints at the centre"),
        "anti_romeo": NP_("review sheet", "Anti-Romeo squads"),
        "awareness": NP_("review sheet", "Awareness"),
        "cctv": NP_("review sheet", "CCTV at places of study and training"),
        "field": NP_("review sheet", "Hotspots and patrols"),
        "resources": NP_("review sheet", "Centre resources"),
        "shortfalls": NP_("review sheet", "Shortfalls to fix, in order"),
        "league": NP_("review sheet", "League of thanas"),
        "notes": NP_("review sheet", "Notes"),
    }
)
#: Sections of the left and right column of a page (the page fits one A4 sheet).
COLUMNS: Final = (("complaints", "awareness", "field", "resources"), ("anti_romeo", "cctv"))
#: Figures of each section, in print order.
SECTIONS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "complaints": rc.CASEWORK_COLUMNS,
        "anti_romeo": rc.ANTI_ROMEO_COLUMNS,
        "awareness": rc.AWARENESS_COLUMNS,
        "cctv": rc.CCTV_COLUMNS,
        "field": rc.FIELD_COLUMNS,
        "resources": rc.RESOURCE_COLUMNS,
    }
)
N_FIGURE: Final = NP_("review sheet", "Figure")
N_NOW: Final = NP_("review sheet", "Now")
N_BEFORE_COLUMN: Final = NP_("review sheet", "Before")
N_BEFORE: Final = NP_("review sheet", "Previous period")
N_CHANGE: Final = NP_("review sheet", "Change")
N_WHOLE: Final = NP_("review sheet", "All thanas")
N_THANA: Final = NP_("review sheet", "Thana")
N_PERIOD: Final = NP_("review sheet", "Period")

_CSS: Final = """
body { font-family: FONTS; margin: 1.2em; color: #111; font-size: 8.5pt; }
h1 { font-size: 14pt; margin: 0 0 0.2em; } h2 { font-size: 10pt; margin: 0.7em 0 0.2em;
     border-bottom: 1px solid #999; } .hi { display: block; font-weight: normal; color: #333; }
.cols { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.figures th:first-child { width: 40%; }
th, td { border: 1px solid #bbb; padding: 1px 3px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eee; overflow-wrap: normal; hyphens: none; }
td.n { text-align: right; white-space: nowrap; }
.flag td { background: #fbe3e3; font-weight: bold; }
table.league th:nth-child(1), table.league th:nth-child(3) { width: 8%; }
table.league th:nth-child(2) { width: 18%; } table.league th:nth-child(4) { width: 20%; }
.warn { color: #a00; font-weight: bold; }
p.meta { color: #333; margin: 0.15em 0; }
.page { page-break-after: always; } .page:last-child { page-break-after: auto; }
@media print { body { margin: 0.4cm; } h2 { page-break-after: avoid; }
               tr { page-break-inside: avoid; } }
"""


_e = html_value
#: The section headings (:data:`TEXTS`) and labels (marked ``NP_("review sheet", ...)``).
_SHEET: Final = SheetTexts(CONTEXT, TEXTS)
_h = _SHEET.section
_label = _SHEET.label


def _value(column: str, value: Any) -> str:
    """Return a figure as printed (counts grouped the Indian way, shares as %, days, keys)."""
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if column == rc.AUDITED_ON:
        return format_date(pd.Timestamp(value).date())
    if column == rc.FIX_FIRST:
        return resource_name(str(value)) if value else "–"
    if column == rc.STUDY_COVERAGE:
        return format_percent(float(value))
    if column in (rc.MEDIAN_DISPOSAL_DAYS, rc.CYBER_YOUNG_MEDIAN_DAYS):
        return format_number(float(value))
    return format_int(float(value))


def _row(frame: pd.DataFrame, label: str) -> pd.Series:
    row: pd.Series = frame.loc[label]  # type: ignore[assignment]  # a unique label: a row
    return row


def _score(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_number(float(value))


def _change(column: str, value: Any) -> str:
    if value is None or pd.isna(value) or column in (rc.AUDITED_ON, rc.FIX_FIRST):
        return "–"
    number = float(value)
    if column == rc.STUDY_COVERAGE:
        text = format_percent(abs(number))
    elif column in (rc.MEDIAN_DISPOSAL_DAYS, rc.CYBER_YOUNG_MEDIAN_DAYS):
        text = format_number(abs(number))
    else:
        text = format_int(abs(number))
    return ("+" if number > 0 else "−" if number < 0 else "±") + text


def _wordy(value: str) -> bool:
    """Return whether a cell holds words (left-aligned, wrapped) rather than a number."""
    return any(ch.isalpha() for ch in value)


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric_from: int = 1,
    classes: Sequence[str] | None = None,
    kind: str = "",
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for k, row in enumerate(rows):
        cells = "".join(
            f'<td class="n">{_e(v)}</td>'
            if i >= numeric_from and not _wordy(v)
            else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        cls = f' class="{_e(classes[k])}"' if classes is not None and classes[k] else ""
        body.append(f"<tr{cls}>{cells}</tr>")
    cls = f' class="{kind}"' if kind else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure_sections(
    now: pd.Series, before: pd.Series, change: pd.Series, whole: pd.Series | None,
    langs: tuple[Lang, ...],
) -> list[str]:  # fmt: skip
    """Return one table per section: figure, this period, previous, change (, commissionerate)."""
    heads = [N_FIGURE, N_NOW, N_BEFORE_COLUMN, N_CHANGE] + ([N_WHOLE] if whole is not None else [])
    headers = [_label(h, langs) for h in heads]
    parts: list[str] = ['<div class="cols">']
    for keys in COLUMNS:
        parts.append("<div>")
        for key in keys:
            parts += _section(key, headers, now, before, change, whole, langs)
        parts.append("</div>")
    return [*parts, "</div>"]


def _section(
    key: str, headers: list[str], now: pd.Series, before: pd.Series, change: pd.Series,
    whole: pd.Series | None, langs: tuple[Lang, ...],
) -> list[str]:  # fmt: skip
    """Return one section's heading and table of figures."""
    rows = []
    for c in SECTIONS[key]:
        row = [figure_name(c), _value(c, now[c]), _value(c, before[c])]
        row.append(_change(c, change.get(c)))
        if whole is not None:
            row.append(_value(c, whole[c]))
        rows.append(row)
    return [_h(key, langs), _table(headers, rows, kind="figures")]


def _head(
    title_key: str, where: str, review: Review, langs: tuple[Lang, ...], *, synthetic: bool
) -> list[str]:
    """Return the page's start: title, thana and both periods, the SYNTHETIC-data warning."""
    period = _("{first} to {last}").format(
        first=format_date(review.period.start), last=format_date(review.period.end)
    )
    before = _("{first} to {last}").format(
        first=format_date(review.previous_period.start),
        last=format_date(review.previous_period.end),
    )
    fields = [(N_THANA, where), (N_PERIOD, period), (N_BEFORE, before)]
    title = _SHEET.title_block(title_key, langs, fields, synthetic=synthetic)
    return ['<div class="page">', *title]


def _shortfalls(review: Review, thana: str, langs: tuple[Lang, ...]) -> list[str]:
    short = review.shortfalls[review.shortfalls.index == thana]
    parts = [_h("shortfalls", langs)]
    if pd.isna(review.figures[rc.AUDITED_ON].loc[thana]):
        line = _("No resources audit of this centre is on record.")
        return [*parts, f"<p>{_e(line)}</p>"]
    if short.empty:
        line = _("The centre meets the norm in every resource.")
        return [*parts, f"<p>{_e(line)}</p>"]
    rows = [
        [str(int(r[rc.FIX_ORDER])), resource_name(r[rc.RESOURCE]), format_int(r[rc.WORKING]),
         format_int(r[rc.REQUIRED]), format_int(r[rc.SHORT])]
        for _i, r in short.iterrows()
    ]  # fmt: skip
    heads = (
        NP_("review sheet", "#"), NP_("review sheet", "Resource"),
        NP_("review sheet", "Working"), NP_("review sheet", "Required"),
        NP_("review sheet", "Short"),
    )  # fmt: skip
    return [*parts, _table([_label(h, langs) for h in heads], rows, numeric_from=2)]


def _league_row(review: Review, thana: str, langs: tuple[Lang, ...]) -> list[str]:
    row = _row(review.league, thana)
    n = len(review.league)
    line = _("Rank {rank} of {n} thanas, score {score} of 100.").format(
        rank=format_int(row[rc.RANK]), n=format_int(n), score=_score(row[rc.SCORE])
    )
    parts = [_h("league", langs), f"<p>{_e(line)}</p>"]
    if bool(row[rc.FLAGGED]):
        flag = _("Flagged among the lowest thanas.")
        parts.append(f"<p class='warn'>{_e(flag)}</p>")
    if row[rc.WHY]:
        why = _("Pulled down by: {why}.").format(why=row[rc.WHY])
        parts.append(f"<p>{_e(why)}</p>")
    return parts


def review_sheet_html(
    review: Review,
    thana: str,
    *,
    sheet_lang: str | None = None,
    thana_names_hi: Mapping[str, str] | None = None,
    synthetic: bool = False,
) -> str:
    """Return one thana's printable review page (standalone HTML, the font embedded).

    Parameters
    ----------
    review : models.review.Review
    thana : str
    sheet_lang : {"hi", "en", "both"}, optional
        Default the setting ``SHAKTI_SHEET_LANG``.
    thana_names_hi : mapping, optional
        Thana → Hindi name.
    synthetic : bool
        Mark the page as made from SYNTHETIC demo data.

    Returns
    -------
    str
    """
    langs = sheet_langs(sheet_lang)
    with use_lang(body_lang(langs)):
        where = thana_display(thana, thana_names_hi)
        body = [
            *_head("title", where, review, langs, synthetic=synthetic),
            *_figure_sections(
                _row(review.figures, thana), _row(review.previous, thana),
                _row(review.change, thana), review.commissionerate.iloc[0], langs,
            ),
            *_shortfalls(review, thana, langs),
            *_league_row(review, thana, langs),
            "</div>",
        ]  # fmt: skip
        return document(_SHEET.page_title("title", langs, where), _CSS, langs, body)


def summary_sheet_html(
    review: Review,
    *,
    sheet_lang: str | None = None,
    thana_names_hi: Mapping[str, str] | None = None,
    synthetic: bool = False,
    notes: Sequence[str] = (),
) -> str:
    """Return the commissionerate's printable summary: totals, change and the league.

    Parameters
    ----------
    review : models.review.Review
    sheet_lang : {"hi", "en", "both"}, optional
    thana_names_hi : mapping, optional
    synthetic : bool
    notes : sequence of str
        Notes printed at the end (missing layers).

    Returns
    -------
    str
    """
    langs = sheet_langs(sheet_lang)
    with use_lang(body_lang(langs)):
        where = _("all thanas")
        body = [
            *_head("summary_title", where, review, langs, synthetic=synthetic),
            *_figure_sections(
                review.commissionerate.iloc[0], review.previous_commissionerate.iloc[0],
                review.commissionerate_change.iloc[0], None, langs,
            ),
            _h("league", langs),
            _league_table(review, langs, thana_names_hi),
        ]  # fmt: skip
        if notes:
            body += [_h("notes", langs), "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes)]
            body.append("</ul>")
        body.append("</div>")
        return document(_SHEET.page_title("summary_title", langs), _CSS, langs, body)


def _league_table(
    review: Review, langs: tuple[Lang, ...], names_hi: Mapping[str, str] | None
) -> str:
    heads = (
        NP_("review sheet", "Rank"), N_THANA, NP_("review sheet", "Score"),
        NP_("review sheet", "Fix first"), NP_("review sheet", "Pulled down by"),
    )  # fmt: skip
    rows = []
    classes = []
    for thana, r in review.league.iterrows():
        fix = review.figures.at[thana, rc.FIX_FIRST]
        rows.append(
            [format_int(r[rc.RANK]), thana_display(str(thana), names_hi),
             _score(r[rc.SCORE]), resource_name(str(fix)) if fix else "–", str(r[rc.WHY])]
        )  # fmt: skip
        classes.append("flag" if bool(r[rc.FLAGGED]) else "")
    table = _table(
        [_label(h, langs) for h in heads], rows, numeric_from=9, classes=classes, kind="league"
    )
    line = _("Rows in bold on a shaded ground: the lowest thanas, flagged.")
    return f"<p class='meta'>{_e(line)}</p>{table}"
