"""Babel extractor of the web page's HTML texts: elements marked ``data-i18n`` (see babel.cfg)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from html.parser import HTMLParser
from typing import IO, Final

logger = logging.getLogger(__name__)

#: Marks an element whose text (its English msgid) the page translates (``api/service/static``).
TEXT_ATTR: Final = "data-i18n"
#: Names the element's attributes (space separated) whose values the page translates.
ATTRS_ATTR: Final = "data-i18n-attrs"
#: Gives the element's texts a context (``pgettext``), e.g. ``role`` for the role names.
CONTEXT_ATTR: Final = "data-i18n-context"
#: An extracted message: (line, keyword, arguments, translator comments), as Babel wants it.
Extracted = tuple[int, str, tuple[str, ...], list[str]]


def normalise(text: str) -> str:
    r"""Return a text with its whitespace collapsed, as the page's ``app.js`` reads the msgid.

    Examples
    --------
    >>> normalise("  Routes and\n   sheets ")
    'Routes and sheets'
    """
    return " ".join(text.split())


def _message(line: int, context: str | None, msgid: str) -> Extracted:
    if context:
        return (line, "pgettext", (context, msgid), [])
    return (line, "_", (msgid,), [])


class _PageTexts(HTMLParser):
    """Collects the msgids of the marked elements and attributes of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Extracted] = []
        # open marked elements: (tag, line, context, text so far); nested tags are inline
        self._open: list[tuple[str, int, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        line = self.getpos()[0]
        context = values.get(CONTEXT_ATTR) or None
        for name in (values.get(ATTRS_ATTR) or "").split():
            text = normalise(values.get(name) or "")
            if text:
                self.found.append(_message(line, context, text))
        if TEXT_ATTR in values:
            self._open.append((tag, line, context, []))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][3].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _tag, line, context, parts = self._open.pop()
            text = normalise("".join(parts))
            if text:
                self.found.append(_message(line, context, text))


def extract_html(
    fileobj: IO[bytes],
    keywords: Mapping[str, object] | Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, object],
) -> Iterator[Extracted]:
    """Extract the translatable texts of an HTML page (a Babel extraction method).

    An element with ``data-i18n`` gives its text content, whitespace collapsed; one with
    ``data-i18n-attrs="title aria-label"`` the values of those attributes; ``data-i18n-context``
    a context for both. ``babel.cfg`` names this function for ``api/service/static/*.html``,
    so ``make messages`` and the catalogue test see the page's HTML texts.

    Parameters
    ----------
    fileobj : file
        The page, opened in binary mode.
    keywords, comment_tags, options
        Babel's extraction arguments (unused; ``options["encoding"]``, default UTF-8).

    Yields
    ------
    tuple
        ``(line, keyword, arguments, comments)``: keyword ``_`` or ``pgettext``.
    """
    encoding = str(options.get("encoding", "utf-8"))
    parser = _PageTexts()
    parser.feed(fileobj.read().decode(encoding))
    parser.close()
    logger.debug("%d texts in %s", len(parser.found), getattr(fileobj, "name", "a page"))
    yield from parser.found
