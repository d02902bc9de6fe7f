"""Start-up in every engine the tests drive: Chromium (Playwright), Firefox ESR (puppeteer-core over
WebDriver BiDi) and WebKitGTK (Selenium + WebKitWebDriver): the seconds from asking for the page to
``<html data-ready="true">``, median of 3 first visits (each on a new port: a new origin, so an empty
HTTP cache and no service worker), plus the seconds until every other lab is set up (labsReady).

    .venv/bin/python bench/engines.py            # all three engines
    .venv/bin/python bench/engines.py webkit     # one (or more) of chromium, firefox, webkit

The machine may be shared: read the engines against each other, measured minutes apart.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools", ROOT / "py"):
    sys.path.insert(0, str(p))

from tests.xb.engines import RecordingProxy, XbServer, launch, missing, open_app  # noqa: E402

RUNS = 3


def chromium_times() -> tuple[str, list[tuple[float, float]]]:
    from browser import find_chromium
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        for _ in range(RUNS):
            server = XbServer()
            context = browser.new_context()
            page = context.new_page()
            t0 = time.monotonic()
            page.goto(server.url)
            page.wait_for_function("document.documentElement.dataset.ready", timeout=180_000)
            ready = time.monotonic() - t0
            page.wait_for_function("document.documentElement.dataset.labsReady", timeout=180_000)
            out.append((ready, time.monotonic() - t0))
            context.close()
            server.stop()
        version = f"Chromium {browser.version}"
        browser.close()
    return version, out


def engine_times(engine: str) -> tuple[str, list[tuple[float, float]]]:
    proxy = RecordingProxy()
    browser = launch(engine, proxy.port)
    out = []
    try:
        for _ in range(RUNS):
            server = XbServer()
            page = browser.page()
            t0 = time.monotonic()
            ready = open_app(page, server.url)
            out.append((ready, time.monotonic() - t0))
            page.close()
            server.stop()
        return f"{browser.version} ({browser.driver_name})", out
    finally:
        browser.quit()
        proxy.stop()


def main(argv: list[str]) -> int:
    engines = argv or ["chromium", "firefox", "webkit"]
    print(f"Start-up, first visit, median of {RUNS} (seconds)")
    print(f"{'engine':<60} {'ready':>7} {'all labs':>9}   runs (ready)")
    for engine in engines:
        why = "" if engine == "chromium" else missing(engine)
        if why:
            print(f"{engine:<60} {'—':>7} {'—':>9}   {why}")
            continue
        name, times = chromium_times() if engine == "chromium" else engine_times(engine)
        ready = statistics.median(t[0] for t in times)
        labs = statistics.median(t[1] for t in times)
        print(f"{name:<60} {ready:7.1f} {labs:9.1f}   {', '.join(f'{t[0]:.1f}' for t in times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
