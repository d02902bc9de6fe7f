"""Run inside Pyodide by bench/layout.html (and in CPython by bench/layout.py):
one epoch of [784, 100, 10] at mini-batch 100, and of the chapter 1 network
[784, 30, 10] at mini-batch 10, with the page's contiguous layout on and off,
alternating.

Not part of the app: the benchmark page loads it with the core's modules.
"""

import json
import time

import numpy as np

from nnfs.maths import linalg
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer

ROWS = 10_000  # one timed "epoch" (the per-50,000 figure is 5x, the work being linear in rows)
REPEATS = 3


CASES = {"[784, 100, 10], mini-batch 100": ([784, 100, 10], 100), "[784, 30, 10], mini-batch 10": ([784, 30, 10], 10)}


def one_epoch(contiguous: bool, sizes=(784, 100, 10), batch=100):
    linalg.CONTIGUOUS = contiguous
    rng = np.random.default_rng(1)
    X = rng.integers(0, 256, (ROWS, 784)).astype(np.uint8)
    y = rng.integers(0, 10, ROWS)
    net = Network(list(sizes), cost="cross-entropy", init="scaled", seed=0)
    trainer = Trainer(net, X, y, mini_batch_size=batch, eta=0.5, lmbda=5.0, scale=1 / 255, seed=0)
    t0 = time.perf_counter()
    trainer.train_epoch()
    seconds = time.perf_counter() - t0
    return seconds, [float(w.sum()) for w in net.weights]


def run_cases() -> dict:
    """{case: {"times": {"matmul": [...], "contiguous": [...]}, "sums": {...}}}"""
    out = {}
    for case, (sizes, batch) in CASES.items():
        times, sums = {"matmul": [], "contiguous": []}, {}
        for _ in range(REPEATS):
            for name, flag in (("matmul", False), ("contiguous", True)):
                seconds, sums[name] = one_epoch(flag, sizes, batch)
                times[name].append(seconds)
        out[case] = {"rows": ROWS, "times": times, "sums": sums}
    return out


def main() -> str:
    return json.dumps(run_cases())
