"""Benchmark: the first click vs the same click warm, for every training lab; and the memory peak.

    .venv/bin/python bench/first_click.py [--repeats 3] [--labs digits,playground,...] [--idle 6]
                                          [--compare OTHER_COPY] [--no-memory]
    ./run bench-first-click

What a new learner feels is the wait from a click to the first answer. For each lab
below, in headless Chromium:

* **first**: a new browser context (empty caches and storage) opens the app on the
  lab; once ``<html data-ready>`` and the training worker are up, the learner reads
  for ``--idle`` seconds (and, if the page says it has warmed the worker for the lab,
  ``data-worker-warm="done"``, until then, at most 60 s); then the click;
* **warm**: the same click again on the same page once the first action has ended.

Time is from the click (a capture listener's ``performance.now()``) to the first result
appearing (a MutationObserver on the page):

=============  =================================================  ===========================
lab            action                                             first result
=============  =================================================  ===========================
digits         chapter 1 preset, 1 epoch of 50,000, Train          the epoch's row in the log
playground     Reset, then Train (XOR preset, [2, 8, 8, 2])        the epoch counter moves
chapter3       "Overfitting" Run, 1 epoch of 1,000 images          its first point is drawn
universality   "Fit with gradient descent" (n = 5, 40 epochs)      the first fit epoch
chapter6       Train, 1 epoch of 300 images, 300 scored            the epoch's row in the log
exercises      Check (the sigmoid exercise's starting code)       the verdict
=============  =================================================  ===========================

Repeats alternate first and warm (first 1, warm 1, first 2, warm 2 …) so that both meet
the same machine load; the table gives medians and the ratio first / warm.

**Memory** (``--memory``): one fresh page opens every lab, trains Digits (chapter 1, 1
epoch of 10,000) and Chapter 3 (the overfitting run), and checks an exercise, while the
memory of Chromium's renderer processes is sampled every 0.2 s from /proc/PID/smaps_rollup.
Dedicated workers run inside their page's renderer process, so the app's renderer (the
largest) holds the page, the training worker and the checker worker together (their
Pyodide heaps, numpy, the JS heaps, the canvases) plus the renderer's own code; the
browser and GPU processes, which any page has, are left out. PSS shares the pages of
libraries that several processes map among them (the honest share of this tab); RSS
counts them in full (an upper bound). Peaks are of each figure separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools")]

READY_MS = 120_000
# Note the click's time (capture phase: before the lab's own handler runs).
ARM = """([button, first]) => {
  window.__fcClick = null; window.__fcFirst = null;
  const baseline = new Function('return ' + first);
  const done = baseline();  // the condition's state before the click, re-armed below
  document.querySelector(button).addEventListener('click', () => {
    if (window.__fcClick === null) window.__fcClick = performance.now(); }, {capture: true, once: true});
  const test = () => { if (window.__fcClick !== null && window.__fcFirst === null && baseline())
      window.__fcFirst = performance.now(); };
  new MutationObserver(test).observe(document.documentElement,
      {attributes: true, childList: true, subtree: true, characterData: true});
  return done;
}"""
# A new row of a table (rows present at the click are marked as old).
NEW_ROW = """(() => { const rows = document.querySelectorAll('{sel} tr[data-epoch]');
  if (!window.__fcRowsMarked) { rows.forEach(r => r.__fcOld = true); window.__fcRowsMarked = true; return false; }
  return [...rows].some(r => !r.__fcOld); })()"""


def new_row(selector: str) -> str:
    return NEW_ROW.replace("{sel}", selector)


def fill(page, selector: str, value) -> None:
    page.fill(selector, str(value))
    page.dispatch_event(selector, "change")


class Lab:
    """One lab's action: set up (once per page), before each click, the click, the first result, the end."""

    name = ""
    link = ""
    button = ""

    def prepare(self, page) -> None:
        """Once, on the first page of a trial, before the idle wait."""

    def before(self, page) -> None:
        """Before every click."""

    def first(self) -> str:
        raise NotImplementedError

    def finish(self, page) -> None:
        """Wait until the action has ended (the next click can be the same action)."""


class Digits(Lab):
    name, link, button = "digits", "#digits", "#dg-train"

    def prepare(self, page):
        page.wait_for_function("document.getElementById('dg-data').dataset.state === 'ready'", timeout=READY_MS)
        page.select_option("#dg-preset", "ch1")
        fill(page, "#dg-epochs", 1)
        fill(page, "#dg-subset", 50_000)

    def before(self, page):
        page.evaluate("window.__fcRowsMarked = false")

    def first(self):
        return new_row("#dg-epoch-log")

    def finish(self, page):
        page.wait_for_function(
            "['done', 'stopped'].includes(document.getElementById('dg-run').dataset.state)", timeout=600_000
        )


class Playground(Lab):
    name, link, button = "playground", "#playground", "#pg-train"

    def before(self, page):
        page.click("#pg-reset")
        page.wait_for_function("document.getElementById('pg-epoch').textContent.trim() === '0'")

    def first(self):
        return "Number(document.getElementById('pg-epoch').textContent) > 0"

    def finish(self, page):
        page.wait_for_timeout(300)
        page.click("#pg-pause")
        page.wait_for_function("document.getElementById('pg-stats').dataset.state !== 'running'")


class Chapter3(Lab):
    name, link, button = "chapter3", "#chapter3/of_epochs=1&of_subset=1000&of_test=1000", "#c3-of-run"

    def before(self, page):
        # A rerun from the same seed draws the same curves: count the chart's writes, not its changes.
        page.evaluate("""() => { window.__fcDrawn = false; const c = document.getElementById('c3-of-acc');
          new MutationObserver(() => { if (window.__fcClick === null || window.__fcClick === undefined) return;
            try { if (JSON.parse(c.dataset.series).series.some(x => x.points >= 1)) window.__fcDrawn = true; }
            catch (e) {} }).observe(c, {attributes: true, attributeFilter: ['data-series']}); }""")

    def first(self):
        return "window.__fcDrawn === true"

    def finish(self, page):
        page.wait_for_function(
            "['done', 'failed', 'stopped'].includes(document.getElementById('c3-of-panel').dataset.state)",
            timeout=600_000,
        )


class Universality(Lab):
    name, link, button = "universality", "#universality/n=5&epochs=40", "#un-fit"

    def before(self, page):
        # The same fit again can report its epochs with the same values: count the writes.
        page.evaluate("""() => { window.__fcFit = false; const el = document.getElementById('lab-universality');
          new MutationObserver(() => { if (window.__fcClick === null || window.__fcClick === undefined) return;
            if (Number(el.dataset.fitEpoch) >= 1) window.__fcFit = true; })
            .observe(el, {attributes: true, attributeFilter: ['data-fit-epoch']}); }""")

    def first(self):
        return "window.__fcFit === true"

    def finish(self, page):
        page.wait_for_function("document.getElementById('lab-universality').dataset.fit === 'idle'", timeout=600_000)


class Chapter6(Lab):
    name, link, button = "chapter6", "#chapter6", "#c6-train"

    def prepare(self, page):
        page.select_option("#c6-rung", "relu")
        for field, value in (("images", 300), ("epochs", 1), ("scored", 300)):
            page.fill(f"#c6-{field}", str(value))
            page.press(f"#c6-{field}", "Enter")

    def before(self, page):
        page.evaluate("window.__fcRowsMarked = false")

    def first(self):
        return new_row("#c6-epoch-log")

    def finish(self, page):
        page.wait_for_function(
            "['done', 'stopped', 'failed'].includes(document.getElementById('c6-run').dataset.state)", timeout=600_000
        )


class Exercises(Lab):
    name, link, button = "exercises", "#exercises", "#ex-check"

    def prepare(self, page):
        page.click("#ex-list a[data-exercise='sigmoid']")  # Check of its starting code: "Not yet", timed all the same

    def before(self, page):
        page.evaluate("window.__fcAnswers = +(document.getElementById('ex-verdict').dataset.answers || 0)")

    def first(self):
        return "+(document.getElementById('ex-verdict').dataset.answers || 0) > window.__fcAnswers"


LABS = {lab.name: lab for lab in (Digits(), Playground(), Chapter3(), Universality(), Chapter6(), Exercises())}


def click_to_first(page, lab: Lab) -> float:
    """Milliseconds from the click to the first result, then wait for the action's end."""
    lab.before(page)
    page.evaluate(ARM, [lab.button, lab.first()])
    page.click(lab.button)
    page.wait_for_function("window.__fcFirst !== null", timeout=600_000, polling=20)
    ms = page.evaluate("window.__fcFirst - window.__fcClick")
    lab.finish(page)
    return ms


def open_fresh(browser, base: str, lab: Lab, idle: float):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.goto(base + lab.link)
    page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=READY_MS)
    page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=READY_MS)
    lab.prepare(page)
    t0 = time.perf_counter()
    page.wait_for_timeout(idle * 1000)
    # The page may say it has warmed what this lab needs (app.runs.warm): wait for that too.
    page.wait_for_function(
        "() => !document.documentElement.dataset.workerWarm || "
        "['done', 'failed'].includes(document.documentElement.dataset.workerWarm)",
        timeout=60_000,
    )
    if lab.name == "exercises":
        page.wait_for_function("document.documentElement.dataset.checker === 'ready'", timeout=READY_MS)
    return context, page, time.perf_counter() - t0


def first_vs_warm(browser, bases: dict, names, repeats: int, idle: float) -> list[tuple]:
    """Per lab and copy of the app (``bases``: label -> URL), medians of first and warm; the
    copies take turns trial by trial, so that all of them meet the same machine load."""
    rows = []
    for name in names:
        lab = LABS[name]
        got = {label: ([], [], []) for label in bases}
        for _ in range(repeats):
            for label, base in bases.items():
                firsts, warms, waits = got[label]
                context, page, waited = open_fresh(browser, base, lab, idle)
                try:
                    firsts.append(click_to_first(page, lab))
                    warms.append(click_to_first(page, lab))
                    waits.append(waited)
                finally:
                    context.close()
                print(f"  {name} ({label}): first {firsts[-1]:.0f} ms, warm {warms[-1]:.0f} ms", flush=True)
        for label, (firsts, warms, waits) in got.items():
            med = statistics.median
            rows.append((name, label, med(firsts), med(warms), med(waits)))
    return rows


# ------------------------------------------------------------------ memory


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _renderers(root_pid: int) -> list[int]:
    """Chromium's renderer processes under the browser process ``root_pid``."""
    todo, found = [root_pid], []
    while todo:
        pid = todo.pop()
        for child in _children(pid):
            todo.append(child)
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"--type=renderer" in cmd:
                found.append(child)
    return found


def _rss_pss(pid: int) -> tuple[int, int]:
    """Resident and proportional set sizes of a process, bytes (0 once it has gone)."""
    sizes = {"Rss:": 0, "Pss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key = line.split(maxsplit=1)[0] if line.strip() else ""
            if key in sizes:
                sizes[key] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return sizes["Rss:"], sizes["Pss:"]


def _browser_pid(profile: str) -> int | None:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if profile.encode() in cmd and b"--type=" not in cmd:
                return int(entry)
    return None


def memory_peak(pw, chromium: str, args, base: str) -> dict:
    """Peak RSS of the renderer(s) while every lab opens and Digits, Chapter 3 and a Check run."""
    with tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            args=args,
            headless=True,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        root = _browser_pid(profile)
        peak = {"rss": 0, "pss": 0, "page_rss": 0, "page_pss": 0, "processes": 0}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                sizes = [_rss_pss(pid) for pid in _renderers(root)] if root else []
                if sizes:
                    page_rss, page_pss = max(sizes)  # the renderer of the app's page: by far the largest
                    for key, value in (
                        ("rss", sum(r for r, _ in sizes)),
                        ("pss", sum(p for _, p in sizes)),
                        ("page_rss", page_rss),
                        ("page_pss", page_pss),
                        ("processes", len(sizes)),
                    ):
                        peak[key] = max(peak[key], value)
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(base)
            page.wait_for_function("document.documentElement.dataset.labsReady === 'true'", timeout=READY_MS)
            for name in page.evaluate("[...document.querySelectorAll('#nav a[data-lab]')].map(a => a.dataset.lab)"):
                page.click(f"#nav a[data-lab='{name}']")
                page.wait_for_function(f"document.documentElement.dataset.lab === '{name}'")
                page.wait_for_timeout(1500)
            page.wait_for_function("document.documentElement.dataset.checker === 'ready'", timeout=READY_MS)
            check = LABS["exercises"]
            page.goto(base + check.link)
            page.wait_for_timeout(500)
            check.prepare(page)
            click_to_first(page, check)
            digits = LABS["digits"]
            page.goto(base + digits.link)
            digits.prepare(page)
            fill(page, "#dg-subset", 10_000)
            click_to_first(page, digits)
            c3 = LABS["chapter3"]
            page.goto(base + c3.link)
            page.wait_for_timeout(500)
            click_to_first(page, c3)
            page.wait_for_timeout(1000)
        finally:
            stop.set()
            sampler.join()
            context.close()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--labs", default=",".join(LABS))
    parser.add_argument("--idle", type=float, default=6.0, help="seconds the learner reads before the first click")
    parser.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--compare", help="another copy of the app (e.g. an older commit), measured in turns")
    ns = parser.parse_args()
    from browser import BENCH_ARGS, find_chromium
    from playwright.sync_api import sync_playwright
    from serve import make_server

    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found (tools/browser.py)")
        return 1
    roots = {"this": ROOT, **({"compare": Path(ns.compare)} if ns.compare else {})}
    servers = {label: make_server(root, 0, quiet=True) for label, root in roots.items()}
    bases = {label: f"http://127.0.0.1:{srv.server_address[1]}/" for label, srv in servers.items()}
    for srv in servers.values():
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    names = [n for n in ns.labs.split(",") if n]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=BENCH_ARGS, headless=True)
            rows = first_vs_warm(browser, bases, names, ns.repeats, ns.idle)
            browser.close()
            memory = memory_peak(pw, chromium, BENCH_ARGS, bases["this"]) if ns.memory else None
    finally:
        for srv in servers.values():
            srv.shutdown()
            srv.server_close()
    print(f"\nClick to first result, median of {ns.repeats} (first: a fresh page after {ns.idle:g} s idle)")
    print(f"{'lab':<14}{'app':<9}{'first ms':>10}{'warm ms':>10}{'first/warm':>12}{'idle s':>8}")
    for name, label, first, warm, waited in rows:
        print(f"{name:<14}{label:<9}{first:>10.0f}{warm:>10.0f}{first / warm:>11.2f}×{waited:>8.1f}")
    if memory is not None:
        mb = {k: v / 1e6 for k, v in memory.items() if k != "processes"}
        print(
            "\nPeak memory, every lab opened, Digits (1 epoch of 10,000) and Chapter 3 trained, one Check:\n"
            f"  the app's renderer process (page + training worker + checker worker): "
            f"{mb['page_pss']:.0f} MB PSS, {mb['page_rss']:.0f} MB RSS\n"
            f"  all {memory['processes']} renderer processes: {mb['pss']:.0f} MB PSS, {mb['rss']:.0f} MB RSS"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
