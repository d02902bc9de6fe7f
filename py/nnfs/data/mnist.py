"""MNIST: reading the canonical IDX files and the app's compact ``.npz`` splits.

The setup step (``tools/prepare_mnist.py``) turns the four IDX files once into
three files under ``static/data/`` that the page fetches:

    mnist-train.npz        the first 50,000 training images (the book's training set)
    mnist-validation.npz   the last 10,000 training images  (the book's validation set)
    mnist-test.npz         the 10,000 test images

Each holds ``images`` (uint8, shape (N, 784), one 28x28 image per row, ink =
high values) and ``labels`` (uint8, shape (N,), digits 0-9).

The data stays uint8 here: 50,000 images are 39 MB as uint8 but 314 MB as
float64, too much to hold in a browser tab. Callers scale one mini-batch at a
time, ``x = images[batch] * SCALE`` (or ``as_float(images[batch])``), which
gives the book's inputs in [0, 1].

Both readers accept a path or the file's bytes, because in the page the data
arrives as bytes from ``fetch`` rather than from a file system.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import zipfile
import zlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE  # 784 inputs to the network
N_CLASSES = 10

N_TRAIN = 50_000
N_VALIDATION = 10_000
N_TEST = 10_000

# Multiply uint8 pixels by this to get intensities in [0, 1].
SCALE = 1.0 / 255.0

# File names of the three splits, relative to the data directory (static/data/).
SPLIT_FILES = {
    "train": "mnist-train.npz",
    "validation": "mnist-validation.npz",
    "test": "mnist-test.npz",
}
SPLIT_SIZES = {"train": N_TRAIN, "validation": N_VALIDATION, "test": N_TEST}

# IDX magic numbers are 0x0000 <type code> <number of dimensions>.
# The type code says how each element is stored (always big-endian).
# What the readers take: a file path, or the file's contents.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview

_IDX_TYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IDX_IMAGES_MAGIC = 0x00000803  # 2051: uint8, 3 dimensions (N, 28, 28)
IDX_LABELS_MAGIC = 0x00000801  # 2049: uint8, 1 dimension (N,)


def _read_source(path_or_bytes: Source) -> tuple[bytes, str]:
    """Return (contents, a name for error messages) for a path or a bytes-like object."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), "the given bytes"
    if isinstance(path_or_bytes, (str, os.PathLike)):
        with open(path_or_bytes, "rb") as f:
            return f.read(), str(path_or_bytes)
    raise ValueError(f"expected a file path or bytes, got {type(path_or_bytes).__name__}")


def read_idx(path_or_bytes: Source) -> NDArray[Any]:
    """Read an IDX file (the format MNIST is distributed in) into a numpy array.

    The header is a magic number ``00 00 TT DD`` (TT: element type, DD: number
    of dimensions), then DD big-endian uint32 sizes, then the data. Gzipped
    files (``*.gz``, as on LeCun's site) are decompressed first. The result
    has the file's shape and a native-endian dtype: uint8 for MNIST.

    Raises ValueError if the file is not IDX, or is truncated or too long.
    """
    data, name = _read_source(path_or_bytes)
    if data[:2] == b"\x1f\x8b":  # gzip's own magic number
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise ValueError(f"{name} is a damaged gzip file: {e}") from None

    if len(data) < 4:
        raise ValueError(f"{name} is not an IDX file: only {len(data)} bytes, too short for a header")
    if data[0] != 0 or data[1] != 0:
        raise ValueError(
            f"{name} is not an IDX file: bad magic number 0x{data[:4].hex()} (IDX files start with two zero bytes)"
        )
    type_code, ndim = data[2], data[3]
    if type_code not in _IDX_TYPES:
        raise ValueError(f"{name} is not an IDX file: unknown element type 0x{type_code:02x} in magic number")
    if ndim == 0:
        raise ValueError(f"{name} is not an IDX file: magic number says 0 dimensions")

    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{name} is truncated: the header needs {header_size} bytes, the file has {len(data)}")
    shape = tuple(int(n) for n in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_TYPES[type_code]
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) < expected:
        raise ValueError(
            f"{name} is truncated: header says shape {shape}, which needs {expected} bytes, "
            f"but the file has {len(data)}"
        )
    if len(data) > expected:
        raise ValueError(
            f"{name} is not a valid IDX file: {len(data) - expected} bytes after the data for shape {shape}"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    # Native byte order, and a writable copy that does not pin the file's bytes.
    return array.astype(dtype.newbyteorder("="))


def load_npz(path_or_bytes: Source) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """Load one of the app's MNIST splits: ``(images, labels)``.

    ``images`` is uint8 with shape (N, 784), ``labels`` uint8 with shape (N,)
    and values 0-9. Scale images per mini-batch with ``SCALE`` (see module
    docstring). A missing file raises FileNotFoundError; anything else wrong
    raises ValueError("... is not a valid MNIST data file: ...").
    """
    data, name = _read_source(path_or_bytes)

    def invalid(reason: str) -> ValueError:
        return ValueError(f"{name} is not a valid MNIST data file: {reason}")

    # np.load's own errors ("File is not a zip file", "cannot load file
    # containing pickled data", a bad CRC, ...) are kept and prefixed with ours.
    unreadable = (ValueError, zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError)
    # Check the kind of file first: np.load would take any other bytes for a
    # pickle and say so, which is confusing for, say, an HTML error page.
    if not data:
        raise invalid("the file is empty")
    if data.startswith(b"\x93NUMPY"):
        raise invalid("it holds a single .npy array, not an .npz archive of images and labels")
    if not data.startswith(b"PK"):
        raise invalid(f"it is not an .npz (zip) archive; it starts with {data[:16]!r}")
    try:
        loaded = np.load(io.BytesIO(data), allow_pickle=False)
    except unreadable as e:
        raise invalid(f"{type(e).__name__}: {e}") from None
    try:
        with loaded as npz:
            found = list(npz.files)
            arrays = {key: npz[key] for key in ("images", "labels") if key in found}
    except unreadable as e:
        raise invalid(f"{type(e).__name__}: {e}") from None
    missing = [key for key in ("images", "labels") if key not in arrays]
    if missing:
        raise invalid(f"no {' or '.join(missing)} array (found: {', '.join(found) or 'none'})")
    images, labels = arrays["images"], arrays["labels"]

    if images.dtype != np.uint8 or labels.dtype != np.uint8:
        raise invalid(f"expected uint8 images and labels, got {images.dtype} and {labels.dtype}")
    if images.ndim != 2 or images.shape[1] != IMAGE_PIXELS:
        raise invalid(f"images must have shape (N, {IMAGE_PIXELS}), got {images.shape}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise invalid(f"labels must have shape ({images.shape[0]},) to match the images, got {labels.shape}")
    if labels.size and labels.max() >= N_CLASSES:
        raise invalid(f"labels must be digits 0-9, found {int(labels.max())}")
    return images, labels


def load_split_bytes(
    split: str, data: bytes | bytearray | memoryview, manifest: dict[str, Any] | None = None
) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """One split's ``.npz`` bytes, checked and loaded: ``(images, labels)``.

    ``manifest`` is the ``files`` table of ``static/data/MANIFEST.json``
    (written by tools/prepare_mnist.py): when it lists the file, its sha256 must
    match, so a damaged or half-written download is caught before it is read.
    The page's loader and the training worker both load through here. A
    ValueError says what is wrong (damaged, or not an MNIST file at all).
    """
    name = SPLIT_FILES[split]
    data = bytes(data)
    want = ((manifest or {}).get(name) or {}).get("sha256")
    if want and hashlib.sha256(data).hexdigest() != want:
        raise ValueError(
            f"{name} arrived damaged (its sha256 sum does not match "
            "static/data/MANIFEST.json). Retry, or run the set-up again."
        )
    return load_npz(data)


def as_float(images: NDArray[Any]) -> NDArray[np.float64]:
    """uint8 pixels (any shape) -> float64 intensities in [0, 1]; for one mini-batch at a time."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {images.dtype}")
    return images * SCALE


SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))  # (rows, columns): down, up, right, left


def expand_by_shifts(images: NDArray[Any], labels: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """The book's expanded training set (chapter 6, ``expand_mnist.py``): every image followed
    by four copies of it moved one pixel down, up, right and left (the row or column that comes
    in is blank), each with the image's label. 50,000 images become 250,000 (uint8 stays uint8,
    so it costs 196 MB less than float64 would)."""
    images, labels = np.asarray(images), np.asarray(labels)
    flat = images.ndim == 2
    if flat:
        images = images.reshape(len(images), IMAGE_SIDE, IMAGE_SIDE)
    if images.ndim != 3 or len(labels) != len(images):
        raise ValueError(f"expected (N, 28, 28) or (N, 784) images and N labels; got {images.shape}, {labels.shape}")
    n, h, w = images.shape
    out = np.zeros((n, 1 + len(SHIFTS), h, w), dtype=images.dtype)
    out[:, 0] = images
    for k, (dy, dx) in enumerate(SHIFTS, start=1):
        src = images[:, max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
        out[:, k, max(0, dy) : h - max(0, -dy), max(0, dx) : w - max(0, -dx)] = src
    out = out.reshape(n * (1 + len(SHIFTS)), h, w)
    return (out.reshape(len(out), -1) if flat else out), np.repeat(labels, 1 + len(SHIFTS))
