"""Use case: the monthly Mission Shakti review of a period, its sheets and its tables."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from api.usecases.common import Source, jsonable
from geo.centre import CASEWORK_LAYER, CENTRE_AUDIT_LAYER
from geo.errors import ParameterError, ShaktiError
from geo.i18n import _
from geo.schema import INSTALLED_ON, NAME, THANA, LayerKind
from geo.settings import Settings
from geo.store import read_layer
from geo.synthetic import is_synthetic
from models.inputs import AnalysisInputs, Selection
from models.review import LeagueParams, Period, ResourceNorm, Review, ReviewLayers
from models.review import columns as rc
from models.review.period import local_days
from models.selection import select_incidents

logger = logging.getLogger(__name__)

#: Longest review period (days) a request may ask for.
MAX_REVIEW_DAYS: Final = 3660
#: Files of a review folder.
FIGURES_TABLE: Final = "review_figures"
SHORTFALLS_TABLE: Final = "review_shortfalls"
LEAGUE_TABLE: Final = "review_league"
CHANGE_TABLE: Final = "review_change"
SUMMARY_SHEET: Final = "review_commissionerate"
THANA_SHEET: Final = "review_{slug}"


@dataclass(frozen=True)
class ReviewRequest:
    """Parameters of a review, declared once (CLI options and query parameters use them).

    Attributes
    ----------
    start, end : str
        First and last local day (YYYY-MM-DD).
    thana : str, optional
        Only this thana's sheet and rows (the league still ranks every thana).
    eps_m, min_samples : float or None, int or None
        Hotspot parameters; ``None`` (the default): chosen from each period's density and
        patrol-sized, as ``shakti hotspots`` does (:func:`api.usecases.hotspots.choose_params`).
    flag_lowest : int
        How many of the lowest thanas the league flags.
    norm : models.review.ResourceNorm or None
        What a centre should have in working order; ``None``: the deployment's norm
        (``SHAKTI_REVIEW_NORM``, over the default of one working computer, a women's toilet,
        two phones with SIMs, one vehicle, and the audit's own needed counts).
    """

    start: str
    end: str
    thana: str | None = None
    eps_m: float | None = None
    min_samples: int | None = None
    flag_lowest: int = 3
    norm: ResourceNorm | None = None

    def period(self) -> Period:
        """Return the period, checked (at most :data:`MAX_REVIEW_DAYS` days)."""
        period = Period.of(self.start, self.end)
        if period.days > MAX_REVIEW_DAYS:
            raise ParameterError(
                f"the review period has {period.days} days",
                why=f"a review covers at most {MAX_REVIEW_DAYS} days",
                fix="choose a shorter period (a month is usual)",
            )
        return period


@dataclass(frozen=True)
class ReviewResult:
    """A review and what its sheets need.

    Attributes
    ----------
    review : models.review.Review
        Every thana (the league needs them all).
    thana : str or None
        The one thana the caller may see, or None for all.
    thana_names_hi : dict
        Thana → Hindi name.
    synthetic : bool
        Made from SYNTHETIC demo data.
    notes : tuple of str
        Layers that were missing (read as empty).
    """

    review: Review
    thana: str | None
    thana_names_hi: dict[str, str]
    synthetic: bool
    notes: tuple[str, ...]

    def thanas(self) -> list[str]:
        """Return the thanas whose sheets the caller gets."""
        return [self.thana] if self.thana is not None else list(self.review.figures.index)

    def figures(self) -> pd.DataFrame:
        """Return the figures of the caller's thanas, then the commissionerate (for all)."""
        rows = self.review.figures.loc[self.thanas()]
        if self.thana is not None:
            return rows
        return pd.concat([rows, self.review.commissionerate])

    def summary(self) -> dict[str, Any]:
        """Return the JSON summary: period, totals (or the thana's figures), league, notes."""
        r = self.review
        whole = self.figures().iloc[-1] if self.thana is None else r.figures.loc[self.thana]
        league = r.league[r.league.index.isin(self.thanas())]
        summary: dict[str, Any] = jsonable(
            {
                "period": {"from": r.period.start, "to": r.period.end, "days": r.period.days},
                "previous": {"from": r.previous_period.start, "to": r.previous_period.end},
                "thana": self.thana,
                "thanas": len(self.thanas()),
                "totals": {c: whole[c] for c in rc.FIGURE_COLUMNS},
                "flagged": [t for t in league.index if bool(league.at[t, rc.FLAGGED])],
                "league": [
                    {"thana": t, **{c: league.at[t, c] for c in rc.LEAGUE_COLUMNS}}
                    for t in league.index
                ],
                "synthetic": self.synthetic,
                "notes": list(self.notes),
            }
        )
        return summary


def _optional_layer(source: Source, kind: str, notes: list[str]) -> pd.DataFrame | None:
    """Return a layer the store may not have yet (None, with a note, when it has none)."""
    try:
        layer: pd.DataFrame = read_layer(source.store, kind, timezone=source.settings.timezone)
    except (ShaktiError, KeyError, ValueError) as exc:
        logger.info("layer %s not read: %s", kind, exc)
        layer = pd.DataFrame()
    if layer.empty:  # never imported (or a store older than the layer): say so, not "0"
        notes.append(_("no {layer} layer in the store: its figures are empty").format(layer=kind))
        return None
    return layer


def _hotspots(data: AnalysisInputs, q: ReviewRequest, settings: Settings) -> gpd.GeoDataFrame:
    """Return the period's hotspots, found as ``shakti hotspots`` finds them."""
    from api.usecases.chosen_hotspots import chosen_hotspots
    from api.usecases.hotspots import HotspotParams

    spots = chosen_hotspots(
        data,
        settings,
        HotspotParams(q.eps_m, q.min_samples),
        metric_crs=settings.metric_crs,
        campaigns=False,
    )
    return gpd.GeoDataFrame() if spots is None else spots


def _with_thana(points: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a point layer with each row's thana (the polygon holding it), not modifying it.

    Campaigns and cameras are stored without a thana; the review counts them per thana.
    """
    from geo.thanas import assign_thanas

    if THANA in points.columns or points.empty or thanas.empty:
        return points
    out = points.copy()
    out[THANA] = assign_thanas(points, thanas)[THANA]
    return out


def resource_norm(settings: Settings) -> ResourceNorm:
    """Return the deployment's resource norm: ``SHAKTI_REVIEW_NORM`` over the defaults."""
    base = ResourceNorm()
    return ResourceNorm(minimum={**base.minimum, **settings.review_norm})


def _gaps(data: AnalysisInputs, hotspots: gpd.GeoDataFrame, end: Period) -> pd.DataFrame:
    """Return the CCTV gap table of the sites with the cameras installed by the period's end."""
    from models.cctv.gaps import gap_analysis

    if data.sites.empty:
        return pd.DataFrame()
    cctv = data.cctv
    if INSTALLED_ON in cctv.columns:
        installed = local_days(cctv[INSTALLED_ON])
        cctv = cctv[(installed.isna() | (installed <= end.last_day())).to_numpy()]
    gaps = gap_analysis(
        data.sites,
        cctv,
        incidents=data.incidents,
        hotspots=hotspots if len(hotspots) else None,
        thanas=data.thanas,
        days=None,
        reference_time=data.reference_time(),
    )
    return pd.DataFrame(gaps.gaps.drop(columns=gaps.gaps.geometry.name))


def _previous(data: AnalysisInputs, period: Period) -> AnalysisInputs:
    sel = Selection(start=period.start, end=period.end)
    chosen = select_incidents(data.all_incidents, start=period.start, end=period.end)
    return dataclasses.replace(data, selection=sel, incidents=chosen)


def monthly_review(source: Source, q: ReviewRequest) -> ReviewResult:
    """Return the review of a period for every thana (the caller's thana or all in the result).

    Reads every layer of the store (the centre audit and casework layers and a visits layer
    when the store has them; missing ones are empty, with a note), finds the hotspots of the
    period and of the previous one, the CCTV gaps with the cameras installed by each period's
    end, and computes :func:`models.review.monthly_review`.

    Parameters
    ----------
    source : api.usecases.common.Source
        Store and settings (its selection is replaced by the request's period).
    q : ReviewRequest

    Returns
    -------
    ReviewResult

    Raises
    ------
    geo.errors.ParameterError
        For bad days, a period too long, or a thana the store does not have.
    """
    from geo.i18n import hindi_names
    from models import review as mr

    period = q.period()
    sel = Selection(start=period.start, end=period.end)
    data = dataclasses.replace(source, selection=sel).load(require=False)
    thanas = sorted(str(t) for t in data.thanas[NAME]) if len(data.thanas) else []
    if q.thana is not None and q.thana not in thanas:
        raise ParameterError(
            f"thana {q.thana!r} is not in the store",
            why="the review has a sheet per thana of the thana layer",
            fix="spell the thana exactly as the thana layer does (see `shakti layers`)",
        )
    notes: list[str] = []
    casework = _optional_layer(source, CASEWORK_LAYER, notes)
    audit = _optional_layer(source, CENTRE_AUDIT_LAYER, notes)
    visits = _optional_layer(source, LayerKind.VISITS, [])
    before = _previous(data, period.previous())
    hot, hot_before = _hotspots(data, q, source.settings), _hotspots(before, q, source.settings)
    layers = ReviewLayers(
        thanas=thanas,
        incidents=data.all_incidents,
        campaigns=_with_thana(data.campaigns, data.thanas),
        cctv=_with_thana(data.cctv, data.thanas),
        casework=casework if casework is not None else pd.DataFrame(),
        audit=audit if audit is not None else pd.DataFrame(),
        gaps=_gaps(data, hot, period),
        hotspots=hot,
        previous_gaps=_gaps(before, hot_before, period.previous()),
        previous_hotspots=hot_before,
        visits=visits,
    )
    review = mr.monthly_review(
        layers,
        period,
        norm=q.norm or resource_norm(source.settings),
        league=LeagueParams(flag_lowest=q.flag_lowest),
    )
    synthetic = is_synthetic(data.sites, data.cctv, data.thanas)
    return ReviewResult(
        review=review,
        thana=q.thana,
        thana_names_hi=hindi_names(data.thanas) if len(data.thanas) else {},
        synthetic=synthetic,
        notes=tuple(notes),
    )


def slug(name: str) -> str:
    """Return a file-name-safe form of a thana name."""
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "thana"


def review_tables(result: ReviewResult) -> dict[str, pd.DataFrame]:
    """Return the office tables (figures, shortfalls, league, change) of the caller's thanas."""
    r, keep = result.review, result.thanas()
    change = r.change.loc[keep]
    if result.thana is None:
        change = pd.concat([change, r.commissionerate_change])
    short = r.shortfalls[r.shortfalls.index.isin(keep)]
    return {
        FIGURES_TABLE: result.figures().reset_index(names=THANA),
        SHORTFALLS_TABLE: short.reset_index(names=THANA),
        LEAGUE_TABLE: r.league[r.league.index.isin(keep)].reset_index(names=THANA),
        CHANGE_TABLE: change.reset_index(names=THANA),
    }


def write_review(
    result: ReviewResult, out: Path, *, sheet_lang: str | None = None, pdf: bool = False
) -> dict[str, Any]:
    """Write the sheets (a page per thana and the summary) and the tables into a folder.

    Parameters
    ----------
    result : ReviewResult
    out : Path
        The folder (made when missing).
    sheet_lang : {"hi", "en", "both"}, optional
    pdf : bool
        Also print each sheet to PDF with the local Chromium (:func:`maps.browser.save_pdf`).

    Returns
    -------
    dict
        The files written by kind (``sheets``, ``pdfs``, ``tables``).
    """
    from geo.table_export import write_table
    from maps.review_sheet import review_sheet_html, summary_sheet_html

    out.mkdir(parents=True, exist_ok=True)
    common: dict[str, Any] = {
        "thana_names_hi": result.thana_names_hi,
        "synthetic": result.synthetic,
    }
    sheets: list[Path] = []
    for thana in result.thanas():
        page = review_sheet_html(result.review, thana, sheet_lang=sheet_lang, **common)
        path = out / f"{THANA_SHEET.format(slug=slug(thana))}.html"
        path.write_text(page, encoding="utf-8")
        sheets.append(path)
    if result.thana is None:
        path = out / f"{SUMMARY_SHEET}.html"
        page = summary_sheet_html(
            result.review, sheet_lang=sheet_lang, notes=result.notes, **common
        )
        path.write_text(page, encoding="utf-8")
        sheets.append(path)
    tables: list[Path] = []
    for name, frame in review_tables(result).items():
        for ext in ("csv", "xlsx"):
            tables.append(write_table(frame, out / f"{name}.{ext}", sheet=name))
    pdfs: list[Path] = []
    if pdf:
        from maps.browser import save_pdfs

        pdfs = save_pdfs([(s, s.with_suffix(".pdf")) for s in sheets])
    return {"sheets": sheets, "pdfs": pdfs, "tables": tables}
