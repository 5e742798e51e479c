"""Benchmark: size and browser load time of the hotspot map at 10k and 100k incidents.

Run with ``.venv/bin/python bench/map_load.py [--sizes 10000,100000] [--repeats 3]``. Prints a
table and a final JSON line.

For each size, SYNTHETIC demo data (``geo.demo.generate``) is analysed as ``shakti map
hotspots`` does (DBSCAN hotspots, underserved hotspots, Gi* and monthly emerging trends on
250 m cells) and the map is built without base tiles, then rendered twice: ``inline`` (one
offline file, what ``--out`` writes) and ``served`` (scripts from ``/assets``, what the web
service sends). Each page is opened in headless Chromium (Debian's, via Playwright) with every
non-local request aborted, ``--repeats`` times in fresh pages; the medians of two times are
reported: navigation start to the end of the ``load`` event, and to the second animation frame
after it (Leaflet has drawn). Targets: at 100k incidents, at most 5 MB and 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo import demo  # noqa: E402
from maps import assets  # noqa: E402
from maps.browser import (  # noqa: E402
    LOAD_JS,
    offline_browser,
    offline_page,
    serve_page,
    unavailable_reason,
    wait_until_drawn,
)
from maps.hotspot_map import hotspot_map  # noqa: E402
from maps.render import map_html  # noqa: E402
from models.hotspots import find_hotspots, underserved_hotspots  # noqa: E402
from models.surfaces.emerging import NO_PATTERN, PATTERN, emerging_hotspots  # noqa: E402
from models.surfaces.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star  # noqa: E402

TARGET_MB = 5.0
TARGET_S = 3.0
CELL_M = 250.0


def build(n: int, seed: int) -> tuple[Any, dict[str, Any]]:
    """Return the hotspot map of ``n`` SYNTHETIC incidents and timings / counts."""
    info: dict[str, Any] = {"incidents": n}
    t0 = time.perf_counter()
    data = demo.generate(seed=seed, n_incidents=n)
    t1 = time.perf_counter()
    spots = find_hotspots(
        data.incidents, sites=data.sites, cctv=data.cctv, campaigns=data.campaigns,
        thanas=data.thanas,
    )  # fmt: skip
    try:
        under = underserved_hotspots(spots, data.campaigns)
    except ValueError as exc:  # reported, the map is still built
        under = None
        info["underserved_error"] = str(exc)
    cells = gi_star(data.incidents, cell_m=CELL_M, study_area=data.thanas)
    trends = emerging_hotspots(data.incidents, cell_m=CELL_M, bin="M", study_area=data.thanas)
    t2 = time.perf_counter()
    m = hotspot_map(
        data.incidents,
        thanas=data.thanas,
        hotspots=spots,
        sites=data.sites,
        cctv=data.cctv,
        campaigns=data.campaigns,
        gi_cells=cells[cells[GI_CLASS] != NOT_SIGNIFICANT],
        emerging=trends[trends[PATTERN] != NO_PATTERN],
        underserved=under,
        tiles=None,
    )
    t3 = time.perf_counter()
    info.update(
        generate_s=round(t1 - t0, 2),
        analysis_s=round(t2 - t1, 2),
        build_s=round(t3 - t2, 2),
        hotspots=len(spots),
    )
    return m, info


def load_times(browser: Any, html: str, repeats: int, served: bool) -> dict[str, Any]:
    """Open the page ``repeats`` times; return median load / drawn times and any problems."""
    loads, drawn, problems = [], [], []
    root = assets.asset_dir() if served else None
    with serve_page(html, asset_root=root, asset_prefix="/assets") as url:
        for _ in range(repeats):
            with offline_page(width=1280, height=800, browser=browser) as (page, log):
                page.goto(url, wait_until="load", timeout=60_000)
                drawn.append(wait_until_drawn(page, timeout_s=60))
                loads.append(float(page.evaluate(LOAD_JS)))
                problems += log.console_errors + log.page_errors + log.blocked
    return {
        "load_s": round(statistics.median(loads) / 1000, 2),
        "drawn_s": round(statistics.median(drawn) / 1000, 2),
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="incident counts, comma-separated")
    parser.add_argument("--seed", type=int, default=demo.DEMO_SEED)
    parser.add_argument("--repeats", type=int, default=3, help="page loads per measurement")
    parser.add_argument("--keep", type=Path, default=None, help="folder to save the pages in")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    assets.fetch()
    reason = unavailable_reason()
    if reason is not None:
        print(f"no headless browser ({reason}): sizes only", flush=True)
    rows: list[dict[str, Any]] = []
    with offline_browser() if reason is None else _no_browser() as browser:
        for n in sizes:
            m, info = build(n, args.seed)
            for mode in ("inline", "served"):
                t0 = time.perf_counter()
                html = map_html(m, assets=mode)  # type: ignore[arg-type]
                row = {
                    **info,
                    "assets": mode,
                    "render_s": round(time.perf_counter() - t0, 2),
                    "html_mb": round(len(html.encode()) / 1e6, 2),
                }
                if args.keep is not None:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"map_{n}_{mode}.html").write_text(html, encoding="utf-8")
                if browser is not None:
                    row.update(load_times(browser, html, args.repeats, mode == "served"))
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    header = (
        f"{'incidents':>10} {'assets':>7} {'build s':>8} {'render s':>9} {'HTML MB':>8} "
        f"{'load s':>7} {'drawn s':>8} {'problems':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['incidents']:>10,} {r['assets']:>7} {r['build_s']:>8.2f} {r['render_s']:>9.2f} "
            f"{r['html_mb']:>8.2f} {r.get('load_s', float('nan')):>7.2f} "
            f"{r.get('drawn_s', float('nan')):>8.2f} {len(r.get('problems', [])):>9}"
        )
    largest = [r for r in rows if r["incidents"] == max(sizes)]
    summary = {
        "benchmark": "map_load",
        "seed": args.seed,
        "repeats": args.repeats,
        "rows": rows,
        "target_mb": TARGET_MB,
        "target_s": TARGET_S,
        "meets_size": all(r["html_mb"] <= TARGET_MB for r in largest),
        "meets_time": all(r.get("drawn_s", 0.0) <= TARGET_S for r in largest),
        "browser": reason is None,
    }
    print(json.dumps(summary))


class _no_browser:  # noqa: N801 - a stand-in context manager
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    main()
