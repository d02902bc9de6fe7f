"""Benchmark: the Chapter 6 lab's rungs trained in the page, as a learner would run them.

    .venv/bin/python bench/chapter6.py [--rungs conv1,relu] [--images N] [--epochs 1] [--scored 1000]

Opens the app in headless Chromium, and for each rung of the book's ladder picks it in the lab,
sets the training images (default: the rung's own default, what should train in about a minute),
presses Train and waits for the run's end, probing the page's main thread meanwhile (the probe of
``bench/responsiveness.py``). Prints per rung: training images per second in the worker (the
engine's own training time, without scoring), the projected seconds for an epoch of 50,000
images (×5 on the expanded rungs), the test accuracy the run reached (on the first ``--scored``
test images), the page's longest main-thread task and its long tasks (> 50 ms) from Train to the
end, and the training worker's peak WebAssembly memory. Use it to set ``PAGE_RATE`` in
``nnfs/labs/chapter6/ladder.py`` (the default images) from this machine's figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "py"), str(ROOT / "bench")]

from responsiveness import PROBE_UNTIL, summary  # noqa: E402

from nnfs.labs.chapter6.ladder import LADDER, default_images  # noqa: E402

DONE = "['done', 'stopped', 'failed'].includes(document.getElementById('c6-run').dataset.state)"


def set_field(page, name: str, value) -> None:
    page.fill(f"#c6-{name}", str(value))
    page.press(f"#c6-{name}", "Enter")


def run_rung(page, key: str, images: int, epochs: int, scored: int) -> dict:
    page.select_option("#c6-rung", key)
    set_field(page, "images", images)
    set_field(page, "epochs", epochs)
    set_field(page, "scored", scored)
    page.click("#c6-train")
    page.wait_for_function(f"!({DONE})")
    page.evaluate(PROBE_UNTIL, [3600, DONE])
    probe = page.evaluate("window.__probe")
    page.wait_for_function(DONE, timeout=3_600_000)
    run = page.evaluate("({...document.getElementById('c6-run').dataset})")
    history = json.loads(run["history"])
    seconds = history["seconds"][-1]
    per_epoch = images * (5 if LADDER[key].expanded else 1)
    return {
        "state": run["state"],
        "rate": epochs * per_epoch / seconds if seconds > 0 else float("nan"),
        "per_epoch_50k": 50_000 * (5 if LADDER[key].expanded else 1),
        "test": history["test_acc"][-1],
        "probe": probe,
        "memory": int(run.get("peakMemoryBytes") or 0),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rungs", default=",".join(LADDER), help="comma-separated rung keys")
    parser.add_argument("--images", type=int, default=0, help="training images (0: each rung's default)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--scored", type=int, default=1000, help="validation and test images scored per epoch")
    args = parser.parse_args(argv)
    from browser import find_chromium
    from playwright.sync_api import sync_playwright
    from serve import make_server

    server = make_server(ROOT, 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "#chapter6")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=120_000)
            for key in args.rungs.split(","):
                images = args.images or default_images(key)
                rows.append((key, images, run_rung(page, key, images, args.epochs, args.scored)))
                r = rows[-1][2]
                print(f"{key}: {r['rate']:,.0f} images/s, test {r['test']:.4f}", file=sys.stderr)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"Chapter 6 rungs trained in the page's worker ({args.epochs} epoch(s), {args.scored} images scored):\n")
    print(
        "| rung | images | images/s | epoch of 50,000 (×5 expanded) | test | main-thread tasks (probe) "
        "| long tasks > 50 ms | worker memory |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for key, images, r in rows:
        longs = r["probe"]["longs"]
        long_text = f"{len(longs)}" + (f", longest {max(longs):.0f} ms" if longs else "")
        epoch = r["per_epoch_50k"] / r["rate"]
        print(
            f"| {key} | {images:,} | {r['rate']:,.0f} | {epoch:,.0f} s | {100 * r['test']:.2f} % | "
            f"{summary(r['probe']['gaps'])} | {long_text} | {r['memory'] / 1e6:,.0f} MB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
