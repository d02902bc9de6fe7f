"""Serve the app as a static site on http://127.0.0.1:<port>/.

    python tools/serve.py [--port 8000] [--root DIR] [--quiet]

A plain static server (the app needs nothing else) that sets the MIME types
itself, because the operating system's tables can be wrong (on Windows the
registry may map ``.js`` to ``text/plain``, which browsers refuse for modules).
``--port 0`` picks a free port; the first line printed is always
``Serving <root> at http://127.0.0.1:<port>/`` so scripts and tests can read it.

It runs on a developer's machine next to everything else they have open, so it
serves only what the page needs and nothing else of the folder:

* only ``index.html``, ``pyscript.toml``, ``worker.toml``, ``py/`` and ``static/`` (a published
  copy holds the same), never ``.git/``, ``.venv/``, ``tests/``...; no listings;
* only requests whose ``Host`` is the loopback name it serves, so a hostile web
  page cannot reach it through DNS rebinding (its requests carry its own name);
* no symlink out of the folder, except the app's own roots (``static/vendor``,
  ``static/data``... are links in development worktrees), each resolved once;
* compressed (gzip) when the browser accepts it, for the types a real host
  compresses (text, scripts, JSON, WebAssembly), so local use transfers what a
  published copy does; each file is compressed once and kept while unchanged.
  A request never waits for a big file's compression: files over ``INLINE_GZIP``
  bytes (the runtime's 8.6 MB ``pyodide.asm.wasm`` took 0.3-0.65 s at level 6
  here) are compressed in the background, from the server's start for the
  runtime's own (``static/vendor``), and served as they are until their copy
  is ready; small files are compressed on the spot, each under its own lock
  (one lock for all once held every script behind the runtime's compression);
* a null byte in the path gets 400 rather than a dropped connection; a request
  whose header takes longer than ``REQUEST_TIMEOUT`` seconds is cut off (a
  client trickling bytes must not hold a thread forever); the listen backlog is
  large enough for a page's burst of parallel fetches.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import posixpath
import socket
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bundle  # tools/bundle.py, beside this file (tools/ is on the path wherever serve is imported)

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOOPBACK_NAMES = {"127.0.0.1", "localhost"}  # what a browser on this machine sends
# What the page needs, as URL paths. Each is resolved on its own, so these may be
# symlinks (static/vendor and static/data are, in development worktrees); any
# other link is followed only if it stays inside the root it belongs to.
SERVED_FILES = ("index.html", "pyscript.toml", "worker.toml", "sw.js", "manifest.webmanifest")
# What a published copy holds (README, "Publishing"): the files above and these two folders.
PUBLISHED = SERVED_FILES + ("py", "static")
SERVED_DIRS = ("py", "static", "static/vendor", "static/data", "static/models", "static/css", "static/js")
REQUEST_TIMEOUT = 10.0  # seconds to receive a whole request header
INLINE_GZIP = 256 * 1024  # bytes: larger files are compressed in the background (see above)
PRECOMPRESSED_DIRS = ("static/vendor",)  # compressed from the server's start: the runtime, asked for first
IO_TIMEOUT = 60.0  # seconds for any one read or write once the request is in

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".toml": "text/plain; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".npz": "application/octet-stream",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}
# Worth compressing: what a static host compresses (wheels, zips, .npz and PNGs already are).
COMPRESSED = {".html", ".js", ".mjs", ".css", ".json", ".toml", ".py", ".wasm", ".svg", ".txt", ".md", ".webmanifest"}


def port_number(text: str) -> int:
    """argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: use 0-65535 (0 = any free port)")
    return port


class _DeadlineReader:
    """The request's input, read straight from the socket so that every byte counts
    against the handler's deadline (a buffered file's per-read time-out restarts with
    each byte, so a client trickling one byte a second would never time out)."""

    def __init__(self, sock, handler):
        self._sock = sock
        self._handler = handler
        self._buf = b""

    def _fill(self) -> bool:
        left = self._handler.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request header too slow")
        self._sock.settimeout(min(left, IO_TIMEOUT))
        chunk = self._sock.recv(65536)
        self._buf += chunk
        return bool(chunk)

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self._buf and (limit < 0 or len(self._buf) < limit) and self._fill():
            pass
        end = self._buf.find(b"\n") + 1 or len(self._buf)
        if limit >= 0:
            end = min(end, limit)
        line, self._buf = self._buf[:end], self._buf[end:]
        return line

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buf) < size) and self._fill():
            pass
        size = len(self._buf) if size < 0 else size
        data, self._buf = self._buf[:size], self._buf[size:]
        return data

    def close(self):
        pass


class Handler(SimpleHTTPRequestHandler):
    """Static files of the app only, with explicit MIME types; quiet unless asked."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    quiet = False
    request_timeout = REQUEST_TIMEOUT
    timeout = IO_TIMEOUT
    deadline = 0.0

    def setup(self):
        super().setup()
        self.rfile = _DeadlineReader(self.connection, self)

    def handle_one_request(self):
        self.deadline = time.monotonic() + self.request_timeout
        try:
            super().handle_one_request()
        except TimeoutError:
            # Closed on purpose; a 408 tells a real (slow) client why.
            self.close_connection = True
            try:
                self.wfile.write(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
            return

    # -- what may be served -------------------------------------------------------------
    def parse_request(self):
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if host is not None and not self.server.host_allowed(host):
            self.send_error(
                HTTPStatus.MISDIRECTED_REQUEST,
                f"This server answers only to http://{HOST}:{self.server.server_address[1]}/",
            )
            return False
        # The header is in: from now on only per-operation time-outs (big files, slow links).
        self.connection.settimeout(IO_TIMEOUT)
        return True

    def send_head(self):
        self._gzipped = None  # a connection serves many requests: nothing carries over
        self._local = None
        if "\x00" in self.path or "%00" in self.path:
            self.send_error(HTTPStatus.BAD_REQUEST, "Null byte in the path")
            return None
        try:
            local = self.server.resolve(self.path)
        except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop...
            local = None
        if local is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        self._local = local
        self._gzipped = None
        if local.suffix.lower() in COMPRESSED and self.accepts_gzip():
            self._gzipped = self.server.gzipped(local)
        return super().send_head()

    def accepts_gzip(self) -> bool:
        for part in self.headers.get("Accept-Encoding", "").split(","):
            name, _, q = part.strip().partition(";")
            if name.strip().lower() == "gzip" and q.replace(" ", "") not in ("q=0", "q=0.0"):
                return True
        return False

    def send_header(self, keyword, value):
        # SimpleHTTPRequestHandler announces the file's own length; a compressed body has its own.
        if getattr(self, "_gzipped", None) is not None and keyword.lower() == "content-length":
            super().send_header("Content-Encoding", "gzip")
            value = str(len(self._gzipped))
        super().send_header(keyword, value)

    def copyfile(self, source, outputfile):
        if getattr(self, "_gzipped", None) is not None:
            outputfile.write(self._gzipped)
        else:
            super().copyfile(source, outputfile)

    def translate_path(self, path):
        # send_head resolved it (with the rules above) before SimpleHTTPRequestHandler asks.
        return str(getattr(self, "_local", None) or self.server.dead_end)

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def guess_type(self, path):
        suffix = Path(str(path)).suffix.lower()
        return MIME_TYPES.get(suffix) or super().guess_type(path)

    def end_headers(self):
        # Revalidate on every load (cheap 304s): a developer never sees a stale module.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        local = getattr(self, "_local", None)
        if local is not None and local.suffix.lower() in COMPRESSED:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    # A cold start fetches dozens of files at once; the default backlog of 5 made
    # every sixth of 200 parallel connections wait for a 1 s SYN retry.
    request_queue_size = 1024

    def __init__(self, address, handler, root: Path):
        self.root = Path(root)
        self.served_files = {name: (self.root / name).resolve() for name in SERVED_FILES}
        # Longest first, so static/vendor/x is judged by static/vendor's own target.
        self.served_dirs = sorted(((d, (self.root / d).resolve()) for d in SERVED_DIRS), key=lambda item: -len(item[0]))
        self.dead_end = self.root / ".not-served"
        self._gzip_cache: dict[Path, tuple[tuple[int, int], bytes]] = {}
        self._gzip_locks: dict[Path, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._compressing: set[Path] = set()  # big files being compressed in the background
        super().__init__(address, handler)

    def gzipped(self, path: Path) -> bytes | None:
        """The file compressed, from memory while it is unchanged (size and mtime); None when
        it cannot be read, or is big and its copy is not ready yet (then it is being made in the
        background, and the file is sent as it is meanwhile)."""
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (st.st_size, st.st_mtime_ns)
        hit = self._gzip_cache.get(path)
        if hit and hit[0] == stamp:
            return hit[1]
        if st.st_size > INLINE_GZIP:
            self.compress_later(path)
            return None
        return self._compress(path, stamp)

    def _compress(self, path: Path, stamp: tuple[int, int]) -> bytes | None:
        """Compress ``path`` once per version: two requests for it wait for one compression,
        and no other file waits for it."""
        with self._locks_lock:
            lock = self._gzip_locks.setdefault(path, threading.Lock())
        with lock:
            hit = self._gzip_cache.get(path)
            if hit and hit[0] == stamp:
                return hit[1]
            try:
                body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            except OSError:
                return None
            self._gzip_cache[path] = (stamp, body)
            return body

    def compress_later(self, *paths: Path) -> None:
        """Compress these files in a background thread (each once, however often asked)."""
        with self._locks_lock:
            todo = [p for p in paths if p not in self._compressing]
            self._compressing.update(todo)
        if not todo:
            return

        def work() -> None:
            for path in todo:
                try:
                    st = path.stat()
                    self._compress(path, (st.st_size, st.st_mtime_ns))
                except OSError:
                    pass
                finally:
                    with self._locks_lock:
                        self._compressing.discard(path)

        threading.Thread(target=work, name="serve-gzip", daemon=True).start()

    def precompress(self) -> list[Path]:
        """Start compressing the runtime's big files (``PRECOMPRESSED_DIRS``) in the
        background: a browser asks for them first, and must not wait for them."""
        big = []
        for prefix, base in self.served_dirs:
            if prefix in PRECOMPRESSED_DIRS and base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.suffix.lower() in COMPRESSED and path.is_file() and path.stat().st_size > INLINE_GZIP:
                        big.append(path.resolve())
        self.compress_later(*big)
        return big

    def host_allowed(self, host: str) -> bool:
        try:
            parts = urllib.parse.urlsplit("//" + host.strip())
            name, port = parts.hostname, parts.port
        except ValueError:
            return False
        return name in LOOPBACK_NAMES and port in (None, self.server_address[1])

    def resolve(self, url_path: str) -> Path | None:
        """The file a URL path names, or None when it is not one the app serves."""
        try:
            path = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None
        path = posixpath.normpath("/" + path).lstrip("/")
        if path in ("", "."):
            path = "index.html"
        if path in bundle.BUNDLES:  # the modules' archive, remade if a module changed since
            bundle.ensure(self.root, path)
        if path in self.served_files:
            target = self.served_files[path]
            return target if target.is_file() else None
        for prefix, base in self.served_dirs:
            if path.startswith(prefix + "/"):
                target = (base / path[len(prefix) + 1 :]).resolve()
                if target.is_file() and target.is_relative_to(base):
                    return target
                return None
        return None

    def handle_error(self, request, client_address):
        # A browser that stops reading (a cancelled download, a closed tab) is normal, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, socket.timeout)):
            return
        super().handle_error(request, client_address)


def make_server(
    root: Path = ROOT, port: int = 8000, quiet: bool = False, request_timeout: float = REQUEST_TIMEOUT
) -> Server:
    handler = type("AppHandler", (Handler,), {"quiet": quiet, "request_timeout": request_timeout})
    server = Server((HOST, port), functools.partial(handler, directory=str(root)), root)
    server.precompress()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the app locally.")
    parser.add_argument(
        "--port", type=port_number, default=8000, help="port to listen on, 0-65535 (0 = any free port; default 8000)"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="folder to serve (default: the repository)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if not (args.root / "index.html").exists():
        print(f"error: {args.root} has no index.html", file=sys.stderr)
        return 2
    try:
        server = make_server(args.root, args.port, args.quiet)
    except OSError as e:
        print(
            f"error: cannot listen on {HOST}:{args.port}: {e.strerror}. Try another port: --port 8001", file=sys.stderr
        )
        return 2
    port = server.server_address[1]
    print(f"Serving {args.root} at http://{HOST}:{port}/", flush=True)
    print("Open that address in a browser. Press Ctrl+C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped.")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
