"""Serve the app as a static site on http://127.0.0.1:<port>/.

    python tools/serve.py [--port 8000] [--root DIR] [--quiet]

A plain static server (the app needs nothing else) that sets the MIME types
itself, because the operating system's tables can be wrong (on Windows the
registry may map ``.js`` to ``text/plain``, which browsers refuse for modules).
``--port 0`` picks a free port; the first line printed is always
``Serving <root> at http://127.0.0.1:<port>/`` so scripts and tests can read it.
"""

from __future__ import annotations

import argparse
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
}


class Handler(SimpleHTTPRequestHandler):
    """Static files with explicit MIME types; quiet unless asked."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    quiet = False

    def guess_type(self, path):
        suffix = Path(str(path)).suffix.lower()
        return MIME_TYPES.get(suffix) or super().guess_type(path)

    def end_headers(self):
        # Revalidate on every load (cheap 304s): a developer never sees a stale module.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that stops reading (a cancelled download, a closed tab) is normal, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def make_server(root: Path = ROOT, port: int = 8000, quiet: bool = False) -> Server:
    handler = functools.partial(type("QuietHandler", (Handler,), {"quiet": quiet}), directory=str(root))
    return Server(("127.0.0.1", port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the app locally.")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0 = any free port; default 8000)")
    parser.add_argument("--root", type=Path, default=ROOT, help="folder to serve (default: the repository)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if not (args.root / "index.html").exists():
        print(f"error: {args.root} has no index.html", file=sys.stderr)
        return 2
    try:
        server = make_server(args.root, args.port, args.quiet)
    except OSError as e:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {e.strerror}. Try another port: --port 8001",
              file=sys.stderr)
        return 2
    port = server.server_address[1]
    print(f"Serving {args.root} at http://127.0.0.1:{port}/", flush=True)
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
