"""Every domain error of Shakti Hotspots, each saying what went wrong, why, and how to fix it."""

from __future__ import annotations


def _fix_label() -> str:
    """Return "Fix:" in the language a ``use_lang`` block chose (English outside one).

    Imported here, not at the top: :mod:`geo.i18n` raises these errors itself. Settings are
    not read (they raise these errors too), so only an explicit choice (``--lang``, a
    request's language) translates the label.
    """
    from geo.i18n.context import chosen_lang
    from geo.i18n.messages import FIX_LABEL, translate

    lang = chosen_lang()
    return FIX_LABEL if lang in (None, "en") else translate(FIX_LABEL, lang, context="error")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


class ShaktiError(Exception):
    """Base class of every error this project raises on purpose.

    Parameters
    ----------
    what : str
        What went wrong, in one sentence.
    why : str, optional
        Why it is a problem.
    fix : str, optional
        What the user should do about it.
    """

    def __init__(self, what: str, *, why: str = "", fix: str = "") -> None:
        self.what = what
        self.why = why
        self.fix = fix
        parts = [what.strip().rstrip(".") + "."]
        if why:
            parts.append(_sentence(why))
        if fix:
            parts.append(_fix_label() + " " + fix.rstrip(".") + ".")
        super().__init__(" ".join(parts))


class SettingsError(ShaktiError):
    """A setting (region, CRS, timezone, store path) is invalid."""


class RegionError(SettingsError):
    """The configured region cannot be read or is not a polygon."""


class UnknownLayerError(ShaktiError):
    """A layer kind that is not one of incidents, campaigns, cctv, sites, thanas."""


class InputFileError(ShaktiError):
    """An input file cannot be read at all (format, encoding, missing geometry columns)."""


class InputTooLargeError(InputFileError):
    """An input file is above a limit (bytes, rows, columns, cell size, zip members or ratio)."""


class ColumnMappingError(ShaktiError):
    """A ``--map`` column mapping is malformed or names a column that is not in the file."""


class NothingValidError(ShaktiError):
    """An import or validation found no valid row at all."""


class StoreError(ShaktiError):
    """The store cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock."""


class ParameterError(ShaktiError):
    """An analysis parameter (eps_m, min_samples, cell_m, window, ...) is invalid."""


class ExportError(ShaktiError):
    """An output cannot be written (unknown format, personal columns)."""


class PlanNotFoundError(ShaktiError):
    """No saved patrol plan has the given id (or it belongs to a thana the user cannot see)."""


class PlanStatusError(ShaktiError):
    """A saved patrol plan cannot change to the asked status from the one it has."""
