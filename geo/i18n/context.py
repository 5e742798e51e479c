"""The language of the texts being made now: a context variable, per thread and per task."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from geo.i18n.langs import Lang, parse_lang

#: The language chosen for the current context; ``None`` means "the setting ``SHAKTI_LANG``".
_CURRENT: ContextVar[Lang | None] = ContextVar("shakti_lang", default=None)


def chosen_lang() -> Lang | None:
    """Return the language a ``use_lang`` block chose here, or ``None`` (no settings read).

    For code that must not read the settings, such as the errors the settings raise.
    """
    return _CURRENT.get()


def current_lang() -> Lang:
    """Return the language texts are made in now.

    The innermost :func:`use_lang` of this thread or task, else the setting ``lang``
    (``SHAKTI_LANG``, default ``"en"``).

    Returns
    -------
    Lang

    Examples
    --------
    >>> with use_lang("hi"):
    ...     current_lang()
    'hi'
    """
    chosen = _CURRENT.get()
    if chosen is not None:
        return chosen
    from geo.settings import get_settings  # geo.settings imports geo.i18n.langs

    return get_settings().lang


@contextmanager
def use_lang(lang: str | None) -> Iterator[Lang]:
    """Make texts in ``lang`` inside the ``with`` block (this thread or asyncio task only).

    Parameters
    ----------
    lang : str or None
        Anything :func:`~geo.i18n.langs.parse_lang` reads (``"hi"``, ``"hi-IN"``, ``"हिन्दी"``);
        ``None`` keeps the current language.

    Yields
    ------
    Lang
        The language in force inside the block.

    Examples
    --------
    >>> with use_lang("hi-IN") as lang:
    ...     lang
    'hi'
    """
    if lang is None:
        yield current_lang()
        return
    chosen = parse_lang(lang)
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)
