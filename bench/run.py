"""Benchmarks: how fast the app trains, and how fast it starts. Prints tables.

    ./run bench                  # set up what is missing, then: .venv/bin/python bench/run.py
    python bench/run.py --quick  # fewer repeats (a smoke run, ~1 minute)
    python bench/run.py --skip-page   # CPython parts only (no browser)

What it measures, side by side in one go on this machine (the machine may be
shared and noisy, so the ratios, measured minutes apart, mean more than the
seconds):

1. One training epoch of the book's chapter 1 preset: sizes [784, 30, 10],
   sigmoid neurons, quadratic cost, N(0, 1) initial weights, mini-batches of
   10, eta = 3.0, on the 50,000 training images (static/data/mnist-train.npz),
   done three ways:
     * **reference**: the book's own approach (``bench/book_network.py``:
       column vectors, one ``backprop(x, y)`` per example, nablas summed) in
       CPython. Its data is laid out as the book does (a list of (784, 1)
       float64 columns), prepared before the clock starts;
     * **core**: our ``nnfs.maths.sgd.Trainer`` in CPython, vectorised over each
       mini-batch (uint8 images scaled per mini-batch, inside the clock);
     * **page**: the same core in Pyodide, in headless Chromium, driven through
       the Digits lab exactly as a person would (preset ``ch1``, 3 epochs, all
       50,000 images, "Train"); per-epoch seconds are the lab's own figures
       (``data-seconds`` in ``#dg-epoch-log``), and the wall time between
       rows is shown too.
   ``tests/unit/bench/test_book_network.py`` checks that reference and core take
   the same SGD step from the same weights, so they do equal work.
2. Test accuracy after each of the first 3 epochs (core, page; the reference
   after its timed epochs). Without ``--quick`` the core goes on to 30 epochs
   and reports when it first reaches 95 % (the book reports 95.42 %).
3. While the Digits lab trains (in the training worker): the page's long tasks
   (PerformanceObserver 'longtask', >= 50 ms) during a ch1 epoch, longest and
   p95; the delay of the pad's pointer events during a stroke while training and
   while idle; Pause and Stop latency (from the click's timestamp to the run
   state changing on the page); and the peak WebAssembly memory of the page and
   the worker while training ch3 [784, 100, 10] (the lab's own figures), with
   ``performance.memory`` (JS heap) beside it.
4. Page load to ready (``<html data-ready="true">``, timed in the page from
   navigation start): cold (a new browser context with a fresh profile
   directory: empty HTTP, code and storage caches) and warm (the same context
   reloaded), median of 5 each (1 with ``--quick``), with the
   bytes transferred (response body sizes as the browser counted them; a 304
   revalidation or a cache hit counts 0). And the bytes the Digits lab fetched
   for its data. The contexts are persistent (``launch_persistent_context``
   on a temporary directory), so the HTTP cache is on disk as in a person's
   browser: Playwright's default in-memory (incognito) contexts do not cache
   files as large as ``pyodide.asm.wasm`` (8.6 MB), which made every "warm"
   load fetch it again.

Order: reference epoch, core epochs, reference epoch, page, reference epoch,
so the reference brackets the others in time. The browser is Chromium found
by ``tools/browser.py`` (``CHROMIUM_PATH`` first), driven by Playwright; the
repository is served by ``tools/serve.py`` on a free port in a thread.

Exit status: 0 when everything asked for ran; 1 when the page part failed (the
CPython tables are still printed, with the reason: e.g. "Digits lab not found").
"""

from __future__ import annotations

import os

# One BLAS thread for the CPython rows, set before numpy loads (a value the caller set is kept):
# the page's numpy has one, and on this shared 2-core machine OpenBLAS's default of one thread
# per core made the CPython figures swing whenever another process held a core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT / "py", ROOT / "tools", ROOT / "bench"):
    sys.path.insert(0, str(p))

from book_network import BookNetwork, column_data  # noqa: E402

from nnfs.data.mnist import SCALE, SPLIT_FILES, load_npz  # noqa: E402
from nnfs.maths.network import Network  # noqa: E402
from nnfs.maths.sgd import Trainer  # noqa: E402

DATA = ROOT / "static" / "data"
SIZES = [784, 30, 10]
ETA = 3.0
MINI_BATCH = 10
SEED = 0
PAGE_EPOCHS = 3
READY_TIMEOUT_MS = 120_000
TRAIN_TIMEOUT_MS = 20 * 60_000

# Installed in every page before its own scripts: note performance.now() (ms since
# navigation start) the moment <html data-ready="true"> appears.
READY_PROBE = """
(() => {
  const mark = () => {
    const el = document.documentElement;
    if (el && el.dataset.ready && window.__benchReadyAt === undefined) {
      window.__benchReadyAt = performance.now();
      window.__benchReadyState = el.dataset.ready;
    }
  };
  new MutationObserver(mark).observe(document, {attributes: true, subtree: true,
                                                 attributeFilter: ["data-ready"]});
})();
"""

# Record when each epoch row appears in the Digits lab's log, and when Train is clicked.
EPOCH_PROBE = """
() => {
  window.__benchRows = [];
  window.__benchClick = null;
  document.querySelector('#dg-train').addEventListener('click',
      () => { if (window.__benchClick === null) window.__benchClick = performance.now(); }, true);
  const log = document.querySelector('#dg-epoch-log');
  new MutationObserver(() => {
    for (const tr of log.querySelectorAll('tr[data-epoch]')) {
      if (!tr.__benchSeen) { tr.__benchSeen = true;
        window.__benchRows.push([Number(tr.dataset.epoch), performance.now()]); }
    }
  }).observe(log, {childList: true, subtree: true});
}
"""


class PageError(RuntimeError):
    """The page part could not run; the message says why."""


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs, unit="s", fmt="{:.2f}"):
    if not xs:
        return "-"
    if len(xs) == 1:
        return fmt.format(xs[0]) + f" {unit}"
    return f"{fmt.format(median(xs))} {unit} (min {fmt.format(min(xs))}, max {fmt.format(max(xs))}, n={len(xs)})"


def megabytes(n):
    return f"{n / 1e6:.2f} MB"


# ------------------------------------------------------------------ CPython


class BookRun:
    """The reference: the book's per-example network, one epoch per call."""

    def __init__(self, train, test):
        t0 = time.perf_counter()
        self.data = column_data(*train, scale=SCALE, one_hot=True)
        self.prep_seconds = time.perf_counter() - t0
        self.test_X = (test[0] * SCALE).T  # (784, 10000) columns, for a quick evaluation
        self.test_y = test[1]
        # The same initial weights as core_run's network (the shuffles differ: the book's way).
        start = Network(SIZES, activation="sigmoid", cost="quadratic", init="normal", seed=SEED)
        self.net = BookNetwork.from_arrays(start.weights, start.biases, seed=SEED)
        self.seconds, self.accuracy = [], []

    def epoch(self):
        t0 = time.perf_counter()
        self.net.SGD(self.data, 1, MINI_BATCH, ETA)
        self.seconds.append(time.perf_counter() - t0)
        out = self.net.feedforward(self.test_X)  # (10, N): outside the clock
        self.accuracy.append(float(np.mean(np.argmax(out, axis=0) == self.test_y)))
        print(
            f"  reference epoch {len(self.seconds)}: {self.seconds[-1]:.2f} s, test accuracy {self.accuracy[-1]:.4f}",
            flush=True,
        )


def core_run(train, test, epochs):
    """The chapter 1 preset with our core, seeded as the Digits lab seeds it."""
    net = Network(SIZES, activation="sigmoid", cost="quadratic", init="normal", seed=SEED)
    trainer = Trainer(net, *train, mini_batch_size=MINI_BATCH, eta=ETA, scale=SCALE, seed=SEED)
    seconds, accuracy = [], []
    for e in range(epochs):
        t0 = time.perf_counter()
        trainer.train_epoch()
        seconds.append(time.perf_counter() - t0)
        accuracy.append(net.accuracy(*test, scale=SCALE))
        if e < 3 or (e + 1) % 5 == 0:
            print(f"  core epoch {e + 1}: {seconds[-1]:.2f} s, test accuracy {accuracy[-1]:.4f}", flush=True)
    return seconds, accuracy


# --------------------------------------------------------------------- page


def page_run(repeats):
    """Cold/warm loads and the Digits lab's epochs. Returns a dict; the lab part may
    hold an 'error' (PageError) while the load figures are still there."""
    from browser import BENCH_ARGS, HOW_TO_INSTALL, find_chromium
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    from serve import make_server

    chromium = find_chromium()
    if chromium is None:
        raise PageError(HOW_TO_INSTALL)
    server = make_server(ROOT, 0, quiet=True)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    result = {"cold": [], "warm": [], "errors": []}
    launch = dict(executable_path=chromium, args=BENCH_ARGS, headless=True, viewport={"width": 1280, "height": 900})
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="nnfs-bench-") as tmp:
            context = None
            try:
                for k in range(repeats):
                    if context is not None:
                        context.close()
                    # A fresh profile each time: empty HTTP cache, storage and code cache.
                    context = pw.chromium.launch_persistent_context(str(Path(tmp) / f"profile{k}"), **launch)
                    context.add_init_script(READY_PROBE)
                    page = context.pages[0] if context.pages else context.new_page()
                    watch_page(page, base, result["errors"])
                    result["cold"].append(load(page, lambda p=page: p.goto(base), "cold"))
                for _ in range(repeats):
                    result["warm"].append(load(page, page.reload, "warm"))
                try:
                    result["lab"] = digits_epochs(page, base)
                    result["responsive"] = responsiveness(page)
                except PageError as e:
                    result["lab_error"] = str(e)
                except PlaywrightError as e:
                    result["lab_error"] = f"Digits lab run failed: {e.message.splitlines()[0]}"
            finally:
                if context is not None:
                    context.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


def watch_page(page, base, errors):
    page._bench_requests = []
    page.on("requestfinished", lambda r: page._bench_requests.append(r))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))


def transferred(requests):
    """(total bytes, {path: bytes}) of the response bodies of finished requests."""
    per_file, total = {}, 0
    for r in requests:
        try:
            n = r.sizes()["responseBodySize"]
        except Exception:  # a request the browser no longer knows about
            n = 0
        n = max(int(n), 0)
        total += n
        path = r.url.split("?")[0].split("/", 3)[-1]
        per_file[path] = per_file.get(path, 0) + n
    return total, per_file


def load(page, navigate, kind):
    page._bench_requests.clear()
    t0 = time.perf_counter()
    navigate()
    try:
        page.wait_for_function("window.__benchReadyAt !== undefined", timeout=READY_TIMEOUT_MS)
    except Exception as e:
        raise PageError(
            f"the app did not become ready within {READY_TIMEOUT_MS // 1000} s ({kind} load): {str(e).splitlines()[0]}"
        ) from None
    wall = time.perf_counter() - t0
    state = page.evaluate("window.__benchReadyState")
    if state != "true":
        raise PageError(f"the app failed to start ({kind} load): data-ready={state!r}")
    page.wait_for_timeout(200)  # let the last responses finish before counting them
    seconds = page.evaluate("window.__benchReadyAt") / 1000
    total, _ = transferred(page._bench_requests)
    print(f"  {kind} load: ready after {seconds:.2f} s ({wall:.2f} s wall), {megabytes(total)}", flush=True)
    return {"seconds": seconds, "wall": wall, "bytes": total}


def digits_epochs(page, base):
    if page.query_selector("#nav a[data-lab=digits]") is None or page.query_selector("#dg-train") is None:
        raise PageError(
            "Digits lab not found: index.html has no #nav a[data-lab=digits] / #dg-train "
            "(build the lab, then run `./run bench` again)"
        )
    page._bench_requests.clear()
    page.click("#nav a[data-lab=digits]")
    page.wait_for_function("document.documentElement.dataset.lab === 'digits'", timeout=30_000)
    page.select_option("#dg-preset", "ch1")
    set_field(page, "#dg-epochs", str(PAGE_EPOCHS))
    set_field(page, "#dg-subset", "50000")
    if page.query_selector("#dg-seed") is not None:
        set_field(page, "#dg-seed", str(SEED))  # the lab seeds Network and Trainer as core_run does
    page.evaluate(EPOCH_PROBE)
    print(f"  page: training {PAGE_EPOCHS} epochs in the Digits lab...", flush=True)
    page.click("#dg-train", timeout=120_000)
    last = f"#dg-epoch-log tr[data-epoch='{PAGE_EPOCHS}']"
    page.wait_for_selector(last, state="attached", timeout=TRAIN_TIMEOUT_MS)
    rows = page.eval_on_selector_all(
        "#dg-epoch-log tr[data-epoch]",
        "els => els.map(e => [Number(e.dataset.epoch), Number(e.dataset.seconds),"
        " Number(e.dataset.validationAccuracy), Number(e.dataset.testAccuracy)])",
    )
    rows = sorted(r for r in rows if 1 <= r[0] <= PAGE_EPOCHS)
    if [r[0] for r in rows] != list(range(1, PAGE_EPOCHS + 1)):
        raise PageError(f"unexpected epoch rows in #dg-epoch-log: {rows}")
    stamps = dict(page.evaluate("window.__benchRows"))
    click = page.evaluate("window.__benchClick")
    times = [click] + [stamps.get(e) for e in range(1, PAGE_EPOCHS + 1)]
    wall = [(b - a) / 1000 if a is not None and b is not None else None for a, b in zip(times, times[1:])]
    page.wait_for_timeout(200)
    total, per_file = transferred(page._bench_requests)
    for e, s, _va, ta in rows:
        print(f"  page epoch {e}: {s:.2f} s, test accuracy {ta:.4f}", flush=True)
    return {
        "seconds": [r[1] for r in rows],
        "validation": [r[2] for r in rows],
        "test": [r[3] for r in rows],
        "wall": wall,
        "bytes": total,
        "files": {k: v for k, v in per_file.items() if v},
    }


# Long tasks, pointer-event delays on the pad, and the time from a click to the run state it causes.
RESPONSE_PROBE = """
() => {
  window.__benchLong = [];
  new PerformanceObserver(list => { for (const e of list.getEntries())
      window.__benchLong.push([e.startTime, e.duration]); }).observe({type: 'longtask'});
  window.__benchMoves = [];
  document.querySelector('#dg-draw').addEventListener('pointermove',
      e => window.__benchMoves.push(performance.now() - e.timeStamp), true);
  window.__benchClicks = {};
  for (const id of ['dg-pause', 'dg-stop']) {
    document.getElementById(id).addEventListener('click', e => {
      const t0 = e.timeStamp, run = document.getElementById('dg-run'), before = run.dataset.state;
      const watch = new MutationObserver(() => { if (run.dataset.state !== before) {
          window.__benchClicks[id] = performance.now() - t0; watch.disconnect(); } });
      watch.observe(run, {attributes: true, attributeFilter: ['data-state']});
    }, true);
  }
}
"""


def _stroke(page):
    box = page.locator("#dg-draw").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20)
    page.mouse.down()
    for k in range(30):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20 + k * 8, steps=2)
    page.mouse.up()


def _moves(page):
    xs = page.evaluate("window.__benchMoves.splice(0)")
    return {"n": len(xs), "median_ms": median(xs) if xs else None, "max_ms": max(xs) if xs else None}


def responsiveness(page):
    """The page's thread while the Digits lab trains in the worker (see the module docstring, 3)."""
    page.evaluate(RESPONSE_PROBE)
    out = {}
    page.click("#dg-clear")
    _stroke(page)
    out["stroke_idle"] = _moves(page)
    page.click("#dg-clear")
    page.select_option("#dg-preset", "ch1")
    set_field(page, "#dg-epochs", "1")
    set_field(page, "#dg-subset", "50000")
    page.dispatch_event("#dg-subset", "change")
    page.click("#dg-train")
    page.wait_for_function("document.getElementById('dg-run').dataset.state === 'training'", timeout=TRAIN_TIMEOUT_MS)
    t0 = page.evaluate("performance.now()")
    page.wait_for_timeout(1500)
    _stroke(page)
    out["stroke_training"] = _moves(page)
    page.click("#dg-pause")
    page.wait_for_function("document.getElementById('dg-run').dataset.state === 'paused'")
    page.wait_for_timeout(500)
    page.click("#dg-pause")
    page.wait_for_selector("#dg-epoch-log tr[data-epoch='1']", state="attached", timeout=TRAIN_TIMEOUT_MS)
    t1 = page.evaluate("performance.now()")
    page.wait_for_function("document.getElementById('dg-run').dataset.state === 'done'", timeout=TRAIN_TIMEOUT_MS)
    long = [d for start, d in page.evaluate("window.__benchLong") if t0 <= start <= t1]
    out["epoch_seconds"] = (t1 - t0) / 1000
    out["longtasks"] = {
        "n": len(long),
        "max_ms": max(long) if long else 0.0,
        "p95_ms": float(np.percentile(long, 95)) if long else 0.0,
    }
    out["pause_ms"] = page.evaluate("window.__benchClicks['dg-pause']")
    # ch3 [784, 100, 10]: memory while it trains; then Stop mid-epoch.
    page.select_option("#dg-preset", "ch3")
    set_field(page, "#dg-epochs", "2")
    page.dispatch_event("#dg-epochs", "change")
    page.click("#dg-train")
    page.wait_for_function("+document.getElementById('dg-run').dataset.progress > 0.3", timeout=TRAIN_TIMEOUT_MS)
    page.click("#dg-stop")
    page.wait_for_function("document.getElementById('dg-run').dataset.position", timeout=TRAIN_TIMEOUT_MS)
    run = page.evaluate("({...document.getElementById('dg-run').dataset})")
    out["stop_ms"] = page.evaluate("window.__benchClicks['dg-stop']")
    out["memory"] = {k: int(run.get(k) or 0) for k in ("peakMemoryBytes", "pageMemoryBytes", "workerMemoryBytes")}
    out["js_heap"] = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    out["held"] = (run.get("position"), run.get("heldTestAccuracy"))
    print(f"  responsiveness: {out}", flush=True)
    return out


def set_field(page, selector, value):
    tag = page.eval_on_selector(selector, "e => e.tagName")
    if tag == "SELECT":
        page.select_option(selector, value)
    else:
        page.fill(selector, value)


# -------------------------------------------------------------------- report


def report(book, core, page, args):
    ref = median(book.seconds)
    line = "-" * 96
    print()
    print(line)
    print(
        f"One epoch: sizes {SIZES}, sigmoid, quadratic, N(0,1) init, eta {ETA}, mini-batch {MINI_BATCH}, 50,000 images"
    )
    print(line)
    print(f"{'':46s}{'median epoch':>14s}{'x reference':>13s}{'speed-up':>10s}   spread")
    rows = [("reference: book per-example, CPython", book.seconds)]
    rows.append(("our core, vectorised, CPython", core[0]))
    if page and page.get("lab"):
        rows.append(("the page (Pyodide, Chromium), lab's figure", page["lab"]["seconds"]))
        wall = [w for w in page["lab"]["wall"][1:] if w is not None]
        if wall:
            rows.append(("  page wall time, epochs 2+ (incl. eval, UI)", wall))
    for name, xs in rows:
        m = median(xs)
        print(f"{name:46s}{m:12.2f} s{m / ref:12.3f}x{ref / m:9.1f}x   {spread(xs)}")
    if page and page.get("lab"):
        pm, cm = median(page["lab"]["seconds"]), median(core[0])
        print(
            f"page / core: {pm / cm:.2f}x   page / reference: {pm / ref:.3f}x "
            f"({'faster' if pm < ref else 'SLOWER'} than the book's approach)"
        )
    elif page is not None:
        print(f"the page: not measured -- {page.get('lab_error', 'page part failed')}")
    print(f"(reference data prepared as column vectors beforehand, not timed: {book.prep_seconds:.1f} s)")

    print()
    print("Test accuracy (10,000 test images) after epoch:")
    n = 3
    print(f"{'':46s}" + "".join(f"{e:>9d}" for e in range(1, n + 1)))
    print(f"{'our core, CPython':46s}" + "".join(f"{a:9.4f}" for a in core[1][:n]))
    if page and page.get("lab"):
        print(f"{'the page':46s}" + "".join(f"{a:9.4f}" for a in page["lab"]["test"][:n]))
    print(f"{'reference (same start, its own shuffles)':46s}" + "".join(f"{a:9.4f}" for a in book.accuracy[:n]))
    if page and page.get("lab"):
        print(
            "(core and page use the same seeds, but their float sums are rounded in a different order "
            "(OpenBLAS vs wasm);\n SGD amplifies 1e-16 differences, so after about an epoch they part "
            "by a few tenths of a percent)"
        )
    if len(core[1]) > n:
        acc = core[1]
        first = next((i + 1 for i, a in enumerate(acc) if a >= 0.95), None)
        best = int(np.argmax(acc))
        reached = f"first >= 95 % at epoch {first}" if first else "95 % not reached"
        print(
            f"core over {len(acc)} epochs: {reached}; best {acc[best]:.4f} "
            f"(epoch {best + 1}); last {acc[-1]:.4f}  [the book's run: best 95.42 %]"
        )

    if page is not None and (page.get("cold") or page.get("warm")):
        print()
        print(line)
        print("Page load to ready (from navigation start, timed in the page)")
        print(line)
        for kind in ("cold", "warm"):
            loads = page.get(kind) or []
            if loads:
                secs = [x["seconds"] for x in loads]
                byts = [x["bytes"] for x in loads]
                label = "cold (new browser context)" if kind == "cold" else "warm (same context, reload)"
                print(f"{label:32s} {spread(secs):44s} transferred {megabytes(median(byts))}")
        if page.get("lab"):
            lab = page["lab"]
            print(f"Digits lab (opened after a warm load, then trained): {megabytes(lab['bytes'])} transferred")
            for path, b in sorted(lab["files"].items(), key=lambda kv: -kv[1]):
                print(f"    {megabytes(b):>10s}  {path}")
        if page.get("responsive"):
            r = page["responsive"]
            lt = r["longtasks"]
            print(line)
            print("The page's thread while the Digits lab trains in the worker")
            print(line)
            print(
                f"ch1 epoch (50,000 images), Train to row: {r['epoch_seconds']:.1f} s wall; long tasks "
                f"(>= 50 ms) meanwhile: {lt['n']}, longest {lt['max_ms']:.0f} ms, p95 {lt['p95_ms']:.0f} ms"
            )
            for k in ("stroke_idle", "stroke_training"):
                m = r[k]
                print(
                    f"pad pointer-event delay, {k[7:]:8s}: median {m['median_ms'] or 0:.1f} ms, "
                    f"max {m['max_ms'] or 0:.1f} ms ({m['n']} events)"
                )
            print(f"Pause: click to 'paused' {r['pause_ms']:.1f} ms; Stop: click to 'stopped' {r['stop_ms']:.1f} ms")
            mem = r["memory"]
            print(
                f"ch3 [784, 100, 10] training: WebAssembly memory page {megabytes(mem['pageMemoryBytes'])} + "
                f"worker {megabytes(mem['workerMemoryBytes'])} = {megabytes(mem['peakMemoryBytes'])}; "
                f"JS heap {megabytes(r['js_heap'])}; stopped at {r['held'][0]} ({r['held'][1]})"
            )
        if page.get("errors"):
            print(f"console errors in the page ({len(page['errors'])}):")
            for e in page["errors"][:10]:
                print("    " + e[:200])
    print(line)
    if page is not None and page.get("lab_error"):
        print(f"PAGE PART FAILED: {page['lab_error']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks (prints tables).")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke run)")
    parser.add_argument("--skip-page", action="store_true", help="CPython only, no browser")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 5
    core_epochs = PAGE_EPOCHS if args.quick else 30

    paths = {s: DATA / SPLIT_FILES[s] for s in ("train", "test")}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        print("error: MNIST data missing (run `./run setup`): " + ", ".join(missing), file=sys.stderr)
        return 2
    train, test = load_npz(paths["train"]), load_npz(paths["test"])
    print(
        f"numpy {np.__version__}, Python {sys.version.split()[0]}; {'quick' if args.quick else 'full'} run", flush=True
    )

    book = BookRun(train, test)
    book.epoch()
    core = core_run(train, test, core_epochs)
    if not args.quick:
        book.epoch()
    page = None
    if not args.skip_page:
        try:
            page = page_run(repeats)
        except PageError as e:
            page = {"lab_error": str(e)}
        if page.get("lab_error"):
            print(f"  page: {page['lab_error']}", flush=True)
    if not args.quick:
        book.epoch()
    report(book, core, page, args)
    startup_failed = not args.skip_page and __import__("startup").main(["--repeats", str(repeats), "--profile"])
    return 1 if page is not None and page.get("lab_error") or startup_failed else 0


if __name__ == "__main__":
    sys.exit(main())
