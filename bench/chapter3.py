"""Benchmark: the Chapter 3 lab's overfitting experiment at the book's settings, in the page.

    .venv/bin/python bench/chapter3.py [--state of_epochs=400]

Opens the app in headless Chromium on the Chapter 3 lab, presses the overfitting
experiment's Run (two runs of [784, 30, 10] on 1,000 MNIST images, 400 epochs each,
training and test scored after every epoch, in the training worker) and measures:

* the wall time from the click to both runs done (the lab's own figure,
  data-wall-seconds, which leaves out the one-off MNIST download; and the
  click-to-done time seen from outside, which includes it);
* how free the page's main thread stays meanwhile: the probe of
  bench/responsiveness.py (main-thread tasks of 2 ms or more; long tasks > 50 ms),
  for the first ``--seconds`` seconds of the training;
* the figures the page reports (test accuracy with and without L2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "bench")]


def cpu_seconds() -> float:
    """CPU time (user + system) used so far by this process's descendants that are still
    running (the browser's processes): on a machine shared with other work, the CPU time
    the experiment took is what its wall time would be on an idle one (its work is serial)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        total += (int(stats[pid][11]) + int(stats[pid][12])) / tick
        todo.extend(children.get(pid, []))
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="", help="settings in the link, e.g. of_epochs=100")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of main-thread probing")
    args = parser.parse_args(argv)
    from browser import find_chromium
    from playwright.sync_api import sync_playwright
    from responsiveness import PROBE, summary
    from serve import make_server

    server = make_server(ROOT, 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "#chapter3/" + args.state)
            page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=120_000)
            page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=120_000)
            t0, cpu0 = time.perf_counter(), cpu_seconds()
            page.click("#c3-of-run")
            page.wait_for_function("document.getElementById('c3-of-panel').dataset.state === 'running'")
            busy = page.evaluate(PROBE, args.seconds)
            page.wait_for_function(
                "['done', 'failed'].includes(document.getElementById('c3-of-panel').dataset.state)", timeout=3_600_000
            )
            outside, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
            wall = page.get_attribute("#c3-of-panel", "data-wall-seconds")
            measured = page.inner_text("#c3-of-measured")
            runs = json.loads(page.get_attribute("#c3-of-panel", "data-runs"))
            page.evaluate("document.getElementById('c3-of-title').scrollIntoView()")
            page.screenshot(path="/tmp/chapter3-overfitting.png")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    epochs = runs[0]["config"]["training"]["epochs"] if runs else 0
    load = os.getloadavg()[0]
    print(f"Overfitting experiment, 2 runs x {epochs} epochs, in the page ({os.cpu_count()} cores, load {load:.1f}):")
    print(f"- the lab's wall time (both runs, images already loaded): {wall} s; click to done: {outside:.1f} s")
    print(f"- CPU time the browser used meanwhile (page + worker): {cpu:.1f} s (the wall time on an idle machine)")
    probe = f"{summary(busy['gaps'])}; long tasks > 50 ms: {len(busy['longs'])}"
    print(f"- main thread meanwhile ({args.seconds:.0f} s probed): {probe}")
    print(f"- {measured}")
    print("- screenshot: /tmp/chapter3-overfitting.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
