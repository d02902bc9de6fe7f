"""The local static server: MIME types, the printed URL, and what it refuses to serve."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import serve

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[3]


def start(root: Path, **kw):
    httpd = serve.make_server(root, 0, quiet=True, **kw)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def base_url():
    httpd = start(ROOT)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def status(base_url: str, path: str, host: str | None = None, method: str = "GET") -> int:
    """The status of one raw request (the path is sent exactly as given)."""
    port = int(base_url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path, mime",
    [
        ("index.html", "text/html"),
        ("pyscript.toml", "text/plain"),
        ("worker.toml", "text/plain"),
        ("py/worker/trainer.py", "text/x-python"),
        ("py/app/shell/main.py", "text/x-python"),
        ("static/js/boot.js", "text/javascript"),
        ("static/css/app.css", "text/css"),
        ("static/favicon.svg", "image/svg+xml"),
        ("sw.js", "text/javascript"),
        ("manifest.webmanifest", "application/manifest+json"),
        ("static/icons/icon-192.png", "image/png"),
        ("static/vendor/pyodide/pyodide.mjs", "text/javascript"),
        ("static/vendor/pyodide/pyodide.asm.wasm", "application/wasm"),
        ("static/vendor/pyodide/numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl", "application/zip"),
    ],
)
def test_mime_types(base_url, path, mime):
    need((ROOT / path).exists(), f"{path} not present (./run setup)")
    with urllib.request.urlopen(base_url + path) as r:
        assert r.headers["Content-Type"].split(";")[0] == mime


def test_root_serves_the_page(base_url):
    with urllib.request.urlopen(base_url) as r:
        assert r.status == 200 and b"<html" in r.read(200)


def test_missing_file_is_404(base_url):
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(base_url + "static/nope.js")
    assert e.value.code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/.git/config",
        "/.git/HEAD",
        "/.venv/pyvenv.cfg",
        "/.cache/",
        "/tests/unit/tools/test_serve.py",
        "/tools/serve.py",
        "/README.md",
        "/run",
        "/requirements.txt",
        "/.gitignore",
        "/static/../.git/config",
        "/%2e%2e/.git/config",
        "/static/%2e%2e/run",
        "/py/../run",
    ],
)
def test_only_the_app_is_served(base_url, path):
    assert status(base_url, path) == 404


@pytest.mark.parametrize("path", ["/static/", "/static", "/py/", "/py/app/", "/static/vendor/", "/static/css"])
def test_no_directory_listings(base_url, path):
    assert status(base_url, path) == 404


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost:1", "127.0.0.1:99999", "[::1", ""],
)
def test_other_host_names_are_refused(base_url, host):
    """DNS rebinding: a hostile page's requests carry its own host name; they get nothing."""
    port = base_url.rsplit(":", 1)[1].strip("/")
    assert status(base_url, "/index.html", host=host.format(port=port)) in (400, 421)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "127.0.0.1"])
def test_loopback_host_names_are_served(base_url, host):
    port = base_url.rsplit(":", 1)[1].strip("/")
    assert status(base_url, "/index.html", host=host.format(port=port)) == 200


def test_null_byte_is_400_not_a_dropped_connection(base_url):
    assert status(base_url, "/index.html%00.js") == 400
    assert status(base_url, "/static/%00") == 400


def test_odd_paths_get_an_answer(base_url):
    assert status(base_url, "/static/%ff%fe.js") == 404
    assert status(base_url, "/static/" + "a" * 5000 + ".js") == 404  # longer than a file name may be
    assert status(base_url, "/static/" + "a/" * 3000 + "b.js") == 404  # longer than a path may be


@pytest.fixture
def site(tmp_path):
    """A published-like copy whose static/vendor is a symlink (as in development) and a
    secret outside it."""
    outside = tmp_path / "outside"
    (outside / "vendor").mkdir(parents=True)
    (outside / "vendor/runtime.js").write_text("// runtime")
    (outside / "secret.txt").write_text("secret")
    root = tmp_path / "site"
    (root / "static/css").mkdir(parents=True)
    (root / "py").mkdir()
    (root / "index.html").write_text("<!doctype html><html></html>")
    (root / "static/css/app.css").write_text("body {}")
    (root / "static/vendor").symlink_to(outside / "vendor", target_is_directory=True)
    (root / "static/css/leak.txt").symlink_to(outside / "secret.txt")
    (root / "py/escape").symlink_to(outside, target_is_directory=True)
    (outside / "vendor/leak.txt").symlink_to(outside / "secret.txt")
    (root / "static/css/loop.css").symlink_to(root / "static/css/loop.css")
    httpd = start(root)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_app_roots_may_be_symlinks(site):
    with urllib.request.urlopen(site + "static/vendor/runtime.js") as r:
        assert r.read() == b"// runtime"
    with urllib.request.urlopen(site + "static/css/app.css") as r:
        assert r.status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/leak.txt",
        "/py/escape/secret.txt",
        "/static/vendor/leak.txt",
        "/static/vendor/../secret.txt",
        "/static/vendor/%2e%2e/secret.txt",
        "/static/css/loop.css",
    ],
)
def test_other_symlinks_out_of_the_folder_are_refused(site, path):
    assert status(site, path) == 404


def test_slow_partial_request_is_cut_off():
    """A client trickling a header byte by byte must not keep its thread for ever."""
    httpd = start(ROOT, request_timeout=1.0)
    try:
        sock = socket.create_connection(("127.0.0.1", httpd.server_address[1]), timeout=5)
        sock.sendall(b"GET /index.html HTTP/1.1\r\n")
        started = time.monotonic()
        answer = b""
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            # Each byte arrives well within any per-read time-out; only a deadline for the
            # whole header stops this. Without one it runs for the full 30 s and fails below.
            while time.monotonic() - started < 30:
                sock.sendall(b"X")
                time.sleep(0.1)
                sock.setblocking(False)
                try:
                    chunk = sock.recv(1000)
                    if chunk == b"":
                        raise ConnectionResetError("closed by the server")
                    answer += chunk
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
        sock.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_listen_backlog_takes_a_burst_of_connections():
    """200 connections at once are all queued, even while no thread accepts them yet
    (the default backlog of 5 dropped SYNs, and the client retried after a second)."""
    httpd = serve.make_server(ROOT, 0, quiet=True)  # not serving: nothing accepts
    socks = []
    try:
        for _ in range(200):
            s = socket.socket()
            s.settimeout(0.5)
            s.connect(("127.0.0.1", httpd.server_address[1]))  # raises TimeoutError when the queue is full
            socks.append(s)
    finally:
        for s in socks:
            s.close()
        httpd.server_close()


def test_command_prints_the_url_first():
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tools/serve.py"), "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Serving ") and " at http://127.0.0.1:" in line
        port = int(line.rsplit(":", 1)[1].strip("/\n"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.mark.parametrize("port", ["70000", "-1", "65536", "http", "8000.5"])
def test_bad_port_gives_a_message_not_a_traceback(port):
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools/serve.py"), "--port", port], capture_output=True, text=True, timeout=20
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "port" in out.stderr and "0-65535" in out.stderr


def test_busy_port_gives_a_clear_message():
    httpd = serve.make_server(ROOT, 0, quiet=True)
    try:
        port = httpd.server_address[1]
        out = subprocess.run(
            [sys.executable, str(ROOT / "tools/serve.py"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert out.returncode == 2 and "Try another port" in out.stderr
    finally:
        httpd.server_close()


def _get(base_url: str, path: str, headers: dict | None = None):
    port = int(base_url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/" + path, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "py/app/shell/main.py",
        "static/css/app.css",
        "sw.js",
        "manifest.webmanifest",
        "static/js/runtime-files.json",
    ],
)
def test_text_is_sent_gzipped_when_the_browser_accepts_it(base_url, path):
    import gzip

    status_, headers, body = _get(base_url, path, {"Accept-Encoding": "gzip, deflate, br"})
    assert status_ == 200
    assert headers.get("content-encoding") == "gzip"
    assert int(headers["content-length"]) == len(body)
    assert gzip.decompress(body) == (ROOT / path).read_bytes()
    assert "Accept-Encoding" in headers.get("vary", "")
    # Without Accept-Encoding, the file as it is.
    plain_status, plain_headers, plain = _get(base_url, path)
    assert plain_status == 200 and "content-encoding" not in plain_headers
    assert plain == (ROOT / path).read_bytes()


def test_gzip_refused_with_q0_and_not_applied_to_compressed_formats(base_url):
    _, headers, _ = _get(base_url, "index.html", {"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in headers
    _, headers, body = _get(base_url, "static/icons/icon-192.png", {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in headers
    assert body == (ROOT / "static/icons/icon-192.png").read_bytes()


def test_keep_alive_error_after_a_gzipped_file_has_its_own_length(base_url):
    """One connection: a compressed file, then a 404: the 404's Content-Length is its own."""
    port = int(base_url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/index.html", headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        r.read()
        assert r.getheader("Content-Encoding") == "gzip"
        conn.request("GET", "/no-such-file.html", headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        body = r.read()
        assert r.status == 404
        assert r.getheader("Content-Encoding") is None
        assert int(r.getheader("Content-Length")) == len(body)
    finally:
        conn.close()


def _big_text(n: int) -> bytes:
    """n bytes of compressible text, of varied lines (as a runtime's script is)."""
    return b"".join(b"var x%d = %d;\n" % (i, i * 7) for i in range(n // 12))[:n]


def _wait_gzipped(url: str, timeout: float = 30.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as r:
            if r.headers.get("Content-Encoding") == "gzip":
                return r.read()
        assert time.monotonic() < deadline, f"{url} was never sent compressed"
        time.sleep(0.05)


def test_a_big_file_is_sent_as_it_is_until_its_compressed_copy_is_ready(tmp_path):
    """A request never waits for a big file's compression: the first gets the file as it is
    (and starts the compression in the background), later ones the compressed copy."""
    import gzip

    root = tmp_path / "site"
    (root / "static/js").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html>")
    big = _big_text(serve.INLINE_GZIP + 1000)
    (root / "static/js/big.js").write_bytes(big)
    httpd = start(root)
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/static/js/big.js"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as r:
            assert r.headers.get("Content-Encoding") is None and r.read() == big
        assert gzip.decompress(_wait_gzipped(url)) == big
        # A changed file is compressed again (its old copy is never sent).
        (root / "static/js/big.js").write_bytes(big[::-1])
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as r:
            body = r.read()
            assert (gzip.decompress(body) if r.headers.get("Content-Encoding") else body) == big[::-1]
        assert gzip.decompress(_wait_gzipped(url)) == big[::-1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_runtime_is_compressed_from_the_start_and_holds_up_no_other_file(tmp_path, monkeypatch):
    """static/vendor's big files are compressed in the background from the server's start, so
    the browser's first request for the runtime gets the compressed copy; while one is being
    compressed, a small file is answered at once (one lock for all once made it wait)."""
    import gzip

    root = tmp_path / "site"
    (root / "static/vendor").mkdir(parents=True)
    (root / "static/css").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html>")
    (root / "static/css/app.css").write_text("body { margin: 0 }\n" * 20)
    runtime = _big_text(serve.INLINE_GZIP * 2)
    (root / "static/vendor/runtime.wasm").write_bytes(runtime)
    slow_started = threading.Event()
    real = gzip.compress

    def slow(data, *a, **kw):
        if len(data) > serve.INLINE_GZIP:
            slow_started.set()
            time.sleep(2.0)
        return real(data, *a, **kw)

    monkeypatch.setattr(serve.gzip, "compress", slow)
    httpd = start(root)
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        assert slow_started.wait(5), "the runtime was not compressed from the start"
        t0 = time.monotonic()
        _, headers, body = _get(base, "static/css/app.css", {"Accept-Encoding": "gzip"})
        assert time.monotonic() - t0 < 1.0
        assert (
            headers.get("content-encoding") == "gzip"
            and gzip.decompress(body) == (root / "static/css/app.css").read_bytes()
        )
        assert gzip.decompress(_wait_gzipped(base + "static/vendor/runtime.wasm")) == runtime
    finally:
        httpd.shutdown()
        httpd.server_close()
