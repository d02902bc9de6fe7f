"""Benchmark: how free the page's main thread stays while a lab trains.

    .venv/bin/python bench/responsiveness.py [--seconds 6] [--pace max] [--compare OLD_CHECKOUT --rounds 2]
    .venv/bin/python bench/responsiveness.py --digits [--images 50000] [--compare OTHER_TREE]
    .venv/bin/python bench/responsiveness.py --warmup [--rounds 3]

Opens the app in headless Chromium, starts the Playground on a [2, 8, 8, 2]
network with 1,000 points (the run the issue names) and, while it trains,
measures in the page:

* every main-thread task, from a probe that posts itself a message in a loop
  (MessageChannel): the gap between two probe messages is the time the thread
  spent on whatever ran in between; gaps of 2 ms or more are the tasks that did
  work, and their distribution (max, p95, median) is what a user's click meets;
* the browser's own long tasks (> 50 ms; PerformanceObserver 'longtask');
* pictures drawn per second (the lab's own figure), and Pause latency from the
  click's event time to the lab saying 'paused', five times.
The same probe runs for the same time with the lab idle, as the baseline.

``--digits``: the same probe from Train to the end of one Digits chapter-1 epoch
(the epoch's end is when the page redraws the most: the log row, the curves,
the pad, the confusion matrix, the gallery and the strips), twice: with the
Digits lab shown, and with the Playground shown and training meanwhile.
``--warmup``: the same probe on a fresh page opened at Chapter 3, from ready until the training
worker has been handed the MNIST sets and has warmed Chapter 3's run (app.runs.warm: the
training set fetched, checked and unpacked in the worker, two throwaway runs): what a learner
reading the lab meanwhile meets on the page's thread (issue 20 wants no task over 50 ms); then
3 s of the same page idle, as the baseline.
``--compare DIR`` measures another copy of the app (e.g. ``git archive`` of an
older commit, with its static/vendor and static/data linked) in the same run,
so that before and after meet the same machine load.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools")]

PROBE = """(seconds) => new Promise(resolve => {
  const gaps = [], longs = [];
  const obs = new PerformanceObserver(list => { for (const e of list.getEntries()) longs.push(e.duration); });
  obs.observe({type: 'longtask'});
  const ch = new MessageChannel();
  let last = performance.now(); const end = last + seconds * 1000;
  ch.port1.onmessage = () => {
    const now = performance.now(); gaps.push(now - last); last = now;
    if (now < end) ch.port2.postMessage(0); else { obs.disconnect(); resolve({gaps, longs}); }
  };
  ch.port2.postMessage(0);
})"""

# The probe above, until a condition holds (or ``seconds`` pass): started without waiting, read later.
PROBE_UNTIL = """([seconds, until]) => { window.__probe = new Promise(resolve => {
  const gaps = [], longs = [];
  const obs = new PerformanceObserver(list => { for (const e of list.getEntries()) longs.push(e.duration); });
  obs.observe({type: 'longtask'});
  const ch = new MessageChannel(); const done = new Function('return ' + until);
  let last = performance.now(); const end = last + seconds * 1000;
  ch.port1.onmessage = () => {
    const now = performance.now(); gaps.push(now - last); last = now;
    if (now < end && !done()) ch.port2.postMessage(0); else { obs.disconnect(); resolve({gaps, longs}); }
  };
  ch.port2.postMessage(0);
}); }"""
DIGITS_DONE = "['done', 'stopped'].includes(document.getElementById('dg-run').dataset.state)"
DIGITS_LOADED = """() => {
    const data = document.getElementById('dg-data').dataset.state;
    const results = document.getElementById('dg-results').dataset.state;
    return data === 'ready' && results === 'ready';
}"""
PLAYGROUND = "data=xor&n=1000&layers=8,8&act=tanh&eta=0.3&epochs=100000"

PAUSE = """() => new Promise(resolve => {
  const stats = document.getElementById('pg-stats');
  let t0 = null;
  document.addEventListener('click', e => { if (e.target.id === 'pg-pause') t0 = e.timeStamp; },
                            {capture: true, once: true});
  const mo = new MutationObserver(() => {
    if (stats.dataset.state === 'paused' && t0 !== null) { mo.disconnect(); resolve(performance.now() - t0); }
  });
  mo.observe(stats, {attributes: true});
  document.getElementById('pg-pause').click();
})"""


WORK_MS = 2.0  # probe gaps shorter than this are the probe's own turns, not work


def summary(values):
    """Max, p95 and median of the tasks that did some work (gaps >= 2 ms)."""
    v = sorted(x for x in values if x >= WORK_MS)
    if not v:
        return "no task of 2 ms or more"
    p95 = v[min(len(v) - 1, int(0.95 * len(v)))]
    return f"max {v[-1]:.0f} ms, p95 {p95:.1f} ms, median {statistics.median(v):.1f} ms ({len(v)} tasks)"


def measure(browser, base: str, args) -> dict:
    """The probe idle and while training, pictures per second and five Pause latencies, on one page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "#playground/data=xor&n=1000&layers=8,8&act=tanh&eta=0.3&epochs=100000")
    page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=120_000)
    page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=120_000)
    page.select_option("#pg-pace", args.pace)
    idle = page.evaluate(PROBE, args.seconds)
    page.click("#pg-train")
    page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'running'")
    time.sleep(1.0)
    busy = page.evaluate(PROBE, args.seconds)
    fps = page.get_attribute("#pg-speed", "data-fps")
    speed = page.inner_text("#pg-speed")
    pauses = []
    for _ in range(5):
        pauses.append(page.evaluate(PAUSE))
        page.click("#pg-train")
        page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'running'")
        time.sleep(0.7)
    page.close()
    return {"idle": idle, "busy": busy, "fps": fps, "speed": speed, "pauses": pauses}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--pace", default="max", help="the speed control's value (max: as fast as it goes)")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also measure the app in DIR (e.g. an older checkout, with static/vendor), "
        "alternating with this one, to compare them under the same load",
    )
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each app (alternating)")
    parser.add_argument("--digits", action="store_true", help="measure a Digits ch1 epoch (see above)")
    parser.add_argument("--images", type=int, default=50_000, help="--digits: training images in the epoch")
    parser.add_argument("--root", type=Path, default=ROOT, help="--digits: the copy of the app to measure")
    parser.add_argument("--warmup", action="store_true", help="the page's thread while the worker warms up")
    args = parser.parse_args(argv)
    if args.warmup:
        print("Main thread of a fresh page at Chapter 3: from ready until the other labs are set up (the app's")
        print("own work), then until the worker is warmed (the warm-up), then 3 s idle (the baseline):\n")
        print("| round | stage | seconds | main-thread tasks of 2 ms or more (probe gaps) | long tasks > 50 ms |")
        print("|---|---|---|---|---|")
        for k, (t_setup, setup, t_warm, busy, idle) in enumerate(warmup_runs(args.root, args.rounds), 1):
            for stage, seconds, r in (("labs set up", t_setup, setup), ("warm-up", t_warm, busy), ("idle", 3.0, idle)):
                longs = f"{len(r['longs'])}" + (f", longest {max(r['longs']):.0f} ms" if r["longs"] else "")
                print(f"| {k} | {stage} | {seconds:.1f} | {summary(r['gaps'])} | {longs} |")
        return 0
    if args.digits:
        rows = []
        trees = [("this tree" if args.root == ROOT else str(args.root), args.root)]
        if args.compare:
            trees.append((str(args.compare), args.compare))
        for label, root in trees:
            rows += [(label, *r) for r in digits_runs(root, args.images)]
        print(f"Main thread during one Digits ch1 epoch on {args.images:,} images, Train to the epoch's row:\n")
        print("| app | shown | main-thread tasks of 2 ms or more (probe gaps) | long tasks > 50 ms |")
        print("|---|---|---|---|")
        for label, shown, r in rows:
            longs = f"{len(r['longs'])}" + (f", longest {max(r['longs']):.0f} ms" if r["longs"] else "")
            print(f"| {label} | {shown} | {summary(r['gaps'])} | {longs} |")
        return 0
    from browser import find_chromium
    from playwright.sync_api import sync_playwright
    from serve import make_server

    roots = ([("compared", Path(args.compare).resolve())] if args.compare else []) + [("this tree", ROOT)]
    servers = {}
    for name, root in roots:
        servers[name] = make_server(root, 0, quiet=True)
        threading.Thread(target=servers[name].serve_forever, daemon=True).start()
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            for _ in range(args.rounds):
                for name, _root in roots:
                    base = f"http://127.0.0.1:{servers[name].server_address[1]}/"
                    results.append((name, measure(browser, base, args)))
            browser.close()
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
    print(f"Main thread, Playground [2, 8, 8, 2] on 1,000 points, speed {args.pace}, {args.seconds:.0f} s each:\n")
    print(
        "| app | | main-thread tasks of 2 ms or more (probe gaps) | long tasks > 50 ms | pictures/s "
        "| Pause latency (ms) |"
    )
    print("|---|---|---|---|---|---|")
    for name, r in results:
        idle, busy = r["idle"], r["busy"]
        print(f"| {name} | idle | {summary(idle['gaps'])} | {len(idle['longs'])} | | |")
        print(
            f"| {name} | training in the worker | {summary(busy['gaps'])} | {len(busy['longs'])}"
            f"{', longest %.0f ms' % max(busy['longs']) if busy['longs'] else ''} | {r['fps']} | "
            f"{', '.join(f'{p:.0f}' for p in r['pauses'])} |"
        )
    for name, r in results:
        print(f"\n{name}: {r['speed']}")
    return 0


@contextlib.contextmanager
def served_browser(root: Path, args: list[str]):
    """The app in ``root`` served by tools/serve.py, and a headless Chromium: (browser, base URL)."""
    from browser import find_chromium
    from playwright.sync_api import sync_playwright
    from serve import make_server

    server = make_server(root, 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=args, headless=True)
            yield browser, f"http://127.0.0.1:{server.server_address[1]}/"
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


WARMED = "['done', 'failed'].includes(document.documentElement.dataset.workerWarmChapter3 || '')"


def warmup_runs(root: Path, rounds: int) -> list:
    """[(seconds from ready to the labs set up, probe meanwhile, seconds from then to warmed, probe
    meanwhile, probe idle after)], a fresh page each round."""
    from browser import BENCH_ARGS

    out = []
    with served_browser(root, BENCH_ARGS) as (browser, base):
        for _ in range(rounds):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            page = context.new_page()
            page.goto(base + "#chapter3")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=120_000)
            t0 = time.perf_counter()
            # ready -> the other labs set up (the app's own work after ready), then -> warmed.
            page.evaluate(PROBE_UNTIL, [180, "document.documentElement.dataset.labsReady === 'true'"])
            setup = page.evaluate("window.__probe")
            t1 = time.perf_counter()
            page.evaluate(PROBE_UNTIL, [180, WARMED])
            busy = page.evaluate("window.__probe")
            t2 = time.perf_counter()
            if page.evaluate(WARMED) is not True:
                raise SystemExit("the worker did not warm Chapter 3 in 180 s")
            out.append((t1 - t0, setup, t2 - t1, busy, page.evaluate(PROBE, 3)))
            context.close()
    return out


def set_field(page, selector: str, value: str) -> None:
    page.fill(selector, value)
    page.dispatch_event(selector, "change")


def digits_runs(root: Path, images: int) -> list:
    """[(what is shown, probe result)] for one ch1 epoch with the Digits lab shown, then with the
    Playground shown and training (probed from the moment both train to the epoch's end)."""
    out = []
    with served_browser(root, ["--no-sandbox"]) as (browser, base):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + f"#playground/{PLAYGROUND}")  # the Playground starts the training worker
        page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=120_000)
        page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=120_000)
        page.evaluate("location.hash = '#digits'")
        page.wait_for_function(DIGITS_LOADED, timeout=120_000)
        for shown in ("Digits", "Playground, training"):
            page.evaluate("location.hash = '#digits'")
            page.wait_for_function("!document.getElementById('lab-digits').hidden")
            page.select_option("#dg-preset", "ch1")
            set_field(page, "#dg-epochs", "1")
            set_field(page, "#dg-subset", str(images))
            page.click("#dg-train")
            page.wait_for_function(f"!({DIGITS_DONE})")
            if shown != "Digits":
                # Probed from once both train: the switch of lab and the Train click are
                # the learner's actions (a one-off 50-80 ms task), not training's cost.
                page.evaluate(f"location.hash = '#playground/{PLAYGROUND}'")
                page.wait_for_function("!document.getElementById('lab-playground').hidden")
                page.click("#pg-train")
                page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'running'")
                page.wait_for_timeout(500)
            page.evaluate(PROBE_UNTIL, [600, DIGITS_DONE])
            out.append((shown, page.evaluate("window.__probe")))
            if shown != "Digits" and page.get_attribute("#pg-stats", "data-state") == "running":
                page.click("#pg-pause")
    return out


if __name__ == "__main__":
    sys.exit(main())
