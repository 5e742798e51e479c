"""Patrol planning: teams, stops, travel, routing, the day-by-day planner and its outputs.

The names below are imported from their submodules on first use (PEP 562), so importing a
light submodule (``models.patrol.teams``, as the command line does at start) does not load
OR-Tools, SciPy and the rest of the planner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.patrol.layers import (
        load_road as load_road,
    )
    from models.patrol.layers import (
        plan_from_layers as plan_from_layers,
    )
    from models.patrol.layers import (
        plan_from_store as plan_from_store,
    )
    from models.patrol.layers import (
        station_points as station_points,
    )
    from models.patrol.plan import (
        MAX_SLOTS as MAX_SLOTS,
    )
    from models.patrol.plan import (
        must_visit_places as must_visit_places,
    )
    from models.patrol.plan import (
        plan_patrols as plan_patrols,
    )
    from models.patrol.plan import (
        teams_thanas as teams_thanas,
    )
    from models.patrol.records import *  # noqa: F403 (every name of records.__all__)

#: Names of the package taken from a submodule other than ``records``, and that submodule.
_OWN_NAMES: dict[str, str] = {
    "MAX_SLOTS": "models.patrol.plan",
    "load_road": "models.patrol.layers",
    "must_visit_places": "models.patrol.plan",
    "plan_from_layers": "models.patrol.layers",
    "plan_from_store": "models.patrol.layers",
    "plan_patrols": "models.patrol.plan",
    "station_points": "models.patrol.layers",
    "teams_thanas": "models.patrol.plan",
}
#: The module whose every public name (its ``__all__``) the package re-exports.
_RECORDS = "models.patrol.records"


def __getattr__(name: str) -> Any:
    """Return the package name ``name``, importing the submodule that defines it once."""
    if name == "__all__":
        names = [*_OWN_NAMES, *importlib.import_module(_RECORDS).__all__]
        globals()["__all__"] = names
        return names
    source = _OWN_NAMES.get(name)
    if source is None:
        records = importlib.import_module(_RECORDS)
        if name not in records.__all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        source = _RECORDS
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Return the package's names, as ``dir()`` would with eager imports."""
    return sorted({*globals(), *__getattr__("__all__")})
