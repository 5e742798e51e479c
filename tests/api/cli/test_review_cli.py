"""``shakti review`` on the SYNTHETIC demo store: sheets, tables, totals, Hindi, PDF."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli.common import app
from geo import demo
from geo.i18n import devanagari_share
from maps.browser import unavailable_reason
from models.review import columns as rc

runner = CliRunner()
#: The whole demo period (the Mission Shakti 5.0 campaign of the seed).
FIRST, LAST = "2025-05-01", "2026-10-31"
_TAG = re.compile(r"<[^>]+>")


def run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["review", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def visible_text(page: str) -> str:
    body = page.split("<body>", 1)[1]
    return html.unescape(_TAG.sub(" ", body))


def test_whole_demo_period_gives_every_sheet_and_the_seed_totals(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "review"
    summary = run("--from", FIRST, "--to", LAST, "--out", str(out), "--store", str(store))
    sheets = sorted(p.name for p in out.glob("*.html"))
    assert len(sheets) == 30 and "review_commissionerate.html" in sheets
    assert summary["thanas"] == 29 and len(summary["sheets"]) == 30  # type: ignore[arg-type]
    totals = summary["totals"]
    assert isinstance(totals, dict)
    assert totals[rc.AR_CASES] == demo.N_CASES_REGISTERED
    assert totals[rc.AR_ARRESTS] == demo.N_CASE_ARRESTS
    assert totals[rc.DETENTIONS] == demo.N_DETAINED
    assert totals[rc.AR_COUNSELLED] == demo.N_COUNSELLED
    assert totals[rc.DRIVES] == totals[rc.PLACES] == demo.N_CAMPAIGNS
    assert totals[rc.WOMEN_REACHED] == demo.N_WOMEN_REACHED
    # the centres' registers: the 255 reunions are casework outcomes, every complaint counted
    assert totals[rc.REUNITED] == demo.N_COUNSELLED
    assert totals[rc.RECEIVED] == demo.DEMO_CASEWORK
    assert totals[rc.RECEIVED] == totals[rc.DISPOSED] + totals[rc.PENDING]
    assert sum(totals[c] for c in rc.DETENTION_COLUMNS) == demo.N_DETAINED
    assert totals[rc.detentions_under(rc.SECTION_UNSTATED)] == 0
    figures = pd.read_csv(out / "review_figures.csv", encoding="utf-8-sig")
    assert len(figures) == 30 and figures[rc.THANA_INDEX].iloc[-1] == rc.COMMISSIONERATE
    assert figures[rc.DETENTIONS].iloc[:-1].sum() == demo.N_DETAINED
    # drives and cameras are stored without a thana: each is counted in the thana holding it
    assert figures[rc.DRIVES].iloc[:-1].sum() == demo.N_CAMPAIGNS
    assert figures[rc.WOMEN_REACHED].iloc[:-1].sum() == demo.N_WOMEN_REACHED
    assert (figures[rc.DRIVES].iloc[:-1] > 0).sum() > 20
    assert (out / "review_league.xlsx").is_file() and (out / "review_shortfalls.csv").is_file()
    league = pd.read_csv(out / "review_league.csv", encoding="utf-8-sig")
    assert league[rc.RANK].is_monotonic_increasing and league[rc.FLAGGED].any()
    flagged = league[league[rc.FLAGGED]]
    assert flagged[rc.WHY].notna().all()  # every flagged thana says what pulls it down


def test_one_thana_in_hindi_has_no_english_body_text(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "lanka"
    summary = run(
        "--from", "2026-10-01", "--to", "2026-10-31", "--thana", "Lanka", "--lang", "hi",
        "--out", str(out), "--store", str(store),
    )  # fmt: skip
    assert summary["sheets"] == ["review_lanka.html"]
    page = (out / "review_lanka.html").read_text(encoding="utf-8")
    assert '<html lang="hi">' in page and "Noto Sans Devanagari" in page
    text = visible_text(page)
    assert devanagari_share(text) >= 0.97, text
    assert "Mission Shakti monthly review" not in page


def test_english_sheet_has_no_hindi(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    run("--from", "2026-10-01", "--to", "2026-10-31", "--thana", "Lanka", "--lang", "en",
        "--out", str(out), "--store", str(store))  # fmt: skip
    text = visible_text((out / "review_lanka.html").read_text(encoding="utf-8"))
    assert devanagari_share(text) == 0 and "Complaints received" in text


def test_bad_language_and_period_are_refused(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["review", "--from", "2026-10-31", "--to", "2026-10-01", "--out", str(tmp_path),
         "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 2 and "before it starts" in result.output
    result = runner.invoke(
        app,
        ["review", "--from", FIRST, "--to", LAST, "--lang", "fr", "--out", str(tmp_path),
         "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 2 and "hi, --lang en or --lang both" in result.output


@pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
def test_pdf_through_chromium(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    summary = run(
        "--from", "2026-10-01", "--to", "2026-10-31", "--thana", "Lanka", "--lang", "both",
        "--pdf", "--out", str(out), "--store", str(store),
    )  # fmt: skip
    assert summary["pdfs"] == ["review_lanka.pdf"]
    data = (out / "review_lanka.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5_000
