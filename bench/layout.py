"""Benchmark: the page's matrix layout (nnfs.maths.linalg) on and off, side by side in the page.

    .venv/bin/python bench/layout.py

Opens bench/layout.html in headless Chromium (the vendored Pyodide + numpy,
no BLAS), which times one epoch of [784, 100, 10] at mini-batch 100 and of
[784, 30, 10] at mini-batch 10 on 10,000 uint8 images with the plain ``@``
products and with the contiguous einsum layout, alternating, 3 times each;
prints the medians and the ratio.
The same run in CPython is printed beside it (there ``@`` uses OpenBLAS).
"""

from __future__ import annotations

import functools
import json
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "tools"), str(ROOT / "bench")]

MIME = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".py": "text/plain",
    ".whl": "application/zip",
    ".zip": "application/zip",
}


def page_layout() -> dict:
    from browser import find_chromium
    from playwright.sync_api import sync_playwright

    handler = type(
        "H",
        (SimpleHTTPRequestHandler,),
        {"extensions_map": {**SimpleHTTPRequestHandler.extensions_map, **MIME}, "log_message": lambda *a: None},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(ROOT)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/bench/layout.html"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function(
                "document.documentElement.dataset.result || document.documentElement.dataset.error", timeout=600_000
            )
            error = page.evaluate("document.documentElement.dataset.error")
            if error:
                raise RuntimeError(f"the benchmark page failed: {error}")
            result = json.loads(page.evaluate("document.documentElement.dataset.result"))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


def report(where: str, case: str, result: dict) -> None:
    m = {k: statistics.median(v) for k, v in result["times"].items()}
    scale = 50_000 / result["rows"]
    print(
        f"| {where} | {case} | {m['matmul'] * scale:.2f} s | {m['contiguous'] * scale:.2f} s | "
        f"{m['matmul'] / m['contiguous']:.2f}x |"
    )


def main() -> int:
    import layout_page

    print("One epoch per 50,000 images, cross-entropy (timed on 10,000; median of 3, the two layouts alternating):\n")
    print("| where | network | `@` products | contiguous einsum layout | speed-up |")
    print("|---|---|---|---|---|")
    t0 = time.perf_counter()
    page = page_layout()
    for case, result in page.items():
        report("the page (Pyodide 0.29, numpy without BLAS)", case, result)
    for case, result in layout_page.run_cases().items():
        report("CPython (numpy with OpenBLAS)", case, result)
    worst = max(
        abs(a - b) / abs(a) for r in page.values() for a, b in zip(r["sums"]["matmul"], r["sums"]["contiguous"])
    )
    print(
        f"\nWeight sums after the epoch, the two layouts in the page: largest relative difference "
        f"{worst:.1e}. The app uses the einsum layout in the page only. ({time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
