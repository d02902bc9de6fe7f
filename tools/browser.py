"""Find a Chromium or Chrome for the end-to-end tests (Playwright drives a system browser).

    python tools/browser.py      # prints the path, or explains what to install and exits 1

Playwright's own browser download cannot be used here (no network but the
package registries), so the tests use a browser that is already installed:
the one named by CHROMIUM_PATH, else the usual places. `./run test` installs
Debian's `chromium` package when it runs as root on Debian and finds none.
"""

from __future__ import annotations

import os
import shutil
import sys

CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]
PATHS = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
]

# Flags for the benchmarks' headless Chromium: no background traffic to skew a timing.
BENCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOW_TO_INSTALL = (
    "No Chromium or Chrome was found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`) "
    "or set CHROMIUM_PATH to the browser's executable."
)


def find_chromium() -> str | None:
    """The path of a usable Chromium/Chrome executable, or None."""
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    for path in PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


if __name__ == "__main__":
    path = find_chromium()
    if path is None:
        print(HOW_TO_INSTALL, file=sys.stderr)
        sys.exit(1)
    print(path)
