"""Register presets: the layer, aliases and defaults of the registers a Mission Shakti centre keeps.

Each preset is a TOML data file beside this module (``fir-register.toml``, ...): the layer it
fills, a one-line description (English and Hindi), extra column aliases preferred over the
built-in ones, defaults for fields the register never has (``source``), whether dates are
day-first, and the header groups that detect it (one header of every group).
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from geo.errors import ParameterError
from geo.i18n import _, current_lang
from geo.i18n.keys import fold, latin
from geo.schema import LayerKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preset:
    """One register preset.

    Attributes
    ----------
    name : str
        What ``--preset`` takes (``fir-register``).
    layer : LayerKind
        The layer the register fills.
    description, description_hi : str
        One line each, in English and Hindi.
    note : str
        What the register is, for "looks like a ...".
    dayfirst : bool
        Whether its dates are day-first (28/11/2025).
    detect : tuple of tuple of str
        Header groups; the preset is detected when the file has a header of every group.
    defaults : Mapping
        Field → value used where the file has no such column (``source``).
    aliases : Mapping
        Field → aliases preferred over the built-in ones.
    """

    name: str
    layer: LayerKind
    description: str
    description_hi: str
    note: str
    dayfirst: bool
    detect: tuple[tuple[str, ...], ...]
    defaults: Mapping[str, str]
    aliases: Mapping[str, tuple[str, ...]]

    def describe(self) -> str:
        """Return the one-line description in the current language."""
        return self.description_hi if current_lang() == "hi" else self.description

    def default_notes(self, fields: Iterable[str], given: Mapping[str, str]) -> list[str]:
        """Return a note for each default the preset fills (no such column, none given)."""
        present = set(fields)
        return [
            _(
                "the file has no {field} column: every row gets {field} = {value} (preset {name})"
            ).format(field=name, value=value, name=self.name)
            for name, value in self.defaults.items()
            if name not in present and name not in given
        ]

    def matches(self, columns: Iterable[str]) -> bool:
        """Return whether the headers have one header of every detection group."""
        keys = {key(c) for c in columns for key in (fold, latin)} - {""}
        return bool(self.detect) and all(
            any(fold(h) in keys or latin(h) in keys for h in group) for group in self.detect
        )


def _preset(name: str, data: Mapping[str, object]) -> Preset:
    def text(key: str) -> str:
        return str(data.get(key, ""))

    detect = data.get("detect", [])
    defaults = data.get("defaults", {})
    aliases = data.get("aliases", {})
    assert isinstance(detect, list) and isinstance(defaults, dict) and isinstance(aliases, dict)
    return Preset(
        name=name,
        layer=LayerKind(text("layer")),
        description=text("description"),
        description_hi=text("description_hi"),
        note=text("note"),
        dayfirst=bool(data.get("dayfirst", True)),
        detect=tuple(tuple(str(h) for h in group) for group in detect),
        defaults=MappingProxyType({str(k): str(v) for k, v in defaults.items()}),
        aliases=MappingProxyType({str(k): tuple(map(str, v)) for k, v in aliases.items()}),
    )


@cache
def presets() -> Mapping[str, Preset]:
    """Return every shipped preset by name, sorted.

    Returns
    -------
    Mapping
        Name → :class:`Preset`.

    Examples
    --------
    >>> sorted(presets())[:3]
    ['anti-romeo-register', 'awareness-drives', 'cctv-register']
    >>> presets()["fir-register"].defaults["source"]
    'complaint'
    """
    folder = resources.files("geo.ingest.presets")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            name = entry.name.removesuffix(".toml")
            found[name] = _preset(name, tomllib.loads(entry.read_text("utf-8")))
    return MappingProxyType(found)


def get_preset(name: str, kind: LayerKind | str | None = None) -> Preset:
    """Return the preset called ``name``, checking it fills layer ``kind``.

    Raises
    ------
    ParameterError
        When there is no such preset, or it is for another layer.
    """
    preset = presets().get(name.strip().lower())
    if preset is None:
        raise ParameterError(
            _("there is no preset {name!r}").format(name=name[:40]),
            why=_("a preset names a register the tool knows"),
            fix=_("use one of: {names} (shakti presets lists them)").format(
                names=", ".join(presets())
            ),
        )
    if kind is not None and preset.layer is not LayerKind(kind):
        raise ParameterError(
            _("preset {name} is for the {layer} layer, not {kind}").format(
                name=preset.name, layer=preset.layer.value, kind=LayerKind(kind).value
            ),
            why=_("a preset fills one layer"),
            fix=_("import the file as {layer}, or choose another preset").format(
                layer=preset.layer.value
            ),
        )
    return preset


def detect_preset(columns: Iterable[str], kind: LayerKind | str) -> Preset | None:
    """Return the first preset of layer ``kind`` whose detection headers the file has.

    Examples
    --------
    >>> detect_preset(["FIR No.", "PS Name", "Date of Occurrence"], "incidents").name
    'fir-register'
    >>> detect_preset(["id", "lat", "lon"], "incidents") is None
    True
    """
    names = [str(c) for c in columns]
    layer = LayerKind(kind)
    return next(
        (p for p in presets().values() if p.layer is layer and p.matches(names)),
        None,
    )


def choose_preset(
    preset: Preset | str | None, columns: Iterable[str], kind: LayerKind | str
) -> tuple[Preset | None, list[str]]:
    """Return the preset to use (given, else detected from the headers) and notes about it.

    Raises
    ------
    ParameterError
        When a named preset does not exist or is for another layer.
    """
    if isinstance(preset, Preset):
        return get_preset(preset.name, kind), []
    if preset:
        return get_preset(preset, kind), []
    found = detect_preset(columns, kind)
    if found is None:
        return None, []
    note = _("looks like a {what}: using preset {name}").format(what=found.note, name=found.name)
    logger.info("detected preset %s", found.name)
    return found, [note]
