"""``shakti review``: the monthly Mission Shakti review, a sheet per thana and the summary."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import JsonOpt, StoreOpt, command, console, settings, store_at
from api.usecases.common import Source
from api.usecases.review import ReviewRequest, monthly_review, write_review
from geo.errors import ParameterError
from geo.i18n import _, format_int, parse_lang, use_lang
from maps.sheet_lang import SHEET_LANGS
from models.inputs import Selection
from models.review import columns as rc

logger = logging.getLogger(__name__)


def _lang(value: str | None) -> str | None:
    """Return the sheets' language (``hi``, ``en``, ``both``) of ``--lang``, checked."""
    if value is None:
        return None
    if value not in SHEET_LANGS:
        raise ParameterError(
            f"unknown language {value!r}",
            why="the review prints in Hindi, in English, or in both",
            fix="use --lang hi, --lang en or --lang both",
        )
    return value


@command("review")
def review_cmd(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, local).")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD, local).")],
    out: Annotated[Path, typer.Option("--out", help="Folder of the sheets and tables.")],
    thana: Annotated[
        str | None, typer.Option("--thana", help="Only this thana's sheet and rows.")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Sheets in hi (Hindi), en (English) or both. Default: SHAKTI_SHEET_LANG.",
            metavar="hi|en|both",
            show_default=False,
        ),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print each sheet to PDF (local Chromium).")
    ] = False,
    flag_lowest: Annotated[
        int, typer.Option("--flag-lowest", help="Thanas the league flags.", min=0)
    ] = 3,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the monthly review: a page per thana, the commissionerate summary, CSV/XLSX."""
    sheet_lang = _lang(lang)
    text_lang = parse_lang(sheet_lang) if sheet_lang in ("hi", "en") else None
    with use_lang(text_lang):
        source = Source(store_at(store), settings(), Selection())
        q = ReviewRequest(start=start, end=end, thana=thana, flag_lowest=flag_lowest)
        with console.status(_("monthly review …")):
            result = monthly_review(source, q)
            files = write_review(result, out, sheet_lang=sheet_lang, pdf=pdf)
        totals = result.figures().iloc[-1]
        line = _(
            "{sheets} sheets written to {path}: {received} complaints received, "
            "{pending} pending; {flagged} thanas flagged"
        )
        flagged = int(result.review.league.loc[result.thanas()][rc.FLAGGED].sum())
        console.print(
            line.format(
                sheets=format_int(len(files["sheets"])),
                path=out,
                received=format_int(totals[rc.RECEIVED]),
                pending=format_int(totals[rc.PENDING]),
                flagged=format_int(flagged),
            )
        )
        for note in result.notes:
            console.print(_("[yellow]note:[/yellow] {note}").format(note=note))
    if as_json:
        summary = {
            "command": "review",
            **result.summary(),
            "out": str(out),
            "sheets": [p.name for p in files["sheets"]],
            "pdfs": [p.name for p in files["pdfs"]],
            "tables": [p.name for p in files["tables"]],
        }
        typer.echo(json.dumps(summary, default=str, ensure_ascii=False))
