"""Write static/js/runtime-files.json: the size and sha256 of every vendored runtime file.

    python tools/runtime_files.py          # rewrite it from tools/runtime-manifest.json
    python tools/runtime_files.py --check  # exit 1 if it is out of date

When Python cannot start, the start-up watchdog (static/js/boot.js) fetches each
runtime file again and compares it with this list, so the page can say *which*
file is missing, cut short or damaged, and that ``./run setup`` fixes it. The
sums come from tools/runtime-manifest.json (the set-up step's own source of
truth); the sizes from the files themselves, after their sums are checked, so a
browser without ``crypto.subtle`` (a page served over plain http to another
machine) can still catch a truncated file. The output is committed: the page
needs it before anything has been set up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tools" / "runtime-manifest.json"
OUTPUT = ROOT / "static" / "js" / "runtime-files.json"


def build(root: Path = ROOT) -> dict:
    """The JSON the page reads, from the manifest and the verified files under ``root``."""
    manifest = json.loads((root / "tools" / "runtime-manifest.json").read_text())
    files = []
    for path, entry in sorted(manifest["files"].items()):
        data = (root / path).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise SystemExit(f"error: {path} does not match runtime-manifest.json: run ./run setup first")
        files.append({"url": "./" + path, "bytes": len(data), "sha256": entry["sha256"]})
    return {
        "about": "Written by tools/runtime_files.py from tools/runtime-manifest.json; "
        "static/js/boot.js checks the runtime against it when start-up fails.",
        "files": files,
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python tools/runtime_files.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(json.loads(text)['files'])} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
