"""Render the app's PNG icons (static/icons/icon-192.png, icon-512.png) from static/favicon.svg.

    python tools/make_icons.py

The web app manifest needs PNG icons of 192 and 512 pixels to make the site
installable; they are drawn from the one SVG by the same headless Chromium the
tests use (tools/browser.py finds it), so the picture has one source. The PNGs
are committed: run this again only after changing the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
SIZES = (192, 512)


def main() -> int:
    from browser import HOW_TO_INSTALL, find_chromium
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        print(HOW_TO_INSTALL, file=sys.stderr)
        return 2
    svg = (ROOT / "static" / "favicon.svg").read_text(encoding="utf-8")
    out = ROOT / "static" / "icons"
    out.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                f"<style>html,body{{margin:0;background:transparent}}svg{{display:block;"
                f"width:{size}px;height:{size}px}}</style>{svg}"
            )
            page.screenshot(path=str(out / f"icon-{size}.png"), omit_background=True)
            page.close()
            print(f"wrote static/icons/icon-{size}.png")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
