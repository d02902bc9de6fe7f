"""Start-up benchmark: the app against the runtime's floor, side by side.

    python bench/startup.py [--repeats 5] [--profile] [--compare DIR] [--lab NAME]

Two pages, served by one ``tools/serve.py`` (the app's root, on one port: the same server,
the same compressed copies, the same threads for both), each in its own browser profile:

* **bare** (``/bare.html``): a page that loads the vendored Pyodide (``static/vendor/pyodide``)
  with numpy (``loadPyodide({packages: ["numpy"]})``: the wheel is fetched while the interpreter
  starts), imports it, then sets ``<html data-ready="true">``. Nothing
  else: no PyScript, no app code. This is the floor the app can approach.
* **app**: ``index.html`` as people open it (``--lab NAME``: with ``#NAME`` in the link),
  ready at ``data-ready="true"``.

What "ready" means, precisely (``READY`` below, printed with the table): the moment
``<html data-ready="true">`` is set, in ms from navigation start (``performance.now()``,
seen by a MutationObserver installed before the page's scripts). The bare page sets it
right after ``import numpy``. The app sets it at the end of ``app.shell.main.start()``: the
runtime and numpy loaded, the modules' archive unpacked, the shell and the lab in the link
imported, set up and drawn (its controls bound: usable). After it, the app sets up its other
labs (one per turn of the event loop) and its service worker keeps a copy for offline use;
what both pages fetched after ready is printed too.

Each is loaded cold (a new persistent browser profile: empty HTTP cache, code
cache and storage) and warm (the same profile reloaded), ``--repeats`` times,
the pages alternating (each round in a rotated order) so that all see the same
machine load; after each load the page is left to settle (the app sets up its
other labs and keeps an offline copy after ready) before the next is measured. Times are from
navigation start to ``data-ready``, measured in the page. The table gives the
median of each, the ratio app / bare, and the bytes transferred (response bodies
as the browser received them, compressed when the server compressed them).

``--compare DIR`` adds a third page, **before**: another checkout of the app (e.g. a
``git worktree`` of an older commit; its ``static/`` may be a link to this one's), loaded
in the same rounds, so a change's effect on start-up is a ratio measured side by side.

``--profile`` also prints where the app's time goes: the moments PyScript
reports (``py:progress`` events: interpreter loaded, files fetched...), the
Python entry point's own marks, and the requests made after the interpreter
was loaded.

Exit status 0, or 1 when a page failed to start (with the reason).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from browser import BENCH_ARGS  # noqa: E402 - found through the path set just above

READY_TIMEOUT_MS = 120_000

# The floor: the vendored Pyodide, numpy loaded from its lock file, imported. numpy is given to
# loadPyodide, which fetches its wheel while the interpreter starts (as PyScript does for the
# app); a loadPackage after loadPyodide fetched it only once the interpreter was up, ~0.2-0.4 s
# later, a floor the app beat (0.73x). Served by the app's server as /bare.html, beside
# index.html, so its URLs are the app's.
BARE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare Pyodide + numpy</title>
<script type="module">
import { loadPyodide } from "./static/vendor/pyodide/pyodide.mjs";
const pyodide = await loadPyodide({ packages: ["numpy"] });
pyodide.runPython("import numpy");
document.documentElement.dataset.ready = "true";
</script></head><body>bare</body></html>
"""

# Timestamps (ms since navigation start) of data-ready and of PyScript's progress events.
PROBE = """
(() => {
  window.__marks = [];
  addEventListener("py:progress", (e) => window.__marks.push([String(e.detail), performance.now()]));
  const mark = () => {
    const el = document.documentElement;
    if (el && el.dataset.ready && window.__readyAt === undefined) {
      window.__readyAt = performance.now();
      window.__readyState = el.dataset.ready;
    }
  };
  new MutationObserver(mark).observe(document, {attributes: true, subtree: true,
                                                 attributeFilter: ["data-ready"]});
})();
"""


# After a load is measured, the app goes on working in the background (the other labs set up,
# the service worker keeping a copy for offline use: seconds of CPU). The next page measured
# must not share the machine with that, so each load waits for its page to settle first.
SETTLED = """(() => {
  const el = document.documentElement;
  if (!document.querySelector("section.lab")) return true;  // the bare page does nothing after ready
  return el.dataset.labsReady === "true"
    && ["ready", "current", "offline", "unsupported", "failed", "update-ready"].includes(el.dataset.offline);
})()"""
SETTLE_TIMEOUT_MS = 90_000


class StartError(Exception):
    pass


READY = (
    "ready: <html data-ready=\"true\">, ms from navigation start; bare: after `import numpy`; "
    "app: after app.shell.main.start() set up and drew the lab in the link (its other labs and "
    "the offline copy come after)"
)
BARE = "bare.html"


def serve(root: Path, bare: Path | None = None):
    """``tools/serve.py`` on ``root`` in a thread; with ``bare``, that file is also served as
    /bare.html (one server for both pages: the floor then pays what the app pays)."""
    from serve import make_server

    server = make_server(root, 0, quiet=True)
    if bare is not None:
        server.served_files[BARE] = bare
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Probe:
    """One browser profile on one page, loaded and reloaded."""

    def __init__(self, pw, chromium: str, profile: Path, base: str, name: str):
        self.name, self.base = name, base  # the page's whole URL
        self.context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            args=BENCH_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        self.context.add_init_script(PROBE)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.finished = []
        self.errors = []
        self.page.on("requestfinished", lambda r: self.finished.append(r))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def load(self, kind: str) -> dict:
        self.finished.clear()
        if kind == "cold":
            self.page.goto(self.base)
        else:
            self.page.reload()
        try:
            self.page.wait_for_function("window.__readyAt !== undefined", timeout=READY_TIMEOUT_MS)
        except Exception as e:  # noqa: BLE001 - reported with the page's name
            raise StartError(
                f"{self.name} did not become ready ({kind}): {str(e).splitlines()[0]}; page errors: {self.errors[-3:]}"
            ) from None
        state = self.page.evaluate("window.__readyState")
        if state != "true":
            raise StartError(f"{self.name} failed to start ({kind}): data-ready={state!r}")
        self.page.wait_for_timeout(300)  # the last responses finish before they are counted
        seconds = self.page.evaluate("window.__readyAt") / 1000
        marks = self.page.evaluate(
            "window.__marks.concat(performance.getEntriesByType('mark')"
            ".map(m => [m.name, m.startTime])).sort((a, b) => a[1] - b[1])"
        )
        requests = self.request_times()
        result = {"seconds": seconds, "bytes": self.bytes(), "marks": marks, "requests": requests}
        result["before"] = sum(1 for q in requests if q[1] <= seconds * 1000)
        try:
            self.page.wait_for_function(SETTLED, timeout=SETTLE_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - a page that never settles is measured all the same
            print(f"  ({self.name} still busy {SETTLE_TIMEOUT_MS // 1000} s after ready)", flush=True)
        # What was fetched after ready, once settled: [name, start ms, bytes on the wire].
        at = seconds * 1000
        result["after"] = [[q[0], q[1], q[3]] for q in self.request_times() if q[1] > at]
        return result

    def bytes(self) -> int:
        total = 0
        for r in self.finished:
            try:
                total += max(int(r.sizes()["responseBodySize"]), 0)
            except Exception:  # noqa: BLE001 - a request the browser has forgotten
                pass
        return total

    def request_times(self) -> list:
        return self.page.evaluate(
            "performance.getEntriesByType('resource').map(e => [e.name.split('/').slice(3).join('/'),"
            " e.startTime, e.responseEnd, e.encodedBodySize])"
        )

    def close(self):
        self.context.close()


def rotated(names: tuple[str, ...], k: int) -> tuple[str, ...]:
    """Round k's order: each page goes first as often as the others (no page always
    follows the same one, whose leftovers could slow it)."""
    k %= len(names)
    return names[k:] + names[:k]


def run(repeats: int, compare: Path | None = None, lab: str = "") -> dict:
    from browser import HOW_TO_INSTALL, find_chromium
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise StartError(HOW_TO_INSTALL)
    names = ("bare", "before", "app") if compare else ("bare", "app")
    results = {(page, kind): [] for page in names for kind in ("cold", "warm")}
    with tempfile.TemporaryDirectory(prefix="nnfs-startup-") as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        (tmp / BARE).write_text(BARE_PAGE, encoding="utf-8")
        server = serve(ROOT, bare=tmp / BARE)
        link = f"#{lab}" if lab else ""
        urls = {"bare": server[1] + BARE, "app": server[1] + link}
        servers = [server]
        if compare:  # another checkout: its own root, so its own server (on the same terms)
            servers.append(serve(compare))
            urls["before"] = servers[-1][1] + link
        probes = {}
        try:
            for k in range(repeats):
                for name in rotated(names, k):
                    if name in probes:
                        probes[name].close()
                    probes[name] = Probe(pw, chromium, tmp / f"{name}-{k}", urls[name], name)
                    r = probes[name].load("cold")
                    results[(name, "cold")].append(r)
                    print(f"  cold {name}: {r['seconds']:.2f} s, {r['bytes'] / 1e6:.1f} MB", flush=True)
            for k in range(repeats):
                for name in rotated(names, k):
                    r = probes[name].load("warm")
                    results[(name, "warm")].append(r)
                    print(f"  warm {name}: {r['seconds']:.2f} s, {r['bytes'] / 1e6:.1f} MB", flush=True)
        finally:
            for p in probes.values():
                p.close()
            for httpd, _ in servers:
                httpd.shutdown()
                httpd.server_close()
    return results


def table(results: dict) -> list[str]:
    names = [n for n in ("bare", "before", "app") if results.get((n, "cold"))]
    titles = {"bare": "bare Pyodide+numpy", "before": "app before", "app": "app"}
    lines = [
        "Start-up: time to ready from navigation start (median; bytes transferred)",
        f"  {'':6} "
        + " ".join(f"{titles[n]:>22}" for n in names)
        + f" {'app / bare':>11}"
        + (f" {'app / before':>13}" if "before" in names else ""),
    ]
    for kind in ("cold", "warm"):
        seconds = {n: statistics.median(r["seconds"] for r in results[(n, kind)]) for n in names}
        megabytes = {n: statistics.median(r["bytes"] for r in results[(n, kind)]) / 1e6 for n in names}
        line = f"  {kind:6} " + " ".join(f"{seconds[n]:>8.2f} s ({megabytes[n]:5.1f} MB)" for n in names)
        line += f" {seconds['app'] / seconds['bare']:>10.2f}×"
        if "before" in names:
            line += f" {seconds['app'] / seconds['before']:>12.2f}×"
        lines.append(line)
    lines.append(
        f"  (n = {len(results[('app', 'cold')])} of each; ratios matter more than seconds on a shared machine)"
    )
    lines.append(f"  {READY}")
    for n in names:
        for kind in ("cold", "warm"):
            runs = sorted(results[(n, kind)], key=lambda r: r["seconds"])
            r = runs[len(runs) // 2]
            after = r.get("after", [])
            what = ", ".join(sorted({q[0].split("?")[0].rsplit("/", 1)[-1] or "/" for q in after})[:8])
            lines.append(
                f"  {titles[n]}, {kind}: {r.get('before', 0)} requests before ready; after it "
                f"{len(after)} ({sum(max(q[2], 0) for q in after) / 1e6:.1f} MB){': ' + what if what else ''}"
            )
    return lines


def profile(results: dict) -> list[str]:
    """Where the app's time goes: PyScript's phases and the requests, from the median cold run."""
    lines = []
    for kind in ("cold", "warm"):
        runs = sorted(results[("app", kind)], key=lambda r: r["seconds"])
        if not runs:
            continue
        r = runs[len(runs) // 2]
        lines.append(f"App, {kind} (the median run, {r['seconds']:.2f} s): PyScript's phases, ms from navigation")
        for what, at in r["marks"]:
            lines.append(f"  {at:8.0f}  {what}")
        lines.append(f"  {r['seconds'] * 1000:8.0f}  data-ready")
        reqs = r["requests"]
        py = [q for q in reqs if q[0].startswith("py/") or q[0].endswith(".toml")]
        if py:
            lines.append(
                f"  {len(py)} module/config requests from {min(q[1] for q in py):.0f} to {max(q[2] for q in py):.0f} ms"
            )
        big = sorted(reqs, key=lambda q: -q[3])[:6]
        for name, start, end, size in big:
            lines.append(f"  {start:8.0f} → {end:6.0f} ms  {size / 1e6:5.2f} MB  {name}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Start-up: bare Pyodide + numpy page vs the app.")
    parser.add_argument("--repeats", type=int, default=5, help="loads of each kind (default 5)")
    parser.add_argument("--profile", action="store_true", help="also print where the app's time goes")
    parser.add_argument("--compare", type=Path, help="another checkout of the app, measured alongside (before)")
    parser.add_argument("--lab", default="", help="open the app at #LAB (default: its Start page)")
    args = parser.parse_args(argv)
    try:
        results = run(max(1, args.repeats), args.compare, args.lab)
    except StartError as e:
        print(f"START-UP BENCH FAILED: {e}")
        return 1
    print("\n".join(table(results)))
    if args.profile:
        print("\n".join(profile(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
