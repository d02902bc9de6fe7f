"""tools/bundle.py: the modules' archives are the sources, byte for byte, and follow them."""

from __future__ import annotations

import shutil
import time
import zipfile
from io import BytesIO
from pathlib import Path

import bundle
import serve

ROOT = Path(__file__).resolve().parents[3]


def copy_of_the_tree(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "py", site / "py", ignore=shutil.ignore_patterns("__pycache__", "*.zip"))
    for config in ("pyscript.toml", "worker.toml"):
        shutil.copy(ROOT / config, site / config)
    return site


def test_an_archive_is_a_pure_function_of_the_sources(tmp_path):
    names = bundle.modules()
    first = bundle.archive(ROOT, names)
    time.sleep(0.01)
    assert bundle.archive(ROOT, names) == first  # no dates or order of the moment in it
    with zipfile.ZipFile(BytesIO(first)) as z:
        assert z.namelist() == names
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.read("nnfs/maths/network.py") == (ROOT / "py/nnfs/maths/network.py").read_bytes()


def test_the_worker_archive_holds_the_core_and_the_pictures_only():
    names = bundle.worker_modules()
    assert names and all(n.startswith(("nnfs/", "pictures/")) for n in names)
    assert "app/shell/main.py" not in names and "nnfs/runs/remote.py" in names


def test_ensure_makes_what_is_missing_then_only_what_changed(tmp_path):
    site = copy_of_the_tree(tmp_path)
    assert sorted(bundle.stale(site)) == sorted(bundle.BUNDLES)  # no archives yet
    assert set(bundle.ensure(site)) >= set(bundle.BUNDLES)
    assert bundle.stale(site) == [] and bundle.ensure(site) == []
    changed = site / "py/nnfs/maths/rng.py"
    changed.write_text(changed.read_text() + "\n# changed\n")
    assert bundle.stale(site) == [bundle.PAGE_ZIP, bundle.WORKER_ZIP]  # the core is in both
    assert bundle.ensure(site, bundle.PAGE_ZIP) == [bundle.PAGE_ZIP]
    with zipfile.ZipFile(site / bundle.PAGE_ZIP) as z:
        assert z.read("nnfs/maths/rng.py").endswith(b"# changed\n")


def test_a_config_that_lists_files_one_by_one_is_rewritten(tmp_path):
    site = copy_of_the_tree(tmp_path)
    config = site / "pyscript.toml"
    config.write_text(
        config.read_text().split("[files]")[0] + '[files]\n"./py/app/shell/main.py" = "./app/shell/main.py"\n'
    )
    assert "pyscript.toml" in bundle.stale(site)
    bundle.ensure(site)
    assert config.read_text().endswith('"./py/page-modules.zip" = "./*"\n')
    assert bundle.stale(site) == []


def test_the_server_remakes_an_archive_whose_sources_changed(tmp_path):
    site = copy_of_the_tree(tmp_path)
    bundle.ensure(site)
    module = site / "py/app/shell/main.py"
    module.write_text(module.read_text() + "\n# edited while the server runs\n")
    httpd = serve.make_server(site, 0, quiet=True)
    try:
        path = httpd.resolve("/py/page-modules.zip")
        assert path is not None and path.name == "page-modules.zip"
        with zipfile.ZipFile(path) as z:
            assert z.read("app/shell/main.py").endswith(b"# edited while the server runs\n")
    finally:
        httpd.server_close()
