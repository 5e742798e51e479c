"""Use case: the forecast chosen once per data version and selection, reused by default."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from api.usecases.budget import GridParams
from api.usecases.forecast import ForecastParams, ForecastRun, UsedForecast

if TYPE_CHECKING:
    from geo.settings import Settings
    from models.inputs import AnalysisInputs, Selection

logger = logging.getLogger(__name__)

#: Choices remembered in this process for stores without a sidecar (a database store).
_MEMO: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
_MEMO_SIZE: Final = 32
#: The CLI option and query parameter help shared by the adapters.
FORECAST_HELP: Final = (
    "Use the forecast chosen by `shakti forecast` on this data (default: when it beats "
    "last-period counts); --no-forecast: never; --forecast: always (back-tests if none)."
)


@dataclass(frozen=True)
class ForecastUse:
    """Whether a call uses a forecast, which, and the sentence that says so.

    Attributes
    ----------
    forecast : ForecastRun or UsedForecast or None
        None: no forecast (the output is the one without).
    params : ForecastParams
        The forecast's parameters (its horizon speaks in each "why").
    message : str
        What the user is told (empty when the forecast was turned off).
    """

    forecast: ForecastRun | UsedForecast | None
    params: ForecastParams
    message: str


def data_fingerprint(data: AnalysisInputs) -> str:
    """Return a digest of the store's data: its version and every incident's id and time.

    Any import changes the version; a store made again at the same path changes the ids.
    """
    import pandas as pd

    from geo.schema import ID, OCCURRED_AT

    frame = data.all_incidents
    cols = [c for c in (ID, OCCURRED_AT) if c in frame.columns]
    digest = hashlib.sha256(f"{data.version}:{len(frame)}\n".encode())
    if len(frame) and cols:
        digest.update(pd.util.hash_pandas_object(frame[cols], index=False).to_numpy().tobytes())
    return "sha256:" + digest.hexdigest()


def _key_of(selection: Selection) -> list[Any]:
    """Return a selection as a JSON key: start, end, thana, sorted categories."""
    return [
        None if selection.start is None else str(selection.start),
        None if selection.end is None else str(selection.end),
        selection.thana,
        sorted(selection.categories),
    ]


def _selection_key(data: AnalysisInputs) -> list[Any]:
    return _key_of(data.selection)


def _everything_key() -> list[Any]:
    from models.inputs import Selection

    return _key_of(Selection())


def choice_entry(
    data: AnalysisInputs, run: ForecastRun, g: GridParams, f: ForecastParams
) -> dict[str, Any]:
    """Return what is kept of a choice: which model won, by how much, fitted on what data."""
    from geo.store.choices import DATA_KEY, SELECTION_KEY
    from models.forecast.choose import CHOSEN, GAIN_OVER_NAIVE

    row = run.choice.table[run.choice.table[CHOSEN]]
    gain = float(row[GAIN_OVER_NAIVE].iloc[0]) if len(row) else 0.0
    return {
        DATA_KEY: data_fingerprint(data),
        SELECTION_KEY: _selection_key(data),
        "store_version": data.version,
        "chosen": run.choice.chosen,
        "beats_naive": bool(run.choice.beats_naive),
        "gain_points": round(100 * gain, 1) if gain == gain else 0.0,
        "area_share": f.area_share,
        "folds": run.choice.folds,
        "horizon": f.horizon,
        "train": f.train,
        "seed": f.seed,
        "cell_m": g.cell_m,
        "grid": g.grid,
    }


def remember_choice(
    data: AnalysisInputs, settings: Settings, run: ForecastRun, g: GridParams, f: ForecastParams
) -> None:
    """Keep a forecast's choice for this data and selection (sidecar, else this process)."""
    from geo.store.choices import DATA_KEY, SELECTION_KEY, save_choice, sidecar_of

    entry = choice_entry(data, run, g, f)
    path = sidecar_of(settings.store_location)
    if path is not None:
        save_choice(path, entry)
        return
    _MEMO[(entry[DATA_KEY], repr(entry[SELECTION_KEY]))] = entry
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)


def may_have_choice(settings: Settings) -> bool:
    """Return whether a choice may be kept for this store (cheap: no data read)."""
    from geo.store.choices import sidecar_of

    path = sidecar_of(settings.store_location)
    return path.is_file() if path is not None else bool(_MEMO)


def choice_token(settings: Settings) -> str:
    """Return a token that changes whenever a choice is kept (for response caches)."""
    from geo.store.choices import sidecar_of

    path = sidecar_of(settings.store_location)
    if path is None:
        return f"memo{len(_MEMO)}:{next(reversed(_MEMO), ('', ''))[0][:16]}" if _MEMO else "none"
    try:
        return str(path.stat().st_mtime_ns)
    except OSError:
        return "none"


def current_choice(data: AnalysisInputs, settings: Settings) -> dict[str, Any] | None:
    """Return the choice kept for this data and selection (else for all of it), or None.

    A choice made before the data changed is stale and never returned.
    """
    from geo.store.choices import find_choice, sidecar_of

    if not may_have_choice(settings):
        return None  # never chosen: nothing to compute
    path = sidecar_of(settings.store_location)
    data_fp = data_fingerprint(data)
    mine, everything = _selection_key(data), _everything_key()
    if path is not None:
        return find_choice(path, data_fp, mine, everything)
    for key in (mine, everything):
        entry = _MEMO.get((data_fp, repr(key)))
        if entry is not None:
            return entry
    return None


def _params_of(entry: dict[str, Any]) -> tuple[GridParams, ForecastParams]:
    g = GridParams(cell_m=float(entry["cell_m"]), grid=str(entry["grid"]))
    f = ForecastParams(
        horizon=str(entry["horizon"]),
        train=str(entry["train"]),
        folds=int(entry["folds"]),
        area_share=float(entry["area_share"]),
        seed=int(entry["seed"]),
    )
    return g, f


def used_message(entry: dict[str, Any]) -> str:
    """Return "risk from the forecast (ensemble, +23 points over last-period counts at 5 %)"."""
    from geo.i18n import _, format_number, format_percent
    from models.evaluation.scorers import method_name

    # TRANSLATORS: {method} is a forecast model, {points} points of hit rate ("+23"),
    # {share} a share of the area ("5 %").
    text = _(
        "risk from the forecast ({method}, {points} points over last-period counts at {share})"
    )
    points = float(entry["gain_points"])
    return text.format(
        method=method_name(str(entry["chosen"])),
        points=("+" if points >= 0 else "") + format_number(points, digits=1),
        share=format_percent(float(entry["area_share"])),
    )


def no_choice_hint() -> str:
    """Return the hint printed when no forecast is chosen for the data."""
    from geo.i18n import _

    return _(
        "no forecast chosen for this data yet: run `shakti forecast` to rank by next "
        "week's expected incidents when a model beats last-period counts"
    )


def resolve_forecast(data: AnalysisInputs, settings: Settings, mode: bool | None) -> ForecastUse:
    """Decide whether a hotspot, patrol or CCTV call uses a forecast, and fit it.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    mode : bool or None
        None (the default of every adapter): the choice kept for this data (by
        ``shakti forecast``) when it exists and beat naive, else none with a hint to run
        ``shakti forecast``. True: the kept choice, or a back-test now (not kept: only
        ``shakti forecast`` and ``GET /forecast`` keep a choice). False: no forecast.

    Returns
    -------
    ForecastUse
    """
    from api.usecases.forecast import fit_chosen, forecast_note, run_forecast
    from geo.i18n import _

    if mode is False or data.incidents.empty:
        return ForecastUse(None, ForecastParams(), "")
    entry = current_choice(data, settings)
    if entry is not None and (mode or entry["beats_naive"]):
        g, f = _params_of(entry)
        cells = fit_chosen(data, settings, g, f, str(entry["chosen"]))
        used = UsedForecast(str(entry["chosen"]), bool(entry["beats_naive"]), cells)
        return ForecastUse(used, f, used_message(entry))
    if mode is None:
        if entry is None:
            hint = no_choice_hint()
        else:
            hint = _("the forecast chosen for this data does not beat last-period counts: not used")
        return ForecastUse(None, ForecastParams(), hint)
    g, f = GridParams(), ForecastParams()
    run = run_forecast(data, settings, g, f)
    return ForecastUse(run, f, forecast_note(run))
