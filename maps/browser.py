"""Headless Chromium (the system's, driven by Playwright) with every non-local request blocked."""

# Shakti never downloads a browser: Playwright's Python API drives Debian's /usr/bin/chromium
# (``scripts/install_browser.sh``), or the executable named by SHAKTI_CHROMIUM. Pages are served
# from a throw-away HTTP server on 127.0.0.1 (the page, plus the asset folder at the asset
# prefix, like the FastAPI service), and every request to any other host is aborted and
# recorded, so a map that would reach the internet is caught rather than silently loading.

from __future__ import annotations

import contextlib
import http.server
import logging
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from geo.errors import ExportError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

logger = logging.getLogger(__name__)

#: Environment variable naming the Chromium executable.
CHROMIUM_ENV: Final = "SHAKTI_CHROMIUM"
#: Debian's Chromium.
DEFAULT_CHROMIUM: Final = Path("/usr/bin/chromium")
#: Hosts a page may reach.
LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
#: URL schemes that never leave the machine.
LOCAL_SCHEMES: Final = frozenset({"file", "data", "blob", "about"})
#: Name of the page on the throw-away server.
PAGE_NAME: Final = "map.html"
#: Extra protection below Playwright's routing: no host name resolves except localhost.
_CHROMIUM_ARGS: Final = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
)
#: Resolves once the page has loaded and painted twice: ``performance.now()`` at that moment.
DRAWN_JS: Final = """() => new Promise(resolve => {
  const painted = () => requestAnimationFrame(() => requestAnimationFrame(
      () => resolve(performance.now())));
  if (document.readyState === "complete") { painted(); }
  else { window.addEventListener("load", painted, {once: true}); }
})"""
#: Milliseconds from navigation start to the end of the load event.
LOAD_JS: Final = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return nav ? nav.loadEventEnd : null;
}"""


def chromium_executable(executable: str | Path | None = None) -> Path:
    """Return the Chromium to drive: ``executable``, else ``$SHAKTI_CHROMIUM``, else Debian's.

    Raises
    ------
    geo.errors.ExportError
        When it does not exist or is not executable.
    """
    chosen = executable or os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    path = Path(chosen)
    if not path.is_absolute():
        found = shutil.which(str(path))
        path = Path(found) if found else path
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ExportError(
            f"no Chromium at {path}",
            why="PNG export and the browser tests drive the system's Chromium",
            fix=f"run scripts/install_browser.sh (Debian's chromium), or set {CHROMIUM_ENV} "
            "to a Chromium executable",
        )
    return path


def unavailable_reason(executable: str | Path | None = None) -> str | None:
    """Return why a headless browser cannot run here, or ``None`` when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install playwright)"
    try:
        chromium_executable(executable)
    except ExportError as exc:
        return str(exc)
    return None


def is_local(url: str) -> bool:
    """Return whether a request URL stays on this machine (file, data, localhost...)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in {
        h.strip("[]") for h in LOCAL_HOSTS
    }


# --------------------------------------------------------------------------- local server


def _handler(html: bytes, asset_root: Path | None, prefix: str) -> type[Any]:
    root = asset_root.resolve() if asset_root is not None else None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if path in ("/", f"/{PAGE_NAME}"):
                self._send(200, html, "text/html; charset=utf-8")
                return
            if root is not None and path.startswith(prefix + "/"):
                target = (root / path[len(prefix) + 1 :]).resolve()
                if target.is_file() and target.is_relative_to(root):
                    self._send(200, target.read_bytes(), _content_type(target))
                    return
            self._send(404, b"not found", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("local server: " + format, *args)

    return Handler


def _content_type(path: Path) -> str:
    types = {
        ".js": "text/javascript",
        ".css": "text/css",
        ".png": "image/png",
        ".gif": "image/gif",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
    }
    return types.get(path.suffix.lower(), "application/octet-stream")


@contextlib.contextmanager
def serve_page(
    html: str, *, asset_root: Path | None = None, asset_prefix: str = "/assets"
) -> Iterator[str]:
    """Serve one page (and the asset folder at ``asset_prefix``) on 127.0.0.1 while open.

    Parameters
    ----------
    html : str
        The page.
    asset_root : Path, optional
        Folder served at ``asset_prefix`` (for pages rendered with ``assets="served"``).
    asset_prefix : str, default "/assets"

    Yields
    ------
    str
        The page's URL.
    """
    handler = _handler(html.encode("utf-8"), asset_root, "/" + asset_prefix.strip("/"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="shakti-map-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{PAGE_NAME}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --------------------------------------------------------------------------- the browser


@dataclass
class PageLog:
    """What happened in an offline page.

    Attributes
    ----------
    console_errors : list of str
        ``console.error`` messages (failed resource loads included).
    page_errors : list of str
        Uncaught JavaScript exceptions.
    blocked : list of str
        URLs of requests that were aborted because they would leave the machine.
    """

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Return whether nothing went wrong (no error, nothing blocked)."""
        return not (self.console_errors or self.page_errors or self.blocked)


def _require_browser(executable: str | Path | None) -> None:
    reason = unavailable_reason(executable)
    if reason is not None:
        raise ExportError(
            "no headless browser available",
            why=reason,
            fix="pip install playwright (the Python package only) and run "
            "scripts/install_browser.sh",
        )


@contextlib.contextmanager
def offline_browser(executable: str | Path | None = None) -> Iterator[Browser]:
    """Launch headless Chromium (the system's); pages come from :func:`offline_page`.

    Parameters
    ----------
    executable : str or Path, optional
        Chromium to drive (default: see :func:`chromium_executable`).

    Yields
    ------
    playwright.sync_api.Browser

    Raises
    ------
    geo.errors.ExportError
        When Playwright or Chromium is missing.
    """
    _require_browser(executable)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium_executable(executable)),
            headless=True,
            args=list(_CHROMIUM_ARGS),
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def offline_page(
    *,
    width: int = 1280,
    height: int = 800,
    executable: str | Path | None = None,
    browser: Browser | None = None,
) -> Iterator[tuple[Page, PageLog]]:
    """Open a headless Chromium page in which only local requests are allowed.

    Parameters
    ----------
    width, height : int
        Viewport in CSS pixels.
    executable : str or Path, optional
        Chromium to launch when no ``browser`` is given.
    browser : playwright.sync_api.Browser, optional
        A browser from :func:`offline_browser` to open the page in (a new one is launched
        and closed otherwise).

    Yields
    ------
    tuple of (playwright.sync_api.Page, PageLog)

    Raises
    ------
    geo.errors.ExportError
        When Playwright or Chromium is missing.
    """
    if browser is None:
        with (
            offline_browser(executable) as own,
            offline_page(width=width, height=height, browser=own) as opened,
        ):
            yield opened
        return
    log = PageLog()

    def route(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    context = browser.new_context(
        viewport={"width": width, "height": height}, service_workers="block"
    )
    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
        yield page, log
    finally:
        context.close()


def wait_until_drawn(page: Page, *, timeout_s: float = 30.0) -> float:
    """Wait until the page has loaded and painted; return the time since navigation (ms)."""
    page.wait_for_load_state("load", timeout=timeout_s * 1000)
    page.wait_for_selector(".leaflet-container", state="attached", timeout=timeout_s * 1000)
    drawn = page.evaluate(DRAWN_JS)
    return float(drawn)


def _page_text(html_or_path: str | Path) -> str:
    if isinstance(html_or_path, Path):
        return html_or_path.read_text(encoding="utf-8")
    if "<" not in html_or_path and Path(html_or_path).is_file():
        return Path(html_or_path).read_text(encoding="utf-8")
    return html_or_path


def save_png(
    html_or_path: str | Path,
    out_png: Path,
    *,
    width: int = 1280,
    height: int = 800,
    asset_root: Path | None = None,
    asset_prefix: str = "/assets",
    executable: str | Path | None = None,
    timeout_s: float = 60.0,
    browser: Browser | None = None,
) -> Path:
    """Save a static PNG of a map page, rendered by headless Chromium with the network off.

    Parameters
    ----------
    html_or_path : str or Path
        The page (as rendered by :func:`maps.render.map_html`) or the path of an HTML file.
    out_png : Path
        Output file; parent folders are created.
    width, height : int, default 1280 × 800
        Viewport in CSS pixels (the PNG has this size).
    asset_root : Path, optional
        Asset folder for pages rendered with ``assets="served"``; default
        :data:`maps.assets.ASSET_DIR` when the page links ``asset_prefix``.
    asset_prefix : str, default "/assets"
    executable : str or Path, optional
        Chromium to drive; default ``$SHAKTI_CHROMIUM`` or ``/usr/bin/chromium``.
    timeout_s : float, default 60
    browser : playwright.sync_api.Browser, optional
        An already launched browser (:func:`offline_browser`) to use.

    Returns
    -------
    Path
        ``out_png``, written.

    Raises
    ------
    geo.errors.ExportError
        When no browser is available or the page does not load.
    """
    from maps.assets import ASSET_DIR

    html = _page_text(html_or_path)
    root = asset_root
    if root is None and f'"{asset_prefix.rstrip("/")}/' in html:
        root = ASSET_DIR
    out_png.parent.mkdir(parents=True, exist_ok=True)
    with (
        serve_page(html, asset_root=root, asset_prefix=asset_prefix) as url,
        offline_page(width=width, height=height, executable=executable, browser=browser) as (
            page,
            log,
        ),
    ):
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        wait_until_drawn(page, timeout_s=timeout_s)
        page.screenshot(path=str(out_png), full_page=False)
    if log.blocked:
        logger.info("PNG export: %d requests to other hosts were blocked", len(log.blocked))
    logger.info("PNG written to %s (%d × %d)", out_png, width, height)
    return out_png


def save_pdfs(
    pages: Sequence[tuple[Path, Path]],
    *,
    executable: str | Path | None = None,
    timeout_s: float = 60.0,
) -> list[Path]:
    """Print standalone HTML sheets to A4 PDF with headless Chromium (one browser, network off).

    Sheets and reports embed their fonts and styles, so nothing but the page is served.

    Parameters
    ----------
    pages : sequence of (Path, Path)
        (HTML file, PDF file) pairs; parent folders of the PDFs are created.
    executable : str or Path, optional
        Chromium to drive; default ``$SHAKTI_CHROMIUM`` or ``/usr/bin/chromium``.
    timeout_s : float, default 60
        Per page.

    Returns
    -------
    list of Path
        The PDFs written, in order.

    Raises
    ------
    geo.errors.ExportError
        When no browser is available.
    """
    written: list[Path] = []
    if not pages:
        return written
    with offline_browser(executable) as browser:
        for html_path, pdf_path in pages:
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            html = html_path.read_text(encoding="utf-8")
            with (
                serve_page(html) as url,
                offline_page(browser=browser) as (page, log),
            ):
                page.goto(url, wait_until="load", timeout=timeout_s * 1000)
                page.pdf(path=str(pdf_path), format="A4", print_background=True)
            if log.blocked:
                logger.info("PDF %s: %d requests blocked", pdf_path.name, len(log.blocked))
            written.append(pdf_path)
    logger.info("%d PDF written", len(written))
    return written
