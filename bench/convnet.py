"""Chapter 6's speed: training the book's one-conv-pool net, this app against its peers. Prints a table.

    ./run bench-convnet [options]    # set up what is missing (venv, runtime, data, Chromium), then:
    .venv/bin/python bench/convnet.py [--repeats 5] [--seconds 3] [--skip-page] [--no-accuracy] [--profile]

The net: ConvPoolLayer(20 filters 5 x 5, max-pool 2 x 2) -> FullyConnectedLayer(100) ->
SoftmaxLayer(10), log-likelihood cost, plain SGD on mini-batches of 10 (``bench/convnet_core.py``),
in two presets with the book's settings: sigmoid, eta = 0.1 (the book's first conv net) and
ReLU, eta = 0.03, lmbda = 0.1. Trained on the 50,000 MNIST training images (static/data), each
row timed side by side in one run, in these places:

* **page**: this app's core (``nnfs.maths.convnet.ConvNet`` trained by ``nnfs.maths.sgd.Trainer``)
  in the app's vendored Pyodide and numpy, in a Web Worker in headless Chromium, loaded from the
  app's own ``py/worker-modules.zip`` (as ``worker.toml`` gives it to the training worker);
* **CPython**: the same file in this native CPython, with one BLAS thread (the page has one; on
  this shared 2-core machine OpenBLAS's default two threads ran the dense products 10x slower
  whenever another process held a core);
* **TF.js cpu** and **TF.js wasm**: the same net, weights, initial values and SGD in TensorFlow.js
  (npm ``@tensorflow/tfjs`` and ``@tensorflow/tfjs-backend-wasm``, pinned in ``bench/package.json``
  and installed with ``npm ci --prefix bench`` when missing), each in its own Web Worker in the
  same Chromium (``bench/browser/tfjs-worker.js``; float32, as TF.js computes). The wasm backend
  runs its SIMD build on one thread (its threaded build needs a cross-origin isolated page).

The peers are served to the benchmark's own page only: the page, the workers, TF.js's scripts
and ``.wasm`` files (``tf.wasm.setWasmPaths``) are copied into a temporary root served by
``tools/serve.py``, beside links to the app's ``py/``, ``static/vendor`` and ``static/data``;
nothing of them is under the app's ``static/`` or reaches its service worker. Chromium resolves
no host but 127.0.0.1, and every request that leaves it is reported.

Each row first trains ``--warmup`` seconds untimed, then rounds of ``--seconds`` each, the rows in
a rotated order every round (the machine is shared and noisy: side by side, the ratios mean more
than the figures). Images per second are medians over the rounds; the ratios are the medians of
each round's own ratio; an epoch of 50,000 images is projected from the median. Before timing,
the TF.js net is given the core's weights after a second of training and must score the same
mean cost on 1,000 test images (to float32 rounding), so both compute the same net.

Then, unless ``--no-accuracy``: the ReLU preset trained one epoch of the 50,000 images in CPython
(same seed), scored on the 10,000 test images (the issue's target: >= 98 % after one epoch). And
when the page's projected epoch is over 3 minutes (or with ``--profile``): where the worker's
time goes (cProfile over ``--profile-batches`` mini-batches, by part: conv, pooling, dense
products, activations, the rest), with CPython's beside it.

Exit status 0, or 1 when the browser part failed (the CPython rows are still printed, with why).
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy loads (see above); a value the caller set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _p in (ROOT / "py", ROOT / "tools", BENCH):
    sys.path.insert(0, str(_p))

import numpy as np  # noqa: E402
import tfjs_model  # noqa: E402
from convnet_core import MINI_BATCH, PRESETS, Runner, make_net  # noqa: E402
from startup import rotated  # noqa: E402

from nnfs.data.mnist import SCALE, load_npz  # noqa: E402

DATA = ROOT / "static" / "data"
EPOCH = 50_000
EPOCH_TARGET_SECONDS = 180.0
SEED = 0
NODE_MODULES = BENCH / "node_modules" / "@tensorflow"
# What the TF.js workers load, from the npm packages: (package, file in its dist/).
TFJS_FILES = [
    ("tfjs", "tf.min.js"),
    ("tfjs-backend-wasm", "tf-backend-wasm.min.js"),
    ("tfjs-backend-wasm", "tfjs-backend-wasm.wasm"),
    ("tfjs-backend-wasm", "tfjs-backend-wasm-simd.wasm"),
    ("tfjs-backend-wasm", "tfjs-backend-wasm-threaded-simd.wasm"),
]
PLACES = {
    "page": "this app's core: Pyodide 0.29 + numpy, in a Web Worker",
    "cpython": "the same code in native CPython (1 BLAS thread)",
    "tfjs-cpu": "TensorFlow.js, cpu backend, in a Web Worker",
    "tfjs-wasm": "TensorFlow.js, wasm backend (SIMD, 1 thread), in a Web Worker",
}
TITLES = {"page": "page", "cpython": "CPython", "tfjs-cpu": "TF.js cpu", "tfjs-wasm": "TF.js wasm"}


class BrowserError(RuntimeError):
    """The browser part could not run; the message says why."""


@dataclass(frozen=True)
class Row:
    """One line of the table: a preset trained in one place."""

    where: str
    preset: str

    @property
    def name(self) -> str:
        return f"{self.where}/{self.preset}"


def rows_for(places: list[str], presets: list[str]) -> list[Row]:
    return [Row(where, preset) for preset in presets for where in places]


# ------------------------------------------------------------------ the table (pure)


def rates(samples: list[tuple[int, float]]) -> list[float]:
    """Images per second of each (images, seconds) sample."""
    return [images / seconds for images, seconds in samples]


def round_ratios(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> list[float]:
    """Each round's rate of a over b (rounds paired in order: they ran minutes apart at most)."""
    return [x / y for x, y in zip(rates(a), rates(b))]


def table(samples: dict[Row, list[tuple[int, float]]], reference: str = "page", epoch: int = EPOCH) -> list[str]:
    """The speed table: per preset, each place's images/s (median, range, n), its projected
    epoch of ``epoch`` images, and ``reference`` / it (the median of the rounds' ratios)."""
    presets = list(dict.fromkeys(row.preset for row in samples))
    places = list(dict.fromkeys(row.where for row in samples))
    head = f"{reference} / it" if reference in places else ""
    lines = [
        f"  {'preset':8} {'where':11} {'images/s':>9} {'(min - max, n)':>20} {f'epoch of {epoch:,}':>17} {head:>11}"
    ]
    for preset in presets:
        ref = samples.get(Row(reference, preset))
        for where in places:
            got = samples.get(Row(where, preset))
            if not got:
                continue
            r = rates(got)
            med = statistics.median(r)
            span = f"({min(r):,.0f} - {max(r):,.0f}, {len(r)})"
            ratio = f"{statistics.median(round_ratios(ref, got)):.3f}" if ref and where != reference else ""
            title = TITLES.get(where, where)
            lines.append(f"  {preset:8} {title:11} {med:>9,.0f} {span:>20} {seconds(epoch / med):>17} {ratio:>11}")
    return lines


def seconds(s: float) -> str:
    """A duration for a reader: '25 s', '3 min 05 s'."""
    if s < 100:
        return f"{s:.1f} s"
    m, rest = divmod(round(s), 60)
    return f"{m} min {rest:02d} s"


def profile_lines(title: str, p: dict) -> list[str]:
    """A profile (convnet_core.profile_steps) as lines: each part's share of the time."""
    total = p["seconds"]
    per = total / p["images"] * 1000
    lines = [f"{title}: {p['batches']} mini-batches, {total:.2f} s under cProfile ({per:.2f} ms per image)"]
    rest = total - sum(p["parts"].values())
    for name, s in [*p["parts"].items(), ("the rest (Python between the kernels, SGD update, batching)", rest)]:
        lines.append(f"  {name:60} {s:7.2f} s {100 * s / total:5.1f} %")
    lines.append("  most time of their own:")
    for name, s in p["top_own"][:8]:
        lines.append(f"    {s:7.3f} s {100 * s / total:5.1f} %  {name}")
    return lines


# ------------------------------------------------------------------ the browser side


def ensure_peers() -> None:
    """TF.js from npm, as bench/package-lock.json pins it, when it is not installed yet."""
    if all((NODE_MODULES / package / "dist" / name).is_file() for package, name in TFJS_FILES):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BrowserError("npm is not installed: the TF.js rows need it once (Debian/Ubuntu: apt-get install npm)")
    print("installing TF.js for the benchmark: npm ci --prefix bench", flush=True)
    subprocess.run(
        [npm, "ci", "--prefix", str(BENCH), "--ignore-scripts", "--no-audit", "--no-fund"], check=True, cwd=ROOT
    )


def site(tmp: Path, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> Path:
    """The benchmark's own root: its page and workers, TF.js's files and the raw images for the
    TF.js workers, beside links to the app's py/, static/vendor and static/data."""
    root = tmp / "site"
    here = root / "static" / "bench"
    (here / "tfjs").mkdir(parents=True)
    os.symlink(ROOT / "py", root / "py")
    for name in ("vendor", "data"):
        os.symlink(ROOT / "static" / name, root / "static" / name)
    shutil.copy(BENCH / "browser" / "page.html", root / "index.html")
    for name in ("pyodide-worker.mjs", "tfjs-worker.js"):
        shutil.copy(BENCH / "browser" / name, here / name)
    shutil.copy(BENCH / "convnet_core.py", here / "convnet_core.py")
    for package, name in TFJS_FILES:
        shutil.copy(NODE_MODULES / package / "dist" / name, here / "tfjs" / name)
    for split, (images, labels) in (("train", train), ("test", test)):
        (here / f"{split}-images.bin").write_bytes(np.ascontiguousarray(images, dtype=np.uint8).tobytes())
        (here / f"{split}-labels.bin").write_bytes(np.ascontiguousarray(labels, dtype=np.uint8).tobytes())
    return root


class Browser:
    """Headless Chromium on the benchmark's page; its workers by name."""

    def __init__(self, root: Path):
        from browser import BENCH_ARGS, HOW_TO_INSTALL, find_chromium
        from playwright.sync_api import sync_playwright
        from serve import make_server

        chromium = find_chromium()
        if chromium is None:
            raise BrowserError(HOW_TO_INSTALL)
        self.server = make_server(root, 0, quiet=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.pw = sync_playwright().start()
        args = [*BENCH_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
        self.browser = self.pw.chromium.launch(executable_path=chromium, args=args, headless=True)
        self.page = self.browser.new_page()
        self.elsewhere: list[str] = []  # requests to any other origin (there must be none)
        self.errors: list[str] = []
        self.page.on("request", self._seen)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.base)
        self.page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=30_000)

    def _seen(self, request) -> None:
        if not request.url.startswith((self.base, "blob:" + self.base, "data:")):  # those stay here
            self.elsewhere.append(request.url)

    def start(self, name: str, url: str, module: bool = False) -> None:
        self.page.evaluate("([n, u, t]) => window.bench.start(n, u, t)", [name, url, "module" if module else "classic"])

    def call(self, name: str, message: dict):
        try:
            return self.page.evaluate("([n, m]) => window.bench.call(n, m)", [name, message])
        except Exception as e:  # noqa: BLE001 - said with the worker's name and the page's errors
            raise BrowserError(f"{name} {message.get('cmd')}: {str(e).splitlines()[0]}; {self.errors[-3:]}") from None

    def close(self) -> None:
        for step in (self.browser.close, self.pw.stop, self.server.shutdown, self.server.server_close):
            try:
                step()
            except Exception:  # noqa: BLE001 - closing what is left
                pass


class Place:
    """Where rows run: CPython here, or a worker of the page. ``add`` a preset's net, ``train`` it."""

    def __init__(self, where: str, browser: Browser | None = None, runner: Runner | None = None):
        self.where, self.browser, self.runner = where, browser, runner

    def add(self, row: Row, weights_from=None) -> None:
        if self.runner is not None:
            self.runner.add(row.name, row.preset, SEED)
        elif self.where == "page":
            self.browser.call("page", {"cmd": "add", "name": row.name, "preset": row.preset, "seed": SEED})
        else:
            net = weights_from if weights_from is not None else make_net(row.preset, SEED)
            p = PRESETS[row.preset]
            model = tfjs_model.spec(net, p["eta"], p["lmbda"], MINI_BATCH, EPOCH)
            message = {"cmd": "add", "name": row.name, "spec": model, "weights": tfjs_model.weights(net), "seed": SEED}
            self.browser.call(self.where, message)

    def train(self, row: Row, secs: float) -> tuple[int, float]:
        if self.runner is not None:
            images, took = self.runner.train(row.name, secs)
        else:
            images, took = self.browser.call(self.where, {"cmd": "train", "name": row.name, "seconds": secs})
        return int(images), float(took)

    def profile(self, row: Row, batches: int) -> dict:
        if self.runner is not None:
            return self.runner.profile(row.name, batches)
        return self.browser.call(self.where, {"cmd": "profile", "name": row.name, "batches": batches})


def open_browser_places(browser: Browser, places: list[str]) -> dict[str, Place]:
    out = {}
    if "page" in places:
        browser.start("page", "./static/bench/pyodide-worker.mjs", module=True)
        info = browser.call(
            "page",
            {
                "cmd": "setup",
                "modules": "../../py/worker-modules.zip",
                "core": "./convnet_core.py",
                "data": "../data/mnist-train.npz",
            },
        )
        print(
            f"  page worker: Python {info['python'].split()[0]}, numpy {info['numpy']} on {info['platform']}, "
            f"ready in {info['seconds']:.1f} s",
            flush=True,
        )
        out["page"] = Place("page", browser)
    for backend in ("cpu", "wasm"):
        where = f"tfjs-{backend}"
        if where not in places:
            continue
        browser.start(where, "./static/bench/tfjs-worker.js")
        data = {"images": "./train-images.bin", "labels": "./train-labels.bin"}
        info = browser.call(where, {"cmd": "setup", "backend": backend, "wasmPath": "./tfjs/", "data": data})
        wasm = [u.removeprefix(browser.base) for u in info["fetched"] if u.endswith(".wasm")]
        extra = f", SIMD {info['simd']}, threads {info['threads']}, loaded {wasm}" if backend == "wasm" else ""
        if not info["conv2dTrains"]:
            extra += "; no conv2d gradient kernel here: conv layers run as conv3d over a depth of 1"
        print(f"  {where} worker: TF.js {info['version']}, backend {info['backend']}{extra}", flush=True)
        out[where] = Place(where, browser)
    return out


def check_same_net(places: dict[str, Place], cpython: Runner, test, presets: list[str]) -> list[str]:
    """Each TF.js backend, given the core's weights after a second of training, scores the same
    mean cost on 1,000 test images as the core (float32 against float64)."""
    lines = []
    images, labels = test[0][:1000], test[1][:1000]
    for preset in presets:
        probe = Row("check", preset)
        cpython.add(probe.name, preset, SEED)
        cpython.train(probe.name, 1.0)
        net = cpython.trainers[probe.name].network
        want = net.evaluate(images, labels, scale=SCALE)[0]
        for where, place in places.items():
            if not where.startswith("tfjs"):
                continue
            place.add(probe, weights_from=net)
            data = {"images": "./test-images.bin", "labels": "./test-labels.bin"}
            got = place.browser.call(where, {"cmd": "cost", "name": probe.name, "data": data, "count": 1000})
            diff = abs(got - want) / want
            lines.append(
                f"  {preset:8} {TITLES[where]:11} cost {got:.6f}, core {want:.6f}: relative difference {diff:.1e}"
            )
            if diff > 1e-4:
                raise BrowserError(f"TF.js ({where}) does not compute the core's net: {lines[-1].strip()}")
    return lines


# ------------------------------------------------------------------ the run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Chapter 6's one-conv-pool net: images/s here and in its peers.")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds of every row (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds each row trains per round (default 3)")
    parser.add_argument("--warmup", type=float, default=1.5, help="untimed seconds of each row first (default 1.5)")
    parser.add_argument("--skip-page", action="store_true", help="CPython only (no browser, no TF.js)")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the one-epoch accuracy of the ReLU preset")
    parser.add_argument("--profile", action="store_true", help="profile the worker even if its epoch is fast")
    parser.add_argument("--profile-batches", type=int, default=100, help="mini-batches profiled (default 100)")
    args = parser.parse_args(argv)

    train = load_npz(DATA / "mnist-train.npz")
    test = load_npz(DATA / "mnist-test.npz")
    presets = list(PRESETS)
    print(
        f"Training the one-conv-pool net: {len(train[0]):,} images, mini-batch {MINI_BATCH}, seed {SEED}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
        flush=True,
    )
    cpython = Runner(*train)
    places: dict[str, Place] = {}
    browser = None
    failed = None
    status = 0
    with tempfile.TemporaryDirectory(prefix="nnfs-convnet-") as tmp:
        try:
            if not args.skip_page:
                ensure_peers()
                browser = Browser(site(Path(tmp), train, test))
                places.update(open_browser_places(browser, ["page", "tfjs-cpu", "tfjs-wasm"]))
                print("The TF.js net is the core's net (same weights, same cost on 1,000 test images):")
                print("\n".join(check_same_net(places, cpython, test, presets)), flush=True)
        except (BrowserError, subprocess.CalledProcessError) as e:
            failed, status = str(e), 1
            places = {}
        places["cpython"] = Place("cpython", runner=cpython)
        order = [w for w in ("page", "cpython", "tfjs-cpu", "tfjs-wasm") if w in places]
        rows = rows_for(order, presets)
        samples: dict[Row, list[tuple[int, float]]] = {row: [] for row in rows}
        profiles = {}
        try:
            for row in rows:
                places[row.where].add(row)
                places[row.where].train(row, args.warmup)
            for k in range(max(1, args.repeats)):
                for row in rotated(tuple(rows), k):
                    samples[row].append(places[row.where].train(row, args.seconds))
                print(
                    f"  round {k + 1} of {args.repeats}: "
                    + ", ".join(f"{r.name} {rates(samples[r])[-1]:.0f}" for r in rows),
                    flush=True,
                )
            page_rate = statistics.median(rates(samples.get(Row("page", "relu"), []))) if "page" in places else None
            if page_rate and (args.profile or EPOCH / page_rate > EPOCH_TARGET_SECONDS):
                for preset in presets:
                    for where in ("page", "cpython"):
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
        f"Training speed, one-conv-pool net, mini-batch {MINI_BATCH} (median of {args.repeats} rounds of "
        f"{args.seconds:g} s, rows rotated; ratios: the median of each round's own)"
    )
    print("\n".join(table({r: s for r, s in samples.items() if s})))
    for where in order:
        print(f"  {TITLES[where]:11} {PLACES[where]}")
    print(f"  (load average {os.getloadavg()[0]:.2f} at the end: the machine is shared)")
    for (where, preset), p in profiles.items():
        print()
        print("\n".join(profile_lines(f"Where the time goes, {TITLES[where]}, {preset}", p)))
    if not args.no_accuracy:
        print()
        print("\n".join(one_epoch_accuracy(train, test)))
    if failed:
        print(f"\nBROWSER PART FAILED: {failed}")
    return status


def one_epoch_accuracy(train, test) -> list[str]:
    """The ReLU preset, one epoch of the training images in CPython, scored on the test images."""
    runner = Runner(*train)
    runner.add("epoch", "relu", SEED)
    trainer = runner.trainers["epoch"]
    start = time.perf_counter()
    trainer.train_epoch()
    took = time.perf_counter() - start
    cost, accuracy = trainer.network.evaluate(*test, scale=SCALE)
    return [
        f"ReLU preset (eta = 0.03, lmbda = 0.1), one epoch of {trainer.n:,} images in CPython, seed {SEED}: "
        f"{took:.1f} s; on the {len(test[1]):,} test images: {100 * accuracy:.2f} % (cost {cost:.4f})"
    ]


if __name__ == "__main__":
    sys.exit(main())
