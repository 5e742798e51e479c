"""Options several ``shakti`` commands share (selection, DBSCAN, grid, windows), declared once."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from api.usecases.forecast_choice import FORECAST_HELP
from geo.errors import ParameterError

FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day included (YYYY-MM-DD, local).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day included (YYYY-MM-DD, local).")]
ThanaOpt = Annotated[str | None, typer.Option("--thana", help="Only incidents of this thana.")]
CategoryOpt = Annotated[
    list[str] | None,
    typer.Option("--category", help="Only incidents of this category (repeatable)."),
]
EpsOpt = Annotated[float, typer.Option("--eps-m", help="DBSCAN radius in metres.", min=0.001)]
MinSamplesOpt = Annotated[
    int, typer.Option("--min-samples", help="Incidents within eps_m to make a core.", min=1)
]
#: ``--eps-m`` / ``--min-samples`` of the commands that choose them from the data when not given.
AutoEpsOpt = Annotated[
    float | None,
    typer.Option(
        "--eps-m",
        help="DBSCAN radius in metres (default: chosen from the selection's density).",
        min=0.001,
    ),
]
AutoMinSamplesOpt = Annotated[
    int | None,
    typer.Option(
        "--min-samples",
        help="Incidents within eps_m to make a core (default: chosen from the density).",
        min=1,
    ),
]
CellOpt = Annotated[float, typer.Option("--cell-m", help="Grid cell size in metres.", min=1)]
GridOpt = Annotated[str, typer.Option("--grid", help="Grid kind: square or h3.")]
#: ``--train`` and ``--folds`` of a rolling back-test (``shakti backtest``, ``shakti forecast``).
TrainOpt = Annotated[str, typer.Option("--train", help="Training window, e.g. 90D.")]
FoldsOpt = Annotated[int, typer.Option("--folds", help="Latest folds to run.", min=1)]
#: ``--forecast/--no-forecast`` of the commands that may rank by a forecast (unset: as chosen).
ForecastOpt = Annotated[bool | None, typer.Option("--forecast/--no-forecast", help=FORECAST_HELP)]


def check_windows(windows: dict[str, str], example: str) -> None:
    """Refuse a window option that is not a length of time pandas reads (``90D``, ``4W``).

    Parameters
    ----------
    windows : dict of str to str
        Option (``--train``) → its value.
    example : str
        Lengths the fix shows (``90D or 4W``).

    Raises
    ------
    geo.errors.ParameterError
        Naming the first option that is not a length of time.

    Examples
    --------
    >>> check_windows({"--train": "90D", "--test": "4W"}, "90D or 4W")
    >>> check_windows({"--test": "x"}, "90D or 4W")
    Traceback (most recent call last):
    ...
    geo.errors.ParameterError: --test 'x' is not a length of time. Fix: write it like 90D or 4W.
    """
    for option, value in windows.items():
        try:
            pd.Timedelta(value)
        except ValueError:
            raise ParameterError(
                f"{option} {value!r} is not a length of time", fix=f"write it like {example}"
            ) from None
