"""Offline front-end assets: the pinned npm manifest, fetching it, and CDN URL → local file."""

# Folium pages link Leaflet, jQuery, Bootstrap, Font Awesome and every plugin from public CDNs,
# so on a police network without internet the map is blank. This module pins every file the
# Shakti maps link to (npm name, exact version, the registry's sha512 ``dist.integrity``),
# downloads the tarballs from the npm registry once (``python -m maps.assets fetch``, run by
# ``make env``), checks the hash and extracts only the needed files, plus every file their
# CSS refers to (fonts, images), into a git-ignored folder. :func:`local_asset` maps each CDN
# URL folium emits to its local file; :mod:`maps.render` inlines or serves them.
#
# Three files are not npm packages:
#
# * ``leaflet_heat.min.js`` ships inside the installed folium wheel (its patched Leaflet.heat);
#   it is copied from there and checked against a pinned sha512.
# * ``leaflet.awesome.rotate.min.css`` (folium's GitHub templates, not in the wheel) is 360 rules
#   ``.fa-rotate-N {transform: rotate(Ndeg)}``; it is generated identically.
# * ``bootstrap-glyphicons.css`` (Bootstrap 3.0.0 on a retired CDN) is cut from Bootstrap 3.4.1's
#   ``bootstrap.css``: its Glyphicons ``@font-face`` and ``.glyphicon`` rules, same fonts.

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import io
import json
import logging
import os
import posixpath
import re
import sys
import tarfile
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final

from geo.errors import ExportError

logger = logging.getLogger(__name__)

#: Where the vendor files go by default (git-ignored; ``python -m maps.assets fetch``).
ASSET_DIR: Final = Path(__file__).resolve().parent / "static" / "vendor"
#: The npm registry the tarballs come from.
REGISTRY: Final = "https://registry.npmjs.org"
#: Per-package record of what was extracted (integrity and files), for idempotent fetches.
STAMP_NAME: Final = ".shakti-assets.json"
#: Fix given whenever assets are missing.
FETCH_FIX: Final = "run `make env`, or `python -m maps.assets fetch` (needs the npm registry once)"

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<ref>[^'")]+)\1\s*\)""")


# --------------------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class NpmPackage:
    """One npm package pinned to an exact version and tarball hash.

    Attributes
    ----------
    name : str
        npm package name (``@scope/name`` allowed).
    version : str
        Exact version.
    integrity : str
        The registry's ``dist.integrity`` (``sha512-<base64>``) of the tarball.
    files : tuple of str
        Files to extract, relative to the tarball's package folder. Files their CSS refers to
        (fonts, images) are extracted too without being listed.
    """

    name: str
    version: str
    integrity: str
    files: tuple[str, ...]

    @property
    def folder(self) -> str:
        """Return the folder of the package inside the asset directory (``leaflet@1.9.3``)."""
        return f"{self.name.lstrip('@').replace('/', '-')}@{self.version}"

    @property
    def tarball_url(self) -> str:
        """Return the registry URL of the tarball."""
        base = self.name.rsplit("/", 1)[-1]
        return f"{REGISTRY}/{self.name}/-/{base}-{self.version}.tgz"


@dataclass(frozen=True)
class Asset:
    """A JS or CSS file that folium links to from a CDN, and where it lives locally.

    Attributes
    ----------
    urls : tuple of str
        Every CDN URL folium (or a plugin) emits for this file.
    path : str
        The local file, relative to the asset directory (POSIX separators).
    """

    urls: tuple[str, ...]
    path: str


@dataclass(frozen=True)
class DerivedFile:
    """A file built locally, from an installed package or from an extracted file.

    Attributes
    ----------
    path : str
        Relative path inside the asset directory.
    build : callable
        ``build(asset_dir) -> bytes``.
    description : str
        Where it comes from.
    requires : NpmPackage, optional
        The package it is cut from (it is built when that package is fetched).
    """

    path: str
    build: Callable[[Path], bytes] = field(repr=False)
    description: str
    requires: NpmPackage | None = None


LEAFLET = NpmPackage(
    "leaflet",
    "1.9.3",
    "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
    (
        "dist/leaflet.js",
        "dist/leaflet.css",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
    ),
)
JQUERY = NpmPackage(
    "jquery",
    "3.7.1",
    "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
    ("dist/jquery.min.js",),
)
BOOTSTRAP = NpmPackage(
    "bootstrap",
    "5.2.2",
    "sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==",
    ("dist/js/bootstrap.bundle.min.js", "dist/css/bootstrap.min.css"),
)
#: Only for the Glyphicons (font and rules); Bootstrap 3 itself is never linked.
BOOTSTRAP3 = NpmPackage(
    "bootstrap",
    "3.4.1",
    "sha512-yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA==",
    ("dist/css/bootstrap.css",),
)
#: Leaflet.awesome-markers 2.0.2 (the version folium links); npm has it under this name.
AWESOME_MARKERS = NpmPackage(
    "drmonty-leaflet-awesome-markers",
    "2.0.2",
    "sha512-g508pdnnHQr9l4kU6McvJzcSd0w1FvHFlZZCYc4oT+zjwYJi1qtj0fFBFEWMKoNfHK4UcBya1eccyjKfu4chjQ==",
    ("js/leaflet.awesome-markers.js", "css/leaflet.awesome-markers.css"),
)
FONTAWESOME = NpmPackage(
    "@fortawesome/fontawesome-free",
    "6.2.0",
    "sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ==",
    ("css/all.min.css",),
)
MARKERCLUSTER = NpmPackage(
    "leaflet.markercluster",
    "1.1.0",
    "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
    ("dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css"),
)
FULLSCREEN = NpmPackage(
    "leaflet.fullscreen",
    "3.0.0",
    "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
    ("Control.FullScreen.js", "Control.FullScreen.css"),
)
MEASURE = NpmPackage(
    "leaflet-measure",
    "2.1.7",
    "sha512-IvoHIoVTIQSXUgaNnAMF17qXFB+dF5ICdwmY8BHyq/Hh33/xeGqQUUYlz0pRMzFN9NUcjsT6JBhCr1ia0CG5ug==",
    ("dist/leaflet-measure.min.js", "dist/leaflet-measure.css"),
)
MINIMAP = NpmPackage(
    "leaflet-minimap",
    "3.6.1",
    "sha512-6px8f6cfv1rKB6ACpL6bbUFGxipZOq4KsntJgBj9nOcW1RYa5+xFp8emOZwks9X+VtVVsQEwWwfgT1kTTL/LzA==",
    ("dist/Control.MiniMap.min.js", "dist/Control.MiniMap.min.css"),
)
SEARCH = NpmPackage(
    "leaflet-search",
    "2.9.7",
    "sha512-v7CxEbXyQXqLFjSkTpvM5i1cvmrcPOos57UmTnR94qqvVZykXyz/0SKEs3cbkFHjyrmMQ3Yk2Q5W6PvyuiSuPg==",
    ("dist/leaflet-search.min.js", "dist/leaflet-search.min.css"),
)

#: Noto Sans Devanagari (SIL OFL), regular and bold: Hindi maps, sheets and reports render the
#: same on any machine, offline. Only the Devanagari subset's WOFF2 files; the ``@font-face``
#: rules are :data:`DEVANAGARI_CSS` (derived), so no WOFF copy is extracted.
NOTO_DEVANAGARI = NpmPackage(
    "@fontsource/noto-sans-devanagari",
    "5.3.0",
    "sha512-7khYmipS/5KAUUmrO1DKir8yL8XI00d0+ZE9BqbS8XF1jzObv6CpPOk3UeYxF+Pvi8bx9bBvprBCOcbx/eQWTQ==",
    (
        "files/noto-sans-devanagari-devanagari-400-normal.woff2",
        "files/noto-sans-devanagari-devanagari-700-normal.woff2",
    ),
)
#: The service's interactive API documentation (``/docs``), not linked by any map.
SWAGGER_UI = NpmPackage(
    "swagger-ui-dist",
    "5.35.0",
    "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==",
    ("swagger-ui-bundle.js", "swagger-ui.css"),
)

#: Every pinned npm package, in fetch order.
PACKAGES: Final = (
    LEAFLET, JQUERY, BOOTSTRAP, BOOTSTRAP3, AWESOME_MARKERS, FONTAWESOME, MARKERCLUSTER,
    FULLSCREEN, MEASURE, MINIMAP, SEARCH, SWAGGER_UI, NOTO_DEVANAGARI,
)  # fmt: skip
#: The API documentation page's script and stylesheet, relative to the asset directory.
SWAGGER_JS: Final = f"{SWAGGER_UI.folder}/swagger-ui-bundle.js"
SWAGGER_CSS: Final = f"{SWAGGER_UI.folder}/swagger-ui.css"

#: Folder of the files that come from folium itself (installed wheel or generated).
FOLIUM_FOLDER: Final = "folium-templates"
#: sha512 of folium 0.20's ``templates/leaflet_heat.min.js`` (the wheel's copy is checked).
FOLIUM_HEAT_INTEGRITY: Final = (
    "sha512-8LXAk/Kvk4hILNW/+gzQbJvVz5cijb+PEFUDOD0xHXtv7Vt8xi3CUR1YlGYPavr18dGFTBKjmBzfvyWYHHofzg=="
)  # fmt: skip
GLYPHICONS_CSS: Final = f"{BOOTSTRAP3.folder}/dist/css/bootstrap-glyphicons.css"
#: The family name maps, sheets and reports ask for first.
DEVANAGARI_FAMILY: Final = "Noto Sans Devanagari"
#: The ``@font-face`` rules of :data:`NOTO_DEVANAGARI` (derived), relative to the asset directory.
DEVANAGARI_CSS: Final = f"{NOTO_DEVANAGARI.folder}/shakti-devanagari.css"
#: The characters the font serves (the Devanagari subset's range): Latin text keeps the page's
#: own font.
DEVANAGARI_RANGE: Final = (
    "U+0900-097F,U+1CD0-1CF9,U+200C-200D,U+20A8,U+20B9,U+20F0,U+25CC,U+A830-A839,U+A8E0-A8FF"
)
#: The URL maps link the font with, mapped to :data:`DEVANAGARI_CSS` (which adds the bold
#: face); never requested, except by a ``cdn`` page.
DEVANAGARI_CSS_URL: Final = (
    "https://cdn.jsdelivr.net/npm/@fontsource/noto-sans-devanagari@5.3.0/devanagari-400.css"
)


def _in(package: NpmPackage, path: str) -> str:
    return f"{package.folder}/{path}"


_JSDELIVR = "https://cdn.jsdelivr.net"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

#: Every CDN file the Shakti maps use (folium's defaults and the plugins), and its local file.
ASSETS: Final = (
    Asset((f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js",), _in(LEAFLET, "dist/leaflet.js")),
    Asset((f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css",), _in(LEAFLET, "dist/leaflet.css")),
    Asset(
        ("https://code.jquery.com/jquery-3.7.1.min.js", f"{_CDNJS}/jquery/3.7.1/jquery.min.js"),
        _in(JQUERY, "dist/jquery.min.js"),
    ),
    Asset(
        (f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",),
        _in(BOOTSTRAP, "dist/js/bootstrap.bundle.min.js"),
    ),
    Asset(
        (f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",),
        _in(BOOTSTRAP, "dist/css/bootstrap.min.css"),
    ),
    Asset(
        ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",),
        GLYPHICONS_CSS,
    ),
    Asset(
        (f"{_JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",),
        _in(FONTAWESOME, "css/all.min.css"),
    ),
    Asset(
        (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",),
        _in(AWESOME_MARKERS, "js/leaflet.awesome-markers.js"),
    ),
    Asset(
        (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",),
        _in(AWESOME_MARKERS, "css/leaflet.awesome-markers.css"),
    ),
    Asset(
        (
            f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates/"
            "leaflet.awesome.rotate.min.css",
        ),
        f"{FOLIUM_FOLDER}/leaflet.awesome.rotate.min.css",
    ),
    Asset(
        (f"{_JSDELIVR}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js",),
        f"{FOLIUM_FOLDER}/leaflet_heat.min.js",
    ),
    Asset(
        (f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js",),
        _in(MARKERCLUSTER, "dist/leaflet.markercluster.js"),
    ),
    Asset(
        (f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css",),
        _in(MARKERCLUSTER, "dist/MarkerCluster.css"),
    ),
    Asset(
        (f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",),
        _in(MARKERCLUSTER, "dist/MarkerCluster.Default.css"),
    ),
    # jsDelivr minifies on request: the .min.js is the package's Control.FullScreen.js.
    Asset(
        (f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",),
        _in(FULLSCREEN, "Control.FullScreen.js"),
    ),
    Asset(
        (f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css",),
        _in(FULLSCREEN, "Control.FullScreen.css"),
    ),
    Asset(
        (f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js",),
        _in(MEASURE, "dist/leaflet-measure.min.js"),
    ),
    Asset(
        (f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css",),
        _in(MEASURE, "dist/leaflet-measure.css"),
    ),
    # cdnjs serves both builds; the npm package has the minified one.
    Asset(
        (f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js",),
        _in(MINIMAP, "dist/Control.MiniMap.min.js"),
    ),
    Asset(
        (f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css",),
        _in(MINIMAP, "dist/Control.MiniMap.min.css"),
    ),
    Asset(
        (f"{_JSDELIVR}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js",),
        _in(SEARCH, "dist/leaflet-search.min.js"),
    ),
    Asset(
        (f"{_JSDELIVR}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css",),
        _in(SEARCH, "dist/leaflet-search.min.css"),
    ),
    Asset((DEVANAGARI_CSS_URL,), DEVANAGARI_CSS),
)

#: CDN URL → local path, for :func:`local_asset`.
URL_MAP: Final[Mapping[str, str]] = MappingProxyType(
    {url: asset.path for asset in ASSETS for url in asset.urls}
)


# --------------------------------------------------------------------------- derived files


def _rotate_css(_: Path) -> bytes:
    """Return folium's ``leaflet.awesome.rotate`` rules (``.fa-rotate-1`` … ``-360``)."""
    rules = (
        f".fa-rotate-{n}{{-ms-transform:rotate({n}deg);-webkit-transform:rotate({n}deg);"
        f"transform:rotate({n}deg)}}"
        for n in range(1, 361)
    )
    return ("\n".join(rules) + "\n").encode()


def _folium_heat(_: Path) -> bytes:
    """Return ``leaflet_heat.min.js`` from the installed folium, after checking its hash."""
    spec = importlib.util.find_spec("folium")  # locates folium without importing it
    if spec is None or spec.origin is None:
        raise ExportError("folium is not installed", fix="run `make env`")
    data = (Path(spec.origin).parent / "templates" / "leaflet_heat.min.js").read_bytes()
    if integrity_of(data) != FOLIUM_HEAT_INTEGRITY:
        raise ExportError(
            "the installed folium's templates/leaflet_heat.min.js is not the pinned one",
            why="map assets are pinned by hash, and this folium differs from folium 0.20",
            fix="install the folium of requirements.lock, or re-pin FOLIUM_HEAT_INTEGRITY "
            "in maps/assets.py after reviewing the new file",
        )
    return data


def _css_blocks(css: str) -> list[tuple[str, str]]:
    """Split top-level CSS into ``(prelude, body)`` blocks (comments removed)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    blocks: list[tuple[str, str]] = []
    depth, start, body_start = 0, 0, 0
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                body_start = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((css[start:body_start].strip(), css[body_start + 1 : i].strip()))
                start = i + 1
    return blocks


def _glyphicons_css(directory: Path) -> bytes:
    """Return the Glyphicons part of Bootstrap 3.4.1's CSS (``@font-face`` and ``.glyphicon``)."""
    source = directory / BOOTSTRAP3.folder / "dist" / "css" / "bootstrap.css"
    kept = []
    for prelude, body in _css_blocks(source.read_text(encoding="utf-8")):
        selectors = [s.strip() for s in prelude.split(",")]
        font = prelude == "@font-face" and "Glyphicons Halflings" in body
        if font or (selectors and all(s.startswith(".glyphicon") for s in selectors)):
            kept.append(f"{prelude} {{\n  {body}\n}}")
    if not kept:
        raise ExportError(
            f"no Glyphicons rules found in {source}",
            fix="delete the asset folder and fetch again: " + FETCH_FIX,
        )
    header = "/* Glyphicons from Bootstrap 3.4.1 (MIT), cut by maps.assets */\n"
    return (header + "\n".join(kept) + "\n").encode()


def _devanagari_css(_: Path) -> bytes:
    """Return the ``@font-face`` rules of Noto Sans Devanagari (regular, bold; WOFF2 only)."""
    faces = (
        f"@font-face {{\n  font-family: '{DEVANAGARI_FAMILY}';\n  font-style: normal;\n"
        f"  font-display: block;\n  font-weight: {weight};\n  unicode-range: {DEVANAGARI_RANGE};\n"
        f"  src: url(./{file}) format('woff2');\n}}"
        for weight, file in zip((400, 700), NOTO_DEVANAGARI.files, strict=True)
    )
    header = "/* Noto Sans Devanagari 5.3.0 (SIL OFL 1.1, @fontsource), rules by maps.assets */\n"
    return (header + "\n".join(faces) + "\n").encode()


#: Files that are not extracted as they are from an npm tarball.
DERIVED: Final = (
    DerivedFile(
        f"{FOLIUM_FOLDER}/leaflet.awesome.rotate.min.css", _rotate_css, "generated (folium's rules)"
    ),
    DerivedFile(f"{FOLIUM_FOLDER}/leaflet_heat.min.js", _folium_heat, "installed folium wheel"),
    DerivedFile(
        GLYPHICONS_CSS,
        _glyphicons_css,
        "cut from bootstrap@3.4.1 dist/css/bootstrap.css",
        requires=BOOTSTRAP3,
    ),
    DerivedFile(
        DEVANAGARI_CSS,
        _devanagari_css,
        "generated @font-face rules of @fontsource/noto-sans-devanagari@5.3.0",
        requires=NOTO_DEVANAGARI,
    ),
)


# --------------------------------------------------------------------------- look-ups


def local_asset(url: str) -> str:
    """Return the local file (relative to the asset directory) of a CDN URL folium emits.

    Parameters
    ----------
    url : str
        An ``http(s)://`` URL of a ``<script src>`` or stylesheet ``<link href>``.

    Returns
    -------
    str
        Relative POSIX path inside the asset directory.

    Raises
    ------
    geo.errors.ExportError
        When the URL is not in the pinned manifest: the page would load it from the
        internet, which an offline map must never do.
    """
    path = URL_MAP.get(url)
    if path is None:
        raise ExportError(
            f"the map links {url}, which is not in the offline asset manifest",
            why="an offline map must never load code or styles from the internet",
            fix="pin the package in maps/assets.py (ASSETS and PACKAGES) and fetch again, "
            "or do not use the folium feature that links it",
        )
    return path


def is_remote(url: str) -> bool:
    """Return whether a link points at another host (``http://``, ``https://`` or ``//``)."""
    return url.startswith(("http://", "https://", "//"))


def required_files() -> tuple[str, ...]:
    """Return every file the maps link to directly, relative to the asset directory."""
    return tuple(dict.fromkeys(asset.path for asset in ASSETS))


def missing_files(directory: Path | None = None) -> list[str]:
    """Return the linked files that are not in ``directory`` (default :data:`ASSET_DIR`)."""
    root = directory if directory is not None else ASSET_DIR
    return [path for path in required_files() if not (root / path).is_file()]


def asset_dir(directory: Path | None = None) -> Path:
    """Return the asset directory after checking that every linked file is there.

    Parameters
    ----------
    directory : Path, optional
        Default :data:`ASSET_DIR` (``maps/static/vendor``).

    Returns
    -------
    Path
        The directory, every linked file in it.

    Raises
    ------
    geo.errors.ExportError
        When files are missing, saying how to fetch them.
    """
    root = directory if directory is not None else ASSET_DIR
    missing = missing_files(root)
    if missing:
        raise ExportError(
            f"{len(missing)} front-end map assets are missing in {root} (first: {missing[0]})",
            why="maps carry Leaflet and its plugins themselves so that they work offline, "
            "and these files are downloaded, never committed",
            fix=FETCH_FIX,
        )
    return root


def css_references(css: str) -> list[str]:
    """Return the relative files a stylesheet refers to with ``url(...)``, in order.

    ``data:`` URIs, remote URLs and fragment-only references are left out; queries and
    fragments (``font.eot?#iefix``) are stripped.
    """
    refs: list[str] = []
    for match in _CSS_URL.finditer(css):
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#", "/")) or is_remote(ref):
            continue
        ref = ref.split("#", 1)[0].split("?", 1)[0]
        if ref and ref not in refs:
            refs.append(ref)
    return refs


# --------------------------------------------------------------------------- fetching


@dataclass
class FetchReport:
    """What :func:`fetch` did.

    Attributes
    ----------
    directory : Path
    downloaded : list of str
        ``name@version`` of the tarballs downloaded and extracted.
    up_to_date : list of str
        Packages already present with the pinned hash.
    derived : list of str
        Derived files written (unchanged ones are not rewritten).
    files : int
        Number of files extracted.
    """

    directory: Path
    downloaded: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    files: int = 0


def integrity_of(data: bytes) -> str:
    """Return the npm ``sha512-<base64>`` integrity string of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _stamp(package: NpmPackage, files: Sequence[str]) -> dict[str, object]:
    return {
        "name": package.name,
        "version": package.version,
        "integrity": package.integrity,
        "files": sorted(files),
    }


def _present(package: NpmPackage, directory: Path) -> bool:
    """Return whether the package was extracted with the pinned hash and is still complete."""
    stamp_path = directory / package.folder / STAMP_NAME
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp.get("integrity") != package.integrity or not set(package.files) <= set(
        stamp.get("files", [])
    ):
        return False
    return all((directory / package.folder / f).is_file() for f in stamp["files"])


def _download(url: str, timeout_s: float) -> bytes:
    if not url.startswith("https://"):
        raise ExportError(f"refusing to download {url}", why="only https sources are allowed")
    request = urllib.request.Request(url, headers={"User-Agent": "shakti-hotspots maps.assets"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            data: bytes = response.read()
    except OSError as exc:
        raise ExportError(
            f"cannot download {url}: {exc}",
            why="the front-end assets are fetched once from the npm registry",
            fix="run the fetch on a machine with internet access and copy maps/static/vendor "
            "over, or set a proxy (HTTPS_PROXY)",
        ) from exc
    return data


def _write(path: Path, data: bytes) -> None:
    """Write a file atomically (a temporary sibling, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _extract(package: NpmPackage, data: bytes, directory: Path) -> list[str]:
    """Extract the package's files and every file its CSS refers to; return them."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        roots = {name.split("/", 1)[0] for name in members}
        root = "package" if "package" in roots else sorted(roots)[0]

        def read(rel: str) -> bytes | None:
            member = members.get(f"{root}/{rel}")
            handle = tar.extractfile(member) if member is not None else None
            return handle.read() if handle is not None else None

        queue = list(package.files)
        done: list[str] = []
        while queue:
            rel = queue.pop(0)
            if rel in done:
                continue
            content = read(rel)
            if content is None:
                if rel in package.files:
                    raise ExportError(
                        f"{package.name}@{package.version} has no file {rel}",
                        fix="correct the file list of the package in maps/assets.py",
                    )
                logger.warning("%s: CSS refers to %s, not in the tarball", package.name, rel)
                continue
            _write(directory / package.folder / rel, content)
            done.append(rel)
            if rel.endswith(".css"):
                base = posixpath.dirname(rel)
                for ref in css_references(content.decode("utf-8", errors="replace")):
                    queue.append(posixpath.normpath(posixpath.join(base, ref)))
    return done


def fetch(
    directory: Path | None = None,
    *,
    force: bool = False,
    timeout_s: float = 60.0,
    packages: Iterable[NpmPackage] = PACKAGES,
) -> FetchReport:
    """Download, verify and extract every pinned asset (idempotent; fast when present).

    Parameters
    ----------
    directory : Path, optional
        Destination, default :data:`ASSET_DIR`.
    force : bool, default False
        Download again even when a package is present with the pinned hash.
    timeout_s : float, default 60
        Network timeout of each download.
    packages : iterable of NpmPackage
        Default: every package of the manifest.

    Returns
    -------
    FetchReport

    Raises
    ------
    geo.errors.ExportError
        When a download fails or a tarball does not match its pinned sha512.
    """
    root = directory if directory is not None else ASSET_DIR
    root.mkdir(parents=True, exist_ok=True)
    report = FetchReport(directory=root)
    packages = list(packages)
    for package in packages:
        label = f"{package.name}@{package.version}"
        if not force and _present(package, root):
            report.up_to_date.append(label)
            continue
        logger.info("downloading %s", package.tarball_url)
        data = _download(package.tarball_url, timeout_s)
        actual = integrity_of(data)
        if actual != package.integrity:
            raise ExportError(
                f"the tarball of {label} does not match its pinned hash",
                why=f"expected {package.integrity[:24]}…, got {actual[:24]}…; the download "
                "was corrupted or tampered with",
                fix="retry; if it persists, check the registry and the pin in maps/assets.py",
            )
        files = _extract(package, data, root)
        _write(
            root / package.folder / STAMP_NAME,
            json.dumps(_stamp(package, files), indent=1).encode(),
        )
        report.downloaded.append(label)
        report.files += len(files)
        logger.info("%s: %d files extracted", label, len(files))
    chosen = {(p.name, p.version) for p in packages}
    for derived in DERIVED:
        if derived.requires is not None and (
            (derived.requires.name, derived.requires.version) not in chosen
        ):
            continue
        target = root / derived.path
        content = derived.build(root)
        if not target.is_file() or target.read_bytes() != content:
            _write(target, content)
            report.derived.append(derived.path)
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        _write(gitignore, b"# downloaded by python -m maps.assets fetch; never committed\n*\n")
    return report


def manifest() -> list[dict[str, object]]:
    """Return the manifest as plain data (packages, derived files, URL mapping)."""
    rows: list[dict[str, object]] = [
        {
            "package": p.name,
            "version": p.version,
            "integrity": p.integrity,
            "files": list(p.files),
            "tarball": p.tarball_url,
        }
        for p in PACKAGES
    ]
    rows += [{"derived": d.path, "from": d.description} for d in DERIVED]
    rows += [{"url": url, "file": path} for url, path in URL_MAP.items()]
    return rows


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m maps.assets fetch [--dest DIR] [--force]`` or ``... list``."""
    parser = argparse.ArgumentParser(
        prog="python -m maps.assets", description="Offline front-end assets of the maps."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    fetch_cmd = sub.add_parser("fetch", help="download, verify and extract the pinned assets")
    fetch_cmd.add_argument("--dest", type=Path, default=None, help=f"default {ASSET_DIR}")
    fetch_cmd.add_argument("--force", action="store_true", help="download even when present")
    sub.add_parser("list", help="print the manifest as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="maps.assets: %(message)s")
    if args.action == "list":
        sys.stdout.write(json.dumps(manifest(), indent=1) + "\n")
        return 0
    try:
        report = fetch(args.dest, force=args.force)
    except ExportError as exc:
        logger.error("%s", exc)
        return 2
    sys.stdout.write(
        f"maps.assets: {len(report.downloaded)} packages downloaded ({report.files} files), "
        f"{len(report.up_to_date)} already present, {len(report.derived)} derived files "
        f"written, in {report.directory}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
