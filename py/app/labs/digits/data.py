"""Digits lab downloads: the MNIST splits and other files, with progress in bytes and Retry.

The 10,000 test images are fetched when the lab is first shown, the 50,000
training and 10,000 validation images when training starts. Each download
shows its progress in ``#dg-data`` (data-state, data-file, data-loaded,
data-total, data-percent, data-sets); a failed or damaged one raises
``LoadError``, and ``with_retry`` says why and arms the Retry button.
"""

from __future__ import annotations

import asyncio
import json

from app.labs.digits.state import SPLIT_LABELS, message, state
from app.ui import files
from app.ui.dom import by_id, set_text
from app.ui.text import format_megabytes
from nnfs.data import mnist

DATA_DIR = files.DATA_DIR


class LoadError(Exception):
    """A download failed or gave a damaged file; the message says which and why."""


def show_progress(label: str, loaded: int, total: int, state_name: str = "loading") -> None:
    box = state.els["data"]
    bar = state.els["load-progress"]
    total_shown = max(total, loaded)
    bar.max = max(total_shown, 1)
    bar.value = loaded
    pct = 100.0 * loaded / total_shown if total_shown else 0.0
    if total:
        text = f"{label}: {format_megabytes(loaded)} of {format_megabytes(total_shown)} ({pct:.0f} %)"
    else:
        text = f"{label}: {format_megabytes(loaded)}"
    set_text("dg-load-text", text)
    box.setAttribute("data-state", state_name)
    box.setAttribute("data-file", label)
    box.setAttribute("data-loaded", str(loaded))
    box.setAttribute("data-total", str(total_shown))
    box.setAttribute("data-percent", f"{pct:.1f}")


async def fetch_bytes(
    url: str, label: str, expected_bytes: int | None = None, missing_ok: bool = False
) -> bytes | None:
    """The bytes at ``url`` with the progress bar in bytes; a failure is a LoadError naming ``label``."""
    try:
        return await files.fetch_bytes(
            url, lambda loaded, total: show_progress(label, loaded, total), expected_bytes, missing_ok
        )
    except files.FetchError as e:
        raise LoadError(f"{label}: {e}.") from None


async def _load_manifest() -> None:
    """Sizes and sha256 sums of the data files (written by tools/prepare_mnist.py), if present."""
    if state.manifest is not None:
        return
    try:
        text = await fetch_bytes(DATA_DIR + "MANIFEST.json", "Data list", missing_ok=True)
        state.manifest = json.loads(text).get("files", {}) if text else {}
    except (LoadError, ValueError):
        state.manifest = {}  # the sums are a bonus check; load_npz validates the files anyway


async def load_split(split: str) -> None:
    """Download one split once: a second caller while it loads waits for the same download."""
    if split in state.data:
        return
    task = state.downloads.get(split)
    if task is None or task.done():  # never started, or failed last time (Retry)
        task = asyncio.ensure_future(_download_split(split))
        state.downloads[split] = task
    await task


async def _download_split(split: str) -> None:
    await _load_manifest()
    name = mnist.SPLIT_FILES[split]
    info = (state.manifest or {}).get(name, {})
    label = f"{SPLIT_LABELS[split]} ({mnist.SPLIT_SIZES[split]:,} images)"
    data = await fetch_bytes(DATA_DIR + name, label, info.get("bytes"))
    set_text("dg-load-text", f"{label}: checking and unpacking…")
    await asyncio.sleep(0)
    try:
        images, labels = mnist.load_split_bytes(split, data, state.manifest)
    except ValueError as e:
        raise LoadError(f"{label}: {e}") from None
    state.data[split] = (images, labels)
    state.failures.pop(split, None)  # loaded at last (by Retry or by Train): no longer a failure
    if split == "test":
        by_id("dg-test-retry").hidden = True
    state.loaded_bytes[f"{SPLIT_LABELS[split].lower()}"] = len(data)
    box = state.els["data"]
    box.setAttribute("data-sets", ",".join(s for s in ("test", "train", "validation") if s in state.data))
    show_progress(label, len(data), len(data))


def data_ready() -> None:
    """Say what is loaded once the downloads in progress are done."""
    box = state.els["data"]
    box.setAttribute("data-state", "ready")
    parts = [f"{name} {format_megabytes(n)}" for name, n in state.loaded_bytes.items()]
    total = sum(state.loaded_bytes.values())
    set_text("dg-load-text", f"Loaded {format_megabytes(total)} (100 %): {', '.join(parts)}.")


async def with_retry(action) -> bool:
    """Run a loading coroutine; on failure say why and arm the Retry button. True on success."""
    message("dg-load-message", "")
    by_id("dg-load-retry").hidden = True
    try:
        await action()
        return True
    except LoadError as e:
        state.els["data"].setAttribute("data-state", "failed")
        message("dg-load-message", str(e), "bad")
        state.retry = action
        by_id("dg-load-retry").hidden = False
        return False


async def retry_clicked(_event) -> None:
    if state.retry is not None:
        await with_retry(state.retry)
