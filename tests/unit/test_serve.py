"""The local static server: MIME types and the printed URL."""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

import serve

from ..conftest import need

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base_url():
    httpd = serve.make_server(ROOT, 0, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path, mime", [
    ("index.html", "text/html"),
    ("pyscript.toml", "text/plain"),
    ("py/app/main.py", "text/x-python"),
    ("static/js/boot.js", "text/javascript"),
    ("static/css/app.css", "text/css"),
    ("static/favicon.svg", "image/svg+xml"),
    ("static/vendor/pyodide/pyodide.mjs", "text/javascript"),
    ("static/vendor/pyodide/pyodide.asm.wasm", "application/wasm"),
    ("static/vendor/pyodide/numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl", "application/zip"),
])
def test_mime_types(base_url, path, mime):
    need((ROOT / path).exists(), f"{path} not present (./run setup)")
    with urllib.request.urlopen(base_url + path) as r:
        assert r.headers["Content-Type"].split(";")[0] == mime


def test_missing_file_is_404(base_url):
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(base_url + "static/nope.js")
    assert e.value.code == 404


def test_command_prints_the_url_first():
    proc = subprocess.Popen([sys.executable, str(ROOT / "tools/serve.py"), "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Serving ") and " at http://127.0.0.1:" in line
        port = int(line.rsplit(":", 1)[1].strip("/\n"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(5)


def test_busy_port_gives_a_clear_message():
    httpd = serve.make_server(ROOT, 0, quiet=True)
    try:
        port = httpd.server_address[1]
        out = subprocess.run([sys.executable, str(ROOT / "tools/serve.py"), "--port", str(port)],
                             capture_output=True, text=True, timeout=20)
        assert out.returncode == 2 and "Try another port" in out.stderr
    finally:
        httpd.server_close()
