"""Offline after the first visit, and updates (sw.js + py/app/shell/offline.py).

Each test has its own browser context (its own service worker and caches) and its
own server, which it stops or changes under the page, as a real deployment would.
"""

from __future__ import annotations

from ..conftest import need
from .conftest import READY_TIMEOUT_MS, ROOT, start_server
from .smoke import digits_trains, every_lab_opens_and_draws
from .test_startup import copy_site

DATA = ROOT / "static" / "data"

# The cache names and, for the current version, the paths it holds.
CACHES = """async () => {
  const names = await caches.keys();
  const out = {};
  for (const name of names) {
    const keys = await (await caches.open(name)).keys();
    out[name] = keys.map((r) => new URL(r.url).pathname.replace(/^\\//, ""));
  }
  return out;
}"""


def open_page(context, url: str):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
    page.goto(url)
    wait_ready(page)
    return page


def wait_ready(page):
    page.wait_for_function("document.documentElement.dataset.ready", timeout=READY_TIMEOUT_MS)
    assert page.evaluate("document.documentElement.dataset.ready") == "true", page.inner_text("#fatal")
    page.wait_for_function("document.documentElement.dataset.labsReady", timeout=READY_TIMEOUT_MS)


def wait_offline(page, *states):
    page.wait_for_function(f"{list(states)!r}.includes(document.documentElement.dataset.offline)", timeout=120_000)
    return page.evaluate("document.documentElement.dataset.offline")


def test_second_visit_with_the_server_stopped_opens_every_lab_and_trains(browser):
    need((DATA / "mnist-train.npz").exists(), "MNIST data not prepared (./run setup)")
    srv = start_server(ROOT)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = open_page(context, srv.url)
        # The first visit: the shell is kept, and the data files as the Digits lab fetches them.
        digits_trains(page)
        assert wait_offline(page, "ready", "current") == "ready"
        assert "works offline" in page.inner_text("#offline-status")
        page.wait_for_function(
            """async () => {
            const c = await caches.keys();
            const v = c.find((n) => n !== "nnfs-meta");
            const keys = v ? (await (await caches.open(v)).keys()).map((r) => r.url) : [];
            return ["mnist-train.npz", "mnist-validation.npz", "mnist-test.npz", "pretrained.json"]
              .every((f) => keys.some((u) => u.endsWith("/" + f)));
        }""",
            timeout=60_000,
        )
        srv.stop()

        responses = []
        page.on("response", lambda r: responses.append(r) if r.url.startswith("http") else None)
        page.reload()
        wait_ready(page)
        every_lab_opens_and_draws(page)
        digits_trains(page)
        assert wait_offline(page, "offline", "current") == "offline"
        assert responses, "no responses seen"
        # Every answer came from the service worker (the server is gone: nothing reached it).
        assert all(r.from_service_worker for r in responses), [r.url for r in responses if not r.from_service_worker]
        # The training worker (its own Pyodide, numpy and modules) starts from the cache too.
        page.wait_for_function("document.documentElement.dataset.worker !== 'starting'", timeout=120_000)
        assert page.evaluate("document.documentElement.dataset.worker") == "ready"
        assert not page.errors, page.errors
    finally:
        context.close()


def _deploy(site, marker: str):
    """A new version: a changed page and a changed Python module, deployed together."""
    html = site / "index.html"
    html.write_text(html.read_text().replace("in your browser, in Python —", f"in your browser, in Python {marker} —"))
    main = site / "py" / "app" / "shell" / "main.py"
    main.write_text(main.read_text().replace('f"the page was ready', f'f"{marker}: the page was ready'))


def _versions(page):
    return page.inner_text(".tagline"), page.inner_text("#runtime-info")


def test_a_new_version_runs_from_the_second_load_after_deploying_never_mixed(browser, tmp_path):
    site = copy_site(tmp_path)
    srv = start_server(site)
    context = browser.new_context()
    try:
        page = open_page(context, srv.url)
        assert wait_offline(page, "ready") == "ready"
        assert page.is_hidden("#update-ready")
        _deploy(site, "v2")

        page.reload()  # runs the old version, finds the new one
        wait_ready(page)
        tagline, info = _versions(page)
        assert "v2" not in tagline and "v2" not in info
        assert wait_offline(page, "update-ready") == "update-ready"
        assert page.is_visible("#update-ready")
        assert "new version" in page.inner_text("#update-ready")

        page.click("#update-reload")  # the second load: the new version, whole
        wait_ready(page)
        tagline, info = _versions(page)
        assert "Python v2 —" in tagline and info.startswith("Python") and "v2: the page was ready" in info
        assert wait_offline(page, "current") == "current"
        assert page.is_hidden("#update-ready")
        caches = page.evaluate(CACHES)
        versions = [n for n in caches if n != "nnfs-meta"]
        assert len(versions) == 1, caches  # the old version's cache is gone
        html = page.evaluate(f"""async () => (await (await caches.open({versions[0]!r}))
            .match(new URL("index.html", location.href))).text()""")
        assert "Python v2 —" in html
        assert not page.errors, page.errors
    finally:
        context.close()
        srv.stop()


def test_no_switch_while_another_tab_runs_the_old_version(browser, tmp_path):
    site = copy_site(tmp_path)
    srv = start_server(site)
    context = browser.new_context()
    try:
        first = open_page(context, srv.url)
        wait_offline(first, "ready")
        _deploy(site, "v2")
        other = open_page(context, srv.url)  # old version; finds the new one
        assert wait_offline(other, "update-ready") == "update-ready"
        other.reload()  # the first tab is still open on the old version: no switch yet
        wait_ready(other)
        assert "v2" not in _versions(other)[0]
        first.close()
        other.reload()  # alone now: the new version
        wait_ready(other)
        assert "Python v2 —" in _versions(other)[0]
    finally:
        context.close()
        srv.stop()


def test_kept_data_is_no_update_and_a_damaged_copy_is_caught_like_a_damaged_download(browser):
    """The page checks data files against their sha256 wherever they come from: a copy in
    the service worker's cache that no longer matches is reported, not used."""
    need((DATA / "mnist-test.npz").exists(), "MNIST data not prepared (./run setup)")
    srv = start_server(ROOT)
    context = browser.new_context()
    try:
        page = open_page(context, srv.url)
        page.click("#nav a[data-lab='digits']")
        page.wait_for_function("document.getElementById('dg-data').dataset.state === 'ready'", timeout=60_000)
        wait_offline(page, "ready")
        page.wait_for_function(
            """async () => {
            const v = (await caches.keys()).find((n) => n !== "nnfs-meta");
            return v && !!(await (await caches.open(v)).match(new URL("static/data/mnist-test.npz", location.href)));
        }""",
            timeout=60_000,
        )
        # Kept data files are no change of the site: the next visit is "current", no update.
        page.reload()
        wait_ready(page)
        assert wait_offline(page, "current", "update-ready") == "current"
        # Damage the kept copy: same length, some bytes changed.
        page.evaluate("""async () => {
            const v = (await caches.keys()).find((n) => n !== "nnfs-meta");
            const cache = await caches.open(v);
            const url = new URL("static/data/mnist-test.npz", location.href);
            const body = new Uint8Array(await (await cache.match(url)).arrayBuffer());
            for (let i = 1000; i < body.length; i += 4096) body[i] ^= 0xff;
            await cache.put(url, new Response(body, {headers: {"Content-Type": "application/octet-stream",
                                                               "Content-Length": String(body.length)}}));
        }""")
        srv.stop()
        page.reload()
        wait_ready(page)
        page.click("#nav a[data-lab='digits']")
        page.wait_for_function("document.getElementById('dg-data').dataset.state === 'failed'", timeout=60_000)
        message = page.inner_text("#dg-load-message")
        assert "Test set" in message and ("damaged" in message or "not a valid MNIST" in message), message
    finally:
        context.close()


# Issue 21, item 6a. Found in Firefox: offline after a first visit that opened neither Digits nor
# Write it yourself, the checker did not start (its worker's file was not kept) and Digits failed
# on a rejected respondWith. Every code file is kept at the first visit; data files the labs fetch
# on first use are kept then, or all at once with "Keep the data for offline use"; offline, a lab
# that needs one that was not kept says so.

MODELS = ROOT / "static" / "models"
NOT_DATA = ("static/data/", "static/models/")
KEEP_LINE = "document.getElementById('keep-data-line')"


def code_files() -> set[str]:
    """Every file the app or its workers can fetch, found without sw.js's own list: the files
    under static/ (but the data), each worker's entry script under py/worker/, the module
    archives the two configs name, the manifest's icons, and every "./…" path written in
    index.html, the page's JavaScript and the app's Python (the workers' src and configs)."""
    import json
    import re
    import tomllib

    files = {"index.html", "manifest.webmanifest", "pyscript.toml", "worker.toml"}
    files |= {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "static").rglob("*")
        if p.is_file() and not p.relative_to(ROOT).as_posix().startswith(NOT_DATA)
    }
    files |= {f"py/worker/{p.name}" for p in (ROOT / "py" / "worker").glob("*.py") if p.name != "__init__.py"}
    for config in ("pyscript.toml", "worker.toml"):
        files |= {name.removeprefix("./") for name in tomllib.loads((ROOT / config).read_text())["files"]}
    manifest = json.loads((ROOT / "manifest.webmanifest").read_text())
    files |= {icon["src"].removeprefix("./") for icon in manifest["icons"]}
    sources = [ROOT / "index.html", *(ROOT / "static" / "js").glob("*.js"), *(ROOT / "py" / "app").rglob("*.py")]
    for source in sources:
        for path in re.findall(r"[\"']\./([\w./-]+\.[a-z]+)[\"']", source.read_text()):
            if path != "sw.js" and not path.startswith(NOT_DATA):
                files.add(path)
    assert {"py/worker/trainer.py", "py/worker/checker.py", "py/worker-modules.zip"} <= files
    missing_on_disk = sorted(f for f in files if not (ROOT / f).is_file())
    assert not missing_on_disk, missing_on_disk
    return files


def data_on_disk() -> dict[str, int]:
    """The data files the site serves (static/data, static/models) and their sizes in bytes."""
    need((DATA / "mnist-train.npz").exists(), "MNIST data not prepared (./run setup)")
    return {
        p.relative_to(ROOT).as_posix(): p.stat().st_size for d in (DATA, MODELS) for p in d.iterdir() if p.is_file()
    }


def kept(page) -> list[str]:
    """The paths the current versioned cache holds."""
    caches = page.evaluate(CACHES)
    versions = [n for n in caches if n != "nnfs-meta"]
    assert len(versions) == 1, caches
    return caches[versions[0]]


def test_the_first_visit_keeps_every_file_the_app_and_its_workers_can_fetch(browser):
    srv = start_server(ROOT)
    context = browser.new_context()
    try:
        page = open_page(context, srv.url)
        assert wait_offline(page, "ready") == "ready"
        missing = sorted(code_files() - set(kept(page)))
        assert not missing, f"not kept for offline use: {missing}"
        assert not page.errors, page.errors
    finally:
        context.close()
        srv.stop()


def test_offline_after_a_first_visit_to_the_start_page_the_checker_runs_and_digits_says_what_is_missing(browser):
    from playwright.sync_api import expect

    from nnfs.labs.exercises import catalogue as exercises

    data = data_on_disk()
    srv = start_server(ROOT)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = open_page(context, srv.url)
        assert wait_offline(page, "ready") == "ready"
        page.wait_for_function(f"{KEEP_LINE}.dataset.state === 'status'")
        assert page.is_visible("#keep-data")  # online, nothing kept yet: offered
        line = page.inner_text("#keep-data-status")
        assert "Not kept yet: " in line, line
        # how much it is to download: the npz files as they are, the JSON ones compressed or not
        to_fetch = float(line.split(" MB to download")[0].rsplit("(", 1)[1])
        npz = sum(n for p, n in data.items() if p.endswith(".npz"))
        assert npz / 1e6 - 0.05 <= to_fetch <= sum(data.values()) / 1e6 + 0.05, line
        srv.stop()

        page.reload()
        wait_ready(page)
        assert wait_offline(page, "offline") == "offline"
        page.wait_for_function(f"{KEEP_LINE}.dataset.state === 'status'")
        line = page.inner_text("#keep-data-status")
        assert line.startswith("Not kept for offline use: ") and page.is_hidden("#keep-data"), line
        for path in data:
            assert path.rsplit("/", 1)[1] in line, (path, line)

        # Write it yourself: the checker worker starts from the browser's copy and checks.
        key = next(iter(exercises.BY_KEY))
        page.click("#nav a[data-lab='exercises']")
        page.click(f"#ex-list a[data-exercise='{key}']")
        page.wait_for_function(
            "['ready', 'failed'].includes(document.documentElement.dataset.checker)", timeout=120_000
        )
        assert page.evaluate("document.documentElement.dataset.checker") == "ready", page.inner_text("#ex-status")
        page.fill("#ex-code", exercises.get(key).solution)
        page.click("#ex-check")
        expect(page.locator("#ex-verdict")).to_contain_text("✓ Passed.", timeout=60_000)

        # Digits: its test set was never fetched. The lab says which file and why, and what to do.
        page.click("#nav a[data-lab='digits']")
        page.wait_for_function("document.getElementById('dg-data').dataset.state === 'failed'", timeout=60_000)
        message = page.inner_text("#dg-load-message")
        assert "mnist-test.npz is not kept in this browser for offline use" in message, message
        assert "the server cannot be reached" in message and "Keep the data for offline use" in message, message
        assert "Failed to fetch" not in message, message
        assert not [e for e in page.errors if "503" not in e], page.errors
    finally:
        context.close()


def test_keep_the_data_for_offline_use_keeps_every_data_file_with_progress_then_digits_works_offline(browser):
    data = data_on_disk()
    srv = start_server(ROOT)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = open_page(context, srv.url)
        assert wait_offline(page, "ready") == "ready"
        page.wait_for_function(f"{KEEP_LINE}.dataset.state === 'status'")
        page.evaluate(f"""() => {{ window.keepStates = [];
            new MutationObserver(() => window.keepStates.push({KEEP_LINE}.dataset.state))
              .observe({KEEP_LINE}, {{attributes: true, attributeFilter: ['data-state']}}); }}""")
        page.click("#keep-data")
        page.wait_for_function(f"{KEEP_LINE}.dataset.state === 'kept'", timeout=120_000)
        assert "keeping" in page.evaluate("window.keepStates")  # progress was shown on the way
        total = sum(data.values())
        text = page.inner_text("#keep-data-status")
        assert text.startswith(f"Kept for offline use: the labs' data, {len(data)} files, {total / 1e6:.1f} MB"), text
        assert int(page.get_attribute("#keep-data-line", "data-bytes")) == total
        assert page.is_hidden("#keep-data")
        missing = sorted(set(data) - set(kept(page)))
        assert not missing, f"not kept: {missing}"
        print(f"\nkept for offline use: {len(data)} data files, {total / 1e6:.1f} MB")
        srv.stop()

        page.reload()
        wait_ready(page)
        assert wait_offline(page, "offline") == "offline"
        page.wait_for_function(f"{KEEP_LINE}.dataset.state === 'status'")
        assert page.inner_text("#keep-data-status").startswith("Kept too for offline use")
        digits_trains(page)  # the test set, the pretrained network and the training images, from the copy
        page.click("#nav a[data-lab='chapter6']")
        page.wait_for_function("document.getElementById('c6-model-text').textContent.trim() !== ''", timeout=60_000)
        assert "did not load" not in page.inner_text("#lab-chapter6")
        assert not page.errors, page.errors
    finally:
        context.close()
