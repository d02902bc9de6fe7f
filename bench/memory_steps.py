"""Where the app's memory goes: each interpreter's WebAssembly memory, step by step.

    .venv/bin/python bench/memory_steps.py [--compare OTHER_COPY]

The same sequence as ``bench/first_click.py --memory`` (every lab opened, one exercise
Check, Digits trained on 1 epoch of 10,000, Chapter 3's overfitting run), and after each
step, for the page and for every dedicated worker (the training worker, the checker):

* its WebAssembly memory (``window.nnfsMemory()``, app.runs.memory: each Pyodide's one
  memory, which grows and never shrinks, so this is that interpreter's peak so far);
* the page's JS heap (DevTools ``Runtime.getHeapUsage``: used bytes);
* every canvas's pixels (4 bytes each, the labs not on screen included);
* and the renderer process that holds them all: PSS and RSS (/proc/PID/smaps_rollup);
  dedicated workers live in their page's renderer process.

With ``--compare``, the other copy runs the same sequence right after (same load).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "bench")]

from first_click import LABS, READY_MS, _rss_pss, click_to_first, fill  # noqa: E402

CANVAS_BYTES = "() => [...document.querySelectorAll('canvas')].reduce((s, c) => s + 4 * c.width * c.height, 0)"


def measure(page, cdp) -> dict:
    """Each interpreter's WebAssembly memory (the page's ``window.nnfsMemory``) and the page's JS heap."""
    wasm = json.loads(page.evaluate("() => window.nnfsMemory ? window.nnfsMemory() : '{}'"))
    wasm["page js heap"] = int(cdp.send("Runtime.getHeapUsage").get("usedSize", 0))
    # Every canvas's backing store (4 bytes a pixel), hidden labs' included: the renderer keeps them.
    wasm["canvases"] = int(page.evaluate(CANVAS_BYTES))
    return wasm


def run(pw, chromium: str, args, base: str) -> list[tuple[str, dict]]:
    steps: list[tuple[str, dict]] = []
    if True:  # one fresh browser per copy
        browser = pw.chromium.launch(executable_path=chromium, args=args, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        browser_cdp = browser.new_browser_cdp_session()
        peak = {"pss": 0}
        stop = threading.Event()
        # The renderer processes, from the browser itself (other browsers may run on this machine).
        renderers: list[int] = []

        def find_renderers() -> None:
            info = browser_cdp.send("SystemInfo.getProcessInfo")["processInfo"]
            renderers[:] = [p["id"] for p in info if p["type"] == "renderer"]

        def sample():
            while not stop.is_set():
                sizes = [_rss_pss(pid) for pid in renderers]
                if sizes:
                    peak["pss"] = max(peak["pss"], max(p for _, p in sizes))
                time.sleep(0.2)

        def note(step: str) -> None:
            page.wait_for_timeout(300)
            find_renderers()
            sizes = [_rss_pss(pid) for pid in renderers] or [(0, 0)]
            rss, pss = max(sizes)
            got = {**measure(page, cdp), "pss": pss, "rss": rss, "peak_pss": peak["pss"]}
            steps.append((step, got))
            parts = "  ".join(f"{k} {v / 1e6:.0f}" for k, v in got.items() if k not in ("pss", "rss", "peak_pss"))
            print(
                f"{step:<22} PSS {pss / 1e6:.0f} (peak {peak['pss'] / 1e6:.0f}) RSS {rss / 1e6:.0f} | {parts}",
                flush=True,
            )

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            page.goto(base)
            find_renderers()
            page.wait_for_function("document.documentElement.dataset.labsReady === 'true'", timeout=READY_MS)
            page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=READY_MS)
            note("ready")
            for name in page.evaluate("[...document.querySelectorAll('#nav a[data-lab]')].map(a => a.dataset.lab)"):
                page.click(f"#nav a[data-lab='{name}']")
                page.wait_for_function(f"document.documentElement.dataset.lab === '{name}'")
                page.wait_for_timeout(1500)
                note(f"opened {name}")
            page.wait_for_function("document.documentElement.dataset.checker === 'ready'", timeout=READY_MS)
            page.wait_for_function(
                "() => !document.documentElement.dataset.workerWarm || "
                "['done', 'failed'].includes(document.documentElement.dataset.workerWarm)",
                timeout=60_000,
            )
            note("checker+warm ready")
            check = LABS["exercises"]
            page.goto(base + check.link)
            page.wait_for_timeout(500)
            check.prepare(page)
            click_to_first(page, check)
            note("checked")
            digits = LABS["digits"]
            page.goto(base + digits.link)
            digits.prepare(page)
            fill(page, "#dg-subset", 10_000)
            click_to_first(page, digits)
            note("digits trained")
            c3 = LABS["chapter3"]
            page.goto(base + c3.link)
            page.wait_for_timeout(500)
            click_to_first(page, c3)
            page.wait_for_timeout(1000)
            note("chapter3 trained")
        finally:
            stop.set()
            sampler.join()
            context.close()
            browser.close()
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", help="another copy of the app, measured right after")
    ns = parser.parse_args()
    from browser import BENCH_ARGS, find_chromium
    from playwright.sync_api import sync_playwright
    from serve import make_server

    chromium = find_chromium()
    roots = {"this": ROOT, **({"compare": Path(ns.compare)} if ns.compare else {})}
    with sync_playwright() as pw:
        for label, root in roots.items():
            srv = make_server(root, 0, quiet=True)
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            print(f"== {label} ({root})")
            try:
                run(pw, chromium, BENCH_ARGS, f"http://127.0.0.1:{srv.server_address[1]}/")
            finally:
                srv.shutdown()
                srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
