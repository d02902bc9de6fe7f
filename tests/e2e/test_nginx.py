"""The app on a real static web server: nginx (Debian's package), under a URL prefix, gzip on.

The test writes a throw-away nginx configuration (Debian's default mime.types, gzip
on for the types a host compresses, the site aliased at /some/prefix/), starts nginx
on a free port, runs the smoke test of every lab and a short Digits training there,
and stops it. The site is exactly what is published: the files tools/serve.py serves
(``PUBLISHED``). Skipped with the reason when nginx is not installed (``./run test``
installs it when it runs as root on Debian); under CI=true that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from serve import PUBLISHED

from ..conftest import need
from .conftest import READY_TIMEOUT_MS, ROOT
from .smoke import digits_trains, every_lab_opens_and_draws

PREFIX = "/some/prefix/"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
)

CONFIG = """
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format sizes '$uri $status $body_bytes_sent';
  access_log {tmp}/access.log sizes;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  gzip on;  # .py and .toml have no type of their own in mime.types: octet-stream
  gzip_types text/css application/javascript text/javascript application/json application/wasm
             text/plain image/svg+xml application/manifest+json application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    location {prefix} {{ alias {site}/; }}
    # Debian's nginx 1.22 mime.types has no .mjs, and browsers run a module only when it
    # comes as JavaScript: the one line a host of this nginx needs (README, "Publishing").
    location ~ ^{prefix}(.+\\.mjs)$ {{ alias {site}/$1; types {{ }} default_type text/javascript; }}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    need(
        NGINX is not None,
        "nginx is not installed (Debian: sudo apt-get install nginx; ./run test installs it when run as root)",
    )
    need((ROOT / "static" / "data" / "mnist-train.npz").exists(), "MNIST data not prepared (./run setup)")
    site = tmp_path / "site"  # what is published, linked (nginx follows links)
    site.mkdir()
    for name in PUBLISHED:
        os.symlink(ROOT / name, site / name)
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        CONFIG.format(user="user root;" if os.geteuid() == 0 else "", tmp=tmp_path, port=port, prefix=PREFIX, site=site)
    )
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.communicate()[0].decode(errors="replace")
                pytest.fail(f"nginx did not start: {out}\n{(tmp_path / 'error.log').read_text()}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}{PREFIX}", tmp_path / "access.log"
    finally:
        proc.terminate()  # this process, by its id
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_every_lab_and_digits_training_under_nginx_with_a_prefix_and_gzip(browser, nginx):
    url, access_log = nginx
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors, encodings = [], {}
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: encodings.__setitem__(r.url.split("/")[-1], r.headers.get("content-encoding")))
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.ready", timeout=READY_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.dataset.ready") == "true", page.inner_text("#fatal")
        page.wait_for_function("document.documentElement.dataset.labsReady", timeout=READY_TIMEOUT_MS)
        cold = sum(int(line.split()[2]) for line in access_log.read_text().splitlines())
        every_lab_opens_and_draws(page)
        digits_trains(page)
        # Compressed on the way: the runtime's big text-like files.
        assert encodings.get("pyodide.asm.wasm") == "gzip", encodings
        assert encodings.get("pyodide.asm.js") == "gzip"
        assert encodings.get("main.py") == "gzip"
        wasm = (ROOT / "static/vendor/pyodide/pyodide.asm.wasm").stat().st_size
        sent = {}
        for line in access_log.read_text().splitlines():
            uri, status, size = line.split()
            sent[uri] = int(size)
        assert sent[PREFIX + "static/vendor/pyodide/pyodide.asm.wasm"] < wasm / 2
        # Every path the page asked for was under the prefix, and found.
        bad = [
            line
            for line in access_log.read_text().splitlines()
            if not line.startswith(PREFIX) or line.split()[1] not in ("200", "304")
        ]
        assert not bad, bad
        print(f"\nnginx, gzip on: {cold / 1e6:.1f} MB transferred for a cold start to ready")
        assert page.evaluate("document.documentElement.dataset.offline") in (None, "caching", "ready", "current")
        assert not errors, errors
    finally:
        context.close()
