"""The Python modules the page and the workers load, as one zip each (built, not committed).

PyScript copies what ``[files]`` lists into the interpreter's virtual file system, so
``import nnfs.maths.network`` works in the page exactly as in CPython (where ``py/`` is on
the path). Listed one by one, the ~120 modules were as many requests at start-up, queued
with the runtime's own files behind the browser's six connections to a host: start-up took
1.15-1.5x as long as with the ~90 modules of the flat layout (bench/startup.py --compare).
One archive per interpreter is one request, and PyScript unpacks it (``"./x.zip" = "./*"``):

* ``py/page-modules.zip`` (``pyscript.toml``): every module under ``py/`` but ``py/worker/``
  (the workers' entries run only in the workers);
* ``py/worker-modules.zip`` (``worker.toml``: the training worker and the exercise checker):
  the core ``py/nnfs/`` and the pure pictures ``py/pictures/`` (numpy only), so a worker
  never imports anything that touches the page.

The archives are a pure function of the sources (sorted names, fixed dates), git-ignored,
and made by ``./run setup`` (so by ``./run serve`` and ``./run test``); ``tools/serve.py``
remakes one on request when a module changed since, so a developer never runs stale code.

    python tools/bundle.py          # (re)make the archives that are out of date, and the configs
    python tools/bundle.py --check  # exit 1 if an archive or a config is out of date
"""

from __future__ import annotations

import io
import sys
import threading
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "[files]"
PAGE_ZIP, WORKER_ZIP = "py/page-modules.zip", "py/worker-modules.zip"
# The packages the worker may import: the core and the pure numpy pictures (no pyscript/js in either).
WORKER_PACKAGES = ("nnfs/", "pictures/")
_lock = threading.Lock()
_made: dict[tuple[Path, str], tuple] = {}  # (root, archive) -> the sources' stamp when last found up to date


def _all(root: Path = ROOT) -> list[str]:
    return sorted(
        p.relative_to(root / "py").as_posix() for p in (root / "py").rglob("*.py") if "__pycache__" not in p.parts
    )


def modules(root: Path = ROOT) -> list[str]:
    """The page's modules: everything under py/ but the workers' entries."""
    return [m for m in _all(root) if not m.startswith("worker/")]


def worker_modules(root: Path = ROOT) -> list[str]:
    """The workers' modules: the core, and the pure picture code the training worker draws with."""
    return [m for m in _all(root) if m.startswith(WORKER_PACKAGES)]


BUNDLES = {PAGE_ZIP: ("pyscript.toml", modules), WORKER_ZIP: ("worker.toml", worker_modules)}


def archive(root: Path, names: list[str]) -> bytes:
    """The zip of ``names`` (paths under py/), the same bytes for the same sources."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, (root / "py" / name).read_bytes(), compresslevel=9)
    return out.getvalue()


def files_table(bundle: str) -> str:
    comment = "# Every module, in one archive that PyScript unpacks (tools/bundle.py makes it)."
    return f'{MARK}\n{comment}\n"./{bundle}" = "./*"\n'


def config_text(text: str, bundle: str) -> str:
    return text.split(MARK, 1)[0].rstrip() + "\n\n" + files_table(bundle)


def stale(root: Path = ROOT) -> list[str]:
    """What is out of date under ``root``: archives (missing or not the sources' bytes) and configs."""
    found = []
    for bundle, (config, names) in BUNDLES.items():
        path = root / bundle
        if not path.exists() or path.read_bytes() != archive(root, names(root)):
            found.append(bundle)
        text = (root / config).read_text()
        if text != config_text(text, bundle):
            found.append(config)
    return found


def _stamp(root: Path, names: list[str], path: Path) -> tuple:
    """What the archive depends on, cheaply: each source's name, size and time, and the archive's."""
    sources = tuple((n, (st := (root / "py" / n).stat()).st_size, st.st_mtime_ns) for n in names)
    made = path.stat() if path.exists() else None
    return sources, made and (made.st_size, made.st_mtime_ns)


def ensure(root: Path = ROOT, bundle: str | None = None) -> list[str]:
    """Remake what is out of date (only ``bundle``'s archive when given); what was remade.
    An archive found up to date is not read again while no source changes (the local server
    asks on every page load)."""
    made = []
    root = Path(root)
    with _lock:
        for name, (config, names) in BUNDLES.items():
            if bundle is not None and name != bundle:
                continue
            path, listed = root / name, names(root)
            stamp = _stamp(root, listed, path)
            if _made.get((root, name)) != stamp:
                data = archive(root, listed)
                if not path.exists() or path.read_bytes() != data:
                    path.write_bytes(data)
                    made.append(name)
                _made[(root, name)] = _stamp(root, listed, path)
            if bundle is None:
                text = (root / config).read_text()
                if text != config_text(text, name):
                    (root / config).write_text(config_text(text, name))
                    made.append(config)
    return made


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for name in out_of_date:
            print(f"{name} is out of date: run python tools/bundle.py", file=sys.stderr)
        return 1 if out_of_date else 0
    for name in ensure():
        print(f"made {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
