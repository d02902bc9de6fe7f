"""The app beside the tools a learner would pick instead, in the same browser, in one run. Prints a table.

    ./run bench-peers [options]    # set up what is missing (venv, runtime, data, Chromium), then:
    .venv/bin/python bench/peers.py [--repeats 5] [--seconds 2] [--skip-page] [--profile]

Rows (the nets of ``bench/peers_core.py``, each trained by plain mini-batch SGD from the same
initial weights in every place):

* ``ch1``: the book's chapter 1 net [784, 30, 10], sigmoid, quadratic cost, eta = 3, mini-batches
  of 10, on the 50,000 MNIST training images; images/s and the epoch of 50,000 projected;
* ``playground``: the Playground's [2, 8, 8, 2] on 1,000 points (700 trained on): epochs/s; and
  in the page, the lab's own run (SGD plus its per-epoch scoring: ``lab``) and the pictures the
  worker draws per frame (decision regions and every neuron: ``pictures``, frames/s);
* ``mb100``: [784, 100, 10] with mini-batches of 100, where a BLAS matters most.

Places:

* **page**: this app's core (``nnfs.maths.network.Network`` trained by ``nnfs.maths.sgd.Trainer``,
  as the Digits and Playground labs' training worker runs it) in the app's vendored Pyodide and
  numpy, in a Web Worker in headless Chromium, loaded from the app's own ``py/worker-modules.zip``;
* **CPython**: the same file in this native CPython, one BLAS thread (``OPENBLAS_NUM_THREADS=1``:
  the page has one, and the machine is shared);
* **book**: the book's own algorithm in native CPython (``bench/book_network.py``: column
  vectors, one ``backprop(x, y)`` per example), on the MNIST rows (its data laid out as the book
  does, for the first 10,000 images: the rate per image does not depend on how many);
* **TF.js cpu** and **TF.js wasm**: the same net, weights and SGD in TensorFlow.js (npm
  ``@tensorflow/tfjs`` and ``@tensorflow/tfjs-backend-wasm``, pinned in ``bench/package.json``,
  installed with ``npm ci --prefix bench`` when missing), each in its own Web Worker in the same
  Chromium (``bench/browser/tfjs-worker.js``; float32). The wasm backend runs its SIMD build on
  one thread; its ``.wasm`` files are served from the benchmark's own origin (``setWasmPaths``).

The peers are used by this benchmark only, never by the app: they are copied into a temporary
root served by ``tools/serve.py`` (``bench/convnet.py``'s ``site``); Chromium resolves no host
but 127.0.0.1, and a request that leaves it fails the run. Before timing, each TF.js net is given
the core's weights after a second of training and must score the same mean cost (to float32
rounding), so every place computes the same net.

Each row trains ``--warmup`` seconds untimed, then ``--repeats`` rounds of ``--seconds``, the rows
in a rotated order every round; rates are medians over the rounds, ratios the median of each
round's own (the machine is shared: ratios mean more than the figures). Where the page is slower
than TF.js cpu or more than 2x slower than TF.js wasm (or with ``--profile``), the worker's step is
taken apart (gather, forward, backward, update, timed without a profiler) and profiled.

Exit status 0, or 1 when the browser part failed (the CPython rows are still printed, with why).
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy loads; a value the caller set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _p in (ROOT / "py", ROOT / "tools", BENCH):
    sys.path.insert(0, str(_p))

import numpy as np  # noqa: E402
import peers_core  # noqa: E402
import tfjs_model  # noqa: E402
from book_network import BookNetwork, column_data  # noqa: E402
from convnet import (  # noqa: E402
    Browser,
    BrowserError,
    Place,
    Row,
    ensure_peers,
    open_browser_places,
    rates,
    round_ratios,
    seconds,
    site,
)
from startup import rotated  # noqa: E402

from nnfs.data.mnist import SCALE, load_npz  # noqa: E402

DATA = ROOT / "static" / "data"
EPOCH = 50_000
SEED = 0
BOOK_IMAGES = 10_000
PLACES = {
    "page": "this app's core: Pyodide 0.29 + numpy (no BLAS), in a Web Worker",
    "cpython": "the same code in native CPython (numpy with OpenBLAS, 1 thread)",
    "book": "the book's algorithm (one example at a time) in native CPython",
    "tfjs-cpu": "TensorFlow.js, cpu backend (plain JavaScript), in a Web Worker",
    "tfjs-wasm": "TensorFlow.js, wasm backend (SIMD, 1 thread), in a Web Worker",
}
TITLES = {"page": "page", "cpython": "CPython", "book": "book", "tfjs-cpu": "TF.js cpu", "tfjs-wasm": "TF.js wasm"}
# The rows, in the table's order: (net, places). The Playground's page also runs as the lab does
# ("lab") and draws its pictures ("pictures").
ROWS = [
    ("ch1", ("page", "cpython", "book", "tfjs-cpu", "tfjs-wasm")),
    ("playground", ("page", "cpython", "tfjs-cpu", "tfjs-wasm")),
    ("lab", ("page",)),
    ("pictures", ("page",)),
    ("mb100", ("page", "cpython", "book", "tfjs-cpu", "tfjs-wasm")),
]


class BookRunner:
    """The book's algorithm on the first ``BOOK_IMAGES`` MNIST rows, as the Runner's rows are run."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.data = column_data(images[:BOOK_IMAGES], labels[:BOOK_IMAGES], scale=SCALE)
        self.nets: dict[str, tuple[BookNetwork, int]] = {}
        self.shuffler = random.Random(SEED)

    def add(self, name: str, preset: str, seed: int = 0) -> None:
        p = peers_core.PRESETS[preset]
        self.nets[name] = (BookNetwork(p["sizes"], seed=seed), p["batch"])

    def train(self, name: str, secs: float) -> tuple[int, float]:
        net, m = self.nets[name]
        eta = peers_core.PRESETS[name.split("/")[1]]["eta"]
        start = time.perf_counter()
        done = 0
        while True:
            k = self.shuffler.randrange(0, len(self.data) - m)
            net.update_mini_batch(self.data[k : k + m], eta)
            done += m
            elapsed = time.perf_counter() - start
            if elapsed >= secs:
                return done, elapsed


class PeerPlace(Place):
    """``convnet.Place`` for the peers' nets: the TF.js rows get a fully connected spec."""

    def add(self, row: Row, weights_from=None) -> None:
        if self.runner is not None or self.where == "page":
            super().add(row)
            return
        net = weights_from if weights_from is not None else peers_core.make_net(row.preset, SEED)
        p = peers_core.PRESETS[row.preset]
        pg = row.preset == "playground"
        n = len(peers_core.playground_data()[1]) if pg else EPOCH
        model = tfjs_model.dense_spec(net, p["eta"], p["batch"], n, data="playground" if pg else None)
        message = {"cmd": "add", "name": row.name, "spec": model, "weights": tfjs_model.dense_weights(net)}
        self.browser.call(self.where, {**message, "seed": SEED})


def open_places(browser: Browser, root: Path) -> dict[str, Place]:
    """The page's worker on peers_core, the TF.js workers (with the Playground's points loaded)."""
    browser.start("page", "./static/bench/pyodide-worker.mjs", module=True)
    setup = {"cmd": "setup", "modules": "../../py/worker-modules.zip", "core": "./peers_core.py"}
    info = browser.call("page", {**setup, "module": "peers_core", "data": "../data/mnist-train.npz"})
    print(
        f"  page worker: Python {info['python'].split()[0]}, numpy {info['numpy']} on {info['platform']}, "
        f"ready in {info['seconds']:.1f} s",
        flush=True,
    )
    places: dict[str, Place] = {"page": PeerPlace("page", browser)}
    for where in open_browser_places(browser, ["tfjs-cpu", "tfjs-wasm"]):
        message = {"cmd": "load", "name": "playground", "images": "./pg-images.bin", "labels": "./pg-labels.bin"}
        browser.call(where, message)
        places[where] = PeerPlace(where, browser)
    return places


def peers_site(tmp: Path, train, test) -> Path:
    """``convnet.site`` plus this benchmark's core and the Playground's points (float32 rows)."""
    root = site(tmp, train, test)
    here = root / "static" / "bench"
    (here / "peers_core.py").write_bytes((BENCH / "peers_core.py").read_bytes())
    X, y = peers_core.playground_data()
    (here / "pg-images.bin").write_bytes(np.ascontiguousarray(X, dtype=np.float32).tobytes())
    (here / "pg-labels.bin").write_bytes(np.ascontiguousarray(y, dtype=np.uint8).tobytes())
    return root


def check_same_net(places: dict[str, Place], cpython: peers_core.Runner, test) -> list[str]:
    """Each TF.js backend, given the core's weights after a second of training, scores the core's
    mean cost: on 1,000 MNIST test images, or on the Playground's 700 training points."""
    lines = []
    for preset in ("ch1", "playground", "mb100"):
        probe = Row("check", preset)
        cpython.add(probe.name, preset, SEED)
        cpython.train(probe.name, 1.0)
        net = cpython.trainers[probe.name].network
        if preset == "playground":
            X, y = peers_core.playground_data()
            want, data, count = net.evaluate(X, y)[0], None, len(y)
        else:
            want = net.evaluate(test[0][:1000], test[1][:1000], scale=SCALE)[0]
            data, count = {"images": "./test-images.bin", "labels": "./test-labels.bin"}, 1000
        for where, place in places.items():
            if not where.startswith("tfjs"):
                continue
            place.add(probe, weights_from=net)
            got = place.browser.call(where, {"cmd": "cost", "name": probe.name, "data": data, "count": count})
            diff = abs(got - want) / want
            lines.append(
                f"  {preset:10} {TITLES[where]:11} cost {got:.6f}, core {want:.6f}: relative difference {diff:.1e}"
            )
            if diff > 1e-4:
                raise BrowserError(f"TF.js ({where}) does not compute the core's net: {lines[-1].strip()}")
    return lines


# ------------------------------------------------------------------ the table (pure)

UNITS = {"ch1": "images/s", "mb100": "images/s", "playground": "epochs/s", "lab": "epochs/s", "pictures": "frames/s"}


def table(samples: dict[Row, list[tuple[int, float]]], per_epoch: dict[str, int]) -> list[str]:
    """Per net and place: the rate (median, range, n) in the net's unit, the epoch's time (MNIST
    nets), page / it (the median of the rounds' ratios of the page's rate to its: > 1, the page
    is faster) and the goal: page >= TF.js cpu, page >= 0.5 x TF.js wasm."""
    lines = [f"  {'net':10} {'where':11} {'rate':>14} {'(min - max, n)':>24} {'epoch':>10} {'page / it':>10}  goal"]
    for preset in dict.fromkeys(row.preset for row in samples):
        ref = samples.get(Row("page", preset)) or samples.get(Row("page", "playground"))
        unit = UNITS[preset]
        div = per_epoch.get(preset, 1) if unit == "epochs/s" else 1
        for where in PLACES:
            got = samples.get(Row(where, preset))
            if not got:
                continue
            r = [x / div for x in rates(got)]
            med = statistics.median(r)
            span = f"({min(r):,.1f} - {max(r):,.1f}, {len(r)})"
            epoch = seconds(EPOCH / med) if unit == "images/s" else ""
            ratio, goal = "", ""
            if ref and where != "page" and preset not in ("lab", "pictures"):
                q = statistics.median(round_ratios(ref, got))
                ratio = f"{q:.2f}"
                if where == "tfjs-cpu":
                    goal = "met (>= 1)" if q >= 1 else "MISSED (>= 1)"
                elif where == "tfjs-wasm":
                    goal = "met (>= 0.5)" if q >= 0.5 else "MISSED (>= 0.5)"
            rate = f"{med:,.1f} {unit}" if med < 100 else f"{med:,.0f} {unit}"
            title = TITLES[where] if preset not in ("lab", "pictures") else f"page {preset}"
            lines.append(f"  {preset:10} {title:11} {rate:>14} {span:>24} {epoch:>10} {ratio:>10}  {goal}")
    return lines


def missed(samples: dict[Row, list[tuple[int, float]]]) -> list[str]:
    """The nets where the page misses the goal (slower than TF.js cpu, or > 2x TF.js wasm)."""
    out = []
    for preset in ("ch1", "playground", "mb100"):
        page = samples.get(Row("page", preset))
        for where, floor in (("tfjs-cpu", 1.0), ("tfjs-wasm", 0.5)):
            other = samples.get(Row(where, preset))
            if page and other and statistics.median(round_ratios(page, other)) < floor and preset not in out:
                out.append(preset)
    return out


def parts_lines(title: str, parts: dict[str, float], images: int) -> list[str]:
    """A step's parts (peers_core.step_parts) in microseconds per mini-batch and per image."""
    lines = [f"  {title}: microseconds per mini-batch (per image)"]
    for name, s in parts.items():
        lines.append(f"    {name:22} {s * 1e6:9.1f} ({s * 1e6 / images:7.2f})")
    return lines


# ------------------------------------------------------------------ the run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="This app beside TF.js and the book's code, in one run.")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds of every row (default 5)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds each row trains per round (default 2)")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds of each row first (default 1)")
    parser.add_argument("--skip-page", action="store_true", help="CPython only (no browser, no TF.js)")
    parser.add_argument("--profile", action="store_true", help="take the worker's step apart even if it is fast")
    parser.add_argument("--profile-batches", type=int, default=300, help="mini-batches profiled (default 300)")
    args = parser.parse_args(argv)

    train = load_npz(DATA / "mnist-train.npz")
    test = load_npz(DATA / "mnist-test.npz")
    print(
        f"The peers: {len(train[0]):,} MNIST images, seed {SEED}; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores",
        flush=True,
    )
    cpython = peers_core.Runner(*train)
    places: dict[str, Place] = {}
    browser = None
    failed = None
    status = 0
    per_epoch = {p: len(peers_core.playground_data()[1]) for p in ("playground", "lab")}
    with tempfile.TemporaryDirectory(prefix="nnfs-peers-") as tmp:
        try:
            if not args.skip_page:
                ensure_peers()
                root = peers_site(Path(tmp), train, test)
                browser = Browser(root)
                places.update(open_places(browser, root))
                print("The TF.js nets are the core's nets (same weights, same cost):")
                print("\n".join(check_same_net(places, cpython, test)), flush=True)
        except (BrowserError, subprocess.CalledProcessError) as e:
            failed, status = str(e), 1
            places = {}
        places["cpython"] = PeerPlace("cpython", runner=cpython)
        places["book"] = PeerPlace("book", runner=BookRunner(*train))  # type: ignore[arg-type]
        rows = [Row(where, preset) for preset, wheres in ROWS for where in wheres if where in places]
        samples: dict[Row, list[tuple[int, float]]] = {row: [] for row in rows}
        profiles = {}
        try:
            for row in rows:
                places[row.where].add(row)
                places[row.where].train(row, args.warmup)
            for k in range(max(1, args.repeats)):
                for row in rotated(tuple(rows), k):
                    samples[row].append(places[row.where].train(row, args.seconds))
                print(f"  round {k + 1} of {args.repeats} done (load average {os.getloadavg()[0]:.2f})", flush=True)
            slow = missed(samples)
            for preset in peers_core.PRESETS if args.profile else slow:
                if preset == "playground" or "page" in places:
                    for where in ("page", "cpython"):
                        if where in places:
                            profiles[(where, preset)] = places[where].profile(Row(where, preset), args.profile_batches)
        except BrowserError as e:
            failed, status = str(e), 1
        finally:
            if browser is not None:
                if browser.elsewhere:
                    failed, status = f"requests left 127.0.0.1: {sorted(set(browser.elsewhere))[:5]}", 1
                browser.close()

    print()
    print(
        f"The peers, side by side (median of {args.repeats} rounds of {args.seconds:g} s, rows rotated; "
        "ratios: the median of each round's own; epoch: 50,000 images projected)"
    )
    print("\n".join(table({r: s for r, s in samples.items() if s}, per_epoch)))
    for where in PLACES:
        if where in places:
            print(f"  {TITLES[where]:11} {PLACES[where]}")
    print(f"  (load average {os.getloadavg()[0]:.2f} at the end: the machine is shared with other work)")
    for (where, preset), p in profiles.items():
        size = peers_core.PRESETS[preset]["batch"]
        print()
        print(f"Where the time goes, {TITLES[where]}, {preset} ({p['seconds'] / p['images'] * 1e6:.1f} µs per example)")
        print("\n".join(parts_lines("step parts", p["parts"], size)))
        print(f"  cProfile over {p['batches']} mini-batches, most time of their own:")
        for name, s in p["top_own"][:8]:
            print(f"    {s:7.3f} s {100 * s / p['seconds']:5.1f} %  {name}")
    if failed:
        print(f"\nBROWSER PART FAILED: {failed}")
    return status


if __name__ == "__main__":
    sys.exit(main())
