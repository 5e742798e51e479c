"""A folium map as one HTML page whose CDN links are inlined or served from local assets."""

from __future__ import annotations

import base64
import functools
import logging
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal, TypeAlias, get_args

import folium

from geo.errors import ExportError, ParameterError
from maps.assets import (
    ASSET_DIR,
    DEVANAGARI_CSS,
    FETCH_FIX,
    asset_dir,
    is_remote,
    local_asset,
)
from maps.browser import save_png

__all__ = [
    "ASSET_DIR",
    "ASSET_MODES",
    "DEFAULT_ASSET_PREFIX",
    "AssetMode",
    "asset_dir",
    "devanagari_font_css",
    "map_html",
    "save_html",
    "save_png",
]

logger = logging.getLogger(__name__)

#: ``inline``: one file that works offline; ``served``: links to ``{asset_prefix}/...`` (the
#: service mounts the asset folder there); ``cdn``: folium's public CDN links, unchanged.
AssetMode: TypeAlias = Literal["inline", "served", "cdn"]
ASSET_MODES: Final = get_args(AssetMode)
#: Where the FastAPI service mounts :data:`maps.assets.ASSET_DIR`.
DEFAULT_ASSET_PREFIX: Final = "/assets"

_SCRIPT_TAG = re.compile(
    r"""<script\b[^>]*?\bsrc\s*=\s*(?P<q>["'])(?P<url>[^"']*)(?P=q)[^>]*>\s*</script\s*>""",
    re.IGNORECASE,
)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?P<q>["'])(?P<url>[^"']*)(?P=q)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>[^'")]+)(?P=q)\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_FONT_SRC = re.compile(r"(?<=[{;])(?P<lead>\s*)src\s*:\s*(?P<list>[^;}]*)(?P<end>;?)")
#: folium names every element ``<kind>_<uuid4 hex>``; the hex part is renumbered.
_ELEMENT_ID = re.compile(r"(?<=[a-z0-9]_)[0-9a-f]{32}(?![0-9a-f])")

_MIME: Final = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}


def _check_mode(assets: str) -> None:
    if assets not in ASSET_MODES:
        raise ParameterError(
            f"unknown asset mode {assets!r}", fix="use one of " + ", ".join(ASSET_MODES)
        )


def stable_ids(html: str) -> str:
    """Return ``html`` with folium's random element ids renumbered in order of appearance.

    The same map then renders to the same bytes (deterministic exports, reviewable diffs).
    """
    seen: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return seen.setdefault(match[0], f"{len(seen) + 1:032x}")

    return _ELEMENT_ID.sub(number, html)


def _slim_font_faces(css: str) -> str:
    """Return CSS whose ``@font-face`` rules keep only their WOFF2 sources.

    Every browser in use reads WOFF2; the EOT, WOFF, TTF and SVG copies would only make an
    inlined page larger. EOT-only ``src`` declarations (for Internet Explorer) are dropped.
    """

    def slim_src(match: re.Match[str]) -> str:
        entries = [e.strip() for e in match["list"].split(",") if e.strip()]
        woff2 = [e for e in entries if ".woff2" in e]
        if woff2:
            entries = woff2
        elif all(".eot" in e for e in entries):
            return match["lead"]
        return f"{match['lead']}src:{','.join(entries)}{match['end']}"

    def slim_face(match: re.Match[str]) -> str:
        face = match[0]
        if ".woff2" not in face:
            return face
        return _FONT_SRC.sub(slim_src, face)

    return _FONT_FACE.sub(slim_face, css)


@functools.lru_cache(maxsize=64)
def _data_uri(path: Path, mtime_ns: int) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


@functools.lru_cache(maxsize=64)
def _inline_css(path: Path, mtime_ns: int) -> str:
    """Return a stylesheet with every ``url(...)`` file turned into a ``data:`` URI."""
    css = _slim_font_faces(path.read_text(encoding="utf-8"))

    def embed(match: re.Match[str]) -> str:
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#")) or is_remote(ref):
            return match[0]
        target = (path.parent / ref.split("#", 1)[0].split("?", 1)[0]).resolve()
        if not target.is_file():
            raise ExportError(
                f"{path.name} refers to {ref}, which is missing",
                fix="fetch the assets again: python -m maps.assets fetch --force",
            )
        return f'url("{_data_uri(target, target.stat().st_mtime_ns)}")'

    return _CSS_URL.sub(embed, css).replace("</style", "<\\/style")


@functools.lru_cache(maxsize=64)
def _inline_js(path: Path, mtime_ns: int) -> str:
    # "</script" would end the inline element; "<\/script" means the same inside JS strings.
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _file(root: Path, rel: str) -> Path:
    path = root / rel
    if not path.is_file():
        asset_dir(root)  # raises with the fix
        raise ExportError(f"asset {rel} is missing in {root}", fix="fetch the assets again")
    return path


def _rewrite(
    html: str, rewrite_script: Callable[[str], str], rewrite_style: Callable[[str], str]
) -> str:
    def script(match: re.Match[str]) -> str:
        url = match["url"]
        return rewrite_script(url) if is_remote(url) else match[0]

    def link(match: re.Match[str]) -> str:
        tag = match[0]
        href = _HREF.search(tag)
        if href is None or not is_remote(href["url"]):
            return tag
        if "stylesheet" not in tag.lower():
            raise ExportError(
                f"the map links {href['url']} (not a stylesheet)",
                why="an offline map must never load anything from the internet",
                fix="remove that element from the map",
            )
        return rewrite_style(href["url"])

    return _LINK_TAG.sub(link, _SCRIPT_TAG.sub(script, html))


def _remote_links(html: str) -> list[str]:
    scripts = [m["url"] for m in _SCRIPT_TAG.finditer(html) if is_remote(m["url"])]
    links = [
        href["url"]
        for tag in _LINK_TAG.finditer(html)
        if (href := _HREF.search(tag[0])) is not None and is_remote(href["url"])
    ]
    return scripts + links


def map_html(
    m: folium.Map,
    *,
    assets: AssetMode = "inline",
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    directory: Path | None = None,
) -> str:
    """Render a folium map to a complete HTML page that loads nothing from a CDN.

    Parameters
    ----------
    m : folium.Map
        The map (not modified).
    assets : {"inline", "served", "cdn"}, default "inline"
        ``inline`` puts every script and stylesheet into the page (fonts and images as
        ``data:`` URIs): one file that works offline. ``served`` points them at
        ``{asset_prefix}/<package>@<version>/...``, where the service mounts the asset folder.
        ``cdn`` keeps folium's public CDN links (needs internet).
    asset_prefix : str, default "/assets"
        URL prefix of the served assets.
    directory : Path, optional
        Asset folder for ``inline``; default :data:`maps.assets.ASSET_DIR`.

    Returns
    -------
    str
        The page. Element ids are renumbered, so the same map gives the same bytes.

    Raises
    ------
    geo.errors.ExportError
        When a CDN link is not in the pinned manifest (it would load from the internet), or
        when ``inline`` assets have not been fetched.
    geo.errors.ParameterError
        For an unknown ``assets`` mode.
    """
    _check_mode(assets)
    html = stable_ids(m.get_root().render())
    if assets == "cdn":
        return html
    if assets == "served":
        prefix = asset_prefix.rstrip("/")

        def served(url: str) -> str:
            return f"{prefix}/{urllib.parse.quote(local_asset(url), safe='/@')}"

        html = _rewrite(
            html,
            lambda url: f'<script src="{served(url)}"></script>',
            lambda url: f'<link rel="stylesheet" href="{served(url)}"/>',
        )
    else:
        root = asset_dir(directory)

        def inline_js(url: str) -> str:
            rel = local_asset(url)
            path = _file(root, rel)
            return f"<script>/* {rel} */\n{_inline_js(path, path.stat().st_mtime_ns)}\n</script>"

        def inline_css(url: str) -> str:
            rel = local_asset(url)
            path = _file(root, rel)
            return f"<style>/* {rel} */\n{_inline_css(path, path.stat().st_mtime_ns)}\n</style>"

        html = _rewrite(html, inline_js, inline_css)
    left = _remote_links(html)
    if left:  # pragma: no cover - _rewrite maps or raises for every remote link
        raise ExportError(f"the page still links {left[0]}", fix="report this as a bug")
    logger.info("map rendered (%s assets): %.2f MB", assets, len(html.encode()) / 1e6)
    return html


def devanagari_font_css(directory: Path | None = None) -> str:
    """Return the Devanagari ``@font-face`` rules with the fonts inlined (sheets and reports).

    A printed sheet or report is one file that must show Hindi on any machine, offline, so
    the font travels inside it. Without fetched assets the rules are left out (with a
    warning): the page then falls back to the machine's own Devanagari font, if any.

    Parameters
    ----------
    directory : Path, optional
        Asset folder; default :data:`maps.assets.ASSET_DIR`.

    Returns
    -------
    str
        CSS (``data:`` URIs), or ``""`` when the font has not been fetched.
    """
    root = directory if directory is not None else ASSET_DIR
    path = root / DEVANAGARI_CSS
    if not path.is_file():
        logger.warning("Devanagari font not fetched (%s); %s", path, FETCH_FIX)
        return ""
    return _inline_css(path, path.stat().st_mtime_ns)


def save_html(
    m: folium.Map,
    path: Path,
    *,
    assets: AssetMode = "inline",
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
) -> Path:
    """Write :func:`map_html` of ``m`` to ``path`` (UTF-8) and return the path.

    Parameters
    ----------
    m : folium.Map
    path : Path
        Output ``.html`` file; parent folders are created.
    assets : {"inline", "served", "cdn"}, default "inline"
    asset_prefix : str, default "/assets"

    Returns
    -------
    Path
    """
    html = map_html(m, assets=assets, asset_prefix=asset_prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
