"""Take the README's screenshot (or any lab's) in headless Chromium.

    python tools/screenshot.py [--lab playground] [--train SECONDS] [--out docs/screenshot.png]

Serves the repository on a free port, opens the lab, optionally presses its
Train button and waits, and saves a 1280x900 PNG of the viewport.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import HOW_TO_INSTALL, find_chromium  # noqa: E402
from serve import ROOT, make_server  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TRAIN_BUTTONS = {"playground": "#pg-train", "digits": "#dg-train", "perceptron": "#pc-run"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="playground", help="lab name, optionally with state: 'playground/data=spiral'")
    parser.add_argument("--train", type=float, default=0.0, help="press Train and wait this many seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print(HOW_TO_INSTALL, file=sys.stderr)
        return 1
    httpd = make_server(ROOT, 0, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/#{args.lab}")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=90_000)
            page.wait_for_timeout(1000)
            name = args.lab.split("/")[0]
            if args.train and name in TRAIN_BUTTONS:
                page.click(TRAIN_BUTTONS[name])
                page.wait_for_timeout(args.train * 1000)
            page.evaluate("window.scrollTo(0, 0)")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        httpd.shutdown()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
