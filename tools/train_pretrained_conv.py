"""Train the pretrained convolutional net that the Chapter 6 lab and the Digits pad ship:
static/models/pretrained-conv.json.

    python tools/train_pretrained_conv.py                 # train (about 20 minutes on one core), write the file
    python tools/train_pretrained_conv.py --if-missing    # do nothing if the file is already this recipe
    python tools/train_pretrained_conv.py --epochs 4 --seed 0 [--out PATH]

The recipe is the book's chapter 6 ReLU net on the expanded training data (Nielsen, *Neural
Networks and Deep Learning*, ch. 6; ``nnfs.labs.chapter6.ladder.LADDER["expanded"]``): two
conv-pool layers (20 then 40 filters 5x5, max-pooling 2x2, ReLU), 100 ReLU neurons, a
softmax output, the log-likelihood cost, mini-batches of 10, η = 0.03, λ = 0.1 (network3's
L2), on the 50,000 training images each with its four one-pixel shifts (250,000 an epoch).
The book trains it for 60 epochs on a GPU (99.37 %); a few epochs here pass the 99.2 % this
file promises. It is the Chapter 6 lab's run of that rung with the same settings (all
50,000 images, the given epochs and seed): ``nnfs.labs.chapter6.session.build_session``
builds both, so the lab's run of them is this very network. The network after the last
epoch is shipped (no picking the best epoch on the test set).

Reproducible as ``tools/train_pretrained.py`` is (see there): one seed drives the initial
weights, the dropout masks and the order of the examples; the same seed, data and numpy
give the same file byte for byte on one machine (the script asks numpy's BLAS for one
thread, ``OPENBLAS_NUM_THREADS=1``, so a machine's core count cannot change the order of
the sums). Weights are rounded to 7 significant digits; the accuracy written
in ``meta`` is measured on the rounded net, reloaded from the very text written, by the
project's own forward pass.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: one order of sums


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "tools"))

from train_pretrained import (  # noqa: E402
    DATA,
    SIGNIFICANT_DIGITS,
    make,
    provenance,
    round_significant,
    write_model,
)

from nnfs.data.mnist import SCALE, SPLIT_FILES, load_npz  # noqa: E402
from nnfs.labs.chapter6 import ladder  # noqa: E402
from nnfs.labs.chapter6.session import build_session, read  # noqa: E402
from nnfs.models.convnet_io import from_json, layer_dict, to_json  # noqa: E402

OUT = ROOT / "static" / "models" / "pretrained-conv.json"
RUNG = "expanded"
DEFAULT_EPOCHS = 6
DEFAULT_SEED = 0
MIN_TEST_ACCURACY = 0.992


def settings(epochs: int, seed: int) -> dict:
    """The Chapter 6 lab's settings of this run (its form's names)."""
    rung = ladder.LADDER[RUNG]
    return read(
        {
            "rung": RUNG,
            "images": 50_000,
            "epochs": epochs,
            "eta": rung.eta,
            "l2": rung.lmbda,
            "batch": ladder.BOOK_MINI_BATCH,
            "seed": seed,
            "scored": 10_000,
        }
    )


def recipe(epochs: int, seed: int) -> dict:
    """Everything that determines the trained network (what --if-missing compares)."""
    return {
        "rung": RUNG,
        "layers": [layer_dict(layer) for layer in ladder.LADDER[RUNG].layers],
        "settings": settings(epochs, seed),
        "epochs": epochs,
        "seed": seed,
        "training_images": 250_000,
        "significant_digits": SIGNIFICANT_DIGITS,
    }


def command(epochs: int, seed: int) -> str:
    return f"python tools/train_pretrained_conv.py --epochs {epochs} --seed {seed}"


def train(epochs: int, seed: int, out: Path, log=print) -> dict:
    """Train, write ``out``, return its meta."""
    paths = {split: DATA / SPLIT_FILES[split] for split in ("train", "validation", "test")}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise FileNotFoundError("MNIST data missing (run `./run setup`): " + ", ".join(missing))
    train_set, validation, test = (load_npz(paths[s]) for s in ("train", "validation", "test"))
    session = build_session(settings(epochs, seed), train_set, validation, test)
    net = session.network
    log(f"training the {RUNG!r} rung: {ladder.LADDER[RUNG].title}; {epochs} epochs, seed {seed}")
    start = time.perf_counter()
    seen = 1
    while True:
        stop = session.run(60.0)
        for k in range(seen, len(session.history["epoch"])):
            h = session.history
            log(
                f"  epoch {h['epoch'][k]:2d}  validation {h['validation_acc'][k]:.4f}  "
                f"test {h['test_acc'][k]:.4f}  ({h['seconds'][k]:.0f} s of training so far)"
            )
        seen = len(session.history["epoch"])
        if stop is not None:
            break
    if stop.problem:
        raise RuntimeError(f"training stopped: {stop.text}")
    train_seconds = time.perf_counter() - start
    history = [
        {"epoch": e, "validation_accuracy": round(v, 4), "test_accuracy": round(t, 4)}
        for e, v, t in zip(session.history["epoch"], session.history["validation_acc"], session.history["test_acc"])
    ][1:]

    net.weights = [round_significant(w) for w in net.weights]
    net.biases = [round_significant(b) for b in net.biases]
    shipped = from_json(to_json(net, meta={}))
    Xv, yv = validation
    Xt, yt = test
    meta = {
        "about": "The pretrained convolutional net (made by tools/train_pretrained_conv.py).",
        "recipe": recipe(epochs, seed),
        "rung": RUNG,
        "seed": seed,
        "epochs": epochs,
        "validation_accuracy": shipped.accuracy(Xv, yv, scale=SCALE),
        "test_accuracy": shipped.accuracy(Xt, yt, scale=SCALE),
        "history": history,
        "command": command(epochs, seed),
        **provenance(paths["train"]),
    }
    write_model(out, to_json(net, meta=meta), meta, train_seconds, log)
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, help=f"epochs (default {DEFAULT_EPOCHS})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--if-missing", action="store_true", help="do nothing if the output is already this recipe")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.seed < 0:
        parser.error("--epochs must be >= 1 and --seed >= 0")
    return make(args, recipe(args.epochs, args.seed), train, MIN_TEST_ACCURACY, load=from_json)


if __name__ == "__main__":
    sys.exit(main())
