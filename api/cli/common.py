"""Shared pieces of the ``shakti`` command line: the app, consoles, options, error handling."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, Final, ParamSpec, TypeVar

import typer
from rich.console import Console

from api.cli.options import CategoryOpt, CellOpt, FromOpt, GridOpt, ThanaOpt, ToOpt
from api.service.settings import ServiceSettings, service_settings
from api.usecases.budget import GRID_DEFAULTS, GridParams
from api.usecases.common import Source
from geo.errors import ShaktiError, StoreError
from geo.i18n import use_lang
from geo.settings import Settings, get_settings
from geo.store import Store, is_database_url, open_store
from models.inputs import AnalysisInputs, Selection, categories_of

app = typer.Typer(
    name="shakti",
    help="Shakti Hotspots: hotspot analysis and patrol planning for women's-safety units.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

#: The distribution whose version ``shakti --version`` prints.
DISTRIBUTION: Final = "shakti-hotspots"

P = ParamSpec("P")
R = TypeVar("R")


def group(name: str, help_text: str) -> typer.Typer:
    """Return a new sub-command group ``shakti NAME ...`` (registered in :mod:`api.cli`)."""
    return typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


SheetLangOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet-lang",
        help=(
            "Printed sheets and reports: hi (Hindi only), en (English only) or both. "
            "Default: SHAKTI_SHEET_LANG, else Hindi only with --lang hi and both otherwise."
        ),
        metavar="hi|en|both",
        show_default=False,
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of what people read: hi (हिन्दी) or en (English). Default: SHAKTI_LANG.",
        metavar="hi|en",
        show_default=False,
    ),
]

#: The parameter ``command(..., lang=True)`` adds to a command (``--lang hi|en``).
LANG_PARAM: Final = inspect.Parameter(
    "lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOpt
)


def command(
    name: str, *, group: typer.Typer | None = None, lang: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a command whose domain errors become a clear message and exit status 2.

    Parameters
    ----------
    name : str
        The command's name.
    group : typer.Typer, optional
        A sub-command group (``shakti map``, ``shakti cctv`` ...); default the top level.
    lang : bool
        Give the command ``--lang hi|en`` (default the setting ``SHAKTI_LANG``): it runs inside
        :func:`geo.i18n.use_lang`, so every text it makes is in that language. An unknown
        language is an error naming hi and en (exit status 2).
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            chosen = kwargs.pop("lang", None) if lang else None
            try:
                with use_lang(None if chosen is None else str(chosen)):
                    return func(*args, **kwargs)
            except ShaktiError as exc:
                err_console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from exc

        if lang:
            _add_lang_option(wrapper, func)
        (group if group is not None else app).command(name)(wrapper)
        return wrapper

    return decorate


def _add_lang_option(wrapper: Callable[..., object], func: Callable[..., object]) -> None:
    """Show Typer the command's parameters plus ``--lang`` (the command itself never sees it)."""
    signature = inspect.signature(func, eval_str=True)
    params = [*signature.parameters.values(), LANG_PARAM]
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**func.__annotations__, "lang": LangOpt}


def option(name: str, annotation: object, default: object = inspect.Parameter.empty) -> Any:
    """Return a keyword-only command parameter (an entry of :func:`option_group`'s options)."""
    kind = inspect.Parameter.KEYWORD_ONLY
    return inspect.Parameter(name, kind, default=default, annotation=annotation)


def option_group(
    name: str, options: Sequence[inspect.Parameter], build: Callable[..., Any]
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Return a decorator giving commands the same options, passed to each as one value.

    Typer reads a command's options from its signature: the decorated command shows its own
    parameters (all but ``name``) and then ``options``; when it runs, their values go to
    ``build`` (as keywords) and what it returns to the command as ``name``. A ``build`` that
    raises a domain error stops the command before it does anything. Put it below
    :func:`command`.

    Parameters
    ----------
    name : str
        The command's parameter that receives what ``build`` returns.
    options : sequence of inspect.Parameter
        The options, made with :func:`option` (keyword-only, each with its ``Annotated`` type).
    build : callable
        Takes the options' values as keywords.

    Returns
    -------
    callable
        The decorator.
    """

    def decorate(func: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> R:
            value = build(**{p.name: kwargs.pop(p.name) for p in options})
            return func(*args, **{name: value}, **kwargs)

        # Only the shown parameters' annotations are evaluated: the type of ``name`` (e.g. a
        # use case's request class) need not be imported when the command line starts.
        wrapper.__annotations__ = {k: v for k, v in func.__annotations__.items() if k != name}
        hints = inspect.get_annotations(wrapper, eval_str=True)  # in ``func``'s module
        signature = inspect.signature(func)
        own = [
            p.replace(annotation=hints.get(p.name, p.empty))
            for p in signature.parameters.values()
            if p.name != name
        ]
        params = [*own, *options]
        returns = hints.get("return", signature.empty)
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=params, return_annotation=returns
        )
        wrapper.__annotations__ = {**{p.name: p.annotation for p in params}, "return": returns}
        return wrapper

    return decorate


StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Store file (default: SHAKTI_STORE or ./shakti-store.gpkg)."),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="Column mapping SRC=DST (repeatable), or @FILE (.json object or two-column CSV).",
    ),
]
RegionOpt = Annotated[
    str | None,
    typer.Option("--region", help="Region: a polygon file or W,S,E,N in degrees."),
]
DefaultOpt = Annotated[
    list[str] | None,
    typer.Option("--default", help="FIELD=VALUE for a missing column or empty cells (repeatable)."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print a one-line JSON summary as the last line.")
]
FixSwappedOpt = Annotated[
    bool,
    typer.Option(
        "--fix-swapped", help="Accept rows whose lat/lon are swapped, swapping them back."
    ),
]


def settings() -> Settings:
    """Return the process settings (``SHAKTI_*``)."""
    return get_settings()


def settings_for(store: Path | None) -> Settings:
    """Return the process settings whose store is the ``--store`` option when given.

    Things kept beside the store (the forecast choice) are then found with the store analysed.
    """
    cfg = settings()
    if store is None:
        return cfg
    if is_database_url(store):
        return cfg.model_copy(update={"database_url": str(store)})
    return cfg.model_copy(update={"store": Path(store), "database_url": None})


def service_config() -> ServiceSettings:
    """Return the process settings with the web service's (``SHAKTI_*``)."""
    return service_settings(get_settings())


def check_store_exists(location: str | Path) -> None:
    """Refuse a store file that does not exist (a mistyped ``--store`` never makes a new one).

    Parameters
    ----------
    location : str or Path
        A store file or a database URL (not checked: the database says when it is missing).

    Raises
    ------
    geo.errors.StoreError
        Naming the path and how to make a store there.
    """
    if is_database_url(location) or Path(location).exists():
        return
    raise StoreError(
        f"there is no store at {location}",
        why="only `shakti import` and `shakti demo-data` make a new store",
        fix="check the path (--store or SHAKTI_STORE), or make the store first: "
        f"shakti import LAYER FILE --store {location}",
    )


def store_at(path: Path | None, *, create: bool = False) -> Store:
    """Open the store at ``path``, or the configured one (SHAKTI_DATABASE_URL or SHAKTI_STORE).

    Parameters
    ----------
    path : Path or None
        The ``--store`` option.
    create : bool
        Make a new store file when there is none (``shakti import``, ``shakti demo-data``).

    Returns
    -------
    geo.store.Store

    Raises
    ------
    geo.errors.StoreError
        When the store file does not exist and ``create`` is false.
    """
    location = path if path is not None else settings().store_location
    if not create:
        check_store_exists(location)
    elif not is_database_url(location) and not Path(location).exists():
        console.print(f"new store: {location}")
    return open_store(location)


def selection_inputs(
    store: Path | None,
    start: str | None,
    end: str | None,
    thana: str | None,
    categories: list[str] | None,
    *,
    require_incidents: bool = True,
) -> AnalysisInputs:
    """Load the store's layers and the incidents the selection options choose.

    Parameters
    ----------
    store : Path or None
        The ``--store`` option.
    start, end, thana : str or None
        ``--from``, ``--to`` and ``--thana``.
    categories : list of str or None
        ``--category`` (repeatable or comma-separated).
    require_incidents : bool
        Refuse a selection without incidents.

    Returns
    -------
    models.inputs.AnalysisInputs
    """
    selection = Selection(start=start, end=end, thana=thana, categories=categories_of(categories))
    return Source(store_at(store), settings(), selection).load(require=require_incidents)


@dataclass(frozen=True)
class SelectionOptions:
    """The options that choose what a command analyses: the store and the incidents' selection.

    Attributes
    ----------
    store : Path or None
        ``--store``.
    thana, start, end : str or None
        ``--thana``, ``--from`` and ``--to``.
    category : list of str or None
        ``--category`` (repeatable or comma-separated).
    """

    store: Path | None
    thana: str | None
    start: str | None
    end: str | None
    category: list[str] | None

    def inputs(self, *, require_incidents: bool = True) -> AnalysisInputs:
        """Return :func:`selection_inputs` of these options."""
        return selection_inputs(
            self.store,
            self.start,
            self.end,
            self.thana,
            self.category,
            require_incidents=require_incidents,
        )

    def settings(self) -> Settings:
        """Return :func:`settings_for` the ``--store`` analysed."""
        return settings_for(self.store)


#: The options of :class:`SelectionOptions`, in the order ``--help`` lists them.
SELECTION_PARAMS: Final = (
    option("store", StoreOpt, None),
    option("thana", ThanaOpt, None),
    option("start", FromOpt, None),
    option("end", ToOpt, None),
    option("category", CategoryOpt, None),
)
#: Gives a command the selection options (``SELECTION_PARAMS``) as ``selection``.
selection_options = option_group("selection", SELECTION_PARAMS, SelectionOptions)

#: The options of a cell analysis's grid (``--cell-m``, ``--grid``), defaults of the use cases.
GRID_PARAMS: Final = (
    option("cell_m", CellOpt, GRID_DEFAULTS.cell_m),
    option("grid", GridOpt, GRID_DEFAULTS.grid),
)
#: Gives a command the grid options (``GRID_PARAMS``) as ``g``, an
#: :class:`api.usecases.budget.GridParams` (the service's ``GridDep``).
grid_options = option_group("g", GRID_PARAMS, GridParams)


def version_callback(value: bool) -> None:
    """Print the installed version of Shakti Hotspots and exit (``shakti --version``)."""
    if value:
        typer.echo(f"shakti {package_version()}")
        raise typer.Exit()


def package_version() -> str:
    """Return the installed version of the ``shakti-hotspots`` package.

    Returns
    -------
    str
        ``unknown`` when the package is not installed (run from a source tree).
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=version_callback, is_eager=True
        ),
    ] = False,
) -> None:
    """Shakti Hotspots: hotspot analysis and patrol planning for women's-safety units."""
