"""MNIST reading: IDX files built here byte by byte, .npz validation, and the real data if prepared."""

import gzip
import io
import struct
from pathlib import Path

import numpy as np
import pytest

from nnfs.data import mnist
from nnfs.data.mnist import as_float, load_npz, read_idx
from tests.conftest import need

DATA = Path(__file__).resolve().parents[4] / "static" / "data"


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """An IDX file written independently of the reader: magic, big-endian sizes, big-endian data."""
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[type_code]
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)


# -- read_idx ------------------------------------------------------------------------


def test_read_idx_images_and_labels(images):
    labels = np.array([7, 2, 1], dtype=np.uint8)
    got_images = read_idx(idx_bytes(images))
    got_labels = read_idx(idx_bytes(labels))
    assert got_images.dtype == np.uint8 and got_images.shape == (3, 28, 28)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_read_idx_magic_numbers_are_the_canonical_ones(images):
    assert int.from_bytes(idx_bytes(images)[:4], "big") == mnist.IDX_IMAGES_MAGIC == 2051
    assert int.from_bytes(idx_bytes(images[0, 0])[:4], "big") == mnist.IDX_LABELS_MAGIC == 2049


def test_read_idx_from_path_and_gzip(tmp_path, images):
    plain, packed = tmp_path / "x-idx3-ubyte", tmp_path / "x-idx3-ubyte.gz"
    plain.write_bytes(idx_bytes(images))
    packed.write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(read_idx(plain), images)
    np.testing.assert_array_equal(read_idx(str(packed)), images)


@pytest.mark.parametrize("type_code", [0x09, 0x0B, 0x0C, 0x0D, 0x0E])
def test_read_idx_other_element_types_are_big_endian(type_code):
    values = np.array([[-3, 0], [5, 100]])
    got = read_idx(idx_bytes(values, type_code))
    np.testing.assert_array_equal(got, values)
    assert got.dtype.byteorder in ("=", "|")  # native, usable without surprises


def test_read_idx_result_is_a_writable_copy(images):
    source = bytearray(idx_bytes(images))
    before = bytes(source)
    got = read_idx(source)
    assert got.flags.writeable
    got[0, 0, 0] = (int(got[0, 0, 0]) + 1) % 256  # no "assignment destination is read-only"
    assert got[0, 0, 0] == (int(images[0, 0, 0]) + 1) % 256
    assert bytes(source) == before  # a copy: writing to it leaves the file's bytes alone
    # From immutable bytes too (np.frombuffer alone would give a read-only view).
    from_bytes = read_idx(idx_bytes(images))
    assert from_bytes.flags.writeable
    from_bytes[-1, -1, -1] = 7
    assert from_bytes[-1, -1, -1] == 7


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda b: b[:3], "too short"),
        (lambda b: b"\x1f\x00" + b[2:], "bad magic number"),
        (lambda b: b"\x00\x01" + b[2:], "bad magic number"),
        (lambda b: b[:2] + b"\x07" + b[3:], "unknown element type"),
        (lambda b: b[:3] + b"\x00" + b[4:], "0 dimensions"),
        (lambda b: b[:10], "truncated: the header"),
        (lambda b: b[:-1], "truncated"),
        (lambda b: b[:100], "truncated"),
        (lambda b: b + b"\x00\x00", "bytes after the data"),
    ],
)
def test_read_idx_rejects_corrupt_files(images, corrupt, message):
    with pytest.raises(ValueError, match=message):
        read_idx(corrupt(idx_bytes(images)))


def test_read_idx_damaged_gzip_and_wrong_argument_type(images):
    with pytest.raises(ValueError, match="damaged gzip"):
        read_idx(gzip.compress(idx_bytes(images))[:50])
    with pytest.raises(ValueError, match="file path or bytes"):
        read_idx(12345)


def test_read_idx_error_names_the_file(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte is not an IDX file"):
        read_idx(path)


# -- load_npz ------------------------------------------------------------------------


def valid_split(n=5):
    rng = np.random.default_rng(1)
    return (rng.integers(0, 256, size=(n, 784), dtype=np.uint8), rng.integers(0, 10, size=n, dtype=np.uint8))


def test_load_npz_round_trip_from_bytes_and_path(tmp_path):
    x, y = valid_split()
    data = npz_bytes(images=x, labels=y)
    path = tmp_path / "split.npz"
    path.write_bytes(data)
    for source in (data, path, str(path)):
        images, labels = load_npz(source)
        assert images.dtype == np.uint8 and labels.dtype == np.uint8
        np.testing.assert_array_equal(images, x)
        np.testing.assert_array_equal(labels, y)


def test_load_npz_accepts_an_empty_split():
    images, labels = load_npz(npz_bytes(images=np.zeros((0, 784), np.uint8), labels=np.zeros(0, np.uint8)))
    assert images.shape == (0, 784) and labels.shape == (0,)


def _single_npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((2, 784), np.uint8))
    return buffer.getvalue()


x5, y5 = valid_split()


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "the file is empty"),
        (b"<!doctype html><p>Not found</p>", "not an .npz .zip. archive; it starts with b'<!doctype"),
        (npz_bytes(images=x5, labels=y5)[:200], "BadZipFile"),
        (_single_npy(), "single .npy array"),
        (npz_bytes(images=x5), "no labels array"),
        (npz_bytes(pixels=x5, digits=y5), "no images or labels array"),
        (npz_bytes(images=x5.astype(np.float32), labels=y5), "expected uint8"),
        (npz_bytes(images=x5, labels=y5.astype(np.int64)), "expected uint8"),
        (npz_bytes(images=x5.reshape(5, 28, 28), labels=y5), r"shape \(N, 784\)"),
        (npz_bytes(images=x5[:, :700], labels=y5), r"shape \(N, 784\)"),
        (npz_bytes(images=x5, labels=y5[:4]), "to match the images"),
        (npz_bytes(images=x5, labels=np.array([0, 1, 2, 3, 10], np.uint8)), "digits 0-9, found 10"),
        (npz_bytes(images=x5, labels=np.array([None] * 5, dtype=object)), "allow_pickle=False"),
    ],
)
def test_load_npz_rejects_invalid_files(data, reason):
    with pytest.raises(ValueError, match="is not a valid MNIST data file: .*" + reason):
        load_npz(data)


def test_load_npz_bit_flip_in_compressed_data_is_detected(tmp_path):
    x, y = valid_split(50)
    data = bytearray(npz_bytes(images=x, labels=y))
    data[len(data) // 3] ^= 0xFF  # inside the deflated images
    path = tmp_path / "mnist-test.npz"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="mnist-test.npz is not a valid MNIST data file"):
        load_npz(path)


def test_load_npz_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_npz(tmp_path / "nope.npz")


def test_as_float_scales_to_unit_interval():
    pixels = np.array([0, 51, 255], dtype=np.uint8)
    got = as_float(pixels)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, [0.0, 0.2, 1.0])
    assert got[2] == 1.0  # 255 * (1/255) is exactly 1
    with pytest.raises(ValueError, match="uint8"):
        as_float(np.array([0.5]))


def test_constants():
    assert mnist.IMAGE_PIXELS == 784 and mnist.N_CLASSES == 10
    assert (mnist.N_TRAIN, mnist.N_VALIDATION, mnist.N_TEST) == (50_000, 10_000, 10_000)
    assert mnist.SCALE == 1 / 255
    assert set(mnist.SPLIT_FILES) == set(mnist.SPLIT_SIZES) == {"train", "validation", "test"}


# -- the real data, when tools/prepare_mnist.py has been run ---------------------------


def _real(split):
    path = DATA / mnist.SPLIT_FILES[split]
    need(path.exists(), f"{path} not prepared (run `python tools/prepare_mnist.py`)")
    return load_npz(path)


# md5 of the canonical, decompressed MNIST IDX files (Y. LeCun, C. Cortes, C. Burges),
# as published with the data set; written here, not imported from the tool that checks them.
CANONICAL_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


def _md5(images_or_labels: np.ndarray) -> str:
    """md5 of the IDX file these uint8 arrays came from, rebuilt byte for byte."""
    import hashlib

    return hashlib.md5(idx_bytes(images_or_labels)).hexdigest()


def test_real_test_set_is_canonical():
    """Every pixel and label the app reads is MNIST's: the IDX files rebuilt from the
    prepared split have the canonical files' md5 (a label count could not tell)."""
    images, labels = _real("test")
    assert images.shape == (10_000, 784)
    assert _md5(images.reshape(-1, 28, 28)) == CANONICAL_MD5["t10k-images-idx3-ubyte"]
    assert _md5(labels) == CANONICAL_MD5["t10k-labels-idx1-ubyte"]


def test_real_train_and_validation_are_the_books_split():
    train_images, train_labels = _real("train")
    validation_images, validation_labels = _real("validation")
    assert train_images.shape == (50_000, 784) and validation_images.shape == (10_000, 784)
    # The first 50,000 canonical training images, then the last 10,000, in order:
    # together the canonical training files exactly.
    images = np.concatenate([train_images, validation_images]).reshape(-1, 28, 28)
    assert _md5(images) == CANONICAL_MD5["train-images-idx3-ubyte"]
    assert _md5(np.concatenate([train_labels, validation_labels])) == CANONICAL_MD5["train-labels-idx1-ubyte"]


def test_expanded_training_set_is_each_image_then_its_four_one_pixel_shifts():
    from nnfs.data.mnist import expand_by_shifts

    image = np.zeros((28, 28), dtype=np.uint8)
    image[0, 5], image[10, 0], image[27, 27], image[13, 14] = 1, 2, 3, 4
    X, y = expand_by_shifts(image.reshape(1, 784), np.array([7]))
    assert X.shape == (5, 784) and X.dtype == np.uint8 and list(y) == [7] * 5
    got = X.reshape(5, 28, 28)
    assert np.array_equal(got[0], image)
    # Moved one pixel down, up, right, left: what crosses the edge is gone, the new edge is blank.
    for k, (dy, dx) in enumerate(((1, 0), (-1, 0), (0, 1), (0, -1)), start=1):
        want = np.zeros((28, 28), dtype=np.uint8)
        for (r, c), v in ((rc, image[rc]) for rc in zip(*np.nonzero(image))):
            if 0 <= r + dy < 28 and 0 <= c + dx < 28:
                want[r + dy, c + dx] = v
        assert np.array_equal(got[k], want), (dy, dx)
    X3, _ = expand_by_shifts(np.stack([image, image.T]), np.array([1, 2]))
    assert X3.shape == (10, 28, 28) and np.array_equal(X3[5], image.T)
    with pytest.raises(ValueError, match="N labels"):
        expand_by_shifts(image.reshape(1, 784), np.array([1, 2]))
